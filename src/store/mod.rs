//! Scan counts: every placard scan is recorded in the store — a SQLite file (one host) or a PostgreSQL
//! database (several hosts counting into one place) — before its redirect is sent, so an acknowledged scan
//! survives a killed process. One writer thread commits whatever has queued up in one transaction (group
//! commit), so durability does not cost throughput: scans that arrive while a commit runs go in the next
//! one. The writer is the same for both stores; each store only opens, writes a batch and reads hours
//! (`sqlite.rs`, `postgres.rs`). No IP address or other personal data is kept.
//!
//! When scans cannot be written (a read-only or full disk, a database server stopped or out of reach),
//! visitors are still redirected at once; [`Recorder::failing`] gives the reason (the host's `/healthz`
//! answers 503 with it), standard error says so once a minute, and the writer tries again every second.
//! Meanwhile scans wait in memory, up to [`MAX_HELD`] of them (newer ones past that are dropped and
//! counted), and are written, oldest first, as soon as the store is back.
//!
//! Waking a task on another thread's runtime costs a system call and often a context switch, so the writer
//! wakes each waiting thread once per commit: every thread that records scans runs a small dispatcher task,
//! and the writer hands it the whole commit's answers for that thread, which it passes on to its own tasks.

mod postgres;
pub mod rows;
mod sqlite;
pub mod stats;

pub use rows::{HOURLY_SQL, HourCount, Scan};
pub use sqlite::open;

use rows::{Backend, Batch};

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::sync::{mpsc as tokio_mpsc, oneshot};

/// Where scans are kept: a SQLite file beside the output (the default, one host) or a PostgreSQL database
/// (several hosts counting into one place). Parsed from `--db` / `DISAN_DB`: a `postgres://` or
/// `postgresql://` URL selects PostgreSQL, anything else is a SQLite file path.
#[derive(Clone, PartialEq, Eq)]
pub enum Db {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Db {
    /// Reads a `--db` value.
    pub fn parse(s: &str) -> Result<Db, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the scan database is empty: give a file path or a postgres:// URL".into());
        }
        let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Db::Postgres(s.to_string()))
        } else {
            Ok(Db::Sqlite(PathBuf::from(s)))
        }
    }
}

/// Shown in messages: a file's path, or the URL without its password.
impl std::fmt::Display for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite(path) => write!(f, "{}", path.display()),
            Db::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.split_once('@') {
                    Some((user, host)) => {
                        let user = user.split_once(':').map_or(user, |(name, _)| name);
                        write!(f, "{scheme}://{user}@{host}")
                    }
                    None => write!(f, "{url}"),
                }
            }
        }
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({self})")
    }
}

/// Scans between `from` (included) and `to` (excluded), seconds since 1970, counted per hour. A SQLite
/// store is opened read-only (a host may be writing).
pub fn hourly(db: &Db, from: i64, to: i64) -> Result<Vec<HourCount>> {
    match db {
        Db::Sqlite(path) => sqlite::hourly(path, from, to),
        Db::Postgres(url) => postgres::hourly(url, &db.to_string(), from, to),
    }
}

/// Answers to pass on: whether the commit succeeded, for each waiting scan.
type Answers = (Vec<oneshot::Sender<bool>>, bool);

/// A scan to commit, who waits for it, and the dispatcher of the thread it waits on.
struct Job {
    scan: Scan,
    waiter: Waiter,
}

/// Who waits for a scan's commit.
struct Waiter {
    done: oneshot::Sender<bool>,
    via: Option<tokio_mpsc::UnboundedSender<Answers>>,
}

/// What the writer tells the host about the store.
#[derive(Debug, Default)]
struct Health {
    /// Why the last attempt to write failed, until one succeeds.
    reason: Mutex<Option<String>>,
    /// Scans waiting in memory for the store to come back.
    held: AtomicUsize,
    /// Scans dropped because too many were waiting, since the host started.
    dropped: AtomicU64,
}

/// Handle to the writer thread.
#[derive(Clone, Debug)]
pub struct Recorder {
    tx: mpsc::Sender<Job>,
    /// Where the scans go.
    pub db: Db,
    health: Arc<Health>,
}

