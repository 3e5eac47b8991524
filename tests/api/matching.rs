use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, people, problem, site_of};

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
        StatusCode::FORBIDDEN,
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
