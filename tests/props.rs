//! Property tests: random request paths, percent-encodings, methods and headers (Range, If-None-Match,
//! If-Range, Accept-Encoding, Accept-Language, arbitrary names and values) thrown at the real host — first
//! through the service itself, then over a socket at the real binary. Whatever comes in, the host must
//! not panic, must answer with an expected status, and every file body it sends must be the bytes of a
//! file inside `dist/` (or a range of one): nothing outside it, ever.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const SECRET: &str = "TOP-SECRET-OUTSIDE-DIST";

/// A built fixture, shared by every case: its folder, and every file in `dist/` by content hash.
struct Site {
    _dir: tempfile::TempDir,
    dist: PathBuf,
    files: HashMap<[u8; 32], PathBuf>,
    by_len: HashMap<u64, Vec<PathBuf>>,
    paths: Vec<String>,
    not_found: Vec<u8>,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = common::fixture();
        let dist = dir.path().join("dist");
        disan::build::build(dir.path(), &dist).expect("build the fixture");
        std::fs::write(dir.path().join("secret.txt"), SECRET).expect("write secret");
        let (mut files, mut by_len, mut paths) = (HashMap::new(), HashMap::<u64, Vec<PathBuf>>::new(), Vec::new());
        walk(&dist, &mut |p| {
            let bytes = std::fs::read(p).expect("read dist file");
            files.insert(Sha256::digest(&bytes).into(), p.to_path_buf());
            by_len.entry(bytes.len() as u64).or_default().push(p.to_path_buf());
            let rel = p.strip_prefix(&dist).expect("inside dist").to_string_lossy().replace('\\', "/");
            paths.push(format!("/{rel}"));
        });
        let not_found = std::fs::read(dist.join("404.html")).expect("404 page");
        Site { _dir: dir, dist, files, by_len, paths, not_found }
    })
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() { walk(&p, f) } else { f(&p) }
    }
}

/// Pieces that paths are made of: real names, traversal attempts, encodings, oddities.
fn segment() -> impl Strategy<Value = String> {
    let s = site();
    let real: Vec<String> = s.paths.iter().flat_map(|p| p.split('/').map(str::to_string).collect::<Vec<_>>()).collect();
    prop_oneof![
        4 => proptest::sample::select(real),
        2 => proptest::sample::select(vec![
            "..", ".", "%2e%2e", "%2E%2e", "%2e", "..%2f", "%2f", "%5c", "\\", "%00", "%ff", "%c0%ae%c0%ae", "%", "%z1",
            "secret.txt", "..%5c..%5csecret.txt", ".dist-cache", "C:", "index.html", "%69ndex.html", "~", "%20", "a b",
            "vi", "en", "q", "Q", "_", "media", "404.html.gz", "\u{111}\u{1ec1}n", "%C4%91", "%F0%9F%98%80",
        ])
        .prop_map(str::to_string),
        1 => "[a-zA-Z0-9._~%-]{0,12}",
        1 => proptest::collection::vec(any::<u8>(), 0..6).prop_map(|b| b.iter().map(|x| format!("%{x:02x}")).collect()),
    ]
}

fn url_path() -> impl Strategy<Value = String> {
    let codes = ["t-1", "T-1", "t-2", "%74-1", "t%2D2", "nope", "", "t-1/", "%ff", "t-1%00"];
    prop_oneof![
        1 => proptest::sample::select(site().paths.clone()),
        1 => (proptest::sample::select(vec!["/q/", "/Q/", "/q//", "/q/%2e%2e/"]), proptest::sample::select(codes.to_vec()))
            .prop_map(|(prefix, code)| format!("{prefix}{code}")),
        3 => (proptest::collection::vec(segment(), 0..6), any::<bool>(), 0..3usize).prop_map(|(segs, slash, doubled)| {
            let sep = "/".repeat(doubled + 1);
            let mut p = format!("/{}", segs.join(&sep));
            if slash && !p.ends_with('/') {
                p.push('/');
            }
            p
        }),
    ]
}

