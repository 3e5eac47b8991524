//! `/api/v1/staff`: registering at-risk staff, reading, changing and listing their records.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{Band, CaseStatus, Role};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::Actor;
use crate::catalogue::Catalogue;
use crate::entities::staff as staff_entity;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{ApiJson, ApiQuery};
use crate::match_sync::Changes;
use crate::paging::{PageRequest, Paged};
use crate::routes::shapes::{SiteRef, SkillResponse, created, trust_code, trust_filter};
use crate::server::AppState;
use crate::staff::draft::{StaffDraft, ValidStaff};
use crate::staff::store::{self, StaffFilter, StaffRecord};

/// The fields an at-risk staff member may change on their own profile; the rest is HR's.
const SELF_SERVICE_FIELDS: &[&str] = &[
    "skills",
    "registrations",
    "home_postcode",
    "max_travel_minutes",
    "hours_min",
    "hours_max",
    "lower_band_consent",
];

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffResponse {
    pub id: i32,
    pub trust: String,
    pub staff_number: String,
    pub name: String,
    pub email: String,
    pub band: String,
    pub staff_group: String,
    pub job_title: String,
    pub skills: Vec<SkillResponse>,
    pub registrations: Vec<String>,
    pub base_site: SiteRef,
    pub home_postcode: Option<String>,
    pub max_travel_minutes: i32,
    pub hours_min: f64,
    pub hours_max: f64,
    pub lower_band_consent: bool,
    pub priority_tier: i16,
    pub redeployment_period_ends: NaiveDate,
    /// Whole-time-equivalent annual salary in pounds, when recorded.
    pub salary: Option<f64>,
    pub wte: f64,
    pub continuous_service_start: NaiveDate,
    pub date_of_birth: Option<NaiveDate>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffSummary {
    pub id: i32,
    pub trust: String,
    pub staff_number: String,
    pub name: String,
    pub band: String,
    pub staff_group: String,
    pub job_title: String,
    pub status: String,
    pub redeployment_period_ends: NaiveDate,
}

fn respond(record: StaffRecord, catalogue: &Catalogue) -> StaffResponse {
    let r = record.row;
    StaffResponse {
        id: r.id,
        trust: trust_code(catalogue, r.trust_id),
        staff_number: r.staff_number,
        name: r.name,
        email: r.email,
        band: r.band,
        staff_group: r.staff_group,
        job_title: r.job_title,
        skills: record
            .skills
            .into_iter()
            .map(|(held, skill)| {
                SkillResponse::new(held.entered, held.match_kind, held.confidence, skill)
            })
            .collect(),
        registrations: record.registrations,
        base_site: SiteRef {
            id: r.base_site_id,
            name: catalogue
                .site(r.base_site_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        },
        home_postcode: r.home_postcode,
        max_travel_minutes: r.max_travel_minutes,
        hours_min: r.hours_min,
        hours_max: r.hours_max,
        lower_band_consent: r.lower_band_consent,
        priority_tier: r.priority_tier,
        redeployment_period_ends: r.redeployment_period_ends,
        salary: r.salary_pence.map(|p| p as f64 / 100.0),
        wte: r.wte,
        continuous_service_start: r.continuous_service_start,
        date_of_birth: r.date_of_birth,
        status: r.status,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn summary(row: staff_entity::Model, catalogue: &Catalogue) -> StaffSummary {
    StaffSummary {
        id: row.id,
        trust: trust_code(catalogue, row.trust_id),
        staff_number: row.staff_number,
        name: row.name,
        band: row.band,
        staff_group: row.staff_group,
        job_title: row.job_title,
        status: row.status,
        redeployment_period_ends: row.redeployment_period_ends,
    }
}

/// Loads a record the actor may read, or says it does not exist.
async fn readable(state: &AppState, actor: &Actor, id: i32) -> AppResult<StaffRecord> {
    let record = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    if actor.may_read_staff(record.row.trust_id, record.row.id)? {
        Ok(record)
    } else {
        Err(AppError::NotFound("staff record"))
    }
}

fn check(
    state: &AppState,
    draft: &StaffDraft,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> AppResult<ValidStaff> {
    draft
        .check(&state.check_context(catalogue, today))
        .map_err(AppError::Invalid)
}
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])), request_body = StaffDraft, responses((status = 201, description = "Registered", body = StaffResponse), (status = 400, description = "The request could not be read", body = crate::error::Problem), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn create_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(draft): ApiJson<StaffDraft>,
) -> AppResult<Response> {
    actor.require_role(&[Role::TrustHr, Role::Admin], "Registering at-risk staff")?;
    let catalogue = Catalogue::load(&state.db).await?;
    let today = Utc::now().date_naive();
    let mut valid = check(&state, &draft, &catalogue, today)?;
    let mut errors = Vec::new();
    if valid.staff.status != CaseStatus::Active {
        errors.push(FieldError::new(
            "status",
            "a new case is always active; leave status out",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if !actor.may_manage_trust(valid.trust_id) {
        return Err(AppError::Forbidden(format!(
            "you can register staff only for your own trust ({})",
            actor.trust.clone().unwrap_or_default()
        )));
    }
    valid.staff.status = CaseStatus::Active;
    let txn = state.db.begin().await?;
    if let Some(existing) =
        store::find_by_number(&txn, valid.trust_id, &valid.staff.staff_number).await?
    {
        return Err(AppError::Conflict(format!(
            "staff number {} is already registered at this trust (record {}); change that record instead",
            valid.staff.staff_number, existing.id
        )));
    }
    let id = store::insert(&txn, &valid, Utc::now()).await?;
    audit::record(
        &txn,
        &actor.audit(),
        "create",
        "staff",
        Some(id.to_string()),
        None,
    )
    .await?;
    let synced = state
        .matches
        .after_write(&txn, &state.settings.matching, today, &Changes::staff([id]))
        .await?;
    txn.commit().await?;
    synced.committed();
    let record = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    Ok(created(
        format!("/api/v1/staff/{id}"),
        respond(record, &catalogue),
    ))
}
#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "staff", security(("bearer" = [])), params(("id" = i32, Path, description = "Staff record id")), responses((status = 200, description = "The record", body = StaffResponse), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem)))]

pub async fn get_staff(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> AppResult<axum::Json<StaffResponse>> {
    let record = readable(&state, &actor, id).await?;
    audit::record(
        &state.db,
        &actor.audit(),
        "read",
        "staff",
        Some(id.to_string()),
        None,
    )
    .await?;
    let catalogue = Catalogue::load(&state.db).await?;
    Ok(axum::Json(respond(record, &catalogue)))
}
#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "staff", security(("bearer" = [])), params(("id" = i32, Path, description = "Staff record id")), request_body = StaffDraft, responses((status = 200, description = "Changed", body = StaffResponse), (status = 400, description = "The request could not be read", body = crate::error::Problem), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn update_staff(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    ApiJson(patch): ApiJson<StaffDraft>,
) -> AppResult<axum::Json<StaffResponse>> {
    let record = readable(&state, &actor, id).await?;
    if actor.role == Role::Staff {
        let outside: Vec<&str> = patch
            .given_fields()
            .into_iter()
            .filter(|f| !SELF_SERVICE_FIELDS.contains(f))
            .collect();
        if !outside.is_empty() {
            return Err(AppError::Forbidden(format!(
                "your HR team keeps {}; you can change {}",
                outside.join(", "),
                SELF_SERVICE_FIELDS.join(", ")
            )));
        }
    } else if !actor.may_manage_trust(record.row.trust_id) {
        return Err(AppError::Forbidden(
            "you can read this record but not change it".to_owned(),
        ));
    }
    let catalogue = Catalogue::load(&state.db).await?;
    let today = Utc::now().date_naive();
    let before = CaseStatus::from_code(&record.row.status).unwrap_or(CaseStatus::Active);
    let merged = record.to_draft(&catalogue).overlay(patch);
    let valid = check(&state, &merged, &catalogue, today)?;
    if valid.staff.status != before {
        before
            .transition(valid.staff.status)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
    }
    if !actor.may_manage_trust(valid.trust_id) && actor.role != Role::Staff {
        return Err(AppError::Forbidden(
            "you cannot move a record to another trust".to_owned(),
        ));
    }
    let txn = state.db.begin().await?;
    store::update(&txn, record.row, &valid, Utc::now()).await?;
    let detail = (valid.staff.status != before)
        .then(|| format!("status {} → {}", before.code(), valid.staff.status.code()));
    audit::record(
        &txn,
        &actor.audit(),
        "update",
        "staff",
        Some(id.to_string()),
        detail,
    )
    .await?;
    let synced = state
        .matches
        .after_write(&txn, &state.settings.matching, today, &Changes::staff([id]))
        .await?;
    txn.commit().await?;
    synced.committed();
    let updated = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    Ok(axum::Json(respond(updated, &catalogue)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StaffListQuery {
    pub trust: Option<String>,
    pub status: Option<String>,
    pub band: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])), params(StaffListQuery), responses((status = 200, description = "One page of the staff you may see", body = Paged<StaffSummary>), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn list_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<StaffListQuery>,
) -> AppResult<axum::Json<Paged<StaffSummary>>> {
    let scope = actor.staff_scope()?;
    let page = PageRequest::new(query.page, query.per_page)?;
    let catalogue = Catalogue::load(&state.db).await?;
    let mut errors = Vec::new();
    let mut filter = StaffFilter {
        trust_id: trust_filter(&catalogue, query.trust.as_deref(), &mut errors),
        ..StaffFilter::default()
    };
    if let Some(status) = query.status.as_deref().filter(|s| !s.trim().is_empty()) {
        match CaseStatus::from_code(status) {
            Some(s) => filter.status = Some(s.code().to_owned()),
            None => errors.push(FieldError::new(
                "status",
                format!(
                    "\"{status}\" is not a case status; use one of {}",
                    CaseStatus::codes_list()
                ),
            )),
        }
    }
    if let Some(band) = query.band.as_deref().filter(|b| !b.trim().is_empty()) {
        match Band::parse(band) {
            Ok(b) => filter.band = Some(b.code().to_owned()),
            Err(e) => errors.push(FieldError::new("band", e.to_string())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (rows, total) = store::list(&state.db, scope, &filter, page).await?;
    let shown: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    audit::record(
        &state.db,
        &actor.audit(),
        "list",
        "staff",
        None,
        Some(format!("ids {}", shown.join(","))),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|row| summary(row, &catalogue))
        .collect();
    Ok(axum::Json(Paged::new(items, page, total)))
}
