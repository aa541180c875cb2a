//! Changes found by looking: for network drives, virtual machines and containers whose file systems send
//! no notifications. Our own comparison, to the nanosecond: a poller comparing whole seconds misses a fix
//! saved within the second of the mistake.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime};

use super::Change;

/// How often the poller looks.
pub const POLL_EVERY: Duration = Duration::from_millis(700);

/// Size and modification time (to the nanosecond) of every file under some folders.
pub type Snapshot = HashMap<PathBuf, (u64, Option<SystemTime>)>;

/// What is under `dirs` now.
pub fn snapshot(dirs: &[PathBuf]) -> Snapshot {
    dirs.iter()
        .filter_map(|d| crate::files::walk(d).ok())
        .flatten()
        .filter_map(|f| std::fs::metadata(&f).ok().map(|m| (f, (m.len(), m.modified().ok()))))
        .collect()
}

/// The files added, removed or changed between two snapshots.
pub fn changed(before: &Snapshot, now: &Snapshot) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> =
        now.iter().filter(|(p, m)| before.get(*p) != Some(m)).map(|(p, _)| p.clone()).collect();
    changed.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
    changed
}

/// Looks every [`POLL_EVERY`] and sends what changed since `before` as one event, until nobody listens.
pub fn poll(dirs: &[PathBuf], mut before: Snapshot, tx: &Sender<Change>) {
    loop {
        std::thread::sleep(POLL_EVERY);
        let now = snapshot(dirs);
        let changed = changed(&before, &now);
        if !changed.is_empty() {
            let mut event = notify::Event::new(notify::EventKind::Modify(notify::event::ModifyKind::Any));
            event.paths = changed;
            if tx.send(Ok(event)).is_err() {
                return;
            }
        }
        before = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_removed_and_touched_files_are_changes() {
        let t = |s: u64| Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(s));
        let before: Snapshot = [("a".into(), (1, t(1))), ("b".into(), (1, t(1))), ("c".into(), (1, t(1)))].into();
        // `a` kept, `b` saved again a nanosecond later at the same size, `c` removed, `d` added.
        let now: Snapshot = [("a".into(), (1, t(1))), ("b".into(), (1, t(2))), ("d".into(), (5, t(1)))].into();
        let mut got = changed(&before, &now);
        got.sort();
        assert_eq!(got, [PathBuf::from("b"), "c".into(), "d".into()]);
        assert!(changed(&now, &now).is_empty());
    }
}
