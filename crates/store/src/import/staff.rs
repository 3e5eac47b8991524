//! Uploading at-risk staff: the columns a staff file may have (ESR exports and HR
//! spreadsheets) and how a row becomes a `StaffDraft`. The upload itself is `run::run`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::run::Upload;
use super::table::{ColumnSpec, Columns, RowError, split_list};
use super::{ImportOptions, merge_errors, number, site_cell, yes_no};
use crate::entities::staff;
use crate::staff::draft::{CheckContext, StaffDraft, ValidStaff};
use crate::staff::records::{self, StoredStaff};

const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        field: "trust",
        aliases: &["Trust", "Trust ODS code", "ODS code", "Organisation code"],
        required: false,
    },
    ColumnSpec {
        field: "staff_number",
        aliases: &[
            "Staff number",
            "Employee number",
            "Assignment number",
            "Payroll number",
        ],
        required: true,
    },
    ColumnSpec {
        field: "name",
        aliases: &["Name", "Full name", "Employee name"],
        required: true,
    },
    ColumnSpec {
        field: "email",
        aliases: &["Email", "Email address", "Work email"],
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
        field: "job_title",
        aliases: &["Job title", "Position title", "Post", "Role"],
        required: true,
    },
    ColumnSpec {
        field: "skills",
        aliases: &["Skills", "Competencies"],
        required: false,
    },
    ColumnSpec {
        field: "registrations",
        aliases: &["Registrations", "Professional registration", "Registration"],
        required: false,
    },
    ColumnSpec {
        field: "base_site",
        aliases: &["Base site", "Site", "Base", "Work location"],
        required: true,
    },
    ColumnSpec {
        field: "home_postcode",
        aliases: &["Home postcode", "Postcode"],
        required: false,
    },
    ColumnSpec {
        field: "max_travel_minutes",
        aliases: &["Max travel minutes", "Travel limit", "Max travel"],
        required: false,
    },
    ColumnSpec {
        field: "hours_min",
        aliases: &["Hours min", "Minimum hours", "Fewest hours"],
        required: false,
    },
    ColumnSpec {
        field: "hours_max",
        aliases: &[
            "Hours max",
            "Maximum hours",
            "Most hours",
            "Contracted hours",
        ],
        required: false,
    },
    ColumnSpec {
        field: "lower_band_consent",
        aliases: &[
            "Lower band consent",
            "Consents to lower band",
            "Would consider lower band",
        ],
        required: false,
    },
    ColumnSpec {
        field: "priority_tier",
        aliases: &["Priority tier", "Priority"],
        required: false,
    },
    ColumnSpec {
        field: "redeployment_period_ends",
        aliases: &[
            "Redeployment period ends",
            "Redeployment end date",
            "Period ends",
        ],
        required: true,
    },
    ColumnSpec {
        field: "salary",
        aliases: &["Salary", "Annual salary", "WTE salary"],
        required: false,
    },
    ColumnSpec {
        field: "wte",
        aliases: &["WTE", "FTE", "Whole time equivalent"],
        required: false,
    },
    ColumnSpec {
        field: "pension_strain",
        aliases: &["Pension strain", "Pension strain cost"],
        required: false,
    },
    ColumnSpec {
        field: "continuous_service_start",
        aliases: &[
            "Continuous service start",
            "Continuous service date",
            "NHS service start",
        ],
        required: true,
    },
    ColumnSpec {
        field: "date_of_birth",
        aliases: &["Date of birth", "DOB"],
        required: false,
    },
];

/// At-risk staff, as an upload sees them.
#[derive(Debug)]
pub struct Staff;

fn whole(value: Option<f64>) -> Option<i64> {
    value.map(|n| n.round() as i64)
}

/// Whether two checked records say the same thing, whatever order skills were listed in.
fn same_staff(a: &ValidStaff, b: &ValidStaff) -> bool {
    let sorted = |v: &ValidStaff| {
        let mut s = v.staff.clone();
        s.skills.sort_by_key(|k| k.key());
        s.registrations.sort();
        s
    };
    a.base_site_id == b.base_site_id && sorted(a) == sorted(b)
}

impl Upload for Staff {
    type Valid = ValidStaff;
    type Stored = StoredStaff;
    const ENTITY: &'static str = "staff";
    const COLUMNS: &'static [ColumnSpec] = COLUMNS;
    const EXAMPLE_HEADER: &'static str = "Staff number, Name, Email, Band, Staff group, Job title, Skills, Base site, Redeployment period ends, Continuous service start";
    const KEY_FIELD: &'static str = "staff_number";

