//! The friendly 404 page (it lists the sites), as the host's front door and the router's handlers send it.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};

use super::body::HostBody;
use super::headers;
use super::site::Build;
use super::state::AppState;

/// The friendly 404 page, which lists the sites.
pub fn page(build: &Build) -> Response<HostBody> {
    let mut r = Response::new(HostBody::full(build.not_found_page.clone()));
    *r.status_mut() = StatusCode::NOT_FOUND;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(build.not_found_page.len()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers::secure(h);
    r
}

/// The 404 page of the build being served, for the router's handlers.
pub async fn answer(state: &AppState) -> Response {
    page(&state.site.get()).map(Body::new)
}
