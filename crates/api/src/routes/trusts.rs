//! `GET /api/v1/trusts`: the London trusts and their sites, for anyone signed in.

use std::collections::BTreeMap;

use axum::extract::State;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Serialize;

use crate::auth::Actor;
use crate::entities::{site, trust};
use crate::error::AppResult;
use crate::server::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteResponse {
    pub id: i32,
    pub name: String,
    pub postcode: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustResponse {
    pub ods_code: String,
    pub name: String,
    pub hcas_zone: String,
    pub sites: Vec<SiteResponse>,
}

#[utoipa::path(get, path = "/api/v1/trusts", tag = "reference", security(("bearer" = [])), responses((status = 200, description = "The London trusts with their sites", body = Vec<TrustResponse>), (status = 401, description = "Not signed in", body = crate::error::Problem)))]
/// The trusts, by name, each with its sites by name. Small and fixed: a bare array, not paged.
pub async fn list_trusts(
    State(state): State<AppState>,
    _actor: Actor,
) -> AppResult<axum::Json<Vec<TrustResponse>>> {
    let trusts = trust::Entity::find()
        .order_by_asc(trust::Column::Name)
        .all(&state.db)
        .await?;
    let mut sites_by_trust: BTreeMap<i32, Vec<SiteResponse>> = BTreeMap::new();
    for s in site::Entity::find()
        .order_by_asc(site::Column::Name)
        .all(&state.db)
        .await?
    {
        sites_by_trust
            .entry(s.trust_id)
            .or_default()
            .push(SiteResponse {
                id: s.id,
                name: s.name,
                postcode: s.postcode,
                lat: s.lat,
                lon: s.lon,
            });
    }
    Ok(axum::Json(
        trusts
            .into_iter()
            .map(|t| TrustResponse {
                sites: sites_by_trust.remove(&t.id).unwrap_or_default(),
                ods_code: t.ods_code,
                name: t.name,
                hcas_zone: t.hcas_zone,
            })
            .collect(),
    ))
}
