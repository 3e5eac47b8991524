//! At-risk staff records: checking what people enter, storing it, reading it back, and the
//! operations people perform on them.

pub mod draft;
pub mod operations;
pub mod records;
