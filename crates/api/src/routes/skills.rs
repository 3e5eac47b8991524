//! `/api/v1/skills`: the skills vocabulary, and what a free-text skill would be taken as.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use store::skills_store::{SkillEntry, kind_code};
use store::{PageRequest, Paged};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Invalid, NotSignedIn};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SkillListQuery {
    /// Only this category: clinical, administrative, estates, digital, management, ksf_core, custom.
    #[param(nullable = false)]
    pub category: Option<String>,
    /// Only skills whose name contains this text.
    #[param(nullable = false)]
    pub q: Option<String>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 2147483647, nullable = false)]
    pub page: Option<u64>,
    /// Rows a page, from 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub per_page: Option<u64>,
}
#[utoipa::path(get, path = "/api/v1/skills", tag = "reference", security(("bearer" = [])), params(SkillListQuery),
    responses((status = 200, description = "The skills vocabulary", body = Paged<SkillEntry>), BadRequest, NotSignedIn, Invalid))]
/// The skills vocabulary with synonyms, and custom skills people have entered.
pub async fn list_skills(
    State(state): State<AppState>,
    _actor: Actor,
    ApiQuery(query): ApiQuery<SkillListQuery>,
) -> AppResult<axum::Json<Paged<SkillEntry>>> {
    let page = PageRequest::new(query.page, query.per_page)?;
    Ok(axum::Json(
        state
            .store
            .list_skills(query.category.as_deref(), query.q.as_deref(), page)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NormaliseRequest {
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NormaliseResponse {
    pub entered: String,
    /// The canonical skill (or, for a custom skill, the text as it will be kept).
    pub skill: String,
    /// `exact`, `similar` or `custom`.
    #[serde(rename = "match")]
    pub match_kind: String,
    /// 1 for an exact match, the similarity (0–1) for a similar one, 0 for a custom skill.
    pub confidence: f64,
    pub category: String,
}

#[utoipa::path(post, path = "/api/v1/skills/normalise", tag = "reference", security(("bearer" = [])), request_body = NormaliseRequest,
    responses((status = 200, description = "What the text would be taken as", body = NormaliseResponse), BadRequest, NotSignedIn, Invalid))]
/// What a free-text skill would be taken as, before anyone saves it.
pub async fn normalise_skill(
    State(state): State<AppState>,
    _actor: Actor,
    ApiJson(request): ApiJson<NormaliseRequest>,
) -> AppResult<axum::Json<NormaliseResponse>> {
    let (found, category) = state.store.normalise_skill(&request.text).await?;
    Ok(axum::Json(NormaliseResponse {
        match_kind: kind_code(found.kind).to_owned(),
        confidence: found.confidence,
        category: category.code().to_owned(),
        entered: found.entered,
        skill: found.skill,
    }))
}
