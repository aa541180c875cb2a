//! Draws the stand-in media of the sample collection: one equirectangular panorama per
//! scene and one flat "photo" per site, so tours can be built and tested before real
//! 360° photos exist. Run from the repository root:
//! `cargo run --release --example sample_media -- .`
//!
//! Reads `static/fonts/NotoSans-Bold.ttf` and writes `content/<slug>/panoramas/<scene>.jpg`
//! (2048×1024) and `content/<slug>/photos/view.jpg` (960×640, 75° field of view, yaw 0).
//! Every run writes the same bytes: the only randomness is a PRNG seeded from the slug
//! and scene id, and nothing reads the clock.
//!
//! Panorama conventions (the viewer relies on them): x = 0…width is yaw −180°…+180°
//! with yaw 0 at the centre and increasing to the right; y = 0 is pitch +90° (zenith).
//! Compass letters sit at yaw = north (N), north+90 (E), north+180 (S), north−90 (W).

use std::error::Error;
use std::fs;
use std::path::Path;

use ab_glyph::{Font, FontRef, Glyph, OutlinedGlyph, PxScale, ScaleFont, point};
use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;

type Result<T> = std::result::Result<T, Box<dyn Error>>;
type Rgb = [f32; 3];

const PANO_W: usize = 2048;
const PANO_H: usize = 1024;
const PHOTO_W: usize = 960;
const PHOTO_H: usize = 640;
const PHOTO_HFOV_DEG: f32 = 75.0;
/// The photo magnifies the panorama about 2.25×; sampling a panorama rendered at twice
/// the resolution keeps its text and edges crisp instead of smeared.
const PHOTO_SOURCE_SCALE: usize = 2;
const JPEG_QUALITY: u8 = 80;
const PANO_BUDGET: usize = 400_000;
const PHOTO_BUDGET: usize = 150_000;
const FONT_FILE: &str = "static/fonts/NotoSans-Bold.ttf";
/// Eye height in metres: turns angles below the horizon into ground distances.
const CAM_H: f32 = 1.6;

struct Site {
    slug: &'static str,
    /// Name as painted on the sky; long official names are shortened to stay readable.
    name: &'static str,
    scenes: &'static [Scene],
}

struct Scene {
    id: &'static str,
    title: &'static str,
    north: f32,
    look: Look,
}

#[derive(Clone, Copy)]
enum Look {
    Summit,
    StoneSteps,
    Temple,
    Pagoda,
    RockyShore,
    PineForest,
    Memorial,
}

const fn site(slug: &'static str, name: &'static str, scenes: &'static [Scene]) -> Site {
    Site { slug, name, scenes }
}

const fn scene(id: &'static str, title: &'static str, north: f32, look: Look) -> Scene {
    Scene { id, title, north, look }
}

// Strings must stay NFC (precomposed): ab_glyph does no shaping, so a decomposed
// combining mark would be drawn beside its letter instead of on it.
#[rustfmt::skip]
const SITES: &[Site] = &[
    site("nui-truong-le", "Núi Trường Lệ", &[scene("dinh-nui", "Đỉnh núi", 30.0, Look::Summit)]),
    site("den-doc-cuoc", "Đền Độc Cước", &[
        scene("bac-da", "Bậc đá lên đền", -20.0, Look::StoneSteps),
        scene("san-den", "Sân đền", 60.0, Look::Temple),
    ]),
    site("den-co-tien", "Đền Cô Tiên", &[scene("san-den", "Sân đền", 110.0, Look::Temple)]),
    site("hon-trong-mai", "Hòn Trống Mái", &[scene("bai-da", "Bãi đá", -45.0, Look::RockyShore)]),
    site("den-to-hien-thanh", "Đền Tô Hiến Thành", &[scene("san-den", "Sân đền", 0.0, Look::Temple)]),
    // Full name "Đền thờ An Dương Vương và công chúa Mỵ Châu" is too long for the sky.
    site("den-an-duong-vuong", "Đền An Dương Vương", &[scene("nghinh-mon", "Nghinh môn", 90.0, Look::Temple)]),
    site("den-ca-lap", "Đền Cá Lập", &[scene("san-den", "Sân đền", 15.0, Look::Temple)]),
    site("chua-khai-nam", "Chùa Khải Nam", &[scene("san-chua", "Sân chùa", -70.0, Look::Pagoda)]),
    site("rung-thong", "Rừng Thông", &[
        scene("chan-doi", "Chân đồi", 0.0, Look::PineForest),
        scene("dai-tuong-niem", "Đài tưởng niệm", 180.0, Look::Memorial),
    ]),
];

const WATERMARK: &str = "Ảnh mô phỏng — disan";

