//! The tail every write to a staff record or vacancy ends with, in one place: the audit rows,
//! and the change logged for the match index (which ranks on request), all inside the
//! write's own transaction, then the commit. An operation begins its transaction, checks and
//! writes, and hands the transaction here; nothing of it is visible until all of it is.

use sea_orm::DatabaseTransaction;

use crate::audit::{self, AuditActor};
use crate::error::Result;
use crate::match_index::Changes;

/// What a write did, for the audit log and the match index.
#[derive(Debug)]
pub(crate) struct Written<'a> {
    /// The kind of record, as the audit log names it (`staff`, `vacancy`).
    pub entity: &'static str,
    /// Each record written and what was done to it (`create`, `update`).
    pub records: Vec<(i32, &'static str)>,
    /// Said of every audit row: a status change, or that it came from an upload.
    pub detail: Option<String>,
    pub by: &'a AuditActor,
    /// The staff records and vacancies the match index must read again.
    pub changes: Changes,
}

/// The kinds of record whose writes end here.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Staff,
    Vacancy,
}

impl Kind {
    /// The kind as the audit log names it.
    pub fn entity(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Vacancy => "vacancy",
        }
    }

    /// These records as the match index hears of them.
    pub fn changes(self, ids: Vec<i32>) -> Changes {
        match self {
            Kind::Staff => Changes::staff(ids),
            Kind::Vacancy => Changes::vacancies(ids),
        }
    }
}

/// Audits one record's creation or change by `actor`, logs it for the match index and commits.
pub(crate) async fn commit_one(
    txn: DatabaseTransaction,
    actor: &crate::Actor,
    kind: Kind,
    (id, action): (i32, &'static str),
    detail: Option<String>,
) -> Result<()> {
    let by = actor.audit();
    let written = Written {
        entity: kind.entity(),
        records: vec![(id, action)],
        detail,
        by: &by,
        changes: kind.changes(vec![id]),
    };
    commit_write(txn, written).await
}

/// Audits the write, logs what it changed for the match index and commits.
pub(crate) async fn commit_write(txn: DatabaseTransaction, written: Written<'_>) -> Result<()> {
    match written.records.as_slice() {
        [(id, action)] => {
            audit::record(
                &txn,
                written.by,
                action,
                written.entity,
                Some(id.to_string()),
                written.detail,
            )
            .await?
        }
        many => {
            audit::record_many(
                &txn,
                written.by,
                written.entity,
                many.iter().copied(),
                written.detail.as_deref().unwrap_or_default(),
            )
            .await?
        }
    }
    crate::match_index::log_write(&txn, &written.changes).await?;
    txn.commit().await?;
    Ok(())
}
