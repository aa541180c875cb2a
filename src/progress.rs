//! Progress bars on stderr for long work (tiling panoramas), one line per task running at once, redrawn
//! in place. Drawn only when stderr is a terminal: logs, pipes and CI get the plain start and finish lines
//! and no carriage-return noise. Hand-written because it needs a few dozen lines, not a dependency.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shortest time between two redraws, so thousands of tiles a second do not flood the terminal.
const REDRAW: Duration = Duration::from_millis(100);

/// The set of tasks in progress, drawn together below any messages.
pub struct Progress {
    enabled: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    tasks: Vec<TaskState>,
    next_id: u64,
    /// Lines of bars currently on screen.
    drawn: usize,
    last_draw: Option<Instant>,
}

struct TaskState {
    id: u64,
    label: String,
    unit: &'static str,
    done: u64,
    total: u64,
    faces: u32,
    started: Instant,
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
        Progress { enabled: std::io::stderr().is_terminal() && !dumb, state: Mutex::default() }
    }

    /// Never draws bars (messages still go to stderr).
    pub fn hidden() -> Progress {
        Progress { enabled: false, state: Mutex::default() }
    }

    /// True when bars are drawn (stderr is a terminal).
    pub fn shows_bars(&self) -> bool {
        self.enabled
    }

    /// Starts a task of `total` steps counted in `unit`s; it disappears when the handle is dropped.
    pub fn task(&self, label: impl Into<String>, total: u64, unit: &'static str) -> Task<'_> {
        let mut s = self.lock();
        let id = s.next_id;
        s.next_id += 1;
        s.tasks.push(TaskState { id, label: label.into(), unit, done: 0, total, faces: 0, started: Instant::now() });
        self.draw(&mut s, true);
        Task { progress: self, id }
    }

    /// Prints a line above the bars (or just prints it when there are none).
    pub fn println(&self, message: &str) {
        let mut s = self.lock();
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{}\x1b[J{message}", up(s.drawn));
            s.drawn = 0;
            drop(err);
            self.draw(&mut s, true);
        } else {
            eprintln!("{message}");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn draw(&self, s: &mut State, force: bool) {
        if !self.enabled || (!force && s.last_draw.is_some_and(|t| t.elapsed() < REDRAW)) {
            return;
        }
        let mut text = up(s.drawn);
        for t in &s.tasks {
            text.push_str("\r\x1b[2K");
            text.push_str(&render(&t.label, t.done, t.total, t.unit, t.faces, t.started.elapsed()));
            text.push('\n');
        }
        text.push_str("\x1b[J");
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        s.drawn = s.tasks.len();
        s.last_draw = Some(Instant::now());
    }
}

/// Moves the cursor to the first of `lines` bar lines.
fn up(lines: usize) -> String {
    if lines == 0 { "\r".into() } else { format!("\r\x1b[{lines}A") }
}

/// One task in a [`Progress`].
pub struct Task<'a> {
    progress: &'a Progress,
    id: u64,
}

impl Task<'_> {
    /// One more step done.
    pub fn step(&self) {
        self.update(|t| t.done += 1);
    }

    /// One more cube face finished (shown beside the step count).
    pub fn face_done(&self) {
        self.update(|t| t.faces += 1);
    }

    fn update(&self, f: impl FnOnce(&mut TaskState)) {
        let mut s = self.progress.lock();
        if let Some(t) = s.tasks.iter_mut().find(|t| t.id == self.id) {
            f(t);
        }
        self.progress.draw(&mut s, false);
    }
}

impl Drop for Task<'_> {
    fn drop(&mut self) {
        let mut s = self.progress.lock();
        s.tasks.retain(|t| t.id != self.id);
        self.progress.draw(&mut s, true);
    }
}

/// `label [#######.........] 120/306 tiles, 2/6 faces, 3 s left`.
fn render(label: &str, done: u64, total: u64, unit: &str, faces: u32, elapsed: Duration) -> String {
    const WIDTH: u64 = 24;
    let total = total.max(1);
    let done = done.min(total);
    let filled = (done * WIDTH / total) as usize;
    let bar = format!("{}{}", "#".repeat(filled), ".".repeat(WIDTH as usize - filled));
    let left = if done == 0 {
        "estimating…".to_string()
    } else {
        let secs = (elapsed.as_secs_f64() * (total - done) as f64 / done as f64).round() as u64;
        if secs >= 60 { format!("{} min {:02} s left", secs / 60, secs % 60) } else { format!("{secs} s left") }
    };
    format!("{label} [{bar}] {done}/{total} {unit}, {faces}/6 faces, {left}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_time_left() {
        let line = render("media/a/b", 0, 306, "tiles", 0, Duration::ZERO);
        assert_eq!(line, "media/a/b [........................] 0/306 tiles, 0/6 faces, estimating…");
        let line = render("x", 153, 306, "tiles", 3, Duration::from_secs(10));
        assert_eq!(line, "x [############............] 153/306 tiles, 3/6 faces, 10 s left");
        let line = render("x", 1, 100, "tiles", 0, Duration::from_secs(2));
        assert!(line.ends_with("3 min 18 s left"), "{line}");
        assert!(render("x", 9, 5, "tiles", 6, Duration::from_secs(1)).contains("5/5 tiles, 6/6 faces, 0 s left"));
    }

    #[test]
    fn hidden_progress_counts_without_drawing() {
        let p = Progress::hidden();
        let t = p.task("x", 3, "tiles");
        t.step();
        t.face_done();
        assert_eq!(p.lock().tasks[0].done, 1);
        drop(t);
        assert!(p.lock().tasks.is_empty());
    }
}
