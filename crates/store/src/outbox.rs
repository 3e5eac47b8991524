//! The email outbox: a message is written here in the same transaction as the change that
//! causes it, so that it is sent exactly when the change happened and never lost. Delivery
//! (claiming pending rows and handing them to the configured transport) reads from here.

use chrono::Utc;
use notifier::Message;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::email_outbox;
use crate::metrics::EmailEvent;

/// Queues `message` for delivery. A message with a dedupe key (its cause) is queued once:
/// queuing the same cause again does nothing and answers false.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    message: &Message,
    dedupe_key: Option<String>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::OnConflict;

    let now = Utc::now();
    let row = email_outbox::ActiveModel {
        kind: Set(kind.to_owned()),
        to_address: Set(message.to.clone()),
        subject: Set(message.subject.clone()),
        body_text: Set(message.text.clone()),
        body_html: Set(message.html.clone()),
        dedupe_key: Set(dedupe_key),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    };
    let inserted = email_outbox::Entity::insert(row)
        .on_conflict(
            OnConflict::column(email_outbox::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Attempts that failed, including those given up on.
    pub failed: usize,
    /// Messages given up on (refused for good, or failed every attempt): marked failed, for
    /// admin to see on `/admin` and send again.
    pub dead: usize,
}

/// The `Message-ID` of an outbox row, from what caused it: the kind of message and its dedupe
/// key (the cause, for messages that go once only) or else the row, which is written in the
/// same transaction as its cause. The same row always gives the same id, so a message sent
/// again after a crash is the same email to every server and mail client.
pub fn message_id(row: &email_outbox::Model, from: &str) -> String {
    use sha2::{Digest, Sha256};
    let cause = match &row.dedupe_key {
        Some(key) => format!("{}:{key}", row.kind),
        None => format!("{}:outbox:{}", row.kind, row.id),
    };
    let digest = Sha256::digest(cause.as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let domain = from
        .rsplit_once('@')
        .map(|(_, rest)| rest.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("redeploy.invalid");
    format!("{}.{hex}@{domain}", row.kind.replace('_', "-"))
}

/// Claims up to `limit` due messages for this instance in one statement, so that two
/// instances never hold the same row: on PostgreSQL the rows are locked as they are chosen
/// (`FOR UPDATE SKIP LOCKED`, so instances take different rows instead of waiting); on SQLite
/// the one statement holds the write lock while it chooses and marks them.
async fn claim_due(
    db: &sea_orm::DatabaseConnection,
    now: chrono::DateTime<Utc>,
    claim_seconds: u64,
    limit: u64,
) -> Result<Vec<email_outbox::Model>, DbErr> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};

    let backend = db.get_database_backend();
    let lock = match backend {
        DbBackend::Postgres => "FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    // PostgreSQL numbers its parameters, so `$2` serves twice; SQLite's `?` take their values
    // in order.
    let (until, at, most) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3"),
        _ => ("?", "?", "?"),
    };
    let sql = format!(
        "UPDATE email_outbox SET claimed_until = {until} \
         WHERE id IN (SELECT id FROM email_outbox \
             WHERE status = 'pending' AND next_attempt_at <= {at} \
             AND (claimed_until IS NULL OR claimed_until < {at}) \
             ORDER BY id LIMIT {most} {lock}) \
         RETURNING *"
    );
    // Held for `[email] claim_seconds`: longer than a conversation may take, so a slow send is
    // never sent twice; what an instance that died had claimed goes out that long after.
    let claim_until = now + chrono::Duration::seconds(claim_seconds.max(1) as i64);
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![claim_until.into(), now.into(), (limit as i64).into()],
        _ => vec![
            claim_until.into(),
            now.into(),
            now.into(),
            (limit as i64).into(),
        ],
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut claimed = rows
        .iter()
        .map(|row| email_outbox::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|row| row.id);
    Ok(claimed)
}

/// A number from 0.8 to 1.2, so that messages failing together are not all retried together.
fn jitter() -> f64 {
    use rand::TryRngCore;
    let draw = rand::rngs::OsRng.try_next_u32().unwrap_or(u32::MAX / 2);
    0.8 + 0.4 * f64::from(draw) / f64::from(u32::MAX)
}

/// Sends up to `limit` messages that are due, each claimed first so that two instances sharing
/// one database never send the same message at once. A temporary failure (no connection, a
/// 4xx reply, a timeout) is tried again later, waiting longer each time, up to
/// `[email] max_attempts`; a permanent refusal (a 5xx reply, an address that cannot be used)
/// is marked failed at once. A failed message waits on `/admin` for a person to send again.
pub async fn deliver_due(
    db: &sea_orm::DatabaseConnection,
    mailer: &dyn notifier::Mailer,
    settings: &notifier::EmailSettings,
    limit: u64,
) -> Result<Delivered, DbErr> {
    use futures_util::StreamExt;

    let now = Utc::now();
    let claimed = claim_due(db, now, settings.claim_seconds, limit).await?;
    // Several conversations at once, as each spends most of its time waiting on the network;
    // but one reader's messages one after another, oldest first, so that they arrive in the
    // order they were written ("shortlisted" before "interview").
    let mut by_reader: Vec<Vec<email_outbox::Model>> = Vec::new();
    let mut reader_at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for row in claimed {
        let at = *reader_at
            .entry(row.to_address.to_lowercase())
            .or_insert_with(|| {
                by_reader.push(Vec::new());
                by_reader.len() - 1
            });
        by_reader[at].push(row);
    }
    let at_once = settings.concurrent_sends.max(1) as usize;
    let outcomes: Vec<Result<Outcome, DbErr>> = futures_util::stream::iter(by_reader)
        .map(|rows| async move {
            let mut done = Vec::with_capacity(rows.len());
            for row in rows {
                done.push(send_and_record(db, mailer, settings, row).await);
            }
            futures_util::stream::iter(done)
        })
        .buffer_unordered(at_once)
        .flatten()
        .collect()
        .await;
    let mut delivered = Delivered::default();
    for outcome in outcomes {
        match outcome? {
            Outcome::Sent => delivered.sent += 1,
            Outcome::Retrying => delivered.failed += 1,
            Outcome::Dead => {
                delivered.failed += 1;
                delivered.dead += 1;
            }
        }
    }
    Ok(delivered)
}

/// What became of one claimed message.
enum Outcome {
    Sent,
    Retrying,
    Dead,
}

/// Sends one claimed message and records what happened: sent, to be tried again later, or
/// given up on.
async fn send_and_record(
    db: &sea_orm::DatabaseConnection,
    mailer: &dyn notifier::Mailer,
    settings: &notifier::EmailSettings,
    row: email_outbox::Model,
) -> Result<Outcome, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};

    let message = Message {
        to: row.to_address.clone(),
        subject: row.subject.clone(),
        text: row.body_text.clone(),
        html: row.body_html.clone(),
    };
    let id = message_id(&row, &settings.from);
    let outcome = mailer.send(&message, &id).await;
    let mut update = email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::ClaimedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(email_outbox::Column::Id.eq(row.id));
    let result = match outcome {
        Ok(()) => {
            update = update
                .col_expr(email_outbox::Column::Status, Expr::value("sent"))
                .col_expr(email_outbox::Column::SentAt, Expr::value(Some(Utc::now())));
            Outcome::Sent
        }
        Err(error) => {
            let attempts = row.attempts + 1;
            let dead = error.is_permanent() || attempts >= settings.max_attempts;
            let wait = settings.retry_after(attempts, jitter());
            if dead {
                tracing::warn!(outbox_id = row.id, attempts, %error, "an email could not be sent and will not be tried again; admin can send it again from /admin");
            } else {
                tracing::warn!(outbox_id = row.id, attempts, %error, retry_in_seconds = wait.as_secs(), "an email could not be sent; it will be tried again");
            }
            update = update
                .col_expr(email_outbox::Column::Attempts, Expr::value(attempts))
                .col_expr(
                    email_outbox::Column::LastError,
                    Expr::value(Some(error.to_string())),
                )
                .col_expr(
                    email_outbox::Column::NextAttemptAt,
                    Expr::value(
                        Utc::now()
                            + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1)),
                    ),
                )
                .col_expr(
                    email_outbox::Column::Status,
                    Expr::value(if dead { "failed" } else { "pending" }),
                );
            if dead {
                Outcome::Dead
            } else {
                Outcome::Retrying
            }
        }
    };
    update.exec(db).await?;
    Ok(result)
}

