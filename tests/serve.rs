//! The host over a real socket: status codes, types, ranges, validators, caching, compression, hostile
//! paths, and a clean stop on SIGTERM.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

fn get(agent: &ureq::Agent, url: &str, headers: &[(&str, &str)]) -> (u16, http::HeaderMap, Vec<u8>) {
    let mut req = agent.get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.body_mut().read_to_vec().expect("body");
    (status, headers, body)
}

fn header<'a>(h: &'a http::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Sends a raw request line, so no client library can normalise the path first.
fn raw_status(base: &str, path: &str) -> (u16, String) {
    raw_request(base, &format!("GET {path} HTTP/1.1"))
}

fn raw_request(base: &str, request_line: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "{request_line}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

#[test]
fn serves_the_built_site_over_http() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = common::client();
    let b = &server.base;

    // `/` sends visitors on to their language (tests/pages.rs).
    for path in ["/vi/", "/en/", "/vi/demo/", "/en/demo/", "/vi/other/", "/healthz"] {
        let (status, h, _) = get(&agent, &format!("{b}{path}"), &[]);
        assert_eq!(status, 200, "{path}");
        if path != "/healthz" {
            assert!(header(&h, "content-type").starts_with("text/html"), "{path}: {}", header(&h, "content-type"));
            assert_eq!(header(&h, "cache-control"), "no-cache", "{path}");
        }
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    }

    let (status, h, _) = get(&agent, &format!("{b}/vi/demo?x=1"), &[]);
    assert_eq!((status, header(&h, "location")), (301, "/vi/demo/?x=1"), "directory without slash redirects");

    let (status, h, body) = get(&agent, &format!("{b}/vi/khong-co/"), &[]);
    assert_eq!(status, 404);
    assert!(header(&h, "content-type").starts_with("text/html"));
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("/vi/demo/") && body.contains("Đền Thử Nghiệm"), "friendly 404 lists the sites: {body}");

    // Fingerprinted assets: right type, cached for a year, compressed when asked.
    let page = String::from_utf8(get(&agent, &format!("{b}/vi/demo/"), &[]).2).expect("utf-8");
    let js = page.split("src=\"/_/viewer.").nth(1).and_then(|s| s.split('"').next()).expect("viewer link");
    let js_url = format!("{b}/_/viewer.{js}");
    let (status, h, plain) = get(&agent, &js_url, &[]);
    assert_eq!(status, 200);
    assert!(header(&h, "content-type").contains("javascript"), "{}", header(&h, "content-type"));
    assert!(header(&h, "cache-control").contains("immutable"));
    let (_, h, br) = get(&agent, &js_url, &[("accept-encoding", "br")]);
    assert_eq!(header(&h, "content-encoding"), "br");
    assert!(br.len() < plain.len(), "brotli is smaller");
    let (_, h, _) = get(&agent, &js_url, &[("accept-encoding", "gzip")]);
    assert_eq!(header(&h, "content-encoding"), "gzip");
    let (_, h, body) = get(&agent, &js_url, &[("accept-encoding", "br;q=0, gzip;q=0")]);
    assert_eq!((header(&h, "content-encoding"), body.len()), ("", plain.len()), "q=0 refuses an encoding");
    let (status, raw) = raw_request(b, &format!("HEAD /_/viewer.{js} HTTP/1.1"));
    assert_eq!(status, 200);
    assert!(raw.to_ascii_lowercase().contains(&format!("content-length: {}", plain.len())), "{raw}");
    assert!(raw.ends_with("\r\n\r\n"), "HEAD has no body");
    let css = page
        .split("<link rel=\"stylesheet\" href=\"/_/tour.")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("css link");
    let (_, h, _) = get(&agent, &format!("{b}/_/tour.{css}"), &[]);
    assert!(header(&h, "content-type").starts_with("text/css"));

    // Narration audio: ranges for seeking on phones.
    let audio =
        page.split("<audio controls preload=\"none\" src=\"").nth(1).and_then(|s| s.split('"').next()).expect("audio");
    let (status, h, body) = get(&agent, &format!("{b}{audio}"), &[("range", "bytes=100-199")]);
    assert_eq!(status, 206);
    assert_eq!(body.len(), 100);
    assert!(header(&h, "content-range").starts_with("bytes 100-199/"));
    assert_eq!(header(&h, "content-type"), "audio/mpeg");
    let (status, _, _) = get(&agent, &format!("{b}{audio}"), &[("range", "bytes=99999999-")]);
    assert_eq!(status, 416);

    // Validators: a page revalidates to 304 with its ETag.
    let (_, h, _) = get(&agent, &format!("{b}/en/demo/"), &[]);
    let etag = header(&h, "etag").to_string();
    assert!(etag.starts_with('"'), "{etag}");
    let (status, h2, body) = get(&agent, &format!("{b}/en/demo/"), &[("if-none-match", &etag)]);
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(header(&h2, "etag"), etag);
    let (status, _, _) = get(&agent, &format!("{b}/en/demo/"), &[("if-none-match", "\"other\"")]);
    assert_eq!(status, 200);

    let (status, _, _) = get(&agent, &format!("{b}/media/demo/nothing.jpg"), &[]);
    assert_eq!(status, 404);
    let res = agent.post(&format!("{b}/")).send_empty().expect("post");
    assert_eq!(res.status().as_u16(), 405);

    assert!(server.terminate(), "SIGTERM ends the server cleanly");
}

