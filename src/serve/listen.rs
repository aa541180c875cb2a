//! Connections: binds the address, accepts TCP (and TLS when configured), and hands each connection to
//! hyper — HTTP/1.1 on plain TCP, HTTP/2 or HTTP/1.1 over TLS as ALPN chose — with the limits that keep
//! hostile or broken clients from holding the host: a header-read deadline, a write-stall deadline, a cap
//! on open connections in all and per client address, and idle connections closed first near the cap.
//!
//! One single-threaded runtime per core serves the connections it is given: a request is read, answered and
//! written on one thread, with no hand-offs between threads. One acceptor deals new connections to the
//! workers. Where the system allows it, each worker stays on one core and is dealt the connections whose
//! packets that core receives (the socket's `SO_INCOMING_CPU`), so a connection's network processing and its
//! requests share one core's caches, and a client on the same machine trades requests with the worker beside
//! it instead of one on the far core. Locality yields to balance: a worker holding more connections than the
//! least busy one (by a margin) is passed over, so a network card that hands every packet to one core still
//! spreads the connections over all of them.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;

use super::access_log::Log;
use super::client::{Cidr, ClientAddr, Connections};
use super::stall::{Lingering, Stall};

/// What a client may cost the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest a client may hold a connection without doing its part: sending a request's complete
    /// headers (counted from when the host starts waiting for them — so trickled headers, slowloris, and
    /// idle kept-alive connections are dropped), or taking the response the host is writing (slow readers).
    /// HTTP/2 connections are pinged this often when quiet, and closed when a ping goes unanswered as long.
    pub client_timeout: Duration,
    /// Largest request head (request line and headers) on HTTP/1.1, and largest header list on HTTP/2;
    /// larger gets `431`. At most 100 headers on HTTP/1.1, also `431`.
    pub max_head_bytes: usize,
    /// Open connections at most; beyond, new ones wait in the kernel's queue until one closes. From nine
    /// tenths of this on, idle kept-alive connections are closed to make room.
    pub max_connections: usize,
    /// Open connections one client address may hold; more are closed at once (trusted proxies are exempt).
    pub per_client: usize,
    /// Requests one HTTP/2 connection may have open at once.
    pub h2_streams: u32,
    /// Longest a TLS handshake may take.
    pub handshake_timeout: Duration,
    /// How long a stopping host lets requests in flight finish.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            client_timeout: Duration::from_secs(20),
            max_head_bytes: 16 * 1024,
            max_connections: 10_000,
            per_client: 64,
            // A tour's first view asks for about thirty files at once; each stream streaming a large file
            // holds one chunk, so this also bounds what one HTTP/2 connection can make the host hold.
            h2_streams: 32,
            handshake_timeout: Duration::from_secs(10),
            grace: Duration::from_secs(10),
        }
    }
}

/// Most headers an HTTP/1.1 request may carry; more gets `431`.
pub const MAX_HEADERS: usize = 100;

/// The listening socket for `addr`; fails when another program, or another host, has the port.
pub fn bind(addr: SocketAddr) -> Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let listen = || -> std::io::Result<std::net::TcpListener> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        // Lets a restarted host listen again while its old connections linger in TIME_WAIT.
        socket.set_reuse_address(true)?;
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        socket.listen(4096)?;
        Ok(socket.into())
    };
    listen().with_context(|| format!("cannot listen on {addr}"))
}

/// What answers requests on a connection: hyper's service shape, cloneable per connection.
pub trait Service:
    hyper::service::Service<
        Request<Incoming>,
        Response = Response<Self::Body>,
        Error = Infallible,
        Future: Send + Unpin + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The response body.
    type Body: Body<Data = bytes::Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>> + Send + Unpin + 'static;
}

impl<S, B> Service for S
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + Unpin + 'static,
    B: Body<Data = bytes::Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>> + Send + Unpin + 'static,
{
    type Body = B;
}

