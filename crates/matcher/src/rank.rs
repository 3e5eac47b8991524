//! Ranking: for a vacancy its eligible candidates in the DESIGN §2 order, for a staff member
//! their eligible vacancies best first, and every eligible pair at once.
//!
//! Cost follows the eligible pairs, not all pairs: people and posts are bucketed by band, so a
//! query never looks at a band the rules exclude, and within a band by a grid of map squares,
//! so it only looks near enough to travel. Every pair the index offers then passes through the
//! same rule check and score as the naive reference in [`naive`], which is what the property
//! tests compare it with.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{Band, Coordinates, PriorityTier};

use crate::policy::MatchPolicy;
use crate::profile::{StaffProfile, VacancyProfile};
use crate::rules::{Exclusion, RuleFailure, failures, passes};
use crate::score::{Explanation, score};

/// An eligible pair, scored and explained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub staff_id: i64,
    pub vacancy_id: i64,
    pub score: f64,
    pub exact_match: bool,
    pub priority_tier: PriorityTier,
    /// Days until the staff member's redeployment period ends.
    pub days_left: i64,
    pub explanation: Explanation,
}

/// Candidates for a vacancy: priority tier, then exact match, then score, then fewest days
/// left, then staff id, so that the order is total and never depends on input order.
pub fn candidate_order(a: &Match, b: &Match) -> Ordering {
    a.priority_tier
        .cmp(&b.priority_tier)
        .then(b.exact_match.cmp(&a.exact_match))
        .then(b.score.total_cmp(&a.score))
        .then(a.days_left.cmp(&b.days_left))
        .then(a.staff_id.cmp(&b.staff_id))
}

/// Vacancies for a staff member: best score first, then exact match, then vacancy id.
pub fn vacancy_order(a: &Match, b: &Match) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then(b.exact_match.cmp(&a.exact_match))
        .then(a.vacancy_id.cmp(&b.vacancy_id))
}

/// People's decisions that keep pairs apart: (staff id, vacancy id) → why.
pub type Exclusions = HashMap<(i64, i64), Exclusion>;

/// Everything ranking needs besides the profiles.
#[derive(Debug, Clone)]
pub struct RankContext<'a> {
    pub policy: &'a MatchPolicy,
    pub today: NaiveDate,
    pub exclusions: &'a Exclusions,
}

impl RankContext<'_> {
    /// Scores the pair if every hard rule passes.
    pub fn evaluate(&self, staff: &StaffProfile, vacancy: &VacancyProfile) -> Option<Match> {
        let mut journey = None;
        let minutes =
            || *journey.insert(self.policy.travel.minutes(staff.position, vacancy.position));
        if !passes(
            self.policy,
            staff,
            vacancy,
            minutes,
            self.exclusion(staff, vacancy),
        ) {
            return None;
        }
        let minutes =
            journey.unwrap_or_else(|| self.policy.travel.minutes(staff.position, vacancy.position));
        let (score, exact_match, explanation) = score(self.policy, staff, vacancy, minutes);
        Some(Match {
            staff_id: staff.id,
            vacancy_id: vacancy.id,
            score,
            exact_match,
            priority_tier: staff.priority_tier,
            days_left: (staff.redeployment_period_ends - self.today).num_days(),
            explanation,
        })
    }

    /// Every hard rule the pair fails, in words ("why not").
    pub fn why_not(&self, staff: &StaffProfile, vacancy: &VacancyProfile) -> Vec<RuleFailure> {
        let minutes = || self.policy.travel.minutes(staff.position, vacancy.position);
        failures(
            self.policy,
            staff,
            vacancy,
            minutes,
            self.exclusion(staff, vacancy),
        )
    }

    /// A person's decision about this pair, if any (looked up only when there are any at all).
    fn exclusion(&self, staff: &StaffProfile, vacancy: &VacancyProfile) -> Option<Exclusion> {
        if self.exclusions.is_empty() {
            None
        } else {
            self.exclusions.get(&(staff.id, vacancy.id)).copied()
        }
    }

    /// The furthest straight-line distance a limit of `minutes` can reach, allowing for the
    /// estimate being rounded to whole minutes.
    fn reach_km(&self, minutes: u32) -> f64 {
        let travel = &self.policy.travel;
        ((f64::from(minutes) + 0.5 - travel.base_minutes) / travel.minutes_per_km).max(0.0)
    }
}

