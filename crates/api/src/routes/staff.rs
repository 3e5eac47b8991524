//! `/api/v1/staff`: registering at-risk staff, reading, changing and listing their records.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use store::catalogue::SiteRef;
use store::staff::draft::StaffDraft;
use store::staff::operations::StaffListFilter;
use store::{Catalogue, StaffListed, StaffRecord};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Conflict, Forbidden, Invalid, NotFound, NotSignedIn};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::shapes::{SkillResponse, created};
use crate::state::AppState;
use store::Paged;

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
    /// The early-retirement pension strain cost in pounds, when HR has entered it.
    pub pension_strain: Option<f64>,
    /// How often the person wants the digest of new suitable vacancies: daily, weekly or off.
    pub email_frequency: String,
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
    let s = record.staff;
    StaffResponse {
        id: record.id,
        trust: s.trust.as_str().to_owned(),
        staff_number: s.staff_number,
        name: s.name,
        email: s.email.as_str().to_owned(),
        band: s.band.code().to_owned(),
        staff_group: s.staff_group.code().to_owned(),
        job_title: s.job_title,
        skills: s.skills.iter().map(SkillResponse::from).collect(),
        registrations: s
            .registrations
            .iter()
            .map(|r| r.code().to_owned())
            .collect(),
        base_site: SiteRef::new(catalogue, record.base_site_id),
        home_postcode: s.home_postcode.map(|p| p.as_str().to_owned()),
        max_travel_minutes: s.max_travel.minutes() as i32,
        hours_min: s.hours.min().get(),
        hours_max: s.hours.max().get(),
        lower_band_consent: s.lower_band_consent,
        priority_tier: i16::from(s.priority_tier.number()),
        redeployment_period_ends: s.redeployment_period_ends,
        salary: s.salary.map(|m| m.pence() as f64 / 100.0),
        wte: s.wte.get(),
        continuous_service_start: s.continuous_service_start,
        date_of_birth: s.date_of_birth,
        status: s.status.code().to_owned(),
        pension_strain: s.pension_strain.map(|m| m.pence() as f64 / 100.0),
        email_frequency: s.email_frequency.code().to_owned(),
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn summary(s: StaffListed) -> StaffSummary {
    StaffSummary {
        id: s.id,
        trust: s.trust.as_str().to_owned(),
        staff_number: s.staff_number,
        name: s.name,
        band: s.band.code().to_owned(),
        staff_group: s.staff_group.code().to_owned(),
        job_title: s.job_title,
        status: s.status.code().to_owned(),
        redeployment_period_ends: s.redeployment_period_ends,
    }
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])), request_body = StaffDraft,
    responses((status = 201, description = "Registered", body = StaffResponse),
        BadRequest, NotSignedIn, Forbidden, Conflict, Invalid))]
/// Registers an at-risk case.
pub async fn create_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(draft): ApiJson<StaffDraft>,
) -> AppResult<Response> {
    let record = state.store.register_staff(&actor, &draft).await?;
    let id = record.id;
    Ok(created(
        format!("/api/v1/staff/{id}"),
        respond(record, &*state.store.catalogue().await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "staff", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id")),
    responses((status = 200, description = "The record", body = StaffResponse),
        BadRequest, NotSignedIn, Forbidden, NotFound))]
/// A staff record.
pub async fn get_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<axum::Json<StaffResponse>> {
    let record = state.store.read_staff(&actor, id).await?;
    Ok(axum::Json(respond(
        record,
        &*state.store.catalogue().await?,
    )))
}

#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "staff", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id")), request_body = StaffDraft,
    responses((status = 200, description = "Changed", body = StaffResponse),
        BadRequest, NotSignedIn, Forbidden, NotFound, Conflict, Invalid))]
/// Changes the fields given; a staff member may change only their preferences.
pub async fn update_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
    ApiJson(patch): ApiJson<StaffDraft>,
) -> AppResult<axum::Json<StaffResponse>> {
    let record = state.store.change_staff(&actor, id, patch).await?;
    Ok(axum::Json(respond(
        record,
        &*state.store.catalogue().await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StaffListQuery {
    /// Only this trust's (ODS code).
    #[param(nullable = false)]
    pub trust: Option<String>,
    /// Only cases with this status.
    #[param(nullable = false)]
    pub status: Option<String>,
    /// Only this band.
    #[param(nullable = false)]
    pub band: Option<String>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 2147483647, nullable = false)]
    pub page: Option<u64>,
    /// Rows a page, from 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])), params(StaffListQuery),
    responses((status = 200, description = "One page of the staff you may see", body = Paged<StaffSummary>),
        BadRequest, NotSignedIn, Forbidden, NotFound, Invalid))]
/// The staff records you may see, by name.
pub async fn list_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<StaffListQuery>,
) -> AppResult<axum::Json<Paged<StaffSummary>>> {
    let page = store::PageRequest::new(query.page, query.per_page)?;
    let filter = StaffListFilter {
        trust: query.trust,
        status: query.status,
        band: query.band,
    };
    let found = state.store.list_staff(&actor, &filter, page).await?;
    Ok(axum::Json(found.map(summary)))
}
