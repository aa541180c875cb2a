//! Scan counts: each `/q/{code}` is recorded before its redirect, survives the host being killed, and is
//! reported by `disan stats` and the token-protected `/api/stats` alike. No personal data is stored.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn scans_in(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row("SELECT COUNT(*) FROM scans", [], |r| r.get(0)).expect("count")
}

#[test]
fn scans_are_counted_and_reported() {
    let dir = common::fixture();
    let db = dir.path().join("data/scans.sqlite3");
    let server = common::Server::start_args(
        dir.path(),
        &[OsStr::new("--db"), db.as_os_str(), OsStr::new("--stats-token"), OsStr::new("s3cret-token")],
    );
    let agent = common::client();
    let b = &server.base;
    let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
    // Two phones (the same phone scanning the same code again within minutes counts once).
    let other_phone = "Mozilla/5.0 (Linux; Android 14; SM-A155F) Mobile Safari/537.36";
    for (code, lang, ua) in [
        ("t-1", "vi", phone),
        ("T-1", "en", other_phone),
        ("t-1", "en", "Mozilla/5.0 (Windows NT 10.0)"),
        ("t-2", "vi", phone),
    ] {
        let res = agent
            .get(&format!("{b}/q/{code}"))
            .header("accept-language", lang)
            .header("user-agent", ua)
            .call()
            .expect("scan");
        assert_eq!(res.status().as_u16(), 302);
    }
    let res = agent.get(&format!("{b}/q/unknown")).call().expect("unknown");
    assert_eq!(res.status().as_u16(), 404);

    // The endpoint refuses without the right token.
    assert_eq!(agent.get(&format!("{b}/api/stats")).call().expect("no token").status().as_u16(), 401);
    let wrong = agent.get(&format!("{b}/api/stats")).header("authorization", "Bearer nope").call().expect("wrong");
    assert_eq!(wrong.status().as_u16(), 401);
    let mut ok =
        agent.get(&format!("{b}/api/stats")).header("authorization", "Bearer s3cret-token").call().expect("stats");
    assert_eq!(ok.status().as_u16(), 200);
    let api: serde_json::Value = ok.body_mut().read_json().expect("json");
    assert_eq!(api["total"], 4);
    assert_eq!(api["sites"][0], serde_json::json!({"key": "demo", "scans": 3}));
    assert_eq!(api["placards"][0], serde_json::json!({"key": "t-1", "site": "demo", "scans": 3}));
    let bad = agent
        .get(&format!("{b}/api/stats?from=yesterday"))
        .header("authorization", "Bearer s3cret-token")
        .call()
        .expect("bad");
    assert_eq!(bad.status().as_u16(), 400);

    // The command line reads the same database and agrees.
    let out = common::disan(dir.path(), &["stats", "--db", db.to_str().expect("utf-8"), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(cli, api);
    let csv = common::disan(dir.path(), &["stats", "--db", db.to_str().expect("utf-8"), "--format", "csv"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(csv.starts_with("group,key,site,scans\nsite,demo,,3\nsite,other,,1\n"), "{csv}");

    // Only coarse, non-personal columns are stored.
    let conn = rusqlite::Connection::open(&db).expect("db");
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('scans')").expect("columns");
    let cols: Vec<String> = stmt.query_map([], |r| r.get(0)).expect("query").map(|c| c.expect("col")).collect();
    assert_eq!(cols, ["id", "code", "site", "scene", "at", "lang", "device"]);
    let devices: Vec<String> = conn
        .prepare("SELECT device FROM scans ORDER BY id")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("q")
        .map(|d| d.expect("d"))
        .collect();
    assert_eq!(devices, ["phone", "phone", "desktop", "phone"]);
}

#[test]
fn stats_endpoint_is_off_without_a_token() {
    let dir = common::fixture();
    let server = common::Server::start(dir.path());
    let res = common::client().get(&format!("{}/api/stats", server.base)).call().expect("stats");
    assert_eq!(res.status().as_u16(), 404);
}

#[test]
fn acknowledged_scans_survive_a_killed_host() {
    let dir = common::fixture();
    let db = dir.path().join("scans.sqlite3");
    // Every request from its own device, and no ceiling: each redirect here stands for a recorded scan.
    let server = common::Server::start_args(
        dir.path(),
        &[
            OsStr::new("--db"),
            db.as_os_str(),
            OsStr::new("--max-scans-per-second"),
            OsStr::new("0"),
            OsStr::new("--client-rate"),
            OsStr::new("0"),
        ],
    );
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (base, acked, stop) = (server.base.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent = common::client();
                // Bounded: at most 2000 requests per client, and only until the host is gone.
                for i in 0..2000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    match agent.get(&format!("{base}/q/t-1")).header("user-agent", format!("device-{c}-{i}")).call() {
                        Ok(r) if r.status().as_u16() == 302 => {
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                        _ => break,
                    }
                }
            })
        })
        .collect();
    let started = std::time::Instant::now();
    while acknowledged.load(Ordering::SeqCst) < 300 {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "300 scans were not answered within 60 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    let acked = acknowledged.load(Ordering::SeqCst) as i64;
    let stored = scans_in(&db);
    assert!(stored >= acked, "{acked} redirects were received but only {stored} scans are in the database");
    // And a restarted host keeps counting into the same database.
    let server = common::Server::start_args(dir.path(), &[OsStr::new("--db"), db.as_os_str()]);
    common::client().get(&format!("{}/q/t-2", server.base)).call().expect("scan after restart");
    assert_eq!(scans_in(&db), stored + 1);
}