/// Kilometres per degree of latitude, taken a little short of the true ~111.2 so that grid
/// distances never exceed real ones and no pair within reach is missed.
const KM_PER_DEGREE: f64 = 110.5;
const CELL_KM: f64 = 5.0;

/// Items on a grid of map squares, for finding those within a distance of a point. The squares
/// cover the items' bounding box, row by row, and each square's items sit together in one array,
/// so a query copies one contiguous run per row of squares it covers.
#[derive(Debug, Clone, Default)]
struct Grid {
    /// The cosine of the furthest latitude from the equator among the items, so that east–west
    /// grid distances are never longer than real ones.
    cos_lat: f64,
    origin: (i32, i32),
    width: i32,
    height: i32,
    /// Where each square's items start in `items` (one more entry than there are squares).
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Grid {
    fn build(items: impl Iterator<Item = (u32, Coordinates)> + Clone) -> Grid {
        let max_lat = items
            .clone()
            .map(|(_, p)| p.lat().abs())
            .fold(0.0_f64, f64::max);
        let mut grid = Grid {
            cos_lat: max_lat.to_radians().cos().max(0.01),
            ..Grid::default()
        };
        let placed: Vec<(u32, (i32, i32))> = items.map(|(i, p)| (i, grid.cell(p))).collect();
        if placed.is_empty() {
            return grid;
        }
        let (min_x, max_x) = placed
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), (_, c)| {
                (lo.min(c.0), hi.max(c.0))
            });
        let (min_y, max_y) = placed
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), (_, c)| {
                (lo.min(c.1), hi.max(c.1))
            });
        grid.origin = (min_x, min_y);
        grid.width = max_x - min_x + 1;
        grid.height = max_y - min_y + 1;
        let square = |c: (i32, i32)| ((c.1 - min_y) * grid.width + (c.0 - min_x)) as usize;
        let squares = (grid.width * grid.height) as usize;
        let mut counts = vec![0u32; squares + 1];
        for (_, c) in &placed {
            counts[square(*c) + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut next = counts.clone();
        let mut ordered = vec![0u32; placed.len()];
        for (item, c) in &placed {
            let at = &mut next[square(*c)];
            ordered[*at as usize] = *item;
            *at += 1;
        }
        grid.starts = counts;
        grid.items = ordered;
        grid
    }

    fn cell(&self, p: Coordinates) -> (i32, i32) {
        let x = p.lon() * KM_PER_DEGREE * self.cos_lat / CELL_KM;
        let y = p.lat() * KM_PER_DEGREE / CELL_KM;
        (x.floor() as i32, y.floor() as i32)
    }

    /// Every item in the squares that could lie within `km` of `p` (a superset; callers check).
    fn near(&self, p: Coordinates, km: f64, out: &mut Vec<u32>) {
        if self.items.is_empty() {
            return;
        }
        let (cx, cy) = self.cell(p);
        let span = (km / CELL_KM).ceil() as i32 + 1;
        let x0 = (cx - span - self.origin.0).max(0);
        let x1 = (cx + span - self.origin.0).min(self.width - 1);
        let y0 = (cy - span - self.origin.1).max(0);
        let y1 = (cy + span - self.origin.1).min(self.height - 1);
        if x0 > x1 || y0 > y1 {
            return;
        }
        for y in y0..=y1 {
            let first = (y * self.width + x0) as usize;
            let last = (y * self.width + x1) as usize;
            let (from, to) = (self.starts[first] as usize, self.starts[last + 1] as usize);
            out.extend_from_slice(&self.items[from..to]);
        }
    }
}

/// One grid per band, with the longest travel limit among the items in it.
#[derive(Debug, Clone, Default)]
struct BandIndex {
    grids: Vec<Grid>,
    longest_limit: Vec<u32>,
}

impl BandIndex {
    fn build<'a>(
        items: impl Iterator<Item = (u32, Band, Coordinates, u32)> + Clone + 'a,
    ) -> BandIndex {
        let mut index = BandIndex::default();
        for band in Band::ALL {
            let in_band = items.clone().filter(move |(_, b, _, _)| *b == band);
            index.longest_limit.push(
                in_band
                    .clone()
                    .map(|(_, _, _, limit)| limit)
                    .max()
                    .unwrap_or(0),
            );
            index
                .grids
                .push(Grid::build(in_band.map(|(i, _, p, _)| (i, p))));
        }
        index
    }
}

/// Staff and vacancies, indexed for ranking.
#[derive(Debug)]
pub struct Matcher<'a> {
    context: RankContext<'a>,
    staff: &'a [StaffProfile],
    vacancies: &'a [VacancyProfile],
    staff_index: BandIndex,
    vacancy_index: BandIndex,
}

