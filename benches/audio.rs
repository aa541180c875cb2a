//! Narration benchmark: what `disan check` and `disan build` spend on one 3-minute phone recording
//! (48 kHz stereo, speech-like syllables with pauses and a little room noise, silence at both ends), as
//! WAV, as a 128 kbps MP3 and, when ffmpeg is installed, as an M4A (AAC) like a phone's recorder saves;
//! beside ffmpeg doing the same job (mono, two-pass-free `loudnorm` to −16 LUFS, 40 kbps MP3) as the
//! reference. Run with `cargo bench --bench audio`.

use std::f64::consts::TAU;
use std::process::Command;
use std::time::Instant;

const RATE: u32 = 48_000;
const SECONDS: f64 = 180.0;

/// 3 minutes of stereo: 2 s of silence, syllables (a voiced tone with harmonics under a smooth
/// envelope, every fifth one a pause), 2 s of silence; a faint noise throughout.
fn recording() -> Vec<f32> {
    let n = (f64::from(RATE) * SECONDS) as usize;
    let mut noise = 0x2545_f491u32;
    let mut out = Vec::with_capacity(n * 2);
    for i in 0..n {
        let t = i as f64 / f64::from(RATE);
        let speaking = t > 2.0 && t < SECONDS - 2.0;
        let syllable = (t / 0.22) as usize;
        let phase = (t % 0.22) / 0.22;
        let env = if speaking && syllable % 5 != 4 { (std::f64::consts::PI * phase).sin().powi(2) } else { 0.0 };
        let f0 = 120.0 + 40.0 * (t * 0.9).sin() + 15.0 * (t * 3.1).sin();
        let voice = (TAU * f0 * t).sin() + 0.6 * (TAU * 2.0 * f0 * t).sin() + 0.3 * (TAU * 3.0 * f0 * t).sin();
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let hiss = (f64::from(noise) / f64::from(u32::MAX) - 0.5) * 0.002;
        let s = 0.25 * env * voice / 1.9 + hiss;
        out.push(s as f32);
        out.push((s * 0.8) as f32);
    }
    out
}

fn wav(samples: &[f32]) -> Vec<u8> {
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    for part in [&b"RIFF"[..], &(36 + data).to_le_bytes(), b"WAVEfmt ", &16u32.to_le_bytes(), &1u16.to_le_bytes()] {
        out.extend_from_slice(part);
    }
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 4).to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes());
    }
    out
}

fn mp3_128k(samples: &[f32]) -> Vec<u8> {
    let mut b = mp3lame_encoder::Builder::new().expect("lame");
    b.set_num_channels(2).expect("channels");
    b.set_sample_rate(RATE).expect("rate");
    b.set_brate(mp3lame_encoder::Bitrate::Kbps128).expect("bitrate");
    let mut enc = b.build().expect("encoder");
    let mut out = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(samples.len()));
    enc.encode_to_vec(mp3lame_encoder::InterleavedPcm(samples), &mut out).expect("encode");
    out.reserve(7200);
    enc.flush_to_vec::<mp3lame_encoder::FlushNoGap>(&mut out).expect("flush");
    out
}

/// Median seconds of `runs` runs.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn ffmpeg(args: &[&str]) -> bool {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let samples = recording();
    let mut inputs = vec![("WAV, 48 kHz stereo", dir.path().join("rec.wav"))];
    std::fs::write(&inputs[0].1, wav(&samples)).expect("write wav");
    let mp3 = dir.path().join("rec.mp3");
    std::fs::write(&mp3, mp3_128k(&samples)).expect("write mp3");
    inputs.push(("MP3, 128 kbps stereo", mp3));
    let m4a = dir.path().join("rec.m4a");
    let wav_path = inputs[0].1.to_string_lossy().into_owned();
    if ffmpeg(&["-i", &wav_path, "-c:a", "aac", "-b:a", "96k", &m4a.to_string_lossy()]) {
        inputs.push(("M4A (AAC), 96 kbps stereo", m4a));
    } else {
        println!("(ffmpeg not found: no M4A case and no reference)");
    }

    println!("3-minute recording, median of 3 runs, seconds:");
    println!(
        "| input | size | check (decode + examine) | build (decode → MP3) | output | loudness | ffmpeg (mono, loudnorm, 40 kbps MP3) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (label, path) in &inputs {
        let bytes = std::fs::read(path).expect("read");
        let ext = path.extension().and_then(|e| e.to_str());
        let check = time(3, || {
            disan::audio::inspect(path).expect("inspect");
        });
        let mut encoded = None;
        let build = time(3, || encoded = Some(disan::audio::prepare(&bytes, ext).expect("prepare")));
        let encoded = encoded.expect("ran");
        let reference = if Command::new("ffmpeg").arg("-version").output().is_ok() {
            let out = dir.path().join("ffmpeg.mp3").to_string_lossy().into_owned();
            let input = path.to_string_lossy().into_owned();
            let args = ["-i", &input, "-ac", "1", "-af", "loudnorm=I=-16:TP=-1", "-ar", "24000", "-b:a", "40k", &out];
            format!("{:.2}", time(3, || assert!(ffmpeg(&args), "ffmpeg failed")))
        } else {
            "—".into()
        };
        println!(
            "| {label} | {:.1} MB | {check:.2} | {build:.2} | {} kB, {:.1} s | {:.1} LUFS, {:.1} dBTP | {reference} |",
            bytes.len() as f64 / 1e6,
            encoded.mp3.len() / 1000,
            encoded.timing.seconds,
            encoded.loudness.0,
            encoded.loudness.1,
        );
    }
}
