//! The staff member's own profile (`/me/profile`): what they can change themselves (skills,
//! with suggestions from the vocabulary; registrations; home postcode; travel limit; hours;
//! lower-band consent; how often they hear of new vacancies), and "why not" (`/me/why-not`)
//! for a vacancy they expected to see.
//!
//! Must never: change a field the person may not (`Store::change_staff` checks their
//! self-service fields, as `PATCH /api/v1/staff/{id}` does), or show a vacancy they may not read.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::EmailFrequency;
use serde::Deserialize;
use store::staff::draft::StaffDraft;

use super::{
    Nav, PageError, Problem, capitalised, expired_form, form_guard, guarded, page,
    page_with_problems, problem_with, staff_visitor,
};
use crate::state::AppState;

/// One choice of a set of radios.
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    nav: Nav,
    form_guard: String,
    welcome: bool,
    name: String,
    skills: String,
    add_skill: String,
    vocabulary: Vec<String>,
    registrations: String,
    home_postcode: String,
    max_travel_minutes: String,
    hours_min: String,
    hours_max: String,
    lower_band: Vec<Choice>,
    frequencies: Vec<Choice>,
    problems: Vec<Problem>,
}

impl ProfilePage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// What the profile form holds, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    add_skill: String,
    #[serde(default)]
    registrations: String,
    #[serde(default)]
    home_postcode: String,
    #[serde(default)]
    max_travel_minutes: String,
    #[serde(default)]
    hours_min: String,
    #[serde(default)]
    hours_max: String,
    #[serde(default)]
    lower_band_consent: String,
    #[serde(default)]
    email_frequency: String,
}

fn lower_band_choices(chosen: &str) -> Vec<Choice> {
    [
        ("yes", "Yes, show me posts one band lower too"),
        ("no", "No, only posts at my band"),
    ]
    .into_iter()
    .map(|(value, label)| Choice {
        value,
        label,
        checked: value == chosen,
    })
    .collect()
}

fn frequency_choices(chosen: &str) -> Vec<Choice> {
    EmailFrequency::ALL
        .iter()
        .map(|f| Choice {
            value: f.code(),
            label: f.label(),
            checked: f.code() == chosen,
        })
        .collect()
}

/// Splits a list typed one to a line (or with commas or semicolons) into its items.
fn items(text: &str) -> Vec<String> {
    text.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn hours_text(hours: f64) -> String {
    if hours.fract() == 0.0 {
        format!("{hours:.0}")
    } else {
        format!("{hours}")
    }
}

/// The skills vocabulary's names, for the suggestions of the "add a skill" box: the
/// canonical skills of the vocabulary as stored now, never the custom skills other people typed.
async fn vocabulary(state: &AppState) -> Result<Vec<String>, PageError> {
    let catalogue = state.store.catalogue().await?;
    let mut names: Vec<String> = catalogue
        .vocabulary()
        .skills()
        .iter()
        .map(|skill| skill.name.clone())
        .collect();
    names.sort_unstable_by_key(|name| name.to_lowercase());
    Ok(names)
}

/// What the profile page shows besides the form: who, whether to welcome them, the menu.
struct Shown {
    name: String,
    welcome: bool,
    nav: Nav,
    vocabulary: Vec<String>,
    new_guard: Option<String>,
}

fn render(form: ProfileForm, around: Shown, problems: Vec<Problem>) -> Response {
    let shown = ProfilePage {
        form_guard: form.form_guard,
        nav: around.nav,
        welcome: around.welcome,
        name: around.name,
        skills: form.skills,
        add_skill: form.add_skill,
        vocabulary: around.vocabulary,
        registrations: form.registrations,
        home_postcode: form.home_postcode,
        max_travel_minutes: form.max_travel_minutes,
        hours_min: form.hours_min,
        hours_max: form.hours_max,
        lower_band: lower_band_choices(&form.lower_band_consent),
        frequencies: frequency_choices(&form.email_frequency),
        problems,
    };
    page_with_problems(&shown, &shown.problems, around.new_guard.as_deref())
}

#[derive(Debug, Deserialize)]
pub struct ProfileQuery {
    #[serde(default)]
    welcome: Option<String>,
}

/// `GET /me/profile`: the person's preferences as stored, to change. After an invitation it
/// welcomes them and asks them to check it.
pub async fn get_profile(
    State(state): State<AppState>,
    Query(query): Query<ProfileQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let (actor, staff_id) = staff_visitor(&state, &parts).await?;
    let record = state.store.read_staff(&actor, staff_id).await?;
    let person = &record.staff;
    let (guard, new) = form_guard(&parts.headers)?;
    let form = ProfileForm {
        form_guard: guard.clone(),
        skills: person
            .skills
            .iter()
            .map(|s| s.skill.clone())
            .collect::<Vec<_>>()
            .join("\n"),
        add_skill: String::new(),
        registrations: person
            .registrations
            .iter()
            .map(|r| r.code().to_uppercase())
            .collect::<Vec<_>>()
            .join(", "),
        home_postcode: person
            .home_postcode
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        max_travel_minutes: person.max_travel.minutes().to_string(),
        hours_min: hours_text(person.hours.min().get()),
        hours_max: hours_text(person.hours.max().get()),
        lower_band_consent: if person.lower_band_consent {
            "yes"
        } else {
            "no"
        }
        .to_owned(),
        email_frequency: person.email_frequency.code().to_owned(),
    };
    let around = Shown {
        name: person.name.clone(),
        welcome: query.welcome.is_some(),
        nav: Nav::for_role(actor.role, "/me/profile", &guard),
        vocabulary: vocabulary(&state).await?,
        new_guard: new.then(|| guard.clone()),
    };
    Ok(render(form, around, Vec::new()))
}

/// A number typed into `field`, or a problem saying what to type.
fn number(text: &str, field: &str, what: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    let trimmed = text.trim();
    match trimmed.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            problems.push(Problem::new(
                field,
                if trimmed.is_empty() {
                    format!("Enter {what}")
                } else {
                    format!("Enter {what} as a number, such as 37.5")
                },
            ));
            None
        }
    }
}

