//! Scan counts: every placard scan is recorded in SQLite before its redirect is sent, so an acknowledged
//! scan survives a killed process. One writer thread commits whatever has queued up in one transaction
//! (group commit), so durability does not cost throughput: scans that arrive while a commit runs go in the
//! next one. No IP address or other personal data is kept.
//!
//! When scans cannot be written (a read-only or full disk, a database that cannot be opened), visitors
//! are still redirected; [`Recorder::failing`] gives the reason (the host's `/healthz` answers 503 with
//! it), standard error says so once a minute, and the writer keeps trying, so the count resumes by itself
//! once the disk is fixed.
//!
//! Waking a task on another thread's runtime costs a system call and often a context switch, so the writer
//! wakes each waiting thread once per commit: every thread that records scans runs a small dispatcher task,
//! and the writer hands it the whole commit's answers for that thread, which it passes on to its own tasks.

pub mod stats;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::Connection;
use tokio::sync::{mpsc as tokio_mpsc, oneshot};

/// One scan of a placard. The texts are shared with the host's code table (no copy per scan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Placard code, lowercase.
    pub code: Arc<str>,
    /// Site it led to.
    pub site: Arc<str>,
    /// Scene it led to.
    pub scene: Option<Arc<str>>,
    /// Seconds since 1970 (UTC).
    pub at: i64,
    /// Language chosen for the visitor.
    pub lang: Arc<str>,
    /// `phone`, `tablet`, `desktop`, `bot` or `other`, from the User-Agent; the string itself is not kept.
    pub device: &'static str,
}

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

/// Scans in one hour (UTC) for one placard, scene, language and device class: the one question reports
/// ask a store. Every figure (per day, site, placard, language, device, hour of day, placards gone quiet)
/// is summed from these rows in Rust, so both stores answer with the same portable SQL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct HourCount {
    /// Hours since 1970-01-01 00:00 UTC.
    pub hour: i64,
    /// Placard code.
    pub code: String,
    /// Site it led to.
    pub site: String,
    /// Scene it led to.
    pub scene: Option<String>,
    /// Language chosen for the visitor.
    pub lang: String,
    /// Device class.
    pub device: String,
    /// Number of scans.
    pub scans: u64,
}

/// The portable query behind [`hourly`]: `at / 3600` is integer division on both SQLite and PostgreSQL.
pub const HOURLY_SQL: &str = "SELECT at / 3600 AS hour, code, site, scene, lang, device, COUNT(*) FROM scans \
     WHERE at >= $1 AND at < $2 GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6";

/// Scans between `from` (included) and `to` (excluded), seconds since 1970, counted per hour. The store
/// is opened read-only where it can be (a host may be writing).
pub fn hourly(db: &Db, from: i64, to: i64) -> Result<Vec<HourCount>> {
    match db {
        Db::Sqlite(path) => hourly_sqlite(path, from, to),
        Db::Postgres(_) => anyhow::bail!("{db}: reading scans from PostgreSQL is not available in this build"),
    }
}

fn hourly_sqlite(path: &Path, from: i64, to: i64) -> Result<Vec<HourCount>> {
    if !path.exists() {
        anyhow::bail!("no scan database at {} (the host creates it at the first scan)", path.display());
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open the scan database {}", path.display()))?;
    let read = || -> rusqlite::Result<Vec<HourCount>> {
        let mut stmt = conn.prepare(HOURLY_SQL)?;
        let rows = stmt.query_map(rusqlite::params![from, to], |r| {
            Ok(HourCount {
                hour: r.get(0)?,
                code: r.get(1)?,
                site: r.get(2)?,
                scene: r.get(3)?,
                lang: r.get(4)?,
                device: r.get(5)?,
                scans: r.get::<_, i64>(6)?.max(0) as u64,
            })
        })?;
        rows.collect()
    };
    read().with_context(|| format!("cannot read scans from {}", path.display()))
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    site TEXT NOT NULL,
    scene TEXT,
    at INTEGER NOT NULL,
    lang TEXT NOT NULL,
    device TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_at ON scans(at);
";

/// Opens (creating when needed) the scan database with write-ahead logging.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let conn = Connection::open(path).with_context(|| format!("cannot open the scan database {}", path.display()))?;
    // WAL + NORMAL: a committed scan survives the process being killed (it is in the OS's hands); only a
    // power cut can lose the last commits, which `synchronous=FULL` would cover at a cost per commit.
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "{} cannot use write-ahead logging (got {mode})", path.display());
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(SCHEMA).with_context(|| format!("cannot prepare {}", path.display()))?;
    Ok(conn)
}

/// Answers to pass on: whether the commit succeeded, for each waiting scan.
type Answers = (Vec<oneshot::Sender<bool>>, bool);

/// A scan to commit, who waits for it, and the dispatcher of the thread it waits on.
struct Job {
    scan: Scan,
    done: oneshot::Sender<bool>,
    via: Option<tokio_mpsc::UnboundedSender<Answers>>,
}

/// Handle to the writer thread.
#[derive(Clone, Debug)]
pub struct Recorder {
    tx: mpsc::Sender<Job>,
    /// Where the scans go.
    pub db: Db,
    /// Why the last attempt to write failed, until one succeeds.
    trouble: Arc<Mutex<Option<String>>>,
}