#[test]
fn hostile_paths_never_leave_dist() {
    let dir = common::fixture();
    // A file outside dist that a traversal would reach.
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").expect("write");
    let server = common::Server::start(dir.path());
    let hostile = [
        "/../secret.txt",
        "/vi/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/vi%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/secret.txt%00.html",
        "/vi/%00",
        "/./../secret.txt",
        "/.dist-cache/",
        "/../../../../../../etc/passwd",
        "/%c0%ae%c0%ae/secret.txt",
        "/sites/demo.yaml",
        "/../sites/demo.yaml",
        "//secret.txt",
    ];
    for path in hostile {
        let (status, text) = raw_status(&server.base, path);
        assert!(status == 400 || status == 404, "{path} → {status}");
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("root:x:") && !text.contains("schema: 1"),
            "{path} leaked"
        );
    }
    let long = format!("/{}", "a/".repeat(3000));
    let (status, _) = raw_status(&server.base, &long);
    assert!(status == 400 || status == 404 || status == 414 || status == 431, "long path → {status}");
    // Non-canonical addresses move to the one canonical address, never to `//host/…` (another site).
    for (path, canonical) in
        [("//vi", "/vi/"), ("//vi///demo", "/vi/demo/"), ("/vi/%64emo/", "/vi/demo/"), ("/%2f/vi", "/vi/")]
    {
        let (status, text) = raw_status(&server.base, path);
        if status == 400 {
            continue;
        }
        assert_eq!(status, 301, "{path}: {text}");
        assert!(text.to_ascii_lowercase().contains(&format!("location: {canonical}\r\n")), "{path}: {text}");
    }
    let (status, _) = raw_status(&server.base, "/vi/demo/");
    assert_eq!(status, 200, "server still healthy after hostile requests");
}

/// Runs `disan serve` on a free port and waits (at most a minute) for it to exit by itself; returns its
/// status and standard error. A host that starts instead of refusing fails the test.
fn serve_expecting_exit(root: &std::path::Path) -> (std::process::ExitStatus, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_disan"))
        .env("DISAN_LANG", "en")
        .arg("--root")
        .arg(root)
        .args(["serve", "--addr", "127.0.0.1:0", "--no-scans"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start disan serve");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for disan serve") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("disan serve kept running instead of refusing to start");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("read stderr");
    (status, stderr)
}

/// A missing or corrupt code table would make every placard open the unknown-code page: the host refuses to
/// start instead, naming the file and what is wrong with it.
#[test]
fn refuses_to_start_without_a_readable_code_table() {
    let dir = common::fixture();
    assert!(common::disan(dir.path(), &["build"]).status.success());
    let table = dir.path().join("dist/_/links.json");
    let good = std::fs::read_to_string(&table).expect("links.json");
    assert!(good.contains("\"codes\""), "{good}");

    std::fs::write(&table, &good[..good.len() / 2]).expect("corrupt links.json");
    let (status, stderr) = serve_expecting_exit(dir.path());
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains(&table.display().to_string()) && stderr.contains("is corrupt"), "{stderr}");
    assert!(stderr.contains("EOF while parsing"), "says what is wrong: {stderr}");
    assert!(!stderr.contains("serving "), "{stderr}");

    std::fs::remove_file(&table).expect("remove links.json");
    let (status, stderr) = serve_expecting_exit(dir.path());
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains(&table.display().to_string()) && stderr.contains("No such file"), "{stderr}");
}
