//! Single byte ranges (audio seeking on phones). Files held in memory answer with a slice; files too
//! large for memory with one positioned read of just that range on a blocking thread, instead of a chain
//! of small asynchronous reads. Anything unusual (several ranges, If-Range) is left to the general file
//! service.

use std::fs::Metadata;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// Largest range read in one go; bigger requests are streamed by the general service.
const MAX_RANGE: u64 = 4 * 1024 * 1024;

/// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n` against a file length: `Some(Ok((start, end)))` inclusive,
/// `Some(Err(()))` when unsatisfiable, `None` when not a single simple range.
pub fn parse(value: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.is_empty(), b.is_empty()) {
        (true, false) => {
            let n: u64 = b.parse().ok()?;
            if n == 0 {
                return Some(Err(()));
            }
            (len.saturating_sub(n), len.checked_sub(1)?)
        }
        (false, _) => {
            let start: u64 = a.parse().ok()?;
            let end: u64 =
                if b.is_empty() { len.saturating_sub(1) } else { b.parse::<u64>().ok()?.min(len.saturating_sub(1)) };
            if start >= len || end < start {
                return Some(Err(()));
            }
            (start, end)
        }
        (true, true) => return None,
    };
    Some(Ok(range))
}

/// `Content-Range` of a satisfiable range.
pub fn content_range(start: u64, end: u64, len: u64) -> HeaderValue {
    HeaderValue::try_from(format!("bytes {start}-{end}/{len}")).unwrap_or(HeaderValue::from_static("bytes */0"))
}

/// `Content-Range` of a `416`.
pub fn unsatisfiable(len: u64) -> HeaderValue {
    HeaderValue::try_from(format!("bytes */{len}")).unwrap_or(HeaderValue::from_static("bytes */0"))
}

/// Reads `len` bytes at `offset` without moving a shared cursor.
fn read_at(path: &Path, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut buf = vec![0; len];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(&file, &mut buf, offset)?;
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut buf)?;
    }
    Ok(buf)
}

/// Answers a simple range request for `file`, or `None` to let the general service handle it.
pub async fn respond(file: &Path, meta: &Metadata, req: &HeaderMap, mime: &str) -> Option<Response> {
    if req.contains_key(header::IF_RANGE) {
        return None;
    }
    let value = req.get(header::RANGE)?.to_str().ok()?;
    let len = meta.len();
    let (start, end) = match parse(value, len)? {
        Ok(r) => r,
        Err(()) => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            r.headers_mut().insert(header::CONTENT_RANGE, unsatisfiable(len));
            return Some(r);
        }
    };
    if end - start + 1 > MAX_RANGE {
        return None;
    }
    let path: PathBuf = file.to_path_buf();
    let bytes =
        tokio::task::spawn_blocking(move || read_at(&path, start, (end - start + 1) as usize)).await.ok()?.ok()?;
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = StatusCode::PARTIAL_CONTENT;
    let h = r.headers_mut();
    h.insert(header::CONTENT_RANGE, content_range(start, end, len));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(mime).ok()?);
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_simple_ranges() {
        assert_eq!(parse("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(parse("bytes=900-", 1000), Some(Ok((900, 999))));
        assert_eq!(parse("bytes=-100", 1000), Some(Ok((900, 999))));
        assert_eq!(parse("bytes=990-5000", 1000), Some(Ok((990, 999))));
        assert_eq!(parse("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(parse("bytes=5-1", 1000), Some(Err(())));
        assert_eq!(parse("bytes=-0", 1000), Some(Err(())));
        assert_eq!(parse("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse("items=0-1", 1000), None);
        assert_eq!(parse("bytes=a-b", 1000), None);
        assert_eq!(parse("bytes=-", 1000), None);
    }
}
