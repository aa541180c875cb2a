//! Build-time work on `static/`: the viewer is assembled from its modules in `static/viewer/` (its core) and
//! `static/viewer-more/` (the controls it loads after the first view), scripts are
//! minified (oxc) and style sheets squeezed, and each shipped web asset gets a name carrying a hash of its
//! bytes, so browsers may cache it forever and a new release is fetched at once.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

use sha2::{Digest, Sha256};

/// Assets served to browsers under fingerprinted names (templates are not served).
const SERVED: &[&str] = &[
    "viewer.js",
    "viewer-more.js",
    "narration.js",
    "icon.svg",
    "preview.js",
    "preview.css",
    "lang.js",
    "offline.js",
    "near.js",
    "directions.js",
];

/// Style sheets, one per kind of page, each joined from the parts of `static/` it needs, in this order (a
/// later part may override an earlier one): a page makes one request for its styles and gets only rules
/// it can use. The parts' own headers say what they style. The rules of what a script builds (the save
/// box, the narration's controls) are in none of them: the script adds them (see [`SCRIPT_STYLES`]).
const STYLESHEETS: &[(&str, &[&str])] = &[
    // The home page, and the language choice page (a grid of cards too; its visitors go on to the home
    // page at once, which then has this file already).
    ("home.css", &["css/base.css", "css/cards.css", "css/home.css"]),
    // A site's page with a tour: its page rules and the viewer's in one file.
    ("tour.css", &["css/base.css", "css/site.css", "viewer.css"]),
    // A site's page without a tour.
    ("site.css", &["css/base.css", "css/site.css"]),
    // The small pages: not found, an unknown placard code, the offline page.
    ("page.css", &["css/base.css"]),
];

/// A file's text, and Cargo told to build again when it changes.
fn read_static(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One page kind's style sheet (see [`STYLESHEETS`]): its parts joined and squeezed.
fn stylesheet(dir: &Path, parts: &[&str]) -> String {
    let mut text = String::new();
    for part in parts {
        text.push_str(&read_static(&dir.join(part)));
        text.push('\n');
    }
    squeeze_css(&text)
}

/// The modules in `dir` (`*.js`, in name order) joined between `head` and `tail`, for [`minify_js`] to
/// make one file for the browser (no module loader, no request per module), in one function scope so
/// names shared between modules shrink too.
fn join_modules(dir: &Path, head: &str, tail: &str) -> String {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "js")).collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(head);
    for path in names {
        let text = read_static(&path);
        // Each module on its own first (in a function, as in the bundle), so a mistake is reported at its
        // own file and line.
        check_parses(&path.display().to_string(), &format!("(()=>{{\n{text}\n}})"), 1);
        out.push_str(&text);
        out.push('\n');
    }
    out.push_str(tail);
    out
}

/// `text` (a script named `name`) with `mark` replaced by `with`; it must name `mark` once.
fn put(name: &str, text: &str, mark: &str, with: &str) -> String {
    assert_eq!(text.matches(mark).count(), 1, "{name} must name {mark} once");
    text.replacen(mark, with, 1)
}

/// The rules of a squeezed style sheet, one string each (an `@media` block is one rule), as a JavaScript
/// array literal: what `CSSStyleSheet.insertRule` takes.
fn css_rules(squeezed: &str) -> String {
    let (mut rules, mut rule, mut depth, mut quote) = (Vec::new(), String::new(), 0usize, None);
    let mut chars = squeezed.trim().chars();
    while let Some(c) = chars.next() {
        rule.push(c);
        match (quote, c) {
            (Some(_), '\\') => rule.extend(chars.next()),
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    rules.push(std::mem::take(&mut rule));
                }
            }
            _ => {}
        }
    }
    assert!(rule.trim().is_empty() && depth == 0, "a style sheet that does not end where its last rule does");
    // Rust's quoting of a string is also a JavaScript string literal (`\"`, `\\`, `\u{…}`).
    format!("[{}]", rules.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>().join(","))
}

