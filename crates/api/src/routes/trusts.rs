//! `GET /api/v1/trusts`: the London trusts and their sites, for anyone signed in.

use axum::extract::State;
use serde::Serialize;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::NotSignedIn;
use crate::state::AppState;

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

#[utoipa::path(get, path = "/api/v1/trusts", tag = "reference", security(("bearer" = [])),
    responses((status = 200, description = "The London trusts with their sites", body = Vec<TrustResponse>), NotSignedIn))]
/// The trusts, by name, each with its sites by name. Small and fixed: a bare array, not paged.
pub async fn list_trusts(
    State(state): State<AppState>,
    _actor: Actor,
) -> AppResult<axum::Json<Vec<TrustResponse>>> {
    let catalogue = state.store.catalogue().await?;
    let mut trusts: Vec<TrustResponse> = catalogue
        .trusts()
        .map(|t| {
            let mut sites: Vec<SiteResponse> = catalogue
                .sites()
                .filter(|s| s.trust_id == t.id)
                .map(|s| SiteResponse {
                    id: s.id,
                    name: s.name.clone(),
                    postcode: s.postcode.clone(),
                    lat: s.lat,
                    lon: s.lon,
                })
                .collect();
            sites.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            TrustResponse {
                ods_code: t.ods_code.clone(),
                name: t.name.clone(),
                hcas_zone: t.hcas_zone.clone(),
                sites,
            }
        })
        .collect();
    trusts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(axum::Json(trusts))
}
