//! The host as it faces the network: HTTPS from certificate files, the limits that keep hostile or broken
//! clients from holding it (header size, header-read deadline, bodies, methods), and the request log —
//! all against the real binary over real sockets.

mod common;

use common::wire::{header, raw, self_signed};

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_rustls::rustls;

/// GET over TLS with a client that trusts only `root`; returns the negotiated ALPN protocol and the response.
fn https_get(addr: &str, root: &rustls::pki_types::CertificateDer<'static>, path: &str) -> (Option<Vec<u8>>, String) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.clone()).expect("trust the test certificate");
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(tls, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut buf = Vec::new();
    // A server may close without close_notify after Connection: close; what arrived is what counts.
    let _ = tls.read_to_end(&mut buf);
    (tls.conn.alpn_protocol().map(<[u8]>::to_vec), String::from_utf8_lossy(&buf).into_owned())
}

#[test]
fn serves_https_with_a_certificate_from_files() {
    let dir = common::fixture();
    let (cert, key, der) = self_signed(dir.path());
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--tls-cert"), cert.as_os_str(), OsStr::new("--tls-key"), key.as_os_str()],
    );
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let addr = server.addr();

    let (alpn, res) = https_get(&addr, &der, "/vi/demo/");
    assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(res.contains("Đền Thử Nghiệm"), "the page itself comes back");
    assert_eq!(header(&res, "strict-transport-security"), Some("max-age=31536000"));
    assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
    // Twice: the second answer comes from memory, by the other path through the host.
    let (_, again) = https_get(&addr, &der, "/vi/demo/");
    assert_eq!(header(&again, "strict-transport-security"), Some("max-age=31536000"));
    assert_eq!(again.split("\r\n\r\n").nth(1), res.split("\r\n\r\n").nth(1));
    let (_, scan) = https_get(&addr, &der, "/q/t-1");
    assert!(scan.starts_with("HTTP/1.1 302"), "{scan}");
    assert_eq!(header(&scan, "strict-transport-security"), Some("max-age=31536000"));

    // Plain HTTP on the TLS port gets no page.
    let (status, text) = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_ne!(status, 200, "{text}");
    assert!(server.terminate(), "SIGTERM ends the TLS server cleanly");
}

#[test]
fn plain_http_sends_no_hsts() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    for path in ["/vi/demo/", "/vi/demo/", "/q/t-1", "/healthz"] {
        let (status, text) =
            raw(&server.addr(), format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert!(status == 200 || status == 302, "{path}: {text}");
        assert_eq!(header(&text, "strict-transport-security"), None, "{path}");
    }
}

