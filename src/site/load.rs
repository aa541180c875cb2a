//! Reads `sites/*.yaml`, turns parse errors into located diagnostics, and hands the typed result to the
//! validator. Every file is read even after an error, so one run shows every problem.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::limits;
use super::locate::Locator;
use super::model::Collection;
use super::raw::{RawCollection, RawSite};
use super::source::{YamlFile, token_width};
use super::validate;
use crate::messages::Msg;
use crate::report::{Diagnostic, InvalidCollection, Pos, Report, relative, suggest};

/// Name of the collection file inside `sites/`.
pub const COLLECTION_FILE: &str = "collection.yaml";

/// Loads and checks the collection in `root` (the folder with `sites/` and `content/`).
///
/// Returns every problem found when anything is wrong.
pub fn load(root: &Path) -> Result<Collection, InvalidCollection> {
    let mut report = Report::default();
    let sites_dir = root.join("sites");
    if !sites_dir.is_dir() {
        // Most likely disan was started in the wrong folder: say so once instead of listing every file
        // that is missing.
        report.push(Diagnostic::file(root, Msg::NotACollection).with_hint(Msg::HintNotACollection));
        return Err(InvalidCollection { report });
    }
    let collection = read_yaml::<RawCollection>(root, &sites_dir.join(COLLECTION_FILE), &mut report);
    let mut sites = Vec::new();
    // Site files that could not be read: what they hold is unknown, so nothing is said about it.
    let mut unread: Vec<String> = Vec::new();
    match site_files(&sites_dir) {
        Ok(files) => {
            for path in files {
                match read_yaml::<RawSite>(root, &path, &mut report) {
                    Some(parsed) => sites.push(parsed),
                    None => unread.extend(path.file_stem().map(|s| s.to_string_lossy().into_owned())),
                }
            }
        }
        Err(why) => report.push(Diagnostic::file(relative(root, &sites_dir), Msg::CannotReadSites { why })),
    }
    let links_path = sites_dir.join(super::links::LINKS_FILE);
    let mut links =
        if links_path.exists() { read_yaml::<super::links::RawLinks>(root, &links_path, &mut report) } else { None };
    // A code printed for a site whose file is unreadable may still be on that site's placards: advising to
    // retire it would be wrong (and could break placards), so the registry skips those sites this run.
    if let Some((_, registry)) = &mut links {
        registry.codes.retain(|_, link| !unread.contains(&link.site));
    }
    let resolved = collection.and_then(|c| validate::collection(root, c, sites, links, &mut report));
    match resolved {
        Some(mut c) if report.is_empty() => {
            c.warnings = report.take_warnings();
            Ok(c)
        }
        _ => {
            if report.is_empty() {
                report.push(Diagnostic::file(relative(root, &sites_dir), Msg::CollectionUnreadable));
            }
            Err(InvalidCollection { report })
        }
    }
}

/// The site files in `sites/`, sorted, without the collection file.
fn site_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| e.to_string())?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let is_yaml = p.extension().is_some_and(|x| x == "yaml" || x == "yml");
            is_yaml && p.file_name().is_some_and(|n| n != COLLECTION_FILE && n != super::links::LINKS_FILE)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// How many mistakes in one file are stepped over (each by setting the offending key aside) before the
/// rest of the file is given up on.
const MAX_REPAIRS: usize = 64;

