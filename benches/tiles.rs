//! Tiling benchmark: a generated, photo-like 8192×4096 and 16384×8192 panorama (JPEG q90) cut into the
//! full cube pyramid (512-px JPEG q75 tiles, 1024-px fallback faces) by `disan tile`, and — when they are
//! installed — by the reference pipelines of shared/reference/perf.md on the same input, run back to back
//! and repeated so a noisy shared machine affects them alike:
//!
//! - Pannellum's generator's way: Hugin `nona` renders the faces, Pillow cuts the pyramid
//!   (`benches/reference/pannellum_way.py`; needs `nona` from Debian's hugin-tools and Pillow);
//! - the fastest libvips pipeline: one process, `mapim` through cached index maps, `dzsave`
//!   (`benches/reference/vips_way.py`; needs pyvips from PyPI over the system libvips, and NumPy to
//!   prepare the maps once, untimed).
//!
//! For each it prints the median wall time, CPU time (user + system), pyramid megapixels per second, peak
//! memory, and how disan compares. Run with `cargo bench --bench tiles` (builds the release binary first).
//! `DISAN_BENCH_SIZES=8192` runs only the 8K case; `DISAN_BENCH_RUNS=5` changes the repeat count (3).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use image::RgbImage;
use rayon::prelude::*;
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
    let pixel = |x: u32, y: u32| {
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
        [c(r), c(g), c(b)]
    };
    let mut img = RgbImage::new(w, h);
    img.par_chunks_mut(w as usize * 3).enumerate().for_each(|(y, row)| {
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            px.copy_from_slice(&pixel(x as u32, y as u32));
        }
    });
    img
}

