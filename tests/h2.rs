//! HTTP/2 over TLS against the real binary: hyper's own client fetching a tour page and its tiles over one
//! connection, and Chromium loading the tour over HTTPS with a test certificate and choosing `h2`.

mod common;

use common::wire::self_signed;

use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;

use common::browser::Browser;
use http::{Request, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio_rustls::rustls;

fn tls_server(dir: &Path) -> (common::Server, rustls::pki_types::CertificateDer<'static>) {
    let (cert, key, der) = self_signed(dir);
    let server = common::Server::start_args(
        dir,
        &[OsStr::new("--tls-cert"), cert.as_os_str(), OsStr::new("--tls-key"), key.as_os_str()],
    );
    assert!(server.base.starts_with("https://"), "{}", server.base);
    (server, der)
}

type Sender = hyper::client::conn::http2::SendRequest<axum::body::Body>;

/// One request on the connection: status, version, content type and body.
async fn fetch(sender: &Sender, base: &str, path: &str) -> (StatusCode, Version, String, Vec<u8>) {
    let req = Request::get(format!("{base}{path}")).body(axum::body::Body::empty()).expect("request");
    let res = sender.clone().send_request(req).await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let (status, version) = (res.status(), res.version());
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = axum::body::to_bytes(axum::body::Body::new(res.into_body()), 64 << 20).await.expect("body");
    (status, version, ct, body.to_vec())
}

#[test]
fn a_page_and_its_tiles_come_over_one_http2_connection() {
    let dir = common::fixture();
    let (server, der) = tls_server(dir.path());
    let (base, addr) = (server.base.clone(), server.addr());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der).expect("trust the test certificate");
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("protocols")
                .with_root_certificates(roots)
                .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let tcp = tokio::net::TcpStream::connect(&addr).await.expect("connect");
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.expect("handshake");
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]), "the host offers HTTP/2");
        let (sender, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls)).await.expect("h2");
        let connection = tokio::spawn(conn);

        let (status, version, ct, page) = fetch(&sender, &base, "/vi/demo/").await;
        assert_eq!((status, version), (StatusCode::OK, Version::HTTP_2));
        assert!(ct.starts_with("text/html"), "{ct}");
        let page = String::from_utf8(page).expect("utf-8");
        assert!(page.contains("Đền Thử Nghiệm"), "the page itself");
        // Every tile of the first level and the fallback faces, all at once on the same connection.
        let tiles = page
            .split("\"/media/demo/cong.")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.ends_with('/'))
            .expect("tile base")
            .to_string();
        let mut paths: Vec<String> = Vec::new();
        for face in ["f", "b", "u", "d", "l", "r"] {
            paths.push(format!("/media/demo/cong.{tiles}1/{face}0_0.jpg"));
            paths.push(format!("/media/demo/cong.{tiles}fallback/{face}.jpg"));
        }
        let asked: Vec<_> = paths
            .iter()
            .map(|p| {
                let (sender, base, p) = (sender.clone(), base.clone(), p.clone());
                tokio::spawn(async move { (p.clone(), fetch(&sender, &base, &p).await) })
            })
            .collect();
        for task in asked {
            let (path, (status, version, ct, body)) = task.await.expect("task");
            assert_eq!((status, version), (StatusCode::OK, Version::HTTP_2), "{path}");
            assert_eq!(ct, "image/jpeg", "{path}");
            assert!(body.starts_with(&[0xFF, 0xD8]) && body.len() > 100, "{path}: a JPEG");
        }
        let (status, ..) = fetch(&sender, &base, "/q/t-1").await;
        assert_eq!(status, StatusCode::FOUND);
        assert!(!connection.is_finished(), "all of it on the one connection");
    });
}

#[test]
fn chromium_loads_a_tour_over_https_with_http2() {
    let Some(b) = Browser::start_with(390, 844, &["--ignore-certificate-errors"]) else { return };
    let dir = common::fixture();
    let (server, _) = tls_server(dir.path());
    b.goto(&format!("{}/vi/demo/", server.base));
    b.wait_for("the first panorama drawn", "return document.getElementById('tour').classList.contains('tour--ready')");
    let page = b.js("return performance.getEntries()[0].nextHopProtocol");
    assert_eq!(page, "h2", "the page came over HTTP/2");
    let media = b.wait_for(
        "tiles loaded",
        "var m=performance.getEntriesByType('resource').filter(function(e){return e.name.indexOf('/media/')>=0});\
         return m.length>0 && m.map(function(e){return e.nextHopProtocol})",
    );
    let protocols = media.as_array().expect("protocols");
    // Files the page's service worker answered (it keeps a visited site for offline use) report no
    // protocol of their own; every file that did name one came over HTTP/2, and most did.
    let named: Vec<_> = protocols.iter().filter(|p| p.as_str().is_some_and(|p| !p.is_empty())).collect();
    assert!(named.iter().all(|p| *p == "h2"), "{protocols:?}");
    assert!(named.len() >= 6, "most media came over the network, and over HTTP/2: {protocols:?}");
}

#[test]
fn no_http2_offers_http_1_1_only() {
    let dir = common::fixture();
    let (cert, key, der) = self_signed(dir.path());
    let server = common::Server::start_args(
        dir.path(),
        &[
            OsStr::new("--tls-cert"),
            cert.as_os_str(),
            OsStr::new("--tls-key"),
            key.as_os_str(),
            OsStr::new("--no-http2"),
        ],
    );
    let addr = server.addr();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let alpn = rt.block_on(async move {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der).expect("trust the test certificate");
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("protocols")
                .with_root_certificates(roots)
                .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let tcp = tokio::net::TcpStream::connect(&addr).await.expect("connect");
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.expect("handshake");
        tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec)
    });
    assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
}
