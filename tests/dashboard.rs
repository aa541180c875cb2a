//! Scan statistics people can look at: the token-protected `/dashboard` and the monthly report
//! (`disan stats --report`), over a fixture database of known scans across two months, two sites, three
//! placards, two languages and four device classes, one placard of which has gone quiet.
//!
//! Screenshots of the dashboard go to `target/tmp/dashboard-shots/` and the report's first page to
//! `target/tmp/dashboard-shots/report-1.png`; with DISAN_AXE pointing at axe-core's `axe.min.js`, axe checks
//! the sign-in page and the dashboard too.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::wire::poppler;
use serde_json::Value;
use tokio_rustls::rustls;
use unicode_normalization::UnicodeNormalization as _;

const TOKEN: &str = "dash-s3cret-token";

/// Seconds since 1970 of a UTC date and time.
fn at(day: &str, hour: i64, minute: i64) -> i64 {
    disan::store::stats::day_number(day) * 86_400 + hour * 3600 + minute * 60
}

/// One scan row: code, site, scene, when, language, device.
type Row = (&'static str, &'static str, Option<&'static str>, i64, &'static str, &'static str);

/// The known scans. Days are counted in the collection's time (+07:00): the scan at 18:30 UTC on
/// 30 September is on 1 October there, and the one at 20:00 UTC on 31 October is on 1 November.
fn scans() -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let devices = ["phone", "phone", "phone", "tablet", "desktop", "bot"];
    // t-1 (demo): every day in September and October, more in October, in both languages.
    for d in 1..=30 {
        let day = format!("2026-09-{d:02}");
        for i in 0..(1 + d % 2) {
            let lang = if i == 0 { "vi" } else { "en" };
            rows.push(("t-1", "demo", Some("cong"), at(&day, 2 + i, 5), lang, devices[(d as usize + i as usize) % 6]));
        }
    }
    for d in 1..=31 {
        let day = format!("2026-10-{d:02}");
        for i in 0..(2 + d % 3) {
            let lang = if i % 3 == 2 { "en" } else { "vi" };
            rows.push((
                "t-1",
                "demo",
                Some("cong"),
                at(&day, 1 + 3 * i, 10),
                lang,
                devices[(d as usize * 7 + i as usize) % 6],
            ));
        }
    }
    // t-2 (other): scanned in September only — gone quiet by the end of October.
    for d in [3, 9, 17, 25] {
        rows.push(("t-2", "other", Some("san"), at(&format!("2026-09-{d:02}"), 9, 0), "vi", "phone"));
    }
    // t-3 (other): a second placard at the other site, scanned through October.
    for d in (2..=30).step_by(4) {
        rows.push(("t-3", "other", Some("san"), at(&format!("2026-10-{d:02}"), 11, 45), "en", "phone"));
    }
    // At the edges of October in local time.
    rows.push(("t-2", "other", Some("san"), at("2026-09-29", 10, 0), "en", "phone"));
    rows.push(("t-1", "demo", None, at("2026-09-30", 18, 30), "en", "phone"));
    rows.push(("t-1", "demo", None, at("2026-10-31", 20, 0), "vi", "phone"));
    rows
}

/// Writes the scans into a SQLite database through the store's own schema.
fn seed(db: &Path) {
    let conn = disan::store::open(db).expect("open scan store");
    let mut stmt =
        conn.prepare("INSERT INTO scans (code, site, scene, at, lang, device) VALUES (?, ?, ?, ?, ?, ?)").expect("sql");
    for (code, site, scene, at, lang, device) in scans() {
        stmt.execute(rusqlite::params![code, site, scene, at, lang, device]).expect("insert");
    }
}

/// Expected October figures, counted here independently of the program.
fn october() -> (u64, BTreeMap<&'static str, u64>) {
    let offset = 7 * 3600;
    let (start, end) = (at("2026-10-01", 0, 0) - offset, at("2026-11-01", 0, 0) - offset);
    let mut sites = BTreeMap::new();
    let mut total = 0;
    for (_, site, _, t, _, _) in scans() {
        if (start..end).contains(&t) {
            *sites.entry(site).or_default() += 1;
            total += 1;
        }
    }
    (total, sites)
}

