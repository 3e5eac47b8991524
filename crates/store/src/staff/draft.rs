//! A staff record as entered (JSON body, or later an upload row), and the checks that turn it
//! into a valid `domain::AtRiskStaff` or a list of every field that needs correcting.
//! One set of rules for every way staff records enter the service.

use chrono::NaiveDate;
use domain::people::HoursRange;
use domain::{
    AtRiskStaff, Band, CaseStatus, EmailAddress, Hours, Money, Postcode, PriorityTier,
    Registration, SkillVocabulary, StaffGroup, TravelLimit, Wte,
};
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::checks::{Checker, PlacedSkills, normalise_skills};
use crate::error::FieldError;
use crate::lenient;

/// Calls `$action!` with every field of [`StaffDraft`], so that code that must visit each field
/// lists them in one place.
macro_rules! with_staff_fields {
    ($action:ident) => {
        $action!(
            trust,
            staff_number,
            name,
            email,
            band,
            staff_group,
            job_title,
            skills,
            registrations,
            base_site,
            home_postcode,
            max_travel_minutes,
            hours_min,
            hours_max,
            lower_band_consent,
            priority_tier,
            redeployment_period_ends,
            salary,
            wte,
            continuous_service_start,
            date_of_birth,
            status,
            pension_strain,
            email_frequency
        )
    };
}

/// Every field of a staff record, each optional so that one check can report all that is
/// missing or wrong at once. Field names are the API's.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffDraft {
    #[serde(default, deserialize_with = "lenient::text")]
    pub trust: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub staff_number: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub band: Option<String>,
    pub staff_group: Option<String>,
    pub job_title: Option<String>,
    pub skills: Option<Vec<String>>,
    pub registrations: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient::integer")]
    #[schema(minimum = 1)]
    pub base_site: Option<i64>,
    pub home_postcode: Option<String>,
    #[serde(default, deserialize_with = "lenient::integer")]
    #[schema(minimum = 1, maximum = 240)]
    pub max_travel_minutes: Option<i64>,
    #[schema(exclusive_minimum = 0, maximum = 48)]
    pub hours_min: Option<f64>,
    #[schema(exclusive_minimum = 0, maximum = 48)]
    pub hours_max: Option<f64>,
    pub lower_band_consent: Option<bool>,
    #[serde(default, deserialize_with = "lenient::integer")]
    #[schema(minimum = 1, maximum = 4)]
    pub priority_tier: Option<i64>,
    pub redeployment_period_ends: Option<String>,
    #[schema(exclusive_minimum = 0, maximum = 300000)]
    pub salary: Option<f64>,
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub wte: Option<f64>,
    pub continuous_service_start: Option<String>,
    pub date_of_birth: Option<String>,
    pub status: Option<String>,
    /// The early-retirement pension strain cost in pounds, when the trust's HR team has it
    /// (counted in the savings of a redeployment if the person is 55 or over with 2 or more
    /// years' service, and at most the redundancy pay).
    #[schema(minimum = 0, maximum = 1000000)]
    pub pension_strain: Option<f64>,
    /// How often the person wants the digest of new suitable vacancies by email: `daily` (the
    /// default), `weekly` or `off`.
    pub email_frequency: Option<String>,
}

/// What the checks need to know beyond the draft.
#[derive(Debug)]
pub struct CheckContext<'a> {
    pub catalogue: &'a Catalogue,
    pub vocabulary: &'a SkillVocabulary,
    pub similarity_threshold: f64,
    /// Skills placed so far in this piece of work (an upload shares one across its rows).
    pub placed: &'a PlacedSkills,
    pub default_max_travel_minutes: u32,
    pub today: NaiveDate,
}

/// A staff record that passed every check, with the ids it refers to.
#[derive(Debug, Clone)]
pub struct ValidStaff {
    pub trust_id: i32,
    pub base_site_id: i32,
    pub staff: AtRiskStaff,
}

/// The largest salary the service accepts, in pounds (well above the top of band 9).
const MAX_SALARY: f64 = 300_000.0;

/// The largest pension strain cost the service accepts, in pounds.
const MAX_PENSION_STRAIN: f64 = 1_000_000.0;

impl StaffDraft {
    /// Puts `patch`'s given fields over this draft's.
    pub fn overlay(mut self, patch: StaffDraft) -> StaffDraft {
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        with_staff_fields!(take);
        self
    }

