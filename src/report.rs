//! Diagnostics for editors: located messages printed like a compiler would, collected for a whole run.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::messages::Msg;

static VIETNAMESE: AtomicBool = AtomicBool::new(false);

/// Shows the Vietnamese wording under each English message and hint (from `--lang vi`, `DISAN_LANG`
/// or a Vietnamese locale). A process-wide setting, like a locale.
pub fn set_vietnamese(on: bool) {
    VIETNAMESE.store(on, Ordering::Relaxed);
}

/// Whether the environment asks for Vietnamese: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that
/// is set starts with `vi`.
pub fn vietnamese_locale() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .is_some_and(|v| v.starts_with("vi"))
}

/// Whether Vietnamese explanations are on.
pub fn is_vietnamese() -> bool {
    VIETNAMESE.load(Ordering::Relaxed)
}

/// A position in a source file, 1-based, as editors see it in their text editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column (in characters), starting at 1.
    pub col: usize,
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    /// The collection cannot be built as it is.
    #[default]
    Error,
    /// The collection builds, but something will not look as the editor expects.
    Warning,
}

/// One problem found in the editors' input.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file, as a path relative to the collection root when possible.
    pub file: PathBuf,
    /// Where in the file, when known.
    pub pos: Option<Pos>,
    /// What is wrong, in one sentence.
    pub message: Msg,
    /// How to fix it, when we can tell.
    pub hint: Option<Msg>,
    /// The offending source line, kept so the report can show it with a caret.
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    pub width: usize,
    /// An error, or only a warning.
    pub severity: Severity,
}

impl Diagnostic {
    /// A problem with a whole file (missing, unreadable) rather than a place in it.
    pub fn file(file: impl Into<PathBuf>, message: Msg) -> Self {
        Diagnostic {
            file: file.into(),
            pos: None,
            message,
            hint: None,
            source_line: None,
            width: 1,
            severity: Severity::Error,
        }
    }

    /// A problem at a place in a file whose text is `source`.
    pub fn at(file: impl Into<PathBuf>, source: &str, pos: Pos, width: usize, message: Msg) -> Self {
        let line = source.lines().nth(pos.line.saturating_sub(1)).map(str::to_owned);
        Diagnostic {
            file: file.into(),
            pos: Some(pos),
            message,
            hint: None,
            source_line: line,
            width: width.max(1),
            severity: Severity::Error,
        }
    }

    /// Adds a hint shown under the message.
    pub fn with_hint(mut self, hint: Msg) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Makes this a warning: shown, but the collection still builds.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (label, pad) = match self.severity {
            Severity::Error => ("error", "       "),
            Severity::Warning => ("warning", "         "),
        };
        writeln!(f, "{label}: {}", self.message.en())?;
        if is_vietnamese() {
            writeln!(f, "{pad}{}", self.message.vi())?;
        }
        match self.pos {
            Some(pos) => writeln!(f, "  --> {}:{}:{}", self.file.display(), pos.line, pos.col)?,
            None => writeln!(f, "  --> {}", self.file.display())?,
        }
        if let (Some(pos), Some(line)) = (self.pos, &self.source_line) {
            let num = pos.line.to_string();
            let pad = " ".repeat(num.len());
            // A very long line (minified or hostile YAML) is cut a little after the caret.
            let keep = (pos.col + self.width + 40).max(120);
            let shown: String = line.replace('\t', " ").chars().take(keep).collect();
            let shown = if line.chars().count() > keep { format!("{shown}…") } else { shown };
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {shown}")?;
            let caret_pad = " ".repeat(pos.col.saturating_sub(1));
            writeln!(f, "{pad} | {caret_pad}{}", "^".repeat(self.width))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {}", hint.en())?;
            if is_vietnamese() {
                writeln!(f, "  = gợi ý: {}", hint.vi())?;
            }
        }
        Ok(())
    }
}

/// All problems found in one run, in file and line order.
#[derive(Debug, Default)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Report {
    /// Records one problem (a warning goes with the warnings).
    pub fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.diagnostics.push(d),
            Severity::Warning => self.warnings.push(d),
        }
    }

    /// The warnings, which do not stop a build, taken out of the report.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings)
    }

    /// True when no error was found (warnings do not count).
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The problems, sorted by file and position.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        all.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        all.dedup();
        all
    }

    /// Takes the problems of another report.
    pub fn extend(&mut self, other: Report) {
        self.diagnostics.extend(other.diagnostics);
        self.warnings.extend(other.warnings);
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = self.diagnostics();
        for d in all.iter().chain(&self.warnings.iter().collect::<Vec<_>>()) {
            writeln!(f, "{d}")?;
        }
        let n = all.len();
        let summary = Msg::ErrorsFound { n, s: if n == 1 { "" } else { "s" }.into() };
        write!(f, "{}", summary.en())?;
        if is_vietnamese() {
            write!(f, " · {}", summary.vi())?;
        }
        Ok(())
    }
}

/// The error a failed check turns into, so callers can print the report and exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{report}")]
pub struct InvalidCollection {
    /// Everything that was wrong.
    pub report: Report,
}

/// Shows `path` relative to `root` when it lies inside it, for shorter messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Edit distance counting a swap of two neighbouring letters as one edit (the commonest typo), for
/// "did you mean" hints on misspelt keys and ids.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "slug", "name", "scenes"];
        assert_eq!(suggest("titel", keys), Some("title"));
        assert_eq!(suggest("scene", keys), Some("scenes"));
        assert_eq!(suggest("zzzzzz", keys), None);
    }

    #[test]
    fn renders_caret_under_column() {
        let src = "a: 1\n  titel: x\n";
        let d = Diagnostic::at("f.yaml", src, Pos { line: 2, col: 3 }, 5, Msg::UnknownKey { key: "titel".into() })
            .with_hint(Msg::DidYouMean { word: "title".into() });
        let text = d.to_string();
        assert!(text.contains("error: unknown key `titel`"), "{text}");
        assert!(text.contains("--> f.yaml:2:3"), "{text}");
        assert!(text.contains("2 |   titel: x"), "{text}");
        assert!(text.contains("  |   ^^^^^"), "{text}");
        assert!(text.contains("hint: did you mean `title`?"), "{text}");
    }
}
