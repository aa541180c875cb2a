//! Language on arrival and what a page tells the world about itself: the host sends `/` and addresses
//! without a language to the visitor's language; link previews (Open Graph) with a picture of the right
//! scene; sitemap, robots, web app manifest and icons; text escaped inside meta tags.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Status, Location, Vary and Cache-Control of a GET with this Accept-Language.
fn ask(agent: &ureq::Agent, url: &str, accept: Option<&str>) -> (u16, String, String, String) {
    let mut req = agent.get(url);
    if let Some(a) = accept {
        req = req.header("accept-language", a);
    }
    let res = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let h = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (res.status().as_u16(), h("location"), h("vary"), h("cache-control"))
}

/// A raw request with header bytes no client library would send.
fn raw(addr: &str, head: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(head).expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The `content` of `<meta property="{name}">` (or `name="{name}"`), as written in the page.
fn meta<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    for attr in ["property", "name"] {
        let open = format!("<meta {attr}=\"{name}\" content=\"");
        let mut rest = page;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let end = after.find('"').expect("closing quote");
            found.push(&after[..end]);
            rest = &after[end..];
        }
    }
    found
}

fn link_href<'a>(page: &'a str, rel: &str) -> Option<&'a str> {
    let open = format!("<link rel=\"{rel}\" href=\"");
    let i = page.find(&open)?;
    let after = &page[i + open.len()..];
    after.find('"').map(|end| &after[..end])
}

#[test]
fn the_host_sends_addresses_without_a_language_to_the_visitors_language() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = common::client();
    let b = &server.base;
    // Header shapes: none, region tags, q-values, unknown languages, junk.
    let cases: &[(Option<&str>, &str)] = &[
        (None, "vi"),
        (Some("en"), "en"),
        (Some("en-US,en;q=0.9"), "en"),
        (Some("EN-gb"), "en"),
        (Some("vi-VN,vi;q=0.9,en-US;q=0.8"), "vi"),
        (Some("fr-FR, de;q=0.8, en;q=0.3"), "en"),
        (Some("en;q=0.2, vi;q=0.8"), "vi"),
        (Some("vi;q=0.1, en"), "en"),
        (Some("fr-FR, de"), "vi"),
        (Some("zh-Hant-TW"), "vi"),
        (Some("*"), "vi"),
        (Some("en;q=0"), "vi"),
        (Some(";;;,,q=,=;"), "vi"),
        (Some("en;q=-1, vi;q=0.5"), "vi"),
        (Some(""), "vi"),
    ];
    for (accept, lang) in cases {
        let (status, location, vary, cache) = ask(&agent, &format!("{b}/"), *accept);
        assert_eq!((status, location.as_str()), (302, format!("/{lang}/").as_str()), "/ with {accept:?}");
        assert!(vary.to_ascii_lowercase().contains("accept-language"), "Vary names Accept-Language: {vary:?}");
        assert!(cache.contains("private") && cache.contains("no-cache"), "no shared cache keeps it: {cache:?}");
        let (status, location, vary, _) = ask(&agent, &format!("{b}/demo/"), *accept);
        assert_eq!((status, location.as_str()), (302, format!("/{lang}/demo/").as_str()), "/demo/ with {accept:?}");
        assert!(vary.to_ascii_lowercase().contains("accept-language"));
    }
    // Without the trailing slash, with a query, and a file inside a page's folder.
    assert_eq!(ask(&agent, &format!("{b}/demo"), Some("en")).1, "/en/demo/");
    assert_eq!(ask(&agent, &format!("{b}/other/?from=poster"), Some("en")).1, "/en/other/?from=poster");
    assert_eq!(ask(&agent, &format!("{b}/?utm=x"), None).1, "/vi/?utm=x");
    assert_eq!(ask(&agent, &format!("{b}/demo/index.html"), Some("en-AU")).1, "/en/demo/index.html");
    // What exists is served as it is; what exists in no language stays a 404 with the friendly page.
    assert_eq!(ask(&agent, &format!("{b}/en/demo/"), Some("vi")).0, 200);
    assert_eq!(ask(&agent, &format!("{b}/index.html"), Some("en")).0, 200);
    assert_eq!(ask(&agent, &format!("{b}/healthz"), Some("en")).0, 200);
    for missing in ["/khong-co/", "/vi/khong-co/", "/en/vi/demo/", "/demo/khong-co.jpg", "/_/nothing.js"] {
        let mut res = agent.get(&format!("{b}{missing}")).header("accept-language", "en").call().expect("request");
        assert_eq!(res.status().as_u16(), 404, "{missing}");
        let body = res.body_mut().read_to_string().expect("body");
        assert!(body.contains("/vi/demo/"), "{missing}: the friendly 404 page");
    }
    // Placard codes still answer as before.
    assert_eq!(ask(&agent, &format!("{b}/q/t-1"), Some("en")).1, "/en/demo/#scene=cong");
    // Header bytes that are not text, and a HEAD: a redirect to the default language, never a 5xx.
    let addr = server.addr();
    let head = raw(&addr, b"GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: \xff\xfe\x80en\r\nConnection: close\r\n\r\n");
    assert!(head.starts_with("HTTP/1.1 302"), "{head}");
    assert!(head.to_ascii_lowercase().contains("location: /vi/\r\n"), "{head}");
    let head = raw(&addr, b"HEAD /demo HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nConnection: close\r\n\r\n");
    assert!(
        head.starts_with("HTTP/1.1 302") && head.to_ascii_lowercase().contains("location: /en/demo/\r\n"),
        "{head}"
    );
}

