//! The all-or-nothing upload, the same for every kind of record: find the columns, check every
//! row, refuse the whole file if any row is bad, sort good rows into new, changed and
//! unchanged, and write new and changed ones in one transaction with an audit row each.

use std::collections::HashMap;
use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::table::{ColumnSpec, Columns, RowError, Table};
use super::{ImportOptions, ImportReport};
use crate::Store;
use crate::error::Error;
use crate::match_index::Changes;
use crate::staff::draft::CheckContext;
use crate::unit_of_work::{Written, commit_write};

/// One kind of record that can be uploaded.
pub trait Upload {
    /// A row that passed every check.
    type Valid: Send + Sync;
    /// A record already stored, as the upload compares and updates it.
    type Stored: Send + Sync;
    /// The entity name in the audit log.
    const ENTITY: &'static str;
    const COLUMNS: &'static [ColumnSpec];
    /// Header names shown when a file has no header row.
    const EXAMPLE_HEADER: &'static str;
    /// The field that, with the trust, identifies a record.
    const KEY_FIELD: &'static str;

    /// Stored records whose key is among `keys`, by (trust id, key).
    fn load_stored(
        db: &DatabaseConnection,
        keys: Vec<String>,
    ) -> impl Future<Output = Result<HashMap<(i32, String), Self::Stored>, DbErr>> + Send;

    /// Turns one row into a checked record, or says everything wrong with it.
    fn check_row(
        row: usize,
        cells: &[String],
        columns: &Columns,
        context: &CheckContext<'_>,
        options: &ImportOptions,
        stored: &HashMap<(i32, String), Self::Stored>,
    ) -> Result<Self::Valid, Vec<RowError>>;

    /// The trust id and key of a checked record.
    fn key(valid: &Self::Valid) -> (i32, String);

    /// Whether the stored record already says exactly what the row says.
    fn unchanged(stored: &Self::Stored, valid: &Self::Valid, context: &CheckContext<'_>) -> bool;

    fn stored_id(stored: &Self::Stored) -> i32;

    /// The created or changed records with these ids, as the matches keeper hears of them.
    fn changes(ids: Vec<i32>) -> Changes;

    /// Stores new records and returns their ids.
    fn insert_many<C: ConnectionTrait>(
        db: &C,
        valids: &[&Self::Valid],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<i32>, DbErr>> + Send;

    /// Replaces a stored record with the row.
    fn update<C: ConnectionTrait>(
        db: &C,
        stored: &Self::Stored,
        valid: &Self::Valid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), DbErr>> + Send;
}

/// Checks every row of `table` and, when all are good and this is not a dry run, writes them.
/// `progress` is told how many rows have been checked.
pub async fn run<U: Upload>(
    store: &Store,
    table: &Table,
    options: &ImportOptions,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportReport, Error> {
    let db = store.db();
    let mut report = ImportReport {
        dry_run: options.dry_run,
        ..Default::default()
    };
    let columns = match Columns::find(&table.headers, U::COLUMNS, U::EXAMPLE_HEADER) {
        Ok(columns) => columns,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    report.ignored_columns = columns.ignored.clone();
    let catalogue = store.catalogue().await?;
    // One memory of placed skills for the whole file: a text repeated on many rows is placed once.
    let placed = crate::checks::PlacedSkills::default();
    let context = store.check_context(&catalogue, crate::today(), &placed);
    let keys: Vec<String> = table
        .rows
        .iter()
        .filter_map(|(_, cells)| columns.get(cells, U::KEY_FIELD).map(str::to_owned))
        .collect();
    let stored = U::load_stored(db, keys).await?;

    let mut first_seen: HashMap<(i32, String), usize> = HashMap::new();
    let mut valid_rows: Vec<U::Valid> = Vec::with_capacity(table.rows.len());
    for (done, (row, cells)) in table.rows.iter().enumerate() {
        match U::check_row(*row, cells, &columns, &context, options, &stored) {
            Err(errors) => report.errors.extend(errors),
            Ok(valid) => {
                let key = U::key(&valid);
                if !options.may_manage(key.0) {
                    report.errors.push(RowError {
                        row: *row,
                        column: columns.header("trust"),
                        value: catalogue
                            .trust(key.0)
                            .map(|t| t.ods_code.clone())
                            .unwrap_or_default(),
                        message: "you can upload records only for your own trust".to_owned(),
                    });
                } else if let Some(first) = first_seen.get(&key) {
                    report.errors.push(RowError {
                        row: *row,
                        column: columns.header(U::KEY_FIELD),
                        value: key.1.clone(),
                        message: format!("this is already on row {first} of this file"),
                    });
                } else {
                    first_seen.insert(key, *row);
                    valid_rows.push(valid);
                }
            }
        }
        if done % 500 == 499 {
            progress(done + 1);
        }
    }
    progress(table.rows.len());
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|e| e.row);
        return Ok(report);
    }

    let mut new = Vec::new();
    let mut changed = Vec::new();
    for valid in &valid_rows {
        match stored.get(&U::key(valid)) {
            None => new.push(valid),
            Some(record) if U::unchanged(record, valid, &context) => report.unchanged += 1,
            Some(record) => changed.push((record, valid)),
        }
    }
    report.created = new.len();
    report.updated = changed.len();
    if options.dry_run {
        return Ok(report);
    }

    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let created_ids = U::insert_many(&txn, &new, now).await?;
    for (record, valid) in &changed {
        U::update(&txn, record, valid, now).await?;
    }
    let touched: Vec<(i32, &'static str)> = created_ids
        .iter()
        .map(|id| (*id, "create"))
        .chain(
            changed
                .iter()
                .map(|(record, _)| (U::stored_id(record), "update")),
        )
        .collect();
    let changes = U::changes(touched.iter().map(|(id, _)| *id).collect());
    let written = Written {
        entity: U::ENTITY,
        records: touched,
        detail: Some("upload".to_owned()),
        by: &options.audit,
        changes,
    };
    commit_write(txn, written).await?;
    Ok(report)
}
