//! Small files held in memory after their first request: pages, styles, scripts and tiles are answered
//! without touching the disk or hopping to a blocking thread. The built output does not change while it is
//! served, so entries never go stale; the total is capped so a huge collection cannot exhaust memory.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::headers;

/// Files larger than this are streamed from disk (they are few and benefit from ranges).
pub const MAX_FILE: u64 = 512 * 1024;
/// Memory the cache may hold in all.
const MAX_TOTAL: usize = 256 * 1024 * 1024;

/// One file and its precompressed copies.
#[derive(Debug)]
pub struct Entry {
    body: Bytes,
    gzip: Option<Bytes>,
    br: Option<Bytes>,
    etag: String,
    mime: HeaderValue,
}

/// Request path → file contents.
#[derive(Debug, Default)]
pub struct Cache {
    map: RwLock<HashMap<String, Arc<Entry>>>,
    total: AtomicUsize,
}

impl Cache {
    /// The entry for a request path, if it was loaded before.
    pub fn get(&self, uri_path: &str) -> Option<Arc<Entry>> {
        self.map.read().ok()?.get(uri_path).cloned()
    }

    /// Reads `file` (and its `.gz`/`.br` copies) and keeps it for `uri_path` while the budget allows.
    pub async fn load(&self, uri_path: &str, file: &Path, meta: &std::fs::Metadata) -> Option<Arc<Entry>> {
        if meta.len() > MAX_FILE {
            return None;
        }
        let body = Bytes::from(tokio::fs::read(file).await.ok()?);
        let sibling = |ext: &str| {
            let mut p = file.as_os_str().to_owned();
            p.push(ext);
            p
        };
        let gzip = tokio::fs::read(sibling(".gz")).await.ok().map(Bytes::from);
        let br = tokio::fs::read(sibling(".br")).await.ok().map(Bytes::from);
        let size = body.len() + gzip.as_ref().map_or(0, Bytes::len) + br.as_ref().map_or(0, Bytes::len);
        let mime = mime_guess::from_path(file).first_raw().unwrap_or("application/octet-stream");
        let mime = if mime.starts_with("text/") || mime == "application/javascript" || mime == "application/json" {
            HeaderValue::from_str(&format!("{mime}; charset=utf-8")).ok()?
        } else {
            HeaderValue::from_static(mime)
        };
        let entry = Arc::new(Entry { body, gzip, br, etag: headers::etag(meta), mime });
        if self.total.fetch_add(size, Ordering::Relaxed) + size <= MAX_TOTAL {
            if let Ok(mut map) = self.map.write() {
                map.insert(uri_path.to_string(), entry.clone());
            }
        } else {
            self.total.fetch_sub(size, Ordering::Relaxed);
        }
        Some(entry)
    }
}

/// The best encoding the client accepts among those we have.
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else { return false };
    value.split(',').any(|part| {
        let mut bits = part.split(';');
        let name = bits.next().unwrap_or("").trim();
        let refused = bits.any(|b| matches!(b.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        name.eq_ignore_ascii_case(encoding) && !refused
    })
}

/// Answers from memory, or `None` when the request needs the disk path (a byte range).
pub fn respond(entry: &Entry, method: &Method, req: &HeaderMap, uri_path: &str) -> Option<Response> {
    if req.contains_key(header::RANGE) {
        return None;
    }
    if headers::not_modified(req, &entry.etag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        headers::caching(r.headers_mut(), uri_path, &entry.etag, None);
        return Some(r);
    }
    let (body, encoding) = match (&entry.br, &entry.gzip) {
        (Some(br), _) if accepts(req, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(req, "gzip") => (gz.clone(), Some("gzip")),
        _ => (entry.body.clone(), None),
    };
    let len = body.len();
    let mut r = if method == Method::HEAD { Response::new(Body::empty()) } else { Response::new(Body::from(body)) };
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, entry.mime.clone());
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(enc) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    headers::caching(h, uri_path, &entry.etag, encoding);
    Some(r)
}
