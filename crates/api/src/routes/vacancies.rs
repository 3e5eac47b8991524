//! `/api/v1/vacancies`: trusts registering, changing, closing and listing their vacancies.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Role, VacancyStatus};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::Actor;
use crate::authz::VacancyScope;
use crate::catalogue::Catalogue;
use crate::entities::vacancy as vacancy_entity;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{ApiJson, ApiQuery};
use crate::match_sync::Changes;
use crate::paging::{PageRequest, Paged};
use crate::routes::shapes::{SiteRef, SkillResponse, created, trust_code, trust_filter};
use crate::server::AppState;
use crate::vacancies::draft::VacancyDraft;
use crate::vacancies::store::{self, VacancyFilter, VacancyRecord};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VacancyResponse {
    pub id: i32,
    pub trust: String,
    pub reference: String,
    pub title: String,
    pub band: String,
    pub staff_group: String,
    pub site: SiteRef,
    pub hours: f64,
    pub closing_date: NaiveDate,
    pub essential_skills: Vec<SkillResponse>,
    pub desirable_skills: Vec<SkillResponse>,
    pub registration_required: Option<String>,
    pub contact_email: String,
    pub status: String,
    pub posted_on: NaiveDate,
    /// Until this day the vacancy is held for redeployees before it may be advertised.
    pub ring_fence_ends: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VacancySummary {
    pub id: i32,
    pub trust: String,
    pub reference: String,
    pub title: String,
    pub band: String,
    pub staff_group: String,
    pub site: SiteRef,
    pub hours: f64,
    pub closing_date: NaiveDate,
    pub status: String,
}

fn ring_fence_ends(state: &AppState, posted_on: NaiveDate) -> NaiveDate {
    domain::calendar::add_working_days(posted_on, state.settings.matching.ring_fence_working_days)
}

fn respond(state: &AppState, record: VacancyRecord, catalogue: &Catalogue) -> VacancyResponse {
    let r = record.row;
    let (mut essential, mut desirable) = (Vec::new(), Vec::new());
    for (wanted, skill) in record.skills {
        let shaped =
            SkillResponse::new(wanted.entered, wanted.match_kind, wanted.confidence, skill);
        if wanted.essential {
            essential.push(shaped);
        } else {
            desirable.push(shaped);
        }
    }
    VacancyResponse {
        id: r.id,
        trust: trust_code(catalogue, r.trust_id),
        reference: r.reference,
        title: r.title,
        band: r.band,
        staff_group: r.staff_group,
        site: SiteRef::new(catalogue, r.site_id),
        hours: r.hours,
        closing_date: r.closing_date,
        essential_skills: essential,
        desirable_skills: desirable,
        registration_required: r.registration_required,
        contact_email: r.contact_email,
        status: r.status,
        ring_fence_ends: ring_fence_ends(state, r.posted_on),
        posted_on: r.posted_on,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn summary(row: vacancy_entity::Model, catalogue: &Catalogue) -> VacancySummary {
    VacancySummary {
        id: row.id,
        trust: trust_code(catalogue, row.trust_id),
        site: SiteRef::new(catalogue, row.site_id),
        reference: row.reference,
        title: row.title,
        band: row.band,
        staff_group: row.staff_group,
        hours: row.hours,
        closing_date: row.closing_date,
        status: row.status,
    }
}

async fn readable(state: &AppState, actor: &Actor, id: i32) -> AppResult<VacancyRecord> {
    let record = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    if actor.may_read_vacancy(record.row.trust_id, &record.row.status)? {
        Ok(record)
    } else {
        Err(AppError::NotFound("vacancy"))
    }
}
#[utoipa::path(post, path = "/api/v1/vacancies", tag = "vacancies", security(("bearer" = [])), request_body = VacancyDraft, responses((status = 201, description = "Registered", body = VacancyResponse), (status = 400, description = "The request could not be read", body = crate::error::Problem), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn create_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(draft): ApiJson<VacancyDraft>,
) -> AppResult<Response> {
    actor.require_role(&[Role::TrustHr, Role::Admin], "Registering vacancies")?;
    let catalogue = Catalogue::load(&state.db).await?;
    let today = Utc::now().date_naive();
    let valid = draft
        .check(&state.check_context(&catalogue, today), today)
        .map_err(AppError::Invalid)?;
    let mut errors = Vec::new();
    if valid.vacancy.status != VacancyStatus::Open {
        errors.push(FieldError::new(
            "status",
            "a new vacancy is always open; leave status out",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !actor.may_manage_trust(valid.trust_id) {
        return Err(AppError::Forbidden(format!(
            "you can register vacancies only for your own trust ({})",
            actor.trust.clone().unwrap_or_default()
        )));
    }
    let txn = state.db.begin().await?;
    if let Some(existing) =
        store::find_by_reference(&txn, valid.trust_id, &valid.vacancy.reference).await?
    {
        return Err(AppError::Conflict(format!(
            "vacancy reference {} is already registered at this trust (vacancy {}); change that vacancy instead",
            valid.vacancy.reference, existing.id
        )));
    }
    let id = store::insert(&txn, &valid, Utc::now()).await?;
    audit::record(
        &txn,
        &actor.audit(),
        "create",
        "vacancy",
        Some(id.to_string()),
        None,
    )
    .await?;
    let synced = state
        .matches
        .after_write(
            &txn,
            &state.settings.matching,
            today,
            &Changes::vacancies([id]),
        )
        .await?;
    txn.commit().await?;
    synced.committed();
    let record = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    Ok(created(
        format!("/api/v1/vacancies/{id}"),
        respond(&state, record, &catalogue),
    ))
}
#[utoipa::path(get, path = "/api/v1/vacancies/{id}", tag = "vacancies", security(("bearer" = [])), params(("id" = i32, Path, description = "Vacancy id")), responses((status = 200, description = "The vacancy", body = VacancyResponse), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem)))]

pub async fn get_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> AppResult<axum::Json<VacancyResponse>> {
    let record = readable(&state, &actor, id).await?;
    let catalogue = Catalogue::load(&state.db).await?;
    Ok(axum::Json(respond(&state, record, &catalogue)))
}
#[utoipa::path(patch, path = "/api/v1/vacancies/{id}", tag = "vacancies", security(("bearer" = [])), params(("id" = i32, Path, description = "Vacancy id")), request_body = VacancyDraft, responses((status = 200, description = "Changed", body = VacancyResponse), (status = 400, description = "The request could not be read", body = crate::error::Problem), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn update_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    ApiJson(patch): ApiJson<VacancyDraft>,
) -> AppResult<axum::Json<VacancyResponse>> {
    let record = readable(&state, &actor, id).await?;
    if !actor.may_manage_trust(record.row.trust_id) {
        return Err(AppError::Forbidden(
            "you can read this vacancy but not change it".to_owned(),
        ));
    }
    let catalogue = Catalogue::load(&state.db).await?;
    let before = VacancyStatus::from_code(&record.row.status).unwrap_or(VacancyStatus::Open);
    let posted_on = record.row.posted_on;
    let merged = record.to_draft(&catalogue).overlay(patch);
    let valid = merged
        .check(
            &state.check_context(&catalogue, Utc::now().date_naive()),
            posted_on,
        )
        .map_err(AppError::Invalid)?;
    if valid.vacancy.status != before {
        before
            .transition(valid.vacancy.status)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
    }
    if !actor.may_manage_trust(valid.trust_id) {
        return Err(AppError::Forbidden(
            "you cannot move a vacancy to another trust".to_owned(),
        ));
    }
    let txn = state.db.begin().await?;
    store::update(&txn, record.row, &valid, Utc::now()).await?;
    let detail = (valid.vacancy.status != before)
        .then(|| format!("status {} → {}", before.code(), valid.vacancy.status.code()));
    audit::record(
        &txn,
        &actor.audit(),
        "update",
        "vacancy",
        Some(id.to_string()),
        detail,
    )
    .await?;
    let synced = state
        .matches
        .after_write(
            &txn,
            &state.settings.matching,
            Utc::now().date_naive(),
            &Changes::vacancies([id]),
        )
        .await?;
    txn.commit().await?;
    synced.committed();
    let updated = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    Ok(axum::Json(respond(&state, updated, &catalogue)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VacancyListQuery {
    pub trust: Option<String>,
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
#[utoipa::path(get, path = "/api/v1/vacancies", tag = "vacancies", security(("bearer" = [])), params(VacancyListQuery), responses((status = 200, description = "One page of the vacancies you may see", body = Paged<VacancySummary>), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn list_vacancies(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<VacancyListQuery>,
) -> AppResult<axum::Json<Paged<VacancySummary>>> {
    let scope = actor.vacancy_scope()?;
    let page = PageRequest::new(query.page, query.per_page)?;
    let catalogue = Catalogue::load(&state.db).await?;
    let mut errors = Vec::new();
    let mut filter = VacancyFilter::default();
    let asked_trust = trust_filter(&catalogue, query.trust.as_deref(), &mut errors);
    if let Some(status) = query.status.as_deref().filter(|s| !s.trim().is_empty()) {
        match VacancyStatus::from_code(status) {
            Some(s) => filter.status = Some(s.code().to_owned()),
            None => errors.push(FieldError::new(
                "status",
                format!(
                    "\"{status}\" is not a vacancy status; use one of {}",
                    VacancyStatus::codes_list()
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    match scope {
        VacancyScope::All => filter.trust_id = asked_trust,
        VacancyScope::Trust(own) => {
            // Another trust's vacancies are outside trust HR's reach: none of them is listed.
            if asked_trust.is_some_and(|t| t != own) {
                return Ok(axum::Json(Paged::new(Vec::new(), page, 0)));
            }
            filter.trust_id = Some(own);
        }
        VacancyScope::Open => {
            filter.trust_id = asked_trust;
            if filter
                .status
                .as_deref()
                .is_some_and(|s| s != VacancyStatus::Open.code())
            {
                return Ok(axum::Json(Paged::new(Vec::new(), page, 0)));
            }
            filter.status = Some(VacancyStatus::Open.code().to_owned());
        }
    }
    let (rows, total) = store::list(&state.db, &filter, page).await?;
    let items = rows
        .into_iter()
        .map(|row| summary(row, &catalogue))
        .collect();
    Ok(axum::Json(Paged::new(items, page, total)))
}
