//! At-risk staff and vacancies, and the small checked values they are made of.
//!
//! Each field is a type that can only hold a valid value (a [`Band`], an [`HoursRange`] whose
//! minimum is not above its maximum, a [`Wte`] between 0 and 1), so an `AtRiskStaff` or a
//! `Vacancy` that exists is valid, and nothing downstream checks it again.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::band::Band;
use crate::money::Money;
use crate::organisation::OdsCode;
use crate::postcode::Postcode;
use crate::skills::NormalisedSkill;
use crate::staff_group::{Registration, StaffGroup};
use crate::workflow::{CaseStatus, VacancyStatus};

/// Hours a week a full-time Agenda for Change post works.
pub const FULL_TIME_HOURS: f64 = 37.5;

/// A value was outside what the field allows; the message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

/// Contracted hours a week, more than 0 and at most 48 (the Working Time limit).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Hours(f64);

impl Hours {
    pub const MAX: f64 = 48.0;

    pub fn new(hours: f64) -> Result<Hours, ValueError> {
        if hours.is_finite() && hours > 0.0 && hours <= Hours::MAX {
            Ok(Hours(hours))
        } else {
            Err(ValueError(format!(
                "{hours} is not a number of hours a week: give more than 0 and at most 48 (full time is 37.5)"
            )))
        }
    }

    #[inline]
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Hours {
    type Error = ValueError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Hours::new(value)
    }
}

impl From<Hours> for f64 {
    fn from(h: Hours) -> f64 {
        h.0
    }
}

/// The hours a week a staff member will accept, `min ≤ max`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HoursRange {
    min: Hours,
    max: Hours,
}

impl HoursRange {
    pub fn new(min: Hours, max: Hours) -> Result<HoursRange, ValueError> {
        if min.get() <= max.get() {
            Ok(HoursRange { min, max })
        } else {
            Err(ValueError(format!(
                "the fewest hours ({}) are more than the most hours ({}): swap them or change one",
                min.get(),
                max.get()
            )))
        }
    }

    #[inline]
    pub fn min(self) -> Hours {
        self.min
    }

    #[inline]
    pub fn max(self) -> Hours {
        self.max
    }

    #[inline]
    pub fn contains(self, hours: Hours) -> bool {
        (self.min.get()..=self.max.get()).contains(&hours.get())
    }
}

/// Whole-time equivalent: the fraction of full time worked, more than 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Wte(f64);

impl Wte {
    pub const FULL_TIME: Wte = Wte(1.0);

    pub fn new(fraction: f64) -> Result<Wte, ValueError> {
        if fraction.is_finite() && fraction > 0.0 && fraction <= 1.0 {
            Ok(Wte(fraction))
        } else {
            Err(ValueError(format!(
                "{fraction} is not a whole-time equivalent: give a fraction above 0 and at most 1 (1.0 is full time, 0.6 is three days)"
            )))
        }
    }

    #[inline]
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Wte {
    type Error = ValueError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Wte::new(value)
    }
}

impl From<Wte> for f64 {
    fn from(w: Wte) -> f64 {
        w.0
    }
}

/// The longest a staff member will travel to work, in minutes: 1 to 240.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct TravelLimit(u32);

impl TravelLimit {
    pub const DEFAULT: TravelLimit = TravelLimit(60);

    pub fn new(minutes: u32) -> Result<TravelLimit, ValueError> {
        if (1..=240).contains(&minutes) {
            Ok(TravelLimit(minutes))
        } else {
            Err(ValueError(format!(
                "{minutes} minutes is not a travel limit: give from 1 to 240 minutes (60 is usual)"
            )))
        }
    }

    #[inline]
    pub fn minutes(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for TravelLimit {
    type Error = ValueError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        TravelLimit::new(value)
    }
}

impl From<TravelLimit> for u32 {
    fn from(t: TravelLimit) -> u32 {
        t.0
    }
}

/// Why a staff member is at risk, which sets how soon they are considered (1 first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum PriorityTier {
    /// 1: organisational change (redundancy).
    OrganisationalChange = 1,
    /// 2: health or capability.
    HealthOrCapability = 2,
    /// 3: the end of a fixed-term contract that is a redundancy.
    FixedTermRedundancy = 3,
    /// 4: any other reason.
    Other = 4,
}

impl PriorityTier {
    pub const ALL: [PriorityTier; 4] = [
        PriorityTier::OrganisationalChange,
        PriorityTier::HealthOrCapability,
        PriorityTier::FixedTermRedundancy,
        PriorityTier::Other,
    ];

    pub fn new(tier: u8) -> Result<PriorityTier, ValueError> {
        PriorityTier::ALL
            .into_iter()
            .find(|t| *t as u8 == tier)
            .ok_or_else(|| {
                ValueError(format!(
                    "{tier} is not a priority tier: use 1 (organisational change), 2 (health or capability), 3 (end of a fixed-term contract that is a redundancy) or 4 (other)"
                ))
            })
    }

    #[inline]
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            PriorityTier::OrganisationalChange => "Organisational change (redundancy)",
            PriorityTier::HealthOrCapability => "Health or capability",
            PriorityTier::FixedTermRedundancy => "End of a fixed-term contract (redundancy)",
            PriorityTier::Other => "Other",
        }
    }
}

impl TryFrom<u8> for PriorityTier {
    type Error = ValueError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        PriorityTier::new(value)
    }
}

impl From<PriorityTier> for u8 {
    fn from(t: PriorityTier) -> u8 {
        t.number()
    }
}

