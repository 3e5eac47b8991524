//! The soft score (0–100) of an eligible pair and the explanation that goes with every match.

use domain::LocationBasis;
use serde::Serialize;

use crate::policy::MatchPolicy;
use crate::profile::{StaffProfile, VacancyProfile};
use crate::skills::SkillId;

/// An amount of points in whole hundredths (4500 is 45.00 points), so that points add up and
/// compare exactly and scoring needs no rounding of sums. Shown as a decimal number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hundredths(pub u16);

impl Hundredths {
    /// `x` points (not negative), to the nearest hundredth, halves up.
    fn of(x: f64) -> Hundredths {
        debug_assert!(x >= 0.0);
        // Adding a half and truncating, rather than `f64::round`, which is a library call on
        // baseline x86-64 and would run six times for every eligible pair.
        Hundredths((x * 100.0 + 0.5) as u16)
    }

    /// The amount as a number of points.
    pub fn get(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl std::fmt::Display for Hundredths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.get())
    }
}

impl Serialize for Hundredths {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.get())
    }
}

/// Points each component earned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Points {
    pub essential_skills: Hundredths,
    pub desirable_skills: Hundredths,
    pub band: Hundredths,
    pub travel: Hundredths,
    pub hours: Hundredths,
    pub staff_group: Hundredths,
}

impl Points {
    pub fn total(&self) -> Hundredths {
        Hundredths(
            self.essential_skills.0
                + self.desirable_skills.0
                + self.band.0
                + self.travel.0
                + self.hours.0
                + self.staff_group.0,
        )
    }
}

/// Why a pair scored what it did. Small and copied, so that ranking millions of pairs allocates
/// nothing per pair; the skills matched and missing follow from the pair's profiles and are
/// listed on demand by [`Explanation::matched_skills`] and its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explanation {
    pub points: Points,
    pub travel_minutes: u32,
    /// Bands below the staff member's own (0: the same band).
    pub band_drop: u8,
    pub location_basis: LocationBasis,
}

/// Points for holding `covered` of a vacancy's `wanted` skills, out of `weight`: the share
/// held (all of none is full) times the weight.
fn coverage_points(weight: u32, covered: u32, wanted: u32) -> Hundredths {
    let share = if wanted == 0 {
        1.0
    } else {
        f64::from(covered) / f64::from(wanted)
    };
    Hundredths::of(f64::from(weight) * share)
}

/// Band points: full at the same band, each band lower half the previous.
fn band_points(weight: u32, drop: u8) -> Hundredths {
    Hundredths::of(f64::from(weight) / f64::from(1u32 << drop.min(31)))
}

/// The longest skill lists and band drops [`VacancyPoints`] works out in advance.
const TABULATED: usize = 16;

/// The points that follow from a vacancy alone, for each number of its essential and
/// desirable skills a person might hold and each band drop, worked out once when many people
/// are scored against one vacancy. Entries come from the same functions [`score`] uses, so
/// a score is the same either way; counts beyond the table are worked out as they come.
#[derive(Debug, Clone)]
pub(crate) struct VacancyPoints {
    essential: [Hundredths; TABULATED + 1],
    desirable: [Hundredths; TABULATED + 1],
    band: [Hundredths; TABULATED],
}

impl VacancyPoints {
    pub(crate) fn new(policy: &MatchPolicy, vacancy: &VacancyProfile) -> VacancyPoints {
        let w = &policy.weights;
        let (essential, desirable) = (vacancy.essential.len(), vacancy.desirable.len());
        VacancyPoints {
            essential: std::array::from_fn(|k| {
                coverage_points(w.essential_skills, k as u32, essential)
            }),
            desirable: std::array::from_fn(|k| {
                coverage_points(w.desirable_skills, k as u32, desirable)
            }),
            band: std::array::from_fn(|drop| band_points(w.band, drop as u8)),
        }
    }
}

