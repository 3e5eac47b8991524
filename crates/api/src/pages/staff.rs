//! The at-risk staff member's pages: `/me`, their ranked vacancies with the reasons in plain
//! words, and their answer to each (interested, or not for them with a reason).
//!
//! Must never: show another person's record, or decide a move; answers go through
//! `Store::move_match`, as `POST /api/v1/matches/{id}/transitions` does.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::reasons::{Voice, reasons};
use super::{
    MessagePage, Nav, NotFoundPage, PageError, Problem, capitalised, expired_form, form_guard,
    guarded, page, page_with_problems, problem_with, staff_visitor,
};
use crate::state::AppState;

/// One vacancy as the staff member's page shows it.
#[derive(Debug)]
struct ShownVacancy {
    match_id: String,
    title: String,
    band: String,
    trust: String,
    site: String,
    score: String,
    exact_match: bool,
    status: &'static str,
    reasons: Vec<String>,
    may_respond: bool,
    reason_field: String,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    nav: Nav,
    form_guard: String,
    name: String,
    job_title: String,
    band: String,
    trust: String,
    vacancies: Vec<ShownVacancy>,
    previous_page: Option<u64>,
    next_page: Option<u64>,
    /// The profile was just saved: say so.
    saved: bool,
    problems: Vec<Problem>,
}

impl MePage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// Vacancies a page of `/me` shows.
const ME_PER_PAGE: u64 = 20;

#[derive(Debug, Deserialize)]
pub struct MeQuery {
    page: Option<u64>,
    saved: Option<String>,
    /// A pair an email links to: the page that shows it opens.
    pair: Option<String>,
}

/// Shows `/me` for `actor` (a staff member): their ranked vacancies with the reasons, and a
/// form for each one they have not answered yet.
async fn me_page(
    state: &AppState,
    actor: &store::Actor,
    staff_id: i32,
    page_number: u64,
    headers: &HeaderMap,
    problems: Vec<Problem>,
    saved: bool,
) -> Result<Response, PageError> {
    let record = state.store.read_staff(actor, staff_id).await?;
    let asked = store::PageRequest::new(Some(page_number), Some(ME_PER_PAGE))?;
    let listed = state.store.staff_matches(actor, staff_id, asked).await?;
    let vacancies = listed
        .items
        .iter()
        .map(|item| {
            let status = domain::MatchStatus::from_code(&item.status);
            ShownVacancy {
                match_id: item.match_id.clone(),
                title: item.vacancy.title.clone(),
                band: item.vacancy.band.clone(),
                trust: item.vacancy.trust.clone(),
                site: item.vacancy.site.name.clone(),
                score: format!("{:.0}", item.score),
                exact_match: item.exact_match,
                status: status.map_or("Unknown", domain::MatchStatus::label),
                reasons: reasons(&item.explanation, Voice::Candidate),
                may_respond: status == Some(domain::MatchStatus::Suggested),
                reason_field: format!("reason-{}", item.match_id),
            }
        })
        .collect();
    let last_page = listed.total.div_ceil(ME_PER_PAGE).max(1);
    let (guard, new) = form_guard(headers)?;
    let staff = &record.staff;
    let shown = MePage {
        nav: Nav::for_role(actor.role, "/me", &guard),
        form_guard: guard.clone(),
        name: staff.name.clone(),
        job_title: staff.job_title.clone(),
        band: staff.band.code().to_owned(),
        trust: staff.trust.as_str().to_owned(),
        vacancies,
        previous_page: (page_number > 1).then(|| page_number - 1),
        next_page: (page_number < last_page).then(|| page_number + 1),
        saved,
        problems,
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

/// The page of `/me` that shows pair `pair` (the first, when it is not among them).
async fn page_showing(
    state: &AppState,
    actor: &store::Actor,
    staff_id: i32,
    pair: &str,
) -> Result<u64, PageError> {
    let most = store::PageRequest::new(Some(1), Some(500))?;
    let listed = state.store.staff_matches(actor, staff_id, most).await?;
    let at = listed.items.iter().position(|item| item.match_id == pair);
    Ok(at.map_or(1, |at| at as u64 / ME_PER_PAGE + 1))
}

/// `GET /me`: a staff member's vacancies. Anyone else signed in goes to their home page.
pub async fn get_me(
    State(state): State<AppState>,
    parts: Parts,
    axum::extract::Query(query): axum::extract::Query<MeQuery>,
) -> Result<Response, PageError> {
    let (actor, staff_id) = staff_visitor(&state, &parts).await?;
    let page_number = match (query.page, query.pair.as_deref()) {
        (Some(page), _) => page.max(1),
        (None, Some(pair)) => page_showing(&state, &actor, staff_id, pair).await?,
        (None, None) => 1,
    };
    me_page(
        &state,
        &actor,
        staff_id,
        page_number,
        &parts.headers,
        Vec::new(),
        query.saved.is_some(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RespondForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// `POST /me/matches/{id}`: the staff member's answer to a vacancy (interested, or not for
/// them with a reason), by the same operation as `POST /api/v1/matches/{id}/transitions`.
pub async fn post_respond(
    State(state): State<AppState>,
    Path(match_id): Path<String>,
    parts: Parts,
    Form(form): Form<RespondForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let (actor, staff_id) = staff_visitor(&state, &parts).await?;
    let asked = store::workflow::MoveRequest {
        to: form.to.clone(),
        reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
        ..Default::default()
    };
    match state.store.move_match(&actor, &match_id, asked).await {
        Ok(_) => Ok(Redirect::to(&format!("/me#vacancy-{match_id}")).into_response()),
        Err(store::Error::Invalid(fields)) => {
            let problems = fields
                .into_iter()
                .map(|f| {
                    let field = if f.field == "reason" {
                        format!("reason-{match_id}")
                    } else {
                        f.field
                    };
                    let message = if field.starts_with("reason-") {
                        "Say why this post is not for you".to_owned()
                    } else {
                        capitalised(&f.message)
                    };
                    Problem { field, message }
                })
                .collect();
            me_page(&state, &actor, staff_id, 1, &parts.headers, problems, false).await
        }
        Err(store::Error::Conflict(detail)) => {
            let message = capitalised(&detail);
            let shown = MessagePage {
                heading: "This vacancy cannot be answered now",
                message: &message,
                next_href: "/me",
                next_text: "Back to your vacancies",
            };
            Ok(page(StatusCode::CONFLICT, &shown, None))
        }
        Err(store::Error::NotFound(_)) => Ok(page(StatusCode::NOT_FOUND, &NotFoundPage, None)),
        Err(other) => Err(other.into()),
    }
}
