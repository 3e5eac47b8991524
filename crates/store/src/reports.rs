//! The partnership's report (DESIGN §3): redeployments and the redundancy costs they avoided,
//! with the cases still open, grouped by trust, band, staff group or month, for the
//! partnership and admin.
//!
//! Figures come from the recorded outcomes (their savings as recorded when each redeployment
//! was confirmed) and the cases as they stand. A count from 1 to `suppress_below − 1` is shown
//! as `"<5"` and its group's savings, rate and median are withheld; where a column suppresses
//! exactly one group, the smallest other group is withheld too, so that no suppressed count can
//! be worked out from the totals.
//!
//! Must never: show a name, email, staff number or the id of a person; show a count, saving or
//! median that could be worked back to fewer than `suppress_below` people.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use domain::{CaseStatus, Money, Role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::Store;
use crate::authz::Actor;
use crate::entities::{match_record, outcome, staff};
use crate::error::{Error, FieldError, Result};

/// How the report's groups are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// The staff member's trust (ODS code).
    Trust,
    /// The staff member's band.
    Band,
    /// The staff member's staff group.
    StaffGroup,
    /// The month of the redeployment (cases: the month they were registered).
    Month,
}

impl GroupBy {
    const CODES: [(&'static str, GroupBy); 4] = [
        ("trust", GroupBy::Trust),
        ("band", GroupBy::Band),
        ("staff_group", GroupBy::StaffGroup),
        ("month", GroupBy::Month),
    ];

    pub fn code(self) -> &'static str {
        GroupBy::CODES
            .iter()
            .find(|(_, g)| *g == self)
            .map_or("trust", |(code, _)| code)
    }
}

/// What a report is asked for, as people give it.
#[derive(Debug, Clone, Default)]
pub struct SummaryRequest {
    /// First day, `YYYY-MM-DD`; a year before `to` when not given.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`; today when not given.
    pub to: Option<String>,
    /// `trust` (the default), `band`, `staff_group` or `month`.
    pub group_by: Option<String>,
}

/// A count as the report shows it: the number, or a string that hides it (`"<5"` when it is
/// from 1 to `suppress_below − 1`, `"withheld"` when showing it would give another away).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Shown {
    Count(u64),
    Hidden(String),
}

impl Shown {
    fn is_hidden(&self) -> bool {
        matches!(self, Shown::Hidden(_))
    }

    /// As a CSV cell.
    /// The count as a table cell shows it.
    pub fn cell(&self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Hidden(text) => text.clone(),
        }
    }
}

/// The figures of one group, or of all of them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Redeployments confirmed between `from` and `to`.
    pub redeployments: Shown,
    /// Cases in a trial now.
    pub trials_in_progress: Shown,
    /// Cases still looking for a post now.
    pub active_cases: Shown,
    /// Cases that ended in redundancy in the period.
    pub redundancies: Shown,
    /// The share of those redeployments that were exact matches, 0–1; none when hidden or
    /// when there were none.
    pub exact_match_rate: Option<f64>,
    /// Median days from a case's registration to its redeployment.
    pub median_days_to_redeployment: Option<f64>,
    /// Pounds: redundancy pay avoided less pay protection, summed.
    pub savings_conservative: Option<f64>,
    /// Pounds: the conservative figure plus pension strain and recruitment cost, summed.
    pub savings_full: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportGroup {
    /// The trust's ODS code, the band, the staff group's code, or the month (`YYYY-MM`).
    pub key: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// `GET /api/v1/reports/summary`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: String,
    pub suppress_below: u32,
    pub groups: Vec<ReportGroup>,
    pub totals: Figures,
}

