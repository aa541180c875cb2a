//! Checks the media files a collection refers to: present, inside the site's folder, decodable, the right
//! shape. Runs in parallel because decoding panoramas is the slow part of a check.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::{Condvar, Mutex};

use image::ImageReader;
use rayon::prelude::*;

use crate::messages::Msg;

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
    pub message: Msg,
    /// How to fix it.
    pub hint: Option<Msg>,
}

/// Recording formats accepted, by extension (the build turns each into a small MP3).
pub const AUDIO_EXTENSIONS: &[&str] = crate::audio::EXTENSIONS;

/// Checks every file, in parallel, returning the problems in input order.
pub fn check_all(refs: &[MediaRef]) -> Vec<MediaProblem> {
    check_all_timed(refs).0
}

/// As [`check_all`], also returning how each usable recording relates to what the build publishes (by
/// resolved path), so captions can be checked against its length as the build would.
pub fn check_all_timed(refs: &[MediaRef]) -> (Vec<MediaProblem>, HashMap<PathBuf, crate::audio::Timing>) {
    let results: Vec<_> = refs.par_iter().map(|r| (r, check(r))).collect();
    let mut problems = Vec::new();
    let mut timings = HashMap::new();
    for (r, result) in results {
        match result {
            Ok(Some(timing)) => {
                timings.insert(r.path.clone(), timing);
            }
            Ok(None) => {}
            Err(problem) => {
                let (message, hint) = *problem;
                problems.push(MediaProblem { site: r.site, yaml_path: r.yaml_path.clone(), message, hint });
            }
        }
    }
    (problems, timings)
}

/// What is wrong with a file, and how to fix it (boxed: messages are large and problems rare).
type Problem = Box<(Msg, Option<Msg>)>;

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

/// Checks one file; a usable recording also gives its timing.
fn check(r: &MediaRef) -> Result<Option<crate::audio::Timing>, Problem> {
    let name = &r.file;
    let escapes = Path::new(name).components().any(|c| !matches!(c, Component::Normal(_)));
    if name.trim().is_empty() || escapes || name.contains('\\') {
        return Err(Box::new((Msg::PathLeavesContent { file: name.clone() }, Some(Msg::HintContentPath))));
    }
    if !r.path.is_file() {
        let hint = match near_match(name, &r.path) {
            Some(near) => Msg::DidYouMean { word: near },
            None => Msg::HintPutFile { path: r.shown.display().to_string() },
        };
        return Err(Box::new((Msg::FileNotFound { file: name.clone() }, Some(hint))));
    }
    match r.kind {
        MediaKind::Panorama => {
            let (w, h) = decode_dimensions(&r.path)
                .map_err(|e| Box::new((Msg::PanoramaUnreadable { file: name.clone(), why: e.boxed() }, None)))?;
            if w.abs_diff(2 * h) > 2 {
                let size = format!("{w}×{h}");
                return Err(Box::new((Msg::PanoramaNotTwoToOne { file: name.clone(), size }, Some(Msg::HintEquirect))));
            }
            if w < 512 {
                let size = format!("{w}×{h}");
                return Err(Box::new((
                    Msg::PanoramaTooSmall { file: name.clone(), size },
                    Some(Msg::HintPanoramaWidth),
                )));
            }
            Ok(None)
        }
        MediaKind::Photo => {
            decode_dimensions(&r.path)
                .map_err(|e| Box::new((Msg::PhotoUnreadable { file: name.clone(), why: e.boxed() }, None)))?;
            Ok(None)
        }
        MediaKind::Logo => {
            decode_dimensions(&r.path).map_err(|e| {
                Box::new((Msg::LogoUnreadable { file: name.clone(), why: e.boxed() }, Some(Msg::HintLogo)))
            })?;
            Ok(None)
        }
        MediaKind::Audio => check_audio(&r.path).map(Some).map_err(|p| {
            let (e, hint) = *p;
            Box::new((Msg::AudioProblem { file: name.clone(), why: e.boxed() }, hint))
        }),
    }
}

/// Opens an image with size limits, decodes it fully and returns its size. Checks run on every core, so
/// the images being decoded at once share one [`DECODE_BUDGET`]: eight 16384×8192 panoramas checked at once
/// on an eight-core machine would otherwise need 3 GB.
pub fn decode_dimensions(path: &Path) -> Result<(u32, u32), Msg> {
    let (img, _permit) = decode(path, true)?;
    Ok((img.width(), img.height()))
}

