//! Uploading vacancies: the columns a vacancy file may have and how a row becomes a
//! `VacancyDraft`. The upload itself is `run::run`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::ImportOptions;
use super::run::Upload;
use super::table::{ColumnSpec, Columns, RowError, split_list};
use super::{merge_errors, number, site_cell};
use crate::entities::vacancy;
use crate::staff::draft::CheckContext;
use crate::vacancies::draft::{VacancyDraft, ValidVacancy};
use crate::vacancies::records::{self, StoredVacancy};

/// The columns of a vacancy upload and the names they go by (NHS Jobs and Trac exports, and
/// the way people head their own spreadsheets).
const COLUMNS: &[ColumnSpec] = &[
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

/// Vacancies, as an upload sees them.
#[derive(Debug)]
pub struct Vacancies;

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

impl Upload for Vacancies {
    type Valid = ValidVacancy;
    type Stored = StoredVacancy;
    const ENTITY: &'static str = "vacancy";
    const COLUMNS: &'static [ColumnSpec] = COLUMNS;
    const EXAMPLE_HEADER: &'static str = "Job reference, Job title, Band, Staff group, Site, Hours, Closing date, Essential skills, Desirable skills, Registration required, Contact email";
    const KEY_FIELD: &'static str = "reference";

    async fn load_stored(
        db: &DatabaseConnection,
        keys: Vec<String>,
    ) -> Result<HashMap<(i32, String), StoredVacancy>, DbErr> {
        let mut rows = Vec::new();
        for chunk in keys.chunks(1000) {
            rows.extend(
                vacancy::Entity::find()
                    .filter(vacancy::Column::Reference.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
        Ok(records::load_many(db, rows)
            .await?
            .into_iter()
            .map(|r| ((r.row.trust_id, r.row.reference.clone()), r))
            .collect())
    }

    fn check_row(
        row: usize,
        cells: &[String],
        columns: &Columns,
        context: &CheckContext<'_>,
        options: &ImportOptions,
        stored: &HashMap<(i32, String), StoredVacancy>,
    ) -> Result<ValidVacancy, Vec<RowError>> {
        let mut errors = Vec::new();
        let trust = columns
            .get(cells, "trust")
            .map(str::to_owned)
            .or_else(|| options.default_trust.clone());
        let site = site_cell(
            row,
            cells,
            columns,
            "site",
            context,
            trust.as_deref(),
            &mut errors,
        );
        // A WTE column holds a fraction of full time; hours are what the rules check.
        let hours = number(row, cells, columns, "hours", &mut errors).map(|n| {
            if domain::fold(&columns.header("hours")) == "wte" && n <= 1.0 {
                n * domain::people::FULL_TIME_HOURS
            } else {
                n
            }
        });
        let draft = VacancyDraft {
            reference: columns.get(cells, "reference").map(str::to_owned),
            title: columns.get(cells, "title").map(str::to_owned),
            band: columns.get(cells, "band").map(str::to_owned),
            staff_group: columns.get(cells, "staff_group").map(str::to_owned),
            site,
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
            trust,
        };
        // An existing vacancy keeps the day it was first posted (its ring-fence runs from then).
        let trust_id = draft
            .trust
            .as_deref()
            .and_then(|c| context.catalogue.trust_by_code(c))
            .map(|t| t.id);
        let key = draft
            .reference
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let posted_on = trust_id
            .and_then(|t| stored.get(&(t, key)))
            .map_or(context.today, |r| r.row.posted_on);
        match draft.check(context, posted_on) {
            Ok(valid) if errors.is_empty() => Ok(valid),
            Ok(_) => Err(errors),
            Err(field_errors) => Err(merge_errors(row, cells, columns, errors, field_errors)),
        }
    }

    fn key(valid: &ValidVacancy) -> (i32, String) {
        (valid.trust_id, valid.vacancy.reference.clone())
    }

    fn unchanged(stored: &StoredVacancy, valid: &ValidVacancy, context: &CheckContext<'_>) -> bool {
        stored
            .to_draft(context.catalogue)
            .check(context, stored.row.posted_on)
            .is_ok_and(|as_stored| same_vacancy(&as_stored, valid))
    }

    fn changes(ids: Vec<i32>) -> crate::match_index::Changes {
        crate::match_index::Changes::vacancies(ids)
    }

    fn stored_id(stored: &StoredVacancy) -> i32 {
        stored.row.id
    }

    async fn insert_many<C: ConnectionTrait>(
        db: &C,
        valids: &[&ValidVacancy],
        now: DateTime<Utc>,
    ) -> Result<Vec<i32>, DbErr> {
        records::insert_many(db, valids, now).await
    }

    async fn update<C: ConnectionTrait>(
        db: &C,
        stored: &StoredVacancy,
        valid: &ValidVacancy,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        records::update(db, stored.row.clone(), valid, now).await
    }
}