/// The valid fixture with a second placard at the `other` site.
fn collection() -> tempfile::TempDir {
    let dir = common::fixture();
    let other = dir.path().join("sites/other.yaml");
    let mut yaml = std::fs::read_to_string(&other).expect("other.yaml");
    yaml.push_str("  - code: t-3\n    scene: san\n    label:\n      vi: Cổng chùa\n      en: Pagoda gate\n");
    std::fs::write(&other, yaml).expect("write other.yaml");
    dir
}

/// A fixture collection built and served with a seeded store and a stats token.
struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
    server: common::Server,
}

fn setup() -> Setup {
    let dir = collection();
    let db = dir.path().join("data/scans.sqlite3");
    seed(&db);
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--db"), db.as_os_str(), OsStr::new("--stats-token"), OsStr::new(TOKEN)],
    );
    Setup { dir, db, server }
}

fn post(base: &str, path: &str, body: &str, cookie: Option<&str>) -> (u16, ureq::http::HeaderMap, String) {
    let mut req =
        common::client().post(&format!("{base}{path}")).header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut res = req.send(body).expect("post");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.body_mut().read_to_string().unwrap_or_default())
}

fn get(base: &str, path: &str, cookie: Option<&str>) -> (u16, ureq::http::HeaderMap, String) {
    let mut req = common::client().get(&format!("{base}{path}"));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let mut res = req.call().expect("get");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.body_mut().read_to_string().unwrap_or_default())
}

/// Signs in and returns the `name=value` of the session cookie, checking its attributes.
fn sign_in(base: &str) -> String {
    let (status, headers, _) = post(base, "/dashboard/login", &format!("token={TOKEN}&lang=vi"), None);
    assert_eq!(status, 303, "the right token signs in");
    let location = headers.get("location").and_then(|v| v.to_str().ok()).expect("location");
    assert_eq!(location, "/dashboard?lang=vi");
    assert!(!location.contains(TOKEN));
    let set = headers.get("set-cookie").and_then(|v| v.to_str().ok()).expect("set-cookie").to_string();
    let attrs: Vec<&str> = set.split(';').map(str::trim).collect();
    let (name, value) = attrs[0].split_once('=').expect("name=value");
    assert_eq!(name, "disan_dashboard");
    assert!(value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()), "a random id: {value}");
    assert!(!set.contains(TOKEN), "the cookie is not the token");
    for a in ["HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=1800"] {
        assert!(attrs.contains(&a), "{a} in {set}");
    }
    assert!(!attrs.contains(&"Secure"), "plain HTTP: a Secure cookie would never come back ({set})");
    attrs[0].to_string()
}

/// The counts in a table of the page: key → scans.
fn table(html: &str, id: &str) -> BTreeMap<String, u64> {
    let start = html.find(&format!("<table id=\"{id}\"")).unwrap_or_else(|| panic!("table {id}"));
    let body = &html[start..start + html[start..].find("</table>").expect("table end")];
    body.split("<data value=\"")
        .skip(1)
        .map(|cell| {
            let value: u64 = cell[..cell.find('"').expect("value")].parse().expect("number");
            let key = cell.split("data-key=\"").nth(1).and_then(|k| k.split('"').next()).expect("key");
            (key.to_string(), value)
        })
        .collect()
}

/// The figures of a `disan stats --format json` list: key → scans.
fn json_counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|c| (c["key"].as_str().expect("key").to_string(), c["scans"].as_u64().expect("scans")))
        .collect()
}

