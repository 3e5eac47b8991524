use axum::http::{Method, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use store::entities::{audit_entry, staff};

use crate::helpers::{TestApp, people, problem, site_of};

/// A complete, valid registration for trust `ods`, with `changes` laid over it.
async fn registration(app: &TestApp, ods: &str, staff_number: &str, changes: Value) -> Value {
    let mut body = json!({
        "trust": ods,
        "staff_number": staff_number,
        "name": "Amara Okafor",
        "email": "amara.okafor@nhs.net",
        "band": "Band 6",
        "staff_group": "Nursing and Midwifery Registered",
        "job_title": "Senior Staff Nurse",
        "skills": ["venepuncture", "Wound care", "Tissue viabilty", "Beekeeping"],
        "registrations": ["NMC"],
        "base_site": site_of(app, ods).await,
        "home_postcode": "se5 8az",
        "max_travel_minutes": 45,
        "hours_min": 30,
        "hours_max": 37.5,
        "lower_band_consent": true,
        "priority_tier": 1,
        "redeployment_period_ends": "2099-03-31",
        "salary": 44000,
        "wte": 1.0,
        "continuous_service_start": "2012-09-03",
        "date_of_birth": "1985-04-12"
    });
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn register(app: &TestApp, token: &str, body: Value) -> i64 {
    let reply = app
        .call(Method::POST, "/api/v1/staff", Some(token), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn hr_registers_an_at_risk_staff_member_with_skills_normalised_as_they_enter() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = registration(&app, "RJZ", "10001234", json!({})).await;
    let reply = app
        .call(Method::POST, "/api/v1/staff", Some(&p.hr_kings), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.body["id"].as_i64().unwrap();
    assert_eq!(
        reply.headers.get(header::LOCATION).unwrap(),
        &format!("/api/v1/staff/{id}")
    );
    let record = &reply.body;
    assert_eq!(record["trust"], "RJZ");
    assert_eq!(record["band"], "6");
    assert_eq!(record["staff_group"], "nursing_midwifery_registered");
    assert_eq!(record["home_postcode"], "SE5 8AZ");
    assert_eq!(record["status"], "active");
    assert_eq!(record["registrations"], json!(["nmc"]));
    assert_eq!(record["salary"], 44000.0);
    let skills = record["skills"].as_array().unwrap();
    let find = |entered: &str| {
        skills
            .iter()
            .find(|s| s["entered"] == entered)
            .unwrap()
            .clone()
    };
    assert_eq!(find("venepuncture")["skill"], "Phlebotomy");
    assert_eq!(find("venepuncture")["match"], "exact");
    let similar = find("Tissue viabilty");
    assert_eq!(similar["skill"], "Tissue viability");
    assert_eq!(similar["match"], "similar");
    assert!(similar["confidence"].as_f64().unwrap() >= 0.92);
    assert_eq!(find("Beekeeping")["match"], "custom");

    let read = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(&p.admin),
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["name"], "Amara Okafor");
    assert_eq!(read.body["skills"].as_array().unwrap().len(), 4);
    app.finish().await;
}

#[tokio::test]
async fn a_registration_with_bad_fields_lists_every_problem_and_writes_nothing() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let barts_site = site_of(&app, "R1H").await;
    let body = registration(
        &app,
        "RJZ",
        "10001234",
        json!({
            "band": "8e",
            "email": "amara at nhs",
            "name": "  ",
            "base_site": barts_site,
            "home_postcode": "SE5 8A",
            "hours_min": 37.5,
            "hours_max": 20,
            "redeployment_period_ends": "31/02/2027",
            "priority_tier": 7
        }),
    )
    .await;
    let reply = app
        .call(Method::POST, "/api/v1/staff", Some(&p.hr_kings), Some(body))
        .await;
    problem(&reply, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = reply.body["errors"].as_array().unwrap();
    let message = |field: &str| {
        errors
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(message("band").contains("1, 2, 3, 4, 5, 6, 7, 8a, 8b, 8c, 8d, 9"));
    assert!(message("email").contains("name@nhs.net"));
    assert!(message("name").contains("required"));
    assert!(message("base_site").contains("is not a site of King's College Hospital"));
    assert!(message("home_postcode").contains("SW1A 1AA"));
    assert!(message("hours_min").contains("swap"));
    assert!(message("redeployment_period_ends").contains("YYYY-MM-DD"));
    assert!(message("priority_tier").contains("1 (organisational change)"));
    assert_eq!(
        staff::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing was written"
    );

    let unknown = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(json!({"trust": "RJZ", "shoe_size": 9})),
        )
        .await;
    assert!(problem(&unknown, StatusCode::BAD_REQUEST).contains("shoe_size"));
    let _ = p.admin;
    app.finish().await;
}

#[tokio::test]
async fn each_role_reaches_only_the_records_design_allows() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let id = register(
        &app,
        &p.hr_kings,
        registration(&app, "RJZ", "10001234", json!({})).await,
    )
    .await;
    let other = register(
        &app,
        &p.hr_kings,
        registration(&app, "RJZ", "10005678", json!({"email": "b@nhs.net"})).await,
    )
    .await;
    // The staff member's own account, linked to their record.
    let member = app.user("amara.okafor@nhs.net", "staff", Some("RJZ")).await;
    store::entities::user::Entity::update_many()
        .col_expr(
            store::entities::user::Column::StaffId,
            sea_orm::sea_query::Expr::value(id as i32),
        )
        .filter(store::entities::user::Column::Id.eq(member))
        .exec(&app.db)
        .await
        .unwrap();
    let member = app.sign_in("amara.okafor@nhs.net").await;

    let path = format!("/api/v1/staff/{id}");
    assert_eq!(
        app.call(Method::GET, &path, Some(&p.admin), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Method::GET, &path, Some(&p.hr_kings), None)
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
    // Another trust's HR, and another staff member's record: as if it did not exist.
    let hidden = app.call(Method::GET, &path, Some(&p.hr_barts), None).await;
    assert_eq!(
        problem(&hidden, StatusCode::NOT_FOUND),
        "staff record not found"
    );
    let not_yours = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{other}"),
            Some(&member),
            None,
        )
        .await;
    problem(&not_yours, StatusCode::NOT_FOUND);
    let missing = app
        .call(Method::GET, "/api/v1/staff/999999", Some(&p.hr_kings), None)
        .await;
    assert_eq!(
        problem(&missing, StatusCode::NOT_FOUND),
        problem(&hidden, StatusCode::NOT_FOUND)
    );
    // The partnership never sees a person's record, nor learns that it exists.
    let analyst = app.call(Method::GET, &path, Some(&p.analyst), None).await;
    assert_eq!(
        problem(&analyst, StatusCode::NOT_FOUND),
        problem(&missing, StatusCode::NOT_FOUND)
    );
    // Nor can it, or another trust, register staff there.
    let body = registration(&app, "RJZ", "2", json!({})).await;
    problem(
        &app.call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.analyst),
            Some(body.clone()),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let detail = problem(
        &app.call(Method::POST, "/api/v1/staff", Some(&p.hr_barts), Some(body))
            .await,
        StatusCode::FORBIDDEN,
    );
    assert!(detail.contains("own trust (R1H)"), "{detail}");

    // Every read of a person's record is audited with who read it.
    let reads = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("read"))
        .filter(audit_entry::Column::EntityId.eq(id.to_string()))
        .all(&app.db)
        .await
        .unwrap();
    let readers: Vec<&str> = reads.iter().map(|r| r.actor.as_str()).collect();
    assert_eq!(
        readers,
        [
            "admin@london.nhs.uk",
            "hr@kch.nhs.uk",
            "amara.okafor@nhs.net"
        ]
    );
    app.finish().await;
}

#[tokio::test]
async fn the_same_staff_number_twice_at_one_trust_is_a_conflict() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    register(
        &app,
        &p.hr_kings,
        registration(&app, "RJZ", "10001234", json!({})).await,
    )
    .await;
    let again = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(registration(&app, "RJZ", "10001234", json!({})).await),
        )
        .await;
    assert!(problem(&again, StatusCode::CONFLICT).contains("already registered"));
    // Another trust may use the same number.
    register(
        &app,
        &p.hr_barts,
        registration(&app, "R1H", "10001234", json!({})).await,
    )
    .await;
    assert_eq!(staff::Entity::find().count(&app.db).await.unwrap(), 2);
    app.finish().await;
}

