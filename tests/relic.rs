//! What every relic page carries: directions with the site's coordinates, how to get in, key facts, the
//! media credits with linked licences, the collection's sponsors, and schema.org JSON-LD that parses and
//! names the site — in the built pages, and in a real browser under the host's content policy.

mod common;

use std::fs;
use std::path::Path;

use common::browser::Browser;
use serde_json::Value;

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Replaces `find` (which must be there) in a fixture file.
fn edit(root: &Path, file: &str, find: &str, replace: &str) {
    let path = root.join("sites").join(file);
    let text = read(&path);
    assert!(text.contains(find), "{file} has no {find:?}");
    fs::write(&path, text.replacen(find, replace, 1)).expect("write fixture");
}

/// The valid fixture with credits on a photo, a panorama and the recording, a sponsor logo, and text that
/// tries to break out of the JSON-LD script.
fn fixture() -> tempfile::TempDir {
    let dir = common::fixture();
    let root = dir.path();
    edit(
        root,
        "demo.yaml",
        "      en: Test photo\n",
        "      en: Test photo\n    credit:\n      author: Nguyễn Văn An\n      licence: cc_by_sa\n      url: https://example.vn/anh\n",
    );
    edit(
        root,
        "demo.yaml",
        "    panorama: panoramas/cong.jpg\n",
        "    panorama: panoramas/cong.jpg\n    credit:\n      author: Trần Thị Bình\n      licence: all_rights_reserved\n      holder: Bảo tàng Thử\n",
    );
    edit(
        root,
        "demo.yaml",
        "    audio: audio/vi.mp3\n",
        "    audio: audio/vi.mp3\n    credit:\n      author: espeak-ng\n      generated: true\n",
    );
    edit(root, "demo.yaml", "  en: A temple for tests.", "  en: A temple for tests </script><b>bold</b> & more.");
    edit(
        root,
        "collection.yaml",
        "    placard_credit: true\n",
        "    placard_credit: true\n    logo: sponsors/logo.png\n",
    );
    let logo = image::RgbaImage::from_fn(96, 48, |x, _| image::Rgba([154, 52, 18, if x < 48 { 255 } else { 0 }]));
    fs::create_dir_all(root.join("content/sponsors")).expect("mkdir");
    logo.save(root.join("content/sponsors/logo.png")).expect("logo");
    dir
}

/// The value of attribute `name` on the first tag that starts with `open`.
fn attr<'a>(page: &'a str, open: &str, name: &str) -> &'a str {
    let i = page.find(open).unwrap_or_else(|| panic!("no {open} in the page"));
    let tag = &page[i..i + page[i..].find('>').expect("tag end")];
    let key = format!(" {name}=\"");
    let j = tag.find(&key).unwrap_or_else(|| panic!("no {name} on {tag}"));
    let rest = &tag[j + key.len()..];
    &rest[..rest.find('"').expect("closing quote")]
}

fn json_ld(page: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let i = page.find(open).expect("a JSON-LD script") + open.len();
    let body = &page[i..i + page[i..].find("</script>").expect("script end")];
    serde_json::from_str(body).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{body}"))
}

