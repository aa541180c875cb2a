//! Checks the media files a collection refers to: present, inside the site's folder, decodable, the right
//! shape. Runs in parallel because decoding panoramas is the slow part of a check.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};

use image::ImageReader;
use rayon::prelude::*;

/// Largest panorama side accepted; beyond this decoding would exhaust a small server's memory.
pub const MAX_SIDE: u32 = 32_768;
/// Memory budget for one decoded image: a 16384×8192 panorama in 8-bit RGB (384 MB). Images needing more
/// are refused before any pixel is decoded, so a small file claiming a huge size cannot exhaust memory.
pub const DECODE_BUDGET: u64 = 16_384 * 8_192 * 3;
/// Memory the decoder may allocate for one image: the budget plus the decoder's working space.
const MAX_ALLOC: u64 = DECODE_BUDGET + DECODE_BUDGET / 2;

/// What a media file is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// An equirectangular 360° panorama.
    Panorama,
    /// A photo.
    Photo,
    /// A narration recording.
    Audio,
    /// A sponsor's logo.
    Logo,
}

/// A media file named in a site's YAML.
#[derive(Debug, Clone)]
pub struct MediaRef {
    /// Index of the site in load order.
    pub site: usize,
    /// Where in the YAML it is named.
    pub yaml_path: String,
    /// The name as written.
    pub file: String,
    /// Resolved path.
    pub path: PathBuf,
    /// The path as shown to editors, relative to the collection root.
    pub shown: PathBuf,
    /// Use.
    pub kind: MediaKind,
}

/// A problem with one media file.
#[derive(Debug)]
pub struct MediaProblem {
    /// Index of the site.
    pub site: usize,
    /// Where in the YAML.
    pub yaml_path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Recording formats accepted, by extension (the build turns each into a small MP3).
pub const AUDIO_EXTENSIONS: &[&str] = crate::audio::EXTENSIONS;

/// Checks every file, in parallel, returning the problems in input order.
pub fn check_all(refs: &[MediaRef]) -> Vec<MediaProblem> {
    refs.par_iter()
        .filter_map(|r| {
            check(r).err().map(|(message, hint)| MediaProblem {
                site: r.site,
                yaml_path: r.yaml_path.clone(),
                message,
                hint,
            })
        })
        .collect()
}

type Problem = (String, Option<String>);

/// A file beside where `name` was looked for (at `path`) whose name is a small edit away, say
/// `gate.jpeg` for `gate.jpg` or `Gate.JPG`: written as `name` would have been, folders included.
fn near_match(name: &str, path: &Path) -> Option<String> {
    let wanted = path.file_name()?.to_str()?.to_lowercase();
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let lower: Vec<String> = files.iter().map(|f| f.to_lowercase()).collect();
    let found = crate::report::suggest(&wanted, lower.iter().map(String::as_str))?;
    let original = &files[lower.iter().position(|l| l == found)?];
    let folder = name.rsplit_once('/').map(|(dir, _)| format!("{dir}/")).unwrap_or_default();
    Some(format!("{folder}{original}"))
}

fn check(r: &MediaRef) -> Result<(), Problem> {
    let name = &r.file;
    let escapes = Path::new(name).components().any(|c| !matches!(c, Component::Normal(_)));
    if name.trim().is_empty() || escapes || name.contains('\\') {
        return Err((
            format!("`{name}` is not a path inside the site's content folder"),
            Some("write a path relative to content/<slug>/, such as `panoramas/gate.jpg`, without `..`".into()),
        ));
    }
    if !r.path.is_file() {
        let hint = match near_match(name, &r.path) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("put the file at {}", r.shown.display()),
        };
        return Err((format!("file `{name}` not found"), Some(hint)));
    }
    match r.kind {
        MediaKind::Panorama => {
            let (w, h) =
                decode_dimensions(&r.path).map_err(|e| (format!("panorama `{name}` cannot be read: {e}"), None))?;
            if w.abs_diff(2 * h) > 2 {
                return Err((
                    format!("panorama `{name}` is {w}×{h}, not 2:1"),
                    Some("export the full 360° × 180° equirectangular image (width = 2 × height)".into()),
                ));
            }
            if w < 512 {
                return Err((
                    format!("panorama `{name}` is only {w}×{h}"),
                    Some("use an image at least 1024 pixels wide".into()),
                ));
            }
            Ok(())
        }
        MediaKind::Photo => {
            decode_dimensions(&r.path).map_err(|e| (format!("photo `{name}` cannot be read: {e}"), None))?;
            Ok(())
        }
        MediaKind::Logo => {
            decode_dimensions(&r.path).map_err(|e| {
                (format!("logo `{name}` cannot be read: {e}"), Some("use a PNG or JPEG image as the logo".into()))
            })?;
            Ok(())
        }
        MediaKind::Audio => check_audio(&r.path).map_err(|(e, hint)| (format!("audio `{name}` {e}"), hint)),
    }
}

/// Opens an image with size limits, decodes it fully and returns its size.
pub fn decode_dimensions(path: &Path) -> Result<(u32, u32), String> {
    let img = open_image(path)?;
    Ok((img.width(), img.height()))
}

/// Decodes an image, refusing oversized headers before allocating and honouring EXIF orientation.
pub fn open_image(path: &Path) -> Result<image::DynamicImage, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut reader = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("not a JPEG or PNG image".into());
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    if reader.format() == Some(image::ImageFormat::Jpeg) && !jpeg_is_complete(path)? {
        return Err("the JPEG is truncated: its end marker is missing (copy the file again)".into());
    }
    let (w, h) = reader.into_dimensions().map_err(describe)?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("{w}×{h} is larger than the {MAX_SIDE}-pixel limit"));
    }
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut reader = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    use image::ImageDecoder;
    let needs = decoder.total_bytes();
    if needs > DECODE_BUDGET {
        const MB: u64 = 1024 * 1024;
        return Err(format!(
            "{w}×{h} needs {} MB to decode, more than the {} MB budget (the largest 2:1 panorama that fits is 16384×8192)",
            needs.div_ceil(MB),
            DECODE_BUDGET / MB
        ));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(describe)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// JPEG decoders quietly fill a cut-off file with grey; a complete file ends with the EOI marker
/// (possibly followed by a little padding).
fn jpeg_is_complete(path: &Path) -> Result<bool, String> {
    use std::io::{Seek, SeekFrom};
    let mut f = File::open(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    let tail_len = len.min(1024);
    f.seek(SeekFrom::Start(len - tail_len)).map_err(|e| e.to_string())?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    f.read_to_end(&mut tail).map_err(|e| e.to_string())?;
    Ok(tail.windows(2).any(|w| w == [0xFF, 0xD9]))
}

fn describe(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => {
            format!("too large to decode safely (limit {MAX_SIDE} pixels a side)")
        }
        other => format!("{other} (the file may be truncated or not an image)"),
    }
}

/// Decodes the whole recording: only then can silence, clipping and length be known.
fn check_audio(path: &Path) -> Result<(), Problem> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !AUDIO_EXTENSIONS.contains(&ext.as_str()) {
        return Err((format!("has an unsupported format; use one of: {}", AUDIO_EXTENSIONS.join(", ")), None));
    }
    crate::audio::inspect(path).map(|_| ()).map_err(|p| (p.message(), p.hint()))
}