/// `(key, value, width, height)` of each bar in one chart of the page.
fn bars(html: &str, chart: &str) -> Vec<(String, u64, f64, f64)> {
    let start = html.find(&format!("<svg class=\"chart\" id=\"{chart}\"")).unwrap_or_else(|| panic!("{chart}"));
    let svg = &html[start..start + html[start..].find("</svg>").expect("svg end")];
    let attr = |el: &str, name: &str| -> String {
        el.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next()).expect("attribute").to_string()
    };
    svg.split("<rect class=\"bar\"")
        .skip(1)
        .map(|el| {
            let el = &el[..el.find("/>").expect("rect end")];
            (
                attr(el, "data-key"),
                attr(el, "data-scans").parse().expect("scans"),
                attr(el, "width").parse().expect("width"),
                attr(el, "height").parse().expect("height"),
            )
        })
        .collect()
}

#[test]
fn the_dashboard_is_behind_the_token_and_agrees_with_the_command_line() {
    let Setup { dir, db, server } = setup();
    let b = &server.base;

    // Without a session: the sign-in form, 401, and no figures.
    let (status, headers, html) = get(b, "/dashboard?period=2026-10", None);
    assert_eq!(status, 401);
    assert!(html.contains("<form method=\"post\" action=\"/dashboard/login\">"), "{html}");
    assert!(html.contains("type=\"password\""));
    assert!(!html.contains("id=\"total\""), "no figures before signing in");
    let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).expect("csp").to_string();
    for part in ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(!csp.contains("script-src") && !csp.contains("unsafe-inline"), "no script, no inline exceptions: {csp}");
    // A forged cookie is no session.
    let forged = format!("disan_dashboard={}", "0".repeat(64));
    assert_eq!(get(b, "/dashboard", Some(&forged)).0, 401);

    // A wrong token, or none: 401 and the form again, saying why; no cookie.
    for body in
        [format!("token={TOKEN}x"), "token=".to_string(), "lang=vi".to_string(), format!("token={}", &TOKEN[..5])]
    {
        let (status, headers, html) = post(b, "/dashboard/login", &body, None);
        assert_eq!(status, 401, "{body}");
        assert!(headers.get("set-cookie").is_none(), "{body}");
        assert!(html.contains("Mã truy cập không đúng") && html.contains("action=\"/dashboard/login\""), "{html}");
    }
    // A form far larger than a sign-in: refused unread.
    assert_eq!(post(b, "/dashboard/login", &format!("token={}", "x".repeat(20_000)), None).0, 413);
    // The token in a URL signs nobody in.
    assert_eq!(get(b, &format!("/dashboard?token={TOKEN}"), None).0, 401);

    let cookie = sign_in(b);
    let (status, headers, html) = get(b, "/dashboard?period=2026-10&lang=vi", Some(&cookie));
    assert_eq!(status, 200, "{html}");
    assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(html.starts_with("<!doctype html><html lang=\"vi\">"));
    assert!(!html.contains("<script"), "no script at all");
    assert!(html.contains("Đền Thử Nghiệm") && html.contains("Chùa Khác"), "sites by name");
    assert!(html.contains("Nhóm kiểm thử"), "the organisation");

    // The numbers are those of `disan stats --format json` for the same period.
    let out = common::disan(
        dir.path(),
        &[
            "stats",
            "--db",
            db.to_str().expect("utf-8"),
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).expect("json");
    let (total, sites) = october();
    assert_eq!(cli["total"], total, "the command line counts October in local time");
    assert_eq!(cli["utc_offset"], "+07:00");
    let total_cell = html.split("<data id=\"total\" value=\"").nth(1).and_then(|s| s.split('"').next());
    assert_eq!(total_cell, Some(total.to_string().as_str()));
    let expected_sites: BTreeMap<String, u64> = sites.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(table(&html, "sites"), expected_sites);
    for list in ["sites", "placards", "days", "languages", "devices", "hours"] {
        assert_eq!(table(&html, list), json_counts(&cli[list]), "{list}");
    }
    assert_eq!(table(&html, "days").len(), 31, "every day of October has scans");
    assert!(table(&html, "days").contains_key("2026-10-01") && !table(&html, "days").contains_key("2026-11-01"));

    // The placard gone quiet is listed, on the page and on the command line.
    assert_eq!(
        cli["quiet"].as_array().map(|q| q.iter().map(|p| p["code"].clone()).collect::<Vec<_>>()),
        Some(vec![Value::from("t-2")])
    );
    assert_eq!(cli["quiet"][0]["last_scan"], "2026-09-29");
    assert!(html.contains("<tr data-code=\"t-2\">"), "t-2 listed as quiet");
    assert!(!html.contains("<tr data-code=\"t-1\">"));

    // One bar per site, lengths in proportion to the counts (bars are horizontal, so the length is the
    // width), all of the same thickness.
    let site_bars = bars(&html, "chart-sites");
    assert_eq!(site_bars.len(), sites.len());
    let chart_sites: BTreeMap<String, u64> = site_bars.iter().map(|(k, v, _, _)| (k.clone(), *v)).collect();
    assert_eq!(chart_sites, expected_sites);
    let per_scan = site_bars[0].2 / site_bars[0].1 as f64;
    for (key, value, width, height) in &site_bars {
        assert!((width / *value as f64 - per_scan).abs() < 0.01 * per_scan, "{key}: {width} for {value}");
        assert_eq!(*height, site_bars[0].3);
    }
    // The hours chart: one column per hour with scans, heights in proportion.
    let hour_bars = bars(&html, "chart-hours");
    let per = hour_bars[0].3 / hour_bars[0].1 as f64;
    assert!(hour_bars.iter().all(|(_, v, _, h)| (h / *v as f64 - per).abs() < 0.02 * per), "{hour_bars:?}");

    // English beside Vietnamese.
    let (status, _, en) = get(b, "/dashboard?period=2026-10&lang=en", Some(&cookie));
    assert_eq!(status, 200);
    assert!(en.contains("<html lang=\"en\">") && en.contains("Test Temple") && en.contains("Placards gone quiet"));
    assert_eq!(table(&en, "sites"), expected_sites);

    // A malformed period: 400, saying so.
    let (status, _, text) = get(b, "/dashboard?period=2026-13", Some(&cookie));
    assert_eq!(status, 400);
    assert!(text.contains("2026-13"), "{text}");
    // A period without scans: an honest empty page.
    let (status, _, empty) = get(b, "/dashboard?period=2026-01", Some(&cookie));
    assert_eq!(status, 200);
    assert!(empty.contains("<data id=\"total\" value=\"0\">") && empty.contains("Không có lượt quét nào"));

    // Signing out ends the session, even for a copy of the cookie.
    let (status, headers, _) = post(b, "/dashboard/logout", "lang=vi", Some(&cookie));
    assert_eq!(status, 200);
    let cleared = headers.get("set-cookie").and_then(|v| v.to_str().ok()).expect("cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(get(b, "/dashboard", Some(&cookie)).0, 401);

    // The front door still refuses other POSTs and bodies elsewhere.
    assert_eq!(post(b, "/dashboard", "token=x", None).0, 405);
    assert_eq!(post(b, "/api/stats", "token=x", None).0, 405);
}

#[test]
fn the_dashboard_does_not_exist_without_a_token() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    assert_eq!(get(&server.base, "/dashboard", None).0, 404);
    assert_eq!(post(&server.base, "/dashboard/login", "token=", None).0, 404);
}

