//! Media outputs: panoramas sized for a phone's texture limit, tiny inline previews, photos and thumbnails,
//! narration audio. Each output is named by a hash of its source bytes and parameters, and kept in a cache
//! so an unchanged file is never processed twice.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use base64::Engine as _;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, imageops::FilterType};

use super::hash::StableHash;
use crate::site::media::open_image;
use crate::tiles::{self, Pyramid};

/// Widest panorama sent to the viewer: the texture size every WebGL phone supports.
pub const MAX_PANORAMA_WIDTH: u32 = 4096;
/// Widest photo on a page.
const MAX_PHOTO_WIDTH: u32 = 1600;
/// Width of photo thumbnails on the home page.
const THUMB_WIDTH: u32 = 480;
/// Size of the inline panorama preview.
const PREVIEW: (u32, u32) = (128, 64);

/// Where processed media go, and where finished outputs are cached between builds.
pub struct MediaOut<'a> {
    /// The build's output folder (temporary until swapped in).
    pub out: &'a Path,
    /// Cache folder kept between builds.
    pub cache: &'a Path,
    /// Cache entries this build used; the rest are pruned after a successful build.
    pub used: Mutex<HashSet<String>>,
    /// One lock per cache entry being made, so two scenes with the same panorama (a placeholder used twice,
    /// say) do not write the same cache entry at once: the second waits and reuses the first's result.
    pub making: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// How panoramas are tiled.
    pub tile_params: tiles::Params,
    /// Progress bars for tiling (drawn only on a terminal).
    pub progress: crate::progress::Progress,
}

/// A processed panorama.
#[derive(Debug, Clone)]
pub struct PanoramaOut {
    /// Public URL of the flat image (for browsers without WebGL).
    pub url: String,
    /// Inline preview (`data:image/jpeg;base64,…`).
    pub preview: String,
    /// The same preview as a file, for scenes that are not shown first.
    pub preview_url: String,
    /// Folder URL of the cube tile pyramid, and its shape.
    pub tiles: (String, Pyramid),
}

