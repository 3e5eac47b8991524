//! The rules of NHS redeployment in London, as values that can only be built valid.
//!
//! This crate is the vocabulary every other crate speaks: bands, staff groups, registrations,
//! postcodes and positions, trusts and sites, skills and their normalisation, the status
//! machines, pay and the Section 16 redundancy calculation, and the reference data the service
//! ships. It must never know about a database, HTTP, email or the clock: callers pass in "today".

mod code_enum;

pub mod access;
pub mod band;
pub mod calendar;
pub mod geo;
pub mod money;
pub mod organisation;
pub mod pay;
pub mod people;
pub mod postcode;
pub mod redundancy;
pub mod reference;
pub mod skills;
pub mod staff_group;
pub mod workflow;

pub use access::Role;
pub use band::{Band, BandError};
pub use code_enum::fold;
pub use geo::{Coordinates, LocationBasis, TravelModel};
pub use money::Money;
pub use organisation::{HcasZone, OdsCode, Site, Trust, TrustKind};
pub use pay::{PayRange, PayScale};
pub use people::{
    AtRiskStaff, EmailAddress, EmailFrequency, Hours, HoursRange, PriorityTier, TravelLimit,
    Vacancy, Wte,
};
pub use postcode::{Postcode, PostcodeDistrict};
pub use redundancy::{Savings, SavingsInputs, SavingsPolicy, completed_years};
pub use reference::ReferenceData;
pub use skills::{NormalisedSkill, SkillCategory, SkillMatchKind, SkillVocabulary};
pub use staff_group::{Registration, StaffGroup};
pub use workflow::{
    CaseStatus, DeclineJudgement, MatchStatus, MoveNeeds, Mover, PairParties,
    SUBSTANTIVE_REASON_CHARS, TransitionError, VacancyStatus,
};
