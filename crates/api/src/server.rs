//! The HTTP service: the state every handler shares and the router that puts the routes together.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use domain::SkillVocabulary;
use sea_orm::DatabaseConnection;

use crate::catalogue::Catalogue;
use crate::staff::draft::CheckContext;

use crate::config::Settings;
use crate::error::AppError;
use crate::match_sync::MatchIndex;
use crate::routes::{
    health, imports, invitations, matches, session, skills, staff, tokens, trusts, vacancies,
};

/// What every handler can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// The skills vocabulary free text is normalised against.
    pub vocabulary: Arc<SkillVocabulary>,
    /// Keeps stored matches current as records change.
    pub matches: Arc<MatchIndex>,
    ready: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        settings: Settings,
        vocabulary: SkillVocabulary,
    ) -> AppState {
        AppState {
            db,
            settings: Arc::new(settings),
            vocabulary: Arc::new(vocabulary),
            matches: Arc::new(MatchIndex::new()),
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// What checking entered records needs, for today.
    pub fn check_context<'a>(
        &'a self,
        catalogue: &'a Catalogue,
        today: NaiveDate,
    ) -> CheckContext<'a> {
        CheckContext {
            catalogue,
            vocabulary: &self.vocabulary,
            similarity_threshold: self.settings.matching.skill_similarity_threshold,
            default_max_travel_minutes: self.settings.matching.default_max_travel_minutes,
            today,
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
        .route("/trusts", get(trusts::list_trusts))
        .route("/staff/{id}/why-not/{vacancy_id}", get(matches::why_not))
        .route("/staff/{id}/matches", get(matches::staff_matches))
        .route(
            "/vacancies/{id}/candidates",
            get(matches::vacancy_candidates),
        )
        .route(
            "/staff/{id}/invite",
            axum::routing::post(invitations::invite_staff),
        )
        .route(
            "/invitations/{token}",
            get(invitations::get_invitation).post(invitations::accept_invitation),
        )
        .route(
            "/tokens",
            get(tokens::list_tokens).post(tokens::create_token),
        )
        .route("/tokens/{id}", axum::routing::delete(tokens::revoke_token))
        .route("/skills", get(skills::list_skills))
        .route(
            "/skills/normalise",
            axum::routing::post(skills::normalise_skill),
        )
        .route("/staff", get(staff::list_staff).post(staff::create_staff))
        .route(
            "/staff/{id}",
            get(staff::get_staff).patch(staff::update_staff),
        )
        .route(
            "/vacancies",
            get(vacancies::list_vacancies).post(vacancies::create_vacancy),
        )
        // Uploads read their body with their own limit ([uploads] max_bytes), answering 413 past it.
        .route(
            "/staff/import",
            axum::routing::post(imports::import_staff)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/vacancies/import",
            axum::routing::post(imports::import_vacancies)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/vacancies/{id}",
            get(vacancies::get_vacancy).patch(vacancies::update_vacancy),
        );
    Router::new()
        .route("/healthz", get(health::get_healthz))
        .route("/readyz", get(health::get_readyz))
        .nest("/api/v1", api)
        .merge(crate::openapi::docs())
        .fallback(|| async { AppError::NotFound("page") })
        .with_state(state)
}
