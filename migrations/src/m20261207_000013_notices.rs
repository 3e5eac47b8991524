//! What the service has told people of, so that it never tells them twice (DESIGN §3, email):
//!
//! - `pair_notices`: each pair a candidate (`candidate`) or a vacancy's contact (`employer`)
//!   has been emailed about, once each;
//! - `at_risk_staff.vacancies_notified_at`, `vacancies.candidates_notified_at`: when the last
//!   digest went, so the next comes a day (or a week) later and lists only what is newer;
//! - `notice_runs`: one row whose update decides which instance composes the emails of a
//!   moment, so that two instances never compose the same digest;
//! - `unsubscribe_tokens`: the link in a digest that stops them without signing in, stored as
//!   a SHA-256 hash.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("pair_notices")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(integer("vacancy_id"))
                    .col(string_len("audience", 16))
                    .col(timestamp_with_time_zone("notified_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "pair_notices",
                &["staff_id", "vacancy_id", "audience"],
                true,
            ))
            .await?;
        manager
            .create_index(index("pair_notices", &["vacancy_id"], false))
            .await?;
        for (table, column) in [
            ("at_risk_staff", "vacancies_notified_at"),
            ("vacancies", "candidates_notified_at"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("notice_runs")
                    .col(integer("id").primary_key())
                    .col(timestamp_with_time_zone_null("last_run_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("notice_runs")
                    .columns(["id"])
                    .values_panic([1.into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("unsubscribe_tokens")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(string_len("token_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("unsubscribe_tokens", &["token_hash"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["unsubscribe_tokens", "notice_runs", "pair_notices"],
        )
        .await?;
        for (table, column) in [
            ("at_risk_staff", "vacancies_notified_at"),
            ("vacancies", "candidates_notified_at"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
