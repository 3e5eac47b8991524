//! Reference data that admin may change while the service runs (DESIGN §1: admin manages
//! trusts, sites and the skills vocabulary).
//!
//! - `trusts.edited_at`, `sites.edited_at`: set when admin changes a row. Loading the shipped
//!   reference data on start updates only rows admin has never changed, so a restart never
//!   undoes an admin's correction.
//! - `skill_synonyms.added_at`: set on a synonym admin added (empty on the shipped ones), so
//!   that admin may take back their own additions but a shipped synonym stays.
//! - An index on `match_changes (kind, version)`: every instance asks for the newest
//!   reference change before it checks input, and that must be one index lookup.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const EDITED: [(&str, &str); 3] = [
    ("trusts", "edited_at"),
    ("sites", "edited_at"),
    ("skill_synonyms", "added_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in EDITED {
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
            .create_index(index("match_changes", &["kind", "version"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_match_changes_kind_version")
                    .table("match_changes")
                    .to_owned(),
            )
            .await?;
        for (table, column) in EDITED {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
