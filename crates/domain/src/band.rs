//! Agenda for Change pay bands.
//!
//! A [`Band`] can only be built from one of the twelve real bands, so code that holds one never
//! checks it again. Bands are totally ordered (`Band::B1 < Band::B8a < Band::B9`) and can say how
//! many steps one lies below another, which the band-drop rule and the band-fit score both need.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the Agenda for Change bands `1 2 3 4 5 6 7 8a 8b 8c 8d 9`, in ascending order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Band {
    B1,
    B2,
    B3,
    B4,
    B5,
    B6,
    B7,
    B8a,
    B8b,
    B8c,
    B8d,
    B9,
}

/// The text given was not an Agenda for Change band.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" is not an Agenda for Change band; use one of {}",
    Band::VALID_LIST
)]
pub struct BandError {
    pub given: String,
}

impl Band {
    /// Every band, lowest first.
    pub const ALL: [Band; 12] = [
        Band::B1,
        Band::B2,
        Band::B3,
        Band::B4,
        Band::B5,
        Band::B6,
        Band::B7,
        Band::B8a,
        Band::B8b,
        Band::B8c,
        Band::B8d,
        Band::B9,
    ];

    /// The valid bands as a person would read them in an error message.
    pub const VALID_LIST: &'static str = "1, 2, 3, 4, 5, 6, 7, 8a, 8b, 8c, 8d, 9";

    /// Parses `"Band 6"`, `"6"`, `"8A"`, `"band 8a"` and the like; anything else is an error
    /// whose message lists the valid bands.
    pub fn parse(text: &str) -> Result<Band, BandError> {
        let folded = text.trim().to_ascii_lowercase();
        let code = folded
            .strip_prefix("band")
            .map(str::trim_start)
            .unwrap_or(&folded);
        Band::from_code(code).ok_or_else(|| BandError {
            given: text.trim().to_owned(),
        })
    }

    fn from_code(code: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|band| band.code() == code)
    }

    /// The short code stored and shown: `"6"`, `"8a"`.
    pub fn code(self) -> &'static str {
        match self {
            Band::B1 => "1",
            Band::B2 => "2",
            Band::B3 => "3",
            Band::B4 => "4",
            Band::B5 => "5",
            Band::B6 => "6",
            Band::B7 => "7",
            Band::B8a => "8a",
            Band::B8b => "8b",
            Band::B8c => "8c",
            Band::B8d => "8d",
            Band::B9 => "9",
        }
    }

    /// Position in the ordering, 0 for band 1 up to 11 for band 9. Stored beside the code so
    /// that the database can compare bands without knowing their names.
    #[inline]
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The band at a rank, if there is one.
    pub fn from_rank(rank: u8) -> Option<Band> {
        Band::ALL.get(usize::from(rank)).copied()
    }

    /// How many bands `self` lies below `other` (0 when it is the same or higher).
    #[inline]
    pub fn steps_below(self, other: Band) -> u8 {
        other.rank().saturating_sub(self.rank())
    }

    /// Band 1 is closed to new entrants: no vacancy may be advertised at it.
    pub fn open_to_new_entrants(self) -> bool {
        self != Band::B1
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Band {}", self.code())
    }
}

impl FromStr for Band {
    type Err = BandError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Band::parse(s)
    }
}

impl TryFrom<String> for Band {
    type Error = BandError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Band::parse(&value)
    }
}

impl From<Band> for String {
    fn from(band: Band) -> String {
        band.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_people_write_bands() {
        assert_eq!(Band::parse("Band 8A"), Ok(Band::B8a));
        assert_eq!(Band::parse("8a"), Ok(Band::B8a));
        assert_eq!(Band::parse("band 6"), Ok(Band::B6));
        assert_eq!(Band::parse("6"), Ok(Band::B6));
        assert_eq!(Band::parse("  BAND9 "), Ok(Band::B9));
        assert_eq!(Band::parse("8D"), Ok(Band::B8d));
    }

    #[test]
    fn rejects_bands_that_do_not_exist_and_lists_the_valid_ones() {
        for bad in ["8e", "10", "", "Band", "0", "8", "six"] {
            let err = Band::parse(bad).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains("1, 2, 3, 4, 5, 6, 7, 8a, 8b, 8c, 8d, 9"),
                "{message}"
            );
            assert!(message.contains(&format!("\"{bad}\"")), "{message}");
        }
    }

    #[test]
    fn bands_are_totally_ordered_with_8a_to_8d_between_7_and_9() {
        assert!(Band::B7 < Band::B8a);
        assert!(Band::B8a < Band::B8b);
        assert!(Band::B8d < Band::B9);
        let mut shuffled = vec![Band::B9, Band::B1, Band::B8c, Band::B5, Band::B8a];
        shuffled.sort();
        assert_eq!(
            shuffled,
            vec![Band::B1, Band::B5, Band::B8a, Band::B8c, Band::B9]
        );
    }

    #[test]
    fn steps_below_counts_bands_between() {
        assert_eq!(Band::B7.steps_below(Band::B8a), 1);
        assert_eq!(Band::B5.steps_below(Band::B6), 1);
        assert_eq!(Band::B6.steps_below(Band::B6), 0);
        assert_eq!(Band::B9.steps_below(Band::B6), 0);
        assert_eq!(Band::B7.steps_below(Band::B8c), 3);
    }

    #[test]
    fn rank_round_trips_and_display_reads_as_people_write_it() {
        for band in Band::ALL {
            assert_eq!(Band::from_rank(band.rank()), Some(band));
            assert_eq!(Band::parse(&band.to_string()), Ok(band));
        }
        assert_eq!(Band::B8b.to_string(), "Band 8b");
        assert!(!Band::B1.open_to_new_entrants());
        assert!(Band::B2.open_to_new_entrants());
    }
}
