//! The tour's way-finding controls in a real browser against the real host: the scene list, the compass,
//! share, keyboard reach of hotspots outside the view, and motion control (a phone's orientation emulated
//! through the DevTools protocol, iOS's permission prompt stubbed). Skips with a reason when no browser is
//! installed, unless DISAN_REQUIRE_TOOLS is set (CI).
//!
//! Screenshots of the controls (390×844 and 1280×800, light and dark) are written to
//! `target/tmp/tour-shots/`; with DISAN_AXE pointing at axe-core's `axe.min.js`, axe checks the page too.

mod common;

use common::browser::{Browser, axe, distinct_colours, tour_pixels};

use std::path::Path;

use serde_json::{Value, json};

/// A script that is true once the viewer shows `scene` drawn, sharp.
fn shows(scene: &str) -> String {
    format!(
        "var t=window.disanTour;return !!t&&t.view().scene==={scene:?}&&t.phase()==='sharp'\
         &&document.getElementById('tour').classList.contains('tour--ready')"
    )
}

/// Opens `url` as a fresh page load (a hash change alone would not reload) and waits for `scene` drawn and
/// for the controls, which the viewer loads once the first view is drawn (`viewer-more.js`).
fn open(b: &Browser, url: &str, scene: &str) {
    b.goto("about:blank");
    b.goto(url);
    b.wait_for(&format!("scene {scene} drawn"), &shows(scene));
    b.wait_for("the later controls", "return !!document.querySelector('#tour .tour-bar .tour-compass')");
}

/// Clicks the element like a visitor (WebDriver element click: a real, trusted pointer event).
fn click(b: &Browser, selector: &str) {
    let el = b.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})));
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
}

/// Presses and releases one key (a WebDriver key code such as "\u{E004}" for Tab) on the focused element.
fn key(b: &Browser, k: &str) {
    let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
        {"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}
    ]}]});
    b.call("POST", "/actions", Some(actions));
}
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const RIGHT: &str = "\u{E014}";

