use axum::http::{Method, StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use store::entities::vacancy;

use crate::helpers::{TestApp, people, problem, site_of};

async fn vacancy_body(app: &TestApp, ods: &str, reference: &str, changes: Value) -> Value {
    let mut body = json!({
        "trust": ods,
        "reference": reference,
        "title": "Ward Sister",
        "band": "6",
        "staff_group": "Nursing and Midwifery Registered",
        "site": site_of(app, ods).await,
        "hours": 37.5,
        "closing_date": "2099-01-31",
        "essential_skills": ["taking bloods", "Wound care"],
        "desirable_skills": ["Wound care", "Power BI"],
        "registration_required": "NMC",
        "contact_email": "recruitment@kch.nhs.uk"
    });
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

#[tokio::test]
async fn hr_registers_a_vacancy_held_for_redeployees_for_ten_working_days() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = vacancy_body(&app, "RJZ", "RJZ-2026-001", json!({})).await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let v = &reply.body;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        reply.headers.get(header::LOCATION).unwrap(),
        &format!("/api/v1/vacancies/{id}")
    );
    assert_eq!(v["status"], "open");
    assert_eq!(v["registration_required"], "nmc");
    assert_eq!(v["essential_skills"].as_array().unwrap().len(), 2);
    let desirable: Vec<&str> = v["desirable_skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert_eq!(
        desirable,
        ["Power BI"],
        "a skill that is essential is not also desirable"
    );
    let posted =
        chrono::NaiveDate::parse_from_str(v["posted_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let ring_fence =
        chrono::NaiveDate::parse_from_str(v["ring_fence_ends"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    assert_eq!(ring_fence, domain::calendar::add_working_days(posted, 10));
    assert!(
        (ring_fence - posted).num_days() >= 12,
        "ten working days span at least twelve calendar days"
    );

    let again = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(vacancy_body(&app, "RJZ", "RJZ-2026-001", json!({})).await),
        )
        .await;
    assert!(problem(&again, StatusCode::CONFLICT).contains("already registered"));
    app.finish().await;
}

#[tokio::test]
async fn a_vacancy_with_bad_fields_lists_every_problem_and_writes_nothing() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = vacancy_body(
        &app,
        "RJZ",
        "X1",
        json!({"band": "1", "hours": 0, "closing_date": "2020-01-01", "essential_skills": [], "registration_required": "RCN",
               "contact_email": "", "site": 999999}),
    )
    .await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(body),
        )
        .await;
    problem(&reply, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for expected in [
        "band",
        "site",
        "hours",
        "essential_skills",
        "registration_required",
        "contact_email",
        "closing_date",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing from {fields:?}"
        );
    }
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("band 1 is closed to new entrants")
    );
    assert_eq!(vacancy::Entity::find().count(&app.db).await.unwrap(), 0);
    app.finish().await;
}

#[tokio::test]
async fn vacancies_are_seen_by_their_trust_admin_and_while_open_by_staff() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(vacancy_body(&app, "RJZ", "A1", json!({})).await),
        )
        .await;
    let id = reply.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/vacancies/{id}");
    app.user("nurse@nhs.net", "staff", Some("R1H")).await;
    let member = app.sign_in("nurse@nhs.net").await;

    assert_eq!(
        app.call(Method::GET, &path, Some(&p.admin), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Method::GET, &path, Some(&member), None)
            .await
            .status,
        StatusCode::OK
    );
    problem(
        &app.call(Method::GET, &path, Some(&p.hr_barts), None).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &app.call(Method::GET, &path, Some(&p.analyst), None).await,
        StatusCode::FORBIDDEN,
    );
    let body = vacancy_body(&app, "RJZ", "A2", json!({})).await;
    problem(
        &app.call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_barts),
            Some(body.clone()),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &app.call(Method::POST, "/api/v1/vacancies", Some(&member), Some(body))
            .await,
        StatusCode::FORBIDDEN,
    );

    // Filled: no longer shown to staff, still to its trust.
    let filled = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "filled"})),
        )
        .await;
    assert_eq!(filled.body["status"], "filled", "{}", filled.body);
    problem(
        &app.call(Method::GET, &path, Some(&member), None).await,
        StatusCode::NOT_FOUND,
    );
    let open_list = app
        .call(Method::GET, "/api/v1/vacancies", Some(&member), None)
        .await;
    assert_eq!(open_list.body["total"], 0);
    let trust_list = app
        .call(
            Method::GET,
            "/api/v1/vacancies?status=filled",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(trust_list.body["total"], 1);
    assert_eq!(
        app.call(
            Method::GET,
            "/api/v1/vacancies?trust=RJZ",
            Some(&p.hr_barts),
            None
        )
        .await
        .body["total"],
        0
    );

    // Filled by mistake: reopened. Filled to withdrawn directly is not a move the rules allow.
    let illegal = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "withdrawn"})),
        )
        .await;
    assert!(problem(&illegal, StatusCode::CONFLICT).contains("allowed from filled: open"));
    let reopened = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "open", "hours": 30})),
        )
        .await;
    assert_eq!(reopened.body["status"], "open");
    assert_eq!(reopened.body["hours"], 30.0);
    assert_eq!(
        reopened.body["essential_skills"].as_array().unwrap().len(),
        2,
        "fields not given are kept"
    );
    app.finish().await;
}
