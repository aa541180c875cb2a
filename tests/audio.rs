//! The narration pipeline over recordings made here: whatever comes in (stereo, quiet, loud, padded with
//! silence, any of the formats phones save), what goes out is mono MP3 at the published bitrate, at the
//! target loudness and without the silence. The output is checked with a different MP3 decoder (minimp3)
//! from the one the pipeline reads with (symphonia), and loudness with the `ebur128` crate.

mod common;

use std::path::Path;

use common::audio::{interleave, silence, speechlike, wav};
use disan::audio::{self, Problem};

/// What an independent decoder finds in a published MP3.
struct Heard {
    samples: Vec<f32>,
    rate: u32,
    channels: usize,
    /// Every frame's bitrate (kbit/s).
    bitrates: Vec<i32>,
}

impl Heard {
    fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate)
    }
}

fn hear(mp3: &[u8]) -> Heard {
    let mut d = minimp3::Decoder::new(std::io::Cursor::new(mp3));
    let mut heard = Heard { samples: Vec::new(), rate: 0, channels: 0, bitrates: Vec::new() };
    loop {
        match d.next_frame() {
            Ok(f) => {
                heard.rate = f.sample_rate as u32;
                heard.channels = heard.channels.max(f.channels);
                heard.bitrates.push(f.bitrate);
                heard.samples.extend(f.data.iter().map(|&s| f32::from(s) / 32768.0));
            }
            Err(minimp3::Error::Eof) => break,
            Err(e) => panic!("minimp3 cannot read the published MP3: {e:?}"),
        }
    }
    assert!(!heard.samples.is_empty(), "the published MP3 holds no audio");
    heard
}

/// Integrated loudness (LUFS) and true peak (dBTP) of a mono signal, measured here.
fn loudness(samples: &[f32], rate: u32) -> (f64, f64) {
    let mut m = ebur128::EbuR128::new(1, rate, ebur128::Mode::I | ebur128::Mode::TRUE_PEAK).expect("meter");
    m.add_frames_f32(samples).expect("measure");
    (m.loudness_global().expect("loudness"), 20.0 * m.true_peak(0).expect("peak").log10())
}

/// The checks every published recording must pass; returns what was heard.
/// `expected` is how long the sound lasts with the pads the trim keeps (0.15 s before, 0.3 s after, as
/// far as the recording goes).
fn assert_published(encoded: &audio::Encoded, expected: f64) -> Heard {
    let heard = hear(&encoded.mp3);
    assert_eq!(heard.channels, 1, "published narration must be mono");
    assert_eq!(heard.rate, audio::SAMPLE_RATE);
    let kbps = audio::BITRATE_KBPS as i32;
    assert!(heard.bitrates.iter().all(|&b| b == kbps), "frame bitrates {:?}", &heard.bitrates[..8]);
    // The file as a whole is at the target rate (±10 %): what a visitor's network carries.
    let actual_kbps = encoded.mp3.len() as f64 * 8.0 / 1000.0 / heard.seconds();
    assert!(
        (actual_kbps - f64::from(audio::BITRATE_KBPS)).abs() <= 0.1 * f64::from(audio::BITRATE_KBPS),
        "{actual_kbps}"
    );
    let (lufs, peak) = loudness(&heard.samples, heard.rate);
    eprintln!("published: {:.3} s, {actual_kbps:.1} kbit/s, {lufs:.2} LUFS, {peak:.2} dBTP", heard.seconds());
    assert!((lufs - audio::TARGET_LUFS).abs() <= 1.0, "published loudness {lufs:.2} LUFS");
    assert!(peak <= audio::CEILING_DBTP + 0.5, "published true peak {peak:.2} dBTP");
    // Silence trimmed: the sound and its pads, plus the encoder's few frames of delay.
    let extra = heard.seconds() - expected;
    assert!((-0.05..=0.15).contains(&extra), "published {:.3} s, expected {expected} s", heard.seconds());
    assert!((encoded.timing.seconds - heard.seconds()).abs() < 0.2, "{:?}", encoded.timing);
    heard
}

