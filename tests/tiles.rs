//! The cube tiler against its source: for many random directions, the tile pixel that the Pannellum layout
//! puts at that direction — at every level, in the fallback faces, in JPEG and in WebP — has the colour the
//! equirectangular image has there; neighbouring faces agree at their shared edges; the output is
//! byte-for-byte deterministic.

use std::collections::HashMap;
use std::f32::consts::PI;
use std::path::Path;

use image::{Rgb, RgbImage};

/// Colour encodes direction smoothly (no jump at ±180°): red/green follow yaw round the circle, blue pitch.
fn direction_image(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let yaw = ((x as f32 + 0.5) / w as f32 - 0.5) * 2.0 * PI;
        let pitch = (0.5 - (y as f32 + 0.5) / h as f32) * PI;
        Rgb([(127.5 + 120.0 * yaw.sin()) as u8, (127.5 + 120.0 * yaw.cos()) as u8, (127.5 + 240.0 * pitch / PI) as u8])
    })
}

/// Which face and where on it (u right, v down, −1…1) a direction falls, derived independently of the
/// tiler from the face definitions in the design (f yaw 0, r yaw 90, b 180, l −90, u up, d down).
fn locate(d: [f32; 3]) -> (char, f32, f32) {
    let [x, y, z] = d;
    let (ax, ay, az) = (x.abs(), y.abs(), z.abs());
    if az >= ax && az >= ay {
        if z > 0.0 { ('f', x / z, -y / z) } else { ('b', x / z, y / z) }
    } else if ax >= ay {
        if x > 0.0 { ('r', -z / x, -y / x) } else { ('l', -z / x, y / x) }
    } else if y > 0.0 {
        ('u', x / y, z / y)
    } else {
        ('d', -x / y, z / y)
    }
}

struct Tiles<'a> {
    dir: &'a Path,
    level: u32,
    size: u32,
    ext: &'static str,
    cache: HashMap<String, RgbImage>,
}

impl Tiles<'_> {
    /// The colour of face pixel (col, row) at this level, read from its tile file.
    fn pixel(&mut self, face: char, col: u32, row: u32) -> [u8; 3] {
        let name = format!("{}/{face}{}_{}.{}", self.level, row / 512, col / 512, self.ext);
        self.read(name, col % 512, row % 512)
    }

    /// The colour of fallback face pixel (col, row).
    fn fallback(&mut self, face: char, col: u32, row: u32) -> [u8; 3] {
        self.read(format!("fallback/{face}.{}", self.ext), col, row)
    }

    fn read(&mut self, name: String, x: u32, y: u32) -> [u8; 3] {
        let dir = self.dir;
        let tile = self
            .cache
            .entry(name.clone())
            .or_insert_with(|| image::open(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}")).to_rgb8());
        tile.get_pixel(x, y).0
    }
}

fn lcg(state: &mut u64) -> f32 {
    *state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    ((*state >> 40) as f32) / (1u64 << 24) as f32
}

