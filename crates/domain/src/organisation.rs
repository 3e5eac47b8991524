//! NHS trusts, their sites, and the High Cost Area Supplement zone each site lies in.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code_enum::code_enum;
use crate::geo::Coordinates;
use crate::postcode::Postcode;

/// An NHS Organisation Data Service code: 3 characters for a trust (`RJ1`), 5 for a site
/// (`RJ122`). Stored upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" is not an ODS code: 3 to 5 letters and digits starting with a letter, like RJ1, R1H or G6V2S"
)]
pub struct OdsCodeError {
    pub given: String,
}

impl OdsCode {
    pub fn parse(text: &str) -> Result<OdsCode, OdsCodeError> {
        let upper = text.trim().to_ascii_uppercase();
        let valid = (3..=5).contains(&upper.len())
            && upper.bytes().all(|b| b.is_ascii_alphanumeric())
            && upper.as_bytes()[0].is_ascii_alphabetic();
        if valid {
            Ok(OdsCode(upper))
        } else {
            Err(OdsCodeError {
                given: text.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OdsCode {
    type Error = OdsCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OdsCode::parse(&value)
    }
}

impl From<OdsCode> for String {
    fn from(code: OdsCode) -> String {
        code.0
    }
}

code_enum! {
    /// The Agenda for Change High Cost Area Supplement zone a workplace lies in.
    pub enum HcasZone {
        InnerLondon => ("inner_london", "Inner London"),
        OuterLondon => ("outer_london", "Outer London"),
        Fringe => ("fringe", "Fringe"),
    }
}

code_enum! {
    /// What kind of services a trust provides.
    pub enum TrustKind {
        Acute => ("acute", "Acute"),
        MentalHealth => ("mental_health", "Mental health"),
        Community => ("community", "Community"),
        Ambulance => ("ambulance", "Ambulance"),
        Specialist => ("specialist", "Specialist"),
    }
}

/// An NHS trust in London.
#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    pub ods_code: OdsCode,
    pub name: String,
    pub kind: TrustKind,
    pub hcas_zone: HcasZone,
}

/// A place a trust employs people: a hospital, a headquarters, a clinic.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The trust the site belongs to.
    pub trust: OdsCode,
    /// The site's own code, unique across all trusts: its ODS site code where it has one.
    pub code: String,
    pub name: String,
    pub postcode: Postcode,
    pub position: Coordinates,
    pub hcas_zone: HcasZone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_codes_are_normalised_to_upper_case() {
        assert_eq!(OdsCode::parse(" rj1 ").unwrap().as_str(), "RJ1");
        assert_eq!(OdsCode::parse("RJ122").unwrap().as_str(), "RJ122");
        assert!(OdsCode::parse("R").is_err());
        assert!(OdsCode::parse("1AB").is_err());
        assert!(OdsCode::parse("RJ-1").is_err());
    }

    #[test]
    fn hcas_zones_read_from_their_codes() {
        assert_eq!(
            HcasZone::from_code("outer_london"),
            Some(HcasZone::OuterLondon)
        );
        assert_eq!(HcasZone::InnerLondon.to_string(), "Inner London");
        assert_eq!(HcasZone::from_code("london"), None);
    }
}
