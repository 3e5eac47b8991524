//! Properties the ranking must keep for any staff and vacancies whatsoever.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};
use proptest::prelude::*;
use redeploy_matcher::{
    Exclusion, Exclusions, Match, MatchPolicy, Matcher, RankContext, Registrations, SkillId,
    SkillSet, StaffProfile, VacancyProfile, candidate_order, naive,
};

const SKILLS: u32 = 24;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// Mostly London, sometimes the north of England, so that searches cross latitudes.
fn position() -> impl Strategy<Value = Coordinates> {
    prop_oneof![
        9 => (51.30..51.70f64, -0.50..0.30f64),
        1 => (53.0..55.5f64, -3.0..0.0f64),
    ]
    .prop_map(|(lat, lon)| Coordinates::new(lat, lon).unwrap())
}

/// A few hospital sites: vacancies are at trust sites, many to a site, and a full rematch
/// ranks those of one band at one site together.
const SITES: [(f64, f64); 4] = [
    (51.468, -0.094),
    (51.502, -0.118),
    (51.556, -0.102),
    (51.38, -0.10),
];

/// A vacancy's place: usually one of the sites, sometimes anywhere.
fn site_or_anywhere() -> impl Strategy<Value = Coordinates> {
    prop_oneof![
        3 => prop::sample::select(SITES.to_vec())
            .prop_map(|(lat, lon)| Coordinates::new(lat, lon).unwrap()),
        2 => position(),
    ]
}

fn skills(max: usize) -> impl Strategy<Value = SkillSet> {
    proptest::collection::vec(0..SKILLS, 0..max)
        .prop_map(|ids| SkillSet::new(ids.into_iter().map(SkillId)))
}

/// The NMC registration when `held`, else none.
fn nmc_if(held: bool) -> Registrations {
    if held {
        [Registration::Nmc].into_iter().collect()
    } else {
        Registrations::default()
    }
}

fn band() -> impl Strategy<Value = Band> {
    (1u8..12).prop_map(|r| Band::from_rank(r).unwrap())
}

fn group() -> impl Strategy<Value = StaffGroup> {
    prop::sample::select(StaffGroup::ALL.to_vec())
}

fn staff(id: i64) -> impl Strategy<Value = StaffProfile> {
    (
        (
            prop::bool::weighted(0.9),
            band(),
            group(),
            skills(10),
            prop::bool::weighted(0.5),
            position(),
        ),
        (
            15u32..120,
            (7.5..37.5f64),
            (0.0..10.0f64),
            prop::bool::ANY,
            1u8..5,
            0u64..200,
        ),
    )
        .prop_map(
            move |(
                (active, band, group, skills, nmc, position),
                (limit, min, extra, consent, tier, days),
            )| {
                StaffProfile {
                    id,
                    active,
                    band,
                    staff_group: group,
                    skills,
                    registrations: nmc_if(nmc),
                    position,
                    location_basis: LocationBasis::HomeDistrict,
                    max_travel: TravelLimit::new(limit).unwrap(),
                    hours: HoursRange::new(
                        Hours::new(min).unwrap(),
                        Hours::new((min + extra).min(48.0)).unwrap(),
                    )
                    .unwrap(),
                    lower_band_consent: consent,
                    priority_tier: PriorityTier::new(tier).unwrap(),
                    redeployment_period_ends: today() + Days::new(days),
                }
            },
        )
}

fn vacancy(id: i64) -> impl Strategy<Value = VacancyProfile> {
    (
        prop::bool::weighted(0.9),
        band(),
        group(),
        skills(5),
        skills(4),
        prop::bool::weighted(0.3),
        site_or_anywhere(),
        (7.5..45.0f64),
    )
        .prop_map(
            move |(open, band, group, essential, desirable, nmc, position, hours)| VacancyProfile {
                id,
                open,
                band,
                staff_group: group,
                essential,
                desirable,
                registration_required: nmc.then_some(Registration::Nmc),
                position,
                hours: Hours::new(hours).unwrap(),
            },
        )
}

fn world() -> impl Strategy<Value = (Vec<StaffProfile>, Vec<VacancyProfile>, Vec<(usize, usize)>)> {
    (1usize..40, 1usize..40).prop_flat_map(|(s, v)| {
        (
            (0..s).map(|i| staff(i as i64 + 1)).collect::<Vec<_>>(),
            (0..v).map(|i| vacancy(1000 + i as i64)).collect::<Vec<_>>(),
            proptest::collection::vec((0..s, 0..v), 0..5),
        )
    })
}

