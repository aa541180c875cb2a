//! `/q/{code}`: what a placard's QR code opens. Redirects to the site page at the placard's scene in the
//! visitor's language, matching codes case-insensitively (upper-case QR codes are denser-friendly).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;

use super::AppState;
use crate::build::links::{LINKS_JSON, target_url};
use crate::site::links::Target;

/// The code table a build wrote.
#[derive(Debug, Default, Deserialize)]
pub struct Links {
    /// Languages of the collection, default first.
    pub languages: Vec<String>,
    /// Code → target.
    pub codes: BTreeMap<String, Target>,
}

impl Links {
    /// Reads `dist/_/links.json`; an output without placards has an empty table.
    pub fn load(dist: &Path) -> Links {
        std::fs::read(dist.join(LINKS_JSON)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }
}

/// The language to answer in: the first of the visitor's `Accept-Language` preferences that the
/// collection has, else the collection's default.
pub fn pick_language<'a>(accept: Option<&str>, languages: &'a [String]) -> Option<&'a str> {
    let mut prefs: Vec<(f32, usize, String)> = accept
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim().to_ascii_lowercase();
            let q = bits
                .filter_map(|b| b.trim().strip_prefix("q=").and_then(|v| v.trim().parse::<f32>().ok()))
                .next()
                .unwrap_or(1.0);
            (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
        })
        .collect();
    prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    prefs
        .iter()
        .find_map(|(_, _, tag)| {
            let primary = tag.split('-').next().unwrap_or("");
            languages.iter().find(|l| l.as_str() == primary)
        })
        .or_else(|| languages.first())
        .map(String::as_str)
}

/// `GET /q/{code}`.
pub async fn placard(
    State(state): State<Arc<AppState>>,
    UrlPath(code): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let code = code.trim().to_ascii_lowercase();
    let Some(target) = state.links.codes.get(&code) else {
        return super::not_found(&state).await;
    };
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = pick_language(accept, &state.links.languages).unwrap_or("vi");
    let Ok(location) = HeaderValue::from_str(&target_url(lang, target)) else {
        return super::not_found(&state).await;
    };
    if let Some(recorder) = &state.recorder {
        let at =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
        let scan = crate::store::Scan {
            code: code.clone(),
            site: target.site.clone(),
            scene: target.scene.clone(),
            at,
            lang: lang.to_string(),
            device: crate::store::device_class(ua),
        };
        // The visitor is sent on even if the database failed; the writer has already logged why.
        let _ = recorder.record(scan).await;
    }
    let mut res = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    let h = res.headers_mut();
    // Every scan must reach the host (and later be counted), so nothing may cache the redirect.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_best_supported_language() {
        let langs = vec!["vi".to_string(), "en".to_string()];
        let pick = |h: Option<&str>| pick_language(h, &langs);
        assert_eq!(pick(None), Some("vi"));
        assert_eq!(pick(Some("en-US,en;q=0.9")), Some("en"));
        assert_eq!(pick(Some("fr-FR,fr;q=0.9,en;q=0.5")), Some("en"));
        assert_eq!(pick(Some("fr, de")), Some("vi"));
        assert_eq!(pick(Some("en;q=0.2, vi-VN;q=0.8")), Some("vi"));
        assert_eq!(pick(Some("en;q=0, vi;q=0.1")), Some("vi"));
        assert_eq!(pick(Some(";;;,,=q")), Some("vi"));
    }
}
