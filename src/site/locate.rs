//! Finds where keys and list items sit in a block-style YAML text, so later checks can point at a line, and
//! reports what the YAML parser locates badly: duplicate keys and tabs used for indentation.
//!
//! This is not a YAML parser. It follows the block structure editors write (mappings, `- ` sequences, `|`
//! and `>` block scalars) well enough to map a path like `scenes[1].hotspots[0].target` to a line and column.
//! Anything it cannot follow simply has no position, and lookups fall back to the nearest known parent.

use std::collections::HashMap;

use crate::report::Pos;

/// Positions of the keys and items of one YAML file.
#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<String, Pos>,
    /// Keys that appear twice in one mapping: (key path, first position, second position).
    pub duplicates: Vec<(String, Pos, Pos)>,
    /// Lines whose indentation contains a tab.
    pub tabs: Vec<Pos>,
}

#[derive(Debug)]
enum Kind {
    Map { keys: HashMap<String, Pos>, pending: Option<String> },
    Seq { next: usize },
}

#[derive(Debug)]
struct Frame {
    indent: usize,
    path: String,
    kind: Kind,
}

impl Locator {
    /// Scans `source` once.
    pub fn new(source: &str) -> Self {
        let mut loc = Locator::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut block_scalar_indent: Option<usize> = None;
        for (i, raw) in source.lines().enumerate() {
            let line_no = i + 1;
            let indent_chars: String = raw.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let content = &raw[indent_chars.len()..];
            let indent = indent_chars.chars().count();
            if let Some(min) = block_scalar_indent {
                if content.is_empty() || indent > min {
                    continue;
                }
                block_scalar_indent = None;
            }
            if content.is_empty() || content.starts_with('#') || content.starts_with("---") {
                continue;
            }
            if let Some(tab_at) = indent_chars.find('\t') {
                loc.tabs.push(Pos { line: line_no, col: tab_at + 1 });
            }
            loc.line(&mut stack, line_no, indent, content, &mut block_scalar_indent);
        }
        loc
    }

    fn line(&mut self, stack: &mut Vec<Frame>, line_no: usize, col0: usize, content: &str, block: &mut Option<usize>) {
        if content == "-" || content.starts_with("- ") {
            while stack.last().is_some_and(|f| f.indent > col0) {
                stack.pop();
            }
            let is_seq_here =
                matches!(stack.last(), Some(Frame { indent, kind: Kind::Seq { .. }, .. }) if *indent == col0);
            if !is_seq_here {
                let parent = pending_path(stack);
                let Some(path) = parent else { return };
                stack.push(Frame { indent: col0, path, kind: Kind::Seq { next: 0 } });
            }
            let Some(frame) = stack.last_mut() else {
                return;
            };
            let Kind::Seq { next } = &mut frame.kind else {
                return;
            };
            let item = format!("{}[{}]", frame.path, *next);
            *next += 1;
            self.positions.insert(item.clone(), Pos { line: line_no, col: col0 + 1 });
            let rest = content[1..].trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                // The item's content starts on the next line, indented further.
                stack.push(Frame {
                    indent: col0 + 1,
                    path: item,
                    kind: Kind::Map { keys: HashMap::new(), pending: None },
                });
                if let Some(Frame { kind: Kind::Map { pending, .. }, path, .. }) = stack.last_mut() {
                    *pending = Some(path.clone());
                }
                return;
            }
            let inner_col = col0 + (content.len() - rest.len());
            if split_key(rest).is_some() || rest.starts_with("- ") {
                stack.push(Frame {
                    indent: inner_col,
                    path: item.clone(),
                    kind: Kind::Map { keys: HashMap::new(), pending: None },
                });
                if let (true, Some(Frame { kind: Kind::Map { pending, .. }, .. })) =
                    (rest.starts_with("- "), stack.last_mut())
                {
                    *pending = Some(item);
                }
                self.line(stack, line_no, inner_col, rest, block);
            } else {
                // A plain item (`- value`): point at the value, not the dash.
                self.positions.insert(item, Pos { line: line_no, col: inner_col + 1 });
            }
            return;
        }
        let Some((key, value)) = split_key(content) else {
            return;
        };
        while stack.last().is_some_and(|f| f.indent > col0) {
            stack.pop();
        }
        // A key at the same indent as a sequence that hung from a key ends that sequence.
        if matches!(stack.last(), Some(Frame { indent, kind: Kind::Seq { .. }, .. }) if *indent == col0) {
            stack.pop();
        }
        let same_map = matches!(stack.last(), Some(Frame { indent, kind: Kind::Map { .. }, .. }) if *indent == col0);
        if !same_map {
            let path = match stack.last() {
                None => String::new(),
                Some(_) => match pending_path(stack) {
                    Some(p) => p,
                    None => return,
                },
            };
            stack.push(Frame { indent: col0, path, kind: Kind::Map { keys: HashMap::new(), pending: None } });
        }
        let Some(frame) = stack.last_mut() else {
            return;
        };
        let path = if frame.path.is_empty() { key.clone() } else { format!("{}.{}", frame.path, key) };
        let pos = Pos { line: line_no, col: col0 + 1 };
        if let Kind::Map { keys, pending } = &mut frame.kind {
            if let Some(first) = keys.get(&key) {
                self.duplicates.push((path.clone(), *first, pos));
            } else {
                keys.insert(key, pos);
            }
            let v = value.trim();
            *pending = None;
            if v.is_empty() || v.starts_with('#') {
                *pending = Some(path.clone());
            } else if v.starts_with('|') || v.starts_with('>') {
                *block = Some(col0);
            }
        }
        self.positions.entry(path).or_insert(pos);
    }

    /// Where `path` is (e.g. `scenes[0].hotspots[1].yaw`), or its nearest located parent.
    pub fn find(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The path of the key or item that starts at `pos`, when one does.
    pub fn path_at(&self, pos: Pos) -> Option<&str> {
        self.positions.iter().find(|(_, p)| **p == pos).map(|(path, _)| path.as_str())
    }

    /// Where `path` is, only when that exact path was seen.
    pub fn exact(&self, path: &str) -> Option<Pos> {
        self.positions.get(path).copied()
    }
}

