//! Reading what phones record (M4A/AAC, MP3, WAV, OGG/Vorbis, FLAC) into one mono signal, with symphonia
//! (pure Rust). Clipping is counted here, per channel, before the channels are mixed together.

use std::io::Cursor;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::codecs::audio::well_known::CODEC_ID_OPUS;
use symphonia::core::errors::Error;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::limits::MAX_SECONDS;
use super::problem::Problem;

/// A sample at least this close to full scale (−0.01 dBFS) counts as clipped.
const FULL_SCALE: f32 = 0.999;

/// A recording decoded and mixed down to one channel.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The mono signal, nominally within ±1.
    pub mono: Vec<f32>,
    /// Samples per second.
    pub rate: u32,
    /// Channels in the source (a phone's stereo recording has two).
    pub channels: usize,
    /// For each whole second of the source, how many of its sample instants had a channel at full scale.
    pub full_scale: Vec<u32>,
}

impl Decoded {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.mono.len() as f64 / f64::from(self.rate.max(1))
    }
}

/// Decodes a recording held in memory; `ext` (the file's extension) is only a hint for the probe.
pub fn decode_bytes(bytes: &[u8], ext: Option<&str>) -> Result<Decoded, Problem> {
    decode(Box::new(Cursor::new(bytes.to_vec())), ext)
}

/// Decodes a recording file.
pub fn decode_file(path: &std::path::Path) -> Result<Decoded, Problem> {
    let file = std::fs::File::open(path).map_err(|e| Problem::Unreadable(e.to_string()))?;
    decode(Box::new(file), ext_of(path).as_deref())
}

/// The lower-case extension of a path.
pub fn ext_of(path: &std::path::Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// How long a recording lasts, from its packets' timestamps: nothing is decoded, so this is quick even
/// for a long file. Used for published MP3s and by checks that compare times with a recording.
pub fn duration_bytes(bytes: &[u8], ext: Option<&str>) -> Result<f64, Problem> {
    duration(Box::new(Cursor::new(bytes.to_vec())), ext)
}

/// As [`duration_bytes`], for a file.
pub fn duration_file(path: &std::path::Path) -> Result<f64, Problem> {
    let file = std::fs::File::open(path).map_err(|e| Problem::Unreadable(e.to_string()))?;
    duration(Box::new(file), ext_of(path).as_deref())
}

type Reader = Box<dyn symphonia::core::formats::FormatReader + 'static>;

/// Finds the container and its first audio track: (reader, track id, seconds per tick, header length).
fn open(source: Box<dyn MediaSource>, ext: Option<&str>) -> Result<(Reader, u32, f64, Option<f64>), Problem> {
    let stream = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = ext {
        hint.with_extension(ext);
    }
    let reader = symphonia::default::get_probe()
        .probe(&hint, stream, FormatOptions::default(), MetadataOptions::default())
        .map_err(|e| match e {
            Error::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => Problem::Unreadable(e.to_string()),
            _ => Problem::NotAudio,
        })?;
    let track = reader.default_track(TrackType::Audio).ok_or(Problem::NotAudio)?;
    let params = track.codec_params.as_ref().and_then(|p| p.audio()).ok_or(Problem::NotAudio)?;
    if params.codec == CODEC_ID_OPUS {
        return Err(Problem::Opus);
    }
    let rate = params.sample_rate.unwrap_or(0);
    let tick = match track.time_base {
        Some(tb) => f64::from(tb.numer.get()) / f64::from(tb.denom.get()),
        None if rate > 0 => 1.0 / f64::from(rate),
        None => 0.0,
    };
    let header = match (track.num_frames, track.duration) {
        (Some(n), _) if rate > 0 => Some(n as f64 / f64::from(rate)),
        (_, Some(d)) if tick > 0.0 => Some(d.get() as f64 * tick),
        _ => None,
    };
    let id = track.id;
    Ok((reader, id, tick, header))
}

fn duration(source: Box<dyn MediaSource>, ext: Option<&str>) -> Result<f64, Problem> {
    let (mut reader, id, tick, header) = open(source, ext)?;
    if let Some(seconds) = header.filter(|s| *s > 0.0) {
        return Ok(seconds);
    }
    let mut ticks = 0u64;
    loop {
        match reader.next_packet() {
            Ok(Some(p)) if p.track_id == id => ticks += p.dur.get(),
            Ok(Some(_)) => {}
            Ok(None) | Err(Error::ResetRequired) => break,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(_) => return Err(Problem::NotAudio),
        }
    }
    Ok(ticks as f64 * tick)
}

fn decode(source: Box<dyn MediaSource>, ext: Option<&str>) -> Result<Decoded, Problem> {
    let (mut reader, id, _, header) = open(source, ext)?;
    // Refuse an over-long recording from its header, before decoding an hour of audio.
    if let Some(seconds) = header.filter(|s| *s > MAX_SECONDS) {
        return Err(Problem::TooLong { seconds });
    }
    let params = reader
        .tracks()
        .iter()
        .find(|t| t.id == id)
        .and_then(|t| t.codec_params.as_ref())
        .and_then(|p| p.audio())
        .cloned()
        .ok_or(Problem::NotAudio)?;
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|_| Problem::NotAudio)?;

    let mut out =
        Decoded { mono: Vec::new(), rate: params.sample_rate.unwrap_or(0), channels: 0, full_scale: Vec::new() };
    let mut interleaved: Vec<f32> = Vec::new();
    let (mut good, mut bad) = (0usize, 0usize);
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) | Err(Error::ResetRequired) => break,
            // A recording cut short (a copy interrupted, a phone that ran out of space) keeps what it has.
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(Error::IoError(e)) => return Err(Problem::Unreadable(e.to_string())),
            Err(_) => {
                bad += 1;
                break;
            }
        };
        if packet.track_id != id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(buf) => buf,
            Err(Error::DecodeError(_)) => {
                bad += 1;
                continue;
            }
            Err(_) => {
                bad += 1;
                break;
            }
        };
        good += 1;
        let spec = buf.spec();
        let channels = spec.channels().count().max(1);
        if out.rate == 0 {
            out.rate = spec.rate();
        }
        if out.channels == 0 {
            out.channels = channels;
        }
        // A stream whose layout changes midway (chained OGG) would mix garbage: stop at the change.
        if channels != out.channels || spec.rate() != out.rate {
            break;
        }
        buf.copy_to_vec_interleaved(&mut interleaved);
        mix_down(&interleaved, channels, out.rate, &mut out);
        if out.seconds() > MAX_SECONDS {
            return Err(Problem::TooLong { seconds: out.seconds() });
        }
    }
    // Random bytes can look like a few frames of MP3: real audio decodes almost entirely.
    if out.rate == 0 || out.mono.is_empty() || good == 0 || bad > good / 10 + 2 {
        return Err(Problem::NotAudio);
    }
    Ok(out)
}