/// A group's figures before anything is hidden.
#[derive(Debug, Clone, Default)]
struct Tally {
    redeployments: u64,
    exact: u64,
    days: Vec<i64>,
    conservative: i64,
    full: i64,
    trials_in_progress: u64,
    active_cases: u64,
    redundancies: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.redeployments += other.redeployments;
        self.exact += other.exact;
        self.days.extend(&other.days);
        self.conservative += other.conservative;
        self.full += other.full;
        self.trials_in_progress += other.trials_in_progress;
        self.active_cases += other.active_cases;
        self.redundancies += other.redundancies;
    }

    fn counts(&self) -> [u64; 4] {
        [
            self.redeployments,
            self.trials_in_progress,
            self.active_cases,
            self.redundancies,
        ]
    }
}

impl Store {
    /// The report the partnership reads, for the partnership and admin.
    pub async fn report_summary(&self, actor: &Actor, asked: &SummaryRequest) -> Result<Summary> {
        actor.require_role(&[Role::Partnership, Role::Admin], "The savings report")?;
        self.summary_report(asked).await
    }

    /// The report itself, for whoever may read it: the partnership and admin through
    /// [`Store::report_summary`], an operator at the service's own machine through
    /// `redeploy report`.
    pub async fn summary_report(&self, asked: &SummaryRequest) -> Result<Summary> {
        let (from, to, group_by) = checked(asked, crate::today())?;
        let catalogue = self.catalogue().await?;
        let people = staff::Entity::find().all(self.db()).await?;
        let by_id: std::collections::HashMap<i32, &staff::Model> =
            people.iter().map(|p| (p.id, p)).collect();
        let key_of = |person: &staff::Model, month: NaiveDate| match group_by {
            GroupBy::Trust => catalogue.trust_code(person.trust_id),
            GroupBy::Band => person.band.clone(),
            GroupBy::StaffGroup => person.staff_group.clone(),
            GroupBy::Month => format!("{:04}-{:02}", month.year(), month.month()),
        };
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();

        let (outcomes, redundancies): (Vec<outcome::Model>, Vec<outcome::Model>) =
            outcome::Entity::find()
                .filter(outcome::Column::DecidedOn.between(from, to))
                .all(self.db())
                .await?
                .into_iter()
                .partition(|done| done.kind == CaseStatus::Redeployed.code());
        for ended in &redundancies {
            if let Some(person) = by_id.get(&ended.staff_id)
                && ended.kind == CaseStatus::Redundant.code()
            {
                tallies
                    .entry(key_of(person, ended.decided_on))
                    .or_default()
                    .redundancies += 1;
            }
        }
        let pair_ids: Vec<i32> = outcomes.iter().filter_map(|o| o.match_id).collect();
        let exact: std::collections::HashSet<i32> = match_record::Entity::find()
            .filter(match_record::Column::Id.is_in(pair_ids))
            .filter(match_record::Column::ExactMatch.eq(true))
            .all(self.db())
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        for done in &outcomes {
            let Some(person) = by_id.get(&done.staff_id) else {
                continue;
            };
            let tally = tallies.entry(key_of(person, done.decided_on)).or_default();
            tally.redeployments += 1;
            tally.exact += u64::from(done.match_id.is_some_and(|id| exact.contains(&id)));
            tally
                .days
                .push((done.decided_on - person.created_at.date_naive()).num_days());
            tally.conservative += done.conservative_pence;
            tally.full += done.full_pence;
        }
        for person in &people {
            let registered = person.created_at.date_naive();
            if group_by == GroupBy::Month && !(from..=to).contains(&registered) {
                continue;
            }
            let status = CaseStatus::from_code(&person.status);
            let tally = tallies.entry(key_of(person, registered)).or_default();
            match status {
                Some(CaseStatus::InTrial) => tally.trials_in_progress += 1,
                Some(CaseStatus::Active) => tally.active_cases += 1,
                _ => {}
            }
        }

        let below = u64::from(self.settings().reports.suppress_below);
        let mut total = Tally::default();
        tallies.values().for_each(|t| total.add(t));
        let keys: Vec<String> = tallies.keys().cloned().collect();
        let tallies: Vec<Tally> = tallies.into_values().collect();
        let shown = suppressed(&tallies, below);
        let groups = keys
            .into_iter()
            .zip(&tallies)
            .zip(shown)
            .map(|((key, tally), counts)| ReportGroup {
                key,
                figures: figures(tally, counts),
            })
            .collect();
        let totals = figures(&total, total.counts().map(|n| primary(n, below)));
        Ok(Summary {
            from,
            to,
            group_by: group_by.code().to_owned(),
            suppress_below: self.settings().reports.suppress_below,
            groups,
            totals,
        })
    }
}

