//! The matching policy: the numbers DESIGN §2 leaves to configuration.

use domain::TravelModel;
use serde::{Deserialize, Serialize};

/// Points each score component is worth; together they make 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub essential_skills: u32,
    pub desirable_skills: u32,
    pub band: u32,
    pub travel: u32,
    pub hours: u32,
    pub staff_group: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            essential_skills: 45,
            desirable_skills: 15,
            band: 15,
            travel: 15,
            hours: 5,
            staff_group: 5,
        }
    }
}

impl Weights {
    pub fn total(&self) -> u32 {
        self.essential_skills
            + self.desirable_skills
            + self.band
            + self.travel
            + self.hours
            + self.staff_group
    }
}

/// Everything `[matching]` configures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPolicy {
    /// How many bands below their own a staff member may be offered (with consent).
    pub max_band_drop: u8,
    /// The travel limit of a staff member who has not set one, in minutes.
    pub default_max_travel_minutes: u32,
    /// Straight-line travel estimate: minutes = base + per_km × km.
    pub travel: TravelModel,
    /// Jaro–Winkler similarity at or above which free text is taken as a known skill.
    pub skill_similarity_threshold: f64,
    /// Working days after upload that a vacancy is open to redeployees only.
    pub ring_fence_working_days: u32,
    /// An exact match must be within this many minutes…
    pub exact_match_max_travel_minutes: u32,
    /// …and its hours within this fraction of the vacancy's.
    pub exact_match_hours_tolerance: f64,
    pub weights: Weights,
}

impl Default for MatchPolicy {
    fn default() -> Self {
        MatchPolicy {
            max_band_drop: 1,
            default_max_travel_minutes: 60,
            travel: TravelModel::default(),
            skill_similarity_threshold: 0.92,
            ring_fence_working_days: 10,
            exact_match_max_travel_minutes: 60,
            exact_match_hours_tolerance: 0.10,
            weights: Weights::default(),
        }
    }
}

/// A policy that would make ranking meaningless.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("[matching.weights] add up to {0}; they must add up to 100")]
    WeightsNot100(u32),
    #[error("[matching] skill_similarity_threshold is {0}; it must be between 0.5 and 1.0")]
    Threshold(f64),
    #[error("[matching] max_band_drop is {0}; it must be between 0 and 11")]
    BandDrop(u8),
    #[error("[matching.travel] minutes_per_km must be above 0 and base_minutes at least 0")]
    Travel,
    #[error("[matching] exact_match_hours_tolerance is {0}; it must be between 0 and 1")]
    HoursTolerance(f64),
}

impl MatchPolicy {
    /// Refuses a policy whose numbers cannot be right, naming the key to fix.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.weights.total() != 100 {
            return Err(PolicyError::WeightsNot100(self.weights.total()));
        }
        if !(0.5..=1.0).contains(&self.skill_similarity_threshold) {
            return Err(PolicyError::Threshold(self.skill_similarity_threshold));
        }
        if self.max_band_drop > 11 {
            return Err(PolicyError::BandDrop(self.max_band_drop));
        }
        if !(self.travel.minutes_per_km > 0.0 && self.travel.base_minutes >= 0.0) {
            return Err(PolicyError::Travel);
        }
        if !(0.0..=1.0).contains(&self.exact_match_hours_tolerance) {
            return Err(PolicyError::HoursTolerance(
                self.exact_match_hours_tolerance,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_the_one_design_describes() {
        let policy = MatchPolicy::default();
        assert_eq!(policy.weights.total(), 100);
        assert_eq!(policy.validate(), Ok(()));
    }

    #[test]
    fn weights_that_do_not_make_100_are_refused_with_the_key_named() {
        let mut policy = MatchPolicy::default();
        policy.weights.travel = 25;
        let err = policy.validate().unwrap_err();
        assert_eq!(err, PolicyError::WeightsNot100(110));
        assert!(err.to_string().contains("[matching.weights]"));
    }
}