fn header() -> impl Strategy<Value = (String, String)> {
    let etags =
        prop_oneof![Just("*".to_string()), "\"[0-9a-f]{1,8}-[0-9a-f]{1,16}(-br|-gzip)?\"", "W/\"[a-z0-9-]{0,20}\""];
    let range = prop_oneof![
        (0u64..6_000_000, 0u64..6_000_000).prop_map(|(a, b)| format!("bytes={a}-{b}")),
        (0u64..6_000_000).prop_map(|a| format!("bytes={a}-")),
        (0u64..6_000_000).prop_map(|n| format!("bytes=-{n}")),
        (0u64..100, 0u64..100, 0u64..100).prop_map(|(a, b, c)| format!("bytes={a}-{b},{c}-")),
        "[ -~]{0,24}",
        Just("bytes=-".to_string()),
        Just("bytes=18446744073709551615-".to_string()),
        Just("bytes=0-18446744073709551616".to_string()),
    ];
    prop_oneof![
        3 => range.prop_map(|v| ("range".to_string(), v)),
        2 => etags.clone().prop_map(|v| ("if-none-match".to_string(), v)),
        1 => etags.prop_map(|v| ("if-range".to_string(), v)),
        2 => "(gzip|br|deflate|identity|\\*|zstd)(;q=(0|0\\.5|1|x))?(, ?(gzip|br)(;q=0)?)?"
            .prop_map(|v| ("accept-encoding".to_string(), v)),
        2 => "(vi|en|fr|EN|zh-Hant|\\*|;|,|q=)(-[A-Z]{2})?(;q=(0|0\\.[0-9]|1|NaN|-1|1e9))?(, ?(en|vi)(;q=0\\.[0-9])?)?"
            .prop_map(|v| ("accept-language".to_string(), v)),
        1 => "[ -~]{0,40}".prop_map(|v| ("user-agent".to_string(), v)),
        1 => ("[a-z][a-z0-9-]{0,20}", "[ -~]{0,40}"),
        1 => "[ -~]{0,30}".prop_map(|v| ("authorization".to_string(), v)),
        1 => Just(("content-length".to_string(), "0".to_string())),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        8 => Just(Method::GET),
        3 => Just(Method::HEAD),
        1 => Just(Method::POST),
        1 => Just(Method::OPTIONS),
        1 => Just(Method::DELETE),
        1 => "[A-Z]{1,10}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap_or(Method::PUT)),
    ]
}

const EXPECTED: [u16; 11] = [200, 206, 301, 302, 304, 400, 401, 404, 405, 413, 416];

/// Checks a response's body against `dist/`; returns a message when something is wrong.
fn check_body(status: u16, method: &Method, headers: &http::HeaderMap, body: &[u8]) -> Result<(), String> {
    let s = site();
    if body.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()) {
        return Err("a file outside dist was served".into());
    }
    if method == Method::HEAD {
        return if body.is_empty() { Ok(()) } else { Err("HEAD with a body".into()) };
    }
    match status {
        200 if body == b"ok\n" => Ok(()),
        200 => {
            let hash: [u8; 32] = Sha256::digest(body).into();
            s.files
                .get(&hash)
                .map(|_| ())
                .ok_or_else(|| format!("a 200 body of {} bytes is no file in dist", body.len()))
        }
        206 => {
            let cr = headers.get("content-range").and_then(|v| v.to_str().ok()).ok_or("206 without Content-Range")?;
            let (range, total) =
                cr.strip_prefix("bytes ").and_then(|r| r.split_once('/')).ok_or("odd Content-Range")?;
            let (a, _) = range.split_once('-').ok_or("odd range")?;
            let (start, total): (usize, u64) = (a.parse().map_err(|_| "start")?, total.parse().map_err(|_| "total")?);
            let candidates = s.by_len.get(&total).ok_or("no file of that length")?;
            candidates
                .iter()
                .any(|p| std::fs::read(p).is_ok_and(|f| f.get(start..start + body.len()) == Some(body)))
                .then_some(())
                .ok_or_else(|| "a 206 body is no range of a file in dist".into())
        }
        404 => {
            // `/q/` answers an unknown code with its own short page, in the visitor's language.
            let unknown_code = [&b"<h1>Unknown code</h1>"[..], "<h1>Không có mã này</h1>".as_bytes()]
                .iter()
                .any(|t| body.windows(t.len()).any(|w| w == *t));
            (body == s.not_found.as_slice() || unknown_code)
                .then_some(())
                .ok_or_else(|| "a 404 that is neither the 404 page nor the unknown-code page".into())
        }
        301 | 302 => {
            let loc = headers.get("location").and_then(|v| v.to_str().ok()).ok_or("redirect without Location")?;
            let ok = loc.starts_with('/') && !loc.starts_with("//") && !loc.starts_with("/\\");
            ok.then_some(()).ok_or_else(|| format!("redirect to another host: {loc}"))
        }
        _ => Ok(()),
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"))
}

