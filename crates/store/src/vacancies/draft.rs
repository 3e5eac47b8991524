//! A vacancy as entered (JSON body, or an upload row), and the checks that turn it into a valid
//! `domain::Vacancy` or a list of every field that needs correcting.

use chrono::NaiveDate;
use domain::{Band, EmailAddress, Hours, Registration, StaffGroup, Vacancy, VacancyStatus};
use serde::Deserialize;

use crate::checks::{Checker, normalise_skills};
use crate::lenient;
use crate::staff::draft::CheckContext;

/// Every field of a vacancy, each optional so that one check reports everything at once.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VacancyDraft {
    #[serde(default, deserialize_with = "lenient::text")]
    pub trust: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub reference: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub band: Option<String>,
    pub staff_group: Option<String>,
    #[serde(default, deserialize_with = "lenient::integer")]
    #[schema(minimum = 1)]
    pub site: Option<i64>,
    #[schema(exclusive_minimum = 0, maximum = 48)]
    pub hours: Option<f64>,
    pub closing_date: Option<String>,
    pub essential_skills: Option<Vec<String>>,
    pub desirable_skills: Option<Vec<String>>,
    pub registration_required: Option<String>,
    pub contact_email: Option<String>,
    pub status: Option<String>,
}

/// A vacancy that passed every check, with the ids it refers to.
#[derive(Debug, Clone)]
pub struct ValidVacancy {
    pub trust_id: i32,
    pub site_id: i32,
    pub vacancy: Vacancy,
}

impl VacancyDraft {
    /// Puts `patch`'s given fields over this draft's.
    pub fn overlay(mut self, patch: VacancyDraft) -> VacancyDraft {
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        take!(
            trust,
            reference,
            title,
            band,
            staff_group,
            site,
            hours,
            closing_date,
            essential_skills,
            desirable_skills,
            registration_required,
            contact_email,
            status
        );
        self
    }

    /// Checks every field. `posted_on` is the day the vacancy was first uploaded.
    pub fn check(
        &self,
        context: &CheckContext<'_>,
        posted_on: NaiveDate,
    ) -> Result<ValidVacancy, Vec<crate::error::FieldError>> {
        let mut c = Checker::default();
        let trust = c.required("trust", &self.trust).and_then(|code| {
            let found = context.catalogue.trust_by_code(code);
            if found.is_none() {
                c.fail(
                    "trust",
                    format!("no London trust has the ODS code \"{code}\""),
                );
            }
            found
        });
        let reference = c.text("reference", &self.reference, 64);
        let title = c.text("title", &self.title, 200);
        let band = c
            .required("band", &self.band)
            .and_then(|b| match Band::parse(b) {
                Ok(band) if !band.open_to_new_entrants() => {
                    c.fail(
                        "band",
                        "band 1 is closed to new entrants: advertise the post at band 2 or above",
                    );
                    None
                }
                Ok(band) => Some(band),
                Err(e) => {
                    c.fail("band", e.to_string());
                    None
                }
            });
        let staff_group = c.required("staff_group", &self.staff_group).and_then(|g| {
            StaffGroup::parse(g)
                .map_err(|e| c.fail("staff_group", e.to_string()))
                .ok()
        });
        let site = match self.site {
            None => {
                c.fail(
                    "site",
                    "site is required: give the id of a site from GET /api/v1/trusts",
                );
                None
            }
            Some(id) => match (
                i32::try_from(id)
                    .ok()
                    .and_then(|id| context.catalogue.site(id)),
                trust,
            ) {
                (None, _) => {
                    c.fail(
                        "site",
                        format!("there is no site with id {id}; see GET /api/v1/trusts"),
                    );
                    None
                }
                (Some(site), Some(trust)) if site.trust_id != trust.id => {
                    c.fail(
                        "site",
                        format!("site {id} ({}) is not a site of {}", site.name, trust.name),
                    );
                    None
                }
                (Some(site), _) => Some(site),
            },
        };
        let hours = match self.hours {
            None => {
                c.fail(
                    "hours",
                    "hours is required: give the hours a week, 37.5 for full time",
                );
                None
            }
            Some(h) => Hours::new(h)
                .map_err(|e| c.fail("hours", e.to_string()))
                .ok(),
        };
        let closing_date = c.date("closing_date", &self.closing_date, true);
        let essential = normalise_skills(
            "essential_skills",
            self.essential_skills.as_deref().unwrap_or_default(),
            context.vocabulary,
            context.similarity_threshold,
            context.placed,
        )
        .map_err(|e| c.errors.push(e))
        .unwrap_or_default();
        if essential.is_empty() && self.essential_skills.as_ref().is_none_or(|s| s.is_empty()) {
            c.fail(
                "essential_skills",
                "list at least one essential skill from the person specification",
            );
        }
        let desirable = normalise_skills(
            "desirable_skills",
            self.desirable_skills.as_deref().unwrap_or_default(),
            context.vocabulary,
            context.similarity_threshold,
            context.placed,
        )
        .map_err(|e| c.errors.push(e))
        .unwrap_or_default();
        // A skill that is essential is not also desirable.
        let desirable: Vec<_> = desirable
            .into_iter()
            .filter(|d| !essential.iter().any(|e| e.key() == d.key()))
            .collect();
        let registration_required = match self
            .registration_required
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            Some(text) => Registration::parse(text)
                .map_err(|e| c.fail("registration_required", e.to_string()))
                .ok(),
            None => None,
        };
        let contact_email = c
            .required("contact_email", &self.contact_email)
            .and_then(|e| {
                EmailAddress::parse(e)
                    .map_err(|err| c.fail("contact_email", err.to_string()))
                    .ok()
            });
        let status = match self.status.as_deref() {
            None => Some(VacancyStatus::Open),
            Some(code) => VacancyStatus::from_code(code).or_else(|| {
                c.fail(
                    "status",
                    format!(
                        "\"{code}\" is not a vacancy status; use one of {}",
                        VacancyStatus::codes_list()
                    ),
                );
                None
            }),
        };
        if let (Some(closing), Some(VacancyStatus::Open)) = (closing_date, status)
            && closing < context.today
        {
            c.fail(
                "closing_date",
                "this closing date has passed: give today or a later date, or mark the vacancy filled or withdrawn",
            );
        }
        match (
            trust,
            reference,
            title,
            band,
            staff_group,
            site,
            hours,
            closing_date,
            contact_email,
            status,
        ) {
            (
                Some(trust),
                Some(reference),
                Some(title),
                Some(band),
                Some(staff_group),
                Some(site),
                Some(hours),
                Some(closing_date),
                Some(contact_email),
                Some(status),
            ) if c.errors.is_empty() => Ok(ValidVacancy {
                trust_id: trust.id,
                site_id: site.id,
                vacancy: Vacancy {
                    trust: domain::OdsCode::parse(&trust.ods_code)
                        .map_err(|e| vec![crate::error::FieldError::new("trust", e.to_string())])?,
                    reference,
                    title,
                    band,
                    staff_group,
                    site: site.site_code.clone(),
                    hours,
                    closing_date,
                    essential_skills: essential,
                    desirable_skills: desirable,
                    registration_required,
                    contact_email,
                    status,
                    posted_on,
                },
            }),
            _ => Err(c.errors),
        }
    }
}
