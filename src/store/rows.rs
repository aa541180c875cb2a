//! What the store keeps and is asked: a scan, scans counted per hour, and the two backends' duty.

use std::sync::Arc;

use anyhow::Result;

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

/// What the writer needs of a store; SQLite and PostgreSQL each implement it, and everything else
/// (batching, holding scans while the store is away, answering the waiting visitors) is the writer's.
pub(super) trait Backend: Send {
    /// Opens the store (connects, creates or migrates the schema); called again after a failure.
    fn open(&mut self) -> Result<()>;
    /// Whether the store was opened and no write failed since.
    fn is_open(&self) -> bool;
    /// Forgets the connection after a failure, so the next attempt starts afresh.
    fn close(&mut self);
    /// Writes the batches in one transaction: every scan or none. A batch written before (sent again
    /// because the answer to its commit was lost) must not be counted twice.
    fn write(&mut self, batches: &[Batch]) -> Result<()>;
}

/// Scans committed together, with an id that recognises the batch if it is sent again.
pub(super) struct Batch {
    pub(super) id: i64,
    pub(super) scans: Vec<Scan>,
}

impl Batch {
    pub(super) fn new(scans: Vec<Scan>) -> Batch {
        use std::hash::BuildHasher;
        use std::sync::atomic::{AtomicU64, Ordering};
        // A keyed hash of a counter: unpredictable across processes and hosts, distinct within one.
        static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = KEY.get_or_init(Default::default).hash_one((n, std::process::id())) as i64;
        Batch { id, scans }
    }
}
