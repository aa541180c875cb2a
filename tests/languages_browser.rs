//! The three-language collection on a plain static file server, in a real browser: a placard's code and
//! the home address land in French for a browser that prefers French (`navigator.languages`, read by
//! `static/lang.js`), and the French page shows French interface words.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{Browser, free_port};
use serde_json::json;

/// `python3 -m http.server` on a folder, stopped when dropped.
struct StaticServer(Child);

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_french_browser_lands_in_french_on_a_static_host() {
    let dir = common::three_fixture();
    let built = common::disan(dir.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let Some(b) = Browser::start(390, 844) else { return };
    let port = free_port();
    let Ok(child) = Command::new("python3")
        .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
        .arg(dir.path().join("dist"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        assert!(std::env::var_os("DISAN_REQUIRE_TOOLS").is_none(), "python3 is not installed");
        return;
    };
    let _server = StaticServer(child);
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while common::client().get(&format!("{base}/index.html")).call().is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the static server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Only where the visitor lands matters: the tour's script and media are held back.
    b.cdp("Network.enable", json!({}));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/_/viewer.*", "*/media/*"]}));
    let agent = b.js("return navigator.userAgent");
    for (accept, lang) in [("fr-FR,fr;q=0.9", "fr"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "vi")] {
        b.cdp("Emulation.setUserAgentOverride", json!({"userAgent": agent, "acceptLanguage": accept}));
        b.goto("about:blank");
        let first = b.js("return navigator.languages[0]");
        assert_eq!(first, json!(accept.split(',').next().expect("tag")), "the browser prefers {accept}");
        for (from, to, hash) in [("/q/ba-1", "/{lang}/den/", "#scene=cong"), ("/", "/{lang}/", "")] {
            let to = to.replace("{lang}", lang);
            b.goto("about:blank");
            b.goto(&format!("{base}{from}"));
            let landed = format!(
                "return location.pathname === '{to}' && location.hash === '{hash}' && document.documentElement.lang === '{lang}'"
            );
            b.wait_for(&format!("{from} with {accept} → {to}{hash}"), &landed);
        }
    }
    b.goto(&format!("{base}/fr/den/"));
    b.wait_for("the French page", "return document.readyState === 'complete'");
    let words =
        b.js("return [document.querySelector('nav.langs').innerText, document.body.innerText.includes('Accueil')]");
    let nav = words[0].as_str().unwrap_or_default();
    for name in ["Tiếng Việt", "English", "Français"] {
        assert!(nav.contains(name), "the switcher lists {name}: {nav:?}");
    }
    assert_eq!(words[1], json!(true), "French interface words");
}