/// An axum router on a connection (the live preview puts its own routes in front of the host).
#[derive(Clone, Debug)]
pub struct RouterService(pub axum::Router);

impl hyper::service::Service<Request<Incoming>> for RouterService {
    type Response = Response<axum::body::Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<axum::body::Body>, Infallible>> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        Box::pin(tower::ServiceExt::oneshot(self.0.clone(), req.map(axum::body::Body::new)))
    }
}

/// A connection on its way from the acceptor to a worker, with its place under the connection cap, in
/// its client's count and in its worker's count; all are given up when the connection ends.
struct Accepted {
    tcp: std::net::TcpStream,
    peer: IpAddr,
    held: (OwnedSemaphorePermit, Open, super::client::Held),
}

/// The worker threads: how many, and the core each stays on (when pinned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crew {
    cores: Vec<Option<usize>>,
}

impl Crew {
    /// A worker per core this process may use; with `pin`, each kept on its own core (when the process may
    /// run on exactly as many cores as it has workers — not under a CPU quota smaller than its core set).
    pub fn plan(pin: bool) -> Crew {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 64);
        let allowed = allowed_cores();
        match allowed {
            Some(cores) if pin && cores.len() == workers => Crew { cores: cores.into_iter().map(Some).collect() },
            _ => Crew::unpinned(workers),
        }
    }

    /// `workers` threads that run wherever the system puts them.
    pub fn unpinned(workers: usize) -> Crew {
        Crew { cores: vec![None; workers.max(1)] }
    }

    /// Whether the workers stay on their cores.
    pub fn pinned(&self) -> bool {
        self.cores.iter().all(Option::is_some)
    }

    fn len(&self) -> usize {
        self.cores.len()
    }
}

