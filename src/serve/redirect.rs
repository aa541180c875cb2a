//! `/q/{code}`: what a placard's QR code opens. Redirects to the site page at the placard's scene in the
//! visitor's language, matching codes case-insensitively (upper-case QR codes are denser-friendly). Every
//! redirect's headers are made once when the host starts, so a scan costs a table lookup and the scan's
//! commit.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use serde::Deserialize;

use super::body::HostBody;
use crate::build::links::{LINKS_JSON, target_url};
use crate::site::links::Target;

/// The code table a build wrote.
#[derive(Debug, Default, Deserialize)]
pub struct Links {
    /// Languages of the collection, default first.
    pub languages: Vec<String>,
    /// Code → target.
    pub codes: BTreeMap<String, Target>,
    /// Code → where it leads, with a prepared redirect per language.
    #[serde(skip)]
    places: HashMap<String, Place>,
    /// `languages`, shared with the scans that name them.
    #[serde(skip)]
    tags: Vec<Arc<str>>,
}

/// Where a code leads, as scans record it, and the `302` headers for each language (in the order of
/// `languages`).
#[derive(Debug)]
struct Place {
    code: Arc<str>,
    site: Arc<str>,
    scene: Option<Arc<str>>,
    redirects: Vec<HeaderMap>,
}

impl Links {
    /// Reads `dist/_/links.json`, which every build writes (empty when no placard was printed). A missing
    /// or unreadable table is an error naming the file: without it every placard would open the
    /// unknown-code page.
    pub fn load(dist: &Path) -> anyhow::Result<Links> {
        let path = dist.join(LINKS_JSON);
        let bytes = std::fs::read(&path).with_context(|| {
            format!("cannot read the placard code table {} (build the site again with `disan build`)", path.display())
        })?;
        let mut links: Links = serde_json::from_slice(&bytes).with_context(|| {
            format!("the placard code table {} is corrupt (build the site again with `disan build`)", path.display())
        })?;
        links.places = links
            .codes
            .iter()
            .filter_map(|(code, target)| {
                let redirects = links
                    .languages
                    .iter()
                    .map(|lang| HeaderValue::from_str(&target_url(lang, target)).ok().map(redirect_headers))
                    .collect::<Option<Vec<_>>>()?;
                let place = Place {
                    code: code.as_str().into(),
                    site: target.site.as_str().into(),
                    scene: target.scene.as_deref().map(Arc::from),
                    redirects,
                };
                Some((code.clone(), place))
            })
            .collect();
        links.tags = links.languages.iter().map(|l| Arc::from(l.as_str())).collect();
        Ok(links)
    }
}

/// The headers of a `302` to `location`.
fn redirect_headers(location: HeaderValue) -> HeaderMap {
    let mut h = HeaderMap::with_capacity(12);
    h.insert(header::LOCATION, location);
    // Every scan must reach the host (and later be counted), so nothing may cache the redirect.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    super::headers::secure(&mut h);
    h
}

/// The language to answer in: the first of the visitor's `Accept-Language` preferences that the
/// collection has, else the collection's default. Returns an index into `languages`.
pub fn pick_language(accept: Option<&str>, languages: &[String]) -> Option<usize> {
    // The supported tag with the highest quality wins; among equals, the one the visitor listed first.
    let mut best: Option<(f32, usize)> = None;
    for part in accept.unwrap_or("").split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or("").trim();
        let q = bits
            .filter_map(|b| b.trim().strip_prefix("q=").and_then(|v| v.trim().parse::<f32>().ok()))
            .next()
            .unwrap_or(1.0);
        if tag.is_empty() || q.is_nan() || q <= 0.0 {
            continue;
        }
        let primary = tag.split('-').next().unwrap_or("");
        let Some(index) = languages.iter().position(|l| l.eq_ignore_ascii_case(primary)) else { continue };
        if best.is_none_or(|(best_q, _)| q > best_q) {
            best = Some((q, index));
        }
    }
    best.map(|(_, i)| i).or((!languages.is_empty()).then_some(0))
}

/// A placard scan to answer: the redirect to send once the scan is recorded.
#[derive(Debug)]
pub struct Redirect {
    /// The scan to record first.
    pub scan: crate::store::Scan,
    /// The `302`.
    pub response: Response<HostBody>,
}

