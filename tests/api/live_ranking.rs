//! The live candidates and matches lists against the matcher's every-pair reference, through
//! random sequences of writes: registrations, changes, withdrawals and decisions. After every
//! write, every list must hold exactly the eligible pairs the reference finds for the stored
//! records, in its order, with the reference's scores; and every pair someone acted on must
//! still be listed with its status, however the records changed.

use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use matcher::{RankContext, naive};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use store::matching::{self, Selection};

use crate::helpers::{TestApp, people, record_decision};

const SKILLS: [&str; 6] = [
    "Wound care",
    "IV therapy",
    "Phlebotomy",
    "Venepuncture",
    "Catheterisation",
    "Tissue viability",
];
const POSTCODES: [&str; 4] = ["SE5 8AZ", "E1 1BB", "N19 5NF", "SW17 0QT"];
const TRUSTS: [&str; 3] = ["RJZ", "R1H", "RJ1"];
const DECISIONS: [&str; 4] = [
    "interested",
    "shortlisted",
    "declined_by_staff",
    "rejected_by_employer",
];

#[tokio::test]
async fn live_lists_equal_the_every_pair_reference_through_random_writes() {
    let mut seen = Seen::default();
    for seed in 1..=3 {
        random_writes(seed, 14, &mut seen).await;
    }
    // The sequences reached what they are meant to test.
    assert!(seen.eligible > 20, "{seen:?}");
    assert!(seen.decided > 0, "{seen:?}");
    assert!(seen.no_longer_eligible > 0, "{seen:?}");
}

/// What the checks met, across every list of every step.
#[derive(Debug, Default)]
struct Seen {
    eligible: usize,
    decided: usize,
    no_longer_eligible: usize,
}

struct World {
    app: TestApp,
    admin: String,
    sites: Vec<(String, i64)>,
    staff: Vec<i64>,
    vacancies: Vec<i64>,
    rng: ChaCha8Rng,
}

