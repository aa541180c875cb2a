//! The tour in a real browser: headless Chromium driven over WebDriver (chromedriver) against the real
//! server. Skips with a reason when no browser is installed, unless DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::browser::{Browser, distinct_colours, mean_difference};

use std::fs;

use serde_json::{Value, json};

#[test]
fn tour_draws_moves_and_changes_scene() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    b.goto(&format!("{}/vi/demo/", server.base));

    b.wait_for("the viewer", "return !!(window.disanTour && document.querySelector('#tour canvas'))");
    b.wait_for("the first panorama drawn", "return document.getElementById('tour').classList.contains('tour--ready')");
    let before = b.still_tour();
    assert!(distinct_colours(&before) > 20, "the panorama canvas looks blank ({} colours)", distinct_colours(&before));

    let view0 = b.js("return window.disanTour.view()");
    let rect = b.js("var r=document.querySelector('#tour canvas').getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];");
    let (cx, cy) = (rect[0].as_f64().expect("x") as i64, rect[1].as_f64().expect("y") as i64);
    b.drag(cx, cy, -120);
    let hash = b.wait_for("the hash to follow the view", "return location.hash.indexOf('yaw=')>=0 && location.hash");
    let view1 = b.js("return window.disanTour.view()");
    assert_ne!(view0["yaw"], view1["yaw"], "dragging turns the view");
    assert!(hash.as_str().expect("hash").contains("scene=cong"), "{hash}");
    let after = b.still_tour();
    assert!(mean_difference(&before, &after) > 5.0, "the picture changes when dragged");

    // Look towards the scene link (yaw 90) through the deep link, then click it like a visitor.
    b.js("location.hash='#scene=cong&yaw=90&pitch=0&hfov=90';return 1");
    let target = "return (function(){var e=document.querySelector('button.hs-scene[data-target=\"san\"]');if(!e)return false;var r=e.getBoundingClientRect();var s=getComputedStyle(e);return s.display!=='none'&&!e.classList.contains('hs--off')&&r.width>0&&r.left>=0&&r.right<=innerWidth;})()";
    b.wait_for("the scene hotspot in view", target);
    let el = b.call(
        "POST",
        "/element",
        Some(json!({"using": "css selector", "value": "button.hs-scene[data-target=\"san\"]"})),
    );
    let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string();
    b.call("POST", &format!("/element/{id}/click"), None);
    b.wait_for("scene change", "return window.disanTour.view().scene==='san'");
    b.wait_for("the hash to name the new scene", "return location.hash.indexOf('scene=san')>=0");
    drop(server);
}

#[test]
fn tiles_stream_by_zoom_and_follow_scene_changes() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    // Wide field of view: the smallest level is sharp enough.
    b.goto(&format!("{}/vi/demo/#scene=cong&yaw=0&pitch=0&hfov=120", server.base));
    b.wait_for("the viewer", "return !!(window.disanTour && window.disanTour.tiles)");
    b.wait_for("level-1 tiles of every face", "var l=disanTour.tiles().loaded;return ['f','b','u','d','l','r'].every(function(f){return l.indexOf('1/'+f+'0_0')>=0;})");
    let t = b.js("return disanTour.tiles()");
    assert_eq!(t["level"], 1, "wide view uses the smallest level: {t}");
    assert!(
        !t["loaded"].as_array().expect("list").iter().any(|k| k.as_str().is_some_and(|k| k.starts_with("2/"))),
        "no deeper tiles yet: {t}"
    );
    let coarse = b.still_tour();

    // Zoom in: the deeper level is chosen and its tiles arrive.
    b.js("location.hash='#scene=cong&yaw=0&pitch=0&hfov=40';return 1");
    b.wait_for(
        "level 2 tiles",
        "var t=disanTour.tiles();return t.level===2 && t.loaded.some(function(k){return k.indexOf('2/f')===0;})",
    );
    let sharp = b.still_tour();
    assert!(mean_difference(&coarse, &sharp) > 5.0, "zooming changed the picture");
    assert!(distinct_colours(&sharp) > 20, "tiled rendering is not blank");

    // Another scene through the deep link: its own tiles load.
    b.js("location.hash='#scene=san&yaw=0&pitch=0&hfov=100';return 1");
    b.wait_for("the second scene", "return disanTour.view().scene==='san'");
    b.wait_for("the second scene's tiles", "return performance.getEntriesByType('resource').some(function(e){return e.name.indexOf('/media/demo/san.')>=0 && e.name.indexOf('/1/f0_0.jpg')>0;})");
}