/// `POST /me/profile`: saves the preferences by the same operation as
/// `PATCH /api/v1/staff/{id}`, then shows the person's vacancies, ranked afresh.
pub async fn post_profile(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<ProfileForm>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let (actor, staff_id) = staff_visitor(&state, &parts).await?;
    let mut problems = Vec::new();
    let mut skills = items(&form.skills);
    let added = form.add_skill.trim();
    if !added.is_empty() && !skills.iter().any(|s| s.eq_ignore_ascii_case(added)) {
        skills.push(added.to_owned());
    }
    let travel = number(
        &form.max_travel_minutes,
        "max_travel_minutes",
        "the longest journey you will make, in minutes",
        &mut problems,
    );
    let hours_min = number(
        &form.hours_min,
        "hours_min",
        "the fewest hours a week you want",
        &mut problems,
    );
    let hours_max = number(
        &form.hours_max,
        "hours_max",
        "the most hours a week you want",
        &mut problems,
    );
    let lower_band = match form.lower_band_consent.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            problems.push(Problem::new(
                "lower_band_consent-yes",
                "Say whether you will consider posts one band lower",
            ));
            None
        }
    };
    let record = state.store.read_staff(&actor, staff_id).await?;
    let around = Shown {
        name: record.staff.name.clone(),
        welcome: false,
        nav: Nav::for_role(actor.role, "/me/profile", &form.form_guard),
        vocabulary: vocabulary(&state).await?,
        new_guard: None,
    };
    if !problems.is_empty() {
        return Ok(render(form, around, problems));
    }
    let patch = StaffDraft {
        skills: Some(skills.clone()),
        registrations: Some(items(&form.registrations)),
        home_postcode: Some(form.home_postcode.trim().to_owned()).filter(|p| !p.is_empty()),
        max_travel_minutes: travel.map(|t| t.round() as i64),
        hours_min,
        hours_max,
        lower_band_consent: lower_band,
        email_frequency: Some(form.email_frequency.clone()),
        ..StaffDraft::default()
    };
    match state.store.change_staff(&actor, staff_id, patch).await {
        Ok(_) => Ok(Redirect::to("/me?saved=1").into_response()),
        Err(store::Error::Invalid(fields)) => {
            let problems = fields
                .into_iter()
                .map(|f| {
                    let field = match f.field.as_str() {
                        "lower_band_consent" => "lower_band_consent-yes".to_owned(),
                        "email_frequency" => "email_frequency-daily".to_owned(),
                        "hours" => "hours_min".to_owned(),
                        field if field.starts_with("skills") => "skills".to_owned(),
                        field if field.starts_with("registrations") => "registrations".to_owned(),
                        other => other.to_owned(),
                    };
                    Problem::new(&field, capitalised(&f.message))
                })
                .collect();
            let mut form = form;
            form.skills = skills.join("\n");
            form.add_skill = String::new();
            Ok(render(form, around, problems))
        }
        Err(other) => Err(other.into()),
    }
}

/// One vacancy a staff member asked about, with what keeps them apart.
struct Answer {
    title: String,
    band: String,
    trust: String,
    match_href: Option<String>,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "why_not.html")]
struct WhyNotPage {
    nav: Nav,
    reference: String,
    answers: Vec<Answer>,
    problems: Vec<Problem>,
}

impl WhyNotPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

#[derive(Debug, Deserialize)]
pub struct WhyNotQuery {
    #[serde(default)]
    reference: Option<String>,
}

/// `GET /me/why-not?reference=`: for a vacancy the person expected to see (by the reference on
/// its advert), every rule that keeps them apart in words, as
/// `GET /api/v1/staff/{id}/why-not/{vacancy_id}` gives them.
pub async fn get_why_not(
    State(state): State<AppState>,
    Query(query): Query<WhyNotQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let (actor, staff_id) = staff_visitor(&state, &parts).await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let reference = query.reference.unwrap_or_default().trim().to_owned();
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    if !reference.is_empty() {
        let filter = store::vacancies::operations::VacancyListFilter {
            trust: None,
            status: None,
            reference: Some(reference.clone()),
        };
        let asked = store::PageRequest::new(Some(1), Some(20))?;
        let found = state.store.list_vacancies(&actor, &filter, asked).await?;
        for vacancy in &found.items {
            let why = state.store.why_not(&actor, staff_id, vacancy.id).await?;
            answers.push(Answer {
                title: vacancy.title.clone(),
                band: vacancy.band.code().to_owned(),
                trust: state
                    .store
                    .catalogue()
                    .await?
                    .trust_by_code(vacancy.trust.as_str())
                    .map_or_else(|| vacancy.trust.as_str().to_owned(), |t| t.name.clone()),
                match_href: why
                    .eligible
                    .then(|| format!("/me#vacancy-{staff_id}-{}", vacancy.id)),
                reasons: why
                    .reasons
                    .iter()
                    .map(|r| capitalised(&r.message))
                    .collect(),
            });
        }
        if answers.is_empty() {
            problems.push(Problem::new(
                "reference",
                format!(
                    "No open vacancy has the reference {reference}: check it against the advert"
                ),
            ));
        }
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let shown = WhyNotPage {
        nav: Nav::for_role(actor.role, "/me/why-not", &guard),
        reference,
        answers,
        problems,
    };
    Ok(page(status, &shown, new.then_some(guard.as_str())))
}
