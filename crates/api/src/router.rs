//! The router: every route registered once, with its OpenAPI operation, and the layers every
//! request passes through (a trace span per request).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::assets;
use crate::openapi::{self, ApiDoc};
use crate::pages;
use crate::routes::{
    health, imports, invitations, matches, metrics, reports, session, skills, staff, tokens,
    trusts, vacancies,
};
use crate::state::AppState;

/// Every JSON route with its handler and its OpenAPI operation, declared once. The router and
/// the document are both made from this.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::get_healthz))
        .routes(routes!(health::get_readyz))
        .routes(routes!(metrics::get_metrics))
        .routes(routes!(
            session::create_session,
            session::get_session,
            session::delete_session
        ))
        .routes(routes!(tokens::create_token, tokens::list_tokens))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(
            invitations::get_invitation,
            invitations::accept_invitation
        ))
        .routes(routes!(trusts::list_trusts))
        .routes(routes!(skills::list_skills))
        .routes(routes!(skills::normalise_skill))
        .routes(routes!(staff::create_staff, staff::list_staff))
        .routes(routes!(staff::get_staff, staff::update_staff))
        .routes(routes!(invitations::invite_staff))
        // Uploads read their body with their own limit ([uploads] max_bytes), answering 413 past it.
        .routes(routes!(imports::import_staff).layer(DefaultBodyLimit::disable()))
        .routes(routes!(
            vacancies::create_vacancy,
            vacancies::list_vacancies
        ))
        .routes(routes!(vacancies::get_vacancy, vacancies::update_vacancy))
        .routes(routes!(imports::import_vacancies).layer(DefaultBodyLimit::disable()))
        .routes(routes!(matches::staff_matches))
        .routes(routes!(matches::vacancy_candidates))
        .routes(routes!(matches::transition_match))
        .routes(routes!(reports::report_summary))
        .routes(routes!(matches::why_not))
        .routes(routes!(matches::match_detail))
}

/// The OpenAPI document, exactly as served.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_routes().into_openapi()
}

/// Numbers requests, so that a log line names the one it belongs to.
static REQUEST_NUMBER: AtomicU64 = AtomicU64::new(1);

/// A span per request: its number, method, matched route and address; status and latency are
/// recorded when the response is ready.
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        id = REQUEST_NUMBER.fetch_add(1, Ordering::Relaxed),
        method = %request.method(),
        route,
        path = %request.uri().path(),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Counts every request in the service's metrics by its matched route (never its raw path,
/// which may carry an id), method and status, with the time it took.
async fn count_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    state.store.metrics().http_request(
        &route,
        method.as_str(),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// What every page may load: its own files only (styles, scripts, images, fonts), never in a
/// frame, and forms posted only back to the service. The NHS.UK stylesheet's web fonts live on
/// another host, so they are not fetched and the pages use the system's sans-serif.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Puts the security headers on every answer: the content security policy (the OpenAPI viewer
/// included: its files are all the service's own, and the browser tests check that it renders
/// under the policy), no content-type sniffing, and no referrer sent to other sites.
async fn security_headers(request: Request, next: Next) -> Response {
    use axum::http::{HeaderValue, header};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn record_response(response: &Response, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    // 503 is /readyz saying "not yet" while the service starts: expected, not a failure.
    if response.status().is_server_error() && response.status() != StatusCode::SERVICE_UNAVAILABLE {
        tracing::error!("answered with a server error");
    } else {
        tracing::debug!("answered");
    }
}

/// Builds the router with every route the service serves.
pub fn router(state: AppState) -> Router {
    let (api, document) = api_routes().split_for_parts();
    // A page upload carries the file in a form: the largest file an upload takes, and room for
    // the form around it; the confirmation carries it again as base64, a third larger.
    let max_file = state.store.settings().uploads.max_bytes;
    let upload_limit = max_file + 64 * 1024;
    let confirm_limit = max_file / 3 * 4 + 64 * 1024;
    api.merge(openapi::docs(document))
        .route("/assets/{*path}", get(assets::get_asset))
        .route("/", get(pages::get_home))
        .route(
            "/sign-in",
            get(pages::get_sign_in).post(pages::post_sign_in),
        )
        .route("/sign-out", post(pages::post_sign_out))
        .route("/me", get(pages::get_me))
        .route(
            "/me/profile",
            get(pages::get_profile).post(pages::post_profile),
        )
        .route("/me/why-not", get(pages::get_why_not))
        .route("/vacancies", get(pages::get_vacancy_list))
        .route("/staff", get(pages::get_case_list))
        .route(
            "/vacancies/new",
            get(pages::get_register_vacancy).post(pages::post_register_vacancy),
        )
        .route("/vacancies/{id}", get(pages::get_vacancy))
        .route(
            "/staff/new",
            get(pages::get_register_staff).post(pages::post_register_staff),
        )
        .route("/staff/{id}", get(pages::get_staff_case))
        .route("/staff/{id}/invite", post(pages::post_invite))
        .route(
            "/matches/{id}",
            get(pages::get_match).post(pages::post_match),
        )
        .route("/admin", get(pages::get_admin))
        .route("/admin/accounts", post(pages::post_add_account))
        .route(
            "/admin/accounts/{id}/{action}",
            post(pages::post_account_action),
        )
        .route("/admin/emails/{id}/retry", post(pages::post_retry_email))
        .route(
            "/admin/trusts/new",
            get(pages::admin_reference::get_new_trust),
        )
        .route(
            "/admin/trusts",
            post(pages::admin_reference::post_new_trust),
        )
        .route(
            "/admin/trusts/{ods}",
            get(pages::admin_reference::get_trust).post(pages::admin_reference::post_trust),
        )
        .route(
            "/admin/trusts/{ods}/sites",
            post(pages::admin_reference::post_new_site),
        )
        .route(
            "/admin/sites/{id}",
            get(pages::admin_reference::get_site).post(pages::admin_reference::post_site),
        )
        .route(
            "/admin/skills/new",
            get(pages::admin_reference::get_new_skill),
        )
        .route(
            "/admin/skills",
            post(pages::admin_reference::post_new_skill),
        )
        .route("/admin/skills/{id}", get(pages::admin_reference::get_skill))
        .route(
            "/admin/skills/{id}/synonyms",
            post(pages::admin_reference::post_synonym),
        )
        .route(
            "/admin/skills/{id}/synonyms/{synonym}/remove",
            post(pages::admin_reference::post_remove_synonym),
        )
        .route(
            "/email/stop/{token}",
            get(pages::email_preference::get_email_preference)
                .post(pages::email_preference::post_email_preference),
        )
        .route("/reports", get(pages::get_reports))
        .route("/reports/summary.csv", get(pages::get_reports_csv))
        .route(
            "/upload",
            get(pages::get_upload)
                .post(pages::post_upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/upload/confirm",
            post(pages::post_upload_confirm).layer(DefaultBodyLimit::max(confirm_limit)),
        )
        .route("/me/matches/{id}", post(pages::post_respond))
        .route(
            "/invitations/{token}",
            get(pages::get_invitation).post(pages::post_invitation),
        )
        .fallback(pages::not_found)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(record_response)
                .on_failure(()),
        )
        .layer(middleware::from_fn_with_state(state.clone(), count_request))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}