/// A staff member's journey to a place and the travel points it earns: both depend only on
/// the person and the place, so a full rematch works them out once for all the vacancies at
/// a site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Journey {
    pub(crate) minutes: u32,
    pub(crate) points: Hundredths,
}

impl Journey {
    #[inline]
    pub(crate) fn new(policy: &MatchPolicy, staff: &StaffProfile, minutes: u32) -> Journey {
        let limit = f64::from(staff.max_travel.minutes());
        // Linear from full at 0 minutes to none at the staff member's limit.
        let share = (1.0 - f64::from(minutes) / limit).clamp(0.0, 1.0);
        Journey {
            minutes,
            points: Hundredths::of(f64::from(policy.weights.travel) * share),
        }
    }
}

/// Scores an eligible pair on its `journey`: the score, whether it is an exact (slot-in)
/// match, and the explanation. The vacancy's share of the points comes from `table` when the
/// caller has worked it out, and is worked out here otherwise.
#[inline]
pub(crate) fn score(
    policy: &MatchPolicy,
    table: Option<&VacancyPoints>,
    staff: &StaffProfile,
    vacancy: &VacancyProfile,
    journey: Journey,
) -> (Hundredths, bool, Explanation) {
    let w = &policy.weights;
    let minutes = journey.minutes;
    let drop = vacancy.band.steps_below(staff.band);
    let preferred = staff.hours.max().get();
    let hours_gap = (preferred - vacancy.hours.get()).abs();
    let essential_held = vacancy.essential.overlap(&staff.skills);
    let desirable_held = vacancy.desirable.overlap(&staff.skills);
    let tabulated = |table: &[Hundredths], index: usize| table.get(index).copied();
    let points = Points {
        essential_skills: table
            .and_then(|t| tabulated(&t.essential, essential_held as usize))
            .unwrap_or_else(|| {
                coverage_points(w.essential_skills, essential_held, vacancy.essential.len())
            }),
        desirable_skills: table
            .and_then(|t| tabulated(&t.desirable, desirable_held as usize))
            .unwrap_or_else(|| {
                coverage_points(w.desirable_skills, desirable_held, vacancy.desirable.len())
            }),
        band: table
            .and_then(|t| tabulated(&t.band, usize::from(drop)))
            .unwrap_or_else(|| band_points(w.band, drop)),
        travel: journey.points,
        // Full when the post's hours are the hours the staff member works now, less as they differ.
        hours: Hundredths::of(f64::from(w.hours) * (1.0 - hours_gap / preferred).clamp(0.0, 1.0)),
        staff_group: if staff.staff_group == vacancy.staff_group {
            Hundredths::of(f64::from(w.staff_group))
        } else {
            Hundredths(0)
        },
    };
    let exact = drop == 0
        && essential_held == vacancy.essential.len()
        && minutes <= policy.exact_match_max_travel_minutes
        && hours_gap <= policy.exact_match_hours_tolerance * preferred + 1e-9;
    let explanation = Explanation {
        points,
        travel_minutes: minutes,
        band_drop: drop,
        location_basis: staff.location_basis,
    };
    (points.total(), exact, explanation)
}

impl Explanation {
    /// The vacancy's essential skills the staff member holds.
    pub fn matched_skills(staff: &StaffProfile, vacancy: &VacancyProfile) -> Vec<SkillId> {
        vacancy
            .essential
            .iter()
            .filter(|s| staff.skills.contains(*s))
            .collect()
    }

    /// The vacancy's essential skills the staff member does not hold.
    pub fn missing_skills(staff: &StaffProfile, vacancy: &VacancyProfile) -> Vec<SkillId> {
        vacancy
            .essential
            .iter()
            .filter(|s| !staff.skills.contains(*s))
            .collect()
    }

    /// The vacancy's desirable skills the staff member holds.
    pub fn matched_desirable(staff: &StaffProfile, vacancy: &VacancyProfile) -> Vec<SkillId> {
        vacancy
            .desirable
            .iter()
            .filter(|s| staff.skills.contains(*s))
            .collect()
    }
}
