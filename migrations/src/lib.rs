//! The database schema as migrations. Every migration runs up and down on both SQLite and
//! PostgreSQL: one change per statement, foreign keys declared inside `CREATE TABLE`, times in
//! UTC, money in whole pence. A migration that has shipped is never edited; change the schema
//! with a new one.

// `MigrationTrait` is declared through `async_trait`, whose signatures elide the lifetime.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_reference_data;
mod m20261129_000002_people_and_vacancies;
mod m20261129_000003_matching_and_outcomes;
mod m20261129_000004_outbox_and_audit;
mod m20261129_000005_sign_in;
mod m20261130_000006_match_sync;
mod m20261205_000007_decided_matches_only;
mod m20261206_000008_case_workflow;
mod m20261206_000009_decline_judgement;
mod m20261206_000010_pension_strain;
mod m20261206_000011_email_frequency;
mod m20261207_000012_reference_edits;
mod m20261207_000013_notices;
mod support;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_reference_data::Migration),
            Box::new(m20261129_000002_people_and_vacancies::Migration),
            Box::new(m20261129_000003_matching_and_outcomes::Migration),
            Box::new(m20261129_000004_outbox_and_audit::Migration),
            Box::new(m20261129_000005_sign_in::Migration),
            Box::new(m20261130_000006_match_sync::Migration),
            Box::new(m20261205_000007_decided_matches_only::Migration),
            Box::new(m20261206_000008_case_workflow::Migration),
            Box::new(m20261206_000009_decline_judgement::Migration),
            Box::new(m20261206_000010_pension_strain::Migration),
            Box::new(m20261206_000011_email_frequency::Migration),
            Box::new(m20261207_000012_reference_edits::Migration),
            Box::new(m20261207_000013_notices::Migration),
        ]
    }
}
