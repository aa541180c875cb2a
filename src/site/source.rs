//! One YAML file as read: its path for messages, its text, and where its keys are, so any later check can
//! point at the line and column of what it is about.

use std::path::PathBuf;

use super::locate::Locator;
use crate::messages::Msg;
use crate::report::{Diagnostic, Pos};

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
    pub fn diag_value(&self, path: &str, message: Msg) -> Diagnostic {
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
    pub fn diag(&self, path: &str, message: Msg) -> Diagnostic {
        match self.locator.find(path) {
            Some(pos) => {
                let width = token_width(&self.text, pos);
                Diagnostic::at(&self.file, &self.text, pos, width, message)
            }
            None => Diagnostic::file(&self.file, message),
        }
    }
}

/// How many characters the word at `pos` spans, for the caret.
pub(super) fn token_width(text: &str, pos: Pos) -> usize {
    let Some(line) = text.lines().nth(pos.line.saturating_sub(1)) else {
        return 1;
    };
    let rest: String = line.chars().skip(pos.col.saturating_sub(1)).collect();
    let rest = rest.trim_start_matches("- ");
    // A quoted value is underlined to its closing quote.
    if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
        && let Some(end) = rest[1..].find(q)
    {
        return rest[..end + 2].chars().count();
    }
    let n = rest.chars().take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',').count();
    n.max(1)
}
