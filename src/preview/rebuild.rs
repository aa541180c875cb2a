//! Settled changes → a preview build → a published status. Unchanged panoramas are not re-tiled: the
//! build's media cache is keyed by content.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::Result;

use super::pages::Shared;
use super::status::Status;
use super::{Change, Watch};
use crate::build::{self, Summary};

/// Changes closer together than this are one edit (editors save several files, or write one twice).
const QUIET: Duration = Duration::from_millis(250);

/// One preview build of the collection.
pub fn build_once(watch: &Watch) -> Result<Summary> {
    build::build_with(&watch.root, &watch.out, build::Options { preview: true })
}

/// What the terminal adds under a failed build's report.
pub fn keeping(out: &Path) -> String {
    if out.join("index.html").is_file() {
        format!("keeping the last good build in {}; fix the file and save it again", out.display())
    } else {
        "nothing has been built yet; fix the file and save it again".into()
    }
}

/// Waits for changes, lets them settle, rebuilds, publishes; returns when the changes stop coming.
pub fn rebuild_on_change(watch: &Watch, rx: &Receiver<Change>, shared: &Shared) -> Result<()> {
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
                shared.swap_site(crate::serve::app(&watch.out, &crate::serve::Options::default())?);
                generation += 1;
                shared.status.send_replace(Status::good(generation, changes));
                eprintln!("{summary}; open pages reload");
            }
            Err(e) => {
                generation += 1;
                let s = Status::failed(generation, changes, &e);
                eprintln!("{}\n{}", s.report, keeping(&watch.out));
                shared.status.send_replace(s);
            }
        }
    }
    Ok(())
}

/// Whether a change is an edit worth rebuilding for: not a read, not the output, not an editor's
/// temporary or backup file.
fn relevant(change: &Change, watch: &Watch) -> bool {
    let Ok(event) = change else { return true };
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return false;
    }
    event
        .paths
        .iter()
        .any(|p| !p.starts_with(&watch.out) && !crate::files::is_scratch(p.strip_prefix(&watch.root).unwrap_or(p)))
}
