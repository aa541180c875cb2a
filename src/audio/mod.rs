//! Narration recordings, from what a phone records to what a visitor on one bar of signal can stream:
//! decoded (M4A/AAC, MP3, WAV, OGG/Vorbis, FLAC), mixed down to mono, trimmed of leading and trailing
//! silence, brought to an even loudness (EBU R128, −16 LUFS, true peak at most −1 dBTP) and encoded as
//! 40 kbps mono MP3. The same reading also finds what an editor must fix: a file that is not audio, is
//! silent, is clipped throughout or is too long.

pub mod decode;
mod encode;
pub mod level;

use crate::messages::Msg;
use std::path::Path;

pub use decode::Decoded;

/// Integrated loudness of every published recording (LUFS): what podcast and speech platforms use, loud
/// enough for a phone's speaker outdoors without squashing the voice.
pub const TARGET_LUFS: f64 = -16.0;
/// Highest true peak of a published recording (dBTP), so encoding and phone speakers do not distort.
pub const CEILING_DBTP: f64 = -1.0;
/// Bitrate of the published MP3 (kbit/s, constant): 300 kB a minute.
pub const BITRATE_KBPS: u32 = 40;
/// Sample rate of the published MP3: MPEG-2's 24 kHz keeps speech up to its encoder's 8–10 kHz low-pass.
pub const SAMPLE_RATE: u32 = 24_000;
/// Longest recording accepted, in seconds (20 minutes): a narration is heard standing at a relic, and
/// longer files are usually a whole tour or a recorder left running.
pub const MAX_SECONDS: f64 = 20.0 * 60.0;
/// File extensions accepted for recordings.
pub const EXTENSIONS: &[&str] = &["m4a", "mp3", "wav", "ogg", "oga", "flac", "aac", "opus"];
/// Names the processing, so cached outputs are redone when any of it changes.
pub const PIPELINE: &str = "narration-v1 mono -16LUFS -1dBTP 40k 24k";

/// What makes a recording unusable, as an editor would be told.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The file cannot be opened or read.
    Unreadable(String),
    /// Not a recording in a format we decode.
    NotAudio,
    /// Opus (WhatsApp voice messages, some recorder apps): no pure-Rust decoder is available.
    Opus,
    /// Nothing louder than [`level::SILENT_DBFS`].
    Silent {
        /// The loudest moment, dBFS.
        loudest: f64,
    },
    /// More than half of the sounding seconds hit full scale.
    Clipped {
        /// Share of sounding seconds that are clipped, 0–1.
        share: f64,
    },
    /// Longer than [`MAX_SECONDS`].
    TooLong {
        /// The recording's length.
        seconds: f64,
    },
    /// The encoder refused (not the editor's doing).
    Encoding(String),
}

impl Problem {
    /// The message, to follow "audio `file` ".
    pub fn message(&self) -> Msg {
        match self {
            Problem::Unreadable(e) => Msg::AudioCannotRead { why: e.clone() },
            Problem::Encoding(e) => Msg::AudioEncoding { why: e.clone() },
            Problem::NotAudio => Msg::AudioNotSound,
            Problem::Opus => Msg::AudioOpus,
            Problem::Silent { loudest } => Msg::AudioSilent { loudest: loudest.max(-120.0).round().to_string() },
            Problem::Clipped { share } => Msg::AudioClipped { percent: (share * 100.0).round().to_string() },
            Problem::TooLong { seconds } => {
                Msg::AudioTooLong { length: minutes(*seconds), limit: (MAX_SECONDS / 60.0).round().to_string() }
            }
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> Option<Msg> {
        Some(match self {
            Problem::Unreadable(_) | Problem::Encoding(_) => return None,
            Problem::NotAudio => Msg::HintAudioFile,
            Problem::Opus => Msg::HintAudioOpus,
            Problem::Silent { .. } => Msg::HintAudioSilent,
            Problem::Clipped { .. } => Msg::HintAudioClipped,
            Problem::TooLong { .. } => Msg::HintAudioTooLong,
        })
    }
}

/// `m:ss`.
fn minutes(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// What reading a recording found: it is usable, and this is how the published one relates to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Length of the editor's recording, in seconds.
    pub source_seconds: f64,
    /// Seconds of leading silence removed: a time in the editor's recording (a caption cue, say) is this
    /// much earlier in the published one.
    pub lead: f64,
    /// Length of the published recording, in seconds.
    pub seconds: f64,
}

/// A recording made ready for the web.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The MP3 file.
    pub mp3: Vec<u8>,
    /// Where it came from.
    pub timing: Timing,
    /// Integrated loudness reached (LUFS) and true peak (dBTP), before MP3 encoding.
    pub loudness: (f64, f64),
}

/// Finds what is wrong with a decoded recording, and where its sound lies.
fn examine(d: &Decoded) -> Result<(std::ops::Range<usize>, Timing), Problem> {
    let loudest = level::loudest_dbfs(&d.mono, d.rate);
    if loudest < level::SILENT_DBFS {
        return Err(Problem::Silent { loudest });
    }
    let share = level::clipped_share(&d.mono, d.rate, &d.full_scale);
    if share > level::CLIPPED_SHARE_OF_RECORDING {
        return Err(Problem::Clipped { share });
    }
    let span = level::sound_span(&d.mono, d.rate);
    let rate = f64::from(d.rate);
    let timing =
        Timing { source_seconds: d.seconds(), lead: span.start as f64 / rate, seconds: span.len() as f64 / rate };
    Ok((span, timing))
}

/// Reads a recording file and checks it, without encoding anything: what `disan check` does.
pub fn inspect(path: &Path) -> Result<Timing, Problem> {
    let decoded = decode::decode_file(path)?;
    examine(&decoded).map(|(_, t)| t)
}

/// The whole pipeline over a recording's bytes (`ext` helps recognise the format).
pub fn prepare(bytes: &[u8], ext: Option<&str>) -> Result<Encoded, Problem> {
    prepare_decoded(decode::decode_bytes(bytes, ext)?)
}

/// The pipeline after decoding: trim, normalise, encode.
pub fn prepare_decoded(decoded: Decoded) -> Result<Encoded, Problem> {
    let (span, timing) = examine(&decoded)?;
    let Decoded { mut mono, rate, .. } = decoded;
    mono.truncate(span.end);
    mono.drain(..span.start);
    let loudness = level::normalise(&mut mono, rate, TARGET_LUFS, CEILING_DBTP)
        .map_err(|_| Problem::Silent { loudest: level::loudest_dbfs(&mono, rate) })?;
    let mp3 = encode::mp3(&mono, rate).map_err(Problem::Encoding)?;
    Ok(Encoded { mp3, timing, loudness })
}

/// How long a recording file lasts, in seconds, read from its container without decoding (quick).
pub fn duration_of(path: &Path) -> Result<f64, Problem> {
    decode::duration_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_numbers_an_editor_can_act_on() {
        assert_eq!(Problem::TooLong { seconds: 1265.4 }.message().en(), "lasts 21:05, longer than the 20-minute limit");
        assert_eq!(Problem::Silent { loudest: -71.6 }.message().en(), "is silent: its loudest moment is -72 dBFS");
        assert_eq!(
            Problem::Clipped { share: 0.834 }.message().en(),
            "is clipped throughout: 83% of its sounding seconds hit full scale"
        );
        for p in [Problem::NotAudio, Problem::Opus, Problem::Silent { loudest: -80.0 }] {
            assert!(p.hint().is_some(), "{p:?}");
        }
    }
}
