//! `GET /api/v1/reports/summary`: redeployments and the redundancy costs they avoided, for the
//! partnership and admin, as JSON or (`Accept: text/csv`) CSV. No personal data.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use store::reports::{Summary, SummaryRequest};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Forbidden, Invalid, NotSignedIn};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// `?from=&to=&group_by=`.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// First day, YYYY-MM-DD (default: a year before `to`).
    #[param(nullable = false)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: today).
    #[param(nullable = false)]
    pub to: Option<String>,
    /// trust (default), band, staff_group or month.
    #[param(nullable = false)]
    pub group_by: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", security(("bearer" = [])),
    params(SummaryQuery),
    responses((status = 200, description = "Counts and savings by group, small counts hidden; CSV when asked for with Accept: text/csv",
            content((Summary = "application/json"), (String = "text/csv"))),
        BadRequest, NotSignedIn, Forbidden, Invalid))]
/// Redeployments, cases and savings by trust, band, staff group or month.
pub async fn report_summary(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SummaryQuery>,
) -> AppResult<Response> {
    let asked = SummaryRequest {
        from: query.from,
        to: query.to,
        group_by: query.group_by,
    };
    let summary = state.store.report_summary(&actor, &asked).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"));
    Ok(match wants_csv {
        true => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"redeployment-summary.csv\""),
                ),
            ],
            summary.csv(),
        )
            .into_response(),
        false => axum::Json::<Summary>(summary).into_response(),
    })
}