/// Reads and parses one file; on failure records located diagnostics and returns `None`.
///
/// A mistake in the file's content (a misspelt key, a value of the wrong kind) is reported and then set
/// aside in a working copy of the text, and parsing starts again, so one misspelling does not hide the
/// file's other errors. A misspelt key with a clear intended spelling is read under that spelling. A file
/// the YAML parser cannot read at all gives its syntax error only: nothing is guessed about its content.
fn read_yaml<T: DeserializeOwned>(root: &Path, path: &Path, report: &mut Report) -> Option<(YamlFile, T)> {
    let file = relative(root, path);
    if let Ok(meta) = fs::metadata(path)
        && meta.len() > limits::MAX_YAML_BYTES
    {
        report.push(
            Diagnostic::file(
                &file,
                Msg::YamlTooBig { kb: meta.len().div_ceil(1024), limit_kb: limits::MAX_YAML_BYTES / 1024 },
            )
            .with_hint(Msg::HintYamlSize),
        );
        return None;
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.push(Diagnostic::file(&file, Msg::CannotReadFile { why: e.to_string() }));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let pos = pos_of_offset(&text, offset);
            report.push(Diagnostic::at(&file, &text, pos, 1, Msg::NotUtf8).with_hint(Msg::HintUtf8));
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    if let Some(pos) = limits::too_deep(&text) {
        report.push(
            Diagnostic::at(&file, &text, pos, 1, Msg::YamlTooDeep { depth: limits::MAX_DEPTH })
                .with_hint(Msg::HintYamlDepth),
        );
        return None;
    }
    let locator = Locator::new(&text);
    let mut source = YamlFile { file: file.clone(), text, locator };
    let mut structural = false;
    for pos in &source.locator.tabs {
        structural = true;
        report.push(Diagnostic::at(&file, &source.text, *pos, 1, Msg::TabIndentation).with_hint(Msg::HintTab));
    }
    let mut lines: Vec<String> = source.text.lines().map(str::to_owned).collect();
    for (path, first, second) in &source.locator.duplicates {
        let key = path.rsplit(['.', ']']).next().unwrap_or(path);
        report.push(
            Diagnostic::at(&file, &source.text, *second, key.chars().count(), Msg::DuplicateKey { key: key.into() })
                .with_hint(Msg::HintDuplicate { key: key.into(), line: first.line }),
        );
        // The first value counts; the second is set aside so the rest of the file is still checked.
        set_aside(&mut lines, *second);
    }
    // Syntax first: a file the parser cannot read yields that one error and nothing about its content.
    if let Err(e) = yaml_serde::from_str::<yaml_serde::Value>(&lines.join("\n")) {
        let message = e.to_string();
        let on_tab_line = e.location().is_some_and(|l| source.locator.tabs.iter().any(|t| t.line == l.line()));
        let known = structural && (message.contains("duplicate") || on_tab_line);
        if !known {
            report.push(parse_diagnostic(&source, &e, &[]));
        }
        return None;
    }
    // Keys renamed to their intended spelling: (line, column, characters added), to map later columns back.
    let mut shifts: Vec<(usize, usize, isize)> = Vec::new();
    // Keys set aside, with the list item holding them (dropped whole if the key turns out required).
    let mut aside: Vec<(String, Option<Pos>)> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let working = lines.join("\n");
        let e = match yaml_serde::from_str::<T>(&working) {
            Ok(value) => {
                source.locator = Locator::new(&working);
                return Some((source, value));
            }
            Err(e) => e,
        };
        let diag = parse_diagnostic(&source, &e, &shifts);
        let Some(pos) = e.location().filter(|l| l.line() > 0).map(|l| Pos { line: l.line(), col: l.column().max(1) })
        else {
            report.push(diag);
            return None;
        };
        if let Msg::MissingField { key: quoted } = &diag.message {
            let quoted = quoted.clone();
            match aside.iter().find(|(k, _)| *k == quoted) {
                // The key set aside was required: drop the list item holding it, or stop here.
                Some((_, Some(item))) => {
                    let item = *item;
                    aside.retain(|(k, _)| *k != quoted);
                    if set_aside(&mut lines, item) {
                        continue;
                    }
                    return None;
                }
                Some((_, None)) => return None,
                None => {
                    report.push(diag);
                    return None;
                }
            }
        }
        if let Msg::UnknownKey { key: quoted } = &diag.message {
            let quoted = quoted.clone();
            let intended = match &diag.hint {
                Some(Msg::DidYouMean { word }) => Some(word.clone()),
                _ => None,
            };
            let intended = intended.as_deref();
            report.push(diag.clone());
            let here = Locator::new(&working);
            let free = intended.filter(|s| {
                here.path_at(pos).is_some_and(|p| {
                    let parent = p.rsplit_once('.').map(|(parent, _)| format!("{parent}.")).unwrap_or_default();
                    here.exact(&format!("{parent}{s}")).is_none()
                })
            });
            if let Some(s) = free
                && rename(&mut lines, pos, &quoted, s)
            {
                shifts.push((pos.line, pos.col, s.chars().count() as isize - quoted.chars().count() as isize));
                continue;
            }
            aside.push((quoted, item_of(&lines, pos)));
            if set_aside(&mut lines, pos) {
                continue;
            }
            return None;
        }
        // A value of the wrong kind: report it and set its key aside.
        report.push(diag);
        match key_of_value(&lines, pos) {
            Some((key_pos, key)) => {
                aside.push((key, item_of(&lines, key_pos)));
                if !set_aside(&mut lines, key_pos) {
                    return None;
                }
            }
            None => return None,
        }
    }
    None
}