/// The monthly report's files, written by the real binary.
fn report(dir: &Path, db: &Path, month: &str, out: &Path) -> std::process::Output {
    common::disan(
        dir,
        &["stats", "--db", db.to_str().expect("utf-8"), "--report", month, "--out", out.to_str().expect("utf-8")],
    )
}

fn shots() -> PathBuf {
    let d = common::repo().join("target/tmp/dashboard-shots");
    std::fs::create_dir_all(&d).expect("shots dir");
    d
}

#[test]
fn the_monthly_report_prints_the_same_figures() {
    let dir = collection();
    let built = common::disan(dir.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let db = dir.path().join("scans.sqlite3");
    seed(&db);
    let (total, _) = october();

    let html_out = dir.path().join("out/report.html");
    let out = report(dir.path(), &db, "2026-10", &html_out);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&html_out).expect("html report");
    assert!(html.contains(&format!("<data id=\"total\" value=\"{total}\">")));
    assert!(html.contains("Nhóm kiểm thử") && html.contains("tháng 10/2026"));
    assert!(html.contains("<tr data-code=\"t-2\">"), "the quiet placard");

    let pdf = dir.path().join("report.pdf");
    let out = report(dir.path(), &db, "2026-10", &pdf);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let again = dir.path().join("again.pdf");
    assert!(report(dir.path(), &db, "2026-10", &again).status.success());
    assert_eq!(std::fs::read(&again).expect("pdf"), bytes, "the same figures give the same bytes");

    let Some(fonts) = poppler("pdffonts", &[pdf.to_str().expect("utf-8")]) else { return };
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: emb and sub are "yes".
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "embedded, subset, with Unicode: {row}");
    }
    let text = poppler("pdftotext", &["-layout", pdf.to_str().expect("utf-8"), "-"]).expect("text");
    for name in
        ["Đền Thử Nghiệm", "Chùa Khác", "Nhóm kiểm thử", "Báo cáo lượt quét mã QR", "Biển QR không còn được quét"]
    {
        assert!(text.contains(name), "{name} in:\n{text}");
    }
    assert_eq!(text.nfc().collect::<String>(), text, "the text comes out in NFC");
    let figures = total.to_string();
    assert!(text.contains(&format!("Tổng số lượt quét: {figures}")), "{text}");
    let png = shots().join("report");
    if poppler(
        "pdftoppm",
        &["-png", "-r", "60", "-f", "1", "-l", "2", pdf.to_str().expect("utf-8"), png.to_str().expect("utf-8")],
    )
    .is_some()
    {
        let page = image::open(shots().join("report-1.png")).expect("rendered page").to_rgb8();
        let inked = page.pixels().filter(|p| p.0.iter().any(|&c| c < 128)).count();
        assert!(inked > 2_000, "the first page has ink ({inked} dark pixels)");
    }
}

