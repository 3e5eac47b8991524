use std::collections::BTreeMap;

use domain::{Band, StaffGroup};

use super::*;

/// The pay scale exactly as configured, so the demo is tested against the real numbers.
fn configured_pay() -> PayScale {
    #[derive(serde::Deserialize)]
    struct Config {
        pay: PayScale,
    }
    let config: Config =
        toml::from_str(include_str!("../../../config/default.toml")).expect("config parses");
    config.pay
}

fn spec(seed: u64, staff: usize, vacancies: usize) -> DemoSpec {
    DemoSpec {
        seed,
        staff,
        vacancies,
        today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        past_cases: 40,
    }
}

#[test]
fn the_same_seed_gives_the_same_data_set_and_another_seed_a_different_one() {
    let reference = ReferenceData::london().unwrap();
    let pay = configured_pay();
    let first = generate(&spec(7, 300, 900), &reference, &pay);
    let again = generate(&spec(7, 300, 900), &reference, &pay);
    let other = generate(&spec(8, 300, 900), &reference, &pay);
    assert_eq!(first, again);
    assert_ne!(first.staff, other.staff);
    assert_ne!(first.vacancies, other.vacancies);
    assert_eq!(first.staff.len(), 300);
    assert_eq!(first.vacancies.len(), 900);
}

#[test]
fn staff_numbers_and_vacancy_references_are_unique_within_their_trust() {
    let reference = ReferenceData::london().unwrap();
    let data = generate(&spec(1, 2000, 8000), &reference, &configured_pay());
    let mut staff_keys: Vec<_> = data
        .staff
        .iter()
        .map(|s| (s.trust.clone(), s.staff_number.clone()))
        .collect();
    staff_keys.sort();
    staff_keys.dedup();
    assert_eq!(staff_keys.len(), 2000);
    let mut vacancy_keys: Vec<_> = data
        .vacancies
        .iter()
        .map(|v| (v.trust.clone(), v.reference.clone()))
        .collect();
    vacancy_keys.sort();
    vacancy_keys.dedup();
    assert_eq!(vacancy_keys.len(), 8000);
}

#[test]
fn the_mix_looks_like_the_london_nhs_workforce() {
    let reference = ReferenceData::london().unwrap();
    let data = generate(&spec(2026, 2000, 8000), &reference, &configured_pay());
    let mut by_group: BTreeMap<StaffGroup, usize> = BTreeMap::new();
    for s in &data.staff {
        *by_group.entry(s.staff_group).or_default() += 1;
    }
    // Nursing and administration are the largest groups; every AfC group appears.
    assert!(by_group[&StaffGroup::NursingMidwiferyRegistered] > 350);
    assert!(by_group[&StaffGroup::AdministrativeClerical] > 350);
    assert!(by_group.len() >= 7);
    // Most at-risk staff are on bands 2–6; senior bands are a small minority.
    let middle = data
        .staff
        .iter()
        .filter(|s| (Band::B2..=Band::B6).contains(&s.band))
        .count();
    let senior = data.staff.iter().filter(|s| s.band >= Band::B8b).count();
    assert!(middle > 1300, "{middle}");
    assert!(senior < 150, "{senior}");
    // Registered nurses hold NMC registration; every vacancy is at a real site of its trust.
    assert!(
        data.staff
            .iter()
            .filter(|s| s.staff_group == StaffGroup::NursingMidwiferyRegistered)
            .all(|s| s.registrations == vec![domain::Registration::Nmc])
    );
    for v in &data.vacancies {
        let site = reference
            .sites
            .iter()
            .find(|s| s.code == v.site)
            .expect("site exists");
        assert_eq!(site.trust, v.trust);
        assert!(!v.essential_skills.is_empty());
    }
    // A reorganisation concentrates at-risk staff in a few trusts.
    let mut by_trust: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &data.staff {
        *by_trust.entry(s.trust.as_str()).or_default() += 1;
    }
    let mut counts: Vec<usize> = by_trust.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    assert!(counts.iter().take(6).sum::<usize>() > 1000, "{counts:?}");
}

#[test]
fn homes_are_near_work_and_dates_are_around_today() {
    let reference = ReferenceData::london().unwrap();
    let s = spec(3, 500, 500);
    let data = generate(&s, &reference, &configured_pay());
    let with_home = data
        .staff
        .iter()
        .filter(|m| m.home_postcode.is_some())
        .count();
    assert!(
        with_home > 400,
        "most staff give a home postcode: {with_home}"
    );
    for member in &data.staff {
        let base = reference
            .sites
            .iter()
            .find(|site| site.code == member.base_site)
            .unwrap();
        let home = home_position(&reference, member).unwrap();
        assert!(home.distance_km(base.position) <= 21.0);
        assert!(member.redeployment_period_ends > s.today);
        assert!(member.continuous_service_start < s.today);
    }
    for vacancy in data
        .vacancies
        .iter()
        .filter(|v| v.status == VacancyStatus::Open)
    {
        assert!(vacancy.closing_date > s.today);
        assert!(vacancy.posted_on <= s.today);
    }
}

#[test]
fn past_cases_are_reproducible_lie_in_the_two_years_before_today_and_leave_todays_data_alone() {
    let reference = ReferenceData::london().unwrap();
    let pay = configured_pay();
    let with = generate(&spec(7, 50, 150), &reference, &pay);
    let without = generate(
        &DemoSpec {
            past_cases: 0,
            ..spec(7, 50, 150)
        },
        &reference,
        &pay,
    );
    assert_eq!(with.staff, without.staff, "today's staff are unchanged");
    assert_eq!(with.vacancies, without.vacancies, "today's vacancies too");
    assert_eq!(with.past.len(), 40);
    assert_eq!(with, generate(&spec(7, 50, 150), &reference, &pay));

    let today = spec(7, 50, 150).today;
    let two_years_ago = today - chrono::Days::new(731);
    for case in &with.past {
        assert!((two_years_ago..today).contains(&case.registered));
        assert!(case.vacancy.posted_on >= case.registered);
        assert_eq!(case.vacancy.staff_group, case.staff.staff_group);
        assert!(case.vacancy.band <= case.staff.band);
        let days: Vec<_> = case.moves.iter().map(|m| m.on).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
        assert!(days[0] > case.registered);
        let ended_on = case.redundant_on.unwrap_or(*days.last().unwrap());
        assert!(ended_on < today, "{case:?}");
        let redeployed = case.moves.last().unwrap().to == domain::MatchStatus::Redeployed;
        assert_eq!(redeployed, case.redundant_on.is_none());
        assert!(case.staff.continuous_service_start < case.registered);
    }
    let redeployed = with
        .past
        .iter()
        .filter(|c| c.redundant_on.is_none())
        .count();
    assert!(
        redeployed > 20,
        "most past cases end in redeployment: {redeployed}"
    );
}
