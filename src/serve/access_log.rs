//! One line per request on standard output, for operators and log collectors (journald, Loki, a file):
//! time, method, path without its query, status, bytes sent, duration, and for placard scans the code.
//! Never the visitor's address, user agent, referrer or query string: nothing that could identify a person.
//!
//! Requests only append to a shared buffer; a background thread writes it out every 100 ms (sooner when it
//! fills). A slow or blocked standard output therefore delays logging, never visitors; past
//! [`MAX_PENDING`] bytes waiting, lines are dropped and the number dropped is reported on standard error.

use std::fmt::Write as _;
use std::io::Write as _;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::{Method, Uri};

/// Log lines waiting to be written, at most; beyond this (stdout blocked) new lines are dropped.
const MAX_PENDING: usize = 8 * 1024 * 1024;
/// Waiting lines that wake the writer before its next tick.
const WAKE_AT: usize = 64 * 1024;
/// Longest path written; longer ones are cut (a log line must stay a line, and small).
const MAX_PATH: usize = 512;

/// How request lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `key=value` pairs (logfmt): readable in a terminal, parsed by most collectors.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
    /// No request log.
    Off,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "off" => Ok(Format::Off),
            _ => Err(format!("`{s}` is not a log format: use text, json or off")),
        }
    }
}

/// What is known of a request when its response is ready; the line is written when the body is done.
#[derive(Debug)]
pub struct Record {
    /// When the request arrived.
    pub start: Instant,
    /// Request method.
    pub method: Method,
    /// Request target; only its path is logged.
    pub uri: Uri,
    /// Response status.
    pub status: u16,
    /// Placard code of a recorded scan.
    pub code: Option<std::sync::Arc<str>>,
}

#[derive(Debug)]
struct Shared {
    format: Format,
    pending: Mutex<Vec<u8>>,
    wake: Condvar,
    dropped: AtomicU64,
    stop: AtomicBool,
}

/// Handle to the request log; cheap to clone.
#[derive(Debug, Clone)]
pub struct Log {
    shared: Arc<Shared>,
}

