//! The foundation, tested as people use it: the `redeploy` binary serving, migrating and loading
//! demo data, on SQLite and (with `REDEPLOY_TEST_POSTGRES_URL`) on PostgreSQL.

mod demo;
mod email;
mod helpers;
mod migrations;
mod serve;
