//! Server-rendered pages in the NHS.UK look (askama templates in `crates/api/templates`, the
//! stylesheet from [`crate::assets`]), usable without JavaScript. So far: the invitation link
//! (set a password), signing in and out, the signed-in person's home page, and the page for an
//! address that does not exist.
//!
//! Every form carries a guard against posting from another site: a random value set as a
//! cookie (`SameSite=Strict`, `HttpOnly`) when the page is shown, and repeated in the form's
//! hidden `form_guard` field; a post whose two values differ is refused and changes nothing.
//!
//! Must never: decide access or hold a rule of the service; a page calls the same store
//! operation its JSON route does (signing in is `Store::sign_in`, as `POST /api/v1/session`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::tokens::{TokenKind, new_token, token_hash};

use crate::auth::{self, SESSION_COOKIE};
use crate::error::AppError;
use crate::state::AppState;

/// The cookie holding a browser's form guard.
pub const FORM_GUARD_COOKIE: &str = "redeploy_form_guard";

/// What a page answers when its operation fails: a page in the same look, never problem+json.
/// An address that leads nowhere gets the not-found page; the service's own fault gets an
/// apology that says nothing was lost (the cause is logged, never shown).
#[derive(Debug)]
pub struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        PageError(error)
    }
}

impl From<store::Error> for PageError {
    fn from(error: store::Error) -> PageError {
        PageError(AppError::Store(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status == StatusCode::NOT_FOUND {
            return page(status, &NotFoundPage, None);
        }
        let detail;
        let shown = if status.is_server_error() {
            tracing::error!(error = ?self.0, "a page failed");
            MessagePage {
                heading: "Sorry, there is a problem with the service",
                message: "Try again later. Nothing you entered was lost.",
                next_href: "/",
                next_text: "Go to the home page",
            }
        } else {
            detail = capitalised(&self.0.to_string());
            MessagePage {
                heading: "This page cannot be shown",
                message: &detail,
                next_href: "/",
                next_text: "Go to the home page",
            }
        };
        page(status, &shown, None)
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage;

/// One thing to correct on a form: the field's id and what to do.
#[derive(Debug, Clone)]
struct Problem {
    field: String,
    message: String,
}

impl Problem {
    fn new(field: &str, message: impl Into<String>) -> Problem {
        Problem {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The message of the problem with `field`, if there is one.
fn problem_with<'p>(problems: &'p [Problem], field: &str) -> Option<&'p str> {
    problems
        .iter()
        .find(|p| p.field == field)
        .map(|p| p.message.as_str())
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    form_guard: String,
    email: String,
    problems: Vec<Problem>,
}

impl SignInPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    form_guard: String,
    token: String,
    name: String,
    email: String,
    problems: Vec<Problem>,
}

impl InvitationPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// A page that only says something, with one link onwards.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    heading: &'a str,
    message: &'a str,
    next_href: &'a str,
    next_text: &'a str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    form_guard: String,
    email: String,
    role: &'static str,
    trust: Option<String>,
    is_staff: bool,
}

/// The answer for an address nothing serves: the "Page not found" page for a browser asking
/// for a page, problem+json for everything under `/api/` and for every other client.
pub async fn not_found(request: Request) -> Response {
    let wants_page = !request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !wants_page {
        return AppError::NoSuchPage("page").into_response();
    }
    page(StatusCode::NOT_FOUND, &NotFoundPage, None)
}

/// Renders `template` with `status`, setting the form guard cookie when a new one was made.
fn page(status: StatusCode, template: &impl Template, new_guard: Option<&str>) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Some(guard) = new_guard
                && let Ok(cookie) = HeaderValue::from_str(&format!(
                    "{FORM_GUARD_COOKIE}={guard}; Path=/; HttpOnly; SameSite=Strict"
                ))
            {
                headers.append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "a page could not be rendered");
            AppError::Store(store::Error::Internal(anyhow::anyhow!(
                "rendering a page: {error}"
            )))
            .into_response()
        }
    }
}

