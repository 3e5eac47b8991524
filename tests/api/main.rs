//! The JSON API, tested in-process (the router called directly) on SQLite, or on PostgreSQL when
//! `REDEPLOY_TEST_POSTGRES_URL` is set.

mod access;
mod assets;
mod cli;
mod concurrency;
mod email_delivery;
mod helpers;
mod invitations;
mod journeys;
mod live_ranking;
mod matching;
mod metrics;
mod notices;
mod openapi;
mod pages;
mod reference_admin;
mod reports;
mod session;
mod staff;
mod trusts;
mod uploads;
mod vacancies;
mod workflow;
mod workflow_table;
