//! Trust HR register one at-risk member of staff (`/staff/new`), invite them
//! (`POST /staff/{id}/invite`), and register one vacancy (`/vacancies/new`), through forms in
//! sections with an error summary linking each field. They call `Store::register_staff`,
//! `Store::invite_staff` and `Store::register_vacancy`, as `POST /api/v1/staff`,
//! `POST /api/v1/staff/{id}/invite` and `POST /api/v1/vacancies` do; every rule is the store's.
//!
//! Must never: write a record a form's problem should have stopped; a refused form comes back
//! with everything typed still in it.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Band, PriorityTier, Registration, Role, StaffGroup};
use store::staff::draft::StaffDraft;
use store::vacancies::draft::VacancyDraft;

use super::{
    MessagePage, Nav, PageError, Problem, capitalised, expired_form, form_guard, guarded, page,
    problem_with, visitor,
};
use crate::state::AppState;

const HR: &[Role] = &[Role::TrustHr, Role::Admin];

/// One option of a select or a set of radios.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(options: impl IntoIterator<Item = (String, String)>, chosen: &str) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

/// What a form posted, by field name, as typed.
type Fields = HashMap<String, String>;

fn field<'f>(fields: &'f Fields, name: &str) -> &'f str {
    fields.get(name).map_or("", |v| v.as_str())
}

fn given(fields: &Fields, name: &str) -> Option<String> {
    Some(field(fields, name).trim().to_owned()).filter(|v| !v.is_empty())
}

fn list(fields: &Fields, name: &str) -> Option<Vec<String>> {
    Some(
        field(fields, name)
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// A number typed into `name`; none when empty; a problem when it is not a number.
fn number(fields: &Fields, name: &str, problems: &mut Vec<Problem>) -> Option<f64> {
    let text = field(fields, name).trim().replace([',', '£'], "");
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            problems.push(Problem::new(name, "Enter a number, such as 37.5"));
            None
        }
    }
}

/// A date typed into `{name}-day`, `-month` and `-year`, as `YYYY-MM-DD`; none when all three
/// are empty; a problem on the day box when they are not a date.
fn date(fields: &Fields, name: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let part = |p: &str| field(fields, &format!("{name}-{p}")).trim().to_owned();
    let (d, m, y) = (part("day"), part("month"), part("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return None;
    }
    let parsed = match (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) {
        (Ok(d), Ok(m), Ok(y)) if y >= 1900 => chrono::NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    match parsed {
        Some(date) => Some(date.format("%Y-%m-%d").to_string()),
        None => {
            problems.push(Problem::new(
                &format!("{name}-day"),
                "Enter a real date as a day, a month and a four-digit year, such as 27 3 2027",
            ));
            None
        }
    }
}

/// The store's field errors as problems linked to the form's fields: dates to their day box,
/// radios to their first choice, list items to their box.
fn problems_of(
    fields: Vec<store::FieldError>,
    dates: &[&str],
    radios: &[(&str, &str)],
) -> Vec<Problem> {
    fields
        .into_iter()
        .map(|f| {
            let name = f
                .field
                .split(['[', '.'])
                .next()
                .unwrap_or(&f.field)
                .to_owned();
            let target = if dates.contains(&name.as_str()) {
                format!("{name}-day")
            } else if let Some((_, first)) = radios.iter().find(|(radio, _)| *radio == name) {
                format!("{name}-{first}")
            } else if name == "hours" {
                "hours_min".to_owned()
            } else {
                name.clone()
            };
            let message = if f.message.contains("is required") {
                required(&name).map_or_else(|| capitalised(&f.message), str::to_owned)
            } else {
                capitalised(&f.message)
            };
            Problem::new(&target, message)
        })
        .collect()
}

/// What to do about a field left empty, in the form's words (the store's say it for API
/// clients: "give the id of a site from GET /api/v1/trusts").
fn required(field: &str) -> Option<&'static str> {
    Some(match field {
        "trust" => "Choose the trust",
        "staff_number" => "Enter their staff number",
        "name" => "Enter their full name",
        "email" => "Enter their email address",
        "band" => "Choose the band",
        "staff_group" => "Choose the staff group",
        "job_title" => "Enter the job title",
        "base_site" => "Choose where they work now",
        "max_travel_minutes" => "Enter the longest journey they will make, in minutes",
        "hours_min" => "Enter the fewest hours a week they want",
        "hours_max" => "Enter the most hours a week they want",
        "lower_band_consent" => "Say whether they will consider posts one band lower",
        "priority_tier" => "Choose why their post is at risk",
        "redeployment_period_ends" => "Enter when their redeployment period ends",
        "wte" => "Enter their whole-time equivalent, such as 1 or 0.6",
        "continuous_service_start" => "Enter when their continuous NHS service began",
        "reference" => "Enter your reference for the vacancy",
        "title" => "Enter the job title",
        "site" => "Choose where the post is based",
        "hours" => "Enter the hours a week",
        "closing_date" => "Enter the closing date",
        "essential_skills" => "Enter at least one essential skill",
        "contact_email" => "Enter the email address for contact",
        _ => return None,
    })
}

/// The trusts a person may register records for, and the sites of each, as choices.
async fn trusts_and_sites(
    state: &AppState,
    actor: &store::Actor,
    trust: &str,
    site: &str,
) -> Result<(Vec<Choice>, Vec<Choice>), PageError> {
    let catalogue = state.store.catalogue().await?;
    let own = |t: &store::entities::trust::Model| {
        actor.role == Role::Admin || actor.trust_id == Some(t.id)
    };
    let trusts: Vec<(String, String)> = catalogue
        .trusts()
        .filter(|t| own(t))
        .map(|t| (t.ods_code.clone(), format!("{} ({})", t.name, t.ods_code)))
        .collect();
    let sites: Vec<(String, String)> = catalogue
        .sites()
        .filter(|s| catalogue.trust(s.trust_id).is_some_and(&own))
        .map(|s| {
            (
                s.id.to_string(),
                format!("{} ({})", s.name, catalogue.trust_code(s.trust_id)),
            )
        })
        .collect();
    Ok((choices(trusts, trust), choices(sites, site)))
}

fn problem_starting<'p>(problems: &'p [Problem], name: &str) -> Option<&'p str> {
    problems
        .iter()
        .find(|p| p.field.starts_with(name))
        .map(|p| p.message.as_str())
}