fn host() -> &'static disan::serve::Host {
    static HOST: OnceLock<disan::serve::Host> = OnceLock::new();
    HOST.get_or_init(|| {
        let s = site();
        let options = disan::serve::Options {
            db: Some(disan::store::Db::Sqlite(s.dist.with_file_name("props-scans.sqlite3"))),
            stats_token: Some("token".into()),
            ..Default::default()
        };
        let _guard = runtime().enter();
        disan::serve::host(&s.dist, &options).expect("host")
    })
}

/// Runs `cases` cases of `strategy` through `test`, then checks that the statuses seen cover `must_see`, so
/// a strategy that drifted into generating only refusals would fail instead of passing vacuously.
fn run_cases<S: Strategy>(
    cases: u32,
    strategy: S,
    must_see: &[u16],
    test: impl Fn(S::Value) -> Result<u16, TestCaseError>,
) {
    let seen = std::sync::Mutex::new(HashMap::<u16, u32>::new());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        let status = test(value)?;
        *seen.lock().expect("counts").entry(status).or_default() += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = seen.into_inner().expect("counts");
    for status in must_see {
        assert!(seen.contains_key(status), "no case produced {status}: {seen:?}");
    }
    eprintln!("statuses seen: {seen:?}");
}

#[test]
fn the_service_answers_anything_from_inside_dist() {
    let strategy =
        (method(), url_path(), proptest::option::of("[a-z0-9=&%]{0,12}"), proptest::collection::vec(header(), 0..6));
    run_cases(1024, strategy, &[200, 206, 301, 302, 304, 400, 404, 405, 416], |(method, path, query, headers)| {
        let uri = match &query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        // Paths the HTTP layer itself would refuse never reach the service.
        prop_assume!(uri.parse::<http::Uri>().is_ok());
        // An HTTP/1.1 request names its host (the host refuses it otherwise).
        let mut req = Request::builder().method(method.clone()).uri(&uri).header("host", "127.0.0.1");
        for (k, v) in &headers {
            if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
                req = req.header(k, v);
            }
        }
        let req = req.body(axum::body::Body::empty()).expect("request");
        let (status, res_headers, body) = runtime().block_on(async {
            let res = host().clone().oneshot(req).await.expect("infallible");
            let (parts, body) = res.into_parts();
            let body = axum::body::to_bytes(axum::body::Body::new(body), 64 << 20).await.expect("body");
            (parts.status, parts.headers, body)
        });
        prop_assert!(EXPECTED.contains(&status.as_u16()), "{method} {uri} {headers:?} → {status}");
        if let Err(e) = check_body(status.as_u16(), &method, &res_headers, &body) {
            prop_assert!(false, "{method} {uri} {headers:?} → {status}: {e}");
        }
        if status == StatusCode::METHOD_NOT_ALLOWED {
            prop_assert_eq!(res_headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET, HEAD"));
        }
        prop_assert!(res_headers.contains_key("x-content-type-options"), "security headers on {uri} → {status}");
        Ok(status.as_u16())
    });
}

/// Raw bytes for a request, so nothing normalises the path or headers on the way.
fn raw_request(method: &str, target: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut r = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("Connection: close\r\n\r\n");
    r.into_bytes()
}

