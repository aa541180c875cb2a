//! What search engines and phones read about the site as a whole: `sitemap.xml` (every page in every
//! language, with its translations as hreflang alternates), `robots.txt` pointing at it, and a web app
//! manifest per language so the tour can be added to a home screen in the visitor's language.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

use super::html::{escape_html, pick};
use super::icons::{self, Icons};
use super::urls::site_url;
use crate::site::Collection;

/// Where a language's manifest is, e.g. `/vi/manifest.webmanifest`.
pub fn manifest_url(lang: &str) -> String {
    format!("/{lang}/manifest.webmanifest")
}

/// Page background while an installed tour starts (the pages' own background).
const BACKGROUND: &str = "#fbfaf7";

/// Writes `sitemap.xml`, `robots.txt` and the manifests.
pub fn write(out: &Path, c: &Collection, icons: &Icons, write: impl Fn(&Path, &[u8]) -> Result<()>) -> Result<()> {
    write(&out.join("sitemap.xml"), sitemap(c).as_bytes())?;
    write(&out.join("robots.txt"), robots(c).as_bytes())?;
    for lang in &c.languages {
        let path = manifest_url(lang);
        write(&out.join(path.trim_start_matches('/')), manifest(c, icons, lang).as_bytes())?;
    }
    Ok(())
}

/// Every page (home and sites) × every language, absolute URLs from the collection's public address,
/// each listing all its translations and the default one as `x-default`.
pub fn sitemap(c: &Collection) -> String {
    let base = c.public_url.trim_end_matches('/');
    let pages: Vec<Option<&str>> = std::iter::once(None).chain(c.sites.iter().map(|s| Some(s.slug.as_str()))).collect();
    let url = |page: Option<&str>, lang: &str| {
        let path = match page {
            None => format!("/{lang}/"),
            Some(slug) => site_url(lang, slug),
        };
        escape_html(&format!("{base}{path}"))
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for &page in &pages {
        for lang in &c.languages {
            let _ = writeln!(xml, "<url><loc>{}</loc>", url(page, lang));
            for alt in &c.languages {
                let _ =
                    writeln!(xml, "  <xhtml:link rel=\"alternate\" hreflang=\"{alt}\" href=\"{}\"/>", url(page, alt));
            }
            // The home address itself picks the visitor's language.
            let href = if page.is_none() { escape_html(&format!("{base}/")) } else { url(page, c.default_language()) };
            let _ = writeln!(xml, "  <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>\n</url>");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Crawlers may read everything but the placard codes (redirects, and each scan is counted).
pub fn robots(c: &Collection) -> String {
    format!("User-agent: *\nAllow: /\nDisallow: /q/\n\nSitemap: {}/sitemap.xml\n", c.public_url.trim_end_matches('/'))
}

/// The web app manifest in `lang`: opens on that language's home page.
pub fn manifest(c: &Collection, icons: &Icons, lang: &str) -> String {
    let start = format!("/{lang}/");
    let png = |src: &str, size: u32, purpose: &str| json!({ "src": src, "sizes": format!("{size}x{size}"), "type": "image/png", "purpose": purpose });
    let mut m = json!({
        "id": start,
        "name": pick(&c.title, lang),
        "short_name": pick(&c.title, lang),
        "lang": lang,
        "dir": "ltr",
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": icons::THEME_COLOUR,
        "icons": [
            png(&icons.any_192, 192, "any"),
            png(&icons.any_512, 512, "any"),
            png(&icons.maskable_512, 512, "maskable"),
        ],
    });
    if let Some(d) = &c.description {
        m["description"] = json!(pick(d, lang));
    }
    serde_json::to_string_pretty(&m).unwrap_or_default() + "\n"
}
