//! Every kind of page links one style sheet, joined by `build.rs` from only the parts of `static/` that
//! kind uses. This checks, in a real browser, that the split lost no rule: on every kind of page (home,
//! language choice, a site with a tour, a site without one, not found, unknown placard code, offline, the
//! editors' preview), at a phone's and a desktop's width, on screen, in dark mode and in print, every
//! element's computed style (and its `::before` and `::after`) is the same with the page's own style sheet
//! as with every part joined into one; and that each part a page's sheet holds changes something there.

mod common;

use std::path::Path;

use common::browser::Browser;
use serde_json::{Value, json};

/// The parts of every page kind's style sheet, in one order that each kind's list keeps, so the joined
/// sheet cascades as each kind's own does.
fn every_part() -> Vec<&'static str> {
    let lists: Vec<&[&str]> = disan::build::assets::STYLESHEET_PARTS.iter().map(|(_, parts)| *parts).collect();
    let mut left: Vec<&str> = Vec::new();
    for part in lists.iter().flat_map(|l| l.iter().copied()) {
        if !left.contains(&part) {
            left.push(part);
        }
    }
    let mut order = Vec::new();
    while !left.is_empty() {
        // The first part whose predecessors in every list are already placed.
        let next = left
            .iter()
            .position(|p| {
                lists
                    .iter()
                    .all(|l| l.iter().position(|x| x == p).is_none_or(|i| l[..i].iter().all(|q| order.contains(q))))
            })
            .expect("the page kinds' lists of parts agree on one order");
        order.push(left.remove(next));
    }
    order
}

/// A part's source text (`static/…`), as the browser gets it (comments and spaces are no matter to it).
fn part_text(part: &str) -> String {
    let path = common::repo().join("static").join(part);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The parts of the style sheet named `file` (e.g. `tour.css`).
fn parts_of(file: &str) -> &'static [&'static str] {
    disan::build::assets::STYLESHEET_PARTS
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, parts)| *parts)
        .unwrap_or_else(|| panic!("no style sheet {file}"))
}

/// Collects every element's computed style with the page's own style sheet, then with `sheets` (the
/// texts of parts, adopted as constructed style sheets, which the content policy does not govern) in its
/// place, in one synchronous run so no script changes the page in between. Returns the number of
/// elements compared and the differences found (at most 20, as "element property: own → other").
const COMPARE: &str = r#"
var sheets = arguments[0];
var own = [].filter.call(document.querySelectorAll('link[rel=stylesheet]'), function (l) { return l.href.indexOf('/_/preview.') < 0; });
if (own.length !== 1) return { error: own.length + ' style sheets linked' };
var els = [].slice.call(document.querySelectorAll('body, body *'));
function name(e) {
  var n = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
  if (typeof e.className === 'string' && e.className.trim()) n += '.' + e.className.trim().split(/\s+/).join('.');
  return n;
}
function snap() {
  var out = [];
  els.forEach(function (e) {
    [null, '::before', '::after'].forEach(function (p) {
      var cs = getComputedStyle(e, p), o = {};
      for (var i = 0; i < cs.length; i++) o[cs[i]] = cs.getPropertyValue(cs[i]);
      out.push(o);
    });
  });
  return out;
}
var mine = snap();
// The page's own constructed sheets (the viewer's later controls bring theirs) stay, after the others.
var kept = [].slice.call(document.adoptedStyleSheets);
own[0].disabled = true;
document.adoptedStyleSheets = sheets.map(function (t) { var s = new CSSStyleSheet(); s.replaceSync(t); return s; }).concat(kept);
var theirs = snap();
document.adoptedStyleSheets = kept;
own[0].disabled = false;
var diffs = [], count = 0;
for (var i = 0; i < mine.length; i++) {
  for (var k in mine[i]) {
    if (mine[i][k] !== theirs[i][k]) {
      count++;
      if (diffs.length < 20) diffs.push(name(els[i / 3 | 0]) + ['', '::before', '::after'][i % 3] + ' ' + k + ': ' + mine[i][k] + ' → ' + theirs[i][k]);
    }
  }
}
return { elements: els.length, sheet: own[0].getAttribute('href'), count: count, diffs: diffs };
"#;

/// Runs [`COMPARE`] with `sheets` in place of the page's own.
fn compare(b: &Browser, sheets: &[String]) -> Value {
    let script = format!("return (function(){{{COMPARE}}}).apply(null, [{}]);", json!(sheets));
    b.js(&script)
}

/// Waits until the page has settled: the tour's first view drawn (where there is a tour) and every script
/// the page names for later (`data-script`) loaded, then two frames.
fn settle(b: &Browser) {
    b.wait_for(
        "the page to settle",
        "var t = document.getElementById('tour');\
         if (t && !t.classList.contains('tour--ready')) return false;\
         if (document.readyState !== 'complete') return false;\
         var got = performance.getEntriesByType('resource').map(function (r) { return r.name; });\
         return [].every.call(document.querySelectorAll('[data-script]'), function (e) {\
           return got.some(function (n) { return n.indexOf(e.getAttribute('data-script')) >= 0; }); });",
    );
    b.next_frames();
}

/// A site without scenes (no tour box), for the site page without a tour.
const PLAIN_SITE: &str = "schema: 1
slug: plain
name:
  vi: Di tích không có ảnh 360°
  en: A site without a tour
