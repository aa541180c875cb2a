//! Tile image formats: JPEG (every browser, fastest to make) or lossy WebP (smaller files for the same
//! look, for tours whose visitors are mostly on slow mobile networks).
//!
//! Both encoders are pure Rust. JPEG uses `jpeg-encoder` (4:2:0 chroma at qualities below 90, as Pillow
//! writes Pannellum's tiles; standard Huffman tables, since optimising them costs a second pass for a few
//! per cent). WebP uses `vaam-image-webp`, the one pure-Rust lossy WebP encoder with a permissive licence
//! found: its files are larger and slower to make than libwebp's, but it needs no C toolchain.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The image format of tiles and fallback faces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG: decoded by every browser, and several times faster to encode.
    #[default]
    Jpeg,
    /// Lossy WebP: smaller tiles for the same quality setting (all current browsers show it).
    Webp,
}

impl Format {
    /// The file extension, without the dot (as Pannellum's `extension` wants it).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }
}

/// Encodes `w`×`h` RGB pixels at a quality of 1–100 (each codec's own scale).
pub fn encode(px: &[u8], w: u32, h: u32, format: Format, quality: u8) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(px.len() / 8);
    match format {
        Format::Jpeg => {
            let (w, h) = (u16::try_from(w)?, u16::try_from(h)?);
            jpeg_encoder::Encoder::new(&mut buf, quality)
                .encode(px, w, h, jpeg_encoder::ColorType::Rgb)
                .context("cannot encode a JPEG tile")?;
        }
        Format::Webp => {
            let mut params = webp::EncoderParams::default();
            params.use_lossy = true;
            params.lossy_quality = quality.min(100);
            let mut encoder = webp::WebPEncoder::new(&mut buf);
            encoder.set_params(params);
            encoder.encode(px, w, h, webp::ColorType::Rgb8).context("cannot encode a WebP tile")?;
        }
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_decode_back_to_the_picture() {
        let (w, h) = (40u32, 24u32);
        let px: Vec<u8> = (0..w * h).flat_map(|i| [(i % w * 6) as u8, (i / w * 10) as u8, 128]).collect();
        for format in [Format::Jpeg, Format::Webp] {
            let bytes = encode(&px, w, h, format, 90).expect("encode");
            // An independent decoder (the `image` crate's, as a dev-dependency with WebP) reads it back.
            let img = image::load_from_memory(&bytes).expect("decode").to_rgb8();
            assert_eq!(img.dimensions(), (w, h));
            let diff = px.iter().zip(img.as_raw()).map(|(a, b)| a.abs_diff(*b) as u32).max().unwrap_or(0);
            assert!(diff < 24, "{format:?} differs by {diff}");
        }
    }
}