    /// The names of the fields this draft gives.
    pub fn given_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        macro_rules! given {
            ($($field:ident),*) => { $( if self.$field.is_some() { fields.push(stringify!($field)); } )* };
        }
        with_staff_fields!(given);
        fields
    }

    /// Checks every field, returning the valid record or every problem found.
    pub fn check(&self, context: &CheckContext<'_>) -> Result<ValidStaff, Vec<FieldError>> {
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
        let staff_number = c.text("staff_number", &self.staff_number, 32);
        let name = c.text("name", &self.name, 200);
        let email = c.required("email", &self.email).and_then(|e| {
            EmailAddress::parse(e)
                .map_err(|err| c.fail("email", err.to_string()))
                .ok()
        });
        let band = c.required("band", &self.band).and_then(|b| {
            Band::parse(b)
                .map_err(|err| c.fail("band", err.to_string()))
                .ok()
        });
        let staff_group = c.required("staff_group", &self.staff_group).and_then(|g| {
            StaffGroup::parse(g)
                .map_err(|err| c.fail("staff_group", err.to_string()))
                .ok()
        });
        let job_title = c.text("job_title", &self.job_title, 200);
        let skills = normalise_skills(
            "skills",
            self.skills.as_deref().unwrap_or_default(),
            context.vocabulary,
            context.similarity_threshold,
            context.placed,
        )
        .map_err(|e| c.errors.push(e))
        .unwrap_or_default();
        let mut registrations = Vec::new();
        for text in self.registrations.as_deref().unwrap_or_default() {
            match Registration::parse(text) {
                Ok(r) if !registrations.contains(&r) => registrations.push(r),
                Ok(_) => {}
                Err(e) => c.fail("registrations", e.to_string()),
            }
        }
        let site = match self.base_site {
            None => {
                c.fail(
                    "base_site",
                    "base site is required: give the id of a site from GET /api/v1/trusts",
                );
                None
            }
            Some(id) => {
                let found = i32::try_from(id)
                    .ok()
                    .and_then(|id| context.catalogue.site(id));
                match (found, trust) {
                    (None, _) => {
                        c.fail(
                            "base_site",
                            format!("there is no site with id {id}; see GET /api/v1/trusts"),
                        );
                        None
                    }
                    (Some(site), Some(trust)) if site.trust_id != trust.id => {
                        c.fail(
                            "base_site",
                            format!("site {id} ({}) is not a site of {}", site.name, trust.name),
                        );
                        None
                    }
                    (Some(site), _) => Some(site),
                }
            }
        };
        let home_postcode = match self
            .home_postcode
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(text) => Postcode::parse(text)
                .map_err(|e| c.fail("home_postcode", e.to_string()))
                .ok(),
            None => None,
        };
        let max_travel_minutes = self
            .max_travel_minutes
            .unwrap_or(i64::from(context.default_max_travel_minutes));
        let max_travel = u32::try_from(max_travel_minutes)
            .ok()
            .and_then(|m| TravelLimit::new(m).ok())
            .or_else(|| {
                c.fail("max_travel_minutes", format!("{max_travel_minutes} minutes is not a travel limit: give from 1 to 240 minutes (60 is usual)"));
                None
            });
        let (hours_min, hours_max) = match (self.hours_min, self.hours_max) {
            (None, None) => (
                domain::people::FULL_TIME_HOURS,
                domain::people::FULL_TIME_HOURS,
            ),
            (Some(min), None) => (min, domain::people::FULL_TIME_HOURS.max(min)),
            (None, Some(max)) => (max, max),
            (Some(min), Some(max)) => (min, max),
        };
        let min = Hours::new(hours_min)
            .map_err(|e| c.fail("hours_min", e.to_string()))
            .ok();
        let max = Hours::new(hours_max)
            .map_err(|e| c.fail("hours_max", e.to_string()))
            .ok();
        let hours = match (min, max) {
            (Some(min), Some(max)) => HoursRange::new(min, max)
                .map_err(|e| c.fail("hours_min", e.to_string()))
                .ok(),
            _ => None,
        };
        let priority_tier = u8::try_from(self.priority_tier.unwrap_or(1))
            .ok()
            .and_then(|t| PriorityTier::new(t).ok())
            .or_else(|| {
                c.fail("priority_tier", "use 1 (organisational change), 2 (health or capability), 3 (end of a fixed-term contract that is a redundancy) or 4 (other)");
                None
            });
        let period_ends = c.date(
            "redeployment_period_ends",
            &self.redeployment_period_ends,
            true,
        );
        let service_start = c.date(
            "continuous_service_start",
            &self.continuous_service_start,
            true,
        );
        if let Some(start) = service_start
            && start > context.today
        {
            c.fail(
                "continuous_service_start",
                "continuous service cannot start in the future",
            );
        }
        let date_of_birth = c.date("date_of_birth", &self.date_of_birth, false);
        if let Some(born) = date_of_birth {
            let age = domain::redundancy::completed_years(born, context.today);
            if !(15..=80).contains(&age) {
                c.fail(
                    "date_of_birth",
                    format!("{born} gives an age of {age}; check the year"),
                );
            }
        }
        let salary = match self.salary {
            None => None,
            Some(pounds) if pounds.is_finite() && pounds > 0.0 && pounds <= MAX_SALARY => {
                Some(Money::from_pounds_f64(pounds))
            }
            Some(pounds) => {
                c.fail("salary", format!("{pounds} is not an annual salary: give the whole-time-equivalent pounds a year, e.g. 42500"));
                None
            }
        };
        let email_frequency = match self.email_frequency.as_deref().map(str::trim) {
            None | Some("") => domain::EmailFrequency::Daily,
            Some(code) => domain::EmailFrequency::from_code(code).unwrap_or_else(|| {
                c.fail(
                    "email_frequency",
                    format!(
                        "\"{code}\" is not an email frequency: give one of {}",
                        domain::EmailFrequency::codes_list()
                    ),
                );
                domain::EmailFrequency::Daily
            }),
        };
        let pension_strain = match self.pension_strain {
            None => None,
            Some(pounds) if pounds.is_finite() && (0.0..=MAX_PENSION_STRAIN).contains(&pounds) => {
                Some(Money::from_pounds_f64(pounds))
            }
            Some(pounds) => {
                c.fail("pension_strain", format!("{pounds} is not a pension strain cost: give the pounds the pension scheme quoted, from 0 to {MAX_PENSION_STRAIN}"));
                None
            }
        };
        let wte = Wte::new(self.wte.unwrap_or(1.0))
            .map_err(|e| c.fail("wte", e.to_string()))
            .ok();
        let status = match self.status.as_deref() {
            None => Some(CaseStatus::Active),
            Some(code) => CaseStatus::from_code(code).or_else(|| {
                c.fail(
                    "status",
                    format!(
                        "\"{code}\" is not a case status; use one of {}",
                        CaseStatus::codes_list()
                    ),
                );
                None
            }),
        };

        match (
            trust,
            staff_number,
            name,
            email,
            band,
            staff_group,
            job_title,
            site,
            max_travel,
            hours,
            priority_tier,
            period_ends,
            service_start,
            wte,
            status,
        ) {
            (
                Some(trust),
                Some(staff_number),
                Some(name),
                Some(email),
                Some(band),
                Some(staff_group),
                Some(job_title),
                Some(site),
                Some(max_travel),
                Some(hours),
                Some(priority_tier),
                Some(period_ends),
                Some(service_start),
                Some(wte),
                Some(status),
            ) if c.errors.is_empty() => Ok(ValidStaff {
                trust_id: trust.id,
                base_site_id: site.id,
                staff: AtRiskStaff {
                    trust: domain::OdsCode::parse(&trust.ods_code)
                        .map_err(|e| vec![FieldError::new("trust", e.to_string())])?,
                    staff_number,
                    name,
                    email,
                    band,
                    staff_group,
                    job_title,
                    skills,
                    registrations,
                    base_site: site.site_code.clone(),
                    home_postcode,
                    max_travel,
                    hours,
                    lower_band_consent: self.lower_band_consent.unwrap_or(false),
                    priority_tier,
                    redeployment_period_ends: period_ends,
                    salary,
                    wte,
                    continuous_service_start: service_start,
                    date_of_birth,
                    status,
                    pension_strain,
                    email_frequency,
                },
            }),
            _ => Err(c.errors),
        }
    }
}
