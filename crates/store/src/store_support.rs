//! Helpers the storage modules share.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Iterable, Select,
};

/// Parameters one statement may carry: SQLite allows 32,766 and PostgreSQL 65,535; staying
/// well under both keeps one code path for both.
const MAX_PARAMETERS: usize = 30_000;

/// The row a unique key selects, if any: `select` must filter on a unique column.
///
/// Unlike `Select::one` this sends no `LIMIT ?`. SQLite re-plans a statement whose LIMIT is a
/// bound parameter every time the parameter is bound, that is on every run; for the lookups
/// every request makes (signing in) that re-planning cost more than the query.
pub async fn unique_row<E, C>(select: Select<E>, db: &C) -> Result<Option<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(select.all(db).await?.into_iter().next())
}

/// Inserts rows in as few multi-row statements as the parameter limit allows, optionally as
/// upserts. Call inside a transaction when the rows must land together.
pub async fn insert_chunked<A, C>(
    db: &C,
    rows: Vec<A>,
    on_conflict: Option<OnConflict>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Clone + Send,
    C: ConnectionTrait,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (MAX_PARAMETERS / columns).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut insert = <A::Entity as EntityTrait>::insert_many(chunk.to_vec());
        if let Some(on_conflict) = &on_conflict {
            insert = insert.on_conflict(on_conflict.clone());
        }
        insert.exec_without_returning(db).await?;
    }
    Ok(())
}

/// Inserts rows in as few statements as the parameter limit allows and returns them as stored
/// (with their new ids), so that callers can pair each with what it was made from by its
/// natural key, whatever order the database reports them in.
pub async fn insert_returning<A, C>(
    db: &C,
    rows: Vec<A>,
) -> Result<Vec<<A::Entity as EntityTrait>::Model>, DbErr>
where
    A: ActiveModelTrait + Clone + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    C: ConnectionTrait,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (MAX_PARAMETERS / columns).max(1);
    let mut stored = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(per_statement) {
        stored.extend(
            <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
                .exec_with_returning(db)
                .await?,
        );
    }
    Ok(stored)
}

/// Inserts one row for each record and returns the new ids in the records' order. Each stored
/// row is paired with its record by their natural key (the trust and the reference or staff
/// number), whatever order the database reports them in.
pub async fn insert_keyed<V, A, C>(
    db: &C,
    records: &[&V],
    row_of: impl Fn(&V) -> A,
    key_of: impl Fn(&V) -> (i32, String),
    stored_key_and_id: impl Fn(<A::Entity as EntityTrait>::Model) -> ((i32, String), i32),
    what: &str,
) -> Result<Vec<i32>, DbErr>
where
    A: ActiveModelTrait + Clone + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    C: ConnectionTrait,
{
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let rows = records.iter().map(|record| row_of(record)).collect();
    let stored: std::collections::HashMap<(i32, String), i32> = insert_returning(db, rows)
        .await?
        .into_iter()
        .map(stored_key_and_id)
        .collect();
    records
        .iter()
        .map(|record| stored.get(&key_of(record)).copied())
        .collect::<Option<Vec<i32>>>()
        .ok_or_else(|| DbErr::Custom(format!("a new {what} was not stored")))
}
