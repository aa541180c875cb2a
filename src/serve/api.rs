//! `/api/stats`: scan counts for the culture office's reports, read-only, behind a configured token.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

use super::state::AppState;

/// `GET /api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD` with `Authorization: Bearer <token>`.
pub async fn stats(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(token), Some(recorder)) = (&state.stats_token, &state.recorder) else {
        // Not configured: the endpoint does not exist, rather than being open.
        return super::not_found::answer(&state).await;
    };
    // The scheme name is case-insensitive (RFC 9110 §11.1): `bearer` is `Bearer`.
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, token) = v.trim_start().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token)
    });
    if !given.is_some_and(|g| super::dashboard::token_matches(g.trim(), token)) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "a valid token is required\n")
            .into_response();
    }
    let db = recorder.db.clone();
    // The same figures as `disan stats` and the dashboard: the build's local time and printed placards.
    let labels = crate::stats::Labels::load(&state.dist).ok().flatten().unwrap_or_default();
    let query = crate::stats::query(
        &labels,
        q.get("from").cloned(),
        q.get("to").cloned(),
        crate::store::stats::DEFAULT_QUIET_DAYS,
    );
    let result = tokio::task::spawn_blocking(move || crate::store::stats::read_query(&db, &query)).await;
    match result {
        Ok(Ok(stats)) => {
            let mut r = Json(stats).into_response();
            r.headers_mut().insert(header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
            r
        }
        Ok(Err(e)) => (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "stats failed\n").into_response(),
    }
}
