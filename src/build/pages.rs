//! HTML pages: the home page per language, one page per site and language, and the 404 page, rendered
//! from the embedded minijinja templates. Content is passed already picked for the page's language, and
//! every template escapes it (autoescape is on for `.html`).

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow};
use minijinja::{Environment, Value, context};
use serde::Serialize;
use serde_json::json;

use super::assets;
use super::relic;
// Their homes are their own files (so the parts of a page need not import the page); named here too for
// the callers that know them as `pages::…`.
pub use super::html::{audio_mime, escape_html, paragraphs, pick};
pub use super::site_media::SiteMedia;
pub use super::urls::{map_url, site_url};
use crate::site::model::{Collection, HotspotKind, Site};

/// What a page tells link previews (Open Graph) and search engines about itself.
#[derive(Debug, Default, Serialize)]
pub struct Meta {
    /// Title in previews.
    pub title: String,
    /// Description in previews.
    pub description: String,
    /// Path of the preview picture.
    pub image: Option<String>,
    /// What the preview picture shows.
    pub image_alt: String,
    /// This page's one address (its path), for pages search engines should list; `None` for pages that
    /// only send visitors on (placard codes) or say that nothing is here.
    pub canonical: Option<String>,
    /// The page for visitors whose language is not one of the collection's (hreflang `x-default`).
    pub x_default: String,
}

/// A choice on a language choice page: one language's version of where the visitor is going.
#[derive(Debug, Serialize)]
pub struct Choice {
    /// Language code.
    pub lang: String,
    /// The page in that language.
    pub url: String,
    /// The language's own name.
    pub name: String,
    /// Where the link leads, in that language.
    pub title: String,
    /// A line about it, in that language.
    pub text: Option<String>,
}

/// The shipped templates (`static/templates/`).
/// `offline.html` and `save.html` are the offline page and the save-for-offline box (see [`super::offline`]);
/// `credit.html` is the credit line of a photo, panorama or recording.
pub const TEMPLATES: [&str; 8] =
    ["base.html", "home.html", "site.html", "404.html", "choose.html", "offline.html", "save.html", "credit.html"];

/// The template engine with the shipped templates loaded; `preview` pages also load the editors' script.
pub fn environment(preview: bool) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.add_global("preview", preview);
    env.add_global("content_policy", crate::serve::headers::meta_content_policy());
    env.add_global("preview_js", assets::url("preview.js"));
    env.add_global("preview_css", assets::url("preview.css"));
    env.add_global("lang_js", assets::url("lang.js"));
    env.add_global("theme_colour", super::icons::THEME_COLOUR);
    env.add_global("tour_start", Value::from_safe_string(assets::TOUR_START_JS.to_string()));
    env.add_global("later", Value::from_safe_string(assets::LATER_JS.to_string()));
    env.add_global("offline_js", assets::url("offline.js"));
    env.add_global("near_js", assets::url("near.js"));
    for name in TEMPLATES {
        let source = assets::template(name).ok_or_else(|| anyhow!("template {name} is missing from the program"))?;
        env.add_template_owned(name, source).with_context(|| format!("template {name} has an error"))?;
    }
    env.add_filter("paragraphs", |s: String| -> Vec<String> { paragraphs(&s) });
    env.set_formatter(|out, state, value| {
        // minijinja's escaper also escapes `/`, which bloats every URL; the five characters below are
        // all that HTML text and quoted attributes need.
        match value.as_str() {
            Some(s) if !value.is_safe() => out.write_str(&escape_html(s)).map_err(minijinja::Error::from),
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    Ok(env)
}

/// Makes the home-screen icons known to every page.
pub fn add_icons(env: &mut Environment, icons: &super::icons::Icons) {
    env.add_global("apple_touch_icon", icons.apple_180.clone());
}

#[derive(Serialize)]
struct LangLink {
    code: String,
    name: String,
    url: String,
    current: bool,
}

/// The Open Graph locale of a language (`vi_VN`).
fn og_locale(lang: &str) -> String {
    crate::words::locale(lang)
}

/// The language-choosing script's settings, for pages that send visitors on to their language: the
/// collection's languages, the choices in order of those languages (`lang url` pairs), and the site
/// addresses that may arrive without a language (for the 404 page).
fn lang_script(c: &Collection, choices: &[Choice], sites: bool) -> Value {
    let pairs: Vec<String> = choices.iter().map(|ch| format!("{} {}", ch.lang, ch.url)).collect();
    let slugs: Vec<&str> = if sites { c.sites.iter().map(|s| s.slug.as_str()).collect() } else { Vec::new() };
    context! { langs => c.languages.join(" "), choices => pairs.join(" "), sites => slugs.join(" ") }
}

/// The kinds of page, each with its own style sheet holding only the rules that kind uses (the parts
/// `build.rs` joins for it; `tests/stylesheets.rs` checks that no page misses a rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The home page of a language, and the language choice page (both a grid of cards).
    Home,
    /// A site's page with a tour: the page's rules and the viewer's.
    Tour,
    /// A site's page without a tour.
    Site,
    /// The small pages: not found, an unknown placard code, the offline page.
    Small,
}

impl Kind {
    /// The URL of this kind's style sheet.
    pub fn stylesheet(self) -> Option<String> {
        assets::url(match self {
            Kind::Home => "home.css",
            Kind::Tour => "tour.css",
            Kind::Site => "site.css",
            Kind::Small => "page.css",
        })
    }
}

/// Style sheets no page of `c` links (a site page's sheet when every site has a tour, or none has), so
/// the service worker need not keep them.
pub fn unused_stylesheets(c: &Collection) -> Vec<&'static str> {
    let mut unused = Vec::new();
    if c.sites.iter().all(|s| !s.scenes.is_empty()) {
        unused.push("site.css");
    }
    if c.sites.iter().all(|s| s.scenes.is_empty()) {
        unused.push("tour.css");
    }
    unused
}

