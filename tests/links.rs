//! Placard codes: the host's `/q/{code}` redirects, the static fallbacks, and the registry that keeps
//! every printed code resolving.

mod common;

use std::fs;

fn location(agent: &ureq::Agent, url: &str, lang: Option<&str>) -> (u16, String, String) {
    let mut req = agent.get(url);
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let res = req.call().expect("request");
    let h = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (res.status().as_u16(), h("location"), h("cache-control"))
}

#[test]
fn codes_redirect_to_the_scene_in_the_visitors_language() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = common::client();
    let b = &server.base;
    assert_eq!(location(&agent, &format!("{b}/q/t-1"), None), (302, "/vi/demo/#scene=cong".into(), "no-store".into()));
    assert_eq!(location(&agent, &format!("{b}/q/t-1"), Some("en-GB,en;q=0.9")).1, "/en/demo/#scene=cong");
    assert_eq!(location(&agent, &format!("{b}/q/t-1"), Some("fr-FR, vi;q=0.5")).1, "/vi/demo/#scene=cong");
    assert_eq!(location(&agent, &format!("{b}/Q/T-1"), None).1, "/vi/demo/#scene=cong", "upper-case codes work");
    assert_eq!(location(&agent, &format!("{b}/q/t-2"), None).1, "/vi/other/#scene=san");
    let mut res = agent.get(&format!("{b}/q/khong-co")).call().expect("request");
    assert_eq!(res.status().as_u16(), 404);
    let body = res.body_mut().read_to_string().expect("body");
    assert!(
        body.contains("“khong-co”") && body.contains("href=\"/vi/\""),
        "unknown code is named, with the way to the sites"
    );

    // A plain static host resolves codes with the fallback page or the _redirects file.
    let dist = dir.path().join("dist");
    let page = fs::read_to_string(dist.join("q/t-1/index.html")).expect("fallback page");
    assert!(page.contains("data-choices=\"vi /vi/demo/#scene=cong en /en/demo/#scene=cong\""), "{page}");
    assert!(page.contains("href=\"/vi/demo/#scene=cong\"") && page.contains("href=\"/en/demo/#scene=cong\""), "{page}");
    let upper = fs::read_to_string(dist.join("q/T-1/index.html")).expect("upper-case fallback page");
    assert_eq!(upper, page, "both spellings of a code get the same page");
    let redirects = fs::read_to_string(dist.join("_redirects")).expect("_redirects");
    assert!(
        redirects.contains("/q/t-1 /en/demo/#scene=cong 302 Language=en\n/q/t-1 /vi/demo/#scene=cong 302\n"),
        "{redirects}"
    );
}

#[test]
fn every_sample_placard_lands_on_its_site() {
    let out = tempfile::tempdir().expect("tempdir");
    let server = common::Server::start_with(&common::repo(), &out.path().join("dist"));
    let agent = common::client();
    let sites = fs::read_dir(common::repo().join("sites")).expect("sites");
    let mut codes = 0;
    for entry in sites {
        let text = fs::read_to_string(entry.expect("entry").path()).expect("read");
        for line in text.lines().filter_map(|l| l.trim().strip_prefix("- code: ")) {
            let (status, loc, _) = location(&agent, &format!("{}/q/{}", server.base, line.trim()), None);
            assert_eq!(status, 302, "{line}");
            let page = loc.split('#').next().expect("path");
            let mut res = agent.get(&format!("{}{page}", server.base)).call().expect("page");
            assert_eq!(res.status().as_u16(), 200, "{line} → {loc}");
            let html = res.body_mut().read_to_string().expect("html");
            let scene = loc.split("#scene=").nth(1).expect("scene");
            assert!(html.contains(&format!("\"id\":\"{scene}\"")), "{line}: the page has scene {scene}");
            codes += 1;
        }
    }
    assert!(codes >= 11, "sample has a placard per scene ({codes})");
}

const REGISTRY: &str =
    "schema: 1\ncodes:\n  t-1:\n    site: demo\n    scene: cong\n  t-2:\n    site: other\n    scene: san\n";

#[test]
fn a_published_code_cannot_silently_disappear() {
    let dir = common::fixture();
    let root = dir.path();
    fs::write(root.join("sites/links.yaml"), REGISTRY).expect("registry");
    assert!(common::disan(root, &["check"]).status.success());

    // Removing the placard that printed t-1 breaks a printed code: refused, naming code and file.
    let site = root.join("sites/demo.yaml");
    let text = fs::read_to_string(&site).expect("read");
    let without = text.replace("  - code: t-1\n    scene: cong\n    label:\n      vi: Cổng\n      en: Gate\n", "");
    assert_ne!(without, text);
    fs::write(&site, &without).expect("write");
    let out = common::disan(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains("published code `t-1` no longer leads anywhere") && report.contains("sites/links.yaml:3:"),
        "{report}"
    );

    // Retiring it with a new target is accepted, and the old code leads there.
    fs::write(
        root.join("sites/links.yaml"),
        REGISTRY.replace("    site: demo\n    scene: cong\n", "    site: demo\n    scene: san\n    retired: true\n"),
    )
    .expect("write");
    let out = common::disan(root, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = common::Server::start(root);
    assert_eq!(location(&common::client(), &format!("{}/q/t-1", server.base), None).1, "/vi/demo/#scene=san");
}

#[test]
fn retired_codes_must_lead_somewhere_and_not_be_reused() {
    let dir = common::fixture();
    let root = dir.path();
    fs::write(
        root.join("sites/links.yaml"),
        format!("{REGISTRY}  old:\n    site: gone\n    retired: true\n  t-3:\n    site: demo\n    retired: true\n"),
    )
    .expect("write");
    let other = root.join("sites/other.yaml");
    fs::write(&other, fs::read_to_string(&other).expect("read").replace("code: t-2", "code: t-3")).expect("write");
    let out = common::disan(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(report.contains("retired code `old` points to site `gone`, which does not exist"), "{report}");
    assert!(report.contains("retired code `t-3` is used again"), "{report}");
    assert!(report.contains("published code `t-2` no longer leads anywhere"), "{report}");
}
