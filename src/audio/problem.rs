//! What makes a recording unusable, as an editor is told.

use super::limits::MAX_SECONDS;
use crate::messages::Msg;

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
