//! `disan placards` on the sample collection: every page rendered by poppler, every QR decoded back to
//! `{public_url}/q/{code}`, and that address followed on the running host to the right site and scene.

mod common;

use common::wire::poppler;

use std::fs;
use std::path::Path;
use std::process::Command;

fn copy_sample(to: &Path) {
    for dir in ["sites", "content"] {
        let status = Command::new("cp").arg("-r").arg(common::repo().join(dir)).arg(to).status().expect("cp");
        assert!(status.success());
    }
    // Start as if nothing had been printed yet.
    let _ = fs::remove_file(to.join("sites/links.yaml"));
}

#[test]
fn every_printed_code_scans_and_leads_to_its_scene() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    copy_sample(root);
    let out = common::disan(root, &["placards", "--out", root.join("print").to_str().expect("utf-8"), "--sheet", "a4"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded 11 new code(s)"));
    let pdf = root.join("print/placards-a6.pdf");
    assert!(root.join("print/placards-stickers-a4.pdf").is_file());
    assert!(root.join("print/qr/ss-dc1.svg").is_file() && root.join("print/qr/ss-dc1.png").is_file());

    // The registry now holds every printed code; printing again adds none.
    let registry = fs::read_to_string(root.join("sites/links.yaml")).expect("registry");
    assert!(registry.contains("  ss-dc1:\n    site: den-doc-cuoc\n    scene: bac-da\n"), "{registry}");
    let again = common::disan(root, &["placards", "--out", root.join("print").to_str().expect("utf-8")]);
    assert!(again.status.success() && !String::from_utf8_lossy(&again.stderr).contains("new code"));

    let Some(info) = poppler("pdfinfo", &["-box", pdf.to_str().expect("utf-8")]) else { return };
    assert!(info.contains("Pages:           11"), "{info}");
    let fonts = poppler("pdffonts", &[pdf.to_str().expect("utf-8")]).expect("pdffonts");
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(cols[0].contains('+'), "font is subset: {line}");
        assert_eq!(&cols[cols.len() - 5..cols.len() - 2], ["yes", "yes", "yes"], "embedded, subset, unicode: {line}");
    }
    let text = poppler("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]).expect("pdftotext");
    for name in ["Đền Độc Cước", "Đền thờ An Dương Vương", "Rừng Thông", "Hòn Trống Mái"] {
        assert!(text.contains(name), "{name} extracts as NFC text");
    }

    let server = common::Server::start_with(root, &root.join("dist"));
    let agent = common::client();
    let pages = root.join("pages");
    fs::create_dir_all(&pages).expect("pages dir");
    poppler(
        "pdftoppm",
        &["-r", "100", "-gray", "-png", pdf.to_str().expect("utf-8"), pages.join("p").to_str().expect("utf-8")],
    );
    let mut renders: Vec<_> = fs::read_dir(&pages).expect("renders").map(|e| e.expect("entry").path()).collect();
    renders.sort();
    assert_eq!(renders.len(), 11);
    let mut seen = Vec::new();
    for page in renders {
        let img = image::open(&page).expect("png").to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "{}: one code per page", page.display());
        let (_, url) = grids[0].decode().expect("decodes");
        let code = url.strip_prefix("https://disan.samson.example.vn/q/").expect("placard URL").to_string();
        let res = agent.get(&format!("{}/q/{code}", server.base)).call().expect("redirect");
        assert_eq!(res.status().as_u16(), 302);
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).expect("location").to_string();
        assert!(registry.contains(&format!("  {code}:\n")), "{code} is registered");
        let (path, scene) = location.split_once("#scene=").expect("scene in target");
        let mut page = agent.get(&format!("{}{path}", server.base)).call().expect("site page");
        assert_eq!(page.status().as_u16(), 200);
        let html = page.body_mut().read_to_string().expect("html");
        assert!(html.contains(&format!("\"id\":\"{scene}\"")), "{code} → {location}");
        seen.push(code);
    }
    seen.sort();
    assert_eq!(
        seen,
        ["rt-1", "rt-2", "ss-adv1", "ss-cl1", "ss-ct1", "ss-dc1", "ss-dc2", "ss-kn1", "ss-th1", "ss-tl1", "ss-tm1"]
    );
}

#[test]
fn a_placard_that_cannot_be_read_from_its_distance_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_sample(dir.path());
    let out = common::disan(dir.path(), &["placards", "--size", "sticker", "--distance", "5", "--out", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 500 mm") && err.contains("32 mm"), "explains the sizes: {err}");
    assert!(!dir.path().join("x").exists(), "nothing written");
    assert!(!dir.path().join("sites/links.yaml").exists(), "nothing recorded");
}
