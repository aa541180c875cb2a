//! Levels of a mono signal: where the sound starts and ends, whether it is silent or clipped throughout,
//! and loudness normalisation (EBU R128 with the `ebur128` crate) with a true-peak limiter.

use std::collections::VecDeque;

use ebur128::{EbuR128, Mode};

/// Window for finding where sound starts and ends.
const WINDOW_SECONDS: f64 = 0.02;
/// A recording whose loudest window is quieter than this (dBFS RMS) has nothing in it to hear.
pub const SILENT_DBFS: f64 = -60.0;
/// Sound is what lies within this many dB of the loudest window (breathing and room noise do not).
const SOUND_BELOW_LOUDEST_DB: f64 = 40.0;
/// Sound must last this long to count as the start or end: a tap on the phone is not speech.
const MIN_SOUND_SECONDS: f64 = 0.08;
/// Kept before the first and after the last sound so onsets and fading words are not cut.
const PAD_BEFORE: f64 = 0.15;
const PAD_AFTER: f64 = 0.3;
/// A second is clipped when at least this share of its samples sits at full scale.
const CLIPPED_SHARE_OF_SECOND: f64 = 0.001;
/// A recording is clipped throughout when more than this share of its sounding seconds is clipped.
pub const CLIPPED_SHARE_OF_RECORDING: f64 = 0.5;

/// RMS level in dBFS of each `WINDOW_SECONDS` window.
fn window_levels(mono: &[f32], rate: u32) -> (usize, Vec<f64>) {
    let len = ((f64::from(rate) * WINDOW_SECONDS) as usize).max(1);
    let levels = mono
        .chunks(len)
        .map(|w| {
            let energy = w.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / w.len() as f64;
            db(energy.sqrt())
        })
        .collect();
    (len, levels)
}

fn db(amplitude: f64) -> f64 {
    if amplitude <= 1e-12 { -240.0 } else { 20.0 * amplitude.log10() }
}

/// The loudest window's level in dBFS (below [`SILENT_DBFS`] means silent).
pub fn loudest_dbfs(mono: &[f32], rate: u32) -> f64 {
    window_levels(mono, rate).1.into_iter().fold(-240.0, f64::max)
}

/// The sample range to keep: from a little before the first sound to a little after the last.
pub fn sound_span(mono: &[f32], rate: u32) -> std::ops::Range<usize> {
    let (len, levels) = window_levels(mono, rate);
    let loudest = levels.iter().copied().fold(-240.0, f64::max);
    let threshold = (loudest - SOUND_BELOW_LOUDEST_DB).max(SILENT_DBFS);
    let run = ((MIN_SOUND_SECONDS / WINDOW_SECONDS).ceil() as usize).max(1);
    let loud: Vec<bool> = levels.iter().map(|&l| l >= threshold).collect();
    let sustained = |i: usize| loud.get(i..i + run).is_some_and(|w| w.iter().all(|&b| b));
    let first = (0..loud.len()).find(|&i| sustained(i));
    let last = (0..loud.len()).rev().find(|&i| i + 1 >= run && sustained(i + 1 - run));
    let (Some(first), Some(last)) = (first, last) else {
        return 0..mono.len();
    };
    let pad_before = (PAD_BEFORE * f64::from(rate)) as usize;
    let pad_after = (PAD_AFTER * f64::from(rate)) as usize;
    let start = (first * len).saturating_sub(pad_before);
    let end = ((last + 1) * len + pad_after).min(mono.len());
    start..end.max(start)
}

/// The share of sounding seconds (louder than the recording's sound threshold) that are clipped, given
/// the count of full-scale sample instants in each second.
pub fn clipped_share(mono: &[f32], rate: u32, full_scale: &[u32]) -> f64 {
    let loudest = loudest_dbfs(mono, rate);
    let threshold = (loudest - SOUND_BELOW_LOUDEST_DB).max(SILENT_DBFS);
    let per_second = rate as usize;
    let (mut sounding, mut clipped) = (0usize, 0usize);
    for (i, second) in mono.chunks(per_second).enumerate() {
        let energy = second.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / second.len() as f64;
        if db(energy.sqrt()) < threshold {
            continue;
        }
        sounding += 1;
        let hits = full_scale.get(i).copied().unwrap_or(0);
        if f64::from(hits) >= CLIPPED_SHARE_OF_SECOND * second.len() as f64 {
            clipped += 1;
        }
    }
    if sounding == 0 { 0.0 } else { clipped as f64 / sounding as f64 }
}

