use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use store::entities::{audit_entry, user};

use crate::helpers::{PASSWORD, TestApp, problem};

#[tokio::test]
async fn signing_in_gives_a_token_a_session_cookie_and_who_you_are() {
    let app = TestApp::new().await;
    let id = app
        .user("Hr.Manager@KCH.nhs.uk", "trust_hr", Some("rjz"))
        .await;

    let reply = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "hr.manager@kch.nhs.uk", "password": PASSWORD})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let token = reply.body["token"].as_str().unwrap();
    assert!(token.len() > 40);
    assert_eq!(
        reply.body["user"],
        json!({"id": id, "email": "hr.manager@kch.nhs.uk", "role": "trust_hr", "trust": "RJZ"})
    );
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with(&format!("redeploy_session={token}")));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    // The token and the cookie both say who is signed in.
    let me = app
        .call(Method::GET, "/api/v1/session", Some(token), None)
        .await;
    assert_eq!(me.body["email"], "hr.manager@kch.nhs.uk");
    let request = Request::get("/api/v1/session")
        .header(
            header::COOKIE,
            format!("theme=dark; redeploy_session={token}"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.body["role"], "trust_hr");
    app.finish().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::new().await;
    app.user("analyst@london.nhs.uk", "partnership", None).await;
    let wrong = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "analyst@london.nhs.uk", "password": "not the password"})),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "nobody@london.nhs.uk", "password": "not the password"})),
        )
        .await;
    let detail = problem(&wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(detail, problem(&unknown, StatusCode::UNAUTHORIZED));
    assert!(detail.contains("email address or password is not right"));
    app.finish().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_and_say_when_to_try_again() {
    let app = TestApp::new().await;
    app.user("admin@london.nhs.uk", "admin", None).await;
    let attempt = |password: &'static str| {
        app.call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "admin@london.nhs.uk", "password": password})),
        )
    };
    for _ in 0..4 {
        problem(
            &attempt("guess guess guess").await,
            StatusCode::UNAUTHORIZED,
        );
    }
    let locked = attempt("guess guess guess").await;
    let detail = problem(&locked, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        detail.contains("locked") && detail.contains("Try again after") && detail.contains("UTC"),
        "{detail}"
    );
    let retry_after: u64 = locked
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((60..=15 * 60).contains(&retry_after), "{retry_after}");

    // Even the right password waits for the lock to end.
    let right = attempt(PASSWORD).await;
    assert!(problem(&right, StatusCode::TOO_MANY_REQUESTS).contains("Try again after"));
    let failures = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("sign_in_failed"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 5, "every failed sign-in is audited");
    app.finish().await;
}

#[tokio::test]
async fn many_failures_from_one_address_slow_that_address_down_but_not_others() {
    let app = TestApp::new().await;
    app.user("staff.one@london.nhs.uk", "partnership", None)
        .await;
    for n in 0..20 {
        let reply = app
            .call_from(
                Method::POST,
                "/api/v1/session",
                None,
                Some(json!({"email": format!("guess{n}@london.nhs.uk"), "password": "wrong wrong wrong"})),
                "192.0.2.7:4000",
            )
            .await;
        problem(&reply, StatusCode::UNAUTHORIZED);
    }
    let blocked = app
        .call_from(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "staff.one@london.nhs.uk", "password": PASSWORD})),
            "192.0.2.7:4001",
        )
        .await;
    assert!(problem(&blocked, StatusCode::TOO_MANY_REQUESTS).contains("network address"));
    // Another address signs in as usual.
    app.sign_in("staff.one@london.nhs.uk").await;
    app.finish().await;
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::new().await;
    app.user("hr@gstt.nhs.uk", "trust_hr", Some("RJ1")).await;
    let token = app.sign_in("hr@gstt.nhs.uk").await;
    let out = app
        .call(Method::DELETE, "/api/v1/session", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = app
        .call(Method::GET, "/api/v1/session", Some(&token), None)
        .await;
    assert!(problem(&after, StatusCode::UNAUTHORIZED).contains("Sign in first"));
    app.finish().await;
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() {
    let app = TestApp::new().await;
    app.user("admin@london.nhs.uk", "admin", None).await;
    let stored = user::Entity::find()
        .filter(user::Column::Email.eq("admin@london.nhs.uk"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let hash = stored.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains(PASSWORD) && !hash.contains("horse"));
    app.finish().await;
}

#[tokio::test]
async fn a_sign_in_body_that_is_not_json_gets_a_400_that_says_so() {
    let app = TestApp::new().await;
    let request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    let reply = app.send(request).await;
    assert!(problem(&reply, StatusCode::BAD_REQUEST).contains("could not be read as JSON"));
    let missing = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "a@b.nhs.uk"})),
        )
        .await;
    assert!(problem(&missing, StatusCode::BAD_REQUEST).contains("password"));
    app.finish().await;
}

#[tokio::test]
async fn accounts_with_bad_details_are_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let new = store::users::NewUser {
        email: "not-an-email".into(),
        role: "manager".into(),
        trust: Some("ZZZ".into()),
        display_name: None,
        password: "short".into(),
    };
    let err = store::users::create_user(&app.db, &new, &store::audit::AuditActor::system("test"))
        .await
        .unwrap_err();
    let store::Error::Invalid(errors) = err else {
        panic!("expected field errors")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["email", "role", "password", "trust"]);
    assert!(user::Entity::find().all(&app.db).await.unwrap().is_empty());
    app.finish().await;
}

#[tokio::test]
async fn a_trust_integration_calls_the_api_with_a_token_until_it_is_revoked() {
    let app = TestApp::new().await;
    app.user("hr@kch.nhs.uk", "trust_hr", Some("RJZ")).await;
    app.user("nurse@nhs.net", "staff", Some("RJZ")).await;
    let session = app.sign_in("hr@kch.nhs.uk").await;
    let made = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": "ESR nightly export", "expires_in_days": 30})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let token = made.body["token"].as_str().unwrap().to_owned();
    let id = made.body["id"].as_i64().unwrap();
    assert!(token.starts_with("rdt_"));

    let me = app
        .call(Method::GET, "/api/v1/session", Some(&token), None)
        .await;
    assert_eq!(me.body["email"], "hr@kch.nhs.uk");
    let listed = app
        .call(Method::GET, "/api/v1/tokens", Some(&session), None)
        .await;
    assert_eq!(listed.body["total"], 1);
    assert!(
        listed.body["items"][0]["token"].is_null(),
        "a token is shown only once"
    );
    assert!(!listed.body["items"][0]["last_used_at"].is_null());

    let revoked = app
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    problem(
        &app.call(Method::GET, "/api/v1/session", Some(&token), None)
            .await,
        StatusCode::UNAUTHORIZED,
    );

    let bad = app
        .call(
            Method::POST,
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": " ", "expires_in_days": 5000})),
        )
        .await;
    problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    let nurse = app.sign_in("nurse@nhs.net").await;
    problem(
        &app.call(
            Method::POST,
            "/api/v1/tokens",
            Some(&nurse),
            Some(json!({"name": "mine"})),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &app.call(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            Some(&nurse),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    app.finish().await;
}
