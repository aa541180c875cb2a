//! Precompressed copies (`.gz`, `.br`) of text outputs, written once at build time so the host sends them
//! without compressing on every request.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Extensions worth compressing (images and audio are already compressed).
const TEXT: &[&str] = &["html", "css", "js", "json", "svg", "txt", "xml", "webmanifest"];

/// Writes `.gz` and `.br` beside every text file under `dir` that shrinks by compressing.
pub fn precompress(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for entry in walk(dir)? {
        let is_text = entry.extension().is_some_and(|e| TEXT.contains(&e.to_string_lossy().as_ref()));
        if !is_text {
            continue;
        }
        let bytes = fs::read(&entry).with_context(|| format!("cannot read {}", entry.display()))?;
        if bytes.len() < 256 {
            continue;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        let gz = gz.finish()?;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(&bytes)?;
        }
        for (ext, data) in [("gz", gz), ("br", br)] {
            if data.len() < bytes.len() {
                let mut name = entry.clone().into_os_string();
                name.push(format!(".{ext}"));
                fs::write(&name, data).with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
            }
        }
        n += 1;
    }
    Ok(n)
}

/// Every file under `dir`, recursively, sorted.
pub fn walk(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
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
