//! Recordings made in tests: WAV files written sample by sample, and signals that behave like speech
//! (voiced bursts with pauses) or like the mistakes editors make (silence, clipping).

use std::f64::consts::TAU;
use std::path::Path;

/// A 16-bit PCM WAV file of interleaved `samples` (±1, `channels` values per sample instant).
pub fn wav(rate: u32, channels: u16, samples: &[f32]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    out.extend_from_slice(&(channels * 2).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
    }
    out
}

/// Writes a WAV file, creating its folder.
pub fn write_wav(path: &Path, rate: u32, channels: u16, samples: &[f32]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create audio dir");
    std::fs::write(path, wav(rate, channels, samples)).expect("write wav");
}

/// `seconds` of speech-like sound: a voiced tone (fundamental plus harmonics) in syllable-length bursts
/// with short gaps, at peak amplitude about `amp`.
pub fn speechlike(rate: u32, seconds: f64, amp: f32) -> Vec<f32> {
    let n = (f64::from(rate) * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            // Syllables of 0.25 s, every fourth one a pause; a smooth envelope so nothing clicks.
            let syllable = (t / 0.25) as usize;
            let phase = (t % 0.25) / 0.25;
            let env = if syllable % 4 == 3 { 0.0 } else { (std::f64::consts::PI * phase).sin().powi(2) };
            let f0 = 140.0 + 30.0 * (t * 1.3).sin();
            let voice = (TAU * f0 * t).sin() + 0.5 * (TAU * 2.0 * f0 * t).sin() + 0.25 * (TAU * 3.0 * f0 * t).sin();
            (f64::from(amp) * env * voice / 1.75) as f32
        })
        .collect()
}

/// Interleaves mono channels into frames.
pub fn interleave(channels: &[&[f32]]) -> Vec<f32> {
    let n = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    (0..n).flat_map(|i| channels.iter().map(move |c| c[i])).collect()
}

/// `seconds` of digital silence.
pub fn silence(rate: u32, seconds: f64) -> Vec<f32> {
    vec![0.0; (f64::from(rate) * seconds) as usize]
}