impl Recorder {
    /// Starts the writer on `db`. A store that cannot be opened does not stop the host: it is reported
    /// (once a minute, and by [`Recorder::failing`]) and tried again, and scans wait for it meanwhile.
    pub fn start(db: &Db) -> Result<Recorder> {
        let backend: Box<dyn Backend> = match db {
            Db::Sqlite(path) => Box::new(sqlite::Sqlite::new(path)),
            Db::Postgres(url) => Box::new(postgres::Postgres::new(url)),
        };
        let health = Arc::new(Health::default());
        let mut writer = Writer {
            backend,
            shown: db.to_string(),
            held: VecDeque::new(),
            health: health.clone(),
            told: None,
            retry_at: Instant::now(),
        };
        let (tx, rx) = mpsc::channel::<Job>();
        let (opened, first_open) = mpsc::sync_channel::<()>(1);
        // The first attempt to open runs on the writer's own thread (PostgreSQL's work may not block a
        // caller's async runtime), and is waited for, so a store that cannot be opened shows in
        // `/healthz` from the first request on.
        thread::Builder::new()
            .name("scan-writer".into())
            .spawn(move || {
                writer.open();
                let _ = opened.send(());
                writer.run(rx)
            })
            .context("cannot start the scan writer")?;
        let _ = first_open.recv();
        Ok(Recorder { tx, db: db.clone(), health })
    }

    /// Why scans cannot be written now, if they cannot, with how many wait and how many were dropped.
    pub fn failing(&self) -> Option<String> {
        let reason = self.health.reason.lock().ok()?.clone()?;
        let held = self.health.held.load(Ordering::Relaxed);
        let dropped = self.health.dropped.load(Ordering::Relaxed);
        Some(match (held, dropped) {
            (0, 0) => reason,
            (held, 0) => format!("{reason} ({held} scans wait to be written)"),
            (held, dropped) => format!("{reason} ({held} scans wait to be written, {dropped} were dropped)"),
        })
    }

    /// Records a scan; resolves to `true` once it is committed, `false` when the store is away (the scan
    /// then waits in memory to be written when it is back, unless [`MAX_HELD`] scans already wait).
    pub async fn record(&self, scan: Scan) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Job { scan, waiter: Waiter { done, via: dispatcher() } }).is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }
}

