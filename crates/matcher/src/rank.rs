//! Ranking: for a vacancy its eligible candidates in the DESIGN §2 order, for a staff member
//! their eligible vacancies best first, and every eligible pair at once.
//!
//! Cost follows the eligible pairs, not all pairs: people and posts are bucketed by band, so a
//! query never looks at a band the rules exclude, and within a band by a grid of map squares,
//! so it only looks near enough to travel; registrations and hours sit beside each position,
//! so most pairs those rules part are dropped without reading a profile. A full rematch ranks
//! the vacancies of one band at one site together, finding the people within travel of the
//! site once for all of them. Every pair the index offers then passes through the same rule
//! check and score as the naive reference in [`naive`], which is what the property tests
//! compare it with.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use chrono::{Datelike, NaiveDate};
use domain::{Band, Coordinates, PriorityTier};

use crate::policy::MatchPolicy;
use crate::profile::{Registrations, StaffProfile, VacancyProfile};
use crate::rules::{Exclusion, RuleFailure, failures, passes};
use crate::score::{Explanation, Hundredths, Journey, VacancyPoints, score};

/// An eligible pair, scored and explained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub staff_id: i64,
    pub vacancy_id: i64,
    pub score: Hundredths,
    pub exact_match: bool,
    pub priority_tier: PriorityTier,
    /// Days until the staff member's redeployment period ends.
    pub days_left: i32,
    pub explanation: Explanation,
}

impl Match {
    /// The candidate order, all but its last tie-break, as one integer, smaller first: priority
    /// tier, then exact match, then score (higher first), then fewest days left. Ties go to
    /// the lower staff id.
    fn candidate_key(&self) -> u64 {
        let tier = u64::from(self.priority_tier.number());
        let inexact = u64::from(!self.exact_match);
        let score_gap = u64::from(10_000u16.saturating_sub(self.score.0));
        let days = u64::from((self.days_left as u32) ^ (1 << 31));
        tier << 61 | inexact << 60 | score_gap << CANDIDATE_ORDER_BEFORE_DAYS | days << 14
    }

    /// The part of the candidate order that comes before days left (priority tier, exact match
    /// and score) as an 18-bit integer, smaller first.
    fn candidate_prefix(&self) -> u32 {
        (self.candidate_key() >> CANDIDATE_ORDER_BEFORE_DAYS) as u32
    }

    /// A staff member's order of vacancies, all but its last tie-break, as one integer,
    /// smaller first: score (higher first), then exact match. Ties go to the lower vacancy id.
    fn vacancy_key(&self) -> u64 {
        let score_gap = u64::from(10_000u16.saturating_sub(self.score.0));
        let inexact = u64::from(!self.exact_match);
        score_gap << 50 | inexact << 49
    }
}

/// Candidates for a vacancy: priority tier, then exact match, then score, then fewest days
/// left, then staff id, so that the order is total and never depends on input order.
pub fn candidate_order(a: &Match, b: &Match) -> Ordering {
    a.candidate_key()
        .cmp(&b.candidate_key())
        .then(a.staff_id.cmp(&b.staff_id))
}

/// Vacancies for a staff member: best score first, then exact match, then vacancy id.
pub fn vacancy_order(a: &Match, b: &Match) -> Ordering {
    a.vacancy_key()
        .cmp(&b.vacancy_key())
        .then(a.vacancy_id.cmp(&b.vacancy_id))
}

/// Where days left start in [`Match::candidate_key`]: the bits above are the tier, exact
/// match and score.
const CANDIDATE_ORDER_BEFORE_DAYS: u32 = 46;

/// Memory reused from one ranking to the next.
#[derive(Debug, Default)]
struct SortBuffers {
    keys: Vec<(u64, u32)>,
    spare: Vec<(u64, u32)>,
    buckets: Vec<u32>,
    prefixes: Vec<(u32, u32)>,
    spare_prefixes: Vec<(u32, u32)>,
    sorted: Vec<Match>,
}

/// Lists at least this long are first spread into buckets by their keys' leading bits.
const BUCKET_SORT_FROM: usize = 128;
/// The keys' leading bits that choose a bucket.
const BUCKET_BITS: u32 = 12;

