//! Shared test helpers: a small valid collection with generated media, the real `disan` binary, and a
//! real server on a free port.
#![allow(dead_code)]

pub mod audio;
pub mod browser;
pub mod wire;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use image::{Rgb, RgbImage};

/// The repository root (where the sample collection lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read fixture dir") {
        let e = e.expect("dir entry");
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy fixture file");
        }
    }
}

/// An equirectangular test image whose colour encodes direction: hue follows yaw, brightness pitch,
/// with a grid every 30° so movement is visible.
pub fn panorama(w: u32, h: u32, seed: u8) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let yaw = x as f32 / w as f32 * 360.0 - 180.0;
        let pitch = 90.0 - y as f32 / h as f32 * 180.0;
        let grid = (yaw.rem_euclid(30.0) < 1.0) || (pitch.rem_euclid(30.0) < 1.0);
        if grid {
            return Rgb([20, 20, 20]);
        }
        let t = (yaw + 180.0) / 360.0;
        let b = 0.35 + 0.65 * (pitch + 90.0) / 180.0;
        let r = (255.0 * b * (1.0 - t)) as u8;
        let g = (255.0 * b * (0.5 + 0.5 * (t * std::f32::consts::TAU).sin()).abs()) as u8;
        let bl = (255.0 * b * t) as u8;
        Rgb([r, g.wrapping_add(seed), bl])
    })
}

fn save_jpeg(img: &RgbImage, path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create media dir");
    img.save(path).expect("save test image");
}

/// Writes the media the valid fixture refers to into `root`.
pub fn make_media(root: &Path) {
    let c = root.join("content");
    // 2048 wide gives a two-level pyramid, so tests can see the viewer fetch a deeper level.
    save_jpeg(&panorama(2048, 1024, 0), &c.join("demo/panoramas/cong.jpg"));
    save_jpeg(&panorama(2048, 1024, 90), &c.join("demo/panoramas/san.jpg"));
    save_jpeg(&panorama(600, 400, 0), &c.join("demo/photos/view.jpg"));
    save_jpeg(&panorama(1024, 512, 40), &c.join("other/panoramas/san.jpg"));
    // A stereo phone-style MP3 of speech-like syllables (see tests/audio.rs), which the build re-encodes.
    let audio = repo().join("tests/fixtures/audio/voice.mp3");
    std::fs::create_dir_all(c.join("demo/audio")).expect("audio dir");
    std::fs::copy(audio, c.join("demo/audio/vi.mp3")).expect("copy fixture audio");
}

/// A fresh copy of the valid fixture collection, with media, in a temporary folder.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("tests/fixtures/valid"), dir.path());
    make_media(dir.path());
    dir
}

/// Every scene of the three-scenes-per-site fixture (`tests/fixtures/tour`), as (site, scene).
pub const TOUR_SCENES: [(&str, &str); 6] =
    [("dinh", "cong"), ("dinh", "san"), ("dinh", "hau-cung"), ("chua", "tam-quan"), ("chua", "vuon"), ("chua", "thap")];

/// Writes the media of the three-scenes-per-site fixture (`tests/fixtures/tour`) into `root`: small
/// panoramas (one tile level), each scene in its own tint so scenes look different.
pub fn make_tour_media(root: &Path) {
    let c = root.join("content");
    for (i, (site, scene)) in TOUR_SCENES.into_iter().enumerate() {
        save_jpeg(&panorama(1024, 512, 40 * i as u8), &c.join(format!("{site}/panoramas/{scene}.jpg")));
    }
}

/// A fresh copy of the three-scenes-per-site fixture collection, with media, in a temporary folder.
pub fn tour_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("tests/fixtures/tour"), dir.path());
    make_tour_media(dir.path());
    dir
}

/// A fresh copy of the three-language fixture (`tests/fixtures/three`: Vietnamese, English and French,
/// placards in Vietnamese and French), with small generated panoramas.
pub fn three_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo().join("tests/fixtures/three"), dir.path());
    let c = dir.path().join("content/den/panoramas");
    save_jpeg(&panorama(1024, 512, 10), &c.join("cong.jpg"));
    save_jpeg(&panorama(1024, 512, 120), &c.join("san.jpg"));
    dir
}

/// A copy of the sample collection (`sites/` and `content/` of the repository) in a temporary folder.
pub fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for d in ["sites", "content"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    dir
}

