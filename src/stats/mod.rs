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
pub mod time;
pub mod words;

use std::path::Path;

use anyhow::{Context, Result, bail};

pub use labels::Labels;
pub use time::{DEFAULT_UTC_OFFSET_MINUTES, Month, format_utc_offset, parse_utc_offset};

use crate::store::stats::{Query, Stats};

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