/// An independent rectilinear projection (nearest pixel, f64) of `pano` at the scene's view.
fn expected_view(pano: &image::RgbImage, yaw: f64, pitch: f64, hfov: f64, w: u32, h: u32) -> image::RgbImage {
    let (pw, ph) = (f64::from(pano.width()), f64::from(pano.height()));
    let f = (f64::from(w) / 2.0) / (hfov.to_radians() / 2.0).tan();
    let (yaw, pitch) = (yaw.to_radians(), pitch.to_radians());
    image::RgbImage::from_fn(w, h, |x, y| {
        // Camera coordinates: right, up, forward; then look up by `pitch` and turn right by `yaw`.
        let (cx, cy, cz) = (f64::from(x) + 0.5 - f64::from(w) / 2.0, f64::from(h) / 2.0 - f64::from(y) - 0.5, f);
        let (uy, uz) = (cy * pitch.cos() + cz * pitch.sin(), cz * pitch.cos() - cy * pitch.sin());
        let (wx, wz) = (cx * yaw.cos() + uz * yaw.sin(), uz * yaw.cos() - cx * yaw.sin());
        let lon = wx.atan2(wz);
        let lat = uy.atan2((wx * wx + wz * wz).sqrt());
        let px = ((lon / std::f64::consts::TAU + 0.5) * pw).floor().rem_euclid(pw) as u32;
        let py = (((0.5 - lat / std::f64::consts::PI) * ph).floor()).clamp(0.0, ph - 1.0) as u32;
        *pano.get_pixel(px, py)
    })
}

fn mean_difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let total: u64 =
        a.pixels().zip(b.pixels()).map(|(p, q)| (0..3).map(|i| u64::from(p[i].abs_diff(q[i]))).sum::<u64>()).sum();
    total as f64 / f64::from(a.width() * a.height() * 3)
}

