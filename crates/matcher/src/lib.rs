//! Ranking at-risk staff against vacancies: the hard rules a pair must pass, the soft score,
//! and the explanation behind every match.
//!
//! This crate is pure computation over `domain` values: no I/O, no async, no clock, no
//! database. That is what lets it be benchmarked and property-tested on its own. So far it
//! holds the matching policy read from `[matching]` in configuration; the ranking itself
//! builds on it.

pub mod policy;

pub use policy::{MatchPolicy, PolicyError, Weights};
