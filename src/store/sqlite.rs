//! The embedded store: scans in a SQLite file with write-ahead logging, for a host that counts on its own.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::rows::{Backend, Batch, HOURLY_SQL, HourCount};

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

/// Scans per hour from a SQLite file, opened read-only (a host may be writing).
pub(super) fn hourly(path: &Path, from: i64, to: i64) -> Result<Vec<HourCount>> {
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

/// The writer's SQLite side: one connection, reopened after a failure.
pub(super) struct Sqlite {
    path: PathBuf,
    conn: Option<Connection>,
}

impl Sqlite {
    pub(super) fn new(path: &Path) -> Sqlite {
        Sqlite { path: path.to_path_buf(), conn: None }
    }
}

impl Backend for Sqlite {
    fn open(&mut self) -> Result<()> {
        if self.conn.is_none() {
            let conn = open(&self.path)?;
            // Room for an INSERT of every size besides the transaction's own statements.
            conn.set_prepared_statement_cache_capacity(ROWS_PER_INSERT + 8);
            self.conn = Some(conn);
        }
        Ok(())
    }

    fn is_open(&self) -> bool {
        self.conn.is_some()
    }

    fn close(&mut self) {
        self.conn = None;
    }

    /// A local commit either happens or reports its failure, so a batch is never half-known here and the
    /// batch ids are not needed.
    fn write(&mut self, batches: &[Batch]) -> Result<()> {
        let conn = self.conn.as_mut().context("the database is not open")?;
        commit(conn, batches).with_context(|| format!("cannot write scans to {}", self.path.display()))
    }
}

/// Rows per `INSERT` statement: one statement inserting many rows costs less than as many statements.
pub(super) const ROWS_PER_INSERT: usize = 16;

fn commit(conn: &mut Connection, batches: &[Batch]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for batch in batches {
        for rows in batch.scans.chunks(ROWS_PER_INSERT) {
            let mut stmt = tx.prepare_cached(insert_sql(rows.len()))?;
            let mut at = 1;
            for s in rows {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_insert_up_to_their_row_count() {
        assert_eq!(insert_sql(1).matches('?').count(), 6);
        assert_eq!(insert_sql(ROWS_PER_INSERT).matches('?').count(), 6 * ROWS_PER_INSERT);
    }
}
