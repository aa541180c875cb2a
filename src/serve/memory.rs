//! Files as the host answers them, whatever their size: every file's response headers are computed once,
//! on its first request, and kept with it; its bytes are kept in memory when small (pages, styles,
//! scripts, tiles, most narration), and otherwise its file is kept open and read in small chunks for each
//! response. One RFC 9110 path answers both — the whole file, a precompressed copy, one byte range, `304`
//! or `416` — so a large file follows the same rules as a small one, and memory does not grow with the
//! number of slow readers: a response holds at most one chunk besides the connection's own buffer.
//!
//! A cache belongs to one build: when a new build is picked up, the host starts a new cache (see
//! [`super::site`]). An open file keeps the contents it had when opened, so entries never go stale within
//! a build; the memory total is capped so a huge collection cannot exhaust it, and files beyond the cap or
//! the open-file budget are answered the same way without being kept.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use super::body::HostBody;
use super::{headers, range};

/// Files up to this size are kept in memory; larger ones are read from their open file per response.
pub const IN_MEMORY: u64 = 2 * 1024 * 1024;
/// Memory the cache may hold in all.
const MAX_TOTAL: usize = 256 * 1024 * 1024;

/// Where a body's bytes are.
#[derive(Debug)]
enum Source {
    Memory(Bytes),
    File(Arc<File>),
}

/// One body and the complete header set of a `200` carrying it.
#[derive(Debug)]
struct Variant {
    source: Source,
    len: u64,
    headers: HeaderMap,
}

impl Variant {
    /// `start..=end` of the body (all of it when `None`).
    fn body(&self, range: Option<(u64, u64)>) -> HostBody {
        let (start, end) = range.unwrap_or((0, self.len.saturating_sub(1)));
        let len = if self.len == 0 { 0 } else { end - start + 1 };
        match &self.source {
            Source::Memory(b) if range.is_none() => HostBody::full(b.clone()),
            Source::Memory(b) => HostBody::full(b.slice(start as usize..=end as usize)),
            Source::File(f) => HostBody::file(f.clone(), start, len),
        }
    }
}

/// A file's contents (small) or the open file (large), and its length.
type Loaded = (Source, u64);

/// One file, its precompressed copies, and its prepared headers.
#[derive(Debug)]
pub struct Entry {
    etag: String,
    plain: Variant,
    gzip: Option<Variant>,
    br: Option<Variant>,
    not_modified: HeaderMap,
}

/// Request path → file.
#[derive(Debug, Default)]
pub struct Cache {
    map: RwLock<HashMap<String, Arc<Entry>>>,
    total: AtomicUsize,
    /// Files held open.
    open: AtomicUsize,
    /// One load at a time: when a page goes live, the many requests that miss together wait for one read
    /// instead of each reading the same file.
    loading: tokio::sync::Mutex<()>,
}

impl Cache {
    /// The entry for a request path, if it was loaded before.
    pub fn get(&self, uri_path: &str) -> Option<Arc<Entry>> {
        self.map.read().ok()?.get(uri_path).cloned()
    }

    /// Reads `file` (and its `.gz`/`.br` copies) — into memory when small, else keeping it open — and keeps
    /// the entry for `uri_path` while the budgets allow. `None` when the file cannot be read.
    pub async fn load(&self, uri_path: &str, file: &Path, meta: &std::fs::Metadata) -> Option<Arc<Entry>> {
        let _one_at_a_time = self.loading.lock().await;
        if let Some(loaded) = self.get(uri_path) {
            return Some(loaded);
        }
        let sibling = |ext: &str| {
            let mut p = file.as_os_str().to_owned();
            p.push(ext);
            PathBuf::from(p)
        };
        let paths = [file.to_path_buf(), sibling(".gz"), sibling(".br")];
        let room = MAX_TOTAL.saturating_sub(self.total.load(Ordering::Relaxed));
        let [body, gzip, br] = tokio::task::spawn_blocking(move || paths.map(|p| read(&p, room))).await.ok()?;
        let body = body?;
        let loaded = [Some(&body), gzip.as_ref(), br.as_ref()];
        let held = loaded.iter().flatten().filter(|(s, _)| matches!(s, Source::File(_))).count();
        let size: usize = loaded
            .iter()
            .flatten()
            .map(|(s, len)| if matches!(s, Source::Memory(_)) { *len as usize } else { 0 })
            .sum();
        let entry = Arc::new(Entry::new(uri_path, file, meta, body, gzip, br)?);
        let fits = self.total.fetch_add(size, Ordering::Relaxed) + size <= MAX_TOTAL
            && self.open.fetch_add(held, Ordering::Relaxed) + held <= open_files_budget();
        if fits {
            if let Ok(mut map) = self.map.write() {
                map.insert(uri_path.to_string(), entry.clone());
            }
        } else {
            self.total.fetch_sub(size, Ordering::Relaxed);
            self.open.fetch_sub(held.min(self.open.load(Ordering::Relaxed)), Ordering::Relaxed);
        }
        Some(entry)
    }
}

/// Opens `path` (never through a symbolic link) and reads it into memory when it is small and fits in
/// `room`; otherwise keeps it open.
fn read(path: &Path, room: usize) -> Option<Loaded> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len <= IN_MEMORY && (len as usize) <= room {
        let mut body = Vec::with_capacity(len as usize);
        file.read_to_end(&mut body).ok()?;
        let len = body.len() as u64;
        return Some((Source::Memory(Bytes::from(body)), len));
    }
    Some((Source::File(Arc::new(file)), len))
}

