//! Shrinking a square face to the fallback size, and a whole panorama to its flat copy: a separable
//! triangle (tent) filter as wide as the scale factor, in fixed point, one output row at a time. The
//! general resizer in `image` works in floating point on whole images (cost a third of all tiling
//! instructions, and holds an intermediate of 16 bytes a pixel: 512 MiB for a 16384-wide panorama shrunk
//! to 4096); this one does the two jobs the build needs.

/// Filter taps for one output position: the first input index and fixed-point weights that sum to one.
struct Taps {
    first: usize,
    weights: Vec<i32>,
}

const ONE: i32 = 1 << 14;

/// Taps mapping `from` input samples onto `to` output samples (`to` ≤ `from`), weights summing to `one`.
fn taps(from: usize, to: usize, one: i32) -> Vec<Taps> {
    let ratio = from as f64 / to as f64;
    let radius = ratio.max(1.0);
    (0..to)
        .map(|o| {
            let centre = (o as f64 + 0.5) * ratio - 0.5;
            let first = ((centre - radius).ceil().max(0.0)) as usize;
            let last = ((centre + radius).floor() as usize).min(from - 1);
            let raw: Vec<f64> = (first..=last).map(|i| (1.0 - (i as f64 - centre).abs() / radius).max(0.0)).collect();
            let sum: f64 = raw.iter().sum();
            let mut weights: Vec<i32> = raw.iter().map(|w| (w / sum * one as f64).round() as i32).collect();
            // Rounding may leave the sum a unit off: give the difference to the largest tap.
            let error = one - weights.iter().sum::<i32>();
            if let Some(i) = (0..weights.len()).max_by_key(|&i| weights[i]) {
                weights[i] += error;
            }
            Taps { first, weights }
        })
        .collect()
}

/// Resizes a `from`×`from` RGB square to `to`×`to` (`to` ≤ `from`).
pub fn square(src: &[u8], from: usize, to: usize) -> Vec<u8> {
    rect(src, (from, from), (to, to))
}

/// Resizes a `from` (width, height) RGB image to `to` (a side a pixel longer is interpolated). Works one
/// output row at a time, so besides the output it holds only one input-wide row: shrinking a 384 MB
/// panorama costs a few hundred kilobytes, where a whole-image resizer holds an intermediate image larger
/// than its source.
pub fn rect(src: &[u8], from: (usize, usize), to: (usize, usize)) -> Vec<u8> {
    let ((fw, fh), (tw, th)) = (from, to);
    debug_assert_eq!(src.len(), fw * fh * 3);
    if to == from {
        return src.to_vec();
    }
    let tv = taps(fh, th, ONE);
    // Along rows the three channels travel as 21-bit lanes of one integer, with 12-bit weights (a tent
    // has no negative lobes, so no lane can overflow into the next or fall below zero).
    const H_ONE: i32 = 1 << 12;
    const LANE: u64 = (1 << 21) - 1;
    let th_taps = taps(fw, tw, H_ONE);
    let stride = fw * 3;
    let mut acc = vec![0i32; stride];
    let mut tall = vec![0u8; stride];
    let mut out = vec![0u8; tw * th * 3];
    for (tap, line) in tv.iter().zip(out.chunks_exact_mut(tw * 3)) {
        // Down the columns first: the output row's input-wide row is a weighted sum of whole input rows,
        // a loop the compiler vectorises; then the narrower pass along that one row.
        acc.fill(ONE / 2);
        for (i, &w) in tap.weights.iter().enumerate() {
            let row = &src[(tap.first + i) * stride..][..stride];
            for (a, &s) in acc.iter_mut().zip(row) {
                *a += i32::from(s) * w;
            }
        }
        for (o, &a) in tall.iter_mut().zip(&acc) {
            *o = (a >> 14).clamp(0, 255) as u8;
        }
        let row = tall.as_chunks::<3>().0;
        for (px, tap) in line.as_chunks_mut::<3>().0.iter_mut().zip(&th_taps) {
            let mut acc = (H_ONE as u64 / 2) * (1 | 1 << 21 | 1 << 42);
            for (&[r, g, b], &w) in row[tap.first..].iter().zip(&tap.weights) {
                acc += (u64::from(r) | u64::from(g) << 21 | u64::from(b) << 42) * w as u64;
            }
            let lane = |shift: u32| ((acc >> shift & LANE) >> 12) as u8;
            *px = [lane(0), lane(21), lane(42)];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_normalised_and_local() {
        for (from, to) in [(1300, 1024), (2048, 1024), (5, 3), (7, 7)] {
            for (o, tap) in taps(from, to, ONE).iter().enumerate() {
                assert_eq!(tap.weights.iter().sum::<i32>(), ONE, "{from}->{to} at {o}");
                assert!(tap.weights.iter().all(|&w| w >= 0), "a tent has no negative weights");
                let centre = (o as f64 + 0.5) * from as f64 / to as f64;
                assert!((tap.first as f64) < centre + 1.0 && tap.first + tap.weights.len() <= from);
            }
        }
    }

    #[test]
    fn flat_stays_flat_and_gradients_keep_their_place() {
        let flat = vec![77u8; 13 * 13 * 3];
        assert!(square(&flat, 13, 8).iter().all(|&v| v == 77));
        // A horizontal ramp 0..255 keeps its mean and stays monotonic.
        let n = 100;
        let ramp: Vec<u8> = (0..n * n).flat_map(|i| [((i % n) * 255 / (n - 1)) as u8; 3]).collect();
        let small = square(&ramp, n, 64);
        let row: Vec<u8> = small[..64 * 3].chunks(3).map(|p| p[0]).collect();
        assert!(row.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
        let mean = row.iter().map(|&v| v as f64).sum::<f64>() / 64.0;
        assert!((mean - 127.5).abs() < 2.0, "{mean}");
    }

    #[test]
    fn rectangles_shrink_each_side_on_its_own() {
        // A 2:1 image with a ramp down its height and two constant channels, shrunk by 4 and by 3.
        let (w, h) = (96, 48);
        let ramp: Vec<u8> = (0..w * h).flat_map(|i| [((i / w) * 255 / (h - 1)) as u8, 9, 200]).collect();
        for (tw, th) in [(24, 12), (32, 16)] {
            let small = rect(&ramp, (w, h), (tw, th));
            assert_eq!(small.len(), tw * th * 3);
            assert!(small.chunks(3).all(|p| p[1] == 9 && p[2] == 200), "constant channels stay constant");
            let column: Vec<u8> = (0..th).map(|y| small[y * tw * 3]).collect();
            assert!(column.windows(2).all(|p| p[0] < p[1]), "{column:?}");
            for y in 0..th {
                let row = &small[y * tw * 3..][..tw * 3];
                assert!(row.chunks(3).all(|p| p[0] == row[0]), "each row stays level");
            }
        }
        assert_eq!(rect(&ramp, (w, h), (w, h)), ramp);
    }
}
