//! Reports over the scan database for the culture office: scans per site, per placard and per day over a
//! date range, as a table, CSV or JSON.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

/// Scan counts over a date range.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// First day included (YYYY-MM-DD, UTC), if limited.
    pub from: Option<String>,
    /// Last day included, if limited.
    pub to: Option<String>,
    /// All scans in the range.
    pub total: u64,
    /// Per site, most scanned first.
    pub sites: Vec<Count>,
    /// Per placard code, most scanned first.
    pub placards: Vec<Count>,
    /// Per day, in date order.
    pub days: Vec<Count>,
}

/// One row of a report.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Count {
    /// Site slug, placard code or day.
    pub key: String,
    /// Site of a placard (for placard rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Number of scans.
    pub scans: u64,
}

/// Checks a `YYYY-MM-DD` date.
pub fn parse_day(s: &str) -> Result<String> {
    let ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0));
    if !ok {
        bail!("`{s}` is not a date like 2026-11-27");
    }
    Ok(s.to_string())
}

/// Reads counts from the database at `path` (opened read-only; the host may be writing).
pub fn read(path: &Path, from: Option<&str>, to: Option<&str>) -> Result<Stats> {
    if !path.exists() {
        bail!("no scan database at {} (the host creates it at the first scan)", path.display());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let from = from.map(parse_day).transpose()?;
    let to = to.map(parse_day).transpose()?;
    let range = "at >= COALESCE(CAST(strftime('%s', ?1) AS INTEGER), -9223372036854775808) \
                 AND at < COALESCE(CAST(strftime('%s', ?2, '+1 day') AS INTEGER), 9223372036854775807)";
    let query = |sql: &str, with_site: bool| -> Result<Vec<Count>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(rusqlite::params![from, to], |r| {
            Ok(Count {
                key: r.get(0)?,
                site: if with_site { Some(r.get(1)?) } else { None },
                scans: r.get::<_, i64>(if with_site { 2 } else { 1 })? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let sites =
        query(&format!("SELECT site, COUNT(*) c FROM scans WHERE {range} GROUP BY site ORDER BY c DESC, site"), false)?;
    let placards = query(
        &format!("SELECT code, site, COUNT(*) c FROM scans WHERE {range} GROUP BY code, site ORDER BY c DESC, code"),
        true,
    )?;
    let days = query(
        &format!("SELECT date(at, 'unixepoch') d, COUNT(*) FROM scans WHERE {range} GROUP BY d ORDER BY d"),
        false,
    )?;
    let total = sites.iter().map(|c| c.scans).sum();
    Ok(Stats { from, to, total, sites, placards, days })
}

impl Stats {
    /// A plain-text report.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let range = match (&self.from, &self.to) {
            (None, None) => "all time".to_string(),
            (f, t) => format!("{} to {}", f.as_deref().unwrap_or("start"), t.as_deref().unwrap_or("today")),
        };
        let _ = writeln!(out, "Scans, {range}: {}\n", self.total);
        for (title, rows) in [("Site", &self.sites), ("Placard", &self.placards), ("Day", &self.days)] {
            let width = rows.iter().map(|r| r.key.len()).max().unwrap_or(0).max(title.len());
            let _ = writeln!(out, "{title:<width$}  scans");
            for r in rows {
                let site = r.site.as_deref().map(|s| format!("  ({s})")).unwrap_or_default();
                let _ = writeln!(out, "{:<width$}  {:>5}{site}", r.key, r.scans);
            }
            out.push('\n');
        }
        out
    }

    /// CSV with one row per count: `group,key,site,scans`.
    pub fn csv(&self) -> String {
        let mut out = String::from("group,key,site,scans\n");
        for (group, rows) in [("site", &self.sites), ("placard", &self.placards), ("day", &self.days)] {
            for r in rows {
                let _ = writeln!(out, "{group},{},{},{}", r.key, r.site.as_deref().unwrap_or(""), r.scans);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_day("2026-11-27").is_ok());
        for bad in ["2026-13-01", "26-11-27", "2026/11/27", "2026-11-27'; DROP TABLE scans; --", ""] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }
}