impl MediaOut<'_> {
    /// Produces (or fetches from the cache) the bytes for `url_dir/stem.<hash>.ext` and writes them out.
    pub(super) fn output(
        &self,
        url_dir: &str,
        stem: &str,
        ext: &str,
        key: StableHash,
        make: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<String> {
        self.output_with_bytes(url_dir, stem, ext, key, make).map(|(url, _)| url)
    }

    /// As [`Self::output`], also handing back the bytes written (for callers that inline them).
    fn output_with_bytes(
        &self,
        url_dir: &str,
        stem: &str,
        ext: &str,
        key: StableHash,
        make: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<(String, Vec<u8>)> {
        let hash = key.hex(10);
        let entry = self.claim(format!("{hash}.{ext}"));
        let _making = entry.lock().unwrap_or_else(|e| e.into_inner());
        let cached = self.cache.join(format!("{hash}.{ext}"));
        let bytes = match fs::read(&cached) {
            Ok(b) => b,
            Err(_) => {
                let b = make()?;
                fs::create_dir_all(self.cache).with_context(|| format!("cannot create {}", self.cache.display()))?;
                let tmp = cached.with_extension(format!("{ext}.part{}", std::process::id()));
                fs::write(&tmp, &b).with_context(|| format!("cannot write {}", tmp.display()))?;
                fs::rename(&tmp, &cached).with_context(|| format!("cannot write {}", cached.display()))?;
                b
            }
        };
        let rel = format!("{}/{stem}.{hash}.{ext}", url_dir.trim_matches('/'));
        let dest = self.out.join(&rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&dest, &bytes).with_context(|| format!("cannot write {}", dest.display()))?;
        Ok((format!("/{rel}"), bytes))
    }

    /// Marks the cache entry `name` as used by this build (so pruning keeps it) and returns the lock to
    /// hold while making it.
    fn claim(&self, name: String) -> Arc<Mutex<()>> {
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(name.clone());
        self.making.lock().unwrap_or_else(|e| e.into_inner()).entry(name).or_default().clone()
    }

    /// The tile pyramid of a panorama: made once into the cache (completed by renaming, so an interrupted
    /// build never leaves a half pyramid), then linked into the output.
    fn tiles<'i>(
        &self,
        url_dir: &str,
        stem: &str,
        key: StableHash,
        image: impl FnOnce() -> Result<std::borrow::Cow<'i, image::RgbImage>>,
    ) -> Result<(String, Pyramid)> {
        let hash = key.hex(10);
        let name = format!("tiles-{hash}");
        let entry = self.claim(name.clone());
        let _making = entry.lock().unwrap_or_else(|e| e.into_inner());
        let cached = self.cache.join(&name);
        let meta = cached.join("pyramid.json");
        let pyramid: Pyramid = match fs::read(&meta).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            Some(p) => p,
            None => {
                let started = std::time::Instant::now();
                let img = image()?;
                let label = format!("{url_dir}/{stem}");
                if !self.progress.shows_bars() {
                    eprintln!("tiling {label} ({}×{})…", img.width(), img.height());
                }
                let part = self.cache.join(format!("{name}.part{}", std::process::id()));
                let _ = fs::remove_dir_all(&part);
                let plan = tiles::Pyramid::plan(img.width(), &self.tile_params);
                let task = self.progress.task(format!("tiling {label}"), plan.files(), "files");
                let p = tiles::write_pyramid_with_progress(&img, &part, self.tile_params, &|e| match e {
                    tiles::Event::File => task.step(),
                    tiles::Event::FaceDone => task.face_done(),
                })?;
                drop(task);
                fs::write(part.join("pyramid.json"), serde_json::to_vec(&p)?)?;
                let _ = fs::remove_dir_all(&cached);
                fs::rename(&part, &cached).with_context(|| format!("cannot write {}", cached.display()))?;
                self.progress.println(&format!(
                    "tiled {label}: {} levels, {}-px faces, {:.1} s",
                    p.levels,
                    p.size,
                    started.elapsed().as_secs_f64()
                ));
                p
            }
        };
        let rel = format!("{}/{stem}.{hash}", url_dir.trim_matches('/'));
        link_tree(&cached, &self.out.join(&rel))?;
        let _ = fs::remove_file(self.out.join(&rel).join("pyramid.json"));
        Ok((format!("/{rel}/"), pyramid))
    }

    /// Removes cache entries this build did not use (old versions of changed media).
    pub fn prune(&self) -> Result<usize> {
        let used = self.used.lock().map(|u| u.clone()).unwrap_or_default();
        let mut removed = 0;
        let Ok(entries) = fs::read_dir(self.cache) else { return Ok(0) };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if used.contains(&name) {
                continue;
            }
            let p = e.path();
            let r = if p.is_dir() { fs::remove_dir_all(&p) } else { fs::remove_file(&p) };
            r.with_context(|| format!("cannot prune {}", p.display()))?;
            removed += 1;
        }
        Ok(removed)
    }

    /// The panorama's flat image, inline preview and tile pyramid. The source is decoded at most once,
    /// and only when some output is not cached yet, into the one 8-bit RGB image every output is made
    /// from: with nothing else of its size beside it, the peak stays within 1.5× the decoded image.
    pub fn panorama(&self, url_dir: &str, stem: &str, src: &Path) -> Result<PanoramaOut> {
        let source = read(src)?;
        let is_jpeg = source.starts_with(&[0xFF, 0xD8]);
        let decoded: std::cell::OnceCell<image::RgbImage> = std::cell::OnceCell::new();
        let image = || -> Result<&image::RgbImage> {
            if decoded.get().is_none() {
                let img = open_image(src)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("cannot decode {}", src.display()))?;
                let _ = decoded.set(into_rgb8(img));
            }
            decoded.get().context("decoded panorama")
        };
        let key = StableHash::new().with("panorama-v2").with(&source).with(MAX_PANORAMA_WIDTH.to_le_bytes());
        let url = self.output(url_dir, stem, "jpg", key, || {
            let img = image()?;
            // A small JPEG already fits: send the editor's bytes untouched rather than recompress them.
            if is_jpeg && img.width() <= MAX_PANORAMA_WIDTH && !has_exif_rotation(&source) {
                return Ok(source.clone());
            }
            let (w, h) = (img.width().min(MAX_PANORAMA_WIDTH), img.width().min(MAX_PANORAMA_WIDTH) / 2);
            let from = (img.width() as usize, img.height() as usize);
            let flat = tiles::resize::rect(img.as_raw(), from, (w as usize, h as usize));
            jpeg_rgb(&image::RgbImage::from_raw(w, h, flat).context("a resized panorama")?, 82)
        })?;
        let key = StableHash::new().with("preview-v4").with(&source);
        let (preview_path, preview_bytes) = self.output_with_bytes("_/preview", stem, "jpg", key, || {
            small_jpeg(&image::imageops::resize(image()?, PREVIEW.0, PREVIEW.1, FilterType::Triangle), 40)
        })?;
        let preview =
            format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(preview_bytes));
        let params = self.tile_params;
        let key = StableHash::new()
            .with("tiles-v2")
            .with(&source)
            .with(params.format.extension())
            .with([params.quality])
            .with(params.tile.to_le_bytes())
            .with(params.fallback.to_le_bytes());
        let tiles = self.tiles(url_dir, stem, key, || Ok(std::borrow::Cow::Borrowed(image()?)))?;
        Ok(PanoramaOut { url, preview, preview_url: preview_path, tiles })
    }

    /// A photo for the page and its thumbnail: (photo URL, thumbnail URL, width, height).
    pub fn photo(&self, url_dir: &str, stem: &str, src: &Path) -> Result<(String, String, u32, u32)> {
        let source = read(src)?;
        let decoded: std::cell::OnceCell<DynamicImage> = std::cell::OnceCell::new();
        let scaled = |max: u32| -> Result<DynamicImage> {
            if decoded.get().is_none() {
                let img = open_image(src)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| format!("cannot decode {}", src.display()))?;
                let _ = decoded.set(img);
            }
            let img = decoded.get().context("decoded photo")?;
            Ok(if img.width() > max { img.resize(max, u32::MAX, FilterType::Lanczos3) } else { img.clone() })
        };
        let key = StableHash::new().with("photo-v1").with(&source);
        let url = self.output(url_dir, stem, "jpg", key, || jpeg(&scaled(MAX_PHOTO_WIDTH)?, 82))?;
        let key = StableHash::new().with("thumb-v1").with(&source);
        let thumb = self.output(url_dir, &format!("{stem}-thumb"), "jpg", key, || jpeg(&scaled(THUMB_WIDTH)?, 78))?;
        // The written photo is already upright and resized: its header gives the page's width and height.
        let (w, h) = image::image_dimensions(self.out.join(url.trim_start_matches('/')))
            .context("cannot read a written photo")?;
        Ok((url, thumb, w, h))
    }

    /// A sponsor's logo, copied as it is (PNG keeps its transparency).
    pub fn logo(&self, url_dir: &str, stem: &str, src: &Path) -> Result<String> {
        let source = read(src)?;
        let ext = if source.starts_with(b"\x89PNG") { "png" } else { "jpg" };
        let key = StableHash::new().with("logo-v1").with(&source);
        self.output(url_dir, stem, ext, key, || Ok(source.clone()))
    }

    /// A narration recording, made ready for the web (see [`Self::prepared_audio`]); its URL.
    pub fn audio(&self, url_dir: &str, stem: &str, src: &Path) -> Result<String> {
        self.prepared_audio(url_dir, stem, src).map(|p| p.url)
    }

    /// A narration recording decoded, trimmed, normalised and encoded as a small MP3 ([`crate::audio`]),
    /// cached by the hash of its bytes like tiles; with its length and how much silence was cut.
    pub fn prepared_audio(&self, url_dir: &str, stem: &str, src: &Path) -> Result<PreparedAudio> {
        let source = read(src)?;
        let key = || StableHash::new().with("audio-v2").with(crate::audio::PIPELINE).with(&source);
        let timing_name = format!("{}.timing.json", key().hex(10));
        let _ = self.claim(timing_name.clone());
        let timing_path = self.cache.join(&timing_name);
        let mut made = None;
        let url = self.output(url_dir, stem, "mp3", key(), || {
            let started = std::time::Instant::now();
            let ext = crate::audio::decode::ext_of(src);
            let encoded = crate::audio::prepare(&source, ext.as_deref())
                .map_err(|p| anyhow::anyhow!("audio {} {}", src.display(), p.message().en()))?;
            self.progress.println(&format!(
                "encoded {url_dir}/{stem}: {:.1} s at {:.1} LUFS, {} kB, {:.1} s",
                encoded.timing.seconds,
                encoded.loudness.0,
                encoded.mp3.len() / 1000,
                started.elapsed().as_secs_f64()
            ));
            made = Some(encoded.timing);
            Ok(encoded.mp3)
        })?;
        let timing = match made {
            Some(t) => {
                let json =
                    serde_json::json!({"source_seconds": t.source_seconds, "lead": t.lead, "seconds": t.seconds});
                fs::write(&timing_path, json.to_string())
                    .with_context(|| format!("cannot write {}", timing_path.display()))?;
                t
            }
            None => {
                match fs::read(&timing_path).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()) {
                    Some(v) => crate::audio::Timing {
                        source_seconds: v["source_seconds"].as_f64().unwrap_or(0.0),
                        lead: v["lead"].as_f64().unwrap_or(0.0),
                        seconds: v["seconds"].as_f64().unwrap_or(0.0),
                    },
                    // A cache from before timings were kept: read the source again (no encoding).
                    None => crate::audio::inspect(src)
                        .map_err(|p| anyhow::anyhow!("audio {} {}", src.display(), p.message().en()))?,
                }
            }
        };
        Ok(PreparedAudio { url, seconds: timing.seconds, lead: timing.lead })
    }
}

