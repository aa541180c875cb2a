//! The host: serves a built website with correct types, ranges, validators, caching and compression,
//! over HTTP or HTTPS, logs one line per request, and shuts down cleanly. [`app`] builds the service so
//! tests can drive it without a socket; [`run`] puts it on the network.

pub mod access_log;
pub mod api;
pub mod body;
pub mod h1;
pub mod headers;
pub mod host;
pub mod lang;
pub mod listen;
pub mod memory;
pub mod path;
pub mod range;
pub mod redirect;
pub mod stall;
pub mod tls;
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
use http::{HeaderValue, StatusCode, header};
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub use host::Host;

/// How the host runs, beyond what it serves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scan database; `None` disables scan recording.
    pub db: Option<PathBuf>,
    /// Token that `/api/stats` requires; `None` disables the endpoint.
    pub stats_token: Option<String>,
    /// Certificate and key for HTTPS; `None` serves plain HTTP.
    pub tls: Option<tls::Files>,
    /// Request log format.
    pub log: access_log::Format,
    /// Limits on what a client may cost.
    pub limits: listen::Limits,
    /// Lets the worker threads move between cores instead of keeping one on each (for a machine whose
    /// cores other heavy work also uses).
    pub no_pin: bool,
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
    /// Files already read.
    pub memory: memory::Cache,
    /// The 404 page, read once.
    pub not_found_page: bytes::Bytes,
}

/// The host for a built website in `dist` (without its request log, which [`run`] adds).
pub fn host(dist: &Path, options: &Options) -> Result<Host> {
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
    // What the host's front door does not answer itself. Placard codes are answered there.
    let router = Router::new()
        .route("/api/stats", get(api::stats))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(static_file)
        .layer(axum::middleware::from_fn_with_state(state.clone(), lang::to_visitors_language))
        .with_state(state.clone());
    Ok(Host::new(state, router))
}

/// The host as an axum router, for callers that put it behind routes of their own.
pub fn app(dist: &Path, options: &Options) -> Result<Router> {
    Ok(Router::new().fallback_service(host(dist, options)?))
}

/// Serves `dist` on `addr` until Ctrl-C or SIGTERM.
pub fn run(addr: &str, dist: &Path, options: &Options) -> Result<()> {
    let acceptor = options.tls.as_ref().map(tls::acceptor).transpose()?;
    let host = host(dist, options)?.with_log(access_log::Log::start(options.log)).with_hsts(acceptor.is_some());
    let log = host.log().cloned();
    let crew = listen::Crew::plan(!options.no_pin);
    let served = serve_on(addr, &dist.display().to_string(), host, acceptor, &crew, options.limits);
    if let Some(log) = log {
        log.finish();
    }
    served
}

/// Serves the router that `make` returns on `addr` until Ctrl-C or SIGTERM, with the host's connection
/// limits; `what` names it in the banner.
pub fn listen(addr: &str, what: &str, make: impl FnOnce() -> Result<Router>) -> Result<()> {
    let crew = listen::Crew::plan(false);
    serve_on(addr, what, listen::RouterService(make()?), None, &crew, listen::Limits::default())
}

fn serve_on<S, B>(
    addr: &str,
    what: &str,
    service: S,
    tls: Option<tokio_rustls::TlsAcceptor>,
    crew: &listen::Crew,
    limits: listen::Limits,
) -> Result<()>
where
    S: h1::Service<B>,
    B: h1::ResponseBody,
{
    let addr: SocketAddr = addr.parse().with_context(|| format!("`{addr}` is not an address like 127.0.0.1:8080"))?;
    raise_open_file_limit();
    let listener = listen::bind(addr)?;
    let bound = listener.local_addr().context("cannot read the listening address")?;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let signals = watch_signals(stop_tx)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!("serving {what} at {scheme}://{bound}/ (Ctrl-C to stop)");
    listen::serve(listener, crew, &service, tls.as_ref(), limits, &stop)?;
    let _ = signals.join();
    eprintln!("stopped");
    Ok(())
}

/// Lets the host use as many open files as the system allows it (the soft limit, often 1024, is a default
/// for interactive programs; servers raise it to the hard limit), for connections and files kept open.
fn raise_open_file_limit() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let _ = setrlimit(Resource::Nofile, rustix::process::Rlimit { current: limit.maximum, ..limit });
        }
    }
}

/// Waits on its own thread for Ctrl-C or SIGTERM (what systemd sends to stop a service), then turns
/// `stop` true. Returns once the handlers are installed, so a signal sent right after start-up is caught.
fn watch_signals(stop: tokio::sync::watch::Sender<bool>) -> Result<std::thread::JoinHandle<()>> {
    let (ready_tx, ready) = std::sync::mpsc::channel::<Result<(), String>>();
    let thread = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            rt.block_on(async {
                #[cfg(unix)]
                {
                    use tokio::signal::unix::{SignalKind, signal};
                    let (mut term, mut int) = match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
                        (Ok(t), Ok(i)) => (t, i),
                        (Err(e), _) | (_, Err(e)) => {
                            let _ = ready_tx.send(Err(e.to_string()));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                }
                #[cfg(not(unix))]
                {
                    let _ = ready_tx.send(Ok(()));
                    let _ = tokio::signal::ctrl_c().await;
                }
            });
            let _ = stop.send(true);
        })
        .context("cannot start the signal handler")?;
    match ready.recv() {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(e)) => Err(anyhow::anyhow!("cannot install the signal handlers: {e}")),
        Err(_) => Err(anyhow::anyhow!("the signal handler stopped")),
    }
}

/// Files not (yet) in memory: finds them on disk, redirects directories to their canonical address, loads
/// what fits into memory, and streams the rest.
async fn static_file(State(state): State<Arc<AppState>>, req: Request) -> Response {
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
    // One address per file: `//vi///demo`, `/vi/%64emo/` and `/vi/demo` all move to `/vi/demo/`. Directory
    // addresses end in a slash, so relative links on the page resolve; and a redirect built from the
    // segments can never start with `//` (which a browser would read as another host).
    let canonical = path::canonical(&segments, meta.is_dir());
    if canonical != req.uri().path() {
        let location = match req.uri().query() {
            Some(q) => format!("{canonical}?{q}"),
            None => canonical,
        };
        return match HeaderValue::from_str(&location) {
            Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
            Err(_) => (StatusCode::BAD_REQUEST, "bad request\n").into_response(),
        };
    }
    if meta.is_dir() {
        file.push("index.html");
    }
    let meta = match tokio::fs::metadata(&file).await {
        Ok(m) if m.is_file() => m,
        _ => return not_found(&state).await,
    };
    let loaded = state.memory.load(req.uri().path(), &file, &meta).await;
    if let Some(entry) = loaded {
        return memory::respond(&entry, req.method(), req.headers()).map(Body::new);
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
    headers::varies_by_encoding(res.headers_mut());
    res
}

/// The friendly 404 page, for the router's handlers.
pub(crate) async fn not_found(state: &AppState) -> Response {
    host::not_found(state).map(Body::new)
}