async fn random_writes(seed: u64, writes: usize, seen: &mut Seen) {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let trusts = app
        .call(Method::GET, "/api/v1/trusts", Some(&p.admin), None)
        .await;
    let mut sites = Vec::new();
    for trust in trusts.body.as_array().unwrap() {
        let code = trust["ods_code"].as_str().unwrap();
        if TRUSTS.contains(&code) {
            for site in trust["sites"].as_array().unwrap().iter().take(2) {
                sites.push((code.to_owned(), site["id"].as_i64().unwrap()));
            }
        }
    }
    let mut world = World {
        app,
        admin: p.admin,
        sites,
        staff: Vec::new(),
        vacancies: Vec::new(),
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    // A few of each first, so that there are pairs to change and decide on.
    for _ in 0..3 {
        world.register_staff().await;
        world.register_vacancy().await;
    }
    world
        .check(seed, "after the first registrations", seen)
        .await;
    for step in 0..writes {
        let what = match world.rng.random_range(0..6) {
            0 => world.register_staff().await,
            1 => world.register_vacancy().await,
            2 => world.change_staff().await,
            3 => world.change_vacancy().await,
            _ => world.decide().await,
        };
        world
            .check(seed, &format!("step {step}: {what}"), seen)
            .await;
    }
    world.app.finish().await;
}

impl World {
    fn skills(&mut self, fewest: usize, most: usize) -> Vec<&'static str> {
        let mut skills = SKILLS.to_vec();
        skills.shuffle(&mut self.rng);
        let n = self.rng.random_range(fewest..=most);
        skills.truncate(n);
        skills
    }

    fn band(&mut self) -> String {
        self.rng.random_range(5..=7).to_string()
    }

    async fn send(&self, method: Method, path: &str, body: Value, expect: StatusCode) -> Value {
        let reply = self
            .app
            .call(method, path, Some(&self.admin), Some(body))
            .await;
        assert_eq!(reply.status, expect, "{path}: {}", reply.body);
        reply.body
    }

    async fn register_staff(&mut self) -> String {
        let n = self.staff.len();
        let (trust, site) = self.sites.choose(&mut self.rng).unwrap().clone();
        let hours_min = self.rng.random_range(15..=30);
        let body = json!({
            "trust": trust, "staff_number": format!("P{n}"), "name": format!("Person {n}"),
            "email": format!("p{n}@nhs.net"), "band": self.band(),
            "staff_group": "Nursing and Midwifery Registered", "job_title": "Staff Nurse",
            "skills": self.skills(0, 4), "registrations": ["NMC"], "base_site": site,
            "home_postcode": POSTCODES.choose(&mut self.rng).unwrap(),
            "max_travel_minutes": self.rng.random_range(20..=90),
            "hours_min": hours_min, "hours_max": 37.5,
            "lower_band_consent": self.rng.random_bool(0.5),
            "priority_tier": self.rng.random_range(1..=4),
            "redeployment_period_ends": format!("2099-0{}-01", self.rng.random_range(1..=9)),
            "continuous_service_start": "2012-01-01"
        });
        let created = self
            .send(Method::POST, "/api/v1/staff", body, StatusCode::CREATED)
            .await;
        self.staff.push(created["id"].as_i64().unwrap());
        format!("registered staff {}", created["id"])
    }

    async fn register_vacancy(&mut self) -> String {
        let n = self.vacancies.len();
        let (trust, site) = self.sites.choose(&mut self.rng).unwrap().clone();
        let body = json!({
            "trust": trust, "reference": format!("V{n}"), "title": "Staff Nurse",
            "band": self.band(), "staff_group": "Nursing and Midwifery Registered", "site": site,
            "hours": *[22.5, 30.0, 37.5].choose(&mut self.rng).unwrap(),
            "closing_date": "2099-01-01", "essential_skills": self.skills(1, 3),
            "desirable_skills": self.skills(0, 2),
            "registration_required": if self.rng.random_bool(0.7) { json!("NMC") } else { Value::Null },
            "contact_email": "jobs@nhs.net"
        });
        let created = self
            .send(Method::POST, "/api/v1/vacancies", body, StatusCode::CREATED)
            .await;
        self.vacancies.push(created["id"].as_i64().unwrap());
        format!("registered vacancy {}", created["id"])
    }

    async fn change_staff(&mut self) -> String {
        let id = *self.staff.choose(&mut self.rng).unwrap();
        let change = match self.rng.random_range(0..5) {
            0 => json!({"skills": self.skills(0, 5)}),
            1 => json!({"band": self.band()}),
            2 => json!({"max_travel_minutes": self.rng.random_range(10..=90)}),
            3 => json!({"hours_min": self.rng.random_range(15..=37)}),
            _ => {
                // Withdrawn and back, or back if withdrawn: both directions happen.
                let now = self
                    .app
                    .call(
                        Method::GET,
                        &format!("/api/v1/staff/{id}"),
                        Some(&self.admin),
                        None,
                    )
                    .await;
                let next = if now.body["status"] == "active" {
                    "withdrawn"
                } else {
                    "active"
                };
                json!({"status": next})
            }
        };
        self.send(
            Method::PATCH,
            &format!("/api/v1/staff/{id}"),
            change.clone(),
            StatusCode::OK,
        )
        .await;
        format!("changed staff {id}: {change}")
    }

    async fn change_vacancy(&mut self) -> String {
        let id = *self.vacancies.choose(&mut self.rng).unwrap();
        let change = match self.rng.random_range(0..4) {
            0 => json!({"essential_skills": self.skills(1, 3)}),
            1 => {
                let hours = *[15.0, 30.0, 37.5].choose(&mut self.rng).unwrap();
                json!({ "hours": hours })
            }
            2 => json!({"band": self.band()}),
            _ => {
                let now = self
                    .app
                    .call(
                        Method::GET,
                        &format!("/api/v1/vacancies/{id}"),
                        Some(&self.admin),
                        None,
                    )
                    .await;
                let next = if now.body["status"] == "open" {
                    "withdrawn"
                } else {
                    "open"
                };
                json!({"status": next})
            }
        };
        self.send(
            Method::PATCH,
            &format!("/api/v1/vacancies/{id}"),
            change.clone(),
            StatusCode::OK,
        )
        .await;
        format!("changed vacancy {id}: {change}")
    }

    /// Records a decision on a suggested pair of some vacancy, if any has one.
    async fn decide(&mut self) -> String {
        let mut order = self.vacancies.clone();
        order.shuffle(&mut self.rng);
        for vacancy in order {
            let listed = self
                .list(&format!("/api/v1/vacancies/{vacancy}/candidates"))
                .await;
            let suggested: Vec<&Value> = listed
                .iter()
                .filter(|item| item["status"] == "suggested")
                .collect();
            if let Some(item) = suggested.choose(&mut self.rng) {
                let id = item["match_id"].as_str().unwrap().to_owned();
                let status = *DECISIONS.choose(&mut self.rng).unwrap();
                record_decision(&self.app, &self.admin, &id, status).await;
                return format!("decided {id}: {status}");
            }
        }
        "no pair to decide on".to_owned()
    }

    /// Every item of a list, read whole.
    async fn list(&self, path: &str) -> Vec<Value> {
        let reply = self
            .app
            .call(
                Method::GET,
                &format!("{path}?per_page=500"),
                Some(&self.admin),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        let items = reply.body["items"].as_array().unwrap().clone();
        assert_eq!(reply.body["total"].as_u64(), Some(items.len() as u64));
        items
    }

    /// Every list against the reference for the records as stored now.
    async fn check(&self, seed: u64, after: &str, seen: &mut Seen) {
        let db = &self.app.db;
        let today = store::today();
        let staff = matching::staff_profiles(db, Selection::All).await.unwrap();
        let vacancies = matching::vacancy_profiles(db, Selection::All, today)
            .await
            .unwrap();
        let staff_ids: Vec<i32> = staff.iter().map(|s| s.id as i32).collect();
        let exclusions = matching::exclusions(db, &staff_ids, &[]).await.unwrap();
        let policy = matcher::MatchPolicy::default();
        let context = RankContext {
            policy: &policy,
            today,
            exclusions: &exclusions,
        };
        let decided: HashMap<(i64, i64), String> = store::entities::match_record::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                (
                    (i64::from(row.staff_id), i64::from(row.vacancy_id)),
                    row.status,
                )
            })
            .collect();
        let context_of = |what: &str| format!("seed {seed}, {after}: {what}");

        for vacancy in &vacancies {
            let expected = naive::candidates_for(&context, &staff, vacancy);
            let listed = self
                .list(&format!("/api/v1/vacancies/{}/candidates", vacancy.id))
                .await;
            let what = context_of(&format!("candidates of vacancy {}", vacancy.id));
            compare(&what, &expected, &listed, &decided, |item| {
                (item["staff"]["id"].as_i64().unwrap(), vacancy.id)
            });
            seen.eligible += expected.len();
            for item in &listed {
                seen.decided += usize::from(item["status"] != "suggested");
                seen.no_longer_eligible +=
                    usize::from(item["explanation"]["still_eligible"] == false);
            }
            // The hiring manager never loses a candidate someone acted on.
            for ((s, v), status) in &decided {
                if *v == vacancy.id {
                    assert!(
                        listed
                            .iter()
                            .any(|item| item["staff"]["id"].as_i64() == Some(*s)
                                && item["status"] == status.as_str()),
                        "{what}: the decided pair {s}-{v} ({status}) is not listed"
                    );
                }
            }
        }
        for person in &staff {
            let expected = naive::vacancies_for(&context, person, &vacancies);
            let listed = self
                .list(&format!("/api/v1/staff/{}/matches", person.id))
                .await;
            let what = context_of(&format!("matches of staff {}", person.id));
            compare(&what, &expected, &listed, &decided, |item| {
                (person.id, item["vacancy"]["id"].as_i64().unwrap())
            });
        }
    }
}

