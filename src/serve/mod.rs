//! The host: serves a built website with correct types, ranges, validators, caching and compression,
//! and shuts down cleanly. `app` builds the router so tests can drive it without a socket.

pub mod api;
pub mod headers;
pub mod memory;
pub mod path;
pub mod range;
pub mod redirect;
pub mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, Method, StatusCode, header};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// How the host runs, beyond what it serves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scan database; `None` disables scan recording.
    pub db: Option<PathBuf>,
    /// Token that `/api/stats` requires; `None` disables the endpoint.
    pub stats_token: Option<String>,
}

/// What every request handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The built website.
    pub dist: PathBuf,
    /// Placard codes and where they lead.
    pub links: redirect::Links,
    /// Records scans, when a database is configured.
    pub recorder: Option<crate::store::Recorder>,
    /// Token for `/api/stats`.
    pub stats_token: Option<String>,
    /// Small files already read.
    pub memory: memory::Cache,
    /// The 404 page, read once.
    pub not_found_page: bytes::Bytes,
}

/// The router for a built website in `dist`.
pub fn app(dist: &Path, options: &Options) -> Result<Router> {
    let recorder = options.db.as_deref().map(crate::store::Recorder::start).transpose()?;
    let state = Arc::new(AppState {
        dist: dist.to_path_buf(),
        links: redirect::Links::load(dist),
        recorder,
        stats_token: options.stats_token.clone().filter(|t| !t.is_empty()),
        memory: memory::Cache::default(),
        not_found_page: std::fs::read(dist.join("404.html"))
            .unwrap_or_else(|_| b"<!doctype html><title>404</title><p>Not found</p>".to_vec())
            .into(),
    });
    Ok(Router::new()
        .route("/api/stats", get(api::stats))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/q/{code}", get(redirect::placard))
        .route("/Q/{code}", get(redirect::placard))
        .fallback(static_file)
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(axum::middleware::map_response(headers::security)))
}

/// Longest a request may take; a slow client cannot hold a connection's handler forever.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves `dist` on `addr` until Ctrl-C or SIGTERM.
pub fn run(addr: &str, dist: &Path, options: &Options) -> Result<()> {
    listen(addr, &dist.display().to_string(), || app(dist, options))
}

/// Serves the router that `make` returns on `addr` until Ctrl-C or SIGTERM; `what` names it in the banner.
pub(crate) fn listen(addr: &str, what: &str, make: impl FnOnce() -> Result<Router>) -> Result<()> {
    let addr: SocketAddr = addr.parse().with_context(|| format!("`{addr}` is not an address like 127.0.0.1:8080"))?;
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr().context("cannot read the listening address")?;
        // Without TCP_NODELAY a streamed file body meets delayed ACKs and every response stalls ~40 ms.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        eprintln!("serving {what} at http://{bound}/ (Ctrl-C to stop)");
        axum::serve(listener, make()?)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("the server stopped with an error")?;
        eprintln!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn static_file(State(state): State<Arc<AppState>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = (StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n").into_response();
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if let Some(entry) = state.memory.get(req.uri().path())
        && let Some(r) = memory::respond(&entry, req.method(), req.headers(), req.uri().path())
    {
        return r;
    }
    let segments = match path::resolve(req.uri().path()) {
        Ok(s) => s,
        Err(path::Refused::Malformed) => {
            return (StatusCode::BAD_REQUEST, "bad request\n").into_response();
        }
        Err(path::Refused::Forbidden) => return not_found(&state).await,
    };
    let mut file = path::join(&state.dist, &segments);
    let meta = match tokio::fs::metadata(&file).await {
        Ok(m) => m,
        Err(_) => return not_found(&state).await,
    };
    if meta.is_dir() {
        if !req.uri().path().ends_with('/') {
            // Canonical directory addresses end in a slash, so relative links on the page resolve.
            let mut location = format!("{}/", req.uri().path());
            if let Some(q) = req.uri().query() {
                location = format!("{location}?{q}");
            }
            return match HeaderValue::from_str(&location) {
                Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
                Err(_) => (StatusCode::BAD_REQUEST, "bad request\n").into_response(),
            };
        }
        file.push("index.html");
    }
    let meta = match tokio::fs::metadata(&file).await {
        Ok(m) if m.is_file() => m,
        _ => return not_found(&state).await,
    };
    // Only canonical addresses are cached, so variants like `//vi///demo/` cannot fill the memory budget.
    let canonical = {
        let joined = format!("/{}", segments.join("/"));
        if req.uri().path().ends_with('/') && !segments.is_empty() { format!("{joined}/") } else { joined }
    };
    let cacheable = canonical == req.uri().path();
    let loaded = if cacheable { state.memory.load(&canonical, &file, &meta).await } else { None };
    if let Some(entry) = loaded
        && let Some(r) = memory::respond(&entry, req.method(), req.headers(), req.uri().path())
    {
        return r;
    }
    let etag = headers::etag(&meta);
    if headers::not_modified(req.headers(), &etag) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        headers::caching(r.headers_mut(), req.uri().path(), &etag, None);
        return r;
    }
    let mime = mime_guess::from_path(&file).first_raw().unwrap_or("application/octet-stream");
    if let Some(mut r) = range::respond(&file, &meta, req.headers(), mime).await {
        headers::caching(r.headers_mut(), req.uri().path(), &etag, None);
        return r;
    }
    let uri_path = req.uri().path().to_owned();
    let res = ServeFile::new(&file).precompressed_br().precompressed_gzip().oneshot(req).await;
    let mut res = match res {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return not_found(&state).await;
    }
    let encoding = res.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).map(str::to_owned);
    headers::caching(res.headers_mut(), &uri_path, &etag, encoding.as_deref());
    res
}

pub(crate) async fn not_found(state: &AppState) -> Response {
    let mut r = (StatusCode::NOT_FOUND, state.not_found_page.clone()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