/// Blanks the key or item starting at `pos` and everything nested under it, keeping line numbers.
/// Returns false when there was nothing to blank.
fn set_aside(lines: &mut [String], pos: Pos) -> bool {
    let Some(line) = lines.get_mut(pos.line - 1) else { return false };
    let col0 = pos.col - 1;
    let kept: String = line.chars().take(col0).collect();
    if kept.chars().count() < col0 || line.chars().skip(col0).all(char::is_whitespace) {
        return false;
    }
    // A key whose value starts on the next line may own a list at its own indentation.
    let opens_below = line.trim_end().ends_with(':');
    let is_item = line.chars().nth(col0) == Some('-');
    *line = kept;
    for next in lines.iter_mut().skip(pos.line) {
        let indent = next.chars().take_while(|c| *c == ' ').count();
        let content = next.trim();
        let owned = content.is_empty()
            || indent > col0
            || (indent == col0 && opens_below && !is_item && (content == "-" || content.starts_with("- ")));
        if !owned {
            break;
        }
        next.clear();
    }
    true
}

/// Writes `to` in place of the key `from` at `pos`; false when the key is not there as expected.
fn rename(lines: &mut [String], pos: Pos, from: &str, to: &str) -> bool {
    let Some(line) = lines.get_mut(pos.line - 1) else { return false };
    let before: String = line.chars().take(pos.col - 1).collect();
    let after: String = line.chars().skip(pos.col - 1).collect();
    match after.strip_prefix(from) {
        Some(rest) if rest.starts_with(':') => {
            *line = format!("{before}{to}{rest}");
            true
        }
        _ => false,
    }
}

/// The key whose value starts at `pos` (on the same line, or the line above that opened it).
fn key_of_value(lines: &[String], pos: Pos) -> Option<(Pos, String)> {
    let key_on = |n: usize, line: &str| -> Option<(Pos, String)> {
        let indent = line.chars().take_while(|c| *c == ' ' || *c == '-').count();
        let rest: String = line.chars().skip(indent).collect();
        let (key, _) = rest.split_once(':')?;
        let key = key.trim().trim_matches(['"', '\'']).to_string();
        (!key.is_empty()).then_some((Pos { line: n, col: indent + 1 }, key))
    };
    let line = lines.get(pos.line - 1)?;
    let before: String = line.chars().take(pos.col - 1).collect();
    if before.trim_end().ends_with(':') {
        return key_on(pos.line, line);
    }
    if !before.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let indent = before.chars().take_while(|c| *c == ' ').count();
    (1..pos.line).rev().find_map(|n| {
        let l = &lines[n - 1];
        let i = l.chars().take_while(|c| *c == ' ').count();
        if l.trim().is_empty() || l.trim_start().starts_with('#') || i > indent {
            return None;
        }
        Some(if l.trim_end().ends_with(':') { key_on(n, l) } else { None })
    })?
}

/// The list item (`- `) that holds the key at `pos`, if the key is inside one.
fn item_of(lines: &[String], pos: Pos) -> Option<Pos> {
    let col0 = pos.col - 1;
    let here = lines.get(pos.line - 1)?;
    let before: String = here.chars().take(col0).collect();
    if let Some(dash) = before.rfind("- ") {
        return Some(Pos { line: pos.line, col: before[..dash].chars().count() + 1 });
    }
    (1..pos.line).rev().find_map(|n| {
        let l = &lines[n - 1];
        let indent = l.chars().take_while(|c| *c == ' ').count();
        if l.trim().is_empty() || indent >= col0 {
            return None;
        }
        Some((l[indent..].starts_with("- ") && indent + 2 == col0).then_some(Pos { line: n, col: indent + 1 }))
    })?
}

/// Turns a YAML or type error into a located, hinted diagnostic.
///
/// `shifts` are keys renamed in the working copy the error comes from, so columns are mapped back.
fn parse_diagnostic(source: &YamlFile, e: &yaml_serde::Error, shifts: &[(usize, usize, isize)]) -> Diagnostic {
    let full = e.to_string();
    let said = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    // serde prefixes the key path ("kind: unknown variant …"); the location already says where.
    let said = match said
        .find(": unknown ")
        .or_else(|| said.find(": invalid type"))
        .or_else(|| said.find(": missing field"))
    {
        Some(i) => said[i + 2..].to_string(),
        None => said,
    };
    let line = e.location().and_then(|l| source.text.lines().nth(l.line().saturating_sub(1)));
    let (message, hint) = match reader_message(&said) {
        Some((message, hint)) => (message, hint),
        None => match syntax_message(&said) {
            Some(message) => (message, line.map(syntax_hint)),
            None => (Msg::YamlError { said: said.clone() }, None),
        },
    };
    let mut diag = match e.location() {
        Some(loc) if loc.line() > 0 => {
            let shift: isize =
                shifts.iter().filter(|(l, c, _)| *l == loc.line() && loc.column() > *c).map(|(_, _, d)| d).sum();
            let pos = Pos { line: loc.line(), col: (loc.column() as isize - shift).max(1) as usize };
            Diagnostic::at(&source.file, &source.text, pos, token_width(&source.text, pos), message)
        }
        _ => Diagnostic::file(&source.file, message),
    };
    if let Some(hint) = hint {
        diag = diag.with_hint(hint);
    }
    diag
}