impl SortBuffers {
    /// Puts `found` in the order `key`, then `tie`, give. Sorts small (key, position) pairs
    /// rather than whole matches; `tie` settles the rare equal keys.
    fn sort(&mut self, found: &mut Vec<Match>, key: fn(&Match) -> u64, tie: fn(&Match) -> i64) {
        if found.len() < 2 {
            return;
        }
        self.keys.clear();
        self.keys
            .extend(found.iter().enumerate().map(|(i, m)| (key(m), i as u32)));
        let before = |a: &(u64, u32), b: &(u64, u32)| {
            a.0.cmp(&b.0)
                .then_with(|| tie(&found[a.1 as usize]).cmp(&tie(&found[b.1 as usize])))
        };
        if self.keys.len() < BUCKET_SORT_FROM {
            self.keys.sort_unstable_by(before);
        } else {
            self.bucket_sort(before);
        }
        self.sorted.clear();
        self.sorted
            .extend(self.keys.iter().map(|(_, i)| found[*i as usize]));
        std::mem::swap(found, &mut self.sorted);
    }

    /// Puts `found`, which is already in order of days left and then staff id, in candidate
    /// order. What is left to order by comes first in the candidate order (priority tier,
    /// exact match, score), so a stable sort by it alone finishes the job: two counting
    /// passes over nine bits of it each, with no comparisons at all, and those that tie on
    /// all three stay in the order they came.
    fn candidates_from_days_order(&mut self, found: &mut Vec<Match>) {
        const DIGIT_BITS: u32 = 9;
        const DIGITS: usize = 1 << DIGIT_BITS;
        if found.len() < 2 {
            return;
        }
        self.prefixes.clear();
        self.prefixes.extend(
            found
                .iter()
                .enumerate()
                .map(|(i, m)| (m.candidate_prefix(), i as u32)),
        );
        let mut counts = [0u32; DIGITS];
        for shift in [0, DIGIT_BITS] {
            let digit = |item: &(u32, u32)| ((item.0 >> shift) as usize) & (DIGITS - 1);
            counting_sort(
                &mut self.prefixes,
                &mut self.spare_prefixes,
                &mut counts,
                digit,
            );
        }
        self.sorted.clear();
        self.sorted
            .extend(self.prefixes.iter().map(|(_, i)| found[*i as usize]));
        std::mem::swap(found, &mut self.sorted);
    }

    /// Sorts a long list of keys: one counting pass spreads them into buckets by their leading
    /// bits (for candidates, priority tier, exact match and most of the score; for a person's
    /// vacancies, most of the score), so each bucket holds a handful, which insertion sorts
    /// cheaply. A general sort of a thousand keys spends most
    /// of its time on comparisons a processor cannot predict.
    fn bucket_sort(&mut self, before: impl Fn(&(u64, u32), &(u64, u32)) -> Ordering) {
        // Only the buckets between the smallest and largest key are counted: the keys of one
        // list share their leading bits far more often than not.
        let (low, high) = self.keys.iter().fold((u64::MAX, 0), |(low, high), (k, _)| {
            (low.min(*k), high.max(*k))
        });
        let first = (low >> (64 - BUCKET_BITS)) as usize;
        let bucket = |k: u64| (k >> (64 - BUCKET_BITS)) as usize - first;
        let ends = &mut self.buckets;
        ends.clear();
        ends.resize(bucket(high) + 1, 0);
        counting_sort(&mut self.keys, &mut self.spare, ends, |(k, _)| bucket(*k));
        let mut start = 0;
        for &end in ends.iter() {
            let run = &mut self.keys[start..end as usize];
            start = end as usize;
            if run.len() > 16 {
                run.sort_unstable_by(&before);
            } else {
                for j in 1..run.len() {
                    let item = run[j];
                    let mut i = j;
                    while i > 0 && before(&run[i - 1], &item) == Ordering::Greater {
                        run[i] = run[i - 1];
                        i -= 1;
                    }
                    run[i] = item;
                }
            }
        }
    }
}