/// The eligible items of `listed`, in order, are exactly `expected` with the same scores and
/// exact-match flags; each item's status is its stored decision's, or `suggested`; the items
/// no longer eligible are exactly the decided pairs the reference does not find.
fn compare(
    what: &str,
    expected: &[matcher::Match],
    listed: &[Value],
    decided: &HashMap<(i64, i64), String>,
    pair_of: impl Fn(&Value) -> (i64, i64),
) {
    let eligible: Vec<(i64, i64, f64, bool)> = listed
        .iter()
        .filter(|item| item["explanation"]["still_eligible"] == true)
        .map(|item| {
            let (s, v) = pair_of(item);
            (
                s,
                v,
                item["score"].as_f64().unwrap(),
                item["exact_match"].as_bool().unwrap(),
            )
        })
        .collect();
    let reference: Vec<(i64, i64, f64, bool)> = expected
        .iter()
        .map(|m| (m.staff_id, m.vacancy_id, m.score.get(), m.exact_match))
        .collect();
    assert_eq!(eligible, reference, "{what}");
    for item in listed {
        let (s, v) = pair_of(item);
        let status = decided.get(&(s, v)).map_or("suggested", String::as_str);
        assert_eq!(item["status"], status, "{what}: pair {s}-{v}");
        assert_eq!(item["match_id"], format!("{s}-{v}").as_str(), "{what}");
        if item["explanation"]["still_eligible"] == false {
            assert!(
                decided.contains_key(&(s, v))
                    && !expected
                        .iter()
                        .any(|m| (m.staff_id, m.vacancy_id) == (s, v)),
                "{what}: {s}-{v} is shown as no longer eligible but was never decided, or is eligible"
            );
        }
    }
}