/// An email address: one `@`, something before it, a dotted domain after it, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<EmailAddress, ValueError> {
        let trimmed = text.trim();
        let valid = match trimmed.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && trimmed.len() <= 254
                    && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            // The domain part is case-insensitive; the local part is kept as typed.
            let (local, domain) = trimmed.split_once('@').unwrap_or((trimmed, ""));
            Ok(EmailAddress(format!(
                "{local}@{}",
                domain.to_ascii_lowercase()
            )))
        } else {
            Err(ValueError(format!(
                "\"{trimmed}\" is not an email address: write it like name@nhs.net"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

/// Parses a non-empty line of text of at most `max_chars` characters, tidying its spacing.
pub fn required_text(field: &str, text: &str, max_chars: usize) -> Result<String, ValueError> {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if tidy.is_empty() {
        Err(ValueError(format!("{field} is required")))
    } else if tidy.chars().count() > max_chars {
        Err(ValueError(format!(
            "{field} is too long: keep it to {max_chars} characters"
        )))
    } else {
        Ok(tidy)
    }
}

/// A staff member whose post is at risk, and what they will accept.
#[derive(Debug, Clone, PartialEq)]
pub struct AtRiskStaff {
    pub trust: OdsCode,
    /// The employer's staff (payroll) number, unique within the trust.
    pub staff_number: String,
    pub name: String,
    pub email: EmailAddress,
    pub band: Band,
    pub staff_group: StaffGroup,
    pub job_title: String,
    pub skills: Vec<NormalisedSkill>,
    pub registrations: Vec<Registration>,
    /// The code of the site they are based at now.
    pub base_site: String,
    pub home_postcode: Option<Postcode>,
    pub max_travel: TravelLimit,
    pub hours: HoursRange,
    /// Whether they agreed to be considered for posts at a lower band.
    pub lower_band_consent: bool,
    pub priority_tier: PriorityTier,
    pub redeployment_period_ends: NaiveDate,
    /// Actual annual salary, when known; otherwise the band's top point is assumed.
    pub salary: Option<Money>,
    pub wte: Wte,
    pub continuous_service_start: NaiveDate,
    pub date_of_birth: Option<NaiveDate>,
    pub status: CaseStatus,
    /// The early-retirement pension strain cost, when HR has entered it: counted in the
    /// redundancy cost a redeployment avoids (DESIGN §2) if the person is eligible.
    pub pension_strain: Option<Money>,
    /// How often they want the digest of new suitable vacancies.
    pub email_frequency: EmailFrequency,
}

crate::code_enum::code_enum! {
    /// How often a staff member wants the digest of new suitable vacancies by email. An exact
    /// match and a change to a case they take part in are sent at once whatever they choose.
    pub enum EmailFrequency {
        Daily => ("daily", "Once a day"),
        Weekly => ("weekly", "Once a week"),
        Off => ("off", "Never: I will look on the service"),
    }
}

/// A post a trust wants to fill.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub trust: OdsCode,
    /// The trust's own job reference, unique within the trust.
    pub reference: String,
    pub title: String,
    pub band: Band,
    pub staff_group: StaffGroup,
    /// The code of the site the post is at.
    pub site: String,
    pub hours: Hours,
    pub closing_date: NaiveDate,
    pub essential_skills: Vec<NormalisedSkill>,
    pub desirable_skills: Vec<NormalisedSkill>,
    pub registration_required: Option<Registration>,
    pub contact_email: EmailAddress,
    pub status: VacancyStatus,
    /// The day the vacancy was uploaded: its ring-fence for redeployees runs from here.
    pub posted_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_ranges_must_run_from_low_to_high() {
        let range = HoursRange::new(Hours::new(22.5).unwrap(), Hours::new(37.5).unwrap()).unwrap();
        assert!(range.contains(Hours::new(30.0).unwrap()));
        assert!(!range.contains(Hours::new(15.0).unwrap()));
        let err =
            HoursRange::new(Hours::new(37.5).unwrap(), Hours::new(20.0).unwrap()).unwrap_err();
        assert!(err.to_string().contains("swap"));
        assert!(Hours::new(0.0).is_err());
        assert!(Hours::new(60.0).is_err());
    }

    #[test]
    fn wte_is_a_fraction_of_full_time() {
        assert!(Wte::new(0.6).is_ok());
        assert!(Wte::new(1.0).is_ok());
        assert!(Wte::new(1.2).unwrap_err().to_string().contains("at most 1"));
        assert!(Wte::new(0.0).is_err());
    }

    #[test]
    fn priority_tiers_are_one_to_four() {
        assert_eq!(PriorityTier::new(1), Ok(PriorityTier::OrganisationalChange));
        assert!(PriorityTier::OrganisationalChange < PriorityTier::Other);
        assert!(
            PriorityTier::new(5)
                .unwrap_err()
                .to_string()
                .contains("1 (organisational change)")
        );
    }

    #[test]
    fn email_addresses_are_checked_and_their_domain_lower_cased() {
        assert_eq!(
            EmailAddress::parse(" A.Nurse@NHS.NET ").unwrap().as_str(),
            "A.Nurse@nhs.net"
        );
        for bad in [
            "",
            "nurse",
            "nurse@",
            "@nhs.net",
            "nurse@nhs",
            "a b@nhs.net",
            "a@b@nhs.net",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn required_text_tidies_spacing_and_names_the_field() {
        assert_eq!(
            required_text("name", "  Ada   Lovelace ", 50).unwrap(),
            "Ada Lovelace"
        );
        assert_eq!(
            required_text("name", "  ", 50).unwrap_err().to_string(),
            "name is required"
        );
        assert!(
            required_text("title", "abcdef", 3)
                .unwrap_err()
                .to_string()
                .contains("3 characters")
        );
    }
}