/// How often the service looks for emails to send.
const DELIVERY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts delivering queued email in the background, by the configured transport: `.eml`
/// files, or a mail server over SMTP. Email that is not configured stays queued (nothing is
/// lost) and the log says why.
pub fn start_delivery(store: crate::Store) -> Result<(), notifier::MailError> {
    let settings = store.settings();
    let mailer = match settings.email.mailer(&settings.data_dir) {
        Ok(mailer) => mailer,
        Err(error) => {
            tracing::warn!(%error, "email is not configured: emails stay queued in the outbox");
            return Ok(());
        }
    };
    tracing::info!(transport = %settings.email.transport, "emails are delivered from the outbox");
    let db = store.db().clone();
    tokio::spawn(async move {
        let email = store.settings().email.clone();
        loop {
            match deliver_due(&db, mailer.as_ref(), &email, DELIVERY_BATCH).await {
                Ok(delivered) => {
                    let metrics = store.metrics();
                    metrics.emails(EmailEvent::Sent, delivered.sent);
                    metrics.emails(EmailEvent::Failed, delivered.failed);
                    metrics.emails(EmailEvent::Dead, delivered.dead);
                    // A full batch means more are waiting: carry on at once.
                    if delivered.sent + delivered.failed >= DELIVERY_BATCH as usize {
                        continue;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "email delivery could not read the outbox; it will try again");
                }
            }
            tokio::time::sleep(DELIVERY_INTERVAL).await;
        }
    });
    Ok(())
}

/// How many messages one pass claims.
const DELIVERY_BATCH: u64 = 50;
