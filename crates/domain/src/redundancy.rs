//! The redundancy cost a redeployment avoids, after Agenda for Change Section 16 (England).
//!
//! `months = min(completed years of continuous NHS service, 24)`, none under 2 years;
//! `annual = clamp(whole-time-equivalent salary, floor, ceiling) × WTE fraction`;
//! `redundancy pay = months × annual / 12`, at most the cap. Pension strain (when HR enters it
//! and the person is eligible) and recruitment cost add to the full figure; pay protection on a
//! move to a lower band is subtracted from both figures. Every input travels with the result,
//! so a report can show where each pound came from.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::people::Wte;

/// The Section 16 numbers (`[savings]` in configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavingsPolicy {
    /// One month's pay for each completed year, up to this many months.
    pub max_service_months: u32,
    /// Less service than this, in completed years, earns no redundancy pay.
    pub min_service_years: u32,
    /// The whole-time-equivalent salary used is at least this (pounds).
    pub salary_floor: i64,
    /// …and at most this (pounds).
    pub salary_ceiling: i64,
    /// Redundancy pay is never more than this (pounds).
    pub redundancy_pay_cap: i64,
    /// Pension strain counts only from this age…
    pub pension_strain_min_age: u32,
    /// …and with at least this many years of pension scheme membership.
    pub pension_strain_min_membership_years: u32,
    /// Months of pay protection on a move to a lower band.
    pub pay_protection_months: u32,
    /// The recruitment cost a redeployment avoids (pounds).
    pub recruitment_cost: i64,
}

impl Default for SavingsPolicy {
    fn default() -> Self {
        SavingsPolicy {
            max_service_months: 24,
            min_service_years: 2,
            salary_floor: 23_000,
            salary_ceiling: 80_000,
            redundancy_pay_cap: 160_000,
            pension_strain_min_age: 55,
            pension_strain_min_membership_years: 2,
            pay_protection_months: 12,
            recruitment_cost: 0,
        }
    }
}

/// Whole years from `start` to `on` (a year is complete on its anniversary).
pub fn completed_years(start: NaiveDate, on: NaiveDate) -> u32 {
    if on < start {
        return 0;
    }
    let mut years = on.year() - start.year();
    if (on.month(), on.day()) < (start.month(), start.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Redundancy pay for a whole-time-equivalent salary, a WTE fraction and completed years.
pub fn redundancy_pay(
    policy: &SavingsPolicy,
    wte_salary: Money,
    wte: Wte,
    service_years: u32,
) -> Money {
    if service_years < policy.min_service_years {
        return Money::ZERO;
    }
    let months = service_years.min(policy.max_service_months);
    let clamped = wte_salary.clamp_between(
        Money::from_pounds(policy.salary_floor),
        Money::from_pounds(policy.salary_ceiling),
    );
    let annual = Money::from_pounds_f64(clamped.pounds() * wte.get());
    annual
        .mul_div(i64::from(months), 12)
        .min(Money::from_pounds(policy.redundancy_pay_cap))
}

/// Pension strain counted only when entered and the person is eligible for early retirement.
pub fn pension_strain(
    policy: &SavingsPolicy,
    entered: Option<Money>,
    age: Option<u32>,
    membership_years: u32,
    redundancy_pay: Money,
) -> Money {
    match (entered, age) {
        (Some(strain), Some(age))
            if age >= policy.pension_strain_min_age
                && membership_years >= policy.pension_strain_min_membership_years =>
        {
            strain.max(Money::ZERO).min(redundancy_pay)
        }
        _ => Money::ZERO,
    }
}

/// Everything a savings figure depends on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SavingsInputs {
    /// Whole-time-equivalent annual salary.
    pub salary: Money,
    /// True when the salary was not recorded and the band's top point was assumed.
    pub salary_assumed: bool,
    pub wte: Wte,
    pub service_years: u32,
    /// The pension strain cost HR entered, if any, before eligibility and the cap.
    pub pension_strain: Option<Money>,
    pub age: Option<u32>,
    pub pension_membership_years: u32,
    /// Annual pay before and after the move, for pay protection.
    pub old_pay: Money,
    pub new_pay: Money,
    pub protection_months: u32,
    pub recruitment_cost: Money,
}

/// A redeployment's avoided cost, with the parts it is made of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Savings {
    pub inputs: SavingsInputs,
    pub redundancy_pay: Money,
    pub pension_strain: Money,
    pub protection_cost: Money,
    /// Redundancy pay less pay protection.
    pub conservative: Money,
    /// The conservative figure plus pension strain and recruitment cost.
    pub full: Money,
}

