//! Who is signed in to `/dashboard`: random session ids kept in the host's memory, and their cookie.

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{HeaderMap, header};

/// The session cookie's name.
pub const COOKIE: &str = "disan_dashboard";
/// How long a sign-in lasts.
pub const SESSION: Duration = Duration::from_secs(30 * 60);
/// Most sessions kept at once (the oldest go first).
const MAX_SESSIONS: usize = 256;
/// Signed-in sessions: random id → when it ends.
#[derive(Debug)]
pub struct Sessions {
    live: Mutex<HashMap<String, Instant>>,
    /// Whether the host answers over TLS (then the cookie is `Secure`).
    secure: bool,
}

impl Sessions {
    /// No sessions yet.
    pub fn new(secure: bool) -> Sessions {
        Sessions { live: Mutex::new(HashMap::new()), secure }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a session; `None` when the system has no randomness to give.
    pub(super) fn start(&self) -> Option<String> {
        let id = random_id()?;
        let now = Instant::now();
        let mut live = self.lock();
        live.retain(|_, end| *end > now);
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live.iter().min_by_key(|(_, end)| **end).map(|(k, _)| k.clone())
        {
            live.remove(&oldest);
        }
        live.insert(id.clone(), now + SESSION);
        Some(id)
    }

    /// Whether the request carries a live session's cookie.
    pub(super) fn valid(&self, headers: &HeaderMap) -> bool {
        let Some(id) = cookie(headers) else { return false };
        let mut live = self.lock();
        match live.get(&id) {
            Some(end) if *end > Instant::now() => true,
            Some(_) => {
                live.remove(&id);
                false
            }
            None => false,
        }
    }

    pub(super) fn end(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers) {
            self.lock().remove(&id);
        }
    }

    /// The `Set-Cookie` value for a session id (or, with `None`, one that removes the cookie).
    pub(super) fn set_cookie(&self, id: Option<&str>) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        match id {
            Some(id) => format!(
                "{COOKIE}={id}; Path=/dashboard; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
                SESSION.as_secs()
            ),
            None => format!("{COOKIE}=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
        }
    }
}

/// 32 bytes from the system's random source, as hex.
fn random_id() -> Option<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The session id in the request's cookies.
pub(crate) fn cookie(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())).then(|| value.to_string())
    })
}