/// A narration recording as published.
#[derive(Debug, Clone)]
pub struct PreparedAudio {
    /// Public URL of the MP3.
    pub url: String,
    /// Its length in seconds.
    pub seconds: f64,
    /// Seconds of leading silence cut from the editor's recording: a caption cue written against the
    /// recording plays this much earlier in the published file.
    pub lead: f64,
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>> {
    jpeg_rgb(&img.to_rgb8(), quality)
}

fn jpeg_rgb(rgb: &image::RgbImage, quality: u8) -> Result<Vec<u8>> {
    let mut buf = Cursor::new(Vec::new());
    JpegEncoder::new_with_quality(&mut buf, quality).encode_image(rgb).context("cannot encode JPEG")?;
    Ok(buf.into_inner())
}

/// The image as 8-bit RGB without holding two full copies where it can be helped: most panoramas decode
/// to RGB already, and RGBA is narrowed in place (the largest RGBA image the decode budget allows would
/// otherwise need 1.75× its size while both copies exist).
pub(super) fn into_rgb8(img: DynamicImage) -> image::RgbImage {
    match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        DynamicImage::ImageRgba8(rgba) => {
            let (w, h) = rgba.dimensions();
            let mut px = rgba.into_raw();
            let n = px.len() / 4;
            // Pixel i moves from 4i to 3i: never onto a byte still to be read.
            for i in 0..n {
                px.copy_within(4 * i..4 * i + 3, 3 * i);
            }
            px.truncate(3 * n);
            px.shrink_to_fit();
            image::RgbImage::from_raw(w, h, px).unwrap_or_default()
        }
        other => other.to_rgb8(),
    }
}