/// The dates and grouping asked for, or 422 naming each field to correct.
fn checked(asked: &SummaryRequest, today: NaiveDate) -> Result<(NaiveDate, NaiveDate, GroupBy)> {
    let mut problems = Vec::new();
    let mut date = |field: &str, given: &Option<String>| -> Option<NaiveDate> {
        let text = given.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                problems.push(FieldError::new(
                    field,
                    format!("'{text}' is not a date: write it as YYYY-MM-DD, such as 2026-04-01"),
                ));
                None
            }
        }
    };
    let to = date("to", &asked.to).unwrap_or(today);
    let from = date("from", &asked.from).unwrap_or_else(|| {
        to.checked_sub_days(Days::new(365))
            .unwrap_or(NaiveDate::MIN)
    });
    let group_by = match asked.group_by.as_deref().map(str::trim) {
        None | Some("") => GroupBy::Trust,
        Some(code) => match GroupBy::CODES.iter().find(|(c, _)| *c == code) {
            Some((_, group_by)) => *group_by,
            None => {
                problems.push(FieldError::new(
                    "group_by",
                    format!("'{code}' is not a grouping: use trust, band, staff_group or month"),
                ));
                GroupBy::Trust
            }
        },
    };
    if from > to {
        problems.push(FieldError::new(
            "from",
            format!("the first day ({from}) is after the last ({to}): swap them"),
        ));
    }
    match problems.is_empty() {
        true => Ok((from, to, group_by)),
        false => Err(Error::Invalid(problems)),
    }
}

/// A count alone: shown, or `"<N"` from 1 to `below − 1`.
fn primary(count: u64, below: u64) -> Shown {
    match count {
        1.. if count < below => Shown::Hidden(format!("<{below}")),
        _ => Shown::Count(count),
    }
}

/// Every group's four counts with both suppressions: a count from 1 to `below − 1` is hidden,
/// and where a column hides exactly one group, its smallest other non-zero count is withheld.
fn suppressed(tallies: &[Tally], below: u64) -> Vec<[Shown; 4]> {
    let mut shown: Vec<[Shown; 4]> = tallies
        .iter()
        .map(|t| t.counts().map(|n| primary(n, below)))
        .collect();
    for column in 0..4 {
        let hidden = shown.iter().filter(|row| row[column].is_hidden()).count();
        if hidden != 1 {
            continue;
        }
        let smallest_other = tallies
            .iter()
            .enumerate()
            .filter(|(i, t)| !shown[*i][column].is_hidden() && t.counts()[column] > 0)
            .min_by_key(|(_, t)| t.counts()[column])
            .map(|(i, _)| i);
        if let Some(i) = smallest_other {
            shown[i][column] = Shown::Hidden("withheld".to_owned());
        }
    }
    shown
}

/// A group's figures as shown: the savings, rate and median only when its redeployments are.
fn figures(tally: &Tally, counts: [Shown; 4]) -> Figures {
    let [
        redeployments,
        trials_in_progress,
        active_cases,
        redundancies,
    ] = counts;
    let open = !redeployments.is_hidden() && tally.redeployments > 0;
    let pounds = |pence: i64| Money::from_pence(pence).pounds();
    Figures {
        // A share, to three decimals: finer would suggest a precision small counts lack.
        exact_match_rate: open
            .then(|| (1000.0 * tally.exact as f64 / tally.redeployments as f64).round() / 1000.0),
        median_days_to_redeployment: open.then(|| median(&tally.days)),
        savings_conservative: (!redeployments.is_hidden()).then(|| pounds(tally.conservative)),
        savings_full: (!redeployments.is_hidden()).then(|| pounds(tally.full)),
        redeployments,
        trials_in_progress,
        active_cases,
        redundancies,
    }
}

