//! How fast the matcher ranks, on the synthetic London data set at three sizes, against the
//! every-pair reference (and a naive ranking that compares skill names with `strsim`, as a
//! spreadsheet-style matcher would), in the same run, with the ratios printed.
//!
//! The every-pair rankings are too slow to run in full at the larger sizes; they are timed on
//! a sample of vacancies against every staff member and scaled by the share sampled, which
//! the output says. With `REDEPLOY_BENCH_POSTGRES_URL` set to a PostgreSQL server, the same
//! ranking is also run as one SQL query over the same data loaded into a fresh database.
//!
//! A full rematch streams each vacancy's ranked list to a sink, as the service does when it
//! counts the demo data set's eligible pairs, so memory holds one list per core rather than
//! every pair.

#[path = "support/postgres_ranking.rs"]
mod postgres_ranking;

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domain::{LocationBasis, ReferenceData};
use matcher::{
    Exclusions, MatchPolicy, Matcher, RankContext, SkillInterner, StaffProfile, VacancyProfile,
    naive,
};

const POSTGRES_ENV: &str = "REDEPLOY_BENCH_POSTGRES_URL";
const SEED: u64 = 2026;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
}

/// Profiles of the demo data set, with each skill's name kept for the strsim baseline.
struct World {
    staff: Vec<StaffProfile>,
    vacancies: Vec<VacancyProfile>,
    staff_skill_names: Vec<Vec<String>>,
    vacancy_skill_names: Vec<(Vec<String>, Vec<String>)>,
}

fn world(staff: usize, vacancies: usize) -> World {
    let reference = ReferenceData::london().expect("reference data");
    let empty = tempfile::tempdir().expect("folder");
    let pay = store::Settings::load_from(empty.path(), &store::CommandLine::default())
        .expect("configuration")
        .pay;
    let spec = demo::DemoSpec {
        seed: SEED,
        staff,
        vacancies,
        today: today(),
        past_cases: 0,
    };
    let data = demo::generate(&spec, &reference, &pay);
    let mut interner = SkillInterner::default();
    let site = |code: &str| {
        reference
            .sites
            .iter()
            .find(|s| s.code == code)
            .expect("site")
            .position
    };
    let staff_profiles = data
        .staff
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (position, basis) = match s
                .home_postcode
                .as_ref()
                .and_then(|p| reference.district(&p.district()))
            {
                Some(d) => (d.position, LocationBasis::HomeDistrict),
                None => (site(&s.base_site), LocationBasis::BaseSite),
            };
            StaffProfile::from_record(i as i64, s, position, basis, &mut interner)
        })
        .collect();
    let vacancy_profiles = data
        .vacancies
        .iter()
        .enumerate()
        .map(|(i, v)| {
            VacancyProfile::from_record(i as i64, v, site(&v.site), today(), &mut interner)
        })
        .collect();
    World {
        staff: staff_profiles,
        vacancies: vacancy_profiles,
        staff_skill_names: data
            .staff
            .iter()
            .map(|s| s.skills.iter().map(|k| k.skill.clone()).collect())
            .collect(),
        vacancy_skill_names: data
            .vacancies
            .iter()
            .map(|v| {
                (
                    v.essential_skills.iter().map(|k| k.skill.clone()).collect(),
                    v.desirable_skills.iter().map(|k| k.skill.clone()).collect(),
                )
            })
            .collect(),
    }
}

/// A naive ranking as a spreadsheet-style matcher would do it: every pair, the hard rules,
/// and skill coverage by comparing names with Jaro–Winkler. Returns the number of eligible pairs.
fn strsim_naive(
    context: &RankContext<'_>,
    world: &World,
    vacancies: std::ops::Range<usize>,
) -> usize {
    let mut eligible = 0;
    for v in vacancies {
        let vacancy = &world.vacancies[v];
        let (essential, desirable) = &world.vacancy_skill_names[v];
        for (s, staff) in world.staff.iter().enumerate() {
            if context.why_not(staff, vacancy).is_empty() {
                let held = &world.staff_skill_names[s];
                let covered = |wanted: &[String]| {
                    wanted
                        .iter()
                        .filter(|w| held.iter().any(|h| strsim::jaro_winkler(w, h) >= 0.92))
                        .count()
                };
                black_box((covered(essential), covered(desirable)));
                eligible += 1;
            }
        }
    }
    eligible
}