#[test]
fn pages_carry_directions_facts_credits_and_structured_data() {
    let dir = fixture();
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dist = dir.path().join("dist");
    let vi = read(&dist.join("vi/demo/index.html"));
    let en = read(&dist.join("en/demo/index.html"));

    // Directions: OpenStreetMap's planner to the site without script; beside it, what the phone apps' links
    // are made from (see the browser test below).
    let osm = attr(&vi, "<a class=\"directions\"", "href");
    assert!(osm.starts_with("https://www.openstreetmap.org/directions?route=%3B19.73000%2C105.90000"), "{osm}");
    let at = ["data-lat", "data-lon", "data-name"].map(|a| attr(&vi, "<a class=\"directions\"", a));
    assert_eq!(at, ["19.73000", "105.90000", "Đền Thử Nghiệm"]);
    assert!(vi.contains(">Chỉ đường</a>") && en.contains(">Directions</a>"));
    // Its script is loaded when needed (static/later.js), named on the link itself.
    let script = attr(&vi, "<a class=\"directions\"", "data-script");
    assert!(script.starts_with("/_/directions.") && !vi.contains("<script src=\"/_/directions."), "{script}");
    assert!(dist.join(script.trim_start_matches('/')).is_file(), "{script} is written");
    // The tour comes first (a visitor who scanned a placard sees the scene without scrolling); how to get
    // in follows right after the summary, before the key facts and the long sections.
    let access = vi.find("Vào từ cổng chính").expect("access text");
    let tour = vi.find("id=\"tour\"").expect("tour");
    assert!(tour < vi.find("class=\"summary\"").expect("summary"), "the tour comes before the summary");
    assert!(tour < access, "the tour comes before the access text");
    assert!(access < vi.find("id=\"keyfacts-h\"").expect("key facts"), "access comes before the key facts");
    assert!(en.contains("Enter by the main gate"));

    // Key facts, numbers written the way each language writes them.
    for (page, want) in [
        (
            &vi,
            [
                "<dt>Diện tích</dt><dd>1,5\u{a0}ha</dd>",
                "<dt>Số bậc</dt><dd>45</dd>",
                "Thời Trần <small>(theo truyền thống)",
            ],
        ),
        (&en, ["<dt>Area</dt><dd>1.5\u{a0}ha</dd>", "<dt>Steps</dt><dd>45</dd>", "Trần dynasty <small>(by tradition)"]),
    ] {
        for w in want {
            assert!(page.contains(w), "missing {w:?}");
        }
    }

    // Credits: the photo's under its caption with the licence linked, the panorama's under the tour, the
    // narrator under the recording, generated media said to be generated.
    assert!(vi.contains("Ảnh: Nguyễn Văn An · <a href=\"https://creativecommons.org/licenses/by-sa/4.0/\" rel=\"license noopener\">CC BY-SA 4.0</a>"), "photo credit");
    assert!(
        en.contains(
            "Gate — <span class=\"credit-line\">360° photo: Trần Thị Bình · © Bảo tàng Thử, all rights reserved"
        ),
        "panorama credit: {}",
        &en[en.find("tour-credits").unwrap_or(0)..][..400.min(en.len())]
    );
    assert!(vi.contains("Giọng đọc: espeak-ng (giọng máy tổng hợp)"), "narrator");

    // Structured data: parses, names the site, puts it on the map, carries the facts with UN units.
    let ld = json_ld(&vi);
    assert_eq!(ld["name"], "Đền Thử Nghiệm");
    assert_eq!(ld["@type"], serde_json::json!(["TouristAttraction", "LandmarksOrHistoricalBuildings"]));
    assert_eq!(ld["geo"]["latitude"], 19.73);
    assert_eq!(ld["geo"]["longitude"], 105.9);
    assert_eq!(ld["url"], "https://disan.test.example/vi/demo/");
    assert_eq!(ld["sponsor"][0]["name"], "Công ty Thử Nghiệm");
    let area = ld["additionalProperty"].as_array().expect("facts").iter().find(|p| p["name"] == "Diện tích").cloned();
    assert_eq!(area.map(|a| (a["value"].clone(), a["unitCode"].clone())), Some((1.5.into(), "HAR".into())));
    // Said once: a whole number without a decimal point, a unit by its code, no map link or language beside
    // the coordinates and the page's own.
    let steps = ld["additionalProperty"].as_array().expect("facts").iter().find(|p| p["name"] == "Số bậc").cloned();
    assert_eq!(steps.map(|p| p["value"].to_string()), Some("45".to_string()));
    for repeated in ["hasMap", "inLanguage"] {
        assert!(ld.get(repeated).is_none(), "{repeated} repeats what the page says: {ld}");
    }
    assert!(!ld.to_string().contains("unitText"), "{ld}");
    assert!(ld["image"][0].as_str().is_some_and(|u| u.starts_with("https://disan.test.example/media/demo/")));
    let ld_en = json_ld(&en);
    assert_eq!(ld_en["name"], "Test Temple");
    assert_eq!(ld_en["description"], "A temple for tests </script><b>bold</b> & more.", "text survives, escaped");
    assert!(!en.contains("</script><b>"), "the summary cannot close a script element");

    // Sponsors at the foot of the home page, with their logo as built.
    let home = read(&dist.join("vi/index.html"));
    let foot = &home[home.find("<footer").expect("footer")..];
    assert!(foot.contains("Nhà tài trợ và cộng tác") && foot.contains("Công ty Thử Nghiệm"), "{foot}");
    assert!(foot.contains("href=\"https://sponsor.example.vn\""));
    let logo = attr(foot, "<img src=\"/media/_sponsors/", "src");
    let built = image::open(dist.join(logo.trim_start_matches('/'))).expect("logo written").to_rgba8();
    assert_eq!(
        (built.width(), built.height(), built.get_pixel(90, 10)[3]),
        (96, 48, 0),
        "the PNG logo keeps its transparency"
    );
}

