//! Equirectangular → cube face: for every face pixel, the view direction, its longitude and latitude, and
//! a bilinear sample of the source that wraps around at ±180° and clamps at the poles.
//!
//! Projection is the largest part of tiling, so it is written for speed: a region is rendered row by row,
//! first computing every pixel's source position in a branch-free loop the compiler vectorises, then
//! gathering and blending the four source pixels in fixed point. Side faces need no per-pixel yaw at all
//! (it depends on the column only); their pitch is a single arctangent.

use super::geometry::Face;

/// An equirectangular source, 2:1, RGB.
pub struct Equirect<'a> {
    /// Pixels, row-major.
    px: &'a [[u8; 3]],
    /// Width in pixels.
    width: u32,
    /// Height in pixels.
    height: u32,
}

/// A source position in 1/256 pixel, offset by one pixel so it is never negative: truncating a positive
/// float is a floor without a call to `floorf` (which baseline x86-64 lacks as an instruction).
type Fixed = i32;

impl<'a> Equirect<'a> {
    /// A view of `width`×`height` RGB pixels, row-major; `None` when `data` is too short.
    pub fn new(data: &'a [u8], width: u32, height: u32) -> Option<Self> {
        let px = data.as_chunks::<3>().0.get(..width as usize * height as usize)?;
        (width > 0 && height > 0).then_some(Equirect { px, width, height })
    }

    /// Fixed-point column of a yaw (radians), plus one.
    #[inline(always)]
    fn fx(&self, yaw: f32) -> Fixed {
        let w = self.width as f32;
        ((yaw * (w * 0.5 * std::f32::consts::FRAC_1_PI) + (0.5 * w + 0.5)) * 256.0) as Fixed
    }

    /// Fixed-point row of a pitch (radians), plus one.
    #[inline(always)]
    fn fy(&self, pitch: f32) -> Fixed {
        let h = self.height as f32;
        ((pitch * (-h * std::f32::consts::FRAC_1_PI) + (0.5 * h + 0.5)) * 256.0) as Fixed
    }

    /// Source pixels `a` and `b` as 16-bit lanes; one bounds check when they are neighbours (all but the
    /// seam). An index outside the image (impossible by construction) reads as black.
    #[inline(always)]
    fn pair(&self, a: usize, b: usize) -> (u64, u64) {
        if b == a + 1
            && let Some(&[p, q]) = self.px.get(a..a + 2)
        {
            return (lanes(p), lanes(q));
        }
        let at = |i: usize| self.px.get(i).copied().map(lanes).unwrap_or(0);
        (at(a), at(b))
    }

    /// Bilinear sample at a yaw and pitch in radians.
    pub fn sample(&self, yaw: f32, pitch: f32) -> [u8; 3] {
        let mut plan = RowPlan::new(1);
        plan.set(self, 0, self.fx(yaw), self.fy(pitch));
        let mut out = [0; 3];
        plan.gather(self, &mut out);
        out
    }
}

/// An RGB pixel as three 16-bit lanes of one integer (R lowest).
#[inline(always)]
fn lanes([r, g, b]: [u8; 3]) -> u64 {
    u64::from(r) | u64::from(g) << 16 | u64::from(b) << 32
}

/// Yaw and pitch (radians) of a direction.
#[inline]
pub fn angles(d: [f32; 3]) -> (f32, f32) {
    let yaw = atan2(d[0], d[2]);
    let pitch = atan2(d[1], (d[0] * d[0] + d[2] * d[2]).sqrt());
    (yaw, pitch)
}

/// atan for |z| ≤ 1, to within 1e-5 rad.
#[inline(always)]
fn atan_unit(z: f32) -> f32 {
    let z2 = z * z;
    z * (0.999_866 + z2 * (-0.330_299_5 + z2 * (0.180_141 + z2 * (-0.085_133 + z2 * 0.020_835_1))))
}

/// atan2 to within 1e-5 rad (a hundredth of a pixel on a 16K panorama), several times faster than the
/// library call. Written without branches (selects only) so loops over it vectorise.
#[inline(always)]
pub fn atan2(y: f32, x: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (ax, ay) = (x.abs(), y.abs());
    let (lo, hi) = if ay > ax { (ax, ay) } else { (ay, ax) };
    // hi == 0 only at the origin, where any angle will do: 0/tiny = 0.
    let a = atan_unit(lo / if hi > 0.0 { hi } else { f32::MIN_POSITIVE });
    let a = if ay > ax { FRAC_PI_2 - a } else { a };
    let a = if x < 0.0 { PI - a } else { a };
    if y < 0.0 { -a } else { a }
}

