//! The bridge from stored records to the matcher: builds `matcher` profiles from the database
//! (placing each person by home postcode, home district or base site) and asks the matcher.
//! Ranking itself lives in `matcher`; this module only loads and converts.

use chrono::NaiveDate;
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};
use matcher::{Exclusion, SkillInterner, SkillSet, StaffProfile, VacancyProfile};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{
    match_record, postcode_location, site, staff, staff_registration, staff_skill, vacancy,
    vacancy_skill,
};
use crate::skills_store::skills_by_id;

fn invalid(what: &str, detail: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("a stored {what} is not valid: {detail}"))
}

async fn site_position<C: ConnectionTrait>(db: &C, site_id: i32) -> Result<Coordinates, DbErr> {
    let site = site::Entity::find_by_id(site_id)
        .one(db)
        .await?
        .ok_or_else(|| invalid("site reference", site_id))?;
    Coordinates::new(site.lat, site.lon).map_err(|e| invalid("site position", e))
}

/// Where a staff member's travel is measured from: their full home postcode if an imported
/// directory knows it, else its district's centroid, else their base site.
pub async fn staff_position<C: ConnectionTrait>(
    db: &C,
    row: &staff::Model,
) -> Result<(Coordinates, LocationBasis), DbErr> {
    if let Some(postcode) = row
        .home_postcode
        .as_deref()
        .and_then(|p| domain::Postcode::parse(p).ok())
    {
        let district = postcode.district();
        let keys = [postcode.as_str().to_owned(), district.as_str().to_owned()];
        let found = postcode_location::Entity::find()
            .filter(postcode_location::Column::Postcode.is_in(keys.iter().cloned()))
            .all(db)
            .await?;
        for (key, basis) in [
            (&keys[0], LocationBasis::HomePostcode),
            (&keys[1], LocationBasis::HomeDistrict),
        ] {
            if let Some(place) = found.iter().find(|p| &p.postcode == key) {
                return Ok((
                    Coordinates::new(place.lat, place.lon)
                        .map_err(|e| invalid("postcode position", e))?,
                    basis,
                ));
            }
        }
    }
    Ok((
        site_position(db, row.base_site_id).await?,
        LocationBasis::BaseSite,
    ))
}

/// The matcher's profile of a stored staff record.
pub async fn staff_profile<C: ConnectionTrait>(
    db: &C,
    row: &staff::Model,
    interner: &mut SkillInterner,
) -> Result<StaffProfile, DbErr> {
    let held = staff_skill::Entity::find()
        .filter(staff_skill::Column::StaffId.eq(row.id))
        .all(db)
        .await?;
    let named = skills_by_id(db, held.iter().map(|h| h.skill_id)).await?;
    let skills = SkillSet::new(
        named
            .values()
            .map(|s| interner.intern(&s.folded_name, &s.name)),
    );
    let registrations = staff_registration::Entity::find()
        .filter(staff_registration::Column::StaffId.eq(row.id))
        .all(db)
        .await?
        .iter()
        .filter_map(|r| Registration::from_code(&r.registration))
        .collect();
    let (position, location_basis) = staff_position(db, row).await?;
    let hours = HoursRange::new(
        Hours::new(row.hours_min).map_err(|e| invalid("staff record", e))?,
        Hours::new(row.hours_max).map_err(|e| invalid("staff record", e))?,
    )
    .map_err(|e| invalid("staff record", e))?;
    Ok(StaffProfile {
        id: i64::from(row.id),
        active: domain::CaseStatus::from_code(&row.status).is_some_and(|s| s.is_matchable()),
        band: Band::parse(&row.band).map_err(|e| invalid("staff record", e))?,
        staff_group: StaffGroup::from_code(&row.staff_group)
            .ok_or_else(|| invalid("staff group", &row.staff_group))?,
        skills,
        registrations,
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
}

/// The matcher's profile of a stored vacancy, open while its status is open and its closing
/// date has not passed `today`.
pub async fn vacancy_profile<C: ConnectionTrait>(
    db: &C,
    row: &vacancy::Model,
    today: NaiveDate,
    interner: &mut SkillInterner,
) -> Result<VacancyProfile, DbErr> {
    let wanted = vacancy_skill::Entity::find()
        .filter(vacancy_skill::Column::VacancyId.eq(row.id))
        .all(db)
        .await?;
    let named = skills_by_id(db, wanted.iter().map(|w| w.skill_id)).await?;
    let mut set = |essential: bool| {
        SkillSet::new(
            wanted
                .iter()
                .filter(|w| w.essential == essential)
                .filter_map(|w| named.get(&w.skill_id))
                .map(|s| interner.intern(&s.folded_name, &s.name))
                .collect::<Vec<_>>(),
        )
    };
    let essential = set(true);
    let desirable = set(false);
    Ok(VacancyProfile {
        id: i64::from(row.id),
        open: row.status == domain::VacancyStatus::Open.code() && row.closing_date >= today,
        band: Band::parse(&row.band).map_err(|e| invalid("vacancy", e))?,
        staff_group: StaffGroup::from_code(&row.staff_group)
            .ok_or_else(|| invalid("staff group", &row.staff_group))?,
        essential,
        desirable,
        registration_required: row
            .registration_required
            .as_deref()
            .and_then(Registration::from_code),
        position: site_position(db, row.site_id).await?,
        hours: Hours::new(row.hours).map_err(|e| invalid("vacancy", e))?,
    })
}

/// A person's recorded decision about a pair, if any.
pub async fn exclusion<C: ConnectionTrait>(
    db: &C,
    staff_id: i32,
    vacancy_id: i32,
) -> Result<Option<Exclusion>, DbErr> {
    let row = match_record::Entity::find()
        .filter(match_record::Column::StaffId.eq(staff_id))
        .filter(match_record::Column::VacancyId.eq(vacancy_id))
        .one(db)
        .await?;
    Ok(row.and_then(|r| match r.status.as_str() {
        "declined_by_staff" => Some(Exclusion::DeclinedByStaff),
        "rejected_by_employer" => Some(Exclusion::RejectedByEmployer),
        _ => None,
    }))
}
