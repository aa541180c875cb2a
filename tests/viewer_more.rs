//! The viewer in two scripts, in a real browser against the real host: the page loads the core alone
//! (`viewer.js`), which draws the first view; the core then asks for its later part (`viewer-more.js`:
//! scene list, compass, share, motion, zoom and full screen, the information panel), once the first view is
//! on screen, or at once when the visitor touches the tour before that. Either way every control appears and works: the scene list opens a scene,
//! the compass faces north, share copies the view's address, the motion button shows once the phone's
//! sensor answers and then follows it. Skips with a reason when no browser is installed, unless
//! DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::browser::Browser;
use serde_json::{Value, json};

/// Records, from the page's first moment, when the controls' script was asked for (whether the first view
/// was on screen then) and what the tour held at the visitor's first touch.
const WATCH: &str = r#"
window.__more = null; window.__touch = null;
new MutationObserver(function () {
  var t = document.getElementById('tour');
  if (!window.__more && document.querySelector('script[src*="/viewer-more."]'))
    window.__more = {ready: !!t && t.classList.contains('tour--ready'), touched: !!window.__touch};
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
addEventListener('pointerdown', function () {
  var t = document.getElementById('tour');
  if (!window.__touch) window.__touch = {
    ready: !!t && t.classList.contains('tour--ready'),
    asked: !!document.querySelector('script[src*="/viewer-more."]'),
    controls: !!document.querySelector('.tour-compass')
  };
}, true);
"#;

/// True once the viewer shows `scene` drawn, sharp.
fn shows(scene: &str) -> String {
    format!(
        "var t=window.disanTour;return !!t&&t.view().scene==={scene:?}&&t.phase()==='sharp'\
         &&document.getElementById('tour').classList.contains('tour--ready')"
    )
}

/// True once every later control has joined the tour's control group.
const CONTROLS: &str = "var b=document.querySelector('#tour .tour-bar');return !!b&&\
    ['.tour-scenes','.tour-compass','.tour-share','.tour-motion'].every(function(s){return !!b.querySelector(s)})";

/// Clicks the element like a visitor (WebDriver element click: a real, trusted pointer event).
fn click(b: &Browser, selector: &str) {
    let el = b.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})));
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
}

/// The tour fixture with a north on the inner sanctum, so the compass has somewhere to turn.
fn fixture() -> tempfile::TempDir {
    let dir = common::tour_fixture();
    let yaml = dir.path().join("sites/dinh.yaml");
    let text = std::fs::read_to_string(&yaml).expect("read fixture");
    assert!(text.contains("    yaw: 120\n"), "the inner sanctum's view in the fixture");
    std::fs::write(&yaml, text.replacen("    yaw: 120\n", "    yaw: 120\n    north: -150\n", 1))
        .expect("write fixture");
    dir
}

/// The fixture served by the real host, and the address of its site's English page.
fn host() -> (tempfile::TempDir, common::Server, String) {
    let dir = fixture();
    let server = common::Server::start(dir.path());
    let page = format!("{}/en/dinh/", server.base);
    (dir, server, page)
}

/// Network conditions for the page: latency in ms and downloads in bytes per second.
fn network(b: &Browser, latency: u32, down: u32) {
    b.cdp("Network.enable", json!({}));
    b.cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": latency, "downloadThroughput": down, "uploadThroughput": down / 2}),
    );
}