#[test]
fn report_mistakes_get_clear_messages() {
    let dir = common::fixture();
    let db = dir.path().join("scans.sqlite3");
    seed(&db);
    for bad in ["2026-13", "2026/10", "october", "2026-10-01"] {
        let out = report(dir.path(), &db, bad, &dir.path().join("r.pdf"));
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not a month like 2026-11"), "{bad}: {err}");
    }
    let out = report(dir.path(), &db, "2026-10", &dir.path().join("r.docx"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".pdf or .html"));

    // A month without scans: an honest empty report, not an error.
    let empty = dir.path().join("empty.pdf");
    let out = report(dir.path(), &db, "2025-01", &empty);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if let Some(text) = poppler("pdftotext", &[empty.to_str().expect("utf-8"), "-"]) {
        assert!(text.contains("Tổng số lượt quét: 0") && text.contains("Không có lượt quét nào"), "{text}");
    }

    // A database that is missing, or not a database: a clear message and exit 1.
    let missing = dir.path().join("nowhere/scans.sqlite3");
    let out = report(dir.path(), &missing, "2026-10", &dir.path().join("r.pdf"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no scan database at"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(&garbage, b"this is not a database, just some words that fill a page ".repeat(100)).expect("write");
    let out = report(dir.path(), &garbage, "2026-10", &dir.path().join("r.pdf"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("garbage.sqlite3") && err.contains("not a database"), "{err}");
    assert!(!dir.path().join("r.pdf").exists(), "no report from a failed read");
}

#[test]
fn the_dashboard_looks_right_on_a_phone_and_a_desktop() {
    // The folder (and the database in it) lives as long as the test.
    let Setup { dir: _dir, server, .. } = setup();
    let axe = std::env::var_os("DISAN_AXE").map(|p| std::fs::read_to_string(p).expect("read axe.min.js"));
    for (w, h) in [(390, 844), (1280, 900)] {
        let Some(browser) = common::browser::Browser::start(w, h) else { return };
        // Exactly this viewport (a headless window has a minimum width wider than a phone).
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 500}),
        );
        browser.goto(&format!("{}/dashboard?lang=vi", server.base));
        browser.wait_for("the sign-in form", "return document.getElementById('token') ? 1 : null");
        if let Some(axe) = &axe {
            assert_eq!(common::browser::axe(&browser, axe), Vec::<String>::new(), "sign-in page at {w}×{h}");
        }
        browser.js(&format!(
            "document.getElementById('token').value = '{TOKEN}'; \
             document.querySelector('form[action=\"/dashboard/login\"]').submit(); return 1"
        ));
        browser.wait_for("the dashboard", "return document.getElementById('total') ? 1 : null");
        browser.goto(&format!("{}/dashboard?period=2026-10&lang=vi", server.base));
        browser.wait_for("October", "return document.querySelector('#chart-sites') ? 1 : null");
        assert!(!browser.js("return location.href").as_str().unwrap_or("").contains(TOKEN));
        let overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth");
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "no sideways scrolling at {w}×{h}: {overflow}");
        let chart_width = browser.js("return document.querySelector('#chart-sites').getBoundingClientRect().width");
        assert!(chart_width.as_f64().unwrap_or(0.0) >= 300.0, "the chart uses the width at {w}×{h}");
        if let Some(axe) = &axe {
            assert_eq!(common::browser::axe(&browser, axe), Vec::<String>::new(), "dashboard at {w}×{h}");
        }
        let shot = browser.screenshot();
        shot.save(shots().join(format!("dashboard-{w}x{h}.png"))).expect("save screenshot");
        // Whole page for looking at (the first screen is what the test saved above).
        let full = browser.cdp("Page.getLayoutMetrics", serde_json::json!({}));
        let height = full["cssContentSize"]["height"].as_f64().unwrap_or(f64::from(h));
        let png = browser.cdp(
            "Page.captureScreenshot",
            serde_json::json!({"captureBeyondViewport": true, "clip": {"x": 0, "y": 0, "width": w, "height": height, "scale": 1}}),
        );
        if let Some(data) = png["data"].as_str() {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD.decode(data).expect("png");
            std::fs::write(shots().join(format!("dashboard-{w}x{h}-full.png")), bytes).expect("save");
        }
    }
}