/// Where the viewer's core (`static/viewer/m-more.js`) names the file of its later part; replaced by
/// that file's fingerprinted name, so a new version of the later part also makes a new core.
const MORE_MARK: &str = "__VIEWER_MORE__";
/// Where a script that builds part of a page takes the rules of that part's style sheet, as an array of
/// strings (see [`SCRIPT_STYLES`]).
const RULES_MARK: &str = "__STYLE_RULES__";
/// Where such a script takes the function that adds them to the page (`static/adopt-rules.js`).
const ADOPT_MARK: &str = "__ADOPT_RULES__";
/// Scripts that bring the look of what they build, as rules they add to the page (pages without the
/// script, or without JavaScript, never show that part): the save-for-offline box and the narration's
/// controls (the viewer's later part takes `static/viewer-more/controls.css` the same way).
const SCRIPT_STYLES: &[(&str, &str)] = &[("offline.js", "css/save.css"), ("narration.js", "css/narration.css")];

/// Script `text` (named `name`) with the rules of style sheet `css` (under `dir`) and the function that
/// adds them: the rules first, so the function's text is never searched for a mark.
fn with_rules(dir: &Path, name: &str, text: &str, css: &str) -> String {
    let rules = css_rules(&squeeze_css(&read_static(&dir.join(css))));
    put(name, &put(name, text, RULES_MARK, &rules), ADOPT_MARK, &read_static(&dir.join("adopt-rules.js")))
}

/// The viewer: its core (`viewer.js`, what the first view needs) and its later part (`viewer-more.js`,
/// `static/viewer-more/`: a function that the core calls with its internals once the first view is drawn,
/// or sooner when it needs a piece of it).
fn bundle_viewer(dir: &Path) -> (String, String) {
    let name = "static/viewer-more/*.js (joined)";
    let more = join_modules(&dir.join("viewer-more"), "window.disanViewerMore=core=>{'use strict';\n", "};\n");
    let more = minify_js(name, &with_rules(dir, name, &more, "viewer-more/controls.css"));
    let name = "static/viewer/*.js (joined)";
    let core = join_modules(&dir.join("viewer"), "(()=>{'use strict';\n", "})();\n");
    let core = minify_js(name, &put(name, &core, MORE_MARK, &fingerprinted("viewer-more.js", more.as_bytes())));
    (core, more)
}

/// The file name under which `name` with these bytes is served, e.g. `viewer.1a2b3c4d5e.js`.
fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{stem}.{hex}.{ext}")
}

/// Stops the build when `source` is not a classic script oxc can parse, with the parser's messages and the
/// lines they point at (counted from the line after the first `skip` lines).
fn check_parses(name: &str, source: &str, skip: usize) {
    let alloc = oxc_allocator::Allocator::default();
    let parsed = oxc_parser::Parser::new(&alloc, source, oxc_span::SourceType::script()).parse();
    if parsed.errors.is_empty() && !parsed.panicked {
        return;
    }
    let mut report = format!("{name}: JavaScript that does not parse:\n");
    for e in &parsed.errors {
        let at = e.labels.as_ref().and_then(|l| l.first()).map_or(0, |l| l.offset());
        let line = source.get(..at).unwrap_or(source).matches('\n').count();
        let text = source.lines().nth(line).unwrap_or("");
        writeln!(report, "  line {}: {e}\n    {text}", (line + 1).saturating_sub(skip)).expect("write to string");
    }
    panic!("{report}");
}