/// Uses every later control on `/en/dinh/` (at the gate, the first scene): motion follows the phone, the
/// list opens the inner sanctum, the compass faces its north, share copies that view's address.
fn every_control_works(b: &Browser, page: &str) {
    b.wait_for("the later controls", CONTROLS);
    // Motion: the button shows once the (emulated) sensor answers; on, the view's pitch follows the tilt.
    b.wait_for("the motion button", "var e=document.querySelector('.tour-motion');return !!e&&!e.hidden");
    click(b, ".tour-motion");
    b.wait_for("motion on", "return document.querySelector('.tour-motion').getAttribute('aria-pressed')==='true'");
    b.cdp("DeviceOrientation.setDeviceOrientationOverride", json!({"alpha": 0, "beta": 100, "gamma": 0}));
    b.wait_for("the pitch follows the phone's tilt", "return Math.abs(window.disanTour.view().pitch-10)<3");
    click(b, ".tour-motion");
    b.wait_for("motion off", "return document.querySelector('.tour-motion').getAttribute('aria-pressed')==='false'");

    // The scene list: open it, choose the inner sanctum.
    click(b, ".tour-scenes");
    b.wait_for("the strip open", "return !document.getElementById('tour-strip').hidden");
    let titles = b.js("return [].map.call(document.querySelectorAll('.tour-sc'),function(e){return e.textContent})");
    assert_eq!(titles, json!(["Hall gate", "Hall yard", "Inner sanctum"]));
    click(b, ".tour-strip li:nth-child(3) .tour-sc");
    b.wait_for("the inner sanctum opened from the list", &shows("hau-cung"));

    // The compass: the needle shows where north is (-150°, seen from the scene's yaw 120: a turn of
    // -270°, that is 90° to the right), a tap faces it.
    let needle = "return document.querySelector('.tour-needle').style.transform";
    b.wait_for("the needle turned for the sanctum", &format!("{needle}==='rotate(-270deg)'"));
    click(b, ".tour-compass");
    b.wait_for("facing north", "return Math.abs(window.disanTour.view().yaw+150)<1e-6");
    assert_eq!(b.js(needle), json!("rotate(0deg)"));

    // Share, without Web Share: the address of this scene and view is copied, and a note says so.
    b.js("Object.defineProperty(navigator,'share',{value:undefined,configurable:true});return 1");
    click(b, ".tour-share");
    b.wait_for("the note", "return document.querySelector('.tour-note').textContent==='Link copied'");
    let copied = b.call(
        "POST",
        "/execute/async",
        Some(json!({"script": "var done=arguments[arguments.length-1];navigator.clipboard.readText().then(done,function(e){done('error: '+e)})", "args": []})),
    );
    let copied = copied.as_str().expect("clipboard text");
    assert!(copied.starts_with(&format!("{page}#scene=hau-cung&yaw=-150&pitch=")), "{copied}");
}

/// Starts a phone-sized browser that records the page (WATCH), with clipboard access for `origin` and an
/// emulated orientation sensor (granting permissions denies the others: the sensors are granted too).
fn phone(origin: &str) -> Option<Browser> {
    let b = Browser::start(390, 844)?;
    b.cdp("Page.enable", json!({}));
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": WATCH}));
    b.cdp(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite", "sensors"], "origin": origin}),
    );
    b.cdp("Emulation.setFocusEmulationEnabled", json!({"enabled": true}));
    b.cdp("DeviceOrientation.setDeviceOrientationOverride", json!({"alpha": 0, "beta": 80, "gamma": 0}));
    Some(b)
}

