//! The visitor with no signal, in a real browser: the service worker keeps a visited site, saves the
//! others on request, serves them with the network off (DevTools offline emulation, and the host stopped
//! as well), shows the friendly page for a site not kept, and gives way to a new build. Skips with a
//! reason when no browser is installed, unless DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::wire::poppler;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::browser::{Browser, axe, distinct_colours, free_port};
use serde_json::{Value, json};

/// `disan serve` on a port chosen by the test, so a stopped host can come back at the same address (a
/// service worker belongs to its origin, port included).
struct Host {
    child: Child,
    base: String,
}

impl Host {
    fn start(root: &Path, port: u16) -> Host {
        Host::start_args(root, port, &["--log", "off"])
    }

    fn start_args(root: &Path, port: u16, extra: &[&str]) -> Host {
        let child = Command::new(env!("CARGO_BIN_EXE_disan"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start disan serve");
        let base = format!("http://127.0.0.1:{port}");
        let agent = common::client();
        let started = Instant::now();
        // The first start builds the collection (tiling included), which takes a while on a loaded machine.
        while agent.get(&format!("{base}/healthz")).call().map(|r| r.status().as_u16()).ok() != Some(200) {
            assert!(started.elapsed() < Duration::from_secs(120), "disan serve did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Host { child, base }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The emulated network, for the page and for its service worker, which fetches on its own (DevTools
/// emulation set on a page does not reach the worker: the worker's target gets it through a session of its
/// own, kept while offline, since conditions belong to the session that set them).
#[derive(Default)]
struct Network {
    sessions: Vec<Value>,
}

impl Network {
    fn set(&mut self, b: &Browser, offline: bool) {
        let conditions = json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1});
        b.cdp("Network.emulateNetworkConditions", conditions.clone());
        let send = |session: &Value, id: usize, method: &str, params: Value| {
            let message = json!({"id": id, "method": method, "params": params}).to_string();
            b.cdp("Target.sendMessageToTarget", json!({"sessionId": session, "message": message}));
        };
        for session in self.sessions.drain(..) {
            send(&session, 1, "Network.emulateNetworkConditions", conditions.clone());
            b.cdp("Target.detachFromTarget", json!({"sessionId": session}));
        }
        if !offline {
            return;
        }
        let targets = b.cdp("Target.getTargets", json!({}));
        for t in targets["targetInfos"].as_array().expect("targets").iter().filter(|t| t["type"] == "service_worker") {
            let session =
                b.cdp("Target.attachToTarget", json!({"targetId": t["targetId"], "flatten": false}))["sessionId"]
                    .clone();
            send(&session, 1, "Network.enable", json!({}));
            send(&session, 2, "Network.emulateNetworkConditions", conditions.clone());
            self.sessions.push(session);
        }
        assert!(!self.sessions.is_empty(), "a service worker to take offline");
    }
}

/// Waits until the tour shows `scene` with every level-1 face drawn, and returns its pixels.
fn scene_drawn(b: &Browser, scene: &str) -> image::RgbaImage {
    b.wait_for("the viewer", "return !!(window.disanTour && document.querySelector('#tour canvas'))");
    b.wait_for(
        &format!("scene {scene} with every level-1 face"),
        &format!(
            "var t=disanTour.tiles();return disanTour.view().scene==='{scene}' && \
             ['f','b','u','d','l','r'].every(function(f){{return t.loaded.indexOf('1/'+f+'0_0')>=0;}})"
        ),
    );
    // The frame after the last texture arrived.
    b.still_tour()
}

fn state(b: &Browser) -> Value {
    b.wait_for(
        "the worker's report",
        "return (window.__offlineState = window.__offlineState || (function(){var s={v:null};\
         navigator.serviceWorker.addEventListener('message',function(e){if(e.data&&e.data.type==='state')s.v=e.data;});\
         navigator.serviceWorker.ready.then(function(r){r.active.postMessage({type:'state'});});return s;})()).v",
    )
}

fn text(b: &Browser, selector: &str) -> String {
    b.js(&format!("var e=document.querySelector('{selector}');return e?e.textContent:null;"))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn click(b: &Browser, selector: &str) {
    let el = b.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})));
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
}

#[test]
fn kept_sites_work_offline_and_a_new_build_replaces_them() {
    let Some(b) = Browser::start_with(390, 844, &["--autoplay-policy=no-user-gesture-required"]) else { return };
    let dir = common::fixture();
    let port = free_port();
    let host = Host::start(dir.path(), port);
    let base = host.base.clone();
    let mut net = Network::default();

    // First visit: the page registers the worker, which keeps this site for this language on its own.
    b.goto(&format!("{base}/vi/demo/"));
    b.wait_for("the save box", "var e=document.getElementById('offline');return e && !e.hidden");
    b.wait_for("the site kept", "var r=document.querySelector('.offline-remove');return r && !r.hidden");
    let status = text(&b, ".offline-status");
    assert!(status.contains("Đã lưu") && (status.contains("kB") || status.contains("MB")), "status: {status}");
    let s = state(&b);
    assert_eq!(s["kept"], json!({"demo": ["vi"]}), "{s}");
    assert!(
        b.js("return !!navigator.serviceWorker.controller").as_bool().unwrap_or(false),
        "the worker controls the page"
    );

    // Looking closer, behind the opening view, fetches finer tiles not asked for before (the opening view
    // may already have brought the front face's, before the worker took over), kept as they arrive.
    b.js("location.hash='#scene=cong&yaw=180&pitch=0&hfov=40';return 1");
    b.wait_for(
        "level-2 tiles kept",
        "return caches.open('disan-seen').then(function(c){return c.keys()}).then(function(k){return k.some(function(r){return /\\/media\\/demo\\/cong\\.[0-9a-f]+\\/2\\/b/.test(r.url)})})",
    );

    // No network: the page and its worker are offline (the host is still up: a request that reached it
    // would show here as an unsaved page opening).
    net.set(&b, true);
    b.goto(&format!("{base}/vi/demo/"));
    assert_eq!(text(&b, "h1"), "Đền Thử Nghiệm", "the kept page opens offline");
    let cong = scene_drawn(&b, "cong");
    assert!(distinct_colours(&cong) > 20, "the first scene is drawn offline ({} colours)", distinct_colours(&cong));
    // The viewer's later controls (viewer-more.js, asked for after the first view) come from the kept copy.
    b.wait_for("the scene list offline", "return !!document.querySelector('#tour .tour-bar .tour-scenes')");
    // The second scene, through its deep link, from the first.
    b.js("location.hash='#scene=san';return 1");
    let san = scene_drawn(&b, "san");
    assert!(distinct_colours(&san) > 20, "the second scene is drawn offline ({} colours)", distinct_colours(&san));

    // The narration's script and the data it fetches come from the kept copy: the script offers the
    // page's story.
    b.wait_for("the narration script offline", "return window.disanNarration&&window.disanNarration.key()==='site'");
    // The narration plays from the kept copy (the audio element asks for byte ranges).
    b.js("var a=document.querySelector('.narration audio');a.preload='auto';a.play();return 1");
    b.wait_for(
        "the narration playing offline",
        "var a=document.querySelector('.narration audio');return !a.error && a.currentTime>0.3",
    );

    // A site never opened: the friendly page, in the page's language, listing what is kept.
    b.goto(&format!("{base}/vi/other/"));
    b.wait_for("the friendly offline page", "return document.body.classList.contains('page-offline')");
    assert_eq!(text(&b, "h1"), "Bạn đang không có mạng");
    b.wait_for("the kept list", "return document.querySelectorAll('#offline-kept a').length===1");
    let link = b.js("var a=document.querySelector('#offline-kept a');return [a.textContent,a.getAttribute('href')]");
    assert_eq!(link, json!(["Đền Thử Nghiệm", "/vi/demo/"]));

    // Back online: save every site, with progress, then the second site opens offline too.
    net.set(&b, false);
    b.goto(&format!("{base}/vi/"));
    b.wait_for(
        "the save-all button",
        "var e=document.querySelector('.offline-all');return e && !e.hidden && /\\d/.test(e.textContent)",
    );
    let label = text(&b, ".offline-all");
    assert!(label.starts_with("Lưu tất cả di tích (") && (label.ends_with("kB)") || label.ends_with("MB)")), "{label}");
    b.js("window.__progress=[];navigator.serviceWorker.addEventListener('message',function(e){if(e.data.type==='progress')__progress.push(e.data.done/e.data.total);});return 1");
    click(&b, ".offline-all");
    b.wait_for("every site kept", "return document.querySelectorAll('.offline-list li').length===2");
    let progress = b.js("return __progress");
    let steps: Vec<f64> = progress.as_array().expect("list").iter().filter_map(Value::as_f64).collect();
    assert!(steps.len() >= 2 && steps.last() == Some(&1.0), "progress is reported while saving: {steps:?}");
    let usage = text(&b, ".offline-usage");
    assert!(usage.contains("Đã lưu 2 di tích"), "the storage used is shown: {usage}");

    net.set(&b, true);
    b.goto(&format!("{base}/vi/other/"));
    assert_eq!(text(&b, "h1"), "Chùa Khác", "the saved second site opens offline");
    let other = scene_drawn(&b, "san");
    assert!(distinct_colours(&other) > 20, "the saved site's tour is drawn offline");
    b.goto(&format!("{base}/vi/"));
    assert_eq!(b.js("return document.querySelectorAll('.card').length"), json!(2), "the home page opens offline");
    // A placard scanned with no signal opens its kept site at its scene.
    b.goto(&format!("{base}/q/t-2"));
    b.wait_for(
        "the placard's site",
        "return location.pathname==='/vi/other/' && /^#scene=san(&|$)/.test(location.hash)",
    );
    assert_eq!(text(&b, "h1"), "Chùa Khác");

    // A new build: a page's text and a panorama change. Online again, the new worker replaces the kept
    // page and drops the tiles the new build no longer has.
    let old_version = state(&b)["version"].as_str().expect("version").to_string();
    let old_tiles: Vec<String> = b
        .js("return caches.open('disan-files').then(function(c){return c.keys()}).then(function(k){return k.map(function(r){return new URL(r.url).pathname}).filter(function(p){return p.indexOf('/media/other/')===0 && p.indexOf('/1/')>0})})")
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert_eq!(old_tiles.len(), 6, "level-1 tiles of the saved site: {old_tiles:?}");
    let yaml = dir.path().join("sites/demo.yaml");
    let text_before = std::fs::read_to_string(&yaml).expect("read demo.yaml");
    std::fs::write(&yaml, text_before.replace("Một ngôi đền để kiểm thử.", "Bản dựng mới của ngôi đền."))
        .expect("edit");
    common::panorama(1024, 512, 200).save(dir.path().join("content/other/panoramas/san.jpg")).expect("new panorama");
    // Publishing: the host is restarted on the new build (at the same address).
    drop(host);
    let host = Host::start(dir.path(), port);
    let new_version = std::fs::read_to_string(dir.path().join("dist/offline.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|m| m["version"].as_str().map(str::to_owned))
        .expect("the new build's version");
    assert_ne!(old_version, new_version);
    net.set(&b, false);
    b.goto(&format!("{base}/vi/demo/"));
    b.wait_for(
        "the new build's worker in charge",
        &format!(
            "return caches.keys().then(function(k){{return k.indexOf('disan-pages-{new_version}')>=0 && k.indexOf('disan-pages-{old_version}')<0}})"
        ),
    );
    b.goto(&format!("{base}/vi/demo/"));
    assert_eq!(text(&b, ".summary"), "Bản dựng mới của ngôi đền.", "the kept page is the new build's");
    let left = b.js(&format!(
        "return caches.open('disan-files').then(function(c){{return Promise.all({}.map(function(u){{return c.match(u)}}))}}).then(function(r){{return r.filter(Boolean).length}})",
        serde_json::to_string(&old_tiles).expect("json")
    ));
    assert_eq!(left, json!(0), "tiles of the replaced panorama are dropped");
    // …and everything kept still works offline under the new build.
    net.set(&b, true);
    b.goto(&format!("{base}/vi/other/"));
    assert_eq!(text(&b, "h1"), "Chùa Khác");
    let other = scene_drawn(&b, "san");
    assert!(distinct_colours(&other) > 20, "the new panorama is drawn offline");
    b.goto(&format!("{base}/vi/demo/"));
    assert_eq!(text(&b, ".summary"), "Bản dựng mới của ngôi đền.");

    // Removing a site frees its files; the other stays.
    b.js("navigator.serviceWorker.controller.postMessage({type:'drop',slugs:'other'});return 1");
    b.wait_for(
        "the removed site's files gone",
        "return caches.open('disan-files').then(function(c){return c.keys()}).then(function(k){return k.every(function(r){return r.url.indexOf('/media/other/')<0})})",
    );
    b.goto(&format!("{base}/vi/other/"));
    b.wait_for("the friendly page for the removed site", "return document.body.classList.contains('page-offline')");
    drop(host);
}

/// Where screenshots go for a person to look at.
fn shot(b: &Browser, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("offline-shots");
    std::fs::create_dir_all(&dir).expect("shots dir");
    b.screenshot().save(dir.join(format!("{name}.png"))).expect("save screenshot");
}

#[test]
fn home_sorts_sites_by_distance_only_when_asked() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    b.cdp("Browser.grantPermissions", json!({"permissions": ["geolocation"], "origin": server.base}));
    // 500 m north of the test temple (whose position is marked approximate), 3 km from the pagoda.
    b.cdp("Emulation.setGeolocationOverride", json!({"latitude": 19.7345, "longitude": 105.9, "accuracy": 20}));
    // Count the page's requests for the position, from before any page script runs.
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.__asked=0;(function(g){var f=g.getCurrentPosition.bind(g);g.getCurrentPosition=function(){window.__asked++;return f.apply(null,arguments);};})(navigator.geolocation);"}),
    );
    b.goto(&format!("{}/vi/", server.base));
    b.wait_for("the sort button", "var p=document.querySelector('.near');return p && !p.hidden");
    let names =
        "return Array.prototype.map.call(document.querySelectorAll('.card-name'),function(e){return e.textContent})";
    assert_eq!(b.js(names), json!(["Chùa Khác", "Đền Thử Nghiệm"]), "the collection's order before sorting");
    assert_eq!(b.js("return window.__asked"), json!(0), "no position is asked for before the tap");

    click(&b, ".near-btn");
    b.wait_for("sorted", "return document.querySelector('.near-status').textContent.indexOf('gần nhất')>=0");
    assert_eq!(b.js("return window.__asked"), json!(1));
    assert_eq!(b.js(names), json!(["Đền Thử Nghiệm", "Chùa Khác"]), "nearest first");
    let far = "return Array.prototype.map.call(document.querySelectorAll('.card-distance'),function(e){return e.hidden?null:e.textContent})";
    assert_eq!(b.js(far), json!(["cách khoảng 500 m", "cách 3 km"]));
    shot(&b, "home-sorted-390");

    // Refused: the visitor is told, and the order stays as it was.
    b.cdp("Browser.resetPermissions", json!({}));
    b.cdp(
        "Browser.setPermission",
        json!({"permission": {"name": "geolocation"}, "setting": "denied", "origin": server.base}),
    );
    b.goto(&format!("{}/en/", server.base));
    b.wait_for("the sort button", "var p=document.querySelector('.near');return p && !p.hidden");
    click(&b, ".near-btn");
    b.wait_for("the refusal", "return document.querySelector('.near-status').textContent.indexOf('not available')>=0");
    assert_eq!(b.js(names), json!(["Other Pagoda", "Test Temple"]));
}

#[test]
fn pages_pass_axe_in_light_and_dark() {
    // axe-core is an npm package, not part of the build: `npm install --prefix /tmp/axe axe-core` and point
    // DISAN_AXE at its axe.min.js to run this check.
    let Some(path) = std::env::var_os("DISAN_AXE") else {
        eprintln!("skipping the accessibility check: set DISAN_AXE to axe-core's axe.min.js");
        return;
    };
    let source = std::fs::read_to_string(&path).expect("read axe.min.js");
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let mut failures = Vec::new();
    for scheme in ["light", "dark"] {
        b.cdp("Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}));
        for page in ["/vi/", "/en/", "/vi/demo/", "/en/demo/", "/vi/offline.html"] {
            b.goto(&format!("{}{page}", server.base));
            if page.ends_with("demo/") {
                b.wait_for("the viewer", "return document.getElementById('tour').classList.contains('tour--ready')");
            }
            if page != "/vi/offline.html" {
                b.wait_for("the save box", "var e=document.getElementById('offline');return e && !e.hidden && /\\d/.test(e.querySelector('.offline-all').textContent)");
            }
            for v in axe(&b, &source) {
                failures.push(format!("{page} ({scheme}): {v}"));
            }
            b.js("var e=document.getElementById('offline')||document.querySelector('h1');e.scrollIntoView();return 1");
            let name = format!("{}-{scheme}-390", page.trim_matches('/').replace(['/', '.'], "-"));
            shot(&b, &name);
        }
    }
    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
}

#[test]
fn a_printed_site_page_has_its_still_address_and_qr_code_but_no_controls() {
    let Some(b) = Browser::start(1280, 900) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    b.goto(&format!("{}/vi/demo/", server.base));
    b.wait_for("the viewer", "return document.getElementById('tour').classList.contains('tour--ready')");
    b.wait_for("the save box", "var e=document.getElementById('offline');return e && !e.hidden");
    // On screen the still and the QR code are hidden and, being lazy, not fetched; as printed they are
    // shown and load.
    let by_img = "return performance.getEntriesByType('resource').filter(function(r){\
                  return r.initiatorType==='img'&&[].some.call(document.querySelectorAll('.print-tour img'),\
                  function(i){return i.src===r.name})}).length";
    assert_eq!(b.js("return document.querySelectorAll('.print-tour img').length"), json!(2), "the still and the code");
    assert_eq!(b.js(by_img), json!(0), "the print still and QR code are not fetched on screen");
    b.cdp("Emulation.setEmulatedMedia", json!({"media": "print"}));
    b.wait_for(
        "the still and the QR code",
        "return [].every.call(document.querySelectorAll('.print-tour img'),function(i){return i.complete&&i.naturalWidth>0})",
    );
    // The code prints 35 mm wide, whatever sizes the still beside it.
    let mm = b.js("return document.querySelector('.print-tour img.print-qr').getBoundingClientRect().width*25.4/96");
    assert!(mm.as_f64().is_some_and(|w| (w - 35.0).abs() < 0.5), "the printed QR code is {mm} mm wide");
    let pdf = b.cdp("Page.printToPDF", json!({"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false}));
    use base64::Engine as _;
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(pdf["data"].as_str().expect("pdf data")).expect("base64");
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("page.pdf");
    std::fs::write(&file, bytes).expect("write pdf");
    if let Ok(keep) = std::env::var("DISAN_PRINT_PDF") {
        std::fs::copy(&file, keep).expect("keep the printed page");
    }
    let Some(info) = poppler("pdfinfo", &[file.to_str().expect("utf-8")]) else { return };
    let pages: u32 =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count");
    assert_eq!(pages, 1, "the test temple's page prints on one A4 page");
    let text = poppler("pdftotext", &[file.to_str().expect("utf-8"), "-"]).expect("pdftotext");
    for wanted in [
        "Đền Thử Nghiệm",
        "Một ngôi đền để kiểm thử.",
        "Đoạn hai.",
        "Quét mã để mở trang này",
        "https://disan.test.example/vi/demo/",
    ] {
        assert!(text.contains(wanted), "the print has {wanted:?}:\n{text}");
    }
    for unwanted in ["Phóng to", "Toàn màn hình", "Lưu tất cả", "English", "Kéo để nhìn quanh"] {
        assert!(!text.contains(unwanted), "the print has no {unwanted:?}:\n{text}");
    }
    // The printed code scans back to the page.
    poppler(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-png",
            "-singlefile",
            file.to_str().expect("utf-8"),
            out.path().join("p").to_str().expect("utf-8"),
        ],
    );
    // The code is drawn as vector paths, not a picture: the only picture in the PDF is the still.
    let images = poppler("pdfimages", &["-list", file.to_str().expect("utf-8")]).expect("pdfimages");
    assert_eq!(images.lines().skip(2).count(), 1, "one picture (the still), the QR code in vector:\n{images}");
    let img = image::open(out.path().join("p.png")).expect("render").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the printed page");
    assert_eq!(grids[0].decode().expect("decodes").1, "https://disan.test.example/vi/demo/");
    // The still of the first scene is a picture, not an empty box: count the dark-to-light spread.
    let shade = image::open(out.path().join("p.png")).expect("render").to_luma8();
    let levels: std::collections::HashSet<u8> = shade.pixels().map(|p| p.0[0] / 16).collect();
    assert!(levels.len() > 8, "the print shows a picture ({} grey levels)", levels.len());
    std::fs::copy(
        out.path().join("p.png"),
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("offline-shots/print-vi-demo.png"),
    )
    .ok();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read json")).expect("parse json")
}

/// Every (url, bytes) pair of the offline list.
fn listed(m: &Value) -> Vec<(String, u64)> {
    let mut lists = vec![&m["boot"]];
    lists.extend(m["home"].as_object().expect("home").values());
    for s in m["sites"].as_array().expect("sites") {
        lists.push(&s["all"]);
        lists.extend(s["langs"].as_object().expect("langs").values());
    }
    lists
        .into_iter()
        .flat_map(|l| l.as_array().expect("list").iter())
        .map(|f| (f[0].as_str().expect("url").to_string(), f[1].as_u64().expect("size")))
        .collect()
}

#[test]
fn the_offline_list_names_real_files_with_their_sizes_and_versions_the_worker() {
    let dir = common::fixture();
    let out = dir.path().join("dist");
    let built = common::disan(dir.path(), &["build", "--out", out.to_str().expect("utf-8")]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let m = read_json(&out.join("offline.json"));
    let files = listed(&m);
    for (url, size) in &files {
        let mut path = out.join(url.trim_start_matches('/'));
        if url.ends_with('/') {
            path.push("index.html");
        }
        let real =
            std::fs::metadata(&path).unwrap_or_else(|e| panic!("{url} is listed but {}: {e}", path.display())).len();
        assert_eq!(*size, real, "{url}");
    }
    let demo = m["sites"].as_array().expect("sites").iter().find(|s| s["slug"] == "demo").expect("demo listed");
    let all: Vec<&str> = demo["all"].as_array().expect("all").iter().filter_map(|f| f[0].as_str()).collect();
    for scene in ["cong", "san"] {
        let faces = all.iter().filter(|u| u.starts_with(&format!("/media/demo/{scene}.")) && u.contains("/1/")).count();
        assert_eq!(faces, 6, "every level-1 face of {scene}: {all:?}");
        assert!(all.iter().any(|u| u.starts_with(&format!("/_/preview/{scene}."))), "the preview of {scene}");
    }
    assert!(!all.iter().any(|u| u.contains("/2/")), "finer tiles are kept only once seen");
    let vi: Vec<&str> = demo["langs"]["vi"].as_array().expect("vi").iter().filter_map(|f| f[0].as_str()).collect();
    let en: Vec<&str> = demo["langs"]["en"].as_array().expect("en").iter().filter_map(|f| f[0].as_str()).collect();
    assert!(vi.contains(&"/vi/demo/") && vi.iter().any(|u| u.ends_with(".mp3")), "{vi:?}");
    let boot: Vec<&str> = m["boot"].as_array().expect("boot").iter().filter_map(|f| f[0].as_str()).collect();
    // With each page, what it fetches only on use or for printing: the narration's data, the QR code; with
    // the scripts, their words.
    for (lang, files) in [("vi", &vi), ("en", &en)] {
        let page = std::fs::read_to_string(out.join(lang).join("demo/index.html")).expect("page");
        for (prefix, ext, list) in [
            (format!("/media/_narration/{lang}."), ".json", files),
            (format!("/media/demo/qr-{lang}."), ".svg", files),
            (format!("/media/_words/{lang}."), ".json", &boot),
        ] {
            let found: Vec<_> = list.iter().filter(|u| u.starts_with(&prefix) && u.ends_with(ext)).collect();
            assert_eq!(found.len(), 1, "{prefix}…{ext} kept: {list:?}");
            assert!(page.contains(&format!("=\"{}\"", found[0])), "the {lang} page names {}", found[0]);
        }
    }
    assert_eq!(en.len(), 3, "no English recording in the fixture: {en:?}");
    assert!(
        boot.contains(&"/vi/offline.html") && boot.contains(&"/en/offline.html") && boot.contains(&"/_/links.json")
    );
    assert!(!boot.iter().any(|u| u.contains("preview.")), "the editors' script is never kept: {boot:?}");

    // The worker carries the list's version; the page registers it from a file it loads once the first
    // view is done (static/later.js), not from an inline script.
    let version = m["version"].as_str().expect("version").to_string();
    assert_eq!(version.len(), 16);
    let sw = std::fs::read_to_string(out.join("sw.js")).expect("sw.js");
    assert!(sw.contains(&format!("const VERSION = '{version}';")), "the worker is stamped with the version");
    let page = std::fs::read_to_string(out.join("vi/demo/index.html")).expect("page");
    assert!(
        page.contains("id=\"offline\"")
            && page.contains("data-script=\"/_/offline.")
            && !page.contains("<script src=\"/_/offline."),
        "the save box and its script"
    );

    // The version follows the content, not the clock: the same collection elsewhere gives the same one,
    // and a changed word gives another.
    let twin = common::fixture();
    let twin_out = twin.path().join("dist");
    assert!(common::disan(twin.path(), &["build", "--out", twin_out.to_str().expect("utf-8")]).status.success());
    assert_eq!(read_json(&twin_out.join("offline.json"))["version"], json!(version), "same content, same version");
    let yaml = twin.path().join("sites/other.yaml");
    let text = std::fs::read_to_string(&yaml).expect("read");
    std::fs::write(&yaml, text.replace("Một ngôi chùa khác.", "Một ngôi chùa khác nữa.")).expect("edit");
    assert!(common::disan(twin.path(), &["build", "--out", twin_out.to_str().expect("utf-8")]).status.success());
    assert_ne!(read_json(&twin_out.join("offline.json"))["version"], json!(version), "a changed page, a new version");
}

#[test]
fn the_live_preview_does_not_register_the_worker_and_ships_one_that_removes_itself() {
    let dir = common::fixture();
    let out = dir.path().join("preview");
    disan::build::build_with(dir.path(), &out, disan::build::Options { preview: true }).expect("preview build");
    let page = std::fs::read_to_string(out.join("vi/demo/index.html")).expect("page");
    assert!(!page.contains("/_/offline.") && !page.contains("id=\"offline\""), "no worker registration in the preview");
    assert!(!out.join("offline.json").exists(), "nothing to keep in the preview");
    let sw = std::fs::read_to_string(out.join("sw.js")).expect("sw.js");
    assert!(sw.contains("const VERSION = '';"), "an empty version makes the worker remove itself");
}

#[test]
fn the_host_serves_the_worker_fresh_and_lets_the_home_page_ask_for_a_position() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = common::client();
    let res = agent.get(&format!("{}/sw.js", server.base)).call().expect("sw.js");
    assert_eq!(res.status().as_u16(), 200);
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(header("cache-control"), "no-cache", "browsers check the worker on every visit");
    assert!(header("content-type").starts_with("text/javascript"), "{}", header("content-type"));
    let list = agent.get(&format!("{}/offline.json", server.base)).call().expect("offline.json");
    assert_eq!(list.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-cache"));
    let home = agent.get(&format!("{}/vi/", server.base)).call().expect("home");
    let policy = home.headers().get("permissions-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(policy.contains("geolocation=(self)"), "{policy}");
}

/// A measurement, not a test (`cargo test --release --test offline -- --ignored --nocapture`): the bytes
/// kept for one sample site and for all, and the time "Save all sites" takes on a 3G-like network
/// (Lighthouse's mobile profile: 562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up).
#[test]
#[ignore = "a benchmark: prints numbers for the README"]
fn measure_saving_the_sample_collection_on_3g() {
    let Some(b) = Browser::start(390, 844) else { return };
    let out = tempfile::tempdir().expect("tempdir");
    let server = common::Server::start_with(&common::repo(), &out.path().join("dist"));
    let m = read_json(&out.path().join("dist/offline.json"));
    let base = server.base.clone();
    // Open the home page (nothing kept yet: the worker installs with the list and the offline pages).
    b.goto(&format!("{base}/vi/"));
    b.wait_for(
        "the save-all button",
        "var e=document.querySelector('.offline-all');return e && !e.hidden && /\\d/.test(e.textContent)",
    );
    let s = state(&b);
    let one = s["sizes"]["site"]["den-doc-cuoc"]["vi"].as_u64().expect("size");
    let all = s["sizes"]["all"]["vi"].as_u64().expect("size");
    let mut files = std::collections::BTreeSet::new();
    let mut lists = vec![&m["boot"], &m["home"]["vi"]];
    for site in m["sites"].as_array().expect("sites") {
        lists.extend([&site["all"], &site["langs"]["vi"]]);
    }
    for f in lists.into_iter().flat_map(|l| l.as_array().expect("list")) {
        files.insert(f[0].as_str().expect("url").to_string());
    }
    // Throttle the page and the worker alike.
    let conditions =
        json!({"offline": false, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375});
    b.cdp("Network.emulateNetworkConditions", conditions.clone());
    let targets = b.cdp("Target.getTargets", json!({}));
    for t in targets["targetInfos"].as_array().expect("targets").iter().filter(|t| t["type"] == "service_worker") {
        let session =
            b.cdp("Target.attachToTarget", json!({"targetId": t["targetId"], "flatten": false}))["sessionId"].clone();
        for (id, (method, params)) in
            [("Network.enable", json!({})), ("Network.emulateNetworkConditions", conditions.clone())]
                .into_iter()
                .enumerate()
        {
            let message = json!({"id": id + 1, "method": method, "params": params}).to_string();
            b.cdp("Target.sendMessageToTarget", json!({"sessionId": session, "message": message}));
        }
    }
    let started = Instant::now();
    click(&b, ".offline-all");
    let deadline = Duration::from_secs(600);
    loop {
        let n = b.js("return document.querySelectorAll('.offline-list li').length").as_u64().unwrap_or(0);
        if n == m["sites"].as_array().map_or(0, Vec::len) as u64 {
            break;
        }
        assert!(started.elapsed() < deadline, "saving did not finish");
        std::thread::sleep(Duration::from_millis(200));
    }
    let took = started.elapsed().as_secs_f64();
    let kept = state(&b)["sizes"]["kept"].as_u64().expect("kept");
    println!(
        "one site (den-doc-cuoc, vi): {one} bytes; all {} sites (vi): {all} bytes in {} files; kept after saving all: {kept} bytes; \
         save all on 3G (562.5 ms, 1.44 Mbit/s): {took:.1} s",
        m["sites"].as_array().map_or(0, Vec::len),
        files.len()
    );
}

#[test]
fn a_worker_left_on_the_address_gives_way_to_the_live_preview() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let port = free_port();
    let host = Host::start(dir.path(), port);
    b.goto(&format!("{}/vi/demo/", host.base));
    b.wait_for("the site kept", "var r=document.querySelector('.offline-remove');return r && !r.hidden");
    drop(host);
    // The editor now previews on the same address: the first page may still come from the kept copy, but
    // the browser's check of /sw.js brings the self-removing worker, which clears everything and reloads.
    let preview = dir.path().join("preview");
    let host = Host::start_args(dir.path(), port, &["--watch", "--out", preview.to_str().expect("utf-8")]);
    b.goto(&format!("{}/vi/demo/", host.base));
    b.wait_for(
        "the worker and its caches gone",
        "return Promise.all([navigator.serviceWorker.getRegistrations(),caches.keys()]).then(function(r){return r[0].length===0&&r[1].length===0})",
    );
    b.wait_for("the preview's own page", "return !!document.querySelector('script[src*=\"/_/preview.\"]')");
    assert_eq!(b.js("return !!document.getElementById('offline')"), json!(false), "no save box in the preview");
}