#[test]
fn sample_pages_carry_facts_and_credit_generated_media() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sub in ["sites", "content/den-doc-cuoc", "content/rung-thong"] {
        copy(&common::repo().join(sub), &dir.path().join(sub));
    }
    // Only two sites, to keep the build short; the order names the rest, so drop it.
    let collection = dir.path().join("sites/collection.yaml");
    let text = read(&collection);
    fs::write(&collection, &text[..text.find("order:").expect("order")]).expect("write");
    for f in fs::read_dir(dir.path().join("sites")).expect("sites").filter_map(Result::ok) {
        let name = f.file_name().to_string_lossy().into_owned();
        if !["collection.yaml", "links.yaml", "den-doc-cuoc.yaml", "rung-thong.yaml"].contains(&name.as_str()) {
            fs::remove_file(f.path()).expect("remove");
        }
    }
    fs::remove_file(dir.path().join("sites/links.yaml")).expect("no registry: codes of removed sites");
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = read(&dir.path().join("dist/en/rung-thong/index.html"));
    for want in ["<dt>Altitude</dt><dd>169\u{a0}m", "<dt>Steps</dt><dd>252", "beside National Road 47"] {
        assert!(page.contains(want), "missing {want:?}");
    }
    assert!(page.contains("360° photo: generated image, not a photograph"), "one credit for all generated panoramas");
    let vi = read(&dir.path().join("dist/vi/den-doc-cuoc/index.html"));
    // The sample has no recordings any more: the phone's own voice reads the transcripts.
    assert!(!vi.contains("espeak-ng") && !vi.contains(".mp3"), "no synthesised recording is published");
    assert_eq!(json_ld(&vi)["name"], "Đền Độc Cước");
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read dir").filter_map(Result::ok) {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).expect("copy");
        }
    }
}

/// In a browser, under the host's content policy: the JSON-LD parses, the directions script (our own,
/// external, so allowed) leaves the map link on a desktop and picks the maps app on Android and iOS, to the
/// place by its name in the page's language. Screenshots go to
/// `target/relic-shots/` for a person to look at.
#[test]
fn directions_and_structured_data_in_a_browser() {
    let Some(b) = Browser::start(390, 844) else { return };
    let dir = fixture();
    let server = common::Server::start(dir.path());
    b.goto(&format!("{}/vi/demo/", server.base));
    let chosen = b
        .wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    assert_eq!(chosen, "osm", "a desktop browser keeps the OpenStreetMap link");
    let href = b.js("return document.querySelector('a.directions').href");
    assert!(
        href.as_str().is_some_and(|h| h.contains("openstreetmap.org/directions?route=%3B19.73000%2C105.90000")),
        "{href}"
    );
    let name =
        b.js("return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent).name");
    assert_eq!(name, "Đền Thử Nghiệm");
    // The script ran (it marked its choice) under the host's policy, fetched from our own origin.
    let fetched = b.js("return performance.getEntriesByType('resource').filter(function(r){return r.name.indexOf(location.origin+'/_/directions.')===0}).length");
    assert_eq!(fetched, 1, "the directions script comes from our own origin");
    let shots = common::repo().join("target/relic-shots");
    fs::create_dir_all(&shots).expect("shots dir");
    b.screenshot().save(shots.join("site-390-top.png")).expect("save");
    b.js("document.querySelector('.tour-credits').scrollIntoView();return 1");
    b.next_frames();
    b.screenshot().save(shots.join("site-390-facts.png")).expect("save");
    b.js("document.querySelector('.photos').scrollIntoView();return 1");
    b.next_frames();
    b.screenshot().save(shots.join("site-390-credits.png")).expect("save");
    b.goto(&format!("{}/vi/", server.base));
    b.js("window.scrollTo(0,document.body.scrollHeight);return 1");
    b.next_frames();
    b.screenshot().save(shots.join("home-390-foot.png")).expect("save");
    drop(b);

    let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    let Some(b) = Browser::start_with(1280, 900, &[&format!("--user-agent={android}")]) else { return };
    b.goto(&format!("{}/en/demo/", server.base));
    let chosen = b
        .wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    assert_eq!(chosen, "geo", "Android opens the phone's maps app");
    let href = b.js("return document.querySelector('a.directions').getAttribute('href')");
    assert!(
        href.as_str().is_some_and(|h| h.starts_with("geo:19.73000,105.90000?q=19.73000,105.90000(Test%20Temple)")),
        "{href}"
    );
    b.screenshot().save(shots.join("site-1280-top.png")).expect("save");
    b.js("document.querySelector('.keyfacts').scrollIntoView();return 1");
    b.next_frames();
    b.screenshot().save(shots.join("site-1280-facts.png")).expect("save");
    b.goto(&format!("{}/vi/demo/", server.base));
    b.wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    let href = b.js("return document.querySelector('a.directions').getAttribute('href')");
    assert_eq!(href, "geo:19.73000,105.90000?q=19.73000,105.90000(%C4%90%E1%BB%81n%20Th%E1%BB%AD%20Nghi%E1%BB%87m)");
    drop(b);

    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    let Some(b) = Browser::start_with(390, 844, &[&format!("--user-agent={iphone}")]) else { return };
    b.goto(&format!("{}/vi/demo/", server.base));
    let chosen = b
        .wait_for("the directions script", "return document.querySelector('a.directions').getAttribute('data-chosen')");
    assert_eq!(chosen, "apple", "an iPhone opens Apple Maps");
    let href = b.js("return document.querySelector('a.directions').getAttribute('href')");
    assert_eq!(
        href,
        "https://maps.apple.com/?daddr=19.73000,105.90000&q=%C4%90%E1%BB%81n%20Th%E1%BB%AD%20Nghi%E1%BB%87m"
    );
}
