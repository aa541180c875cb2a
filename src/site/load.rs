//! Reads `sites/*.yaml`, turns parse errors into located diagnostics, and hands the typed result to the
//! validator. Every file is read even after an error, so one run shows every problem.

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::locate::Locator;
use super::model::Collection;
use super::raw::{RawCollection, RawSite};
use super::validate;
use crate::report::{Diagnostic, InvalidCollection, Pos, Report, relative, suggest};

/// Said when the folder has no `sites/`.
pub const NOT_A_COLLECTION: &str = "this folder is not a collection: it has no `sites/` folder";
/// How to get to a collection from there.
pub const NOT_A_COLLECTION_HINT: &str = "run disan in the collection's folder (the one holding sites/ and content/), \
     point to it with `--root DIR`, or start one with `disan new collection DIR`";

/// Name of the collection file inside `sites/`.
pub const COLLECTION_FILE: &str = "collection.yaml";

/// One YAML file's text with its key positions.
pub struct YamlFile {
    /// Path relative to the collection root, for messages.
    pub file: PathBuf,
    /// The text.
    pub text: String,
    /// Where its keys are.
    pub locator: Locator,
}

impl YamlFile {
    /// A diagnostic underlining the value of the key `path` when it is on the key's line, else the key.
    pub fn diag_value(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let Some(pos) = self.locator.exact(path) else {
            return self.diag(path, message);
        };
        let line = self.text.lines().nth(pos.line - 1).unwrap_or("");
        let after_key: String = line.chars().skip(pos.col - 1).collect();
        match after_key.find(": ") {
            Some(i) if !after_key[i + 2..].trim().is_empty() => {
                let vpos = Pos { line: pos.line, col: pos.col + after_key[..i + 2].chars().count() };
                let width = token_width(&self.text, vpos);
                Diagnostic::at(&self.file, &self.text, vpos, width, message)
            }
            _ => self.diag(path, message),
        }
    }

    /// A diagnostic at the key `path` (or its nearest parent), underlining the key.
    pub fn diag(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        match self.locator.find(path) {
            Some(pos) => {
                let width = token_width(&self.text, pos);
                Diagnostic::at(&self.file, &self.text, pos, width, message)
            }
            None => Diagnostic::file(&self.file, message),
        }
    }
}

/// Loads and checks the collection in `root` (the folder with `sites/` and `content/`).
///
/// Returns every problem found when anything is wrong.
pub fn load(root: &Path) -> Result<Collection, InvalidCollection> {
    let mut report = Report::default();
    let sites_dir = root.join("sites");
    if !sites_dir.is_dir() {
        // Most likely disan was started in the wrong folder: say so once instead of listing every file
        // that is missing.
        report.push(Diagnostic::file(root, NOT_A_COLLECTION).with_hint(NOT_A_COLLECTION_HINT));
        return Err(InvalidCollection { report });
    }
    let collection = read_yaml::<RawCollection>(root, &sites_dir.join(COLLECTION_FILE), &mut report);
    let mut sites = Vec::new();
    match site_files(&sites_dir) {
        Ok(files) => {
            for path in files {
                if let Some(parsed) = read_yaml::<RawSite>(root, &path, &mut report) {
                    sites.push(parsed);
                }
            }
        }
        Err(e) => report.push(Diagnostic::file(relative(root, &sites_dir), e)),
    }
    let links_path = sites_dir.join(super::links::LINKS_FILE);
    let links =
        if links_path.exists() { read_yaml::<super::links::RawLinks>(root, &links_path, &mut report) } else { None };
    let resolved = collection.and_then(|c| validate::collection(root, c, sites, links, &mut report));
    match resolved {
        Some(c) if report.is_empty() => Ok(c),
        _ => {
            if report.is_empty() {
                report.push(Diagnostic::file(relative(root, &sites_dir), "the collection could not be read"));
            }
            Err(InvalidCollection { report })
        }
    }
}

/// The site files in `sites/`, sorted, without the collection file.
fn site_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read the sites folder: {e}"))?;
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

