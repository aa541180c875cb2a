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
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
}

/// Adds the headers every response carries.
pub fn secure(h: &mut HeaderMap) {
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    // No inline script anywhere: pages carry their data in JSON blocks, which CSP does not execute.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; media-src 'self'; script-src 'self'; style-src 'self'; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
        ),
    );
    // Motion sensors for our own pages (gyroscope look-around); nothing else.
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "accelerometer=(self), gyroscope=(self), magnetometer=(self), fullscreen=(self), camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    );
}

/// Tells browsers to come back over HTTPS only. Sent only over TLS (a plain-HTTP answer cannot set it, and
/// must not: a host moved behind a proxy would lock visitors out). No `includeSubDomains`: the office's
/// other sites are not ours to decide for.
pub fn hsts(h: &mut HeaderMap) {
    h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
}