fn view(b: &Browser) -> Value {
    b.js("return window.disanTour.view()")
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// The difference of two angles in degrees, in -180..180.
fn turn(a: f64, b: f64) -> f64 {
    (a - b + 540.0).rem_euclid(360.0) - 180.0
}

/// The centre of the element, for pointer actions.
fn centre(b: &Browser, selector: &str) -> (i64, i64) {
    let r = b.js(&format!(
        "var r=document.querySelector('{selector}').getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];"
    ));
    (r[0].as_f64().expect("x") as i64, r[1].as_f64().expect("y") as i64)
}

/// The button's accessible name as the page sets it.
fn name(b: &Browser, selector: &str) -> String {
    b.js(&format!("return document.querySelector('{selector}').getAttribute('aria-label')"))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_scene_list_opens_every_scene_with_its_own_history_entry() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    open(&b, &format!("{}/en/dinh/", server.base), "cong");
    assert_eq!(name(&b, ".tour-scenes"), "Viewpoints");
    assert_eq!(b.js("return document.querySelector('.tour-scenes').getAttribute('aria-expanded')"), json!("false"));
    assert_eq!(b.js("return document.getElementById('tour-strip').hidden"), json!(true), "the strip starts closed");

    // Touch or mouse: open the list, pick a scene.
    let mut scenes_before = b.js("return history.length").as_i64().expect("history length");
    for (id, title) in [("san", "Hall yard"), ("hau-cung", "Inner sanctum"), ("cong", "Hall gate")] {
        click(&b, ".tour-scenes");
        b.wait_for("the strip open", "return !document.getElementById('tour-strip').hidden");
        let titles =
            b.js("return [].map.call(document.querySelectorAll('.tour-sc'),function(e){return e.textContent})");
        assert_eq!(titles, json!(["Hall gate", "Hall yard", "Inner sanctum"]));
        let pictures = "return [].every.call(document.querySelectorAll('.tour-sc img'),function(i){return i.complete&&i.naturalWidth>0})";
        b.wait_for("every scene's preview in the strip", pictures);
        let index = ["cong", "san", "hau-cung"].iter().position(|s| *s == id).expect("scene") + 1;
        click(&b, &format!(".tour-strip li:nth-child({index}) .tour-sc"));
        b.wait_for(&format!("{title} opened from the list"), &shows(id));
        assert_eq!(b.js("return document.getElementById('tour-strip').hidden"), json!(true), "choosing closes it");
        let hash = b
            .wait_for("the address names it", &format!("return location.hash.indexOf('scene={id}')>=0&&location.hash"));
        assert!(hash.as_str().is_some_and(|h| h.starts_with(&format!("#scene={id}&"))), "{hash}");
        let n = b.js("return history.length").as_i64().expect("history length");
        assert_eq!(n, scenes_before + 1, "opening {id} from the list adds one history entry");
        scenes_before = n;
        let current = b.js("return [].map.call(document.querySelectorAll('.tour-sc'),function(e){return e.getAttribute('aria-current')})");
        let want: Vec<_> =
            ["cong", "san", "hau-cung"].iter().map(|s| if *s == id { "true" } else { "false" }).collect();
        assert_eq!(current, json!(want), "the list marks the scene shown");
    }
    assert!(distinct_colours(&tour_pixels(&b)) > 20, "the last scene chosen is drawn");
    // Back goes to the scene before, as after a hotspot.
    b.back();
    b.wait_for("Back to the previous scene", &shows("hau-cung"));

    // Keyboard: Enter opens the list on the scene shown, an arrow moves along it, Enter opens the next.
    b.js("document.querySelector('.tour-scenes').focus();return 1");
    key(&b, ENTER);
    b.wait_for("focus on the current scene in the list", "var a=document.activeElement;return a.classList.contains('tour-sc')&&a.getAttribute('aria-current')==='true'&&a.textContent==='Inner sanctum'");
    key(&b, RIGHT);
    b.wait_for("the arrow moves along the strip", "return document.activeElement.textContent==='Hall gate'");
    key(&b, ENTER);
    b.wait_for("the gate opened by keyboard", &shows("cong"));
    assert_eq!(
        b.js("return document.activeElement.classList.contains('tour-scenes')"),
        json!(true),
        "focus returns to the list's button"
    );
    // Escape closes the list without leaving it open behind the view.
    key(&b, ENTER);
    b.wait_for("the strip open again", "return !document.getElementById('tour-strip').hidden");
    key(&b, "\u{E00C}");
    b.wait_for(
        "Escape closes the strip",
        "return document.getElementById('tour-strip').hidden&&document.activeElement.classList.contains('tour-scenes')",
    );
    drop(server);
}

#[test]
fn the_compass_turns_with_the_view_and_a_tap_faces_north() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    // The yard's north is 40° to the right of its panorama's zero; the gate has none (0).
    let yaml = dir.path().join("sites/dinh.yaml");
    let text = std::fs::read_to_string(&yaml).expect("read fixture");
    let text = text.replacen("    yaw: -45\n", "    yaw: -45\n    north: 40\n", 1);
    std::fs::write(&yaml, text).expect("write fixture");
    let server = common::Server::start(dir.path());
    open(&b, &format!("{}/vi/dinh/#scene=san&yaw=-45&pitch=5&hfov=90", server.base), "san");
    assert_eq!(name(&b, ".tour-compass"), "Quay về hướng bắc");
    let needle = "return document.querySelector('.tour-needle').style.transform";
    assert_eq!(b.js(needle), json!("rotate(85deg)"), "north is 85° to the right of the view");

    click(&b, ".tour-compass");
    b.wait_for("facing north", "return Math.abs(window.disanTour.view().yaw-40)<1e-6");
    assert_eq!(b.js(needle), json!("rotate(0deg)"), "the needle points straight ahead");
    let v = view(&b);
    assert_eq!((f(&v, "pitch"), f(&v, "hfov")), (5.0, 90.0), "only the heading changes: {v}");
    b.wait_for("the address follows", "return location.hash.indexOf('yaw=40&')>=0");

    // Turning the view turns the needle the other way.
    b.js("location.hash='#scene=san&yaw=130&pitch=0&hfov=90';return 1");
    b.wait_for("the needle turned", "return document.querySelector('.tour-needle').style.transform==='rotate(-90deg)'");

    // Another scene, another north.
    b.js("window.disanTour.go('cong');return 1");
    b.wait_for("the gate", &shows("cong"));
    click(&b, ".tour-compass");
    b.wait_for("the gate's north (0)", "return Math.abs(window.disanTour.view().yaw)<1e-6");
    drop(server);
}

