//! The OpenAPI description of the JSON API, served at `/api/openapi.json`, with an interactive
//! viewer at `/api/docs`. The description is built from the handlers' own annotations, so it
//! changes with the code.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::routes::{
    health, imports, invitations, matches, session, skills, staff, tokens, trusts, vacancies,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Redeploy London",
        description = "The pan-London NHS redeployment service: at-risk staff, vacancies, matches and outcomes. \
            Send the token from POST /api/v1/session (or an API token) as `Authorization: Bearer TOKEN`. \
            Every error is application/problem+json; lists are paged with `page` and `per_page` (at most 500)."
    ),
    paths(
        health::get_healthz,
        health::get_readyz,
        session::create_session,
        session::get_session,
        session::delete_session,
        tokens::create_token,
        tokens::list_tokens,
        tokens::revoke_token,
        invitations::get_invitation,
        invitations::accept_invitation,
        trusts::list_trusts,
        skills::list_skills,
        skills::normalise_skill,
        staff::create_staff,
        staff::list_staff,
        staff::get_staff,
        staff::update_staff,
        invitations::invite_staff,
        imports::import_staff,
        vacancies::create_vacancy,
        vacancies::list_vacancies,
        vacancies::get_vacancy,
        vacancies::update_vacancy,
        imports::import_vacancies,
        matches::staff_matches,
        matches::vacancy_candidates,
        matches::why_not,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "session", description = "Signing in and out, API tokens, invitations"),
        (name = "reference", description = "Trusts, sites and the skills vocabulary"),
        (name = "staff", description = "At-risk staff"),
        (name = "vacancies", description = "Vacancies"),
        (name = "uploads", description = "Bulk upload of CSV and XLSX files"),
        (name = "matching", description = "A staff member's matches, a vacancy's candidates, and why a pair does or does not match"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer token every signed-in route takes.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `/api/openapi.json` and the viewer at `/api/docs`.
pub fn docs() -> SwaggerUi {
    SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi())
}
