//! The files a site page fetches only when the visitor needs them, written beside the media: the
//! narration's data (fetched by `narration.js` when it loads, on first use or once the first view is
//! done), the print-only QR code of the page's address (loaded lazily, so only printing fetches it), and
//! the words of the scripts loaded later (the viewer's later part, the narration's controls, the
//! save-for-offline box), one file per language that every page shares. Keeping them out of the HTML makes every first visit and every
//! next page lighter; each is named by a hash of its bytes, so a host and a browser keep it for good, and
//! pages with the same narration data share one file.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::hash::StableHash;
use super::media::MediaOut;
use super::site_media::{NarrationFile, PageFiles, SiteMedia};
use crate::site::Collection;
use crate::site::model::Site;

/// The words of the save-for-offline box that `offline.js` builds, by key without the `off_` prefix (the
/// offline page's own title and text are in its HTML).
const BOX_WORDS: &[&str] = &[
    "title",
    "save",
    "save_all",
    "saving",
    "saved",
    "remove",
    "usage",
    "usage_one",
    "space",
    "none",
    "failed",
    "list",
    "updated",
    "reload",
];

/// Writes the page files of site `s` (its media `m` already made) for every language of the collection.
pub fn write(mo: &MediaOut, c: &Collection, s: &Site, m: &SiteMedia) -> Result<BTreeMap<String, PageFiles>> {
    let dir = format!("media/{}", s.slug);
    let mut out = BTreeMap::new();
    for lang in &c.languages {
        let narration = match super::narration::page_stories(s, m, lang) {
            Some(stories) => {
                let text = serde_json::to_string(&stories.data).context("cannot serialise the narration data")?;
                let key = StableHash::new().with("narration-data-v2").with(&text);
                let url = mo.output("media/_narration", lang, "json", key, || Ok(text.into_bytes()))?;
                Some(NarrationFile { url, shown: stories.shown })
            }
            None => None,
        };
        let svg = super::print_page::qr_svg(&super::print_page::address(c, s, lang))
            .with_context(|| format!("cannot make the QR code of the page of {} in {lang}", s.slug))?;
        let key = StableHash::new().with("print-qr-v1").with(&svg);
        let qr = mo.output(&dir, &format!("qr-{lang}"), "svg", key, || Ok(svg.into_bytes()))?;
        out.insert(lang.clone(), PageFiles { narration, qr });
    }
    Ok(out)
}

/// The viewer's words its core needs for the first view (the rest come in the words file, with its later
/// part): by key without the `v_` prefix.
pub const VIEWER_CORE_WORDS: &[&str] = &["loading", "drag_hint", "scene_link", "info"];

/// The words of `t` whose key starts with `prefix` and that `keep` accepts, by key without the prefix.
pub fn prefixed(t: &BTreeMap<&str, &str>, prefix: &str, keep: impl Fn(&str) -> bool) -> serde_json::Map<String, Value> {
    t.iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).filter(|k| keep(k)).map(|k| (k.to_string(), json!(v))))
        .collect()
}

/// Writes the later scripts' words of every language of the collection (`offline`: the save box's;
/// `narration`: the narration's controls, with the language's own name and the voice's language tag;
/// `viewer`: the viewer's later part's, see [`VIEWER_CORE_WORDS`]);
/// returns their URLs by language. Pages name theirs in `data-words`; the offline list keeps them all.
pub fn write_words(mo: &MediaOut, c: &Collection) -> Result<BTreeMap<String, String>> {
    let mut urls = BTreeMap::new();
    for lang in &c.languages {
        let t = crate::words::for_language(lang);
        let offline: serde_json::Map<String, Value> = BOX_WORDS
            .iter()
            .map(|k| (k.to_string(), json!(t.get(format!("off_{k}").as_str()).copied().unwrap_or_default())))
            .collect();
        let narration = prefixed(&t, "n_", |_| true);
        let viewer = prefixed(&t, "v_", |k| !VIEWER_CORE_WORDS.contains(&k));
        let words = json!({
            "offline": offline, "narration": narration, "viewer": viewer,
            "lang_name": crate::words::native_name(lang), "speech_lang": crate::words::speech_tag(lang),
        });
        let text = serde_json::to_string(&words).context("cannot serialise the later scripts' words")?;
        let key = StableHash::new().with("later-words-v1").with(&text);
        urls.insert(lang.clone(), mo.output("media/_words", lang, "json", key, || Ok(text.into_bytes()))?);
    }
    Ok(urls)
}