#[test]
fn the_shared_link_reopens_the_same_scene_and_view() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    let page = format!("{}/en/dinh/", server.base);
    open(&b, &format!("{page}#scene=san&yaw=-45&pitch=5&hfov=90"), "san");
    assert_eq!(name(&b, ".tour-share"), "Share this view");

    // Web Share: turn the view by dragging, then share at once (before the address catches up).
    b.js("window.__shared=null;navigator.share=function(d){window.__shared=d;return Promise.resolve()};return 1");
    let (cx, cy) = centre(&b, "#tour canvas");
    b.drag(cx, cy, -90);
    let before = view(&b);
    click(&b, ".tour-share");
    let shared = b.wait_for("navigator.share called", "return window.__shared");
    let url = shared["url"].as_str().expect("shared url").to_string();
    assert!(url.starts_with(&format!("{page}#scene=san&yaw=")), "{url}");
    assert!(shared["title"].as_str().is_some_and(|t| !t.is_empty()), "{shared}");
    open(&b, &url, "san");
    let after = view(&b);
    for k in ["yaw", "pitch", "hfov"] {
        assert!((f(&before, k) - f(&after, k)).abs() <= 0.06, "{k}: shared {before}, reopened {after}");
    }
    assert!(
        turn(f(&after, "yaw"), -45.0).abs() > 5.0,
        "the shared view is the dragged one, not the scene's own: {after}"
    );

    // Without Web Share: the link is copied, and a note says so.
    b.cdp(
        "Browser.grantPermissions",
        json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"], "origin": server.base}),
    );
    b.cdp("Emulation.setFocusEmulationEnabled", json!({"enabled": true}));
    open(&b, &format!("{page}#scene=hau-cung&yaw=150&pitch=-20&hfov=60"), "hau-cung");
    b.js("Object.defineProperty(navigator,'share',{value:undefined,configurable:true});return 1");
    click(&b, ".tour-share");
    b.wait_for(
        "the note says the link was copied",
        "return document.querySelector('.tour-note').textContent==='Link copied'",
    );
    assert_eq!(b.js("return document.querySelector('.tour-note').getAttribute('role')"), json!("status"));
    let copied = b.call(
        "POST",
        "/execute/async",
        Some(json!({"script": "var done=arguments[arguments.length-1];navigator.clipboard.readText().then(done,function(e){done('error: '+e)})", "args": []})),
    );
    let copied = copied.as_str().expect("clipboard text").to_string();
    assert_eq!(copied, format!("{page}#scene=hau-cung&yaw=150&pitch=-20&hfov=60"));
    open(&b, &copied, "hau-cung");
    let v = view(&b);
    assert_eq!((f(&v, "yaw"), f(&v, "pitch"), f(&v, "hfov")), (150.0, -20.0, 60.0), "{v}");
    drop(server);
}

