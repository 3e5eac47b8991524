//! The bridge from stored records to the matcher: builds `matcher` profiles from the database,
//! many at a time in a few queries (placing each person by home postcode, home district or base
//! site), and reads people's decisions that keep pairs apart. Ranking itself lives in `matcher`;
//! this module only loads and converts.
//!
//! A skill's matcher id is its row id in `skills`, so profiles need no interning and the
//! shipped vocabulary, loaded first, takes the small ids that bitsets hold inline.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};
use matcher::{
    Exclusion, Exclusions, Registrations, SkillId, SkillSet, StaffProfile, VacancyProfile,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{
    match_record, postcode_location, site, staff, staff_registration, staff_skill, vacancy,
    vacancy_skill,
};

/// Rows a single `IN (…)` list carries.
const CHUNK: usize = 1000;

fn invalid(what: &str, detail: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("a stored {what} is not valid: {detail}"))
}

/// The skill with row id `id`, as the matcher knows it.
pub fn skill_id(id: i32) -> SkillId {
    SkillId(u32::try_from(id).unwrap_or(0))
}

/// Which records to load: all of them, or those with these ids.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    All,
    Ids(&'a [i32]),
}

async fn site_positions<C: ConnectionTrait>(db: &C) -> Result<HashMap<i32, Coordinates>, DbErr> {
    site::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            Coordinates::new(s.lat, s.lon)
                .map(|p| (s.id, p))
                .map_err(|e| invalid("site position", e))
        })
        .collect()
}

/// Rows of a table whose `column` is one of `ids`, a chunk at a time.
async fn rows_for<E, C>(db: &C, column: E::Column, ids: &[i32]) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(
            E::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Where each staff member's travel is measured from: their full home postcode if an imported
/// directory knows it, else its district's centroid, else their base site.
async fn staff_positions<C: ConnectionTrait>(
    db: &C,
    rows: &[staff::Model],
) -> Result<HashMap<i32, (Coordinates, LocationBasis)>, DbErr> {
    let sites = site_positions(db).await?;
    let postcodes: HashMap<i32, domain::Postcode> = rows
        .iter()
        .filter_map(|r| {
            let parsed = domain::Postcode::parse(r.home_postcode.as_deref()?).ok()?;
            Some((r.id, parsed))
        })
        .collect();
    let mut keys: Vec<String> = postcodes
        .values()
        .flat_map(|p| [p.as_str().to_owned(), p.district().as_str().to_owned()])
        .collect();
    keys.sort();
    keys.dedup();
    let mut known: HashMap<String, Coordinates> = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        for place in postcode_location::Entity::find()
            .filter(postcode_location::Column::Postcode.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            let position = Coordinates::new(place.lat, place.lon)
                .map_err(|e| invalid("postcode position", e))?;
            known.insert(place.postcode, position);
        }
    }
    rows.iter()
        .map(|row| {
            let from_home = postcodes.get(&row.id).and_then(|p| {
                known
                    .get(p.as_str())
                    .map(|at| (*at, LocationBasis::HomePostcode))
                    .or_else(|| {
                        known
                            .get(p.district().as_str())
                            .map(|at| (*at, LocationBasis::HomeDistrict))
                    })
            });
            let placed = match from_home {
                Some(placed) => placed,
                None => (
                    *sites
                        .get(&row.base_site_id)
                        .ok_or_else(|| invalid("site reference", row.base_site_id))?,
                    LocationBasis::BaseSite,
                ),
            };
            Ok((row.id, placed))
        })
        .collect()
}

/// The matcher's profiles of stored staff records (in no particular order).
pub async fn staff_profiles<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
) -> Result<Vec<StaffProfile>, DbErr> {
    let rows = match which {
        Selection::All => staff::Entity::find().all(db).await?,
        Selection::Ids(ids) => rows_for::<staff::Entity, _>(db, staff::Column::Id, ids).await?,
    };
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let (held, registered) = match which {
        Selection::All => (
            staff_skill::Entity::find().all(db).await?,
            staff_registration::Entity::find().all(db).await?,
        ),
        Selection::Ids(_) => (
            rows_for::<staff_skill::Entity, _>(db, staff_skill::Column::StaffId, &ids).await?,
            rows_for::<staff_registration::Entity, _>(
                db,
                staff_registration::Column::StaffId,
                &ids,
            )
            .await?,
        ),
    };
    let mut skills_of: HashMap<i32, SkillSet> = HashMap::new();
    for h in held {
        skills_of
            .entry(h.staff_id)
            .or_default()
            .insert(skill_id(h.skill_id));
    }
    let mut registrations_of: HashMap<i32, Registrations> = HashMap::new();
    for r in registered {
        if let Some(registration) = Registration::from_code(&r.registration) {
            registrations_of
                .entry(r.staff_id)
                .or_default()
                .insert(registration);
        }
    }
    let positions = staff_positions(db, &rows).await?;
    rows.into_iter()
        .map(|row| {
            let (position, location_basis) = positions[&row.id];
            let hours = HoursRange::new(
                Hours::new(row.hours_min).map_err(|e| invalid("staff record", e))?,
                Hours::new(row.hours_max).map_err(|e| invalid("staff record", e))?,
            )
            .map_err(|e| invalid("staff record", e))?;
            Ok(StaffProfile {
                id: i64::from(row.id),
                active: domain::CaseStatus::from_code(&row.status)
                    .is_some_and(|s| s.is_matchable()),
                band: Band::parse(&row.band).map_err(|e| invalid("staff record", e))?,
                staff_group: StaffGroup::from_code(&row.staff_group)
                    .ok_or_else(|| invalid("staff group", &row.staff_group))?,
                skills: skills_of.remove(&row.id).unwrap_or_default(),
                registrations: registrations_of.remove(&row.id).unwrap_or_default(),
                position,
                location_basis,
                max_travel: TravelLimit::new(u32::try_from(row.max_travel_minutes).unwrap_or(0))
                    .map_err(|e| invalid("staff record", e))?,
                hours,
                lower_band_consent: row.lower_band_consent,
                priority_tier: u8::try_from(row.priority_tier)
                    .ok()
                    .and_then(|t| PriorityTier::new(t).ok())
                    .ok_or_else(|| invalid("priority tier", row.priority_tier))?,
                redeployment_period_ends: row.redeployment_period_ends,
            })
        })
        .collect()
}

