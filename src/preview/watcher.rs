//! Changes as the operating system reports them (inotify, FSEvents, …), through `notify`.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use super::Change;

/// A running watcher: changes keep coming while it lives.
pub type Running = Box<dyn notify::Watcher + Send>;

/// Watches `dirs` (recursively) and sends what changes to `tx` while the returned watcher lives; `Err`
/// when this system gives no notifications (the caller then polls).
pub fn start(dirs: &[PathBuf], tx: Sender<Change>) -> notify::Result<Running> {
    let mut w = notify::recommended_watcher(tx)?;
    for d in dirs {
        notify::Watcher::watch(&mut w, d, notify::RecursiveMode::Recursive)?;
    }
    Ok(Box::new(w))
}