#[test]
fn every_hotspot_is_reachable_by_keyboard() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    // The yard looks at -45°; its hotspots are at 180°, 0° and 90°.
    open(&b, &format!("{}/en/dinh/#scene=san&yaw=-45&pitch=5&hfov=90", server.base), "san");
    let all = b.js("return [].map.call(document.querySelectorAll('.tour-hs .hs'),function(e){return e.getAttribute('aria-label')})");
    assert_eq!(all.as_array().map(Vec::len), Some(3), "{all}");
    let unseen =
        b.wait_for("hotspots placed", "var o=document.querySelectorAll('.tour-hs .hs--off').length;return o>0&&o");
    assert!(unseen.as_i64() >= Some(2), "at least two hotspots start outside the view: {unseen}");

    let in_view = "var a=document.activeElement,c=document.querySelector('#tour canvas').getBoundingClientRect();\
        if(!a.closest('.tour-hs'))return false;var r=a.querySelector('.hs-icon').getBoundingClientRect();\
        return !a.classList.contains('hs--off')&&getComputedStyle(a).opacity==='1'&&r.left>=c.left&&r.right<=c.right&&r.top>=c.top&&r.bottom<=c.bottom&&a.getAttribute('aria-label')";
    b.js("document.getElementById('tour').focus();return 1");
    let mut reached = Vec::new();
    for _ in 0..3 {
        key(&b, TAB);
        let label = b.wait_for("the focused hotspot brought into view", in_view);
        reached.push(label);
    }
    assert_eq!(json!(reached), all, "Tab reaches every hotspot, in order, each in view");
    // The last one is the banyan's information point at 90°: the view turned to it.
    let v = view(&b);
    assert!(turn(f(&v, "yaw"), 90.0).abs() < 1.0, "{v}");
    key(&b, ENTER);
    b.wait_for("its panel opened from the keyboard", "return !document.querySelector('.tour-panel').hidden&&document.querySelector('.tour-panel-title').textContent==='Banyan'");
    // On a dark phone the card is dark too, its text light.
    let colours = "var s=getComputedStyle(document.querySelector('.tour-panel'));return [s.backgroundColor,s.color]";
    assert_eq!(b.js(colours), json!(["rgb(255, 255, 255)", "rgb(27, 27, 27)"]));
    b.cdp("Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}));
    assert_eq!(b.js(colours), json!(["rgb(28, 31, 34)", "rgb(232, 230, 225)"]), "the card on a dark phone");
    b.cdp("Emulation.setEmulatedMedia", json!({"features": []}));
    key(&b, "\u{E00C}");
    b.wait_for("the panel closed, focus back on the hotspot", "var a=document.activeElement;return document.querySelector('.tour-panel').hidden&&a.classList.contains('hs-info')");

    // Shift+Tab back to the link to the inner sanctum (at 0°), and Enter follows it.
    let back = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
        {"type": "keyDown", "value": "\u{E008}"}, {"type": "keyDown", "value": TAB},
        {"type": "keyUp", "value": TAB}, {"type": "keyUp", "value": "\u{E008}"}
    ]}]});
    b.call("POST", "/actions", Some(back));
    let label = b.wait_for("the previous hotspot in view", in_view);
    assert_eq!(label, json!("Go to: Inner sanctum"));
    key(&b, ENTER);
    b.wait_for("the inner sanctum opened from the keyboard", &shows("hau-cung"));
    drop(server);
}

/// Sets the emulated phone orientation (degrees) and waits for the page to have heard it.
fn orient(b: &Browser, alpha: f64, beta: f64, gamma: f64) {
    b.js("window.__heard=0;return 1");
    b.cdp("DeviceOrientation.setDeviceOrientationOverride", json!({"alpha": alpha, "beta": beta, "gamma": gamma}));
    b.wait_for("the orientation event", "return window.__heard>0");
}

