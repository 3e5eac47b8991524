//! Reading and writing at-risk staff records with their skills and registrations. Callers pass
//! a transaction when several writes must land together.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::authz::StaffScope;
use crate::catalogue::Catalogue;
use crate::entities::{skill, staff, staff_registration, staff_skill};
use crate::paging::PageRequest;
use crate::skills_store::{ensure_skill_ids, kind_code, skills_by_id};
use crate::staff::draft::{StaffDraft, ValidStaff};
use crate::store_support::{insert_chunked, insert_keyed};

/// A stored staff record with everything that hangs off it.
#[derive(Debug, Clone)]
pub struct StoredStaff {
    pub row: staff::Model,
    /// Each skill as entered, with the canonical (or custom) skill it was taken as.
    pub skills: Vec<(staff_skill::Model, skill::Model)>,
    pub registrations: Vec<String>,
}

fn columns(valid: &ValidStaff, row: &mut staff::ActiveModel) {
    let s = &valid.staff;
    row.trust_id = Set(valid.trust_id);
    row.staff_number = Set(s.staff_number.clone());
    row.name = Set(s.name.clone());
    row.email = Set(s.email.as_str().to_owned());
    row.band = Set(s.band.code().to_owned());
    row.band_rank = Set(i16::from(s.band.rank()));
    row.staff_group = Set(s.staff_group.code().to_owned());
    row.job_title = Set(s.job_title.clone());
    row.base_site_id = Set(valid.base_site_id);
    row.home_postcode = Set(s.home_postcode.as_ref().map(|p| p.as_str().to_owned()));
    row.max_travel_minutes = Set(s.max_travel.minutes() as i32);
    row.hours_min = Set(s.hours.min().get());
    row.hours_max = Set(s.hours.max().get());
    row.lower_band_consent = Set(s.lower_band_consent);
    row.priority_tier = Set(i16::from(s.priority_tier.number()));
    row.redeployment_period_ends = Set(s.redeployment_period_ends);
    row.salary_pence = Set(s.salary.map(|m| m.pence()));
    row.pension_strain_pence = Set(s.pension_strain.map(|m| m.pence()));
    row.email_frequency = Set(s.email_frequency.code().to_owned());
    row.wte = Set(s.wte.get());
    row.continuous_service_start = Set(s.continuous_service_start);
    row.date_of_birth = Set(s.date_of_birth);
    row.status = Set(s.status.code().to_owned());
}

/// Replaces the skills and registrations of each (staff id, record) pair, in few statements.
async fn write_children<C: ConnectionTrait>(
    db: &C,
    records: &[(i32, &ValidStaff)],
) -> Result<(), DbErr> {
    let ids: Vec<i32> = records.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(1000) {
        staff_skill::Entity::delete_many()
            .filter(staff_skill::Column::StaffId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
        staff_registration::Entity::delete_many()
            .filter(staff_registration::Column::StaffId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    let held: Vec<&domain::NormalisedSkill> = records
        .iter()
        .flat_map(|(_, v)| v.staff.skills.iter())
        .collect();
    let skill_ids = ensure_skill_ids(db, &held).await?;
    let mut skills = Vec::new();
    let mut registrations = Vec::new();
    for (id, valid) in records {
        skills.extend(valid.staff.skills.iter().map(|s| staff_skill::ActiveModel {
            staff_id: Set(*id),
            skill_id: Set(skill_ids[&s.key()]),
            entered: Set(s.entered.clone()),
            match_kind: Set(kind_code(s.kind).to_owned()),
            confidence: Set(s.confidence),
        }));
        registrations.extend(valid.staff.registrations.iter().map(|r| {
            staff_registration::ActiveModel {
                staff_id: Set(*id),
                registration: Set(r.code().to_owned()),
            }
        }));
    }
    insert_chunked(db, skills, None).await?;
    insert_chunked(db, registrations, None).await
}

pub async fn find_by_number<C: ConnectionTrait>(
    db: &C,
    trust_id: i32,
    staff_number: &str,
) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::TrustId.eq(trust_id))
        .filter(staff::Column::StaffNumber.eq(staff_number))
        .one(db)
        .await
}

/// Stores new records (in as few statements as possible) and returns their ids, in order.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    valids: &[&ValidStaff],
    now: DateTime<Utc>,
) -> Result<Vec<i32>, DbErr> {
    let row_of = |valid: &ValidStaff| {
        let mut row = staff::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        columns(valid, &mut row);
        row
    };
    let ids = insert_keyed(
        db,
        valids,
        row_of,
        |v| (v.trust_id, v.staff.staff_number.clone()),
        |row| ((row.trust_id, row.staff_number), row.id),
        "staff record",
    )
    .await?;
    let pairs: Vec<(i32, &ValidStaff)> = ids.iter().copied().zip(valids.iter().copied()).collect();
    write_children(db, &pairs).await?;
    Ok(ids)
}

/// Stores a new record and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    valid: &ValidStaff,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let ids = insert_many(db, &[valid], now).await?;
    ids.first()
        .copied()
        .ok_or_else(|| DbErr::Custom("the new staff record could not be read back".to_owned()))
}

