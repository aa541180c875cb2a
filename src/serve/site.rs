//! The build being served, and picking up a new one. `disan build` under a running host swaps a new
//! `dist/` in whole; the host looks at the build id in `dist/_/build-id.txt` every second, and when it
//! changes, loads the new code table and starts empty caches for the new build, all in one swap: a request
//! sees either the old build or the new one, never a page from one with the code table of the other.
//! Pages already open in browsers keep loading their tiles because a build keeps the previous build's
//! fingerprinted media for a while (see `build::carry_over`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use bytes::Bytes;

use super::{memory, redirect};
use crate::build::STAMP;
use crate::build::links::{UNKNOWN_CODE_MARK, unknown_code_page};

/// How often the host looks for a new build.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// One build as the host serves it.
#[derive(Debug)]
pub struct Build {
    /// The build id (empty for an output without one).
    pub id: String,
    /// Placard codes and where they lead.
    pub links: redirect::Links,
    /// Files already read.
    pub memory: memory::Cache,
    /// The 404 page, read once.
    pub not_found_page: Bytes,
    /// The page for a code nobody printed, per language, split where the code goes (absent in an output
    /// from before these pages existed).
    pub unknown_code: std::collections::HashMap<String, (String, String)>,
}

impl Build {
    fn load(dist: &Path, id: String) -> anyhow::Result<Build> {
        let links = redirect::Links::load(dist)?;
        let unknown_code = unknown_code_pages(dist, &links.languages);
        Ok(Build {
            id,
            links,
            memory: memory::Cache::default(),
            not_found_page: std::fs::read(dist.join("404.html"))
                .unwrap_or_else(|_| b"<!doctype html><title>404</title><p>Not found</p>".to_vec())
                .into(),
            unknown_code,
        })
    }
}

/// The unknown-code pages of an output, each cut in two at the code's place (after the heading, so a
/// collection title that happens to hold the marker cannot move it).
fn unknown_code_pages(dist: &Path, languages: &[String]) -> std::collections::HashMap<String, (String, String)> {
    languages
        .iter()
        .filter_map(|lang| {
            let page = std::fs::read_to_string(dist.join(unknown_code_page(lang))).ok()?;
            let h1 = page.find("<h1")?;
            let at = h1 + page[h1..].find(UNKNOWN_CODE_MARK)?;
            let (before, after) = page.split_at(at);
            Some((lang.clone(), (before.to_string(), after[UNKNOWN_CODE_MARK.len()..].to_string())))
        })
        .collect()
}

/// The build being served, replaced whole when a new one appears.
#[derive(Debug)]
pub struct Current {
    dist: PathBuf,
    build: RwLock<Arc<Build>>,
    /// The id of a new build that could not be loaded, so it is reported once, not every second.
    refused: std::sync::Mutex<String>,
}

/// The build id in `dist`, if it holds a build.
pub fn read_id(dist: &Path) -> Option<String> {
    std::fs::read_to_string(dist.join(STAMP)).ok().map(|s| s.trim().to_string())
}

impl Current {
    /// The build in `dist` now; an error naming the file when its code table is missing or corrupt.
    pub fn load(dist: &Path) -> anyhow::Result<Current> {
        let id = read_id(dist).unwrap_or_default();
        Ok(Current {
            dist: dist.to_path_buf(),
            build: RwLock::new(Arc::new(Build::load(dist, id)?)),
            refused: Default::default(),
        })
    }

    /// The build to answer a request from.
    pub fn get(&self) -> Arc<Build> {
        match self.build.read() {
            Ok(b) => b.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Swaps in the build now in `dist` if its id changed; true when it did. An output being swapped (no
    /// id for a moment) leaves the current build in place, and so does one whose code table cannot be
    /// read (said once on standard error: the host keeps answering placards from the build it has).
    pub fn refresh(&self) -> bool {
        let Some(id) = read_id(&self.dist) else { return false };
        if id == self.get().id {
            return false;
        }
        let next = match Build::load(&self.dist, id.clone()) {
            Ok(b) => Arc::new(b),
            Err(e) => {
                let mut refused = self.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if *refused != id {
                    eprintln!("the new build is not served, the previous one stays: {e:#}");
                    *refused = id;
                }
                return false;
            }
        };
        match self.build.write() {
            Ok(mut b) => *b = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        true
    }
}

/// Looks for a new build every second on a thread of its own, for as long as the host's state lives
/// (`current` finds the served build inside it).
pub fn watch<S: Send + Sync + 'static>(state: Weak<S>, current: fn(&S) -> &Current) {
    let started = std::thread::Builder::new().name("build-watch".into()).spawn(move || {
        loop {
            std::thread::sleep(LOOK_EVERY);
            let Some(state) = state.upgrade() else { return };
            let current = current(&state);
            if current.refresh() {
                eprintln!("serving the new build {}", current.get().id);
            }
        }
    });
    if let Err(e) = started {
        eprintln!("new builds will not be picked up until a restart: cannot start the watcher thread: {e}");
    }
}
