//! A small hand-made London scenario with the expected orders written out, and why.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{
    Band, Coordinates, Hours, HoursRange, LocationBasis, PriorityTier, Registration, StaffGroup,
    TravelLimit,
};
use redeploy_matcher::{
    Exclusion, Exclusions, Explanation, MatchPolicy, Matcher, RankContext, RuleFailure,
    SkillInterner, SkillSet, StaffProfile, VacancyProfile,
};

fn at(lat: f64, lon: f64) -> Coordinates {
    Coordinates::new(lat, lon).unwrap()
}

const KINGS: (f64, f64) = (51.4681, -0.0939); // King's College Hospital, SE5 9RS
const CAMBERWELL: (f64, f64) = (51.4741, -0.0930); // SE5 centroid, under 1 km away
const PECKHAM: (f64, f64) = (51.4700, -0.0690); // SE15, about 2 km away
const UXBRIDGE: (f64, f64) = (51.5460, -0.4780); // UB8, about 28 km away

struct Scenario {
    interner: SkillInterner,
    staff: Vec<StaffProfile>,
    vacancies: Vec<VacancyProfile>,
}

fn person(
    id: i64,
    band: Band,
    skills: SkillSet,
    home: (f64, f64),
    tier: PriorityTier,
    consent: bool,
) -> StaffProfile {
    StaffProfile {
        id,
        active: true,
        band,
        staff_group: StaffGroup::NursingMidwiferyRegistered,
        skills,
        registrations: [Registration::Nmc].into_iter().collect(),
        position: at(home.0, home.1),
        location_basis: LocationBasis::HomeDistrict,
        max_travel: TravelLimit::new(45).unwrap(),
        hours: HoursRange::new(Hours::new(30.0).unwrap(), Hours::new(37.5).unwrap()).unwrap(),
        lower_band_consent: consent,
        priority_tier: tier,
        redeployment_period_ends: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
    }
}

fn scenario() -> Scenario {
    let mut interner = SkillInterner::default();
    let phlebotomy = interner.intern("phlebotomy", "Phlebotomy");
    let wound_care = interner.intern("wound care", "Wound care");
    let ipc = interner.intern(
        "infection prevention and control",
        "Infection prevention and control",
    );
    let both = SkillSet::new([phlebotomy, wound_care]);
    use PriorityTier::*;
    let staff = vec![
        // 1: same band, both essential skills, lives under 1 km away: an exact match.
        person(
            1,
            Band::B6,
            both.clone(),
            CAMBERWELL,
            OrganisationalChange,
            false,
        ),
        // 2: band 7 and willing to drop a band, both skills: eligible, not exact (a band lower).
        person(
            2,
            Band::B7,
            both.clone(),
            PECKHAM,
            OrganisationalChange,
            true,
        ),
        // 3: same band, one of the two essential skills: eligible, half the essential points.
        person(
            3,
            Band::B6,
            SkillSet::new([phlebotomy]),
            CAMBERWELL,
            OrganisationalChange,
            false,
        ),
        // 4: exact in every way but priority tier 2: after every tier 1 candidate.
        person(
            4,
            Band::B6,
            both.clone(),
            CAMBERWELL,
            HealthOrCapability,
            false,
        ),
        // 5: lives in Uxbridge, well over a 45-minute journey: never suggested.
        person(
            5,
            Band::B6,
            both.clone(),
            UXBRIDGE,
            OrganisationalChange,
            false,
        ),
        // 6: band 8a, two bands above the post: more than the one-band drop allowed.
        person(
            6,
            Band::B8a,
            both.clone(),
            CAMBERWELL,
            OrganisationalChange,
            true,
        ),
        // 7: band 7 but has not agreed to consider lower bands.
        person(
            7,
            Band::B7,
            both.clone(),
            CAMBERWELL,
            OrganisationalChange,
            false,
        ),
        // 8: declined this vacancy already.
        person(
            8,
            Band::B6,
            both.clone(),
            CAMBERWELL,
            OrganisationalChange,
            false,
        ),
    ];
    let vacancies = vec![VacancyProfile {
        id: 100,
        open: true,
        band: Band::B6,
        staff_group: StaffGroup::NursingMidwiferyRegistered,
        essential: both,
        desirable: SkillSet::new([ipc]),
        registration_required: Some(Registration::Nmc),
        position: at(KINGS.0, KINGS.1),
        hours: Hours::new(37.5).unwrap(),
    }];
    Scenario {
        interner,
        staff,
        vacancies,
    }
}