/// The message (and hint) for what serde says about a file's content: misspelt keys and values, missing
/// keys, values of the wrong kind. The list of allowed names goes to the hint; the message itself stays
/// one short line.
fn reader_message(said: &str) -> Option<(Msg, Option<Msg>)> {
    if let Some(rest) = said.strip_prefix("invalid type: ") {
        let (found, expected) = rest.rsplit_once(", expected ")?;
        let expected = match expected {
            "f64" | "f32" => Msg::ANumber,
            "u8" | "u16" | "u32" | "u64" | "usize" => Msg::AWholeNumber,
            "a boolean" => Msg::TrueOrFalse,
            other => Msg::ReaderSaid { said: other.to_string() },
        };
        return Some((Msg::WrongType { found: found.to_string(), expected: expected.boxed() }, None));
    }
    // serde quotes names with backticks: the first is the word written, the rest those allowed.
    let quoted: Vec<&str> = said.split('`').skip(1).step_by(2).collect();
    let (word, expected) = quoted.split_first()?;
    let word = word.to_string();
    if said.starts_with("missing field") {
        return Some((Msg::MissingField { key: word.clone() }, Some(Msg::HintAddKey { key: word })));
    }
    let key = said.starts_with("unknown field");
    if !key && !said.starts_with("unknown variant") {
        return None;
    }
    let hint = if !key && expected.contains(&"all_rights_reserved") {
        // A near miss between licences is a different licence, not a typo: list them instead of guessing.
        Msg::HintLicences { licences: expected.join(", ") }
    } else {
        match suggest(&word, expected.iter().copied()) {
            Some(s) => Msg::DidYouMean { word: s.to_string() },
            None if expected.is_empty() && key => Msg::HintKeyNotAllowed,
            None if expected.is_empty() => Msg::HintValueNotAllowed,
            None => Msg::HintAllowedHere { allowed: expected.join(", ") },
        }
    };
    let message = if key { Msg::UnknownKey { key: word } } else { Msg::UnknownValue { value: word } };
    Some((message, Some(hint)))
}

/// The message for a YAML syntax error editors meet, in the parser's words.
fn syntax_message(said: &str) -> Option<Msg> {
    let known = [
        ("did not find expected key", Msg::SyntaxExpectedKey),
        ("mapping values are not allowed in this context", Msg::SyntaxMappingValue),
        ("did not find expected '-' indicator", Msg::SyntaxExpectedDash),
        ("could not find expected ':'", Msg::SyntaxExpectedColon),
        ("found character that cannot start any token", Msg::SyntaxBadCharacter),
    ];
    known.into_iter().find(|(words, _)| said.starts_with(words)).map(|(_, m)| m)
}

/// A hint for a YAML syntax error, from the line it points at.
fn syntax_hint(line: &str) -> Msg {
    // `vi: "Một ngôi đền" di tích.`: a quoted start with more text after the closing quote.
    let value = line.split_once(": ").map(|(_, v)| v.trim()).unwrap_or_default();
    let quoted_start = ['"', '\''].iter().find(|q| value.starts_with(**q)).is_some_and(|q| {
        let rest = &value[1..];
        rest.find(*q).is_some_and(|end| !rest[end + 1..].trim().is_empty())
    });
    if quoted_start { Msg::HintQuote } else { Msg::HintSyntax }
}

/// Line and column of a byte offset.
fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Pos { line, col }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_for_typos() {
        let hint = |m: &str| reader_message(m).and_then(|(_, h)| h).map(|h| h.en());
        assert_eq!(
            hint("unknown field `titel`, expected one of `title`, `slug`").as_deref(),
            Some("did you mean `title`?")
        );
        let m = "unknown variant `temple`, expected one of `scene`, `info`";
        assert_eq!(hint(m).as_deref(), Some("allowed here: scene, info"));
        assert_eq!(hint("missing field `name`").as_deref(), Some("add `name:` to this mapping"));
        let (m, _) = reader_message("invalid type: string \"left\", expected f64").expect("a message");
        assert_eq!(m.en(), "wrong type: string \"left\", expected a number");
    }

    #[test]
    fn offsets_to_positions() {
        assert_eq!(pos_of_offset("ab\ncd", 4), Pos { line: 2, col: 2 });
    }
}
