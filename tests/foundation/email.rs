//! The running service delivers its outbox over SMTP, as configured through the environment:
//! a mail server that refuses the first connection still gets the message, once, soon after.

use std::time::Duration;

use crate::helpers::{Server, TestDatabase, redeploy, subfolder};

#[path = "../support/smtp_server.rs"]
mod smtp_server;

/// Queues an invitation to grace@nhs.net as the service queues one, beside the running service.
async fn queue_an_invitation(conn: &sea_orm::DatabaseConnection) {
    let message = notifier::message::invitation(
        "grace@nhs.net",
        "Grace",
        "A Trust",
        "http://127.0.0.1:8080/invitations/rdi_x",
        "1 January 2027",
    );
    store::outbox::enqueue(conn, "invitation", &message, None)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_sends_its_queued_email_over_smtp_and_tries_again_after_a_refusal() {
    let db = TestDatabase::fresh().await;
    let mail = smtp_server::SmtpServer::start().await;
    mail.refuse_connections(1);
    let folder = subfolder(&db, "run");
    let mut command = redeploy(&folder);
    command
        .env("REDEPLOY__DATABASE__URL", &db.url)
        .env("REDEPLOY__EMAIL__TRANSPORT", "smtp")
        .env("REDEPLOY__EMAIL__SMTP_URL", mail.url())
        .env("REDEPLOY__EMAIL__FIRST_RETRY_SECONDS", "1");
    let server = tokio::task::spawn_blocking(move || Server::start(command))
        .await
        .unwrap();

    let conn = db.connect().await;
    queue_an_invitation(&conn).await;
    let received = mail.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(received[0].to, ["grace@nhs.net"]);
    assert!(
        mail.connections() >= 2,
        "the refused connection was tried again"
    );
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(mail.received().len(), 1, "sent once");
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    conn.close().await.ok();
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_claimed_by_a_service_killed_mid_send_goes_out_after_restart_as_the_same_email() {
    use sea_orm::EntityTrait;
    use store::entities::email_outbox;

    let db = TestDatabase::fresh().await;
    let mail = smtp_server::SmtpServer::start().await;
    // The server takes the message in and hangs before answering: the service has handed it
    // over but cannot know it arrived, and is killed while it waits.
    mail.hold_data(1);
    let folder = subfolder(&db, "run");
    let command = |folder: &std::path::Path| {
        let mut command = redeploy(folder);
        command
            .env("REDEPLOY__DATABASE__URL", &db.url)
            .env("REDEPLOY__EMAIL__TRANSPORT", "smtp")
            .env("REDEPLOY__EMAIL__SMTP_URL", mail.url())
            .env("REDEPLOY__EMAIL__TIMEOUT_SECONDS", "60")
            .env("REDEPLOY__EMAIL__CLAIM_SECONDS", "3");
        command
    };
    let first = command(&folder);
    let server = tokio::task::spawn_blocking(move || Server::start(first))
        .await
        .unwrap();
    let conn = db.connect().await;
    queue_an_invitation(&conn).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while mail.held().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the message never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .unwrap();
    let row = &email_outbox::Entity::find().all(&conn).await.unwrap()[0];
    assert_eq!(row.status, "pending", "never recorded as sent");
    assert!(row.claimed_until.is_some(), "claimed when it was killed");

    // Started again: once the dead instance's claim runs out, the email goes, the same email.
    let again = command(&folder);
    let server = tokio::task::spawn_blocking(move || Server::start(again))
        .await
        .unwrap();
    let received = mail.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(
        received[0].header("Message-ID"),
        mail.held()[0].header("Message-ID"),
        "the email sent again is the same email"
    );
    assert!(received[0].header("Message-ID").is_some());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let row = &email_outbox::Entity::find().all(&conn).await.unwrap()[0];
        if row.status == "sent" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never recorded as sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    conn.close().await.ok();
    db.finish().await;
}
