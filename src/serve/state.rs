//! What every request handler of the host shares: the build being served, the scan recorder, the limits.

use std::path::PathBuf;

use super::{client, sessions, site, tally};

/// What every request handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The built website.
    pub dist: PathBuf,
    /// The build being served: code table, files already read, the 404 page.
    pub site: site::Current,
    /// Records scans, when a database is configured.
    pub recorder: Option<crate::store::Recorder>,
    /// Which scans are written down.
    pub tally: tally::Tally,
    /// Requests a second per client.
    pub rates: client::Rates,
    /// Token for `/api/stats`.
    pub stats_token: Option<String>,
    /// Who is signed in to `/dashboard`.
    pub dashboard: sessions::Sessions,
}
