//! The front door: every request passes here first. Refuses what the host never takes (methods other than
//! GET and HEAD, request bodies, HTTP/1.1 without exactly one `Host`, clients over their request rate);
//! answers the hot paths — files already in memory and placard scans —
//! directly, without the router's layers; hands everything else to the router under a time limit. Adds
//! the security headers (and HSTS over TLS) and the request log line to every response.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use http::{HeaderValue, Method, Request, Response, StatusCode, Uri, Version, header};
use tower::ServiceExt;

use super::access_log::{Log, Record};
use super::body::HostBody;
use super::client::ClientAddr;
use super::redirect::Redirect;
use super::state::AppState;
use super::tally::Verdict;
use super::{headers, memory, redirect};

/// Longest the router may take over a request (a stuck disk, a locked database).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The host as one service: what `serve` runs on every connection and what tests drive with `oneshot`.
#[derive(Clone, Debug)]
pub struct Host {
    state: Arc<AppState>,
    router: Router,
    log: Option<Log>,
    hsts: bool,
}

impl Host {
    pub(super) fn new(state: Arc<AppState>, router: Router) -> Host {
        Host { state, router, log: None, hsts: false }
    }

    /// Writes a line per request to `log`.
    pub fn with_log(mut self, log: Option<Log>) -> Host {
        self.log = log;
        self
    }

    /// Sends `Strict-Transport-Security` (only for a host answering over TLS).
    pub fn with_hsts(mut self, hsts: bool) -> Host {
        self.hsts = hsts;
        self
    }

    /// The request log, if any.
    pub fn log(&self) -> Option<&Log> {
        self.log.as_ref()
    }

    /// Answers one request.
    pub fn handle<B>(&self, req: Request<B>) -> Reply
    where
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let has_body = !req.body().is_end_stream();
        let (parts, body) = req.into_parts();
        let finish = Finish {
            log: self.log.as_ref().map(|log| (log.clone(), Instant::now(), parts.method.clone(), parts.uri.clone())),
            hsts: self.hsts,
            head: parts.method == Method::HEAD,
        };
        // RFC 9112 §3.2: an HTTP/1.1 request names its host exactly once. (HTTP/2 carries `:authority`.)
        let hosts = parts.headers.get_all(header::HOST).iter().count();
        if parts.version == Version::HTTP_11 && hosts != 1 || hosts > 1 {
            return Reply::now(finish.done(plain(StatusCode::BAD_REQUEST, "a request names one Host\n"), None));
        }
        // Only paths are served here (not `*`, nor an authority on its own).
        if !parts.uri.path().starts_with('/') {
            return Reply::now(finish.done(plain(StatusCode::BAD_REQUEST, "bad request\n"), None));
        }
        let client = parts.extensions.get::<ClientAddr>().map(|c| c.0);
        if let Some(client) = client
            && !self.state.rates.allow(client, Instant::now())
        {
            let mut r = plain(StatusCode::TOO_MANY_REQUESTS, "too many requests; try again in a moment\n");
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Reply::now(finish.done(r, None));
        }
        // The dashboard's sign-in and sign-out forms are the only requests with a body (read, with a
        // size limit, by their handlers).
        if parts.method == Method::POST && super::dashboard::takes_post(parts.uri.path()) {
            let req = Request::from_parts(parts, axum::body::Body::new(body));
            return route(self.router.clone(), req, finish);
        }
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served here\n");
            r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return Reply::now(finish.done(r, None));
        }
        if has_body {
            // Nothing here takes a body; closing spares reading one we would throw away.
            let mut r = plain(StatusCode::PAYLOAD_TOO_LARGE, "requests to this host carry no body\n");
            r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Reply::now(finish.done(r, None));
        }
        let build = self.state.site.get();
        let path = parts.uri.path();
        if let Some(code) = placard_code(path) {
            let Some(Redirect { scan, response }) = redirect::resolve(&build.links, code, &parts.headers) else {
                return Reply::now(
                    finish.done(redirect::unknown(&build.links, &build.unknown_code, code, &parts.headers), None),
                );
            };
            let code = scan.code.clone();
            // A HEAD is no visit; a repeat or a scan over the ceiling is not written down. The visitor is
            // redirected in every case.
            let counted = self.state.recorder.is_some() && parts.method == Method::GET && {
                let ua = parts.headers.get(header::USER_AGENT).map(HeaderValue::as_bytes);
                self.state.tally.judge(client, ua, &code, Instant::now()) == Verdict::Count
            };
            if !counted {
                return Reply::now(finish.done(response, Some(code)));
            }
            let state = self.state.clone();
            return Reply::later(async move {
                // The visitor is sent on even if the commit failed (the writer reports it, and `/healthz`
                // says so), and the writer always answers: SQLite's busy timeout bounds every statement.
                if let Some(recorder) = &state.recorder {
                    let _ = recorder.record(scan).await;
                }
                finish.done(response, Some(code))
            });
        }
        if let Some(entry) = build.memory.get(path) {
            return Reply::now(finish.done(memory::respond(&entry, &parts.method, &parts.headers), None));
        }
        let req = Request::from_parts(parts, axum::body::Body::empty());
        route(self.router.clone(), req, finish)
    }
}