/// Averages the channels of interleaved samples into `out.mono`, counting full-scale sample instants.
fn mix_down(interleaved: &[f32], channels: usize, rate: u32, out: &mut Decoded) {
    let scale = 1.0 / channels as f32;
    out.mono.reserve(interleaved.len() / channels);
    for frame in interleaved.chunks_exact(channels) {
        let mut sum = 0.0f32;
        let mut peak = 0.0f32;
        for &s in frame {
            // A broken stream can decode to NaN or huge values; they must not poison the loudness sums.
            let s = if s.is_finite() { s.clamp(-4.0, 4.0) } else { 0.0 };
            sum += s;
            peak = peak.max(s.abs());
        }
        let second = out.mono.len() / rate as usize;
        if peak >= FULL_SCALE {
            if out.full_scale.len() <= second {
                out.full_scale.resize(second + 1, 0);
            }
            out.full_scale[second] += 1;
        }
        out.mono.push(sum * scale);
    }
    let seconds = out.mono.len().div_ceil(rate as usize);
    if out.full_scale.len() < seconds {
        out.full_scale.resize(seconds, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes_channels_and_counts_full_scale_per_second() {
        let mut out = Decoded { mono: Vec::new(), rate: 4, channels: 2, full_scale: Vec::new() };
        // Two seconds of stereo at 4 Hz: the left channel clips twice in the second second.
        let frames = [(0.5, 0.1), (0.2, 0.2), (0.0, 0.0), (0.4, -0.4), (1.0, 0.0), (0.3, 0.3), (-1.0, 0.5), (0.0, 0.0)];
        let interleaved: Vec<f32> = frames.iter().flat_map(|&(l, r)| [l, r]).collect();
        mix_down(&interleaved, 2, 4, &mut out);
        assert_eq!(out.mono.len(), 8);
        assert!((out.mono[0] - 0.3).abs() < 1e-6);
        assert!((out.mono[3]).abs() < 1e-6, "opposite channels cancel");
        assert_eq!(out.full_scale, vec![0, 2]);
    }

    #[test]
    fn bytes_that_are_not_audio_are_refused() {
        assert!(matches!(decode_bytes(b"hello, this is not a recording at all", Some("mp3")), Err(Problem::NotAudio)));
        assert!(matches!(decode_bytes(&[], Some("wav")), Err(Problem::NotAudio)));
    }
}
