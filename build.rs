//! Build-time work on `static/`: the viewer is assembled from its modules in `static/viewer/`, and each
//! shipped web asset gets a name carrying a hash of its bytes, so browsers may cache it forever and a new
//! release is fetched at once.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

use sha2::{Digest, Sha256};

/// Assets served to browsers under fingerprinted names (templates are not served).
const SERVED: &[&str] = &[
    "viewer.js",
    "viewer.css",
    "site.css",
    "narration.js",
    "icon.svg",
    "preview.js",
    "preview.css",
    "lang.js",
    "offline.js",
    "near.js",
    "directions.js",
];

/// The viewer's modules, in name order, inside one function scope: one file for the browser (no module
/// loader, no request per module), with whole-line comments and indentation left out.
fn bundle_viewer(dir: &Path) -> Vec<u8> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "js")).collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("(()=>{'use strict';\n");
    for path in names {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        compact(&text, &mut out);
    }
    out.push_str("})();\n");
    out.into_bytes()
}

/// A script without its whole-line comments, indentation and needless spaces, appended to `out` (the
/// viewer's modules, and `narration.js`, are written to keep URLs and regular expressions free of ` // `).
fn compact(text: &str, out: &mut String) {
    let mut in_comment = false;
    for line in text.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push_str(&squeeze(strip_trailing_comment(t)));
        out.push('\n');
    }
}

/// The line without a trailing ` // comment`, when the `//` is outside any string (quotes before it are
/// balanced); the viewer's sources keep URLs and regular expressions free of ` // `.
fn strip_trailing_comment(line: &str) -> &str {
    match line.find(" // ") {
        Some(i) if ['\'', '"', '`'].iter().all(|q| line[..i].matches(*q).count() % 2 == 0) => line[..i].trim_end(),
        _ => line,
    }
}

/// Standard base64 (for the content policy's script hash).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = c.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= c.len() { A[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

/// The line without the spaces JavaScript does not need: outside string literals, a space stays only
/// between two identifier characters (and between `+`/`-` signs). Line breaks are kept, so automatic
/// semicolons fall where they did. The viewer's regular expressions hold no quotes or spaces.
fn squeeze(line: &str) -> String {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
        } else if c == ' ' {
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            let (prev, next) = (out.chars().last(), chars.peek().copied());
            if let (Some(p), Some(n)) = (prev, next)
                && ((ident(p) && ident(n)) || (matches!(p, '+' | '-') && matches!(n, '+' | '-')))
            {
                out.push(' ');
            }
        } else {
            if matches!(c, '\'' | '"' | '`') {
                quote = Some(c);
            }
            out.push(c);
        }
    }
    out
}

/// A style sheet without what browsers do not need: comments, indentation, line breaks, and spaces after
/// `{ } ; : ,` or before `{ } ; ,` (outside strings), and the `;` before a `}`. Spaces elsewhere stay:
/// `a :hover` and `a:hover` differ, and `calc()` needs its spaces around `+` and `-`.
fn squeeze_css(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    let mut space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for n in chars.by_ref() {
                if last == '*' && n == '/' {
                    break;
                }
                last = n;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let prev = out.chars().last();
        if space && prev.is_some_and(|p| !"{};:,".contains(p)) && !"{};,".contains(c) {
            out.push(' ');
        }
        space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        if matches!(c, '\'' | '"') {
            quote = Some(c);
        }
        out.push(c);
    }
    out.push('\n');
    out
}

/// Every file under `dir`, in a stable order (paths relative to the package, `/`-separated).
fn files_under(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if path.is_dir() {
            files_under(&path, into);
        } else {
            into.push(path);
        }
    }
}

/// A hash of the program's own sources — Rust code, templates and assets, the build script and the locked
/// dependency versions — so an output built by any other program (an upgrade, or a rebuilt binary with a
/// changed template or page code) is not taken as up to date. Written as `PROGRAM`: `disan/VERSION+HASH`.
fn program_id() -> String {
    let mut files = Vec::new();
    for dir in ["src", "static"] {
        println!("cargo:rerun-if-changed={dir}");
        files_under(Path::new(dir), &mut files);
    }
    for file in ["build.rs", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(file.into());
    }
    files.sort();
    let mut h = Sha256::new();
    for f in &files {
        let name = f.to_string_lossy().replace('\\', "/");
        let bytes = fs::read(f).unwrap_or_default();
        for piece in [name.as_bytes(), &bytes] {
            h.update((piece.len() as u64).to_le_bytes());
            h.update(piece);
        }
    }
    let hex: String = h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("disan/{}+{hex}", env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION"))
}

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(
        Path::new(&out).join("program.rs"),
        format!(
            "/// The program that writes a build: its version and a hash of its sources (see `build.rs`).\n\
             pub const PROGRAM: &str = {:?};\n",
            program_id()
        ),
    )
    .expect("write program.rs");
    let dir = Path::new("static");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed=static/viewer");
    let viewer = bundle_viewer(&dir.join("viewer"));
    fs::write(Path::new(&out).join("viewer.js"), &viewer).expect("write viewer.js");
    // The narration script, compacted the same way (it is served from here, see src/build/assets.rs).
    let narration_path = dir.join("narration.js");
    println!("cargo:rerun-if-changed={}", narration_path.display());
    let mut narration = String::new();
    compact(&fs::read_to_string(&narration_path).expect("read static/narration.js"), &mut narration);
    let narration = narration.into_bytes();
    fs::write(Path::new(&out).join("narration.js"), &narration).expect("write narration.js");
    // The one inline script (it picks the requested scene's preview before the viewer runs): its text for
    // the page and its hash for the content policy, from the same bytes.
    let start_path = dir.join("tour-start.js");
    println!("cargo:rerun-if-changed={}", start_path.display());
    let start = fs::read_to_string(&start_path).expect("read static/tour-start.js");
    let start = start.split_once("*/").filter(|_| start.starts_with("/*")).map_or(start.as_str(), |(_, s)| s).trim();
    let mut code = format!(
        "/// The tour page's inline script.\npub const TOUR_START_JS: &str = {start:?};\n\
         /// Its hash, for `script-src` in the content policy.\npub const TOUR_START_HASH: &str = \"'sha256-{}'\";\n",
        base64(&Sha256::digest(start.as_bytes()))
    );
    code.push_str(
        "/// Shipped assets and their fingerprinted file names.\npub const ASSET_NAMES: &[(&str, &str)] = &[\n",
    );
    for name in SERVED {
        let path = dir.join(name);
        let bytes = if *name == "viewer.js" {
            viewer.clone()
        } else if *name == "narration.js" {
            narration.clone()
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
            let bytes = fs::read(&path).unwrap_or_default();
            if name.ends_with(".css") {
                let css = squeeze_css(&String::from_utf8(bytes).expect("style sheets are UTF-8"));
                fs::write(Path::new(&out).join(name), &css).expect("write a squeezed style sheet");
                css.into_bytes()
            } else {
                bytes
            }
        };
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        writeln!(code, "    ({name:?}, \"{stem}.{hex}.{ext}\"),").expect("write to string");
    }
    code.push_str("];\n");
    code.push_str("/// Style sheets as shipped (squeezed by `build.rs`).\npub const SQUEEZED: &[(&str, &[u8])] = &[\n");
    for name in SERVED.iter().filter(|n| n.ends_with(".css")) {
        writeln!(code, "    ({name:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),")
            .expect("write to string");
    }
    code.push_str("];\n");
    fs::write(Path::new(&out).join("asset_names.rs"), code).expect("write asset_names.rs");
}
