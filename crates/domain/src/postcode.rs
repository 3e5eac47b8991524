//! UK postcodes.
//!
//! A [`Postcode`] is held in its normal form (upper case, one space before the inward code), so
//! that two spellings of the same postcode compare equal and its outward code (the postcode
//! district, `SE5` in `SE5 9RS`) can be read off without parsing again.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A full UK postcode in normal form, e.g. `SW1A 1AA`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// A postcode district (outward code), e.g. `SE5`, `EC1A`, `BR6`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostcodeDistrict(String);

/// The text given was not a UK postcode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" is not a full UK postcode: write it like SW1A 1AA or SE5 9RS (an area and district, then a digit and two letters)"
)]
pub struct PostcodeError {
    pub given: String,
}

/// The text given was not a postcode district.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{given}\" is not a postcode district: write it like SE5, EC1A or BR6")]
pub struct DistrictError {
    pub given: String,
}

/// Is `outward` shaped like an outward code: A9, A99, AA9, AA99, A9A, AA9A?
fn is_outward_code(outward: &[u8]) -> bool {
    let letters = outward
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &outward[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, e] => d.is_ascii_digit() && (e.is_ascii_digit() || e.is_ascii_uppercase()),
        _ => false,
    }
}

/// Is `inward` shaped like an inward code: 9AA (the letters C I K M O V never appear)?
fn is_inward_code(inward: &[u8]) -> bool {
    const NEVER_IN_INWARD: &[u8] = b"CIKMOV";
    matches!(inward, [d, a, b]
        if d.is_ascii_digit()
            && a.is_ascii_uppercase() && !NEVER_IN_INWARD.contains(a)
            && b.is_ascii_uppercase() && !NEVER_IN_INWARD.contains(b))
}

impl Postcode {
    /// Parses a postcode written with any case and spacing: `sw1a 1aa`, `EC1A1BB`.
    pub fn parse(text: &str) -> Result<Postcode, PostcodeError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let error = || PostcodeError {
            given: text.trim().to_owned(),
        };
        if compact.len() < 5 || compact.len() > 7 || !compact.is_ascii() {
            return Err(error());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if !is_outward_code(outward.as_bytes()) || !is_inward_code(inward.as_bytes()) {
            return Err(error());
        }
        Ok(Postcode(format!("{outward} {inward}")))
    }

    /// The postcode as written in its normal form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The postcode district (outward code): `SE5` for `SE5 9RS`.
    pub fn district(&self) -> PostcodeDistrict {
        let outward = self.0.split(' ').next().unwrap_or(&self.0);
        PostcodeDistrict(outward.to_owned())
    }

    /// The postcode area: the leading letters, `SE` for `SE5 9RS`.
    pub fn area(&self) -> &str {
        let letters = self
            .0
            .bytes()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        &self.0[..letters]
    }
}

impl PostcodeDistrict {
    /// Parses an outward code in any case: `se5`, `EC1A`.
    pub fn parse(text: &str) -> Result<PostcodeDistrict, DistrictError> {
        let upper = text.trim().to_ascii_uppercase();
        if upper.is_ascii() && is_outward_code(upper.as_bytes()) {
            Ok(PostcodeDistrict(upper))
        } else {
            Err(DistrictError {
                given: text.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The postcode area: the leading letters, `EC` for `EC1A`.
    pub fn area(&self) -> &str {
        let letters = self
            .0
            .bytes()
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        &self.0[..letters]
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for PostcodeDistrict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Postcode {
    type Error = PostcodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Postcode::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(postcode: Postcode) -> String {
        postcode.0
    }
}

impl TryFrom<String> for PostcodeDistrict {
    type Error = DistrictError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PostcodeDistrict::parse(&value)
    }
}

impl From<PostcodeDistrict> for String {
    fn from(district: PostcodeDistrict) -> String {
        district.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_postcodes_in_any_case_and_spacing_and_normalises_them() {
        assert_eq!(Postcode::parse("sw1a 1aa").unwrap().as_str(), "SW1A 1AA");
        assert_eq!(Postcode::parse("EC1A1BB").unwrap().as_str(), "EC1A 1BB");
        assert_eq!(Postcode::parse(" se5  9rs ").unwrap().as_str(), "SE5 9RS");
        assert_eq!(Postcode::parse("W2 1NY").unwrap().as_str(), "W2 1NY");
        assert_eq!(Postcode::parse("BR6 8ND").unwrap().as_str(), "BR6 8ND");
        assert_eq!(Postcode::parse("N1C 4AG").unwrap().as_str(), "N1C 4AG");
    }

    #[test]
    fn rejects_incomplete_or_malformed_postcodes_with_a_message_showing_the_form() {
        for bad in [
            "SW1A 1A",
            "SW1A",
            "",
            "12345",
            "SW1A 1AAA",
            "SE5 9RI",
            "ABC1 1AA",
            "SE5 9R5",
        ] {
            let err = Postcode::parse(bad).unwrap_err();
            assert!(err.to_string().contains("SW1A 1AA"), "{bad}: {err}");
        }
        assert!(
            Postcode::parse("SW1A 1A")
                .unwrap_err()
                .to_string()
                .contains("\"SW1A 1A\"")
        );
    }

    #[test]
    fn district_and_area_are_read_off_the_normal_form() {
        let postcode = Postcode::parse("ec1a1bb").unwrap();
        assert_eq!(postcode.district().as_str(), "EC1A");
        assert_eq!(postcode.area(), "EC");
        assert_eq!(Postcode::parse("E1 1FR").unwrap().district().as_str(), "E1");
        assert_eq!(PostcodeDistrict::parse("br6").unwrap().as_str(), "BR6");
        assert!(PostcodeDistrict::parse("BR6 8ND").is_err());
    }
}
