//! Response headers: validators (ETag), cache lifetimes by kind of path, and security headers.

use std::fs::Metadata;
use std::time::UNIX_EPOCH;

use http::{HeaderMap, HeaderName, HeaderValue, header};

/// An entity tag from size and modification time, as nginx does: cheap, and changes with every new build
/// of the file.
pub fn etag(meta: &Metadata) -> String {
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}-{:x}", meta.len(), mtime)
}

/// True when the client's `If-None-Match` names this file in any of its encodings.
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    inm.split(',')
        .map(|t| t.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|t| t == "*" || t == etag || t.strip_prefix(etag).is_some_and(|rest| rest == "-br" || rest == "-gzip"))
}

/// Sets ETag and Cache-Control: fingerprinted assets and media are immutable, pages are revalidated.
pub fn caching(h: &mut HeaderMap, path: &str, etag: &str, encoding: Option<&str>) {
    let tag = match encoding {
        Some(enc) => format!("\"{etag}-{enc}\""),
        None => format!("\"{etag}\""),
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    let immutable = path.starts_with("/_/") || path.starts_with("/media/");
    let cc = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cc));
}

/// Tells caches that the answer depends on `Accept-Encoding` (only files with compressed copies do).
pub fn varies_by_encoding(h: &mut HeaderMap) {
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
}

/// Whether a response of this type is a document a browser renders (and so runs script in, frames, or
/// grants sensors to). Unknown types count as documents.
pub fn is_document(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let mime = ct.split(';').next().unwrap_or("").trim();
    !(mime.starts_with("image/") && mime != "image/svg+xml"
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime.starts_with("font/")
        || matches!(mime, "text/css" | "text/javascript" | "application/javascript" | "application/json"))
}

/// Adds the security headers, judging from the response's `Content-Type` whether it is a document.
pub fn secure(h: &mut HeaderMap) {
    let document = is_document(h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()));
    secure_as(h, document);
}

/// Adds the security headers: `nosniff` and the referrer policy on everything; the content policy, frame
/// and permissions policies only on documents, where browsers apply them. Tiles and audio, the bulk of
/// the traffic, are spared half a kilobyte of headers each.
pub fn secure_as(h: &mut HeaderMap, document: bool) {
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if !document {
        return;
    }
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    }
    // One inline script, allowed by its hash (the tour's first lines, `static/tour-start.js`); pages carry
    // their data in JSON blocks, which CSP does not execute. Styles, media, fonts and fetches fall back to
    // `default-src 'self'`; only what differs is spelled out.
    static CSP: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
        HeaderValue::from_str(&content_policy()).expect("the content policy is plain ASCII")
    });
    // A route with a policy of its own (the dashboard's sign-in form) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    }
    // Motion sensors and fullscreen are ours by default (their default allowlist is 'self', which the
    // gyroscope look-around needs); the position is ours for "sort by distance" on the home page (asked
    // only when tapped); everything a tour never uses is switched off.
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self), payment=(), usb=()"),
    );
}

/// The Content-Security-Policy of every page: the one place it is written, sent as a header by the host
/// and copied into each page by [`meta_content_policy`]. `worker-src blob:` lets the viewer start its
/// render worker from its own code (no second file to fetch before the first picture).
pub fn content_policy() -> String {
    let (start, later) = (crate::build::assets::TOUR_START_HASH, crate::build::assets::LATER_HASH);
    format!(
        "default-src 'self'; script-src 'self' {start} {later}; worker-src 'self' blob:; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
}

/// The content policy as a page's `<meta http-equiv>` carries it, for static hosts that send no headers:
/// without the directives browsers ignore in a meta tag (`frame-ancestors`, `report-uri`, `sandbox`).
pub fn meta_content_policy() -> String {
    content_policy()
        .split(';')
        .map(str::trim)
        .filter(|d| !["frame-ancestors", "report-uri", "sandbox"].iter().any(|n| d.split(' ').next() == Some(*n)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The security headers as router middleware (`axum::middleware::map_response`), for routes put in front of
/// the host.
pub async fn security(mut res: axum::response::Response) -> axum::response::Response {
    secure(res.headers_mut());
    res
}

/// Tells browsers to come back over HTTPS only. Sent only over TLS (a plain-HTTP answer cannot set it, and
/// must not: a host moved behind a proxy would lock visitors out). No `includeSubDomains`: the office's
/// other sites are not ours to decide for.
pub fn hsts(h: &mut HeaderMap) {
    h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_get_the_content_policy() {
        for doc in
            [None, Some("text/html; charset=utf-8"), Some("image/svg+xml"), Some("application/xml"), Some("text/plain")]
        {
            assert!(is_document(doc), "{doc:?}");
        }
        for media in [Some("image/jpeg"), Some("audio/mpeg"), Some("text/css; charset=utf-8"), Some("font/woff2")] {
            assert!(!is_document(media), "{media:?}");
        }
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
        secure(&mut h);
        assert!(h.contains_key(header::X_CONTENT_TYPE_OPTIONS) && !h.contains_key(header::CONTENT_SECURITY_POLICY));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        secure(&mut h);
        assert!(h.contains_key(header::CONTENT_SECURITY_POLICY));
    }
}