#[test]
fn pages_carry_link_previews_with_a_picture_of_the_first_scene() {
    let dir = common::fixture();
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dist = dir.path().join("dist");
    let base = "https://disan.test.example";
    for lang in ["vi", "en"] {
        let page = read(&dist.join(lang).join("demo/index.html"));
        let url = format!("{base}/{lang}/demo/");
        assert_eq!(link_href(&page, "canonical"), Some(url.as_str()));
        assert_eq!(meta(&page, "og:url"), [url.as_str()]);
        assert_eq!(meta(&page, "og:title"), [if lang == "vi" { "Đền Thử Nghiệm" } else { "Test Temple" }]);
        assert_eq!(
            meta(&page, "og:description"),
            [if lang == "vi" { "Một ngôi đền để kiểm thử." } else { "A temple for tests." }]
        );
        assert_eq!(meta(&page, "og:locale"), [if lang == "vi" { "vi_VN" } else { "en_GB" }]);
        assert_eq!(meta(&page, "og:locale:alternate"), [if lang == "vi" { "en_GB" } else { "vi_VN" }]);
        assert_eq!(meta(&page, "og:image:width"), ["1200"]);
        assert_eq!(meta(&page, "og:image:height"), ["630"]);
        assert_eq!(meta(&page, "twitter:card"), ["summary_large_image"]);
        for (hreflang, href) in [("vi", "/vi/demo/"), ("en", "/en/demo/"), ("x-default", "/vi/demo/")] {
            let tag = format!("<link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{base}{href}\">");
            assert!(page.contains(&tag), "{lang}: missing {tag}");
        }
        let manifest = link_href(&page, "manifest").expect("manifest link");
        assert_eq!(manifest, format!("/{lang}/manifest.webmanifest"));
        assert!(link_href(&page, "apple-touch-icon").is_some_and(|h| h.starts_with("/_/")), "apple-touch-icon");
        assert!(page.contains("<meta name=\"theme-color\""), "theme colour");
        assert!(!page.contains("noindex"), "site pages are listed");
    }

    // The picture: a 1200×630 JPEG of the first scene (`cong`) as the tour opens it, not of another scene.
    let page = read(&dist.join("en/demo/index.html"));
    let image_url = meta(&page, "og:image")[0];
    let path = image_url.strip_prefix(base).expect("absolute URL on the public address");
    assert!(path.starts_with("/media/demo/share.") && path.ends_with(".jpg"), "{path}");
    let bytes = fs::read(dist.join(path.trim_start_matches('/'))).expect("the picture exists");
    assert_eq!(image::guess_format(&bytes).expect("format"), image::ImageFormat::Jpeg);
    let pic = image::load_from_memory(&bytes).expect("decodes").to_rgb8();
    assert_eq!(pic.dimensions(), (1200, 630));
    let colours: BTreeSet<_> = pic.pixels().map(|p| (p[0] / 16, p[1] / 16, p[2] / 16)).collect();
    assert!(colours.len() > 50, "a picture, not a blank ({} colours)", colours.len());
    let (w, h) = (300, 158);
    let small = image::imageops::resize(&pic, w, h, image::imageops::FilterType::Triangle);
    let view = |seed: u8, yaw: f64| {
        let big = expected_view(&common::panorama(2048, 1024, seed), yaw, 0.0, 100.0, 1200, 630);
        image::imageops::resize(&big, w, h, image::imageops::FilterType::Triangle)
    };
    let right = mean_difference(&small, &view(0, 0.0));
    let other_scene = mean_difference(&small, &view(90, 180.0));
    let turned = mean_difference(&small, &view(0, 90.0));
    assert!(right < 3.0, "the picture matches the first scene's opening view (mean difference {right:.1})");
    assert!(other_scene > right * 3.0 && turned > right * 3.0, "{right:.1} vs {other_scene:.1} / {turned:.1}");
    // The home pages show the first site in the collection's order (`other`) that has a tour.
    let home = read(&dist.join("vi/index.html"));
    let home_image = meta(&home, "og:image");
    assert!(
        home_image.len() == 1 && home_image[0].starts_with(&format!("{base}/media/other/share.")),
        "{home_image:?}"
    );
    assert_eq!(meta(&read(&dist.join("index.html")), "og:image"), home_image, "and so does the choice page at /");
    assert_eq!(link_href(&home, "canonical"), Some(format!("{base}/vi/").as_str()));
    assert!(home.contains(&format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{base}/\">")));
}

