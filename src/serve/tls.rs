//! HTTPS from a certificate and key in PEM files. Phones grant motion sensors (the tour's gyroscope
//! look-around) only to pages served over HTTPS, so a host without a proxy in front needs its own TLS.
//! rustls with the `ring` provider: no OpenSSL, and it builds with a plain C compiler.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where the certificate chain and its private key are, and whether HTTP/2 is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// PEM certificate chain, leaf first (as Let's Encrypt's `fullchain.pem`).
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1), as `privkey.pem`.
    pub key: PathBuf,
    /// Offer HTTP/1.1 only (no `h2` in ALPN).
    pub http1_only: bool,
}

impl Files {
    /// Both files or neither: a certificate without its key (or the reverse) is a configuration mistake,
    /// not a request for plain HTTP.
    pub fn pair(cert: Option<PathBuf>, key: Option<PathBuf>) -> Result<Option<Files>> {
        match (cert, key) {
            (Some(cert), Some(key)) => Ok(Some(Files { cert, key, http1_only: false })),
            (None, None) => Ok(None),
            (Some(cert), None) => {
                bail!("--tls-cert {} was given without --tls-key (HTTPS needs both)", cert.display())
            }
            (None, Some(key)) => bail!("--tls-key {} was given without --tls-cert (HTTPS needs both)", key.display()),
        }
    }
}

/// Reads both files and checks that the key belongs to the certificate, so a mistake stops the host at
/// start-up with the file named, rather than failing every visitor's handshake later.
pub fn acceptor(files: &Files) -> Result<TlsAcceptor> {
    let certs = read_certs(&files.cert)?;
    let key = read_key(&files.key)?;
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("the TLS library refused its own defaults")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| {
            format!("the key in {} does not fit the certificate in {}", files.key.display(), files.cert.display())
        })?;
    let mut config = config;
    // HTTP/2 first: a tour page pulls dozens of tiles, and one connection carrying them all saves a phone
    // the handshakes and queueing of six HTTP/1.1 connections. HTTP/1.1 for clients without it.
    config.alpn_protocols =
        if files.http1_only { vec![b"http/1.1".to_vec()] } else { vec![b"h2".to_vec(), b"http/1.1".to_vec()] };
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read the TLS {what} {}", path.display()))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = read(path, "certificate")?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not a PEM certificate file", path.display()))?;
    if certs.is_empty() {
        bail!("{} holds no certificate (expected a `-----BEGIN CERTIFICATE-----` block)", path.display());
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let pem = read(path, "key")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| anyhow!("{e}")).with_context(|| {
        format!("{} holds no usable private key (expected a `-----BEGIN … PRIVATE KEY-----` block)", path.display())
    })
}
