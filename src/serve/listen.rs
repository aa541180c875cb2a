//! Connections: binds the address, accepts TCP (and TLS when configured), and serves HTTP/1.1 on each
//! connection with the limits that keep hostile or broken clients from holding the host.
//!
//! One single-threaded runtime per core, each accepting on its own socket bound to the same port
//! (`SO_REUSEPORT`, the kernel spreads connections): a request is read, answered and written on one
//! thread, with no hand-offs between threads — the layout nginx uses with its worker processes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use http::Request;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;

pub use super::h1::FileBody;
use super::h1::{self, RequestBody, Settings};
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

/// Sockets bound to `addr`, one per worker thread, all on the same port.
pub fn bind(addr: SocketAddr, workers: usize) -> Result<Vec<std::net::TcpListener>> {
    // SO_REUSEPORT would let a second host started by mistake share the port and take half the visitors
    // without a word. A plain bind first fails if anyone has the port; it also resolves port 0.
    let probe = plain_socket(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let bound = probe.local_addr().context("cannot read the listening address")?;
    drop(probe);
    let first = reuse_port_socket(bound).with_context(|| format!("cannot listen on {addr}"))?;
    let mut all = vec![first];
    for _ in 1..workers {
        match reuse_port_socket(bound) {
            Ok(l) => all.push(l),
            // Without SO_REUSEPORT the extra workers are simply not started.
            Err(_) => break,
        }
    }
    Ok(all)
}

fn plain_socket(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

fn reuse_port_socket(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin"))))]
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

pub use super::h1::Service;

/// An axum router on a connection (the live preview puts its own routes in front of the host).
#[derive(Clone, Debug)]
pub struct RouterService(pub axum::Router);

impl Service<axum::body::Body> for RouterService {
    type Future = tower::util::Oneshot<axum::Router, Request<axum::body::Body>>;

    fn call(&self, req: Request<RequestBody>) -> Self::Future {
        tower::ServiceExt::oneshot(self.0.clone(), req.map(axum::body::Body::new))
    }
}

/// Serves on every listener, one thread each, until `stop` turns true; then lets requests in flight finish
/// (up to the grace period) and returns.
pub fn serve<S, B>(
    listeners: Vec<std::net::TcpListener>,
    service: &S,
    tls: Option<&TlsAcceptor>,
    limits: Limits,
    stop: &watch::Receiver<bool>,
) -> Result<()>
where
    S: Service<B>,
    B: http_body::Body<Data = bytes::Bytes> + FileBody + Unpin + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let per_worker = limits.max_connections.div_ceil(listeners.len().max(1)).max(1);
    let mut threads = Vec::new();
    for (i, listener) in listeners.into_iter().enumerate() {
        let (service, tls, stop) = (service.clone(), tls.cloned(), stop.clone());
        let thread = std::thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || -> Result<()> {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime")?;
                rt.block_on(async {
                    let listener = TcpListener::from_std(listener).context("cannot register the listening socket")?;
                    accept_loop(listener, service, tls, limits, per_worker, stop).await;
                    anyhow::Ok(())
                })?;
                rt.shutdown_timeout(Duration::from_secs(1));
                Ok(())
            })
            .context("cannot start a server thread")?;
        threads.push(thread);
    }
    for t in threads {
        t.join().map_err(|_| anyhow::anyhow!("a server thread failed"))??;
    }
    Ok(())
}

async fn accept_loop<S, B>(
    listener: TcpListener,
    service: S,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    max_connections: usize,
    mut stop: watch::Receiver<bool>,
) where
    S: Service<B>,
    B: http_body::Body<Data = bytes::Bytes> + FileBody + Unpin + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // Every connection holds a sender; when all are dropped, every connection has ended.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
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
        let (service, tls, stop, alive) = (service.clone(), tls.clone(), stop.clone(), alive.clone());
        tokio::spawn(async move {
            connection(Stall::new(tcp, limits.client_timeout), service, tls, limits, stop).await;
            drop((alive, slot));
        });
    }
    drop(listener);
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
    B: http_body::Body<Data = bytes::Bytes> + FileBody + Unpin + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let settings = Settings { client_timeout: limits.client_timeout, max_head_bytes: limits.max_head_bytes };
    match tls {
        None => h1::serve(tcp, service, settings, stop).await,
        Some(acceptor) => {
            // A failed or stalled handshake is the client's business (scanners make many): not logged.
            if let Ok(Ok(stream)) = tokio::time::timeout(limits.handshake_timeout, acceptor.accept(tcp)).await {
                h1::serve(stream, service, settings, stop).await;
            }
        }
    }
}
