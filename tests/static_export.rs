//! The built site on plain static file servers. Python's `http.server` knows nothing of placard codes,
//! languages or 404 pages: the home address and every placard code of the sample collection, in lower and
//! upper case, land on the right page and scene in the browser's language. nginx serving `404.html` for
//! missing files: codes in mixed case and site addresses without a language land there too.

mod common;

use std::path::Path;
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
    /// Waits (with a deadline) until the server answers.
    fn wait_until_up(self) -> StaticServer {
        let agent = common::client();
        let started = Instant::now();
        while agent.get(&format!("{}/index.html", self.base)).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the static server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        self
    }

    /// nginx serving `dist` with `404.html` for missing files, as most static hosts do.
    fn nginx(dist: &Path, scratch: &Path) -> Option<StaticServer> {
        let nginx = Path::new("/usr/sbin/nginx");
        if !nginx.exists() {
            let why = "skipping the 404-page test: nginx is not installed";
            common::skip(why);
            return None;
        }
        let port = free_port();
        let d = scratch.display();
        // One process in the foreground: it reads the private temp folder as the test's own user, and
        // stopping it leaves no worker behind.
        let conf = format!(
            "master_process off; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{ include /etc/nginx/mime.types; access_log off;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n\
               uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               server {{ listen 127.0.0.1:{port}; root {}; absolute_redirect off; error_page 404 /404.html; }} }}\n",
            dist.display()
        );
        let conf_path = scratch.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(scratch)
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        Some(StaticServer { child, base: format!("http://127.0.0.1:{port}") }.wait_until_up())
    }

    fn start(dir: &Path) -> Option<StaticServer> {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else {
            let why = "skipping static export test: python3 is not installed";
            common::skip(why);
            return None;
        };
        Some(StaticServer { child, base: format!("http://127.0.0.1:{port}") }.wait_until_up())
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sample collection built into `out/dist`, and its code table.
fn build_sample(out: &Path) -> (std::path::PathBuf, serde_json::Map<String, serde_json::Value>) {
    let dist = out.join("dist");
    let built = common::disan(&common::repo(), &["build", "--out", dist.to_str().expect("utf-8 path")]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let table: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("_/links.json")).expect("code table")).expect("json");
    let codes = table["codes"].as_object().expect("codes").clone();
    assert!(codes.len() >= 10, "the sample has its placard codes ({})", codes.len());
    (dist, codes)
}

/// A browser that holds back the tour's script and media: only where the visitor lands matters here, so
/// the machine's time goes to the navigations under test.
fn browser() -> Option<(Browser, serde_json::Value)> {
    let b = Browser::start(390, 844)?;
    b.cdp("Network.enable", json!({}));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/_/viewer.*", "*/media/*", "*/_/preview/*"]}));
    let agent = b.js("return navigator.userAgent");
    Some((b, agent))
}

/// Makes the browser prefer `accept` (its Accept-Language and `navigator.languages`).
fn speak(b: &Browser, agent: &serde_json::Value, accept: &str) {
    b.cdp("Emulation.setUserAgentOverride", json!({"userAgent": agent, "acceptLanguage": accept}));
    b.goto("about:blank");
    let first = b.js("return navigator.languages[0]");
    assert_eq!(first, json!(accept.split(',').next().expect("tag")), "the browser speaks {accept}");
}

/// Opens `url` from a blank page (so the previous landing cannot pass for this one) and waits until the
/// browser is on `path` with `hash` in `lang`.
fn lands(b: &Browser, url: &str, path: &str, hash: &str, lang: &str) {
    b.goto("about:blank");
    b.goto(url);
    let landed = format!(
        "return location.pathname === '{path}' && location.hash === '{hash}' && document.documentElement.lang === '{lang}'"
    );
    b.wait_for(&format!("{url} → {path}{hash} in {lang}"), &landed);
}

const VISITORS: [(&str, &str); 3] = [("vi-VN,vi;q=0.9", "vi"), ("en-US,en;q=0.9", "en"), ("fr-FR,fr;q=0.9", "vi")];

#[test]
fn every_code_reaches_its_scene_in_each_language_on_a_plain_static_server() {
    let out = tempfile::tempdir().expect("tempdir");
    let (dist, codes) = build_sample(out.path());
    let Some((b, agent)) = browser() else { return };
    let Some(server) = StaticServer::start(&dist) else { return };
    for (accept, lang) in VISITORS {
        speak(&b, &agent, accept);
        lands(&b, &format!("{}/", server.base), &format!("/{lang}/"), "", lang);
        for (code, target) in &codes {
            let site = target["site"].as_str().expect("site");
            let hash = target["scene"].as_str().map(|s| format!("#scene={s}")).unwrap_or_default();
            for spelling in [code.to_ascii_lowercase(), code.to_ascii_uppercase()] {
                lands(&b, &format!("{}/q/{spelling}", server.base), &format!("/{lang}/{site}/"), &hash, lang);
            }
        }
    }
    drop(server);
}

#[test]
fn the_404_page_mends_mixed_case_codes_and_addresses_without_a_language() {
    let out = tempfile::tempdir().expect("tempdir");
    let (dist, codes) = build_sample(out.path());
    let Some((b, agent)) = browser() else { return };
    let scratch = tempfile::tempdir().expect("nginx folder");
    let Some(server) = StaticServer::nginx(&dist, scratch.path()) else { return };
    let target = &codes["ss-dc2"];
    let (site, hash) =
        (target["site"].as_str().expect("site"), format!("#scene={}", target["scene"].as_str().expect("scene")));
    for (accept, lang) in VISITORS {
        speak(&b, &agent, accept);
        for spelling in ["Ss-Dc2", "sS-dC2/"] {
            lands(&b, &format!("{}/q/{spelling}", server.base), &format!("/{lang}/{site}/"), &hash, lang);
        }
        for path in ["/den-doc-cuoc", "/den-doc-cuoc/", "/rung-thong/"] {
            let want = format!("/{lang}{}", if path.ends_with('/') { path.to_string() } else { format!("{path}/") });
            lands(&b, &format!("{}{path}", server.base), &want, "", lang);
        }
        // An address that is nothing stays on the 404 page.
        b.goto(&format!("{}/khong-co/", server.base));
        b.wait_for("the 404 page", "return document.readyState === 'complete' && location.pathname === '/khong-co/'");
    }
    drop(server);
}
