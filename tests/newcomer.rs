//! The rough edges a newcomer meets first: a port already taken, a code nobody printed, the values of
//! the placard options, and the comments of a new site file.

mod common;

use std::net::TcpListener;
use std::time::Instant;

#[test]
fn a_port_already_taken_fails_at_once_naming_it_before_any_build() {
    let dir = common::fixture();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("addr").to_string();
    for watch in [false, true] {
        let mut args = vec!["serve", "--addr", addr.as_str()];
        if watch {
            args.push("--watch");
        }
        let started = Instant::now();
        let out = common::disan(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!("watch={watch}: refused after {:?}", started.elapsed());
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("cannot listen on {addr}")) && stderr.contains("already in use"), "{stderr}");
        assert!(stderr.contains("--addr"), "says how to choose another port: {stderr}");
        // Nothing was built: the check came first.
        assert!(!dir.path().join("dist").exists(), "the build started before the port was checked");
    }
}

#[test]
fn an_unknown_code_says_so_in_the_visitors_language() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let agent = ureq::Agent::new_with_config(ureq::config::Config::builder().http_status_as_error(false).build());
    let get = |path: &str, lang: &str| {
        let mut res =
            agent.get(&format!("{}{path}", server.base)).header("Accept-Language", lang).call().expect("request");
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().expect("body"))
    };
    let (status, en) = get("/q/no-such-code", "en-GB,en;q=0.9");
    assert_eq!(status, 404);
    assert!(en.contains("lang=\"en\"") && en.contains("Unknown code"), "{en}");
    assert!(en.contains("The code “no-such-code” is not known here"), "{en}");
    assert!(en.contains("href=\"/en/\""), "links to the sites: {en}");
    // In the site's look (its style sheet and header), with every site listed in the visitor's language.
    assert!(en.contains("<link rel=\"stylesheet\" href=\"/_/page."), "styled: {en}");
    let sites = en.matches("<li><a href=\"/en/").count();
    assert!(sites >= 1 && en.contains("<h1>Unknown code</h1>"), "{sites} sites listed: {en}");
    let (status, vi) = get("/q/no-such-code", "vi");
    assert_eq!(status, 404);
    assert!(vi.contains("lang=\"vi\"") && vi.contains("Mã “no-such-code” không có trong hệ thống"), "{vi}");
    let (_, hostile) = get("/q/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "en");
    assert!(!hostile.contains("<script>") && hostile.contains("&lt;script&gt;"), "{hostile}");
    // A known code still redirects.
    let res = agent.get(&format!("{}/q/t-1", server.base)).config().max_redirects(0).build().call().expect("redirect");
    assert_eq!(res.status().as_u16(), 302);
}

#[test]
fn placards_help_lists_the_sizes_and_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::disan(dir.path(), &["placards", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("[possible values: sticker, a6, a5, a4]"), "{help}");
    assert!(help.contains("[possible values: a4, a3]"), "{help}");
    assert!(help.contains("--cut-contour"), "{help}");
}

#[test]
fn ctrl_c_on_the_live_preview_does_not_wait_for_a_waiting_page() {
    let dir = common::fixture();
    let server = common::Server::start_args(dir.path(), &[std::ffi::OsStr::new("--watch")]);
    // A preview page asks for the build after the current one and waits (up to 20 s) for it.
    let url = format!("{}/_/preview/status?after=1", server.base);
    let waiting = std::thread::spawn(move || common::client().get(&url).call().map(|r| r.status().as_u16()));
    // Give the request time to reach the host; without it the test would pass without testing anything,
    // never fail wrongly.
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(!waiting.is_finished(), "the status request should still be waiting for a newer build");
    // SIGTERM, then a clean exit within 5 s: the host's 10 s grace for requests in flight is not spent
    // on the waiting page, which is answered at once.
    assert!(server.terminate(), "serve --watch did not stop promptly with a long-poll open");
    assert_eq!(waiting.join().expect("thread").ok(), Some(200), "the waiting page got its answer");
}
