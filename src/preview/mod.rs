//! `disan serve --watch`: the editors' live preview, a stage of its own on top of the build and the host.
//!
//! [`run`] builds (in preview mode), serves the output, and rebuilds whenever a file under `sites/` or
//! `content/` changes, after the changes have settled. Changes come from the system's notifications
//! ([`watcher`]) or, with `--poll`, from looking at the files every 0.7 s ([`poller`]); either way they
//! arrive on one channel as [`Change`]s. [`rebuild`] turns settled changes into builds and publishes each
//! result as a [`status::Status`]; [`pages`] serves the current build and the status that open pages wait
//! on, so they reload only after a good rebuild and show the report of a failed one.

pub mod pages;
pub mod poller;
pub mod rebuild;
pub mod run;
pub mod status;
pub mod watcher;

use std::path::PathBuf;

pub use run::run;

/// What a watcher or the poller saw change: files, or that watching itself failed.
pub type Change = notify::Result<notify::Event>;

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
