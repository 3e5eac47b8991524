//! Trust HR's pages (admin sees them too): the home page with the pairs waiting on them, their
//! open vacancies and active cases; a vacancy with its ranked candidates; a staff member's case
//! with every vacancy suggested to them; and one pair, with its history, its savings once
//! redeployed, and a form for each move that is theirs to make.
//!
//! Must never: decide who may see or move what. Each page calls the store operation its JSON
//! route calls (`read_vacancy`, `vacancy_candidates`, `read_staff`, `staff_matches`,
//! `match_detail`, `move_match`), which refuse what the person may not do.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{MatchStatus, Role};
use serde::Deserialize;
use store::PageRequest;
use store::awaiting::AwaitingPair;

use super::reasons::{Voice, reasons};
use super::{
    MessagePage, Nav, PageError, Problem, capitalised, expired_form, form_guard, guarded, page,
    page_with_problems, pounds, problem_with, status_label, visitor,
};
use crate::state::AppState;

/// Rows in each table of the HR pages.
const PER_PAGE: u64 = 20;

/// The roles these pages are for.
const HR: &[Role] = &[Role::TrustHr, Role::Admin];

/// `?page=` on a paged HR page.
#[derive(Debug, Deserialize)]
pub struct PageNumber {
    page: Option<u64>,
    /// Set after a registration or an invitation, to say it was done.
    registered: Option<String>,
    invited: Option<String>,
}

/// Links to the previous and next pages of a table, when there are any.
#[derive(Debug, Default)]
pub(crate) struct Pager {
    pub(crate) previous: Option<String>,
    pub(crate) next: Option<String>,
    pub(crate) summary: String,
}

impl Pager {
    /// The pager for page `page` of `total` rows, linking to `base` with `?page=`.
    /// `base` may carry a query ending in `&`, to which `page=` is added.
    pub(crate) fn new(base: &str, page: u64, total: u64) -> Pager {
        let last = total.div_ceil(PER_PAGE).max(1);
        let join = if base.ends_with('&') { "" } else { "?" };
        let from = if total == 0 {
            0
        } else {
            (page - 1) * PER_PAGE + 1
        };
        let to = (page * PER_PAGE).min(total);
        Pager {
            previous: (page > 1).then(|| format!("{base}{join}page={}", page - 1)),
            next: (page < last).then(|| format!("{base}{join}page={}", page + 1)),
            summary: format!("Showing {from} to {to} of {total}"),
        }
    }
}

struct WaitingRow {
    match_id: String,
    staff_name: String,
    vacancy_title: String,
    status: &'static str,
    since: String,
    action: &'static str,
}

struct VacancyRow {
    id: i32,
    reference: String,
    title: String,
    band: String,
    closing: String,
}

impl VacancyRow {
    fn of(v: &store::VacancyListed) -> VacancyRow {
        VacancyRow {
            id: v.id,
            reference: v.reference.clone(),
            title: v.title.clone(),
            band: v.band.code().to_owned(),
            closing: day(v.closing_date),
        }
    }
}

struct CaseRow {
    id: i32,
    name: String,
    job_title: String,
    band: String,
    period_ends: String,
}

impl CaseRow {
    fn of(c: &store::StaffListed) -> CaseRow {
        CaseRow {
            id: c.id,
            name: c.name.clone(),
            job_title: c.job_title.clone(),
            band: c.band.code().to_owned(),
            period_ends: day(c.redeployment_period_ends),
        }
    }
}

#[derive(Template)]
#[template(path = "hr_home.html")]
struct HrHomePage {
    nav: Nav,
    email: String,
    role: &'static str,
    trust: String,
    waiting: Vec<WaitingRow>,
    waiting_total: u64,
    vacancies: Vec<VacancyRow>,
    vacancies_total: u64,
    cases: Vec<CaseRow>,
    cases_total: u64,
}