    async fn load_stored(
        db: &DatabaseConnection,
        keys: Vec<String>,
    ) -> Result<HashMap<(i32, String), StoredStaff>, DbErr> {
        let mut rows = Vec::new();
        for chunk in keys.chunks(1000) {
            rows.extend(
                staff::Entity::find()
                    .filter(staff::Column::StaffNumber.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
        Ok(records::load_many(db, rows)
            .await?
            .into_iter()
            .map(|r| ((r.row.trust_id, r.row.staff_number.clone()), r))
            .collect())
    }

    fn check_row(
        row: usize,
        cells: &[String],
        columns: &Columns,
        context: &CheckContext<'_>,
        options: &ImportOptions,
        stored: &HashMap<(i32, String), StoredStaff>,
    ) -> Result<ValidStaff, Vec<RowError>> {
        let mut errors = Vec::new();
        let trust = columns
            .get(cells, "trust")
            .map(str::to_owned)
            .or_else(|| options.default_trust.clone());
        let base_site = site_cell(
            row,
            cells,
            columns,
            "base_site",
            context,
            trust.as_deref(),
            &mut errors,
        );
        let text = |field: &str| columns.get(cells, field).map(str::to_owned);
        let entered = StaffDraft {
            staff_number: text("staff_number"),
            name: text("name"),
            email: text("email"),
            band: text("band"),
            staff_group: text("staff_group"),
            job_title: text("job_title"),
            skills: Some(
                columns
                    .get(cells, "skills")
                    .map(split_list)
                    .unwrap_or_default(),
            ),
            registrations: Some(
                columns
                    .get(cells, "registrations")
                    .map(split_list)
                    .unwrap_or_default(),
            ),
            base_site,
            home_postcode: text("home_postcode"),
            max_travel_minutes: whole(number(
                row,
                cells,
                columns,
                "max_travel_minutes",
                &mut errors,
            )),
            hours_min: number(row, cells, columns, "hours_min", &mut errors),
            hours_max: number(row, cells, columns, "hours_max", &mut errors),
            lower_band_consent: yes_no(row, cells, columns, "lower_band_consent", &mut errors),
            priority_tier: whole(number(row, cells, columns, "priority_tier", &mut errors)),
            redeployment_period_ends: text("redeployment_period_ends"),
            salary: number(row, cells, columns, "salary", &mut errors),
            wte: number(row, cells, columns, "wte", &mut errors),
            continuous_service_start: text("continuous_service_start"),
            date_of_birth: text("date_of_birth"),
            status: None,
            pension_strain: number(row, cells, columns, "pension_strain", &mut errors),
            email_frequency: None,
            trust,
        };
        // A re-uploaded record keeps its case status, the email frequency the person chose,
        // and the pension strain HR entered unless the file gives one; the upload changes only
        // what it carries.
        let trust_id = entered
            .trust
            .as_deref()
            .and_then(|c| context.catalogue.trust_by_code(c))
            .map(|t| t.id);
        let key = entered
            .staff_number
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        let draft = match trust_id.and_then(|t| stored.get(&(t, key))) {
            Some(record) => {
                let mut merged = entered;
                merged.status = Some(record.row.status.clone());
                merged.email_frequency = Some(record.row.email_frequency.clone());
                if merged.pension_strain.is_none() {
                    merged.pension_strain =
                        record.row.pension_strain_pence.map(|p| p as f64 / 100.0);
                }
                merged
            }
            None => entered,
        };
        match draft.check(context) {
            Ok(valid) if errors.is_empty() => Ok(valid),
            Ok(_) => Err(errors),
            Err(field_errors) => Err(merge_errors(row, cells, columns, errors, field_errors)),
        }
    }

    fn key(valid: &ValidStaff) -> (i32, String) {
        (valid.trust_id, valid.staff.staff_number.clone())
    }

    fn unchanged(stored: &StoredStaff, valid: &ValidStaff, context: &CheckContext<'_>) -> bool {
        stored
            .to_draft(context.catalogue)
            .check(context)
            .is_ok_and(|as_stored| same_staff(&as_stored, valid))
    }

    fn changes(ids: Vec<i32>) -> crate::match_index::Changes {
        crate::match_index::Changes::staff(ids)
    }

    fn stored_id(stored: &StoredStaff) -> i32 {
        stored.row.id
    }

    async fn insert_many<C: ConnectionTrait>(
        db: &C,
        valids: &[&ValidStaff],
        now: DateTime<Utc>,
    ) -> Result<Vec<i32>, DbErr> {
        records::insert_many(db, valids, now).await
    }

    async fn update<C: ConnectionTrait>(
        db: &C,
        stored: &StoredStaff,
        valid: &ValidStaff,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        records::update(db, stored.row.clone(), valid, now)
            .await
            .map(|_| ())
    }
}
