//! Placard codes in the output: the table the host redirects with, plus what a plain static host needs to
//! resolve `/q/{code}` on its own — a small page per code and a `_redirects` file.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

use super::pages::{escape_html, site_url};
use crate::site::Collection;
use crate::site::links::Target;

/// Where the host finds the code table inside the output.
pub const LINKS_JSON: &str = "_/links.json";

/// The page address a code leads to in `lang`.
pub fn target_url(lang: &str, t: &Target) -> String {
    let base = site_url(lang, &t.site);
    match &t.scene {
        Some(scene) => format!("{base}#scene={scene}"),
        None => base,
    }
}

/// Writes the code table, one fallback page per code, and `_redirects`.
pub fn write(out: &Path, c: &Collection, write: impl Fn(&Path, &[u8]) -> Result<()>) -> Result<()> {
    let table = json!({ "languages": c.languages, "codes": c.links });
    write(&out.join(LINKS_JSON), table.to_string().as_bytes())?;
    let default = c.default_language();
    let mut redirects = String::from("# Placard codes for static hosts that read _redirects files.\n");
    for (code, t) in &c.links {
        for lang in c.languages.iter().filter(|l| l.as_str() != default) {
            let _ = writeln!(redirects, "/q/{code} {} 302 Language={lang}", target_url(lang, t));
        }
        let _ = writeln!(redirects, "/q/{code} {} 302", target_url(default, t));
        let name = c.sites.iter().find(|s| s.slug == t.site).map(|s| &s.name);
        let mut links = String::new();
        for lang in &c.languages {
            let label = name.and_then(|n| n.get(lang)).map(String::as_str).unwrap_or(&t.site);
            let _ = write!(
                links,
                "<li><a href=\"{}\" hreflang=\"{lang}\">{}</a></li>",
                escape_html(&target_url(lang, t)),
                escape_html(label)
            );
        }
        let to = escape_html(&target_url(default, t));
        let page = format!(
            "<!doctype html><html lang=\"{default}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={to}\"><title>{code}</title>\
             <ul>{links}</ul></html>\n"
        );
        write(&out.join("q").join(code).join("index.html"), page.as_bytes())?;
    }
    write(&out.join("_redirects"), redirects.as_bytes())
}
