//! `disan serve --watch` over a real socket: edits are rebuilt and published, a broken edit keeps the last
//! good build served and reports file and line, a fix clears it, and unchanged panoramas are not re-tiled.

mod common;

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn status(base: &str, after: Option<u64>) -> Value {
    let url = match after {
        Some(n) => format!("{base}/_/preview/status?after={n}"),
        None => format!("{base}/_/preview/status"),
    };
    let mut res = common::client().get(&url).call().expect("status");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    res.body_mut().read_json().expect("status JSON")
}

/// Waits (long polling) until a build newer than `after` is published.
fn next_status(base: &str, after: u64) -> Value {
    for _ in 0..5 {
        let s = status(base, Some(after));
        if s["generation"].as_u64() > Some(after) {
            return s;
        }
    }
    panic!("no rebuild was published after generation {after}");
}

fn page(base: &str) -> String {
    let res = common::client().get(format!("{base}/vi/demo/")).call().expect("page");
    res.into_body().read_to_string().expect("body")
}

fn edit(path: &Path, find: &str, replace: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(find), "{} has no {find:?}", path.display());
    fs::write(path, text.replacen(find, replace, 1)).expect("write");
}

/// Any one tile of the cached pyramids, to see whether it is made again.
fn a_cached_tile(root: &Path) -> PathBuf {
    let cache = root.join(".dist-cache");
    let dir = fs::read_dir(&cache)
        .expect("cache")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("tiles-")))
        .expect("a tile pyramid in the cache");
    dir.join("1/f0_0.jpg")
}

#[test]
fn edits_rebuild_errors_keep_the_last_good_build_and_fixes_clear_them() {
    edit_break_fix(false);
}

/// The same with polling, for folders whose changes the operating system does not report.
#[test]
fn polling_sees_the_same_edits() {
    edit_break_fix(true);
}

fn edit_break_fix(poll: bool) {
    let dir = common::fixture();
    let root = dir.path();
    let yaml = root.join("sites/demo.yaml");
    let out = root.join("dist");
    let mut args: Vec<&std::ffi::OsStr> = vec!["--watch".as_ref(), "--out".as_ref(), out.as_os_str()];
    if poll {
        args.push("--poll".as_ref());
    }
    let server = common::Server::start_args(root, &args);

    let s = status(&server.base, None);
    assert_eq!((s["generation"].as_u64(), s["ok"].as_bool()), (Some(1), Some(true)), "{s}");
    let home = page(&server.base);
    assert!(home.contains("Đền Thử Nghiệm"), "{home}");
    assert!(home.contains("/_/preview."), "preview pages load the preview script");
    let tile = a_cached_tile(root);
    let inode = fs::metadata(&tile).expect("tile").ino();

    // A new title appears once the rebuild is published, and the panoramas were not tiled again.
    edit(&yaml, "vi: Đền Thử Nghiệm", "vi: Đền Đã Sửa");
    let s = next_status(&server.base, 1);
    assert_eq!(s["ok"], true, "{s}");
    assert!(page(&server.base).contains("Đền Đã Sửa"));
    assert_eq!(fs::metadata(&tile).expect("tile still cached").ino(), inode, "an unchanged panorama was re-tiled");

    // A mistake: the status names file and line; the last good page is still served.
    let line =
        fs::read_to_string(&yaml).expect("read").lines().position(|l| l == "kind: historical_relic").expect("kind") + 1;
    edit(&yaml, "kind: historical_relic", "kind: temple");
    let s = next_status(&server.base, s["generation"].as_u64().expect("generation"));
    assert_eq!(s["ok"], false, "{s}");
    let problem = &s["problems"][0];
    assert_eq!(problem["file"], "sites/demo.yaml", "{s}");
    assert_eq!(problem["line"].as_u64(), Some(line as u64), "{s}");
    let report = s["report"].as_str().expect("report");
    assert!(report.contains(&format!("sites/demo.yaml:{line}:")) && report.contains("temple"), "{report}");
    assert!(page(&server.base).contains("Đền Đã Sửa"), "the last good build is still served");

    // The fix clears it.
    edit(&yaml, "kind: temple", "kind: scenic_site");
    let s = next_status(&server.base, s["generation"].as_u64().expect("generation"));
    assert_eq!(s["ok"], true, "{s}");
    assert_eq!(s["report"], "", "{s}");

    // Editors' scratch files do not trigger builds: the watcher sees a swap file and builds nothing, then a
    // real edit is one generation.
    let before = s["generation"].as_u64().expect("generation");
    let seen = s["changes"].as_u64().expect("changes");
    fs::write(root.join("sites/.demo.yaml.swp"), b"swap").expect("swap file");
    let started = std::time::Instant::now();
    let s = loop {
        let s = status(&server.base, None);
        if s["changes"].as_u64() > Some(seen) {
            break s;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the swap file was never looked at: {s}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(s["generation"].as_u64(), Some(before), "a swap file is no reason to build: {s}");
    edit(&yaml, "en: Test Temple", "en: Edited Temple");
    let s = next_status(&server.base, before);
    assert_eq!(s["generation"].as_u64(), Some(before + 1), "{s}");
    assert!(page(&server.base).contains("Đền Đã Sửa"));
}
