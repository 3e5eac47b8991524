//! What data entry costs: normalising free-text skills (exact synonym lookup, and the
//! Jaro–Winkler fallback for text that is not a known term), and generating the demo data set.
//!
//! Normalisation happens once per skill as data enters, never while ranking, so its cost decides
//! how fast a large upload is checked. The benchmark runs the exact lookup and the similarity
//! fallback on the same vocabulary in the same run and prints how many times slower the
//! fallback is, so the upload path can be planned around it.

use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domain::{PayScale, ReferenceData};

const THRESHOLD: f64 = 0.92;

/// The configured pay scale (the defaults compiled into the service).
fn pay_scale() -> PayScale {
    let empty = tempfile::tempdir().expect("temporary folder");
    store::Settings::load_from(empty.path(), &store::CommandLine::default())
        .expect("configuration")
        .pay
}

fn skill_normalisation(c: &mut Criterion) {
    let reference = ReferenceData::london().expect("reference data");
    let vocabulary = &reference.vocabulary;
    // Known terms as people type them (synonyms in odd case), and misspellings that only the
    // similarity search can place.
    let known: Vec<String> = vocabulary
        .skills()
        .iter()
        .flat_map(|s| s.synonyms.first().cloned().or(Some(s.name.clone())))
        .map(|t| t.to_uppercase())
        .collect();
    let misspelt: Vec<String> = vocabulary
        .skills()
        .iter()
        .map(|s| {
            let mut name = s.name.clone();
            name.push('e');
            name
        })
        .collect();

    // Texts the vocabulary does not hold at all, kept as custom skills: the similarity search
    // must look for a close term and find none.
    let unknown: Vec<String> = [
        "Customer service",
        "Beekeeping",
        "Forklift licence",
        "Spanish speaker",
        "Allotment management",
        "Chess coaching",
        "Welsh language",
        "Event planning",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    // The baseline: the same placement by comparing the text with every term, as the search
    // did before it skipped terms that cannot reach the threshold.
    let every_term: Vec<String> = vocabulary
        .skills()
        .iter()
        .flat_map(|s| std::iter::once(s.name.clone()).chain(s.synonyms.iter().cloned()))
        .map(|t| domain::fold(&t))
        .collect();
    let compare_every_term = |text: &str| {
        let folded = domain::fold(text);
        every_term
            .iter()
            .map(|term| strsim::jaro_winkler(&folded, term))
            .fold(0.0_f64, f64::max)
    };

    let mut group = c.benchmark_group("normalise_skill");
    group.throughput(Throughput::Elements(known.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("exact_term", known.len()),
        &known,
        |b, terms| {
            b.iter(|| {
                for term in terms {
                    black_box(vocabulary.normalise(black_box(term), THRESHOLD).ok());
                }
            })
        },
    );
    group.throughput(Throughput::Elements(misspelt.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("similarity_fallback", misspelt.len()),
        &misspelt,
        |b, terms| {
            b.iter(|| {
                for term in terms {
                    black_box(vocabulary.normalise(black_box(term), THRESHOLD).ok());
                }
            })
        },
    );
    group.throughput(Throughput::Elements(unknown.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("unknown_text", unknown.len()),
        &unknown,
        |b, terms| {
            b.iter(|| {
                for term in terms {
                    black_box(vocabulary.normalise(black_box(term), THRESHOLD).ok());
                }
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("unknown_text_every_term_compared", unknown.len()),
        &unknown,
        |b, terms| {
            b.iter(|| {
                for term in terms {
                    black_box(compare_every_term(black_box(term)));
                }
            })
        },
    );
    group.finish();

    // The ratios, measured on the same data in the same run.
    let rounds = 50;
    let started = Instant::now();
    for _ in 0..rounds {
        for term in &known {
            black_box(vocabulary.normalise(term, THRESHOLD).ok());
        }
    }
    let exact = started.elapsed().as_secs_f64() / (rounds * known.len()) as f64;
    let started = Instant::now();
    for _ in 0..rounds {
        for term in &misspelt {
            black_box(vocabulary.normalise(term, THRESHOLD).ok());
        }
    }
    let similar = started.elapsed().as_secs_f64() / (rounds * misspelt.len()) as f64;
    let per_text = |place: &dyn Fn(&str)| {
        let started = Instant::now();
        for _ in 0..rounds {
            for term in &unknown {
                place(term);
            }
        }
        started.elapsed().as_secs_f64() / (rounds * unknown.len()) as f64
    };
    let unknown_pruned = per_text(&|t| {
        black_box(vocabulary.normalise(t, THRESHOLD).ok());
    });
    let unknown_every = per_text(&|t| {
        black_box(compare_every_term(t));
    });
    println!(
        "normalise_skill: exact term {:.2} µs, misspelt term {:.2} µs ({:.0}× the exact), unknown text {:.2} µs; comparing every term {:.2} µs, {:.1}× slower than the search",
        exact * 1e6,
        similar * 1e6,
        similar / exact,
        unknown_pruned * 1e6,
        unknown_every * 1e6,
        unknown_every / unknown_pruned
    );
}

fn demo_generation(c: &mut Criterion) {
    let reference = ReferenceData::london().expect("reference data");
    let pay = pay_scale();
    let mut group = c.benchmark_group("demo_generate");
    group.sample_size(10);
    for (staff, vacancies) in [(2_000usize, 8_000usize), (5_000, 20_000)] {
        let spec = demo::DemoSpec {
            seed: 2026,
            staff,
            vacancies,
            today: NaiveDate::from_ymd_opt(2026, 11, 29).expect("date"),
            past_cases: 0,
        };
        group.throughput(Throughput::Elements((staff + vacancies) as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{staff}x{vacancies}")),
            &spec,
            |b, spec| b.iter(|| black_box(demo::generate(spec, &reference, &pay))),
        );
    }
    group.finish();
}

criterion_group!(benches, skill_normalisation, demo_generation);
criterion_main!(benches);
