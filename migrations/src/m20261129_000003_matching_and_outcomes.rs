//! Matches between staff and vacancies, every move each match makes, and the outcomes of cases
//! with the savings inputs behind them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("matches")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(integer("vacancy_id"))
                    .col(string("status"))
                    .col(double("score"))
                    .col(boolean("exact_match"))
                    .col(text("explanation"))
                    .col(timestamp_with_time_zone("computed_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "matches",
                        "staff_id",
                        "at_risk_staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "matches",
                        "vacancy_id",
                        "vacancies",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("matches", &["staff_id", "vacancy_id"], true))
            .await?;
        manager
            .create_index(index("matches", &["vacancy_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("match_transitions")
                    .col(pk_auto("id"))
                    .col(integer("match_id"))
                    .col(string("from_status"))
                    .col(string("to_status"))
                    .col(integer_null("by_user_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(text_null("reason"))
                    .foreign_key(&mut foreign_key(
                        "match_transitions",
                        "match_id",
                        "matches",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "match_transitions",
                        "by_user_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("match_transitions", &["match_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outcomes")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(integer_null("match_id"))
                    .col(string("kind"))
                    .col(date("decided_on"))
                    .col(big_integer("salary_pence"))
                    .col(boolean("salary_assumed"))
                    .col(double("wte"))
                    .col(integer("service_years"))
                    .col(big_integer_null("pension_strain_pence"))
                    .col(big_integer("old_pay_pence"))
                    .col(big_integer("new_pay_pence"))
                    .col(integer("protection_months"))
                    .col(big_integer("recruitment_cost_pence"))
                    .col(big_integer("redundancy_pay_pence"))
                    .col(big_integer("protection_cost_pence"))
                    .col(big_integer("conservative_pence"))
                    .col(big_integer("full_pence"))
                    .col(integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut foreign_key(
                        "outcomes",
                        "staff_id",
                        "at_risk_staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "outcomes",
                        "match_id",
                        "matches",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        "outcomes",
                        "recorded_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("outcomes", &["match_id"], true))
            .await?;
        manager
            .create_index(index("outcomes", &["decided_on"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["outcomes", "match_transitions", "matches"]).await
    }
}
