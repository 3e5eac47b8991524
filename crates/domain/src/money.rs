//! Money in whole pence, so that pay and savings add up to the penny with no rounding drift.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// An amount of money in pence. Negative amounts are allowed (a cost subtracted from a saving).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_pence(pence: i64) -> Money {
        Money(pence)
    }

    pub const fn from_pounds(pounds: i64) -> Money {
        Money(pounds * 100)
    }

    /// Rounds a pound amount to the nearest penny (half away from zero).
    pub fn from_pounds_f64(pounds: f64) -> Money {
        Money((pounds * 100.0).round() as i64)
    }

    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The amount in pounds, for JSON and reports (two decimal places are exact).
    pub fn pounds(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// `self × numerator / denominator`, rounded to the nearest penny, half away from zero.
    /// Pay sums multiply by months and divide by 12; doing it in integers keeps it exact.
    pub fn mul_div(self, numerator: i64, denominator: i64) -> Money {
        assert!(denominator > 0, "denominator must be positive");
        let product = i128::from(self.0) * i128::from(numerator);
        let denominator = i128::from(denominator);
        let rounded = if product >= 0 {
            (product + denominator / 2) / denominator
        } else {
            (product - denominator / 2) / denominator
        };
        Money(rounded as i64)
    }

    pub fn clamp_between(self, floor: Money, ceiling: Money) -> Money {
        Money(self.0.clamp(floor.0, ceiling.0.max(floor.0)))
    }

    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl fmt::Display for Money {
    /// `£58,225.00`, `-£1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let pence = self.0.unsigned_abs();
        let pounds = (pence / 100).to_string();
        let mut grouped = String::new();
        for (i, digit) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}£{grouped}.{:02}", pence % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_pounds_with_thousands_separators() {
        assert_eq!(Money::from_pounds(58_225).to_string(), "£58,225.00");
        assert_eq!(Money::from_pence(958_333).to_string(), "£9,583.33");
        assert_eq!(Money::from_pence(-123_450).to_string(), "-£1,234.50");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
        assert_eq!(Money::from_pounds(160_000).to_string(), "£160,000.00");
    }

    #[test]
    fn mul_div_rounds_to_the_nearest_penny() {
        assert_eq!(
            Money::from_pounds(23_000).mul_div(5, 12),
            Money::from_pence(958_333)
        );
        assert_eq!(Money::from_pence(1).mul_div(1, 2), Money::from_pence(1));
        assert_eq!(Money::from_pence(-1).mul_div(1, 2), Money::from_pence(-1));
    }
}
