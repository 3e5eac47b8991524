//! The OpenAPI description of the JSON API, served at `/api/openapi.json`, with an interactive
//! viewer at `/api/docs`. The paths come from the router itself (`router::api_routes`
//! registers each handler with its annotation), so the document and the routes cannot drift;
//! this module adds what is said once for the whole API.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::Problem;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Redeploy London",
        description = "The pan-London NHS redeployment service: at-risk staff, vacancies, matches and outcomes. \
            Send the token from POST /api/v1/session (or an API token) as `Authorization: Bearer TOKEN`. \
            Every error is application/problem+json; lists are paged with `page` and `per_page` (at most 500)."
    ),
    components(schemas(Problem, store::FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "session", description = "Signing in and out, API tokens, invitations"),
        (name = "reference", description = "Trusts, sites and the skills vocabulary"),
        (name = "staff", description = "At-risk staff"),
        (name = "vacancies", description = "Vacancies"),
        (name = "uploads", description = "Bulk upload of CSV and XLSX files"),
        (name = "matching", description = "A staff member's matches, a vacancy's candidates, why a pair does or does not match, and moving a pair along the case workflow"),
        (name = "reports", description = "Redeployments and the redundancy costs they avoided, for the partnership: no personal data"),
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

/// `/api/openapi.json` serving `document`, and the viewer at `/api/docs`.
pub fn docs(document: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/api/docs").url("/api/openapi.json", document)
}