/// Replaces a record's fields, skills and registrations.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    existing: staff::Model,
    valid: &ValidStaff,
    now: DateTime<Utc>,
) -> Result<staff::Model, DbErr> {
    let id = existing.id;
    let mut row = existing.into_active_model();
    columns(valid, &mut row);
    row.updated_at = Set(now);
    let updated = row.update(db).await?;
    write_children(db, &[(id, valid)]).await?;
    Ok(updated)
}

/// Reads many records with their skills and registrations in a few queries.
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    rows: Vec<staff::Model>,
) -> Result<Vec<StoredStaff>, DbErr> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut held = Vec::new();
    let mut registered = Vec::new();
    for chunk in ids.chunks(1000) {
        held.extend(
            staff_skill::Entity::find()
                .filter(staff_skill::Column::StaffId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
        registered.extend(
            staff_registration::Entity::find()
                .filter(staff_registration::Column::StaffId.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    let named = skills_by_id(db, held.iter().map(|h| h.skill_id)).await?;
    let mut skills_of: std::collections::HashMap<i32, Vec<(staff_skill::Model, skill::Model)>> =
        Default::default();
    for h in held {
        if let Some(s) = named.get(&h.skill_id) {
            skills_of
                .entry(h.staff_id)
                .or_default()
                .push((h, s.clone()));
        }
    }
    let mut registrations_of: std::collections::HashMap<i32, Vec<String>> = Default::default();
    for r in registered {
        registrations_of
            .entry(r.staff_id)
            .or_default()
            .push(r.registration);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut skills = skills_of.remove(&row.id).unwrap_or_default();
            skills.sort_by(|a, b| a.1.name.cmp(&b.1.name));
            let mut registrations = registrations_of.remove(&row.id).unwrap_or_default();
            registrations.sort();
            StoredStaff {
                row,
                skills,
                registrations,
            }
        })
        .collect())
}

/// Reads a record with its skills and registrations.
pub async fn load<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<StoredStaff>, DbErr> {
    let Some(row) = staff::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(load_many(db, vec![row]).await?.pop())
}

impl StoredStaff {
    /// The record as a draft, so that a change can be checked by the same rules as a new one.
    pub fn to_draft(&self, catalogue: &Catalogue) -> StaffDraft {
        let r = &self.row;
        StaffDraft {
            trust: catalogue.trust(r.trust_id).map(|t| t.ods_code.clone()),
            staff_number: Some(r.staff_number.clone()),
            name: Some(r.name.clone()),
            email: Some(r.email.clone()),
            band: Some(r.band.clone()),
            staff_group: Some(r.staff_group.clone()),
            job_title: Some(r.job_title.clone()),
            skills: Some(
                self.skills
                    .iter()
                    .map(|(held, _)| held.entered.clone())
                    .collect(),
            ),
            registrations: Some(self.registrations.clone()),
            base_site: Some(i64::from(r.base_site_id)),
            home_postcode: r.home_postcode.clone(),
            max_travel_minutes: Some(i64::from(r.max_travel_minutes)),
            hours_min: Some(r.hours_min),
            hours_max: Some(r.hours_max),
            lower_band_consent: Some(r.lower_band_consent),
            priority_tier: Some(i64::from(r.priority_tier)),
            redeployment_period_ends: Some(r.redeployment_period_ends.to_string()),
            salary: r.salary_pence.map(|p| p as f64 / 100.0),
            wte: Some(r.wte),
            continuous_service_start: Some(r.continuous_service_start.to_string()),
            date_of_birth: r.date_of_birth.map(|d| d.to_string()),
            status: Some(r.status.clone()),
            pension_strain: r.pension_strain_pence.map(|p| p as f64 / 100.0),
            email_frequency: Some(r.email_frequency.clone()),
        }
    }
}

/// Filters for the staff list.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub trust_id: Option<i32>,
    pub status: Option<String>,
    pub band: Option<String>,
}

/// One page of the staff an actor may see, by name.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: StaffScope,
    filter: &StaffFilter,
    page: PageRequest,
) -> Result<(Vec<staff::Model>, u64), DbErr> {
    let mut condition = Condition::all();
    condition = match scope {
        StaffScope::All => condition,
        StaffScope::Trust(trust) => condition.add(staff::Column::TrustId.eq(trust)),
        StaffScope::Own(Some(id)) => condition.add(staff::Column::Id.eq(id)),
        StaffScope::Own(None) => condition.add(staff::Column::Id.eq(-1)),
    };
    if let Some(trust) = filter.trust_id {
        condition = condition.add(staff::Column::TrustId.eq(trust));
    }
    if let Some(status) = &filter.status {
        condition = condition.add(staff::Column::Status.eq(status.as_str()));
    }
    if let Some(band) = &filter.band {
        condition = condition.add(staff::Column::Band.eq(band.as_str()));
    }
    let query = staff::Entity::find().filter(condition);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(staff::Column::Name)
        .order_by_asc(staff::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}