fn exclusions_of(
    staff: &[StaffProfile],
    vacancies: &[VacancyProfile],
    pairs: &[(usize, usize)],
) -> Exclusions {
    pairs
        .iter()
        .map(|&(s, v)| ((staff[s].id, vacancies[v].id), Exclusion::DeclinedByStaff))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_index_gives_exactly_what_every_pair_checked_gives((staff, vacancies, excluded) in world()) {
        let policy = MatchPolicy::default();
        let exclusions = exclusions_of(&staff, &vacancies, &excluded);
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        let matcher = Matcher::new(context.clone(), &staff, &vacancies);
        let expected = naive::all(&context, &staff, &vacancies);
        prop_assert_eq!(&matcher.all(), &expected);
        prop_assert_eq!(&ranked_on_every_core(&matcher, vacancies.len()), &expected);
        for (i, member) in staff.iter().enumerate() {
            prop_assert_eq!(matcher.vacancies_for(i), naive::vacancies_for(&context, member, &vacancies));
        }
    }

    #[test]
    fn a_pair_is_ranked_exactly_when_why_not_finds_nothing((staff, vacancies, excluded) in world()) {
        let policy = MatchPolicy::default();
        let exclusions = exclusions_of(&staff, &vacancies, &excluded);
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        for s in &staff {
            for v in &vacancies {
                prop_assert_eq!(context.evaluate(s, v).is_some(), context.why_not(s, v).is_empty());
            }
        }
    }

    #[test]
    fn no_suggested_pair_breaks_a_hard_rule((staff, vacancies, excluded) in world()) {
        let policy = MatchPolicy::default();
        let exclusions = exclusions_of(&staff, &vacancies, &excluded);
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        let matcher = Matcher::new(context.clone(), &staff, &vacancies);
        let by_id: HashMap<i64, usize> = staff.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let vacancy_index: HashMap<i64, usize> = vacancies.iter().enumerate().map(|(i, v)| (v.id, i)).collect();
        for m in matcher.all() {
            let s = &staff[by_id[&m.staff_id]];
            let v = &vacancies[vacancy_index[&m.vacancy_id]];
            prop_assert!(context.why_not(s, v).is_empty());
            prop_assert!(v.band <= s.band && v.band.steps_below(s.band) <= policy.max_band_drop);
            prop_assert!(m.explanation.travel_minutes <= s.max_travel.minutes());
            prop_assert!(s.hours.contains(v.hours));
            prop_assert!(!exclusions.contains_key(&(s.id, v.id)));
            prop_assert!((0.0..=100.0).contains(&m.score.get()));
        }
    }

    #[test]
    fn the_order_is_total_and_does_not_depend_on_input_order((staff, vacancies, _excluded) in world(), seed in any::<u64>()) {
        let policy = MatchPolicy::default();
        let exclusions = Exclusions::new();
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        let matcher = Matcher::new(context.clone(), &staff, &vacancies);
        let mut shuffled = staff.clone();
        // A fixed permutation from the seed.
        let n = shuffled.len();
        for i in 0..n {
            let j = ((seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64)) % n as u64) as usize;
            shuffled.swap(i, j);
        }
        let reordered = Matcher::new(context.clone(), &shuffled, &vacancies);
        for v in 0..vacancies.len() {
            let ranked = matcher.candidates_for(v);
            prop_assert_eq!(&ranked, &reordered.candidates_for(v));
            for pair in ranked.windows(2) {
                prop_assert_eq!(candidate_order(&pair[0], &pair[1]), std::cmp::Ordering::Less);
            }
        }
    }

    #[test]
    fn adding_a_skill_the_vacancy_asks_for_never_lowers_the_score((staff, vacancies, _excluded) in world()) {
        let policy = MatchPolicy::default();
        let exclusions = Exclusions::new();
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        for s in &staff {
            for v in &vacancies {
                let Some(before) = context.evaluate(s, v) else { continue };
                for wanted in v.essential.iter().chain(v.desirable.iter()) {
                    let mut richer = s.clone();
                    richer.skills.insert(wanted);
                    let after = context.evaluate(&richer, v).expect("a skill never makes a pair ineligible");
                    prop_assert!(after.score >= before.score, "{} < {}", after.score, before.score);
                }
            }
        }
    }

    #[test]
    fn moving_a_vacancy_closer_never_lowers_the_score((staff, vacancies, _excluded) in world(), share in 0.0..1.0f64) {
        let policy = MatchPolicy::default();
        let exclusions = Exclusions::new();
        let context = RankContext { policy: &policy, today: today(), exclusions: &exclusions };
        for s in &staff {
            for v in &vacancies {
                let Some(before) = context.evaluate(s, v) else { continue };
                let mut closer = v.clone();
                let (lat, lon) = (v.position.lat(), v.position.lon());
                closer.position = Coordinates::new(
                    lat + (s.position.lat() - lat) * share,
                    lon + (s.position.lon() - lon) * share,
                ).unwrap();
                let after = context.evaluate(s, &closer).expect("closer is never too far");
                prop_assert!(after.score >= before.score, "{} < {}", after.score, before.score);
            }
        }
    }
}

