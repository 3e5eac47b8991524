use axum::http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use store::entities::audit_entry;

use crate::helpers::{TestApp, create, people, problem, record_decision, site_of};

#[tokio::test]
async fn why_not_names_every_rule_that_keeps_a_pair_apart_in_words() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let nurse = json!({
        "trust": "RJZ", "staff_number": "1", "name": "Ama Owusu", "email": "ama@nhs.net", "band": "6",
        "staff_group": "Nursing and Midwifery Registered", "job_title": "Staff Nurse",
        "skills": ["Wound care", "venepuncture"], "registrations": ["NMC"], "base_site": site_of(&app, "RJZ").await,
        "home_postcode": "SE5 8AZ", "max_travel_minutes": 45, "hours_min": 30, "hours_max": 37.5,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2012-01-01"
    });
    let staff_id = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(nurse),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let near = json!({
        "trust": "RJZ", "reference": "N1", "title": "Staff Nurse", "band": "6", "staff_group": "Nursing and Midwifery Registered",
        "site": site_of(&app, "RJZ").await, "hours": 37.5, "closing_date": "2099-01-01",
        "essential_skills": ["Wound care"], "registration_required": "NMC", "contact_email": "jobs@kch.nhs.uk"
    });
    let near_id = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(near),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let far = json!({
        "trust": "RAS", "reference": "F1", "title": "Radiographer", "band": "8a", "staff_group": "Allied Health Professionals",
        "site": site_of(&app, "RAS").await, "hours": 15, "closing_date": "2099-01-01",
        "essential_skills": ["Radiography"], "registration_required": "HCPC", "contact_email": "jobs@thh.nhs.uk"
    });
    let far_id = app
        .call(Method::POST, "/api/v1/vacancies", Some(&p.admin), Some(far))
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    let fits = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{staff_id}/why-not/{near_id}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.body);
    assert_eq!(fits.body["eligible"], true);
    assert_eq!(fits.body["reasons"], json!([]));
    assert_eq!(
        fits.body["location_basis"], "home_district",
        "SE5 8AZ is placed by its district"
    );
    assert!(fits.body["travel_minutes"].as_u64().unwrap() <= 15);

    let apart = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{staff_id}/why-not/{far_id}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(apart.body["eligible"], false);
    let rules: Vec<&str> = apart.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "band_above",
            "registration_missing",
            "hours_outside_range",
            "too_far"
        ],
        "{}",
        apart.body
    );
    let words: Vec<&str> = apart.body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        words[0].contains("Band 8a, above the staff member's Band 6"),
        "{}",
        words[0]
    );
    assert!(words[1].contains("HCPC"));
    assert!(words[3].contains("limit of 45 minutes"));

    // Without a home postcode the journey is measured from the base site.
    app.call(
        Method::PATCH,
        &format!("/api/v1/staff/{staff_id}"),
        Some(&p.hr_kings),
        Some(json!({"home_postcode": ""})),
    )
    .await;
    let from_work = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{staff_id}/why-not/{near_id}"),
            Some(&p.admin),
            None,
        )
        .await;
    assert_eq!(from_work.body["location_basis"], "base_site");
    assert_eq!(
        from_work.body["travel_minutes"], 10,
        "the base site is the vacancy's own site"
    );

    let path = format!("/api/v1/staff/{staff_id}/why-not/{near_id}");
    problem(
        &app.call(Method::GET, &path, Some(&p.hr_barts), None).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &app.call(Method::GET, &path, Some(&p.analyst), None).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &app.call(
            Method::GET,
            &format!("/api/v1/staff/{staff_id}/why-not/999999"),
            Some(&p.admin),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    app.finish().await;
}

#[tokio::test]
async fn an_imported_postcode_directory_places_a_person_by_their_full_postcode() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let folder = tempfile::tempdir().unwrap();
    let directory = folder.path().join("onspd.csv");
    std::fs::write(
        &directory,
        "pcd,pcds,doterm,lat,long\n\
         SE5 8AZ,SE5 8AZ,,51.473500,-0.091500\n\
         SE5 8AZ,SE5 8AZ,,51.473600,-0.091600\n\
         SE5 9ZZ,SE5 9ZZ,200105,51.470000,-0.090000\n\
         GIR 0AA,GIR 0AA,,99.999999,0.000000\n\
         nonsense,nonsense,,51.5,-0.1\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_redeploy"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args([
            "--database-url",
            &app.url,
            "import",
            "postcodes",
            directory.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("1 postcode positions stored, 3 rows left out"),
        "{stdout}"
    );

    let nurse = json!({
        "trust": "RJZ", "staff_number": "1", "name": "Ama Owusu", "email": "ama@nhs.net", "band": "6",
        "staff_group": "Nursing and Midwifery Registered", "job_title": "Staff Nurse", "skills": ["Wound care"],
        "base_site": site_of(&app, "RJZ").await, "home_postcode": "SE5 8AZ",
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2012-01-01"
    });
    let staff_id = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(nurse),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let post = json!({
        "trust": "RJZ", "reference": "N1", "title": "Staff Nurse", "band": "6", "staff_group": "Nursing and Midwifery Registered",
        "site": site_of(&app, "RJZ").await, "hours": 37.5, "closing_date": "2099-01-01",
        "essential_skills": ["Wound care"], "contact_email": "jobs@kch.nhs.uk"
    });
    let vacancy_id = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(post),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let answer = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{staff_id}/why-not/{vacancy_id}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(
        answer.body["location_basis"], "home_postcode",
        "{}",
        answer.body
    );
    app.finish().await;
}

async fn nurse(
    app: &TestApp,
    number: &str,
    name: &str,
    trust: &str,
    band: &str,
    tier: u8,
) -> serde_json::Value {
    json!({
        "trust": trust, "staff_number": number, "name": name, "email": format!("{number}@nhs.net"),
        "band": band, "staff_group": "Nursing and Midwifery Registered", "job_title": "Staff Nurse",
        "skills": ["Wound care", "venepuncture"], "registrations": ["NMC"],
        "base_site": site_of(app, trust).await, "home_postcode": "SE5 8AZ", "max_travel_minutes": 60,
        "hours_min": 30, "hours_max": 37.5, "lower_band_consent": true, "priority_tier": tier,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2012-01-01"
    })
}

async fn ward_post(app: &TestApp, reference: &str) -> serde_json::Value {
    json!({
        "trust": "RJZ", "reference": reference, "title": "Staff Nurse", "band": "6",
        "staff_group": "Nursing and Midwifery Registered", "site": site_of(app, "RJZ").await,
        "hours": 37.5, "closing_date": "2099-01-01", "essential_skills": ["Wound care", "IV therapy"],
        "desirable_skills": ["Venepuncture"], "registration_required": "NMC",
        "contact_email": "jobs@kch.nhs.uk"
    })
}

pub(crate) async fn candidate_names(app: &TestApp, token: &str, vacancy: i64) -> Vec<String> {
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/vacancies/{vacancy}/candidates"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["staff"]["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn candidates_and_matches_follow_records_as_they_are_registered_and_changed() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    // Same band, priority tier 2; one band above, tier 1 (ranked first, whatever the score).
    let ama = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "1", "Ama Owusu", "RJZ", "6", 2).await,
    )
    .await;
    let ben = create(
        &app,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(&app, "2", "Ben Carter", "R1H", "7", 1).await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W1").await,
    )
    .await;

    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/vacancies/{post}/candidates"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        (
            reply.body["total"].as_u64(),
            reply.body["per_page"].as_u64()
        ),
        (Some(2), Some(50))
    );
    let items = reply.body["items"].as_array().unwrap();
    assert_eq!(
        items[0]["staff"]["name"], "Ben Carter",
        "tier 1 comes before tier 2"
    );
    assert_eq!(items[0]["priority_tier"], 1);
    assert_eq!(items[0]["staff"]["trust"], "R1H");
    assert_eq!(items[0]["explanation"]["band_drop"], 1);
    assert_eq!(items[0]["explanation"]["points"]["band"], 7.5);
    let first = &items[1];
    assert_eq!(first["staff"]["name"], "Ama Owusu");
    assert_eq!(first["status"], "suggested");
    assert_eq!(
        first["exact_match"], false,
        "IV therapy is missing, so not a slot-in"
    );
    assert_eq!(
        first["explanation"]["matched_skills"],
        json!(["Wound care"])
    );
    assert_eq!(
        first["explanation"]["missing_skills"],
        json!(["IV therapy"])
    );
    assert_eq!(
        first["explanation"]["matched_desirable_skills"],
        json!(["Phlebotomy"])
    );
    assert_eq!(first["explanation"]["points"]["essential_skills"], 22.5);
    assert_eq!(first["explanation"]["location_basis"], "home_district");
    assert_eq!(first["explanation"]["still_eligible"], true);
    let ama_match = first["match_id"].as_str().unwrap().to_owned();
    assert_eq!(
        ama_match,
        format!("{ama}-{post}"),
        "a match id names its pair"
    );

    // The pair resolves by its id before anyone has acted on it, for whoever may see it.
    let pair = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{ama_match}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(pair.status, StatusCode::OK, "{}", pair.body);
    assert_eq!(pair.body["match_id"], ama_match.as_str());
    assert_eq!(
        (
            pair.body["staff_id"].as_i64(),
            pair.body["vacancy_id"].as_i64()
        ),
        (Some(ama), Some(post))
    );
    assert_eq!(pair.body["status"], "suggested");
    assert_eq!(pair.body["history"], json!([]));
    assert_eq!(pair.body["score"], first["score"]);
    assert_eq!(pair.body["exact_match"], first["exact_match"]);
    assert_eq!(pair.body["explanation"], first["explanation"]);
    for (who, token) in [
        ("another trust's HR", &p.hr_barts),
        ("the partnership", &p.analyst),
    ] {
        let refused = app
            .call(
                Method::GET,
                &format!("/api/v1/matches/{ama_match}"),
                Some(token),
                None,
            )
            .await;
        problem(&refused, StatusCode::NOT_FOUND);
        assert!(
            refused.body.get("score").is_none(),
            "{who} sees nothing of the pair"
        );
    }
    // A vacancy that does not exist makes no match; an id that is not one is refused with
    // what a match id looks like.
    let apart = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{ben}-{}", post + 1000),
            Some(&p.admin),
            None,
        )
        .await;
    problem(&apart, StatusCode::NOT_FOUND);
    let malformed = app
        .call(Method::GET, "/api/v1/matches/12x", Some(&p.admin), None)
        .await;
    problem(&malformed, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.body["errors"][0]["field"], "id");

    let mine = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{ama}/matches"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["total"], 1);
    assert_eq!(mine.body["items"][0]["match_id"], ama_match.as_str());
    assert_eq!(mine.body["items"][0]["vacancy"]["title"], "Staff Nurse");
    assert_eq!(mine.body["items"][0]["vacancy"]["trust"], "RJZ");
    assert_eq!(mine.body["items"][0]["vacancy"]["band"], "6");
    assert!(mine.body["items"][0]["score"].as_f64().unwrap() > 50.0);

    // Learning IV therapy makes Ama a slot-in candidate, and a new post finds both nurses
    // without anyone asking for a rematch.
    let changed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/staff/{ama}"),
            Some(&p.hr_kings),
            Some(json!({"skills": ["Wound care", "venepuncture", "IV therapy"]})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/vacancies/{post}/candidates"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    let ama_now = &reply.body["items"][1];
    assert_eq!(ama_now["exact_match"], true, "{}", reply.body);
    assert_eq!(
        ama_now["match_id"],
        ama_match.as_str(),
        "the same pair keeps its id"
    );
    assert_eq!(ama_now["explanation"]["missing_skills"], json!([]));
    let second = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W2").await,
    )
    .await;
    assert_eq!(
        candidate_names(&app, &p.hr_kings, second).await,
        ["Ben Carter", "Ama Owusu"]
    );

    // Hours Ama will not work take her out; putting them back brings her back.
    let part_time = |hours: f64| json!({"hours": hours});
    app.call(
        Method::PATCH,
        &format!("/api/v1/vacancies/{post}"),
        Some(&p.hr_kings),
        Some(part_time(15.0)),
    )
    .await;
    assert_eq!(
        candidate_names(&app, &p.hr_kings, post).await,
        Vec::<String>::new()
    );
    app.call(
        Method::PATCH,
        &format!("/api/v1/vacancies/{post}"),
        Some(&p.hr_kings),
        Some(part_time(37.5)),
    )
    .await;
    assert_eq!(
        candidate_names(&app, &p.hr_kings, post).await,
        ["Ben Carter", "Ama Owusu"]
    );

    // Once someone has acted on a pair, closing the vacancy keeps it, marked as no longer
    // eligible, with the score it was decided on; the untouched suggestion goes.
    let decided = record_decision(&app, &p.hr_kings, &ama_match, "interested").await;
    let closed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/vacancies/{post}"),
            Some(&p.hr_kings),
            Some(json!({"status": "withdrawn"})),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/vacancies/{post}/candidates"),
            Some(&p.admin),
            None,
        )
        .await;
    assert_eq!(reply.body["total"], 1, "{}", reply.body);
    assert_eq!(reply.body["items"][0]["status"], "interested");
    assert_eq!(
        reply.body["items"][0]["explanation"]["still_eligible"],
        false
    );
    assert_eq!(reply.body["items"][0]["score"], decided["score"]);
    assert_eq!(reply.body["items"][0]["match_id"], ama_match.as_str());
    let pair = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{ama_match}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(pair.status, StatusCode::OK, "{}", pair.body);
    assert_eq!(pair.body["status"], "interested");
    assert_eq!(pair.body["explanation"]["still_eligible"], false);
    assert_eq!(
        pair.body["explanation"]["points"],
        decided["explanation"]["points"]
    );
    assert_eq!(pair.body["history"][0]["from"], "suggested");
    assert_eq!(pair.body["history"][0]["to"], "interested");
    assert_eq!(pair.body["history"][0]["by"], "hr@kch.nhs.uk");

    // A withdrawn case leaves every list it was suggested in.
    app.call(
        Method::PATCH,
        &format!("/api/v1/staff/{ben}"),
        Some(&p.hr_barts),
        Some(json!({"status": "withdrawn"})),
    )
    .await;
    assert_eq!(
        candidate_names(&app, &p.hr_kings, second).await,
        ["Ama Owusu"]
    );
    // A pair the rules part that no one acted on is no match.
    problem(
        &app.call(
            Method::GET,
            &format!("/api/v1/matches/{ben}-{second}"),
            Some(&p.admin),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    );

    // Who may look: the vacancy's own HR and admin; another trust's HR does not learn it exists.
    let path = format!("/api/v1/vacancies/{second}/candidates");
    problem(
        &app.call(Method::GET, &path, Some(&p.hr_barts), None).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &app.call(Method::GET, &path, Some(&p.analyst), None).await,
        StatusCode::NOT_FOUND,
    );
    let path = format!("/api/v1/staff/{ama}/matches");
    problem(
        &app.call(Method::GET, &path, Some(&p.hr_barts), None).await,
        StatusCode::NOT_FOUND,
    );
    let bad_page = app
        .call(
            Method::GET,
            &format!("{path}?per_page=501"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    let detail = problem(&bad_page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(detail.contains("per_page"), "{detail}");
    assert_eq!(bad_page.body["errors"][0]["field"], "per_page");
    app.finish().await;
}

#[tokio::test]
async fn lists_are_paged_in_order() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    for n in 0..5 {
        create(
            &app,
            &p.hr_kings,
            "/api/v1/staff",
            nurse(&app, &format!("{n}"), &format!("Nurse {n}"), "RJZ", "6", 1).await,
        )
        .await;
    }
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W1").await,
    )
    .await;
    let all = candidate_names(&app, &p.hr_kings, post).await;
    assert_eq!(all.len(), 5);
    let mut paged = Vec::new();
    for page in 1..=3 {
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/vacancies/{post}/candidates?page={page}&per_page=2"),
                Some(&p.hr_kings),
                None,
            )
            .await;
        assert_eq!(reply.body["total"], 5);
        paged.extend(
            reply.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["staff"]["name"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(paged, all, "pages follow one another in the same order");
    app.finish().await;
}

#[tokio::test]
async fn a_page_asked_for_again_is_the_same_and_every_read_of_it_is_audited() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    for n in 0..3 {
        create(
            &app,
            &p.hr_kings,
            "/api/v1/staff",
            nurse(&app, &format!("{n}"), &format!("Nurse {n}"), "RJZ", "6", 1).await,
        )
        .await;
    }
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W1").await,
    )
    .await;
    let path = format!("/api/v1/vacancies/{post}/candidates?per_page=2");
    let first = app.call(Method::GET, &path, Some(&p.hr_kings), None).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app.call(Method::GET, &path, Some(&p.hr_kings), None).await;
    let by_admin = app.call(Method::GET, &path, Some(&p.admin), None).await;
    assert_eq!(again.body, first.body);
    assert_eq!(by_admin.body, first.body);

    // Each read is in the audit with its reader and the people on the page, whether the
    // page was shaped for it or kept from an earlier request.
    let on_page: Vec<i64> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["staff"]["id"].as_i64().unwrap())
        .collect();
    let reads = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("read"))
        .filter(audit_entry::Column::Entity.eq("vacancy"))
        .filter(audit_entry::Column::EntityId.eq(post.to_string()))
        .order_by_asc(audit_entry::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let seen: Vec<(&str, Option<&str>)> = reads
        .iter()
        .map(|r| (r.actor.as_str(), r.detail.as_deref()))
        .collect();
    let detail = format!("candidates: staff {on_page:?}");
    assert_eq!(
        seen,
        [
            ("hr@kch.nhs.uk", Some(detail.as_str())),
            ("hr@kch.nhs.uk", Some(detail.as_str())),
            ("admin@london.nhs.uk", Some(detail.as_str())),
        ]
    );

    // A change shapes the page afresh: the new nurse is counted.
    create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "9", "Nurse Nine", "RJZ", "6", 1).await,
    )
    .await;
    let after = app.call(Method::GET, &path, Some(&p.hr_kings), None).await;
    assert_eq!(after.body["total"], 4, "{}", after.body);
    app.finish().await;
}

