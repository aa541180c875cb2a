//! The source reads one way: no file under `src/` imports a file that (directly or through others) imports
//! it back. Every `crate::…`, `super::…` and `self::…` path in the code (in `use` lines and inline, groups
//! `{…}` expanded), and a `mod.rs`'s paths into its own child modules, count as "this file needs that
//! one"; a path to a name that a `mod.rs` only re-exports counts as needing the file that defines it.
//! Comments and string literals are left out. On failure the test prints each cycle, file by file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside the crate: `[]` is `lib.rs`, `["site", "load"]` is `src/site/load.rs`.
type Module = Vec<String>;

struct File {
    path: String,
    module: Module,
    /// `lib.rs` or a `mod.rs`: its bare child names are paths too, and its `pub use`s are re-exports.
    is_dir_root: bool,
    /// The code, with comments, strings and character literals blanked.
    code: String,
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let path = e.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|x| x == "rs") {
            into.push(path);
        }
    }
}

/// The code without comments, string literals and character literals (their text could look like paths).
fn strip(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == '/' && b.get(i + 1).copied() == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if b[i] == '/' && b.get(i + 1).copied() == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1).copied() == Some('*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1).copied() == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == 'r'
            && (b.get(i + 1).copied() == Some('"') || b.get(i + 1).copied() == Some('#'))
            && !ident(out.chars().last())
        {
            // A raw string: r"…", r#"…"#, …
            let hashes = (1..).take_while(|k| b.get(i + k) == Some(&'#')).count();
            if b.get(i + 1 + hashes) != Some(&'"') {
                out.push(b[i]);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            while i < b.len() && !(b[i] == '"' && (1..=hashes).all(|k| b.get(i + k) == Some(&'#'))) {
                i += 1;
            }
            i += 1 + hashes;
            out.push_str("\"\"");
        } else if b[i] == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == '\'' && (b.get(i + 2).copied() == Some('\'') || b.get(i + 1).copied() == Some('\\')) {
            // A character literal ('x', '\n', '\u{..}'); a lifetime ('a) has no closing quote.
            i += 1;
            while i < b.len() && b[i] != '\'' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Reads a path from `s` (`a::b::{c, d::e}` or `a::b::*`): every full path it names.
fn expand(s: &str) -> Vec<Vec<String>> {
    let s = s.trim();
    if let Some(open) = s.find('{') {
        let prefix: Vec<String> = segments(&s[..open]);
        let mut depth = 0;
        let mut close = s.len();
        for (k, c) in s.char_indices().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &s[open + 1..close];
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        return parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .flat_map(|p| expand(p).into_iter().map(|tail| prefix.iter().cloned().chain(tail).collect()))
            .collect();
    }
    vec![segments(s)]
}

/// `a::b::c as d` → `[a, b, c]` (`self` inside a group means the group's own path; `*` is dropped).
fn segments(s: &str) -> Vec<String> {
    let s = s.split(" as ").next().unwrap_or("");
    s.split("::").map(str::trim).filter(|x| !x.is_empty() && *x != "*" && *x != "self").map(String::from).collect()
}

/// Every path written in `code` that starts with `crate`, `super`, `self` or (in a `mod.rs`) one of
/// `children`, as (the module it is written in, the path); inline `mod name { … }` blocks are followed, so
/// `super::` inside a file's test module means the file itself.
fn paths(file: &File, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let code = &file.code;
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    // Inline modules: (name, brace depth at which it closes).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c == '{' {
            depth += 1;
            i += 1;
            continue;
        }
        if c == '}' {
            depth = depth.saturating_sub(1);
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            i += 1;
            continue;
        }
        let word_start = i;
        if !(c.is_ascii_alphabetic() || c == '_') {
            i += 1;
            continue;
        }
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        // The middle of a longer name (`my_crate`) is no path start.
        if word_start > 0 && (bytes[word_start - 1].is_ascii_alphanumeric() || bytes[word_start - 1] == b'_') {
            continue;
        }
        let word = &code[word_start..i];
        let before = code[..word_start].trim_end();
        if word == "mod" {
            let rest = &code[i..];
            let name: String = rest.trim_start().chars().take_while(|c| ident(Some(*c))).collect();
            let after = rest.trim_start()[name.len()..].trim_start();
            if after.starts_with('{') {
                inline.push((name, depth));
            }
            continue;
        }
        let starts_path = matches!(word, "crate" | "super" | "self") || (file.is_dir_root && children.contains(word));
        if !starts_path || before.ends_with("::") || !code[i..].starts_with("::") {
            continue;
        }
        // A `pub use child::…` in a mod.rs is a re-export, not a need.
        if file.is_dir_root && before.ends_with("pub use") {
            continue;
        }
        // The path runs to the end of its group or the first character that cannot be in a path.
        let mut end = i;
        let mut braces = 0;
        for (k, ch) in code[i..].char_indices() {
            match ch {
                '{' => braces += 1,
                '}' if braces == 0 => break,
                '}' => braces -= 1,
                ch if braces > 0 || ident(Some(ch)) || ch == ':' || ch == '*' => {}
                ' ' | '\n' | ',' if braces > 0 => {}
                _ => {
                    end = i + k;
                    break;
                }
            }
            end = i + k + ch.len_utf8();
        }
        let text = &code[word_start..end];
        let here: Module = file.module.iter().cloned().chain(inline.iter().map(|(n, _)| n.clone())).collect();
        for p in expand(text) {
            let mut base = match p.first().map(String::as_str) {
                Some("crate") => Vec::new(),
                Some("super") | Some("self") => here.clone(),
                _ => here.clone(),
            };
            let mut rest = &p[..];
            if rest.first().is_some_and(|w| w == "crate" || w == "self") {
                rest = &rest[1..];
            }
            while rest.first().is_some_and(|w| w == "super") {
                base.pop();
                rest = &rest[1..];
            }
            found.push(base.into_iter().chain(rest.iter().cloned()).collect());
        }
        i = end.max(i);
    }
    found
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = Vec::new();
    rust_files(&src, &mut names);
    let mut files = Vec::new();
    for path in names {
        let rel = path.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
        if rel == "main.rs" {
            continue; // the binary: it uses the library from outside
        }
        let mut module: Module = rel.trim_end_matches(".rs").split('/').map(String::from).collect();
        let is_dir_root = matches!(module.last().map(String::as_str), Some("mod" | "lib"));
        if is_dir_root {
            module.pop();
        }
        let code = strip(&std::fs::read_to_string(&path).expect("read source"));
        files.push(File { path: format!("src/{rel}"), module, is_dir_root, code });
    }
    let modules: BTreeMap<Module, usize> = files.iter().enumerate().map(|(k, f)| (f.module.clone(), k)).collect();
    assert!(modules.len() > 50, "the walk found the sources ({} files)", modules.len());

    // Re-exports of each lib.rs/mod.rs: (module, name) → the module that defines it.
    let mut reexports: BTreeMap<(Module, String), Module> = BTreeMap::new();
    for f in files.iter().filter(|f| f.is_dir_root) {
        for stmt in f.code.split("pub use ").skip(1) {
            let stmt = stmt.split(';').next().unwrap_or("");
            for p in expand(stmt) {
                let (Some(child), Some(name)) = (p.first(), p.last()) else { continue };
                let child_module: Module = f.module.iter().cloned().chain([child.clone()]).collect();
                if modules.contains_key(&child_module) && p.len() > 1 {
                    let alias = stmt.split(" as ").nth(1).map(|a| a.trim().to_string());
                    reexports.insert((f.module.clone(), alias.unwrap_or_else(|| name.clone())), child_module);
                }
            }
        }
    }
    let resolve = |path: &[String]| -> Option<usize> {
        let k = (0..=path.len()).rev().find(|k| modules.contains_key(&path[..*k]))?;
        let module = path[..k].to_vec();
        if let Some(next) = path.get(k)
            && let Some(child) = reexports.get(&(module.clone(), next.clone()))
        {
            return modules.get(child).copied();
        }
        modules.get(&module).copied()
    };

    let mut needs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); files.len()];
    for (k, f) in files.iter().enumerate() {
        let children: BTreeSet<String> = modules
            .keys()
            .filter(|m| m.len() == f.module.len() + 1 && m.starts_with(&f.module))
            .filter_map(|m| m.last().cloned())
            .collect();
        for p in paths(f, &children) {
            if let Some(to) = resolve(&p)
                && to != k
            {
                needs[k].insert(to);
            }
        }
    }
    // Guards against passing on nothing: known needs are seen.
    let find = |p: &str| files.iter().position(|f| f.path == p).unwrap_or_else(|| panic!("{p} not found"));
    assert!(needs[find("src/site/validate.rs")].contains(&find("src/site/model.rs")), "validate → model is seen");
    assert!(needs[find("src/build/mod.rs")].contains(&find("src/build/pages.rs")), "a mod.rs's child paths are seen");

    let name = |k: &usize| files[*k].path.as_str();
    let shown: Vec<String> = cycles(&needs)
        .iter()
        .map(|(group, c)| {
            let round = c.iter().chain(c.first()).map(name).collect::<Vec<_>>().join(" → ");
            let all = group.iter().map(name).collect::<Vec<_>>().join(", ");
            format!("{round}\n    (files that reach each other: {all})")
        })
        .collect();
    assert!(shown.is_empty(), "files that import each other:\n{}", shown.join("\n"));
}

