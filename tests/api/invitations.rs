use api::entities::email_outbox;
use axum::http::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{TestApp, people, problem, site_of};

#[tokio::test]
async fn an_invited_staff_member_sets_a_password_from_the_emailed_link_and_sees_their_record() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = json!({
        "trust": "RJZ", "staff_number": "10009999", "name": "Grace Mensah", "email": "Grace.Mensah@nhs.net",
        "band": "4", "staff_group": "Administrative and Clerical", "job_title": "Medical Secretary",
        "skills": ["audio typing"], "base_site": site_of(&app, "RJZ").await,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2014-05-01"
    });
    let id = app
        .call(Method::POST, "/api/v1/staff", Some(&p.hr_kings), Some(body))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let invite = format!("/api/v1/staff/{id}/invite");
    problem(
        &app.call(Method::POST, &invite, Some(&p.hr_barts), None)
            .await,
        StatusCode::NOT_FOUND,
    );

    let sent = app
        .call(Method::POST, &invite, Some(&p.hr_kings), None)
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.body["email"], "grace.mensah@nhs.net");

    // The email waits in the outbox with the one-time link, in text and HTML.
    let mail = email_outbox::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, "grace.mensah@nhs.net");
    assert_eq!(mail[0].status, "pending");
    assert!(mail[0].body_text.contains("Dear Grace Mensah"));
    assert!(
        mail[0]
            .body_text
            .contains("King's College Hospital NHS Foundation Trust has registered you")
    );
    let link = mail[0]
        .body_text
        .lines()
        .find(|l| l.contains("/invitations/"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(mail[0].body_html.contains(&link));
    let token = link.rsplit('/').next().unwrap().to_owned();
    let path = format!("/api/v1/invitations/{token}");

    let view = app.call(Method::GET, &path, None, None).await;
    assert_eq!(view.body["name"], "Grace Mensah");
    let short = app
        .call(
            Method::POST,
            &path,
            None,
            Some(json!({"password": "short"})),
        )
        .await;
    assert!(problem(&short, StatusCode::UNPROCESSABLE_ENTITY).contains("at least 12 characters"));

    let accepted = app
        .call(
            Method::POST,
            &path,
            None,
            Some(json!({"password": "blue harbour lantern"})),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(accepted.body["user"]["role"], "staff");
    let session = accepted.body["token"].as_str().unwrap().to_owned();
    let mine = app
        .call(
            Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body["name"], "Grace Mensah");

    // The link works once; the account now signs in with its password.
    let again = app
        .call(
            Method::POST,
            &path,
            None,
            Some(json!({"password": "another long password"})),
        )
        .await;
    assert!(problem(&again, StatusCode::CONFLICT).contains("already been used"));
    let signed_in = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "grace.mensah@nhs.net", "password": "blue harbour lantern"})),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::CREATED);
    let reinvite = app
        .call(Method::POST, &invite, Some(&p.hr_kings), None)
        .await;
    assert!(problem(&reinvite, StatusCode::CONFLICT).contains("already set up"));
    problem(
        &app.call(Method::GET, "/api/v1/invitations/rdi_forged", None, None)
            .await,
        StatusCode::NOT_FOUND,
    );
    app.finish().await;
}