/// Where the four source pixels of each output pixel of one row are, computed in bulk: the loops that fill
/// it have no branches or reads from the source, so the compiler vectorises them, and the gathering loop
/// that follows does only loads and arithmetic.
struct RowPlan {
    /// Index of the top-left source pixel.
    top_left: Vec<u32>,
    /// Index of the top-right source pixel (the first of the row at the ±180° seam).
    top_right: Vec<u32>,
    /// Pixels from the top row to the bottom one (0 at the poles).
    down: Vec<u32>,
    /// Horizontal weight in the low 16 bits, vertical in the high 16, each 0–255.
    weights: Vec<u32>,
}

impl RowPlan {
    fn new(n: usize) -> RowPlan {
        RowPlan { top_left: vec![0; n], top_right: vec![0; n], down: vec![0; n], weights: vec![0; n] }
    }

    /// Fills entry `i` from fixed-point source coordinates (both plus one pixel, see [`Fixed`]).
    #[inline(always)]
    fn set(&mut self, src: &Equirect, i: usize, fx: Fixed, fy: Fixed) {
        let (w, h) = (src.width as i32, src.height as i32);
        let mut x0 = (fx >> 8) - 1;
        x0 += if x0 < 0 { w } else { 0 };
        x0 -= if x0 >= w { w } else { 0 };
        let x1 = if x0 + 1 == w { 0 } else { x0 + 1 };
        let y0 = (fy >> 8) - 1;
        let top = y0.clamp(0, h - 1);
        let bottom = (y0 + 1).clamp(0, h - 1);
        self.top_left[i] = (top * w + x0) as u32;
        self.top_right[i] = (top * w + x1) as u32;
        self.down[i] = ((bottom - top) * w) as u32;
        self.weights[i] = (fx & 255) as u32 | ((fy & 255) as u32) << 16;
    }

    /// Blends every planned pixel into `line` (RGB).
    fn gather(&self, src: &Equirect, line: &mut [u8]) {
        const ROUND: u64 = 0x0080_0080_0080;
        const MASK: u64 = 0x00ff_00ff_00ff;
        let pixels = line.as_chunks_mut::<3>().0.iter_mut();
        let plan = self.top_left.iter().zip(&self.top_right).zip(&self.down).zip(&self.weights);
        for (px, (((&a, &b), &down), &wts)) in pixels.zip(plan) {
            let (a, b, down) = (a as usize, b as usize, down as usize);
            let (wx, wy) = (u64::from(wts & 0xffff), u64::from(wts >> 16));
            let (ix, iy) = (256 - wx, 256 - wy);
            let (p, q) = src.pair(a, b);
            let top = ((p * ix + q * wx + ROUND) >> 8) & MASK;
            let (p, q) = src.pair(a + down, b + down);
            let bottom = ((p * ix + q * wx + ROUND) >> 8) & MASK;
            let v = (top * iy + bottom * wy + ROUND) >> 8;
            *px = [v as u8, (v >> 16) as u8, (v >> 32) as u8];
        }
    }
}