kind: historical_relic
location:
  lat: 19.75
  lon: 105.9
  approximate: true
summary:
  vi: Chỉ có chữ.
  en: Words only.
";

/// Adds [`PLAIN_SITE`] to the valid fixture in `root`.
fn add_plain_site(root: &Path) {
    std::fs::write(root.join("sites/plain.yaml"), PLAIN_SITE).expect("write plain.yaml");
    let collection = root.join("sites/collection.yaml");
    let text = std::fs::read_to_string(&collection).expect("read collection.yaml");
    let text = text.replacen("order:\n", "order:\n  - plain\n", 1);
    std::fs::write(&collection, text).expect("write collection.yaml");
}

/// The media each page is checked in: (label, CSS media type, dark colour scheme).
const MEDIA: [(&str, &str, bool); 3] =
    [("screen", "screen", false), ("dark", "screen", true), ("print", "print", false)];
/// The widths each page is checked at: a phone's and a desktop's.
const SIZES: [(u32, u32); 2] = [(390, 844), (1280, 900)];

/// Checks one page: its style sheet is `file`; its computed styles are the same with every part joined
/// (each width and medium); and, unless `shared` (a page that links another kind's sheet on purpose), each
/// of its sheet's parts changes some style on it.
fn check_page(b: &Browser, base: &str, path: &str, file: &str, shared: bool) {
    b.cdp("Emulation.setEmulatedMedia", json!({"media": "", "features": []}));
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    b.goto(&format!("{base}{path}"));
    settle(b);
    let every: Vec<String> = every_part().iter().map(|p| part_text(p)).collect();
    let stem = file.trim_end_matches(".css");
    for (w, h) in SIZES {
        b.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600}),
        );
        for (label, media, dark) in MEDIA {
            let scheme = if dark { "dark" } else { "light" };
            b.cdp(
                "Emulation.setEmulatedMedia",
                json!({"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]}),
            );
            b.next_frames();
            let r = compare(b, &every);
            assert!(r["error"].is_null(), "{path}: {}", r["error"]);
            let sheet = r["sheet"].as_str().unwrap_or_default();
            assert!(sheet.starts_with(&format!("/_/{stem}.")), "{path} links {sheet}, not {file}");
            let elements = r["elements"].as_u64().unwrap_or(0);
            assert!(elements >= 10, "{path}: only {elements} elements compared");
            assert_eq!(
                r["count"].as_u64(),
                Some(0),
                "{path} at {w}×{h}, {label}: styles differ between {file} and every part joined (a rule lost?):\n{}",
                r["diffs"]
                    .as_array()
                    .map(|d| d.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n"))
                    .unwrap_or_default()
            );
        }
    }
    // The comparison sees the style sheet at all: with none, styles differ. And each part of this page's
    // sheet styles something here (else the page would carry rules it never uses).
    b.cdp("Emulation.setEmulatedMedia", json!({"media": "", "features": []}));
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    b.next_frames();
    let none = compare(b, &[]);
    assert!(none["count"].as_u64().unwrap_or(0) > 100, "{path}: styles hardly change without the sheet: {none}");
    if shared {
        return;
    }
    let parts = parts_of(file);
    for (i, part) in parts.iter().enumerate() {
        let without: Vec<String> =
            parts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| part_text(p)).collect();
        let r = compare(b, &without);
        assert!(r["count"].as_u64().unwrap_or(0) > 0, "{path}: {file} holds {part}, which styles nothing there");
    }
}

#[test]
fn each_page_kind_has_every_rule_it_uses_and_no_part_it_does_not() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = common::fixture();
    add_plain_site(dir.path());
    let server = common::Server::start(dir.path());
    let base = server.base.clone();
    check_page(&b, &base, "/vi/", "home.css", false);
    check_page(&b, &base, "/en/", "home.css", false);
    check_page(&b, &base, "/vi/demo/", "tour.css", false);
    check_page(&b, &base, "/en/other/", "tour.css", false);
    check_page(&b, &base, "/vi/plain/", "site.css", false);
    check_page(&b, &base, "/nope/", "page.css", false);
    check_page(&b, &base, "/q/no-such-code", "page.css", false);
    check_page(&b, &base, "/vi/offline.html", "page.css", false);
    // The language choice page shares the home page's sheet (its visitors go on there at once); its
    // language script held back so it stays.
    b.cdp("Network.enable", json!({}));
    b.cdp("Network.setBlockedURLs", json!({"urls": ["*/_/lang.*"]}));
    check_page(&b, &base, "/index.html", "home.css", true);
    b.cdp("Network.setBlockedURLs", json!({"urls": []}));
    drop(server);

    // The editors' preview: a site's page with the preview's own sheet beside it.
    let out = dir.path().join("preview-out");
    let preview = common::Server::start_args(dir.path(), &["--watch".as_ref(), "--out".as_ref(), out.as_os_str()]);
    let mut page = common::client().get(&format!("{}/vi/demo/", preview.base)).call().expect("preview page");
    let html = page.body_mut().read_to_string().expect("preview page text");
    assert!(html.contains("href=\"/_/preview."), "the preview page links its own sheet");
    // It has no save-for-offline box, so it is checked as a page sharing the visitors' sheet.
    check_page(&b, &preview.base, "/vi/demo/", "tour.css", true);
}
