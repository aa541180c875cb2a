//! Placard codes in the output: the table the host redirects with, plus what a plain static host needs to
//! resolve `/q/{code}` on its own — a small page per code, in both letter cases, that sends the visitor
//! on in their language (lists the languages without JavaScript), and a `_redirects` file for hosts that
//! read one; and, for the host, the page that answers a code nobody printed.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use minijinja::Environment;
use serde_json::json;

use super::pages::{self, Choice, pick, site_url};
use crate::site::Collection;
use crate::site::links::Target;

/// Where the host finds the code table inside the output.
pub const LINKS_JSON: &str = "_/links.json";

/// Where the host finds the page for a code nobody printed, in `lang` (see [`pages::unknown_code`]).
pub fn unknown_code_page(lang: &str) -> String {
    format!("_/unknown-code.{lang}.html")
}

/// Where the code goes in an unknown-code page (the words files write it so in `unknown_code_text`).
pub const UNKNOWN_CODE_MARK: &str = "{code}";

/// The page address a code leads to in `lang`.
pub fn target_url(lang: &str, t: &Target) -> String {
    let base = site_url(lang, &t.site);
    match &t.scene {
        Some(scene) => format!("{base}#scene={scene}"),
        None => base,
    }
}

/// Writes the code table, the fallback pages, and `_redirects`.
pub fn write(out: &Path, c: &Collection, env: &Environment, write: impl Fn(&Path, &[u8]) -> Result<()>) -> Result<()> {
    let table = json!({ "languages": c.languages, "codes": c.links });
    write(&out.join(LINKS_JSON), table.to_string().as_bytes())?;
    for (code, t) in &c.links {
        let meta = pages::Meta {
            title: String::new(),
            description: pick(&c.title, c.default_language()),
            ..Default::default()
        };
        let page = pages::choose(env, c, &choices(c, t), meta)?;
        // Codes are printed in lower case, but a phone may send what a person typed or what an upper-case
        // QR holds; a plain file host matches letter case exactly, so both spellings get the same page.
        // (Mixed spellings reach the 404 page, whose script lower-cases them.)
        for spelling in [code.to_ascii_lowercase(), code.to_ascii_uppercase()] {
            write(&out.join("q").join(spelling).join("index.html"), page.as_bytes())?;
        }
    }
    for lang in &c.languages {
        write(&out.join(unknown_code_page(lang)), pages::unknown_code(env, c, lang)?.as_bytes())?;
    }
    write(&out.join("_redirects"), redirects(c).as_bytes())
}

/// A code's target in every language, named in that language.
fn choices(c: &Collection, t: &Target) -> Vec<Choice> {
    let site = c.sites.iter().find(|s| s.slug == t.site);
    c.languages
        .iter()
        .map(|lang| {
            let name = site.map(|s| pick(&s.name, lang)).unwrap_or_else(|| t.site.clone());
            let scene = site
                .zip(t.scene.as_ref())
                .and_then(|(s, id)| s.scenes.iter().find(|sc| &sc.id == id))
                .map(|sc| pick(&sc.title, lang));
            Choice {
                lang: lang.clone(),
                url: target_url(lang, t),
                name: crate::words::native_name(lang),
                title: match scene {
                    Some(scene) => format!("{name}: {scene}"),
                    None => name,
                },
                text: None,
            }
        })
        .collect()
}

/// `_redirects` (Netlify, Cloudflare Pages): every code in both letter cases, and every site address
/// without its language, to the visitor's language (`Language=` rules first, the default last).
fn redirects(c: &Collection) -> String {
    let default = c.default_language();
    let mut out = String::from(
        "# Placard codes and language-less site addresses, for static hosts that read _redirects files.\n",
    );
    let mut rule = |from: &str, to: &dyn Fn(&str) -> String| {
        for lang in c.languages.iter().filter(|l| l.as_str() != default) {
            let _ = writeln!(out, "{from} {} 302 Language={lang}", to(lang));
        }
        let _ = writeln!(out, "{from} {} 302", to(default));
    };
    for (code, t) in &c.links {
        rule(&format!("/q/{code}"), &|l| target_url(l, t));
        let upper = code.to_ascii_uppercase();
        if upper != *code {
            rule(&format!("/q/{upper}"), &|l| target_url(l, t));
        }
    }
    for s in &c.sites {
        rule(&format!("/{}", s.slug), &|l| site_url(l, &s.slug));
        rule(&format!("/{}/", s.slug), &|l| site_url(l, &s.slug));
    }
    out
}
