//! The email outbox: a message is written here in the same transaction as the change that
//! causes it, so that it is sent exactly when the change happened and never lost. Delivery
//! (claiming pending rows and handing them to the configured transport) reads from here.

use chrono::Utc;
use notifier::Message;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::entities::email_outbox;

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
