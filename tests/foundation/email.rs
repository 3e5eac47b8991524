//! The running service delivers its outbox over SMTP, as configured through the environment:
//! a mail server that refuses the first connection still gets the message, once, soon after.

use std::time::Duration;

use crate::helpers::{Server, TestDatabase, redeploy, subfolder};

#[path = "../support/smtp_server.rs"]
mod smtp_server;

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

    // An invitation queued as the service queues one, beside the running service.
    let conn = db.connect().await;
    let message = notifier::message::invitation(
        "grace@nhs.net",
        "Grace",
        "A Trust",
        "http://127.0.0.1:8080/invitations/rdi_x",
        "1 January 2027",
    );
    store::outbox::enqueue(&conn, "invitation", &message, None)
        .await
        .unwrap();
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
