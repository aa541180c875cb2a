//! Request paths to files under the output folder. This is security code: a path is decoded once,
//! checked segment by segment, and refused if anything could leave the root or reach a hidden file.

use std::path::{Path, PathBuf};

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not valid percent-encoding or UTF-8, or contains bytes no file name has here.
    Malformed,
    /// Tries to leave the root, or to reach a hidden or reserved file.
    Forbidden,
}

/// Longest request path accepted.
const MAX_PATH: usize = 2048;

/// Maps a URL path (as received, still percent-encoded) to a path relative to the root.
///
/// Returns the relative path segments; an empty list is the root itself.
pub fn resolve(url_path: &str) -> Result<Vec<String>, Refused> {
    if url_path.len() > MAX_PATH || !url_path.starts_with('/') {
        return Err(Refused::Malformed);
    }
    let mut segments = Vec::new();
    for raw in url_path.split('/').skip(1) {
        if raw.is_empty() {
            continue;
        }
        let seg = decode(raw)?;
        if seg.contains(['/', '\\', '\0']) || seg.chars().any(char::is_control) {
            return Err(Refused::Malformed);
        }
        if seg == "." || seg == ".." || seg.starts_with('.') || seg.contains(':') {
            return Err(Refused::Forbidden);
        }
        segments.push(seg);
    }
    Ok(segments)
}

/// Joins resolved segments onto the root.
pub fn join(root: &Path, segments: &[String]) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(segments);
    p
}

/// The metadata of `root` joined with `segments`, when every step below `root` is a real folder or (the
/// last) a real file or folder: `None` when something is missing or any step is a symbolic link, which is
/// never followed (the root itself may be one).
pub fn metadata_without_links(root: &Path, segments: &[String]) -> Option<std::fs::Metadata> {
    let mut p = root.to_path_buf();
    let mut meta = std::fs::metadata(root).ok()?;
    for seg in segments {
        if !meta.is_dir() {
            return None;
        }
        p.push(seg);
        meta = std::fs::symlink_metadata(&p).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    Some(meta)
}

/// The one address of resolved segments: each segment percent-encoded the same way whatever the request
/// used, and a trailing slash for a directory.
pub fn canonical(segments: &[String], dir: bool) -> String {
    let mut out = String::with_capacity(segments.iter().map(|s| s.len() + 1).sum::<usize>() + 1);
    for seg in segments {
        out.push('/');
        for b in seg.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if dir || out.is_empty() {
        out.push('/');
    }
    out
}

/// `?query` for a redirect built from a request: the query as the client sent it, but with every byte that
/// is not visible ASCII percent-encoded, so the `Location` header is plain ASCII every client reads (a
/// raw byte ≥ 0x80 or a space would be taken apart differently by different clients). Empty without a
/// query.
pub fn query_suffix(query: Option<&str>) -> String {
    let Some(q) = query else { return String::new() };
    let mut out = String::with_capacity(q.len() + 1);
    out.push('?');
    for b in q.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decodes one path segment; the result must be UTF-8.
pub(crate) fn decode(s: &str) -> Result<String, Refused> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(Refused::Malformed)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Refused::Malformed)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| Refused::Malformed)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Refused::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_in_a_redirect_is_plain_ascii() {
        assert_eq!(query_suffix(None), "");
        assert_eq!(query_suffix(Some("")), "?");
        assert_eq!(query_suffix(Some("a=1&b=%20")), "?a=1&b=%20");
        assert_eq!(query_suffix(Some("x=\u{FFFD} y")), "?x=%EF%BF%BD%20y");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_root_are_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("dist");
        std::fs::create_dir_all(root.join("vi")).expect("dirs");
        std::fs::write(root.join("vi/index.html"), "page").expect("page");
        std::fs::write(dir.path().join("secret"), "secret").expect("secret");
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("vi/leak.txt")).expect("file link");
        std::os::unix::fs::symlink("/", root.join("rootdir")).expect("dir link");
        let seg = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(metadata_without_links(&root, &seg(&["vi", "index.html"])).is_some_and(|m| m.is_file()));
        assert!(metadata_without_links(&root, &seg(&["vi"])).is_some_and(|m| m.is_dir()));
        assert!(metadata_without_links(&root, &seg(&["vi", "leak.txt"])).is_none());
        assert!(metadata_without_links(&root, &seg(&["rootdir", "proc", "self", "environ"])).is_none());
        assert!(metadata_without_links(&root, &seg(&["vi", "index.html", "x"])).is_none());
        assert!(metadata_without_links(&root, &seg(&["nothing"])).is_none());
    }

    #[test]
    fn accepts_plain_paths() {
        assert_eq!(resolve("/"), Ok(vec![]));
        assert_eq!(resolve("/vi/den-doc-cuoc/"), Ok(vec!["vi".into(), "den-doc-cuoc".into()]));
        assert_eq!(resolve("/media/a%20b.jpg"), Ok(vec!["media".into(), "a b.jpg".into()]));
    }

    #[test]
    fn one_canonical_address_per_file() {
        let c = |p: &str, dir: bool| canonical(&resolve(p).expect("resolves"), dir);
        assert_eq!(c("/", true), "/");
        assert_eq!(c("//", true), "/");
        assert_eq!(c("//vi///demo", true), "/vi/demo/");
        assert_eq!(c("/vi/%64emo/", true), "/vi/demo/");
        assert_eq!(c("/media/a%20b.jpg", false), "/media/a%20b.jpg");
        assert_eq!(c("/media/a%2bb.jpg", false), "/media/a+b.jpg");
        assert_eq!(c("/vi/%C4%91%E1%BB%81n", false), "/vi/%C4%91%E1%BB%81n");
        for p in ["/a", "/a/b/", "/x%20y/z", "/%C3%A9"] {
            let once = c(p, false);
            assert_eq!(canonical(&resolve(&once).expect("resolves"), false), once, "stable for {p}");
        }
    }

    #[test]
    fn refuses_hostile_paths() {
        let hostile = [
            "/../etc/passwd",
            "/vi/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc/passwd",
            "/a%5c..%5c..%5cwindows",
            "/a%00.html",
            "/.git/config",
            "/.dist-cache/x",
            "/C:/windows",
            "/%ff%fe",
            "/%zz",
            "/%",
            "/a\\..\\b",
        ];
        for p in hostile {
            assert!(resolve(p).is_err(), "{p} was accepted");
        }
        assert!(resolve(&format!("/{}", "a".repeat(5000))).is_err());
    }

    #[test]
    fn never_leaves_root_for_any_ascii_path() {
        // Every path of up to four segments drawn from tricky pieces stays under the root.
        let pieces = ["..", ".", "%2e%2e", "%2e", "a", "%2f", "%5c", "", "..%2f", "%00"];
        let root = Path::new("/srv/dist");
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let url = format!("/{a}/{b}/{c}");
                    if let Ok(segs) = resolve(&url) {
                        let p = join(root, &segs);
                        assert!(p.starts_with(root), "{url} -> {}", p.display());
                        assert!(!p.components().any(|c| matches!(c, std::path::Component::ParentDir)), "{url}");
                    }
                }
            }
        }
    }
}
