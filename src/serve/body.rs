//! Response bodies as the host sends them: bytes already in memory (no allocation per response), nothing,
//! or a body streamed by the router. Each counts what it hands to the connection, and writes the request's
//! log line when the response is done (or abandoned), so the log reports bytes actually sent.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use super::access_log::{Log, Record};
use super::h1::{FileBody, FilePart};

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
    /// Bytes in memory, and the same bytes as a part of an open file when the file is kept open.
    Full(Option<Bytes>, Option<FilePart>),
    Stream(axum::body::Body),
}

impl HostBody {
    /// No body.
    pub fn empty() -> HostBody {
        HostBody { kind: Kind::Empty, sent: 0, log: None }
    }

    /// A body already in memory.
    pub fn full(bytes: Bytes) -> HostBody {
        HostBody { kind: Kind::Full(Some(bytes), None), sent: 0, log: None }
    }

    /// A body in memory that is also `part` of an open file (same bytes), for connections that can send
    /// files directly.
    pub fn file_backed(bytes: Bytes, part: Option<FilePart>) -> HostBody {
        HostBody { kind: Kind::Full(Some(bytes), part), sent: 0, log: None }
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

impl http_body::Body for HostBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(bytes, _) => Poll::Ready(bytes.take().map(|b| {
                this.sent += b.len() as u64;
                Ok(Frame::data(b))
            })),
            Kind::Stream(body) => {
                let polled = Pin::new(body).poll_frame(cx);
                if let Poll::Ready(Some(Ok(frame))) = &polled
                    && let Some(data) = frame.data_ref()
                {
                    this.sent += data.len() as u64;
                }
                polled
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(bytes, _) => bytes.is_none(),
            Kind::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(bytes, _) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Stream(body) => body.size_hint(),
        }
    }
}

impl FileBody for HostBody {
    fn take_file(&mut self, min_len: u64) -> Option<FilePart> {
        match &mut self.kind {
            Kind::Full(bytes @ Some(_), part @ Some(_)) if part.as_ref().is_some_and(|p| p.len >= min_len) => {
                *bytes = None;
                part.take()
            }
            _ => None,
        }
    }

    fn sent_from_file(&mut self, n: u64) {
        self.sent += n;
    }
}

impl Drop for HostBody {
    fn drop(&mut self) {
        if let Some((log, record)) = self.log.take() {
            log.write(&record, self.sent);
        }
    }
}
