//! Vacancies: checking what trusts enter, storing it, reading it back, and the operations
//! people perform on them.

pub mod draft;
pub mod operations;
pub mod records;
