//! Email over a real SMTP conversation, with a mail server in the test process
//! (`tests/support/smtp_server.rs`) on a random port. Each test reads back what the server
//! received, as MIME: recipients, subject, both parts, the `Message-ID`, and the link a person
//! would follow. And the ways mail really fails: a server that refuses for a while, a
//! permanent refusal, an instance killed between claiming a message and recording it sent,
//! and two instances delivering from one outbox.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::json;
use store::entities::email_outbox;

use crate::helpers::{TestApp, people, site_of};
use crate::journeys::{html, signed_in_browser};
use crate::pages::Browser;

#[path = "../support/smtp_server.rs"]
pub(crate) mod smtp_server;
use smtp_server::{Received, SmtpServer};

/// The `[email]` settings of a service sending through `server`.
pub(crate) fn smtp_settings(
    app: &TestApp,
    server: &SmtpServer,
    pool_size: u32,
) -> notifier::EmailSettings {
    let mut email = app.settings.email.clone();
    email.transport = "smtp".to_owned();
    email.smtp_url = SecretString::from(server.url());
    email.pool_size = pool_size;
    email.timeout_seconds = 5;
    email
}

pub(crate) async fn deliver(
    app: &TestApp,
    email: &notifier::EmailSettings,
) -> store::outbox::Delivered {
    let mailer = email.mailer(&app.settings.data_dir).unwrap();
    store::outbox::deliver_due(&app.db, mailer.as_ref(), email, 100)
        .await
        .unwrap()
}

/// Makes every queued message due now, as time passing would.
async fn time_passes(app: &TestApp) {
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::NextAttemptAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
}

async fn queue(app: &TestApp, n: usize) {
    for i in 0..n {
        let message = notifier::message::invitation(
            &format!("person{i}@nhs.net"),
            &format!("Person {i}"),
            "A Trust",
            &format!("http://127.0.0.1:8080/invitations/rdi_{i}"),
            "1 January 2027",
        );
        store::outbox::enqueue(&app.db, "invitation", &message, None)
            .await
            .unwrap();
    }
}

