//! The host tried as an attacker would, on loopback against the real binary (issue 14): a connection flood
//! from one address, slow readers of large ranges, a client hammering a placard code, a rebuild under a
//! running host, RFC 9110 ranges and conditionals on a large file, a scan database that cannot be written,
//! links inside the output, and requests that HTTP/1.1 refuses. Every flood is bounded in count and time.

mod common;

use common::wire::{header, raw};

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str, extra: &str) -> (u16, String) {
    raw(addr, format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n").as_bytes())
}

/// Raises this process's open-file limit as far as allowed; returns the new soft limit.
fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let _ = setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, ..limit });
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// Resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    kb * 1024
}

/// Bytes that differ from position to position, so a misplaced range shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

#[cfg(target_os = "linux")]
#[test]
fn a_flood_from_one_address_leaves_room_for_everyone_else() {
    let fds = raise_fd_limit();
    let flood = 10_000.min(fds.saturating_sub(200) as usize);
    let dir = common::fixture();
    // A cap the flood could fill ten times over if one address were not held to its share.
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--max-connections"), OsStr::new("1000"), OsStr::new("--log"), OsStr::new("off")],
    );
    let addr: SocketAddr = server.addr().parse().expect("address");
    // The attacker: keep-alive connections from 127.0.0.2, each asking for /healthz, all kept open.
    let attacker = std::thread::spawn(move || {
        let mut held = Vec::with_capacity(flood);
        let started = Instant::now();
        for _ in 0..flood {
            if started.elapsed() > Duration::from_secs(60) {
                break;
            }
            let Ok(s) = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None) else { break };
            let from: SocketAddr = "127.0.0.2:0".parse().expect("address");
            if s.bind(&from.into()).is_err() || s.connect_timeout(&addr.into(), Duration::from_secs(2)).is_err() {
                continue;
            }
            let mut s: TcpStream = s.into();
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            held.push(s);
        }
        held
    });
    // Another visitor, from 127.0.0.1, all the while.
    let mut worst = Duration::ZERO;
    let mut probes = 0;
    let started = Instant::now();
    while (!attacker.is_finished() || probes < 10) && started.elapsed() < Duration::from_secs(90) {
        let t = Instant::now();
        let (status, text) = get(&server.addr(), "/healthz", "");
        assert_eq!(status, 200, "probe {probes}: {text}");
        worst = worst.max(t.elapsed());
        probes += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let held = attacker.join().expect("attacker");
    // How many of the attacker's connections the host serves: the ones that got an answer.
    let mut answered = 0;
    for mut s in held {
        s.set_read_timeout(Some(Duration::from_millis(1))).expect("timeout");
        let mut buf = [0u8; 64];
        if matches!(s.read(&mut buf), Ok(n) if n > 0 && buf.starts_with(b"HTTP/1.1 200")) {
            answered += 1;
        }
    }
    eprintln!("{flood} attacking connections, {answered} served; {probes} probes, slowest {worst:?}");
    assert!((1..=64).contains(&answered), "one address holds at most 64 connections: {answered}");
    assert!(worst < Duration::from_secs(1), "another client waited {worst:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn slow_readers_of_a_large_file_do_not_grow_memory() {
    raise_fd_limit();
    let dir = common::fixture();
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--max-per-client"), OsStr::new("1000"), OsStr::new("--client-rate"), OsStr::new("0")],
    );
    std::fs::write(dir.path().join("dist/media/big.bin"), pattern(20_000_000)).expect("write");
    let addr: SocketAddr = server.addr().parse().expect("address");
    let before = rss(server.pid());
    let readers: Vec<TcpStream> = (0..300)
        .map(|_| {
            let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
            s.set_recv_buffer_size(4096).expect("small receive buffer");
            s.connect(&addr.into()).expect("connect");
            let mut s: TcpStream = s.into();
            s.write_all(b"GET /media/big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4194303\r\n\r\n").expect("send");
            s
        })
        .collect();
    // None of them reads; the host keeps trying to send to all of them.
    let mut most = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(4) {
        most = most.max(rss(server.pid()));
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("host memory {} MB before, at most {} MB with 300 stalled readers", before >> 20, most >> 20);
    assert!(most < 100 << 20, "{} MB", most >> 20);
    // And they are being answered: the first reader gets its range.
    let mut first = readers.into_iter().next().expect("a reader");
    first.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut head = [0u8; 12];
    first.read_exact(&mut head).expect("an answer");
    assert_eq!(&head, b"HTTP/1.1 206");
}

fn scans_in(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row("SELECT COUNT(*) FROM scans", [], |r| r.get(0)).expect("count")
}

#[test]
fn hammering_a_placard_code_adds_a_handful_of_rows() {
    let dir = common::fixture();
    let db = dir.path().join("scans.sqlite3");
    let server = common::Server::start_args(
        dir.path(),
        &[
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--log"),
            OsStr::new("off"),
            OsStr::new("--max-scans-per-second"),
            OsStr::new("20"),
        ],
    );
    let agent = common::client();
    let url = format!("{}/q/t-1", server.base);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    // HEAD is no visit.
    for i in 0..20 {
        let res = agent.head(&url).header("user-agent", format!("head/{i}")).call().expect("head");
        assert_eq!(res.status().as_u16(), 302);
    }
    assert_eq!(scans_in(&db), 0, "HEAD never counts");
    // One client, one code, as fast as it can (bounded): one scan.
    for _ in 0..1500 {
        let s = agent.get(&url).header("user-agent", "hammer/1").call().expect("scan").status().as_u16();
        *statuses.entry(s).or_default() += 1;
    }
    assert!(statuses.keys().all(|s| *s == 302 || *s == 429), "{statuses:?}");
    assert!(statuses[&302] >= 300, "the visitor is redirected: {statuses:?}");
    assert_eq!(scans_in(&db), 1, "the same client and code count once");
    // A forged device on every request: the host-wide ceiling (20 a second, a burst of 40) holds.
    std::thread::sleep(Duration::from_millis(1100));
    let started = Instant::now();
    for i in 0..300 {
        let res = agent.get(&url).header("user-agent", format!("forged/{i}")).call().expect("scan");
        assert!(matches!(res.status().as_u16(), 302 | 429));
    }
    let seconds = started.elapsed().as_secs_f64();
    let rows = scans_in(&db) - 1;
    let bound = 40 + (20.0 * seconds).ceil() as i64;
    assert!(rows <= bound, "{rows} rows in {seconds:.1} s (at most {bound})");
    assert!(rows >= 20, "scans under the ceiling are still counted: {rows}");
}

#[test]
fn a_rebuild_under_a_running_host_is_picked_up_whole() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let addr = server.addr();
    let (status, page) = get(&addr, "/vi/demo/", "");
    assert_eq!(status, 200);
    let tile_base = |page: &str| {
        page.split("\"/media/demo/cong.")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.ends_with('/'))
            .map(str::to_string)
            .expect("tile base")
    };
    let tiles = tile_base(&page);
    let old_tile = format!("/media/demo/cong.{tiles}1/f0_0.jpg");
    assert_eq!(get(&addr, &old_tile, "").0, 200, "{old_tile}");
    assert_eq!(get(&addr, "/q/t-9", "").0, 404);

    // A new title, a new placard, a changed panorama; built while the host runs.
    let yaml = dir.path().join("sites/demo.yaml");
    let text = std::fs::read_to_string(&yaml).expect("yaml");
    let text = text.replacen("vi: Đền Thử Nghiệm", "vi: Đền Đã Sửa", 1).replacen(
        "placards:\n",
        "placards:\n  - code: t-9\n    scene: san\n    label:\n      vi: Sân\n      en: Yard\n",
        1,
    );
    std::fs::write(&yaml, text).expect("edit");
    common::panorama(2048, 1024, 150).save(dir.path().join("content/demo/panoramas/cong.jpg")).expect("panorama");
    let out = common::disan(dir.path(), &["build", "--out", dir.path().join("dist").to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let started = Instant::now();
    let page = loop {
        let (status, page) = get(&addr, "/vi/demo/", "");
        assert_eq!(status, 200);
        if page.contains("Đền Đã Sửa") {
            break page;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the new build was not picked up");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!page.contains(&format!("cong.{tiles}")), "the panorama changed, so did its tiles' address");
    let (status, text) = get(&addr, "/q/t-9", "");
    assert_eq!(status, 302, "the new placard: {text}");
    assert!(header(&text, "location").is_some_and(|l| l.starts_with("/vi/demo/")), "{text}");
    assert_eq!(get(&addr, &old_tile, "").0, 200, "an open page's tiles still load");
    let new_tiles = tile_base(&page);
    assert_eq!(get(&addr, &format!("/media/demo/cong.{new_tiles}1/f0_0.jpg"), "").0, 200);
}

/// Status, `Content-Range` with the file's length written as `N`, and whether the body is what the
/// answer says (the whole file, the range, or nothing), for one request.
fn rfc_case(addr: &str, path: &str, file: &[u8], method: &str, extra: &str) -> (u16, Option<String>, bool) {
    let req = format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n");
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    s.write_all(req.as_bytes()).expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let body = &buf[end..];
    let status: u16 = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("status");
    let range = header(&head, "content-range").map(|r| r.replace(&file.len().to_string(), "N"));
    let fine = match (status, method, header(&head, "content-range")) {
        (_, "HEAD", _) | (304 | 416, _, _) => body.is_empty(),
        (200, _, _) => body == file,
        (206, _, Some(cr)) => {
            let (a, b) =
                cr.trim_start_matches("bytes ").split('/').next().and_then(|r| r.split_once('-')).expect("range");
            let (a, b): (usize, usize) = (a.parse().expect("start"), b.parse().expect("end"));
            body == &file[a..=b]
        }
        _ => false,
    };
    (status, range.map(|r| r.replace(&(file.len() - 1).to_string(), "N-1")), fine)
}

/// A request (method, extra header lines) and the status and normalised `Content-Range` it must get.
type Case<'a> = (&'a str, String, (u16, Option<&'a str>));

#[test]
fn ranges_and_conditionals_follow_the_same_rules_for_large_and_small_files() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--client-rate"), OsStr::new("0")]);
    let addr = server.addr();
    let (small, large) = (pattern(20_000), pattern(20_000_000));
    std::fs::write(dir.path().join("dist/media/small.bin"), &small).expect("write");
    std::fs::write(dir.path().join("dist/media/large.bin"), &large).expect("write");
    let etag = |path: &str| {
        let (_, text) = raw(&addr, format!("HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
        header(&text, "etag").expect("etag").to_string()
    };
    let future = "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n";
    for (path, file) in [("/media/small.bin", &small), ("/media/large.bin", &large)] {
        let tag = etag(path);
        let cases: Vec<Case> = vec![
            ("GET", String::new(), (200, None)),
            ("GET", "Range: bytes=0-99\r\n".into(), (206, Some("bytes 0-99/N"))),
            ("GET", "Range: bytes=100-\r\n".into(), (206, Some("bytes 100-N-1/N"))),
            ("GET", "Range: bytes=-999999999999\r\n".into(), (206, Some("bytes 0-N-1/N"))),
            ("GET", "Range: bytes=0-0,-1\r\n".into(), (200, None)),
            ("GET", "Range: items=1-2\r\n".into(), (200, None)),
            ("GET", "Range: bytes=5-1\r\n".into(), (200, None)),
            ("GET", "Range: bytes=+1-2\r\n".into(), (200, None)),
            ("GET", "Range: bytes=99999999-\r\n".into(), (416, Some("bytes */N"))),
            ("GET", format!("Range: bytes=10-19\r\nIf-Range: {tag}\r\n"), (206, Some("bytes 10-19/N"))),
            ("GET", "Range: bytes=10-19\r\nIf-Range: \"stale-1\"\r\n".into(), (200, None)),
            ("GET", "Range: bytes=10-19\r\nIf-Range: Fri, 01 Jan 2100 00:00:00 GMT\r\n".into(), (200, None)),
            ("GET", format!("If-None-Match: {tag}\r\n"), (304, None)),
            ("GET", format!("If-None-Match: \"other\"\r\n{future}"), (200, None)),
            ("HEAD", "Range: bytes=0-99\r\n".into(), (200, None)),
        ];
        for (method, extra, (status, range)) in cases {
            let got = rfc_case(&addr, path, file, method, &extra);
            assert_eq!((got.0, got.1.as_deref()), (status, range), "{path} {method} {extra:?}");
            assert!(got.2, "{path} {method} {extra:?}: the body is not what the answer says");
        }
    }
}

#[test]
fn scans_that_cannot_be_written_make_healthz_say_so_and_redirects_go_on() {
    let dir = common::fixture();
    // A database where no file can be made (its folder is a file): even for root, nothing can be written.
    std::fs::write(dir.path().join("data"), "not a folder").expect("write");
    let db = dir.path().join("data/scans.sqlite3");
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--db"), db.as_os_str()]);
    let (status, text) = get(&server.addr(), "/healthz", "");
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("scans cannot be written") && text.contains("data"), "{text}");
    for _ in 0..3 {
        let (status, text) = get(&server.addr(), "/q/t-1", "");
        assert_eq!(status, 302, "{text}");
    }
    let (status, _) = get(&server.addr(), "/vi/demo/", "");
    assert_eq!(status, 200);

    // Writable again (the folder made): within seconds the host is healthy again, the scan that waited
    // in memory is written (the three requests were one visitor's one scan), and so is the next one.
    std::fs::remove_file(dir.path().join("data")).expect("remove");
    std::fs::create_dir(dir.path().join("data")).expect("folder");
    let start = std::time::Instant::now();
    while get(&server.addr(), "/healthz", "").0 != 200 {
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "/healthz not 200 within 20 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(scans_in(&db), 1);
    assert_eq!(get(&server.addr(), "/q/t-2", "User-Agent: another\r\n").0, 302);
    assert_eq!(scans_in(&db), 2);
}

#[cfg(unix)]
#[test]
fn links_inside_the_output_are_not_followed() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--stats-token"), OsStr::new("ENV-SECRET-TOKEN")]);
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").expect("secret");
    std::os::unix::fs::symlink("/", dir.path().join("dist/rootdir")).expect("link");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("dist/vi/leak.txt")).expect("link");
    for path in ["/rootdir/proc/self/environ", "/rootdir/etc/passwd", "/vi/leak.txt", "/rootdir/"] {
        let (status, text) = get(&server.addr(), path, "");
        assert_eq!(status, 404, "{path}");
        assert!(!text.contains("TOP-SECRET") && !text.contains("root:x:") && !text.contains("ENV-SECRET"), "{path}");
    }
}

#[test]
fn http_1_1_rules_are_kept_and_refusals_logged() {
    let dir = common::fixture();
    let server = common::Server::start_logged(
        dir.path(),
        &[
            OsStr::new("--log"),
            OsStr::new("json"),
            OsStr::new("--stats-token"),
            OsStr::new("tok"),
            OsStr::new("--no-scans"),
        ],
    );
    let addr = server.addr();
    let no_host = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(no_host.0, 400, "{}", no_host.1);
    let two = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");
    assert_eq!(two.0, 400, "{}", two.1);
    assert_eq!(raw(&addr, b"GET /healthz HTTP/1.0\r\n\r\n").0, 200, "HTTP/1.0 needs no Host");
    let plus = raw(&addr, b"GET /vi/demo/ HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\nConnection: close\r\n\r\n");
    assert_eq!(plus.0, 400, "{}", plus.1);
    assert_eq!(get(&addr, "/api/stats", "Authorization: bearer tok\r\n").0, 404, "no database: no endpoint");
    let big = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(raw(&addr, big.as_bytes()).0, 431);
    assert_eq!(raw(&addr, b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n").0, 400);
    // Smuggling: a body framed two ways, or two lengths — one answer, then the connection ends.
    for smuggle in [
        &b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /q/t-1 HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\nGET /q/t-1 HTTP/1.1\r\nHost: x\r\n\r\n",
    ] {
        let (status, text) = raw(&addr, smuggle);
        assert!(status == 400 || status == 413, "{text}");
        assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "one answer: {text}");
    }
    let log = server.stop_and_log();
    let statuses: Vec<u64> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .filter_map(|v| v["status"].as_u64())
        .collect();
    for s in [400, 431] {
        assert!(statuses.contains(&s), "a {s} refusal is logged: {log}");
    }
    assert!(log.contains("\"method\":\"-\",\"path\":\"-\""), "refused before being read: {log}");
    assert_eq!(statuses.len(), 9, "every request, answered or refused, has its line: {log}");
}

#[test]
fn the_stats_token_scheme_is_case_insensitive() {
    let dir = common::fixture();
    let db = dir.path().join("scans.sqlite3");
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--db"), db.as_os_str(), OsStr::new("--stats-token"), OsStr::new("tok")],
    );
    for scheme in ["Bearer", "bearer", "BEARER"] {
        assert_eq!(get(&server.addr(), "/api/stats", &format!("Authorization: {scheme} tok\r\n")).0, 200, "{scheme}");
    }
    assert_eq!(get(&server.addr(), "/api/stats", "Authorization: Basic tok\r\n").0, 401);
}