#[test]
fn sitemap_robots_manifest_and_icons() {
    let dir = common::fixture();
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dist = dir.path().join("dist");
    let base = "https://disan.test.example";

    let xml = read(&dist.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&xml).expect("sitemap.xml parses");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    let mut listed = BTreeMap::new();
    for url in doc.root_element().children().filter(|n| n.has_tag_name((ns, "url"))) {
        let loc = url.children().find(|n| n.has_tag_name((ns, "loc"))).and_then(|n| n.text()).expect("loc");
        let alternates: BTreeMap<String, String> = url
            .children()
            .filter(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .map(|n| {
                assert_eq!(n.attribute("rel"), Some("alternate"));
                (n.attribute("hreflang").expect("hreflang").into(), n.attribute("href").expect("href").into())
            })
            .collect();
        listed.insert(loc.to_string(), alternates);
    }
    let mut expected = BTreeSet::new();
    for page in ["", "demo/", "other/"] {
        for lang in ["vi", "en"] {
            let loc = format!("{base}/{lang}/{page}");
            expected.insert(loc.clone());
            let alts = listed.get(&loc).unwrap_or_else(|| panic!("{loc} is not in the sitemap"));
            assert_eq!(alts["vi"], format!("{base}/vi/{page}"), "{loc}");
            assert_eq!(alts["en"], format!("{base}/en/{page}"), "{loc}");
            let x_default = if page.is_empty() { format!("{base}/") } else { format!("{base}/vi/{page}") };
            assert_eq!(alts["x-default"], x_default, "{loc}");
            assert!(dist.join(lang).join(page).join("index.html").is_file(), "{loc} is a page");
        }
    }
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), expected, "every site × language, nothing else");

    let robots = read(&dist.join("robots.txt"));
    assert!(robots.lines().any(|l| l == format!("Sitemap: {base}/sitemap.xml")), "{robots}");
    assert!(robots.lines().any(|l| l == "Disallow: /q/"), "{robots}");

    for lang in ["vi", "en"] {
        let m: serde_json::Value =
            serde_json::from_str(&read(&dist.join(lang).join("manifest.webmanifest"))).expect("manifest parses");
        assert_eq!(m["start_url"], format!("/{lang}/"));
        assert_eq!(m["lang"], lang);
        assert_eq!(m["name"], if lang == "vi" { "Bộ sưu tập thử" } else { "Test collection" });
        assert!(m["short_name"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(m["theme_color"].as_str().is_some_and(|c| c.starts_with('#')));
        assert_eq!(m["display"], "standalone");
        let icons = m["icons"].as_array().expect("icons");
        let mut seen = BTreeSet::new();
        for icon in icons {
            let src = icon["src"].as_str().expect("src");
            let sizes = icon["sizes"].as_str().expect("sizes");
            let (w, h) = sizes.split_once('x').expect("WxH");
            let png = fs::read(dist.join(src.trim_start_matches('/'))).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(image::guess_format(&png).expect("format"), image::ImageFormat::Png, "{src}");
            assert_eq!(icon["type"], "image/png");
            let img = image::load_from_memory(&png).expect("decodes");
            assert_eq!((img.width().to_string(), img.height().to_string()), (w.to_string(), h.to_string()), "{src}");
            seen.insert((sizes.to_string(), icon["purpose"].as_str().unwrap_or("any").to_string()));
        }
        for want in [("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")] {
            assert!(seen.contains(&(want.0.to_string(), want.1.to_string())), "{lang}: no {want:?} icon");
        }
        // The maskable icon fills its square (launchers crop it); the others may be transparent.
        let maskable = icons.iter().find(|i| i["purpose"] == "maskable").expect("maskable");
        let img = image::open(dist.join(maskable["src"].as_str().expect("src").trim_start_matches('/'))).expect("open");
        assert!(img.to_rgba8().pixels().all(|p| p[3] == 255), "maskable icon is opaque");
    }
    let page = read(&dist.join("vi/demo/index.html"));
    let apple = link_href(&page, "apple-touch-icon").expect("apple-touch-icon");
    let img = image::open(dist.join(apple.trim_start_matches('/'))).expect("apple-touch-icon exists");
    assert_eq!((img.width(), img.height()), (180, 180));
}

#[test]
fn the_host_serves_discovery_files_with_their_types() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = common::client();
    for (path, kind) in [
        ("/vi/manifest.webmanifest", "application/manifest+json"),
        ("/sitemap.xml", "xml"),
        ("/robots.txt", "text/plain"),
    ] {
        let res = agent.get(&format!("{}{path}", server.base)).call().expect("request");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(ct.contains(kind), "{path}: {ct}");
    }
}

#[test]
fn titles_are_escaped_inside_meta_tags() {
    let dir = common::fixture();
    let site = dir.path().join("sites/demo.yaml");
    let text = read(&site)
        .replace("en: Test Temple", "en: \"Temple \\\"><script>alert(1)</script> & 'quoted'\"")
        .replace("en: A temple for tests.", "en: \"A summary\\\" onload=\\\"alert(2)\"")
        .replace("en: Gate", "en: \"Gate <b>\"");
    fs::write(&site, text).expect("write");
    let out = common::disan(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = read(&dir.path().join("dist/en/demo/index.html"));
    let head = &page[..page.find("</head>").expect("head")];
    assert!(!head.contains("<script>alert"), "{head}");
    assert!(!head.contains("\" onload=\""), "{head}");
    assert_eq!(
        meta(head, "og:title"),
        ["Temple &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quoted&#39;"]
    );
    assert_eq!(meta(head, "og:description"), ["A summary&quot; onload=&quot;alert(2)"]);
    assert!(meta(head, "og:image:alt")[0].ends_with("Gate &lt;b&gt;"), "{head}");
    // The placard page names the site in its title and links: escaped too.
    let q = read(&dir.path().join("dist/q/t-1/index.html"));
    assert!(!q.contains("<script>alert"), "{q}");
    assert!(q.contains("Temple &quot;&gt;&lt;script&gt;"), "{q}");
}
