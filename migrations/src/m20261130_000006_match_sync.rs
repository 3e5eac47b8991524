//! Keeping stored matches current across service instances: a counter that every change to a
//! staff record or vacancy takes (and with it a lock, so changes are numbered in commit order)
//! beside the matching settings the stored matches were ranked with,
//! the log of which records each number changed, and a flag on a match whose pair no longer
//! passes the rules but is kept because people have acted on it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("matches")
                    .add_column(boolean("eligible").default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("match_sync")
                    .col(integer("id").primary_key())
                    .col(big_integer("version"))
                    .col(text("policy"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("match_sync")
                    .columns(["id", "version", "policy"])
                    .values_panic([1.into(), 0i64.into(), "".into()])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("match_changes")
                    .col(pk_auto("id"))
                    .col(big_integer("version"))
                    .col(string("kind"))
                    .col(integer("record_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("match_changes", &["version"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["match_changes", "match_sync"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("matches")
                    .drop_column("eligible")
                    .to_owned(),
            )
            .await
    }
}