fn bands(chosen: &str) -> Vec<Choice> {
    choices(
        Band::ALL
            .iter()
            .map(|b| (b.code().to_owned(), format!("Band {}", b.code()))),
        chosen,
    )
}

fn staff_groups(chosen: &str) -> Vec<Choice> {
    choices(
        StaffGroup::ALL
            .iter()
            .map(|g| (g.code().to_owned(), g.label().to_owned())),
        chosen,
    )
}

#[derive(Template)]
#[template(path = "register_staff.html")]
struct RegisterStaffPage {
    nav: Nav,
    form_guard: String,
    show_trust: bool,
    trusts: Vec<Choice>,
    sites: Vec<Choice>,
    bands: Vec<Choice>,
    staff_groups: Vec<Choice>,
    tiers: Vec<Choice>,
    lower_band: Vec<Choice>,
    fields: Fields,
    problems: Vec<Problem>,
}

impl RegisterStaffPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }

    /// The problem with any of a set of radios named `name`.
    fn problem_starting(&self, name: &str) -> Option<&str> {
        problem_starting(&self.problems, name)
    }

    fn value(&self, name: &str) -> &str {
        field(&self.fields, name)
    }
}

async fn staff_form(
    state: &AppState,
    actor: &store::Actor,
    guard: &str,
    fields: Fields,
    problems: Vec<Problem>,
) -> Result<RegisterStaffPage, PageError> {
    let (trusts, sites) = trusts_and_sites(
        state,
        actor,
        field(&fields, "trust"),
        field(&fields, "base_site"),
    )
    .await?;
    Ok(RegisterStaffPage {
        nav: Nav::for_role(actor.role, "", guard),
        form_guard: guard.to_owned(),
        show_trust: actor.role == Role::Admin,
        trusts,
        sites,
        bands: bands(field(&fields, "band")),
        staff_groups: staff_groups(field(&fields, "staff_group")),
        tiers: choices(
            PriorityTier::ALL
                .iter()
                .map(|t| (t.number().to_string(), t.label().to_owned())),
            field(&fields, "priority_tier"),
        ),
        lower_band: choices(
            [("yes", "Yes"), ("no", "No")].map(|(v, l)| (v.to_owned(), l.to_owned())),
            field(&fields, "lower_band_consent"),
        ),
        fields,
        problems,
    })
}

