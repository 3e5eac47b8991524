//! Working days, for the ring-fence that holds a new vacancy for redeployees.
//!
//! Weekends are not working days. Bank holidays are not counted out: the ring-fence may end a
//! day early across one, which errs towards advertising sooner, never later than policy.

use chrono::{Datelike, Days, NaiveDate, Weekday};

pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day `working_days` working days after `start` (start itself not counted).
pub fn add_working_days(start: NaiveDate, working_days: u32) -> NaiveDate {
    let mut date = start;
    let mut left = working_days;
    while left > 0 {
        date = date + Days::new(1);
        if is_working_day(date) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ten_working_days_from_a_monday_is_the_monday_two_weeks_on() {
        // Monday 30 November 2026 → Monday 14 December 2026.
        assert_eq!(add_working_days(d(2026, 11, 30), 10), d(2026, 12, 14));
        // From a Friday, the weekend does not count.
        assert_eq!(add_working_days(d(2026, 12, 4), 1), d(2026, 12, 7));
        assert_eq!(add_working_days(d(2026, 12, 4), 0), d(2026, 12, 4));
        assert!(!is_working_day(d(2026, 12, 5)));
    }
}
