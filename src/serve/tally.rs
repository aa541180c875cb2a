//! Which placard scans are worth writing down. The codes are printed in public, so anyone can request one
//! in a loop: the same client and code are counted once per [`REPEAT_WINDOW`], and the host writes at most
//! a set number of scans a second in all. The visitor is redirected either way.
//!
//! "The same client" is a keyed hash of the client's address, its User-Agent and the code, held in memory
//! with a key drawn at start-up and forgotten with the process: nothing that identifies a person is kept,
//! and the hashes cannot be matched against addresses by anyone without the key.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::client::Bucket;

/// How long a client's scan of a code keeps further scans of it from counting.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Most clients remembered in one generation (two are kept): beyond, the older generation is forgotten
/// early, so memory stays bounded under a flood of forged clients (the ceiling still bounds what is written).
const MAX_REMEMBERED: usize = 200_000;

/// Whether a scan is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Count it.
    Count,
    /// The same client scanned this code a moment ago.
    Repeat,
    /// The host is writing as many scans a second as it allows.
    OverCeiling,
}

/// Recent scans in two generations: the current one, and the one before. A generation is retired when it
/// is a window old (or full), so a scan is remembered for at least a window without ever sweeping the map.
#[derive(Debug)]
struct Seen {
    current: HashMap<u64, Instant>,
    previous: HashMap<u64, Instant>,
    since: Instant,
}

impl Seen {
    fn get(&self, id: u64) -> Option<Instant> {
        self.current.get(&id).or_else(|| self.previous.get(&id)).copied()
    }

    fn insert(&mut self, id: u64, now: Instant) {
        if now.saturating_duration_since(self.since) >= REPEAT_WINDOW || self.current.len() >= MAX_REMEMBERED {
            self.previous = std::mem::take(&mut self.current);
            self.since = now;
        }
        self.current.insert(id, now);
    }
}

/// Recent scans and the host-wide ceiling.
#[derive(Debug)]
pub struct Tally {
    key: std::collections::hash_map::RandomState,
    seen: Mutex<Seen>,
    ceiling: Mutex<Bucket>,
    per_second: f64,
    /// Scans not written because of the ceiling, since the last report.
    over: AtomicU64,
    reported: Mutex<Option<Instant>>,
}

impl Tally {
    /// At most `per_second` scans written a second (a burst of two seconds' worth); 0 means no ceiling.
    pub fn new(per_second: u32) -> Tally {
        let per_second = f64::from(per_second);
        Tally {
            key: Default::default(),
            seen: Mutex::new(Seen { current: HashMap::new(), previous: HashMap::new(), since: Instant::now() }),
            ceiling: Mutex::new(Bucket::full((2.0 * per_second).max(1.0), Instant::now())),
            per_second,
            over: AtomicU64::new(0),
            reported: Mutex::new(None),
        }
    }

    /// Judges a scan of `code` by `client` (None when unknown, as in tests without a socket).
    pub fn judge(&self, client: Option<IpAddr>, user_agent: Option<&[u8]>, code: &str, now: Instant) -> Verdict {
        let mut h = self.key.build_hasher();
        client.hash(&mut h);
        user_agent.hash(&mut h);
        code.hash(&mut h);
        let id = h.finish();
        {
            let Ok(mut seen) = self.seen.lock() else { return Verdict::Count };
            if seen.get(id).is_some_and(|at| now.saturating_duration_since(at) < REPEAT_WINDOW) {
                return Verdict::Repeat;
            }
            seen.insert(id, now);
        }
        if self.per_second > 0.0 {
            let burst = (2.0 * self.per_second).max(1.0);
            let allowed = self.ceiling.lock().map_or(true, |mut b| b.take(self.per_second, burst, now));
            if !allowed {
                self.note_over(now);
                return Verdict::OverCeiling;
            }
        }
        Verdict::Count
    }

    /// Counts a scan left unwritten by the ceiling, and says so on standard error once a minute at most.
    fn note_over(&self, now: Instant) {
        let over = self.over.fetch_add(1, Ordering::Relaxed) + 1;
        let Ok(mut reported) = self.reported.lock() else { return };
        if reported.is_none_or(|at| now.saturating_duration_since(at) >= Duration::from_secs(60)) {
            *reported = Some(now);
            self.over.store(0, Ordering::Relaxed);
            eprintln!(
                "scans: {over} scan(s) over the ceiling of {} a second were not recorded (visitors were still \
                 redirected)",
                self.per_second
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("address"))
    }

    #[test]
    fn the_same_client_and_code_count_once_per_window() {
        let t = Tally::new(0);
        let now = Instant::now();
        let ua = Some(&b"phone"[..]);
        assert_eq!(t.judge(ip("192.0.2.1"), ua, "t-1", now), Verdict::Count);
        assert_eq!(t.judge(ip("192.0.2.1"), ua, "t-1", now + Duration::from_secs(60)), Verdict::Repeat);
        assert_eq!(t.judge(ip("192.0.2.1"), ua, "t-2", now), Verdict::Count, "another code");
        assert_eq!(t.judge(ip("192.0.2.2"), ua, "t-1", now), Verdict::Count, "another address");
        assert_eq!(t.judge(ip("192.0.2.1"), Some(b"tablet"), "t-1", now), Verdict::Count, "another device");
        assert_eq!(t.judge(ip("192.0.2.1"), ua, "t-1", now + REPEAT_WINDOW), Verdict::Count, "after the window");
        // Across a change of generation (another scan a window later), a recent scan is still remembered.
        let later = now + REPEAT_WINDOW + Duration::from_secs(10);
        assert_eq!(t.judge(ip("192.0.2.3"), ua, "t-1", later), Verdict::Count);
        assert_eq!(t.judge(ip("192.0.2.1"), ua, "t-1", later), Verdict::Repeat, "seen at the window's end");
    }

    #[test]
    fn a_flood_of_clients_keeps_memory_bounded() {
        let t = Tally::new(0);
        let now = Instant::now();
        for i in 0..(3 * MAX_REMEMBERED as u32) {
            let ua = i.to_le_bytes();
            assert_eq!(t.judge(None, Some(&ua), "t-1", now), Verdict::Count);
        }
        let seen = t.seen.lock().expect("seen");
        assert!(seen.current.len() + seen.previous.len() <= 2 * MAX_REMEMBERED);
    }

    #[test]
    fn the_ceiling_bounds_scans_a_second() {
        let t = Tally::new(10);
        let now = Instant::now();
        let counted = (0..100)
            .filter(|i| t.judge(ip("192.0.2.1"), Some(format!("ua{i}").as_bytes()), "t-1", now) == Verdict::Count)
            .count();
        assert_eq!(counted, 20, "a burst of two seconds' worth");
        let later = now + Duration::from_secs(1);
        assert_eq!(t.judge(ip("192.0.2.9"), None, "t-1", later), Verdict::Count, "refilled at 10 a second");
    }
}
