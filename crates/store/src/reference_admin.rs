//! Admin's changes to the reference data while the service runs (DESIGN §1: admin manages
//! trusts, sites and the skills vocabulary): add a trust or correct one, add a site or
//! correct one (its position follows its postcode), add a skill to the vocabulary, add a
//! synonym to a skill and take back a synonym admin added.
//!
//! Each change is checked whole (every wrong field named, nothing written), written with its
//! audit row, and logged as a reference change in the same transaction, so that every
//! instance reads its catalogue again before it next checks input, and the match index reads
//! again the staff and vacancies a moved site places.
//!
//! Must never: let anyone but admin in; change an ODS code, a site code or a skill's name once
//! stored (records, logs and explanations name them); re-normalise skills already entered
//! (skills are normalised once, when data enters); remove a synonym the service ships.

use chrono::Utc;
use domain::{HcasZone, OdsCode, Postcode, Role, SkillCategory, TrustKind, fold};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::entities::{postcode_location, site, skill, skill_synonym, staff, trust, vacancy};
use crate::error::{Error, FieldError, Result};
use crate::match_index::{self, Changes};
use crate::store_support::unique_row;

/// What admin enters about a trust. On a change the ODS code is the trust's and not read.
#[derive(Debug, Clone, Default)]
pub struct TrustForm {
    pub ods_code: String,
    pub name: String,
    /// A `TrustKind` code.
    pub kind: String,
    /// An `HcasZone` code.
    pub hcas_zone: String,
}

/// What admin enters about a site. On a change the site code is the site's and not read.
#[derive(Debug, Clone, Default)]
pub struct SiteForm {
    /// The ODS site code; left empty, one is made from the trust's code and the name.
    pub site_code: String,
    pub name: String,
    pub postcode: String,
    /// An `HcasZone` code; left empty, the trust's zone.
    pub hcas_zone: String,
}

/// A skill with each of its synonyms, saying which admin added (and may take back).
#[derive(Debug, Clone)]
pub struct SkillDetail {
    pub id: i32,
    pub name: String,
    pub category: SkillCategory,
    pub synonyms: Vec<SynonymListed>,
}

#[derive(Debug, Clone)]
pub struct SynonymListed {
    pub id: i32,
    pub synonym: String,
    pub added_by_admin: bool,
}

const MAX_NAME: usize = 200;

fn name_of(text: &str, field: &str, what: &str, errors: &mut Vec<FieldError>) -> String {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        errors.push(FieldError::new(field, format!("enter the {what}")));
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldError::new(
            field,
            format!("keep the {what} under {MAX_NAME} characters"),
        ));
    }
    name
}

/// The coded value `found` (read from what was typed), or a problem with `field` that lists
/// the codes to choose from.
fn chosen<T>(
    found: Option<T>,
    field: &str,
    what: &str,
    codes: impl FnOnce() -> String,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if found.is_none() {
        errors.push(FieldError::new(
            field,
            format!("choose {what}: one of {}", codes()),
        ));
    }
    found
}

fn kind_of(code: &str, errors: &mut Vec<FieldError>) -> Option<TrustKind> {
    let found = TrustKind::from_code(code.trim());
    chosen(
        found,
        "kind",
        "the kind of trust",
        TrustKind::codes_list,
        errors,
    )
}

fn zone_of(code: &str, errors: &mut Vec<FieldError>) -> Option<HcasZone> {
    let found = HcasZone::from_code(code.trim());
    let what = "the High Cost Area Supplement zone";
    chosen(found, "hcas_zone", what, HcasZone::codes_list, errors)
}

/// Where a postcode is: the full postcode when an imported directory holds it, else its
/// district's centroid, which the service ships for London and the ring around it.
async fn position_of<C: ConnectionTrait>(
    db: &C,
    postcode: &Postcode,
) -> Result<Option<(f64, f64)>> {
    let keys = [
        postcode.as_str().to_owned(),
        postcode.district().as_str().to_owned(),
    ];
    let found = postcode_location::Entity::find()
        .filter(postcode_location::Column::Postcode.is_in(keys.clone()))
        .all(db)
        .await?;
    Ok(keys.iter().find_map(|key| {
        found
            .iter()
            .find(|p| &p.postcode == key)
            .map(|p| (p.lat, p.lon))
    }))
}

