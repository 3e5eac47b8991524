//! `/admin`: accounts (add one with a set-password link, disable or enable, reset), the emails
//! that could not be delivered (send again), the trusts and their sites, and the skills
//! vocabulary, each trust and skill linking to its own page (`admin_reference`). Each change
//! calls one operation of `store::admin`, which lets only admin in.
//!
//! Must never: decide who may do what (the store does), or show a password or a token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;
use serde::Deserialize;
use store::PageRequest;
use store::admin::NewAccount;

use super::hr::Pager;
use super::{
    Nav, PageError, Problem, cannot_be_done, capitalised, expired_form, form_guard, guarded,
    page_with_problems, problem_with, visitor,
};
use crate::state::AppState;

const ADMIN: &[Role] = &[Role::Admin];
const PER_PAGE: u64 = 20;

struct AccountRow {
    id: i32,
    email: String,
    name: String,
    role: &'static str,
    trust: String,
    state: &'static str,
    disabled: bool,
    is_you: bool,
}

struct EmailRow {
    id: i32,
    to: String,
    subject: String,
    attempts: i32,
    error: String,
    queued: String,
}

struct TrustRow {
    code: String,
    name: String,
    sites: Vec<String>,
}

struct SkillRow {
    id: i32,
    /// A custom skill someone typed, which admin may add to the vocabulary.
    custom: bool,
    name: String,
    category: String,
    synonyms: String,
}

/// One option of a select.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    nav: Nav,
    form_guard: String,
    notice: Option<String>,
    accounts: Vec<AccountRow>,
    accounts_pager: Pager,
    emails: Vec<EmailRow>,
    emails_total: u64,
    trusts: Vec<TrustRow>,
    skills: Vec<SkillRow>,
    skills_pager: Pager,
    skill_search: String,
    new_email: String,
    new_name: String,
    new_role: String,
    trust_choices: Vec<Choice>,
    problems: Vec<Problem>,
}

impl AdminPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AdminQuery {
    accounts_page: Option<u64>,
    skills_page: Option<u64>,
    skill: Option<String>,
    done: Option<String>,
}

/// What was just done, in words, from the `done` a change redirects with.
fn notice(done: &str) -> Option<String> {
    let (what, whom) = done.split_once(':').unwrap_or((done, ""));
    Some(match what {
        "added" => format!(
            "The account for {whom} is added. They have been emailed a link to choose their password."
        ),
        "disabled" => format!("{whom} can no longer sign in. Their sessions have ended."),
        "enabled" => format!("{whom} can sign in again."),
        "reset" => format!(
            "{whom}'s password no longer works. They have been emailed a link to choose a new one."
        ),
        "retried" => "The email is queued to be sent again.".to_owned(),
        _ => return None,
    })
}

/// The new-account form as typed, when it comes back with problems.
#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    trust: String,
}