#[test]
fn motion_control_follows_the_phone_and_a_drag_still_pans() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    // A sensor that answers (the button shows once it does).
    b.cdp("DeviceOrientation.setDeviceOrientationOverride", json!({"alpha": 0, "beta": 80, "gamma": 0}));
    open(&b, &format!("{}/en/dinh/#scene=cong&yaw=30&pitch=-10&hfov=90", server.base), "cong");
    b.js("addEventListener('deviceorientation',function(){window.__heard=(window.__heard||0)+1});return 1");
    b.wait_for(
        "the motion button, once the sensor answers",
        "var e=document.querySelector('.tour-motion');return !!e&&!e.hidden",
    );
    assert_eq!(name(&b, ".tour-motion"), "Look around by moving the phone");
    click(&b, ".tour-motion");
    b.wait_for(
        "motion control on",
        "return document.querySelector('.tour-motion').getAttribute('aria-pressed')==='true'",
    );
    // Held upright, facing the phone's zero heading (the browser tells only changes).
    orient(&b, 0.0, 90.0, 0.0);
    // The heading turns the view from where it was; the tilt sets the pitch.
    b.wait_for("level with the horizon", "return Math.abs(window.disanTour.view().pitch)<0.5");
    let v = view(&b);
    assert!(turn(f(&v, "yaw"), 30.0).abs() < 0.5, "turning motion on keeps the heading: {v}");

    // Turn 40° right (alpha counts anticlockwise) and tilt 20° up.
    orient(&b, 320.0, 110.0, 0.0);
    b.wait_for(
        "the view follows the phone",
        "var v=window.disanTour.view();return Math.abs(v.yaw-70)<3&&Math.abs(v.pitch-20)<3",
    );
    b.wait_for(
        "smoothing settles on it",
        "var v=window.disanTour.view();return Math.abs(v.yaw-70)<0.5&&Math.abs(v.pitch-20)<0.5",
    );
    // A half turn: the heading wraps past ±180°.
    orient(&b, 200.0, 90.0, 0.0);
    b.wait_for(
        "the view follows a half turn",
        "var v=window.disanTour.view(),d=((v.yaw-190)%360+540)%360-180;return Math.abs(d)<3&&Math.abs(v.pitch)<3",
    );

    // A drag pans on top of the phone's heading, and the phone keeps turning the view from there.
    let (cx, cy) = centre(&b, "#tour canvas");
    b.drag(cx, cy, -100);
    let dragged = f(&view(&b), "yaw");
    assert!(turn(dragged, -170.0).abs() > 10.0, "the drag panned: yaw {dragged}");
    assert_eq!(b.js("return document.querySelector('.tour-motion').getAttribute('aria-pressed')"), json!("true"));
    orient(&b, 180.0, 90.0, 0.0);
    let want = dragged + 20.0;
    b.wait_for(
        "the phone turns the view from the dragged heading",
        &format!("var v=window.disanTour.view(),d=((v.yaw-({want}))%360+540)%360-180;return Math.abs(d)<3"),
    );

    // A tap on the picture turns it off: the phone no longer turns the view.
    b.click_at(cx, cy);
    b.wait_for(
        "motion control off",
        "return document.querySelector('.tour-motion').getAttribute('aria-pressed')==='false'",
    );
    let still = view(&b);
    orient(&b, 90.0, 60.0, 0.0);
    b.js("window.__f=0;requestAnimationFrame(function(){requestAnimationFrame(function(){window.__f=1})});return 1");
    b.wait_for("two frames", "return window.__f===1");
    let v = view(&b);
    assert!(
        turn(f(&v, "yaw"), f(&still, "yaw")).abs() < 0.01 && (f(&v, "pitch") - f(&still, "pitch")).abs() < 0.01,
        "{still} → {v}"
    );
    drop(server);
}

