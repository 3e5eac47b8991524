//! Server-rendered pages in the NHS.UK look (askama templates in `crates/api/templates`, the
//! stylesheet from [`crate::assets`]), usable without JavaScript. This module holds what every
//! page shares: signing in and out, the invitation link (set a password), each role's home
//! page, the menu, who may see a page ([`visitor`]), the form guard, and the pages for an
//! address that does not exist or a failure. Each journey has its own module: `staff` and
//! `profile` (the at-risk staff member), `hr`, `register` and `upload` (trust HR), `reports`
//! (the partnership), `admin`.
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

use domain::Role;

use crate::auth::{self, SESSION_COOKIE};
use crate::error::AppError;
use crate::state::AppState;

/// The cookie holding a browser's form guard.
pub const FORM_GUARD_COOKIE: &str = "redeploy_form_guard";

/// What a page answers instead of itself. When its operation fails: a page in the same look,
/// never problem+json; an address that leads nowhere gets the not-found page, the service's
/// own fault an apology that says nothing was lost (the cause is logged, never shown). When
/// the page is not for this visitor: the answer made for them (to sign in, or a refusal).
pub enum PageError {
    Failed(AppError),
    /// Boxed: a response is large, and most pages never return one this way.
    Answer(Box<Response>),
}

impl std::fmt::Debug for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Failed(error) => f.debug_tuple("Failed").field(error).finish(),
            PageError::Answer(response) => {
                f.debug_tuple("Answer").field(&response.status()).finish()
            }
        }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        PageError::Failed(error)
    }
}