fn median(values: &[i64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f64,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0,
    }
}

impl Summary {
    /// The same table for a terminal: aligned columns, a row a group, then the totals.
    pub fn table(&self) -> String {
        let csv = self.csv();
        let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|c| {
                rows.iter()
                    .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!(
            "redeployments and savings from {} to {}, by {} (counts under {} hidden)\n",
            self.from, self.to, self.group_by, self.suppress_below
        );
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:>width$}"))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }

    /// The same table as CSV: a row a group, then the totals (key `total`).
    pub fn csv(&self) -> String {
        let money = |v: Option<f64>| v.map(|p| format!("{p:.2}")).unwrap_or_default();
        let number = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        let mut out = String::from(
            "key,redeployments,trials_in_progress,active_cases,redundancies,exact_match_rate,median_days_to_redeployment,savings_conservative,savings_full\n",
        );
        let rows = self
            .groups
            .iter()
            .map(|g| (g.key.as_str(), &g.figures))
            .chain(std::iter::once(("total", &self.totals)));
        for (key, f) in rows {
            let quoted = match key.contains([',', '"']) {
                true => format!("\"{}\"", key.replace('"', "\"\"")),
                false => key.to_owned(),
            };
            out.push_str(&format!(
                "{quoted},{},{},{},{},{},{},{},{}\n",
                f.redeployments.cell(),
                f.trials_in_progress.cell(),
                f.active_cases.cell(),
                f.redundancies.cell(),
                number(f.exact_match_rate),
                number(f.median_days_to_redeployment),
                money(f.savings_conservative),
                money(f.savings_full),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(redeployments: u64) -> Tally {
        Tally {
            redeployments,
            ..Tally::default()
        }
    }

    #[test]
    fn counts_from_one_to_four_are_hidden_and_zero_and_five_are_shown() {
        assert_eq!(primary(0, 5), Shown::Count(0));
        for n in 1..5 {
            assert_eq!(primary(n, 5), Shown::Hidden("<5".to_owned()));
        }
        assert_eq!(primary(5, 5), Shown::Count(5));
    }

    #[test]
    fn a_lone_suppressed_group_withholds_the_smallest_other_so_totals_give_nothing_away() {
        let shown = suppressed(&[tally(3), tally(9), tally(7), tally(0)], 5);
        let column: Vec<Shown> = shown.iter().map(|row| row[0].clone()).collect();
        assert_eq!(
            column,
            [
                Shown::Hidden("<5".to_owned()),
                Shown::Count(9),
                Shown::Hidden("withheld".to_owned()),
                Shown::Count(0),
            ]
        );
        // Two suppressed groups already hide each other: nothing more is withheld.
        let shown = suppressed(&[tally(3), tally(2), tally(7)], 5);
        assert_eq!(shown[2][0], Shown::Count(7));
    }

    #[test]
    fn a_hidden_group_shows_no_savings_rate_or_median() {
        let small = Tally {
            redeployments: 2,
            exact: 1,
            days: vec![30, 40],
            conservative: 5_000_000,
            full: 6_000_000,
            ..Tally::default()
        };
        let f = figures(&small, small.counts().map(|n| primary(n, 5)));
        assert_eq!(f.savings_conservative, None);
        assert_eq!(f.median_days_to_redeployment, None);
        assert_eq!(f.exact_match_rate, None);
        let f = figures(&small, small.counts().map(|n| primary(n, 2)));
        assert_eq!(f.savings_conservative, Some(50_000.0));
        assert_eq!(f.median_days_to_redeployment, Some(35.0));
        assert_eq!(f.exact_match_rate, Some(0.5));
    }
}
