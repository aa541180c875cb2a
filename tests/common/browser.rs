//! A headless Chromium driven over WebDriver (chromedriver), shared by the browser test files. Skips with a
//! reason when no browser is installed, unless DISAN_REQUIRE_TOOLS is set (CI).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A WebDriver session on a private chromedriver, closed when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

impl Browser {
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        Browser::start_with(width, height, &[])
    }

    /// A browser with extra command-line switches (for example `--disable-webgl`).
    pub fn start_with(width: u32, height: u32, extra: &[&str]) -> Option<Browser> {
        if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
            let why = format!("skipping browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed");
            super::skip(&why);
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent = super::client();
        let started = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile dir").keep();
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--use-angle=swiftshader".into(),
            "--enable-unsafe-swiftshader".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
        ];
        let mut args = args;
        args.extend(extra.iter().map(|s| s.to_string()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let mut browser = Browser { driver, base, session: String::new(), agent };
        let v = browser.call("POST", "/session", Some(caps));
        browser.session = v["sessionId"].as_str().expect("session id").to_string();
        Some(browser)
    }

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let res = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        };
        let mut res = res.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let v: Value = res.body_mut().read_json().expect("json reply");
        if res.status().as_u16() >= 400 {
            panic!("{method} {path} failed: {v}");
        }
        v["value"].clone()
    }

    /// A Chrome DevTools Protocol command through chromedriver (network throttling, offline, sensors…).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call("POST", "/goog/cdp/execute", Some(json!({"cmd": cmd, "params": params})))
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn js(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    pub fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.js(script);
            if !v.is_null() && v != json!(false) {
                return v;
            }
            if started.elapsed() >= Duration::from_secs(20) {
                let at = self.js("return [location.href, document.readyState, history.length, document.title]");
                panic!("timed out waiting for {what} (the page: {at})");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The browser's own Back, as the visitor's Back button (not the page's history.back()).
    pub fn back(&self) {
        self.call("POST", "/back", None);
    }

    /// The browser's own Forward.
    pub fn forward(&self) {
        self.call("POST", "/forward", None);
    }

    /// Returns once the page has drawn two more frames (what is on screen now includes every change made
    /// before the call).
    pub fn next_frames(&self) {
        let script = "var done=arguments[arguments.length-1];\
                      requestAnimationFrame(function(){requestAnimationFrame(function(){done(1)})});";
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": []})));
    }

    /// The tour box's pixels once they have stopped changing (a texture that just arrived is drawn, a
    /// drag's motion has ended): two shots a few frames apart that agree. Fails after 20 s of change.
    pub fn still_tour(&self) -> image::RgbaImage {
        let started = Instant::now();
        let mut last = tour_pixels(self);
        loop {
            self.next_frames();
            let now = tour_pixels(self);
            if now.dimensions() == last.dimensions() && mean_difference(&last, &now) < 0.25 {
                return now;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the tour kept changing for 20 s");
            last = now;
        }
    }

    /// A screenshot of the page, decoded.
    pub fn screenshot(&self) -> image::RgbaImage {
        use base64::Engine as _;
        let b64 = self.call("GET", "/screenshot", None);
        let png =
            base64::engine::general_purpose::STANDARD.decode(b64.as_str().expect("base64")).expect("decode base64");
        image::load_from_memory(&png).expect("png").to_rgba8()
    }

    /// Presses the mouse at (x, y), moves it through `path`, and releases it.
    pub fn mouse(&self, x: i64, y: i64, path: &[(i64, i64)]) {
        let mut steps = vec![
            json!({"type": "pointerMove", "duration": 0, "x": x, "y": y}),
            json!({"type": "pointerDown", "button": 0}),
        ];
        steps.extend(path.iter().map(|(px, py)| json!({"type": "pointerMove", "duration": 150, "x": px, "y": py})));
        steps.push(json!({"type": "pointerUp", "button": 0}));
        let actions = json!({"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": steps
        }]});
        self.call("POST", "/actions", Some(actions));
    }

    pub fn drag(&self, x: i64, y: i64, dx: i64) {
        self.mouse(x, y, &[(x + dx / 2, y), (x + dx, y)]);
    }

    /// A mouse press and release at one point, without movement: a click, not a drag.
    pub fn click_at(&self, x: i64, y: i64) {
        self.mouse(x, y, &[]);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.agent.delete(&format!("{}/session/{}", self.base, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The tour box's pixels in a screenshot.
pub fn tour_pixels(b: &Browser) -> image::RgbaImage {
    let r = b.js("var r=document.getElementById('tour').getBoundingClientRect();var d=window.devicePixelRatio||1;return [r.left*d,r.top*d,r.width*d,r.height*d];");
    let n = |i: usize| r[i].as_f64().expect("number").max(0.0) as u32;
    let shot = b.screenshot();
    let (x, y) = (n(0).min(shot.width() - 1), n(1).min(shot.height() - 1));
    let w = n(2).min(shot.width() - x);
    let h = n(3).min(shot.height() - y);
    image::imageops::crop_imm(&shot, x, y, w, h).to_image()
}

/// How many distinct coarse colours an image has: a blank or single-colour canvas has one or two.
pub fn distinct_colours(img: &image::RgbaImage) -> usize {
    let mut seen = std::collections::HashSet::new();
    for p in img.pixels() {
        seen.insert((p[0] / 16, p[1] / 16, p[2] / 16));
    }
    seen.len()
}

pub fn mean_difference(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    let total: u64 =
        a.pixels().zip(b.pixels()).map(|(p, q)| (0..3).map(|i| u64::from(p[i].abs_diff(q[i]))).sum::<u64>()).sum();
    total as f64 / (a.width() * a.height() * 3).max(1) as f64
}

/// axe-core's violations on the page (`source` is the text of its `axe.min.js`), as "rule: help — elements".
pub fn axe(b: &Browser, source: &str) -> Vec<String> {
    b.js(source);
    b.js("window.__axe=null;axe.run(document,{resultTypes:['violations']}).then(function(r){window.__axe=r.violations.map(function(v){return v.id+': '+v.help+' — '+v.nodes.map(function(n){return n.target.join(' ')}).join(', ')})});return 1");
    b.wait_for("axe-core's report", "return window.__axe")
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
