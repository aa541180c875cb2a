//! Peak memory of a real `disan build` whose panorama is the largest the decode budget accepts
//! (16384×8192, 384 MiB decoded in 8-bit RGB): it must stay within 1.5× the decoded image plus a fixed
//! allowance for the program itself, and an image over the budget must be refused before it is decoded.
//!
//! The peak is the kernel's high-water mark of the child's resident memory (`VmHWM` in
//! `/proc/PID/status`), read every few milliseconds while the build runs; the mark never goes down, so a
//! late reading still counts every earlier peak.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;

/// Memory the program needs whatever it builds: the binary's pages, the async runtime, rayon's threads
/// and their stacks, the allocator's arenas, the templates, the fixture's other small panoramas and its
/// recording. Measured at 47–61 MiB for the small fixture (see `small_build_baseline`); 80 MiB leaves room
/// for a busier machine without hiding a second copy of a large image (a 16384×8192 image is 384 MiB, an
/// 8192×4096 one 96 MiB: at that size a second copy would exceed the limit too).
const PROGRAM_ALLOWANCE: u64 = 80 * MIB;

/// A `w`×`h` JPEG panorama with smooth colour, a grid and fine noise, so it compresses like a photograph
/// (about 2 bits per pixel) rather than to almost nothing; each `seed` gives different bytes (identical
/// files would be decoded once and shared by the build's cache).
fn write_panorama(path: &Path, w: u32, h: u32, seed: u64) {
    let mut px = vec![0u8; w as usize * h as usize * 3];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ seed;
    for (y, row) in px.chunks_exact_mut(w as usize * 3).enumerate() {
        let b = 80 + (y as u64 * 150 / u64::from(h)) as u8;
        for (x, p) in row.chunks_exact_mut(3).enumerate() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed & 15) as u8;
            let t = (x as u64 * 255 / u64::from(w)) as u8;
            let grid = x % 512 < 4 || y % 512 < 4;
            let base = if grid { [20, 20, 20] } else { [t, b, 255 - t] };
            p.copy_from_slice(&[base[0].saturating_add(noise), base[1].saturating_add(noise / 2), base[2] ^ noise]);
        }
    }
    fs::create_dir_all(path.parent().expect("parent")).expect("media dir");
    jpeg_encoder::Encoder::new_file(path, 85)
        .expect("create jpeg")
        .encode(&px, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode jpeg");
}

/// Reads the peak resident memory so far of process `pid`, if it is still running.
fn high_water_mark(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `disan` with `args` over `root`, returning whether it succeeded, its report and its peak memory.
fn run_measured(root: &Path, args: &[&str], deadline: Duration) -> (bool, String, u64) {
    let log = root.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_disan"))
        .env("DISAN_LANG", "en")
        .arg("--root")
        .arg(root)
        .args(args)
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("run disan");
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(hwm) = high_water_mark(child.id()) {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait().expect("wait for disan") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("disan {args:?} still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let report = fs::read_to_string(&log).unwrap_or_default();
    (status.success(), report, peak)
}

/// Builds the fixture with its gate panorama (and, when `both`, its yard's too) replaced by a generated
/// `w`×`h` JPEG and checks the peak against one decoded image.
fn build_within_budget(w: u32, h: u32, both: bool) -> u64 {
    let dir = common::fixture();
    write_panorama(&dir.path().join("content/demo/panoramas/cong.jpg"), w, h, 1);
    if both {
        write_panorama(&dir.path().join("content/demo/panoramas/san.jpg"), w, h, 2);
        write_panorama(&dir.path().join("content/other/panoramas/san.jpg"), w, h, 3);
    }
    let (ok, report, peak) = run_measured(dir.path(), &["build"], Duration::from_secs(900));
    assert!(ok, "the build must accept a {w}×{h} panorama:\n{report}");
    let tiled = if both { ["demo/cong", "demo/san", "other/san"].as_slice() } else { &["demo/cong"] };
    for p in tiled {
        assert!(report.contains(&format!("tiled media/{p}:")), "{p} was tiled:\n{report}");
    }
    let decoded = u64::from(w) * u64::from(h) * 3;
    let limit = decoded * 3 / 2 + PROGRAM_ALLOWANCE;
    eprintln!(
        "{w}×{h}: decoded {} MiB, peak {} MiB ({:.2}× decoded), limit {} MiB",
        decoded / MIB,
        peak / MIB,
        peak as f64 / decoded as f64,
        limit / MIB
    );
    assert!(peak > decoded, "the measurement saw the decoded image ({} MiB peak)", peak / MIB);
    assert!(peak <= limit, "peak {} MiB over 1.5× the decoded image + allowance ({} MiB)", peak / MIB, limit / MIB);
    peak
}

#[test]
fn small_build_baseline() {
    let dir = common::fixture();
    let (ok, report, peak) = run_measured(dir.path(), &["build"], Duration::from_secs(300));
    assert!(ok, "{report}");
    eprintln!("small fixture: peak {} MiB", peak / MIB);
    assert!(peak < PROGRAM_ALLOWANCE, "the program alone needs {} MiB", peak / MIB);
}

/// An 8192×4096 panorama (96 MiB decoded): the same code paths as the largest size (several tile levels,
/// a flat copy shrunk to 4096 wide), fast enough for every test run.
#[test]
fn eight_k_panorama_builds_within_budget() {
    build_within_budget(8192, 4096, false);
}

/// Two large panoramas in one site (11600×5800, 193 MiB decoded each: together just over the budget) are
/// decoded one after the other, both by `check` (which shares one budget between its cores) and by the
/// build (whose cores tile one panorama together instead of decoding the next), so the peak is that of one.
#[test]
fn two_large_panoramas_are_not_held_at_once() {
    build_within_budget(11_600, 5_800, true);
}

/// The largest accepted size: about 35 s in a debug build on two busy cores (a 13 MB JPEG generated, then
/// decoded, tiled into five levels, shrunk and previewed).
#[test]
fn largest_panorama_builds_within_budget() {
    build_within_budget(16_384, 8_192, false);
}

/// A PNG over the budget is refused by its header, before anything is decoded: the build stays small.
#[test]
fn over_budget_png_is_refused_without_decoding() {
    let dir = common::fixture();
    let png = dir.path().join("content/demo/panoramas/cong.png");
    let img = image::RgbImage::from_pixel(16_386, 8_193, image::Rgb([90, 120, 150]));
    img.save(&png).expect("write png");
    let yaml = dir.path().join("sites/demo.yaml");
    let text = fs::read_to_string(&yaml).expect("read").replacen("panoramas/cong.jpg", "panoramas/cong.png", 1);
    fs::write(&yaml, text).expect("write");
    let (ok, report, peak) = run_measured(dir.path(), &["build"], Duration::from_secs(300));
    assert!(!ok, "an over-budget panorama must fail the build:\n{report}");
    assert!(report.contains("16386×8193"), "the size is named:\n{report}");
    assert!(report.contains("384 MB"), "the budget is named:\n{report}");
    eprintln!("over-budget PNG refused: peak {} MiB", peak / MIB);
    assert!(peak < PROGRAM_ALLOWANCE, "refused before decoding, yet {} MiB peak", peak / MIB);
}
