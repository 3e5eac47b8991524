//! Stored skills: the vocabulary's canonical skills (loaded as reference data) and the custom
//! skills people typed that matched none of them, which are stored the first time they appear.

use std::collections::HashMap;

use chrono::Utc;
use domain::{NormalisedSkill, SkillCategory};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::skill;
use crate::store_support::insert_chunked;

/// How a skill was recognised, as stored.
pub fn kind_code(kind: domain::SkillMatchKind) -> &'static str {
    match kind {
        domain::SkillMatchKind::Exact => "exact",
        domain::SkillMatchKind::Similar => "similar",
        domain::SkillMatchKind::Custom => "custom",
    }
}

/// The ids of these skills by their key, storing any custom skill not seen before.
pub async fn ensure_skill_ids<C: ConnectionTrait>(
    db: &C,
    skills: &[&NormalisedSkill],
) -> Result<HashMap<String, i32>, DbErr> {
    let mut wanted: HashMap<String, &NormalisedSkill> = HashMap::new();
    for s in skills.iter().copied() {
        wanted.entry(s.key()).or_insert(s);
    }
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = wanted.keys().cloned().collect();
    let mut ids = find_ids(db, &keys).await?;
    let mut missing: Vec<&String> = keys.iter().filter(|k| !ids.contains_key(*k)).collect();
    if !missing.is_empty() {
        missing.sort();
        let now = Utc::now();
        let rows = missing
            .iter()
            .map(|key| skill::ActiveModel {
                name: Set(wanted[*key].skill.clone()),
                folded_name: Set((*key).clone()),
                category: Set(SkillCategory::Custom.code().to_owned()),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        // Another request may store the same custom skill at the same moment: keep theirs.
        let keep_existing = OnConflict::column(skill::Column::FoldedName)
            .do_nothing()
            .to_owned();
        insert_chunked(db, rows, Some(keep_existing)).await?;
        ids = find_ids(db, &keys).await?;
    }
    Ok(ids)
}

async fn find_ids<C: ConnectionTrait>(
    db: &C,
    keys: &[String],
) -> Result<HashMap<String, i32>, DbErr> {
    let mut ids = HashMap::new();
    for chunk in keys.chunks(1000) {
        for s in skill::Entity::find()
            .filter(skill::Column::FoldedName.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            ids.insert(s.folded_name, s.id);
        }
    }
    Ok(ids)
}

/// Stored skills by id, for showing what each entered skill was taken as.
pub async fn skills_by_id<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, skill::Model>, DbErr> {
    Ok(skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// A skill of the vocabulary (or a custom one people entered), with its synonyms.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SkillEntry {
    pub id: i32,
    pub name: String,
    pub category: String,
    pub synonyms: Vec<String>,
}

impl crate::Store {
    /// One page of the skills vocabulary, by name: only `category`'s when given, only names
    /// containing `text` when given.
    pub async fn list_skills(
        &self,
        category: Option<&str>,
        text: Option<&str>,
        page: crate::PageRequest,
    ) -> crate::Result<crate::Paged<SkillEntry>> {
        use sea_orm::{Condition, PaginatorTrait, QueryOrder, QuerySelect};

        use crate::entities::skill_synonym;

        let mut condition = Condition::all();
        if let Some(code) = category.map(str::trim).filter(|c| !c.is_empty()) {
            let category = SkillCategory::from_code(code).ok_or_else(|| {
                crate::Error::Invalid(vec![crate::FieldError::new(
                    "category",
                    format!(
                        "\"{code}\" is not a skill category; use one of {}",
                        SkillCategory::codes_list()
                    ),
                )])
            })?;
            condition = condition.add(skill::Column::Category.eq(category.code()));
        }
        if let Some(text) = text.map(domain::fold).filter(|t| !t.is_empty()) {
            condition = condition.add(skill::Column::FoldedName.contains(text));
        }
        let query = skill::Entity::find().filter(condition);
        let total = query.clone().count(self.db()).await?;
        let skills = query
            .order_by_asc(skill::Column::Name)
            .order_by_asc(skill::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(self.db())
            .await?;
        let mut synonyms: HashMap<i32, Vec<String>> = HashMap::new();
        for s in skill_synonym::Entity::find()
            .filter(skill_synonym::Column::SkillId.is_in(skills.iter().map(|s| s.id)))
            .order_by_asc(skill_synonym::Column::Synonym)
            .all(self.db())
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
        Ok(crate::Paged::new(items, page, total))
    }

    /// What a free-text skill would be taken as, and the category of the skill it names.
    pub async fn normalise_skill(
        &self,
        text: &str,
    ) -> crate::Result<(NormalisedSkill, SkillCategory)> {
        let catalogue = self.catalogue().await?;
        let found = catalogue
            .vocabulary()
            .normalise(text, self.settings().matching.skill_similarity_threshold)
            .map_err(|e| {
                crate::Error::Invalid(vec![crate::FieldError::new("text", e.to_string())])
            })?;
        let category = catalogue
            .vocabulary()
            .get(&found.skill)
            .map_or(SkillCategory::Custom, |s| s.category);
        Ok((found, category))
    }
}