/// One measured run.
#[derive(Clone, Copy)]
struct Run {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

/// Runs a command under GNU time and reads its wall time, CPU time and peak memory (of the largest
/// process, children included); `None` with the reason when it fails.
fn measure(cmd: &mut Command) -> Result<Run, String> {
    let report = std::env::temp_dir().join(format!("disan-bench-time-{}", std::process::id()));
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(&program)
        .args(&args)
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (Debian package `time`): {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{} failed: {}", program.to_string_lossy(), stderr.lines().last().unwrap_or("")));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let field = |name: &str| -> f64 {
        text.lines().find_map(|l| l.trim().strip_prefix(name).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0)
    };
    Ok(Run {
        wall,
        cpu: field("User time (seconds):") + field("System time (seconds):"),
        rss_mb: field("Maximum resident set size (kbytes):") / 1024.0,
    })
}

/// Per-field medians of several runs.
fn median(runs: &[Run]) -> Run {
    let m = |f: fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Run { wall: m(|r| r.wall), cpu: m(|r| r.cpu), rss_mb: m(|r| r.rss_mb) }
}

/// Megapixels in every level of the pyramid (what the tools produce, fallback faces aside).
fn pyramid_mp(width: u32) -> f64 {
    let cube = (width as f64 / std::f64::consts::PI / 8.0).floor() * 8.0;
    let mut size = cube;
    let mut total = 0.0;
    loop {
        total += 6.0 * size * size;
        if size <= 512.0 {
            break;
        }
        size = (size / 2.0).floor();
    }
    total / 1e6
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Makes the command that tiles an input into an output folder.
type MakeCommand<'a> = Box<dyn Fn(&Path, &Path) -> Command + 'a>;

/// A pipeline: its name, and how to run it.
struct Reference<'a> {
    name: &'static str,
    command: MakeCommand<'a>,
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
    let scripts = root.join("benches/reference");
    let work = root.join("target/bench-tiles");
    std::fs::create_dir_all(&work).expect("bench folder");
    let sizes: Vec<u32> = std::env::var("DISAN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![8192, 16384]);
    let runs: usize = std::env::var("DISAN_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);

    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut references: Vec<Reference> = Vec::new();
    if Command::new("nona").arg("--help").output().is_err() {
        println!("skipping Pannellum's way: `nona` is not installed (Debian: apt-get install hugin-tools)");
    } else if !succeeds(&python, &["-c", "import PIL"]) {
        println!("skipping Pannellum's way: {python} has no Pillow (Debian: python3-pil; or pip install pillow)");
    } else {
        let (python, script) = (python.clone(), scripts.join("pannellum_way.py"));
        references.push(Reference {
            name: "Pannellum's way (nona + Pillow)",
            command: Box::new(move |input, out| {
                let mut c = Command::new(&python);
                c.arg(&script).arg(input).arg(out);
                c
            }),
        });
    }
    let vips_ok = succeeds(&python, &["-c", "import pyvips, numpy"]);
    if !vips_ok {
        println!(
            "skipping libvips: {python} cannot import pyvips and numpy (pip install pyvips numpy; needs libvips42)"
        );
    }

    println!("\nload average at start: {}; {runs} runs each, back to back; medians", load());
    println!("| input | tool | wall s | CPU s | pyramid MP/s | peak RSS MB | RSS / decoded | disan wall ÷ tool wall |");
    println!("|---|---|---|---|---|---|---|---|");
    for w in sizes {
        let h = w / 2;
        let input = work.join(format!("photo{w}-q90.jpg"));
        if !input.exists() {
            let img = photo_like(w, h);
            let mut f = std::io::BufWriter::new(std::fs::File::create(&input).expect("create test panorama"));
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 90)
                .encode_image(&img)
                .expect("write test panorama");
        }
        let mut tools: Vec<Reference> = vec![Reference {
            name: "disan",
            command: Box::new(|input, out| {
                let mut c = Command::new(&disan);
                c.arg("tile").arg(input).arg(out);
                c
            }),
        }];
        tools.extend(
            references
                .iter()
                .map(|r| Reference { name: r.name, command: Box::new(|input, out| (r.command)(input, out)) }),
        );
        if vips_ok {
            // Index maps are computed once per size and cached: perf.md's fastest libvips figure excludes them.
            let maps = work.join(format!("vips-maps-{w}"));
            let prepared = Command::new(&python)
                .arg(scripts.join("vips_way.py"))
                .args(["prepare", &w.to_string(), &h.to_string()])
                .arg(&maps)
                .status()
                .is_ok_and(|s| s.success());
            if prepared {
                let (python, script) = (python.clone(), scripts.join("vips_way.py"));
                tools.push(Reference {
                    name: "libvips, cached maps (mapim + dzsave)",
                    command: Box::new(move |input, out| {
                        let mut c = Command::new(&python);
                        c.arg(&script).arg("run").arg(input).arg(&maps).arg(out);
                        c
                    }),
                });
            } else {
                println!("skipping libvips at {w}: preparing its index maps failed");
            }
        }
        let decoded_mb = (w as f64 * h as f64 * 3.0) / (1024.0 * 1024.0);
        let mp = pyramid_mp(w);
        let mut results: Vec<Vec<Run>> = vec![Vec::new(); tools.len()];
        let mut failed: Vec<Option<String>> = vec![None; tools.len()];
        for _ in 0..runs {
            for (i, tool) in tools.iter().enumerate() {
                if failed[i].is_some() {
                    continue;
                }
                let out = work.join(format!("out-{w}-{i}"));
                let _ = std::fs::remove_dir_all(&out);
                match measure(&mut (tool.command)(&input, &out)) {
                    Ok(run) => results[i].push(run),
                    Err(why) => failed[i] = Some(why),
                }
                let _ = std::fs::remove_dir_all(&out);
            }
        }
        let disan_wall = (!results[0].is_empty()).then(|| median(&results[0]).wall);
        for (i, tool) in tools.iter().enumerate() {
            if let Some(why) = &failed[i] {
                println!("| {w}×{h} | {} | failed: {why} | | | | | |", tool.name);
                continue;
            }
            let r = median(&results[i]);
            let ratio = disan_wall.map_or("–".to_string(), |d| format!("{:.2}", d / r.wall));
            println!(
                "| {w}×{h} | {} | {:.2} | {:.2} | {:.1} | {:.0} | {:.2}× | {ratio} |",
                tool.name,
                r.wall,
                r.cpu,
                mp / r.wall,
                r.rss_mb,
                r.rss_mb / decoded_mb,
            );
        }
        println!("load average after {w}: {}", load());
    }
    println!(
        "\nperf.md (same machine class, idle): 8K Pannellum 11.58 s, fastest libvips 1.43 s; 16K 45.65 s and 5.85 s."
    );
}