impl SavingsInputs {
    /// Fills the inputs for one redeployment from the policy and the facts of the case.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        policy: &SavingsPolicy,
        salary: Money,
        salary_assumed: bool,
        wte: Wte,
        service_years: u32,
        pension_strain: Option<Money>,
        age: Option<u32>,
        pension_membership_years: u32,
        old_pay: Money,
        new_pay: Money,
    ) -> SavingsInputs {
        SavingsInputs {
            salary,
            salary_assumed,
            wte,
            service_years,
            pension_strain,
            age,
            pension_membership_years,
            old_pay,
            new_pay,
            protection_months: policy.pay_protection_months,
            recruitment_cost: Money::from_pounds(policy.recruitment_cost),
        }
    }

    pub fn savings(self, policy: &SavingsPolicy) -> Savings {
        let redundancy_pay = redundancy_pay(policy, self.salary, self.wte, self.service_years);
        let pension_strain = pension_strain(
            policy,
            self.pension_strain,
            self.age,
            self.pension_membership_years,
            redundancy_pay,
        );
        let drop = (self.old_pay - self.new_pay).max(Money::ZERO);
        let protection_cost = drop.mul_div(i64::from(self.protection_months), 12);
        let conservative = redundancy_pay - protection_cost;
        let full = conservative + pension_strain + self.recruitment_cost;
        Savings {
            inputs: self,
            redundancy_pay,
            pension_strain,
            protection_cost,
            conservative,
            full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pay(salary: i64, wte: f64, years: u32) -> Money {
        redundancy_pay(
            &SavingsPolicy::default(),
            Money::from_pounds(salary),
            Wte::new(wte).unwrap(),
            years,
        )
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn band_6_top_with_15_years_gets_15_months() {
        assert_eq!(pay(46_580, 1.0, 15), Money::from_pounds(58_225));
    }

    #[test]
    fn band_8d_entry_with_30_years_is_capped_at_160_000() {
        assert_eq!(pay(91_342, 1.0, 30), Money::from_pounds(160_000));
    }

    #[test]
    fn under_two_years_service_gets_nothing() {
        let years = completed_years(date(2024, 1, 1), date(2025, 12, 1));
        assert_eq!(years, 1, "1 year 11 months is 1 completed year");
        assert_eq!(pay(46_580, 1.0, years), Money::ZERO);
    }

    #[test]
    fn a_low_salary_is_raised_to_the_floor() {
        assert_eq!(pay(20_000, 1.0, 5), Money::from_pence(958_333));
        assert_eq!(pay(20_000, 1.0, 5).to_string(), "£9,583.33");
    }

    #[test]
    fn part_time_pay_is_the_wte_fraction_of_the_whole_time_salary() {
        assert_eq!(pay(40_000, 0.6, 10), Money::from_pounds(20_000));
    }

    #[test]
    fn completed_years_count_only_whole_anniversaries() {
        assert_eq!(completed_years(date(2010, 6, 15), date(2025, 6, 14)), 14);
        assert_eq!(completed_years(date(2010, 6, 15), date(2025, 6, 15)), 15);
        assert_eq!(completed_years(date(2026, 1, 1), date(2025, 1, 1)), 0);
    }

    #[test]
    fn savings_subtract_protection_and_add_eligible_pension_strain() {
        let policy = SavingsPolicy::default();
        let inputs = SavingsInputs::new(
            &policy,
            Money::from_pounds(46_580),
            true,
            Wte::FULL_TIME,
            15,
            Some(Money::from_pounds(90_000)),
            Some(57),
            20,
            Money::from_pounds(46_580),
            Money::from_pounds(37_796),
        );
        let savings = inputs.savings(&policy);
        assert_eq!(savings.redundancy_pay, Money::from_pounds(58_225));
        // Strain is capped at the redundancy pay.
        assert_eq!(savings.pension_strain, Money::from_pounds(58_225));
        // 12 months of the 8,784 pay drop.
        assert_eq!(savings.protection_cost, Money::from_pounds(8_784));
        assert_eq!(savings.conservative, Money::from_pounds(49_441));
        assert_eq!(savings.full, Money::from_pounds(49_441 + 58_225));
    }

    #[test]
    fn pension_strain_does_not_count_under_55() {
        let policy = SavingsPolicy::default();
        let strain = pension_strain(
            &policy,
            Some(Money::from_pounds(10_000)),
            Some(54),
            30,
            Money::from_pounds(50_000),
        );
        assert_eq!(strain, Money::ZERO);
        let strain = pension_strain(
            &policy,
            Some(Money::from_pounds(10_000)),
            Some(55),
            1,
            Money::from_pounds(50_000),
        );
        assert_eq!(strain, Money::ZERO);
    }
}