/// Each group of files that reach each other (Tarjan's strongly connected components), with one cycle
/// through it: the shortest way round from the group's first file.
fn cycles(needs: &[BTreeSet<usize>]) -> Vec<(Vec<usize>, Vec<usize>)> {
    struct Walk<'a> {
        needs: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        groups: Vec<Vec<usize>>,
    }
    fn visit(w: &mut Walk, v: usize) {
        w.index[v] = Some(w.next);
        w.low[v] = w.next;
        w.next += 1;
        w.stack.push(v);
        w.on_stack[v] = true;
        for &to in w.needs[v].iter() {
            match w.index[to] {
                None => {
                    visit(w, to);
                    w.low[v] = w.low[v].min(w.low[to]);
                }
                Some(i) if w.on_stack[to] => w.low[v] = w.low[v].min(i),
                _ => {}
            }
        }
        if Some(w.low[v]) == w.index[v] {
            let mut group = Vec::new();
            while let Some(x) = w.stack.pop() {
                w.on_stack[x] = false;
                group.push(x);
                if x == v {
                    break;
                }
            }
            if group.len() > 1 {
                w.groups.push(group);
            }
        }
    }
    let n = needs.len();
    let mut w = Walk {
        needs,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        groups: Vec::new(),
    };
    for v in 0..n {
        if w.index[v].is_none() {
            visit(&mut w, v);
        }
    }
    w.groups
        .into_iter()
        .map(|group| {
            let start = *group.iter().min().expect("non-empty");
            // Breadth-first from `start` inside the group until it is reached again.
            let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            while let Some(v) = queue.pop_front() {
                for &to in &needs[v] {
                    if !group.contains(&to) || came_from.contains_key(&to) {
                        continue;
                    }
                    came_from.insert(to, v);
                    if to == start {
                        queue.clear();
                        break;
                    }
                    queue.push_back(to);
                }
            }
            let mut path = vec![start];
            let mut at = came_from[&start];
            while at != start {
                path.push(at);
                at = came_from[&at];
            }
            path[1..].reverse();
            let mut group = group;
            group.sort();
            (group, path)
        })
        .collect()
}
