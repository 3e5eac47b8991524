//! `/metrics`: what the service counts, in the Prometheus text format (DESIGN §3), for the
//! monitoring that scrapes it. Counts only: no person is named or identified in it.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, documented::NotReady};
use crate::state::AppState;

#[utoipa::path(get, path = "/metrics", tag = "health",
    responses(
        (status = 200, description = "Every metric, in the Prometheus text exposition format 0.0.4",
            content_type = "text/plain", body = String),
        NotReady,
    ))]
/// What the service counts: requests, rankings, transitions, redeployments and savings,
/// emails and the outbox, cases by status, the database pool.
pub async fn get_metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    if !state.is_ready() {
        // Before migration the database's figures cannot be read yet.
        return Ok(super::health::not_ready(
            "The service is starting: its metrics follow once the database is migrated.",
        ));
    }
    let text = state.store.metrics_text().await?;
    Ok(([(header::CONTENT_TYPE, store::metrics::CONTENT_TYPE)], text).into_response())
}