/// This thread's dispatcher, started on the current runtime when there is none (or it ended with its
/// runtime); `None` outside a runtime.
fn dispatcher() -> Option<tokio_mpsc::UnboundedSender<Answers>> {
    thread_local! {
        static DISPATCHER: RefCell<Option<tokio_mpsc::UnboundedSender<Answers>>> = const { RefCell::new(None) };
    }
    DISPATCHER.with_borrow_mut(|slot| {
        if let Some(via) = slot.as_ref().filter(|via| !via.is_closed()) {
            return Some(via.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (via, mut answers) = tokio_mpsc::unbounded_channel::<Answers>();
        runtime.spawn(async move {
            while let Some((waiting, ok)) = answers.recv().await {
                tell(waiting, ok);
            }
        });
        *slot = Some(via.clone());
        Some(via)
    })
}

/// Most new scans committed in one transaction (held scans add up to as many again).
const MAX_BATCH: usize = 4096;

/// Most scans that wait in memory while the store is away: at the default ceiling of 50 scans a second,
/// over half an hour of a host's busiest scanning; at a busy site's real pace, days. Past it, new scans
/// are dropped (those already waiting keep their place) and counted.
pub const MAX_HELD: usize = 100_000;

/// How often a writer whose store is away tries again.
const RETRY_SOON: Duration = Duration::from_secs(1);
/// How long an idle writer with a working store sleeps.
const IDLE: Duration = Duration::from_secs(30);
/// How often the same trouble is said again on standard error.
const TELL_EVERY: Duration = Duration::from_secs(60);

/// The writer thread's side: the store, the scans waiting for it, and what went wrong last.
struct Writer {
    backend: Box<dyn Backend>,
    /// The store as shown in messages.
    shown: String,
    /// Batches not written yet, oldest first.
    held: VecDeque<Batch>,
    health: Arc<Health>,
    told: Option<Instant>,
    /// When to try opening the store again.
    retry_at: Instant,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Job>) {
        loop {
            let now = Instant::now();
            let wait = if !self.backend.is_open() {
                self.retry_at.saturating_duration_since(now).max(Duration::from_millis(10))
            } else if !self.held.is_empty() {
                Duration::ZERO
            } else {
                IDLE
            };
            let mut jobs = Vec::new();
            match rx.recv_timeout(wait) {
                Ok(job) => jobs.push(job),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return self.finish(),
            }
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(more) => jobs.push(more),
                    Err(_) => break,
                }
            }
            self.step(jobs);
        }
    }

    /// Commits the new scans, and as many waiting ones, in one transaction; or, while the store is away,
    /// keeps the new ones and answers at once, so visitors are not kept waiting for it.
    fn step(&mut self, jobs: Vec<Job>) {
        if !self.backend.is_open() && Instant::now() >= self.retry_at {
            self.open();
        }
        let (scans, waiting): (Vec<Scan>, Vec<Waiter>) = jobs.into_iter().map(|j| (j.scan, j.waiter)).unzip();
        let fresh = (!scans.is_empty()).then(|| Batch::new(scans));
        if !self.backend.is_open() {
            if let Some(batch) = fresh {
                self.hold(batch);
            }
            return answer(waiting, false);
        }
        let mut batches = Vec::new();
        let mut old = 0;
        while let Some(next) = self.held.front()
            && (batches.is_empty() || old + next.scans.len() <= MAX_BATCH)
        {
            old += next.scans.len();
            batches.extend(self.held.pop_front());
        }
        let from_held = batches.len();
        batches.extend(fresh);
        if batches.is_empty() {
            return;
        }
        match self.backend.write(&batches) {
            Ok(()) => {
                self.health.held.fetch_sub(old, Ordering::Relaxed);
                self.fine();
                answer(waiting, true);
            }
            Err(e) => {
                self.backend.close();
                self.retry_at = Instant::now() + RETRY_SOON;
                let fresh = (batches.len() > from_held).then(|| batches.pop()).flatten();
                for batch in batches.into_iter().rev() {
                    self.held.push_front(batch);
                }
                if let Some(batch) = fresh {
                    self.hold(batch);
                }
                self.trouble(format!("{e:#}"));
                answer(waiting, false);
            }
        }
    }

    /// Keeps a batch to write later, as much of it as there is room for.
    fn hold(&mut self, mut batch: Batch) {
        let held = self.health.held.load(Ordering::Relaxed);
        let room = MAX_HELD.saturating_sub(held);
        if batch.scans.len() > room {
            let lost = batch.scans.len() - room;
            let before = self.health.dropped.fetch_add(lost as u64, Ordering::Relaxed);
            if before == 0 {
                eprintln!(
                    "scan database: {MAX_HELD} scans wait for {} to come back, the most that can; newer scans \
                     are dropped (and counted) until it does",
                    self.shown
                );
            }
            batch.scans.truncate(room);
        }
        if !batch.scans.is_empty() {
            self.health.held.fetch_add(batch.scans.len(), Ordering::Relaxed);
            self.held.push_back(batch);
        }
    }

    /// Opens the store, recording the trouble when it cannot be opened.
    fn open(&mut self) {
        match self.backend.open() {
            // Healthy again now if nothing waits; otherwise once what waits is written.
            Ok(()) if self.held.is_empty() => self.fine(),
            Ok(()) => {}
            Err(e) => {
                self.retry_at = Instant::now() + RETRY_SOON;
                self.trouble(format!("{e:#}"));
            }
        }
    }

    /// At the end (the host stopping): one last try for the scans still waiting.
    fn finish(mut self) {
        if self.held.is_empty() {
            return;
        }
        if !self.backend.is_open() {
            self.open();
        }
        let batches: Vec<Batch> = self.held.drain(..).collect();
        let count: usize = batches.iter().map(|b| b.scans.len()).sum();
        let result = if self.backend.is_open() {
            self.backend.write(&batches)
        } else {
            Err(anyhow::anyhow!("{}", self.health.reason.lock().ok().and_then(|r| r.clone()).unwrap_or_default()))
        };
        if let Err(e) = result {
            eprintln!("scan database: {count} scans waiting for {} are lost as the host stops: {e:#}", self.shown);
        }
    }

    fn fine(&mut self) {
        if let Ok(mut t) = self.health.reason.lock()
            && t.take().is_some()
        {
            eprintln!("scan database: {} is written again", self.shown);
            self.told = None;
        }
    }

    /// Records what went wrong; says it on standard error at most once a minute.
    fn trouble(&mut self, reason: String) {
        if self.told.is_none_or(|at| at.elapsed() >= TELL_EVERY) {
            let held = self.health.held.load(Ordering::Relaxed);
            let dropped = self.health.dropped.load(Ordering::Relaxed);
            eprintln!(
                "scan database: scans cannot be written to {}: {reason}; visitors are still redirected, {held} \
                 scans wait to be written ({dropped} dropped)",
                self.shown
            );
            self.told = Some(Instant::now());
        }
        if let Ok(mut t) = self.health.reason.lock() {
            *t = Some(reason);
        }
    }
}

