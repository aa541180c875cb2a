//! HTTP/1.1 on one connection, as this host speaks it: requests are read and answered one after another
//! (pipelined ones too), kept alive as HTTP/1.1 and 1.0 clients ask, and refused with `400` or `431` when
//! malformed or too large. The host takes no request bodies: a request that declares one is answered (the
//! front door says `413`) and the connection closed, so no body is ever read.
//!
//! Bodies that are a part of an open file (the host's files kept in memory also keep their file open) go
//! to a plain TCP client with `sendfile`: the kernel hands the page cache to the socket without copying
//! the bytes through the process, as nginx does. Everything else, and everything over TLS, is written from
//! memory.

use std::convert::Infallible;
use std::fs::File;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri, Version, header};
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::listen::Limits;
use super::stall::Stall;

/// Most headers a request may carry; more gets `431`.
pub const MAX_HEADERS: usize = 100;
/// Bodies up to this size are copied after the response head and sent with it in one write; larger ones
/// are written from where they are, head and body in one vectored write.
const COPY_LIMIT: usize = 2 * 1024;
/// File parts from this size on go by `sendfile` (below, one vectored write of memory costs less than the
/// two calls `sendfile` needs).
pub const SENDFILE_MIN: u64 = 16 * 1024;
/// How soon an idle connection notices that the host is stopping.
const STOP_CHECK: Duration = Duration::from_secs(1);

/// A connection's byte stream.
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send {
    /// The TCP socket itself, when bytes written to it reach the client unchanged (not through TLS), so a
    /// file can be sent to it directly.
    fn socket(&self) -> Option<&TcpStream> {
        None
    }
}

impl Transport for Stall<TcpStream> {
    fn socket(&self) -> Option<&TcpStream> {
        cfg!(target_os = "linux").then(|| self.get_ref())
    }
}

impl Transport for tokio_rustls::server::TlsStream<Stall<TcpStream>> {}

#[cfg(test)]
impl Transport for tokio::io::DuplexStream {}

/// A part of an open file.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub file: Arc<File>,
    pub offset: u64,
    pub len: u64,
}

/// A response body that can hand itself over as a part of an open file.
pub trait FileBody {
    /// Takes the rest of the body as a file part, if it is one of at least `min_len` bytes. The body is
    /// then empty.
    fn take_file(&mut self, _min_len: u64) -> Option<FilePart> {
        None
    }

    /// Counts `n` bytes of a taken file part as sent.
    fn sent_from_file(&mut self, _n: u64) {}
}

impl FileBody for axum::body::Body {}

/// The body of a request as the services see it: never read. A request that declared one says so through
/// [`Body::is_end_stream`], and reading it fails.
#[derive(Debug, Clone, Copy)]
pub struct RequestBody {
    declared: bool,
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Poll::Ready(
            self.declared.then(|| Err(io::Error::new(io::ErrorKind::Unsupported, "this host reads no request bodies"))),
        )
    }

    fn is_end_stream(&self) -> bool {
        !self.declared
    }

    fn size_hint(&self) -> SizeHint {
        if self.declared { SizeHint::default() } else { SizeHint::with_exact(0) }
    }
}

/// What answers requests on a connection: the [`Host`](super::Host), or a router through
/// [`RouterService`](super::listen::RouterService).
pub trait Service<B>: Clone + Send + Sync + 'static {
    type Future: Future<Output = Result<Response<B>, Infallible>> + Send;
    fn call(&self, req: Request<RequestBody>) -> Self::Future;
}

/// What a response body must be for the connection loop: bytes in frames, possibly a part of a file.
pub trait ResponseBody: Body<Data = Bytes> + FileBody + Unpin + Send + 'static {}

impl<B: Body<Data = Bytes> + FileBody + Unpin + Send + 'static> ResponseBody for B {}

/// Whether the host has begun to stop. The channel only ever changes from `false` to `true` (or closes as
/// the host ends), so a change seen is a stop; reading its version takes no lock, which keeps this check on
/// every request from writing to memory the workers share.
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    stop.has_changed().unwrap_or(true)
}

/// One parsed request head and what it says about the connection.
struct Head {
    req: Request<RequestBody>,
    keep_alive: bool,
}

enum Next {
    Request(Box<Head>),
    /// Malformed or too large: answered with this status, then the connection closes.
    Refuse(StatusCode),
    /// The client left, stayed silent too long, or the host is stopping.
    Close,
}

