//! The numbers every part of the recordings pipeline agrees on.

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
