//! Reports over the scan database for the culture office: scans per site, per placard and per day over a
//! date range, as a table, CSV or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde::Serialize;

use super::{Db, HourCount, hourly};

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

/// Reads counts from the scan store (read-only; the host may be writing), summed in Rust from
/// [`crate::store::hourly`] so both stores give the same answer. Days are UTC.
pub fn read(db: &Db, from: Option<&str>, to: Option<&str>) -> Result<Stats> {
    let from = from.map(parse_day).transpose()?;
    let to = to.map(parse_day).transpose()?;
    let start = from.as_deref().map_or(i64::MIN, |d| day_number(d) * DAY);
    let end = to.as_deref().map_or(i64::MAX, |d| (day_number(d) + 1) * DAY);
    let rows = hourly(db, start, end)?;
    Ok(summarise(&rows, from, to))
}

const DAY: i64 = 86_400;

/// Sums hourly rows into the report's three lists.
pub fn summarise(rows: &[HourCount], from: Option<String>, to: Option<String>) -> Stats {
    let mut sites: BTreeMap<&str, u64> = BTreeMap::new();
    let mut placards: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut days: BTreeMap<i64, u64> = BTreeMap::new();
    for r in rows {
        *sites.entry(&r.site).or_default() += r.scans;
        *placards.entry((&r.code, &r.site)).or_default() += r.scans;
        *days.entry((r.hour * 3600).div_euclid(DAY)).or_default() += r.scans;
    }
    let most_first = |mut v: Vec<Count>| {
        v.sort_by(|a, b| b.scans.cmp(&a.scans).then_with(|| a.key.cmp(&b.key)));
        v
    };
    let sites = most_first(sites.into_iter().map(|(k, n)| Count { key: k.into(), site: None, scans: n }).collect());
    let placards = most_first(
        placards.into_iter().map(|((k, s), n)| Count { key: k.into(), site: Some(s.into()), scans: n }).collect(),
    );
    let days = days.into_iter().map(|(d, n)| Count { key: date_of(d), site: None, scans: n }).collect();
    let total = sites.iter().map(|c| c.scans).sum();
    Stats { from, to, total, sites, placards, days }
}

/// Days since 1970-01-01 of a checked `YYYY-MM-DD` date (proleptic Gregorian calendar).
pub fn day_number(date: &str) -> i64 {
    let num = |r: std::ops::Range<usize>| date[r].parse::<i64>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day number (the inverse of [`day_number`]).
pub fn date_of(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number("1970-01-01"), 0);
        assert_eq!(day_number("2026-11-27"), 20_784);
        assert_eq!(date_of(20_784), "2026-11-27");
        for d in [-1000, -1, 0, 59, 60, 365, 11_016, 20_000, 20_513, 50_000] {
            assert_eq!(day_number(&date_of(d)), d, "{}", date_of(d));
        }
    }
}
