use axum::http::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;
use store::entities::email_outbox;

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

#[tokio::test]
async fn queued_email_is_written_once_as_an_eml_file_and_a_failed_write_is_retried_later() {
    let app = TestApp::new().await;
    let message = notifier::message::invitation(
        "grace@nhs.net",
        "Grace",
        "A Trust",
        "http://127.0.0.1:8080/invitations/rdi_x",
        "1 January 2027",
    );
    store::outbox::enqueue(&app.db, "invitation", &message, None)
        .await
        .unwrap();

    // A folder that cannot be written (a file stands where it should be): the send fails.
    let folder = tempfile::tempdir().unwrap();
    let blocked = folder.path().join("mail");
    let mailer =
        notifier::FileMailer::new(&blocked, "Redeploy London <no-reply@redeploy.example>").unwrap();
    std::fs::remove_dir(&blocked).unwrap();
    std::fs::write(&blocked, "not a folder").unwrap();
    let first = store::outbox::deliver_due(&app.db, &mailer, &app.settings.email, 10)
        .await
        .unwrap();
    assert_eq!((first.sent, first.failed), (0, 1));
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert!(row.last_error.is_some());
    assert!(
        row.next_attempt_at > chrono::Utc::now(),
        "retried later, not at once"
    );
    let too_soon = store::outbox::deliver_due(&app.db, &mailer, &app.settings.email, 10)
        .await
        .unwrap();
    assert_eq!((too_soon.sent, too_soon.failed), (0, 0));

    // Due again, with a folder that works: written once.
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let good = folder.path().join("good");
    let mailer =
        notifier::FileMailer::new(&good, "Redeploy London <no-reply@redeploy.example>").unwrap();
    let sent = store::outbox::deliver_due(&app.db, &mailer, &app.settings.email, 10)
        .await
        .unwrap();
    assert_eq!(sent.sent, 1);
    let again = store::outbox::deliver_due(&app.db, &mailer, &app.settings.email, 10)
        .await
        .unwrap();
    assert_eq!(again.sent, 0, "never sent twice");
    let files: Vec<_> = std::fs::read_dir(&good)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Set up your Redeploy London account"));
    assert!(eml.contains("To: grace@nhs.net"));
    assert!(eml.contains("rdi_x"));
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!(row.status, "sent");
    assert!(row.sent_at.is_some());
    app.finish().await;
}

#[tokio::test]
async fn invitations_sent_at_once_while_email_is_delivered_all_succeed_and_the_last_one_counts() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let body = json!({
        "trust": "RJZ", "staff_number": "10008888", "name": "Kofi Boateng", "email": "kofi.boateng@nhs.net",
        "band": "3", "staff_group": "Estates and Ancillary", "job_title": "Porter",
        "base_site": site_of(&app, "RJZ").await,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2014-05-01"
    });
    let id = app
        .call(Method::POST, "/api/v1/staff", Some(&p.hr_kings), Some(body))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let invite = format!("/api/v1/staff/{id}/invite");
    // Eight invitations at once, while the delivery loop writes to the outbox beside them:
    // each waits its turn for the write lock instead of failing.
    let folder = tempfile::tempdir().unwrap();
    let mailer =
        notifier::FileMailer::new(folder.path(), "Redeploy London <no-reply@redeploy.example>")
            .unwrap();
    let invites = (0..8).map(|_| app.call(Method::POST, &invite, Some(&p.hr_kings), None));
    let deliveries =
        (0..8).map(|_| store::outbox::deliver_due(&app.db, &mailer, &app.settings.email, 10));
    let (replies, delivered) =
        tokio::join!(futures_join_all(invites), futures_join_all(deliveries));
    for reply in &replies {
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    }
    for pass in delivered {
        pass.unwrap();
    }
    // One account, and only the newest invitation still opens.
    let accounts = store::entities::user::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        accounts
            .iter()
            .filter(|u| u.email == "kofi.boateng@nhs.net")
            .count(),
        1
    );
    let open = store::entities::invitation::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.used_at.is_none())
        .count();
    assert_eq!(open, 1);
    app.finish().await;
}

/// Runs every future at once on this task and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pending: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (future, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("every future finished"))
        .collect()
}
