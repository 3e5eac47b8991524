//! sea-orm entities: one module per table, written to match `migrations/` column for column.
//! Mechanical code only; behaviour lives in the modules that use them.

pub mod api_token;
pub mod audit_entry;
pub mod email_outbox;
pub mod invitation;
pub mod match_change;
pub mod match_record;
pub mod match_transition;
pub mod notice_run;
pub mod outcome;
pub mod pair_notice;
pub mod postcode_location;
pub mod session;
pub mod sign_in_failure;
pub mod site;
pub mod skill;
pub mod skill_synonym;
pub mod staff;
pub mod staff_registration;
pub mod staff_skill;
pub mod trust;
pub mod typed;
pub mod unsubscribe_token;
pub mod user;
pub mod vacancy;
pub mod vacancy_skill;