/// Audits a reference change, logs it for every instance (with the records it moves) and
/// commits.
async fn commit_reference(
    txn: DatabaseTransaction,
    actor: &Actor,
    (action, entity, id): (&str, &str, String),
    detail: String,
    mut changes: Changes,
) -> Result<()> {
    audit::record(&txn, &actor.audit(), action, entity, Some(id), Some(detail)).await?;
    changes.reference = true;
    match_index::log_write(&txn, &changes).await?;
    txn.commit().await?;
    Ok(())
}

impl Store {
    /// Adds a trust (a new organisation after a merger, or one the shipped list lacks).
    pub async fn add_trust(&self, actor: &Actor, form: &TrustForm) -> Result<trust::Model> {
        actor.require_role(&[Role::Admin], "Managing trusts and sites")?;
        let mut errors = Vec::new();
        let code = OdsCode::parse(&form.ods_code)
            .map_err(|e| errors.push(FieldError::new("ods_code", e.to_string())))
            .ok();
        let name = name_of(&form.name, "name", "trust's name", &mut errors);
        let kind = kind_of(&form.kind, &mut errors);
        let zone = zone_of(&form.hcas_zone, &mut errors);
        let (Some(code), Some(kind), Some(zone), true) = (code, kind, zone, errors.is_empty())
        else {
            return Err(Error::Invalid(errors));
        };
        let txn = crate::db::begin_write(self.db()).await?;
        if let Some(existing) = unique_row(
            trust::Entity::find().filter(trust::Column::OdsCode.eq(code.as_str())),
            &txn,
        )
        .await?
        {
            return Err(Error::Invalid(vec![FieldError::new(
                "ods_code",
                format!("{code} is already listed, as {}", existing.name),
            )]));
        }
        let now = Utc::now();
        let added = trust::ActiveModel {
            ods_code: Set(code.as_str().to_owned()),
            name: Set(name),
            kind: Set(kind.code().to_owned()),
            hcas_zone: Set(zone.code().to_owned()),
            created_at: Set(now),
            edited_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let what = ("create", "trust", added.ods_code.clone());
        commit_reference(txn, actor, what, added.name.clone(), Changes::default()).await?;
        self.reload_catalogue().await?;
        Ok(added)
    }

    /// Corrects a trust's name, kind or zone. Its ODS code stays.
    pub async fn change_trust(
        &self,
        actor: &Actor,
        ods_code: &str,
        form: &TrustForm,
    ) -> Result<trust::Model> {
        actor.require_role(&[Role::Admin], "Managing trusts and sites")?;
        let mut errors = Vec::new();
        let name = name_of(&form.name, "name", "trust's name", &mut errors);
        let kind = kind_of(&form.kind, &mut errors);
        let zone = zone_of(&form.hcas_zone, &mut errors);
        let txn = crate::db::begin_write(self.db()).await?;
        let stored = unique_row(
            trust::Entity::find().filter(trust::Column::OdsCode.eq(ods_code.trim())),
            &txn,
        )
        .await?
        .ok_or(Error::NotFound("trust"))?;
        let (Some(kind), Some(zone), true) = (kind, zone, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let before = format!("{} ({}, {})", stored.name, stored.kind, stored.hcas_zone);
        let mut row = stored.into_active_model();
        row.name = Set(name);
        row.kind = Set(kind.code().to_owned());
        row.hcas_zone = Set(zone.code().to_owned());
        row.edited_at = Set(Some(Utc::now()));
        let changed = row.update(&txn).await?;
        let what = ("update", "trust", changed.ods_code.clone());
        commit_reference(
            txn,
            actor,
            what,
            format!("was {before}"),
            Changes::default(),
        )
        .await?;
        self.reload_catalogue().await?;
        Ok(changed)
    }

    /// Adds a site to trust `ods_code`, placed by its postcode.
    pub async fn add_site(
        &self,
        actor: &Actor,
        ods_code: &str,
        form: &SiteForm,
    ) -> Result<site::Model> {
        actor.require_role(&[Role::Admin], "Managing trusts and sites")?;
        let catalogue = self.catalogue().await?;
        let owner = catalogue
            .trust_by_code(ods_code)
            .ok_or(Error::NotFound("trust"))?
            .clone();
        let mut errors = Vec::new();
        let name = name_of(&form.name, "name", "site's name", &mut errors);
        let code = site_code(&form.site_code, &owner.ods_code, &name, &mut errors);
        let txn = crate::db::begin_write(self.db()).await?;
        let placed = self.site_place(&txn, form, &owner, &mut errors).await?;
        if let Some(code) = &code
            && let Some(existing) = unique_row(
                site::Entity::find().filter(site::Column::SiteCode.eq(code.as_str())),
                &txn,
            )
            .await?
        {
            errors.push(FieldError::new(
                "site_code",
                format!("{code} is already the code of {}", existing.name),
            ));
        }
        let (Some(code), Some((postcode, (lat, lon), zone)), true) =
            (code, placed, errors.is_empty())
        else {
            return Err(Error::Invalid(errors));
        };
        let now = Utc::now();
        let added = site::ActiveModel {
            trust_id: Set(owner.id),
            site_code: Set(code),
            name: Set(name),
            postcode: Set(postcode.as_str().to_owned()),
            lat: Set(lat),
            lon: Set(lon),
            hcas_zone: Set(zone.code().to_owned()),
            created_at: Set(now),
            edited_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let what = ("create", "site", added.id.to_string());
        let detail = format!(
            "{} at {} for {}",
            added.name, added.postcode, owner.ods_code
        );
        commit_reference(txn, actor, what, detail, Changes::default()).await?;
        self.reload_catalogue().await?;
        Ok(added)
    }

    /// Corrects a site's name, postcode (and with it, where it is) or zone. Every vacancy at
    /// the site and every staff member based there is ranked from the new position at once.
    pub async fn change_site(
        &self,
        actor: &Actor,
        id: i32,
        form: &SiteForm,
    ) -> Result<site::Model> {
        actor.require_role(&[Role::Admin], "Managing trusts and sites")?;
        let mut errors = Vec::new();
        let name = name_of(&form.name, "name", "site's name", &mut errors);
        let txn = crate::db::begin_write(self.db()).await?;
        let stored = site::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound("site"))?;
        let owner = trust::Entity::find_by_id(stored.trust_id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound("trust"))?;
        let placed = self.site_place(&txn, form, &owner, &mut errors).await?;
        let (Some((postcode, (lat, lon), zone)), true) = (placed, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let before = format!(
            "{} at {} ({})",
            stored.name, stored.postcode, stored.hcas_zone
        );
        let moved = (stored.lat, stored.lon) != (lat, lon);
        let mut row = stored.into_active_model();
        row.name = Set(name);
        row.postcode = Set(postcode.as_str().to_owned());
        row.lat = Set(lat);
        row.lon = Set(lon);
        row.hcas_zone = Set(zone.code().to_owned());
        row.edited_at = Set(Some(Utc::now()));
        let changed = row.update(&txn).await?;
        let mut changes = Changes::default();
        if moved {
            changes.vacancies = ids_of::<vacancy::Entity, _>(
                &txn,
                vacancy::Column::Id,
                vacancy::Column::SiteId.eq(id),
            )
            .await?;
            changes.staff = ids_of::<staff::Entity, _>(
                &txn,
                staff::Column::Id,
                staff::Column::BaseSiteId.eq(id),
            )
            .await?;
        }
        let what = ("update", "site", id.to_string());
        commit_reference(txn, actor, what, format!("was {before}"), changes).await?;
        self.reload_catalogue().await?;
        Ok(changed)
    }

    /// The postcode, position and zone a site form gives, or the problems with them.
    async fn site_place<C: ConnectionTrait>(
        &self,
        db: &C,
        form: &SiteForm,
        owner: &trust::Model,
        errors: &mut Vec<FieldError>,
    ) -> Result<Option<(Postcode, (f64, f64), HcasZone)>> {
        let zone = if form.hcas_zone.trim().is_empty() {
            HcasZone::from_code(&owner.hcas_zone)
        } else {
            zone_of(&form.hcas_zone, errors)
        };
        let postcode = match Postcode::parse(&form.postcode) {
            Ok(postcode) => postcode,
            Err(e) => {
                errors.push(FieldError::new("postcode", e.to_string()));
                return Ok(None);
            }
        };
        let Some(position) = position_of(db, &postcode).await? else {
            errors.push(FieldError::new(
                "postcode",
                format!(
                    "the service does not know where {postcode} is: check it, or import the postcode directory first (redeploy import postcodes)",
                    postcode = postcode.as_str()
                ),
            ));
            return Ok(None);
        };
        Ok(zone.map(|zone| (postcode, position, zone)))
    }

    /// Adds a skill to the vocabulary. A custom skill someone already typed with this name
    /// becomes the vocabulary's, so the records that hold it keep matching it.
    pub async fn add_skill(
        &self,
        actor: &Actor,
        name: &str,
        category: &str,
    ) -> Result<SkillDetail> {
        actor.require_role(&[Role::Admin], "Managing the skills vocabulary")?;
        let mut errors = Vec::new();
        let name = skill_text(name, "name", &mut errors);
        let category = match SkillCategory::from_code(category.trim()) {
            Some(SkillCategory::Custom) | None => {
                errors.push(FieldError::new(
                    "category",
                    "choose the family the skill belongs to: clinical, administrative, estates, digital, management or ksf_core",
                ));
                None
            }
            found => found,
        };
        let catalogue = self.catalogue().await?;
        if let Some(known) = catalogue.vocabulary().recognised(&name) {
            let how = if fold(&known.name) == fold(&name) {
                "is already in the vocabulary".to_owned()
            } else {
                format!("is already recognised as \"{}\"", known.name)
            };
            errors.push(FieldError::new("name", format!("\"{name}\" {how}")));
        }
        let (Some(category), true) = (category, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let txn = crate::db::begin_write(self.db()).await?;
        let folded = fold(&name);
        let row = match unique_row(
            skill::Entity::find().filter(skill::Column::FoldedName.eq(folded.as_str())),
            &txn,
        )
        .await?
        {
            Some(custom) if custom.category == SkillCategory::Custom.code() => {
                let mut row = custom.into_active_model();
                row.category = Set(category.code().to_owned());
                row.update(&txn).await?
            }
            Some(_) => {
                return Err(Error::Conflict(format!(
                    "\"{name}\" was added to the vocabulary a moment ago"
                )));
            }
            None => {
                skill::ActiveModel {
                    name: Set(name.clone()),
                    folded_name: Set(folded),
                    category: Set(category.code().to_owned()),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let what = ("create", "skill", row.id.to_string());
        let detail = format!("{} ({})", row.name, row.category);
        commit_reference(txn, actor, what, detail, Changes::default()).await?;
        self.reload_catalogue().await?;
        self.skill_detail(actor, row.id).await
    }

    /// One skill of the vocabulary with its synonyms.
    pub async fn skill_detail(&self, actor: &Actor, id: i32) -> Result<SkillDetail> {
        actor.require_role(&[Role::Admin], "Managing the skills vocabulary")?;
        let row = skill::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .filter(|s| s.category != SkillCategory::Custom.code())
            .ok_or(Error::NotFound("skill"))?;
        let synonyms = skill_synonym::Entity::find()
            .filter(skill_synonym::Column::SkillId.eq(id))
            .order_by_asc(skill_synonym::Column::Synonym)
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| SynonymListed {
                id: s.id,
                synonym: s.synonym,
                added_by_admin: s.added_at.is_some(),
            })
            .collect();
        Ok(SkillDetail {
            id: row.id,
            category: SkillCategory::from_code(&row.category).ok_or_else(|| {
                Error::unreadable_row("skills", row.id, format!("category \"{}\"", row.category))
            })?,
            name: row.name,
            synonyms,
        })
    }

    /// Adds another way of writing skill `id`: skills entered from now on in these words are
    /// taken as it.
    pub async fn add_synonym(&self, actor: &Actor, id: i32, synonym: &str) -> Result<()> {
        let skill = self.skill_detail(actor, id).await?;
        let mut errors = Vec::new();
        let synonym = skill_text(synonym, "synonym", &mut errors);
        let catalogue = self.catalogue().await?;
        if let Some(known) = catalogue.vocabulary().recognised(&synonym) {
            let message = if known.name == skill.name {
                format!("\"{synonym}\" is already recognised as {}", skill.name)
            } else {
                format!(
                    "\"{synonym}\" already means \"{}\": one text can name only one skill",
                    known.name
                )
            };
            errors.push(FieldError::new("synonym", message));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        let folded = fold(&synonym);
        if unique_row(
            skill_synonym::Entity::find().filter(skill_synonym::Column::Folded.eq(folded.as_str())),
            &txn,
        )
        .await?
        .is_some()
        {
            return Err(Error::Conflict(format!(
                "\"{synonym}\" was added to the vocabulary a moment ago"
            )));
        }
        let added = skill_synonym::ActiveModel {
            skill_id: Set(id),
            synonym: Set(synonym.clone()),
            folded: Set(folded),
            added_at: Set(Some(Utc::now())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let what = ("create", "skill_synonym", added.id.to_string());
        let detail = format!("\"{synonym}\" for {}", skill.name);
        commit_reference(txn, actor, what, detail, Changes::default()).await?;
        self.reload_catalogue().await
    }

    /// Takes back a synonym admin added to skill `id`. A shipped synonym stays.
    pub async fn remove_synonym(&self, actor: &Actor, id: i32, synonym_id: i32) -> Result<String> {
        let skill = self.skill_detail(actor, id).await?;
        let txn = crate::db::begin_write(self.db()).await?;
        let row = skill_synonym::Entity::find_by_id(synonym_id)
            .one(&txn)
            .await?
            .filter(|s| s.skill_id == id)
            .ok_or(Error::NotFound("synonym"))?;
        if row.added_at.is_none() {
            return Err(Error::Conflict(format!(
                "\"{}\" ships with the service's vocabulary and stays; only synonyms added here can be taken back",
                row.synonym
            )));
        }
        skill_synonym::Entity::delete_by_id(synonym_id)
            .exec(&txn)
            .await?;
        let what = ("delete", "skill_synonym", synonym_id.to_string());
        let detail = format!("\"{}\" for {}", row.synonym, skill.name);
        commit_reference(txn, actor, what, detail, Changes::default()).await?;
        self.reload_catalogue().await?;
        Ok(row.synonym)
    }
}

/// A skill's name or synonym as typed, tidied, or the problem with it.
fn skill_text(text: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if fold(&tidy).is_empty() {
        errors.push(FieldError::new(field, "enter the skill in words"));
    } else if tidy.chars().count() > domain::skills::MAX_SKILL_LENGTH {
        errors.push(FieldError::new(
            field,
            format!(
                "keep it under {} characters",
                domain::skills::MAX_SKILL_LENGTH
            ),
        ));
    }
    tidy
}

/// The site code as given (upper case), or one made from the trust's code and the name.
fn site_code(
    given: &str,
    trust_code: &str,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let given = given.trim().to_ascii_uppercase();
    let code = if given.is_empty() {
        let slug: String = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-")
            .to_ascii_uppercase();
        format!("{trust_code}-{slug}")
    } else {
        given
    };
    let valid = code.len() <= 60
        && code.len() >= 3
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Some(code)
    } else {
        errors.push(FieldError::new(
            "site_code",
            "give the ODS site code (letters, digits and hyphens, such as RJ122), or leave it empty to have one made",
        ));
        None
    }
}

/// The ids of the rows of `E` that `condition` selects.
async fn ids_of<E, C>(
    db: &C,
    id: E::Column,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<i32>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(E::find()
        .select_only()
        .column(id)
        .filter(condition)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}
