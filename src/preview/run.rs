//! The preview from start to Ctrl-C: the first build, the host over it, the watcher (or poller) and the
//! rebuild loop, all started before the address is announced.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use axum::Router;

use super::pages::{self, Shared};
use super::rebuild::{build_once, keeping, rebuild_on_change};
use super::status::Status;
use super::{Change, Watch, poller, watcher};

/// Builds, serves and rebuilds on change until Ctrl-C or SIGTERM.
pub fn run(addr: &str, watch: &Watch) -> Result<()> {
    // Events name absolute paths; compare them with absolute folders.
    let root = std::fs::canonicalize(&watch.root)
        .with_context(|| format!("cannot open the collection folder {}", watch.root.display()))?;
    let out = std::path::absolute(&watch.out).with_context(|| format!("bad output folder {}", watch.out.display()))?;
    let watch = &Watch { root, out, poll: watch.poll };
    let first = build_once(watch);
    let status = match &first {
        Ok(summary) => {
            eprintln!("{summary}");
            Status::good(1, 0)
        }
        Err(e) => {
            let s = Status::failed(1, 0, e);
            eprintln!("{}\n{}", s.report, keeping(&watch.out));
            s
        }
    };
    // With nothing built yet (the first build failed), pages are not found until the fix is saved.
    let site = match first {
        Err(_) if crate::serve::site::read_id(&watch.out).is_none() => Router::new(),
        _ => crate::serve::app(&watch.out, &crate::serve::Options::default())?,
    };
    let shared = Arc::new(Shared { status: tokio::sync::watch::Sender::new(status), site: RwLock::new(site) });
    // Watching starts before the address is announced, so no edit made after that can be missed.
    let (watcher, changes) = start_watching(watch)?;
    let rebuild_shared = shared.clone();
    let w = watch.clone();
    std::thread::Builder::new().name("watch".into()).spawn(move || {
        let _watcher = watcher;
        if let Err(e) = rebuild_on_change(&w, &changes, &rebuild_shared) {
            eprintln!("error: watching for changes stopped: {e:#}");
        }
    })?;
    let what = format!("a live preview of {} (rebuilt on every change)", watch.root.display());
    crate::serve::listen(addr, &what, || Ok(pages::router(shared)))
}

/// Starts watching `sites/` and `content/`: the system's notifications, or the poller on its own thread
/// when asked for or when the system has none. Changes arrive on the returned channel while the watcher
/// (if any) lives.
fn start_watching(watch: &Watch) -> Result<(Option<watcher::Running>, Receiver<Change>)> {
    let (tx, rx) = mpsc::channel::<Change>();
    let dirs: Vec<PathBuf> = ["sites", "content"].iter().map(|d| watch.root.join(d)).filter(|d| d.is_dir()).collect();
    if !watch.poll {
        match watcher::start(&dirs, tx.clone()) {
            Ok(w) => return Ok((Some(w), rx)),
            Err(e) => eprintln!("change notifications are unavailable ({e}); polling instead"),
        }
    }
    let first = poller::snapshot(&dirs);
    std::thread::Builder::new().name("poll".into()).spawn(move || poller::poll(&dirs, first, &tx))?;
    Ok((None, rx))
}