/// How many files the cache may hold open: a quarter of the process's limit (the rest is for
/// connections), at most 4096.
fn open_files_budget() -> usize {
    static BUDGET: OnceLock<usize> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        #[cfg(unix)]
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current.unwrap_or(u64::MAX);
        #[cfg(not(unix))]
        let limit = 0;
        (limit / 4).min(4096) as usize
    })
}

impl Entry {
    fn new(
        uri_path: &str,
        file: &Path,
        meta: &std::fs::Metadata,
        body: Loaded,
        gzip: Option<Loaded>,
        br: Option<Loaded>,
    ) -> Option<Entry> {
        let etag = headers::etag(meta);
        let mime = mime_guess::from_path(file).first_raw().unwrap_or("application/octet-stream");
        let mime = if mime.starts_with("text/") || mime == "application/javascript" || mime == "application/json" {
            HeaderValue::from_str(&format!("{mime}; charset=utf-8")).ok()?
        } else {
            HeaderValue::from_static(mime)
        };
        let varies = gzip.is_some() || br.is_some();
        let variant = |(source, len): Loaded, encoding: Option<&'static str>| {
            let mut h = HeaderMap::with_capacity(16);
            h.insert(header::CONTENT_TYPE, mime.clone());
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Some(enc) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
            }
            headers::caching(&mut h, uri_path, &etag, encoding);
            if varies {
                headers::varies_by_encoding(&mut h);
            }
            headers::secure(&mut h);
            Variant { source, len, headers: h }
        };
        let mut not_modified = HeaderMap::with_capacity(16);
        headers::caching(&mut not_modified, uri_path, &etag, None);
        if varies {
            headers::varies_by_encoding(&mut not_modified);
        }
        headers::secure_as(&mut not_modified, headers::is_document(mime.to_str().ok()));
        Some(Entry {
            plain: variant(body, None),
            gzip: gzip.map(|b| variant(b, Some("gzip"))),
            br: br.map(|b| variant(b, Some("br"))),
            not_modified,
            etag,
        })
    }
}

/// Whether the client accepts `encoding` (`Accept-Encoding`, honouring `q=0` refusals).
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else { return false };
    value.split(',').any(|part| {
        let mut bits = part.split(';');
        let name = bits.next().unwrap_or("").trim();
        let refused = bits.any(|b| matches!(b.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        name.eq_ignore_ascii_case(encoding) && !refused
    })
}

fn reply(status: StatusCode, headers: HeaderMap, body: Option<HostBody>) -> Response<HostBody> {
    let mut r = Response::new(body.unwrap_or_else(HostBody::empty));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

/// Answers a file (RFC 9110): `304` when `If-None-Match` names it (`If-Modified-Since` is then ignored,
/// and otherwise too: no `Last-Modified` is sent); for a GET with `Range` whose `If-Range` (if any) names
/// the current file, one satisfiable byte range as `206` or `416` when none is satisfiable; else the whole
/// file, precompressed when the client accepts it. Several ranges or another unit get the whole file.
pub fn respond(entry: &Entry, method: &Method, req: &HeaderMap) -> Response<HostBody> {
    let head = method == Method::HEAD;
    if headers::not_modified(req, &entry.etag) {
        return reply(StatusCode::NOT_MODIFIED, entry.not_modified.clone(), None);
    }
    if method == Method::GET
        && let Some(value) = req.get(header::RANGE).and_then(|v| v.to_str().ok())
        && if_range_holds(req, &entry.etag)
    {
        let len = entry.plain.len;
        match range::parse(value, len) {
            Some(Ok((start, end))) => {
                let mut h = entry.plain.headers.clone();
                h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
                h.insert(header::CONTENT_RANGE, range::content_range(start, end, len));
                return reply(StatusCode::PARTIAL_CONTENT, h, Some(entry.plain.body(Some((start, end)))));
            }
            Some(Err(())) => {
                let mut h = entry.not_modified.clone();
                h.insert(header::CONTENT_RANGE, range::unsatisfiable(len));
                h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
                return reply(StatusCode::RANGE_NOT_SATISFIABLE, h, None);
            }
            // Several ranges or an odd unit: the whole file is a correct answer.
            None => {}
        }
    }
    let variant = match (&entry.br, &entry.gzip) {
        (Some(br), _) if accepts(req, "br") => br,
        (_, Some(gz)) if accepts(req, "gzip") => gz,
        _ => &entry.plain,
    };
    reply(StatusCode::OK, variant.headers.clone(), (!head).then(|| variant.body(None)))
}

/// `If-Range` with our strong entity tag (or absent) lets a range through; anything else (an older tag, a
/// weak one, a date) asks for the whole current file.
fn if_range_holds(req: &HeaderMap, etag: &str) -> bool {
    match req.get(header::IF_RANGE) {
        None => true,
        Some(v) => v.to_str().is_ok_and(|v| v.trim().strip_prefix('"').and_then(|v| v.strip_suffix('"')) == Some(etag)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_refused_encodings() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br;q=0"));
        assert!(accepts(&h, "gzip"));
        assert!(!accepts(&h, "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn if_range_must_name_the_current_file() {
        let mut h = HeaderMap::new();
        assert!(if_range_holds(&h, "1-2"));
        h.insert(header::IF_RANGE, HeaderValue::from_static("\"1-2\""));
        assert!(if_range_holds(&h, "1-2"));
        h.insert(header::IF_RANGE, HeaderValue::from_static("W/\"1-2\""));
        assert!(!if_range_holds(&h, "1-2"));
        h.insert(header::IF_RANGE, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert!(!if_range_holds(&h, "1-2"));
    }
}
