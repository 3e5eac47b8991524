//! Matching, as people ask about it: a staff member's matches best first, a vacancy's
//! candidates in the DESIGN §2 order, one pair by its match id, and every hard rule that keeps
//! a pair apart.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use store::Paged;
use store::matches::{Candidate, MatchDetail, StaffMatch, WhyNot};
use store::workflow::MoveRequest;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Conflict, Forbidden, Invalid, NotFound, NotSignedIn};
use crate::extract::{ApiJson, ApiPath, ApiQuery, PageQuery};
use crate::routes::shapes::shared_page;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/staff/{id}/matches", tag = "matching", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id"), PageQuery),
    responses((status = 200, description = "The staff member's matches, best first", body = Paged<StaffMatch>),
        BadRequest, NotSignedIn, Forbidden, NotFound, Invalid))]
/// The vacancies a staff member matches, best first.
pub async fn staff_matches(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(staff_id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let page = query.checked()?;
    shared_page(&*state.store.staff_matches(&actor, staff_id, page).await?)
}

#[utoipa::path(get, path = "/api/v1/vacancies/{id}/candidates", tag = "matching", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Vacancy id"), PageQuery),
    responses((status = 200, description = "The vacancy's candidates: priority tier, then exact match, then score, then fewest days left", body = Paged<Candidate>),
        BadRequest, NotSignedIn, Forbidden, NotFound, Invalid))]
/// A vacancy's candidates, for the HR team of its trust.
pub async fn vacancy_candidates(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(vacancy_id): ApiPath<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let page = query.checked()?;
    shared_page(
        &*state
            .store
            .vacancy_candidates(&actor, vacancy_id, page)
            .await?,
    )
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/why-not/{vacancy_id}", tag = "matching", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id"), ("vacancy_id" = i32, Path, description = "Vacancy id")),
    responses((status = 200, description = "Every rule the pair fails (none when it may match)", body = WhyNot),
        BadRequest, NotSignedIn, Forbidden, NotFound))]
/// Every hard rule that keeps a staff member and a vacancy apart, in words.
pub async fn why_not(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath((staff_id, vacancy_id)): ApiPath<(i32, i32)>,
) -> AppResult<axum::Json<WhyNot>> {
    Ok(axum::Json(
        state.store.why_not(&actor, staff_id, vacancy_id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/matches/{id}", tag = "matching", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9]{1,10}-[0-9]{1,10}$",
        description = "The match id from a list: the staff record's id and the vacancy's id joined by a hyphen, such as 1623-437")),
    responses((status = 200, description = "The pair: its status, score, explanation and history", body = MatchDetail),
        BadRequest, NotSignedIn, NotFound, Invalid))]
/// One pair, by its match id, for the staff member, their HR team, the vacancy's HR team and
/// admin; suggested pairs included, before anyone has acted on them.
pub async fn match_detail(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
) -> AppResult<axum::Json<MatchDetail>> {
    Ok(axum::Json(state.store.match_detail(&actor, &id).await?))
}

/// A move of a pair to another status (DESIGN §2, case workflow).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransitionBody {
    /// The status to move to: interested or declined_by_staff (the staff member); shortlisted,
    /// interview, offered, trial, redeployed, rejected_by_employer or trial_failed (the
    /// vacancy's HR team); withdrawn (the staff member's HR team). `trial` on a pair in trial
    /// extends it.
    pub to: String,
    /// Why: required for declined_by_staff, rejected_by_employer, trial_failed and withdrawn.
    pub reason: Option<String>,
    /// YYYY-MM-DD: the interview's date, the trial's first day (it lasts `[workflow]
    /// trial_days`), or an extended trial's new last day.
    pub date: Option<String>,
    /// The staff member's HR team's judgement of a decline, `reasonable` or `unreasonable`,
    /// sent with `to` `declined_by_staff` and a `reason` on a pair the staff member declined.
    pub judgement: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/matches/{id}/transitions", tag = "matching", security(("bearer" = [])),
    params(("id" = String, Path, pattern = "^[0-9]{1,10}-[0-9]{1,10}$",
        description = "The match id from a list: the staff record's id and the vacancy's id joined by a hyphen, such as 1623-437")),
    request_body = TransitionBody,
    responses((status = 200, description = "Moved: the pair as it now stands, its history ending with this move", body = MatchDetail),
        BadRequest, NotSignedIn, NotFound, Conflict, Invalid))]
/// Moves a pair to another status, if it may follow the pair's status and is this person's
/// move; a refused move is 409 and names the moves this person may make now.
pub async fn transition_match(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<TransitionBody>,
) -> AppResult<axum::Json<MatchDetail>> {
    let request = MoveRequest {
        to: body.to,
        reason: body.reason,
        date: body.date,
        judgement: body.judgement,
    };
    Ok(axum::Json(
        state.store.move_match(&actor, &id, request).await?,
    ))
}