/// The matcher's profiles of stored vacancies (in no particular order), each open while its
/// status is open and its closing date has not passed `today`.
pub async fn vacancy_profiles<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
    today: NaiveDate,
) -> Result<Vec<VacancyProfile>, DbErr> {
    let rows = match which {
        Selection::All => vacancy::Entity::find().all(db).await?,
        Selection::Ids(ids) => rows_for::<vacancy::Entity, _>(db, vacancy::Column::Id, ids).await?,
    };
    let wanted = match which {
        Selection::All => vacancy_skill::Entity::find().all(db).await?,
        Selection::Ids(ids) => {
            rows_for::<vacancy_skill::Entity, _>(db, vacancy_skill::Column::VacancyId, ids).await?
        }
    };
    let mut essential_of: HashMap<i32, SkillSet> = HashMap::new();
    let mut desirable_of: HashMap<i32, SkillSet> = HashMap::new();
    for w in wanted {
        let sets = if w.essential {
            &mut essential_of
        } else {
            &mut desirable_of
        };
        sets.entry(w.vacancy_id)
            .or_default()
            .insert(skill_id(w.skill_id));
    }
    let sites = site_positions(db).await?;
    rows.into_iter()
        .map(|row| {
            Ok(VacancyProfile {
                id: i64::from(row.id),
                open: row.status == domain::VacancyStatus::Open.code() && row.closing_date >= today,
                band: Band::parse(&row.band).map_err(|e| invalid("vacancy", e))?,
                staff_group: StaffGroup::from_code(&row.staff_group)
                    .ok_or_else(|| invalid("staff group", &row.staff_group))?,
                essential: essential_of.remove(&row.id).unwrap_or_default(),
                desirable: desirable_of.remove(&row.id).unwrap_or_default(),
                registration_required: row
                    .registration_required
                    .as_deref()
                    .and_then(Registration::from_code),
                position: *sites
                    .get(&row.site_id)
                    .ok_or_else(|| invalid("site reference", row.site_id))?,
                hours: Hours::new(row.hours).map_err(|e| invalid("vacancy", e))?,
            })
        })
        .collect()
}

/// A decision recorded on a match that keeps its pair apart, if its status is one.
fn exclusion_of(status: &str) -> Option<Exclusion> {
    match status {
        "declined_by_staff" => Some(Exclusion::DeclinedByStaff),
        "rejected_by_employer" => Some(Exclusion::RejectedByEmployer),
        _ => None,
    }
}

/// People's decisions that keep pairs apart, for pairs that involve any of these staff
/// members or vacancies.
pub async fn exclusions<C: ConnectionTrait>(
    db: &C,
    staff_ids: &[i32],
    vacancy_ids: &[i32],
) -> Result<Exclusions, DbErr> {
    let mut found = Exclusions::new();
    let decided = match_record::Column::Status.is_in(["declined_by_staff", "rejected_by_employer"]);
    for (column, ids) in [
        (match_record::Column::StaffId, staff_ids),
        (match_record::Column::VacancyId, vacancy_ids),
    ] {
        for chunk in ids.chunks(CHUNK) {
            let rows = match_record::Entity::find()
                .filter(
                    Condition::all()
                        .add(decided.clone())
                        .add(column.is_in(chunk.iter().copied())),
                )
                .all(db)
                .await?;
            for row in rows {
                if let Some(by) = exclusion_of(&row.status) {
                    found.insert((i64::from(row.staff_id), i64::from(row.vacancy_id)), by);
                }
            }
        }
    }
    Ok(found)
}
