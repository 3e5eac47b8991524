//! A fresh app per test: its own database (SQLite file or PostgreSQL database), migrated, with
//! reference data loaded, and the router to call.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use api::{App, Startup};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::Value;
use store::audit::AuditActor;
use store::entities::{site, trust};
use store::users::{NewUser, create_user};
use store::{CommandLine, Settings};
use tower::ServiceExt;

#[path = "../support/database_url.rs"]
mod database_url;
use database_url::replace_database;

pub const POSTGRES_ENV: &str = "REDEPLOY_TEST_POSTGRES_URL";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The database URL, for running the `redeploy` binary against the same database.
    pub url: String,
    pub settings: Settings,
    _folder: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let folder = tempfile::tempdir().unwrap();
        let (url, postgres) = match std::env::var(POSTGRES_ENV) {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "redeploy_test_api_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {e}")
                });
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.ok();
                (replace_database(&admin_url, &name), Some((admin_url, name)))
            }
            _ => (
                format!(
                    "sqlite://{}?mode=rwc",
                    folder.path().join("api.db").display()
                ),
                None,
            ),
        };
        let mut settings = Settings::load_from(
            folder.path(),
            &CommandLine {
                database_url: Some(url.clone()),
                data_dir: Some(folder.path().to_owned()),
                listen: None,
            },
        )
        .unwrap();
        // Failed sign-ins are slowed in service; the tests need not wait.
        settings.auth.failed_sign_in_delay_ms = 1;
        settings.database.max_connections = 4;
        // The service as production builds it, but for delivering email: tests that read
        // the outbox deliver it themselves.
        let app = App::build(
            settings.clone(),
            domain::ReferenceData::london().unwrap(),
            Startup {
                without_email_delivery: true,
                ..Startup::default()
            },
        )
        .await
        .unwrap();
        TestApp {
            router: app.router(),
            db: app.store().db().clone(),
            url,
            settings,
            _folder: folder,
            postgres,
        }
    }

    /// Creates an account with the test password.
    pub async fn user(&self, email: &str, role: &str, trust: Option<&str>) -> i32 {
        let new = NewUser {
            email: email.to_owned(),
            role: role.to_owned(),
            trust: trust.map(str::to_owned),
            display_name: None,
            password: PASSWORD.to_owned(),
        };
        create_user(&self.db, &new, &AuditActor::system("test"))
            .await
            .unwrap()
            .id
    }

    /// Signs in and returns the bearer token.
    pub async fn sign_in(&self, email: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/session",
                None,
                Some(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.call_from(method, path, token, body, "10.1.2.3:50000")
            .await
    }

    /// Calls the router with no body and these extra headers, such as `accept`.
    pub async fn call_with_headers(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut builder = request_to(method, path, token);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo("10.1.2.3:50000".parse::<SocketAddr>().unwrap()));
        self.send(request).await
    }

    /// Calls the router as if from `address`.
    pub async fn call_from(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        address: &str,
    ) -> Reply {
        let mut builder = request_to(method, path, token);
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let mut request = builder.body(body).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(address.parse::<SocketAddr>().unwrap()));
        self.send(request).await
    }

    /// Another instance of the service on the same database, as a second machine would run it:
    /// its own connections and its own memory.
    pub async fn second_instance(&self) -> TestApp {
        self.restarted_with(|_| {}).await
    }

    /// The service started again on the same database with changed settings, as after an
    /// operator edits the configuration and restarts.
    pub async fn restarted_with(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = self.settings.clone();
        change(&mut settings);
        let app = App::build(
            settings.clone(),
            domain::ReferenceData::london().unwrap(),
            Startup {
                without_email_delivery: true,
                ..Startup::default()
            },
        )
        .await
        .unwrap();
        TestApp {
            router: app.router(),
            db: app.store().db().clone(),
            url: self.url.clone(),
            settings,
            _folder: tempfile::tempdir().unwrap(),
            // The first instance drops the database.
            postgres: None,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn finish(self) {
        self.db.close().await.ok();
        if let Some((admin_url, name)) = self.postgres {
            let admin = Database::connect(&admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
            admin.close().await.ok();
        }
    }
}

/// A request to `path`, signed in with `token` when there is one.
fn request_to(method: Method, path: &str, token: Option<&str>) -> axum::http::request::Builder {
    let builder = Request::builder().method(method).uri(path);
    match token {
        Some(token) => builder.header(header::AUTHORIZATION, format!("Bearer {token}")),
        None => builder,
    }
}

/// Asserts a problem+json reply with this status, returning its detail.
pub fn problem(reply: &Reply, status: StatusCode) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    assert_eq!(reply.body["status"], status.as_u16());
    reply.body["detail"].as_str().unwrap_or_default().to_owned()
}

/// The id of a site of the trust with this ODS code.
pub async fn site_of(app: &TestApp, ods: &str) -> i32 {
    let trust = trust::Entity::find()
        .filter(trust::Column::OdsCode.eq(ods))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    site::Entity::find()
        .filter(site::Column::TrustId.eq(trust.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A King's band 6 staff nurse's record (Wound care, NMC, living in SE5, at most an hour's
/// travel, 30 to 37.5 hours), with `changes` laid over it.
pub async fn nurse_body(app: &TestApp, number: &str, name: &str, changes: Value) -> Value {
    let mut body = serde_json::json!({
        "trust": "RJZ", "staff_number": number, "name": name,
        "email": format!("{}@nhs.net", name.to_lowercase().replace(' ', ".")),
        "band": "6", "staff_group": "Nursing and Midwifery Registered",
        "job_title": "Staff Nurse", "skills": ["Wound care"], "registrations": ["NMC"],
        "base_site": site_of(app, "RJZ").await, "home_postcode": "SE5 8AZ",
        "max_travel_minutes": 60, "hours_min": 30, "hours_max": 37.5,
        "lower_band_consent": false, "priority_tier": 1,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2012-01-01"
    });
    for (key, value) in changes.as_object().into_iter().flatten() {
        body[key] = value.clone();
    }
    body
}

/// A King's band 6 nursing post needing Wound care and NMC registration, at a King's site,
/// with `changes` laid over it.
pub async fn post_body(app: &TestApp, reference: &str, changes: Value) -> Value {
    let mut body = serde_json::json!({
        "trust": "RJZ", "reference": reference, "title": format!("Nurse {reference}"),
        "band": "6", "staff_group": "Nursing and Midwifery Registered",
        "site": site_of(app, "RJZ").await, "hours": 37.5, "closing_date": "2099-01-01",
        "essential_skills": ["Wound care"], "desirable_skills": [],
        "registration_required": "NMC",
        "contact_email": format!("{}@kch.nhs.uk", reference.to_lowercase())
    });
    for (key, value) in changes.as_object().into_iter().flatten() {
        body[key] = value.clone();
    }
    body
}

/// Registers a record and returns its id.
pub async fn create(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> i64 {
    let reply = app.call(Method::POST, path, Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

/// One signed-in person of each kind the tests need.
pub struct People {
    pub admin: String,
    pub hr_kings: String,
    pub hr_barts: String,
    pub analyst: String,
}

pub async fn people(app: &TestApp) -> People {
    app.user("admin@london.nhs.uk", "admin", None).await;
    app.user("hr@kch.nhs.uk", "trust_hr", Some("RJZ")).await;
    app.user("hr@bartshealth.nhs.uk", "trust_hr", Some("R1H"))
        .await;
    app.user("analyst@london.nhs.uk", "partnership", None).await;
    People {
        admin: app.sign_in("admin@london.nhs.uk").await,
        hr_kings: app.sign_in("hr@kch.nhs.uk").await,
        hr_barts: app.sign_in("hr@bartshealth.nhs.uk").await,
        analyst: app.sign_in("analyst@london.nhs.uk").await,
    }
}

/// Stores a decision about the pair `match_id` as the case workflow will: the pair as ranked
/// now, with `status` and one history entry by the HR account `hr@kch.nhs.uk`, logged for the
/// match index in the same transaction. Returns the pair as it was shown when decided.
pub async fn record_decision(
    app: &TestApp,
    token: &str,
    match_id: &str,
    status: &str,
) -> serde_json::Value {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let shown = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{match_id}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let pair = shown.body;
    let e = &pair["explanation"];
    let hundredths = |name: &str| (e["points"][name].as_f64().unwrap() * 100.0).round() as u16;
    let stored = store::matches::StoredExplanation(
        [
            hundredths("essential_skills"),
            hundredths("desirable_skills"),
            hundredths("band"),
            hundredths("travel"),
            hundredths("hours"),
            hundredths("staff_group"),
        ],
        e["travel_minutes"].as_u64().unwrap() as u32,
        e["band_drop"].as_u64().unwrap() as u8,
        e["location_basis"].as_str().unwrap().to_owned(),
    );
    let now = chrono::Utc::now();
    let txn = store::db::begin_write(&app.db).await.unwrap();
    let staff_id = pair["staff_id"].as_i64().unwrap() as i32;
    let row = store::entities::match_record::ActiveModel {
        staff_id: Set(staff_id),
        vacancy_id: Set(pair["vacancy_id"].as_i64().unwrap() as i32),
        status: Set(status.to_owned()),
        score: Set(pair["score"].as_f64().unwrap()),
        exact_match: Set(pair["exact_match"].as_bool().unwrap()),
        explanation: Set(stored.text()),
        eligible: Set(true),
        computed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let by = store::entities::user::Entity::find()
        .filter(store::entities::user::Column::Email.eq("hr@kch.nhs.uk"))
        .one(&txn)
        .await
        .unwrap()
        .map(|u| u.id);
    store::entities::match_transition::ActiveModel {
        match_id: Set(row.id),
        from_status: Set("suggested".to_owned()),
        to_status: Set(status.to_owned()),
        by_user_id: Set(by),
        at: Set(now),
        reason: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    store::match_index::log_write(&txn, &store::match_index::Changes::decisions_of([staff_id]))
        .await
        .unwrap();
    txn.commit().await.unwrap();
    pair
}
