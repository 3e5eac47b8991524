//! Small builders the migrations share.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `target.id`.
pub fn foreign_key(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
    target: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// An index named after its table and columns, optionally unique.
pub fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!(
            "{}_{}_{}",
            if unique { "uq" } else { "ix" },
            table,
            columns.join("_")
        ))
        .table(Alias::new(table));
    for column in columns {
        statement.col(Alias::new(*column));
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

/// Drops tables, the given order first to last.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
            .await?;
    }
    Ok(())
}
