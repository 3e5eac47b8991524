//! The soft score (0–100) of an eligible pair and the explanation that goes with every match.

use domain::LocationBasis;
use serde::Serialize;

use crate::policy::MatchPolicy;
use crate::profile::{StaffProfile, VacancyProfile};
use crate::skills::{SkillId, SkillSet};

/// Points each component earned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Points {
    pub essential_skills: f64,
    pub desirable_skills: f64,
    pub band: f64,
    pub travel: f64,
    pub hours: f64,
    pub staff_group: f64,
}

impl Points {
    pub fn total(&self) -> f64 {
        self.essential_skills
            + self.desirable_skills
            + self.band
            + self.travel
            + self.hours
            + self.staff_group
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

/// Rounds to hundredths, so that scores read cleanly and compare exactly.
fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The share of `wanted` that `held` covers; a vacancy that wants none is fully covered.
fn coverage(wanted: &SkillSet, held: &SkillSet) -> f64 {
    let count = wanted.len();
    if count == 0 {
        1.0
    } else {
        f64::from(wanted.overlap(held)) / f64::from(count)
    }
}

/// Scores an eligible pair whose travel time is `minutes`: the score, whether it is an exact
/// (slot-in) match, and the explanation.
pub fn score(
    policy: &MatchPolicy,
    staff: &StaffProfile,
    vacancy: &VacancyProfile,
    minutes: u32,
) -> (f64, bool, Explanation) {
    let w = &policy.weights;
    let drop = vacancy.band.steps_below(staff.band);
    let limit = f64::from(staff.max_travel.minutes());
    let preferred = staff.hours.max().get();
    let hours_gap = (preferred - vacancy.hours.get()).abs();
    let points = Points {
        essential_skills: hundredths(
            f64::from(w.essential_skills) * coverage(&vacancy.essential, &staff.skills),
        ),
        desirable_skills: hundredths(
            f64::from(w.desirable_skills) * coverage(&vacancy.desirable, &staff.skills),
        ),
        // Full at the same band, each band lower half the previous.
        band: hundredths(f64::from(w.band) * 0.5_f64.powi(i32::from(drop))),
        // Linear from full at 0 minutes to none at the staff member's limit.
        travel: hundredths(
            f64::from(w.travel) * (1.0 - f64::from(minutes) / limit).clamp(0.0, 1.0),
        ),
        // Full when the post's hours are the hours the staff member works now, less as they differ.
        hours: hundredths(f64::from(w.hours) * (1.0 - hours_gap / preferred).clamp(0.0, 1.0)),
        staff_group: if staff.staff_group == vacancy.staff_group {
            f64::from(w.staff_group)
        } else {
            0.0
        },
    };
    let exact = drop == 0
        && vacancy.essential.overlap(&staff.skills) == vacancy.essential.len()
        && minutes <= policy.exact_match_max_travel_minutes
        && hours_gap <= policy.exact_match_hours_tolerance * preferred + 1e-9;
    let explanation = Explanation {
        points,
        travel_minutes: minutes,
        band_drop: drop,
        location_basis: staff.location_basis,
    };
    (hundredths(points.total()), exact, explanation)
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