#[tokio::test]
async fn the_staff_list_is_paged_filtered_and_shows_each_trust_only_its_own() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    for (n, band) in ["5", "6", "6"].iter().enumerate() {
        let body = registration(
            &app,
            "RJZ",
            &format!("1000{n}"),
            json!({"band": band, "name": format!("Person {n}")}),
        )
        .await;
        register(&app, &p.hr_kings, body).await;
    }
    register(
        &app,
        &p.hr_barts,
        registration(&app, "R1H", "20001", json!({})).await,
    )
    .await;

    let page = app
        .call(
            Method::GET,
            "/api/v1/staff?per_page=2",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body["total"], 3);
    assert_eq!(page.body["page"], 1);
    assert_eq!(page.body["per_page"], 2);
    let names: Vec<&str> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Person 0", "Person 1"]);
    let second = app
        .call(
            Method::GET,
            "/api/v1/staff?per_page=2&page=2",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);

    let band6 = app
        .call(
            Method::GET,
            "/api/v1/staff?band=Band%206",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(band6.body["total"], 2);
    let everyone = app
        .call(Method::GET, "/api/v1/staff", Some(&p.admin), None)
        .await;
    assert_eq!(everyone.body["total"], 4);
    // Asking for another trust's staff shows none of them.
    let other = app
        .call(
            Method::GET,
            "/api/v1/staff?trust=R1H",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(other.body["total"], 0);

    let bad = app
        .call(
            Method::GET,
            "/api/v1/staff?band=8e&per_page=501",
            Some(&p.hr_kings),
            None,
        )
        .await;
    problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["per_page"], "paging is checked first");
    let bad_band = app
        .call(
            Method::GET,
            "/api/v1/staff?band=8e",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert!(problem(&bad_band, StatusCode::UNPROCESSABLE_ENTITY).contains("band"));
    problem(
        &app.call(Method::GET, "/api/v1/staff", Some(&p.analyst), None)
            .await,
        StatusCode::NOT_FOUND,
    );
    app.finish().await;
}

#[tokio::test]
async fn hr_changes_a_record_and_withdraws_and_reopens_a_case_by_the_rules() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let id = register(
        &app,
        &p.hr_kings,
        registration(&app, "RJZ", "10001234", json!({})).await,
    )
    .await;
    let path = format!("/api/v1/staff/{id}");

    let changed = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"band": 7, "skills": ["IPC"], "salary": 48000})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["band"], "7");
    assert_eq!(
        changed.body["skills"][0]["skill"],
        "Infection prevention and control"
    );
    assert_eq!(
        changed.body["name"], "Amara Okafor",
        "fields not given are kept"
    );

    let bad = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"band": "10"})),
        )
        .await;
    problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    let kept = app.call(Method::GET, &path, Some(&p.hr_kings), None).await;
    assert_eq!(kept.body["band"], "7", "a refused change writes nothing");

    let withdrawn = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "withdrawn"})),
        )
        .await;
    assert_eq!(withdrawn.body["status"], "withdrawn");
    let illegal = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "redeployed"})),
        )
        .await;
    let detail = problem(&illegal, StatusCode::CONFLICT);
    assert!(
        detail.contains("cannot move from withdrawn to redeployed") && detail.contains("active"),
        "{detail}"
    );
    let reopened = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!(
        reopened.body["status"], "active",
        "a mistaken withdrawal can be undone"
    );

    let elsewhere = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_barts),
            Some(json!({"band": 5})),
        )
        .await;
    problem(&elsewhere, StatusCode::NOT_FOUND);
    app.finish().await;
}

