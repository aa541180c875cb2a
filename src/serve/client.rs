//! Who a client is, and what one client may take: open connections per address and a request rate with a
//! short burst, so one address cannot starve the others. Everything here is held in memory only and
//! forgotten: an address is never written anywhere (not in the request log, not in the scan database).
//!
//! Behind a proxy or CDN every connection comes from the proxy; with `--trusted-proxy CIDR` the client's
//! address is read from `X-Forwarded-For` (or `Forwarded`) on connections from those addresses only —
//! from anyone else those headers are ignored, since any client can write them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use http::HeaderMap;

/// The address a request is counted against (an extension on every request from the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

/// A block of addresses, as `10.0.0.0/8`, `2001:db8::/32` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let bad = || format!("`{s}` is not an address block like 10.0.0.0/8, 2001:db8::/32 or 192.0.2.7");
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    /// Whether `ip` is inside the block (an IPv4 address written as IPv6, `::ffff:a.b.c.d`, counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match (self.net.to_canonical(), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// The client behind a request from `peer`: `peer` itself, unless `peer` is a trusted proxy — then the
/// nearest address in `X-Forwarded-For` (else `Forwarded`) that is not a trusted proxy.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if trusted.is_empty() || !is_trusted(peer) {
        return peer;
    }
    // Each proxy appends the address it received from; read from the nearest hop backwards.
    let mut hops: Vec<IpAddr> = Vec::new();
    for v in headers.get_all("x-forwarded-for") {
        hops.extend(v.to_str().unwrap_or("").split(',').filter_map(|h| parse_hop(h.trim())));
    }
    if hops.is_empty() {
        for v in headers.get_all(http::header::FORWARDED) {
            for element in v.to_str().unwrap_or("").split(',') {
                let found = element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| parse_hop(v.trim().trim_matches('"')))?
                });
                hops.extend(found);
            }
        }
    }
    hops.into_iter().rev().find(|ip| !is_trusted(*ip)).unwrap_or(peer)
}

/// One address from a forwarding header: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or a bare
/// IPv6 address.
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    s.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

/// Open connections per client address.
#[derive(Debug)]
pub struct Connections {
    per_client: usize,
    trusted: Vec<Cidr>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// A connection's place in its client's count, given up when dropped.
#[derive(Debug)]
pub struct Held(Option<(Arc<Connections>, IpAddr)>);

impl Connections {
    /// At most `per_client` connections per address, trusted proxies exempt.
    pub fn new(per_client: usize, trusted: &[Cidr]) -> Arc<Connections> {
        Arc::new(Connections { per_client, trusted: trusted.to_vec(), open: Mutex::default() })
    }

    /// A place for a new connection from `peer`, or `None` when the address has its share.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<Held> {
        if self.trusted.iter().any(|c| c.contains(peer)) {
            return Some(Held(None));
        }
        let mut open = self.open.lock().ok()?;
        let n = open.entry(peer).or_insert(0);
        if *n >= self.per_client {
            return None;
        }
        *n += 1;
        Some(Held(Some((self.clone(), peer))))
    }

    /// Open connections counted for `peer`.
    pub fn of(&self, peer: IpAddr) -> usize {
        self.open.lock().map_or(0, |o| o.get(&peer).copied().unwrap_or(0))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some((connections, peer)) = self.0.take()
            && let Ok(mut open) = connections.open.lock()
            && let Some(n) = open.get_mut(&peer)
        {
            *n -= 1;
            if *n == 0 {
                open.remove(&peer);
            }
        }
    }
}

/// A token bucket: `rate` tokens a second, holding at most `burst`.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn full(burst: f64, now: Instant) -> Bucket {
        Bucket { tokens: burst, at: now }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, rate: f64, burst: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether the bucket has refilled completely by `now` (and so need not be remembered).
    fn full_by(&self, rate: f64, burst: f64, now: Instant) -> bool {
        self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * rate >= burst
    }
}