/// Tells every scan's waiter how its commit went: one message to each thread's dispatcher, or directly
/// when there is none (or it has ended).
fn answer(waiting: Vec<Waiter>, ok: bool) {
    let mut threads: Vec<(tokio_mpsc::UnboundedSender<Answers>, Vec<oneshot::Sender<bool>>)> = Vec::new();
    for Waiter { done, via } in waiting {
        match via {
            Some(via) => match threads.iter_mut().find(|(v, _)| v.same_channel(&via)) {
                Some((_, waiting)) => waiting.push(done),
                None => threads.push((via, vec![done])),
            },
            None => tell([done], ok),
        }
    }
    for (via, waiting) in threads {
        if let Err(tokio_mpsc::error::SendError((waiting, ok))) = via.send((waiting, ok)) {
            tell(waiting, ok);
        }
    }
}

/// Answers each waiter (one that stopped waiting misses nothing).
fn tell(waiting: impl IntoIterator<Item = oneshot::Sender<bool>>, ok: bool) {
    for done in waiting {
        let _ = done.send(ok);
    }
}

/// A coarse device class from a User-Agent string.
pub fn device_class(user_agent: Option<&str>) -> &'static str {
    let Some(ua) = user_agent else { return "other" };
    // Case-insensitive, without copying the string (this runs on every scan).
    let has = |word: &str| ua.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()));
    if ["bot", "crawl", "spider", "curl", "wget", "python", "httpclient", "preview"].iter().any(|b| has(b)) {
        "bot"
    } else if has("ipad") || has("tablet") || (has("android") && !has("mobile")) {
        "tablet"
    } else if has("mobile") || has("iphone") || has("android") {
        "phone"
    } else if has("windows") || has("macintosh") || has("x11") || has("linux") {
        "desktop"
    } else {
        "other"
    }
}

/// The default database path for an output folder: beside it, never inside (the output is replaced whole).
pub fn default_path(out: &Path) -> PathBuf {
    out.with_file_name("scans.sqlite3")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_devices() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
        let android = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36";
        let tab = "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/120 Safari/537.36";
        let pc = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36";
        assert_eq!(device_class(Some(iphone)), "phone");
        assert_eq!(device_class(Some(android)), "phone");
        assert_eq!(device_class(Some(tab)), "tablet");
        assert_eq!(device_class(Some(pc)), "desktop");
        assert_eq!(device_class(Some("curl/8.0")), "bot");
        assert_eq!(device_class(Some("Mozilla/5.0 (compatible; Googlebot/2.1)")), "bot");
        assert_eq!(device_class(None), "other");
    }

    fn scan(code: &str) -> Scan {
        Scan { code: code.into(), site: "s".into(), scene: None, at: 1, lang: "vi".into(), device: "phone" }
    }

    #[test]
    fn scans_from_several_threads_and_runtimes_are_all_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("scans.sqlite3");
        let recorder = Recorder::start(&Db::Sqlite(path.clone())).expect("start");
        let threads: Vec<_> = (0..3)
            .map(|t| {
                let recorder = recorder.clone();
                thread::spawn(move || {
                    // Two runtimes one after the other on the same thread: the second gets a dispatcher of
                    // its own when the first one's ended with it.
                    for round in 0..2 {
                        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
                        let ok = rt.block_on(async {
                            let tasks: Vec<_> = (0..150)
                                .map(|i| {
                                    let recorder = recorder.clone();
                                    tokio::spawn(
                                        async move { recorder.record(scan(&format!("t{t}-{round}-{i}"))).await },
                                    )
                                })
                                .collect();
                            let mut all = true;
                            for task in tasks {
                                all &= task.await.expect("task");
                            }
                            all
                        });
                        assert!(ok, "every scan acknowledged");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let conn = rusqlite::Connection::open(&path).expect("open");
        let (rows, codes): (i64, i64) = conn
            .query_row("SELECT count(*), count(DISTINCT code) FROM scans", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("count");
        assert_eq!((rows, codes), (900, 900));
    }
}
