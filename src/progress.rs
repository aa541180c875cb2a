//! Progress lines on stderr for long work (tiling panoramas), one line per task running at once, redrawn
//! in place by indicatif: a step is an atomic count (no lock per tile), redraws are limited to ten a
//! second, and every line is fitted to the terminal's width (the label is cut, never wrapped, so the
//! redraw stays in place). Drawn only when stderr is a terminal: logs, pipes and CI get the plain start
//! and finish lines and no carriage-return noise.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Redraws a second at most, so thousands of tiles a second do not flood the terminal.
const REDRAWS_PER_SECOND: u8 = 10;

/// The set of tasks in progress, drawn together below any messages.
pub struct Progress {
    enabled: bool,
    bars: MultiProgress,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// Bars on stderr when it is a terminal (and `TERM` is not `dumb`); otherwise only messages.
    pub fn new() -> Progress {
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        if std::io::stderr().is_terminal() && !dumb {
            let target = ProgressDrawTarget::stderr_with_hz(REDRAWS_PER_SECOND);
            Progress { enabled: true, bars: MultiProgress::with_draw_target(target) }
        } else {
            Progress::hidden()
        }
    }

    /// Never draws bars (messages still go to stderr).
    pub fn hidden() -> Progress {
        Progress { enabled: false, bars: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()) }
    }

    /// True when bars are drawn (stderr is a terminal).
    pub fn shows_bars(&self) -> bool {
        self.enabled
    }

    /// Starts a task of `total` steps counted in `unit`s; it disappears when the handle is dropped.
    pub fn task(&self, label: impl Into<String>, total: u64, unit: &'static str) -> Task<'_> {
        let faces = Arc::new(AtomicU32::new(0));
        let shown = faces.clone();
        // `{wide_msg}` takes what the terminal has left and cuts the label to it.
        let style = ProgressStyle::with_template("[{bar:24}] {pos}/{len} {unit}, {faces}/6 faces, {left} · {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#.")
            .with_key("unit", move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(unit);
            })
            .with_key("faces", move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", shown.load(Ordering::Relaxed));
            })
            .with_key("left", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&time_left(s.pos(), s.len().unwrap_or(0), s.elapsed()));
            });
        let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::hidden())
            .with_style(style)
            .with_message(label.into());
        let bar = self.bars.add(bar);
        bar.tick();
        Task { progress: self, bar, faces }
    }

    /// Prints a line above the bars (or just prints it when there are none).
    pub fn println(&self, message: &str) {
        if self.enabled && self.bars.println(message).is_ok() {
            return;
        }
        eprintln!("{message}");
    }
}

/// One task in a [`Progress`].
pub struct Task<'a> {
    progress: &'a Progress,
    bar: ProgressBar,
    faces: Arc<AtomicU32>,
}

impl Task<'_> {
    /// One more step done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// One more cube face finished (shown beside the step count).
    pub fn face_done(&self) {
        self.faces.fetch_add(1, Ordering::Relaxed);
    }

    /// Steps done so far.
    pub fn done(&self) -> u64 {
        self.bar.position()
    }
}

impl Drop for Task<'_> {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        self.progress.bars.remove(&self.bar);
    }
}

/// `3 s left`, `3 min 18 s left`, or `estimating…` before the first step, from the pace so far.
fn time_left(done: u64, total: u64, elapsed: Duration) -> String {
    let total = total.max(1);
    let done = done.min(total);
    if done == 0 {
        return "estimating…".to_string();
    }
    let secs = (elapsed.as_secs_f64() * (total - done) as f64 / done as f64).round() as u64;
    if secs >= 60 { format!("{} min {:02} s left", secs / 60, secs % 60) } else { format!("{secs} s left") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_from_the_pace_so_far() {
        assert_eq!(time_left(0, 306, Duration::ZERO), "estimating…");
        assert_eq!(time_left(153, 306, Duration::from_secs(10)), "10 s left");
        assert_eq!(time_left(1, 100, Duration::from_secs(2)), "3 min 18 s left");
        assert_eq!(time_left(9, 5, Duration::from_secs(1)), "0 s left", "never negative past the end");
    }

    #[test]
    fn hidden_progress_counts_without_drawing() {
        let p = Progress::hidden();
        assert!(!p.shows_bars());
        let t = p.task("x", 3, "tiles");
        t.step();
        t.step();
        t.face_done();
        assert_eq!(t.done(), 2);
        assert_eq!(t.faces.load(Ordering::Relaxed), 1);
    }

    /// A terminal 100 columns wide that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<std::sync::Mutex<Vec<String>>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().expect("screen").push(s.to_string());
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_line_shows_counts_faces_and_time_left_within_the_width() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let p = Progress { enabled: true, bars: MultiProgress::with_draw_target(target) };
        let t = p.task("tiling content/den-doc-cuoc/panoramas/a-very-long-panorama-name.jpg", 306, "files");
        for _ in 0..153 {
            t.step();
        }
        t.face_done();
        t.bar.tick();
        let written = screen.0.lock().expect("screen").clone();
        let line = written.iter().rev().find(|l| l.contains("153/306")).unwrap_or_else(|| panic!("{written:?}"));
        assert!(line.starts_with("[############............] 153/306 files, 1/6 faces, "), "{line}");
        // The label takes the rest of the line and is cut there: 100 columns, not the 137 it would need.
        assert!(line.contains("· tiling content/den-doc-cuoc/"), "{line}");
        assert!(!line.contains("panorama-name.jpg"), "{line}");
        assert!(line.chars().count() <= 100, "{line:?} is wider than the terminal");
    }
}
