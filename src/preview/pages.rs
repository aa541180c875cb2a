//! What the preview serves: the current build (swapped whole after each good rebuild) and
//! `/_/preview/status`, which open pages wait on.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, header};
use serde::Deserialize;
use tower::ServiceExt;

use super::status::Status;

/// Longest a page's status request waits for a new build before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(20);

/// What the preview's pages and its rebuilds share.
pub struct Shared {
    /// The last build's status; waiters wake when it changes.
    pub status: tokio::sync::watch::Sender<Status>,
    /// The host over the current build.
    pub site: RwLock<Router>,
}

impl Shared {
    /// Puts a new build's host in place.
    pub fn swap_site(&self, site: Router) {
        *self.site.write().unwrap_or_else(|e| e.into_inner()) = site;
    }
}

/// The preview's router: the status, and everything else from the current build.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_/preview/status", get(status))
        .fallback(forward)
        .with_state(shared)
        .layer(axum::middleware::map_response(crate::serve::headers::security))
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
