//! The files a site page fetches only when the visitor needs them, written beside the site's media: the
//! narration's data (fetched by `narration.js` when it loads, on first use or once the first view is
//! done) and the print-only QR code of the page's address (loaded lazily, so only printing fetches it).
//! Keeping them out of the HTML makes every first visit and every next page lighter; each is named by a
//! hash of its bytes, so a host and a browser keep it for good and a changed story gets a new name.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use super::hash::StableHash;
use super::media::MediaOut;
use super::site_media::{PageFiles, SiteMedia};
use crate::site::Collection;
use crate::site::model::Site;

/// Writes the page files of site `s` (its media `m` already made) for every language of the collection.
pub fn write(mo: &MediaOut, c: &Collection, s: &Site, m: &SiteMedia) -> Result<BTreeMap<String, PageFiles>> {
    let dir = format!("media/{}", s.slug);
    let mut out = BTreeMap::new();
    for lang in &c.languages {
        let narration = match super::narration::page_stories(s, m, lang) {
            Some(stories) => {
                let text = serde_json::to_string(&stories.data).context("cannot serialise the narration data")?;
                let key = StableHash::new().with("narration-data-v1").with(&text);
                Some(mo.output(&dir, &format!("narration-{lang}"), "json", key, || Ok(text.into_bytes()))?)
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