#[test]
fn ios_asks_permission_from_the_tap_and_a_refusal_leaves_the_drag() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    // iOS 13+: the sensor says nothing until the page asks, from a tap.
    let stub = "DeviceOrientationEvent.requestPermission=function(){(window.__asked=window.__asked||[]).push(navigator.userActivation.isActive);return Promise.resolve(window.__answer||'denied')};";
    b.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": stub}));
    open(&b, &format!("{}/en/dinh/#scene=cong&yaw=30&pitch=0&hfov=90", server.base), "cong");
    b.wait_for("the motion button at once", "var e=document.querySelector('.tour-motion');return !!e&&!e.hidden");
    assert_eq!(b.js("return window.__asked||null"), Value::Null, "nothing is asked before the tap");
    click(&b, ".tour-motion");
    let asked = b.wait_for("the permission asked", "return window.__asked");
    assert_eq!(asked, json!([true]), "asked once, from within the tap");
    b.wait_for(
        "the refusal said",
        "return document.querySelector('.tour-note').textContent.indexOf('drag to look around')>=0",
    );
    assert_eq!(b.js("return document.querySelector('.tour-motion').getAttribute('aria-pressed')"), json!("false"));

    let (cx, cy) = centre(&b, "#tour canvas");
    let before = f(&view(&b), "yaw");
    b.drag(cx, cy, -120);
    let after = f(&view(&b), "yaw");
    assert!(turn(after, before) > 20.0, "the drag still turns the view: {before} → {after}");

    // Granted: the view follows the phone.
    b.js("window.__answer='granted';window.__asked=[];return 1");
    b.cdp("DeviceOrientation.setDeviceOrientationOverride", json!({"alpha": 0, "beta": 100, "gamma": 0}));
    click(&b, ".tour-motion");
    b.wait_for(
        "motion control on",
        "return document.querySelector('.tour-motion').getAttribute('aria-pressed')==='true'",
    );
    assert_eq!(b.js("return window.__asked"), json!([true]));
    b.wait_for("the pitch follows the phone's tilt", "return Math.abs(window.disanTour.view().pitch-10)<3");
    drop(server);
}

fn shot(b: &Browser, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tour-shots");
    std::fs::create_dir_all(&dir).expect("shots dir");
    b.screenshot().save(dir.join(format!("{name}.png"))).expect("save screenshot");
}

#[test]
fn every_control_has_a_name_and_passes_axe_in_light_and_dark() {
    let source = std::env::var_os("DISAN_AXE").map(|p| std::fs::read_to_string(p).expect("read axe.min.js"));
    if source.is_none() {
        eprintln!("not running axe-core: set DISAN_AXE to its axe.min.js (names are still checked)");
    }
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    let mut failures = Vec::new();
    for (w, h) in [(390, 844), (1280, 800)] {
        let Some(b) = Browser::start(w, h) else { return };
        for scheme in ["light", "dark"] {
            b.cdp(
                "Emulation.setEmulatedMedia",
                json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            );
            for lang in ["vi", "en"] {
                open(&b, &format!("{}/{lang}/dinh/#scene=san&yaw=-45&pitch=5&hfov=90", server.base), "san");
                let unnamed = b.js("return [].filter.call(document.querySelectorAll('#tour button'),function(e){return !(e.getAttribute('aria-label')||e.textContent).trim()}).map(function(e){return e.className})");
                assert_eq!(unnamed, json!([]), "buttons without a name ({lang})");
                click(&b, ".tour-scenes");
                b.wait_for("the strip's previews", "return [].every.call(document.querySelectorAll('.tour-sc img'),function(i){return i.complete&&i.naturalWidth>0})");
                click(&b, ".tour-share");
                b.wait_for("the share note", "return document.querySelector('.tour-note').textContent!==''");
                b.js("document.querySelector('.tour-sc').blur();document.getElementById('tour').scrollIntoView();return 1");
                if lang == "vi" {
                    shot(&b, &format!("controls-{w}-{scheme}"));
                }
                if let Some(src) = &source {
                    for v in axe(&b, src) {
                        failures.push(format!("/{lang}/dinh/ {w}px ({scheme}): {v}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "accessibility problems:\n{}", failures.join("\n"));
    drop(server);
}