impl From<store::Error> for PageError {
    fn from(error: store::Error) -> PageError {
        PageError::Failed(AppError::Store(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = match self {
            PageError::Answer(response) => return *response,
            PageError::Failed(error) => error,
        };
        let status = error.status();
        if status == StatusCode::NOT_FOUND {
            return page(status, &NotFoundPage, None);
        }
        let detail;
        let shown = if status.is_server_error() {
            tracing::error!(error = ?error, "a page failed");
            MessagePage {
                heading: "Sorry, there is a problem with the service",
                message: "Try again later. Nothing you entered was lost.",
                next_href: "/",
                next_text: "Go to the home page",
            }
        } else {
            detail = match &error {
                // Say what was wrong with the address, field by field.
                AppError::Store(store::Error::Invalid(fields)) => fields
                    .iter()
                    .map(|f| capitalised(&f.message))
                    .collect::<Vec<_>>()
                    .join(". "),
                other => capitalised(&other.to_string()),
            };
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

/// A page's answer: 422 when it shows problems to correct, 200 otherwise.
pub(crate) fn page_with_problems(
    template: &impl Template,
    problems: &[Problem],
    new_guard: Option<&str>,
) -> Response {
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(status, template, new_guard)
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub(crate) struct NotFoundPage;

/// One thing to correct on a form: the field's id and what to do.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Problem {
        Problem {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The message of the problem with `field`, if there is one.
pub(crate) fn problem_with<'p>(problems: &'p [Problem], field: &str) -> Option<&'p str> {
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
pub(crate) struct MessagePage<'a> {
    pub(crate) heading: &'a str,
    pub(crate) message: &'a str,
    pub(crate) next_href: &'a str,
    pub(crate) next_text: &'a str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
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
pub(crate) fn page(
    status: StatusCode,
    template: &impl Template,
    new_guard: Option<&str>,
) -> Response {
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
pub(crate) fn form_guard(headers: &HeaderMap) -> Result<(String, bool), AppError> {
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
pub(crate) fn guarded(headers: &HeaderMap, posted: &str) -> bool {
    auth::cookie(headers, FORM_GUARD_COOKIE)
        .is_some_and(|cookie| !posted.is_empty() && token_hash(&cookie) == token_hash(posted))
}

/// The answer to a change the service refused as it stands (a conflict): what stops it, in
/// words, and the way back.
pub(crate) fn cannot_be_done(detail: &str, next_href: &str, next_text: &str) -> Response {
    let message = capitalised(detail);
    let shown = MessagePage {
        heading: "This cannot be done",
        message: &message,
        next_href,
        next_text,
    };
    page(StatusCode::CONFLICT, &shown, None)
}

/// The answer to a form posted without its guard: nothing was done.
pub(crate) fn expired_form() -> Response {
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
    match actor.role {
        Role::TrustHr | Role::Admin => return hr::hr_home(&state, &actor, &parts).await,
        Role::Partnership => return Ok(Redirect::to("/reports").into_response()),
        Role::Staff => {}
    }
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = HomePage {
        nav: Nav::for_role(actor.role, "/", &guard),
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
    signed_in_to(state, signed_in, "/")
}

/// Signs the browser in with `signed_in` and sends it to `to`.
fn signed_in_to(state: &AppState, signed_in: store::sessions::SignedIn, to: &str) -> Response {
    let api = crate::routes::session::signed_in_response(state, signed_in);
    let mut response = Redirect::to(to).into_response();
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

pub(crate) fn capitalised(text: &str) -> String {
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
        Ok(signed_in) => {
            // A staff member goes on to complete the profile HR started; anyone else home.
            let next = match signed_in.actor.role {
                Role::Staff => "/me/profile?welcome=1",
                _ => "/",
            };
            Ok(signed_in_to(&state, signed_in, next))
        }
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
pub(crate) async fn signed_in(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<store::Actor>, PageError> {
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

/// One link in the menu under the header.
#[derive(Debug)]
pub(crate) struct NavLink {
    pub(crate) href: &'static str,
    pub(crate) label: &'static str,
    pub(crate) current: bool,
}

/// The menu a signed-in person sees: their role's pages, and signing out.
#[derive(Debug)]
pub(crate) struct Nav {
    pub(crate) links: Vec<NavLink>,
    pub(crate) form_guard: String,
}

impl Nav {
    /// The menu for `role`, marking `current` (a path) as the page shown.
    pub(crate) fn for_role(role: Role, current: &str, form_guard: &str) -> Nav {
        let pages: &[(&'static str, &'static str)] = match role {
            Role::Staff => &[
                ("/me", "Your vacancies"),
                ("/me/profile", "Your profile"),
                ("/me/why-not", "Why not?"),
            ],
            Role::TrustHr => &[("/", "Home"), ("/upload", "Upload a file")],
            Role::Partnership => &[("/reports", "Savings dashboard")],
            Role::Admin => &[
                ("/", "Home"),
                ("/upload", "Upload a file"),
                ("/reports", "Savings dashboard"),
                ("/admin", "Administration"),
            ],
        };
        Nav {
            links: pages
                .iter()
                .map(|&(href, label)| NavLink {
                    href,
                    label,
                    current: href == current,
                })
                .collect(),
            form_guard: form_guard.to_owned(),
        }
    }
}

/// Who a page is for: the signed-in person when their role is one of `roles`; otherwise the
/// answer to send instead (the sign-in page for nobody, a refusal for another role), as the
/// error, so that a handler begins `let actor = visitor(…).await?;`.
pub(crate) async fn visitor(
    state: &AppState,
    parts: &Parts,
    roles: &[Role],
) -> Result<store::Actor, PageError> {
    let Some(actor) = signed_in(state, parts).await? else {
        return Err(PageError::Answer(Box::new(
            Redirect::to("/sign-in").into_response(),
        )));
    };
    if !roles.contains(&actor.role) {
        let shown = MessagePage {
            heading: "This page is not for your account",
            message: "Your account cannot open this page. Your home page has the pages for your work.",
            next_href: "/",
            next_text: "Go to your home page",
        };
        return Err(PageError::Answer(Box::new(page(
            StatusCode::FORBIDDEN,
            &shown,
            None,
        ))));
    }
    Ok(actor)
}

/// The signed-in staff member and their record's id, for their own pages; anyone else gets
/// the answer [`visitor`] gives, and a staff account without a record goes home.
pub(crate) async fn staff_visitor(
    state: &AppState,
    parts: &Parts,
) -> Result<(store::Actor, i32), PageError> {
    let actor = visitor(state, parts, &[Role::Staff]).await?;
    match actor.staff_id {
        Some(id) => Ok((actor, id)),
        None => Err(PageError::Answer(Box::new(
            Redirect::to("/").into_response(),
        ))),
    }
}

/// Whole pounds with thousands separators, for pages: `£64,956`.
pub(crate) fn pounds(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}£{grouped}", if whole < 0 { "−" } else { "" })
}

/// A status's code in words, for pages.
pub(crate) fn status_label(code: &str) -> &'static str {
    domain::MatchStatus::from_code(code).map_or("Unknown", domain::MatchStatus::label)
}

pub mod admin;
pub mod admin_reference;
pub mod email_preference;
pub mod hr;
pub mod profile;
mod reasons;
pub mod register;
pub mod reports;
pub mod staff;
pub mod upload;
pub use admin::{get_admin, post_account_action, post_add_account, post_retry_email};
pub use hr::{get_case_list, get_vacancy_list};
pub use hr::{get_match, get_staff_case, get_vacancy, post_match};
pub use profile::{get_profile, get_why_not, post_profile};
pub use register::{
    get_register_staff, get_register_vacancy, post_invite, post_register_staff,
    post_register_vacancy,
};
pub use reports::{get_reports, get_reports_csv};
pub use staff::{get_me, post_respond};
pub use upload::{get_upload, post_upload, post_upload_confirm};