/// Decodes an image, refusing oversized headers before allocating and honouring EXIF orientation.
pub fn open_image(path: &Path) -> Result<image::DynamicImage, Msg> {
    decode(path, false).map(|(img, _)| img)
}

/// Bytes of decoded images that checks hold at this moment, never more than [`DECODE_BUDGET`].
static CHECKING: Mutex<u64> = Mutex::new(0);
/// Woken whenever a check lets go of its image.
static CHECKED: Condvar = Condvar::new();

/// A share of the decode budget, held while a check's image exists.
struct Permit(u64);

impl Permit {
    /// Waits until `bytes` fit beside the images other checks hold. Nothing waited for here waits on the
    /// waiter (decoding runs no parallel work), so there is no deadlock.
    fn acquire(bytes: u64) -> Permit {
        let bytes = bytes.min(DECODE_BUDGET);
        let mut used = CHECKING.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > DECODE_BUDGET {
            used = CHECKED.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Permit(bytes)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut used = CHECKING.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.0;
        CHECKED.notify_all();
    }
}

/// Decodes an image, with a share of the checks' budget when `shared`.
fn decode(path: &Path, shared: bool) -> Result<(image::DynamicImage, Option<Permit>), Msg> {
    let io = |e: std::io::Error| Msg::ImageIo { why: e.to_string() };
    let file = File::open(path).map_err(io)?;
    let mut reader = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(io)?;
    if reader.format().is_none() {
        return Err(Msg::NotJpegOrPng);
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let is_jpeg = reader.format() == Some(image::ImageFormat::Jpeg);
    if is_jpeg && !jpeg_is_complete(path)? {
        return Err(Msg::JpegTruncated);
    }
    let (w, h) = reader.into_dimensions().map_err(describe)?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(Msg::ImageTooLarge { w, h, limit: MAX_SIDE });
    }
    let file = File::open(path).map_err(io)?;
    let mut reader = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(io)?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    use image::ImageDecoder;
    let needs = decoder.total_bytes();
    if needs > DECODE_BUDGET {
        const MB: u64 = 1024 * 1024;
        return Err(Msg::ImageOverBudget {
            w,
            h,
            needs_mb: needs.div_ceil(MB),
            budget_mb: DECODE_BUDGET / MB,
            largest: "16384×8192".into(),
        });
    }
    let permit = shared.then(|| Permit::acquire(needs));
    // A header that claims more rows than the coded data holds would decode to a grey or garbled lower part.
    if is_jpeg {
        let bytes = std::fs::read(path).map_err(io)?;
        if let Some(c) = super::jpeg::coverage(&bytes)
            && c.rows < c.needed
        {
            return Err(Msg::JpegShort { w, h, rows: c.pixel_rows() });
        }
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(describe)?;
    img.apply_orientation(orientation);
    Ok((img, permit))
}

/// JPEG decoders quietly fill a cut-off file with grey; a complete file ends with the EOI marker
/// (possibly followed by a little padding).
fn jpeg_is_complete(path: &Path) -> Result<bool, Msg> {
    use std::io::{Seek, SeekFrom};
    let io = |e: std::io::Error| Msg::ImageIo { why: e.to_string() };
    let mut f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let tail_len = len.min(1024);
    f.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    f.read_to_end(&mut tail).map_err(io)?;
    Ok(tail.windows(2).any(|w| w == [0xFF, 0xD9]))
}

fn describe(e: image::ImageError) -> Msg {
    match e {
        image::ImageError::Limits(_) => Msg::ImageOverLimits { limit: MAX_SIDE },
        other => Msg::ImageDecoder { said: other.to_string() },
    }
}

/// Decodes the whole recording: only then can silence, clipping and length be known.
fn check_audio(path: &Path) -> Result<crate::audio::Timing, Problem> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !AUDIO_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Box::new((Msg::AudioUnsupported { formats: AUDIO_EXTENSIONS.join(", ") }, None)));
    }
    crate::audio::inspect(path).map_err(|p| Box::new((p.message(), p.hint())))
}