/// Serves requests on `io` until the client or the host ends the connection.
pub async fn serve<T: Transport, S: Service<B>, B: ResponseBody>(
    mut io: T,
    service: S,
    limits: Limits,
    stop: watch::Receiver<bool>,
) {
    let mut buf = BytesMut::with_capacity(4096);
    let mut out = Vec::with_capacity(2048);
    loop {
        let head = match next(&mut io, &mut buf, limits, &stop).await {
            Next::Request(head) => head,
            Next::Close => return,
            Next::Refuse(status) => {
                out.clear();
                status_line(&mut out, status);
                out.extend_from_slice(b"content-length: 0\r\nconnection: close\r\n\r\n");
                if io.write_all(&out).await.is_ok() {
                    linger(&mut io, &mut buf).await;
                }
                return;
            }
        };
        let Head { req, keep_alive } = *head;
        let declared_body = !req.body().is_end_stream();
        let (method, version) = (req.method().clone(), req.version());
        let Ok(res) = service.call(req).await;
        // A declared body was never read: what follows it on the connection cannot be trusted.
        let close = !keep_alive || declared_body || stopping(&stop);
        match respond(&mut io, &mut out, res, &method, version, close, limits.client_timeout).await {
            Ok(true) => {}
            Ok(false) if declared_body => return linger(&mut io, &mut buf).await,
            _ => {
                let _ = io.shutdown().await;
                return;
            }
        }
    }
}

/// Ends a connection whose client may still be sending (a body the host did not read, an oversized head):
/// closes the sending side, then reads and discards for a moment. Closing a socket with unread bytes makes
/// the kernel send a reset, which can destroy the response in the client's buffers before it is read.
async fn linger<T: Transport>(io: &mut T, buf: &mut BytesMut) {
    const MOMENT: Duration = Duration::from_secs(1);
    const AT_MOST: usize = 1 << 20;
    if io.flush().await.is_err() || io.shutdown().await.is_err() {
        return;
    }
    let until = tokio::time::Instant::now() + MOMENT;
    let mut discarded = 0;
    while discarded < AT_MOST {
        buf.clear();
        buf.reserve(8192);
        match tokio::time::timeout_at(until, io.read_buf(buf)).await {
            Ok(Ok(n)) if n > 0 => discarded += n,
            _ => return,
        }
    }
}

/// Reads until a complete request head is buffered (it may be already), within the client timeout.
async fn next<T: Transport>(io: &mut T, buf: &mut BytesMut, limits: Limits, stop: &watch::Receiver<bool>) -> Next {
    // One timer, woken every second at most: it ends a wait that ran past the client timeout, and lets an
    // idle connection see that the host is stopping (a watch on `stop` for every read costs more than the
    // tick).
    let start = tokio::time::Instant::now();
    let tick = STOP_CHECK.min(limits.client_timeout);
    let deadline = tokio::time::sleep_until(start + tick);
    tokio::pin!(deadline);
    let mut complete_maybe = !buf.is_empty();
    loop {
        if complete_maybe {
            match parse(buf, limits.max_head_bytes) {
                Parsed::More => {}
                Parsed::Done(head) => return Next::Request(head),
                Parsed::Bad(status) => return Next::Refuse(status),
            }
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(4096);
        }
        let read = tokio::select! {
            biased;
            read = io.read_buf(buf) => read,
            _ = &mut deadline => {
                let waited = start.elapsed();
                // A stopping host closes idle connections; a request already begun is read and answered.
                if waited >= limits.client_timeout || buf.is_empty() && stopping(stop) {
                    return Next::Close;
                }
                let next = tokio::time::Instant::now() + tick.min(limits.client_timeout - waited);
                deadline.as_mut().reset(next);
                complete_maybe = false;
                continue;
            }
        };
        let n = match read {
            Ok(0) | Err(_) => return Next::Close,
            Ok(n) => n,
        };
        // A head ends with a line break: bytes without one cannot complete it, so a client trickling its
        // head byte by byte costs one parse per line, not one per byte.
        complete_maybe = buf[buf.len() - n..].contains(&b'\n');
        if !complete_maybe && buf.len() > limits.max_head_bytes {
            return Next::Refuse(too_large());
        }
    }
}

enum Parsed {
    Done(Box<Head>),
    More,
    Bad(StatusCode),
}

