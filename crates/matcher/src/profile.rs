//! What the matcher knows of a staff member and a vacancy: only what the rules and the score
//! use, in compact form, built once from the stored records.

use chrono::NaiveDate;
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};

use crate::skills::SkillSet;

/// An at-risk staff member, as matched.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffProfile {
    /// The record's id in the service.
    pub id: i64,
    /// Only active cases are matched.
    pub active: bool,
    pub band: Band,
    pub staff_group: StaffGroup,
    pub skills: SkillSet,
    pub registrations: Vec<Registration>,
    /// Where travel is measured from, and how that place was found.
    pub position: Coordinates,
    pub location_basis: LocationBasis,
    pub max_travel: TravelLimit,
    pub hours: HoursRange,
    pub lower_band_consent: bool,
    pub priority_tier: PriorityTier,
    pub redeployment_period_ends: NaiveDate,
}

/// A vacancy, as matched.
#[derive(Debug, Clone, PartialEq)]
pub struct VacancyProfile {
    pub id: i64,
    /// Open: not filled or withdrawn, and its closing date has not passed.
    pub open: bool,
    pub band: Band,
    pub staff_group: StaffGroup,
    pub essential: SkillSet,
    pub desirable: SkillSet,
    pub registration_required: Option<Registration>,
    /// The position of the vacancy's site.
    pub position: Coordinates,
    pub hours: Hours,
}

impl StaffProfile {
    /// The profile of a stored staff member. `position` is where their travel is measured from
    /// (home postcode, home district or base site, as `basis` says); skills are interned.
    pub fn from_record(
        id: i64,
        staff: &domain::AtRiskStaff,
        position: Coordinates,
        basis: LocationBasis,
        interner: &mut crate::skills::SkillInterner,
    ) -> StaffProfile {
        StaffProfile {
            id,
            active: staff.status.is_matchable(),
            band: staff.band,
            staff_group: staff.staff_group,
            skills: SkillSet::new(
                staff
                    .skills
                    .iter()
                    .map(|s| interner.intern(&s.key(), &s.skill)),
            ),
            registrations: staff.registrations.clone(),
            position,
            location_basis: basis,
            max_travel: staff.max_travel,
            hours: staff.hours,
            lower_band_consent: staff.lower_band_consent,
            priority_tier: staff.priority_tier,
            redeployment_period_ends: staff.redeployment_period_ends,
        }
    }
}

impl VacancyProfile {
    /// The profile of a stored vacancy at `position` (its site's), open only while its status
    /// is open and its closing date has not passed `today`.
    pub fn from_record(
        id: i64,
        vacancy: &domain::Vacancy,
        position: Coordinates,
        today: NaiveDate,
        interner: &mut crate::skills::SkillInterner,
    ) -> VacancyProfile {
        let mut set = |skills: &[domain::NormalisedSkill]| {
            SkillSet::new(skills.iter().map(|s| interner.intern(&s.key(), &s.skill)))
        };
        VacancyProfile {
            id,
            open: vacancy.status == domain::VacancyStatus::Open && vacancy.closing_date >= today,
            band: vacancy.band,
            staff_group: vacancy.staff_group,
            essential: set(&vacancy.essential_skills),
            desirable: set(&vacancy.desirable_skills),
            registration_required: vacancy.registration_required,
            position,
            hours: vacancy.hours,
        }
    }
}