#[test]
fn webp_tiles_load_and_draw() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    let collection = dir.path().join("sites/collection.yaml");
    let text = std::fs::read_to_string(&collection).expect("collection");
    std::fs::write(&collection, text.replace("order:\n", "tiles:\n  format: webp\norder:\n")).expect("write");
    let server = common::Server::start(dir.path());
    b.goto(&format!("{}/vi/demo/#scene=cong&yaw=0&pitch=0&hfov=120", server.base));
    b.wait_for("the viewer", "return !!(window.disanTour && window.disanTour.tiles)");
    b.wait_for("level-1 WebP tiles of every face", "var l=disanTour.tiles().loaded;return ['f','b','u','d','l','r'].every(function(f){return l.indexOf('1/'+f+'0_0')>=0;})");
    let names = b.js("return performance.getEntriesByType('resource').map(function(e){return e.name;}).filter(function(n){return n.indexOf('/1/f0_0.')>0;})");
    let names = names.as_array().expect("list");
    assert!(!names.is_empty() && names.iter().all(|n| n.as_str().is_some_and(|n| n.ends_with(".webp"))), "{names:?}");
    let shot = b.still_tour();
    assert!(distinct_colours(&shot) > 20, "WebP tiles drew a picture ({} colours)", distinct_colours(&shot));
}

#[test]
fn page_is_readable_without_javascript_features() {
    // The fallback image, text and audio are in the HTML itself, before any script runs.
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let mut res = common::client().get(&format!("{}/vi/demo/", server.base)).call().expect("get");
    let html = res.body_mut().read_to_string().expect("html");
    assert!(
        html.contains("<noscript><ul class=\"tour-nojs\">"),
        "every scene's flat panorama for browsers without JavaScript"
    );
    assert!(html.contains("<audio controls"), "audio player works without JavaScript");
    // The two inline scripts (the requested scene's preview, the loader of later scripts) run: the content
    // policy allows exactly their hashes.
    let policy = res.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let scripts: Vec<&str> = html.split("<script>").skip(1).filter_map(|s| s.split("</script>").next()).collect();
    assert_eq!(scripts.len(), 2, "no other inline script");
    use base64::Engine as _;
    use sha2::Digest as _;
    for script in scripts {
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
        assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy} does not allow {script}");
    }
    assert!(html.contains("Đoạn một."), "text is in the page");
}

