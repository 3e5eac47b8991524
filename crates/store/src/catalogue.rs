//! The reference data as stored, which admin may change while the service runs: the trusts
//! and sites, indexed for checking input (which trust an ODS code names, which site an id
//! names and whose it is), and the skills vocabulary free text is normalised against.
//!
//! Each instance holds one `Catalogue` and replaces it whole when the change log says the
//! reference data changed since it was read (`revision`); a catalogue is never changed once
//! read, so a page shaped with one never mixes two versions.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use domain::skills::CanonicalSkill;
use domain::{SkillCategory, SkillVocabulary};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{site, skill, skill_synonym, trust};

#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The newest reference change this catalogue includes (0: none since the schema began).
    revision: i64,
    trusts_by_code: HashMap<String, trust::Model>,
    trusts_by_id: HashMap<i32, trust::Model>,
    sites: HashMap<i32, site::Model>,
    vocabulary: Arc<SkillVocabulary>,
}

impl Catalogue {
    /// A catalogue of the shipped vocabulary alone, before the database has been read.
    pub fn empty(vocabulary: SkillVocabulary) -> Catalogue {
        Catalogue {
            revision: -1,
            trusts_by_code: HashMap::new(),
            trusts_by_id: HashMap::new(),
            sites: HashMap::new(),
            vocabulary: Arc::new(vocabulary),
        }
    }

    /// Reads the stored reference data. The revision is read first, so the data is at least
    /// as new as it says.
    pub async fn load<C: ConnectionTrait>(db: &C) -> crate::Result<Catalogue> {
        let revision = crate::match_index::reference_revision(db).await?;
        let trusts = trust::Entity::find().all(db).await?;
        Ok(Catalogue {
            revision,
            trusts_by_code: trusts
                .iter()
                .map(|t| (t.ods_code.clone(), t.clone()))
                .collect(),
            trusts_by_id: trusts.into_iter().map(|t| (t.id, t)).collect(),
            sites: site::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
            vocabulary: Arc::new(stored_vocabulary(db).await?),
        })
    }

    /// The newest reference change this catalogue includes.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    /// The skills vocabulary as stored: the shipped skills and synonyms with admin's additions.
    pub fn vocabulary(&self) -> &SkillVocabulary {
        &self.vocabulary
    }

    /// The trust with this ODS code (any case).
    pub fn trust_by_code(&self, code: &str) -> Option<&trust::Model> {
        self.trusts_by_code.get(&code.trim().to_ascii_uppercase())
    }

    pub fn trust(&self, id: i32) -> Option<&trust::Model> {
        self.trusts_by_id.get(&id)
    }

    pub fn site(&self, id: i32) -> Option<&site::Model> {
        self.sites.get(&id)
    }

    /// Every trust, in no particular order.
    pub fn trusts(&self) -> impl Iterator<Item = &trust::Model> {
        self.trusts_by_id.values()
    }

    /// Every site, in no particular order.
    pub fn sites(&self) -> impl Iterator<Item = &site::Model> {
        self.sites.values()
    }

    /// The ODS code of a stored trust.
    pub fn trust_code(&self, trust_id: i32) -> String {
        self.trust(trust_id)
            .map(|t| t.ods_code.clone())
            .unwrap_or_default()
    }

    /// The name of a stored site.
    pub fn site_name(&self, site_id: i32) -> String {
        self.site(site_id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Reads a `?trust=` filter, recording a problem when no trust has that code.
    pub fn trust_filter(
        &self,
        code: Option<&str>,
        errors: &mut Vec<crate::error::FieldError>,
    ) -> Option<i32> {
        let code = code.map(str::trim).filter(|c| !c.is_empty())?;
        let found = self.trust_by_code(code).map(|t| t.id);
        if found.is_none() {
            errors.push(crate::error::FieldError::new(
                "trust",
                format!("no London trust has the ODS code \"{code}\""),
            ));
        }
        found
    }

    /// A site of trust `trust_id` named by its id, its site code or its name (any case), as
    /// people write sites in spreadsheets.
    pub fn find_site(&self, trust_id: Option<i32>, text: &str) -> Option<&site::Model> {
        let text = text.trim();
        if let Ok(id) = text.parse::<i32>()
            && let Some(site) = self.site(id)
        {
            return Some(site);
        }
        let folded = domain::fold(text);
        let mut candidates = self
            .sites
            .values()
            .filter(|s| trust_id.is_none_or(|t| s.trust_id == t));
        candidates
            .find(|s| s.site_code.eq_ignore_ascii_case(text) || domain::fold(&s.name) == folded)
    }
}

/// A site by id and name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SiteRef {
    pub id: i32,
    pub name: String,
}

impl SiteRef {
    pub fn new(catalogue: &Catalogue, id: i32) -> SiteRef {
        SiteRef {
            id,
            name: catalogue.site_name(id),
        }
    }
}

/// The vocabulary from the `skills` and `skill_synonyms` tables: every skill that is not a
/// custom one, in the order stored (the shipped ones first), with its synonyms. A synonym that
/// is also another skill's name is left out, as the name decides; the vocabulary can then
/// always be built, whatever a later release ships beside what admin added.
async fn stored_vocabulary<C: ConnectionTrait>(db: &C) -> crate::Result<SkillVocabulary> {
    let skills = skill::Entity::find()
        .filter(skill::Column::Category.ne(SkillCategory::Custom.code()))
        .order_by_asc(skill::Column::Id)
        .all(db)
        .await?;
    let names: HashSet<String> = skills.iter().map(|s| s.folded_name.clone()).collect();
    let mut synonyms: HashMap<i32, Vec<String>> = HashMap::new();
    for row in skill_synonym::Entity::find()
        .order_by_asc(skill_synonym::Column::Id)
        .all(db)
        .await?
    {
        if !names.contains(&row.folded) {
            synonyms.entry(row.skill_id).or_default().push(row.synonym);
        }
    }
    let canonical = skills
        .into_iter()
        .map(|s| {
            let category = SkillCategory::from_code(&s.category).ok_or_else(|| {
                DbErr::Custom(format!(
                    "skills row {} has category \"{}\", which is not one of {}",
                    s.id,
                    s.category,
                    SkillCategory::codes_list()
                ))
            })?;
            Ok(CanonicalSkill {
                synonyms: synonyms.remove(&s.id).unwrap_or_default(),
                name: s.name,
                category,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    // Folded names are unique in the table and synonyms that are names were left out above,
    // so building fails only on a damaged table.
    SkillVocabulary::new(canonical).map_err(|e| {
        crate::Error::from(DbErr::Custom(format!(
            "the stored skills vocabulary cannot be used: {e}"
        )))
    })
}
