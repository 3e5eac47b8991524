//! `/api/v1/vacancies`: trusts registering, changing, closing and listing their vacancies.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use store::catalogue::{Catalogue, SiteRef};
use store::vacancies::draft::VacancyDraft;
use store::vacancies::operations::VacancyListFilter;
use store::{Paged, Store, VacancyListed, VacancyRecord};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Conflict, Forbidden, Invalid, NotFound, NotSignedIn};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routes::shapes::{SkillResponse, created};
use crate::state::AppState;

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

fn respond(store: &Store, catalogue: &Catalogue, record: VacancyRecord) -> VacancyResponse {
    let v = record.vacancy;
    VacancyResponse {
        id: record.id,
        trust: v.trust.as_str().to_owned(),
        reference: v.reference,
        title: v.title,
        band: v.band.code().to_owned(),
        staff_group: v.staff_group.code().to_owned(),
        site: SiteRef::new(catalogue, record.site_id),
        hours: v.hours.get(),
        closing_date: v.closing_date,
        essential_skills: v.essential_skills.iter().map(SkillResponse::from).collect(),
        desirable_skills: v.desirable_skills.iter().map(SkillResponse::from).collect(),
        registration_required: v.registration_required.map(|r| r.code().to_owned()),
        contact_email: v.contact_email.as_str().to_owned(),
        status: v.status.code().to_owned(),
        ring_fence_ends: store.ring_fence_ends(v.posted_on),
        posted_on: v.posted_on,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn summary(v: VacancyListed, catalogue: &store::Catalogue) -> VacancySummary {
    VacancySummary {
        id: v.id,
        trust: v.trust.as_str().to_owned(),
        site: SiteRef::new(catalogue, v.site_id),
        reference: v.reference,
        title: v.title,
        band: v.band.code().to_owned(),
        staff_group: v.staff_group.code().to_owned(),
        hours: v.hours.get(),
        closing_date: v.closing_date,
        status: v.status.code().to_owned(),
    }
}

#[utoipa::path(post, path = "/api/v1/vacancies", tag = "vacancies", security(("bearer" = [])), request_body = VacancyDraft,
    responses((status = 201, description = "Registered", body = VacancyResponse),
        BadRequest, NotSignedIn, Forbidden, Conflict, Invalid))]
/// Registers a vacancy; it is held for redeployees until `ring_fence_ends`.
pub async fn create_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(draft): ApiJson<VacancyDraft>,
) -> AppResult<Response> {
    let record = state.store.register_vacancy(&actor, &draft).await?;
    let id = record.id;
    Ok(created(
        format!("/api/v1/vacancies/{id}"),
        respond(&state.store, &*state.store.catalogue().await?, record),
    ))
}

#[utoipa::path(get, path = "/api/v1/vacancies/{id}", tag = "vacancies", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Vacancy id")),
    responses((status = 200, description = "The vacancy", body = VacancyResponse),
        BadRequest, NotSignedIn, Forbidden, NotFound))]
/// A vacancy.
pub async fn get_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<axum::Json<VacancyResponse>> {
    let record = state.store.read_vacancy(&actor, id).await?;
    Ok(axum::Json(respond(
        &state.store,
        &*state.store.catalogue().await?,
        record,
    )))
}

#[utoipa::path(patch, path = "/api/v1/vacancies/{id}", tag = "vacancies", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Vacancy id")), request_body = VacancyDraft,
    responses((status = 200, description = "Changed", body = VacancyResponse),
        BadRequest, NotSignedIn, Forbidden, NotFound, Conflict, Invalid))]
/// Changes the fields given; `status` closes a vacancy as filled or withdrawn, or reopens it.
pub async fn update_vacancy(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
    ApiJson(patch): ApiJson<VacancyDraft>,
) -> AppResult<axum::Json<VacancyResponse>> {
    let record = state.store.change_vacancy(&actor, id, patch).await?;
    Ok(axum::Json(respond(
        &state.store,
        &*state.store.catalogue().await?,
        record,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VacancyListQuery {
    /// Only this trust's (ODS code).
    #[param(nullable = false)]
    pub trust: Option<String>,
    /// Only vacancies with this status.
    #[param(nullable = false)]
    pub status: Option<String>,
    /// Only vacancies with this reference, as the trust's advert gives it.
    #[param(nullable = false)]
    pub reference: Option<String>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 2147483647, nullable = false)]
    pub page: Option<u64>,
    /// Rows a page, from 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/vacancies", tag = "vacancies", security(("bearer" = [])), params(VacancyListQuery),
    responses((status = 200, description = "One page of the vacancies you may see", body = Paged<VacancySummary>),
        BadRequest, NotSignedIn, Forbidden, Invalid))]
/// The vacancies you may see, soonest closing first.
pub async fn list_vacancies(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<VacancyListQuery>,
) -> AppResult<axum::Json<Paged<VacancySummary>>> {
    let page = store::PageRequest::new(query.page, query.per_page)?;
    let filter = VacancyListFilter {
        trust: query.trust,
        status: query.status,
        reference: query.reference,
    };
    let found = state.store.list_vacancies(&actor, &filter, page).await?;
    let catalogue = state.store.catalogue().await?;
    Ok(axum::Json(found.map(|record| summary(record, &catalogue))))
}
