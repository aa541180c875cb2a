//! Reports over the scan database for the culture office: scans per site, placard, day, language, device
//! class and hour of the day over a date range, and the printed placards that have gone quiet; as a
//! table, CSV or JSON, and the figures behind the dashboard and the monthly report.
//!
//! Days and hours are the collection's local time (`utc_offset:`, +07:00 by default): an office in Thanh
//! Hóa counts a scan at 23:30 on the 30th in November, not on the 1st of December as UTC would.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde::Serialize;

use super::{Db, HourCount, hourly};

/// Scan counts over a date range.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// First day included (YYYY-MM-DD, local time), if limited.
    pub from: Option<String>,
    /// Last day included, if limited.
    pub to: Option<String>,
    /// All scans in the range.
    pub total: u64,
    /// Per site, most scanned first.
    pub sites: Vec<Count>,
    /// Per placard code, most scanned first.
    pub placards: Vec<Count>,
    /// Per day, in date order (days without scans are left out).
    pub days: Vec<Count>,
    /// The local time days and hours are counted in, e.g. `+07:00`.
    pub utc_offset: String,
    /// Per language the visitor was answered in, most first.
    pub languages: Vec<Count>,
    /// Per device class (`phone`, `tablet`, `desktop`, `bot`, `other`), most first.
    pub devices: Vec<Count>,
    /// Per hour of the local day, `00` to `23`, all 24 of them.
    pub hours: Vec<Count>,
    /// How many days without a scan make a printed placard "gone quiet".
    pub quiet_days: u32,
    /// Printed placards scanned before but not in the last `quiet_days` days of the range (or before
    /// today, for a range that has not ended): torn off, faded or covered, most likely.
    pub quiet: Vec<Quiet>,
}

/// One row of a report.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Count {
    /// Site slug, placard code, day, language, device class or hour.
    pub key: String,
    /// Site of a placard (for placard rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Number of scans.
    pub scans: u64,
}

/// A printed placard that has stopped being scanned.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Quiet {
    /// Placard code.
    pub code: String,
    /// Site it leads to.
    pub site: String,
    /// Day of its last scan (local time).
    pub last_scan: String,
    /// Scans it had in all, up to then.
    pub scans: u64,
}

/// What to count: the range, the local time, and the placards that were printed.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// First day (YYYY-MM-DD, local), if limited.
    pub from: Option<String>,
    /// Last day, if limited.
    pub to: Option<String>,
    /// Local time, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// Printed placard codes and their sites (from the build's `_/links.json`).
    pub printed: Vec<(String, String)>,
    /// Days without a scan that make a placard quiet.
    pub quiet_days: u32,
    /// The present, seconds since 1970 (passed in so reports can be reproduced).
    pub now: i64,
}

/// Days without a scan after which a printed placard is listed as gone quiet, unless asked otherwise.
pub const DEFAULT_QUIET_DAYS: u32 = 30;

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

/// Reads counts from the scan store (read-only; the host may be writing), in UTC, without a list of
/// printed placards. See [`read_query`].
pub fn read(db: &Db, from: Option<&str>, to: Option<&str>) -> Result<Stats> {
    let query = Query { from: from.map(str::to_string), to: to.map(str::to_string), ..Query::default() };
    read_query(db, &query)
}

/// Reads counts from the scan store, summed in Rust from [`crate::store::hourly`] so both stores give the
/// same answer: one read from the beginning to the end of the range (the earlier scans say which
/// placards went quiet).
pub fn read_query(db: &Db, q: &Query) -> Result<Stats> {
    let from = q.from.as_deref().map(parse_day).transpose()?;
    let to = q.to.as_deref().map(parse_day).transpose()?;
    let offset = i64::from(q.utc_offset_minutes) * 60;
    let start = from.as_deref().map_or(i64::MIN, |d| day_number(d) * DAY - offset);
    let end = to.as_deref().map_or(i64::MAX, |d| (day_number(d) + 1) * DAY - offset);
    if let (Some(f), Some(t)) = (&from, &to)
        && f > t
    {
        bail!("the range starts ({f}) after it ends ({t})");
    }
    let rows = hourly(db, i64::MIN, end)?;
    Ok(summarise_query(&rows, q, from, to, start, end))
}

const DAY: i64 = 86_400;

/// Sums hourly rows into the report's lists (UTC, no placards listed as quiet).
pub fn summarise(rows: &[HourCount], from: Option<String>, to: Option<String>) -> Stats {
    summarise_query(rows, &Query::default(), from, to, i64::MIN, i64::MAX)
}