#[test]
fn a_quiet_tone_padded_with_silence_comes_out_trimmed_and_at_the_target_loudness() {
    let rate = 48_000;
    let mut mono = silence(rate, 1.5);
    mono.extend(speechlike(rate, 4.0, 0.05));
    mono.extend(silence(rate, 2.5));
    let bytes = wav(rate, 1, &mono);
    let before = loudness(&mono, rate).0;
    assert!(before < -30.0, "the fixture must start far from the target: {before}");

    let encoded = audio::prepare(&bytes, Some("wav")).expect("prepare");
    assert_published(&encoded, 3.75 + 0.45);
    let t = encoded.timing;
    assert!((t.source_seconds - 8.0).abs() < 0.01, "{t:?}");
    assert!((t.lead - (1.5 - 0.15)).abs() < 0.05, "leading silence cut: {t:?}");
}

#[test]
fn a_loud_stereo_mp3_comes_out_mono_and_limited() {
    // Made here with LAME: a stereo phone recording, louder than the target, with different channels.
    let rate = 44_100;
    let left = [silence(rate, 1.0), speechlike(rate, 5.0, 0.95), silence(rate, 1.0)].concat();
    let right: Vec<f32> = left.iter().map(|s| s * 0.5).collect();
    let mut enc = mp3lame_encoder::Builder::new().expect("lame");
    enc.set_num_channels(2).expect("channels");
    enc.set_sample_rate(rate).expect("rate");
    enc.set_brate(mp3lame_encoder::Bitrate::Kbps128).expect("bitrate");
    let mut enc = enc.build().expect("encoder");
    let mut stereo = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(left.len()));
    enc.encode_to_vec(mp3lame_encoder::DualPcm { left: &left, right: &right }, &mut stereo).expect("encode");
    stereo.reserve(7200);
    enc.flush_to_vec::<mp3lame_encoder::FlushNoGap>(&mut stereo).expect("flush");
    assert_eq!(hear(&stereo).channels, 2, "the fixture must be stereo");

    let encoded = audio::prepare(&stereo, Some("mp3")).expect("prepare");
    let heard = assert_published(&encoded, 4.75 + 0.45);
    assert!(encoded.mp3.len() * 3 < stereo.len(), "{} bytes from {}", encoded.mp3.len(), stereo.len());
    assert!(heard.seconds() < 6.0);
}

/// Small recordings in the formats phones save, made with ffmpeg from a speech-like signal (0.5 s of
/// silence, then syllables for 2.75 s, then 0.25 s of silence; stereo, the FLAC mono at 16 kHz):
/// `tests/fixtures/audio/`.
#[test]
fn every_format_a_phone_saves_is_read() {
    let dir = common::repo().join("tests/fixtures/audio");
    for name in ["voice.m4a", "voice.ogg", "voice.flac", "voice.mp3"] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ext = path.extension().and_then(|e| e.to_str());
        let timing = audio::inspect(&path).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert!((timing.source_seconds - 3.5).abs() < 0.15, "{name}: {timing:?}");
        let encoded = audio::prepare(&bytes, ext).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert_published(&encoded, 0.15 + 2.75 + 0.25);
        let d = audio::duration_of(&path).expect("duration");
        assert!((d - 3.5).abs() < 0.15, "{name}: {d}");
    }
}

#[test]
fn opus_is_named_as_such() {
    let path = common::repo().join("tests/fixtures/audio/voice.opus");
    assert_eq!(audio::inspect(&path), Err(Problem::Opus));
}

fn problem_of(bytes: &[u8], ext: &str) -> Problem {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("rec.{ext}"));
    std::fs::write(&path, bytes).expect("write");
    let found = audio::inspect(&path).expect_err("must be refused");
    assert_eq!(audio::prepare(bytes, Some(ext)).err(), Some(found.clone()), "check and build must agree");
    found
}

