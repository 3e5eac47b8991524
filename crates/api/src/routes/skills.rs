//! `/api/v1/skills`: the skills vocabulary, and what a free-text skill would be taken as.

use std::collections::HashMap;

use axum::extract::State;
use domain::{SkillCategory, fold};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::entities::{skill, skill_synonym};
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{ApiJson, ApiQuery};
use crate::paging::{PageRequest, Paged};
use crate::server::AppState;
use crate::skills_store::kind_code;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SkillEntry {
    pub id: i32,
    pub name: String,
    pub category: String,
    pub synonyms: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SkillListQuery {
    /// Only this category: clinical, administrative, estates, digital, management, ksf_core, custom.
    pub category: Option<String>,
    /// Only skills whose name contains this text.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
#[utoipa::path(get, path = "/api/v1/skills", tag = "reference", security(("bearer" = [])), params(SkillListQuery), responses((status = 200, description = "The skills vocabulary", body = Paged<SkillEntry>), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn list_skills(
    State(state): State<AppState>,
    _actor: Actor,
    ApiQuery(query): ApiQuery<SkillListQuery>,
) -> AppResult<axum::Json<Paged<SkillEntry>>> {
    let page = PageRequest::new(query.page, query.per_page)?;
    let mut condition = Condition::all();
    if let Some(code) = query.category.as_deref().filter(|c| !c.trim().is_empty()) {
        let category = SkillCategory::from_code(code.trim()).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "category",
                format!(
                    "\"{code}\" is not a skill category; use one of {}",
                    SkillCategory::codes_list()
                ),
            )])
        })?;
        condition = condition.add(skill::Column::Category.eq(category.code()));
    }
    if let Some(text) = query.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        condition = condition.add(skill::Column::FoldedName.contains(text));
    }
    let query = skill::Entity::find().filter(condition);
    let total = query.clone().count(&state.db).await?;
    let skills = query
        .order_by_asc(skill::Column::Name)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&state.db)
        .await?;
    let mut synonyms: HashMap<i32, Vec<String>> = HashMap::new();
    for s in skill_synonym::Entity::find()
        .filter(skill_synonym::Column::SkillId.is_in(skills.iter().map(|s| s.id)))
        .order_by_asc(skill_synonym::Column::Synonym)
        .all(&state.db)
        .await?
    {
        synonyms.entry(s.skill_id).or_default().push(s.synonym);
    }
    let items = skills
        .into_iter()
        .map(|s| SkillEntry {
            synonyms: synonyms.remove(&s.id).unwrap_or_default(),
            id: s.id,
            name: s.name,
            category: s.category,
        })
        .collect();
    Ok(axum::Json(Paged::new(items, page, total)))
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

#[utoipa::path(post, path = "/api/v1/skills/normalise", tag = "reference", security(("bearer" = [])), request_body = NormaliseRequest, responses((status = 200, description = "What the text would be taken as", body = NormaliseResponse), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]
/// What a free-text skill would be taken as, before anyone saves it.
pub async fn normalise_skill(
    State(state): State<AppState>,
    _actor: Actor,
    ApiJson(request): ApiJson<NormaliseRequest>,
) -> AppResult<axum::Json<NormaliseResponse>> {
    let found = state
        .vocabulary
        .normalise(
            &request.text,
            state.settings.matching.skill_similarity_threshold,
        )
        .map_err(|e| AppError::Invalid(vec![FieldError::new("text", e.to_string())]))?;
    let category = state
        .vocabulary
        .get(&found.skill)
        .map_or(SkillCategory::Custom, |s| s.category);
    Ok(axum::Json(NormaliseResponse {
        match_kind: kind_code(found.kind).to_owned(),
        confidence: found.confidence,
        category: category.code().to_owned(),
        entered: found.entered,
        skill: found.skill,
    }))
}
