//! `/healthz` answers as soon as the process serves at all; `/readyz` answers 200 only once the
//! schema is migrated and the reference data loaded, and while the database still answers, so
//! that a load balancer sends no one to an instance that cannot serve them.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::documented::NotReady;
use crate::state::AppState;
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is serving")))]
/// Whether the process is serving at all.
pub async fn get_healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, description = "Migrated, reference data loaded, database answering"), NotReady))]
/// Whether this instance can serve requests.
pub async fn get_readyz(State(state): State<AppState>) -> Response {
    if !state.is_ready() {
        return not_ready(
            "The service is starting: the database is being migrated and reference data loaded.",
        );
    }
    match state.store.ping().await {
        Ok(()) => axum::Json(json!({ "status": "ready" })).into_response(),
        Err(error) => {
            tracing::warn!(%error, "readiness check: the database did not answer");
            not_ready("The database is not answering.")
        }
    }
}

/// A 503 in the problem+json form every error of the service takes (RFC 9457).
pub(crate) fn not_ready(detail: &str) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": "Not ready",
        "status": 503,
        "detail": detail,
    });
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}