#[test]
fn bad_recordings_are_refused_with_their_reason() {
    let rate = 16_000;
    // Not audio at all: a photo renamed, and text.
    let mut jpeg = Vec::new();
    image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 90]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("jpeg");
    assert_eq!(problem_of(&jpeg, "mp3"), Problem::NotAudio);
    assert_eq!(problem_of(b"just some words", "m4a"), Problem::NotAudio);
    assert_eq!(problem_of(&[], "wav"), Problem::NotAudio);

    // Silent: digital zero, and a hiss far below anything audible.
    assert!(matches!(problem_of(&wav(rate, 1, &silence(rate, 3.0)), "wav"), Problem::Silent { .. }));
    let hiss: Vec<f32> = (0..rate * 3).map(|i| ((i * 7919 % 200) as f32 - 100.0) * 2e-6).collect();
    match problem_of(&wav(rate, 1, &hiss), "wav") {
        Problem::Silent { loudest } => assert!(loudest < -60.0, "{loudest}"),
        other => panic!("{other:?}"),
    }

    // Clipped throughout: speech recorded far too hot, flattened at full scale in every syllable.
    let hot: Vec<f32> = speechlike(rate, 6.0, 4.0).iter().map(|s| s.clamp(-1.0, 1.0)).collect();
    match problem_of(&wav(rate, 2, &interleave(&[&hot, &hot])), "wav") {
        Problem::Clipped { share } => assert!(share > 0.9, "{share}"),
        other => panic!("{other:?}"),
    }
    // One clipped shout in a clean recording is kept.
    let mut once = speechlike(rate, 6.0, 0.5);
    once.extend(speechlike(rate, 0.5, 4.0).iter().map(|s| s.clamp(-1.0, 1.0)));
    once.extend(speechlike(rate, 6.0, 0.5));
    assert!(audio::prepare(&wav(rate, 1, &once), Some("wav")).is_ok());

    // Too long: 20 min 30 s (8 kHz keeps the file small); refused from its header, before decoding.
    let long = silence(8_000, 20.5 * 60.0);
    match problem_of(&wav(8_000, 1, &long), "wav") {
        Problem::TooLong { seconds } => assert!((seconds - 1230.0).abs() < 1.0, "{seconds}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_recording_is_encoded_once_and_reused_from_the_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("rec.wav");
    let rate = 22_050;
    let mut mono = silence(rate, 0.8);
    mono.extend(speechlike(rate, 2.0, 0.3));
    common::audio::write_wav(&src, rate, 1, &mono);
    let out = dir.path().join("out");
    let cache = dir.path().join("cache");
    let make = |out: &Path| {
        let mo = disan::build::media::MediaOut {
            out,
            cache: &cache,
            used: Default::default(),
            making: Default::default(),
            tile_params: Default::default(),
            progress: disan::progress::Progress::hidden(),
        };
        mo.prepared_audio("media/demo", "narration-vi", &src).expect("prepare")
    };
    let first = make(&out);
    assert!(first.url.starts_with("/media/demo/narration-vi.") && first.url.ends_with(".mp3"), "{}", first.url);
    assert!((first.lead - 0.65).abs() < 0.05, "{first:?}");
    assert!((first.seconds - 2.2).abs() < 0.1, "{first:?}");
    let published = std::fs::read(out.join(first.url.trim_start_matches('/'))).expect("published file");
    // A second build into a fresh folder finds the cached MP3 and its timing: same name, bytes, numbers.
    let cached = std::fs::read_dir(&cache).expect("cache").count();
    let out2 = dir.path().join("out2");
    let second = make(&out2);
    assert_eq!(second.url, first.url);
    assert_eq!((second.seconds, second.lead), (first.seconds, first.lead));
    assert_eq!(std::fs::read(out2.join(second.url.trim_start_matches('/'))).expect("again"), published);
    assert_eq!(std::fs::read_dir(&cache).expect("cache").count(), cached);
}
