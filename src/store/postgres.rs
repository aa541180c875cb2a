//! The shared store: scans in a PostgreSQL database, so several hosts count into one place.
//!
//! tokio-postgres rather than sqlx: the host already runs tokio and keeps rusqlite for SQLite, so all this
//! needs is a PostgreSQL driver, not a second SQLite driver, query macros that want a database at compile
//! time, or a second TLS stack; tokio-postgres speaks TLS through rustls (tokio-postgres-rustls) with the
//! ring provider the host's HTTPS already uses, so no OpenSSL. deadpool-postgres keeps a few connections
//! per database and replaces one the server closed.
//!
//! All PostgreSQL work runs on one small runtime of its own (one thread, started at the first use), so
//! the scan writer thread, `disan stats` and the host's `/api/stats` share connections whatever runtime,
//! if any, they are called from.
//!
//! Every batch carries a random id, written with its scans in the same statement; a batch whose commit
//! answer was lost (the connection broke during `COMMIT`) is sent again and skipped if its id is already
//! there, so a retry never counts a scan twice. Ids older than two days are deleted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_rustls::rustls;

use super::rows::{Backend, Batch, HOURLY_SQL, HourCount};

/// Connections one process keeps to one database: the writer's, and reports read meanwhile.
const POOL_SIZE: usize = 4;
/// How long connecting, or waiting for a free connection, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one write may take before the database counts as unreachable (a network gone silent
/// rather than refusing).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a batch id is kept to recognise a retry.
const BATCH_IDS_KEPT: i64 = 2 * 86_400;

/// The schema this program writes; a database with a higher version was made by a newer disan.
const SCHEMA_VERSION: i32 = 1;

/// Creates or migrates the schema, under a lock so hosts starting together do not race.
const SCHEMA_LOCK: &str = "SELECT pg_advisory_xact_lock(7152936)";
const SCHEMA_META: &str = "CREATE TABLE IF NOT EXISTS disan_schema (version INTEGER NOT NULL)";
/// Version 1: the same columns as the SQLite store, plus the ids of batches already written.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS scans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL,
    site TEXT NOT NULL,
    scene TEXT,
    at BIGINT NOT NULL,
    lang TEXT NOT NULL,
    device TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_at ON scans (at);
CREATE TABLE IF NOT EXISTS scan_batches (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
";

/// One batch in one statement: its id is recorded, and its scans inserted only when the id is new. The
/// scans go as arrays, so one prepared statement inserts a batch of any size.
const INSERT: &str = "WITH fresh AS (
    INSERT INTO scan_batches (id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id
)
INSERT INTO scans (code, site, scene, at, lang, device)
SELECT s.code, s.site, s.scene, s.at, s.lang, s.device
FROM fresh, UNNEST($3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[])
    AS s (code, site, scene, at, lang, device)";

/// The runtime all PostgreSQL work runs on.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::io::Result<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("postgres").enable_all().build()
        })
        .as_ref()
        .map_err(|e| anyhow!("cannot start the PostgreSQL runtime: {e}"))
}

/// The pool for a URL, made at its first use.
fn pool(url: &str) -> Result<Pool> {
    static POOLS: OnceLock<Mutex<HashMap<String, Pool>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().map_err(|_| anyhow!("the pool table is poisoned"))?;
    if let Some(pool) = pools.get(url) {
        return Ok(pool.clone());
    }
    let (config, tls) = connection(url)?;
    // Fast recycling: a connection the server closed is known as closed and replaced; checking every
    // connection with a query before each write would cost a round trip per commit.
    let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .context("cannot make a PostgreSQL connection pool")?;
    pools.insert(url.to_string(), pool.clone());
    Ok(pool)
}

/// How TLS to the database is checked, from `sslmode`.
#[derive(Debug, PartialEq)]
enum Check {
    /// `disable`, `prefer` (the default) or `require`: as libpq does, the connection is encrypted when
    /// the server offers it (required with `require`) and the server's certificate is not checked.
    Encrypt,
    /// `verify-full`: the certificate must be signed by one in `sslrootcert` and name the host.
    Verify(std::path::PathBuf),
}

