//! Stores the shipped reference data (trusts, sites, postcode districts, skills vocabulary).
//!
//! Every row is an upsert on its natural key (ODS code, site code, postcode, folded skill name),
//! so loading on every start is idempotent: a second start changes nothing, and a newer
//! release's corrections replace the old values without duplicating anything. A trust, site or
//! synonym admin has changed or added is left as admin left it: a restart never undoes it.

use std::collections::HashMap;

use chrono::Utc;
use domain::{ReferenceData, fold};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};

use crate::entities::{postcode_location, site, skill, skill_synonym, trust};
use crate::store_support::insert_chunked;

/// How much reference data is now stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceCounts {
    pub trusts: usize,
    pub sites: usize,
    pub districts: usize,
    pub skills: usize,
}

/// Upserts all the reference data in one transaction.
pub async fn load_reference_data(
    db: &DatabaseConnection,
    data: &ReferenceData,
) -> Result<ReferenceCounts, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();

    let trusts: Vec<trust::ActiveModel> = data
        .trusts
        .iter()
        .map(|t| trust::ActiveModel {
            ods_code: Set(t.ods_code.as_str().to_owned()),
            name: Set(t.name.clone()),
            kind: Set(t.kind.code().to_owned()),
            hcas_zone: Set(t.hcas_zone.code().to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let on_trust = OnConflict::column(trust::Column::OdsCode)
        .update_columns([
            trust::Column::Name,
            trust::Column::Kind,
            trust::Column::HcasZone,
        ])
        .action_and_where(Expr::col((trust::Entity, trust::Column::EditedAt)).is_null())
        .to_owned();
    insert_chunked(&txn, trusts, Some(on_trust)).await?;
    let trust_ids: HashMap<String, i32> = trust::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.ods_code, t.id))
        .collect();

    let mut sites = Vec::with_capacity(data.sites.len());
    for s in &data.sites {
        let trust_id = *trust_ids.get(s.trust.as_str()).ok_or_else(|| {
            DbErr::Custom(format!("site {} names unknown trust {}", s.code, s.trust))
        })?;
        sites.push(site::ActiveModel {
            trust_id: Set(trust_id),
            site_code: Set(s.code.clone()),
            name: Set(s.name.clone()),
            postcode: Set(s.postcode.as_str().to_owned()),
            lat: Set(s.position.lat()),
            lon: Set(s.position.lon()),
            hcas_zone: Set(s.hcas_zone.code().to_owned()),
            created_at: Set(now),
            ..Default::default()
        });
    }
    let on_site = OnConflict::column(site::Column::SiteCode)
        .update_columns([
            site::Column::TrustId,
            site::Column::Name,
            site::Column::Postcode,
            site::Column::Lat,
            site::Column::Lon,
            site::Column::HcasZone,
        ])
        .action_and_where(Expr::col((site::Entity, site::Column::EditedAt)).is_null())
        .to_owned();
    insert_chunked(&txn, sites, Some(on_site)).await?;

    let districts: Vec<postcode_location::ActiveModel> = data
        .districts
        .iter()
        .map(|d| postcode_location::ActiveModel {
            postcode: Set(d.district.as_str().to_owned()),
            precision: Set("district".to_owned()),
            lat: Set(d.position.lat()),
            lon: Set(d.position.lon()),
            source: Set("reference".to_owned()),
        })
        .collect();
    let on_district = OnConflict::column(postcode_location::Column::Postcode)
        .update_columns([
            postcode_location::Column::Lat,
            postcode_location::Column::Lon,
        ])
        .to_owned();
    insert_chunked(&txn, districts, Some(on_district)).await?;

    let skills: Vec<skill::ActiveModel> = data
        .vocabulary
        .skills()
        .iter()
        .map(|s| skill::ActiveModel {
            name: Set(s.name.clone()),
            folded_name: Set(fold(&s.name)),
            category: Set(s.category.code().to_owned()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let on_skill = OnConflict::column(skill::Column::FoldedName)
        .update_columns([skill::Column::Name, skill::Column::Category])
        .to_owned();
    insert_chunked(&txn, skills, Some(on_skill)).await?;
    let skill_ids = skill_ids(&txn).await?;

    let mut synonyms = Vec::new();
    // Two spellings of one synonym ("I.V." and "IV") fold alike; one row each is enough, and
    // PostgreSQL refuses an upsert that touches the same row twice.
    let mut seen = std::collections::HashSet::new();
    for s in data.vocabulary.skills() {
        let skill_id = skill_ids[&fold(&s.name)];
        for synonym in &s.synonyms {
            let folded = fold(synonym);
            if folded.is_empty() || folded == fold(&s.name) || !seen.insert(folded.clone()) {
                continue;
            }
            synonyms.push(skill_synonym::ActiveModel {
                skill_id: Set(skill_id),
                synonym: Set(synonym.clone()),
                folded: Set(folded),
                ..Default::default()
            });
        }
    }
    let on_synonym = OnConflict::column(skill_synonym::Column::Folded)
        .update_columns([
            skill_synonym::Column::SkillId,
            skill_synonym::Column::Synonym,
        ])
        .action_and_where(
            Expr::col((skill_synonym::Entity, skill_synonym::Column::AddedAt)).is_null(),
        )
        .to_owned();
    insert_chunked(&txn, synonyms, Some(on_synonym)).await?;

    let counts = ReferenceCounts {
        trusts: trust_ids.len(),
        sites: site::Entity::find().all(&txn).await?.len(),
        districts: data.districts.len(),
        skills: skill_ids.len(),
    };
    txn.commit().await?;
    Ok(counts)
}

/// Every stored skill's id by its folded name.
pub async fn skill_ids<C: ConnectionTrait>(db: &C) -> Result<HashMap<String, i32>, DbErr> {
    Ok(skill::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.folded_name, s.id))
        .collect())
}
