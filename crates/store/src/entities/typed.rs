//! Stored rows as domain values, in one place. Coded columns (statuses, bands, roles,
//! registrations) are read here and nowhere else, under one failure policy: a value the domain
//! does not accept is an [`Error::UnreadableRow`] naming the table and the row, never a
//! silent default (an `active` case, an `open` vacancy, no registration, id 0).

use domain::{
    Band, CaseStatus, Hours, HoursRange, MatchStatus, PriorityTier, Registration, Role, StaffGroup,
    TravelLimit, VacancyStatus,
};

use super::{match_record, staff, staff_registration, user, vacancy};
use crate::error::{Error, Result};

fn parsed<T, E: ToString>(
    table: &'static str,
    id: i32,
    column: &str,
    value: Result<T, E>,
) -> Result<T> {
    value.map_err(|e| Error::unreadable_row(table, id, format!("{column}: {}", e.to_string())))
}

fn coded<T>(table: &'static str, id: i32, column: &str, code: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| {
        Error::unreadable_row(
            table,
            id,
            format!("{column} \"{code}\" is not a value the service knows"),
        )
    })
}

impl staff::Model {
    pub fn case_status(&self) -> Result<CaseStatus> {
        coded(
            "at_risk_staff",
            self.id,
            "status",
            &self.status,
            CaseStatus::from_code(&self.status),
        )
    }

    pub fn band_value(&self) -> Result<Band> {
        parsed("at_risk_staff", self.id, "band", Band::parse(&self.band))
    }

    pub fn staff_group_value(&self) -> Result<StaffGroup> {
        coded(
            "at_risk_staff",
            self.id,
            "staff_group",
            &self.staff_group,
            StaffGroup::from_code(&self.staff_group),
        )
    }

    pub fn priority_tier_value(&self) -> Result<PriorityTier> {
        let tier = u8::try_from(self.priority_tier).map_err(|e| e.to_string());
        parsed(
            "at_risk_staff",
            self.id,
            "priority_tier",
            tier.and_then(|t| PriorityTier::new(t).map_err(|e| e.to_string())),
        )
    }

    pub fn max_travel(&self) -> Result<TravelLimit> {
        let minutes = u32::try_from(self.max_travel_minutes).map_err(|e| e.to_string());
        parsed(
            "at_risk_staff",
            self.id,
            "max_travel_minutes",
            minutes.and_then(|m| TravelLimit::new(m).map_err(|e| e.to_string())),
        )
    }

    pub fn hours_range(&self) -> Result<HoursRange> {
        let range = Hours::new(self.hours_min)
            .and_then(|min| Hours::new(self.hours_max).map(|max| (min, max)))
            .and_then(|(min, max)| HoursRange::new(min, max));
        parsed("at_risk_staff", self.id, "hours_min, hours_max", range)
    }
}

impl staff_registration::Model {
    pub fn registration_value(&self) -> Result<Registration> {
        coded(
            "staff_registrations",
            self.staff_id,
            "registration",
            &self.registration,
            Registration::from_code(&self.registration),
        )
    }
}

impl vacancy::Model {
    pub fn vacancy_status(&self) -> Result<VacancyStatus> {
        coded(
            "vacancies",
            self.id,
            "status",
            &self.status,
            VacancyStatus::from_code(&self.status),
        )
    }

    pub fn band_value(&self) -> Result<Band> {
        parsed("vacancies", self.id, "band", Band::parse(&self.band))
    }

    pub fn staff_group_value(&self) -> Result<StaffGroup> {
        coded(
            "vacancies",
            self.id,
            "staff_group",
            &self.staff_group,
            StaffGroup::from_code(&self.staff_group),
        )
    }

    pub fn registration_required_value(&self) -> Result<Option<Registration>> {
        self.registration_required
            .as_deref()
            .map(|code| {
                coded(
                    "vacancies",
                    self.id,
                    "registration_required",
                    code,
                    Registration::from_code(code),
                )
            })
            .transpose()
    }

    pub fn hours_value(&self) -> Result<Hours> {
        parsed("vacancies", self.id, "hours", Hours::new(self.hours))
    }
}

