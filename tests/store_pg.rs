//! Several hosts, one count: real `disan serve` processes counting scans into a real PostgreSQL server
//! that the test starts itself (`initdb` + `pg_ctl` in a temporary folder on a free port). Every
//! acknowledged redirect is counted exactly once, through concurrent load on two hosts, a host killed
//! with SIGKILL and the database restarted mid-load; `disan stats` says the same on both stores.
//!
//! Without PostgreSQL's server programs (on PATH or in `/usr/lib/postgresql/*/bin`) the tests are
//! skipped with a message, or fail when `DISAN_REQUIRE_TOOLS=1`.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A PostgreSQL server in a temporary folder, stopped when dropped.
struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Run the server's programs as `nobody` (initdb refuses root).
    as_nobody: bool,
}

fn required() -> bool {
    std::env::var("DISAN_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// The folder holding `initdb` and `pg_ctl`.
fn server_programs() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file());
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| Some(e.ok()?.path().join("bin")))
            .filter(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
            .collect();
        found.sort_by_key(|d| d.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()).unwrap_or(0));
        found.pop()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

impl Pg {
    /// Starts a fresh server, or `None` (with a message) when its programs are not installed.
    fn start() -> Option<Pg> {
        let Some(bin) = server_programs() else {
            assert!(!required(), "DISAN_REQUIRE_TOOLS=1 but PostgreSQL's initdb and pg_ctl are not installed");
            eprintln!("skipped: PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)");
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let as_nobody = rustix::process::getuid().is_root();
        if as_nobody {
            std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).expect("give the folder to nobody");
        }
        let pg = Pg { dir, bin, port: free_port(), as_nobody };
        let data = pg.data();
        let out = pg
            .program("initdb")
            .args(["-U", "disan", "--auth=trust", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("run initdb");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        pg.up();
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn program(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_nobody {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// Starts the server and waits (60 s at most) until it accepts connections.
    fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .program("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-o", &options, "start"])
            .output()
            .expect("run pg_ctl start");
        let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        assert!(out.status.success(), "pg_ctl start failed: {}\n{log}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stops the server (fast: open connections are ended) and waits until it has.
    fn down(&self) {
        let out = self
            .program("pg_ctl")
            .args(["-w", "-t", "60", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("stop")
            .output()
            .expect("run pg_ctl stop");
        assert!(out.status.success(), "pg_ctl stop failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn url(&self) -> String {
        format!("postgres://disan@127.0.0.1:{}/postgres", self.port)
    }

    /// Rows in the scans table.
    fn scans(&self) -> i64 {
        self.query_one("SELECT count(*) FROM scans")
    }

    fn query_one(&self, sql: &str) -> i64 {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let (client, conn) =
                tokio_postgres::connect(&self.url(), tokio_postgres::NoTls).await.expect("connect to the test server");
            tokio::spawn(conn);
            client.query_one(sql, &[]).await.expect(sql).get(0)
        })
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = self.program("pg_ctl").args(["-m", "immediate", "-D"]).arg(self.data()).arg("stop").output();
    }
}

/// A host on `root` counting into `db`, every scan counted (no ceiling, no per-client rate).
fn host(root: &Path, out: &str, db: &str) -> common::Server {
    common::Server::start_args(
        root,
        &[
            OsStr::new("--out"),
            &root.join(out).into_os_string(),
            OsStr::new("--db"),
            OsStr::new(db),
            OsStr::new("--max-scans-per-second"),
            OsStr::new("0"),
            OsStr::new("--client-rate"),
            OsStr::new("0"),
        ],
    )
}

/// Clients sending `/q/t-1` scans, each from a new device, to some hosts in turn until stopped or
/// `per_client` are sent; counts the redirects received.
struct Load {
    redirects: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(bases: &[String], clients: usize, per_client: usize) -> Load {
        let redirects = Arc::new(AtomicUsize::new(0));
        let sent = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..clients)
            .map(|c| {
                let (redirects, sent, stop) = (redirects.clone(), sent.clone(), stop.clone());
                let bases = bases.to_vec();
                std::thread::spawn(move || {
                    let agent = common::client();
                    for i in 0..per_client {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let base = &bases[(c + i) % bases.len()];
                        sent.fetch_add(1, Ordering::SeqCst);
                        let res =
                            agent.get(&format!("{base}/q/t-1")).header("user-agent", format!("load-{c}-{i}")).call();
                        match res {
                            Ok(r) if r.status().as_u16() == 302 => {
                                redirects.fetch_add(1, Ordering::SeqCst);
                            }
                            // A killed host: this client goes on with the others.
                            _ if bases.len() > 1 => {}
                            Ok(r) => panic!("/q/t-1 answered {}", r.status()),
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        Load { redirects, sent, stop, threads }
    }

    fn redirects(&self) -> usize {
        self.redirects.load(Ordering::SeqCst)
    }

    /// Waits (with a deadline) until `n` redirects were received.
    fn wait_for(&self, n: usize, what: &str) {
        wait_until(Duration::from_secs(90), what, || self.redirects() >= n);
    }

    /// Stops the clients and waits for them; returns (redirects, requests sent).
    fn finish(self) -> (usize, usize) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            t.join().expect("client");
        }
        (self.redirects.load(Ordering::SeqCst), self.sent.load(Ordering::SeqCst))
    }
}

fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {} s", limit.as_secs());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn healthz(base: &str) -> (u16, String) {
    match common::client().get(&format!("{base}/healthz")).call() {
        Ok(mut r) => (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

#[test]
fn two_hosts_count_every_redirect_once() {
    let Some(pg) = Pg::start() else { return };
    let dir = common::fixture();
    let a = host(dir.path(), "dist", &pg.url());
    let b = host(dir.path(), "dist", &pg.url());
    assert_eq!(healthz(&a.base).0, 200);
    let load = Load::start(&[a.base.clone(), b.base.clone()], 6, 250);
    load.wait_for(1500, "1500 scans answered by the two hosts");
    let (redirects, sent) = load.finish();
    assert_eq!(redirects, sent, "every scan was redirected");
    assert_eq!(redirects, 1500);
    // Every redirect was committed before it was sent, by whichever host answered it.
    assert_eq!(pg.scans(), 1500, "each of 1500 redirects counted exactly once");
    assert_eq!(pg.query_one("SELECT count(DISTINCT device) FROM scans"), 1);
    // The statistics read from the shared database agree.
    let out = common::disan(dir.path(), &["stats", "--db", &pg.url(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(stats["total"], 1500);
    assert_eq!(stats["placards"][0], serde_json::json!({"key": "t-1", "site": "demo", "scans": 1500}));
}

#[test]
fn a_killed_host_loses_none_of_its_acknowledged_scans() {
    let Some(pg) = Pg::start() else { return };
    let dir = common::fixture();
    let a = host(dir.path(), "dist", &pg.url());
    let b = host(dir.path(), "dist", &pg.url());
    // Load on the host to be killed alone, so its redirects are known apart from the other's.
    let on_a = Load::start(std::slice::from_ref(&a.base), 4, 5000);
    let on_b = Load::start(std::slice::from_ref(&b.base), 2, 300);
    on_a.wait_for(400, "400 scans answered by the first host");
    a.kill();
    let (acked_a, sent_a) = on_a.finish();
    let (acked_b, sent_b) = on_b.finish();
    assert_eq!(acked_b, sent_b, "the other host answered every scan");
    let stored = pg.scans() as usize;
    assert!(
        stored >= acked_a + acked_b,
        "{acked_a} + {acked_b} redirects were received but only {stored} scans are in the database"
    );
    assert!(stored <= sent_a + sent_b, "{stored} scans stored for {} requests", sent_a + sent_b);
    // The other host goes on counting.
    common::client().get(&format!("{}/q/t-2", b.base)).call().expect("scan");
    assert_eq!(pg.scans() as usize, stored + 1);
}

#[test]
fn a_restarted_database_loses_no_scans() {
    let Some(pg) = Pg::start() else { return };
    let dir = common::fixture();
    let a = host(dir.path(), "dist", &pg.url());
    let load = Load::start(std::slice::from_ref(&a.base), 3, 100_000);
    load.wait_for(200, "200 scans before the database stops");
    pg.down();
    // Visitors are still redirected, and the health check tells the truth.
    wait_until(Duration::from_secs(30), "/healthz 503 while the database is down", || healthz(&a.base).0 == 503);
    let (_, reason) = healthz(&a.base);
    assert!(reason.starts_with("scans cannot be written: "), "{reason}");
    let during = load.redirects();
    load.wait_for(during + 200, "200 redirects while the database is down");
    pg.up();
    wait_until(Duration::from_secs(30), "/healthz 200 once the database is back", || healthz(&a.base).0 == 200);
    let back = load.redirects();
    load.wait_for(back + 300, "300 scans after the database came back");
    let (redirects, sent) = load.finish();
    assert_eq!(redirects, sent, "every request was redirected, the database away or not");
    // The scans acknowledged after it came back are there, and so are those that waited in memory: every
    // redirect counted, none twice.
    let mut stored = 0;
    wait_until(Duration::from_secs(30), "the waiting scans written", || {
        stored = pg.scans() as usize;
        stored >= redirects
    });
    assert_eq!(stored, redirects, "each redirect counted exactly once");
    assert_eq!(healthz(&a.base).0, 200);
}

#[test]
fn stats_are_the_same_on_both_stores() {
    let Some(pg) = Pg::start() else { return };
    let dir = common::fixture();
    let file = dir.path().join("scans.sqlite3");
    let sqlite = host(dir.path(), "dist", file.to_str().expect("utf-8"));
    let postgres = host(dir.path(), "dist", &pg.url());
    let agent = common::client();
    let phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
    let scans = [
        ("t-1", "vi", phone),
        ("t-1", "en", "Mozilla/5.0 (Linux; Android 14; SM-A155F) Mobile Safari/537.36"),
        ("T-1", "en", "Mozilla/5.0 (Windows NT 10.0)"),
        ("t-2", "vi", phone),
        ("t-2", "en", "curl/8.0"),
    ];
    for server in [&sqlite, &postgres] {
        for (code, lang, ua) in scans {
            let res = agent
                .get(&format!("{}/q/{code}", server.base))
                .header("accept-language", lang)
                .header("user-agent", ua)
                .call()
                .expect("scan");
            assert_eq!(res.status().as_u16(), 302);
        }
    }
    let stats = |db: &str| -> serde_json::Value {
        let out = common::disan(dir.path(), &["stats", "--db", db, "--format", "json"]);
        assert!(out.status.success(), "{db}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let (from_sqlite, from_postgres) = (stats(file.to_str().expect("utf-8")), stats(&pg.url()));
    assert_eq!(from_sqlite["total"], 5);
    assert_eq!(from_sqlite, from_postgres);
}