/// The browser's form guard, or a new one to set (the second value says which).
fn form_guard(headers: &HeaderMap) -> Result<(String, bool), AppError> {
    match auth::cookie(headers, FORM_GUARD_COOKIE) {
        Some(guard) if TokenKind::of_form_guard(&guard) => Ok((guard, false)),
        _ => Ok((
            new_token(TokenKind::FormGuard)
                .map_err(|e| AppError::Store(store::Error::Internal(e)))?,
            true,
        )),
    }
}

/// Whether a posted form's guard matches the browser's cookie.
fn guarded(headers: &HeaderMap, posted: &str) -> bool {
    auth::cookie(headers, FORM_GUARD_COOKIE)
        .is_some_and(|cookie| !posted.is_empty() && token_hash(&cookie) == token_hash(posted))
}

/// The answer to a form posted without its guard: nothing was done.
fn expired_form() -> Response {
    let shown = MessagePage {
        heading: "This form has expired",
        message: "Nothing was changed. Open the page again and send the form from there.",
        next_href: "/",
        next_text: "Go to the home page",
    };
    page(StatusCode::BAD_REQUEST, &shown, None)
}

/// `GET /sign-in`: the sign-in form.
pub async fn get_sign_in(headers: HeaderMap) -> Result<Response, PageError> {
    let (guard, new) = form_guard(&headers)?;
    let shown = SignInPage {
        form_guard: guard.clone(),
        email: String::new(),
        problems: Vec::new(),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /sign-in`: signs in by the same operation as `POST /api/v1/session`, sets the session
/// cookie and goes to the home page; or shows the form again saying what to correct.
pub async fn post_sign_in(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let mut problems = Vec::new();
    if form.email.trim().is_empty() {
        problems.push(Problem::new("email", "Enter your email address"));
    }
    if form.password.is_empty() {
        problems.push(Problem::new("password", "Enter your password"));
    }
    let again = |problems: Vec<Problem>, status: StatusCode| {
        let shown = SignInPage {
            form_guard: form.form_guard.clone(),
            email: form.email.trim().to_owned(),
            problems,
        };
        page(status, &shown, None)
    };
    if !problems.is_empty() {
        return Ok(again(problems, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let signed_in = state
        .store
        .sign_in(form.email.trim(), &form.password, auth::client_ip(&parts))
        .await;
    match signed_in {
        Ok(signed_in) => Ok(signed_in_to_home(&state, signed_in)),
        Err(store::Error::Unauthenticated(_)) => Ok(again(
            vec![Problem::new(
                "email",
                "Enter a correct email address and password",
            )],
            StatusCode::UNAUTHORIZED,
        )),
        Err(store::Error::TooManyAttempts { detail, .. }) => Ok(again(
            vec![Problem::new("email", detail)],
            StatusCode::TOO_MANY_REQUESTS,
        )),
        Err(store::Error::Forbidden(detail)) => Ok(again(
            vec![Problem::new("email", detail)],
            StatusCode::FORBIDDEN,
        )),
        Err(other) => Err(other.into()),
    }
}

/// `GET /`: the signed-in person's home page, or the sign-in page for anyone else.
pub async fn get_home(State(state): State<AppState>, parts: Parts) -> Result<Response, PageError> {
    let Some(token) = auth::presented_token(&parts) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let actor = match state
        .store
        .actor_for_token(&token, auth::client_ip(&parts))
        .await
    {
        Ok(actor) => actor,
        Err(store::Error::Unauthenticated(_)) => {
            return Ok(Redirect::to("/sign-in").into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = HomePage {
        form_guard: guard.clone(),
        email: actor.email.clone(),
        role: actor.role.label(),
        trust: actor.trust.clone(),
        is_staff: actor.role == domain::Role::Staff && actor.staff_id.is_some(),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    form_guard: String,
}

/// `POST /sign-out`: ends the session, as `DELETE /api/v1/session` does, and goes to the
/// sign-in page.
pub async fn post_sign_out(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SignOutForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let token = auth::presented_token(&parts);
    if let Some(presented) = token.as_deref()
        && let Ok(actor) = state
            .store
            .actor_for_token(presented, auth::client_ip(&parts))
            .await
    {
        state.store.sign_out(token.clone(), &actor).await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(cleared) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    )) {
        response.headers_mut().append(header::SET_COOKIE, cleared);
    }
    Ok(response)
}

/// Signs the browser in with `signed_in` (the session cookie the JSON route sets) and sends
/// it to the home page.
fn signed_in_to_home(state: &AppState, signed_in: store::sessions::SignedIn) -> Response {
    let api = crate::routes::session::signed_in_response(state, signed_in);
    let mut response = Redirect::to("/").into_response();
    for cookie in api.headers().get_all(header::SET_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    response
}

/// The page for an invitation link that cannot be used, saying why.
fn unusable_invitation(error: store::Error) -> Result<Response, PageError> {
    let (status, message) = match &error {
        store::Error::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "This invitation link has expired or is not complete. Check you copied the whole link from the email, or ask your HR team to send a new invitation.".to_owned(),
        ),
        store::Error::Conflict(detail) => (StatusCode::CONFLICT, capitalised(detail)),
        _ => return Err(error.into()),
    };
    let shown = MessagePage {
        heading: "This invitation cannot be used",
        message: &message,
        next_href: "/sign-in",
        next_text: "Sign in",
    };
    Ok(page(status, &shown, None))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `GET /invitations/{token}`: the link an invitation email carries; greets the person and
/// asks for a password.
pub async fn get_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let found = match state.store.invitation_for(&token).await {
        Ok(found) => found,
        Err(error) => return unusable_invitation(error),
    };
    let (guard, new) = form_guard(&headers)?;
    let shown = InvitationPage {
        form_guard: guard.clone(),
        token,
        name: found.name,
        email: found.email,
        problems: Vec::new(),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

#[derive(Debug, Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /invitations/{token}`: sets the password by the same operation as the JSON route,
/// signs the person in and goes to the home page; or asks again, saying what to correct.
pub async fn post_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    parts: Parts,
    Form(form): Form<InvitationForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let found = match state.store.invitation_for(&token).await {
        Ok(found) => found,
        Err(error) => return unusable_invitation(error),
    };
    let again = |problems: Vec<Problem>| {
        let shown = InvitationPage {
            form_guard: form.form_guard.clone(),
            token: token.clone(),
            name: found.name.clone(),
            email: found.email.clone(),
            problems,
        };
        page(StatusCode::UNPROCESSABLE_ENTITY, &shown, None)
    };
    if form.password.is_empty() {
        return Ok(again(vec![Problem::new("password", "Enter a password")]));
    }
    if form.password != form.confirm {
        return Ok(again(vec![Problem::new(
            "confirm",
            "The two passwords are not the same: type it again",
        )]));
    }
    match state
        .store
        .accept_invitation(&token, &form.password, auth::client_ip(&parts))
        .await
    {
        Ok(signed_in) => Ok(signed_in_to_home(&state, signed_in)),
        Err(store::Error::Invalid(fields)) => Ok(again(
            fields
                .into_iter()
                .map(|f| Problem::new(&f.field, capitalised(&f.message)))
                .collect(),
        )),
        Err(error) => unusable_invitation(error),
    }
}

/// The signed-in person a page request comes from, if any (by the session cookie).
async fn signed_in(state: &AppState, parts: &Parts) -> Result<Option<store::Actor>, PageError> {
    let Some(token) = auth::presented_token(parts) else {
        return Ok(None);
    };
    match state
        .store
        .actor_for_token(&token, auth::client_ip(parts))
        .await
    {
        Ok(actor) => Ok(Some(actor)),
        Err(store::Error::Unauthenticated(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

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
    form_guard: String,
    name: String,
    job_title: String,
    band: String,
    trust: String,
    vacancies: Vec<ShownVacancy>,
    previous_page: Option<u64>,
    next_page: Option<u64>,
    problems: Vec<Problem>,
}

impl MePage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// Vacancies a page of `/me` shows.
const ME_PER_PAGE: u64 = 20;

/// Why a vacancy was suggested, in plain words, from its explanation.
fn reasons(explanation: &store::matches::Explanation) -> Vec<String> {
    let mut said = Vec::new();
    let matched = explanation.matched_skills.len();
    let essential = matched + explanation.missing_skills.len();
    if explanation.missing_skills.is_empty() && essential > 0 {
        said.push(format!(
            "You have every skill it needs: {}.",
            explanation.matched_skills.join(", ")
        ));
    } else if essential > 0 {
        said.push(format!(
            "You have {matched} of the {essential} skills it needs{}; it also asks for {}.",
            if matched > 0 {
                format!(" ({})", explanation.matched_skills.join(", "))
            } else {
                String::new()
            },
            explanation.missing_skills.join(", ")
        ));
    }
    if !explanation.matched_desirable_skills.is_empty() {
        said.push(format!(
            "You also have skills it would like: {}.",
            explanation.matched_desirable_skills.join(", ")
        ));
    }
    said.push(match explanation.band_drop {
        0 => "It is at your band.".to_owned(),
        1 => "It is one band below yours, which you said you would consider.".to_owned(),
        n => format!("It is {n} bands below yours, which you said you would consider."),
    });
    let from = match explanation.location_basis.as_str() {
        "home_postcode" => "your home postcode",
        "home_district" => "your home area",
        _ => "where you work now",
    };
    said.push(format!(
        "It is about {} minutes' journey from {from}.",
        explanation.travel_minutes
    ));
    if !explanation.still_eligible {
        said.push(
            "It no longer fits what you told your HR team; it stays here because you have answered it."
                .to_owned(),
        );
    }
    said
}

#[derive(Debug, Deserialize)]
pub struct MeQuery {
    page: Option<u64>,
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
                reasons: reasons(&item.explanation),
                may_respond: status == Some(domain::MatchStatus::Suggested),
                reason_field: format!("reason-{}", item.match_id),
            }
        })
        .collect();
    let last_page = listed.total.div_ceil(ME_PER_PAGE).max(1);
    let (guard, new) = form_guard(headers)?;
    let staff = &record.staff;
    let shown = MePage {
        form_guard: guard.clone(),
        name: staff.name.clone(),
        job_title: staff.job_title.clone(),
        band: staff.band.code().to_owned(),
        trust: staff.trust.as_str().to_owned(),
        vacancies,
        previous_page: (page_number > 1).then(|| page_number - 1),
        next_page: (page_number < last_page).then(|| page_number + 1),
        problems,
    };
    let status = if shown.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(status, &shown, new.then_some(guard.as_str())))
}

/// `GET /me`: a staff member's vacancies. Anyone else signed in goes to their home page.
pub async fn get_me(
    State(state): State<AppState>,
    parts: Parts,
    axum::extract::Query(query): axum::extract::Query<MeQuery>,
) -> Result<Response, PageError> {
    let Some(actor) = signed_in(&state, &parts).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let Some(staff_id) = actor.staff_id.filter(|_| actor.role == domain::Role::Staff) else {
        return Ok(Redirect::to("/").into_response());
    };
    let page_number = query.page.unwrap_or(1).max(1);
    me_page(
        &state,
        &actor,
        staff_id,
        page_number,
        &parts.headers,
        Vec::new(),
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
    let Some(actor) = signed_in(&state, &parts).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let Some(staff_id) = actor.staff_id.filter(|_| actor.role == domain::Role::Staff) else {
        return Ok(Redirect::to("/").into_response());
    };
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
            me_page(&state, &actor, staff_id, 1, &parts.headers, problems).await
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