/// The cores this process may run on.
fn allowed_cores() -> Option<Vec<usize>> {
    #[cfg(target_os = "linux")]
    {
        let set = rustix::thread::sched_getaffinity(None).ok()?;
        Some((0..rustix::thread::CpuSet::MAX_CPU).filter(|&c| set.is_set(c)).collect())
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Keeps the calling thread on `core`; a refusal (a container that forbids it) leaves it free to move.
fn stay_on(core: usize) {
    #[cfg(target_os = "linux")]
    {
        let mut set = rustix::thread::CpuSet::new();
        set.set(core);
        let _ = rustix::thread::sched_setaffinity(None, &set);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = core;
}

/// The core that received the connection's packets, when the system says.
fn incoming_core(tcp: &TcpStream) -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        socket2::SockRef::from(tcp).cpu_affinity().ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = tcp;
        None
    }
}

/// Chooses the worker for each new connection and counts what each holds.
#[derive(Debug)]
struct Dealer {
    /// Open connections per worker.
    live: Arc<[AtomicUsize]>,
    /// Core number → the worker pinned to it.
    by_core: Vec<Option<usize>>,
    /// Where the search for the least busy worker starts next (so ties take turns).
    turn: usize,
}

impl Dealer {
    fn new(crew: &Crew) -> Dealer {
        let live: Arc<[AtomicUsize]> = (0..crew.len()).map(|_| AtomicUsize::new(0)).collect();
        let mut by_core = Vec::new();
        for (worker, core) in crew.cores.iter().enumerate() {
            if let Some(core) = *core {
                if by_core.len() <= core {
                    by_core.resize(core + 1, None);
                }
                by_core[core] = Some(worker);
            }
        }
        Dealer { live, by_core, turn: 0 }
    }

    /// The worker for a connection whose packets arrive on `core`: the one on that core, unless it is ahead
    /// of the least busy worker by more than 8 connections plus an eighth of what that one holds — then
    /// the least busy.
    fn choose(&mut self, core: Option<usize>) -> usize {
        let loads: Vec<usize> = self.live.iter().map(|n| n.load(Ordering::Relaxed)).collect();
        let n = loads.len();
        let least = (0..n).map(|i| (self.turn + i) % n).min_by_key(|&w| loads[w]).unwrap_or(0);
        let near = core.and_then(|c| self.by_core.get(c).copied().flatten());
        let chosen = match near {
            Some(w) if loads[w] <= loads[least] + 8 + loads[least] / 8 => w,
            _ => {
                self.turn = (least + 1) % n.max(1);
                least
            }
        };
        self.live[chosen].fetch_add(1, Ordering::Relaxed);
        chosen
    }
}

/// Counts a connection as open on its worker until dropped.
struct Open(Arc<[AtomicUsize]>, usize);

impl Drop for Open {
    fn drop(&mut self) {
        self.0[self.1].fetch_sub(1, Ordering::Relaxed);
    }
}

/// What the workers share besides the service.
struct Shared {
    limits: Limits,
    tls: Option<TlsAcceptor>,
    /// Plain TCP and TLS without `h2`: HTTP/1.1 only (no guessing from the first bytes).
    h1: auto::Builder<TokioExecutor>,
    /// TLS with ALPN `h2`.
    h2: auto::Builder<TokioExecutor>,
    trusted: Arc<[Cidr]>,
    log: Option<Log>,
}

/// hyper's connection builders with every limit set explicitly.
fn builders(limits: &Limits) -> (auto::Builder<TokioExecutor>, auto::Builder<TokioExecutor>) {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .timer(TokioTimer::new())
        // Runs from when the host starts waiting for a request head, so it also ends idle keep-alive.
        .header_read_timeout(limits.client_timeout)
        .keep_alive(true)
        .max_headers(MAX_HEADERS)
        // The read buffer bounds the request head (beyond it: 431); the write buffer bounds what waits for
        // a slow reader besides the body chunk being sent.
        .max_buf_size(limits.max_head_bytes.max(8192));
    b.http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.h2_streams)
        .max_header_list_size(limits.max_head_bytes as u32)
        .keep_alive_interval(limits.client_timeout)
        .keep_alive_timeout(limits.client_timeout)
        // Streams a client opens and resets at once cost the host work for nothing (the "rapid reset"
        // attack): hyper's defaults bound them; what waits to be sent per stream is bounded too.
        .max_pending_accept_reset_streams(Some(20))
        .max_send_buf_size(super::body::CHUNK as usize)
        .initial_stream_window_size(256 * 1024)
        .initial_connection_window_size(1024 * 1024);
    (b.clone().http1_only(), b.http2_only())
}

/// Serves connections from `listener` on the `crew`'s threads until `stop` turns true; then lets requests
/// in flight finish (up to the grace period) and returns. Accepts on the calling thread. Requests that
/// hyper refuses before they reach `service` (malformed, too large) are written to `log`.
#[allow(clippy::too_many_arguments)]
pub fn serve<S: Service>(
    listener: std::net::TcpListener,
    crew: &Crew,
    service: &S,
    tls: Option<&TlsAcceptor>,
    limits: Limits,
    trusted: &[Cidr],
    log: Option<Log>,
    stop: &watch::Receiver<bool>,
) -> Result<()> {
    // File reads run on each worker's blocking threads; a few per worker keep the disk busy, and bound how
    // many chunks are being read at once however many clients wait for large files.
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(16)
            .build()
            .context("cannot start the async runtime")
    };
    let dealer = Dealer::new(crew);
    let (h1, h2) = builders(&limits);
    let shared = Arc::new(Shared { limits, tls: tls.cloned(), h1, h2, trusted: trusted.into(), log });
    let (sweep_tx, sweep) = watch::channel(0u64);
    let mut queues = Vec::new();
    let mut threads = Vec::new();
    for (i, core) in crew.cores.iter().copied().enumerate() {
        let (queue, arrivals) = mpsc::unbounded_channel::<Accepted>();
        let (service, shared, stop, sweep) = (service.clone(), shared.clone(), stop.clone(), sweep.clone());
        let rt = runtime()?;
        let thread = std::thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || {
                if let Some(core) = core {
                    stay_on(core);
                }
                rt.block_on(worker(arrivals, service, shared, stop, sweep));
                rt.shutdown_timeout(Duration::from_secs(1));
            })
            .context("cannot start a server thread")?;
        queues.push(queue);
        threads.push(thread);
    }
    let connections = Connections::new(limits.per_client, trusted);
    let accepted =
        runtime()?.block_on(accept_loop(listener, queues, dealer, connections, limits, sweep_tx, stop.clone()));
    for t in threads {
        t.join().map_err(|_| anyhow::anyhow!("a server thread failed"))?;
    }
    accepted
}

