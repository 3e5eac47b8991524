//! At-risk staff records: checking what people enter, storing it, and reading it back.

pub mod draft;
pub mod store;
