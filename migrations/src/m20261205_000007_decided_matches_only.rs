//! Suggestions are ranked on request from now on: the `matches` table keeps only pairs someone
//! has acted on. This removes the rows that merely stored a suggestion. Nothing of what people
//! did is lost: a pair anyone acted on has a status other than `suggested`.
//!
//! The `eligible` column and the stored matching settings in `match_sync` stay but are no
//! longer read; whether a pair still passes the rules is worked out when it is shown.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table("matches")
                    .and_where(Expr::col("status").eq("suggested"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The removed suggestions are ranked on request; an older build that stores them
        // ranks them again when its settings differ from the ones recorded.
        Ok(())
    }
}
