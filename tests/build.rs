//! `disan build` on the fixture: what it writes, that content is escaped and normalised, that an unchanged
//! collection is not rebuilt (unless another version of disan built it), and that a failed build leaves the
//! last good output untouched.

mod common;

use std::fs;
use std::path::Path;

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn writes_pages_assets_and_media() {
    let dir = common::fixture();
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dist = dir.path().join("dist");
    for page in ["index.html", "vi/index.html", "en/index.html", "vi/demo/index.html", "en/demo/index.html", "404.html"]
    {
        assert!(dist.join(page).is_file(), "missing {page}");
    }
    let vi = read(&dist.join("vi/demo/index.html"));
    assert!(vi.contains("<html lang=\"vi\">"), "default language page is Vietnamese");
    assert!(vi.contains("Đền Thử Nghiệm") && vi.contains("<p>Đoạn một.</p><p>Đoạn hai.</p>"), "{vi}");
    assert!(vi.contains("id=\"tour-data\"") && vi.contains("\"target\":\"san\""), "tour data present");
    assert!(vi.contains("<audio controls"), "recorded narration has a player");
    let home = read(&dist.join("en/index.html"));
    let (other, demo) =
        (home.find("Other Pagoda").expect("other listed"), home.find("Test Temple").expect("demo listed"));
    assert!(other < demo, "the collection's order decides the home page order");
    let en = read(&dist.join("en/demo/index.html"));
    assert!(
        en.contains("Test Temple") && en.contains("narration.") && !en.contains("<audio"),
        "English narration uses speech synthesis"
    );
    let assets: Vec<String> = fs::read_dir(dist.join("_"))
        .expect("assets")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let viewer = assets.iter().find(|n| n.starts_with("viewer.") && n.ends_with(".js")).expect("fingerprinted viewer");
    assert_eq!(viewer.split('.').nth(1).map(str::len), Some(10), "{viewer}");
    assert!(vi.contains(&format!("/_/{viewer}")), "page links the fingerprinted viewer");
    assert!(
        dist.join("vi/demo/index.html.br").is_file() && dist.join("vi/demo/index.html.gz").is_file(),
        "precompressed"
    );
    let media: Vec<String> = fs::read_dir(dist.join("media/demo"))
        .expect("media")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(media.iter().any(|n| n.starts_with("cong.") && n.ends_with(".jpg")), "{media:?}");
    assert!(media.iter().any(|n| n.starts_with("narration-vi.") && n.ends_with(".mp3")), "{media:?}");
}

#[test]
fn content_is_escaped_and_normalised() {
    let dir = common::fixture();
    let site = dir.path().join("sites/demo.yaml");
    let text = read(&site)
        .replace("en: A temple for tests.", "en: \"<script>alert(1)</script> & <b>bold</b>\"")
        .replace("en: Stele", "en: \"\\\"><img src=x onerror=alert(2)>\"")
        // Decomposed (NFD) Vietnamese, as some keyboards and copy-paste produce.
        .replace("vi: Một ngôi đền để kiểm thử.", "vi: \"Đe\u{302}\u{300}n thu\u{31b}\u{309}\"");
    fs::write(&site, text).expect("write");
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let en = read(&dir.path().join("dist/en/demo/index.html"));
    assert!(!en.contains("<script>alert(1)"), "summary must be escaped");
    assert!(
        en.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || en.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{en}"
    );
    assert!(!en.contains("<img src=x"), "hotspot title must not become markup");
    let vi = read(&dir.path().join("dist/vi/demo/index.html"));
    assert!(vi.contains("Đền thử"), "text is NFC-normalised");
}