/// The driver's settings and TLS connector for a `postgres://` URL. `sslmode=verify-full` (with
/// `sslrootcert=FILE`), which the driver does not read itself, is taken out and handled here.
fn connection(url: &str) -> Result<(tokio_postgres::Config, tokio_postgres_rustls::MakeRustlsConnect)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let (mut verify, mut root) = (false, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (key, value) {
            ("sslmode", "verify-full") => verify = true,
            ("sslmode", "verify-ca") => bail!("sslmode=verify-ca is not supported: use sslmode=verify-full"),
            ("sslrootcert", file) => root = Some(std::path::PathBuf::from(percent_decoded(file))),
            _ => kept.push(pair),
        }
    }
    let check = match (verify, root) {
        (true, Some(file)) => {
            kept.push("sslmode=require");
            Check::Verify(file)
        }
        (true, None) => bail!("sslmode=verify-full needs sslrootcert=FILE (the certificate authority to trust)"),
        (false, _) => Check::Encrypt,
    };
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| anyhow!("{e}"))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("disan");
    }
    // A database host gone silent is noticed within seconds, not after the system's TCP timeouts.
    config.keepalives_idle(Duration::from_secs(30));
    Ok((config, tls(&check)?))
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tls(check: &Check) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("TLS for PostgreSQL")?;
    let config = match check {
        Check::Encrypt => {
            builder.dangerous().with_custom_certificate_verifier(Arc::new(Unchecked(provider))).with_no_client_auth()
        }
        Check::Verify(file) => {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let mut roots = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(file)
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("cannot read sslrootcert {}", file.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| anyhow!("{e}")).with_context(|| format!("{}", file.display()))?;
                roots.add(cert).with_context(|| format!("{}: a certificate is not usable", file.display()))?;
            }
            anyhow::ensure!(!roots.is_empty(), "{}: no certificate in the file", file.display());
            let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .context("TLS for PostgreSQL")?;
            builder.with_webpki_verifier(verifier).with_no_client_auth()
        }
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// `sslmode=require` as libpq means it: encrypted, with the handshake's signatures checked, but the
/// certificate itself not checked against any authority (database servers often use self-signed ones).
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Creates the tables, or migrates them, on one connection.
async fn prepare(client: &mut deadpool_postgres::Object) -> Result<()> {
    let tx = client.transaction().await?;
    tx.batch_execute(SCHEMA_LOCK).await?;
    tx.batch_execute(SCHEMA_META).await?;
    let version: Option<i32> =
        tx.query_opt("SELECT max(version) FROM disan_schema", &[]).await?.and_then(|row| row.get(0));
    match version {
        None => {
            tx.batch_execute(SCHEMA_V1).await?;
            tx.execute("INSERT INTO disan_schema (version) VALUES ($1)", &[&SCHEMA_VERSION]).await?;
        }
        Some(SCHEMA_VERSION) => {}
        // Later versions add their steps here, each from the one before.
        Some(v) if v > SCHEMA_VERSION => {
            bail!("the scan tables were made by a newer disan (schema {v}; this one knows {SCHEMA_VERSION})")
        }
        Some(v) => bail!("unknown scan schema version {v}"),
    }
    tx.commit().await?;
    Ok(())
}

/// A connection from the pool, with the schema checked once per process and database.
async fn client(pool: &Pool, prepared: &mut bool) -> Result<deadpool_postgres::Object> {
    let mut client = pool.get().await.map_err(|e| anyhow!("{e}"))?;
    if !*prepared {
        prepare(&mut client).await.map_err(|e| anyhow!("cannot prepare the scan tables: {e:#}"))?;
        *prepared = true;
    }
    Ok(client)
}

/// Scans per hour from PostgreSQL: the same query text as SQLite's.
pub(super) fn hourly(url: &str, shown: &str, from: i64, to: i64) -> Result<Vec<HourCount>> {
    let pool = pool(url)?;
    let read = async {
        let mut prepared = true;
        let client = client(&pool, &mut prepared).await?;
        let exists: bool = client.query_one("SELECT to_regclass('scans') IS NOT NULL", &[]).await?.get(0);
        if !exists {
            bail!("no scans table in {shown} (a host creates it when it starts)");
        }
        let stmt = client.prepare_cached(HOURLY_SQL).await?;
        let rows = client.query(&stmt, &[&from, &to]).await?;
        Ok(rows
            .iter()
            .map(|r| HourCount {
                hour: r.get(0),
                code: r.get(1),
                site: r.get(2),
                scene: r.get(3),
                lang: r.get(4),
                device: r.get(5),
                scans: r.get::<_, i64>(6).max(0) as u64,
            })
            .collect())
    };
    runtime()?
        .block_on(async { tokio::time::timeout(WRITE_TIMEOUT, read).await })
        .map_err(|_| anyhow!("no answer within {} s", WRITE_TIMEOUT.as_secs()))
        .and_then(|r| r)
        .map_err(|e| anyhow!("cannot read scans from {shown}: {e:#}"))
}

