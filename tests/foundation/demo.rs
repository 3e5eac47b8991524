use std::collections::BTreeMap;

use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use store::entities::{
    match_record, outcome, skill, staff, staff_registration, staff_skill, user, vacancy,
    vacancy_skill,
};

use crate::helpers::{Server, TestDatabase, redeploy, run, subfolder};

/// Everything the demo wrote, as text, in a fixed order, leaving out only generated ids and
/// the time of writing: two loads of the same data set give the same text.
async fn dump(db: &TestDatabase) -> String {
    let conn = db.connect().await;
    let skills: BTreeMap<i32, String> = skill::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut out = String::new();
    let staff_rows = staff::Entity::find()
        .order_by_asc(staff::Column::StaffNumber)
        .all(&conn)
        .await
        .unwrap();
    let staff_skills = staff_skill::Entity::find().all(&conn).await.unwrap();
    let registrations = staff_registration::Entity::find().all(&conn).await.unwrap();
    for s in staff_rows {
        let mut held: Vec<String> = staff_skills
            .iter()
            .filter(|k| k.staff_id == s.id)
            .map(|k| format!("{}<{}>", skills[&k.skill_id], k.entered))
            .collect();
        held.sort();
        let mut registered: Vec<&str> = registrations
            .iter()
            .filter(|r| r.staff_id == s.id)
            .map(|r| r.registration.as_str())
            .collect();
        registered.sort();
        out.push_str(&format!(
            "{} {} {} {} {} {} {} {} {:?} {} {}-{} {} {} {} {:?} {} {} {:?} {} {:?} {:?}\n",
            s.trust_id,
            s.staff_number,
            s.name,
            s.email,
            s.band,
            s.band_rank,
            s.staff_group,
            s.job_title,
            s.home_postcode,
            s.max_travel_minutes,
            s.hours_min,
            s.hours_max,
            s.lower_band_consent,
            s.priority_tier,
            s.redeployment_period_ends,
            s.salary_pence,
            s.wte,
            s.continuous_service_start,
            s.date_of_birth,
            s.status,
            held,
            registered
        ));
    }
    let vacancy_rows = vacancy::Entity::find()
        .order_by_asc(vacancy::Column::Reference)
        .all(&conn)
        .await
        .unwrap();
    let vacancy_skills = vacancy_skill::Entity::find().all(&conn).await.unwrap();
    for v in vacancy_rows {
        let mut wanted: Vec<String> = vacancy_skills
            .iter()
            .filter(|k| k.vacancy_id == v.id)
            .map(|k| {
                format!(
                    "{}:{}",
                    if k.essential { "E" } else { "D" },
                    skills[&k.skill_id]
                )
            })
            .collect();
        wanted.sort();
        out.push_str(&format!(
            "{} {} {} {} {} {} {} {} {:?} {} {} {} {:?}\n",
            v.trust_id,
            v.reference,
            v.title,
            v.band,
            v.staff_group,
            v.site_id,
            v.hours,
            v.closing_date,
            v.registration_required,
            v.contact_email,
            v.status,
            v.posted_on,
            wanted
        ));
    }
    // The past cases' outcomes, by the staff number of the person each ended.
    let numbers: BTreeMap<i32, String> = staff::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.staff_number))
        .collect();
    let mut ended: Vec<String> = outcome::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            format!(
                "{} {} {} {} {} {} {}",
                numbers[&o.staff_id],
                o.kind,
                o.decided_on,
                o.salary_pence,
                o.service_years,
                o.redundancy_pay_pence,
                o.conservative_pence
            )
        })
        .collect();
    ended.sort();
    for line in ended {
        out.push_str(&line);
        out.push('\n');
    }
    conn.close().await.ok();
    out
}

fn load_demo(db: &TestDatabase, seed: &str) -> (bool, String, String) {
    let folder = subfolder(db, "run");
    let mut command = redeploy(&folder);
    command.args([
        "--database-url",
        &db.url,
        "demo",
        "--seed",
        seed,
        "--staff",
        "200",
        "--vacancies",
        "600",
        "--today",
        "2026-11-29",
        "--past-cases",
        "30",
    ]);
    run(command)
}