impl<'a> Matcher<'a> {
    pub fn new(
        context: RankContext<'a>,
        staff: &'a [StaffProfile],
        vacancies: &'a [VacancyProfile],
    ) -> Matcher<'a> {
        // Only people and posts that can match at all are indexed.
        let staff_index = BandIndex::build(
            staff
                .iter()
                .enumerate()
                .filter(|(_, s)| s.active)
                .map(|(i, s)| (i as u32, s.band, s.position, s.max_travel.minutes())),
        );
        let vacancy_index = BandIndex::build(
            vacancies
                .iter()
                .enumerate()
                .filter(|(_, v)| v.open)
                .map(|(i, v)| (i as u32, v.band, v.position, 0)),
        );
        Matcher {
            context,
            staff,
            vacancies,
            staff_index,
            vacancy_index,
        }
    }

    /// The eligible candidates for the vacancy at `index`, in the DESIGN §2 order.
    pub fn candidates_for(&self, index: usize) -> Vec<Match> {
        let vacancy = &self.vacancies[index];
        let mut found = Vec::new();
        if !vacancy.open {
            return found;
        }
        let mut near = Vec::new();
        let lowest = vacancy.band.rank();
        let highest = (lowest + self.context.policy.max_band_drop).min(Band::B9.rank());
        for rank in lowest..=highest {
            let r = usize::from(rank);
            let reach = self.context.reach_km(self.staff_index.longest_limit[r]);
            near.clear();
            self.staff_index.grids[r].near(vacancy.position, reach, &mut near);
            found.extend(
                near.iter()
                    .filter_map(|&s| self.context.evaluate(&self.staff[s as usize], vacancy)),
            );
        }
        found.sort_unstable_by(candidate_order);
        found
    }

    /// The eligible vacancies for the staff member at `index`, best first.
    pub fn vacancies_for(&self, index: usize) -> Vec<Match> {
        let staff = &self.staff[index];
        let mut found = Vec::new();
        if !staff.active {
            return found;
        }
        let drop = if staff.lower_band_consent {
            self.context.policy.max_band_drop
        } else {
            0
        };
        let highest = staff.band.rank();
        let lowest = highest.saturating_sub(drop);
        let reach = self.context.reach_km(staff.max_travel.minutes());
        let mut near = Vec::new();
        for rank in lowest..=highest {
            near.clear();
            self.vacancy_index.grids[usize::from(rank)].near(staff.position, reach, &mut near);
            found.extend(
                near.iter()
                    .filter_map(|&v| self.context.evaluate(staff, &self.vacancies[v as usize])),
            );
        }
        found.sort_unstable_by(vacancy_order);
        found
    }

    /// Every eligible pair: each vacancy's candidates in order, vacancies in input order.
    pub fn all(&self) -> Vec<Match> {
        (0..self.vacancies.len())
            .flat_map(|v| self.candidates_for(v))
            .collect()
    }

    /// Every hard rule the pair fails, in words.
    pub fn why_not(&self, staff: usize, vacancy: usize) -> Vec<RuleFailure> {
        self.context
            .why_not(&self.staff[staff], &self.vacancies[vacancy])
    }
}

/// The reference ranking: every pair, no index. Slow on purpose; the indexed ranking must
/// always give exactly what this gives.
pub mod naive {
    use super::*;

    pub fn candidates_for(
        context: &RankContext<'_>,
        staff: &[StaffProfile],
        vacancy: &VacancyProfile,
    ) -> Vec<Match> {
        let mut found: Vec<Match> = staff
            .iter()
            .filter_map(|s| context.evaluate(s, vacancy))
            .collect();
        found.sort_unstable_by(candidate_order);
        found
    }

    pub fn vacancies_for(
        context: &RankContext<'_>,
        staff: &StaffProfile,
        vacancies: &[VacancyProfile],
    ) -> Vec<Match> {
        let mut found: Vec<Match> = vacancies
            .iter()
            .filter_map(|v| context.evaluate(staff, v))
            .collect();
        found.sort_unstable_by(vacancy_order);
        found
    }

    pub fn all(
        context: &RankContext<'_>,
        staff: &[StaffProfile],
        vacancies: &[VacancyProfile],
    ) -> Vec<Match> {
        vacancies
            .iter()
            .flat_map(|v| candidates_for(context, staff, v))
            .collect()
    }
}
