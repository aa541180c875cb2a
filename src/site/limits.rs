//! How large and how deeply nested a YAML file may be before the parser sees it.
//!
//! The YAML parser's time grows with the square of the nesting depth (100,000 levels took half a minute,
//! a million never finished), so depth is measured here first, by one linear scan, and a file past the
//! limits is refused with a located error instead of being parsed.

use crate::report::Pos;

/// Largest YAML file read, in bytes. The biggest sample site file is about 12 KB.
pub const MAX_YAML_BYTES: u64 = 1024 * 1024;

/// Deepest nesting accepted. A site file nests about six levels (`scenes` → item → `hotspots` → item →
/// `title` → `vi`); anything near this is a mistake or a hostile file.
pub const MAX_DEPTH: usize = 64;

/// Where `text` first nests deeper than [`MAX_DEPTH`], counting block indentation levels (list dashes
/// included) plus open `[` and `{` collections. Quoted text, comments and block scalars are skipped, so
/// brackets in prose do not count. Linear in the length of the text.
pub fn too_deep(text: &str) -> Option<Pos> {
    let mut blocks: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // Inside a quoted scalar that continues over lines: the closing quote.
    let mut quote: Option<char> = None;
    // Inside a `|` or `>` block scalar: the indentation of the line that opened it.
    let mut block_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.chars().take_while(|c| *c == ' ').count();
        let content = &line[indent..];
        if let Some(open) = block_scalar {
            if content.trim().is_empty() || indent > open {
                continue;
            }
            block_scalar = None;
        }
        let mut chars = content.char_indices().peekable();
        let mut col = indent;
        // At the start of a node: where a quote opens a quoted scalar and a dash a list item.
        let mut node_start = quote.is_none();
        if quote.is_none() && flow == 0 {
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            blocks.retain(|b| *b < indent);
            blocks.push(indent);
        }
        let mut prev = ' ';
        while let Some((_, c)) = chars.next() {
            col += 1;
            if let Some(q) = quote {
                if c == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                        col += 1;
                    } else {
                        quote = None;
                    }
                } else if c == '\\' && q == '"' {
                    chars.next();
                    col += 1;
                }
                prev = c;
                continue;
            }
            match c {
                '#' if prev == ' ' || prev == '\t' => break,
                '"' | '\'' if node_start => quote = Some(c),
                '[' | '{' => {
                    flow += 1;
                    node_start = true;
                    if blocks.len() + flow > MAX_DEPTH {
                        return Some(Pos { line: i + 1, col });
                    }
                    prev = c;
                    continue;
                }
                ']' | '}' => flow = flow.saturating_sub(1),
                ',' if flow > 0 => {
                    node_start = true;
                    prev = c;
                    continue;
                }
                '-' | '?' | ':'
                    if flow == 0 && (node_start || c == ':') && chars.peek().is_none_or(|(_, n)| *n == ' ') =>
                {
                    if c != ':' {
                        // `- - x`: each dash opens one more level.
                        blocks.push(col);
                        if blocks.len() + flow > MAX_DEPTH {
                            return Some(Pos { line: i + 1, col });
                        }
                    }
                    node_start = true;
                    prev = c;
                    continue;
                }
                '|' | '>' if node_start && flow == 0 => {
                    block_scalar = Some(indent);
                    break;
                }
                ' ' | '\t' => {
                    prev = c;
                    continue;
                }
                _ => {}
            }
            node_start = false;
            prev = c;
        }
        if blocks.len() + flow > MAX_DEPTH {
            return Some(Pos { line: i + 1, col: indent + 1 });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_files_pass() {
        let text = "a:\n  b:\n    - c: [1, 2, {d: 3}]\n      e: 'it''s [not' \n    - \"x [y\"\n\
                    f: |\n  [[[[[[\n  {{{{\ng: text (with [brackets]\n# [[[[\n";
        assert_eq!(too_deep(text), None);
        let sample = include_str!("../../sites/den-doc-cuoc.yaml");
        assert_eq!(too_deep(sample), None);
    }

    #[test]
    fn deep_files_are_found_where_they_go_too_deep() {
        let flow = "a: ".to_string() + &"[".repeat(1_000_000);
        assert_eq!(too_deep(&flow), Some(Pos { line: 1, col: 3 + MAX_DEPTH }));
        let dashes = "- ".repeat(500_000);
        assert!(too_deep(&dashes).is_some());
        let maps = "{a: ".repeat(1000);
        assert!(too_deep(&maps).is_some());
        let mut block = String::new();
        for d in 0..100 {
            block.push_str(&format!("{}k{d}:\n", " ".repeat(d)));
        }
        assert_eq!(too_deep(&block).map(|p| p.line), Some(MAX_DEPTH + 1));
    }
}
