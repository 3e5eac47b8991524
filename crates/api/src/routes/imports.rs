//! `POST /api/v1/vacancies/import` and `POST /api/v1/staff/import`: bulk upload of a CSV or
//! XLSX file, all or nothing, with `?dry_run=true` to check a file without writing it.

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use store::import::ImportReport;
use store::import::run::Upload;
use store::import::staff::Staff;
use store::import::vacancies::Vacancies;

use crate::auth::Actor;
use crate::error::documented::{BadRequest, Forbidden, NotSignedIn, TooLarge};
use crate::error::{AppError, AppResult};
use crate::extract::ApiQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Check the file and report, writing nothing (default false).
    #[param(nullable = false)]
    pub dry_run: Option<bool>,
    /// The trust (ODS code) of rows without a Trust column; trust HR default to their own.
    #[param(nullable = false)]
    pub trust: Option<String>,
}

/// The uploaded file as the document describes it: the bytes of a CSV (UTF-8) or XLSX file,
/// never empty (a file needs at least a header row and one row).
#[derive(Debug)]
pub struct UploadFile;

impl utoipa::PartialSchema for UploadFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .description(Some(
                "A CSV (UTF-8) or XLSX file: a header row naming the columns, then one row a record",
            ))
            .into()
    }
}

impl utoipa::ToSchema for UploadFile {}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes.
async fn read_body(body: Body, limit: usize) -> AppResult<Vec<u8>> {
    axum::body::to_bytes(body, limit).await.map(|b| b.to_vec()).map_err(|_| {
        AppError::TooLarge(format!(
            "the file is larger than {} MB, the most one upload accepts: split it into smaller files",
            limit / 1_000_000
        ))
    })
}

/// 200 with what was done (or would be, on a dry run); 422 with every row's problems when any
/// row is bad, in which case nothing was written.
fn answer(report: ImportReport) -> Response {
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, axum::Json(report)).into_response()
}

/// Reads an uploaded file and runs the upload of `U` records.
async fn upload<U: Upload>(
    state: &AppState,
    actor: &Actor,
    query: ImportQuery,
    body: Body,
    what: &str,
) -> AppResult<Response> {
    let bytes = read_body(body, state.store.settings().uploads.max_bytes).await?;
    let report = state
        .store
        .upload::<U>(
            actor,
            &bytes,
            query.dry_run.unwrap_or(false),
            query.trust,
            what,
        )
        .await?;
    Ok(answer(report))
}

#[utoipa::path(post, path = "/api/v1/vacancies/import", tag = "uploads", security(("bearer" = [])), params(ImportQuery),
    request_body(description = "A CSV (UTF-8) or XLSX file with a header row and at least one row",
        content((UploadFile = "text/csv"), (UploadFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, description = "Every row was good: what was (or would be) done", body = ImportReport),
        (status = 422, description = "The file could not be read (problem+json), or every row's problems, with nothing written (the report)",
            content((ImportReport = "application/json"), (crate::error::Problem = "application/problem+json"))),
        BadRequest, NotSignedIn, Forbidden, TooLarge))]
/// Uploads vacancies, all or nothing.
pub async fn import_vacancies(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Body,
) -> AppResult<Response> {
    upload::<Vacancies>(&state, &actor, query, body, "Uploading vacancies").await
}

#[utoipa::path(post, path = "/api/v1/staff/import", tag = "uploads", security(("bearer" = [])), params(ImportQuery),
    request_body(description = "A CSV (UTF-8) or XLSX file with a header row and at least one row",
        content((UploadFile = "text/csv"), (UploadFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 200, description = "Every row was good: what was (or would be) done", body = ImportReport),
        (status = 422, description = "The file could not be read (problem+json), or every row's problems, with nothing written (the report)",
            content((ImportReport = "application/json"), (crate::error::Problem = "application/problem+json"))),
        BadRequest, NotSignedIn, Forbidden, TooLarge))]
/// Uploads at-risk staff, all or nothing.
pub async fn import_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Body,
) -> AppResult<Response> {
    upload::<Staff>(&state, &actor, query, body, "Uploading at-risk staff").await
}
