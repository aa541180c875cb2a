//! A flat picture of a panorama as the viewer opens it: what a pinhole camera at the centre of the sphere
//! sees when it looks at a yaw and pitch with a horizontal field of view (a rectilinear projection, the
//! one the viewer draws). Used for the picture a link preview shows.

use image::RgbImage;
use rayon::prelude::*;

/// Where the camera looks, in degrees: yaw to the right of the panorama's centre, pitch up, horizontal
/// field of view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Yaw, degrees, positive to the right.
    pub yaw: f64,
    /// Pitch, degrees, positive up.
    pub pitch: f64,
    /// Horizontal field of view, degrees.
    pub hfov: f64,
}

/// Renders `view` of the equirectangular `src` as a `width`×`height` picture. Each pixel averages 2×2
/// bilinear samples, so a large panorama shrinks without shimmering edges.
pub fn render(src: &RgbImage, view: View, width: u32, height: u32) -> RgbImage {
    let (sw, sh) = (src.width() as usize, src.height() as usize);
    let mut out = RgbImage::new(width, height);
    if sw == 0 || sh == 0 || width == 0 || height == 0 {
        return out;
    }
    let px = src.as_raw();
    let half = (view.hfov.clamp(1.0, 179.0).to_radians() / 2.0).tan() as f32;
    let aspect = height as f32 / width as f32;
    let (sy, cy) = (view.yaw.to_radians() as f32).sin_cos();
    let (sp, cp) = (view.pitch.to_radians() as f32).sin_cos();
    let (w, h) = (width as f32, height as f32);
    let sample = |x: f32, y: f32| -> [f32; 3] {
        // Camera ray through the image point, then pitched (about x) and turned (about y).
        let u = (2.0 * x / w - 1.0) * half;
        let v = (1.0 - 2.0 * y / h) * half * aspect;
        let (ry, rz) = (v * cp + sp, cp - v * sp);
        let (rx, rz) = (u * cy + rz * sy, rz * cy - u * sy);
        let lon = rx.atan2(rz);
        let lat = ry.atan2((rx * rx + rz * rz).sqrt());
        bilinear(px, sw, sh, lon, lat)
    };
    out.par_chunks_mut(width as usize * 3).enumerate().for_each(|(row, line)| {
        for (col, pixel) in line.chunks_exact_mut(3).enumerate() {
            let (x, y) = (col as f32, row as f32);
            let mut sum = [0.0f32; 3];
            for (dx, dy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let s = sample(x + dx, y + dy);
                for c in 0..3 {
                    sum[c] += s[c];
                }
            }
            for c in 0..3 {
                pixel[c] = (sum[c] / 4.0).round().clamp(0.0, 255.0) as u8;
            }
        }
    });
    out
}

/// The source colour at a longitude and latitude (radians), interpolated between the four nearest
/// pixels; wraps around at ±180° and clamps at the poles.
fn bilinear(px: &[u8], w: usize, h: usize, lon: f32, lat: f32) -> [f32; 3] {
    use std::f32::consts::PI;
    let fx = (lon / (2.0 * PI) + 0.5) * w as f32 - 0.5;
    let fy = ((0.5 - lat / PI) * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (fx.floor(), fy.floor());
    let (tx, ty) = (fx - x0, fy - y0);
    let wrap = |x: f32| (x as i64).rem_euclid(w as i64) as usize;
    let (xa, xb) = (wrap(x0), wrap(x0 + 1.0));
    let (ya, yb) = (y0 as usize, (y0 as usize + 1).min(h - 1));
    let at = |x: usize, y: usize, c: usize| f32::from(px.get((y * w + x) * 3 + c).copied().unwrap_or(0));
    let mut out = [0.0; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let top = at(xa, ya, c) * (1.0 - tx) + at(xb, ya, c) * tx;
        let bottom = at(xa, yb, c) * (1.0 - tx) + at(xb, yb, c) * tx;
        *o = top * (1.0 - ty) + bottom * ty;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panorama whose red channel is the longitude and green the latitude, so a pixel says where it came
    /// from.
    fn coded() -> RgbImage {
        RgbImage::from_fn(720, 360, |x, y| image::Rgb([(x * 255 / 719) as u8, (y * 255 / 359) as u8, 128]))
    }

    fn centre(img: &RgbImage) -> [u8; 3] {
        img.get_pixel(img.width() / 2, img.height() / 2).0
    }

    #[test]
    fn looks_where_it_is_told() {
        let src = coded();
        let at = |yaw: f64, pitch: f64| centre(&render(&src, View { yaw, pitch, hfov: 90.0 }, 64, 34));
        // Yaw 0 is the middle column, yaw 90 three quarters across; pitch 0 the middle row, pitch 45 a
        // quarter of the way down.
        let [r, g, _] = at(0.0, 0.0);
        assert!(r.abs_diff(128) <= 2 && g.abs_diff(128) <= 2, "{r} {g}");
        let [r, _, _] = at(90.0, 0.0);
        assert!(r.abs_diff(191) <= 2, "{r}");
        let [r, _, _] = at(-90.0, 0.0);
        assert!(r.abs_diff(64) <= 2, "{r}");
        let [_, g, _] = at(0.0, 45.0);
        assert!(g.abs_diff(64) <= 2, "{g}");
        // Right of the picture is further right in the panorama; the top is higher up.
        let img = render(&src, View { yaw: 0.0, pitch: 0.0, hfov: 90.0 }, 64, 34);
        assert!(img.get_pixel(60, 17)[0] > img.get_pixel(4, 17)[0]);
        assert!(img.get_pixel(32, 2)[1] < img.get_pixel(32, 31)[1]);
    }

    #[test]
    fn field_of_view_sets_the_edges() {
        // With a 90° field of view the left and right edges are at yaw ∓45°: an eighth of the width from
        // the middle.
        let img = render(&coded(), View { yaw: 0.0, pitch: 0.0, hfov: 90.0 }, 200, 100);
        let left = img.get_pixel(0, 50)[0];
        let right = img.get_pixel(199, 50)[0];
        assert!(left.abs_diff(96) <= 2 && right.abs_diff(159) <= 2, "{left} {right}");
    }

    #[test]
    fn empty_inputs_give_a_picture_of_the_asked_size() {
        let img = render(&RgbImage::new(0, 0), View { yaw: 0.0, pitch: 0.0, hfov: 90.0 }, 4, 2);
        assert_eq!(img.dimensions(), (4, 2));
    }
}