/// The editors' preview: a click in the view gives a snippet whose yaw/pitch, pasted into the site file,
/// puts a hotspot where the click was; a broken edit shows the error over the last good page; the fix
/// reloads the page without it.
#[test]
fn preview_picker_places_hotspots_and_shows_errors() {
    let Some(b) = Browser::start(900, 1000) else { return };
    let dir = common::fixture();
    let yaml = dir.path().join("sites/demo.yaml");
    let out = dir.path().join("dist");
    let server = common::Server::start_args(dir.path(), &["--watch".as_ref(), "--out".as_ref(), out.as_os_str()]);
    b.goto(&format!("{}/vi/demo/#scene=cong&yaw=20&pitch=5&hfov=90", server.base));
    b.wait_for("the first panorama drawn", "return document.getElementById('tour').classList.contains('tour--ready')");
    b.wait_for("the picker", "return !!document.querySelector('.pv-pick')");
    b.still_tour();

    let rect = b.js(
        "var r=document.querySelector('#tour canvas').getBoundingClientRect();return [r.left,r.top,r.width,r.height];",
    );
    let r: Vec<f64> = rect.as_array().expect("rect").iter().map(|v| v.as_f64().expect("number")).collect();
    let (x, y) = ((r[0] + r[2] * 0.72).round() as i64, (r[1] + r[3] * 0.36).round() as i64);
    b.click_at(x, y);
    b.wait_for("a picked point", "return document.querySelector('.pv-pick-head').dataset.yaw !== undefined");
    if let Ok(path) = std::env::var("DISAN_SCREENSHOT_PICKER") {
        b.screenshot().save(path).expect("save screenshot");
    }
    let snippet = b.js("return document.querySelector('.pv-code').textContent").as_str().expect("snippet").to_string();
    assert!(snippet.starts_with("      - type: info\n        yaw: "), "{snippet}");

    // Paste it, as an editor would, under the first scene's `hotspots:`.
    let text = fs::read_to_string(&yaml).expect("read");
    let pasted = snippet.replace("Tên điểm", "Điểm đã chọn");
    fs::write(&yaml, text.replacen("    hotspots:\n", &format!("    hotspots:\n{pasted}"), 1)).expect("write");
    b.js("window.beforeReload = true; return 1");
    let label = "return (function(){var b=[...document.querySelectorAll('button.hs-info')].find(e=>e.textContent.indexOf('Điểm đã chọn')>=0);if(!b||window.beforeReload)return false;var q=b.getBoundingClientRect();return q.width>0&&!b.classList.contains('hs--off')&&[q.left+q.width/2,q.top+22];})()";
    let spot = b.wait_for("the page to reload with the new hotspot", label);
    let view = b.js("return window.disanTour.view()");
    assert_eq!((view["yaw"].as_f64(), view["pitch"].as_f64()), (Some(20.0), Some(5.0)), "the view survives the reload");
    let (sx, sy) = (spot[0].as_f64().expect("x"), spot[1].as_f64().expect("y"));
    let degrees_per_px = view["hfov"].as_f64().expect("hfov") / r[2];
    let (dx, dy) = ((sx - x as f64).abs() * degrees_per_px, (sy - y as f64).abs() * degrees_per_px);
    eprintln!("picked point vs placed hotspot: {dx:.3}° across, {dy:.3}° up/down");
    assert!(dx < 1.0 && dy < 1.0, "hotspot at ({sx:.1}, {sy:.1}), clicked ({x}, {y}): off by {dx:.2}°, {dy:.2}°");

    // A mistake: the overlay names file and line over the unchanged page.
    let text = fs::read_to_string(&yaml).expect("read");
    let line = text.lines().position(|l| l == "kind: historical_relic").expect("kind line") + 1;
    fs::write(&yaml, text.replacen("kind: historical_relic", "kind: temple", 1)).expect("write");
    b.js("window.beforeReload = true; return 1");
    let shown = b.wait_for(
        "the error overlay",
        "var o=document.querySelector('.pv-error');return !!o&&!o.hidden&&o.textContent",
    );
    let shown = shown.as_str().expect("overlay text");
    assert!(shown.contains(&format!("sites/demo.yaml:{line}:")) && shown.contains("temple"), "{shown}");
    assert_eq!(b.js("return window.beforeReload === true"), json!(true), "a failed build must not reload the page");
    assert!(b.js("return document.body.textContent.indexOf('Điểm đã chọn')>=0").as_bool() == Some(true));

    // The fix: the page reloads and the overlay is gone.
    fs::write(&yaml, text).expect("write");
    b.wait_for(
        "the reload after the fix",
        "return window.beforeReload === undefined && document.readyState === 'complete'",
    );
    // The reloaded page has heard the build status once (the overlay marks the generation it showed).
    b.wait_for(
        "the status after the reload",
        "var o=document.querySelector('.pv-error');return !!o&&!!o.dataset.generation",
    );
    let hidden = b.js("var o=document.querySelector('.pv-error');return !o||o.hidden");
    assert_eq!(hidden, json!(true), "the overlay stays after the fix");
    drop(server);
}