/// Accepts connections and deals them to the workers, until `stop`. Dropping `queues` at the end tells the
/// workers that no more will come.
async fn accept_loop(
    listener: std::net::TcpListener,
    queues: Vec<mpsc::UnboundedSender<Accepted>>,
    mut dealer: Dealer,
    connections: Arc<Connections>,
    limits: Limits,
    sweep: watch::Sender<u64>,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let listener = TcpListener::from_std(listener).context("cannot register the listening socket")?;
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    // From here on, idle connections are asked to close.
    let crowded = limits.max_connections - limits.max_connections / 10;
    let mut last_sweep = Instant::now() - Duration::from_secs(1);
    let mut failures = 0u32;
    let mut turned_away = Refusals::default();
    loop {
        if limits.max_connections - slots.available_permits() >= crowded && last_sweep.elapsed() >= SWEEP_EVERY {
            last_sweep = Instant::now();
            sweep.send_modify(|n| *n += 1);
        }
        // At the connection cap, stop accepting: new clients wait in the kernel's queue, not in memory.
        let slot = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => break,
            accepted = listener.accept() => accepted,
        };
        let (tcp, peer) = match accepted {
            Ok((tcp, peer)) => {
                failures = 0;
                (tcp, peer.ip())
            }
            Err(e) => {
                // Out of file descriptors or memory: wait for connections to end rather than spin.
                failures = failures.saturating_add(1);
                if failures == 1 || failures.is_power_of_two() {
                    eprintln!("cannot accept a connection ({e}); retrying");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // One address holding more than its share is turned away at once (the socket closes here).
        let Some(client) = connections.admit(peer) else {
            turned_away.count();
            continue;
        };
        // Without TCP_NODELAY a response split over two writes meets delayed ACKs and stalls ~40 ms.
        let _ = tcp.set_nodelay(true);
        let worker = dealer.choose(incoming_core(&tcp));
        let open = Open(dealer.live.clone(), worker);
        // Leaves this thread's event loop (still non-blocking) to join the worker's.
        let Ok(tcp) = tcp.into_std() else { continue };
        if queues[worker].send(Accepted { tcp, peer, held: (slot, open, client) }).is_err() {
            anyhow::bail!("a server thread stopped");
        }
    }
    Ok(())
}

/// How often, at most, idle connections are asked to close while the host is crowded.
const SWEEP_EVERY: Duration = Duration::from_millis(200);

/// Connections turned away for their client's limit, reported once a minute at most (never the address).
#[derive(Default)]
struct Refusals {
    since_report: u64,
    reported: Option<Instant>,
}

impl Refusals {
    fn count(&mut self) {
        self.since_report += 1;
        if self.reported.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
            eprintln!(
                "turned away {} connection(s) from clients over their limit of open connections",
                self.since_report
            );
            self.since_report = 0;
            self.reported = Some(Instant::now());
        }
    }
}

/// Serves the connections the acceptor deals to this thread (over TLS when configured); once it stops
/// dealing, waits (up to the grace period) for them to end.
async fn worker<S: Service>(
    mut arrivals: mpsc::UnboundedReceiver<Accepted>,
    service: S,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
    sweep: watch::Receiver<u64>,
) {
    // Every connection holds a sender; when all are dropped, every connection has ended.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    while let Some(Accepted { tcp, peer, held }) = arrivals.recv().await {
        let Ok(tcp) = TcpStream::from_std(tcp) else { continue };
        let tcp = Stall::new(Lingering::new(tcp), shared.limits.client_timeout);
        let (service, shared, stop, sweep, alive) =
            (service.clone(), shared.clone(), stop.clone(), sweep.clone(), alive.clone());
        tokio::spawn(async move {
            match &shared.tls {
                None => connection(tcp, false, peer, service, &shared, stop, sweep).await,
                Some(acceptor) => {
                    // A failed or stalled handshake is the client's business (scanners make many): not logged.
                    let handshake = tokio::time::timeout(shared.limits.handshake_timeout, acceptor.accept(tcp)).await;
                    if let Ok(Ok(stream)) = handshake {
                        let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
                        connection(stream, h2, peer, service, &shared, stop, sweep).await;
                    }
                }
            }
            drop((alive, held));
        });
    }
    drop(alive);
    let _ = tokio::time::timeout(shared.limits.grace, all_done.recv()).await;
}

