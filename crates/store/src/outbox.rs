//! The email outbox: a message is written here in the same transaction as the change that
//! causes it, so that it is sent exactly when the change happened and never lost. Delivery
//! (claiming pending rows and handing them to the configured transport) reads from here.

use chrono::Utc;
use notifier::Message;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::email_outbox;
use crate::metrics::EmailEvent;

/// Queues `message` for delivery.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    message: &Message,
    dedupe_key: Option<String>,
) -> Result<(), DbErr> {
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
    email_outbox::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Attempts that failed, including those given up on.
    pub failed: usize,
    /// Messages whose last attempt failed: marked failed, for a person to see.
    pub dead: usize,
}

/// How long a claimed message is left to its claimant before another instance may try it.
const CLAIM_MINUTES: i64 = 5;
/// After this many failed attempts a message is marked failed and left for a person to see.
const MAX_ATTEMPTS: i32 = 8;

/// Sends up to `limit` messages that are due, each claimed first so that two instances sharing
/// one database never send the same message twice. A failure is retried later, backing off.
pub async fn deliver_due(
    db: &sea_orm::DatabaseConnection,
    mailer: &dyn notifier::Mailer,
    limit: u64,
) -> Result<Delivered, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};

    let now = Utc::now();
    let claimable = || {
        Condition::all()
            .add(email_outbox::Column::Status.eq("pending"))
            .add(email_outbox::Column::NextAttemptAt.lte(now))
            .add(
                Condition::any()
                    .add(email_outbox::Column::ClaimedUntil.is_null())
                    .add(email_outbox::Column::ClaimedUntil.lt(now)),
            )
    };
    let due = email_outbox::Entity::find()
        .filter(claimable())
        .order_by_asc(email_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut delivered = Delivered::default();
    for row in due {
        let claimed = email_outbox::Entity::update_many()
            .col_expr(
                email_outbox::Column::ClaimedUntil,
                Expr::value(now + chrono::Duration::minutes(CLAIM_MINUTES)),
            )
            .filter(email_outbox::Column::Id.eq(row.id))
            .filter(claimable())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue; // another instance has it
        }
        let message = Message {
            to: row.to_address.clone(),
            subject: row.subject.clone(),
            text: row.body_text.clone(),
            html: row.body_html.clone(),
        };
        let outcome = mailer.send(&message).await;
        let mut update = email_outbox::Entity::update_many()
            .col_expr(
                email_outbox::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .filter(email_outbox::Column::Id.eq(row.id));
        match outcome {
            Ok(()) => {
                delivered.sent += 1;
                update = update
                    .col_expr(email_outbox::Column::Status, Expr::value("sent"))
                    .col_expr(email_outbox::Column::SentAt, Expr::value(Some(Utc::now())));
            }
            Err(error) => {
                delivered.failed += 1;
                let attempts = row.attempts + 1;
                delivered.dead += usize::from(attempts >= MAX_ATTEMPTS);
                let wait = chrono::Duration::minutes(2_i64.pow(attempts.clamp(0, 6) as u32));
                tracing::warn!(outbox_id = row.id, attempts, %error, "an email could not be sent; it will be tried again");
                update = update
                    .col_expr(email_outbox::Column::Attempts, Expr::value(attempts))
                    .col_expr(
                        email_outbox::Column::LastError,
                        Expr::value(Some(error.to_string())),
                    )
                    .col_expr(
                        email_outbox::Column::NextAttemptAt,
                        Expr::value(Utc::now() + wait),
                    )
                    .col_expr(
                        email_outbox::Column::Status,
                        Expr::value(if attempts >= MAX_ATTEMPTS {
                            "failed"
                        } else {
                            "pending"
                        }),
                    );
            }
        }
        update.exec(db).await?;
    }
    Ok(delivered)
}

/// How often the service looks for emails to send.
const DELIVERY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts delivering queued email in the background, by the configured transport. With SMTP
/// configured, this version leaves messages queued (nothing is lost) and says so.
pub fn start_delivery(store: crate::Store) -> Result<(), notifier::MailError> {
    let settings = store.settings();
    let db = store.db().clone();
    match settings.email.transport(&settings.data_dir) {
        Ok(notifier::Transport::File { dir }) => {
            let mailer = notifier::FileMailer::new(&dir, &settings.email.from)?;
            tracing::info!(folder = %dir.display(), "emails are written as .eml files");
            tokio::spawn(async move {
                loop {
                    match deliver_due(&db, &mailer, 50).await {
                        Ok(delivered) => {
                            let metrics = store.metrics();
                            metrics.emails(EmailEvent::Sent, delivered.sent);
                            metrics.emails(EmailEvent::Failed, delivered.failed);
                            metrics.emails(EmailEvent::Dead, delivered.dead);
                        }
                        Err(error) => {
                            tracing::warn!(%error, "email delivery could not read the outbox; it will try again");
                        }
                    }
                    tokio::time::sleep(DELIVERY_INTERVAL).await;
                }
            });
        }
        Ok(notifier::Transport::Smtp { .. }) => {
            tracing::warn!(
                "SMTP delivery is not available in this version: emails stay queued in the outbox, and nothing is lost"
            );
        }
        Err(error) => {
            tracing::warn!(%error, "email is not configured: emails stay queued in the outbox")
        }
    }
    Ok(())
}
