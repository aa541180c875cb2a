//! The viewer's first pixels and its main thread, in a real browser against the real host: the view the
//! page's inline script draws from the preview before the viewer's script arrives (the requested view, not
//! just any picture), the render worker that takes over, the page-thread path where a browser cannot hand
//! a canvas to a worker, and a canvas that holds no more pixels than its picture shows. Skips with a reason
//! when no browser is installed, unless DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::browser::{Browser, distinct_colours, mean_difference};

use serde_json::{Value, json};

/// The tour box's picture with everything over the canvas hidden (title, buttons, hotspots), once still.
fn picture(b: &Browser) -> image::RgbaImage {
    b.js("document.querySelectorAll('#tour > :not(canvas):not(.tour-canvas)').forEach(function(e){e.style.visibility='hidden'});return 1");
    b.still_tour()
}

fn tiles(b: &Browser) -> Value {
    b.js("return disanTour.tiles()")
}

/// The box's size in CSS pixels.
fn css_size(b: &Browser) -> (f64, f64) {
    let r = b.js("var r=document.getElementById('tour').getBoundingClientRect();return [r.width,r.height]");
    (r[0].as_f64().expect("width"), r[1].as_f64().expect("height"))
}

#[test]
fn the_requested_view_is_drawn_before_the_viewer_and_a_worker_takes_over() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    // A phone's pixel ratio, above the viewer's limit of 2.
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": true}),
    );
    b.cdp("Network.enable", json!({}));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/_/viewer.*.js"]}));
    let url = format!("{}/vi/dinh/#scene=san&yaw=10&pitch=0", server.base);
    b.goto(&url);
    let first = b.wait_for(
        "the first view drawn from the preview",
        "var c=document.querySelector('#tour canvas.tour-first'),i=document.querySelector('#tour .tour-preview');\
         return !!c&&c.width>0&&[c.width,c.height,i.getAttribute('data-scene'),c.getBoundingClientRect().width]",
    );
    assert_eq!(first[2].as_str(), Some("san"), "the preview of the scene asked for: {first}");
    assert_eq!(b.js("return !!window.disanTour"), json!(false), "the viewer was held back");
    // Small (the preview's detail, not the screen's pixels), shown over the whole box.
    let (w, h) = css_size(&b);
    assert!(first[0].as_f64().expect("w") <= w && first[0].as_f64().expect("w") >= 16.0, "{first} in a {w}×{h} box");
    assert!((first[3].as_f64().expect("css w") - w).abs() < 1.0, "{first} in a {w}×{h} box");
    let early = picture(&b);
    assert!(distinct_colours(&early) > 20, "the first view looks blank ({} colours)", distinct_colours(&early));

    // The viewer arrives: a worker draws, the first view goes, and the picture is the same view, sharper.
    b.cdp("Network.setBlockedURLs", json!({"urls": []}));
    b.goto("about:blank");
    b.goto(&url);
    b.wait_for(
        "the scene sharp",
        "return !!window.disanTour&&disanTour.phase()==='sharp'&&disanTour.view().scene==='san'",
    );
    let t = tiles(&b);
    assert_eq!(t["worker"], json!(true), "OffscreenCanvas is there, so a worker draws: {t}");
    b.wait_for("the first view retired", "return !document.querySelector('#tour .tour-first')");
    // No more than two device pixels per CSS pixel, never fewer than one.
    let (w, h) = css_size(&b);
    let bw = t["backing"][0].as_f64().expect("backing w");
    let bh = t["backing"][1].as_f64().expect("backing h");
    assert!(bw >= w.round() - 1.0 && bw <= 2.0 * w + 1.0, "backing {bw}×{bh} for a {w}×{h} box");
    assert!((bw / bh - w / h).abs() < 0.02, "backing {bw}×{bh} keeps the box's shape {w}×{h}");
    let same = picture(&b);
    b.js("location.hash='#scene=san&yaw=-170&pitch=0';return 1");
    b.wait_for("the view turned", "return Math.abs(disanTour.view().yaw+170)<0.5");
    let other = picture(&b);
    let (d_same, d_other) = (mean_difference(&early, &same), mean_difference(&early, &other));
    eprintln!("first view against the sharp view: {d_same:.1}; against the opposite view: {d_other:.1}");
    assert!(
        d_same < d_other,
        "the first view is the requested one: {d_same:.1} from it, {d_other:.1} from the opposite view"
    );
}

#[test]
fn without_offscreen_canvas_the_viewer_draws_on_the_pages_thread() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "delete HTMLCanvasElement.prototype.transferControlToOffscreen;"}),
    );
    b.goto(&format!("{}/vi/chua/#scene=thap", server.base));
    b.wait_for("the scene drawn", "return !!window.disanTour&&disanTour.view().scene==='thap'&&document.getElementById('tour').classList.contains('tour--ready')");
    assert_eq!(tiles(&b)["worker"], json!(false));
    let before = picture(&b);
    assert!(distinct_colours(&before) > 20, "the canvas looks blank ({} colours)", distinct_colours(&before));
    b.js("disanTour.go('vuon');return 1");
    b.wait_for("the next scene sharp", "return disanTour.view().scene==='vuon'&&disanTour.phase()==='sharp'");
    let after = picture(&b);
    assert!(mean_difference(&before, &after) > 5.0, "the picture changes with the scene");
}

/// A worker that fails after the canvas was handed to it (a content policy without `blob:`, say): the viewer
/// starts again on the page's thread with a fresh canvas, and the scene is drawn.
#[test]
fn a_worker_that_fails_gives_way_to_the_pages_thread() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "window.Worker=function(){var w=this;w.postMessage=function(){};w.terminate=function(){};\
                         setTimeout(function(){if(w.onerror)w.onerror(new Event('error'))},300)};"}),
    );
    b.goto(&format!("{}/vi/chua/#scene=vuon", server.base));
    b.wait_for("the scene drawn", "return !!window.disanTour&&disanTour.view().scene==='vuon'&&disanTour.phase()==='sharp'&&document.getElementById('tour').classList.contains('tour--ready')");
    assert_eq!(tiles(&b)["worker"], json!(false));
    assert_eq!(
        b.js("return document.querySelectorAll('#tour .tour-canvas canvas').length"),
        json!(1),
        "one canvas, the fresh one"
    );
    let shot = picture(&b);
    assert!(distinct_colours(&shot) > 20, "the canvas looks blank ({} colours)", distinct_colours(&shot));
}
