//! The authorisation matrix: every route, for every role, on its own trust's records and on
//! another trust's, as one table. A row says what each kind of caller gets.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, people, site_of};

/// The callers, in the order of each row's expected statuses.
const CALLERS: [&str; 7] = [
    "admin",
    "hr (own trust)",
    "hr (other trust)",
    "staff (self)",
    "staff (someone else)",
    "partnership",
    "signed out",
];

async fn staff_body(app: &TestApp, number: &str) -> Value {
    json!({
        "trust": "RJZ", "staff_number": number, "name": "Test Person", "email": "test.person@nhs.net",
        "band": "5", "staff_group": "Allied Health Professionals", "job_title": "Physiotherapist",
        "skills": ["Physiotherapy"], "base_site": site_of(app, "RJZ").await,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2015-01-01"
    })
}

async fn vacancy_body(app: &TestApp, reference: &str) -> Value {
    json!({
        "trust": "RJZ", "reference": reference, "title": "Physiotherapist", "band": "5",
        "staff_group": "Allied Health Professionals", "site": site_of(app, "RJZ").await, "hours": 37.5,
        "closing_date": "2099-01-01", "essential_skills": ["Physiotherapy"], "contact_email": "jobs@kch.nhs.uk"
    })
}

pub(crate) async fn link(app: &TestApp, email: &str, staff_id: i64) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use store::entities::user;
    user::Entity::update_many()
        .col_expr(
            user::Column::StaffId,
            sea_orm::sea_query::Expr::value(staff_id as i32),
        )
        .filter(user::Column::Email.eq(email))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn send(
    app: &TestApp,
    method: &Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    csv: Option<&str>,
) -> StatusCode {
    match csv {
        Some(text) => {
            let mut request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::CONTENT_TYPE, "text/csv");
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            app.send(request.body(Body::from(text.to_owned())).unwrap())
                .await
                .status
        }
        None => app.call(method.clone(), path, token, body).await.status,
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_design_section_1_says() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let record = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(staff_body(&app, "S-SELF").await),
        )
        .await;
    let own_id = record.body["id"].as_i64().unwrap();
    let other = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(staff_body(&app, "S-OTHER").await),
        )
        .await;
    let other_id = other.body["id"].as_i64().unwrap();
    app.user("self@nhs.net", "staff", Some("RJZ")).await;
    app.user("someone.else@nhs.net", "staff", Some("RJZ")).await;
    link(&app, "self@nhs.net", own_id).await;
    link(&app, "someone.else@nhs.net", other_id).await;
    let staff_self = app.sign_in("self@nhs.net").await;
    let staff_other = app.sign_in("someone.else@nhs.net").await;
    let vacancy = app
        .call(
            Method::POST,
            "/api/v1/vacancies",
            Some(&p.hr_kings),
            Some(vacancy_body(&app, "V-1").await),
        )
        .await;
    let vacancy_id = vacancy.body["id"].as_i64().unwrap();

    let tokens: [Option<&str>; 7] = [
        Some(&p.admin),
        Some(&p.hr_kings),
        Some(&p.hr_barts),
        Some(&staff_self),
        Some(&staff_other),
        Some(&p.analyst),
        None,
    ];
    use StatusCode as S;
    let (ok, created, forbidden, hidden, unauth, bad) = (
        S::OK,
        S::CREATED,
        S::FORBIDDEN,
        S::NOT_FOUND,
        S::UNAUTHORIZED,
        S::UNPROCESSABLE_ENTITY,
    );
    let staff_path = format!("/api/v1/staff/{own_id}");
    let why_not_path = format!("/api/v1/staff/{own_id}/why-not/{vacancy_id}");
    let vacancy_path = format!("/api/v1/vacancies/{vacancy_id}");
    let vacancy_csv = "Job reference,Job title,Band,Staff group,Site,Hours,Closing date,Essential skills,Contact email\n{REF},Porter,2,Estates and Ancillary,RJZ01,37.5,2099-06-30,Portering,estates@kch.nhs.uk\n";
    let staff_csv = "Staff number,Name,Email,Band,Staff group,Job title,Base site,Redeployment period ends,Continuous service start\n{REF},A Person,a.person@nhs.net,3,Estates and Ancillary,Porter,RJZ01,2099-06-30,2010-01-01\n";

    // (method, path, expected per caller, kind of body)
    enum Payload {
        None,
        Json(fn(usize) -> String, bool),
        Patch(Value),
        Csv(&'static str),
    }
    let rows: Vec<(Method, String, [StatusCode; 7], Payload)> = vec![
        (
            Method::GET,
            "/api/v1/session".into(),
            [ok, ok, ok, ok, ok, ok, unauth],
            Payload::None,
        ),
        (
            Method::GET,
            "/api/v1/trusts".into(),
            [ok, ok, ok, ok, ok, ok, unauth],
            Payload::None,
        ),
        (
            Method::GET,
            "/api/v1/skills".into(),
            [ok, ok, ok, ok, ok, ok, unauth],
            Payload::None,
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            [
                created, created, forbidden, forbidden, forbidden, forbidden, unauth,
            ],
            Payload::Json(|i| format!("S-NEW-{i}"), true),
        ),
        (
            Method::GET,
            staff_path.clone(),
            [ok, ok, hidden, ok, hidden, hidden, unauth],
            Payload::None,
        ),
        (
            Method::PATCH,
            staff_path.clone(),
            [ok, ok, hidden, ok, hidden, hidden, unauth],
            Payload::Patch(json!({"max_travel_minutes": 50})),
        ),
        (
            Method::GET,
            "/api/v1/staff".into(),
            [ok, ok, ok, ok, ok, hidden, unauth],
            Payload::None,
        ),
        (
            Method::POST,
            "/api/v1/staff/import?trust=RJZ".into(),
            [ok, ok, bad, forbidden, forbidden, forbidden, unauth],
            Payload::Csv(staff_csv),
        ),
        (
            Method::POST,
            "/api/v1/vacancies".into(),
            [
                created, created, forbidden, forbidden, forbidden, forbidden, unauth,
            ],
            Payload::Json(|i| format!("V-NEW-{i}"), false),
        ),
        (
            Method::GET,
            vacancy_path.clone(),
            [ok, ok, hidden, ok, ok, forbidden, unauth],
            Payload::None,
        ),
        (
            Method::PATCH,
            vacancy_path.clone(),
            [ok, ok, hidden, forbidden, forbidden, forbidden, unauth],
            Payload::Patch(json!({"hours": 30})),
        ),
        (
            Method::GET,
            "/api/v1/vacancies".into(),
            [ok, ok, ok, ok, ok, forbidden, unauth],
            Payload::None,
        ),
        (
            Method::GET,
            why_not_path.clone(),
            [ok, ok, hidden, ok, hidden, hidden, unauth],
            Payload::None,
        ),
        (
            Method::GET,
            format!("{vacancy_path}/candidates"),
            [ok, ok, hidden, forbidden, forbidden, hidden, unauth],
            Payload::None,
        ),
        (
            Method::GET,
            "/api/v1/reports/summary".into(),
            [ok, forbidden, forbidden, forbidden, forbidden, ok, unauth],
            Payload::None,
        ),
        (
            Method::POST,
            "/api/v1/vacancies/import?trust=RJZ".into(),
            [ok, ok, bad, forbidden, forbidden, forbidden, unauth],
            Payload::Csv(vacancy_csv),
        ),
        (
            Method::DELETE,
            "/api/v1/session".into(),
            [S::NO_CONTENT; 6]
                .iter()
                .copied()
                .chain([unauth])
                .collect::<Vec<_>>()
                .try_into()
                .unwrap(),
            Payload::None,
        ),
    ];

    let mut failures = Vec::new();
    for (method, path, expected, payload) in &rows {
        for (i, (caller, token)) in CALLERS.iter().zip(tokens).enumerate() {
            let unique = format!("{i}-{}", path.len());
            let status = match payload {
                Payload::None => send(&app, method, path, token, None, None).await,
                Payload::Patch(body) => {
                    send(&app, method, path, token, Some(body.clone()), None).await
                }
                Payload::Json(key, is_staff) => {
                    let key = key(i);
                    let body = if *is_staff {
                        staff_body(&app, &key).await
                    } else {
                        vacancy_body(&app, &key).await
                    };
                    send(&app, method, path, token, Some(body), None).await
                }
                Payload::Csv(template) => {
                    send(
                        &app,
                        method,
                        path,
                        token,
                        None,
                        Some(&template.replace("{REF}", &format!("CSV-{unique}"))),
                    )
                    .await
                }
            };
            if status != expected[i] {
                failures.push(format!(
                    "{method} {path} as {caller}: got {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.finish().await;
}