/// The largest resident memory this process has had, in MiB (Linux), if known.
fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The median of a few timed runs of a full rematch, streamed to a sink that counts, in seconds,
/// with the number of eligible pairs.
fn time_full_rematch(matcher: &Matcher<'_>, runs: usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut eligible = 0;
    for _ in 0..runs {
        let count = AtomicUsize::new(0);
        let started = Instant::now();
        matcher.rank_all(|_, ranked| {
            count.fetch_add(ranked.len(), Ordering::Relaxed);
            black_box(ranked);
        });
        times.push(started.elapsed().as_secs_f64());
        eligible = count.into_inner();
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], eligible)
}

fn rank(c: &mut Criterion) {
    let policy = MatchPolicy::default();
    let exclusions = Exclusions::new();
    let context = RankContext {
        policy: &policy,
        today: today(),
        exclusions: &exclusions,
    };
    let postgres = std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty());
    if postgres.is_none() {
        println!("({POSTGRES_ENV} is not set: the SQL comparison is left out)");
    }

    for (staff, vacancies, sample) in [
        (2_000usize, 8_000usize, 800usize),
        (5_000, 20_000, 200),
        (20_000, 100_000, 20),
    ] {
        let world = world(staff, vacancies);
        let matcher = Matcher::new(context.clone(), &world.staff, &world.vacancies);
        let pairs = (staff * vacancies) as u64;
        let largest = staff == 20_000;

        let (indexed, eligible) = time_full_rematch(&matcher, if largest { 3 } else { 5 });
        let started = Instant::now();
        let sampled: usize = (0..sample)
            .map(|v| naive::candidates_for(&context, &world.staff, &world.vacancies[v]).len())
            .sum();
        let every_pair = started.elapsed().as_secs_f64() * vacancies as f64 / sample as f64;
        let started = Instant::now();
        let strsim_eligible = strsim_naive(&context, &world, 0..sample);
        let strsim = started.elapsed().as_secs_f64() * vacancies as f64 / sample as f64;
        assert_eq!(sampled, strsim_eligible);
        println!(
            "full rematch {staff} x {vacancies}: {eligible} eligible pairs ({:.3}% of {pairs}); indexed {:.3} s ({:.0} M pairs/s) on {} cores; \
             every-pair reference ~{:.2} s ({:.1}x slower); strsim naive ~{:.1} s ({:.0}x slower) [references timed on {sample} vacancies, one core, and scaled]; peak resident {:.0} MiB",
            100.0 * eligible as f64 / pairs as f64,
            indexed,
            pairs as f64 / indexed / 1e6,
            std::thread::available_parallelism().map_or(1, usize::from),
            every_pair,
            every_pair / indexed,
            strsim,
            strsim / indexed,
            peak_resident_mib().unwrap_or(f64::NAN),
        );
        if let (Some(url), false) = (&postgres, largest) {
            match postgres_ranking::rank_in_postgres(
                url,
                std::path::Path::new(env!("CARGO_BIN_EXE_redeploy")),
                SEED,
                staff,
                vacancies,
                today(),
                &policy,
            ) {
                Ok(sql) => println!(
                    "  the same ranking as one PostgreSQL query: {:.2} s ({:.0}x slower than the index); {} eligible pairs, {} exact, score total {:.2} (index: {} eligible)",
                    sql.seconds,
                    sql.seconds / indexed,
                    sql.eligible_pairs,
                    sql.exact_matches,
                    sql.score_total,
                    eligible,
                ),
                Err(e) => println!("  the PostgreSQL comparison failed: {e}"),
            }
        }

        if !largest {
            let mut group = c.benchmark_group("full_rematch");
            group.sample_size(10);
            group.throughput(Throughput::Elements(pairs));
            group.bench_function(
                BenchmarkId::from_parameter(format!("{staff}x{vacancies}")),
                |b| {
                    b.iter(|| {
                        matcher.rank_all(|_, ranked| {
                            black_box(ranked);
                        })
                    })
                },
            );
            group.finish();
        }

        let mut group = c.benchmark_group("one_vacancy_against_all_staff");
        group.throughput(Throughput::Elements(staff as u64));
        let mut v = 0;
        group.bench_function(BenchmarkId::from_parameter(staff), |b| {
            b.iter(|| {
                v = (v + 7919) % vacancies;
                black_box(matcher.candidates_for(v).len())
            })
        });
        group.finish();

        let mut group = c.benchmark_group("one_staff_member_against_all_vacancies");
        group.throughput(Throughput::Elements(vacancies as u64));
        let mut s = 0;
        group.bench_function(BenchmarkId::from_parameter(vacancies), |b| {
            b.iter(|| {
                s = (s + 7919) % staff;
                black_box(matcher.vacancies_for(s).len())
            })
        });
        group.finish();
    }
}

criterion_group!(benches, rank);
criterion_main!(benches);