/// Parses the request head at the start of `buf` and removes it from there.
fn parse(buf: &mut BytesMut, max_head_bytes: usize) -> Parsed {
    let mut slots = [std::mem::MaybeUninit::<httparse::Header>::uninit(); MAX_HEADERS];
    let mut r = httparse::Request::new(&mut []);
    let len = match r.parse_with_uninit_headers(buf, &mut slots) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > max_head_bytes => return Parsed::Bad(too_large()),
        Ok(httparse::Status::Partial) => return Parsed::More,
        Err(httparse::Error::TooManyHeaders) => return Parsed::Bad(too_large()),
        Err(_) => return Parsed::Bad(StatusCode::BAD_REQUEST),
    };
    if len > max_head_bytes {
        return Parsed::Bad(too_large());
    }
    let (Some(method), Some(target), Some(minor)) = (r.method, r.path, r.version) else {
        return Parsed::Bad(StatusCode::BAD_REQUEST);
    };
    let Ok(method) = Method::from_bytes(method.as_bytes()) else { return Parsed::Bad(StatusCode::BAD_REQUEST) };
    // Origin form (`/path`), absolute form (`http://host/path`) or `*`; the authority form only goes with
    // CONNECT, which this host does not do.
    let form_ok = target.starts_with('/')
        || target == "*"
        || target.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        || target.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let Some(uri) = form_ok.then(|| target.parse::<Uri>().ok()).flatten() else {
        return Parsed::Bad(StatusCode::BAD_REQUEST);
    };
    let version = if minor == 0 { Version::HTTP_10 } else { Version::HTTP_11 };
    let mut keep_alive = version == Version::HTTP_11;
    let mut declared = false;
    let mut headers = HeaderMap::with_capacity(r.headers.len());
    for h in r.headers.iter() {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(h.name.as_bytes()), HeaderValue::from_bytes(h.value))
        else {
            return Parsed::Bad(StatusCode::BAD_REQUEST);
        };
        if name == header::CONNECTION {
            for token in h.value.split(|&b| b == b',').map(|t| t.trim_ascii()) {
                if token.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case(b"keep-alive") && version == Version::HTTP_10 {
                    keep_alive = true;
                }
            }
        } else if name == header::CONTENT_LENGTH {
            match std::str::from_utf8(h.value).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
                Some(0) => {}
                Some(_) => declared = true,
                None => return Parsed::Bad(StatusCode::BAD_REQUEST),
            }
        } else if name == header::TRANSFER_ENCODING {
            declared = true;
        }
        headers.append(name, value);
    }
    buf.advance(len);
    let mut req = Request::new(RequestBody { declared });
    *req.method_mut() = method;
    *req.uri_mut() = uri;
    *req.version_mut() = version;
    *req.headers_mut() = headers;
    Parsed::Done(Box::new(Head { req, keep_alive }))
}

fn too_large() -> StatusCode {
    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
}

