//! The bridge from stored records to the matcher: builds `matcher` profiles from the database,
//! many at a time in a few queries (placing each person by home postcode, home district or base
//! site), and reads people's decisions that keep pairs apart. Ranking itself lives in `matcher`;
//! this module only loads and converts.
//!
//! A skill's matcher id is its row id in `skills`, so profiles need no interning and the
//! shipped vocabulary, loaded first, takes the small ids that bitsets hold inline.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{Coordinates, LocationBasis};
use matcher::{
    Exclusion, Exclusions, Registrations, SkillId, SkillSet, StaffProfile, VacancyProfile,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{
    match_record, postcode_location, site, staff, staff_registration, staff_skill, vacancy,
    vacancy_skill,
};

/// Rows a single `IN (…)` list carries.
const CHUNK: usize = 1000;

fn invalid(what: &str, detail: impl std::fmt::Display) -> crate::Error {
    crate::Error::Internal(anyhow::anyhow!("a stored {what} is not valid: {detail}"))
}

/// The skill with row id `id`, as the matcher knows it. Row ids are positive; one that is
/// not is an unreadable row, never skill 0.
pub fn skill_id(id: i32) -> crate::Result<SkillId> {
    u32::try_from(id)
        .map(SkillId)
        .map_err(|_| crate::Error::unreadable_row("skills", id, "a negative id"))
}

/// Which records to load: all of them, or those with these ids.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    All,
    Ids(&'a [i32]),
}

async fn site_positions<C: ConnectionTrait>(db: &C) -> crate::Result<HashMap<i32, Coordinates>> {
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
async fn rows_for<E, C>(db: &C, column: E::Column, ids: &[i32]) -> crate::Result<Vec<E::Model>>
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
) -> crate::Result<HashMap<i32, (Coordinates, LocationBasis)>> {
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

/// What a list shows of a staff member besides their profile.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffFacts {
    pub trust_id: i32,
    pub name: String,
    /// The band's code, as stored.
    pub band: String,
}

/// What a list shows of a vacancy besides its profile, and what access to it turns on.
#[derive(Debug, Clone, PartialEq)]
pub struct VacancyFacts {
    pub trust_id: i32,
    pub title: String,
    /// The band's code, as stored.
    pub band: String,
    pub site_id: i32,
    /// open, filled or withdrawn, as stored.
    pub status: String,
    pub closing_date: chrono::NaiveDate,
}

/// The matcher's profiles of stored staff records (in no particular order).
pub async fn staff_profiles<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
) -> crate::Result<Vec<StaffProfile>> {
    Ok(staff_entries(db, which)
        .await?
        .into_iter()
        .map(|(profile, _)| profile)
        .collect())
}

/// The matcher's profiles of stored vacancies (in no particular order), each open while its
/// status is open and its closing date has not passed `today`.
pub async fn vacancy_profiles<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
    today: NaiveDate,
) -> crate::Result<Vec<VacancyProfile>> {
    Ok(vacancy_entries(db, which, today)
        .await?
        .into_iter()
        .map(|(profile, _)| profile)
        .collect())
}

/// Stored staff records as profiles, each with what a list shows of it.
pub async fn staff_entries<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
) -> crate::Result<Vec<(StaffProfile, StaffFacts)>> {
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
            .insert(skill_id(h.skill_id)?);
    }
    let mut registrations_of: HashMap<i32, Registrations> = HashMap::new();
    for r in registered {
        registrations_of
            .entry(r.staff_id)
            .or_default()
            .insert(r.registration_value()?);
    }
    let positions = staff_positions(db, &rows).await?;
    rows.into_iter()
        .map(|row| {
            let (position, location_basis) = positions[&row.id];
            let profile = StaffProfile {
                id: i64::from(row.id),
                active: row.case_status()?.is_matchable(),
                band: row.band_value()?,
                staff_group: row.staff_group_value()?,
                skills: skills_of.remove(&row.id).unwrap_or_default(),
                registrations: registrations_of.remove(&row.id).unwrap_or_default(),
                position,
                location_basis,
                max_travel: row.max_travel()?,
                hours: row.hours_range()?,
                lower_band_consent: row.lower_band_consent,
                priority_tier: row.priority_tier_value()?,
                redeployment_period_ends: row.redeployment_period_ends,
            };
            let facts = StaffFacts {
                trust_id: row.trust_id,
                name: row.name,
                band: row.band,
            };
            Ok((profile, facts))
        })
        .collect()
}

/// Stored vacancies as profiles (open while their status is open and their closing date has
/// not passed `today`), each with what a list shows of it.
pub async fn vacancy_entries<C: ConnectionTrait>(
    db: &C,
    which: Selection<'_>,
    today: NaiveDate,
) -> crate::Result<Vec<(VacancyProfile, VacancyFacts)>> {
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
            .insert(skill_id(w.skill_id)?);
    }
    let sites = site_positions(db).await?;
    rows.into_iter()
        .map(|row| {
            let profile = VacancyProfile {
                id: i64::from(row.id),
                open: row.vacancy_status()? == domain::VacancyStatus::Open
                    && row.closing_date >= today,
                band: row.band_value()?,
                staff_group: row.staff_group_value()?,
                essential: essential_of.remove(&row.id).unwrap_or_default(),
                desirable: desirable_of.remove(&row.id).unwrap_or_default(),
                registration_required: row.registration_required_value()?,
                position: *sites
                    .get(&row.site_id)
                    .ok_or_else(|| invalid("site reference", row.site_id))?,
                hours: row.hours_value()?,
            };
            let facts = VacancyFacts {
                trust_id: row.trust_id,
                title: row.title,
                band: row.band,
                site_id: row.site_id,
                status: row.status,
                closing_date: row.closing_date,
            };
            Ok((profile, facts))
        })
        .collect()
}

/// A decision recorded on a match that keeps its pair apart, if its status is one.
pub(crate) fn exclusion_of(status: &str) -> Option<Exclusion> {
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
) -> crate::Result<Exclusions> {
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
