//! What a tour page asks for before the visitor does anything, in a real browser against the real host:
//! the viewer's script and nothing else until the page has loaded (the viewer asks for its later
//! controls, `viewer-more.js`, itself once its first view is drawn: tests/viewer_more.rs); then the
//! directions, narration and save-for-offline scripts (static/later.js) — once the page has settled, or at
//! once when the visitor goes to them first. With the settling held back (no idle time ever comes), the
//! scripts load on first use and work on that first use: a tap on the recording's play plays it, focusing
//! the narration brings the phone's voice controls and their first tap speaks the transcript read from the
//! page, focusing the directions link picks the maps app. Skips with a reason when no browser is
//! installed, unless DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::browser::Browser;
use serde_json::{Value, json};

/// The scripts the page has fetched so far (file names without the fingerprint), in request order, with
/// the time each request started and the end of the page's load event.
const FETCHED: &str = "var n=performance.getEntriesByType('navigation')[0];\
    return {load:n.loadEventEnd,scripts:performance.getEntriesByType('resource')\
    .filter(function(r){return /\\.js$/.test(r.name)})\
    .map(function(r){return [r.name.split('/').pop().split('.')[0],r.startTime]})}";

/// No idle time ever comes: `static/later.js` waits for it, so only a visitor's use loads a script.
const NO_IDLE: &str = "window.requestIdleCallback = function () { return 0; };";

/// A `speechSynthesis` that records what it is asked to say and has one English voice.
const SPEECH_STUB: &str = r#"
window.__said = [];
window.SpeechSynthesisUtterance = function (t) { this.text = t; this.rate = 1; this.lang = ''; this.voice = null; };
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speak: function (u) { window.__said.push(u.text); },
  cancel: function () {}, pause: function () {}, resume: function () {},
  getVoices: function () { return [{name: 'Daniel', lang: 'en-GB', localService: true}]; },
  addEventListener: function () {}, removeEventListener: function () {}
}});
"#;

/// True once the viewer's later controls (`viewer-more.js`) have joined the tour, and their script's request
/// is over.
const CONTROLS: &str = "return !!document.querySelector('#tour .tour-compass')&&performance.getEntriesByType('resource')\
    .some(function(r){return /\\/viewer-more\\./.test(r.name)})";

fn names(fetched: &Value) -> Vec<String> {
    fetched["scripts"].as_array().expect("scripts").iter().map(|s| s[0].as_str().unwrap_or("").to_string()).collect()
}

/// Clicks the element like a visitor (WebDriver element click: a real, trusted pointer event).
fn click(b: &Browser, selector: &str) {
    let el = b.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})));
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
}

/// Taps the play button of the page's own audio player (a real pointer tap, at its left end) and waits for
/// the recording to play.
fn tap_the_pages_player(b: &Browser) {
    b.js("document.getElementById('narration').scrollIntoView();return 1");
    b.next_frames();
    let r =
        b.js("var r=document.querySelector('#narration audio').getBoundingClientRect();return [r.left,r.top,r.height]");
    let (x, y) = (r[0].as_f64().expect("x") + 22.0, r[1].as_f64().expect("y") + r[2].as_f64().expect("h") / 2.0);
    b.click_at(x as i64, y as i64);
    b.wait_for("the recording playing", "var a=document.querySelector('#narration audio');return !a.paused");
}

#[test]
fn only_the_viewer_before_the_first_view_then_the_rest_when_settled() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let html = common::client()
        .get(&format!("{}/vi/demo/", server.base))
        .call()
        .expect("page")
        .into_body()
        .read_to_string()
        .expect("html");
    // The page's own script tags: the viewer only; the others are named for later.
    let tags: Vec<&str> = html.split("<script src=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert!(tags.len() == 1 && tags[0].starts_with("/_/viewer."), "{tags:?}");
    for later in ["directions", "narration", "offline"] {
        assert!(html.contains(&format!("data-script=\"/_/{later}.")), "{later}.js named for later");
    }

    let Some(b) = Browser::start(390, 844) else { return };
    b.goto(&format!("{}/vi/demo/", server.base));
    // Settled: the first view drawn sharp, then idle time. Every later script arrives, after the load.
    b.wait_for("the tour drawn", "return document.getElementById('tour').getAttribute('aria-busy')==='false'");
    b.wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    b.wait_for("the narration script", "return window.disanNarration&&window.disanNarration.key()==='site'");
    // The save box shows once the service worker, registered by the late script, has answered.
    b.wait_for("the save-for-offline box", "return !document.getElementById('offline').hidden");
    let fetched = b.js(FETCHED);
    let load = fetched["load"].as_f64().expect("load end");
    assert!(load > 0.0, "{fetched}");
    let scripts = fetched["scripts"].as_array().expect("scripts");
    assert_eq!(names(&fetched).iter().filter(|n| *n == "viewer").count(), 1, "{fetched}");
    assert_eq!(names(&fetched).iter().filter(|n| *n == "viewer-more").count(), 1, "{fetched}");
    for s in scripts {
        let (name, start) = (s[0].as_str().unwrap_or(""), s[1].as_f64().unwrap_or(0.0));
        if name == "viewer" {
            assert!(start < load, "the viewer is asked for with the page: {fetched}");
        } else if name != "viewer-more" {
            assert!(start >= load, "{name}.js waited for the page to load: {fetched}");
        }
    }
    let mut later: Vec<String> = names(&fetched).into_iter().filter(|n| !n.starts_with("viewer")).collect();
    later.sort();
    assert_eq!(later, ["directions", "narration", "offline"], "each later script once: {fetched}");
}