#[test]
fn candidates_come_in_priority_then_exact_then_score_order() {
    let s = scenario();
    let policy = MatchPolicy::default();
    let exclusions: Exclusions = HashMap::from([((8, 100), Exclusion::DeclinedByStaff)]);
    let context = RankContext {
        policy: &policy,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        exclusions: &exclusions,
    };
    let matcher = Matcher::new(context, &s.staff, &s.vacancies);
    let candidates = matcher.candidates_for(0);
    let order: Vec<i64> = candidates.iter().map(|m| m.staff_id).collect();
    // 1 (tier 1, exact), then tier 1 by score: 2 (both skills, half the band points: 72.5)
    // beats 3 (half the essential skills: 58.5), then 4 (tier 2, although exact).
    assert_eq!(order, [1, 2, 3, 4]);
    assert!(candidates[0].exact_match && candidates[3].exact_match);
    assert!(
        !candidates[1].exact_match,
        "a band lower is never a slot-in match"
    );
    assert!(candidates[1].score > candidates[2].score);

    let one = &candidates[0].explanation;
    assert_eq!(one.points.essential_skills.get(), 45.0);
    assert_eq!(one.points.band.get(), 15.0);
    assert_eq!(one.points.desirable_skills.get(), 0.0);
    assert_eq!(one.band_drop, 0);
    assert!(one.travel_minutes <= 13, "{}", one.travel_minutes);
    let two = &candidates[1].explanation;
    assert_eq!((two.band_drop, two.points.band.get()), (1, 7.5));
    let three = &candidates[2].explanation;
    assert_eq!(three.points.essential_skills.get(), 22.5);
    assert_eq!(three.points.desirable_skills.get(), 0.0);
    assert_eq!(
        (candidates[1].score.get(), candidates[2].score.get()),
        (72.5, 58.5)
    );
    let missing: Vec<&str> = Explanation::missing_skills(&s.staff[2], &s.vacancies[0])
        .iter()
        .map(|id| s.interner.name(*id))
        .collect();
    assert_eq!(missing, ["Wound care"]);
}

#[test]
fn why_not_names_every_rule_a_pair_fails() {
    let s = scenario();
    let policy = MatchPolicy::default();
    let exclusions: Exclusions = HashMap::from([((8, 100), Exclusion::DeclinedByStaff)]);
    let context = RankContext {
        policy: &policy,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        exclusions: &exclusions,
    };
    let matcher = Matcher::new(context, &s.staff, &s.vacancies);
    assert!(matches!(
        matcher.why_not(4, 0)[..],
        [RuleFailure::TooFar { limit: 45, .. }]
    ));
    assert_eq!(
        matcher.why_not(5, 0),
        [RuleFailure::BandDropTooFar { drop: 2, max: 1 }]
    );
    assert_eq!(
        matcher.why_not(6, 0),
        [RuleFailure::NoLowerBandConsent { drop: 1 }]
    );
    assert_eq!(
        matcher.why_not(7, 0),
        [RuleFailure::Excluded {
            by: Exclusion::DeclinedByStaff
        }]
    );
    assert!(matcher.why_not(0, 0).is_empty());
    let words = matcher.why_not(4, 0)[0].to_string();
    assert!(
        words.contains("over the staff member's limit of 45 minutes"),
        "{words}"
    );

    // For the staff member, the same vacancy from the other side.
    assert_eq!(matcher.vacancies_for(0).len(), 1);
    assert!(matcher.vacancies_for(4).is_empty());
}