/// A JPEG for a picture of a few kilobytes (the previews, the first one inline in every tour page): Huffman
/// tables fitted to the picture, as the standard ones would be a quarter of its bytes; chroma at half
/// resolution both ways, each sample the average of its four pixels (one pixel of four shows as blotches).
fn small_jpeg(rgb: &image::RgbImage, quality: u8) -> Result<Vec<u8>> {
    let side = |n: u32| u16::try_from(n).context("a preview wider or taller than a JPEG allows");
    let (w, h) = (side(rgb.width())?, side(rgb.height())?);
    let mut buf = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut buf, quality);
    enc.set_optimized_huffman_tables(true);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    enc.encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb).context("cannot encode a preview JPEG")?;
    Ok(buf)
}

/// True when the JPEG carries an EXIF orientation other than "normal", which browsers would apply to an
/// `<img>` but WebGL would not: such files are re-encoded upright.
fn has_exif_rotation(jpeg: &[u8]) -> bool {
    let Some(start) = jpeg.windows(6).position(|w| w == b"Exif\0\0") else {
        return false;
    };
    let tiff = &jpeg[start + 6..];
    if tiff.len() < 8 {
        return false;
    }
    let le = &tiff[..2] == b"II";
    let u16_at = |i: usize| -> Option<u16> {
        let b = tiff.get(i..i + 2)?;
        Some(if le { u16::from_le_bytes([b[0], b[1]]) } else { u16::from_be_bytes([b[0], b[1]]) })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b = tiff.get(i..i + 4)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) })
    };
    let Some(ifd) = u32_at(4) else { return false };
    let ifd = ifd as usize;
    let Some(count) = u16_at(ifd) else {
        return false;
    };
    (0..count as usize).any(|i| {
        let entry = ifd + 2 + i * 12;
        u16_at(entry) == Some(0x0112) && u16_at(entry + 8).is_some_and(|v| v > 1)
    })
}

/// Hard-links every file of `from` into `to` (copying where links are impossible, e.g. across disks).
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for e in fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))? {
        let e = e?;
        let (src, dest) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            link_tree(&src, &dest)?;
        } else if fs::hard_link(&src, &dest).is_err() {
            fs::copy(&src, &dest).with_context(|| format!("cannot copy {}", src.display()))?;
        }
    }
    Ok(())
}

/// The cache folder for an output folder: beside it, so swapping the output never drops the cache.
pub fn cache_dir(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
    out.with_file_name(format!(".{name}-cache"))
}