/// Runs the real `disan` binary on a collection.
pub fn disan(root: &Path, args: &[&str]) -> Output {
    // English only, whatever the machine's locale, so reports compare with the snapshots.
    Command::new(env!("CARGO_BIN_EXE_disan"))
        .env("DISAN_LANG", "en")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run disan")
}

/// A running `disan serve` on a free loopback port, stopped when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT` (or `https://…`)
    pub base: String,
    child: Child,
    stdout: Option<ChildStdout>,
}

impl Server {
    /// Builds `root` into `root/dist` and serves it.
    pub fn start(root: &Path) -> Server {
        Server::start_with(root, &root.join("dist"))
    }

    /// Builds `root` into `out` and serves it.
    pub fn start_with(root: &Path, out: &Path) -> Server {
        Server::start_args(root, &[std::ffi::OsStr::new("--out"), out.as_os_str()])
    }

    /// Builds and serves `root` with extra `serve` arguments.
    pub fn start_args(root: &Path, extra: &[&std::ffi::OsStr]) -> Server {
        Server::spawn(root, extra, false)
    }

    /// As [`Server::start_args`], keeping standard output (the request log) for [`Server::stop_and_log`].
    pub fn start_logged(root: &Path, extra: &[&std::ffi::OsStr]) -> Server {
        Server::spawn(root, extra, true)
    }

    fn spawn(root: &Path, extra: &[&std::ffi::OsStr], keep_stdout: bool) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_disan"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(if keep_stdout { Stdio::piped() } else { Stdio::null() })
            .stderr(Stdio::piped())
            .spawn()
            .expect("start disan serve");
        let stdout = child.stdout.take();
        let stderr = child.stderr.take().expect("stderr");
        // Lines arrive on a thread of their own, so the wait for the address has a deadline (a first build
        // tiles panoramas: minutes on a loaded machine, never forever). The thread keeps draining stderr
        // afterwards so the server never blocks on a full pipe.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Once the address is found nobody listens: the lines are read and dropped.
                let _ = tx.send(line);
            }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(600);
        let mut seen = String::new();
        let base = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = match rx.recv_timeout(left) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    match e {
                        std::sync::mpsc::RecvTimeoutError::Timeout => {
                            panic!("disan serve did not start listening within 10 minutes:\n{seen}")
                        }
                        std::sync::mpsc::RecvTimeoutError::Disconnected => {
                            panic!("disan serve exited before listening:\n{seen}")
                        }
                    }
                }
            };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(i) = line.find("at http") {
                let url = line[i + 3..].split_whitespace().next().expect("url");
                break url.trim_end_matches('/').to_string();
            }
        };
        Server { base, child, stdout }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `127.0.0.1:PORT`, for raw sockets.
    pub fn addr(&self) -> String {
        self.base.split("://").nth(1).expect("address").to_string()
    }

    /// Stops the server with SIGTERM and returns what it wrote to standard output.
    pub fn stop_and_log(mut self) -> String {
        let mut stdout = self.stdout.take().expect("started with start_logged");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        assert!(self.sigterm(), "SIGTERM ends the server cleanly");
        reader.join().expect("stdout reader")
    }

    /// Kills the server at once (SIGKILL), as a crash or power-cut of the process would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for a clean exit; returns whether it exited successfully in time.
    pub fn terminate(mut self) -> bool {
        self.sigterm()
    }

    fn sigterm(&mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when CI asks every external tool (browser, poppler, nginx) to be present: `DISAN_REQUIRE_TOOLS`
/// set to `1`, `true` or `yes` (`0`, `false`, `no` or empty leave missing tools as skips).
pub fn tools_required() -> bool {
    std::env::var("DISAN_REQUIRE_TOOLS").is_ok_and(|v| asks_for_yes(&v))
}

/// `1`, `true` or `yes`, in any case and with spaces around.
pub fn asks_for_yes(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
}

/// Skips a test for a missing tool with the reason, or fails it when CI requires the tool.
pub fn skip(why: &str) {
    assert!(!tools_required(), "{why} (DISAN_REQUIRE_TOOLS is set)");
    eprintln!("{why}");
}

/// An HTTP client that reports every status instead of failing on 4xx/5xx and never follows redirects.
/// Every call ends within a minute, so a host that hangs fails the test instead of stopping the suite.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}
