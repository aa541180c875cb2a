//! The build stamp: which program and which inputs an output was built from, so an output is reused only
//! when both are the same. The program part is its version plus a hash of its own sources (`build.rs`), so
//! upgrading disan — or rebuilding it with a changed template — renders every page again.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};

use super::hash::StableHash;

/// File inside the output recording which program and inputs it was built from.
pub const STAMP: &str = "_/build-id.txt";

include!(concat!(env!("OUT_DIR"), "/program.rs"));

/// The stamp of a build of `root` by this program: `disan/VERSION+SOURCES INPUTS`, one line. The inputs
/// are the YAML text and each media file's name, size and modification time, and whether it is a preview.
pub fn stamp(root: &Path, preview: bool) -> Result<String> {
    let mut h = StableHash::new().with([u8::from(preview)]);
    for dir in ["sites", "content"] {
        let d = root.join(dir);
        if !d.is_dir() {
            continue;
        }
        for f in crate::files::walk(&d)? {
            // Editors' swap files come and go while they work: they are not content, and one that vanished
            // between listing and reading must not fail the build.
            if crate::files::is_scratch(f.strip_prefix(root).unwrap_or(&f)) {
                continue;
            }
            let meta = fs::metadata(&f).with_context(|| format!("cannot read {}", f.display()))?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            h = h.with(f.to_string_lossy().as_bytes()).with(meta.len().to_le_bytes()).with(mtime.to_le_bytes());
            if dir == "sites" {
                h = h.with(fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?);
            }
        }
    }
    Ok(format!("{PROGRAM} {}", h.hex(32)))
}

/// The stamp of the output in `out`, if it has one.
pub fn read(out: &Path) -> Option<String> {
    fs::read_to_string(out.join(STAMP)).ok().map(|s| s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_program_version() {
        let prefix = format!("disan/{}+", env!("CARGO_PKG_VERSION"));
        assert!(PROGRAM.starts_with(&prefix), "{PROGRAM}");
        assert_eq!(PROGRAM.len(), prefix.len() + 12, "{PROGRAM}: twelve hex digits of the sources' hash");
        let dir = tempfile::tempdir().expect("tempdir");
        let s = stamp(dir.path(), false).expect("stamp");
        assert!(s.starts_with(&format!("{PROGRAM} ")), "{s}");
        assert_ne!(s, stamp(dir.path(), true).expect("stamp"), "a preview is not a published build");
    }
}