/// One large world (a thousand staff and vacancies), so that the index is exercised with many
/// people in each map square and band, and plenty of pairs are eligible.
#[test]
fn a_large_random_world_ranks_the_same_through_the_index() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let staff: Vec<StaffProfile> = (0..1000)
        .map(|i| staff(i).new_tree(&mut runner).unwrap().current())
        .collect();
    let vacancies: Vec<VacancyProfile> = (0..1000)
        .map(|i| vacancy(10_000 + i).new_tree(&mut runner).unwrap().current())
        .collect();
    let policy = MatchPolicy::default();
    let exclusions = Exclusions::new();
    let context = RankContext {
        policy: &policy,
        today: today(),
        exclusions: &exclusions,
    };
    let indexed = Matcher::new(context.clone(), &staff, &vacancies).all();
    assert!(
        indexed.len() > 500,
        "only {} eligible pairs: the world is too sparse to test anything",
        indexed.len()
    );
    assert_eq!(indexed, naive::all(&context, &staff, &vacancies));

    // Ranking on every core gives each vacancy the same list.
    let matcher = Matcher::new(context.clone(), &staff, &vacancies);
    assert_eq!(ranked_on_every_core(&matcher, vacancies.len()), indexed);
}

/// Every vacancy's list from [`Matcher::rank_all`], vacancies in input order, checking that
/// each vacancy was handed over exactly once.
fn ranked_on_every_core(matcher: &Matcher<'_>, vacancies: usize) -> Vec<Match> {
    let streamed = std::sync::Mutex::new(Vec::new());
    matcher.rank_all(|v, found| streamed.lock().unwrap().push((v, found.to_vec())));
    let mut streamed = streamed.into_inner().unwrap();
    streamed.sort_by_key(|(v, _)| *v);
    let handed_over: Vec<usize> = streamed.iter().map(|(v, _)| *v).collect();
    assert_eq!(handed_over, (0..vacancies).collect::<Vec<_>>());
    streamed.into_iter().flat_map(|(_, found)| found).collect()
}

/// Thousands of people around a few sites, with few distinct skills, limits and dates, so
/// that each vacancy has hundreds of candidates and many of them tie on everything but their
/// id: the long lists and the ties take the sort's other paths, which must give the same
/// order as the reference. Some pairs are kept apart by people's decisions.
#[test]
fn long_candidate_lists_full_of_ties_rank_the_same_on_every_core() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let near_sites = (0usize..SITES.len(), -0.03..0.03f64, -0.03..0.03f64)
        .prop_map(|(i, dy, dx)| Coordinates::new(SITES[i].0 + dy, SITES[i].1 + dx).unwrap());
    let person = (
        prop::sample::select(vec![Band::B5, Band::B6]),
        skills(3),
        prop::bool::ANY,
        near_sites,
        prop::bool::ANY,
        1u8..3,
        0u64..3,
    );
    // Ids run backwards against the order people are generated in, so that an order left
    // as found would differ from the reference's.
    let staff: Vec<StaffProfile> = (0..3000)
        .map(|i| {
            let (band, skills, nmc, position, consent, tier, days) =
                person.new_tree(&mut runner).unwrap().current();
            StaffProfile {
                id: 5000 - i,
                active: true,
                band,
                staff_group: StaffGroup::NursingMidwiferyRegistered,
                skills,
                registrations: nmc_if(nmc),
                position,
                location_basis: LocationBasis::HomeDistrict,
                max_travel: TravelLimit::new(90).unwrap(),
                hours: HoursRange::new(Hours::new(30.0).unwrap(), Hours::new(37.5).unwrap())
                    .unwrap(),
                lower_band_consent: consent,
                priority_tier: PriorityTier::new(tier).unwrap(),
                redeployment_period_ends: today() + Days::new(days),
            }
        })
        .collect();
    let vacancies: Vec<VacancyProfile> = (0..120)
        .map(|i| {
            let mut v = vacancy(10_000 + i).new_tree(&mut runner).unwrap().current();
            v.open = true;
            v.band = if i % 2 == 0 { Band::B5 } else { Band::B6 };
            v.staff_group = StaffGroup::NursingMidwiferyRegistered;
            v.hours = Hours::new(37.5).unwrap();
            let (lat, lon) = SITES[i as usize % SITES.len()];
            v.position = Coordinates::new(lat, lon).unwrap();
            v
        })
        .collect();
    let exclusions: Exclusions = (0..200)
        .map(|i| {
            (
                (5000 - i * 7, 10_000 + i % 120),
                Exclusion::RejectedByEmployer,
            )
        })
        .collect();
    let policy = MatchPolicy::default();
    let context = RankContext {
        policy: &policy,
        today: today(),
        exclusions: &exclusions,
    };
    let matcher = Matcher::new(context.clone(), &staff, &vacancies);
    let expected = naive::all(&context, &staff, &vacancies);
    let shortest = vacancies
        .iter()
        .map(|v| expected.iter().filter(|m| m.vacancy_id == v.id).count())
        .min()
        .unwrap();
    assert!(
        shortest > 300,
        "the shortest list has {shortest} candidates: too short to test long lists"
    );
    assert_eq!(ranked_on_every_core(&matcher, vacancies.len()), expected);
    assert_eq!(matcher.all(), expected);
}
