//! Response bodies as the host sends them: bytes already in memory (no allocation per response), a part
//! of an open file read in small chunks as the connection takes them, nothing, or a body streamed by the
//! router. Each counts what it hands to the connection, and writes the request's log line when the
//! response is done (or abandoned), so the log reports bytes actually sent.

use std::fs::File;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::task::JoinHandle;

use super::access_log::{Log, Record};

/// Bytes read from a file for one frame: small, so a client that stops reading holds little memory.
pub const CHUNK: u64 = 32 * 1024;

/// A response body.
#[derive(Debug)]
pub struct HostBody {
    kind: Kind,
    sent: u64,
    log: Option<(Log, Record)>,
}

#[derive(Debug)]
enum Kind {
    Empty,
    Full(Option<Bytes>),
    File(FilePart),
    Stream(axum::body::Body),
}

/// What is left to send of a file, and the chunk being read.
#[derive(Debug)]
struct FilePart {
    file: Arc<File>,
    at: u64,
    left: u64,
    reading: Option<JoinHandle<io::Result<Bytes>>>,
}

impl HostBody {
    /// No body.
    pub fn empty() -> HostBody {
        HostBody { kind: Kind::Empty, sent: 0, log: None }
    }

    /// A body already in memory.
    pub fn full(bytes: Bytes) -> HostBody {
        HostBody { kind: Kind::Full(Some(bytes)), sent: 0, log: None }
    }

    /// `len` bytes of `file` from `at`, read a chunk at a time on the blocking threads.
    pub fn file(file: Arc<File>, at: u64, len: u64) -> HostBody {
        HostBody { kind: Kind::File(FilePart { file, at, left: len, reading: None }), sent: 0, log: None }
    }

    /// A body produced by the router.
    pub fn stream(body: axum::body::Body) -> HostBody {
        HostBody { kind: Kind::Stream(body), sent: 0, log: None }
    }

    /// Writes `record` to `log` when this body is done.
    pub fn log_to(&mut self, log: Log, record: Record) {
        self.log = Some((log, record));
    }
}

/// Reads `len` bytes at `at` without moving a shared cursor.
fn read_at(file: &File, at: u64, len: usize) -> io::Result<Bytes> {
    let mut buf = vec![0; len];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut buf, at)?;
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < len {
            let n = std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
    }
    Ok(Bytes::from(buf))
}

impl FilePart {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let reading = self.reading.get_or_insert_with(|| {
            let (file, at, len) = (self.file.clone(), self.at, self.left.min(CHUNK) as usize);
            tokio::task::spawn_blocking(move || read_at(&file, at, len))
        });
        let read = std::task::ready!(Pin::new(reading).poll(cx));
        self.reading = None;
        let chunk = read.map_err(io::Error::other).and_then(|r| r);
        if let Ok(bytes) = &chunk {
            self.at += bytes.len() as u64;
            self.left -= bytes.len() as u64;
        } else {
            // The client must see a cut-off response, not a complete-looking one; nothing more is read.
            self.left = 0;
        }
        Poll::Ready(Some(chunk))
    }
}

impl http_body::Body for HostBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = match &mut this.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::File(part) => part.poll_chunk(cx).map(|c| c.map(|r| r.map(Frame::data).map_err(axum::Error::new))),
            Kind::Stream(body) => Pin::new(body).poll_frame(cx),
        };
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            this.sent += data.len() as u64;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(bytes) => bytes.is_none(),
            Kind::File(part) => part.left == 0,
            Kind::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::File(part) => SizeHint::with_exact(part.left),
            Kind::Stream(body) => body.size_hint(),
        }
    }
}

impl Drop for HostBody {
    fn drop(&mut self) {
        if let Some((log, record)) = self.log.take() {
            log.write(&record, self.sent);
        }
    }
}
