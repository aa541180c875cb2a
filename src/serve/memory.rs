//! Files held in memory after their first request: pages, styles, scripts, tiles and narration audio are
//! answered without touching the disk or hopping to a blocking thread, with every response header computed
//! once when the file is loaded. Byte ranges are slices of the same memory. Larger files also stay open,
//! so a plain TCP connection can send them with `sendfile` (see [`h1`](super::h1)); the number held open
//! is bounded by the process's file limit. The built output does not change while it is served (a new
//! build is swapped in whole, and an open file keeps its old contents), so entries never go stale; the
//! total is capped so a huge collection cannot exhaust memory, and what does not fit is served from disk.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use super::body::HostBody;
use super::h1::{FilePart, SENDFILE_MIN};
use super::{headers, range};

/// Files larger than this are served from disk (panoramas' full-size sources, long recordings).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;
/// Memory the cache may hold in all.
const MAX_TOTAL: usize = 256 * 1024 * 1024;

/// One body and the complete header set of a `200` carrying it.
#[derive(Debug)]
struct Variant {
    body: Bytes,
    /// The file the body was read from, kept open.
    file: Option<Arc<File>>,
    headers: HeaderMap,
}

impl Variant {
    /// `start..=end` of the body (all of it when `None`), file-backed when the file is open.
    fn body(&self, range: Option<(u64, u64)>) -> HostBody {
        let (start, end) = range.unwrap_or((0, (self.body.len() as u64).saturating_sub(1)));
        let bytes = if range.is_some() { self.body.slice(start as usize..=end as usize) } else { self.body.clone() };
        let part =
            self.file.as_ref().map(|file| FilePart { file: file.clone(), offset: start, len: bytes.len() as u64 });
        HostBody::file_backed(bytes, part)
    }
}

/// A file's contents, and the file itself when it is to be kept open.
type Loaded = (Bytes, Option<Arc<File>>);

/// One file, its precompressed copies, and its prepared headers.
#[derive(Debug)]
pub struct Entry {
    etag: String,
    plain: Variant,
    gzip: Option<Variant>,
    br: Option<Variant>,
    not_modified: HeaderMap,
}

/// Request path → file contents.
#[derive(Debug, Default)]
pub struct Cache {
    map: RwLock<HashMap<String, Arc<Entry>>>,
    total: AtomicUsize,
    /// Files held open.
    open: AtomicUsize,
    /// One load at a time: when a page goes live, the many requests that miss together wait for one read
    /// instead of each reading the same (possibly 16 MiB) file.
    loading: tokio::sync::Mutex<()>,
}

impl Cache {
    /// The entry for a request path, if it was loaded before.
    pub fn get(&self, uri_path: &str) -> Option<Arc<Entry>> {
        self.map.read().ok()?.get(uri_path).cloned()
    }

    /// Reads `file` (and its `.gz`/`.br` copies) and keeps it for `uri_path` while the budget allows.
    pub async fn load(&self, uri_path: &str, file: &Path, meta: &std::fs::Metadata) -> Option<Arc<Entry>> {
        if meta.len() > MAX_FILE || meta.len() as usize + self.total.load(Ordering::Relaxed) > MAX_TOTAL {
            return None;
        }
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
        let may_open = self.open.load(Ordering::Relaxed) + 3 <= open_files_budget();
        let [body, gzip, br] = tokio::task::spawn_blocking(move || paths.map(|p| read(&p, may_open))).await.ok()?;
        let body = body?;
        let held = [Some(&body), gzip.as_ref(), br.as_ref()].into_iter().flatten().filter(|(_, f)| f.is_some()).count();
        self.open.fetch_add(held, Ordering::Relaxed);
        let size = body.0.len() + gzip.as_ref().map_or(0, |b| b.0.len()) + br.as_ref().map_or(0, |b| b.0.len());
        let entry = Arc::new(Entry::new(uri_path, file, meta, body, gzip, br)?);
        if self.total.fetch_add(size, Ordering::Relaxed) + size <= MAX_TOTAL {
            if let Ok(mut map) = self.map.write() {
                map.insert(uri_path.to_string(), entry.clone());
            }
        } else {
            self.total.fetch_sub(size, Ordering::Relaxed);
            self.open.fetch_sub(held, Ordering::Relaxed);
        }
        Some(entry)
    }
}

/// Reads `path`, keeping it open when allowed and large enough to be worth sending directly.
fn read(path: &Path, may_open: bool) -> Option<Loaded> {
    let mut file = File::open(path).ok()?;
    let mut body = Vec::new();
    file.read_to_end(&mut body).ok()?;
    let keep = may_open && body.len() as u64 >= SENDFILE_MIN;
    Some((Bytes::from(body), keep.then(|| Arc::new(file))))
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
        let variant = |(body, file): Loaded, encoding: Option<&'static str>| {
            let mut h = HeaderMap::with_capacity(16);
            h.insert(header::CONTENT_TYPE, mime.clone());
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Some(enc) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
            }
            headers::caching(&mut h, uri_path, &etag, encoding);
            if varies {
                headers::varies_by_encoding(&mut h);
            }
            headers::secure(&mut h);
            Variant { body, file, headers: h }
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

/// Answers from memory: the file, a precompressed copy, a byte range of it, or `304 Not Modified`.
pub fn respond(entry: &Entry, method: &Method, req: &HeaderMap) -> Response<HostBody> {
    let head = method == Method::HEAD;
    if headers::not_modified(req, &entry.etag) {
        return reply(StatusCode::NOT_MODIFIED, entry.not_modified.clone(), None);
    }
    if let Some(value) = req.get(header::RANGE).and_then(|v| v.to_str().ok())
        && if_range_holds(req, &entry.etag)
    {
        let len = entry.plain.body.len() as u64;
        match range::parse(value, len) {
            Some(Ok((start, end))) => {
                let mut h = entry.plain.headers.clone();
                h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
                h.insert(header::CONTENT_RANGE, range::content_range(start, end, len));
                let body = (!head).then(|| entry.plain.body(Some((start, end))));
                return reply(StatusCode::PARTIAL_CONTENT, h, body);
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

/// `If-Range` with our entity tag (or absent) lets a range through; anything else (an older tag, a
/// date) asks for the whole current file.
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
        h.insert(header::IF_RANGE, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert!(!if_range_holds(&h, "1-2"));
    }
}