#[tokio::test]
async fn an_instance_ranks_with_what_other_instances_wrote() {
    let first = TestApp::new().await;
    let p = people(&first).await;
    let second = first.second_instance().await;
    // The first instance registers Ama and so loads its view of every record.
    let ama = create(
        &first,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&first, "1", "Ama Owusu", "RJZ", "6", 1).await,
    )
    .await;
    // The second registers a vacancy; the first, which has never been told about it, lists it
    // on its next request, in the vacancy's candidates, in Ama's matches and as a pair.
    let post = create(
        &second,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&first, "W1").await,
    )
    .await;
    assert_eq!(
        candidate_names(&first, &p.hr_kings, post).await,
        ["Ama Owusu"]
    );
    let hers = first
        .call(
            Method::GET,
            &format!("/api/v1/staff/{ama}/matches"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(
        hers.body["items"][0]["vacancy"]["id"].as_i64(),
        Some(post),
        "{}",
        hers.body
    );
    let pair = first
        .call(
            Method::GET,
            &format!("/api/v1/matches/{ama}-{post}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(pair.status, StatusCode::OK, "{}", pair.body);
    // The first registers Ben: its view catches up with the second's vacancy before ranking him.
    create(
        &first,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(&first, "2", "Ben Carter", "R1H", "6", 2).await,
    )
    .await;
    assert_eq!(
        candidate_names(&second, &p.hr_kings, post).await,
        ["Ama Owusu", "Ben Carter"]
    );
    // An upload through the second instance is seen when the first ranks next.
    let csv = "Job reference,Job title,Pay band,Staff group,Site,Hours,Closing date,Essential skills,Desirable skills,Registration required,Contact email\n\
               W2,Staff Nurse,6,Nursing and Midwifery Registered,King's College Hospital (Denmark Hill),37.5,31/12/2099,Wound care,,NMC,jobs@kch.nhs.uk\n";
    let request = axum::http::Request::post("/api/v1/vacancies/import")
        .header(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {}", p.hr_kings),
        )
        .header(axum::http::header::CONTENT_TYPE, "text/csv")
        .body(axum::body::Body::from(csv))
        .unwrap();
    let uploaded = second.send(request).await;
    assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.body);
    let cara = create(
        &first,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&first, "3", "Cara Diaz", "RJZ", "6", 1).await,
    )
    .await;
    let reply = first
        .call(
            Method::GET,
            &format!("/api/v1/staff/{cara}/matches"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(reply.body["total"], 2, "{}", reply.body);
    second.finish().await;
    first.finish().await;
}

#[tokio::test]
async fn changed_matching_settings_take_effect_at_once_and_decisions_keep_their_scores() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let ama = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "1", "Ama Owusu", "RJZ", "6", 1).await,
    )
    .await;
    let ben = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "2", "Ben Carter", "RJZ", "6", 1).await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W1").await,
    )
    .await;
    let decided = record_decision(&app, &p.hr_kings, &format!("{ama}-{post}"), "shortlisted").await;
    assert_eq!(decided["explanation"]["points"]["staff_group"], 5.0);

    // The same database served with other weights: suggestions are ranked with them at once,
    // with nothing to re-rank; the decided pair keeps its status, and its score is ranked anew
    // too, since it still passes the rules.
    let reweighted = app
        .restarted_with(|settings| {
            settings.matching.weights.essential_skills = 35;
            settings.matching.weights.staff_group = 15;
        })
        .await;
    let path = format!("/api/v1/vacancies/{post}/candidates");
    let after = reweighted
        .call(Method::GET, &path, Some(&p.hr_kings), None)
        .await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    let items = after.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", after.body);
    for item in items {
        assert_eq!(item["explanation"]["points"]["staff_group"], 15.0, "{item}");
    }
    let status_of = |id: i64| {
        items
            .iter()
            .find(|i| i["staff"]["id"].as_i64() == Some(id))
            .map(|i| i["status"].clone())
    };
    assert_eq!(status_of(ama), Some(json!("shortlisted")));
    assert_eq!(status_of(ben), Some(json!("suggested")));
    // What was stored with the decision is unchanged.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = store::entities::match_record::Entity::find()
        .filter(store::entities::match_record::Column::StaffId.eq(ama as i32))
        .one(&reweighted.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.score, decided["score"].as_f64().unwrap());
    reweighted.finish().await;
    app.finish().await;
}