impl match_record::Model {
    pub fn match_status(&self) -> Result<MatchStatus> {
        coded(
            "matches",
            self.id,
            "status",
            &self.status,
            MatchStatus::from_code(&self.status),
        )
    }
}

impl user::Model {
    pub fn role_value(&self) -> Result<Role> {
        coded(
            "users",
            self.id,
            "role",
            &self.role,
            Role::from_code(&self.role),
        )
    }
}

/// A stored staff record as the domain sees it, with the ids it refers to.
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub id: i32,
    pub trust_id: i32,
    pub base_site_id: i32,
    pub staff: domain::AtRiskStaff,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A stored vacancy as the domain sees it, with the ids it refers to.
#[derive(Debug, Clone)]
pub struct VacancyRecord {
    pub id: i32,
    pub trust_id: i32,
    pub site_id: i32,
    pub vacancy: domain::Vacancy,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A held or wanted skill as stored: what was typed, how it was recognised, and the skill.
fn normalised(
    table: &'static str,
    owner: i32,
    entered: &str,
    match_kind: &str,
    confidence: f64,
    skill: &super::skill::Model,
) -> Result<domain::NormalisedSkill> {
    let kind = match match_kind {
        "exact" => domain::SkillMatchKind::Exact,
        "similar" => domain::SkillMatchKind::Similar,
        "custom" => domain::SkillMatchKind::Custom,
        other => {
            return Err(Error::unreadable_row(
                table,
                owner,
                format!("match_kind \"{other}\" is not a value the service knows"),
            ));
        }
    };
    Ok(domain::NormalisedSkill {
        entered: entered.to_owned(),
        skill: skill.name.clone(),
        kind,
        confidence,
    })
}

fn trust_code(
    table: &'static str,
    id: i32,
    trust_id: i32,
    catalogue: &crate::Catalogue,
) -> Result<domain::OdsCode> {
    let code = catalogue
        .trust(trust_id)
        .map(|t| t.ods_code.clone())
        .ok_or_else(|| {
            Error::unreadable_row(table, id, format!("trust {trust_id} is not stored"))
        })?;
    parsed(table, id, "trust", domain::OdsCode::parse(&code))
}

fn site_code(
    table: &'static str,
    id: i32,
    site_id: i32,
    catalogue: &crate::Catalogue,
) -> Result<String> {
    catalogue
        .site(site_id)
        .map(|s| s.site_code.clone())
        .ok_or_else(|| Error::unreadable_row(table, id, format!("site {site_id} is not stored")))
}

impl crate::staff::records::StoredStaff {
    /// The stored record as a domain value; a column the domain does not accept is an error
    /// naming the row.
    pub fn to_record(&self, catalogue: &crate::Catalogue) -> Result<StaffRecord> {
        let r = &self.row;
        let table = "at_risk_staff";
        let skills = self
            .skills
            .iter()
            .map(|(held, skill)| {
                normalised(
                    "staff_skills",
                    r.id,
                    &held.entered,
                    &held.match_kind,
                    held.confidence,
                    skill,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let registrations = self
            .registrations
            .iter()
            .map(|code| {
                coded(
                    table,
                    r.id,
                    "registration",
                    code,
                    Registration::from_code(code),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let staff = domain::AtRiskStaff {
            trust: trust_code(table, r.id, r.trust_id, catalogue)?,
            staff_number: r.staff_number.clone(),
            name: r.name.clone(),
            email: parsed(table, r.id, "email", domain::EmailAddress::parse(&r.email))?,
            band: r.band_value()?,
            staff_group: r.staff_group_value()?,
            job_title: r.job_title.clone(),
            skills,
            registrations,
            base_site: site_code(table, r.id, r.base_site_id, catalogue)?,
            home_postcode: r
                .home_postcode
                .as_deref()
                .map(|p| parsed(table, r.id, "home_postcode", domain::Postcode::parse(p)))
                .transpose()?,
            max_travel: r.max_travel()?,
            hours: r.hours_range()?,
            lower_band_consent: r.lower_band_consent,
            priority_tier: r.priority_tier_value()?,
            redeployment_period_ends: r.redeployment_period_ends,
            salary: r.salary_pence.map(domain::Money::from_pence),
            wte: parsed(table, r.id, "wte", domain::Wte::new(r.wte))?,
            continuous_service_start: r.continuous_service_start,
            date_of_birth: r.date_of_birth,
            status: r.case_status()?,
            pension_strain: r.pension_strain_pence.map(domain::Money::from_pence),
            email_frequency: domain::EmailFrequency::from_code(&r.email_frequency).ok_or_else(
                || Error::unreadable_row("at_risk_staff", r.id, "unknown email frequency"),
            )?,
        };
        Ok(StaffRecord {
            id: r.id,
            trust_id: r.trust_id,
            base_site_id: r.base_site_id,
            staff,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl crate::vacancies::records::StoredVacancy {
    /// The stored vacancy as a domain value; a column the domain does not accept is an error
    /// naming the row.
    pub fn to_record(&self, catalogue: &crate::Catalogue) -> Result<VacancyRecord> {
        let r = &self.row;
        let table = "vacancies";
        let (mut essential, mut desirable) = (Vec::new(), Vec::new());
        for (wanted, skill) in &self.skills {
            let skill = normalised(
                "vacancy_skills",
                r.id,
                &wanted.entered,
                &wanted.match_kind,
                wanted.confidence,
                skill,
            )?;
            if wanted.essential {
                essential.push(skill);
            } else {
                desirable.push(skill);
            }
        }
        let vacancy = domain::Vacancy {
            trust: trust_code(table, r.id, r.trust_id, catalogue)?,
            reference: r.reference.clone(),
            title: r.title.clone(),
            band: r.band_value()?,
            staff_group: r.staff_group_value()?,
            site: site_code(table, r.id, r.site_id, catalogue)?,
            hours: r.hours_value()?,
            closing_date: r.closing_date,
            essential_skills: essential,
            desirable_skills: desirable,
            registration_required: r.registration_required_value()?,
            contact_email: parsed(
                table,
                r.id,
                "contact_email",
                domain::EmailAddress::parse(&r.contact_email),
            )?,
            status: r.vacancy_status()?,
            posted_on: r.posted_on,
        };
        Ok(VacancyRecord {
            id: r.id,
            trust_id: r.trust_id,
            site_id: r.site_id,
            vacancy,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A staff record as a list shows it: the row's own columns, without its skills, so that a
/// page of the list is one query.
#[derive(Debug, Clone)]
pub struct StaffListed {
    pub id: i32,
    pub trust: domain::OdsCode,
    pub staff_number: String,
    pub name: String,
    pub band: Band,
    pub staff_group: StaffGroup,
    pub job_title: String,
    pub status: CaseStatus,
    pub redeployment_period_ends: chrono::NaiveDate,
}

/// A vacancy as a list shows it: the row's own columns, without its skills.
#[derive(Debug, Clone)]
pub struct VacancyListed {
    pub id: i32,
    pub trust: domain::OdsCode,
    pub site_id: i32,
    pub reference: String,
    pub title: String,
    pub band: Band,
    pub staff_group: StaffGroup,
    pub hours: Hours,
    pub closing_date: chrono::NaiveDate,
    pub status: VacancyStatus,
}

impl staff::Model {
    /// The row as a list shows it.
    pub fn listed(&self, catalogue: &crate::Catalogue) -> Result<StaffListed> {
        Ok(StaffListed {
            id: self.id,
            trust: trust_code("at_risk_staff", self.id, self.trust_id, catalogue)?,
            staff_number: self.staff_number.clone(),
            name: self.name.clone(),
            band: self.band_value()?,
            staff_group: self.staff_group_value()?,
            job_title: self.job_title.clone(),
            status: self.case_status()?,
            redeployment_period_ends: self.redeployment_period_ends,
        })
    }
}

impl vacancy::Model {
    /// The row as a list shows it.
    pub fn listed(&self, catalogue: &crate::Catalogue) -> Result<VacancyListed> {
        Ok(VacancyListed {
            id: self.id,
            trust: trust_code("vacancies", self.id, self.trust_id, catalogue)?,
            site_id: self.site_id,
            reference: self.reference.clone(),
            title: self.title.clone(),
            band: self.band_value()?,
            staff_group: self.staff_group_value()?,
            hours: self.hours_value()?,
            closing_date: self.closing_date,
            status: self.vacancy_status()?,
        })
    }
}
