//! Several people working at once: concurrent writers never fail because another write is in
//! progress, on SQLite as on PostgreSQL, and every write the service acknowledged is there
//! afterwards.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{TestApp, people, site_of};

/// Clients writing at once, and for how long.
const CLIENTS: usize = 16;
const RUN_FOR: Duration = Duration::from_secs(30);

async fn send(
    router: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(
        "10.9.9.9:1234".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// What a client was told was written: the path of the record and the value it now holds.
struct Acknowledged {
    path: String,
    field: &'static str,
    value: Value,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_people_registering_and_changing_records_at_once_never_fail_and_lose_nothing() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let site = site_of(&app, "RJZ").await;
    let started = Instant::now();
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let router = app.router.clone();
        let token = if client % 2 == 0 {
            p.hr_kings.clone()
        } else {
            p.admin.clone()
        };
        clients.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut failures = Vec::new();
            let mut n = 0;
            while started.elapsed() < RUN_FOR {
                n += 1;
                let key = format!("C{client}-{n}");
                // Half the clients work on vacancies, half on staff records: each registers
                // one, then changes it.
                let (path, body, field, changed) = if client % 4 < 2 {
                    (
                        "/api/v1/vacancies",
                        json!({
                            "trust": "RJZ", "reference": key, "title": "Ward Clerk", "band": "3",
                            "staff_group": "Administrative and Clerical", "site": site, "hours": 37.5,
                            "closing_date": "2099-01-31", "essential_skills": ["data entry"],
                            "contact_email": "recruitment@kch.nhs.uk"
                        }),
                        "hours",
                        json!(30.0),
                    )
                } else {
                    (
                        "/api/v1/staff",
                        json!({
                            "trust": "RJZ", "staff_number": key, "name": "Sam Adeyemi",
                            "email": format!("{}@nhs.net", key.to_lowercase()), "band": "3",
                            "staff_group": "Administrative and Clerical", "job_title": "Ward Clerk",
                            "skills": ["data entry"], "base_site": site,
                            "redeployment_period_ends": "2099-01-01",
                            "continuous_service_start": "2012-04-01"
                        }),
                        "max_travel_minutes",
                        json!(45),
                    )
                };
                let (status, created) = send(&router, Method::POST, path, &token, body).await;
                if status != StatusCode::CREATED {
                    failures.push(format!("POST {path}: {status} {created}"));
                    continue;
                }
                let record = format!("{path}/{}", created["id"]);
                let (status, changed_body) = send(
                    &router,
                    Method::PATCH,
                    &record,
                    &token,
                    json!({ field: changed.clone() }),
                )
                .await;
                if status == StatusCode::OK {
                    acknowledged.push(Acknowledged {
                        path: record,
                        field,
                        value: changed,
                    });
                } else {
                    failures.push(format!("PATCH {record}: {status} {changed_body}"));
                }
            }
            (acknowledged, failures)
        }));
    }
    let mut acknowledged = Vec::new();
    let mut failures = Vec::new();
    for client in clients {
        let (done, failed) = client.await.unwrap();
        acknowledged.extend(done);
        failures.extend(failed);
    }
    assert!(
        failures.is_empty(),
        "{} writes failed, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert!(
        acknowledged.len() >= CLIENTS,
        "only {} writes in {RUN_FOR:?}",
        acknowledged.len()
    );
    // Every acknowledged write reads back as it was acknowledged.
    for write in &acknowledged {
        let read = app
            .call(Method::GET, &write.path, Some(&p.admin), None)
            .await;
        assert_eq!(read.status, StatusCode::OK, "{}: {}", write.path, read.body);
        assert_eq!(
            read.body[write.field].as_f64(),
            write.value.as_f64(),
            "{} {}",
            write.path,
            write.field
        );
    }
    app.finish().await;
}
