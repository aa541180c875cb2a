//! The built site on a plain static file server (Python's `http.server`, which knows nothing of placard
//! codes, languages or 404 pages): the home address and every placard code of the sample collection, in
//! lower and upper case, land on the right page and scene in the browser's language.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{Browser, free_port};
use serde_json::json;

/// `python3 -m http.server` serving a folder on a free loopback port, stopped when dropped.
struct StaticServer {
    child: Child,
    base: String,
}

impl StaticServer {
    fn start(dir: &std::path::Path) -> Option<StaticServer> {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else {
            let why = "skipping static export test: python3 is not installed";
            assert!(std::env::var_os("DISAN_REQUIRE_TOOLS").is_none(), "{why}");
            eprintln!("{why}");
            return None;
        };
        let server = StaticServer { child, base: format!("http://127.0.0.1:{port}") };
        let agent = common::client();
        let started = Instant::now();
        while agent.get(&format!("{}/index.html", server.base)).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the static server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn every_code_reaches_its_scene_in_each_language_on_a_plain_static_server() {
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let built = common::disan(&common::repo(), &["build", "--out", dist.to_str().expect("utf-8 path")]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let table: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("_/links.json")).expect("code table")).expect("json");
    let codes = table["codes"].as_object().expect("codes");
    assert!(codes.len() >= 10, "the sample has its placard codes ({})", codes.len());

    let Some(b) = Browser::start(390, 844) else { return };
    let Some(server) = StaticServer::start(&dist) else { return };
    // Only where the visitor lands matters here: the tour's script and media are held back, so the
    // machine's time goes to the navigations under test.
    b.cdp("Network.enable", json!({}));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/_/viewer.*", "*/media/*", "*/_/preview/*"]}));
    let agent = b.js("return navigator.userAgent");

    for (accept, lang) in [("vi-VN,vi;q=0.9", "vi"), ("en-US,en;q=0.9", "en"), ("fr-FR,fr;q=0.9", "vi")] {
        b.cdp("Emulation.setUserAgentOverride", json!({"userAgent": agent, "acceptLanguage": accept}));
        b.goto("about:blank");
        let first = b.js("return navigator.languages[0]");
        assert_eq!(first, json!(accept.split(',').next().expect("tag")), "the browser speaks {accept}");

        b.goto(&format!("{}/", server.base));
        b.wait_for(
            &format!("/ → /{lang}/ for {accept}"),
            &format!("return location.pathname === '/{lang}/' && document.documentElement.lang === '{lang}'"),
        );

        for (code, target) in codes {
            let site = target["site"].as_str().expect("site");
            let hash = target["scene"].as_str().map(|s| format!("#scene={s}")).unwrap_or_default();
            for spelling in [code.to_ascii_lowercase(), code.to_ascii_uppercase()] {
                // From a blank page, so the previous landing cannot pass for this one.
                b.goto("about:blank");
                b.goto(&format!("{}/q/{spelling}", server.base));
                let landed = format!(
                    "return location.pathname === '/{lang}/{site}/' && location.hash === '{hash}' \
                     && document.documentElement.lang === '{lang}'"
                );
                b.wait_for(&format!("/q/{spelling} → /{lang}/{site}/{hash} for {accept}"), &landed);
            }
        }
    }
    drop(server);
}