/// Resolves the `{code}` part of `/q/{code}` (still percent-encoded) for a visitor with these headers;
/// `None` for an unknown code (the caller answers with the 404 page).
pub fn resolve(links: &Links, raw_code: &str, headers: &HeaderMap) -> Option<Redirect> {
    let decoded;
    let code = if raw_code.contains('%') {
        match super::path::decode(raw_code) {
            Ok(d) => {
                decoded = d;
                decoded.as_str()
            }
            Err(_) => return None,
        }
    } else {
        raw_code
    };
    let code = code.trim();
    // Codes are printed lower-case; only an upper-case spelling needs a lower-case copy to look up.
    let place = if code.bytes().any(|b| b.is_ascii_uppercase()) {
        links.places.get(&code.to_ascii_lowercase())
    } else {
        links.places.get(code)
    }?;
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = pick_language(accept, &links.languages).unwrap_or(0);
    let (Some(redirect), Some(lang_tag)) = (place.redirects.get(lang), links.tags.get(lang)) else {
        return None;
    };
    let at =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let scan = crate::store::Scan {
        code: place.code.clone(),
        site: place.site.clone(),
        scene: place.scene.clone(),
        at,
        lang: lang_tag.clone(),
        device: crate::store::device_class(ua),
    };
    let mut response = Response::new(HostBody::empty());
    *response.status_mut() = StatusCode::FOUND;
    *response.headers_mut() = redirect.clone();
    Some(Redirect { scan, response })
}

/// The `404` for a code nobody printed, in the visitor's language: says that the *code* is unknown
/// (a mistyped address or an old placard) and lists the sites, in the site's look (`pages`, built with the
/// output; a short page of its own for an output without them).
pub fn unknown(
    links: &Links,
    pages: &std::collections::HashMap<String, (String, String)>,
    raw_code: &str,
    headers: &HeaderMap,
) -> Response<HostBody> {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = pick_language(accept, &links.languages).and_then(|i| links.languages.get(i)).map_or("vi", |l| l);
    let code = super::path::decode(raw_code).unwrap_or_else(|_| raw_code.to_string());
    let code = crate::build::html::escape_html(&code.chars().take(40).collect::<String>());
    let page = match pages.get(lang) {
        Some((before, after)) => format!("{before}{code}{after}"),
        None => {
            // The visitor's language's words (English for a language disan has no words for).
            let title = crate::words::word(lang, "unknown_code_title");
            let text = crate::words::word(lang, "unknown_code_text").replace("{code}", &code);
            let link = crate::words::word(lang, "unknown_code_link");
            let text_lang = if crate::words::language(lang).is_some() { lang } else { crate::words::REFERENCE };
            format!(
                "<!doctype html><html lang=\"{text_lang}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><h1>{title}</h1><p>{text}</p><p><a href=\"/{lang}/\">{link}</a></p></html>\n"
            )
        }
    };
    let length = HeaderValue::from(page.len());
    let mut r = Response::new(HostBody::full(bytes::Bytes::from(page)));
    *r.status_mut() = StatusCode::NOT_FOUND;
    let h = r.headers_mut();
    h.insert(header::CONTENT_LENGTH, length);
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    super::headers::secure(h);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_best_supported_language() {
        let langs = vec!["vi".to_string(), "en".to_string()];
        let pick = |h: Option<&str>| pick_language(h, &langs).map(|i| langs[i].as_str());
        assert_eq!(pick(None), Some("vi"));
        assert_eq!(pick(Some("en-US,en;q=0.9")), Some("en"));
        assert_eq!(pick(Some("fr-FR,fr;q=0.9,en;q=0.5")), Some("en"));
        assert_eq!(pick(Some("fr, de")), Some("vi"));
        assert_eq!(pick(Some("en;q=0.2, vi-VN;q=0.8")), Some("vi"));
        assert_eq!(pick(Some("en;q=0, vi;q=0.1")), Some("vi"));
        assert_eq!(pick(Some(";;;,,=q")), Some("vi"));
        assert_eq!(pick(Some("EN")), Some("en"));
        assert_eq!(pick(Some("en;q=NaN, vi;q=0.5")), Some("vi"));
        assert_eq!(pick_language(Some("en"), &[]), None);
    }
}
