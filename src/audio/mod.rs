//! Narration recordings, from what a phone records to what a visitor on one bar of signal can stream:
//! decoded (M4A/AAC, MP3, WAV, OGG/Vorbis, FLAC), mixed down to mono, trimmed of leading and trailing
//! silence, brought to an even loudness (EBU R128, −16 LUFS, true peak at most −1 dBTP) and encoded as
//! 40 kbps mono MP3. The same reading also finds what an editor must fix: a file that is not audio, is
//! silent, is clipped throughout or is too long.

pub mod decode;
mod encode;
pub mod level;
pub mod limits;
pub mod problem;

use std::path::Path;

pub use decode::Decoded;
pub use limits::*;
pub use problem::Problem;

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
