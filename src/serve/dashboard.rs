//! `/dashboard`: the scan figures as a page for the culture office, behind the same token as `/api/stats`.
//!
//! The token is typed once into a sign-in form (POSTed, so it never appears in a URL, a log or a browser's
//! history) and compared in constant time; the host answers with a random session id in a cookie that is
//! `HttpOnly` (no script can read it), `SameSite=Strict` (no other site's page can use it), `Secure` over
//! TLS, scoped to `/dashboard` and valid for 30 minutes. Sessions live in the host's memory only: signing
//! out or restarting the host ends them. The page has no script at all and its own strict policy.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};

use super::AppState;
pub use super::sessions::{COOKIE, SESSION, Sessions};
use crate::stats::{self, Labels, Month, html};
use crate::store::stats::{DEFAULT_QUIET_DAYS, date_of};

/// Largest sign-in form accepted.
const MAX_FORM: usize = 4096;

/// Whether a secret matches the configured token, without the time taken saying where they differ or how
/// long the token is (both are hashed first, then compared whole).
pub fn token_matches(given: &str, token: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(token.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The dashboard's paths that take a form (the host's front door lets a POST through only to these).
pub fn takes_post(path: &str) -> bool {
    path == "/dashboard/login" || path == "/dashboard/logout"
}

/// The dashboard's labels: those of the build being served.
fn labels(state: &AppState) -> Labels {
    Labels::load(&state.dist).ok().flatten().unwrap_or_default()
}

/// The page's language: asked for and one of the collection's, else the collection's first.
fn language(labels: &Labels, asked: Option<&str>) -> String {
    asked.filter(|l| labels.languages.iter().any(|k| k == l)).unwrap_or_else(|| labels.first_language()).to_string()
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(v) = HeaderValue::from_str(html::content_policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

/// The sign-in form, with `401` (not signed in, or a wrong token) or `200` (signed out).
fn login_page(labels: &Labels, lang: &str, status: StatusCode, message: Option<&str>) -> Response {
    html_response(status, html::login(labels, lang, message))
}

/// Whether the dashboard exists on this host: a token and a scan store are both configured.
fn enabled(state: &AppState) -> bool {
    state.stats_token.is_some() && state.recorder.is_some()
}

/// A period's first and last day (local), from the dashboard's `period` value on local day `today`.
pub fn period_range(period: &str, today: i64) -> Option<(Option<String>, Option<String>)> {
    let last = |n: i64| Some((Some(date_of(today - n + 1)), Some(date_of(today))));
    match period {
        "7d" => last(7),
        "30d" => last(30),
        "365d" => last(365),
        "all" => Some((None, None)),
        month => Month::parse(month).ok().map(|m| (Some(m.first_day()), Some(m.last_day()))),
    }
}

/// `GET /dashboard?period=30d&lang=vi&quiet=30`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !enabled(&state) {
        return super::not_found::answer(&state).await;
    }
    let labels = labels(&state);
    let lang = language(&labels, q.get("lang").map(String::as_str));
    if !state.dashboard.valid(&headers) {
        return login_page(&labels, &lang, StatusCode::UNAUTHORIZED, None);
    }
    let offset = i64::from(labels.utc_offset_minutes) * 60;
    let today = (stats::now() + offset).div_euclid(86_400);
    let period = q.get("period").map(String::as_str).unwrap_or("30d").to_string();
    let Some((from, to)) = period_range(&period, today) else {
        let message = format!("`{period}` is not a period: choose one from the list (or a month like 2026-11)");
        return html_response(StatusCode::BAD_REQUEST, html::login(&labels, &lang, Some(&message)));
    };
    let quiet_days = match q.get("quiet").map(|d| d.parse::<u32>()) {
        None => DEFAULT_QUIET_DAYS,
        Some(Ok(d)) if (1..=3650).contains(&d) => d,
        Some(_) => {
            let message = "`quiet` is a number of days from 1 to 3650";
            return html_response(StatusCode::BAD_REQUEST, html::login(&labels, &lang, Some(message)));
        }
    };
    let Some(db) = state.recorder.as_ref().map(|r| r.db.clone()) else {
        return super::not_found::answer(&state).await;
    };
    let query = stats::query(&labels, from, to, quiet_days);
    let read = tokio::task::spawn_blocking(move || crate::store::stats::read_query(&db, &query)).await;
    match read {
        Ok(Ok(figures)) => html_response(StatusCode::OK, html::dashboard(&figures, &labels, &lang, &period, today)),
        Ok(Err(e)) => {
            let mut r =
                (StatusCode::SERVICE_UNAVAILABLE, format!("the scan figures cannot be read: {e:#}\n")).into_response();
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the scan figures could not be read\n").into_response(),
    }
}

/// A form's fields (`application/x-www-form-urlencoded`).
fn form(body: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

/// Decodes one form value: `+` is a space, `%XX` a byte; `None` when the result is not UTF-8.
fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

async fn read_form(body: Body) -> Option<HashMap<String, String>> {
    axum::body::to_bytes(body, MAX_FORM).await.ok().map(|b| form(&b))
}

/// `POST /dashboard/login` with `token=…`: a session cookie and on to the dashboard, or the form again.
pub async fn login(State(state): State<Arc<AppState>>, body: Body) -> Response {
    let (Some(token), true) = (&state.stats_token, enabled(&state)) else {
        return super::not_found::answer(&state).await;
    };
    let labels = labels(&state);
    let Some(fields) = read_form(body).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "the sign-in form is too large\n").into_response();
    };
    let lang = language(&labels, fields.get("lang").map(String::as_str));
    let given = fields.get("token").map(|t| t.trim()).unwrap_or("");
    if !token_matches(given, token) {
        return login_page(&labels, &lang, StatusCode::UNAUTHORIZED, Some(stats::words::word(&lang, "wrong_token")));
    }
    let Some(id) = state.dashboard.start() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no session could be started (no system randomness)\n")
            .into_response();
    };
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("/dashboard?lang={lang}")) {
        h.insert(header::LOCATION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&state.dashboard.set_cookie(Some(&id))) {
        h.insert(header::SET_COOKIE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `POST /dashboard/logout`: ends the session and shows the sign-in form.
pub async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    if !enabled(&state) {
        return super::not_found::answer(&state).await;
    }
    let labels = labels(&state);
    let fields = read_form(body).await.unwrap_or_default();
    let lang = language(&labels, fields.get("lang").map(String::as_str));
    state.dashboard.end(&headers);
    let mut r = login_page(&labels, &lang, StatusCode::OK, Some(stats::words::word(&lang, "signed_out")));
    if let Ok(v) = HeaderValue::from_str(&state.dashboard.set_cookie(None)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("", "s3cret"));
        assert!(!token_matches("s3cret ", "s3cret"));
    }

    #[test]
    fn forms_decode() {
        let f = form(b"token=a%2Bb+c%26d&lang=vi&bad=%zz&x");
        assert_eq!(f.get("token").map(String::as_str), Some("a+b c&d"));
        assert_eq!(f.get("lang").map(String::as_str), Some("vi"));
        assert_eq!(f.get("bad").map(String::as_str), Some("%zz"));
        assert_eq!(f.get("x").map(String::as_str), Some(""));
        assert_eq!(form_decode("%C3%A2").as_deref(), Some("â"));
        assert_eq!(form_decode("%"), Some("%".into()));
    }

    #[test]
    fn cookies_are_found_and_checked() {
        let id = "ab".repeat(32);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {COOKIE}={id}")).expect("header"));
        assert_eq!(crate::serve::sessions::cookie(&h), Some(id));
        h.insert(header::COOKIE, HeaderValue::from_static("disan_dashboard=short"));
        assert_eq!(crate::serve::sessions::cookie(&h), None);
    }

    #[test]
    fn periods() {
        let today = crate::store::stats::day_number("2026-12-07");
        assert_eq!(period_range("7d", today), Some((Some("2026-12-01".into()), Some("2026-12-07".into()))));
        assert_eq!(period_range("2026-11", today), Some((Some("2026-11-01".into()), Some("2026-11-30".into()))));
        assert_eq!(period_range("all", today), Some((None, None)));
        assert_eq!(period_range("2026-13", today), None);
        assert_eq!(period_range("yesterday", today), None);
    }
}
