//! Uploading vacancies: the columns a vacancy file may have, turning each row into a
//! `VacancyDraft`, and writing the whole file in one transaction.

use std::collections::HashMap;

use chrono::Utc;
use domain::SkillVocabulary;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::table::{ColumnSpec, Columns, RowError, Table, split_list};
use super::{ImportOptions, ImportReport, number, row_errors};
use crate::audit;
use crate::catalogue::Catalogue;
use crate::config::Settings;
use crate::entities::vacancy;
use crate::error::AppError;
use crate::staff::draft::CheckContext;
use crate::vacancies::draft::{VacancyDraft, ValidVacancy};
use crate::vacancies::store;

/// The columns of a vacancy upload and the names they go by (NHS Jobs and Trac exports, and
/// the way people head their own spreadsheets).
pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        field: "trust",
        aliases: &["Trust", "Trust ODS code", "ODS code", "Organisation code"],
        required: false,
    },
    ColumnSpec {
        field: "reference",
        aliases: &[
            "Job reference",
            "Reference",
            "Vacancy reference",
            "Job ref",
            "Ref",
        ],
        required: true,
    },
    ColumnSpec {
        field: "title",
        aliases: &["Job title", "Title", "Post title", "Vacancy title"],
        required: true,
    },
    ColumnSpec {
        field: "band",
        aliases: &["Band", "Pay band", "AfC band", "Grade"],
        required: true,
    },
    ColumnSpec {
        field: "staff_group",
        aliases: &["Staff group", "ESR staff group"],
        required: true,
    },
    ColumnSpec {
        field: "site",
        aliases: &["Site", "Site id", "Site code", "Site name", "Location"],
        required: true,
    },
    ColumnSpec {
        field: "hours",
        aliases: &["Hours", "Hours per week", "Weekly hours", "WTE"],
        required: true,
    },
    ColumnSpec {
        field: "closing_date",
        aliases: &["Closing date", "Closes", "Closing"],
        required: true,
    },
    ColumnSpec {
        field: "essential_skills",
        aliases: &["Essential skills", "Essential criteria", "Essential"],
        required: true,
    },
    ColumnSpec {
        field: "desirable_skills",
        aliases: &["Desirable skills", "Desirable criteria", "Desirable"],
        required: false,
    },
    ColumnSpec {
        field: "registration_required",
        aliases: &[
            "Registration required",
            "Professional registration",
            "Registration",
        ],
        required: false,
    },
    ColumnSpec {
        field: "contact_email",
        aliases: &[
            "Contact email",
            "Recruiting manager email",
            "Contact",
            "Email",
        ],
        required: true,
    },
];

const EXAMPLE_HEADER: &str = "Job reference, Job title, Band, Staff group, Site, Hours, Closing date, Essential skills, Desirable skills, Registration required, Contact email";

/// Turns one row into a draft, recording problems that belong to a cell rather than a rule.
fn draft_of(
    row: usize,
    cells: &[String],
    columns: &Columns,
    catalogue: &Catalogue,
    options: &ImportOptions,
    errors: &mut Vec<RowError>,
) -> VacancyDraft {
    let trust = columns
        .get(cells, "trust")
        .map(str::to_owned)
        .or_else(|| options.default_trust.clone());
    let trust_id = trust
        .as_deref()
        .and_then(|code| catalogue.trust_by_code(code))
        .map(|t| t.id);
    let site = columns.get(cells, "site").and_then(|text| match catalogue.find_site(trust_id, text) {
        Some(site) => Some(i64::from(site.id)),
        None => {
            errors.push(RowError {
                row,
                column: columns.header("site"),
                value: text.to_owned(),
                message: "no site of this trust has this id, code or name; see GET /api/v1/trusts for the sites".to_owned(),
            });
            None
        }
    });
    // A WTE column holds a fraction of full time; hours are what the rules check.
    let hours = number(row, cells, columns, "hours", errors).map(|n| {
        if domain::fold(&columns.header("hours")) == "wte" && n <= 1.0 {
            n * domain::people::FULL_TIME_HOURS
        } else {
            n
        }
    });
    VacancyDraft {
        trust,
        reference: columns.get(cells, "reference").map(str::to_owned),
        title: columns.get(cells, "title").map(str::to_owned),
        band: columns.get(cells, "band").map(str::to_owned),
        staff_group: columns.get(cells, "staff_group").map(str::to_owned),
        site: site.or_else(|| columns.get(cells, "site").map(|_| -1)),
        hours,
        closing_date: columns.get(cells, "closing_date").map(str::to_owned),
        essential_skills: Some(
            columns
                .get(cells, "essential_skills")
                .map(split_list)
                .unwrap_or_default(),
        ),
        desirable_skills: Some(
            columns
                .get(cells, "desirable_skills")
                .map(split_list)
                .unwrap_or_default(),
        ),
        registration_required: columns
            .get(cells, "registration_required")
            .map(str::to_owned),
        contact_email: columns.get(cells, "contact_email").map(str::to_owned),
        status: None,
    }
}