impl Recorder {
    /// Starts the writer on `path`. A database that cannot be opened does not stop the host: it is
    /// reported (once a minute, and by [`Recorder::failing`]) and tried again.
    pub fn start(db: &Db) -> Result<Recorder> {
        let path = match db {
            Db::Sqlite(path) => path,
            Db::Postgres(_) => anyhow::bail!("{db}: recording scans in PostgreSQL is not available in this build"),
        };
        let trouble = Arc::new(Mutex::new(None));
        let mut writer = Writer { path: path.to_path_buf(), conn: None, trouble: trouble.clone(), told: None };
        writer.connect();
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("scan-writer".into())
            .spawn(move || writer.run(rx))
            .context("cannot start the scan writer")?;
        Ok(Recorder { tx, db: db.clone(), trouble })
    }

    /// Why scans cannot be written now, if they cannot.
    pub fn failing(&self) -> Option<String> {
        self.trouble.lock().ok()?.clone()
    }

    /// Records a scan; resolves to `true` once it is committed.
    pub async fn record(&self, scan: Scan) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Job { scan, done, via: dispatcher() }).is_err() {
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

/// Most scans committed in one transaction.
const MAX_BATCH: usize = 4096;

/// How often a writer without a working database tries again while no scans come.
const RETRY_EVERY: Duration = Duration::from_secs(30);
/// How often the same trouble is said again on standard error.
const TELL_EVERY: Duration = Duration::from_secs(60);

/// The writer thread's side: the database, and what went wrong last.
struct Writer {
    path: PathBuf,
    conn: Option<Connection>,
    trouble: Arc<Mutex<Option<String>>>,
    told: Option<Instant>,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Job>) {
        loop {
            let first = match rx.recv_timeout(RETRY_EVERY) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if self.conn.is_none() {
                        self.connect();
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(more) => batch.push(more),
                    Err(_) => break,
                }
            }
            if self.conn.is_none() {
                self.connect();
            }
            let result = match &mut self.conn {
                Some(conn) => commit(conn, &batch).map_err(|e| e.to_string()),
                None => Err(self.failing().unwrap_or_else(|| "the database is not open".into())),
            };
            match result {
                Ok(()) => self.fine(),
                Err(e) => {
                    // Opened again for the next batch: a database moved or restored is picked up.
                    self.conn = None;
                    self.trouble(format!("{e} ({} scans were not recorded)", batch.len()));
                }
            }
            answer(batch, self.failing().is_none());
        }
    }

    /// Opens the database, recording the trouble when it cannot be opened.
    fn connect(&mut self) {
        match open(&self.path) {
            Ok(conn) => {
                // Room for an INSERT of every size besides the transaction's own statements.
                conn.set_prepared_statement_cache_capacity(ROWS_PER_INSERT + 8);
                self.conn = Some(conn);
            }
            Err(e) => self.trouble(format!("{e:#}")),
        }
    }

    fn failing(&self) -> Option<String> {
        self.trouble.lock().ok()?.clone()
    }

    fn fine(&mut self) {
        if let Ok(mut t) = self.trouble.lock()
            && t.take().is_some()
        {
            eprintln!("scan database: {} is written again", self.path.display());
            self.told = None;
        }
    }

    /// Records what went wrong; says it on standard error at most once a minute.
    fn trouble(&mut self, reason: String) {
        if self.told.is_none_or(|at| at.elapsed() >= TELL_EVERY) {
            eprintln!(
                "scan database: scans cannot be written to {}: {reason}; visitors are still redirected",
                self.path.display()
            );
            self.told = Some(Instant::now());
        }
        if let Ok(mut t) = self.trouble.lock() {
            *t = Some(reason);
        }
    }
}

/// Tells every scan's waiter how its commit went: one message to each thread's dispatcher, or directly
/// when there is none (or it has ended).
fn answer(batch: Vec<Job>, ok: bool) {
    let mut threads: Vec<(tokio_mpsc::UnboundedSender<Answers>, Vec<oneshot::Sender<bool>>)> = Vec::new();
    for Job { done, via, .. } in batch {
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

/// Rows per `INSERT` statement: one statement inserting many rows costs less than as many statements.
const ROWS_PER_INSERT: usize = 16;

fn commit(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for rows in batch.chunks(ROWS_PER_INSERT) {
        let mut stmt = tx.prepare_cached(insert_sql(rows.len()))?;
        let mut at = 1;
        for Job { scan: s, .. } in rows {
            stmt.raw_bind_parameter(at, &*s.code)?;
            stmt.raw_bind_parameter(at + 1, &*s.site)?;
            stmt.raw_bind_parameter(at + 2, s.scene.as_deref())?;
            stmt.raw_bind_parameter(at + 3, s.at)?;
            stmt.raw_bind_parameter(at + 4, &*s.lang)?;
            stmt.raw_bind_parameter(at + 5, s.device)?;
            at += 6;
        }
        stmt.raw_execute()?;
    }
    tx.commit()
}

/// `INSERT` of `rows` scans (1 to [`ROWS_PER_INSERT`]), each statement text made once.
fn insert_sql(rows: usize) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        (1..=ROWS_PER_INSERT)
            .map(|n| {
                let values = vec!["(?, ?, ?, ?, ?, ?)"; n].join(", ");
                format!("INSERT INTO scans (code, site, scene, at, lang, device) VALUES {values}")
            })
            .collect()
    });
    &all[rows.clamp(1, ROWS_PER_INSERT) - 1]
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
        let conn = Connection::open(&path).expect("open");
        let (rows, codes): (i64, i64) = conn
            .query_row("SELECT count(*), count(DISTINCT code) FROM scans", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("count");
        assert_eq!((rows, codes), (900, 900));
    }

    #[test]
    fn statements_insert_up_to_their_row_count() {
        assert_eq!(insert_sql(1).matches('?').count(), 6);
        assert_eq!(insert_sql(ROWS_PER_INSERT).matches('?').count(), 6 * ROWS_PER_INSERT);
    }
}