/// Sums the rows between `start` and `end` (seconds, UTC) into the report's lists, and finds the quiet
/// placards among all the rows given.
fn summarise_query(
    rows: &[HourCount],
    q: &Query,
    from: Option<String>,
    to: Option<String>,
    start: i64,
    end: i64,
) -> Stats {
    let offset = i64::from(q.utc_offset_minutes) * 60;
    let mut sites: BTreeMap<&str, u64> = BTreeMap::new();
    let mut placards: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut days: BTreeMap<i64, u64> = BTreeMap::new();
    let mut languages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut devices: BTreeMap<&str, u64> = BTreeMap::new();
    let mut hours = [0u64; 24];
    // The quiet test looks back from the end of the range, or from now when the range reaches past it.
    let reference = end.min(if q.now > 0 { q.now } else { i64::MAX });
    let quiet_since = reference.saturating_sub(i64::from(q.quiet_days) * DAY);
    // Per code: scans up to `quiet_since`, the last of them, and whether any came after.
    let mut history: HashMap<&str, (u64, i64, bool)> = HashMap::new();
    for r in rows {
        let at = r.hour * 3600;
        let entry = history.entry(&r.code).or_insert((0, i64::MIN, false));
        if at < quiet_since {
            entry.0 += r.scans;
            entry.1 = entry.1.max(at);
        } else if at < reference {
            entry.2 = true;
        }
        if at < start || at >= end {
            continue;
        }
        let local = at + offset;
        *sites.entry(&r.site).or_default() += r.scans;
        *placards.entry((&r.code, &r.site)).or_default() += r.scans;
        *days.entry(local.div_euclid(DAY)).or_default() += r.scans;
        *languages.entry(&r.lang).or_default() += r.scans;
        *devices.entry(&r.device).or_default() += r.scans;
        hours[(local.rem_euclid(DAY) / 3600) as usize] += r.scans;
    }
    let most_first = |mut v: Vec<Count>| {
        v.sort_by(|a, b| b.scans.cmp(&a.scans).then_with(|| a.key.cmp(&b.key)));
        v
    };
    let plain = |m: BTreeMap<&str, u64>| {
        most_first(m.into_iter().map(|(k, n)| Count { key: k.into(), site: None, scans: n }).collect())
    };
    let sites = plain(sites);
    let placards = most_first(
        placards.into_iter().map(|((k, s), n)| Count { key: k.into(), site: Some(s.into()), scans: n }).collect(),
    );
    let days = days.into_iter().map(|(d, n)| Count { key: date_of(d), site: None, scans: n }).collect();
    let hours =
        hours.iter().enumerate().map(|(h, &n)| Count { key: format!("{h:02}"), site: None, scans: n }).collect();
    let total = sites.iter().map(|c| c.scans).sum();
    let mut quiet: Vec<Quiet> = if q.quiet_days == 0 {
        Vec::new()
    } else {
        q.printed
            .iter()
            .filter_map(|(code, site)| {
                let &(scans, last, recent) = history.get(code.as_str())?;
                (scans > 0 && !recent).then(|| Quiet {
                    code: code.clone(),
                    site: site.clone(),
                    last_scan: date_of((last + offset).div_euclid(DAY)),
                    scans,
                })
            })
            .collect()
    };
    // Longest silent first: those are the placards to look at first.
    quiet.sort_by(|a, b| a.last_scan.cmp(&b.last_scan).then_with(|| a.code.cmp(&b.code)));
    Stats {
        from,
        to,
        total,
        sites,
        placards,
        days,
        utc_offset: format_utc_offset(q.utc_offset_minutes),
        languages: plain(languages),
        devices: plain(devices),
        hours,
        quiet_days: q.quiet_days,
        quiet,
    }
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

/// Year, month and day of a day number (the inverse of [`day_number`]; Howard Hinnant's algorithm).
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` of a day number.
pub fn date_of(days: i64) -> String {
    let (y, m, d) = civil(days);
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
        let _ = writeln!(out, "Days and hours in local time, UTC{}\n", self.utc_offset);
        let sections = [
            ("Site", &self.sites),
            ("Placard", &self.placards),
            ("Day", &self.days),
            ("Language", &self.languages),
            ("Device", &self.devices),
            ("Hour", &self.hours),
        ];
        for (title, rows) in sections {
            let width = rows.iter().map(|r| r.key.len()).max().unwrap_or(0).max(title.len());
            let _ = writeln!(out, "{title:<width$}  scans");
            for r in rows {
                let site = r.site.as_deref().map(|s| format!("  ({s})")).unwrap_or_default();
                let _ = writeln!(out, "{:<width$}  {:>5}{site}", r.key, r.scans);
            }
            out.push('\n');
        }
        if self.quiet_days > 0 {
            let _ = writeln!(out, "Placards without a scan in the last {} days:", self.quiet_days);
            if self.quiet.is_empty() {
                let _ = writeln!(out, "none");
            }
            for q in &self.quiet {
                let _ = writeln!(out, "{}  ({})  last scan {}, {} scans", q.code, q.site, q.last_scan, q.scans);
            }
        }
        out
    }

    /// CSV with one row per count: `group,key,site,scans`.
    pub fn csv(&self) -> String {
        let mut out = String::from("group,key,site,scans\n");
        let groups = [
            ("site", &self.sites),
            ("placard", &self.placards),
            ("day", &self.days),
            ("language", &self.languages),
            ("device", &self.devices),
            ("hour", &self.hours),
        ];
        for (group, rows) in groups {
            for r in rows {
                let _ = writeln!(out, "{group},{},{},{}", r.key, r.site.as_deref().unwrap_or(""), r.scans);
            }
        }
        for q in &self.quiet {
            let _ = writeln!(out, "quiet,{},{},{}", q.code, q.site, q.scans);
        }
        out
    }
}

/// Minutes east of UTC as `+07:00`.
pub fn format_utc_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
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
