//! Single byte ranges (audio seeking on phones, resumed downloads), as RFC 9110 §14 reads them. Several
//! ranges in one request are answered with the whole file, which the RFC allows.

use http::HeaderValue;

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
            let n = digits(b)?;
            if n == 0 {
                return Some(Err(()));
            }
            (len.saturating_sub(n), len.checked_sub(1)?)
        }
        (false, _) => {
            let start = digits(a)?;
            let end: u64 = if b.is_empty() { len.saturating_sub(1) } else { digits(b)?.min(len.saturating_sub(1)) };
            // A last position before the first makes the range invalid, and an invalid Range is ignored.
            if !b.is_empty() && digits(b)? < start {
                return None;
            }
            if start >= len {
                return Some(Err(()));
            }
            (start, end)
        }
        (true, true) => return None,
    };
    Some(Ok(range))
}

/// A number as ranges write them: ASCII digits only (no sign), saturating when too long for 64 bits.
fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.parse().unwrap_or(u64::MAX))
}

/// `Content-Range` of a satisfiable range.
pub fn content_range(start: u64, end: u64, len: u64) -> HeaderValue {
    HeaderValue::try_from(format!("bytes {start}-{end}/{len}")).unwrap_or(HeaderValue::from_static("bytes */0"))
}

/// `Content-Range` of a `416`.
pub fn unsatisfiable(len: u64) -> HeaderValue {
    HeaderValue::try_from(format!("bytes */{len}")).unwrap_or(HeaderValue::from_static("bytes */0"))
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
        assert_eq!(parse("bytes=5-1", 1000), None);
        assert_eq!(parse("bytes=-0", 1000), Some(Err(())));
        assert_eq!(parse("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse("items=0-1", 1000), None);
        assert_eq!(parse("bytes=a-b", 1000), None);
        assert_eq!(parse("bytes=-", 1000), None);
        assert_eq!(parse("bytes=-999999999999", 1000), Some(Ok((0, 999))), "a suffix longer than the file");
        assert_eq!(parse("bytes=0-0,-1", 1000), None);
        assert_eq!(parse("bytes=+1-2", 1000), None);
    }
}
