//! The service: configuration, storage (sea-orm over SQLite or PostgreSQL), loading reference
//! and demo data, and HTTP.
//!
//! Only this crate knows axum, JSON shapes and database entities. It calls `domain` for rules,
//! `matcher` for ranking and `notifier` for email, and never re-implements them.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod catalogue;
pub mod checks;
pub mod config;
pub mod db;
pub mod demo_store;
pub mod entities;
pub mod error;
pub mod extract;
pub mod import;
mod lenient;
pub mod match_sync;
pub mod matching;
pub mod openapi;
pub mod outbox;
pub mod paging;
pub mod passwords;
pub mod postcodes;
pub mod reference_store;
pub mod routes;
pub mod server;
pub mod skills_store;
pub mod staff;
mod store_support;
pub mod tokens;
pub mod users;
pub mod vacancies;

pub use config::{CommandLine, Settings};
pub use server::{AppState, router};
