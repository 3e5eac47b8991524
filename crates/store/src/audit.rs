//! The audit log: a row for every write and every read of personal data, saying who did what
//! to which record and when. Written in the same transaction as the change it records, so that
//! a change is never without its audit row.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::store_support::insert_chunked;

use crate::entities::audit_entry;

/// Who acted: a signed-in person, or the service itself (start-up, imports run from the CLI).
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub user_id: Option<i32>,
    pub label: String,
    pub ip: Option<String>,
}

impl AuditActor {
    pub fn system(label: &str) -> AuditActor {
        AuditActor {
            user_id: None,
            label: label.to_owned(),
            ip: None,
        }
    }
}

/// Records one action on one record (or on a kind of record, with no id).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    action: &str,
    entity: &str,
    entity_id: Option<String>,
    detail: Option<String>,
) -> Result<(), DbErr> {
    let row = audit_entry::ActiveModel {
        at: Set(Utc::now()),
        user_id: Set(actor.user_id),
        actor: Set(actor.label.clone()),
        action: Set(action.to_owned()),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id),
        detail: Set(detail),
        ip: Set(actor.ip.clone()),
        ..Default::default()
    };
    audit_entry::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records one action per record in as few statements as possible (for uploads).
pub async fn record_many<'a, C: ConnectionTrait>(
    db: &C,
    actor: &AuditActor,
    entity: &str,
    actions: impl IntoIterator<Item = (i32, &'a str)>,
    detail: &str,
) -> Result<(), DbErr> {
    let at = Utc::now();
    let rows: Vec<audit_entry::ActiveModel> = actions
        .into_iter()
        .map(|(id, action)| audit_entry::ActiveModel {
            at: Set(at),
            user_id: Set(actor.user_id),
            actor: Set(actor.label.clone()),
            action: Set(action.to_owned()),
            entity: Set(entity.to_owned()),
            entity_id: Set(Some(id.to_string())),
            detail: Set(Some(detail.to_owned())),
            ip: Set(actor.ip.clone()),
            ..Default::default()
        })
        .collect();
    insert_chunked(db, rows, None).await
}
