//! What the matcher knows of a staff member and a vacancy: only what the rules and the score
//! use, in compact form, built once from the stored records.

use chrono::NaiveDate;
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};

use crate::skills::SkillSet;

/// The professional registrations a person holds, one bit each, so that checking one takes
/// an AND rather than a walk through a list on the heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Registrations(u8);

impl Registrations {
    fn bit(registration: Registration) -> u8 {
        // The registers are a closed list of six, declared without data.
        1 << (registration as u8)
    }

    pub fn holds(self, registration: Registration) -> bool {
        self.0 & Registrations::bit(registration) != 0
    }

    /// Whether every registration in `required` is held.
    pub fn covers(self, required: Registrations) -> bool {
        required.0 & !self.0 == 0
    }

    pub fn insert(&mut self, registration: Registration) {
        self.0 |= Registrations::bit(registration);
    }
}

impl FromIterator<Registration> for Registrations {
    fn from_iter<I: IntoIterator<Item = Registration>>(iter: I) -> Registrations {
        let mut set = Registrations::default();
        for registration in iter {
            set.insert(registration);
        }
        set
    }
}

impl From<Option<Registration>> for Registrations {
    fn from(registration: Option<Registration>) -> Registrations {
        registration.into_iter().collect()
    }
}

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
    pub registrations: Registrations,
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
            registrations: staff.registrations.iter().copied().collect(),
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
