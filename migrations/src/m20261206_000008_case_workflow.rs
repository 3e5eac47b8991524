//! The case workflow: each move of a pair keeps the date it carries (an interview's, a trial's
//! first day or its new last day) and the pair's score and explanation at that moment; a pair
//! in trial keeps the day its trial ends.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each column on its own: SQLite adds one column per statement.
const ADDED: [(&str, &str); 4] = [
    ("match_transitions", "on_date"),
    ("match_transitions", "score"),
    ("match_transitions", "explanation"),
    ("matches", "trial_ends"),
];

fn column(name: &'static str) -> ColumnDef {
    match name {
        "score" => double_null(name),
        "explanation" => text_null(name),
        _ => date_null(name),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in ADDED {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(column(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in ADDED.iter().rev() {
            manager
                .alter_table(Table::alter().table(*table).drop_column(*name).to_owned())
                .await?;
        }
        Ok(())
    }
}