#[tokio::test]
async fn a_staff_member_sets_their_own_preferences_but_not_what_hr_keeps() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let id = register(
        &app,
        &p.hr_kings,
        registration(&app, "RJZ", "10001234", json!({})).await,
    )
    .await;
    let member = app.user("amara.okafor@nhs.net", "staff", Some("RJZ")).await;
    store::entities::user::Entity::update_many()
        .col_expr(
            store::entities::user::Column::StaffId,
            sea_orm::sea_query::Expr::value(id as i32),
        )
        .filter(store::entities::user::Column::Id.eq(member))
        .exec(&app.db)
        .await
        .unwrap();
    let member = app.sign_in("amara.okafor@nhs.net").await;
    let path = format!("/api/v1/staff/{id}");
    let mine = app
        .call(
            Method::PATCH,
            &path,
            Some(&member),
            Some(json!({"max_travel_minutes": 75, "home_postcode": "BR6 8ND"})),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["max_travel_minutes"], 75);
    let not_mine = app
        .call(
            Method::PATCH,
            &path,
            Some(&member),
            Some(json!({"band": "8a", "max_travel_minutes": 30})),
        )
        .await;
    let detail = problem(&not_mine, StatusCode::FORBIDDEN);
    assert!(detail.contains("your HR team keeps band"), "{detail}");
    let _ = p.admin;
    app.finish().await;
}

#[tokio::test]
async fn a_stored_record_the_service_cannot_read_is_an_error_never_shown_as_something_else() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = registration(&app, "RJZ", "10004444", json!({})).await;
    let id = register(&app, &p.hr_kings, body).await;
    // Something other than the service wrote a case status the service does not know.
    staff::Entity::update_many()
        .col_expr(
            staff::Column::Status,
            sea_orm::sea_query::Expr::value("archived"),
        )
        .filter(staff::Column::Id.eq(id as i32))
        .exec(&app.db)
        .await
        .unwrap();
    let path = format!("/api/v1/staff/{id}");
    let read = app.call(Method::GET, &path, Some(&p.hr_kings), None).await;
    let detail = problem(&read, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(detail.contains("Nothing you entered was lost"), "{detail}");
    assert!(!read.body.to_string().contains("archived"));
    // Nor is it changed as if it were an active case.
    let change = app
        .call(
            Method::PATCH,
            &path,
            Some(&p.hr_kings),
            Some(json!({"max_travel_minutes": 50})),
        )
        .await;
    problem(&change, StatusCode::INTERNAL_SERVER_ERROR);
    let stored = staff::Entity::find_by_id(id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, "archived");
    assert_ne!(stored.max_travel_minutes, 50);
    app.finish().await;
}