fn day(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The home page of trust HR and admin: pairs waiting on them, their open vacancies soonest
/// closing first, and their active cases.
pub(crate) async fn hr_home(
    state: &AppState,
    actor: &store::Actor,
    parts: &Parts,
) -> Result<Response, PageError> {
    let first = PageRequest::new(Some(1), Some(PER_PAGE))?;
    let waiting = state.store.pairs_awaiting(actor, first).await?;
    let vacancies = state
        .store
        .list_vacancies(
            actor,
            &store::vacancies::operations::VacancyListFilter {
                trust: None,
                status: Some("open".to_owned()),
                reference: None,
            },
            first,
        )
        .await?;
    let cases = state
        .store
        .list_staff(
            actor,
            &store::staff::operations::StaffListFilter {
                trust: None,
                status: Some("active".to_owned()),
                band: None,
            },
            first,
        )
        .await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = HrHomePage {
        nav: Nav::for_role(actor.role, "/", &guard),
        email: actor.email.clone(),
        role: actor.role.label(),
        trust: actor
            .trust
            .clone()
            .unwrap_or_else(|| "every trust".to_owned()),
        waiting_total: waiting.total,
        waiting: waiting.items.iter().map(waiting_row).collect(),
        vacancies_total: vacancies.total,
        vacancies: vacancies.items.iter().map(VacancyRow::of).collect(),
        cases_total: cases.total,
        cases: cases.items.iter().map(CaseRow::of).collect(),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

fn waiting_row(pair: &AwaitingPair) -> WaitingRow {
    WaitingRow {
        match_id: pair.match_id.clone(),
        staff_name: pair.staff_name.clone(),
        vacancy_title: pair.vacancy_title.clone(),
        status: status_label(&pair.status),
        since: pair.since.format("%-d %B %Y").to_string(),
        action: match pair.action {
            "judge" => "Judge their decline",
            _ => "Decide the next step",
        },
    }
}

struct CandidateRow {
    match_id: String,
    name: String,
    band: String,
    trust: String,
    score: String,
    exact_match: bool,
    priority: Option<&'static str>,
    status: &'static str,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "vacancy.html")]
struct VacancyPage {
    nav: Nav,
    title: String,
    reference: String,
    band: String,
    trust: String,
    site: String,
    hours: String,
    closing: String,
    status: &'static str,
    essential: Vec<String>,
    desirable: Vec<String>,
    contact: String,
    candidates: Vec<CandidateRow>,
    pager: Pager,
}

/// `GET /vacancies/{id}`: a vacancy and its candidates in the DESIGN §2 order, with their
/// reasons and tags, each leading to the pair's page.
pub async fn get_vacancy(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(query): Query<PageNumber>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let record = state.store.read_vacancy(&actor, id).await?;
    let page_number = query.page.unwrap_or(1).max(1);
    let asked = PageRequest::new(Some(page_number), Some(PER_PAGE))?;
    let listed = state.store.vacancy_candidates(&actor, id, asked).await?;
    let catalogue = state.store.catalogue().await?;
    let vacancy = &record.vacancy;
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = VacancyPage {
        nav: Nav::for_role(actor.role, "", &guard),
        title: vacancy.title.clone(),
        reference: vacancy.reference.clone(),
        band: vacancy.band.code().to_owned(),
        trust: vacancy.trust.as_str().to_owned(),
        site: store::catalogue::SiteRef::new(&catalogue, record.site_id).name,
        hours: format!("{} hours a week", vacancy.hours.get()),
        closing: day(vacancy.closing_date),
        status: vacancy.status.label(),
        essential: vacancy
            .essential_skills
            .iter()
            .map(|s| s.skill.clone())
            .collect(),
        desirable: vacancy
            .desirable_skills
            .iter()
            .map(|s| s.skill.clone())
            .collect(),
        contact: vacancy.contact_email.as_str().to_owned(),
        candidates: listed
            .items
            .iter()
            .map(|c| CandidateRow {
                match_id: c.match_id.clone(),
                name: c.staff.name.clone(),
                band: c.staff.band.clone(),
                trust: c.staff.trust.clone(),
                score: format!("{:.0}", c.score),
                exact_match: c.exact_match,
                priority: (c.priority_tier == 1).then_some("Priority: redundancy"),
                status: status_label(&c.status),
                reasons: reasons(&c.explanation, Voice::Recruiter),
            })
            .collect(),
        pager: Pager::new(&format!("/vacancies/{id}"), page_number, listed.total),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

struct SuggestionRow {
    match_id: String,
    title: String,
    band: String,
    trust: String,
    site: String,
    score: String,
    exact_match: bool,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "staff_case.html")]
struct StaffCasePage {
    nav: Nav,
    form_guard: String,
    id: i32,
    email: String,
    registered: bool,
    invited: bool,
    name: String,
    staff_number: String,
    job_title: String,
    band: String,
    trust: String,
    case_status: &'static str,
    period_ends: String,
    skills: Vec<String>,
    travel: String,
    suggestions: Vec<SuggestionRow>,
    pager: Pager,
}

/// `GET /staff/{id}`: a staff member's case for their HR team: who they are, when their
/// redeployment period ends, and every vacancy suggested to them with where it has got to.
pub async fn get_staff_case(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(query): Query<PageNumber>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let record = state.store.read_staff(&actor, id).await?;
    let page_number = query.page.unwrap_or(1).max(1);
    let asked = PageRequest::new(Some(page_number), Some(PER_PAGE))?;
    let listed = state.store.staff_matches(&actor, id, asked).await?;
    let person = &record.staff;
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = StaffCasePage {
        nav: Nav::for_role(actor.role, "", &guard),
        form_guard: guard.clone(),
        id,
        email: person.email.as_str().to_owned(),
        registered: query.registered.is_some(),
        invited: query.invited.is_some(),
        name: person.name.clone(),
        staff_number: person.staff_number.clone(),
        job_title: person.job_title.clone(),
        band: person.band.code().to_owned(),
        trust: person.trust.as_str().to_owned(),
        case_status: person.status.label(),
        period_ends: day(person.redeployment_period_ends),
        skills: person.skills.iter().map(|s| s.skill.clone()).collect(),
        travel: format!("Up to {} minutes", person.max_travel.minutes()),
        suggestions: listed
            .items
            .iter()
            .map(|m| SuggestionRow {
                match_id: m.match_id.clone(),
                title: m.vacancy.title.clone(),
                band: m.vacancy.band.clone(),
                trust: m.vacancy.trust.clone(),
                site: m.vacancy.site.name.clone(),
                score: format!("{:.0}", m.score),
                exact_match: m.exact_match,
                status: status_label(&m.status),
            })
            .collect(),
        pager: Pager::new(&format!("/staff/{id}"), page_number, listed.total),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

/// A move offered on a pair's page, with what its form must ask for.
struct MoveForm {
    to: &'static str,
    /// The form judges a decline: reasonable or unreasonable, with why.
    judges: bool,
    button: &'static str,
    secondary: bool,
    needs_reason: bool,
    reason_label: &'static str,
    needs_date: bool,
    date_label: &'static str,
}

impl MoveForm {
    fn of(to: MatchStatus, from: MatchStatus) -> MoveForm {
        use MatchStatus::*;
        let needs = to.needs();
        let judges = to == DeclinedByStaff && from == DeclinedByStaff;
        let (button, secondary, reason_label, date_label) = match to {
            DeclinedByStaff if judges => (
                "Record the judgement",
                false,
                "Why (the candidate's reason, and what you weighed)",
                "",
            ),
            Interested => ("Interested", false, "", ""),
            DeclinedByStaff => ("Not interested", true, "Why the post is not for them", ""),
            Shortlisted => ("Shortlist", false, "", ""),
            Interview => ("Invite to interview", false, "", "Interview date"),
            Offered => ("Offer the post", false, "", ""),
            Trial if from == Trial => ("Extend the trial", true, "", "New last day of the trial"),
            Trial => ("Start the trial", false, "", "First day of the trial"),
            Redeployed => ("Confirm the redeployment", false, "", ""),
            RejectedByEmployer => ("Reject", true, "Why the candidate is not suitable", ""),
            TrialFailed => (
                "End the trial as not successful",
                true,
                "Why the trial did not succeed",
                "",
            ),
            Withdrawn => ("Withdraw", true, "Why the pair is withdrawn", ""),
            Suggested => ("", true, "", ""),
        };
        MoveForm {
            to: to.code(),
            judges,
            button,
            secondary,
            needs_reason: needs.reason,
            reason_label,
            needs_date: needs.date,
            date_label,
        }
    }
}

struct HistoryRow {
    when: String,
    from: &'static str,
    to: &'static str,
    by: String,
    reason: String,
}

struct SavingsView {
    salary: String,
    salary_assumed: bool,
    wte: String,
    service_years: u32,
    pension_strain: Option<String>,
    old_pay: String,
    new_pay: String,
    protection_months: u32,
    recruitment_cost: String,
    redundancy_pay: String,
    protection_cost: String,
    conservative: String,
    full: String,
    what_if_conservative: String,
    what_if_full: String,
}

#[derive(Template)]
#[template(path = "match.html")]
struct MatchPage {
    nav: Nav,
    form_guard: String,
    match_id: String,
    staff_name: String,
    staff_band: String,
    staff_trust: String,
    vacancy_id: i32,
    vacancy_title: String,
    vacancy_band: String,
    vacancy_trust: String,
    vacancy_site: String,
    status: &'static str,
    score: String,
    exact_match: bool,
    reasons: Vec<String>,
    history: Vec<HistoryRow>,
    savings: Option<SavingsView>,
    /// How the staff member's HR team judged the decline, once they have.
    judgement: Option<&'static str>,
    moves: Vec<MoveForm>,
    problems: Vec<Problem>,
}

impl MatchPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// Shows pair `id` to `actor`, with `problems` from a move just refused.
async fn match_page(
    state: &AppState,
    actor: &store::Actor,
    id: &str,
    parts: &Parts,
    problems: Vec<Problem>,
) -> Result<Response, PageError> {
    let detail = state.store.match_detail(actor, id).await?;
    let from = MatchStatus::from_code(&detail.status).unwrap_or(MatchStatus::Suggested);
    let (guard, new) = form_guard(&parts.headers)?;
    let money = |amount: f64| format!("£{amount:.2}");
    let shown = MatchPage {
        nav: Nav::for_role(actor.role, "", &guard),
        form_guard: guard.clone(),
        match_id: detail.match_id.clone(),
        staff_name: detail.staff.name.clone(),
        staff_band: detail.staff.band.clone(),
        staff_trust: detail.staff.trust.clone(),
        vacancy_id: detail.vacancy.id,
        vacancy_title: detail.vacancy.title.clone(),
        vacancy_band: detail.vacancy.band.clone(),
        vacancy_trust: detail.vacancy.trust.clone(),
        vacancy_site: detail.vacancy.site.name.clone(),
        status: status_label(&detail.status),
        score: format!("{:.0}", detail.score),
        exact_match: detail.exact_match,
        reasons: reasons(&detail.explanation, Voice::Recruiter),
        history: detail
            .history
            .iter()
            .map(|h| HistoryRow {
                when: h.at.format("%-d %B %Y, %H:%M").to_string(),
                from: status_label(&h.from),
                to: status_label(&h.to),
                by: h
                    .by
                    .clone()
                    .unwrap_or_else(|| "an account since removed".to_owned()),
                reason: h.reason.clone().unwrap_or_default(),
            })
            .collect(),
        savings: detail.savings.as_ref().map(|s| SavingsView {
            salary: money(s.inputs.salary),
            salary_assumed: s.inputs.salary_assumed,
            wte: format!("{:.2}", s.inputs.wte),
            service_years: s.inputs.service_years,
            pension_strain: s.inputs.pension_strain.map(money),
            old_pay: money(s.inputs.old_pay),
            new_pay: money(s.inputs.new_pay),
            protection_months: s.inputs.protection_months,
            recruitment_cost: money(s.inputs.recruitment_cost),
            redundancy_pay: money(s.redundancy_pay),
            protection_cost: money(s.protection_cost),
            conservative: money(s.conservative),
            full: money(s.full),
            what_if_conservative: pounds(s.what_if.conservative),
            what_if_full: pounds(s.what_if.full),
        }),
        judgement: detail
            .decline_judgement
            .as_deref()
            .and_then(domain::DeclineJudgement::from_code)
            .map(domain::DeclineJudgement::label),
        moves: detail
            .your_moves
            .iter()
            .filter_map(|code| MatchStatus::from_code(code))
            .map(|to| MoveForm::of(to, from))
            .collect(),
        problems,
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

/// `GET /matches/{id}`: one pair for whoever may see it.
pub async fn get_match(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    match_page(&state, &actor, &id, &parts, Vec::new()).await
}

#[derive(Debug, Deserialize)]
pub struct MoveFormPosted {
    #[serde(default)]
    form_guard: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    judgement: String,
    /// Set by the form that judges a decline.
    #[serde(default)]
    judging: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
}

/// The date typed into a move's day, month and year boxes, as `YYYY-MM-DD`; none when all
/// three are empty; a problem naming the day box when they do not make a date.
fn posted_date(form: &MoveFormPosted) -> Result<Option<String>, Problem> {
    let (d, m, y) = (form.day.trim(), form.month.trim(), form.year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let field = format!("{}-day", form.to);
    let parsed = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>());
    match parsed {
        (Ok(d), Ok(m), Ok(y)) if y >= 1000 => chrono::NaiveDate::from_ymd_opt(y, m, d)
            .map(|date| Some(date.format("%Y-%m-%d").to_string()))
            .ok_or_else(|| Problem::new(&field, "Enter a real date, such as 27 3 2027")),
        _ => Err(Problem::new(
            &field,
            "Enter the date as a day, a month and a four-digit year, such as 27 3 2027",
        )),
    }
}

/// `POST /matches/{id}`: a move on the pair's page, by the same operation as
/// `POST /api/v1/matches/{id}/transitions`; back to the pair's page, or the page again
/// saying what to correct.
pub async fn post_match(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
    Form(form): Form<MoveFormPosted>,
) -> Result<Response, PageError> {
    if !guarded(&parts.headers, &form.form_guard) {
        return Ok(expired_form());
    }
    let actor = visitor(&state, &parts, HR).await?;
    if !form.judging.is_empty() && form.judgement.is_empty() {
        let problem = Problem::new(
            "judgement-reasonable",
            "Choose whether declining the post was reasonable",
        );
        return match_page(&state, &actor, &id, &parts, vec![problem]).await;
    }
    let date = match posted_date(&form) {
        Ok(date) => date,
        Err(problem) => return match_page(&state, &actor, &id, &parts, vec![problem]).await,
    };
    let asked = store::workflow::MoveRequest {
        to: form.to.clone(),
        reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
        date,
        judgement: Some(form.judgement.clone()).filter(|j| !j.is_empty()),
    };
    match state.store.move_match(&actor, &id, asked).await {
        Ok(_) => Ok(Redirect::to(&format!("/matches/{id}")).into_response()),
        Err(store::Error::Invalid(fields)) => {
            let problems = fields
                .into_iter()
                .map(|f| {
                    let field = match f.field.as_str() {
                        "judgement" => "judgement-reasonable".to_owned(),
                        "reason" => format!("{}-reason", form.to),
                        "date" => format!("{}-day", form.to),
                        other => other.to_owned(),
                    };
                    Problem::new(&field, capitalised(&f.message))
                })
                .collect();
            match_page(&state, &actor, &id, &parts, problems).await
        }
        Err(store::Error::Conflict(detail)) => {
            let message = capitalised(&detail);
            let back = format!("/matches/{id}");
            let shown = MessagePage {
                heading: "This move cannot be made now",
                message: &message,
                next_href: &back,
                next_text: "Back to the pair",
            };
            Ok(page(StatusCode::CONFLICT, &shown, None))
        }
        Err(other) => Err(other.into()),
    }
}

/// `?status=&page=` on the lists of vacancies and cases.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<u64>,
}

/// One list of records, by status: vacancies or cases (the other list is empty).
#[derive(Template)]
#[template(path = "record_list.html")]
struct RecordListPage {
    nav: Nav,
    /// `/vacancies` or `/staff`.
    path: &'static str,
    heading: String,
    status_label: &'static str,
    statuses: Vec<(&'static str, &'static str, bool)>,
    vacancies: Vec<VacancyRow>,
    cases: Vec<CaseRow>,
    pager: Pager,
}

/// What a list page shows besides its rows.
struct ListOf<'a> {
    path: &'static str,
    noun: &'static str,
    status_label: &'static str,
    statuses: &'a [(&'static str, &'static str)],
    status: &'a str,
    page: u64,
    total: u64,
}

fn record_list(
    actor: &store::Actor,
    parts: &Parts,
    list: ListOf<'_>,
    vacancies: Vec<VacancyRow>,
    cases: Vec<CaseRow>,
) -> Result<Response, PageError> {
    let (guard, new) = form_guard(&parts.headers)?;
    let shown = RecordListPage {
        nav: Nav::for_role(actor.role, "", &guard),
        path: list.path,
        heading: format!(
            "{}: {} {}",
            list.noun,
            list.total,
            list.status.replace('_', " ")
        ),
        status_label: list.status_label,
        statuses: list
            .statuses
            .iter()
            .map(|&(code, label)| (code, label, code == list.status))
            .collect(),
        vacancies,
        cases,
        pager: Pager::new(
            &format!("{}?status={}&", list.path, list.status),
            list.page,
            list.total,
        ),
    };
    Ok(page(StatusCode::OK, &shown, new.then_some(guard.as_str())))
}

/// `GET /vacancies`: every vacancy HR may see, soonest closing first, 20 a page, by status.
pub async fn get_vacancy_list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let status = query.status.unwrap_or_else(|| "open".to_owned());
    let page_number = query.page.unwrap_or(1).max(1);
    let listed = state
        .store
        .list_vacancies(
            &actor,
            &store::vacancies::operations::VacancyListFilter {
                trust: None,
                status: Some(status.clone()),
                reference: None,
            },
            PageRequest::new(Some(page_number), Some(PER_PAGE))?,
        )
        .await?;
    let statuses: Vec<_> = domain::VacancyStatus::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    let list = ListOf {
        path: "/vacancies",
        noun: "Vacancies",
        status_label: "Status",
        statuses: &statuses,
        status: &status,
        page: page_number,
        total: listed.total,
    };
    let rows = listed.items.iter().map(VacancyRow::of).collect();
    record_list(&actor, &parts, list, rows, Vec::new())
}

/// `GET /staff`: every case HR may see, by name, 20 a page, by status.
pub async fn get_case_list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, HR).await?;
    let status = query.status.unwrap_or_else(|| "active".to_owned());
    let page_number = query.page.unwrap_or(1).max(1);
    let listed = state
        .store
        .list_staff(
            &actor,
            &store::staff::operations::StaffListFilter {
                trust: None,
                status: Some(status.clone()),
                band: None,
            },
            PageRequest::new(Some(page_number), Some(PER_PAGE))?,
        )
        .await?;
    let statuses: Vec<_> = domain::CaseStatus::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect();
    let list = ListOf {
        path: "/staff",
        noun: "At-risk staff",
        status_label: "Case status",
        statuses: &statuses,
        status: &status,
        page: page_number,
        total: listed.total,
    };
    let rows = listed.items.iter().map(CaseRow::of).collect();
    record_list(&actor, &parts, list, Vec::new(), rows)
}
