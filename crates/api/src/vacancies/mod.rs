//! Vacancies: checking what trusts enter, storing it, and reading it back.

pub mod draft;
pub mod store;