#[test]
fn later_scripts_load_and_work_on_first_use() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    b.cdp("Page.enable", json!({}));
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": NO_IDLE}));
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": SPEECH_STUB}));

    // A recording: the page's own player plays on the first tap, and the tap brings the narration script.
    b.goto(&format!("{}/vi/demo/", server.base));
    b.wait_for("the tour drawn", "return document.getElementById('tour').getAttribute('aria-busy')==='false'");
    b.wait_for("the viewer's controls", CONTROLS);
    b.next_frames();
    let fetched = b.js(FETCHED);
    assert_eq!(names(&fetched), ["viewer", "viewer-more"], "nothing but the viewer until the visitor acts: {fetched}");
    assert_eq!(b.js("return typeof window.disanNarration"), json!("undefined"));
    assert!(
        b.js("return document.getElementById('transcript').textContent")
            .as_str()
            .unwrap_or("")
            .contains("Lời thuyết minh"),
        "the transcript is readable without the script"
    );
    tap_the_pages_player(&b);
    b.wait_for("the narration script", "return window.disanNarration&&window.disanNarration.key()==='site'");
    b.wait_for("its play button in the tour", "var l=document.querySelector('.tour-listen');return l&&!l.hidden");
    assert_eq!(b.js("return document.querySelector('.tour-listen').getAttribute('aria-pressed')"), json!("true"));
    assert!(!names(&b.js(FETCHED)).contains(&"offline".to_string()), "the save box's script waits for settling");

    // The directions: focusing the link loads its script, which picks the map for this device.
    b.js("document.querySelector('a.directions').focus();return 1");
    let chosen = b
        .wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    assert_eq!(chosen, json!("osm"));

    // The phone's voice (English has no recording): its controls come with the script, on the first focus
    // inside the narration; their first tap speaks the transcript the script read from the page.
    b.goto(&format!("{}/en/demo/", server.base));
    b.wait_for("the tour drawn", "return document.getElementById('tour').getAttribute('aria-busy')==='false'");
    b.wait_for("the viewer's controls", CONTROLS);
    assert_eq!(names(&b.js(FETCHED)), ["viewer", "viewer-more"]);
    assert_eq!(b.js("return document.querySelector('.speak-play')"), Value::Null, "no voice controls yet");
    b.js("document.querySelector('#narration summary').focus();return 1");
    b.wait_for("the voice controls", "return !!document.querySelector('.speak-play')");
    click(&b, ".speak-play");
    let said = b.wait_for("the first sentence spoken", "return window.__said.length>0&&window.__said");
    assert_eq!(said, json!(["The English transcript."]), "read from the page's transcript");
    assert_eq!(b.js("return document.querySelector('.speak-play').getAttribute('aria-pressed')"), json!("true"));
}

/// The narration's files, fetched so far (the time each request started).
const NARRATION_DATA: &str = "return performance.getEntriesByType('resource')\
    .filter(function(r){return /\\/_narration\\/[a-z]+\\.[0-9a-f]+\\.json$/.test(r.name)})\
    .map(function(r){return r.startTime})";

/// The narration's data is a file of its own that the narration script fetches when it arrives: on a
/// 3G-like network none of it comes with the page, and the first tap works (the phone's voice once its
/// controls come; a recording at once, in the page's own player).
#[test]
fn on_a_slow_network_the_narration_data_comes_with_its_script_and_the_first_tap_works() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    b.cdp("Page.enable", json!({}));
    b.cdp("Network.enable", json!({}));
    // A 3G-like phone: 150 ms each way, 1.6 Mbit/s.
    let slow = json!({"offline": false, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 200_000});
    b.cdp("Network.emulateNetworkConditions", slow);
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": NO_IDLE}));
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": SPEECH_STUB}));

    // The phone's voice (English has no recording): nothing of the narration's data comes with the page.
    b.goto(&format!("{}/en/demo/", server.base));
    b.wait_for("the tour drawn", "return document.getElementById('tour').getAttribute('aria-busy')==='false'");
    assert_eq!(b.js(NARRATION_DATA), json!([]), "no narration data before the visitor acts");
    // The first tap inside the narration brings the script, which fetches the data and adds the voice's
    // controls; their first tap speaks the transcript.
    click(&b, "#narration-h");
    b.wait_for("the voice controls", "return !!document.querySelector('.speak-play')");
    click(&b, ".speak-play");
    let said = b.wait_for("the first sentence spoken", "return window.__said.length>0&&window.__said");
    assert_eq!(said, json!(["The English transcript."]));
    let order = b.js(&format!(
        "var s=performance.getEntriesByType('resource').filter(function(r){{return /\\/narration\\.[0-9a-f]+\\.js$/.test(r.name)}});\
         var d=(function(){{{NARRATION_DATA}}})();return s.length===1&&d.length===1&&s[0].startTime<=d[0]"
    ));
    assert_eq!(order, json!(true), "the data is fetched once, by the script");

    // A recording: the page's own player plays on the first tap, before the script and its data are here;
    // once they are, the story is the page's and the tour's play button shows it playing.
    b.goto(&format!("{}/vi/demo/", server.base));
    b.wait_for("the tour drawn", "return document.getElementById('tour').getAttribute('aria-busy')==='false'");
    assert_eq!(b.js(NARRATION_DATA), json!([]));
    tap_the_pages_player(&b);
    b.wait_for("the narration script and data", "return window.disanNarration&&window.disanNarration.key()==='site'");
    b.wait_for(
        "its play button in the tour, pressed",
        "var l=document.querySelector('.tour-listen');return l&&!l.hidden&&l.getAttribute('aria-pressed')==='true'",
    );
    assert_eq!(b.js("return document.querySelector('#narration audio').paused"), json!(false), "still playing");
}