/// Reads and parses one file; on failure records located diagnostics and returns `None`.
fn read_yaml<T: DeserializeOwned>(root: &Path, path: &Path, report: &mut Report) -> Option<(YamlFile, T)> {
    let file = relative(root, path);
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.push(Diagnostic::file(&file, format!("cannot read the file: {e}")));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let pos = pos_of_offset(&text, offset);
            report.push(
                Diagnostic::at(&file, &text, pos, 1, "the file is not valid UTF-8 text")
                    .with_hint("save the file as UTF-8 in your editor"),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    let locator = Locator::new(&text);
    let source = YamlFile { file: file.clone(), text, locator };
    let mut structural = false;
    for pos in &source.locator.tabs {
        structural = true;
        report.push(
            Diagnostic::at(&file, &source.text, *pos, 1, "a tab is used for indentation")
                .with_hint("YAML indents with spaces only; replace the tab with spaces"),
        );
    }
    for (path, first, second) in &source.locator.duplicates {
        structural = true;
        let key = path.rsplit(['.', ']']).next().unwrap_or(path);
        report.push(
            Diagnostic::at(&file, &source.text, *second, key.chars().count(), format!("duplicate key `{key}`"))
                .with_hint(format!("`{key}` is already set on line {}; keep only one", first.line)),
        );
    }
    match yaml_serde::from_str::<T>(&source.text) {
        Ok(value) => Some((source, value)),
        Err(e) => {
            let message = e.to_string();
            // Duplicates and tabs are already reported above with a better location.
            let on_tab_line = e.location().is_some_and(|l| source.locator.tabs.iter().any(|t| t.line == l.line()));
            let known = structural && (message.contains("duplicate") || on_tab_line);
            if !known {
                report.push(parse_diagnostic(&source, &e));
            }
            None
        }
    }
}

/// Turns a YAML or type error into a located, hinted diagnostic.
fn parse_diagnostic(source: &YamlFile, e: &yaml_serde::Error) -> Diagnostic {
    let full = e.to_string();
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    // serde prefixes the key path ("kind: unknown variant …"); the location already says where.
    let message = match message.find(": unknown ").or_else(|| message.find(": invalid type")) {
        Some(i) => message[i + 2..].to_string(),
        None => message,
    };
    let message = message.strip_prefix("invalid type: ").map(|m| format!("wrong type: {m}")).unwrap_or(message);
    let message =
        [("f64", "a number"), ("u32", "a whole number"), ("u16", "a whole number"), ("a boolean", "true or false")]
            .iter()
            .fold(message, |m, (rust, plain)| m.replace(&format!("expected {rust}"), &format!("expected {plain}")));
    let line = e.location().and_then(|l| source.text.lines().nth(l.line().saturating_sub(1)));
    let hint = hint_for(&message).or_else(|| syntax_hint(&message, line?));
    // The list of allowed names goes to the hint; the message itself stays one short line.
    // serde says "expected one of `a`, `b`, `c`" but "expected `a` or `b`" when there are only two.
    let unknown = message.starts_with("unknown field") || message.starts_with("unknown variant");
    let message = match message.find(", expected one of").or_else(|| message.find(", expected `").filter(|_| unknown)) {
        Some(i) if message.starts_with("unknown field") => message[..i].replacen("unknown field", "unknown key", 1),
        Some(i) => message[..i].replacen("unknown variant", "unknown value", 1),
        None => message,
    };
    let mut diag = match e.location() {
        Some(loc) if loc.line() > 0 => {
            let pos = Pos { line: loc.line(), col: loc.column().max(1) };
            Diagnostic::at(&source.file, &source.text, pos, token_width(&source.text, pos), &message)
        }
        _ => Diagnostic::file(&source.file, &message),
    };
    if let Some(hint) = hint {
        diag = diag.with_hint(hint);
    }
    diag
}

/// A hint for the common serde messages: misspelt keys and values, missing fields.
fn hint_for(message: &str) -> Option<String> {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (word, expected) = quoted.split_first()?;
    if message.starts_with("unknown variant") && expected.contains(&"all_rights_reserved") {
        // A near miss between licences is a different licence, not a typo: list them instead of guessing.
        return Some(format!("licences the pages can name and link: {}", expected.join(", ")));
    }
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") { "key" } else { "value" };
        return Some(match suggest(word, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => format!("this {what} is not allowed here"),
            None => format!("allowed here: {}", expected.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!("add `{word}:` to this mapping"));
    }
    None
}

/// Hint for a quoted value followed by more text, the YAML syntax error editors meet most.
const QUOTE_HINT: &str =
    "a value that starts with a quote ends at the closing quote; put the whole text in quotes, or remove them";
/// Hint for other syntax errors.
const SYNTAX_HINT: &str = "check this line's indentation and quotes: text containing `: ` or ` #`, or starting with a quote, must be quoted whole";

/// A hint for a YAML syntax error, from the parser's message and the line it points at.
fn syntax_hint(message: &str, line: &str) -> Option<String> {
    const SYNTAX: [&str; 5] = [
        "did not find expected key",
        "mapping values are not allowed in this context",
        "did not find expected '-' indicator",
        "could not find expected ':'",
        "found character that cannot start any token",
    ];
    if !SYNTAX.iter().any(|m| message.starts_with(m)) {
        return None;
    }
    // `vi: "Một ngôi đền" di tích.`: a quoted start with more text after the closing quote.
    let value = line.split_once(": ").map(|(_, v)| v.trim()).unwrap_or_default();
    let quoted_start = ['"', '\''].iter().find(|q| value.starts_with(**q)).is_some_and(|q| {
        let rest = &value[1..];
        rest.find(*q).is_some_and(|end| !rest[end + 1..].trim().is_empty())
    });
    Some(if quoted_start { QUOTE_HINT } else { SYNTAX_HINT }.to_string())
}

/// Line and column of a byte offset.
fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Pos { line, col }
}

/// How many characters the word at `pos` spans, for the caret.
fn token_width(text: &str, pos: Pos) -> usize {
    let Some(line) = text.lines().nth(pos.line.saturating_sub(1)) else {
        return 1;
    };
    let rest: String = line.chars().skip(pos.col.saturating_sub(1)).collect();
    let rest = rest.trim_start_matches("- ");
    let n = rest.chars().take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',').count();
    n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_for_typos() {
        let m = "unknown field `titel`, expected one of `title`, `slug`";
        assert_eq!(hint_for(m).as_deref(), Some("did you mean `title`?"));
        let m = "unknown variant `temple`, expected one of `scene`, `info`";
        assert_eq!(hint_for(m).as_deref(), Some("allowed here: scene, info"));
        assert_eq!(hint_for("missing field `name`").as_deref(), Some("add `name:` to this mapping"));
    }

    #[test]
    fn offsets_to_positions() {
        assert_eq!(pos_of_offset("ab\ncd", 4), Pos { line: 2, col: 2 });
    }
}
