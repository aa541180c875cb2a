//! Languages are data: a collection in three languages (Vietnamese, English, French) checks, builds,
//! serves every language with a switcher listing all three, sends `/q/` scans to the visitor's language,
//! and prints placards in the pair of languages it chose (`placard_languages: [vi, fr]`).

mod common;

use std::fs;

use common::wire;

/// The body of a GET, with its status.
fn get(base: &str, path: &str, accept: Option<&str>) -> (u16, String, Option<String>) {
    let mut req = common::client().get(&format!("{base}{path}"));
    if let Some(a) = accept {
        req = req.header("accept-language", a);
    }
    let mut res = req.call().expect("request");
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_string().unwrap_or_default(), location)
}

/// The address of the words a site page's later scripts use (the narration section's `data-words`), the phone's
/// speech language among them.
fn words_src(page: &str) -> &str {
    page.split("data-words=\"").nth(1).and_then(|r| r.split('"').next()).expect("the narration section names its words")
}

#[test]
fn three_languages_check_without_warnings() {
    let dir = common::three_fixture();
    let out = common::disan(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "French has interface words: {stderr}");
}

#[test]
fn a_missing_french_text_is_located() {
    let dir = common::three_fixture();
    let site = dir.path().join("sites/den.yaml");
    let text =
        fs::read_to_string(&site).expect("read").replace("      fr: Porte du temple\n    panorama", "    panorama");
    fs::write(&site, text).expect("write");
    let out = common::disan(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: `scenes[0].title` has no `fr` text"), "{stderr}");
    assert!(stderr.contains("add `fr: …` under `scenes[0].title`"), "{stderr}");
    assert!(stderr.contains("sites/den.yaml:"), "{stderr}");
    assert!(stderr.ends_with("1 error found\n"), "{stderr}");
    let vi = common::disan(dir.path(), &["--lang", "vi", "check"]);
    let vi = String::from_utf8_lossy(&vi.stderr);
    assert!(vi.contains("`scenes[0].title` chưa có nội dung bằng `fr`"), "{vi}");
}

/// A language disan has no interface words for works with English buttons, and `check` says so once.
#[test]
fn a_language_without_interface_words_gets_one_warning() {
    let dir = common::three_fixture();
    for name in ["collection.yaml", "den.yaml"] {
        let path = dir.path().join("sites").join(name);
        let text = fs::read_to_string(&path).expect("read").replace("  fr:", "  de:").replace(", fr]", ", de]");
        fs::write(&path, text).expect("write");
    }
    let out = common::disan(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a warning does not fail the check: {stderr}");
    assert_eq!(stderr.matches("warning: ").count(), 1, "{stderr}");
    assert!(stderr.contains("warning: disan has no interface words in `de`"), "{stderr}");
    assert!(stderr.contains("sites/collection.yaml:12:"), "located at the language: {stderr}");
    assert!(stderr.contains("languages with interface words: en, fr, vi"), "{stderr}");
    let vi = common::disan(dir.path(), &["--lang", "vi", "check"]);
    let vi = String::from_utf8_lossy(&vi.stderr);
    assert!(vi.contains("disan chưa có từ ngữ giao diện bằng `de`"), "{vi}");
    let built = common::disan(dir.path(), &["build"]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = fs::read_to_string(dir.path().join("dist/de/den/index.html")).expect("German page");
    assert!(page.contains("lang=\"de\""), "the page says its language");
    assert!(page.contains("Drag to look around"), "English interface words");
    let data = fs::read_to_string(dir.path().join("dist").join(words_src(&page).trim_start_matches('/')))
        .expect("the page's words");
    assert!(data.contains("\"speech_lang\":\"de\""), "speech in the language's own code: {data}");
}

#[test]
fn placard_languages_must_be_two_of_the_collection() {
    let dir = common::three_fixture();
    let path = dir.path().join("sites/collection.yaml");
    let text =
        fs::read_to_string(&path).expect("read").replace("placard_languages: [vi, fr]", "placard_languages: [vi, ja]");
    fs::write(&path, text).expect("write");
    let out = common::disan(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: language `ja` is not one of the collection's languages"), "{stderr}");
    assert!(stderr.contains("sites/collection.yaml:17:"), "{stderr}");
    let text = fs::read_to_string(&path).expect("read").replace("[vi, ja]", "[fr, fr]");
    fs::write(&path, text).expect("write");
    let out = common::disan(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`placard_languages` names `fr` twice"), "{stderr}");
}

#[test]
fn three_languages_build_and_serve() {
    let dir = common::three_fixture();
    let server = common::Server::start(dir.path());
    let base = &server.base;
    for (lang, home, name) in [
        ("vi", "Trang chủ", "Đền Độc Cước"),
        ("en", "Home", "Độc Cước Temple"),
        ("fr", "Accueil", "Temple de Độc Cước"),
    ] {
        let (status, page, _) = get(base, &format!("/{lang}/den/"), None);
        assert_eq!(status, 200, "/{lang}/den/");
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{lang} page declares its language");
        assert!(page.contains(home), "{lang} interface words");
        assert!(page.contains(name), "{lang} site name");
        // The switcher lists all three languages, each by its own name, linking the same page.
        let nav = page.split("<nav class=\"langs\"").nth(1).and_then(|n| n.split("</nav>").next()).expect("switcher");
        for (other, other_name) in [("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français")] {
            let entry = if other == lang {
                format!("<span aria-current=\"true\" lang=\"{other}\">{other_name}</span>")
            } else {
                format!("<a href=\"/{other}/den/\" hreflang=\"{other}\" lang=\"{other}\">{other_name}</a>")
            };
            assert!(nav.contains(&entry), "{lang} switcher lacks {entry}: {nav}");
        }
        let (status, home_page, _) = get(base, &format!("/{lang}/"), None);
        assert_eq!(status, 200);
        assert!(home_page.contains(name), "{lang} home page lists the site");
    }
    let (_, fr, _) = get(base, "/fr/den/", None);
    assert!(fr.contains("Monument national"), "recognition level in French");
    assert!(fr.contains("12\u{202F}500,75"), "numbers written the French way");
    let (status, data, _) = get(base, words_src(&fr), None);
    assert_eq!(status, 200, "the French words");
    assert!(data.contains("\"speech_lang\":\"fr-FR\""), "the phone's voice reads French: {data}");
    assert!(fr.contains("fr_FR"), "Open Graph locale");
    assert!(fr.contains("Chargement…"), "viewer labels in French");

    // A placard scan lands on the visitor's language.
    for (accept, lang) in [("fr", "fr"), ("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("en-US", "en"), ("de", "vi")] {
        let (status, _, location) = get(base, "/q/ba-1", Some(accept));
        assert_eq!(status, 302, "/q/ba-1 with {accept}");
        let location = location.expect("a Location");
        assert!(location.starts_with(&format!("/{lang}/den/")), "{accept} → {location}");
    }
    let (status, page, _) = get(base, "/q/nope", Some("fr"));
    assert_eq!(status, 404);
    assert!(page.contains("Code inconnu") && page.contains("<html lang=\"fr\""), "{page}");
    assert!(page.contains("href=\"/fr/\""), "{page}");
    // The home address chooses too.
    let (status, _, location) = get(base, "/", Some("fr-CA"));
    assert_eq!((status, location.as_deref()), (302, Some("/fr/")));

    // On a static host, the placard's page carries every language for the script to choose from.
    let choice = fs::read_to_string(dir.path().join("dist/q/ba-1/index.html")).expect("placard page");
    assert!(choice.contains("data-langs=\"vi en fr\""), "{choice}");
    assert!(choice.contains("fr /fr/den/"), "{choice}");
    let redirects = fs::read_to_string(dir.path().join("dist/_redirects")).expect("_redirects");
    assert!(redirects.contains("/q/ba-1 /fr/den/") && redirects.contains("Language=fr"), "{redirects}");
}

#[test]
fn placards_print_the_chosen_pair_of_languages() {
    let dir = common::three_fixture();
    let root = dir.path();
    let out_dir = root.join("print");
    let out = common::disan(root, &["placards", "--out", out_dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = out_dir.join("placards-a6.pdf");
    assert!(pdf.is_file());
    let Some(text) = wire::poppler("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]) else { return };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Đền Độc Cước",
        "Temple de Độc Cước",
        "Cổng đền",
        "Porte du temple",
        "Quét mã để tham quan 360° và nghe thuyết minh",
        "Scannez pour la visite 360° et le guide audio",
        "Mã: ba-1",
    ] {
        assert!(text.contains(want), "placard lacks {want:?}: {text}");
    }
    for unwanted in ["Temple gate", "Scan for the 360°", "Code:"] {
        assert!(!text.contains(unwanted), "English is not one of the chosen pair, yet {unwanted:?} is printed: {text}");
    }
}