pub(super) fn common(c: &Collection, lang: &str, kind: Kind, path_of: impl Fn(&str) -> String, meta: Meta) -> Value {
    let t = crate::words::for_language(lang);
    let langs: Vec<LangLink> = c
        .languages
        .iter()
        .map(|l| LangLink { code: l.clone(), name: crate::words::native_name(l), url: path_of(l), current: l == lang })
        .collect();
    context! {
        lang,
        t,
        langs,
        site_title => pick(&c.title, lang),
        description => c.description.as_ref().map(|d| pick(d, lang)),
        organisation => pick(&c.organisation, lang),
        contact => c.contact.clone(),
        public_url => c.public_url.clone(),
        css => kind.stylesheet(),
        icon => assets::url("icon.svg"),
        home_url => format!("/{lang}/"),
        meta,
        locale => og_locale(lang),
        locales_alt => c.languages.iter().filter(|l| *l != lang).map(|l| og_locale(l)).collect::<Vec<_>>(),
        manifest => super::discovery::manifest_url(lang),
    }
}

/// The home page in `lang`.
pub fn home(
    env: &Environment,
    c: &Collection,
    media: &[SiteMedia],
    logos: &[Option<String>],
    lang: &str,
) -> Result<String> {
    let t = crate::words::for_language(lang);
    let sites: Vec<_> = c
        .sites
        .iter()
        .zip(media)
        .map(|(s, m)| {
            let thumb = m.photos.first().map(|p| p.1.clone());
            json!({
                "url": site_url(lang, &s.slug),
                "name": pick(&s.name, lang),
                "kind": label(&t, "kind", s.kind),
                "level": s.recognition.as_ref().map(|r| label(&t, "level", r.level)),
                "summary": pick(&s.summary, lang),
                "thumb": thumb,
                "approximate": s.location.approximate,
                "map_url": map_url(s.location.lat, s.location.lon),
                "scenes": s.scenes.len(),
                "lat": s.location.lat,
                "lon": s.location.lon,
            })
        })
        .collect();
    let (image, image_alt) = share_picture(c, media, lang);
    let meta = Meta {
        title: pick(&c.title, lang),
        description: c.description.as_ref().map(|d| pick(d, lang)).unwrap_or_else(|| pick(&c.title, lang)),
        image,
        image_alt,
        canonical: Some(format!("/{lang}/")),
        x_default: "/".into(),
    };
    let tmpl = env.get_template("home.html")?;
    let sponsors = super::relic::sponsors(c, logos, lang);
    tmpl.render(context! { sites, sponsors, page => "home", ..common(c, lang, Kind::Home, |l| format!("/{l}/"), meta) })
        .context("cannot render the home page")
}

/// The interface word for an enum value, e.g. `label(&t, "kind", SiteKind::ScenicSite)` → the text of
/// `kind_scenic_site`: the key is the value's YAML (snake_case) name.
fn label<T: Serialize>(t: &BTreeMap<&str, &str>, prefix: &str, value: T) -> String {
    let name = serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    t.get(format!("{prefix}_{name}").as_str()).copied().unwrap_or("").to_string()
}

