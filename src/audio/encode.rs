//! Encoding the published narration: MP3, mono, constant bitrate, with LAME.
//!
//! Why MP3: every phone browser plays it (AAC-in-MP4 would sound a little better at this bitrate, but
//! the only maintained encoder crate, `fdk-aac`, bundles C++ under a licence Debian counts as non-free,
//! while LAME builds from the C sources `mp3lame-sys` bundles with the C compiler `ring` already needs).
//! Why constant bitrate: browsers estimate an MP3's duration and seek positions from its bitrate, so a
//! constant one makes the progress bar, seeking over byte ranges and caption timing exact. LAME also
//! writes its Info tag (frame count, encoder delay) so decoders that read it are sample-exact.

use std::num::NonZeroU32;

use mp3lame_encoder::{Bitrate, Builder, FlushNoGap, Mode, MonoPcm, Quality};

use super::limits::{BITRATE_KBPS, SAMPLE_RATE};

/// Encodes a mono signal (nominally ±1) sampled at `rate` as MP3; LAME resamples to [`SAMPLE_RATE`].
pub fn mp3(mono: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("MP3 encoder: {what}: {e}");
    // LAME fills some global tables the first time an encoder is set up; sites are built in parallel,
    // so set-ups take turns (encoding itself is per encoder and runs in parallel).
    static SETUP: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let setup = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let mut b = Builder::new().ok_or("MP3 encoder: cannot start LAME")?;
    b.set_num_channels(1).map_err(|e| fail("channels", &e))?;
    b.set_sample_rate(rate).map_err(|e| fail("input rate", &e))?;
    b.set_output_sample_rate(NonZeroU32::new(SAMPLE_RATE)).map_err(|e| fail("output rate", &e))?;
    b.set_brate(BITRATE).map_err(|e| fail("bitrate", &e))?;
    b.set_mode(Mode::Mono).map_err(|e| fail("mode", &e))?;
    // LAME's "high quality" search (q=2): noticeably cleaner speech at low bitrates than the default 5.
    b.set_quality(Quality::NearBest).map_err(|e| fail("quality", &e))?;
    b.set_to_write_vbr_tag(true).map_err(|e| fail("Info tag", &e))?;
    let mut enc = b.build().map_err(|e| fail("settings", &e))?;
    drop(setup);

    let mut out = Vec::with_capacity(mono.len() / 4 + 8192);
    for chunk in mono.chunks(1152 * 16) {
        out.reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
        enc.encode_to_vec(MonoPcm(chunk), &mut out).map_err(|e| fail("encoding", &e))?;
    }
    out.reserve(7200);
    enc.flush_to_vec::<FlushNoGap>(&mut out).map_err(|e| fail("flushing", &e))?;
    // The first frame was reserved for the Info tag, which is only known now.
    let mut tag = Vec::with_capacity(enc.lame_tag_size());
    if enc.lame_tag_encode_to_vec(&mut tag).is_some() && tag.len() <= out.len() {
        out[..tag.len()].copy_from_slice(&tag);
    }
    Ok(out)
}

const BITRATE: Bitrate = Bitrate::Kbps40;
const _: () = assert!(BITRATE as u32 == BITRATE_KBPS, "BITRATE_KBPS must name the bitrate used");