#[test]
fn bad_tls_files_stop_the_host_with_the_file_named() {
    let dir = common::fixture();
    let (cert, key, _) = self_signed(dir.path());
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n").expect("write");
    let other = tempfile::tempdir().expect("tempdir");
    let (_, other_key, _) = self_signed(other.path());
    let missing = dir.path().join("nowhere.pem");
    let s = |p: &std::path::Path| p.to_str().expect("utf-8").to_string();
    let cases: [(Vec<String>, String); 5] = [
        (vec!["--tls-cert".into(), s(&cert), "--tls-key".into(), s(&garbage)], s(&garbage)),
        (vec!["--tls-cert".into(), s(&cert), "--tls-key".into(), s(&missing)], s(&missing)),
        (vec!["--tls-cert".into(), s(&key), "--tls-key".into(), s(&key)], s(&key)),
        (vec!["--tls-cert".into(), s(&cert), "--tls-key".into(), s(&other_key)], s(&other_key)),
        (vec!["--tls-cert".into(), s(&cert)], "--tls-key".into()),
    ];
    for (args, named) in cases {
        let mut all = vec!["serve".to_string(), "--addr".into(), "127.0.0.1:0".into()];
        all.extend(args.iter().cloned());
        let argv: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = common::disan(dir.path(), &argv);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr.contains(&named), "{args:?}: the message names {named}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn refuses_oversized_heads_bodies_and_other_methods() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let addr = server.addr();

    let big = format!("GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\n\r\n", "a".repeat(20_000));
    let (status, _) = raw(&addr, big.as_bytes());
    assert_eq!(status, 431, "a 20 KB header");
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let (status, _) = raw(&addr, format!("GET /vi/demo/ HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes());
    assert_eq!(status, 431, "150 headers");

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"] {
        let (status, text) =
            raw(&addr, format!("{method} /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(status, 405, "{method}: {text}");
        assert_eq!(header(&text, "allow"), Some("GET, HEAD"), "{method}");
    }

    // A body is refused and the connection closed, without reading it.
    let started = Instant::now();
    let (status, text) =
        raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nsome of the body");
    assert_eq!(status, 413, "{text}");
    assert!(started.elapsed() < Duration::from_secs(5), "closed at once, not after waiting for 100 MB");
    let (status, _) =
        raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    assert_eq!(status, 413);
    let (status, _) =
        raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "an empty body is no body");

    let (status, _) = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "still healthy");
}

#[test]
fn slow_and_idle_clients_are_dropped() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--client-timeout"), OsStr::new("1")]);
    let addr = server.addr();

    // Slowloris: headers trickled a byte at a time, never finished.
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.set_read_timeout(Some(Duration::from_millis(50))).expect("timeout");
    slow.write_all(b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\n").expect("send");
    let started = Instant::now();
    let mut closed_after = None;
    while started.elapsed() < Duration::from_secs(10) {
        if slow.write_all(b"X").is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        let mut byte = [0u8; 512];
        match slow.read(&mut byte) {
            Ok(0) => {
                closed_after = Some(started.elapsed());
                break;
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            _ => {
                closed_after = Some(started.elapsed());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    let closed_after = closed_after.expect("a client trickling headers is dropped");
    assert!(closed_after < Duration::from_secs(5), "dropped after {closed_after:?}");

    // An idle kept-alive connection is closed too, after its request was answered.
    let mut idle = TcpStream::connect(&addr).expect("connect");
    idle.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"), "answered first");
    assert!(started.elapsed() < Duration::from_secs(5), "then closed when idle, after {:?}", started.elapsed());

    let (status, _) = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "still healthy");
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--client-timeout"), OsStr::new("1")]);
    let addr: std::net::SocketAddr = server.addr().parse().expect("address");
    let (_, page) = raw(&server.addr(), b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    // The largest file of the page: the flat panorama for browsers without WebGL (recordings are small).
    let big = page
        .split("<noscript><ul class=\"tour-nojs\">")
        .nth(1)
        .and_then(|s| s.split("<img src=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("flat panorama");
    let (_, head) =
        raw(&server.addr(), format!("HEAD {big} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
    let size: usize = header(&head, "content-length").and_then(|v| v.parse().ok()).expect("panorama size");
    assert!(size > 100_000, "the file must be large for the test to mean anything: {size} bytes");

    // Ask for the panorama 100 times over (far more than socket buffers hold), then read nothing.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("small receive buffer");
    socket.connect(&addr.into()).expect("connect");
    let mut s: TcpStream = socket.into();
    let one = format!("GET {big} HTTP/1.1\r\nHost: x\r\n\r\n");
    s.write_all(one.repeat(100).as_bytes()).expect("send");
    wait_until_the_host_closes(&s, Duration::from_secs(4));
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut total = 0usize;
    let mut chunk = vec![0u8; 64 * 1024];
    while let Ok(n) = s.read(&mut chunk) {
        if n == 0 {
            break;
        }
        total += n;
    }
    assert!(total < 50 * size, "the host kept writing to a client that stopped reading: {total} bytes");

    let (status, _) = raw(&server.addr(), b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "still healthy");
}

#[test]
fn a_second_host_on_the_same_port_is_refused() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let mut second = std::process::Command::new(env!("CARGO_BIN_EXE_disan"))
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--addr", &server.addr()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start a second host");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = second.kill();
            panic!("a second host shares the port instead of refusing it");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    second.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert!(!status.success());
    assert!(stderr.contains(&format!("cannot listen on {}", server.addr())), "{stderr}");
}

/// Core numbers from a list like `0-2,5`, as `/proc` writes them.
#[cfg(target_os = "linux")]
fn core_list(text: &str) -> Vec<usize> {
    let mut cores = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        cores.extend(a.parse::<usize>().expect("core")..=b.parse::<usize>().expect("core"));
    }
    cores
}

/// The cores each `http-N` worker thread of process `pid` may run on, once all `n` have started and
/// `settled` holds (a thread is named as it starts, a moment before it keeps to its core).
#[cfg(target_os = "linux")]
fn worker_cores(pid: u32, n: usize, settled: impl Fn(&[Vec<usize>]) -> bool) -> Vec<Vec<usize>> {
    let started = Instant::now();
    loop {
        let mut workers = Vec::new();
        for task in std::fs::read_dir(format!("/proc/{pid}/task")).expect("tasks").flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
            if comm.starts_with("http-")
                && let Some(list) = status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            {
                workers.push(core_list(list));
            }
        }
        if workers.len() == n && settled(&workers) || started.elapsed() > Duration::from_secs(10) {
            return workers;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn workers_keep_to_their_own_cores_unless_told_not_to() {
    let own = std::fs::read_to_string("/proc/self/status").expect("status");
    let allowed = core_list(own.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).expect("cores"));
    let n = std::thread::available_parallelism().map_or(1, |n| n.get()).min(64);
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let one_each = |w: &[Vec<usize>]| allowed.len() != n || w.iter().all(|cores| cores.len() == 1);
    let mut pinned = worker_cores(server.pid(), n, one_each);
    assert_eq!(pinned.len(), n, "a worker per core");
    if allowed.len() == n {
        // One core each, all different, together every core the host may use.
        assert!(pinned.iter().all(|cores| cores.len() == 1), "{pinned:?}");
        pinned.sort();
        assert_eq!(pinned.concat(), allowed);
    }
    let (status, _) = raw(&server.addr(), b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    drop(server);

    let free = common::Server::start_args(dir.path(), &[OsStr::new("--no-pin")]);
    let unpinned = worker_cores(free.pid(), n, |_| true);
    assert_eq!(unpinned.len(), n);
    assert!(unpinned.iter().all(|cores| *cores == allowed), "{unpinned:?} vs {allowed:?}");
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--max-connections"), OsStr::new("2")]);
    let addr = server.addr();
    // Two workers with one slot each: of three kept-alive connections, at least one is not served yet.
    let mut conns: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).expect("connect");
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
            s.set_read_timeout(Some(Duration::from_millis(1500))).expect("timeout");
            s
        })
        .collect();
    let answered: Vec<bool> = conns.iter_mut().map(|s| s.read(&mut [0u8; 256]).is_ok_and(|n| n > 0)).collect();
    let served = answered.iter().filter(|a| **a).count();
    assert!((1..=2).contains(&served), "{answered:?}");
    // Closing the served connections frees their slots; the waiting ones are then answered in turn (each
    // closed once answered, as it may hold the slot the next one waits for).
    let waiting: Vec<TcpStream> = conns.into_iter().zip(&answered).filter(|(_, a)| !**a).map(|(s, _)| s).collect();
    for mut s in waiting {
        s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).expect("answered once a slot is free");
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    }
}

#[test]
fn logs_one_line_per_request_without_personal_data() {
    let dir = common::fixture();
    let db = dir.path().join("scans.sqlite3");
    let server = common::Server::start_logged(
        dir.path(),
        &[OsStr::new("--log"), OsStr::new("json"), OsStr::new("--db"), db.as_os_str()],
    );
    let addr = server.addr();
    let ua = "Mozilla/5.0 (Linux; Android 14; SM-A155F-SECRET-UA) Mobile";
    let requests =
        ["/q/T-1?phone=0912345678&name=Nguyen", "/vi/demo/", "/vi/demo/?session=abcdef", "/khong-co", "/healthz"];
    for path in requests {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: {ua}\r\nReferer: https://secret-referer.example/\r\n\
             X-Forwarded-For: 203.0.113.77\r\nConnection: close\r\n\r\n"
        );
        raw(&addr, req.as_bytes());
    }
    let log = server.stop_and_log();
    let lines: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert_eq!(lines.len(), requests.len(), "{log}");
    let by_path = |p: &str| lines.iter().find(|l| l["path"] == p).unwrap_or_else(|| panic!("{p} in {log}"));
    let scan = by_path("/q/T-1");
    assert_eq!((scan["status"].as_u64(), scan["code"].as_str()), (Some(302), Some("t-1")));
    let page = by_path("/vi/demo/");
    assert_eq!(page["status"], 200);
    assert!(page["bytes"].as_u64().expect("bytes") > 1000, "{page}");
    assert!(page["us"].as_u64().is_some() && page["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{page}");
    assert_eq!(page["method"], "GET");
    assert_eq!(by_path("/khong-co")["status"], 404);
    for secret in ["127.0.0.1", "203.0.113.77", "SECRET-UA", "secret-referer", "0912345678", "Nguyen", "abcdef", "?"] {
        assert!(!log.contains(secret), "{secret} leaked into the log:\n{log}");
    }

    // The text format: one logfmt line a request, same fields.
    let server = common::Server::start_logged(dir.path(), &[OsStr::new("--no-scans")]);
    raw(&server.addr(), b"GET /q/t-2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let log = server.stop_and_log();
    let line = log.lines().next().expect("a line");
    assert!(line.starts_with("time=") && line.contains(" method=GET path=/q/t-2 status=302 bytes=0 us="), "{line}");
    assert!(line.ends_with(" code=t-2"), "{line}");

    // And off means nothing at all.
    let server = common::Server::start_logged(dir.path(), &[OsStr::new("--log"), OsStr::new("off")]);
    raw(&server.addr(), b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(server.stop_and_log(), "");
}

/// One response read off a connection: status, header lines (names lower-cased) and body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Splits what a connection received into responses; `bodies[i]` says whether response `i` has a body
/// (not for HEAD or 304). Bodies are framed by `content-length`.
fn answers(mut bytes: &[u8], bodies: &[bool]) -> Vec<Answer> {
    let mut out = Vec::new();
    for &has_body in bodies {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head") + 4;
        let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).expect("status");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let len: usize = if has_body {
            headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).expect("length")
        } else {
            0
        };
        out.push(Answer { status, headers, body: bytes[end..end + len].to_vec() });
        bytes = &bytes[end + len..];
    }
    assert!(bytes.is_empty(), "{} bytes after the last response", bytes.len());
    out
}

#[test]
fn speaks_http_1_1_on_one_connection() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let addr = server.addr();
    // Large enough to be sent straight from the file once it is kept in memory.
    let big: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(dir.path().join("dist/media/big.bin"), &big).expect("write");

    // Pipelined, in one write: a first read (from disk), a second (from memory), a range, HEAD, a
    // conditional request, and a 404 that closes the connection.
    let first = b"GET /media/big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(first).expect("send");
    let mut request = Vec::new();
    request.extend_from_slice(first);
    request.extend_from_slice(b"GET /media/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-200999\r\n\r\n");
    request.extend_from_slice(b"HEAD /media/big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut got = Vec::new();
    // The first answer tells the entity tag for the conditional request.
    let mut chunk = [0u8; 65536];
    while answers_complete(&got) < 1 {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "closed early");
        got.extend_from_slice(&chunk[..n]);
    }
    let etag = answers(&got, &[true])[0].header("etag").expect("etag").to_string();
    request.extend_from_slice(
        format!("GET /media/big.bin HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\n\r\n").as_bytes(),
    );
    request.extend_from_slice(b"GET /no/such/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(&request).expect("send");
    let _ = s.read_to_end(&mut got);
    let all = answers(&got, &[true, true, true, false, false, true]);
    assert_eq!(all.iter().map(|a| a.status).collect::<Vec<_>>(), [200, 200, 206, 200, 304, 404]);
    assert!(all[0].body == big && all[1].body == big, "the whole file, from disk and from memory");
    assert_eq!(all[2].body, &big[1000..201_000]);
    assert_eq!(all[2].header("content-range"), Some("bytes 1000-200999/300000"));
    assert_eq!(all[3].header("content-length"), Some("300000"), "HEAD tells the length, sends nothing");
    assert_eq!(all[5].header("connection"), Some("close"));
    for a in &all {
        assert!(a.header("date").is_some_and(|d| d.ends_with(" GMT")), "a date on every response");
    }

    // HTTP/1.0: closed after one answer unless asked to keep it open.
    let started = Instant::now();
    let (status, text) = raw(&addr, b"GET /healthz HTTP/1.0\r\n\r\n");
    assert_eq!(status, 200);
    assert_ne!(header(&text, "connection"), Some("keep-alive"));
    assert!(started.elapsed() < Duration::from_secs(5), "closed after the answer, not kept");
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n").expect("send");
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    let both = answers(&got, &[true, true]);
    assert_eq!(both[0].header("connection"), Some("keep-alive"));
    assert_eq!(both[1].status, 200);
    assert_ne!(both[1].header("connection"), Some("keep-alive"), "and then closed (read_to_end returned)");

    // Not HTTP/1.x, or not a request: 400, and the connection ends.
    for bad in
        [&b"GET / HTTP/2.0\r\n\r\n"[..], b"GET nowhere HTTP/1.1\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n"]
    {
        let (status, _) = raw(&addr, bad);
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(bad));
    }
}

/// How many complete responses with bodies framed by `content-length` `bytes` holds.
fn answers_complete(bytes: &[u8]) -> usize {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else { return 0 };
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    usize::from(bytes.len() >= end + 4 + len)
}

/// Waits (at most 30 s) until the host's end of `s` is no longer an open connection — it closed it, or
/// reset it — as the system's TCP table shows it; where there is no such table, waits `otherwise`.
fn wait_until_the_host_closes(s: &TcpStream, otherwise: Duration) {
    let (host, client) = (s.peer_addr().expect("peer").port(), s.local_addr().expect("local").port());
    let port = |field: &str| field.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
    let started = Instant::now();
    loop {
        let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
            std::thread::sleep(otherwise);
            return;
        };
        // `local_address rem_address st` as hex; state 01 is ESTABLISHED.
        let open = table.lines().skip(1).any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && port(f[1]) == Some(host) && port(f[2]) == Some(client) && f[3] == "01"
        });
        if !open {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the host kept the connection open for 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_refused_body_does_not_reset_the_answer() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let mut s = TcpStream::connect(server.addr()).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n").expect("head");
    s.write_all(&[b'x'; 200_000]).expect("body");
    // Once the host has answered and closed its side: closing the socket with the body unread would send a
    // reset, which some clients' systems answer by discarding a response they have not read yet.
    wait_until_the_host_closes(&s, Duration::from_millis(300));
    let mut got = Vec::new();
    s.read_to_end(&mut got).expect("the answer, then an orderly close");
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 413 "), "{}", String::from_utf8_lossy(&got));
    // The host is still taking (and dropping) what the client sends: no reset has come back.
    std::thread::sleep(Duration::from_millis(50));
    s.write_all(b"the rest of the body").expect("no reset from the host");
    assert!(s.take_error().expect("socket").is_none());
}
