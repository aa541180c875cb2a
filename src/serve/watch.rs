//! `disan serve --watch`: the editors' live preview.
//!
//! A watcher thread rebuilds (in preview mode) whenever a file under `sites/` or `content/` changes, after
//! the changes have settled. A successful rebuild swaps in a fresh router over the new output and bumps
//! the generation; open pages wait on `/_/preview/status` and reload only then. A failed rebuild leaves
//! the last good output served and publishes the report, which the pages show as an overlay and the
//! terminal prints. Unchanged panoramas are not re-tiled: the build's media cache is keyed by content.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, header};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

use crate::build::{self, Summary};
use crate::report::InvalidCollection;

/// What to watch and where to build.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The collection folder.
    pub root: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// Poll for changes instead of relying on the operating system's notifications (network drives,
    /// some virtual machines and containers do not deliver them).
    pub poll: bool,
}

/// Changes closer together than this are one edit (editors save several files, or write one twice).
const QUIET: Duration = Duration::from_millis(250);
/// How often the polling watcher looks.
const POLL_EVERY: Duration = Duration::from_millis(700);
/// Longest a page's status request waits for a new build before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(20);

/// The state of the last build, as pages see it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Counts builds that changed something (successful or failed); pages reload when it moves on and
    /// the build succeeded.
    pub generation: u64,
    /// Whether the last build succeeded.
    pub ok: bool,
    /// The report of a failed build, as the terminal shows it.
    pub report: String,
    /// The problems of a failed build, one by one.
    pub problems: Vec<Problem>,
    /// Counts settled bursts of changes the watcher saw, including those that needed no build (an
    /// editor's swap file), so a caller can tell that a change was looked at.
    pub changes: u64,
}

/// One problem of a failed build.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// File relative to the collection, when the problem is in one.
    pub file: String,
    /// Line, from 1.
    pub line: Option<usize>,
    /// Column, from 1.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

struct Shared {
    status: tokio::sync::watch::Sender<Status>,
    site: RwLock<Router>,
}

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
            Status { generation: 1, ok: true, report: String::new(), problems: Vec::new(), changes: 0 }
        }
        Err(e) => {
            let s = failed(1, e);
            eprintln!("{}\n{}", s.report, keeping(&watch.out));
            s
        }
    };
    // With nothing built yet (the first build failed), pages are not found until the fix is saved.
    let site = match first {
        Err(_) if super::site::read_id(&watch.out).is_none() => Router::new(),
        _ => super::app(&watch.out, &super::Options::default())?,
    };
    let shared = Arc::new(Shared { status: tokio::sync::watch::Sender::new(status), site: RwLock::new(site) });
    // Watching starts before the address is announced, so no edit made after that can be missed.
    let (watcher, events) = start_watching(watch)?;
    let watcher_shared = shared.clone();
    let w = watch.clone();
    std::thread::Builder::new().name("watch".into()).spawn(move || {
        let _watcher = watcher;
        if let Err(e) = watch_loop(&w, &events, &watcher_shared) {
            eprintln!("error: watching for changes stopped: {e:#}");
        }
    })?;
    let what = format!("a live preview of {} (rebuilt on every change)", watch.root.display());
    super::listen(addr, &what, || Ok(router(shared)))
}

fn build_once(watch: &Watch) -> Result<Summary> {
    build::build_with(&watch.root, &watch.out, build::Options { preview: true })
}

fn keeping(out: &Path) -> String {
    if out.join("index.html").is_file() {
        format!("keeping the last good build in {}; fix the file and save it again", out.display())
    } else {
        "nothing has been built yet; fix the file and save it again".into()
    }
}

/// The status of a failed build.
fn failed(generation: u64, e: &anyhow::Error) -> Status {
    if let Some(invalid) = e.downcast_ref::<InvalidCollection>() {
        let problems = invalid
            .report
            .diagnostics()
            .into_iter()
            .map(|d| Problem {
                file: d.file.display().to_string(),
                line: d.pos.map(|p| p.line),
                column: d.pos.map(|p| p.col),
                message: d.message.clone(),
            })
            .collect();
        return Status { generation, ok: false, report: invalid.report.to_string(), problems, changes: 0 };
    }
    let report = format!("error: {e:#}");
    let problem = Problem { file: String::new(), line: None, column: None, message: format!("{e:#}") };
    Status { generation, ok: false, report, problems: vec![problem], changes: 0 }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_/preview/status", get(status))
        .fallback(forward)
        .with_state(shared)
        .layer(axum::middleware::map_response(super::headers::security))
}

