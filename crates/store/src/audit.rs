//! The audit log: a row for every write and every read of personal data, saying who did what
//! to which record and when. A write's rows are written in the same transaction as the change
//! they record, so that a change is never without its audit row. A read's row is committed
//! before the reader is answered, through [`ReadAudit`], which commits the rows of every read
//! waiting at that moment in one transaction: many readers share one commit instead of
//! queueing for the write lock one by one.

use std::sync::OnceLock;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};
use tokio::sync::{mpsc, oneshot};

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

/// One audit row: `actor` did `action` to `entity` `entity_id` at `at`.
fn entry(
    at: chrono::DateTime<Utc>,
    actor: &AuditActor,
    action: &str,
    entity: &str,
    entity_id: Option<String>,
    detail: Option<String>,
) -> audit_entry::ActiveModel {
    audit_entry::ActiveModel {
        at: Set(at),
        user_id: Set(actor.user_id),
        actor: Set(actor.label.clone()),
        action: Set(action.to_owned()),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id),
        detail: Set(detail),
        ip: Set(actor.ip.clone()),
        ..Default::default()
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
    let row = entry(Utc::now(), actor, action, entity, entity_id, detail);
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
        .map(|(id, action)| {
            entry(
                at,
                actor,
                action,
                entity,
                Some(id.to_string()),
                Some(detail.to_owned()),
            )
        })
        .collect();
    insert_chunked(db, rows, None).await
}

/// Rows of reads waiting to be committed, each with the reader to tell once it is.
type Waiting = (
    audit_entry::ActiveModel,
    oneshot::Sender<Result<(), String>>,
);

/// The most rows one commit carries.
const MOST_PER_COMMIT: usize = 512;

/// Commits reads' audit rows for many readers at once (group commit): one task takes every row
/// waiting, writes them in one statement and then answers each reader. A reader is answered
/// only once its row has committed, so no read goes unrecorded.
#[derive(Debug, Default)]
pub struct ReadAudit {
    /// Started by the first read, inside the runtime that serves it.
    queue: OnceLock<mpsc::UnboundedSender<Waiting>>,
}

impl ReadAudit {
    /// Records that `actor` read `entity` `entity_id`, returning once the row has committed.
    pub async fn record(
        &self,
        db: &DatabaseConnection,
        actor: &AuditActor,
        entity: &str,
        entity_id: Option<String>,
        detail: Option<String>,
    ) -> Result<(), DbErr> {
        let row = entry(Utc::now(), actor, "read", entity, entity_id, detail);
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(commit_reads(db.clone(), receiver));
            sender
        });
        let (done, committed) = oneshot::channel();
        queue
            .send((row, done))
            .map_err(|_| DbErr::Custom("the audit writer has stopped".to_owned()))?;
        committed
            .await
            .map_err(|_| DbErr::Custom("the audit writer has stopped".to_owned()))?
            .map_err(DbErr::Custom)
    }
}

/// The group-commit loop: waits for a row, takes every other row waiting too, commits them
/// together and answers each reader. Ends when the store that feeds it is gone.
async fn commit_reads(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Waiting>) {
    let mut batch: Vec<Waiting> = Vec::new();
    while queue.recv_many(&mut batch, MOST_PER_COMMIT).await > 0 {
        let (rows, readers): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let outcome = write_reads(&db, rows).await.map_err(|e| e.to_string());
        for reader in readers {
            // A reader that has gone away (its request cancelled) needs no answer.
            let _ = reader.send(outcome.clone());
        }
    }
}

/// One statement for the whole batch (at most [`MOST_PER_COMMIT`] rows, well inside either
/// database's limit on parameters), so it commits atomically on its own: one round trip to the
/// database rather than three for a transaction around it.
async fn write_reads(
    db: &DatabaseConnection,
    rows: Vec<audit_entry::ActiveModel>,
) -> Result<(), DbErr> {
    audit_entry::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}
