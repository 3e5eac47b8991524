//! Server-rendered pages in the NHS.UK look (askama templates in `crates/api/templates`, the
//! stylesheet from [`crate::assets`]). For now the page every person may meet first: the one
//! for an address that does not exist.
//!
//! Must never: decide access or hold a rule of the service; a page calls the same store
//! operation its JSON route does.

use askama::Template;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage;

/// The answer for an address nothing serves: the "Page not found" page for a browser asking
/// for a page, problem+json for everything under `/api/` and for every other client.
pub async fn not_found(request: Request) -> Response {
    let wants_page = !request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !wants_page {
        return AppError::NoSuchPage("page").into_response();
    }
    match NotFoundPage.render() {
        Ok(page) => (StatusCode::NOT_FOUND, Html(page)).into_response(),
        Err(error) => {
            tracing::error!(%error, "the not-found page could not be rendered");
            AppError::NoSuchPage("page").into_response()
        }
    }
}