/// The path of the key in the innermost mapping that still waits for its value.
fn pending_path(stack: &mut [Frame]) -> Option<String> {
    match stack.last_mut() {
        Some(Frame { kind: Kind::Map { pending, .. }, .. }) => pending.take(),
        _ => None,
    }
}

/// Splits `key: value` (or `key:`), honouring simple quoted keys.
fn split_key(content: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = content[1..].find(q)? + 1;
        (content[1..end].to_string(), &content[end + 1..])
    } else {
        let mut split = None;
        for (i, c) in content.char_indices() {
            if c == ':' {
                let next = content[i + 1..].chars().next();
                if next.is_none() || next == Some(' ') {
                    split = Some(i);
                    break;
                }
            }
            if c == '#' && i > 0 && content[..i].ends_with(' ') {
                return None;
            }
            if i == 0 && matches!(c, '[' | '{' | '"' | '\'' | '|' | '>' | '&' | '*' | '!') {
                return None;
            }
        }
        let i = split?;
        (content[..i].trim_end().to_string(), &content[i..])
    };
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
schema: 1
name:
  vi: Đền
  en: Temple
summary:
  vi: |
    text: not a key
    more
  en: x
scenes:
  - id: a
    hotspots:
      - type: scene
        target: b
      - type: info
  - id: b
    yaw: 3
sources:
- title: t
  url: u
";

    #[test]
    fn locates_nested_keys_and_items() {
        let loc = Locator::new(SRC);
        let at = |p: &str| loc.exact(p).map(|p| (p.line, p.col));
        assert_eq!(at("name.en"), Some((4, 3)));
        assert_eq!(at("summary.en"), Some((9, 3)));
        assert_eq!(at("scenes[0].id"), Some((11, 5)));
        assert_eq!(at("scenes[0].hotspots[0].target"), Some((14, 9)));
        assert_eq!(at("scenes[0].hotspots[1].type"), Some((15, 9)));
        assert_eq!(at("scenes[1].yaw"), Some((17, 5)));
        assert_eq!(at("sources[0].url"), Some((20, 3)));
        assert_eq!(at("summary.vi.text"), None, "block scalar content is not keys");
        assert_eq!(loc.find("scenes[1].hotspots[4]").map(|p| p.line), Some(16));
        assert!(loc.duplicates.is_empty());
    }

    #[test]
    fn finds_duplicates_and_tabs() {
        let loc = Locator::new("a: 1\nb:\n  c: 1\n  c: 2\n\td: 3\na: 2\n");
        let dups: Vec<_> = loc.duplicates.iter().map(|(p, a, b)| (p.as_str(), a.line, b.line)).collect();
        assert_eq!(dups, vec![("b.c", 3, 4), ("a", 1, 6)]);
        assert_eq!(loc.tabs, vec![Pos { line: 5, col: 1 }]);
    }
}