#[test]
fn failed_build_keeps_last_good_output() {
    let dir = common::fixture();
    assert!(common::disan(dir.path(), &["build"]).status.success());
    let page = dir.path().join("dist/vi/demo/index.html");
    let before = fs::read(&page).expect("page");
    let site = dir.path().join("sites/demo.yaml");
    fs::write(&site, read(&site).replace("target: san", "target: nowhere")).expect("write");
    let out = common::disan(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sites/demo.yaml:"), "error is located");
    assert_eq!(fs::read(&page).expect("page still there"), before, "dist untouched");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("building"))
        .collect();
    assert!(leftovers.is_empty(), "temporary build folders left behind: {leftovers:?}");
}

#[test]
fn unchanged_collection_is_reused_and_changes_rebuild() {
    let dir = common::fixture();
    assert!(common::disan(dir.path(), &["build"]).status.success());
    let again = common::disan(dir.path(), &["build"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // An editor's swap file beside the site file is not a change.
    fs::write(dir.path().join("sites/.demo.yaml.swp"), b"vim state").expect("write");
    let with_swap = common::disan(dir.path(), &["build"]);
    assert!(
        String::from_utf8_lossy(&with_swap.stderr).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&with_swap.stderr)
    );
    let site = dir.path().join("sites/demo.yaml");
    fs::write(&site, read(&site).replace("Test Temple", "Renamed Temple")).expect("write");
    let third = common::disan(dir.path(), &["build"]);
    assert!(String::from_utf8_lossy(&third.stderr).contains("built"), "{}", String::from_utf8_lossy(&third.stderr));
    assert!(read(&dir.path().join("dist/en/demo/index.html")).contains("Renamed Temple"));
}

#[test]
fn identical_input_gives_identical_pages() {
    let a = common::fixture();
    let b = common::fixture();
    assert!(common::disan(a.path(), &["build"]).status.success());
    assert!(common::disan(b.path(), &["build"]).status.success());
    for page in ["vi/demo/index.html", "en/index.html", "404.html"] {
        assert_eq!(read(&a.path().join("dist").join(page)), read(&b.path().join("dist").join(page)), "{page}");
    }
}

/// An output built by another version of disan is rendered again, by `build` and by `serve` (which builds
/// before it serves): the stamp names the program, and an upgrade must not keep serving old pages.
#[test]
fn another_program_version_renders_pages_again() {
    let dir = common::fixture();
    assert!(common::disan(dir.path(), &["build"]).status.success());
    let stamp_path = dir.path().join("dist/_/build-id.txt");
    let stamp = read(&stamp_path);
    let (program, inputs) = stamp.trim().split_once(' ').expect("stamp: program and inputs");
    let version = format!("disan/{}+", env!("CARGO_PKG_VERSION"));
    assert!(program.starts_with(&version), "the stamp names the program's version: {stamp}");
    // The same inputs, as an older disan would have stamped and rendered them.
    let page = dir.path().join("dist/en/demo/index.html");
    let pretend_old = |what: &str| {
        fs::write(&stamp_path, format!("disan/0.0.1+000000000000 {inputs}\n")).expect("write old stamp");
        fs::write(&page, format!("rendered by disan 0.0.1 ({what})")).expect("write old page");
    };
    pretend_old("build");
    let rebuilt = common::disan(dir.path(), &["build"]);
    let said = String::from_utf8_lossy(&rebuilt.stderr);
    assert!(rebuilt.status.success() && said.contains("built"), "{said}");
    assert!(read(&page).contains("Test Temple"), "the page is rendered again");
    assert_eq!(read(&stamp_path).trim(), stamp.trim(), "and stamped by this program");
    let again = common::disan(dir.path(), &["build"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("up to date"), "the same program and inputs are reused");

    pretend_old("serve");
    let server = common::Server::start(dir.path());
    let mut res = common::client().get(&format!("{}/en/demo/", server.base)).call().expect("page");
    assert_eq!(res.status(), 200);
    let body = res.body_mut().read_to_string().expect("body");
    assert!(body.contains("Test Temple") && !body.contains("disan 0.0.1"), "serve renders it again: {body}");
}
