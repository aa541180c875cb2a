//! Time in the collection's terms: its offset from UTC (`utc_offset:`), and the month a report covers.

use anyhow::{Result, bail};

pub use crate::store::stats::format_utc_offset;
use crate::store::stats::{date_of, day_number};

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
        date_of(day_number(&format!("{y:04}-{m:02}-01")) - 1)
    }

    /// `2026-11`.
    pub fn key(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}
