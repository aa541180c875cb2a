//! The collection's folders as the build and the live preview see them: every file under a folder, and
//! which of them are editors' scratch files rather than content.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Every file under `dir`, sorted.
pub fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Files (named relative to the collection) that editors' tools write beside the real ones: hidden files,
/// Vim swap files and its `4913` probe, Emacs `#…#` and `.#…` locks, `~` backups, partial downloads.
pub fn is_scratch(path: &Path) -> bool {
    let hidden = path.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.') && s.len() > 2));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    hidden
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp", ".part", ".crdownload", ".kate-swp"].iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_ignored() {
        for p in ["sites/.demo.yaml.swp", "sites/demo.yaml~", "sites/4913", "sites/#demo.yaml#", "content/a/.git/x"] {
            assert!(is_scratch(Path::new(p)), "{p}");
        }
        for p in ["sites/demo.yaml", "content/demo/panoramas/cong.jpg", "../sites/demo.yaml"] {
            assert!(!is_scratch(Path::new(p)), "{p}");
        }
    }
}
