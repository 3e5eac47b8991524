//! Agenda for Change pay: the basic pay range of each band and the High Cost Area Supplement.
//!
//! The figures are configuration (`[pay]` in `config/default.toml`, 2025/26 England rates);
//! this module only says how they are used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::band::Band;
use crate::money::Money;
use crate::organisation::HcasZone;

/// A band's basic pay range in whole pounds a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRange {
    pub entry: i64,
    pub top: i64,
}

/// One HCAS zone's supplement: a share of basic pay, within a minimum and maximum in pounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HcasRate {
    pub rate: f64,
    pub min: i64,
    pub max: i64,
}

/// The pay scale: every band's range and every zone's supplement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayScale {
    /// Keyed by band code (`"2"` … `"9"`); band 1 is closed and has no range.
    pub bands: BTreeMap<String, PayRange>,
    pub hcas: BTreeMap<String, HcasRate>,
}

/// The pay scale in configuration is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayScaleError {
    #[error("[pay.bands] has no entry for band {0}")]
    MissingBand(&'static str),
    #[error("[pay.bands] band {0}: the entry point is above the top point")]
    InvertedRange(&'static str),
    #[error("[pay.hcas] has no entry for zone {0}")]
    MissingZone(&'static str),
}

impl PayScale {
    /// Checks that every band from 2 to 9 and every zone is present and sensible.
    pub fn validate(&self) -> Result<(), PayScaleError> {
        for band in Band::ALL.into_iter().filter(|b| b.open_to_new_entrants()) {
            let range = self
                .bands
                .get(band.code())
                .ok_or(PayScaleError::MissingBand(band.code()))?;
            if range.entry > range.top {
                return Err(PayScaleError::InvertedRange(band.code()));
            }
        }
        for zone in HcasZone::ALL {
            if !self.hcas.contains_key(zone.code()) {
                return Err(PayScaleError::MissingZone(zone.code()));
            }
        }
        Ok(())
    }

    /// The band's pay range; band 1, closed to new entrants, borrows band 2's.
    pub fn range(&self, band: Band) -> Option<PayRange> {
        let code = if band == Band::B1 {
            Band::B2.code()
        } else {
            band.code()
        };
        self.bands.get(code).copied()
    }

    /// The top of the band, assumed as salary when the actual salary is not known.
    pub fn top_of_band(&self, band: Band) -> Option<Money> {
        self.range(band).map(|r| Money::from_pounds(r.top))
    }

    /// The High Cost Area Supplement on a basic salary in a zone.
    pub fn hcas_supplement(&self, basic: Money, zone: HcasZone) -> Option<Money> {
        let rate = self.hcas.get(zone.code())?;
        let share = Money::from_pounds_f64(basic.pounds() * rate.rate);
        Some(share.clamp_between(Money::from_pounds(rate.min), Money::from_pounds(rate.max)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> PayScale {
        let mut bands = BTreeMap::new();
        for band in Band::ALL.into_iter().skip(1) {
            bands.insert(
                band.code().to_owned(),
                PayRange {
                    entry: 30_000,
                    top: 40_000,
                },
            );
        }
        bands.insert(
            "6".into(),
            PayRange {
                entry: 38_682,
                top: 46_580,
            },
        );
        let mut hcas = BTreeMap::new();
        hcas.insert(
            "inner_london".into(),
            HcasRate {
                rate: 0.20,
                min: 5_609,
                max: 8_465,
            },
        );
        hcas.insert(
            "outer_london".into(),
            HcasRate {
                rate: 0.15,
                min: 4_714,
                max: 5_941,
            },
        );
        hcas.insert(
            "fringe".into(),
            HcasRate {
                rate: 0.05,
                min: 1_303,
                max: 2_197,
            },
        );
        PayScale { bands, hcas }
    }

    #[test]
    fn hcas_is_a_share_of_basic_pay_within_its_bounds() {
        let s = scale();
        // 20% of 38,682 is 7,736.40: inside the inner London bounds.
        assert_eq!(
            s.hcas_supplement(Money::from_pounds(38_682), HcasZone::InnerLondon),
            Some(Money::from_pence(773_640))
        );
        // 15% of 24,465 is 3,669.75: raised to the outer London minimum.
        assert_eq!(
            s.hcas_supplement(Money::from_pounds(24_465), HcasZone::OuterLondon),
            Some(Money::from_pounds(4_714))
        );
        // 5% of 100,000 is 5,000: held to the fringe maximum.
        assert_eq!(
            s.hcas_supplement(Money::from_pounds(100_000), HcasZone::Fringe),
            Some(Money::from_pounds(2_197))
        );
    }

    #[test]
    fn the_top_of_band_is_what_is_assumed_when_salary_is_unknown() {
        assert_eq!(
            scale().top_of_band(Band::B6),
            Some(Money::from_pounds(46_580))
        );
        assert!(scale().validate().is_ok());
        let mut broken = scale();
        broken.bands.remove("8c");
        assert_eq!(broken.validate(), Err(PayScaleError::MissingBand("8c")));
    }
}
