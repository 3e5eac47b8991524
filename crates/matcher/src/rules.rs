//! The hard rules of DESIGN §2: a pair that fails any of them is never suggested. The same
//! function answers "may this pair match?" (stopping at the first failure) and "why not?" (every
//! failure, in words), so the two can never disagree.

use std::fmt;

use domain::{Band, Registration};
use serde::Serialize;

use crate::policy::MatchPolicy;
use crate::profile::{StaffProfile, VacancyProfile};

/// Why a pair is kept apart by a person's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    DeclinedByStaff,
    RejectedByEmployer,
}

/// One hard rule a pair fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleFailure {
    VacancyNotOpen,
    CaseNotActive,
    BandAbove { vacancy: Band, staff: Band },
    BandDropTooFar { drop: u8, max: u8 },
    NoLowerBandConsent { drop: u8 },
    RegistrationMissing { required: Registration },
    TooFar { minutes: u32, limit: u32 },
    HoursOutsideRange { hours: f64, min: f64, max: f64 },
    Excluded { by: Exclusion },
}

impl fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleFailure::VacancyNotOpen => write!(
                f,
                "the vacancy is not open (filled, withdrawn or past its closing date)"
            ),
            RuleFailure::CaseNotActive => write!(f, "the staff member's case is not active"),
            RuleFailure::BandAbove { vacancy, staff } => {
                write!(
                    f,
                    "the vacancy is at {vacancy}, above the staff member's {staff}"
                )
            }
            RuleFailure::BandDropTooFar { drop, max } => write!(
                f,
                "the vacancy is {drop} bands below the staff member's band; at most {max} is allowed"
            ),
            RuleFailure::NoLowerBandConsent { drop } => write!(
                f,
                "the vacancy is {drop} band{} lower and the staff member has not agreed to consider lower bands",
                if *drop == 1 { "" } else { "s" }
            ),
            RuleFailure::RegistrationMissing { required } => {
                write!(
                    f,
                    "the vacancy requires {} registration, which the staff member does not hold",
                    required.abbreviation()
                )
            }
            RuleFailure::TooFar { minutes, limit } => write!(
                f,
                "the journey is about {minutes} minutes, over the staff member's limit of {limit} minutes"
            ),
            RuleFailure::HoursOutsideRange { hours, min, max } => write!(
                f,
                "the vacancy is {hours} hours a week, outside the {min}–{max} hours the staff member will work"
            ),
            RuleFailure::Excluded {
                by: Exclusion::DeclinedByStaff,
            } => write!(f, "the staff member declined this vacancy"),
            RuleFailure::Excluded {
                by: Exclusion::RejectedByEmployer,
            } => {
                write!(f, "the employer rejected the staff member for this vacancy")
            }
        }
    }
}

/// Checks the hard rules for a pair whose travel time `minutes` gives, in a fixed order, telling
/// `report` of each failure; stops when `report` returns false.
fn check(
    policy: &MatchPolicy,
    staff: &StaffProfile,
    vacancy: &VacancyProfile,
    minutes: impl FnOnce() -> u32,
    exclusion: Option<Exclusion>,
    mut report: impl FnMut(RuleFailure) -> bool,
) {
    macro_rules! fail {
        ($failure:expr) => {
            if !report($failure) {
                return;
            }
        };
    }
    if !vacancy.open {
        fail!(RuleFailure::VacancyNotOpen);
    }
    if !staff.active {
        fail!(RuleFailure::CaseNotActive);
    }
    if vacancy.band > staff.band {
        fail!(RuleFailure::BandAbove {
            vacancy: vacancy.band,
            staff: staff.band
        });
    } else {
        let drop = vacancy.band.steps_below(staff.band);
        if drop > policy.max_band_drop {
            fail!(RuleFailure::BandDropTooFar {
                drop,
                max: policy.max_band_drop
            });
        }
        if drop > 0 && !staff.lower_band_consent {
            fail!(RuleFailure::NoLowerBandConsent { drop });
        }
    }
    if let Some(required) = vacancy.registration_required
        && !staff.registrations.holds(required)
    {
        fail!(RuleFailure::RegistrationMissing { required });
    }
    if !staff.hours.contains(vacancy.hours) {
        fail!(RuleFailure::HoursOutsideRange {
            hours: vacancy.hours.get(),
            min: staff.hours.min().get(),
            max: staff.hours.max().get(),
        });
    }
    if let Some(by) = exclusion {
        fail!(RuleFailure::Excluded { by });
    }
    // The journey is estimated last, only for pairs no cheaper rule has ruled out.
    let minutes = minutes();
    if minutes > staff.max_travel.minutes() {
        fail!(RuleFailure::TooFar {
            minutes,
            limit: staff.max_travel.minutes()
        });
    }
}

/// Whether the pair passes every hard rule (the ranking's question: no allocation).
pub fn passes(
    policy: &MatchPolicy,
    staff: &StaffProfile,
    vacancy: &VacancyProfile,
    minutes: impl FnOnce() -> u32,
    exclusion: Option<Exclusion>,
) -> bool {
    let mut passed = true;
    check(policy, staff, vacancy, minutes, exclusion, |_| {
        passed = false;
        false
    });
    passed
}

/// Every hard rule the pair fails ("why not").
pub fn failures(
    policy: &MatchPolicy,
    staff: &StaffProfile,
    vacancy: &VacancyProfile,
    minutes: impl FnOnce() -> u32,
    exclusion: Option<Exclusion>,
) -> Vec<RuleFailure> {
    let mut found = Vec::new();
    check(policy, staff, vacancy, minutes, exclusion, |failure| {
        found.push(failure);
        true
    });
    found
}
