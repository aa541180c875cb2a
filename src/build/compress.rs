//! Precompressed copies (`.gz`, `.br`) of text outputs, written once at build time so the host sends them
//! without compressing on every request.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

/// Extensions worth compressing (images and audio are already compressed).
const TEXT: &[&str] = &["html", "css", "js", "json", "svg", "txt", "xml", "webmanifest"];

/// Writes `.gz` and `.br` beside every text file under `dir` that shrinks by compressing, in parallel
/// (maximum-effort brotli is the slowest step of a rebuild).
pub fn precompress(dir: &Path) -> Result<usize> {
    let texts: Vec<_> = crate::files::walk(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| TEXT.contains(&e.to_string_lossy().as_ref())))
        .collect();
    texts.par_iter().map(|p| compress_one(p)).collect::<Result<Vec<()>>>()?;
    Ok(texts.len())
}

fn compress_one(entry: &Path) -> Result<()> {
    let bytes = fs::read(entry).with_context(|| format!("cannot read {}", entry.display()))?;
    if bytes.len() < 256 {
        return Ok(());
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    let mut br = Vec::new();
    {
        // Shipped assets are compressed once per release and fetched by everyone: maximum effort. Pages
        // change with every edit, and quality 9 is an order of magnitude faster for a few percent.
        let asset = entry.components().any(|c| c.as_os_str() == "_");
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, if asset { 11 } else { 9 }, 22);
        w.write_all(&bytes)?;
    }
    for (ext, data) in [("gz", gz), ("br", br)] {
        if data.len() < bytes.len() {
            let mut name = entry.as_os_str().to_owned();
            name.push(format!(".{ext}"));
            fs::write(&name, data).with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
        }
    }
    Ok(())
}