fn main() -> Result<()> {
    let root = std::env::args_os()
        .nth(1)
        .ok_or("usage: sample_media <repo-root>  (from the repo: cargo run --release --example sample_media -- .)")?;
    let root = Path::new(&root);
    let font_path = root.join(FONT_FILE);
    let font_bytes = fs::read(&font_path).map_err(|e| format!("cannot read font {}: {e}", font_path.display()))?;
    let font =
        FontRef::try_from_slice(&font_bytes).map_err(|e| format!("cannot parse font {}: {e}", font_path.display()))?;

    for site in SITES {
        for (i, scene) in site.scenes.iter().enumerate() {
            let world = World::new(site, scene);
            let pano = render_panorama(&world, &font, site, scene, 1, WHOLE_SPHERE)?;
            let path = root.join("content").join(site.slug).join("panoramas").join(format!("{}.jpg", scene.id));
            write_jpeg(&pano, &path, PANO_BUDGET)?;
            if i == 0 {
                let seen = photo_window(PHOTO_W, PHOTO_H, PHOTO_HFOV_DEG);
                let big = render_panorama(&world, &font, site, scene, PHOTO_SOURCE_SCALE, seen)?;
                let photo = flat_view(&big, PHOTO_W, PHOTO_H, PHOTO_HFOV_DEG);
                let path = root.join("content").join(site.slug).join("photos").join("view.jpg");
                write_jpeg(&photo, &path, PHOTO_BUDGET)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Small numeric helpers

/// SplitMix64: tiny, seedable and identical on every platform, unlike an OS RNG.
struct Rng(u64);

impl Rng {
    fn from_name(name: &str) -> Rng {
        // FNV-1a, so each scene gets its own stable stream.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * unit
    }
}

fn wrap180(deg: f32) -> f32 {
    // floor instead of rem_euclid: this runs per object per pixel, and fmod is slow.
    deg - 360.0 * ((deg + 180.0) / 360.0).floor()
}

fn clamp01(v: f32) -> f32 {
    v.clamp(0.0, 1.0)
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = clamp01((x - e0) / (e1 - e0));
    t * t * (3.0 - 2.0 * t)
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

fn scale(c: Rgb, k: f32) -> Rgb {
    [c[0] * k, c[1] * k, c[2] * k]
}

/// Great-circle distance in degrees, so sun glow and clouds stay round in the viewer.
fn angle_between(yaw1: f32, pitch1: f32, yaw2: f32, pitch2: f32) -> f32 {
    let (p1, p2) = (pitch1.to_radians(), pitch2.to_radians());
    let c = p1.sin() * p2.sin() + p1.cos() * p2.cos() * (yaw1 - yaw2).to_radians().cos();
    c.clamp(-1.0, 1.0).acos().to_degrees()
}

// Signed distances (metres, negative inside) in the vertical plane of an object; the
// renderer turns them into anti-aliased coverage using the pixel footprint.

fn sd_box(x: f32, z: f32, cx: f32, cz: f32, hx: f32, hz: f32) -> f32 {
    let dx = (x - cx).abs() - hx;
    let dz = (z - cz).abs() - hz;
    let (ox, oz) = (dx.max(0.0), dz.max(0.0));
    (ox * ox + oz * oz).sqrt() + dx.max(dz).min(0.0)
}

fn sd_ellipse(x: f32, z: f32, cx: f32, cz: f32, rx: f32, rz: f32) -> f32 {
    let (nx, nz) = ((x - cx) / rx, (z - cz) / rz);
    ((nx * nx + nz * nz).sqrt() - 1.0) * rx.min(rz)
}

/// Trapezoid from half-width `w0` at height `z0` to `w1` at `z1` (w1 = 0: triangle).
fn sd_taper(x: f32, z: f32, cx: f32, (z0, z1): (f32, f32), (w0, w1): (f32, f32)) -> f32 {
    let t = clamp01((z - z0) / (z1 - z0));
    let slope = (w0 - w1) / (z1 - z0);
    let side = ((x - cx).abs() - (w0 + (w1 - w0) * t)) / (1.0 + slope * slope).sqrt();
    side.max(z0 - z).max(z - z1)
}

/// Premultiplied paint of one object's parts, back to front.
struct Paint {
    c: Rgb,
    a: f32,
    /// Metres covered by one pixel at the object's distance.
    mpp: f32,
}

impl Paint {
    fn new(mpp: f32) -> Paint {
        Paint { c: [0.0; 3], a: 0.0, mpp }
    }

    fn fill(&mut self, sd: f32, col: Rgb) {
        let a = clamp01(0.5 - sd / self.mpp);
        if a > 0.0 {
            self.c = mix(self.c, col, a);
            self.a += a * (1.0 - self.a);
        }
    }
}

// ---------------------------------------------------------------------------
// The scene: a pure function from a direction to a colour

const SKY_ZENITH: Rgb = [0.20, 0.42, 0.74];
const SKY_HORIZON: Rgb = [0.80, 0.88, 0.95];
const GROUND_HAZE: Rgb = [0.68, 0.75, 0.80];
const SAND: Rgb = [0.88, 0.80, 0.62];
const SEA_NEAR: Rgb = [0.13, 0.42, 0.50];
const SEA_FAR: Rgb = [0.33, 0.52, 0.66];
const FOAM: Rgb = [0.93, 0.96, 0.97];
const BARK: Rgb = [0.35, 0.24, 0.17];
const LACQUER: Rgb = [0.58, 0.17, 0.12];
const DOOR: Rgb = [0.48, 0.17, 0.12];
const ROOF: Rgb = [0.42, 0.20, 0.15];
const RIDGE: Rgb = [0.30, 0.14, 0.11];
const GOLD: Rgb = [0.84, 0.64, 0.24];
const PLINTH: Rgb = [0.61, 0.60, 0.57];
const PLINTH_TOP: Rgb = [0.74, 0.73, 0.70];
const STAR_RED: Rgb = [0.80, 0.18, 0.14];
/// Distance over which colours fade about two-thirds of the way into the haze.
const HAZE_METRES: f32 = 1600.0;

#[derive(Clone, Copy)]
enum Ground {
    Grass,
    Rock,
    Needles,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Pine,
    Broadleaf,
    Pillar,
    Boulder,
    TwinRocks,
    Obelisk,
    Hall,
}

struct Obj {
    kind: Kind,
    yaw: f32,
    dist: f32,
    size: f32,
    tint: f32,
    /// Height of the eye above the ground the object stands on.
    foot: f32,
    /// Bounding box in degrees (half width in yaw, pitch range), set by `finish`.
    yaw_half: f32,
    lo: f32,
    hi: f32,
    /// −1…1: which side the sun lights.
    light: f32,
}

impl Obj {
    fn new(kind: Kind, yaw: f32, dist: f32, size: f32, tint: f32) -> Obj {
        Obj { kind, yaw, dist, size, tint, foot: CAM_H, yaw_half: 0.0, lo: 0.0, hi: 0.0, light: 0.0 }
    }

    fn finish(&mut self, sun_yaw: f32) {
        let (hw, top) = self.extent();
        self.yaw_half = (hw / self.dist).atan().to_degrees();
        self.lo = (-self.foot / (self.dist - self.bulge(0.0)).max(0.5)).atan().to_degrees();
        self.hi = ((top - self.foot) / self.dist).atan().to_degrees();
        self.light = wrap180(sun_yaw - self.yaw).to_radians().sin();
    }

    /// How much nearer than `dist` the front surface is at `x`: rocks are solid, and
    /// drawing them on a flat plane would give them a straight, pasted-on bottom edge.
    fn bulge(&self, x: f32) -> f32 {
        let r = match self.kind {
            Kind::Boulder => 1.6 * self.size,
            Kind::TwinRocks => 4.0 * self.size,
            _ => return 0.0,
        };
        0.6 * r * clamp01(1.0 - (x / r) * (x / r)).sqrt()
    }

    /// Half width and height in metres, for the bounding box.
    fn extent(&self) -> (f32, f32) {
        let s = self.size;
        match self.kind {
            Kind::Pine => (2.0 * s, 8.6 * s),
            Kind::Broadleaf => (2.6 * s, 6.2 * s),
            Kind::Pillar => (0.6 * s, 6.6 * s),
            Kind::Boulder => (1.7 * s, 1.4 * s),
            Kind::TwinRocks => (4.2 * s, 6.8 * s),
            Kind::Obelisk => (2.6, 15.6),
            Kind::Hall => (10.6, 9.8),
        }
    }

    /// `x`, `z`: metres right of / above the object's foot in its facing plane.
    fn paint(&self, x: f32, z: f32, mpp: f32) -> Paint {
        let mut p = Paint::new(mpp);
        let s = self.size;
        let t = self.tint;
        // The sunny side a little brighter, for a hint of volume.
        let side = |hw: f32| 1.0 + 0.2 * self.light * (x / hw).clamp(-1.0, 1.0);
        match self.kind {
            Kind::Pine => {
                p.fill(sd_box(x, z, 0.0, 1.0 * s, 0.14 * s, 1.0 * s), BARK);
                let green = scale([0.12 + 0.04 * t, 0.30 + 0.05 * t, 0.17], side(1.8 * s));
                for tier in 0..4 {
                    let k = tier as f32;
                    let z0 = (1.5 + 1.55 * k) * s;
                    let w = (1.9 - 0.38 * k) * s;
                    p.fill(sd_taper(x, z, 0.0, (z0, z0 + 2.6 * s), (w, 0.0)), scale(green, 1.0 + 0.05 * k));
                }
            }
            Kind::Broadleaf => {
                p.fill(sd_box(x, z, 0.0, 1.4 * s, 0.18 * s, 1.4 * s), BARK);
                let green = scale([0.22 + 0.06 * t, 0.42 + 0.06 * t, 0.20], side(2.4 * s));
                p.fill(sd_ellipse(x, z, -0.9 * s, 3.3 * s, 1.5 * s, 1.3 * s), scale(green, 0.92));
                p.fill(sd_ellipse(x, z, 1.0 * s, 3.4 * s, 1.4 * s, 1.25 * s), scale(green, 0.96));
                p.fill(sd_ellipse(x, z, 0.0, 4.5 * s, 1.7 * s, 1.6 * s), green);
            }
            Kind::Pillar => {
                // Lime-washed gate pillar (cột nghi môn) with a red band and lotus top.
                let body = scale([0.90, 0.84, 0.68], side(0.35 * s));
                p.fill(sd_box(x, z, 0.0, 2.75 * s, 0.32 * s, 2.75 * s), body);
                p.fill(sd_box(x, z, 0.0, 4.7 * s, 0.33 * s, 0.35 * s), LACQUER);
                p.fill(sd_box(x, z, 0.0, 5.7 * s, 0.48 * s, 0.2 * s), body);
                p.fill(sd_ellipse(x, z, 0.0, 6.15 * s, 0.32 * s, 0.42 * s), GOLD);
            }
            Kind::Boulder => {
                let grey = scale([0.52 + 0.05 * t, 0.50 + 0.04 * t, 0.47], side(1.6 * s));
                let top = clamp01(z / (1.3 * s));
                p.fill(sd_ellipse(x, z, 0.0, 0.0, 1.6 * s, 1.3 * s).max(-z), mix(scale(grey, 0.75), grey, top));
            }
            Kind::TwinRocks => {
                // The "rooster and hen" pair balanced on a base rock.
                let grey = scale([0.52, 0.50, 0.46], side(4.0 * s));
                // Lit from above: each rock darkens toward its base.
                let lit = |z0: f32, h: f32| scale(grey, 0.72 + 0.3 * clamp01((z - z0) / h));
                p.fill(sd_ellipse(x, z, 0.0, 0.0, 4.0 * s, 3.0 * s).max(-z), lit(0.0, 3.0 * s));
                p.fill(sd_ellipse(x, z, -1.3 * s, 4.4 * s, 1.5 * s, 2.2 * s), lit(2.2 * s, 4.4 * s));
                p.fill(sd_ellipse(x, z, 1.5 * s, 3.8 * s, 1.8 * s, 1.3 * s), lit(2.5 * s, 2.6 * s));
            }
            Kind::Obelisk => {
                let stone = scale([0.90, 0.89, 0.84], side(0.9));
                p.fill(sd_box(x, z, 0.0, 0.4, 2.5, 0.4), PLINTH);
                p.fill(sd_box(x, z, 0.0, 1.05, 1.7, 0.3), PLINTH_TOP);
                p.fill(sd_taper(x, z, 0.0, (1.3, 14.0), (1.2, 0.65)), stone);
                p.fill(sd_taper(x, z, 0.0, (14.0, 15.5), (0.65, 0.0)), stone);
                p.fill(sd_ellipse(x, z, 0.0, 11.8, 0.4, 0.4), STAR_RED);
            }
            Kind::Hall => {
                let (hw, wall_top, roof_top) = (8.5, 4.6, 8.2);
                p.fill(sd_box(x, z, 0.0, 0.35, hw + 1.2, 0.35), PLINTH);
                let wall = mix([0.90, 0.75, 0.45], [0.88, 0.81, 0.66], t);
                p.fill(sd_box(x, z, 0.0, 0.7 + 1.95, hw, 1.95), scale(wall, side(hw)));
                for door in [-0.58 * hw, 0.0, 0.58 * hw] {
                    p.fill(sd_box(x, z, door, 0.7 + 1.4, 0.9, 1.4), DOOR);
                }
                for col in [-hw + 0.3, -0.29 * hw, 0.29 * hw, hw - 0.3] {
                    p.fill(sd_box(x, z, col, 0.7 + 1.95, 0.24, 1.95), LACQUER);
                }
                p.fill(sd_taper(x, z, 0.0, (wall_top, roof_top), (hw + 1.5, 0.55 * hw)), ROOF);
                // Upturned eave corners (đao), the silhouette that reads as "temple".
                for e in [-(hw + 1.3), hw + 1.3] {
                    p.fill(sd_taper(x, z, e, (wall_top, wall_top + 1.0), (0.35, 0.0)), ROOF);
                }
                p.fill(sd_box(x, z, 0.0, roof_top + 0.15, 0.55 * hw + 0.4, 0.18), RIDGE);
                for e in [-(0.55 * hw + 0.4), 0.55 * hw + 0.4] {
                    p.fill(sd_taper(x, z, e, (roof_top, roof_top + 0.8), (0.25, 0.0)), RIDGE);
                }
                p.fill(sd_ellipse(x, z, 0.0, roof_top + 0.75, 0.35, 0.35), GOLD);
            }
        }
        p
    }
}

/// One term of a periodic ridge line (integer frequency, so it wraps seamlessly at ±180°).
struct Wave {
    k: f32,
    amp: f32,
    phase: f32,
}

struct Blob {
    yaw: f32,
    pitch: f32,
    sx: f32,
    sy: f32,
    strength: f32,
}

struct Island {
    yaw: f32,
    half_width: f32,
    height: f32,
}

/// Paved ground, laid along an axis (toward the hall or monument) from behind the camera.
#[derive(Clone, Copy)]
struct Court {
    half_width: f32,
    back: f32,
    /// Slab size across and along the axis, in metres.
    slab: (f32, f32),
    tile: Rgb,
}

struct Recipe {
    ground: Ground,
    court: Option<Court>,
    /// Height of the eye above the lowland, and radius of the plateau the camera
    /// stands on; flat scenes have `eye` = `CAM_H` and an endless plateau.
    eye: f32,
    plateau: f32,
    shore: (f32, f32),
    beach: f32,
    hills: f32,
    hall: bool,
    gates: u32,
    pines: u32,
    broadleaves: u32,
    boulders: u32,
    /// Trees dotting the lowland seen from a summit.
    lowland_trees: u32,
    twin_rocks: bool,
    obelisk: bool,
}

impl Look {
    fn recipe(self) -> Recipe {
        let base = Recipe {
            ground: Ground::Grass,
            court: None,
            eye: CAM_H,
            plateau: f32::INFINITY,
            shore: (70.0, 130.0),
            beach: 25.0,
            hills: 5.0,
            hall: false,
            gates: 0,
            pines: 0,
            broadleaves: 0,
            boulders: 0,
            lowland_trees: 0,
            twin_rocks: false,
            obelisk: false,
        };
        let terracotta = Court { half_width: 11.0, back: 7.0, slab: (0.8, 0.8), tile: [0.70, 0.40, 0.30] };
        match self {
            Look::Summit => Recipe {
                eye: 60.0,
                plateau: 9.0,
                shore: (380.0, 480.0),
                hills: 2.5,
                pines: 3,
                boulders: 9,
                lowland_trees: 140,
                ..base
            },
            Look::StoneSteps => Recipe {
                // A long flight of worn stone steps from the foot of the hill to the hall.
                court: Some(Court { half_width: 1.7, back: 40.0, slab: (1.15, 0.42), tile: [0.66, 0.64, 0.60] }),
                hall: true,
                broadleaves: 6,
                boulders: 9,
                hills: 6.0,
                ..base
            },
            Look::Temple => Recipe { court: Some(terracotta), hall: true, gates: 2, broadleaves: 7, pines: 2, ..base },
            Look::Pagoda => {
                Recipe { court: Some(terracotta), hall: true, pines: 9, broadleaves: 3, hills: 6.5, ..base }
            }
            Look::RockyShore => Recipe {
                ground: Ground::Rock,
                shore: (9.0, 13.0),
                beach: 0.0,
                hills: 7.0,
                boulders: 16,
                twin_rocks: true,
                ..base
            },
            Look::PineForest => {
                Recipe { ground: Ground::Needles, shore: (400.0, 600.0), hills: 3.0, pines: 48, ..base }
            }
            Look::Memorial => Recipe {
                court: Some(Court { half_width: 6.0, back: 6.0, slab: (1.2, 1.2), tile: [0.74, 0.72, 0.68] }),
                shore: (400.0, 600.0),
                hills: 3.0,
                pines: 32,
                obelisk: true,
                ..base
            },
        }
    }
}

struct World {
    north: f32,
    sun_yaw: f32,
    sun_pitch: f32,
    clouds: Vec<Blob>,
    far_hills: Vec<Wave>,
    near_hills: Vec<Wave>,
    hills: f32,
    islands: Vec<Island>,
    shore: f32,
    beach: f32,
    ground: Ground,
    eye: f32,
    plateau: f32,
    court: Option<Court>,
    /// Yaw the court runs toward, and how far.
    axis: f32,
    axis_len: f32,
    /// Far to near, so nearer objects are painted over farther ones.
    objects: Vec<Obj>,
}

impl World {
    fn new(site: &Site, scene: &Scene) -> World {
        let mut rng = Rng::from_name(&format!("{}/{}", site.slug, scene.id));
        let r = scene.look.recipe();
        // Keep the sun behind the camera's default view so the photo is not blown out.
        let sun_yaw = wrap180(rng.range(80.0, 280.0));
        let sun_pitch = rng.range(30.0, 50.0);

        let mut clouds = Vec::new();
        for _ in 0..(7 + (rng.next_u64() % 5)) {
            let (cy, cp) = (rng.range(-180.0, 180.0), rng.range(9.0, 42.0));
            for _ in 0..(4 + (rng.next_u64() % 4)) {
                clouds.push(Blob {
                    yaw: cy + rng.range(-9.0, 9.0),
                    pitch: cp + rng.range(-1.5, 2.0),
                    sx: rng.range(4.0, 9.0),
                    sy: rng.range(1.4, 2.8),
                    strength: rng.range(0.5, 1.0),
                });
            }
        }

        let waves = |rng: &mut Rng| -> Vec<Wave> {
            let ks = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0];
            let total: f32 = ks.iter().map(|k: &f32| k.powf(-0.8)).sum();
            ks.iter()
                .map(|&k| Wave { k, amp: k.powf(-0.8) / total, phase: rng.range(0.0, std::f32::consts::TAU) })
                .collect()
        };
        let far_hills = waves(&mut rng);
        let near_hills = waves(&mut rng);

        let mut islands = Vec::new();
        for _ in 0..(1 + rng.next_u64() % 3) {
            islands.push(Island {
                yaw: wrap180(scene.north + rng.range(55.0, 125.0)),
                half_width: rng.range(2.0, 6.0),
                height: rng.range(0.5, 1.8),
            });
        }

        let shore = rng.range(r.shore.0, r.shore.1);
        let mut world = World {
            north: scene.north,
            sun_yaw,
            sun_pitch,
            clouds,
            far_hills,
            near_hills,
            hills: r.hills,
            islands,
            shore,
            beach: r.beach,
            ground: r.ground,
            eye: r.eye,
            plateau: r.plateau,
            court: r.court,
            axis: 180.0,
            axis_len: 9.0,
            objects: Vec::new(),
        };
        world.place_objects(&r, &mut rng);
        world
    }

    /// Metres east of the camera of the ground point at (yaw, dist).
    fn east_of(&self, yaw: f32, dist: f32) -> f32 {
        dist * (yaw - self.north).to_radians().sin()
    }

    fn place_objects(&mut self, r: &Recipe, rng: &mut Rng) {
        let mut objs: Vec<Obj> = Vec::new();
        // Keep-out sectors (yaw centre, half width in degrees, nearest distance) for big
        // things, so trees do not grow through the hall.
        let mut keep_out: Vec<(f32, f32, f32)> = Vec::new();
        let land_limit = self.shore - self.beach - 3.0;

        if r.hall {
            // The hall faces the camera from just below the titles, so the site photo
            // (which looks at yaw 0) shows the building across its courtyard.
            let yaw = rng.range(-8.0, 8.0);
            let dist = rng.range(24.0, 30.0);
            keep_out.push((yaw, (11.0 / dist).atan().to_degrees() + 3.0, dist - 5.0));
            objs.push(Obj::new(Kind::Hall, yaw, dist, 1.0, rng.range(0.0, 1.0)));
            (self.axis, self.axis_len) = (yaw, dist + 2.5);
        }
        if r.obelisk {
            let yaw = wrap180(rng.range(-150.0, -40.0));
            let dist = rng.range(20.0, 26.0);
            keep_out.push((yaw, 8.0, dist - 6.0));
            objs.push(Obj::new(Kind::Obelisk, yaw, dist, 1.0, 0.0));
            (self.axis, self.axis_len) = (yaw, dist + 3.5);
        }
        if r.twin_rocks {
            // The site's namesake goes in the photo, beside the titles, on whichever
            // side is land.
            let off = rng.range(20.0, 28.0);
            let dist = rng.range(13.0, 16.0);
            let yaw = if self.east_of(off, dist) < self.shore - 4.0 { off } else { -off };
            keep_out.push((yaw, 16.0, dist - 8.0));
            objs.push(Obj::new(Kind::TwinRocks, yaw, dist, 1.25, 0.0));
        }

        let blocked = |keep_out: &[(f32, f32, f32)], kind: Kind, yaw: f32, dist: f32| {
            // Tall things in front of the camera would hide the titles painted at yaw 0.
            let front = if kind == Kind::Boulder { 4.0 } else { 32.0 };
            keep_out.iter().any(|&(y, hw, d)| wrap180(yaw - y).abs() < hw && dist > d)
                || (yaw.abs() < 24.0 && dist < front)
        };

        if r.gates > 0 {
            // The gate (nghi môn) stands behind the camera, opposite the hall.
            let yaw = wrap180(180.0 + rng.range(-10.0, 10.0));
            let dist = rng.range(8.0, 11.0);
            let mut widest: f32 = 0.0;
            for pair in 0..r.gates {
                let lateral = 2.5 + 3.0 * pair as f32;
                let off = (lateral / dist).atan().to_degrees();
                let d = (dist * dist + lateral * lateral).sqrt();
                let size = 1.0 - 0.12 * pair as f32;
                for y in [yaw - off, yaw + off] {
                    objs.push(Obj::new(Kind::Pillar, wrap180(y), d, size, 0.0));
                }
                widest = widest.max(off);
            }
            keep_out.push((yaw, widest + 4.0, 0.0));
        }

        let plateau = self.plateau;
        let mut scatter = |kind: Kind, count: u32, near: f32, far: f32, on_land: bool, sizes: (f32, f32)| {
            let far = far.min(plateau - 1.0);
            let mut placed = 0;
            for _ in 0..count * 20 {
                if placed == count {
                    break;
                }
                let yaw = rng.range(-180.0, 180.0);
                // Squaring spreads objects toward the near range, where they read best.
                let u = rng.range(0.0, 1.0);
                let dist = near + (far - near) * u * u;
                let size = rng.range(sizes.0, sizes.1);
                let tint = rng.range(0.0, 1.0);
                if blocked(&keep_out, kind, yaw, dist) || (on_land && self.east_of(yaw, dist) > land_limit) {
                    continue;
                }
                objs.push(Obj::new(kind, yaw, dist, size, tint));
                placed += 1;
            }
        };
        scatter(Kind::Pine, r.pines, 6.0, 110.0, true, (0.9, 1.5));
        scatter(Kind::Broadleaf, r.broadleaves, 11.0, 45.0, true, (0.9, 1.3));
        scatter(Kind::Boulder, r.boulders, 3.5, 40.0, false, (0.5, 1.6));

        // Below a summit only the lowland beyond the plateau's rim is in sight.
        let nearest_seen = self.plateau * self.eye / CAM_H;
        for _ in 0..r.lowland_trees {
            let yaw = rng.range(-180.0, 180.0);
            let dist = rng.range(nearest_seen * 1.1, nearest_seen * 4.0);
            let size = rng.range(1.8, 2.8);
            let tint = rng.range(0.0, 1.0);
            if self.east_of(yaw, dist) < land_limit {
                objs.push(Obj { foot: self.eye, ..Obj::new(Kind::Broadleaf, yaw, dist, size, tint) });
            }
        }

        for o in &mut objs {
            o.finish(self.sun_yaw);
        }
        objs.sort_by(|a, b| b.dist.total_cmp(&a.dist));
        self.objects = objs;
    }

    /// Colour seen looking at (yaw, pitch) in degrees; `ppd` = pixels per degree.
    fn shade(&self, yaw: f32, pitch: f32, ppd: f32) -> Rgb {
        let mut col = if pitch >= 0.0 { self.sky(yaw, pitch, ppd) } else { self.ground(yaw, pitch, ppd) };
        let tan_p = pitch.to_radians().tan();
        let margin = 1.5 / ppd;
        for o in &self.objects {
            if pitch < o.lo - margin || pitch > o.hi + margin {
                continue;
            }
            let dy = wrap180(yaw - o.yaw);
            if dy.abs() > o.yaw_half + margin {
                continue;
            }
            // Intersect the view ray with the object's plane, which faces the camera.
            let cos_dy = dy.to_radians().cos();
            let x = o.dist * dy.to_radians().tan();
            let depth = o.dist - o.bulge(x);
            let z = o.foot + depth * tan_p / cos_dy;
            let mpp = depth / cos_dy * (1.0 / ppd).to_radians();
            let paint = o.paint(x, z, mpp);
            if paint.a > 0.0 {
                let haze = 1.0 - (-o.dist / HAZE_METRES).exp();
                let c = mix(paint.c, scale(GROUND_HAZE, paint.a), haze);
                col =
                    [col[0] * (1.0 - paint.a) + c[0], col[1] * (1.0 - paint.a) + c[1], col[2] * (1.0 - paint.a) + c[2]];
            }
        }
        col
    }

    fn ridge(waves: &[Wave], yaw: f32) -> f32 {
        let y = yaw.to_radians();
        let v: f32 = waves.iter().map(|w| w.amp * (w.k * y + w.phase).sin()).sum();
        0.5 + 0.5 * v
    }

    fn sky(&self, yaw: f32, pitch: f32, ppd: f32) -> Rgb {
        let mut col = mix(SKY_HORIZON, SKY_ZENITH, (pitch / 90.0).sqrt());
        let sun = angle_between(yaw, pitch, self.sun_yaw, self.sun_pitch);
        col = mix(col, [1.0, 0.97, 0.88], clamp01(0.5 * (-sun / 6.0).exp() + 0.22 * (-sun / 25.0).exp()));
        col = mix(col, [1.0, 1.0, 0.97], clamp01((2.0 - sun) * ppd + 0.5));

        let (mut density, mut below) = (0.0, 0.0);
        for b in &self.clouds {
            let dp = (pitch - b.pitch) / b.sy;
            if dp.abs() > 3.5 {
                continue;
            }
            let dx = wrap180(yaw - b.yaw) * b.pitch.to_radians().cos() / b.sx;
            if dx.abs() > 3.5 {
                continue;
            }
            let g = b.strength * (-(dx * dx + dp * dp)).exp();
            density += g;
            below += g * (-dp).max(0.0);
        }
        if density > 0.0 {
            let cover = 1.0 - (-1.6 * density).exp();
            // Greyer undersides give the puffs some volume.
            let cloud = mix([1.0, 1.0, 1.0], [0.80, 0.84, 0.90], clamp01(0.45 * below / density));
            col = mix(col, cloud, 0.92 * cover);
        }

        // Hills only where land reaches the horizon: the sea lies east of every site.
        let land = smoothstep(-0.05, 0.35, -(yaw - self.north).to_radians().sin());
        let mut far = self.hills * Self::ridge(&self.far_hills, yaw).powf(1.4) * land;
        for isl in &self.islands {
            let t = wrap180(yaw - isl.yaw) / isl.half_width;
            if t.abs() < 1.0 {
                far = far.max(isl.height * (1.0 - t * t).sqrt());
            }
        }
        let near = 0.55 * self.hills * clamp01((Self::ridge(&self.near_hills, yaw) - 0.4) / 0.6) * land;
        for (h, c) in [(far, [0.52, 0.62, 0.70]), (near, [0.34, 0.48, 0.38])] {
            let a = clamp01((h - pitch) * ppd + 0.5);
            if a > 0.0 {
                let lift = 0.35 * clamp01(1.0 - pitch / h.max(0.01));
                col = mix(col, mix(c, GROUND_HAZE, lift), a);
            }
        }
        col
    }

    fn ground(&self, yaw: f32, pitch: f32, ppd: f32) -> Rgb {
        let tan_p = (-pitch).to_radians().tan();
        let rad_per_px = (1.0 / ppd).to_radians();
        let near = CAM_H / tan_p;
        // On a summit the plateau ends in a drop; past its rim the ray meets the lowland.
        let rim = clamp01((self.plateau - near) / ((near * near + CAM_H * CAM_H) / CAM_H * rad_per_px) + 0.5);
        let mut col = if rim < 1.0 { self.ground_at(yaw, self.eye / tan_p, self.eye, rad_per_px) } else { [0.0; 3] };
        if rim > 0.0 {
            let mut top = self.ground_at(yaw, near, CAM_H, rad_per_px);
            // A darker lip makes the edge of the drop read as an edge.
            if self.plateau.is_finite() {
                top = scale(top, 1.0 - 0.25 * smoothstep(self.plateau - 0.8, self.plateau, near));
            }
            col = mix(col, top, rim);
        }
        col
    }

    /// Ground colour at `d` metres from the camera on a plane `depth` below the eye.
    fn ground_at(&self, yaw: f32, d: f32, depth: f32, rad_per_px: f32) -> Rgb {
        // Ground metres covered by one pixel (radially, the larger direction); textures
        // fade out as it grows so the horizon does not shimmer into JPEG noise.
        let fp = (d * d + depth * depth) / depth * rad_per_px;
        let b = (yaw - self.north).to_radians();
        let (east, north) = (d * b.sin(), d * b.cos());

        // The lowland below a summit is farmland whatever the summit is made of.
        let material = if depth > CAM_H { Ground::Grass } else { self.ground };
        let (dark, light) = match material {
            Ground::Grass => ([0.30, 0.45, 0.21], [0.46, 0.59, 0.29]),
            Ground::Rock => ([0.50, 0.47, 0.40], [0.70, 0.66, 0.56]),
            Ground::Needles => ([0.38, 0.31, 0.21], [0.56, 0.48, 0.31]),
        };
        // Seen from high up, fields rather than tufts: stretch the pattern with height.
        let k = (CAM_H / depth).sqrt();
        let (gx, gz) = (d * k * yaw.to_radians().sin(), d * k * yaw.to_radians().cos());
        let patch =
            |x: f32, z: f32| (x * 0.23 + 1.3 * (z * 0.17).sin()).sin() * (z * 0.11 + 0.8 * (x * 0.19).sin()).cos();
        let coarse = patch(gx, gz) * clamp01(1.0 - fp * k / 6.0);
        let fine = patch(gz * 4.3 + 17.0, gx * 3.9 - 5.0) * clamp01(1.0 - fp * k / 1.2);
        let mut col = mix(dark, light, 0.5 + 0.5 * (0.75 * coarse + 0.35 * fine));

        if let (Some(court), true) = (self.court, depth <= CAM_H) {
            let rel = (yaw - self.axis).to_radians();
            let (across, along) = (d * rel.sin(), d * rel.cos());
            let sd = (across.abs() - court.half_width).max(-court.back - along).max(along - self.axis_len);
            let inside = clamp01(0.5 - sd / fp);
            if inside > 0.0 {
                // Offset by half a slab so no joint runs right under the tripod.
                let (u, v) = (across / court.slab.0 + 0.5, along / court.slab.1 + 0.5);
                let edge = ((u - u.round()).abs() * court.slab.0).min((v - v.round()).abs() * court.slab.1);
                let grout = (1.0 - smoothstep(0.006, 0.006 + fp.max(0.004), edge)) * clamp01(1.0 - fp / 0.3);
                let checker = if (u.floor() + v.floor()).rem_euclid(2.0) < 1.0 { 1.0 } else { 0.95 };
                let mut paved =
                    scale(court.tile, (1.0 - 0.3 * grout) * (1.0 + (checker - 1.0) * clamp01(1.0 - fp / 0.5)));
                // Kerb stones along the edge.
                paved = mix(paved, [0.56, 0.55, 0.52], clamp01(0.5 - (-0.3 - sd) / fp));
                col = mix(col, paved, inside);
            }
        }

        if self.beach > 0.0 {
            col = mix(col, SAND, clamp01((east - (self.shore - self.beach)) / fp + 0.5));
        }
        let sea = clamp01((east - self.shore) / fp + 0.5);
        if sea > 0.0 {
            let wave = (std::f32::consts::TAU * east / 7.0 + 0.8 * (north * 0.05).sin()).sin();
            let mut water =
                scale(mix(SEA_NEAR, SEA_FAR, 1.0 - (-d / 350.0).exp()), 1.0 + 0.06 * wave * clamp01(1.0 - fp / 2.5));
            let foam = clamp01(1.0 - (east - self.shore) / 3.0) * clamp01(1.0 - fp / 4.0);
            water = mix(water, FOAM, 0.6 * foam);
            col = mix(col, water, sea);
        }

        // A soft tripod shadow hides the nadir the way real panoramas do.
        col = scale(col, 1.0 - 0.3 * (1.0 - smoothstep(0.1, 0.5, d)));
        let slant = (d * d + depth * depth).sqrt();
        mix(col, GROUND_HAZE, 1.0 - (-slant / HAZE_METRES).exp())
    }
}

// ---------------------------------------------------------------------------
// Rendering

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<Rgb>,
}

impl Canvas {
    /// Blends with x wrapping around, since labels near yaw ±180° straddle the seam.
    fn blend(&mut self, x: i64, y: i64, col: Rgb, a: f32) {
        if y < 0 || y >= self.h as i64 || a <= 0.0 {
            return;
        }
        let x = x.rem_euclid(self.w as i64) as usize;
        let i = y as usize * self.w + x;
        self.px[i] = mix(self.px[i], col, a.min(1.0));
    }

    fn sample(&self, x: f32, y: f32) -> Rgb {
        let y = y.clamp(0.0, (self.h - 1) as f32);
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let xi = |dx: i64| (x0 as i64 + dx).rem_euclid(self.w as i64) as usize;
        let yi = |dy: usize| (y0 as usize + dy).min(self.h - 1);
        let at = |xx: usize, yy: usize| self.px[yy * self.w + xx];
        let top = mix(at(xi(0), yi(0)), at(xi(1), yi(0)), fx);
        let bottom = mix(at(xi(0), yi(1)), at(xi(1), yi(1)), fx);
        mix(top, bottom, fy)
    }

    fn to_rgb8(&self) -> Vec<u8> {
        self.px.iter().flat_map(|c| c.map(|v| (clamp01(v) * 255.0 + 0.5) as u8)).collect()
    }
}

/// Directions to shade, in degrees: a yaw half-width around yaw 0 and a pitch half-height.
/// The panorama needs everything; the photo's source only what its view can see.
#[derive(Clone, Copy)]
struct Window {
    yaw: f32,
    pitch: f32,
}

const WHOLE_SPHERE: Window = Window { yaw: 180.0, pitch: 90.0 };

/// Everything is laid out for a 2048-wide panorama and scaled by `scale`, so the
/// double-size render used for the photo is the same picture, only sharper.
fn render_panorama(
    world: &World,
    font: &FontRef,
    site: &Site,
    scene: &Scene,
    scale: usize,
    window: Window,
) -> Result<Canvas> {
    let (w, h) = (PANO_W * scale, PANO_H * scale);
    let ppd = w as f32 / 360.0;
    let mut px = vec![[0.0; 3]; w * h];
    // Rows are independent, so any split across threads gives identical output; dealing
    // out bands round-robin keeps the costly horizon rows from landing on one thread.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let band = 16;
    let mut jobs: Vec<Vec<(usize, &mut [Rgb])>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, rows) in px.chunks_mut(band * w).enumerate() {
        jobs[i % threads].push((i * band, rows));
    }
    std::thread::scope(|s| {
        for job in jobs {
            s.spawn(move || {
                for (y0, rows) in job {
                    for (i, out) in rows.iter_mut().enumerate() {
                        let (x, y) = (i % w, y0 + i / w);
                        let yaw = (x as f32 + 0.5) / ppd - 180.0;
                        let pitch = 90.0 - (y as f32 + 0.5) / ppd;
                        if yaw.abs() <= window.yaw && pitch.abs() <= window.pitch {
                            *out = world.shade(yaw, pitch, ppd);
                        }
                    }
                }
            });
        }
    });
    let mut canvas = Canvas { w, h, px };
    draw_grid(&mut canvas, scale as f32);
    annotate(&mut canvas, font, world, site, scene, scale as f32)?;
    Ok(canvas)
}

/// Faint latitude/longitude lines every 15° so projection errors show in the viewer.
fn draw_grid(c: &mut Canvas, s: f32) {
    let step = 15.0 * c.w as f32 / 360.0;
    let lw = 1.2 * s;
    let cover = |p: f32| {
        let k = (p / step).round();
        let line = k * step;
        (clamp01((p + 1.0).min(line + lw / 2.0) - p.max(line - lw / 2.0)), k as i64)
    };
    let strength = |k: i64| if k % 2 == 0 { 0.2 } else { 0.11 };
    for y in 0..c.h {
        let (cy, ky) = cover(y as f32);
        // Skip the poles (degenerate) and the horizon (already a visible edge).
        let row = if ky == 0 || ky == 6 || ky == 12 { 0.0 } else { cy * strength(ky) };
        for x in 0..c.w {
            let (cx, kx) = cover(x as f32);
            let a = row.max(cx * strength(kx));
            if a > 0.0 {
                c.px[y * c.w + x] = mix(c.px[y * c.w + x], [1.0, 1.0, 1.0], a);
            }
        }
    }
}

fn annotate(c: &mut Canvas, font: &FontRef, world: &World, site: &Site, scene: &Scene, s: f32) -> Result<()> {
    let ppd = c.w as f32 / 360.0;
    let x_of = |yaw: f32| (wrap180(yaw) + 180.0) * ppd;
    let horizon = c.h as f32 / 2.0;
    let white = [1.0, 1.0, 1.0];

    // Compass letters ~70 px tall (cap height), just above the horizon.
    let cap = cap_height_ratio(font)?;
    for (letter, offset, colour) in
        [("N", 0.0, [1.0, 0.86, 0.80]), ("E", 90.0, white), ("S", 180.0, white), ("W", -90.0, white)]
    {
        let x = x_of(world.north + offset);
        vline(c, x, horizon - 12.0 * s, horizon, 3.0 * s, colour);
        let label =
            Label { text: letter, px: 70.0 * s / cap, cx: x, baseline: horizon - 15.0 * s, fill: colour, opacity: 1.0 };
        draw_label(c, font, &label, s)?;
    }

    // Yaw scale just below the horizon, for checking orientation by eye.
    for k in -6..6 {
        let yaw = k as f32 * 30.0;
        let text = match k {
            -6 => "yaw 180".to_string(),
            k if k < 0 => format!("yaw -{}", -k * 30),
            k => format!("yaw {}", k * 30),
        };
        let x = x_of(yaw);
        vline(c, x, horizon, horizon + 9.0 * s, 1.5 * s, white);
        let label = Label { text: &text, px: 18.0 * s, cx: x, baseline: horizon + 28.0 * s, fill: white, opacity: 0.9 };
        draw_label(c, font, &label, s)?;
    }

    // Titles face yaw 0, stacked above the compass row and below pitch 40°.
    let centre = x_of(0.0);
    let name_px = fit(font, site.name, 52.0 * s, 760.0 * s)?;
    let name =
        Label { text: site.name, px: name_px, cx: centre, baseline: horizon - 172.0 * s, fill: white, opacity: 1.0 };
    draw_label(c, font, &name, s)?;
    let title_px = fit(font, scene.title, 44.0 * s, 700.0 * s)?;
    let title = Label {
        text: scene.title,
        px: title_px,
        cx: centre,
        baseline: horizon - 98.0 * s,
        fill: [1.0, 0.95, 0.82],
        opacity: 1.0,
    };
    draw_label(c, font, &title, s)?;

    for yaw in [0.0, 180.0] {
        let mark = Label {
            text: WATERMARK,
            px: 24.0 * s,
            cx: x_of(yaw),
            baseline: horizon + 122.0 * s,
            fill: white,
            opacity: 0.85,
        };
        draw_label(c, font, &mark, s)?;
    }
    Ok(())
}

/// A vertical tick with a dark rim, readable on both sky and ground.
fn vline(c: &mut Canvas, x: f32, y0: f32, y1: f32, width: f32, col: Rgb) {
    let dark = [0.05, 0.08, 0.12];
    for (w, colour, alpha) in [(width + 2.0, dark, 0.35), (width, col, 1.0)] {
        for xi in (x - w / 2.0 - 1.0).floor() as i64..=(x + w / 2.0 + 1.0).ceil() as i64 {
            let cover = clamp01((xi as f32 + 1.0).min(x + w / 2.0) - (xi as f32).max(x - w / 2.0));
            for yi in y0.round() as i64..y1.round() as i64 {
                c.blend(xi, yi, colour, cover * alpha);
            }
        }
    }
}

struct Label<'a> {
    text: &'a str,
    px: f32,
    /// Centre of the ink, in canvas pixels.
    cx: f32,
    baseline: f32,
    fill: Rgb,
    opacity: f32,
}

fn layout(font: &FontRef, text: &str, px: f32, dx: f32, baseline: f32) -> Result<Vec<Glyph>> {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut caret = 0.0;
    let mut prev = None;
    let mut glyphs = Vec::new();
    for ch in text.chars() {
        if ('\u{300}'..='\u{36f}').contains(&ch) {
            return Err(format!("{text:?} has a combining mark; write it precomposed (NFC)").into());
        }
        let id = font.glyph_id(ch);
        if id.0 == 0 {
            return Err(format!("the font has no glyph for {ch:?} in {text:?}").into());
        }
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(px, point(caret + dx, baseline)));
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    Ok(glyphs)
}

fn outline_all(font: &FontRef, glyphs: Vec<Glyph>) -> Vec<OutlinedGlyph> {
    glyphs.into_iter().filter_map(|g| font.outline_glyph(g)).collect()
}

/// Ink extent (min x, max x, min y, max y) of outlined glyphs.
fn ink_bounds(outlines: &[OutlinedGlyph]) -> (f32, f32, f32, f32) {
    outlines.iter().fold((f32::MAX, f32::MIN, f32::MAX, f32::MIN), |(x0, x1, y0, y1), o| {
        let b = o.px_bounds();
        (x0.min(b.min.x), x1.max(b.max.x), y0.min(b.min.y), y1.max(b.max.y))
    })
}

/// Largest size up to `px` at which `text` is at most `max_width` pixels of ink wide.
fn fit(font: &FontRef, text: &str, px: f32, max_width: f32) -> Result<f32> {
    let (x0, x1, _, _) = ink_bounds(&outline_all(font, layout(font, text, px, 0.0, 0.0)?));
    Ok(if x1 - x0 > max_width { px * max_width / (x1 - x0) } else { px })
}

/// Cap height as a fraction of the font size, so compass letters get an exact pixel height.
fn cap_height_ratio(font: &FontRef) -> Result<f32> {
    let (_, _, y0, y1) = ink_bounds(&outline_all(font, layout(font, "H", 1000.0, 0.0, 0.0)?));
    Ok((y1 - y0) / 1000.0)
}

fn draw_label(c: &mut Canvas, font: &FontRef, label: &Label, s: f32) -> Result<()> {
    let (x0, x1, _, _) = ink_bounds(&outline_all(font, layout(font, label.text, label.px, 0.0, 0.0)?));
    let dx = label.cx - (x0 + x1) / 2.0;
    let outlines = outline_all(font, layout(font, label.text, label.px, dx, label.baseline)?);
    if outlines.is_empty() {
        return Ok(());
    }
    let (bx0, bx1, by0, by1) = ink_bounds(&outlines);
    let pad = (6.0 * s).ceil() as i64;
    let (ox, oy) = (bx0 as i64 - pad, by0 as i64 - pad);
    let (mw, mh) = ((bx1 - bx0) as usize + 2 * pad as usize, (by1 - by0) as usize + 2 * pad as usize);
    let mut mask = vec![0.0f32; mw * mh];
    for o in &outlines {
        let b = o.px_bounds();
        o.draw(|gx, gy, cov| {
            let mx = (b.min.x as i64 + i64::from(gx) - ox) as usize;
            let my = (b.min.y as i64 + i64::from(gy) - oy) as usize;
            if mx < mw && my < mh {
                let m = &mut mask[my * mw + mx];
                *m = (*m + cov).min(1.0);
            }
        });
    }
    // A soft drop shadow keeps white text legible over pale sky and clouds.
    let radius = (2.0 * s) as usize;
    let shadow = blur(&blur(&mask, mw, mh, radius), mw, mh, radius);
    let off = (1.5 * s).round() as i64;
    for my in 0..mh {
        for mx in 0..mw {
            let a = shadow[my * mw + mx];
            c.blend(
                ox + mx as i64 + off,
                oy + my as i64 + off,
                [0.04, 0.07, 0.12],
                0.6 * label.opacity * (a * 1.6).min(1.0),
            );
        }
    }
    for my in 0..mh {
        for mx in 0..mw {
            c.blend(ox + mx as i64, oy + my as i64, label.fill, label.opacity * mask[my * mw + mx]);
        }
    }
    Ok(())
}

/// Box blur of radius `r`, horizontal then vertical, clamping at the edges.
fn blur(src: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let r = r.max(1) as isize;
    let (wi, hi) = (w as isize, h as isize);
    let pass = |v: &[f32], (dx, dy): (isize, isize)| {
        let mut out = vec![0.0; w * h];
        for y in 0..hi {
            for x in 0..wi {
                let sum: f32 = (-r..=r)
                    .map(|k| {
                        let sx = (x + k * dx).clamp(0, wi - 1) as usize;
                        let sy = (y + k * dy).clamp(0, hi - 1) as usize;
                        v[sy * w + sx]
                    })
                    .sum();
                out[y as usize * w + x as usize] = sum / (2 * r + 1) as f32;
            }
        }
        out
    };
    pass(&pass(src, (1, 0)), (0, 1))
}

/// The directions a level view at yaw 0 can see (plus a small margin for filtering).
fn photo_window(w: usize, h: usize, hfov_deg: f32) -> Window {
    let half = (hfov_deg / 2.0).to_radians();
    // The top edge is highest in the middle column, the sides widest on the horizon.
    let pitch = (half.tan() * h as f32 / w as f32).atan().to_degrees();
    Window { yaw: hfov_deg / 2.0 + 1.0, pitch: pitch + 1.0 }
}

/// Rectilinear view at yaw 0, pitch 0, as a viewer would show it.
fn flat_view(pano: &Canvas, w: usize, h: usize, hfov_deg: f32) -> Canvas {
    let f = (w as f32 / 2.0) / (hfov_deg / 2.0).to_radians().tan();
    let ppd = pano.w as f32 / 360.0;
    let mut px = Vec::with_capacity(w * h);
    for v in 0..h {
        for u in 0..w {
            let x = u as f32 + 0.5 - w as f32 / 2.0;
            let y = h as f32 / 2.0 - (v as f32 + 0.5);
            let yaw = x.atan2(f).to_degrees();
            let pitch = y.atan2((x * x + f * f).sqrt()).to_degrees();
            px.push(pano.sample((yaw + 180.0) * ppd - 0.5, (90.0 - pitch) * ppd - 0.5));
        }
    }
    Canvas { w, h, px }
}

fn write_jpeg(c: &Canvas, path: &Path, budget: usize) -> Result<()> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode(&c.to_rgb8(), c.w as u32, c.h as u32, ExtendedColorType::Rgb8)
        .map_err(|e| format!("cannot encode {}: {e}", path.display()))?;
    if bytes.len() > budget {
        return Err(format!("{} would be {} bytes, over its {budget}-byte budget", path.display(), bytes.len()).into());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{} ({} KB)", path.display(), bytes.len().div_ceil(1000));
    Ok(())
}