/// Checks 2000 random directions at every level and in the fallback faces; returns the worst difference.
fn check_directions(format: disan::tiles::Format, tolerance: u8) -> u8 {
    let src = direction_image(2048, 1024);
    let dir = tempfile::tempdir().expect("tempdir");
    let params = disan::tiles::Params { quality: 95, format, ..Default::default() };
    let pyramid = disan::tiles::write_pyramid(&src, dir.path(), params).expect("tiling");
    assert_eq!((pyramid.size, pyramid.levels, pyramid.fallback), (648, 2, 648));
    let ext = format.extension();
    let mut levels: Vec<Tiles> = (1..=pyramid.levels)
        .map(|level| Tiles {
            dir: dir.path(),
            level,
            size: disan::tiles::geometry::level_size(pyramid.size, level, pyramid.levels),
            ext,
            cache: HashMap::new(),
        })
        .collect();
    let mut fallback = Tiles { dir: dir.path(), level: 0, size: pyramid.fallback, ext, cache: HashMap::new() };
    let mut seed = 42u64;
    let mut worst = 0u8;
    for _ in 0..2000 {
        // Uniform on the sphere, away from the poles where the source itself is degenerate.
        let yaw = (lcg(&mut seed) * 2.0 - 1.0) * PI;
        let pitch = (lcg(&mut seed) * 2.0 - 1.0).asin() * 0.95;
        let d = [yaw.sin() * pitch.cos(), pitch.sin(), yaw.cos() * pitch.cos()];
        let (face, u, v) = locate(d);
        // Expected: the source at this direction (nearest source pixel; tolerance covers pixel size and
        // compression).
        let sx = (((yaw / (2.0 * PI)) + 0.5) * src.width() as f32).floor() as u32 % src.width();
        let sy = ((0.5 - pitch / PI) * src.height() as f32).floor().clamp(0.0, src.height() as f32 - 1.0) as u32;
        let want = src.get_pixel(sx, sy).0;
        let at = |size: u32| {
            let n = size as f32;
            let col = (((u + 1.0) / 2.0 * n).floor() as u32).min(size - 1);
            let row = (((v + 1.0) / 2.0 * n).floor() as u32).min(size - 1);
            (col, row)
        };
        let mut seen: Vec<(String, [u8; 3])> = Vec::new();
        for t in &mut levels {
            let (col, row) = at(t.size);
            seen.push((format!("level {}", t.level), t.pixel(face, col, row)));
        }
        let (col, row) = at(fallback.size);
        seen.push(("fallback".into(), fallback.fallback(face, col, row)));
        for (what, got) in seen {
            let diff = (0..3).map(|k| got[k].abs_diff(want[k])).max().unwrap_or(0);
            worst = worst.max(diff);
            assert!(
                diff <= tolerance,
                "{format:?} {what}, yaw {:.1}° pitch {:.1}° on face {face}: tile {got:?}, source {want:?}",
                yaw.to_degrees(),
                pitch.to_degrees()
            );
        }
    }
    worst
}

#[test]
fn tiles_match_the_source_in_every_direction() {
    let worst = check_directions(disan::tiles::Format::Jpeg, 10);
    assert!(worst > 0, "the comparison saw JPEG noise, so it really read the tiles");
}

#[test]
fn webp_tiles_match_the_source_too() {
    // Decoded with the `image` crate's own WebP decoder, independent of the encoder.
    let worst = check_directions(disan::tiles::Format::Webp, 14);
    assert!(worst > 0, "the comparison saw WebP noise, so it really read the tiles");
}

#[test]
fn neighbouring_faces_agree_at_their_edges() {
    let src = direction_image(2048, 1024);
    let dir = tempfile::tempdir().expect("tempdir");
    let pyramid =
        disan::tiles::write_pyramid(&src, dir.path(), disan::tiles::Params { quality: 95, ..Default::default() })
            .expect("tiling");
    let mut t = Tiles { dir: dir.path(), level: pyramid.levels, size: pyramid.size, ext: "jpg", cache: HashMap::new() };
    let last = t.size - 1;
    // (face A pixel, face B pixel) pairs that touch across an edge.
    let mut max = 0u8;
    for i in (0..t.size).step_by(7) {
        let pairs = [
            (('f', i, 0), ('u', i, last)),
            (('f', i, last), ('d', i, 0)),
            (('f', last, i), ('r', 0, i)),
            (('f', 0, i), ('l', last, i)),
            (('r', last, i), ('b', 0, i)),
            (('b', last, i), ('l', 0, i)),
        ];
        for ((fa, xa, ya), (fb, xb, yb)) in pairs {
            let (a, b) = (t.pixel(fa, xa, ya), t.pixel(fb, xb, yb));
            let d = (0..3).map(|k| a[k].abs_diff(b[k])).max().unwrap_or(0);
            max = max.max(d);
            assert!(d <= 12, "seam between {fa}({xa},{ya}) {a:?} and {fb}({xb},{yb}) {b:?}");
        }
    }
    assert!(max < 12);
}

#[test]
fn same_input_same_bytes() {
    let src = direction_image(1024, 512);
    let (a, b) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    disan::tiles::write_pyramid(&src, a.path(), Default::default()).expect("a");
    disan::tiles::write_pyramid(&src, b.path(), Default::default()).expect("b");
    for entry in walk(a.path()) {
        let rel = entry.strip_prefix(a.path()).expect("rel");
        assert_eq!(
            std::fs::read(&entry).expect("a"),
            std::fs::read(b.path().join(rel)).expect("b"),
            "{}",
            rel.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("ls") {
        let p = e.expect("entry").path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}