/// Integrated loudness (LUFS) and true peak (linear) of a mono signal, as EBU R128 measures them.
pub fn measure(mono: &[f32], rate: u32) -> Result<(f64, f64), String> {
    let mut meter = EbuR128::new(1, rate, Mode::I | Mode::TRUE_PEAK).map_err(|e| e.to_string())?;
    meter.add_frames_f32(mono).map_err(|e| e.to_string())?;
    let loudness = meter.loudness_global().map_err(|e| e.to_string())?;
    let peak = meter.true_peak(0).map_err(|e| e.to_string())?;
    Ok((loudness, peak))
}

/// Brings `mono` to `target` LUFS integrated with no true peak above `ceiling_dbtp`: a gain, then a
/// look-ahead limiter for the few peaks the gain pushes over, measured again until both hold. Returns
/// the loudness and true peak (dBTP) reached.
pub fn normalise(mono: &mut [f32], rate: u32, target: f64, ceiling_dbtp: f64) -> Result<(f64, f64), String> {
    let original = mono.to_vec();
    let (loudness, _) = measure(&original, rate)?;
    if !loudness.is_finite() {
        return Err("nothing loud enough to measure".into());
    }
    let mut gain_db = target - loudness;
    // Inter-sample peaks rise above the sample peaks the limiter sees: start with a little margin and
    // widen it if the true peak still comes out too high.
    let mut margin_db = 0.5;
    let mut reached = (loudness, 0.0);
    for _ in 0..8 {
        let gain = 10f64.powf(gain_db / 20.0) as f32;
        for (out, &s) in mono.iter_mut().zip(&original) {
            *out = s * gain;
        }
        let ceiling = 10f64.powf((ceiling_dbtp - margin_db) / 20.0) as f32;
        limit(mono, rate, ceiling);
        let (l, peak) = measure(mono, rate)?;
        let peak_db = db(peak);
        reached = (l, peak_db);
        let loud_ok = (l - target).abs() <= 0.2;
        let peak_ok = peak_db <= ceiling_dbtp + 0.05;
        if loud_ok && peak_ok {
            break;
        }
        if !peak_ok {
            margin_db += peak_db - ceiling_dbtp + 0.1;
        }
        gain_db += target - l;
    }
    Ok(reached)
}

