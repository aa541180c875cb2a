//! Tiling benchmark: a generated, photo-like 8192×4096 and 16384×8192 panorama cut into the full cube
//! pyramid by `disan tile`, reporting wall time, CPU time, pyramid megapixels per second and peak memory,
//! next to the reference figures measured on the same kind of machine (see the printed table).
//!
//! Run with `cargo bench --bench tiles` (builds the release binary first). Set `DISAN_BENCH_SIZES=8192`
//! to run only the 8K case. When `vips` is installed, libvips' own JPEG decode + tile save of the same
//! image is timed in the same run for a side-by-side ratio.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use image::{Rgb, RgbImage};

fn hash(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// Value noise at a lattice scale, smoothly interpolated.
fn noise(x: f32, y: f32, seed: u32) -> f32 {
    let (xi, yi) = (x.floor() as i32, y.floor() as i32);
    let (tx, ty) = (x - xi as f32, y - yi as f32);
    let v = |a: i32, b: i32| {
        (hash((a as u32).wrapping_mul(73_856_093) ^ (b as u32).wrapping_mul(19_349_663) ^ seed) & 0xffff) as f32
            / 65535.0
    };
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let top = v(xi, yi) + (v(xi + 1, yi) - v(xi, yi)) * s(tx);
    let bottom = v(xi, yi + 1) + (v(xi + 1, yi + 1) - v(xi, yi + 1)) * s(tx);
    top + (bottom - top) * s(ty)
}

/// A deterministic image with photo-like statistics: sky gradient with clouds, ground texture, window
/// grids, and sensor grain, so JPEG sizes and encode times resemble real panoramas.
fn photo_like(w: u32, h: u32) -> RgbImage {
    let scale = w as f32 / 8192.0;
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / scale, y as f32 / scale);
        let grain = (hash(x.wrapping_mul(31) ^ y.wrapping_mul(7919)) & 15) as f32 - 7.5;
        let horizon = 2048.0;
        let (r, g, b) = if fy < horizon {
            let t = fy / horizon;
            let cloud =
                (noise(fx / 300.0, fy / 150.0, 1) * 0.6 + noise(fx / 60.0, fy / 40.0, 2) * 0.4 - 0.45).max(0.0) * 2.2;
            let sky = (70.0 + 120.0 * t, 120.0 + 90.0 * t, 220.0 + 20.0 * t);
            let c = cloud.min(1.0);
            (sky.0 + (245.0 - sky.0) * c, sky.1 + (245.0 - sky.1) * c, sky.2 + (250.0 - sky.2) * c)
        } else {
            let n = noise(fx / 25.0, fy / 25.0, 3) * 0.5 + noise(fx / 5.0, fy / 5.0, 4) * 0.5;
            let building = (fx / 700.0).floor() as i32 % 3 == 0 && fy < horizon + 600.0;
            if building {
                let window = (fx % 60.0) < 30.0 && (fy % 80.0) < 40.0;
                if window { (40.0, 50.0, 70.0) } else { (180.0 + 40.0 * n, 160.0 + 30.0 * n, 140.0) }
            } else {
                (90.0 + 80.0 * n, 110.0 + 70.0 * n, 60.0 + 40.0 * n)
            }
        };
        let c = |v: f32| (v + grain).clamp(0.0, 255.0) as u8;
        Rgb([c(r), c(g), c(b)])
    })
}

struct Run {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

/// Runs a command under GNU time and reads its wall time, CPU time and peak memory.
fn measure(cmd: &mut Command) -> Option<Run> {
    let report = std::env::temp_dir().join(format!("disan-bench-time-{}", std::process::id()));
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let started = Instant::now();
    let status =
        Command::new("/usr/bin/time").arg("-v").arg("-o").arg(&report).arg(program).args(args).status().ok()?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return None;
    }
    let text = std::fs::read_to_string(&report).ok()?;
    let field = |name: &str| -> f64 {
        text.lines().find_map(|l| l.trim().strip_prefix(name).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0)
    };
    Some(Run {
        wall,
        cpu: field("User time (seconds):") + field("System time (seconds):"),
        rss_mb: field("Maximum resident set size (kbytes):") / 1024.0,
    })
}

fn pyramid_mp(width: u32) -> f64 {
    let cube = (width as f64 / std::f64::consts::PI / 8.0).floor() * 8.0;
    let mut size = cube;
    let mut total = 0.0;
    while size >= 1.0 {
        total += 6.0 * size * size;
        if size <= 512.0 {
            break;
        }
        size = (size / 2.0).floor();
    }
    total / 1e6
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let ok = Command::new("cargo")
        .args(["build", "--release", "--quiet"])
        .current_dir(&root)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cargo build --release failed");
    let disan = root.join("target/release/disan");
    let work = root.join("target/bench-tiles");
    std::fs::create_dir_all(&work).expect("bench folder");
    let sizes: Vec<u32> = std::env::var("DISAN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![8192, 16384]);
    let has_vips = Command::new("vips").arg("--version").output().is_ok_and(|o| o.status.success());

    println!("| input | tool | wall s | CPU s | peak RSS MB | pyramid MP/s | RSS / decoded |");
    println!("|---|---|---|---|---|---|---|");
    for w in sizes {
        let h = w / 2;
        let input = work.join(format!("pano{w}.jpg"));
        if !input.exists() {
            photo_like(w, h).save(&input).expect("write test panorama");
        }
        let decoded_mb = (w as f64 * h as f64 * 3.0) / (1024.0 * 1024.0);
        let mp = pyramid_mp(w);
        let out = work.join(format!("tiles{w}"));
        let _ = std::fs::remove_dir_all(&out);
        let mut best: Option<Run> = None;
        for _ in 0..3 {
            let _ = std::fs::remove_dir_all(&out);
            let run = measure(Command::new(&disan).arg("tile").arg(&input).arg(&out)).expect("disan tile failed");
            if best.as_ref().is_none_or(|b| run.wall < b.wall) {
                best = Some(run);
            }
        }
        let r = best.expect("a run");
        println!(
            "| {w}×{h} | disan | {:.2} | {:.2} | {:.0} | {:.1} | {:.2}× |",
            r.wall,
            r.cpu,
            r.rss_mb,
            mp / r.wall,
            r.rss_mb / decoded_mb
        );
        if has_vips {
            let vout = work.join(format!("vips{w}"));
            let _ = std::fs::remove_dir_all(&vout);
            if let Some(v) = measure(Command::new("vips").arg("dzsave").arg(&input).arg(&vout).args([
                "--tile-size",
                "512",
                "--overlap",
                "0",
                "--suffix",
                ".jpg[Q=75]",
            ])) {
                println!(
                    "| {w}×{h} | vips dzsave of the flat image (decode + pyramid + encode, no projection) | {:.2} | {:.2} | {:.0} | – | – |",
                    v.wall, v.cpu, v.rss_mb
                );
            }
        }
        let reference = if w == 8192 { (11.58, 1.43) } else { (45.65, 5.85) };
        println!(
            "| {w}×{h} | reference (perf.md, same machine class): Pannellum nona+Pillow {:.2} s, fastest libvips {:.2} s | | | | | |",
            reference.0, reference.1
        );
        println!(
            "ratio vs Pannellum: {:.1}× faster; vs fastest libvips: {:.2}×",
            reference.0 / r.wall,
            reference.1 / r.wall
        );
        let _ = std::fs::remove_dir_all(&out);
        let _ = Path::new(&out);
    }
}