/// Sorts `items` stably by `bucket` (below `counts.len()`) in one counting pass, using
/// `spare` for the copy; leaves each bucket's end in `counts`.
fn counting_sort<T: Copy + Default>(
    items: &mut Vec<T>,
    spare: &mut Vec<T>,
    counts: &mut [u32],
    bucket: impl Fn(&T) -> usize,
) {
    counts.fill(0);
    for item in items.iter() {
        counts[bucket(item)] += 1;
    }
    // Each bucket's start, to be moved along to its end as the bucket fills.
    let mut total = 0;
    for slot in counts.iter_mut() {
        let count = *slot;
        *slot = total;
        total += count;
    }
    spare.clear();
    spare.resize(items.len(), T::default());
    for item in items.iter() {
        let slot = &mut counts[bucket(item)];
        spare[*slot as usize] = *item;
        *slot += 1;
    }
    std::mem::swap(items, spare);
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
    #[inline]
    pub fn evaluate(&self, staff: &StaffProfile, vacancy: &VacancyProfile) -> Option<Match> {
        self.evaluate_travelling(staff, vacancy, None, || self.journey(staff, vacancy))
    }

    /// [`RankContext::evaluate`] for a pair whose travel time `journey` gives, worked out only
    /// if the cheaper rules pass, or already known to the caller; `points` is the vacancy's
    /// share of the score worked out in advance, when the caller has it.
    #[inline]
    fn evaluate_travelling(
        &self,
        staff: &StaffProfile,
        vacancy: &VacancyProfile,
        points: Option<&VacancyPoints>,
        journey: impl FnOnce() -> Journey,
    ) -> Option<Match> {
        let mut known = None;
        let minutes = || known.insert(journey()).minutes;
        if !passes(
            self.policy,
            staff,
            vacancy,
            minutes,
            self.exclusion(staff, vacancy),
        ) {
            return None;
        }
        // Every pair that passes had its journey worked out by the travel rule.
        let journey = known?;
        let (score, exact_match, explanation) = score(self.policy, points, staff, vacancy, journey);
        Some(Match {
            staff_id: staff.id,
            vacancy_id: vacancy.id,
            score,
            exact_match,
            priority_tier: staff.priority_tier,
            // Day numbers rather than date subtraction, which is several times the work for
            // a figure every eligible pair needs. Dates span far less than i32 days.
            days_left: staff.redeployment_period_ends.num_days_from_ce()
                - self.today.num_days_from_ce(),
            explanation,
        })
    }

    /// The staff member's journey to the vacancy.
    #[inline]
    fn journey(&self, staff: &StaffProfile, vacancy: &VacancyProfile) -> Journey {
        let minutes = self.policy.travel.minutes(staff.position, vacancy.position);
        Journey::new(self.policy, staff, minutes)
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
    #[inline]
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
const GRID_KM_PER_DEGREE: f64 = 110.5;
const CELL_KM: f64 = 5.0;

/// Where an item on a grid is, how far from a query point it may be and still match (its
/// own travel reach; unlimited for vacancies), and the rest of what the search checks before
/// reading a profile.
#[derive(Debug, Clone, Copy)]
struct Placed {
    lat: f64,
    lon: f64,
    reach_km: f64,
    fit: Fit,
}

/// What a staff member and a vacancy must agree on besides band and place: registrations and
/// hours. Kept beside each position so that a search drops most pairs these rules part without
/// reading the profiles; the rules themselves still decide every pair the search keeps.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// Held by a staff member; required by a vacancy.
    registrations: Registrations,
    /// The hours a staff member will work; a vacancy's hours, as a range of one value.
    hours_low: f64,
    hours_high: f64,
}

impl Fit {
    fn of_staff(staff: &StaffProfile) -> Fit {
        Fit {
            registrations: staff.registrations,
            hours_low: staff.hours.min().get(),
            hours_high: staff.hours.max().get(),
        }
    }

    fn of_vacancy(vacancy: &VacancyProfile) -> Fit {
        Fit {
            registrations: vacancy.registration_required.into(),
            hours_low: vacancy.hours.get(),
            hours_high: vacancy.hours.get(),
        }
    }

    /// Whether the staff member holds every registration the vacancy requires and will work
    /// its hours: the same comparisons as the hard rules, so it never parts a pair they join.
    /// Written without short cuts, as one branch for the caller rather than three.
    #[inline]
    fn suits(staff: &Fit, vacancy: &Fit) -> bool {
        staff.registrations.covers(vacancy.registrations)
            & (staff.hours_low <= vacancy.hours_low)
            & (vacancy.hours_high <= staff.hours_high)
    }
}

/// Profiles on a grid of map squares, for finding those within reach of a point. The squares
/// cover the profiles' bounding box, row by row, and each square's profiles sit together, in
/// copies kept in square order next to their positions: a query scans one contiguous run per
/// row of squares, drops what is out of reach from the positions alone, and reads the
/// profiles it keeps in memory order, which the processor's prefetching rewards.
#[derive(Debug, Clone)]
struct Grid<P> {
    /// The cosine of the furthest latitude from the equator among the items, so that east–west
    /// grid distances are never longer than real ones.
    cos_lat: f64,
    /// The longest reach of any item.
    longest_reach_km: f64,
    origin: (i32, i32),
    width: i32,
    height: i32,
    /// Where each square's items start in `places` and `profiles` (one more than squares).
    starts: Vec<u32>,
    places: Vec<Placed>,
    profiles: Vec<P>,
}

impl<P: Clone> Grid<P> {
    fn build<'p>(items: impl Iterator<Item = (Placed, &'p P)> + Clone) -> Grid<P>
    where
        P: 'p,
    {
        let max_lat = items
            .clone()
            .map(|(p, _)| p.lat.abs())
            .fold(0.0_f64, f64::max);
        let mut grid = Grid {
            cos_lat: max_lat.to_radians().cos().max(0.01),
            longest_reach_km: items.clone().map(|(p, _)| p.reach_km).fold(0.0, f64::max),
            origin: (0, 0),
            width: 0,
            height: 0,
            starts: Vec::new(),
            places: Vec::new(),
            profiles: Vec::new(),
        };
        let mut placed: Vec<(Placed, &P, (i32, i32))> = items
            .map(|(p, profile)| (p, profile, grid.cell(p.lat, p.lon)))
            .collect();
        if placed.is_empty() {
            return grid;
        }
        let (min_x, max_x) = placed
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), (_, _, c)| {
                (lo.min(c.0), hi.max(c.0))
            });
        let (min_y, max_y) = placed
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), (_, _, c)| {
                (lo.min(c.1), hi.max(c.1))
            });
        grid.origin = (min_x, min_y);
        grid.width = max_x - min_x + 1;
        grid.height = max_y - min_y + 1;
        let square = |c: (i32, i32)| ((c.1 - min_y) * grid.width + (c.0 - min_x)) as u32;
        // A stable sort keeps each square's items in input order.
        placed.sort_by_key(|(_, _, c)| square(*c));
        let squares = (grid.width * grid.height) as usize;
        let mut starts = vec![0u32; squares + 1];
        for (_, _, c) in &placed {
            starts[square(*c) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        grid.starts = starts;
        grid.places = placed.iter().map(|(p, _, _)| *p).collect();
        grid.profiles = placed
            .into_iter()
            .map(|(_, profile, _)| profile.clone())
            .collect();
        grid
    }

    fn cell(&self, lat: f64, lon: f64) -> (i32, i32) {
        let x = lon * GRID_KM_PER_DEGREE * self.cos_lat / CELL_KM;
        let y = lat * GRID_KM_PER_DEGREE / CELL_KM;
        (x.floor() as i32, y.floor() as i32)
    }

    /// Shows `visit` every profile that `suits` and that may lie within both its own reach
    /// and `reach_km` of `p`: a superset of those truly within it, because the distance used
    /// here is never longer than the real one. `visit` checks each with the rules.
    fn visit_near<'g>(
        &'g self,
        p: Coordinates,
        reach_km: f64,
        suits: impl Fn(&Fit) -> bool,
        mut visit: impl FnMut(&'g P),
    ) {
        if self.places.is_empty() {
            return;
        }
        let reach_km = reach_km.min(self.longest_reach_km);
        // East–west distances shrink with the smaller of the two latitudes' cosines, so a
        // query further from the equator than every item needs a wider search.
        let cos_lat = self.cos_lat.min(p.cos_lat());
        let east_km_per_degree = GRID_KM_PER_DEGREE * cos_lat;
        let (cx, cy) = self.cell(p.lat(), p.lon());
        let span_x = (reach_km * self.cos_lat / cos_lat / CELL_KM).ceil() as i32 + 1;
        let span_y = (reach_km / CELL_KM).ceil() as i32 + 1;
        let x0 = (cx - span_x - self.origin.0).max(0);
        let x1 = (cx + span_x - self.origin.0).min(self.width - 1);
        let y0 = (cy - span_y - self.origin.1).max(0);
        let y1 = (cy + span_y - self.origin.1).min(self.height - 1);
        if x0 > x1 || y0 > y1 {
            return;
        }
        // Which items pass is close to a coin toss, which a processor cannot predict: each
        // chunk is first sifted without branching, writing every item's position and keeping
        // it only if it passes, and then the kept ones are visited.
        const CHUNK: usize = 256;
        let mut kept = [0u32; CHUNK];
        for y in y0..=y1 {
            let first = (y * self.width + x0) as usize;
            let last = (y * self.width + x1) as usize;
            let run = self.starts[first] as usize..self.starts[last + 1] as usize;
            for start in run.clone().step_by(CHUNK) {
                let end = (start + CHUNK).min(run.end);
                let mut count = 0;
                for (i, place) in self.places[start..end].iter().enumerate() {
                    let north = (place.lat - p.lat()) * GRID_KM_PER_DEGREE;
                    let east = (place.lon - p.lon()) * east_km_per_degree;
                    let limit = place.reach_km.min(reach_km);
                    let passes = (north * north + east * east <= limit * limit) & suits(&place.fit);
                    kept[count] = i as u32;
                    count += usize::from(passes);
                }
                for &i in &kept[..count] {
                    visit(&self.profiles[start + i as usize]);
                }
            }
        }
    }
}