async fn admin_page(
    state: &AppState,
    actor: &store::Actor,
    parts: &Parts,
    query: AdminQuery,
    form: AccountForm,
    problems: Vec<Problem>,
) -> Result<Response, PageError> {
    let accounts_page = query.accounts_page.unwrap_or(1).max(1);
    let skills_page = query.skills_page.unwrap_or(1).max(1);
    let accounts = state
        .store
        .list_accounts(
            actor,
            PageRequest::new(Some(accounts_page), Some(PER_PAGE))?,
        )
        .await?;
    let emails = state
        .store
        .undelivered_emails(actor, PageRequest::new(Some(1), Some(PER_PAGE))?)
        .await?;
    let search = query.skill.clone().unwrap_or_default();
    let skills = state
        .store
        .list_skills(
            None,
            Some(search.as_str()).filter(|s| !s.trim().is_empty()),
            PageRequest::new(Some(skills_page), Some(PER_PAGE))?,
        )
        .await?;
    let catalogue = state.store.catalogue().await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let guard = if form.form_guard.is_empty() {
        guard
    } else {
        form.form_guard.clone()
    };
    let trusts: Vec<TrustRow> = catalogue
        .trusts()
        .map(|t| TrustRow {
            code: t.ods_code.clone(),
            name: t.name.clone(),
            sites: catalogue
                .sites()
                .filter(|s| s.trust_id == t.id)
                .map(|s| format!("{} ({})", s.name, s.postcode))
                .collect(),
        })
        .collect();
    let trust_choices = trusts
        .iter()
        .map(|t| Choice {
            selected: t.code == form.trust,
            value: t.code.clone(),
            label: format!("{} ({})", t.name, t.code),
        })
        .collect();
    let skill_base = format!("/admin?skill={}", encode(&search));
    let mut skills_pager = Pager::new(&skill_base, skills_page, skills.total);
    // The pager joins its page with `?`; the search already has one.
    for link in [&mut skills_pager.previous, &mut skills_pager.next] {
        if let Some(href) = link.as_mut() {
            *href = href.replacen("?page=", "&skills_page=", 1);
        }
    }
    let mut accounts_pager = Pager::new("/admin", accounts_page, accounts.total);
    for link in [&mut accounts_pager.previous, &mut accounts_pager.next] {
        if let Some(href) = link.as_mut() {
            *href = href.replacen("?page=", "?accounts_page=", 1);
        }
    }
    let shown = AdminPage {
        nav: Nav::for_role(actor.role, "/admin", &guard),
        form_guard: guard.clone(),
        notice: query.done.as_deref().and_then(notice),
        accounts: accounts
            .items
            .iter()
            .map(|a| AccountRow {
                id: a.id,
                email: a.email.clone(),
                name: a.display_name.clone(),
                role: a.role.label(),
                trust: a.trust.clone().unwrap_or_default(),
                state: if a.disabled {
                    "Disabled"
                } else if a.locked {
                    "Locked for a while after wrong passwords"
                } else if a.has_password {
                    "Active"
                } else {
                    "Waiting for them to choose a password"
                },
                disabled: a.disabled,
                is_you: a.id == actor.user_id,
            })
            .collect(),
        accounts_pager,
        emails_total: emails.total,
        emails: emails
            .items
            .iter()
            .map(|e| EmailRow {
                id: e.id,
                to: e.to.clone(),
                subject: e.subject.clone(),
                attempts: e.attempts,
                error: e.last_error.clone().unwrap_or_default(),
                queued: e.created_at.format("%-d %B %Y, %H:%M").to_string(),
            })
            .collect(),
        trusts,
        skills: skills
            .items
            .iter()
            .map(|s| SkillRow {
                id: s.id,
                custom: s.category == domain::SkillCategory::Custom.code(),
                name: s.name.clone(),
                category: domain::SkillCategory::from_code(&s.category)
                    .map_or_else(|| s.category.clone(), |c| c.label().to_owned()),
                synonyms: s.synonyms.join(", "),
            })
            .collect(),
        skills_pager,
        skill_search: search,
        new_email: form.email,
        new_name: form.display_name,
        new_role: form.role,
        trust_choices,
        problems,
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /admin`.
pub async fn get_admin(
    State(state): State<AppState>,
    Query(query): Query<AdminQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, ADMIN).await?;
    admin_page(
        &state,
        &actor,
        &parts,
        query,
        AccountForm::default(),
        Vec::new(),
    )
    .await
}

/// `POST /admin/accounts`: adds an account and emails its set-password link.
pub async fn post_add_account(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    let new = NewAccount {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        trust: Some(form.trust.clone()),
    };
    match state.store.add_account(&actor, &new).await {
        Ok(added) => Ok(
            Redirect::to(&format!("/admin?done=added:{}", encode(&added.email))).into_response(),
        ),
        Err(store::Error::Invalid(fields)) => {
            let problems = fields
                .into_iter()
                .map(|f| {
                    let field = match f.field.as_str() {
                        "email" => "new-email",
                        "display_name" => "new-name",
                        "role" => "new-role-trust_hr",
                        _ => "new-trust",
                    };
                    Problem::new(field, capitalised(&f.message))
                })
                .collect();
            admin_page(
                &state,
                &actor,
                &parts,
                AdminQuery::default(),
                form,
                problems,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct GuardOnly {
    #[serde(default)]
    pub(crate) form_guard: String,
}

/// `POST /admin/accounts/{id}/{action}`: disable, enable or reset an account.
pub async fn post_account_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(i32, String)>,
    parts: Parts,
    Form(form): Form<GuardOnly>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    let done = match action.as_str() {
        "disable" => state
            .store
            .set_account_disabled(&actor, id, true)
            .await
            .map(|e| ("disabled", e)),
        "enable" => state
            .store
            .set_account_disabled(&actor, id, false)
            .await
            .map(|e| ("enabled", e)),
        "reset" => state
            .store
            .reset_account(&actor, id)
            .await
            .map(|e| ("reset", e)),
        _ => return Err(PageError::from(store::Error::NotFound("page"))),
    };
    match done {
        Ok((done, email)) => {
            Ok(Redirect::to(&format!("/admin?done={done}:{}", encode(&email))).into_response())
        }
        Err(store::Error::Conflict(detail)) => {
            Ok(cannot_be_done(&detail, "/admin", "Back to administration"))
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/emails/{id}/retry`: queues an undelivered email to be sent again.
pub async fn post_retry_email(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    parts: Parts,
    Form(form): Form<GuardOnly>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, ADMIN).await?;
    state.store.retry_email(&actor, id).await?;
    Ok(Redirect::to("/admin?done=retried#emails").into_response())
}