fn status_line(out: &mut Vec<u8>, status: StatusCode) {
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("Unknown").as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Writes `res`; true when the connection may carry another request (`close` is false, the response did
/// not ask to close, and its body was framed as announced).
async fn respond<T, B>(
    io: &mut T,
    out: &mut Vec<u8>,
    res: Response<B>,
    method: &Method,
    version: Version,
    mut close: bool,
    timeout: Duration,
) -> io::Result<bool>
where
    T: Transport,
    B: ResponseBody,
{
    let (parts, mut body) = res.into_parts();
    let status = parts.status;
    let bodiless = method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let declared_len = match parts.headers.get(header::CONTENT_LENGTH) {
        Some(v) => {
            Some(v.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()).ok_or_else(|| bad("content-length"))?)
        }
        None => None,
    };
    close |= parts.headers.get(header::CONNECTION).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
    let length = declared_len.or_else(|| body.size_hint().exact());
    // Unknown length: chunks for HTTP/1.1, the end of the connection for 1.0.
    let chunked = !bodiless && length.is_none() && version == Version::HTTP_11;
    close |= !bodiless && length.is_none() && !chunked;

    out.clear();
    status_line(out, status);
    if !parts.headers.contains_key(header::DATE) {
        out.extend_from_slice(b"date: ");
        date(out);
        out.extend_from_slice(b"\r\n");
    }
    for (name, value) in &parts.headers {
        if name == header::CONNECTION || name == header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if declared_len.is_none()
        && let Some(len) = length
        && !(bodiless && len == 0)
        && status != StatusCode::NOT_MODIFIED
        && status != StatusCode::NO_CONTENT
    {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(len.to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if chunked {
        out.extend_from_slice(b"transfer-encoding: chunked\r\n");
    }
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    } else if version == Version::HTTP_10 {
        out.extend_from_slice(b"connection: keep-alive\r\n");
    }
    out.extend_from_slice(b"\r\n");

    if bodiless {
        io.write_all(out).await?;
        io.flush().await?;
        return Ok(!close);
    }
    if let Some(tcp) = io.socket()
        && let Some(part) = body.take_file(SENDFILE_MIN)
    {
        let sent = send_file(tcp, out, &part, timeout).await;
        body.sent_from_file(*sent.as_ref().unwrap_or(&0));
        return sent.map(|n| !close && Some(n) == length);
    }

    let mut written = 0u64;
    let mut head_pending = true;
    loop {
        let data = match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => break,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            // The body failed part-way: the client must see a cut-off response, not a complete-looking one.
            Some(Err(_)) => return Ok(false),
        };
        if data.is_empty() {
            continue;
        }
        written += data.len() as u64;
        if chunked {
            if head_pending {
                head_pending = false;
            } else {
                out.clear();
            }
            out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
            write_two(io, out, &data).await?;
            io.write_all(b"\r\n").await?;
        } else if head_pending {
            head_pending = false;
            write_two(io, out, &data).await?;
        } else {
            io.write_all(&data).await?;
        }
    }
    if head_pending {
        out.extend_from_slice(if chunked { b"0\r\n\r\n" } else { b"" });
        io.write_all(out).await?;
    } else if chunked {
        io.write_all(b"0\r\n\r\n").await?;
    }
    io.flush().await?;
    Ok(!close && length.is_none_or(|len| len == written))
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("the response has an invalid {what}"))
}

/// Writes `head` and then `data`: copied together into one write when small, else as two slices.
async fn write_two<T: Transport>(io: &mut T, head: &mut Vec<u8>, data: &[u8]) -> io::Result<()> {
    if data.len() <= COPY_LIMIT {
        head.extend_from_slice(data);
        return io.write_all(head).await;
    }
    let (mut a, mut b) = (&head[..], data);
    while !a.is_empty() {
        let n = io.write_vectored(&[io::IoSlice::new(a), io::IoSlice::new(b)]).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        if n < a.len() {
            a = &a[n..];
        } else {
            b = &b[n - a.len()..];
            a = &[];
        }
    }
    io.write_all(b).await
}

/// Sends the response head (held back by `MSG_MORE` to leave in one packet with the file's first bytes)
/// and the file part. A write that cannot progress for `timeout` fails, like every write to a client.
#[cfg(target_os = "linux")]
async fn send_file(tcp: &TcpStream, head: &[u8], part: &FilePart, timeout: Duration) -> io::Result<u64> {
    use rustix::net::{SendFlags, send};
    let mut at = 0;
    while at < head.len() {
        at += when_writable(tcp, timeout, || send(tcp, &head[at..], SendFlags::MORE | SendFlags::NOSIGNAL)).await?;
    }
    let end = part.offset + part.len;
    let mut offset = part.offset;
    while offset < end {
        let count = (end - offset).min(1 << 30) as usize;
        let n =
            when_writable(tcp, timeout, || rustix::fs::sendfile(tcp, &*part.file, Some(&mut offset), count)).await?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file is shorter than when it was opened"));
        }
    }
    Ok(part.len)
}

#[cfg(not(target_os = "linux"))]
async fn send_file(_: &TcpStream, _: &[u8], _: &FilePart, _: Duration) -> io::Result<u64> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Runs `op` on the socket until it does not block, waiting at most `timeout` each time it does.
#[cfg(target_os = "linux")]
async fn when_writable<R>(
    tcp: &TcpStream,
    timeout: Duration,
    mut op: impl FnMut() -> rustix::io::Result<R>,
) -> io::Result<R> {
    loop {
        match tcp.try_io(tokio::io::Interest::WRITABLE, || op().map_err(io::Error::from)) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                tokio::time::timeout(timeout, tcp.writable())
                    .await
                    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))??;
            }
            done => return done,
        }
    }
}