/// Staff and vacancies, indexed for ranking: one grid per band, and for staff a second grid
/// per band of those who will consider lower bands, so a vacancy below someone's band never
/// looks at people who have not agreed to that. Each side's grids are built the first time
/// they are needed, so ranking one new vacancy never pays to index every vacancy.
#[derive(Debug)]
pub struct Matcher<'a> {
    context: RankContext<'a>,
    staff: &'a [StaffProfile],
    vacancies: &'a [VacancyProfile],
    grids: Held<'a, Grids>,
}

/// The grids a [`Matcher`] searches, each side built from its profiles the first time it is
/// needed. Kept apart from the matcher so that a caller who ranks the same profiles request
/// after request builds them once: hand the same `Grids` to every [`Matcher::with_grids`] over
/// the same profiles and the same policy.
#[derive(Debug, Default)]
pub struct Grids {
    staff: OnceLock<StaffGrids>,
    vacancies: OnceLock<Vec<Grid<VacancyProfile>>>,
}

/// A value a matcher owns, or one it borrows from a caller who keeps it between matchers.
#[derive(Debug)]
enum Held<'a, T> {
    Owned(T),
    Borrowed(&'a T),
}

impl<T> std::ops::Deref for Held<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Held::Owned(value) => value,
            Held::Borrowed(value) => value,
        }
    }
}