/// Serves one connection with hyper until either side ends it; a stopping host, or a crowded one while
/// this connection has no request open, asks it to finish gracefully (an idle HTTP/1.1 connection closes
/// at once, HTTP/2 sends GOAWAY).
async fn connection<T, S>(
    io: T,
    h2: bool,
    peer: IpAddr,
    service: S,
    shared: &Shared,
    mut stop: watch::Receiver<bool>,
    mut sweep: watch::Receiver<u64>,
) where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: Service,
{
    let busy = Arc::new(Activity::default());
    let service = PerConnection { inner: service, peer, trusted: shared.trusted.clone(), busy: busy.clone() };
    let builder = if h2 { &shared.h2 } else { &shared.h1 };
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    let mut finishing = false;
    let served = loop {
        tokio::select! {
            served = conn.as_mut() => break served,
            _ = stop.wait_for(|s| *s), if !finishing => {
                finishing = true;
                conn.as_mut().graceful_shutdown();
            }
            changed = sweep.changed(), if !finishing => {
                if changed.is_err() || busy.idle_for() >= IDLE_FIRST {
                    finishing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    };
    if let (Err(e), Some(log)) = (served, &shared.log)
        && let Some(status) = refusal(&*e)
    {
        log.refused(status);
    }
}

/// How long a connection must have been without a request before a crowded host closes it (a new
/// connection's first request is on its way).
const IDLE_FIRST: Duration = Duration::from_secs(2);

/// A connection's requests open now, and since when it has had none.
#[derive(Debug)]
struct Activity {
    open: AtomicUsize,
    /// Milliseconds since [`epoch`] when the last request finished (or the connection opened).
    since: std::sync::atomic::AtomicU64,
}

/// A fixed instant to count milliseconds from.
fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    epoch().elapsed().as_millis() as u64
}

impl Default for Activity {
    fn default() -> Activity {
        Activity { open: AtomicUsize::new(0), since: std::sync::atomic::AtomicU64::new(now_ms()) }
    }
}

impl Activity {
    /// How long the connection has had no request open (zero while one is).
    fn idle_for(&self) -> Duration {
        if self.open.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(now_ms().saturating_sub(self.since.load(Ordering::Relaxed)))
    }
}

/// The status hyper answered a request it refused before the service saw it, if that is what ended the
/// connection (timeouts and resets are not requests).
fn refusal(e: &(dyn std::error::Error + 'static)) -> Option<u16> {
    let mut source = Some(e);
    while let Some(e) = source {
        if let Some(e) = e.downcast_ref::<hyper::Error>() {
            if e.is_parse_too_large() {
                return Some(431);
            }
            if e.is_parse() {
                return Some(if e.to_string().contains("URI too long") { 414 } else { 400 });
            }
            return None;
        }
        source = e.source();
    }
    None
}

/// The service as one connection sees it: each request carries its client's address, and the connection
/// counts its requests open (until their response bodies are done) so a crowded host closes idle ones.
#[derive(Clone)]
struct PerConnection<S> {
    inner: S,
    peer: IpAddr,
    trusted: Arc<[Cidr]>,
    busy: Arc<Activity>,
}

impl<S: Service> hyper::service::Service<Request<Incoming>> for PerConnection<S> {
    type Response = Response<Counted<S::Body>>;
    type Error = Infallible;
    type Future = Counting<S::Future>;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        let client = super::client::client_of(self.peer, req.headers(), &self.trusted);
        req.extensions_mut().insert(ClientAddr(client));
        self.busy.open.fetch_add(1, Ordering::Relaxed);
        Counting { fut: self.inner.call(req), busy: Some(Busy(self.busy.clone())) }
    }
}

/// One open request on a connection, until dropped.
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.since.store(now_ms(), Ordering::Relaxed);
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The service's future, handing the request's count to the response body.
#[doc(hidden)]
pub struct Counting<F> {
    fut: F,
    busy: Option<Busy>,
}

impl<F, B> Future for Counting<F>
where
    F: Future<Output = Result<Response<B>, Infallible>> + Unpin,
{
    type Output = Result<Response<Counted<B>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Ok(res) = std::task::ready!(Pin::new(&mut this.fut).poll(cx));
        let busy = this.busy.take();
        Poll::Ready(Ok(res.map(|body| Counted { body, _busy: busy })))
    }
}

/// A response body that keeps its request counted as open until it is done.
#[doc(hidden)]
pub struct Counted<B> {
    body: B,
    _busy: Option<Busy>,
}

impl<B: Body + Unpin> Body for Counted<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned_to(cores: &[usize]) -> Crew {
        Crew { cores: cores.iter().copied().map(Some).collect() }
    }

    fn loads(d: &Dealer) -> Vec<usize> {
        d.live.iter().map(|n| n.load(Ordering::Relaxed)).collect()
    }

    #[test]
    fn connections_go_to_the_worker_on_their_core() {
        // Workers on cores 2 and 5 (the process may use just those).
        let mut d = Dealer::new(&pinned_to(&[2, 5]));
        for _ in 0..20 {
            assert_eq!(d.choose(Some(5)), 1);
            assert_eq!(d.choose(Some(2)), 0);
        }
        assert_eq!(loads(&d), [20, 20]);
    }

    #[test]
    fn one_busy_core_does_not_take_every_connection() {
        // A network card that hands all packets to core 0: locality gives way once worker 0 is well ahead.
        let mut d = Dealer::new(&pinned_to(&[0, 1]));
        for _ in 0..1000 {
            d.choose(Some(0));
        }
        let [a, b] = loads(&d)[..] else { panic!() };
        assert_eq!(a + b, 1000);
        assert!(a <= b + 8 + b / 8 + 1 && a > b, "{a} vs {b}");
    }

    #[test]
    fn unknown_cores_and_unpinned_workers_take_turns_by_load() {
        let mut d = Dealer::new(&Crew::unpinned(3));
        let picks: Vec<usize> = (0..6).map(|_| d.choose(None)).collect();
        assert_eq!(picks, [0, 1, 2, 0, 1, 2]);
        // A connection ending makes its worker the least busy.
        drop(Open(d.live.clone(), 1));
        assert_eq!(d.choose(Some(7)), 1);
        let mut d = Dealer::new(&pinned_to(&[0, 1]));
        assert_eq!(d.choose(Some(9)), 0);
        assert_eq!(d.choose(None), 1);
    }

    #[test]
    fn a_crew_has_a_worker_per_usable_core() {
        let crew = Crew::plan(true);
        assert_eq!(crew.len(), std::thread::available_parallelism().map_or(1, |n| n.get()).min(64));
        assert!(!Crew::plan(false).pinned());
        if let Some(cores) = allowed_cores()
            && cores.len() == crew.len()
        {
            assert_eq!(crew.cores, cores.into_iter().map(Some).collect::<Vec<_>>());
        }
    }
}