/// Checks every row of `table` and, when all are good and this is not a dry run, writes them.
pub async fn import(
    db: &DatabaseConnection,
    settings: &Settings,
    vocabulary: &SkillVocabulary,
    table: &Table,
    options: &ImportOptions,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport {
        dry_run: options.dry_run,
        ..Default::default()
    };
    let columns = match Columns::find(&table.headers, COLUMNS, EXAMPLE_HEADER) {
        Ok(columns) => columns,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    report.ignored_columns = columns.ignored.clone();
    let catalogue = Catalogue::load(db).await?;
    let today = Utc::now().date_naive();
    let context = CheckContext {
        catalogue: &catalogue,
        vocabulary,
        similarity_threshold: settings.matching.skill_similarity_threshold,
        default_max_travel_minutes: settings.matching.default_max_travel_minutes,
        today,
    };

    // What is stored already, by trust and reference, so that a row updates it.
    let references: Vec<String> = table
        .rows
        .iter()
        .filter_map(|(_, cells)| columns.get(cells, "reference").map(str::to_owned))
        .collect();
    let mut stored: HashMap<(i32, String), vacancy::Model> = HashMap::new();
    for chunk in references.chunks(1000) {
        for row in vacancy::Entity::find()
            .filter(vacancy::Column::Reference.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            stored.insert((row.trust_id, row.reference.clone()), row);
        }
    }

    let mut first_seen: HashMap<(i32, String), usize> = HashMap::new();
    let mut valid_rows: Vec<(usize, ValidVacancy)> = Vec::new();
    for (done, (row, cells)) in table.rows.iter().enumerate() {
        let mut cell_errors = Vec::new();
        let draft = draft_of(*row, cells, &columns, &catalogue, options, &mut cell_errors);
        let reference = draft.reference.clone().unwrap_or_default();
        let trust_id = draft
            .trust
            .as_deref()
            .and_then(|c| catalogue.trust_by_code(c))
            .map(|t| t.id);
        let existing = trust_id.and_then(|t| stored.get(&(t, reference.trim().to_owned())));
        let posted_on = existing.map_or(today, |e| e.posted_on);
        match draft.check(&context, posted_on) {
            Ok(valid) => {
                let key = (valid.trust_id, valid.vacancy.reference.clone());
                if !options.may_manage(valid.trust_id) {
                    cell_errors.push(RowError {
                        row: *row,
                        column: columns.header("trust"),
                        value: valid.vacancy.trust.to_string(),
                        message: "you can upload vacancies only for your own trust".to_owned(),
                    });
                } else if let Some(first) = first_seen.get(&key) {
                    cell_errors.push(RowError {
                        row: *row,
                        column: columns.header("reference"),
                        value: key.1.clone(),
                        message: format!("this reference is already on row {first} of this file"),
                    });
                } else {
                    first_seen.insert(key, *row);
                    if cell_errors.is_empty() {
                        valid_rows.push((*row, valid));
                    }
                }
            }
            Err(field_errors) => {
                // A cell already reported (an unknown site) is not reported again by the rules.
                let reported: Vec<String> = cell_errors.iter().map(|e| e.column.clone()).collect();
                cell_errors.extend(
                    row_errors(*row, cells, &columns, field_errors)
                        .filter(|e| !reported.contains(&e.column)),
                );
            }
        }
        report.errors.extend(cell_errors);
        if done % 500 == 499 {
            progress(done + 1);
        }
    }
    progress(table.rows.len());
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|e| e.row);
        return Ok(report);
    }

    // Sort rows into new, changed and unchanged.
    let existing_rows: Vec<vacancy::Model> = valid_rows
        .iter()
        .filter_map(|(_, v)| {
            stored
                .get(&(v.trust_id, v.vacancy.reference.clone()))
                .cloned()
        })
        .collect();
    let existing: HashMap<i32, store::VacancyRecord> = store::load_many(db, existing_rows)
        .await?
        .into_iter()
        .map(|r| (r.row.id, r))
        .collect();
    let mut new = Vec::new();
    let mut changed = Vec::new();
    for (_, valid) in &valid_rows {
        match stored
            .get(&(valid.trust_id, valid.vacancy.reference.clone()))
            .and_then(|m| existing.get(&m.id))
        {
            None => new.push(valid),
            Some(record) => {
                let as_stored = record
                    .to_draft(&catalogue)
                    .check(&context, record.row.posted_on);
                if as_stored.is_ok_and(|s| same_vacancy(&s, valid)) {
                    report.unchanged += 1;
                } else {
                    changed.push((record.row.clone(), valid));
                }
            }
        }
    }
    report.created = new.len();
    report.updated = changed.len();
    if options.dry_run {
        return Ok(report);
    }

    let txn = db.begin().await?;
    let now = Utc::now();
    let created_ids = store::insert_many(&txn, &new, now).await?;
    for (row, valid) in &changed {
        store::update(&txn, row.clone(), valid, now).await?;
    }
    let touched = created_ids
        .iter()
        .map(|id| (*id, "create"))
        .chain(changed.iter().map(|(row, _)| (row.id, "update")));
    audit::record_many(&txn, &options.audit, "vacancy", touched, "upload").await?;
    txn.commit().await?;
    Ok(report)
}

/// Whether two checked vacancies say the same thing, whatever order their skills were listed in.
fn same_vacancy(a: &ValidVacancy, b: &ValidVacancy) -> bool {
    let sorted = |v: &ValidVacancy| {
        let mut v = v.vacancy.clone();
        v.essential_skills.sort_by_key(|s| s.key());
        v.desirable_skills.sort_by_key(|s| s.key());
        v
    };
    a.site_id == b.site_id && sorted(a) == sorted(b)
}