/// Requests per second per client address, with a burst (a tour page asks for its tiles all at once).
#[derive(Debug)]
pub struct Rates {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

/// Addresses remembered before full buckets are forgotten.
const PRUNE_AT: usize = 16_384;

impl Rates {
    /// `rate` requests a second per client, `burst` at once; a rate of 0 means no limit.
    pub fn new(rate: f64, burst: f64) -> Rates {
        Rates { rate, burst: burst.max(1.0), buckets: Mutex::default() }
    }

    /// Whether a request from `client` may go ahead now.
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let Ok(mut buckets) = self.buckets.lock() else { return true };
        if buckets.len() >= PRUNE_AT {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| !b.full_by(rate, burst, now));
        }
        buckets.entry(client).or_insert_with(|| Bucket::full(self.burst, now)).take(self.rate, self.burst, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use std::time::Duration;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn address_blocks() {
        let c: Cidr = "10.1.0.0/16".parse().expect("cidr");
        assert!(c.contains(ip("10.1.200.3")) && !c.contains(ip("10.2.0.1")));
        assert!(c.contains(ip("::ffff:10.1.0.9")), "IPv4 written as IPv6");
        let one: Cidr = "192.0.2.7".parse().expect("single");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "2001:db8::/33".parse().expect("v6");
        assert!(v6.contains(ip("2001:db8:7fff::1")) && !v6.contains(ip("2001:db8:8000::1")));
        assert!("0.0.0.0/0".parse::<Cidr>().expect("all").contains(ip("203.0.113.1")));
        for bad in ["10.0.0.0/33", "10.0.0/8", "proxy", "::/129", "10.0.0.0/"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted: Vec<Cidr> = vec!["10.0.0.0/8".parse().expect("cidr")];
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.9, 203.0.113.5, 10.0.0.3"));
        // From the proxy: the nearest untrusted hop (the first one can be forged by the client).
        assert_eq!(client_of(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.5"));
        // From anyone else: the header is ignored.
        assert_eq!(client_of(ip("192.0.2.1"), &h, &trusted), ip("192.0.2.1"));
        assert_eq!(client_of(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
        let mut f = HeaderMap::new();
        f.insert("forwarded", HeaderValue::from_static("for=192.0.2.60;proto=https, for=\"[2001:db8::7]:4711\""));
        assert_eq!(client_of(ip("10.9.9.9"), &f, &trusted), ip("2001:db8::7"));
        let mut junk = HeaderMap::new();
        junk.insert("x-forwarded-for", HeaderValue::from_static("unknown, , nonsense"));
        assert_eq!(client_of(ip("10.0.0.2"), &junk, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn one_address_holds_at_most_its_share_of_connections() {
        let c = Connections::new(2, &["10.0.0.1".parse().expect("cidr")]);
        let a = ip("192.0.2.1");
        let first = c.admit(a).expect("1");
        let _second = c.admit(a).expect("2");
        assert!(c.admit(a).is_none());
        assert!(c.admit(ip("192.0.2.2")).is_some(), "another address is not affected");
        drop(first);
        assert!(c.admit(a).is_some(), "a closed connection frees its place");
        let proxy: Vec<Held> = (0..10).map(|_| c.admit(ip("10.0.0.1")).expect("trusted proxy")).collect();
        assert_eq!(proxy.len(), 10);
        assert_eq!(c.of(ip("10.0.0.1")), 0);
    }

    #[test]
    fn requests_beyond_the_rate_wait_for_the_bucket_to_refill() {
        let r = Rates::new(10.0, 5.0);
        let (a, b, t0) = (ip("192.0.2.1"), ip("192.0.2.2"), Instant::now());
        assert_eq!((0..8).filter(|_| r.allow(a, t0)).count(), 5, "the burst");
        assert!(r.allow(b, t0), "others keep their own bucket");
        assert!(!r.allow(a, t0 + Duration::from_millis(50)));
        assert!(r.allow(a, t0 + Duration::from_millis(150)), "10 a second refill");
        assert!(Rates::new(0.0, 1.0).allow(a, t0), "0 means no limit");
    }
}
