//! Scan statistics people can look at: the figures of [`crate::store::stats`] drawn as charts, on the
//! host's token-protected dashboard (`/dashboard`) and in the monthly report (`disan stats --report`, PDF
//! or HTML). Every figure comes from [`crate::store::hourly`], so both stores give the same pictures.
//!
//! `labels` names what the scan rows only key (sites, placards, the organisation) from the build,
//! `words` holds the interface words, `chart` draws SVG charts, `html` the dashboard and the HTML report,
//! `pdf` the A4 report with the placards' typesetting.

pub mod chart;
pub mod html;
pub mod labels;
pub mod pdf;
pub mod words;

use std::path::Path;

use anyhow::{Context, Result, bail};

pub use labels::Labels;

use crate::store::stats::{Query, Stats, day_number};

/// Local time when a collection names none: every province of Vietnam keeps UTC+7 all year.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 7 * 60;

/// Reads a `utc_offset:` value such as `+07:00` or `-03:30` into minutes east of UTC.
pub fn parse_utc_offset(s: &str) -> Result<i32, String> {
    let t = s.trim();
    let bad = || format!("`utc_offset` `{t}` is not an offset like +07:00");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 14 || m > 59 || h == 14 && m > 0 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// Minutes east of UTC as `+07:00`.
pub fn format_utc_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A month to report on, from `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl Month {
    /// Reads `2026-11`; anything else is refused with an example.
    pub fn parse(s: &str) -> Result<Month> {
        let t = s.trim();
        let ok =
            t.len() == 7 && t.as_bytes()[4] == b'-' && t.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
        let month = if ok { t[5..].parse::<u32>().unwrap_or(0) } else { 0 };
        if !(1..=12).contains(&month) {
            bail!("`{s}` is not a month like 2026-11 (year, a hyphen, the month's two digits)");
        }
        Ok(Month { year: t[..4].parse().unwrap_or(0), month })
    }

    /// `2026-11-01`.
    pub fn first_day(&self) -> String {
        format!("{:04}-{:02}-01", self.year, self.month)
    }

    /// The last day of the month, `2026-11-30`.
    pub fn last_day(&self) -> String {
        let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        crate::store::stats::date_of(day_number(&format!("{y:04}-{m:02}-01")) - 1)
    }

    /// `2026-11`.
    pub fn key(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Seconds since 1970 now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The query for a range, in the collection's local time, with its printed placards.
pub fn query(labels: &Labels, from: Option<String>, to: Option<String>, quiet_days: u32) -> Query {
    Query {
        from,
        to,
        utc_offset_minutes: labels.utc_offset_minutes,
        printed: labels.printed.clone(),
        quiet_days,
        now: now(),
    }
}

/// The labels for reports on the command line: those of the build in `dist`, else those of the
/// collection in `root`, else none (sites named by their slugs, +07:00, no printed placards known).
pub fn labels_for(root: &Path, dist: &Path) -> Labels {
    match Labels::load(dist) {
        Ok(Some(labels)) => return labels,
        Ok(None) => {}
        Err(e) => eprintln!("note: {e:#}"),
    }
    match crate::site::load(root) {
        Ok(c) => Labels::from_collection(&c),
        Err(_) => {
            eprintln!(
                "note: no build in {} and no readable collection in {}: sites are named by their slugs, days \
                 are counted in UTC{} and no placard can be listed as gone quiet",
                dist.display(),
                root.display(),
                format_utc_offset(DEFAULT_UTC_OFFSET_MINUTES)
            );
            Labels::default()
        }
    }
}

/// What a report file is, from its name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// An A4 PDF with embedded fonts.
    Pdf,
    /// One self-contained HTML page (prints on A4 too).
    Html,
}

impl ReportFormat {
    /// From the output file's extension.
    pub fn of(path: &Path) -> Result<ReportFormat> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("pdf") => Ok(ReportFormat::Pdf),
            Some("html" | "htm") => Ok(ReportFormat::Html),
            _ => bail!("{}: the report is written as .pdf or .html; name the file so", path.display()),
        }
    }
}

/// Writes the monthly report for `stats` to `out` (PDF or HTML, by its extension).
pub fn write_report(stats: &Stats, labels: &Labels, month: &Month, out: &Path) -> Result<()> {
    let bytes = match ReportFormat::of(out)? {
        ReportFormat::Pdf => pdf::report(stats, labels, month)?,
        ReportFormat::Html => html::report(stats, labels, month).into_bytes(),
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_utc_offset("+07:00"), Ok(420));
        assert_eq!(parse_utc_offset("-03:30"), Ok(-210));
        assert_eq!(parse_utc_offset("+00:00"), Ok(0));
        for bad in ["7", "+7:00", "07:00", "+15:00", "+07:60", "+07", "UTC+7", ""] {
            assert!(parse_utc_offset(bad).is_err(), "{bad}");
        }
        assert_eq!(format_utc_offset(420), "+07:00");
        assert_eq!(format_utc_offset(-210), "-03:30");
    }

    #[test]
    fn months() {
        let m = Month::parse("2026-11").expect("month");
        assert_eq!((m.first_day(), m.last_day()), ("2026-11-01".into(), "2026-11-30".into()));
        assert_eq!(Month::parse("2028-02").expect("leap").last_day(), "2028-02-29");
        assert_eq!(Month::parse("2026-12").expect("dec").last_day(), "2026-12-31");
        for bad in ["2026-13", "2026-00", "2026/11", "26-11", "2026-1", "november", "2026-11-01", ""] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}
