//! Connections: binds the address, accepts TCP (and TLS when configured), and serves HTTP/1.1 on each
//! connection with the limits that keep hostile or broken clients from holding the host.
//!
//! One single-threaded runtime per core serves the connections it is given: a request is read, answered and
//! written on one thread, with no hand-offs between threads. One acceptor deals new connections to the
//! workers. Where the system allows it, each worker stays on one core and is dealt the connections whose
//! packets that core receives (the socket's `SO_INCOMING_CPU`), so a connection's network processing and its
//! requests share one core's caches, and a client on the same machine trades requests with the worker beside
//! it instead of one on the far core. Locality yields to balance: a worker holding more connections than the
//! least busy one (by a margin) is passed over, so a network card that hands every packet to one core still
//! spreads the connections over all of them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use http::Request;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;

use super::h1::{self, RequestBody, ResponseBody, Service};
use super::stall::Stall;

/// What a client may cost the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest a client may hold a connection without doing its part: sending a request's complete
    /// headers (counted from when the host starts waiting for them — so trickled headers, slowloris, and
    /// idle kept-alive connections are dropped), or taking the response the host is writing (slow readers).
    pub client_timeout: Duration,
    /// Largest request head (request line and headers); larger gets `431` and the connection is closed.
    /// At most 100 headers ([`h1::MAX_HEADERS`]), also `431`.
    pub max_head_bytes: usize,
    /// Open connections at most; beyond, new ones wait in the kernel's queue until one closes.
    pub max_connections: usize,
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
            handshake_timeout: Duration::from_secs(10),
            grace: Duration::from_secs(10),
        }
    }
}

/// The listening socket for `addr`; fails when another program, or another host, has the port.
pub fn bind(addr: SocketAddr) -> Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let listen = || -> std::io::Result<std::net::TcpListener> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        // Lets a restarted host listen again while its old connections linger in TIME_WAIT.
        socket.set_reuse_address(true)?;
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        socket.listen(1024)?;
        Ok(socket.into())
    };
    listen().with_context(|| format!("cannot listen on {addr}"))
}

/// An axum router on a connection (the live preview puts its own routes in front of the host).
#[derive(Clone, Debug)]
pub struct RouterService(pub axum::Router);

impl Service<axum::body::Body> for RouterService {
    type Future = tower::util::Oneshot<axum::Router, Request<axum::body::Body>>;

    fn call(&self, req: Request<RequestBody>) -> Self::Future {
        tower::ServiceExt::oneshot(self.0.clone(), req.map(axum::body::Body::new))
    }
}

/// A connection on its way from the acceptor to a worker, with its place under the connection cap and in
/// its worker's count; both are given up when the connection ends.
struct Accepted {
    tcp: std::net::TcpStream,
    held: (OwnedSemaphorePermit, Open),
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

/// Serves connections from `listener` on the `crew`'s threads until `stop` turns true; then lets requests
/// in flight finish (up to the grace period) and returns. Accepts on the calling thread.
pub fn serve<S, B>(
    listener: std::net::TcpListener,
    crew: &Crew,
    service: &S,
    tls: Option<&TlsAcceptor>,
    limits: Limits,
    stop: &watch::Receiver<bool>,
) -> Result<()>
where
    S: Service<B>,
    B: ResponseBody,
{
    let runtime =
        || tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime");
    let dealer = Dealer::new(crew);
    let mut queues = Vec::new();
    let mut threads = Vec::new();
    for (i, core) in crew.cores.iter().copied().enumerate() {
        let (queue, arrivals) = mpsc::unbounded_channel::<Accepted>();
        let (service, tls, stop) = (service.clone(), tls.cloned(), stop.clone());
        let rt = runtime()?;
        let thread = std::thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || {
                if let Some(core) = core {
                    stay_on(core);
                }
                rt.block_on(worker(arrivals, service, tls, limits, stop));
                rt.shutdown_timeout(Duration::from_secs(1));
            })
            .context("cannot start a server thread")?;
        queues.push(queue);
        threads.push(thread);
    }
    let accepted = runtime()?.block_on(accept_loop(listener, queues, dealer, limits.max_connections, stop.clone()));
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
    max_connections: usize,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let listener = TcpListener::from_std(listener).context("cannot register the listening socket")?;
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut failures = 0u32;
    loop {
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
        let tcp = match accepted {
            Ok((tcp, _)) => {
                failures = 0;
                tcp
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
        // Without TCP_NODELAY a response split over two writes meets delayed ACKs and stalls ~40 ms.
        let _ = tcp.set_nodelay(true);
        let worker = dealer.choose(incoming_core(&tcp));
        let open = Open(dealer.live.clone(), worker);
        // Leaves this thread's event loop (still non-blocking) to join the worker's.
        let Ok(tcp) = tcp.into_std() else { continue };
        if queues[worker].send(Accepted { tcp, held: (slot, open) }).is_err() {
            anyhow::bail!("a server thread stopped");
        }
    }
    Ok(())
}

/// Serves the connections the acceptor deals to this thread (over TLS when configured); once it stops
/// dealing, waits (up to the grace period) for them to end.
async fn worker<S, B>(
    mut arrivals: mpsc::UnboundedReceiver<Accepted>,
    service: S,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    stop: watch::Receiver<bool>,
) where
    S: Service<B>,
    B: ResponseBody,
{
    // Every connection holds a sender; when all are dropped, every connection has ended.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    while let Some(Accepted { tcp, held }) = arrivals.recv().await {
        let Ok(tcp) = TcpStream::from_std(tcp) else { continue };
        let tcp = Stall::new(tcp, limits.client_timeout);
        let (service, tls, stop, alive) = (service.clone(), tls.clone(), stop.clone(), alive.clone());
        tokio::spawn(async move {
            match tls {
                None => h1::serve(tcp, service, limits, stop).await,
                Some(acceptor) => {
                    // A failed or stalled handshake is the client's business (scanners make many): not logged.
                    let handshake = tokio::time::timeout(limits.handshake_timeout, acceptor.accept(tcp)).await;
                    if let Ok(Ok(stream)) = handshake {
                        h1::serve(stream, service, limits, stop).await;
                    }
                }
            }
            drop((alive, held));
        });
    }
    drop(alive);
    let _ = tokio::time::timeout(limits.grace, all_done.recv()).await;
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
