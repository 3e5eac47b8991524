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
