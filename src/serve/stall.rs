//! A deadline on stalled writes. A client that stops reading (a "slow read" attack, or a phone that went
//! out of coverage) would otherwise hold its connection and the response it was sent for as long as TCP
//! keeps it open — hours. The header-read deadline covers clients that send nothing; this covers clients
//! that take nothing. A timer exists only while a write is blocked, so the fast path pays nothing.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// `io`, failing a write that cannot make progress for `timeout`.
#[derive(Debug)]
pub struct Stall<T> {
    io: T,
    timeout: Duration,
    blocked: Option<Pin<Box<Sleep>>>,
}

impl<T> Stall<T> {
    /// Wraps `io`.
    pub fn new(io: T, timeout: Duration) -> Stall<T> {
        Stall { io, timeout, blocked: None }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// Called when a write returned `Pending`: starts the clock (if not running) and fails once it ran out.
    fn check(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let timeout = self.timeout;
        let sleep = self.blocked.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        ready!(sleep.as_mut().poll(cx));
        Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))
    }

    fn progressed<R>(&mut self, r: Poll<io::Result<R>>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match r {
            Poll::Pending => self.check(cx).map(Err),
            done => {
                self.blocked = None;
                done
            }
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Stall<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Stall<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_write(cx, buf);
        this.progressed(r, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.progressed(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_flush(cx);
        this.progressed(r, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.io).poll_shutdown(cx);
        this.progressed(r, cx)
    }
}

/// A TCP connection that, when the host is done with it while the client is still sending (a body the
/// host did not read), is not dropped on the spot: closing a socket with unread bytes makes the kernel send
/// a reset, which can destroy the response in the client's buffers before it is read. Such a connection
/// closes its sending side and reads and discards for a moment first, on a task of its own.
#[derive(Debug)]
pub struct Lingering(Option<tokio::net::TcpStream>);

impl Lingering {
    /// Wraps `tcp`.
    pub fn new(tcp: tokio::net::TcpStream) -> Lingering {
        Lingering(Some(tcp))
    }

    fn io(&mut self) -> io::Result<&mut tokio::net::TcpStream> {
        self.0.as_mut().ok_or_else(|| io::ErrorKind::NotConnected.into())
    }
}

impl AsyncRead for Lingering {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.get_mut().io()?).poll_read(cx, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(self.get_mut().io()?).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(self.get_mut().io()?).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.get_mut().io()?).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.get_mut().io()?).poll_shutdown(cx)
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        const MOMENT: Duration = Duration::from_secs(1);
        const AT_MOST: usize = 1 << 20;
        let Some(tcp) = self.0.take() else { return };
        // Only a client still sending needs the moment; anything else closes now.
        let mut probe = [0u8; 1];
        if !matches!(tcp.try_read(&mut probe), Ok(n) if n > 0) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            let mut tcp = tcp;
            let _ = socket2::SockRef::from(&tcp).shutdown(std::net::Shutdown::Write);
            let until = tokio::time::Instant::now() + MOMENT;
            let mut buf = vec![0u8; 16 * 1024];
            let mut discarded = 0;
            while discarded < AT_MOST {
                match tokio::time::timeout_at(until, tokio::io::AsyncReadExt::read(&mut tcp, &mut buf)).await {
                    Ok(Ok(n)) if n > 0 => discarded += n,
                    _ => return,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_stops_is_dropped() {
        let (near, _far) = tokio::io::duplex(64);
        let mut w = Stall::new(near, Duration::from_secs(5));
        let err = w.write_all(&[0; 1024]).await.expect_err("the far end never reads");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_keeps_reading_is_not() {
        let (near, mut far) = tokio::io::duplex(64);
        let reader = tokio::spawn(async move {
            let mut sink = Vec::new();
            let mut chunk = [0u8; 16];
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                match tokio::io::AsyncReadExt::read(&mut far, &mut chunk).await {
                    Ok(0) | Err(_) => break sink.len(),
                    Ok(n) => sink.extend_from_slice(&chunk[..n]),
                }
            }
        });
        let mut w = Stall::new(near, Duration::from_secs(5));
        // Slow (a second per 16 bytes) but steady: never five seconds without progress.
        w.write_all(&[7; 256]).await.expect("steady progress is enough");
        drop(w);
        assert_eq!(reader.await.expect("reader"), 256);
    }
}
