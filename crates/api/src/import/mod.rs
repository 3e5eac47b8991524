//! Bulk upload of vacancies and at-risk staff from CSV or XLSX files: all or nothing.
//!
//! Every row is checked by the same rules as the JSON API (`VacancyDraft::check`,
//! `StaffDraft::check`) and every problem in the file is reported at once as
//! `{row, column, value, message}`. Nothing is written unless every row is good, and then all
//! of it is written in one transaction. Rows are matched to what is stored by trust and
//! vacancy reference (or staff number), so uploading the same file twice changes nothing.

pub mod table;
pub mod vacancies;

use serde::Serialize;

use crate::audit::AuditActor;
use crate::error::FieldError;
use table::{Columns, RowError};

/// Who is uploading and what they may touch.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Check everything and report what would happen, writing nothing.
    pub dry_run: bool,
    /// The trust (ODS code) of rows that do not name one.
    pub default_trust: Option<String>,
    /// The trusts whose records the uploader may change; `None` means any (admin, the CLI).
    pub allowed_trusts: Option<Vec<i32>>,
    pub audit: AuditActor,
}

impl ImportOptions {
    fn may_manage(&self, trust_id: i32) -> bool {
        self.allowed_trusts
            .as_ref()
            .is_none_or(|allowed| allowed.contains(&trust_id))
    }
}

/// What an upload did, or (with errors) why it did nothing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    /// Rows identical to what is stored.
    pub unchanged: usize,
    /// Columns the file has that the upload does not use.
    pub ignored_columns: Vec<String>,
    pub errors: Vec<RowError>,
}

/// Turns the field errors of one row's checks into row errors naming the file's columns.
fn row_errors(
    row: usize,
    cells: &[String],
    columns: &Columns,
    errors: Vec<FieldError>,
) -> impl Iterator<Item = RowError> {
    let columns = columns.clone();
    let cells = cells.to_vec();
    errors.into_iter().map(move |e| RowError {
        row,
        column: columns.header(&e.field),
        value: columns.get(&cells, &e.field).unwrap_or_default().to_owned(),
        message: e.message,
    })
}

/// Reads a number cell, recording a problem when it is not one.
fn number(
    row: usize,
    cells: &[String],
    columns: &Columns,
    field: &str,
    errors: &mut Vec<RowError>,
) -> Option<f64> {
    let text = columns.get(cells, field)?;
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '£' | ',' | ' '))
        .collect();
    match cleaned.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            errors.push(RowError {
                row,
                column: columns.header(field),
                value: text.to_owned(),
                message: "this should be a number".to_owned(),
            });
            None
        }
    }
}