/// Keeps every sample within `ceiling`: the gain each sample needs is spread over a short look-ahead
/// window (no sudden steps that click) and recovers slowly afterwards (no pumping).
pub fn limit(x: &mut [f32], rate: u32, ceiling: f32) {
    if x.iter().all(|s| s.abs() <= ceiling) {
        return;
    }
    let look = ((f64::from(rate) * 0.005) as usize).max(1);
    let release = 1.0 - (-1.0 / (f64::from(rate) * 0.08)).exp() as f32;
    let need: Vec<f32> = x.iter().map(|s| if s.abs() > ceiling { ceiling / s.abs() } else { 1.0 }).collect();
    // Forward minimum over [i, i + look): every window that covers a peak already wants its gain.
    let mut ahead = vec![1.0f32; x.len()];
    let mut window: VecDeque<usize> = VecDeque::new();
    for j in (0..x.len()).rev() {
        while window.back().is_some_and(|&k| need[k] >= need[j]) {
            window.pop_back();
        }
        window.push_back(j);
        while window.front().is_some_and(|&k| k >= j + look) {
            window.pop_front();
        }
        ahead[j] = need[window.front().copied().unwrap_or(j)];
    }
    // A moving average of those minima over [i - look + 1, i]: each term's window contains i, so the
    // average never exceeds the gain sample i needs, and it ramps instead of stepping.
    let mut sum = 0.0f64;
    let mut gain = 1.0f32;
    for i in 0..x.len() {
        sum += f64::from(ahead[i]);
        if i >= look {
            sum -= f64::from(ahead[i - look]);
        }
        let avg = (sum / (i + 1).min(look) as f64) as f32;
        gain = avg.min(gain + (1.0 - gain) * release);
        x[i] *= gain;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, seconds: f64, freq: f64, amp: f32) -> Vec<f32> {
        (0..(f64::from(rate) * seconds) as usize)
            .map(|i| amp * (std::f64::consts::TAU * freq * i as f64 / f64::from(rate)).sin() as f32)
            .collect()
    }

    #[test]
    fn the_span_skips_silence_and_isolated_clicks() {
        let rate = 8000;
        let mut x = vec![0.0f32; 8000];
        x[4000] = 0.9; // a tap on the phone
        x.extend(tone(rate, 1.0, 440.0, 0.3));
        x.extend(vec![0.0; 16000]);
        let span = sound_span(&x, rate);
        let start = span.start as f64 / 8000.0;
        let end = span.end as f64 / 8000.0;
        assert!((start - (1.0 - PAD_BEFORE)).abs() < 0.03, "{start}");
        assert!((end - (2.0 + PAD_AFTER)).abs() < 0.03, "{end}");
    }

    #[test]
    fn silence_has_no_span_and_is_below_the_silent_level() {
        let x = vec![0.0f32; 4000];
        assert_eq!(sound_span(&x, 8000), 0..4000);
        assert!(loudest_dbfs(&x, 8000) < SILENT_DBFS);
        let hiss: Vec<f32> = (0..8000).map(|i| if i % 2 == 0 { 1e-4 } else { -1e-4 }).collect();
        assert!(loudest_dbfs(&hiss, 8000) < SILENT_DBFS);
    }

    #[test]
    fn clipping_counts_only_sounding_seconds() {
        let rate = 1000;
        let mut x = tone(rate, 4.0, 50.0, 0.5);
        x.extend(vec![0.0; 4000]);
        // Seconds 0, 1 and 2 clipped, 3 clean; the silent seconds 4-7 do not count.
        let full = vec![40, 40, 40, 0, 0, 0, 0, 0];
        assert!((clipped_share(&x, rate, &full) - 0.75).abs() < 1e-9);
        assert_eq!(clipped_share(&x, rate, &[0; 8]), 0.0);
    }

    #[test]
    fn the_limiter_holds_the_ceiling_without_touching_quiet_parts() {
        let rate = 48000;
        let mut x = tone(rate, 0.5, 300.0, 0.2);
        x.extend(tone(rate, 0.05, 300.0, 1.6));
        x.extend(tone(rate, 0.5, 300.0, 0.2));
        let before = x.clone();
        limit(&mut x, rate, 0.8);
        assert!(x.iter().all(|s| s.abs() <= 0.8 + 1e-6));
        // Well before the burst nothing changed.
        assert_eq!(&x[..20000], &before[..20000]);
    }

    #[test]
    fn normalising_reaches_the_target_and_the_ceiling() {
        let rate = 48000;
        // Quiet speech-like bursts with one loud peak: gain alone would push the peak far over.
        let mut x = Vec::new();
        for k in 0..10 {
            x.extend(tone(rate, 0.3, 200.0 + 20.0 * f64::from(k), 0.03));
            x.extend(vec![0.0; 4800]);
        }
        x.extend(tone(rate, 0.02, 1000.0, 0.5));
        let (loudness, peak) = normalise(&mut x, rate, -16.0, -1.0).expect("normalise");
        let (measured, tp) = measure(&x, rate).expect("measure");
        assert!((measured - -16.0).abs() < 0.3, "{measured} (reported {loudness})");
        assert!(db(tp) <= -0.95, "true peak {} dBTP (reported {peak})", db(tp));
    }
}
