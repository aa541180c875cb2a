//! Connections: binds the address, accepts TCP (and TLS when configured), and serves HTTP/1.1 on each
//! connection with the limits that keep hostile or broken clients from holding the host.
//!
//! One single-threaded runtime per core serves the connections it is given: a request is read, answered and
//! written on one thread, with no hand-offs between threads. One acceptor deals new connections to the
//! workers in turn, so each holds an equal share (sockets bound with `SO_REUSEPORT` are dealt by a hash
//! instead, and an unlucky split leaves one core's visitors waiting longer while the other idles).

use std::net::SocketAddr;
use std::sync::Arc;
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

/// A connection on its way from the acceptor to a worker, with its place under the connection cap.
struct Accepted {
    tcp: std::net::TcpStream,
    slot: OwnedSemaphorePermit,
}

/// Serves connections from `listener` on `workers` threads until `stop` turns true; then lets requests in
/// flight finish (up to the grace period) and returns. Accepts on the calling thread.
pub fn serve<S, B>(
    listener: std::net::TcpListener,
    workers: usize,
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
    let mut queues = Vec::new();
    let mut threads = Vec::new();
    for i in 0..workers.max(1) {
        let (queue, arrivals) = mpsc::unbounded_channel::<Accepted>();
        let (service, tls, stop) = (service.clone(), tls.cloned(), stop.clone());
        let rt = runtime()?;
        let thread = std::thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || {
                rt.block_on(worker(arrivals, service, tls, limits, stop));
                rt.shutdown_timeout(Duration::from_secs(1));
            })
            .context("cannot start a server thread")?;
        queues.push(queue);
        threads.push(thread);
    }
    let accepted = runtime()?.block_on(accept_loop(listener, queues, limits.max_connections, stop.clone()));
    for t in threads {
        t.join().map_err(|_| anyhow::anyhow!("a server thread failed"))?;
    }
    accepted
}

/// Accepts connections and deals them to the workers in turn, until `stop`. Dropping `queues` at the end
/// tells the workers that no more will come.
async fn accept_loop(
    listener: std::net::TcpListener,
    queues: Vec<mpsc::UnboundedSender<Accepted>>,
    max_connections: usize,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let listener = TcpListener::from_std(listener).context("cannot register the listening socket")?;
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut failures = 0u32;
    for turn in (0..queues.len()).cycle() {
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
        // Leaves this thread's event loop (still non-blocking) to join the worker's.
        let Ok(tcp) = tcp.into_std() else { continue };
        if queues[turn].send(Accepted { tcp, slot }).is_err() {
            anyhow::bail!("a server thread stopped");
        }
    }
    Ok(())
}

/// Serves the connections the acceptor deals to this thread; once it stops dealing, waits (up to the grace
/// period) for them to end.
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
    while let Some(Accepted { tcp, slot }) = arrivals.recv().await {
        let Ok(tcp) = TcpStream::from_std(tcp) else { continue };
        let (service, tls, stop, alive) = (service.clone(), tls.clone(), stop.clone(), alive.clone());
        tokio::spawn(async move {
            connection(Stall::new(tcp, limits.client_timeout), service, tls, limits, stop).await;
            drop((alive, slot));
        });
    }
    drop(alive);
    let _ = tokio::time::timeout(limits.grace, all_done.recv()).await;
}

async fn connection<S, B>(
    tcp: Stall<TcpStream>,
    service: S,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    stop: watch::Receiver<bool>,
) where
    S: Service<B>,
    B: ResponseBody,
{
    match tls {
        None => h1::serve(tcp, service, limits, stop).await,
        Some(acceptor) => {
            // A failed or stalled handshake is the client's business (scanners make many): not logged.
            if let Ok(Ok(stream)) = tokio::time::timeout(limits.handshake_timeout, acceptor.accept(tcp)).await {
                h1::serve(stream, service, limits, stop).await;
            }
        }
    }
}
