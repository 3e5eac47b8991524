//! A decline's judgement: the staff member's HR team marks a decline reasonable or
//! unreasonable (DESIGN §2), which bears on the person's redundancy rights.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("matches")
                    .add_column(string_null("decline_judgement"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("matches")
                    .drop_column("decline_judgement")
                    .to_owned(),
            )
            .await
    }
}
