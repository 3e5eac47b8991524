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
    value.ok_or_else(|| Error::unreadable_row(table, id, format!("{column} \"{code}\" is not one")))
}

impl staff::Model {
    pub fn case_status(&self) -> Result<CaseStatus> {
        coded(
            "staff",
            self.id,
            "status",
            &self.status,
            CaseStatus::from_code(&self.status),
        )
    }

    pub fn band_value(&self) -> Result<Band> {
        parsed("staff", self.id, "band", Band::parse(&self.band))
    }

    pub fn staff_group_value(&self) -> Result<StaffGroup> {
        coded(
            "staff",
            self.id,
            "staff_group",
            &self.staff_group,
            StaffGroup::from_code(&self.staff_group),
        )
    }

    pub fn priority_tier_value(&self) -> Result<PriorityTier> {
        let tier = u8::try_from(self.priority_tier).map_err(|e| e.to_string());
        parsed(
            "staff",
            self.id,
            "priority_tier",
            tier.and_then(|t| PriorityTier::new(t).map_err(|e| e.to_string())),
        )
    }

    pub fn max_travel(&self) -> Result<TravelLimit> {
        let minutes = u32::try_from(self.max_travel_minutes).map_err(|e| e.to_string());
        parsed(
            "staff",
            self.id,
            "max_travel_minutes",
            minutes.and_then(|m| TravelLimit::new(m).map_err(|e| e.to_string())),
        )
    }

    pub fn hours_range(&self) -> Result<HoursRange> {
        let range = Hours::new(self.hours_min)
            .and_then(|min| Hours::new(self.hours_max).map(|max| (min, max)))
            .and_then(|(min, max)| HoursRange::new(min, max));
        parsed("staff", self.id, "hours_min, hours_max", range)
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