/// Serialises the viewer's data so it is safe inside `<script type="application/json">`.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// One site's page in `lang`.
pub fn site(env: &Environment, c: &Collection, s: &Site, m: &SiteMedia, lang: &str) -> Result<String> {
    let t = crate::words::for_language(lang);
    let sections: Vec<_> = s
        .sections
        .iter()
        .map(|sec| {
            let title = sec.title.as_ref().map(|x| pick(x, lang)).unwrap_or_else(|| label(&t, "section", sec.kind));
            json!({ "title": title, "paragraphs": paragraphs(&pick(&sec.text, lang)) })
        })
        .collect();
    let photos: Vec<_> = s
        .photos
        .iter()
        .zip(&m.photos)
        .map(|(p, (url, thumb, w, h))| {
            let credit = p.credit.as_ref().map(|c| relic::credit(&t, c, relic::Media::Photo));
            json!({ "url": url, "thumb": thumb, "width": w, "height": h, "caption": pick(&p.caption, lang), "credit": credit })
        })
        .collect();
    // The site's and every scene's narration: the page shows one (the site's, else the first scene's);
    // narration.js fetches the rest from the page's narration file and offers the story of the scene the
    // visitor is at.
    let narration = m
        .pages
        .get(lang)
        .and_then(|f| f.narration.as_ref())
        .map(|n| json!({ "shown": n.shown, "src": n.url, "lang_name": crate::words::native_name(lang) }));
    let scenes: Vec<_> = s
        .scenes
        .iter()
        .zip(&m.panoramas)
        .map(|(sc, pano)| {
            // Every scene's preview as a small file the viewer fetches ahead; the first scene's is also
            // inline in the page's own image (see site.html), so it paints before any request.
            let hotspots: Vec<_> = sc
                .hotspots
                .iter()
                .map(|h| match h.kind {
                    HotspotKind::Scene => json!({"type": "scene", "target": h.target, "yaw": h.yaw, "pitch": h.pitch, "title": pick(&h.title, lang)}),
                    HotspotKind::Info => json!({"type": "info", "yaw": h.yaw, "pitch": h.pitch, "title": pick(&h.title, lang), "text": h.text.as_ref().map(|x| pick(x, lang))}),
                })
                .collect();
            json!({
                "id": sc.id, "title": pick(&sc.title, lang), "panorama": pano.url, "preview": pano.preview_url,
                "tiles": {
                    "path": pano.tiles.0, "size": pano.tiles.1.size, "tile": pano.tiles.1.tile,
                    "levels": pano.tiles.1.levels, "fallback": pano.tiles.1.fallback,
                    "ext": pano.tiles.1.format.extension(),
                },
                "yaw": sc.yaw, "pitch": sc.pitch, "hfov": sc.hfov, "north": sc.north, "hotspots": hotspots,
            })
        })
        .collect();
    let tour = (!scenes.is_empty()).then(|| {
        use super::page_files::{VIEWER_CORE_WORDS, prefixed};
        let labels = prefixed(&t, "v_", |k| VIEWER_CORE_WORDS.contains(&k));
        script_json(&json!({ "lang": lang, "first": s.scenes[0].id, "scenes": scenes, "labels": labels }))
    });
    let recognition = s.recognition.as_ref().map(|r| {
        json!({ "label": label(&t, "level", r.level), "year": r.year, "decision": r.decision, "note": r.note.as_ref().map(|n| pick(n, lang)) })
    });
    let site = json!({
        "slug": s.slug,
        "name": pick(&s.name, lang),
        "kind": label(&t, "kind", s.kind),
        "recognition": recognition,
        "summary": pick(&s.summary, lang),
        "sections": sections,
        "photos": photos,
        // The tour box before the viewer runs (first scene's inline preview) and without JavaScript
        // (every scene's flat panorama).
        "scenes": s.scenes.iter().zip(&m.panoramas).map(|(sc, p)| json!({ "id": sc.id, "title": pick(&sc.title, lang), "panorama": p.url })).collect::<Vec<_>>(),
        "first_preview": m.panoramas.first().map(|p| p.preview.clone()),
        "location": {
            "lat": s.location.lat, "lon": s.location.lon, "approximate": s.location.approximate,
            "address": s.location.address.as_ref().map(|a| pick(a, lang)), "map_url": map_url(s.location.lat, s.location.lon),
        },
        "narration": narration,
        "access": s.access.as_ref().map(|a| paragraphs(&pick(a, lang))),
        "directions": relic::directions(s.location.lat, s.location.lon),
        "facts": relic::facts(&t, &s.facts, lang),
        "scene_credits": relic::scene_credits(&t, &s.scenes, lang),
        "sources": s.sources,
    });
    let meta = Meta {
        title: pick(&s.name, lang),
        description: pick(&s.summary, lang),
        image: m.share.clone(),
        image_alt: s
            .scenes
            .first()
            .map(|sc| format!("{}: {}", pick(&s.name, lang), pick(&sc.title, lang)))
            .unwrap_or_default(),
        canonical: Some(site_url(lang, &s.slug)),
        x_default: site_url(c.default_language(), &s.slug),
    };
    let tmpl = env.get_template("site.html")?;
    tmpl.render(context! {
        site,
        tour,
        page => "site",
        viewer_js => assets::url("viewer.js"),
        narration_js => assets::url("narration.js"),
        slug => s.slug,
        print => super::print_page::bits(c, s, m, lang)?,
        directions_js => assets::url("directions.js"),
        json_ld => relic::json_ld(c, s, m, lang),
        ..common(c, lang, if s.scenes.is_empty() { Kind::Site } else { Kind::Tour }, |l| site_url(l, &s.slug), meta)
    })
    .with_context(|| format!("cannot render the page of {} in {lang}", s.slug))
}