/// Hands the request to the router over the current build.
async fn forward(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let site = shared.site.read().unwrap_or_else(|e| e.into_inner()).clone();
    match site.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

#[derive(Deserialize)]
struct After {
    after: Option<u64>,
}

/// `/_/preview/status[?after=N]`: the build status, at once, or when the generation passes `N` (long
/// polling: simple, and it works through any proxy an editor's laptop may have).
async fn status(State(shared): State<Arc<Shared>>, Query(q): Query<After>) -> Response {
    let mut rx = shared.status.subscribe();
    if let Some(after) = q.after {
        let newer = async {
            while rx.borrow_and_update().generation <= after {
                if rx.changed().await.is_err() {
                    break;
                }
            }
        };
        // A waiting page must not hold Ctrl-C up: the host lets requests in flight finish first.
        tokio::select! {
            _ = tokio::time::timeout(LONG_POLL, newer) => {}
            _ = stopping() => {}
        }
    }
    let now = rx.borrow().clone();
    let mut r = axum::Json(now).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM); every listener hears the signal.
async fn stopping() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(mut term), Ok(mut int)) => tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} },
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

type Events = mpsc::Receiver<notify::Result<notify::Event>>;

/// Starts watching `sites/` and `content/`; the events arrive on the returned channel while the watcher
/// (if any: polling runs on its own thread) lives.
fn start_watching(watch: &Watch) -> Result<(Option<Box<dyn notify::Watcher + Send>>, Events)> {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let dirs: Vec<PathBuf> = ["sites", "content"].iter().map(|d| watch.root.join(d)).filter(|d| d.is_dir()).collect();
    if !watch.poll {
        match notify::recommended_watcher(tx.clone()) {
            Ok(mut w) => {
                for d in &dirs {
                    notify::Watcher::watch(&mut w, d, notify::RecursiveMode::Recursive)?;
                }
                return Ok((Some(Box::new(w)), rx));
            }
            Err(e) => eprintln!("change notifications are unavailable ({e}); polling instead"),
        }
    }
    let first = snapshot(&dirs);
    std::thread::Builder::new().name("poll".into()).spawn(move || poll(&dirs, first, &tx))?;
    Ok((None, rx))
}

/// Size and modification time (to the nanosecond) of every file under `dirs`.
type Snapshot = std::collections::HashMap<PathBuf, (u64, Option<std::time::SystemTime>)>;

fn snapshot(dirs: &[PathBuf]) -> Snapshot {
    dirs.iter()
        .filter_map(|d| crate::files::walk(d).ok())
        .flatten()
        .filter_map(|f| std::fs::metadata(&f).ok().map(|m| (f, (m.len(), m.modified().ok()))))
        .collect()
}

/// Looks every [`POLL_EVERY`] for files added, removed or changed, and reports them as one event. Our own
/// comparison, to the nanosecond: a poller comparing whole seconds misses a fix saved within the second
/// of the mistake.
fn poll(dirs: &[PathBuf], mut before: Snapshot, tx: &mpsc::Sender<notify::Result<notify::Event>>) {
    loop {
        std::thread::sleep(POLL_EVERY);
        let now = snapshot(dirs);
        let mut changed: Vec<PathBuf> =
            now.iter().filter(|(p, m)| before.get(*p) != Some(m)).map(|(p, _)| p.clone()).collect();
        changed.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
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

/// Waits for changes, lets them settle, rebuilds, publishes.
fn watch_loop(watch: &Watch, rx: &Events, shared: &Shared) -> Result<()> {
    let mut generation = shared.status.borrow().generation;
    while let Ok(first) = rx.recv() {
        let mut changed = relevant(&first, watch);
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(more) => changed |= relevant(&more, watch),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        let changes = shared.status.borrow().changes + 1;
        if !changed {
            shared.status.send_modify(|s| s.changes = changes);
            continue;
        }
        match build_once(watch) {
            Ok(summary) if summary.reused => shared.status.send_modify(|s| s.changes = changes),
            Ok(summary) => {
                let site = super::app(&watch.out, &super::Options::default())?;
                *shared.site.write().unwrap_or_else(|e| e.into_inner()) = site;
                generation += 1;
                let ok = Status { generation, ok: true, report: String::new(), problems: vec![], changes };
                shared.status.send_replace(ok);
                eprintln!("{summary}; open pages reload");
            }
            Err(e) => {
                generation += 1;
                let s = Status { changes, ..failed(generation, &e) };
                eprintln!("{}\n{}", s.report, keeping(&watch.out));
                shared.status.send_replace(s);
            }
        }
    }
    Ok(())
}

/// Whether an event is an edit worth rebuilding for: not a read, not the output, not an editor's
/// temporary or backup file.
fn relevant(event: &notify::Result<notify::Event>, watch: &Watch) -> bool {
    let Ok(event) = event else { return true };
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return false;
    }
    event
        .paths
        .iter()
        .any(|p| !p.starts_with(&watch.out) && !crate::files::is_scratch(p.strip_prefix(&watch.root).unwrap_or(p)))
}
