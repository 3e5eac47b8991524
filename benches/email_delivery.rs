//! Email delivery throughput: messages queued in the outbox of a SQLite database (the
//! service's default), delivered by `store::outbox::deliver_due` over SMTP to a mail server on
//! 127.0.0.1 (the SMTP server the tests use, in this process), as the delivery loop does it:
//! claimed in batches of 50, each sent, each recorded sent.
//!
//! It runs the same messages through a pooled transport (connections kept open, the default)
//! and through a new connection per message, in the same run, and prints emails a second for
//! each and the ratio. Run: `cargo bench --bench email_delivery`.
//!
//! Why several sends at once: lettre writes a message's body and its closing `.` separately,
//! so on most TCP stacks (Nagle's algorithm meeting the server's delayed acknowledgement) each
//! message waits about 40 ms however fast the server is; one conversation at a time tops out
//! near 25 emails a second.

use std::time::{Duration, Instant};

use secrecy::SecretString;

#[path = "../tests/support/smtp_server.rs"]
mod smtp_server;

const MESSAGES: usize = 1000;
const ROUNDS: usize = 3;
const BATCH: u64 = 50;

async fn queue(db: &sea_orm::DatabaseConnection, n: usize) {
    for i in 0..n {
        let message = notifier::message::invitation(
            &format!("person{i}@nhs.net"),
            &format!("Person {i}"),
            "King's College Hospital NHS Foundation Trust",
            &format!("https://redeploy.example/invitations/rdi_{i}"),
            "13 December 2026",
        );
        store::outbox::enqueue(db, "invitation", &message, None)
            .await
            .expect("queue");
    }
}

/// Delivers everything queued; answers how long it took.
async fn deliver_all(
    db: &sea_orm::DatabaseConnection,
    mailer: &dyn notifier::Mailer,
    email: &notifier::EmailSettings,
) -> Duration {
    let began = Instant::now();
    let mut sent = 0;
    while sent < MESSAGES {
        let done = store::outbox::deliver_due(db, mailer, email, BATCH)
            .await
            .expect("deliver");
        assert_eq!(done.failed, 0, "a message failed");
        sent += done.sent;
    }
    began.elapsed()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let folder = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", folder.path().join("bench.db").display());
        let db = store::db::connect(&url, 4).await.expect("database");
        store::db::migrate(&db).await.expect("migrate");
        let server = smtp_server::SmtpServer::start().await;
        let settings = store::Settings::load_from(folder.path(), &store::CommandLine::default())
            .expect("configuration");
        let mut email = settings.email.clone();
        email.transport = "smtp".to_owned();
        email.smtp_url = SecretString::from(server.url());

        let mut results = Vec::new();
        // The same number of messages in flight either way (`concurrent_sends`, 16 by
        // default); only whether connections are kept and reused differs.
        for (label, pool_size) in [
            ("pooled (16 connections kept open, 16 sends at once)", 16),
            ("a new connection for each message (16 sends at once)", 0),
        ] {
            email.pool_size = pool_size;
            let mailer = email.mailer(folder.path()).expect("mailer");
            let mut rates = Vec::new();
            for _ in 0..ROUNDS {
                queue(&db, MESSAGES).await;
                let took = deliver_all(&db, mailer.as_ref(), &email).await;
                rates.push(MESSAGES as f64 / took.as_secs_f64());
            }
            rates.sort_by(f64::total_cmp);
            let median = rates[ROUNDS / 2];
            println!(
                "{label}: {median:.0} emails/s (median of {ROUNDS} rounds of {MESSAGES}; {:.0} to {:.0})",
                rates[0],
                rates[ROUNDS - 1]
            );
            results.push(median);
        }
        println!(
            "the pool delivers {:.1}× as many emails a second as a connection per message",
            results[0] / results[1]
        );
        assert_eq!(server.received().len(), 2 * ROUNDS * MESSAGES);
    });
}