/// POSTs a form over TLS with a client that trusts only `root`; returns the raw response.
fn https_post(addr: &str, root: &rustls::pki_types::CertificateDer<'static>, path: &str, body: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.clone()).expect("trust the test certificate");
    let mut config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocols")
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("client");
    let tcp = std::net::TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(20))).expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut buf = Vec::new();
    let _ = tls.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn over_tls_the_session_cookie_is_secure() {
    let dir = collection();
    let db = dir.path().join("scans.sqlite3");
    seed(&db);
    let (cert, key, der) = common::wire::self_signed(dir.path());
    let server = common::Server::start_args(
        dir.path(),
        &[
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--stats-token"),
            OsStr::new(TOKEN),
            OsStr::new("--tls-cert"),
            cert.as_os_str(),
            OsStr::new("--tls-key"),
            key.as_os_str(),
        ],
    );
    let res = https_post(&server.addr(), &der, "/dashboard/login", &format!("token={TOKEN}"));
    assert!(res.starts_with("HTTP/1.1 303"), "{res}");
    let cookie = common::wire::header(&res, "set-cookie").expect("set-cookie");
    for a in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.split(';').any(|p| p.trim() == a), "{a} in {cookie}");
    }
    let wrong = https_post(&server.addr(), &der, "/dashboard/login", "token=nope");
    assert!(wrong.starts_with("HTTP/1.1 401") && common::wire::header(&wrong, "set-cookie").is_none(), "{wrong}");
}