#[tokio::test]
async fn the_demo_command_gives_the_same_data_for_the_same_seed() {
    let first = TestDatabase::fresh().await;
    let second = TestDatabase::fresh().await;
    let other = TestDatabase::fresh().await;
    for (db, seed) in [(&first, "42"), (&second, "42"), (&other, "43")] {
        let (ok, stdout, stderr) = load_demo(db, seed);
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains(
                "demo data loaded: 200 at-risk staff and 600 vacancies, and 30 past cases taken to their outcomes"
            ),
            "{stdout}"
        );
        // Suggestions are ranked on request: the load counts them and stores none.
        let said: u64 = stdout
            .split("eligible pairs: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count of eligible pairs in {stdout}"));
        assert!(said > 0, "{stdout}");
        let conn = db.connect().await;
        let stored = match_record::Entity::find().count(&conn).await.unwrap();
        let ended = outcome::Entity::find().count(&conn).await.unwrap();
        conn.close().await.ok();
        assert_eq!(
            stored, 30,
            "only the past cases' pairs were acted on: suggestions are not stored"
        );
        assert_eq!(ended, 30, "every past case reached an outcome");
    }
    let dumped = dump(&first).await;
    assert_eq!(dumped.lines().count(), 200 + 600 + 3 * 30);
    assert_eq!(dumped, dump(&second).await, "same seed, same data");
    assert_ne!(dumped, dump(&other).await, "another seed, other data");
    for db in [first, second, other] {
        db.finish().await;
    }
}

#[tokio::test]
async fn demo_data_never_goes_into_a_database_that_already_has_cases() {
    let db = TestDatabase::fresh().await;
    assert!(load_demo(&db, "1").0);
    let before = dump(&db).await;
    let (ok, _, stderr) = load_demo(&db, "2");
    assert!(!ok);
    assert!(
        stderr.contains("already holds 230 at-risk staff and 630 vacancies"),
        "{stderr}"
    );
    assert_eq!(dump(&db).await, before, "nothing was written");
    db.finish().await;
}

#[tokio::test]
async fn serve_demo_loads_the_full_data_set_once_and_prints_one_account_per_role() {
    let db = TestDatabase::fresh().await;
    let folder = subfolder(&db, "run");
    let mut command = redeploy(&folder);
    command.args([
        "--database-url",
        &db.url,
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--demo",
    ]);
    let server = Server::start_with(command);
    assert_eq!(server.get("/readyz").0, 200);
    // Ready before the past cases are recorded; they follow, whole, in one transaction.
    let conn = db.connect().await;
    let mut recorded = 0;
    for _ in 0..600 {
        recorded = outcome::Entity::find().count(&conn).await.unwrap();
        if recorded > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(
        recorded, 700,
        "every past case reached its outcome, all at once"
    );
    conn.close().await.ok();
    let accounts: Vec<String> = server
        .lines
        .iter()
        .filter(|l| l.starts_with("demo account: "))
        .cloned()
        .collect();
    server.stop();

    let roles: Vec<&str> = accounts
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(roles, ["admin", "partnership", "trust_hr", "staff"]);
    for line in &accounts {
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.len(), 5, "demo account: ROLE EMAIL PASSWORD — {line}");
        assert!(parts[3].contains('@'));
    }

    let conn = db.connect().await;
    // Today's 2,000 and 8,000, and the 700 past cases' people and posts.
    assert_eq!(staff::Entity::find().count(&conn).await.unwrap(), 2700);
    assert_eq!(vacancy::Entity::find().count(&conn).await.unwrap(), 8700);
    let users = user::Entity::find().all(&conn).await.unwrap();
    assert_eq!(users.len(), 4);
    for u in &users {
        let hash = u.password_hash.as_deref().unwrap();
        assert!(
            hash.starts_with("$argon2id$"),
            "passwords are stored hashed"
        );
        assert!(
            accounts
                .iter()
                .all(|line| !hash.contains(line.split_whitespace().last().unwrap()))
        );
    }
    conn.close().await.ok();

    let mut again = redeploy(&folder);
    again.args([
        "--database-url",
        &db.url,
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--demo",
    ]);
    let server = Server::start_with(again);
    let accounts_again: Vec<String> = server
        .lines
        .iter()
        .filter(|l| l.starts_with("demo account: "))
        .cloned()
        .collect();
    server.stop();
    assert_eq!(
        accounts_again, accounts,
        "a second start prints the same accounts"
    );
    let conn = db.connect().await;
    assert_eq!(
        staff::Entity::find().count(&conn).await.unwrap(),
        2700,
        "and loads nothing twice"
    );
    assert_eq!(user::Entity::find().count(&conn).await.unwrap(), 4);
    conn.close().await.ok();
    db.finish().await;
}