/// Renders the region `w`×`h` at (`x`, `y`) of a face `size` pixels square into `out` (RGB rows of `w`).
pub fn region(src: &Equirect, face: Face, size: u32, (x, y, w, h): (u32, u32, u32, u32), out: &mut [u8]) {
    let (w, h) = (w as usize, h as usize);
    debug_assert_eq!(out.len(), w * h * 3);
    let scale = 2.0 / size as f32;
    let coord = |i: u32| (i as f32 + 0.5) * scale - 1.0;
    let us: Vec<f32> = (x..x + w as u32).map(coord).collect();
    let mut plan = RowPlan::new(w);
    if matches!(face, Face::U | Face::D) {
        // Top and bottom: yaw and pitch both vary per pixel. The direction is (u, ±1, ±v), so the pitch is
        // atan2(1, ρ) with ρ the distance from the face centre, and the yaw atan2(u, ±v).
        let (sign, flip) = if face == Face::U { (1.0, 1.0) } else { (-1.0, -1.0) };
        for (row, line) in out.chunks_exact_mut(w * 3).enumerate() {
            let v = coord(y + row as u32);
            let vz = v * flip;
            for (i, &u) in us.iter().enumerate() {
                let fx = src.fx(atan2(u, vz));
                let fy = src.fy(sign * atan2(1.0, (u * u + v * v).sqrt()));
                plan.set(src, i, fx, fy);
            }
            plan.gather(src, line);
        }
    } else {
        // Sides: the yaw depends on the column only, and so does the horizontal radius; per pixel only the
        // pitch remains, an arctangent of a value within ±1.
        let (fxs, inv_r): (Vec<Fixed>, Vec<f32>) = us
            .iter()
            .map(|&u| {
                let d = face.direction(u, 0.0);
                (src.fx(atan2(d[0], d[2])), 1.0 / (d[0] * d[0] + d[2] * d[2]).sqrt())
            })
            .unzip();
        for (row, line) in out.chunks_exact_mut(w * 3).enumerate() {
            let v = -coord(y + row as u32);
            for (i, (&fx, &ir)) in fxs.iter().zip(&inv_r).enumerate() {
                plan.set(src, i, fx, src.fy(atan_unit(v * ir)));
            }
            plan.gather(src, line);
        }
    }
}

/// Halves a `w`×`h` RGB block with a 2×2 mean; an odd last row or column is dropped, as when the whole
/// level is halved (sizes round down), so blocks halved separately tile the next level exactly.
pub fn half(src: &[u8], w: usize, h: usize) -> Vec<u8> {
    let (nw, nh) = (w / 2, h / 2);
    let mut out = vec![0u8; nw * nh * 3];
    if nw == 0 {
        return out;
    }
    for (y, line) in out.chunks_exact_mut(nw * 3).enumerate() {
        let a = &src[2 * y * w * 3..][..nw * 6];
        let b = &src[(2 * y + 1) * w * 3..][..nw * 6];
        for ((px, a), b) in line.chunks_exact_mut(3).zip(a.chunks_exact(6)).zip(b.chunks_exact(6)) {
            for k in 0..3 {
                let s = a[k] as u32 + a[k + 3] as u32 + b[k] as u32 + b[k + 3] as u32;
                px[k] = ((s + 2) >> 2) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_atan2_is_accurate_everywhere() {
        let mut worst = 0.0f32;
        for i in 0..3600 {
            let a = i as f32 / 3600.0 * std::f32::consts::TAU;
            for r in [1e-3f32, 0.5, 1.0, 7.0] {
                let (y, x) = (a.sin() * r, a.cos() * r);
                worst = worst.max((atan2(y, x) - y.atan2(x)).abs());
            }
        }
        assert!(worst < 2e-5, "max error {worst}");
        assert_eq!(atan2(0.0, 0.0), 0.0);
    }

    #[test]
    fn sampling_wraps_at_the_seam_and_clamps_at_the_poles() {
        // 4×2 image: columns coloured 0, 100, 200, 50.
        let data: Vec<u8> = (0..2).flat_map(|_| [0u8, 100, 200, 50]).flat_map(|v| [v, v, v]).collect();
        let src = Equirect::new(&data, 4, 2).expect("8 pixels");
        // Yaw −180° lies on the seam, halfway between the last column's centre and the first's.
        assert_eq!(src.sample(-std::f32::consts::PI, 0.0)[0], 25);
        assert_eq!(src.sample(std::f32::consts::PI * 0.999_999, 0.0)[0], 25);
        // Straight up and down: the top and bottom rows, not outside the image.
        assert_eq!(src.sample(0.0, std::f32::consts::FRAC_PI_2)[0], 150);
        assert_eq!(src.sample(0.0, -std::f32::consts::FRAC_PI_2)[0], 150);
    }

    #[test]
    fn blocks_halve_like_the_whole() {
        let (w, h) = (7usize, 5usize);
        let img: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
        let whole = half(&img, w, h);
        assert_eq!(whole.len(), 3 * 2 * 3);
        // The left 4 columns halved alone equal the whole's first 2 columns.
        let left: Vec<u8> = img.chunks(w * 3).flat_map(|r| r[..12].to_vec()).collect();
        let part = half(&left, 4, h);
        for y in 0..2 {
            assert_eq!(&part[y * 6..y * 6 + 6], &whole[y * 9..y * 9 + 6]);
        }
    }
}
