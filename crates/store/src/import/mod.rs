//! Bulk upload of vacancies and at-risk staff from CSV or XLSX files: all or nothing.
//!
//! Every row is checked by the same rules as the JSON API (`VacancyDraft::check`,
//! `StaffDraft::check`) and every problem in the file is reported at once as
//! `{row, column, value, message}`. Nothing is written unless every row is good, and then all
//! of it is written in one transaction. Rows are matched to what is stored by trust and
//! vacancy reference (or staff number), so uploading the same file twice changes nothing.

pub mod run;
pub mod staff;
pub mod table;
pub mod vacancies;

use serde::Serialize;

use crate::audit::AuditActor;
use crate::error::FieldError;
use crate::staff::draft::CheckContext;
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
    /// What an upload by `actor` may do: their own trust's records (any trust's, for admin);
    /// rows without a Trust column belong to `trust`, or to the actor's own trust.
    pub fn for_actor(actor: &crate::Actor, dry_run: bool, trust: Option<String>) -> ImportOptions {
        ImportOptions {
            dry_run,
            default_trust: trust.or_else(|| actor.trust.clone()),
            allowed_trusts: actor.upload_trusts(),
            audit: actor.audit(),
        }
    }

    fn may_manage(&self, trust_id: i32) -> bool {
        self.allowed_trusts
            .as_ref()
            .is_none_or(|allowed| allowed.contains(&trust_id))
    }
}

/// What an upload did, or (with errors) why it did nothing.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
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

/// Reads the site cell (an id, site code or name of the row's trust), recording a problem when
/// no site matches.
pub(crate) fn site_cell(
    row: usize,
    cells: &[String],
    columns: &Columns,
    field: &str,
    context: &CheckContext<'_>,
    trust: Option<&str>,
    errors: &mut Vec<RowError>,
) -> Option<i64> {
    let text = columns.get(cells, field)?;
    let trust_id = trust
        .and_then(|code| context.catalogue.trust_by_code(code))
        .map(|t| t.id);
    match context.catalogue.find_site(trust_id, text) {
        Some(site) => Some(i64::from(site.id)),
        None => {
            errors.push(RowError {
                row,
                column: columns.header(field),
                value: text.to_owned(),
                message: "no site of this trust has this id, code or name; see GET /api/v1/trusts for the sites".to_owned(),
            });
            None
        }
    }
}

/// Adds the rules' problems to the cell problems, leaving out columns already reported.
pub(crate) fn merge_errors(
    row: usize,
    cells: &[String],
    columns: &Columns,
    mut cell_errors: Vec<RowError>,
    field_errors: Vec<crate::error::FieldError>,
) -> Vec<RowError> {
    let reported: Vec<String> = cell_errors.iter().map(|e| e.column.clone()).collect();
    cell_errors.extend(
        row_errors(row, cells, columns, field_errors).filter(|e| !reported.contains(&e.column)),
    );
    cell_errors
}

/// Reads a yes/no cell.
fn yes_no(
    row: usize,
    cells: &[String],
    columns: &Columns,
    field: &str,
    errors: &mut Vec<RowError>,
) -> Option<bool> {
    let text = columns.get(cells, field)?;
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => {
            errors.push(RowError {
                row,
                column: columns.header(field),
                value: text.to_owned(),
                message: "write yes or no".to_owned(),
            });
            None
        }
    }
}

impl crate::Store {
    /// Uploads a CSV or XLSX file of `U` records for `actor`, all or nothing; `what` names the
    /// upload in the refusal a role that may not upload is given.
    pub async fn upload<U: run::Upload>(
        &self,
        actor: &crate::Actor,
        file: &[u8],
        dry_run: bool,
        trust: Option<String>,
        what: &str,
    ) -> crate::Result<ImportReport> {
        actor.require_role(&[domain::Role::TrustHr, domain::Role::Admin], what)?;
        let table = table::read_table(file, self.settings().uploads.max_rows)
            .map_err(|e| crate::Error::UnreadableFile(e.to_string()))?;
        run::run::<U>(
            self,
            &table,
            &ImportOptions::for_actor(actor, dry_run, trust),
            &|_| {},
        )
        .await
    }
}