/// The page shown for unknown addresses, in the default language with links to every site.
pub fn not_found(env: &Environment, c: &Collection) -> Result<String> {
    missing(env, c, c.default_language(), false)
}

/// The host's answer to a placard code nobody printed, in `lang`: the site's look and the list of sites, with
/// the marker [`super::links::UNKNOWN_CODE_MARK`] where the host puts the code the visitor scanned or typed.
pub fn unknown_code(env: &Environment, c: &Collection, lang: &str) -> Result<String> {
    missing(env, c, lang, true)
}

fn missing(env: &Environment, c: &Collection, lang: &str, unknown_code: bool) -> Result<String> {
    let sites: Vec<_> =
        c.sites.iter().map(|s| json!({ "url": site_url(lang, &s.slug), "name": pick(&s.name, lang) })).collect();
    let meta = Meta { title: pick(&c.title, lang), ..Meta::default() };
    let tmpl = env.get_template("404.html")?;
    // The unknown-code page is already in the language the host chose; the 404 page may move on to the
    // visitor's language.
    let lang_script = if unknown_code { Value::from(()) } else { lang_script(c, &[], true) };
    tmpl.render(context! {
        sites,
        page => "404",
        unknown_code,
        lang_script,
        ..common(c, lang, Kind::Small, |l| format!("/{l}/"), meta)
    })
    .context("cannot render the 404 page")
}

/// A page that sends the visitor on to their language: at once with the language script, or by the list
/// of choices without JavaScript. Its title names every choice; `meta` gives the rest (a canonical
/// address only for the home address, `/`, which search engines may list; placard pages are not listed).
pub fn choose(env: &Environment, c: &Collection, choices: &[Choice], meta: Meta) -> Result<String> {
    let lang = c.default_language();
    let heading: Vec<&str> =
        c.languages.iter().filter_map(|l| crate::words::for_language(l).get("choose_language").copied()).collect();
    let titles: Vec<&str> = choices.iter().map(|ch| ch.title.as_str()).collect();
    let meta = Meta { title: titles.join(" · "), ..meta };
    let tmpl = env.get_template("choose.html")?;
    tmpl.render(context! {
        choices,
        heading => heading.join(" · "),
        page => "choose",
        lang_script => lang_script(c, choices, false),
        ..common(c, lang, Kind::Home, |l| format!("/{l}/"), meta)
    })
    .context("cannot render a language choice page")
}

/// The home address's choice page: one choice per language, to that language's home page.
pub fn choose_home(env: &Environment, c: &Collection, media: &[SiteMedia]) -> Result<String> {
    let choices: Vec<Choice> = c
        .languages
        .iter()
        .map(|l| Choice {
            lang: l.clone(),
            url: format!("/{l}/"),
            name: crate::words::native_name(l),
            title: pick(&c.title, l),
            text: c.description.as_ref().map(|d| pick(d, l)),
        })
        .collect();
    let lang = c.default_language();
    let (image, image_alt) = share_picture(c, media, lang);
    let meta = Meta {
        description: c.description.as_ref().map(|d| pick(d, lang)).unwrap_or_else(|| pick(&c.title, lang)),
        image,
        image_alt,
        canonical: Some("/".into()),
        x_default: "/".into(),
        ..Meta::default()
    };
    choose(env, c, &choices, meta)
}

/// The collection's preview picture: the first site's that has one, described in `lang`.
fn share_picture(c: &Collection, media: &[SiteMedia], lang: &str) -> (Option<String>, String) {
    c.sites
        .iter()
        .zip(media)
        .find_map(|(s, m)| m.share.clone().map(|u| (Some(u), pick(&s.name, lang))))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paragraphs() {
        assert_eq!(paragraphs("a\nb\n\n\nc  d\n"), vec!["a b".to_string(), "c d".to_string()]);
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = script_json(&json!({"t": "</script><script>alert(1)</script>"}));
        assert!(!s.contains("</script"), "{s}");
    }
}
