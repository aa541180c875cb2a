//! The host: serves a built website with correct types, ranges, validators, caching and compression,
//! over HTTP or HTTPS, logs one line per request, and shuts down cleanly. [`app`] builds the service so
//! tests can drive it without a socket; [`run`] puts it on the network.

pub mod access_log;
pub mod api;
pub mod body;
pub mod client;
pub mod dashboard;
pub mod headers;
pub mod host;
pub mod lang;
pub mod listen;
pub mod memory;
pub mod not_found;
pub mod path;
pub mod range;
pub mod redirect;
pub mod sessions;
pub mod site;
pub mod stall;
pub mod state;
pub mod tally;
pub mod tls;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};

pub use host::Host;
pub use state::AppState;

/// How the host runs, beyond what it serves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Scan store; `None` disables scan recording.
    pub db: Option<crate::store::Db>,
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
    /// Proxies whose `X-Forwarded-For` / `Forwarded` name the client.
    pub trusted_proxies: Vec<client::Cidr>,
    /// Requests a second one client may make (0: no limit), and how many at once.
    pub client_rate: (u32, u32),
    /// Scans written a second at most, host-wide (0: no ceiling).
    pub max_scans_per_second: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            db: None,
            stats_token: None,
            tls: None,
            log: access_log::Format::default(),
            limits: listen::Limits::default(),
            no_pin: false,
            trusted_proxies: Vec::new(),
            client_rate: (DEFAULT_CLIENT_RATE, DEFAULT_CLIENT_BURST),
            max_scans_per_second: DEFAULT_MAX_SCANS_PER_SECOND,
        }
    }
}

/// Requests a second per client by default: far above what a visitor's browser asks for a tour.
pub const DEFAULT_CLIENT_RATE: u32 = 100;
/// Requests one client may make at once by default (a page and all its tiles and assets).
pub const DEFAULT_CLIENT_BURST: u32 = 400;
/// Scans written a second by default, host-wide: a busy festival day at one site is a few a minute.
pub const DEFAULT_MAX_SCANS_PER_SECOND: u32 = 50;

/// The host for a built website in `dist` (without its request log, which [`run`] adds).
pub fn host(dist: &Path, options: &Options) -> Result<Host> {
    let site = site::Current::load(dist)?;
    let recorder = options.db.as_ref().map(crate::store::Recorder::start).transpose()?;
    let (rate, burst) = options.client_rate;
    let state = Arc::new(AppState {
        dist: dist.to_path_buf(),
        site,
        recorder,
        tally: tally::Tally::new(options.max_scans_per_second),
        rates: client::Rates::new(f64::from(rate), f64::from(burst)),
        stats_token: options.stats_token.clone().filter(|t| !t.is_empty()),
        dashboard: dashboard::Sessions::new(options.tls.is_some()),
    });
    site::watch(Arc::downgrade(&state), |s: &AppState| &s.site);
    // What the host's front door does not answer itself. Placard codes are answered there.
    let router = Router::new()
        .route("/api/stats", get(api::stats))
        .route("/dashboard", get(dashboard::page))
        .route("/dashboard/login", axum::routing::post(dashboard::login))
        .route("/dashboard/logout", axum::routing::post(dashboard::logout))
        .route("/healthz", get(healthz))
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
    let served = serve_on(
        addr,
        &dist.display().to_string(),
        host,
        acceptor,
        &crew,
        options.limits,
        &options.trusted_proxies,
        log.clone(),
    );
    if let Some(log) = log {
        log.finish();
    }
    served
}

/// Serves the router that `make` returns on `addr` until Ctrl-C or SIGTERM, with the host's connection
/// limits; `what` names it in the banner.
pub fn listen(addr: &str, what: &str, make: impl FnOnce() -> Result<Router>) -> Result<()> {
    let crew = listen::Crew::plan(false);
    serve_on(addr, what, listen::RouterService(make()?), None, &crew, listen::Limits::default(), &[], None)
}

#[allow(clippy::too_many_arguments)]
fn serve_on<S: listen::Service>(
    addr: &str,
    what: &str,
    service: S,
    tls: Option<tokio_rustls::TlsAcceptor>,
    crew: &listen::Crew,
    limits: listen::Limits,
    trusted: &[client::Cidr],
    log: Option<access_log::Log>,
) -> Result<()> {
    let addr: SocketAddr = addr.parse().with_context(|| format!("`{addr}` is not an address like 127.0.0.1:8080"))?;
    raise_open_file_limit();
    let listener = listen::bind(addr)?;
    let bound = listener.local_addr().context("cannot read the listening address")?;
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let signals = watch_signals(stop_tx)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!("serving {what} at {scheme}://{bound}/ (Ctrl-C to stop)");
    listen::serve(listener, crew, &service, tls.as_ref(), limits, trusted, log, &stop)?;
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

/// `/healthz`: `200 ok` while the host can do its whole job; `503` with the reason when scans cannot be
/// written (visitors are still redirected meanwhile), so a monitor sees what the visitors do not.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.recorder.as_ref().and_then(crate::store::Recorder::failing) {
        None => "ok\n".into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            format!("scans cannot be written: {reason}\n"),
        )
            .into_response(),
    }
}

/// Files not (yet) known: finds them on disk (never through a symbolic link), redirects directories to
/// their canonical address, and answers them through the one file path for every size.
async fn static_file(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let segments = match path::resolve(req.uri().path()) {
        Ok(s) => s,
        Err(path::Refused::Malformed) => {
            return (StatusCode::BAD_REQUEST, "bad request\n").into_response();
        }
        Err(path::Refused::Forbidden) => return not_found::answer(&state).await,
    };
    let build = state.site.get();
    let mut file = path::join(&state.dist, &segments);
    let (dist, walk) = (state.dist.clone(), segments.clone());
    // A link inside the output could point anywhere (`/proc/self/environ`, the scan database): the
    // output is plain files and folders, and anything else is not found.
    let meta = match tokio::task::spawn_blocking(move || path::metadata_without_links(&dist, &walk)).await {
        Ok(Some(m)) => m,
        _ => return not_found::answer(&state).await,
    };
    // One address per file: `//vi///demo`, `/vi/%64emo/` and `/vi/demo` all move to `/vi/demo/`. Directory
    // addresses end in a slash, so relative links on the page resolve; and a redirect built from the
    // segments can never start with `//` (which a browser would read as another host).
    let canonical = path::canonical(&segments, meta.is_dir());
    if canonical != req.uri().path() {
        let location = format!("{canonical}{}", path::query_suffix(req.uri().query()));
        return match HeaderValue::from_str(&location) {
            Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
            Err(_) => (StatusCode::BAD_REQUEST, "bad request\n").into_response(),
        };
    }
    let meta = if meta.is_dir() {
        file.push("index.html");
        match std::fs::symlink_metadata(&file) {
            Ok(m) if m.is_file() => m,
            _ => return not_found::answer(&state).await,
        }
    } else if meta.is_file() {
        meta
    } else {
        return not_found::answer(&state).await;
    };
    match build.memory.load(req.uri().path(), &file, &meta).await {
        Some(entry) => memory::respond(&entry, req.method(), req.headers()).map(Body::new),
        None => not_found::answer(&state).await,
    }
}