/// The writer's PostgreSQL side.
pub(super) struct Postgres {
    url: String,
    pool: Option<Pool>,
    /// The schema was checked on this database.
    prepared: bool,
    /// A write or connection failed since the last success.
    broken: bool,
    /// When old batch ids were last deleted.
    pruned: Option<Instant>,
}

impl Postgres {
    pub(super) fn new(url: &str) -> Postgres {
        Postgres { url: url.to_string(), pool: None, prepared: false, broken: true, pruned: None }
    }

    fn pool(&mut self) -> Result<Pool> {
        if self.pool.is_none() {
            self.pool = Some(pool(&self.url)?);
        }
        self.pool.clone().context("no pool")
    }

    fn run<T>(&mut self, work: impl AsyncFnOnce(&mut bool, Pool) -> Result<T>) -> Result<T> {
        let pool = self.pool()?;
        let prepared = &mut self.prepared;
        runtime()?
            .block_on(async { tokio::time::timeout(WRITE_TIMEOUT, work(prepared, pool)).await })
            .map_err(|_| anyhow!("the database did not answer within {} s", WRITE_TIMEOUT.as_secs()))?
    }
}

impl Backend for Postgres {
    fn open(&mut self) -> Result<()> {
        let prune = self.pruned.is_none_or(|at| at.elapsed() >= Duration::from_secs(3600));
        self.run(async |prepared, pool| {
            let client = client(&pool, prepared).await?;
            if prune {
                client.execute("DELETE FROM scan_batches WHERE at < $1", &[&(now() - BATCH_IDS_KEPT)]).await?;
            }
            Ok(())
        })?;
        if prune {
            self.pruned = Some(Instant::now());
        }
        self.broken = false;
        Ok(())
    }

    fn is_open(&self) -> bool {
        !self.broken
    }

    fn close(&mut self) {
        self.broken = true;
    }

    fn write(&mut self, batches: &[Batch]) -> Result<()> {
        let result = self.run(async |prepared, pool| {
            let mut client = client(&pool, prepared).await?;
            let stmt = client.prepare_cached(INSERT).await?;
            let tx = client.transaction().await?;
            let at = now();
            for batch in batches {
                let column = |f: fn(&super::rows::Scan) -> &str| batch.scans.iter().map(f).collect::<Vec<&str>>();
                let scenes: Vec<Option<&str>> = batch.scans.iter().map(|s| s.scene.as_deref()).collect();
                let times: Vec<i64> = batch.scans.iter().map(|s| s.at).collect();
                let (codes, sites) = (column(|s| &s.code), column(|s| &s.site));
                let (langs, devices) = (column(|s| &s.lang), column(|s| s.device));
                let params: [&(dyn ToSql + Sync); 8] =
                    [&batch.id, &at, &codes, &sites, &scenes, &times, &langs, &devices];
                tx.execute(&stmt, &params).await?;
            }
            tx.commit().await?;
            Ok(())
        });
        if result.is_err() {
            // Checked again at the next connection: the database may have been replaced meanwhile.
            self.broken = true;
            self.prepared = false;
        }
        result.map_err(|e| anyhow!("{e:#}"))
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_full_needs_a_root_certificate() {
        let e = connection("postgres://u@h/db?sslmode=verify-full").err().expect("refused");
        assert!(e.to_string().contains("sslrootcert"), "{e}");
        let e = connection("postgres://u@h/db?sslmode=verify-ca").err().expect("refused");
        assert!(e.to_string().contains("verify-full"), "{e}");
        let e =
            connection("postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Fnowhere%2Fca.pem").err().expect("refused");
        assert!(format!("{e:#}").contains("/nowhere/ca.pem"), "{e:#}");
    }

    #[test]
    fn urls_are_read_with_defaults() {
        let (config, _) = connection("postgres://disan@db.example:5433/scans?sslmode=require").expect("url");
        assert_eq!(config.get_dbname(), Some("scans"));
        assert_eq!(config.get_ports(), [5433]);
        assert_eq!(config.get_ssl_mode(), tokio_postgres::config::SslMode::Require);
        assert_eq!(config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        assert_eq!(config.get_application_name(), Some("disan"));
        assert!(connection("postgres://u@h/db?nonsense=1").is_err());
    }
}
