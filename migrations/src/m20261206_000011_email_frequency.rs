//! How often an at-risk staff member wants the digest of new suitable vacancies (DESIGN §3,
//! email): `daily` (the default), `weekly` or `off`. Chosen by the person on `/me`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("at_risk_staff")
                    .add_column(string_len("email_frequency", 8).default("daily"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("at_risk_staff")
                    .drop_column("email_frequency")
                    .to_owned(),
            )
            .await
    }
}