#[test]
fn the_core_draws_the_first_view_alone_then_the_controls_come_and_work() {
    let (_dir, server, page) = host();

    // The page names the core only; the core carries no control, only the name of their script.
    let http = common::client();
    let get = |url: &str| http.get(url).call().expect("GET").into_body().read_to_string().expect("text");
    let html = get(&page);
    let tags: Vec<&str> = html.split("<script src=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert!(tags.len() == 1 && tags[0].starts_with("/_/viewer."), "{tags:?}");
    let core = get(&format!("{}{}", server.base, tags[0]));
    let more_name = core.split("viewer-more.").nth(1).and_then(|s| s.split(".js").next()).expect("the later script");
    let more = get(&format!("{}/_/viewer-more.{more_name}.js", server.base));
    for class in ["tour-scenes", "tour-compass", "tour-share", "tour-motion"] {
        assert!(!core.contains(class) && more.contains(class), "{class} comes with viewer-more.js only");
    }
    assert!(more.starts_with("window.disanViewerMore="), "{}", &more[..80.min(more.len())]);

    let Some(b) = phone(&server.base) else { return };
    b.goto(&page);
    b.wait_for("the gate drawn", &shows("cong"));
    b.wait_for("the later controls", CONTROLS);
    assert_eq!(
        b.js("return window.__more"),
        json!({"ready": true, "touched": false}),
        "the controls' script is asked for once the first view is on screen, not before"
    );
    let asked = "return performance.getEntriesByType('resource').filter(function(r){return /\\/_\\/viewer(-more)?\\.[0-9a-f]+\\.js$/.test(r.name)}).map(function(r){return r.name.split('/').pop().split('.')[0]})";
    assert_eq!(b.js(asked), json!(["viewer", "viewer-more"]), "each script once");
    assert_eq!(b.js("return typeof window.disanViewerMore"), json!("undefined"), "handed over, not left global");
    every_control_works(&b, &page);
}

#[test]
fn a_tap_before_the_controls_arrive_brings_them_and_they_work() {
    let (_dir, server, page) = host();
    let Some(b) = phone(&server.base) else { return };
    // A slow link: a second and a half per round trip, 1.6 Mbit/s. A deep link to the yard: its preview is
    // a file (not the page's inline one), so the first view waits a round trip after the core runs, and
    // the controls' script one more.
    network(&b, 1500, 200_000);
    b.goto(&format!("{page}#scene=san&yaw=-45&pitch=5&hfov=90"));
    b.wait_for("the core running", "return !!window.disanTour&&!!document.querySelector('#tour canvas')");
    let r = b
        .js("var r=document.getElementById('tour').getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2]");
    b.click_at(r[0].as_f64().expect("x") as i64, r[1].as_f64().expect("y") as i64);
    let touch = b.wait_for("the touch recorded", "return window.__touch");
    eprintln!("the visitor's first touch: {touch}");
    assert_eq!(touch["controls"], json!(false), "the tap came before the controls: {touch}");
    if touch["ready"] == json!(false) {
        // Before the first view: the tap itself asked for the controls.
        assert_eq!(
            b.wait_for("the script asked for", "return window.__more"),
            json!({"ready": false, "touched": true})
        );
    }
    b.wait_for("the later controls", CONTROLS);
    b.wait_for("the yard drawn", &shows("san"));
    // The controls follow the scene and view the core showed before they came: the needle (the yard has
    // no north: 0) points 45° right of the view.
    assert_eq!(b.js("return document.querySelector('.tour-needle').style.transform"), json!("rotate(45deg)"));
    // Back to the gate at the brief's 3G-like profile (150 ms, 1.6 Mbit/s), then every control in turn.
    network(&b, 150, 200_000);
    b.js("window.disanTour.go('cong');return 1");
    b.wait_for("the gate", &shows("cong"));
    every_control_works(&b, &page);
}

/// The information panel is in the later script too: an information hotspot tapped before it has come
/// opens its panel when it comes (focus on its close button, Escape closes it); one tapped at a scene the
/// visitor has left by then opens nothing.
#[test]
fn an_information_hotspot_tapped_before_the_panel_came_opens_it_there() {
    let (_dir, server, page) = host();
    let Some(b) = phone(&server.base) else { return };
    b.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}));
    // A slow link: the later script comes a round trip and a half after the first view asks for it.
    network(&b, 1500, 200_000);
    let at_the_banyan = format!("{page}#scene=san&yaw=90&pitch=0&hfov=90");
    let ready = "var t=document.getElementById('tour');return !!window.disanTour&&disanTour.view().scene==='san'&&t.classList.contains('tour--ready')";
    let no_panel = "return !document.querySelector('.tour-panel')";

    b.goto(&at_the_banyan);
    b.wait_for("the yard drawn", ready);
    click(&b, "#tour .hs-info");
    assert_eq!(b.js(no_panel), json!(true), "the tap came before the later script");
    let shown = b.wait_for(
        "the banyan's panel",
        "var p=document.querySelector('.tour-panel');\
         return !!p&&!p.hidden&&[p.querySelector('h2').textContent,p.textContent,document.activeElement.className]",
    );
    assert_eq!(shown[0], json!("Banyan"), "{shown}");
    assert!(shown[1].as_str().is_some_and(|t| t.contains("A hundred-year-old banyan.")), "{shown}");
    assert_eq!(shown[2], json!("tour-close"), "the close button has the focus: {shown}");
    b.call(
        "POST",
        "/actions",
        Some(json!({"actions": [{"type": "key", "id": "k", "actions": [
        {"type": "keyDown", "value": "\u{E00C}"}, {"type": "keyUp", "value": "\u{E00C}"}]}]})),
    );
    b.wait_for("the panel closed by Escape", "return document.querySelector('.tour-panel').hidden");

    // Tapped, then the visitor goes on to the gate before the script comes: no panel opens there.
    b.goto("about:blank");
    b.goto(&at_the_banyan);
    b.wait_for("the yard drawn again", ready);
    click(&b, "#tour .hs-info");
    assert_eq!(b.js(no_panel), json!(true), "the tap came before the later script");
    b.js("window.disanTour.go('cong');return 1");
    b.wait_for("the later controls", CONTROLS);
    b.wait_for("the gate", &shows("cong"));
    assert_eq!(b.js("return document.querySelector('.tour-panel').hidden"), json!(true), "a panel opened at the gate");
}
