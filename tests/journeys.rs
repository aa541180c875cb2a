//! Visitors' journeys through the tour in a real browser: placards, deep links, reloads, Back, and the
//! fallbacks, against the real host. Skips with a reason when no browser is installed, unless
//! DISAN_REQUIRE_TOOLS is set (CI).

mod common;

use common::browser::{Browser, distinct_colours, tour_pixels};

use std::time::{Duration, Instant};

/// A script that is true once the viewer shows `scene` drawn on its canvas.
fn shows(scene: &str) -> String {
    format!(
        "var t=window.disanTour,e=document.getElementById('tour');\
         return !!t&&t.view().scene==={scene:?}&&e.classList.contains('tour--ready')"
    )
}

/// Waits until the viewer shows `scene` and its canvas holds a picture; returns how long that took
/// from `since`.
fn wait_drawn(b: &Browser, scene: &str, since: Instant, what: &str) -> Duration {
    b.wait_for(what, &shows(scene));
    let took = since.elapsed();
    let shot = tour_pixels(b);
    let colours = distinct_colours(&shot);
    assert!(colours > 20, "{what}: the canvas looks blank ({colours} colours)");
    took
}

/// Regression (issue 12): a deep link to a scene other than the site's first stayed a black "Loading…"
/// box — level 1 was requested five tiles at a time and the rest only after a frame, which is never drawn
/// before a scene is shown.
#[test]
fn deep_link_to_a_later_scene_draws_it() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::tour_fixture();
    let server = common::Server::start(dir.path());
    for (site, scene) in [("dinh", "san"), ("dinh", "hau-cung"), ("chua", "thap")] {
        b.goto("about:blank");
        let t0 = Instant::now();
        b.goto(&format!("{}/vi/{site}/#scene={scene}", server.base));
        let took = wait_drawn(&b, scene, t0, &format!("{site}#{scene}"));
        eprintln!("{site}#{scene}: drawn after {} ms", took.as_millis());
        b.wait_for(
            &format!("all six level-1 tiles of {site}#{scene}"),
            "var l=disanTour.tiles().loaded;return ['f','b','u','d','l','r'].every(function(f){return l.indexOf('1/'+f+'0_0')>=0;})",
        );
    }
}