/// Hands a request to the router under the time limit.
fn route(router: Router, req: Request<axum::body::Body>, finish: Finish) -> Reply {
    Reply::later(async move {
        let mut res = match tokio::time::timeout(REQUEST_TIMEOUT, router.oneshot(req)).await {
            Ok(Ok(res)) => res.map(HostBody::stream),
            Ok(Err(never)) => match never {},
            Err(_) => plain(StatusCode::REQUEST_TIMEOUT, "the request took too long\n"),
        };
        headers::secure(res.headers_mut());
        finish.done(res, None)
    })
}

/// The code in `/q/{code}` (or `/Q/{code}`, as upper-case QR codes send it), still percent-encoded.
fn placard_code(path: &str) -> Option<&str> {
    let code = path.strip_prefix("/q/").or_else(|| path.strip_prefix("/Q/"))?;
    (!code.is_empty() && !code.contains('/')).then_some(code)
}

/// A short plain-text answer with the security headers.
fn plain(status: StatusCode, text: &'static str) -> Response<HostBody> {
    let mut r = Response::new(HostBody::full(bytes::Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(text.len()));
    headers::secure(h);
    r
}

/// What every response gets on its way out.
struct Finish {
    log: Option<(Log, Instant, Method, Uri)>,
    hsts: bool,
    head: bool,
}

impl Finish {
    fn done(self, mut res: Response<HostBody>, code: Option<Arc<str>>) -> Response<HostBody> {
        if self.head {
            // The headers of a GET, no body (the connection would drop it; tests see what is sent).
            *res.body_mut() = HostBody::empty();
        }
        if self.hsts {
            headers::hsts(res.headers_mut());
        }
        if let Some((log, start, method, uri)) = self.log {
            let status = res.status().as_u16();
            res.body_mut().log_to(log, Record { start, method, uri, status, code });
        }
        res
    }
}

/// The future of a response: ready at once on the hot paths (no allocation), boxed otherwise.
pub struct Reply(Option<Response<HostBody>>, Option<Pin<Box<dyn Future<Output = Response<HostBody>> + Send>>>);

impl Reply {
    fn now(res: Response<HostBody>) -> Reply {
        Reply(Some(res), None)
    }

    fn later(fut: impl Future<Output = Response<HostBody>> + Send + 'static) -> Reply {
        Reply(None, Some(Box::pin(fut)))
    }
}

impl Future for Reply {
    type Output = Result<Response<HostBody>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(fut) = &mut this.1 {
            return fut.as_mut().poll(cx).map(Ok);
        }
        // Polled again after it was ready (the connection loop never does): an empty 500 rather than a panic.
        Poll::Ready(Ok(this.0.take().unwrap_or_else(|| {
            let mut r = Response::new(HostBody::empty());
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        })))
    }
}

impl hyper::service::Service<Request<hyper::body::Incoming>> for Host {
    type Response = Response<HostBody>;
    type Error = Infallible;
    type Future = Reply;

    fn call(&self, req: Request<hyper::body::Incoming>) -> Reply {
        self.handle(req)
    }
}

impl<B> tower::Service<Request<B>> for Host
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response<HostBody>;
    type Error = Infallible;
    type Future = Reply;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Reply {
        self.handle(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placard_codes() {
        assert_eq!(placard_code("/q/ss-dc1"), Some("ss-dc1"));
        assert_eq!(placard_code("/Q/SS-DC1"), Some("SS-DC1"));
        assert_eq!(placard_code("/q/"), None);
        assert_eq!(placard_code("/q/ss-dc1/"), None);
        assert_eq!(placard_code("/qq/ss-dc1"), None);
    }
}