/// Appends the current time as an HTTP date, formatted once a second per thread.
fn date(out: &mut Vec<u8>) {
    use std::cell::RefCell;
    thread_local! {
        static CACHED: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CACHED.with_borrow_mut(|(at, text)| {
        if *at != second {
            *at = second;
            *text = httpdate::fmt_http_date(now);
        }
        out.extend_from_slice(text.as_bytes());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &[u8]) -> Parsed {
        parse(&mut BytesMut::from(raw), 16 * 1024)
    }

    fn status_of(p: Parsed) -> Option<StatusCode> {
        match p {
            Parsed::Bad(s) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn reads_heads_and_what_they_say_about_the_connection() {
        let Parsed::Done(h) = parsed(b"GET /vi/?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n") else { panic!() };
        assert_eq!(h.req.uri().path(), "/vi/");
        assert_eq!(h.req.headers().len(), 2);
        assert!(h.keep_alive && h.req.body().is_end_stream());
        let Parsed::Done(h) = parsed(b"GET / HTTP/1.0\r\n\r\n") else { panic!() };
        assert!(!h.keep_alive);
        let Parsed::Done(h) = parsed(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") else { panic!() };
        assert!(h.keep_alive);
        let Parsed::Done(h) = parsed(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n") else { panic!() };
        assert!(!h.keep_alive);
        let Parsed::Done(h) = parsed(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") else { panic!() };
        assert!(!h.req.body().is_end_stream());
        let Parsed::Done(h) = parsed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") else { panic!() };
        assert!(!h.req.body().is_end_stream());
        assert!(matches!(parsed(b"GET / HTTP/1.1\r\nHost: a\r\n"), Parsed::More));
    }

    #[test]
    fn refuses_what_is_not_a_request() {
        for raw in [
            &b"GET / HTTP/2.0\r\n\r\n"[..],
            b"GET relative HTTP/1.1\r\n\r\n",
            b"CONNECT example.com:443 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
            b"GET /\x01 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        ] {
            assert_eq!(status_of(parsed(raw)), Some(StatusCode::BAD_REQUEST), "{}", String::from_utf8_lossy(raw));
        }
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "a: b\r\n".repeat(MAX_HEADERS + 1));
        assert_eq!(status_of(parsed(many.as_bytes())), Some(too_large()));
        let long = format!("GET / HTTP/1.1\r\nx: {}", "y".repeat(20_000));
        assert_eq!(status_of(parsed(long.as_bytes())), Some(too_large()));
    }

    #[test]
    fn pipelined_requests_come_out_one_by_one() {
        let mut buf = BytesMut::from(&b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c"[..]);
        let Parsed::Done(a) = parse(&mut buf, 1024) else { panic!() };
        let Parsed::Done(b) = parse(&mut buf, 1024) else { panic!() };
        assert_eq!((a.req.uri().path(), b.req.uri().path()), ("/a", "/b"));
        assert!(matches!(parse(&mut buf, 1024), Parsed::More));
        assert_eq!(&buf[..], b"GET /c");
    }

    /// A body of a few pieces whose length is not known in advance.
    struct Pieces(Vec<&'static str>);

    impl Body for Pieces {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            Poll::Ready(next.map(|p| Ok(Frame::data(Bytes::from_static(p.as_bytes())))))
        }
    }

    #[derive(Clone)]
    struct Streams;

    impl Service<axum::body::Body> for Streams {
        type Future = std::future::Ready<Result<Response<axum::body::Body>, Infallible>>;

        fn call(&self, _: Request<RequestBody>) -> Self::Future {
            std::future::ready(Ok(Response::new(axum::body::Body::new(Pieces(vec!["hello", " world"])))))
        }
    }

    async fn exchange(request: &[u8]) -> String {
        let (mut client, server) = tokio::io::duplex(4096);
        let (_stop, stopping) = watch::channel(false);
        let limits = Limits { client_timeout: Duration::from_secs(5), ..Limits::default() };
        let served = tokio::spawn(serve(server, Streams, limits, stopping));
        client.write_all(request).await.expect("send");
        let mut got = Vec::new();
        client.read_to_end(&mut got).await.expect("read");
        served.await.expect("served");
        String::from_utf8(got).expect("text")
    }

    #[tokio::test]
    async fn a_head_trickled_byte_by_byte_is_answered() {
        let (mut client, server) = tokio::io::duplex(4096);
        let (_stop, stopping) = watch::channel(false);
        let limits = Limits { client_timeout: Duration::from_secs(5), ..Limits::default() };
        let served = tokio::spawn(serve(server, Streams, limits, stopping));
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" {
            client.write_all(&[*byte]).await.expect("send");
            tokio::task::yield_now().await;
        }
        let mut got = Vec::new();
        client.read_to_end(&mut got).await.expect("read");
        served.await.expect("served");
        assert!(String::from_utf8_lossy(&got).ends_with("hello\r\n6\r\n world\r\n0\r\n\r\n"));
    }

    #[tokio::test]
    async fn bodies_of_unknown_length_are_chunked_or_end_the_connection() {
        let text = exchange(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await;
        assert!(text.contains("\r\ntransfer-encoding: chunked\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "{text}");
        let text = exchange(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").await;
        assert!(!text.contains("chunked") && text.contains("\r\nconnection: close\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nhello world"), "{text}");
        let text = exchange(b"HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n").await;
        assert!(text.ends_with("\r\n\r\n") && !text.contains("hello"), "{text}");
    }

    #[test]
    fn dates_look_like_http_dates() {
        let mut out = Vec::new();
        date(&mut out);
        let text = String::from_utf8(out).expect("ascii");
        assert_eq!(text.len(), 29, "{text}");
        assert!(text.ends_with(" GMT"), "{text}");
    }
}