impl Log {
    /// Starts the writer thread; `None` for [`Format::Off`].
    pub fn start(format: Format) -> Option<Log> {
        if format == Format::Off {
            return None;
        }
        let shared = Arc::new(Shared {
            format,
            pending: Mutex::new(Vec::with_capacity(64 * 1024)),
            wake: Condvar::new(),
            dropped: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let for_thread = shared.clone();
        let started = std::thread::Builder::new().name("access-log".into()).spawn(move || writer(&for_thread));
        if let Err(e) = started {
            eprintln!("request log disabled: cannot start its writer thread: {e}");
            return None;
        }
        Some(Log { shared })
    }

    /// Queues the line for a request refused before it could be read (malformed, or its head too large),
    /// with the status the client was answered: `method=- path=-`.
    pub fn refused(&self, status: u16) {
        let method = Method::from_bytes(b"-").unwrap_or(Method::GET);
        let record = Record { start: Instant::now(), method, uri: Uri::from_static("/"), status, code: None };
        self.write(&record, 0);
    }

    /// Queues the line for a finished response that sent `bytes` body bytes.
    pub fn write(&self, record: &Record, bytes: u64) {
        thread_local! {
            static LINE: std::cell::RefCell<String> = std::cell::RefCell::new(String::with_capacity(256));
        }
        LINE.with_borrow_mut(|line| {
            line.clear();
            format_line(line, self.shared.format, SystemTime::now(), record, bytes);
            let Ok(mut pending) = self.shared.pending.lock() else { return };
            let before = pending.len();
            if before + line.len() > MAX_PENDING {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            pending.extend_from_slice(line.as_bytes());
            let crossed = before < WAKE_AT && pending.len() >= WAKE_AT;
            drop(pending);
            // Once per filling, outside the lock: waking a thread is a system call.
            if crossed {
                self.shared.wake.notify_one();
            }
        });
    }

    /// Writes out everything queued and stops the writer; called as the host stops.
    pub fn finish(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        self.shared.wake.notify_one();
        drain(&self.shared);
    }
}

fn writer(shared: &Shared) {
    // Two buffers trade places, so after the first seconds no line is ever copied into a growing one.
    let mut spare = Vec::with_capacity(128 * 1024);
    while !shared.stop.load(Ordering::Relaxed) {
        if let Ok(pending) = shared.pending.lock()
            && pending.len() < WAKE_AT
        {
            let _ = shared.wake.wait_timeout(pending, Duration::from_millis(100));
        }
        drain_into(shared, &mut spare);
    }
}

fn drain(shared: &Shared) {
    drain_into(shared, &mut Vec::new());
}

fn drain_into(shared: &Shared, spare: &mut Vec<u8>) {
    spare.clear();
    if let Ok(mut pending) = shared.pending.lock() {
        std::mem::swap(&mut *pending, spare);
    }
    if !spare.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(spare).and_then(|()| out.flush());
    }
    let dropped = shared.dropped.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        eprintln!("request log: standard output is not keeping up; {dropped} lines were dropped");
    }
}

/// Appends one line (with its newline) for `record` in `format`.
pub fn format_line(out: &mut String, format: Format, now: SystemTime, record: &Record, bytes: u64) {
    let micros = record.start.elapsed().as_micros();
    // A request refused before it was read has no path.
    let path = if record.method.as_str() == "-" { "-" } else { cut(record.uri.path()) };
    match format {
        Format::Json => {
            out.push_str("{\"time\":\"");
            timestamp(out, now);
            out.push_str("\",\"method\":");
            json_string(out, cut(record.method.as_str()));
            out.push_str(",\"path\":");
            json_string(out, path);
            let _ = write!(out, ",\"status\":{},\"bytes\":{bytes},\"us\":{micros}", record.status);
            if let Some(code) = &record.code {
                out.push_str(",\"code\":");
                json_string(out, code);
            }
            out.push_str("}\n");
        }
        Format::Text | Format::Off => {
            out.push_str("time=");
            timestamp(out, now);
            out.push_str(" method=");
            logfmt_value(out, cut(record.method.as_str()));
            out.push_str(" path=");
            logfmt_value(out, path);
            let _ = write!(out, " status={} bytes={bytes} us={micros}", record.status);
            if let Some(code) = &record.code {
                out.push_str(" code=");
                logfmt_value(out, code);
            }
            out.push('\n');
        }
    }
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_PATH {
        return s;
    }
    let mut end = MAX_PATH;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A logfmt value: bare when it is plain, quoted with escapes when it holds spaces, quotes, `=` or
/// control characters, so a hostile path cannot forge fields or lines.
fn logfmt_value(out: &mut String, s: &str) {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic() && c != '"' && c != '=' && c != '\\');
    if plain {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// RFC 3339 UTC with milliseconds, e.g. `2026-11-27T06:23:54.123Z`.
fn timestamp(out: &mut String, now: SystemTime) {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (year, month, day) = crate::store::stats::civil(days);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, code: Option<&str>) -> Record {
        Record {
            start: Instant::now(),
            method: Method::GET,
            uri: path.parse().expect("uri"),
            status: 302,
            code: code.map(std::sync::Arc::from),
        }
    }

    fn line(format: Format, path: &str, code: Option<&str>) -> String {
        let mut out = String::new();
        let now = UNIX_EPOCH + Duration::from_millis(1_795_760_634_123);
        format_line(&mut out, format, now, &record(path, code), 0);
        out
    }

    #[test]
    fn formats_time_as_rfc3339() {
        let mut s = String::new();
        timestamp(&mut s, UNIX_EPOCH);
        assert_eq!(s, "1970-01-01T00:00:00.000Z");
        s.clear();
        timestamp(&mut s, UNIX_EPOCH + Duration::from_millis(951_782_400_001)); // a leap day
        assert_eq!(s, "2000-02-29T00:00:00.001Z");
        s.clear();
        timestamp(&mut s, UNIX_EPOCH + Duration::from_secs(4_102_444_799));
        assert_eq!(s, "2099-12-31T23:59:59.000Z");
    }

    #[test]
    fn text_lines_drop_the_query_and_carry_the_code() {
        let l = line(Format::Text, "/q/ss-dc1?utm_source=zalo&phone=0912345678", Some("ss-dc1"));
        assert!(l.starts_with("time=2026-11-27T"), "{l}");
        assert!(l.ends_with(" code=ss-dc1\n"), "{l}");
        assert!(l.contains(" method=GET path=/q/ss-dc1 status=302 bytes=0 us="), "{l}");
        assert!(!l.contains("utm") && !l.contains("0912345678"), "{l}");
    }

    #[test]
    fn hostile_paths_cannot_forge_fields_or_lines() {
        let l = line(Format::Text, "/a%22%20status=200", None);
        assert_eq!(l.matches(" status=").count(), 1, "{l}");
        let mut out = String::new();
        logfmt_value(&mut out, "a b\"c\n=d");
        assert_eq!(out, "\"a b\\\"c\\u{a}=d\"");
        let long = format!("/{}", "é".repeat(600));
        let l = line(Format::Json, &long, None);
        let v: serde_json::Value = serde_json::from_str(&l).expect("json");
        assert!(v["path"].as_str().expect("path").len() <= MAX_PATH);
    }

    #[test]
    fn json_lines_parse() {
        let l = line(Format::Json, "/vi/den-doc-cuoc/?x=1", Some("ss-dc1"));
        assert_eq!(l.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&l).expect("json");
        assert_eq!(v["path"], "/vi/den-doc-cuoc/");
        assert_eq!(v["status"], 302);
        assert_eq!(v["code"], "ss-dc1");
        assert_eq!(v["time"], "2026-11-27T06:23:54.123Z");
    }

    #[test]
    fn parses_formats() {
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert!("xml".parse::<Format>().expect_err("refused").contains("text, json or off"));
    }
}
