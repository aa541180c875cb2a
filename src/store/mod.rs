//! Scan counts: every placard scan is recorded in SQLite before its redirect is sent, so an acknowledged
//! scan survives a killed process. One writer thread commits whatever has queued up in one transaction
//! (group commit), so durability does not cost throughput. No IP address or other personal data is kept.

pub mod stats;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use anyhow::{Context, Result};
use rusqlite::Connection;
use tokio::sync::oneshot;

/// One scan of a placard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Placard code, lowercase.
    pub code: String,
    /// Site it led to.
    pub site: String,
    /// Scene it led to.
    pub scene: Option<String>,
    /// Seconds since 1970 (UTC).
    pub at: i64,
    /// Language chosen for the visitor.
    pub lang: String,
    /// `phone`, `tablet`, `desktop`, `bot` or `other`, from the User-Agent; the string itself is not kept.
    pub device: &'static str,
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

type Job = (Scan, oneshot::Sender<bool>);

/// Handle to the writer thread.
#[derive(Clone, Debug)]
pub struct Recorder {
    tx: mpsc::Sender<Job>,
    /// Where the database is.
    pub path: PathBuf,
}

impl Recorder {
    /// Starts the writer on `path`.
    pub fn start(path: &Path) -> Result<Recorder> {
        let conn = open(path)?;
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("scan-writer".into())
            .spawn(move || writer(conn, rx))
            .context("cannot start the scan writer")?;
        Ok(Recorder { tx, path: path.to_path_buf() })
    }

    /// Records a scan; resolves to `true` once it is committed.
    pub async fn record(&self, scan: Scan) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send((scan, done)).is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }
}

/// Most scans committed in one transaction.
const MAX_BATCH: usize = 4096;
/// A batch smaller than this waits [`LINGER`] for company before it is committed.
const SMALL_BATCH: usize = 32;
/// How long a small batch waits. Under load more scans are a moment away, and one commit then serves
/// them all instead of each paying for its own; alone, a visitor waits a quarter of a millisecond more.
const LINGER: std::time::Duration = std::time::Duration::from_micros(250);
/// A pause within [`LINGER`]: the wait ends after a pause in which no scan arrived.
const STEP: std::time::Duration = std::time::Duration::from_micros(50);

fn writer(mut conn: Connection, rx: mpsc::Receiver<Job>) {
    let drain = |batch: &mut Vec<Job>| {
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => batch.push(more),
                Err(_) => break,
            }
        }
    };
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        drain(&mut batch);
        // A small batch waits for company while more scans keep arriving, up to LINGER in all.
        let until = std::time::Instant::now() + LINGER;
        while batch.len() < SMALL_BATCH && std::time::Instant::now() < until {
            let before = batch.len();
            thread::sleep(STEP);
            drain(&mut batch);
            if batch.len() == before {
                break;
            }
        }
        let ok = commit(&mut conn, &batch).is_ok();
        if !ok {
            eprintln!("scan database: a commit failed; {} scans were not recorded", batch.len());
        }
        for (_, done) in batch {
            let _ = done.send(ok);
        }
    }
}

fn commit(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO scans (code, site, scene, at, lang, device) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (s, _) in batch {
            stmt.execute(rusqlite::params![s.code, s.site, s.scene, s.at, s.lang, s.device])?;
        }
    }
    tx.commit()
}

/// A coarse device class from a User-Agent string.
pub fn device_class(user_agent: Option<&str>) -> &'static str {
    let Some(ua) = user_agent.map(str::to_ascii_lowercase) else { return "other" };
    if ["bot", "crawl", "spider", "curl", "wget", "python", "httpclient", "preview"].iter().any(|b| ua.contains(b)) {
        "bot"
    } else if ua.contains("ipad") || ua.contains("tablet") || (ua.contains("android") && !ua.contains("mobile")) {
        "tablet"
    } else if ua.contains("mobile") || ua.contains("iphone") || ua.contains("android") {
        "phone"
    } else if ua.contains("windows") || ua.contains("macintosh") || ua.contains("x11") || ua.contains("linux") {
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
        assert_eq!(device_class(None), "other");
    }
}
