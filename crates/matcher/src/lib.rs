//! Ranking at-risk staff against vacancies: the hard rules a pair must pass, the soft score,
//! the explanation behind every match, and the indexes that keep it fast.
//!
//! This crate is pure computation over `domain` values: no I/O, no async, no clock (callers
//! pass "today"), no database. That is what lets it be benchmarked and property-tested on its
//! own. Skill text never reaches it: skills arrive interned as integers.

pub mod policy;
pub mod profile;
pub mod rank;
pub mod rules;
pub mod score;
pub mod skills;

pub use policy::{MatchPolicy, PolicyError, Weights};
pub use profile::{Registrations, StaffProfile, VacancyProfile};
pub use rank::{
    Exclusions, Grids, Match, Matcher, RankContext, candidate_order, naive, vacancy_order,
};
pub use rules::{Exclusion, RuleFailure};
pub use score::{Explanation, Hundredths, Points};
pub use skills::{SkillId, SkillInterner, SkillSet};