/// `GET /staff/new`: the form to register an at-risk member of staff.
pub async fn get_register_staff(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let mut fields = Fields::new();
    fields.insert("max_travel_minutes".into(), "60".into());
    fields.insert("wte".into(), "1".into());
    fields.insert("priority_tier".into(), "1".into());
    fields.insert("lower_band_consent".into(), "no".into());
    let shown = staff_form(&state, &actor, &guard, fields, Vec::new()).await?;
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

/// How a registration form's fields are laid out, so that the store's refusal links to them.
struct FormLayout {
    /// Fields typed as day, month and year.
    dates: &'static [&'static str],
    /// Sets of radios, with the value of each set's first.
    radios: &'static [(&'static str, &'static str)],
    /// The field a conflict (the record exists already) is about.
    key: &'static str,
}

const STAFF_FORM: FormLayout = FormLayout {
    dates: STAFF_DATES,
    radios: &[("lower_band_consent", "yes"), ("priority_tier", "1")],
    key: "staff_number",
};

const VACANCY_FORM: FormLayout = FormLayout {
    dates: &["closing_date"],
    radios: &[],
    key: "reference",
};

/// The problems to show for the store's refusal of a registration form; any other failure
/// is the page's.
fn refusal(error: store::Error, form: &FormLayout) -> Result<Vec<Problem>, PageError> {
    match error {
        store::Error::Invalid(found) => Ok(problems_of(found, form.dates, form.radios)),
        store::Error::Conflict(detail) => Ok(vec![Problem::new(form.key, capitalised(&detail))]),
        other => Err(other.into()),
    }
}

const STAFF_DATES: &[&str] = &[
    "redeployment_period_ends",
    "continuous_service_start",
    "date_of_birth",
];

/// `POST /staff/new`: registers the case, then shows it with the button that invites them.
pub async fn post_register_staff(
    State(state): State<AppState>,
    parts: Parts,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, field(&fields, "form_guard")) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, HR).await?;
    let mut problems = Vec::new();
    let dates: Vec<Option<String>> = STAFF_DATES
        .iter()
        .map(|d| date(&fields, d, &mut problems))
        .collect();
    let draft = StaffDraft {
        trust: given(&fields, "trust").or_else(|| actor.trust.clone()),
        staff_number: given(&fields, "staff_number"),
        name: given(&fields, "name"),
        email: given(&fields, "email"),
        band: given(&fields, "band"),
        staff_group: given(&fields, "staff_group"),
        job_title: given(&fields, "job_title"),
        skills: list(&fields, "skills"),
        registrations: list(&fields, "registrations"),
        base_site: given(&fields, "base_site").and_then(|s| s.parse().ok()),
        home_postcode: given(&fields, "home_postcode"),
        max_travel_minutes: number(&fields, "max_travel_minutes", &mut problems)
            .map(|m| m.round() as i64),
        hours_min: number(&fields, "hours_min", &mut problems),
        hours_max: number(&fields, "hours_max", &mut problems),
        lower_band_consent: match field(&fields, "lower_band_consent") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        priority_tier: given(&fields, "priority_tier").and_then(|t| t.parse().ok()),
        redeployment_period_ends: dates[0].clone(),
        salary: number(&fields, "salary", &mut problems),
        wte: number(&fields, "wte", &mut problems),
        continuous_service_start: dates[1].clone(),
        date_of_birth: dates[2].clone(),
        pension_strain: number(&fields, "pension_strain", &mut problems),
        ..StaffDraft::default()
    };
    let guard = field(&fields, "form_guard").to_owned();
    if problems.is_empty() {
        match state.store.register_staff(&actor, &draft).await {
            Ok(record) => {
                let case = format!("/staff/{}?registered=1", record.id);
                return Ok(Redirect::to(&case).into_response());
            }
            Err(refused) => problems = refusal(refused, &STAFF_FORM)?,
        }
    }
    let shown = staff_form(&state, &actor, &guard, fields, problems).await?;
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &shown, None))
}