#[derive(Debug)]
struct StaffGrids {
    by_band: Vec<Grid<StaffProfile>>,
    consenting_by_band: Vec<Grid<StaffProfile>>,
}

/// A staff member within travel of a place, and their journey there.
#[derive(Debug, Clone, Copy)]
struct Nearby<'s> {
    fit: Fit,
    journey: Journey,
    staff: &'s StaffProfile,
}

/// One grid per band, of the items in that band.
fn grids_by_band<P: Clone>(items: &[(Band, Placed, &P)]) -> Vec<Grid<P>> {
    Band::ALL
        .iter()
        .map(|band| {
            Grid::build(
                items
                    .iter()
                    .filter(move |(b, _, _)| b == band)
                    .map(|(_, placed, profile)| (*placed, *profile)),
            )
        })
        .collect()
}

impl<'a> Matcher<'a> {
    pub fn new(
        context: RankContext<'a>,
        staff: &'a [StaffProfile],
        vacancies: &'a [VacancyProfile],
    ) -> Matcher<'a> {
        Matcher {
            context,
            staff,
            vacancies,
            grids: Held::Owned(Grids::default()),
        }
    }

    /// A matcher that searches `grids`, built (by this matcher or an earlier one) from these
    /// same `staff` and `vacancies` under the same policy. Grids built from other profiles
    /// would find the wrong people; that is the caller's promise to keep.
    pub fn with_grids(
        context: RankContext<'a>,
        staff: &'a [StaffProfile],
        vacancies: &'a [VacancyProfile],
        grids: &'a Grids,
    ) -> Matcher<'a> {
        Matcher {
            context,
            staff,
            vacancies,
            grids: Held::Borrowed(grids),
        }
    }

    /// Builds both sides' grids now, rather than when a ranking first needs each.
    pub fn build_grids(&self) {
        self.staff_grids();
        self.vacancy_grids();
    }

    /// The staff grids. Only people who can match at all are indexed.
    fn staff_grids(&self) -> &StaffGrids {
        self.grids.staff.get_or_init(|| {
            let place_staff = |consenting_only: bool| -> Vec<(Band, Placed, &StaffProfile)> {
                self.staff
                    .iter()
                    .filter(|s| s.active && (s.lower_band_consent || !consenting_only))
                    .map(|s| {
                        let placed = Placed {
                            lat: s.position.lat(),
                            lon: s.position.lon(),
                            reach_km: self.context.reach_km(s.max_travel.minutes()),
                            fit: Fit::of_staff(s),
                        };
                        (s.band, placed, s)
                    })
                    .collect()
            };
            StaffGrids {
                by_band: grids_by_band(&place_staff(false)),
                consenting_by_band: grids_by_band(&place_staff(true)),
            }
        })
    }

    /// The vacancy grids. Only open vacancies are indexed.
    fn vacancy_grids(&self) -> &[Grid<VacancyProfile>] {
        self.grids.vacancies.get_or_init(|| {
            let placed: Vec<(Band, Placed, &VacancyProfile)> = self
                .vacancies
                .iter()
                .filter(|v| v.open)
                .map(|v| {
                    let placed = Placed {
                        lat: v.position.lat(),
                        lon: v.position.lon(),
                        reach_km: f64::INFINITY,
                        fit: Fit::of_vacancy(v),
                    };
                    (v.band, placed, v)
                })
                .collect();
            grids_by_band(&placed)
        })
    }

    /// The eligible candidates for the vacancy at `index`, in the DESIGN §2 order.
    pub fn candidates_for(&self, index: usize) -> Vec<Match> {
        let mut found = Vec::new();
        self.candidates_into(index, &mut found, &mut SortBuffers::default());
        found
    }

    /// Puts the eligible candidates for the vacancy at `index` into `found`, in order, reusing
    /// its memory.
    fn candidates_into(&self, index: usize, found: &mut Vec<Match>, buffers: &mut SortBuffers) {
        found.clear();
        let vacancy = &self.vacancies[index];
        if !vacancy.open {
            return;
        }
        let points = VacancyPoints::new(self.context.policy, vacancy);
        let mut visit = |staff: &StaffProfile| {
            let journey = || self.context.journey(staff, vacancy);
            if let Some(m) =
                self.context
                    .evaluate_travelling(staff, vacancy, Some(&points), journey)
            {
                found.push(m);
            }
        };
        let wanted = Fit::of_vacancy(vacancy);
        self.visit_staff_near(vacancy, |staff| Fit::suits(staff, &wanted), &mut visit);
        buffers.sort(found, Match::candidate_key, |m| m.staff_id);
    }

    /// Shows `visit` everyone that `suits` in the bands that may fill `vacancy` (their own, and
    /// the bands above it of those who accept a lower one) who may be within travel of it.
    fn visit_staff_near<'s>(
        &'s self,
        vacancy: &VacancyProfile,
        suits: impl Fn(&Fit) -> bool + Copy,
        mut visit: impl FnMut(&'s StaffProfile),
    ) {
        let band = vacancy.band.rank();
        let highest = (band + self.context.policy.max_band_drop).min(Band::B9.rank());
        let grids = self.staff_grids();
        grids.by_band[usize::from(band)].visit_near(
            vacancy.position,
            f64::INFINITY,
            suits,
            &mut visit,
        );
        for rank in band + 1..=highest {
            grids.consenting_by_band[usize::from(rank)].visit_near(
                vacancy.position,
                f64::INFINITY,
                suits,
                &mut visit,
            );
        }
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
        let offered = Fit::of_staff(staff);
        for rank in lowest..=highest {
            self.vacancy_grids()[usize::from(rank)].visit_near(
                staff.position,
                reach,
                |vacancy: &Fit| Fit::suits(&offered, vacancy),
                |vacancy| {
                    if let Some(m) = self.context.evaluate(staff, vacancy) {
                        found.push(m);
                    }
                },
            );
        }
        SortBuffers::default().sort(&mut found, Match::vacancy_key, |m| m.vacancy_id);
        found
    }

    /// Every eligible pair: each vacancy's candidates in order, vacancies in input order.
    /// Holds every match in memory at once; [`Matcher::rank_all`] streams them instead.
    pub fn all(&self) -> Vec<Match> {
        let mut found = Vec::new();
        let mut buffers = SortBuffers::default();
        let mut all = Vec::new();
        for v in 0..self.vacancies.len() {
            self.candidates_into(v, &mut found, &mut buffers);
            all.extend_from_slice(&found);
        }
        all
    }

    /// Ranks every vacancy's candidates on every core, handing each vacancy's ordered list to
    /// `sink` as soon as it is ready, so that memory holds one list per core, never every
    /// pair. `sink` is called from several threads at once, once per vacancy (with its index),
    /// in no particular order.
    ///
    /// Vacancies are at trust sites, many to a site: those of one band at one site are ranked
    /// together, so the search for people within travel, and each person's journey, is done
    /// once for them all rather than once a vacancy.
    pub fn rank_all(&self, sink: impl Fn(usize, &[Match]) + Sync) {
        let groups = self.groups_by_band_and_place();
        // Groups are handed out from a shared counter, so a core that drew busy groups does
        // not hold up the rest.
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let work = || {
            let mut near = Vec::new();
            let mut found = Vec::new();
            let mut buffers = SortBuffers::default();
            loop {
                let g = next.fetch_add(1, AtomicOrdering::Relaxed);
                let Some(group) = groups.get(g) else {
                    break;
                };
                let first = &self.vacancies[group[0] as usize];
                self.staff_within_travel(first, &mut near);
                // In order of days left, then id, so that each vacancy's candidates are found
                // in that order and the sort has only the rest of the order to do.
                near.sort_unstable_by_key(|n| (n.staff.redeployment_period_ends, n.staff.id));
                for &v in group.iter() {
                    let vacancy = &self.vacancies[v as usize];
                    found.clear();
                    let wanted = Fit::of_vacancy(vacancy);
                    let points = VacancyPoints::new(self.context.policy, vacancy);
                    for nearby in &near {
                        if Fit::suits(&nearby.fit, &wanted)
                            && let Some(m) = self.context.evaluate_travelling(
                                nearby.staff,
                                vacancy,
                                Some(&points),
                                || nearby.journey,
                            )
                        {
                            found.push(m);
                        }
                    }
                    buffers.candidates_from_days_order(&mut found);
                    sink(v as usize, &found);
                }
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..workers {
                scope.spawn(work);
            }
            work();
        });
    }

    /// The vacancies' indexes in groups of one band at one place, open ones only (a closed
    /// vacancy is a group of its own, which finds no one). Groups of neighbouring places
    /// follow one another, so the people they search are still in the processor's cache.
    fn groups_by_band_and_place(&self) -> Vec<Vec<u32>> {
        let mut order: Vec<(u8, i64, i64, u64, u64, u32)> = self
            .vacancies
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = v.position;
                let area = |degrees: f64| (degrees * 20.0).floor() as i64;
                if v.open {
                    let (lat, lon) = (p.lat().to_bits(), p.lon().to_bits());
                    (
                        v.band.rank(),
                        area(p.lat()),
                        area(p.lon()),
                        lat,
                        lon,
                        i as u32,
                    )
                } else {
                    (u8::MAX, 0, 0, 0, 0, i as u32)
                }
            })
            .collect();
        order.sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        let mut previous: Option<(u8, u64, u64)> = None;
        for (band, _, _, lat, lon, i) in order {
            let place = (band, lat, lon);
            match groups.last_mut() {
                Some(group) if band != u8::MAX && previous == Some(place) => group.push(i),
                _ => groups.push(vec![i]),
            }
            previous = Some(place);
        }
        groups
    }

    /// Everyone who may be a candidate for `vacancy` as far as band and travel go, with their
    /// journey to it: the same for every vacancy of its band at its site.
    fn staff_within_travel<'s>(&'s self, vacancy: &VacancyProfile, near: &mut Vec<Nearby<'s>>) {
        near.clear();
        if !vacancy.open {
            return;
        }
        self.visit_staff_near(
            vacancy,
            |_| true,
            |staff| {
                let journey = self.context.journey(staff, vacancy);
                if journey.minutes <= staff.max_travel.minutes() {
                    near.push(Nearby {
                        fit: Fit::of_staff(staff),
                        journey,
                        staff,
                    });
                }
            },
        );
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
