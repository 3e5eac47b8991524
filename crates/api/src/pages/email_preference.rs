//! `/email/stop/{token}`: the link at the foot of a digest of vacancies, which stops it (or
//! changes how often it comes) without signing in. Opening the link changes nothing, so a
//! mail scanner that follows it does no harm; the person chooses and saves.
//!
//! Must never: show anything of the person but their name, or accept a choice without the
//! form's guard.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use domain::EmailFrequency;
use serde::Deserialize;

use super::admin::Choice;
use super::{PageError, Problem, expired_form, form_guard, guarded, page_with_problems};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "email_preference.html")]
struct PreferencePage {
    form_guard: String,
    name: String,
    action: String,
    choices: Vec<Choice>,
    notice: Option<String>,
    problems: Vec<Problem>,
}

fn shown(
    parts: &Parts,
    token: &str,
    name: String,
    chosen: EmailFrequency,
    notice: Option<String>,
    problems: Vec<Problem>,
) -> Result<Response, PageError> {
    let (guard, new) = form_guard(&parts.headers)?;
    let page = PreferencePage {
        form_guard: guard.clone(),
        name,
        action: format!("/email/stop/{token}"),
        choices: EmailFrequency::ALL
            .iter()
            .map(|f| Choice {
                value: f.code().to_owned(),
                label: f.label().to_owned(),
                selected: *f == chosen,
            })
            .collect(),
        notice,
        problems,
    };
    Ok(page_with_problems(
        &page,
        &page.problems,
        new.then_some(guard.as_str()),
    ))
}

/// `GET /email/stop/{token}`: the choice, with "never" ready to save.
pub async fn get_email_preference(
    State(state): State<AppState>,
    Path(token): Path<String>,
    parts: Parts,
) -> Result<Response, PageError> {
    let (name, _) = state.store.email_preference(&token).await?;
    shown(&parts, &token, name, EmailFrequency::Off, None, Vec::new())
}

#[derive(Debug, Deserialize)]
pub struct PreferenceForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    email_frequency: String,
}

/// `POST /email/stop/{token}`: saves the choice.
pub async fn post_email_preference(
    State(state): State<AppState>,
    Path(token): Path<String>,
    parts: Parts,
    Form(form): Form<PreferenceForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let (name, before) = state.store.email_preference(&token).await?;
    match state
        .store
        .set_email_preference(&token, &form.email_frequency)
        .await
    {
        Ok(chosen) => {
            let notice = match chosen {
                EmailFrequency::Off => {
                    "Saved: you will get no more emails about new vacancies, except exact matches."
                }
                EmailFrequency::Weekly => "Saved: new vacancies will come together once a week.",
                EmailFrequency::Daily => "Saved: new vacancies will come together once a day.",
            };
            shown(
                &parts,
                &token,
                name,
                chosen,
                Some(notice.to_owned()),
                Vec::new(),
            )
        }
        Err(store::Error::Invalid(fields)) => {
            let problems = fields
                .into_iter()
                .map(|f| Problem::new("email_frequency-daily", super::capitalised(&f.message)))
                .collect();
            shown(&parts, &token, name, before, None, problems)
        }
        Err(other) => Err(other.into()),
    }
}