/// `POST /staff/{id}/invite`: emails the person the link that sets their password, then shows
/// their case saying so.
pub async fn post_invite(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    parts: Parts,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, field(&fields, "form_guard")) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, HR).await?;
    match state.store.invite_staff(&actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/{id}?invited=1")).into_response()),
        Err(store::Error::Conflict(detail)) => {
            let message = capitalised(&detail);
            let back = format!("/staff/{id}");
            let shown = MessagePage {
                heading: "They cannot be invited",
                message: &message,
                next_href: &back,
                next_text: "Back to their case",
            };
            Ok(page(StatusCode::CONFLICT, &shown, None))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "register_vacancy.html")]
struct RegisterVacancyPage {
    nav: Nav,
    form_guard: String,
    show_trust: bool,
    trusts: Vec<Choice>,
    sites: Vec<Choice>,
    bands: Vec<Choice>,
    staff_groups: Vec<Choice>,
    registrations: Vec<Choice>,
    fields: Fields,
    problems: Vec<Problem>,
}

impl RegisterVacancyPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }

    fn value(&self, name: &str) -> &str {
        field(&self.fields, name)
    }
}

async fn vacancy_form(
    state: &AppState,
    actor: &store::Actor,
    guard: &str,
    fields: Fields,
    problems: Vec<Problem>,
) -> Result<RegisterVacancyPage, PageError> {
    let (trusts, sites) = trusts_and_sites(
        state,
        actor,
        field(&fields, "trust"),
        field(&fields, "site"),
    )
    .await?;
    let mut registrations = vec![(String::new(), "None".to_owned())];
    registrations.extend(
        Registration::ALL
            .iter()
            .map(|r| (r.code().to_owned(), r.label().to_owned())),
    );
    Ok(RegisterVacancyPage {
        nav: Nav::for_role(actor.role, "", guard),
        form_guard: guard.to_owned(),
        show_trust: actor.role == Role::Admin,
        trusts,
        sites,
        bands: bands(field(&fields, "band")),
        staff_groups: staff_groups(field(&fields, "staff_group")),
        registrations: choices(registrations, field(&fields, "registration_required")),
        fields,
        problems,
    })
}

/// `GET /vacancies/new`: the form to register one vacancy.
pub async fn get_register_vacancy(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let mut fields = Fields::new();
    fields.insert("hours".into(), "37.5".into());
    fields.insert("contact_email".into(), actor.email.clone());
    let shown = vacancy_form(&state, &actor, &guard, fields, Vec::new()).await?;
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

/// `POST /vacancies/new`: registers the vacancy, then shows it with its candidates.
pub async fn post_register_vacancy(
    State(state): State<AppState>,
    parts: Parts,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, field(&fields, "form_guard")) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, HR).await?;
    let mut problems = Vec::new();
    let draft = VacancyDraft {
        trust: given(&fields, "trust").or_else(|| actor.trust.clone()),
        reference: given(&fields, "reference"),
        title: given(&fields, "title"),
        band: given(&fields, "band"),
        staff_group: given(&fields, "staff_group"),
        site: given(&fields, "site").and_then(|s| s.parse().ok()),
        hours: number(&fields, "hours", &mut problems),
        closing_date: date(&fields, "closing_date", &mut problems),
        essential_skills: list(&fields, "essential_skills"),
        desirable_skills: list(&fields, "desirable_skills"),
        registration_required: given(&fields, "registration_required"),
        contact_email: given(&fields, "contact_email"),
        ..VacancyDraft::default()
    };
    let guard = field(&fields, "form_guard").to_owned();
    if problems.is_empty() {
        match state.store.register_vacancy(&actor, &draft).await {
            Ok(record) => {
                return Ok(Redirect::to(&format!("/vacancies/{}", record.id)).into_response());
            }
            Err(refused) => problems = refusal(refused, &VACANCY_FORM)?,
        }
    }
    let shown = vacancy_form(&state, &actor, &guard, fields, problems).await?;
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &shown, None))
}
