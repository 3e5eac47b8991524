//! The HTTP service: the state every handler shares and the router that puts the routes together.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::error::AppError;
use crate::routes::{health, session, trusts};

/// What every handler can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    ready: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings) -> AppState {
        AppState {
            db,
            settings: Arc::new(settings),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Marks start-up work (migrations, reference data) as finished.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }
}

/// Builds the router with every route the service serves.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/session",
            get(session::get_session)
                .post(session::create_session)
                .delete(session::delete_session),
        )
        .route("/trusts", get(trusts::list_trusts));
    Router::new()
        .route("/healthz", get(health::get_healthz))
        .route("/readyz", get(health::get_readyz))
        .nest("/api/v1", api)
        .fallback(|| async { AppError::NotFound("page") })
        .with_state(state)
}