/// A classic script (not a module) as shipped: parsed, compressed and its local names shortened by oxc,
/// printed without comments or needless spaces. The output stays within ES2020 (what the scripts are
/// written in), so phones that run the sources run it too.
fn minify_js(name: &str, source: &str) -> String {
    use oxc_allocator::Allocator;
    use oxc_codegen::{Codegen, CodegenOptions};
    use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
    use oxc_parser::Parser;
    use oxc_span::SourceType;

    check_parses(name, source, 0);
    let alloc = Allocator::default();
    let mut program = Parser::new(&alloc, source, SourceType::script()).parse().program;
    let mut compress = CompressOptions::smallest();
    compress.target = oxc_compat::EngineTargets::from_target("es2020").expect("a known target");
    let options = MinifierOptions {
        mangle: Some(MangleOptions { top_level: Some(false), ..MangleOptions::default() }),
        compress: Some(compress),
    };
    let done = Minifier::new(options).minify(&alloc, &mut program);
    let mut code =
        Codegen::new().with_options(CodegenOptions::minify()).with_scoping(done.scoping).build(&program).code;
    if !code.ends_with('\n') {
        code.push('\n');
    }
    code
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
    let (viewer, viewer_more) = bundle_viewer(dir);
    // The inline scripts: their text for the pages and their hashes for the content policy, from the
    // same bytes. `tour-start.js` picks the requested scene's preview before the viewer runs; `later.js`
    // loads the scripts the first view does not need when they are needed.
    let mut code = String::new();
    for (file, constant, what) in [
        ("tour-start.js", "TOUR_START", "The tour page's inline script"),
        ("later.js", "LATER", "The inline script that loads the scripts a page needs only later"),
    ] {
        let js = minify_js(file, &read_static(&dir.join(file)));
        let js = js.trim_end();
        assert!(!js.contains("</"), "{file}: an inline script may not contain `</`");
        writeln!(
            code,
            "/// {what} (`static/{file}`, minified).\npub const {constant}_JS: &str = {js:?};\n\
             /// Its hash, for `script-src` in the content policy.\npub const {constant}_HASH: &str = \"'sha256-{}'\";",
            base64(&Sha256::digest(js.as_bytes()))
        )
        .expect("write to string");
    }
    code.push_str(
        "/// Shipped assets and their fingerprinted file names.\npub const ASSET_NAMES: &[(&str, &str)] = &[\n",
    );
    let mut built = Vec::new();
    for name in SERVED {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = if *name == "viewer.js" {
            Some(viewer.clone())
        } else if *name == "viewer-more.js" {
            Some(viewer_more.clone())
        } else if let Some((_, css)) = SCRIPT_STYLES.iter().find(|(script, _)| script == name) {
            let text = read_static(&path);
            // The script as written first, so a mistake is reported at its own line.
            check_parses(name, &text, 0);
            Some(minify_js(name, &with_rules(dir, name, &text, css)))
        } else if name.ends_with(".js") {
            Some(minify_js(name, &read_static(&path)))
        } else if name.ends_with(".css") {
            Some(squeeze_css(&read_static(&path)))
        } else {
            None
        };
        let bytes = match bytes {
            Some(text) => {
                fs::write(Path::new(&out).join(name), &text).expect("write a built asset");
                built.push(*name);
                text.into_bytes()
            }
            None => fs::read(&path).unwrap_or_default(),
        };
        writeln!(code, "    ({name:?}, {:?}),", fingerprinted(name, &bytes)).expect("write to string");
    }
    for (name, parts) in STYLESHEETS {
        let text = stylesheet(dir, parts);
        fs::write(Path::new(&out).join(name), &text).expect("write a built asset");
        built.push(*name);
        writeln!(code, "    ({name:?}, {:?}),", fingerprinted(name, text.as_bytes())).expect("write to string");
    }
    code.push_str("];\n");
    code.push_str(
        "/// Each page kind's style sheet and the parts of `static/` it is joined from, in order (`build.rs`).\n\
         pub const STYLESHEET_PARTS: &[(&str, &[&str])] = &[\n",
    );
    for (name, parts) in STYLESHEETS {
        writeln!(code, "    ({name:?}, &{parts:?}),").expect("write to string");
    }
    code.push_str("];\n");
    code.push_str(
        "/// Scripts and style sheets as shipped (minified and squeezed by `build.rs`).\n\
         pub const BUILT: &[(&str, &[u8])] = &[\n",
    );
    for name in built {
        writeln!(code, "    ({name:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),")
            .expect("write to string");
    }
    code.push_str("];\n");
    fs::write(Path::new(&out).join("asset_names.rs"), code).expect("write asset_names.rs");
}