fn send(addr: &str, request: &[u8]) -> (u16, http::HeaderMap, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(request).expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut headers = http::HeaderMap::new();
    for line in head.lines().skip(1) {
        if let Some((k, v)) = line.split_once(':')
            && let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.trim().as_bytes()), HeaderValue::from_str(v.trim()))
        {
            headers.insert(k, v);
        }
    }
    (status, headers, buf[split..].to_vec())
}

#[test]
fn the_binary_answers_anything_over_a_socket() {
    let s = site();
    // Hundreds of requests from one address in a moment: no request rate here.
    let server = common::Server::start_args(
        s.dist.parent().expect("root"),
        &[
            std::ffi::OsStr::new("--out"),
            s.dist.as_os_str(),
            std::ffi::OsStr::new("--client-rate"),
            std::ffi::OsStr::new("0"),
        ],
    );
    let addr = server.addr();
    // Raw request targets may hold what a client library would never send: spaces, controls, bytes ≥ 0x80.
    let target = prop_oneof![
        4 => url_path(),
        1 => "/[ -~]{0,40}",
        1 => "[ -~]{0,10}",
        1 => proptest::collection::vec(any::<u8>(), 1..40)
            .prop_map(|b| format!("/{}", String::from_utf8_lossy(&b).replace(['\r', '\n'], ""))),
    ];
    let method = prop_oneof![6 => Just("GET".to_string()), 2 => Just("HEAD".to_string()), 1 => "[A-Z]{1,8}"];
    let strategy = (method, target, proptest::collection::vec(header(), 0..6));
    run_cases(384, strategy, &[200, 400, 404], |(method, target, headers)| {
        let (status, res_headers, body) = send(&addr, &raw_request(&method, &target, &headers));
        // 431/414 for oversize heads; 400 for what HTTP parsing refuses. No status at all (0) means the
        // connection closed without an answer — a panic in the handler — and fails.
        let allowed = EXPECTED.contains(&status) || matches!(status, 414 | 431);
        prop_assert!(allowed, "{method} {target:?} {headers:?} → {status}");
        let m = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        if let Err(e) = check_body(status, &m, &res_headers, &body) {
            prop_assert!(false, "{method} {target:?} {headers:?} → {status}: {e}");
        }
        Ok(status)
    });
    // Found by this test once: a query with bytes ≥ 0x80 was copied raw into `Location`.
    let (status, headers, _) = send(&addr, &raw_request("GET", "/?t=\u{1EC7}\u{FFFD}", &[]));
    assert_eq!(status, 302);
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some("/vi/?t=%E1%BB%87%EF%BF%BD"));
    let (status, _, body) = send(&addr, &raw_request("GET", "/healthz", &[]));
    assert_eq!((status, body.as_slice()), (200, &b"ok\n"[..]), "still healthy after the barrage");
}

#[test]
fn the_host_as_a_router_answers_like_the_host() {
    let s = site();
    let router = {
        let _guard = runtime().enter();
        disan::serve::app(&s.dist, &disan::serve::Options::default()).expect("app")
    };
    let get = |path: &str| {
        let req = Request::get(path).header("host", "127.0.0.1").body(axum::body::Body::empty()).expect("request");
        runtime().block_on(async {
            let res = router.clone().oneshot(req).await.expect("infallible");
            let status = res.status();
            let headers = res.headers().clone();
            let body = axum::body::to_bytes(res.into_body(), 64 << 20).await.expect("body");
            (status, headers, body)
        })
    };
    let (status, headers, body) = get("/vi/demo/");
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key("content-security-policy"));
    assert!(check_body(200, &Method::GET, &headers, &body).is_ok());
    let (status, headers, _) = get("/q/T-1");
    assert_eq!(status, StatusCode::FOUND);
    assert!(headers.get("location").is_some_and(|l| l.to_str().is_ok_and(|l| l.starts_with("/vi/demo/"))));
    assert_eq!(get("/nowhere").0, StatusCode::NOT_FOUND);
}
