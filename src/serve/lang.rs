//! Addresses without a language: `/`, and a page's address typed or shared without its language prefix
//! (`/den-doc-cuoc/`), are sent to the same page in the visitor's language — the best of their
//! `Accept-Language` that the collection has, else the collection's first language.
//!
//! It sits in front of the router as a layer: `/` is answered at once; anything else goes through as it
//! is, and only a `404` is looked at again, so pages that exist cost nothing extra.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::path;
use super::redirect::pick_language;
use super::state::AppState;

/// Sends `/` and unprefixed addresses to the visitor's language; passes everything else on.
pub async fn to_visitors_language(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let build = state.site.get();
    let languages = &build.links.languages;
    if languages.is_empty() {
        // An output without a code table (not built by this program): serve it as it is.
        return next.run(req).await;
    }
    let lang = languages[pick_language(accept(req.headers()), languages).unwrap_or(0)].clone();
    let query = path::query_suffix(req.uri().query());
    if req.uri().path() == "/" {
        return found(&format!("/{lang}/{query}"));
    }
    let segments = path::resolve(req.uri().path()).ok().filter(|s| !s.is_empty());
    let res = next.run(req).await;
    if res.status() != StatusCode::NOT_FOUND {
        return res;
    }
    // Only an address whose first segment is not already a language can be missing one.
    let Some(segments) = segments.filter(|s| !languages.contains(&s[0])) else { return res };
    let prefixed: Vec<String> = std::iter::once(lang).chain(segments).collect();
    match tokio::fs::metadata(path::join(&state.dist, &prefixed)).await {
        Ok(meta) => found(&format!("{}{query}", path::canonical(&prefixed, meta.is_dir()))),
        Err(_) => res,
    }
}

/// The visitor's `Accept-Language`, when it is readable text (anything else counts as absent).
fn accept(h: &HeaderMap) -> Option<&str> {
    h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// A `302` to `location` that depends on the visitor's language: shared caches must not keep it
/// (`private`), and a browser must ask again before reusing it (`no-cache`), so a visitor who changes
/// their languages is never sent by an old answer.
fn found(location: &str) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return (StatusCode::BAD_REQUEST, "bad request\n").into_response();
    };
    let mut res = StatusCode::FOUND.into_response();
    let h = res.headers_mut();
    h.insert(header::LOCATION, location);
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    res
}