/// How many different `Message-ID`s the messages carry.
fn distinct_message_ids(received: &[Received]) -> usize {
    let mut ids: Vec<String> = received
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// The decoded body of the MIME part whose type is `content_type`.
pub(crate) fn part(message: &Received, content_type: &str) -> String {
    let section = message
        .data
        .split(&format!("Content-Type: {content_type}"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {content_type} part in {}", message.data));
    let (head, rest) = section.split_once("\r\n\r\n").unwrap();
    let body = rest.split("\r\n--").next().unwrap();
    if head.contains("quoted-printable") {
        decode_quoted_printable(body)
    } else if head.contains("base64") {
        decode_base64(body)
    } else {
        body.to_owned()
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len() + 1
            && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn decode_base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut held = 0;
    let mut out = Vec::new();
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | value;
        held += 6;
        if held >= 8 {
            held -= 8;
            out.push((bits >> held) as u8);
            bits &= (1 << held) - 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn an_invitation_arrives_over_smtp_with_both_parts_and_its_link_opens_the_page_to_set_a_password()
 {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let server = SmtpServer::start().await;
    let id = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&p.hr_kings),
            Some(json!({
                "trust": "RJZ", "staff_number": "10009999", "name": "Grace Mensah",
                "email": "grace.mensah@nhs.net", "band": "4",
                "staff_group": "Administrative and Clerical", "job_title": "Medical Secretary",
                "base_site": site_of(&app, "RJZ").await,
                "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2014-05-01"
            })),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let invited = app
        .call(
            Method::POST,
            &format!("/api/v1/staff/{id}/invite"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);

    let email = smtp_settings(&app, &server, 4);
    assert_eq!(deliver(&app, &email).await.sent, 1);
    let received = server.wait_for(1, Duration::from_secs(5)).await;
    let mail = &received[0];
    assert_eq!(mail.to, ["grace.mensah@nhs.net"]);
    assert_eq!(mail.from, "no-reply@redeploy.example");
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Set up your Redeploy London account")
    );
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!(row.status, "sent");
    assert_eq!(
        mail.header("Message-ID"),
        Some(format!("<{}>", store::outbox::message_id(row, &email.from)))
    );
    let text = part(mail, "text/plain");
    let html_part = part(mail, "text/html");
    assert!(text.contains("Dear Grace Mensah"), "{text}");
    let link = text
        .lines()
        .find(|l| l.contains("/invitations/"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        html_part.contains(&format!("href=\"{link}\"")),
        "{html_part}"
    );

    // The link, followed as the person would: the page to choose a password.
    let path = link.split_once("//").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let page = Browser::default().get(&app, path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", html(&page));
    assert!(html(&page).contains("Grace Mensah"));

    // Nothing is sent twice.
    assert_eq!(deliver(&app, &email).await.sent, 0);
    assert_eq!(server.received().len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn a_server_that_refuses_for_a_while_gets_every_email_once_it_recovers_and_none_twice() {
    let app = TestApp::new().await;
    let server = SmtpServer::start().await;
    queue(&app, 6).await;
    let email = smtp_settings(&app, &server, 2);

    // Down: every connection refused. Each message waits to be tried again, later.
    server.refuse_connections(1000);
    let first = deliver(&app, &email).await;
    assert_eq!((first.sent, first.failed, first.dead), (0, 6, 0));
    let rows = email_outbox::Entity::find().all(&app.db).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| r.status == "pending" && r.attempts == 1)
    );
    assert!(rows.iter().all(|r| r.next_attempt_at > chrono::Utc::now()));
    assert_eq!(deliver(&app, &email).await.failed, 0, "not before its time");

    // Back, but busy: the first two messages are told to try later.
    server.refuse_connections(0);
    server.reply_to_data(&["451 4.3.0 Try again later", "421 4.7.0 Too busy"]);
    time_passes(&app).await;
    let second = deliver(&app, &email).await;
    assert_eq!((second.sent, second.failed), (4, 2));
    time_passes(&app).await;
    assert_eq!(deliver(&app, &email).await.sent, 2);

    let received = server.received();
    let ids = distinct_message_ids(&received);
    assert_eq!((received.len(), ids), (6, 6), "each once");
    time_passes(&app).await;
    assert_eq!(deliver(&app, &email).await.sent, 0);
    assert_eq!(server.received().len(), 6);
    app.finish().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_not_retried_and_waits_on_the_admin_page_to_be_sent_again() {
    let app = TestApp::new().await;
    people(&app).await;
    let server = SmtpServer::start().await;
    queue(&app, 1).await;
    let email = smtp_settings(&app, &server, 1);
    server.reply_to_data(&["550 5.1.1 Mailbox unavailable"]);
    let refused = deliver(&app, &email).await;
    assert_eq!((refused.sent, refused.dead), (0, 1));
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 1));
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .contains("Mailbox unavailable")
    );
    time_passes(&app).await;
    assert_eq!(
        deliver(&app, &email).await.failed,
        0,
        "never tried again by itself"
    );

    let mut admin = signed_in_browser(&app, "admin@london.nhs.uk").await;
    let page = admin.get(&app, "/admin").await;
    assert!(html(&page).contains("person0@nhs.net") && html(&page).contains("Mailbox unavailable"));
    let guard = crate::pages::guard_on(&page);
    let again = admin
        .post(
            &app,
            &format!("/admin/emails/{}/retry", row.id),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(deliver(&app, &email).await.sent, 1);
    assert_eq!(server.received()[0].to, ["person0@nhs.net"]);
    app.finish().await;
}

/// Sends through SMTP, then never returns: an instance killed between handing a message over
/// and recording it sent.
#[derive(Debug)]
struct DiesAfterSending(Box<dyn notifier::Mailer>);

impl notifier::Mailer for DiesAfterSending {
    fn send<'a>(
        &'a self,
        message: &'a notifier::Message,
        message_id: &'a str,
    ) -> notifier::mailer::SendFuture<'a> {
        Box::pin(async move {
            self.0.send(message, message_id).await?;
            std::future::pending::<()>().await;
            Ok(())
        })
    }
}

#[tokio::test]
async fn an_email_claimed_by_an_instance_that_died_goes_out_after_restart_as_the_same_email() {
    let app = TestApp::new().await;
    let server = SmtpServer::start().await;
    queue(&app, 1).await;
    let email = smtp_settings(&app, &server, 1);
    let dying = DiesAfterSending(email.mailer(&app.settings.data_dir).unwrap());
    let db = app.db.clone();
    let settings = email.clone();
    let instance =
        tokio::spawn(async move { store::outbox::deliver_due(&db, &dying, &settings, 10).await });
    let first = server.wait_for(1, Duration::from_secs(5)).await;
    instance.abort();
    let _ = instance.await;
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!(row.status, "pending", "never recorded as sent");
    assert!(row.claimed_until.is_some());

    // Restarted at once: the claim still stands, so nothing is sent twice yet.
    let restarted = app.restarted_with(|_| {}).await;
    let mailer = email.mailer(&app.settings.data_dir).unwrap();
    let now = store::outbox::deliver_due(&restarted.db, mailer.as_ref(), &email, 10)
        .await
        .unwrap();
    assert_eq!(now.sent, 0);
    // Once the dead instance's claim has run out, the email goes, as the same email.
    email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::ClaimedUntil,
            Expr::value(Some(chrono::Utc::now() - chrono::Duration::seconds(1))),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let later = store::outbox::deliver_due(&restarted.db, mailer.as_ref(), &email, 10)
        .await
        .unwrap();
    assert_eq!(later.sent, 1);
    let received = server.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(
        received[1].header("Message-ID"),
        first[0].header("Message-ID")
    );
    let row = &email_outbox::Entity::find().all(&app.db).await.unwrap()[0];
    assert_eq!(row.status, "sent");
    app.finish().await;
}

#[tokio::test]
async fn two_instances_delivering_from_one_outbox_never_send_the_same_email() {
    let app = TestApp::new().await;
    let other = app.second_instance().await;
    let server = SmtpServer::start().await;
    queue(&app, 120).await;
    let email = smtp_settings(&app, &server, 2);
    let pass = |db: sea_orm::DatabaseConnection,
                email: notifier::EmailSettings,
                dir: std::path::PathBuf| async move {
        let mailer = email.mailer(&dir).unwrap();
        let mut sent = 0;
        loop {
            let done = store::outbox::deliver_due(&db, mailer.as_ref(), &email, 7)
                .await
                .unwrap();
            if done.sent == 0 {
                return sent;
            }
            sent += done.sent;
        }
    };
    let dir = app.settings.data_dir.clone();
    let (one, two) = tokio::join!(
        pass(app.db.clone(), email.clone(), dir.clone()),
        pass(other.db.clone(), email.clone(), dir)
    );
    assert_eq!(one + two, 120);
    assert!(
        one > 0 && two > 0,
        "both instances delivered: {one} and {two}"
    );
    let received = server.received();
    let ids = distinct_message_ids(&received);
    assert_eq!((received.len(), ids), (120, 120));
    let pending = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.ne("sent"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(pending.is_empty());
    app.finish().await;
}

/// The link in a message's plain-text part that contains `marker`, as a path on the service.
pub(crate) fn link_path(message: &Received, marker: &str) -> String {
    let text = part(message, "text/plain");
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("http") && w.contains(marker))
        .unwrap_or_else(|| panic!("no link with {marker} in {text}"));
    let after_host = link.split_once("//").unwrap().1;
    after_host[after_host.find('/').unwrap()..].to_owned()
}

#[tokio::test]
async fn a_candidate_is_emailed_each_step_of_their_pair_and_the_link_opens_it_on_their_page() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let server = SmtpServer::start().await;
    let email = smtp_settings(&app, &server, 2);
    let staff = crate::helpers::create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        crate::helpers::nurse_body(&app, "K7", "Ama Owusu", json!({})).await,
    )
    .await;
    let vacancy = crate::helpers::create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        crate::helpers::post_body(&app, "KCH-77", json!({"title": "Ward Sister"})).await,
    )
    .await;
    // Ama sets up her account from the invitation, which arrives first.
    app.call(
        Method::POST,
        &format!("/api/v1/staff/{staff}/invite"),
        Some(&p.hr_kings),
        None,
    )
    .await;
    deliver(&app, &email).await;
    let invitation = server.wait_for(1, Duration::from_secs(5)).await;
    let token = link_path(&invitation[0], "/invitations/")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let accepted = app
        .call(
            Method::POST,
            &format!("/api/v1/invitations/{token}"),
            None,
            Some(json!({ "password": crate::helpers::PASSWORD })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);

    let pair = format!("{staff}-{vacancy}");
    let transitions = format!("/api/v1/matches/{pair}/transitions");
    for body in [
        json!({"to": "interested"}),
        json!({"to": "shortlisted"}),
        json!({"to": "interview", "date": "2099-02-02"}),
    ] {
        let token = if body["to"] == "interested" {
            accepted.body["token"].as_str().unwrap().to_owned()
        } else {
            p.hr_kings.clone()
        };
        let moved = app
            .call(Method::POST, &transitions, Some(&token), Some(body))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    }
    assert_eq!(
        deliver(&app, &email).await.sent,
        2,
        "shortlisted and interview; not her own move"
    );
    let received = server.wait_for(3, Duration::from_secs(5)).await;
    // One reader's emails arrive in the order they were written.
    let about = |start: &str| {
        received
            .iter()
            .position(|m| m.header("Subject").is_some_and(|s| s.starts_with(start)))
            .unwrap_or_else(|| panic!("no email about {start}"))
    };
    let (first, second) = (about("You are shortlisted"), about("Interview on"));
    assert!(first < second, "shortlisted arrives before the interview");
    let about = |at: usize| &received[at];
    let (shortlisted, interview) = (about(first), about(second));
    assert_eq!(shortlisted.to, ["ama.owusu@nhs.net"]);
    assert_eq!(
        shortlisted.header("Subject").as_deref(),
        Some("You are shortlisted: Ward Sister")
    );
    assert_eq!(
        interview.header("Subject").as_deref(),
        Some("Interview on Monday 2 February 2099: Ward Sister")
    );
    assert!(part(interview, "text/html").contains("on Monday 2 February 2099"));
    assert_ne!(
        shortlisted.header("Message-ID"),
        interview.header("Message-ID")
    );

    // The link opens her vacancies, at this one, once she has signed in.
    let path = link_path(interview, "/me");
    assert_eq!(path, format!("/me?pair={pair}#vacancy-{pair}"));
    let mut ama = signed_in_browser(&app, "ama.owusu@nhs.net").await;
    let page = ama.get(&app, path.split('#').next().unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", html(&page));
    assert!(
        html(&page).contains(&format!("id=\"vacancy-{pair}\"")),
        "{}",
        html(&page)
    );
    app.finish().await;
}
