//! The pairs waiting on someone: every open pair whose next move is theirs, longest waiting
//! first. It is what an HR team's home page leads with, so that no candidate who said they are
//! interested is left without an answer.
//!
//! Must never: list a pair the person may not see, or one whose next move is someone else's.

use chrono::{DateTime, Utc};
use domain::{MatchStatus, Role};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::Store;
use crate::authz::Actor;
use crate::entities::{match_record, staff, vacancy};
use crate::error::Result;
use crate::matches::MatchId;
use crate::paging::{PageRequest, Paged};
use crate::workflow::parties_of;

/// One pair waiting on the person who asks.
#[derive(Debug, Clone, Serialize)]
pub struct AwaitingPair {
    pub match_id: String,
    pub staff_name: String,
    pub vacancy_id: i32,
    pub vacancy_title: String,
    /// The status the pair is in, whose next move is the asker's.
    pub status: String,
    /// When the pair reached that status.
    pub since: DateTime<Utc>,
    /// What the asker is to do: `move` (a workflow move) or `judge` (judge a decline).
    pub action: &'static str,
}

impl Store {
    /// The open pairs whose next move is `actor`'s (as the vacancy's or the staff member's HR
    /// team, or admin), and the declines their HR team has not yet judged; longest waiting
    /// first. Staff and the partnership have none. The read is audited with the pairs shown.
    pub async fn pairs_awaiting(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Paged<AwaitingPair>> {
        if !matches!(actor.role, Role::TrustHr | Role::Admin) {
            return Ok(Paged::new(Vec::new(), page, 0));
        }
        let waiting_codes: Vec<&str> = [
            MatchStatus::Interested,
            MatchStatus::Shortlisted,
            MatchStatus::Interview,
            MatchStatus::Offered,
            MatchStatus::Trial,
            MatchStatus::DeclinedByStaff,
        ]
        .iter()
        .map(|s| s.code())
        .collect();
        let declined = MatchStatus::DeclinedByStaff.code();
        // Only the rows that can wait on this person are read: open moves on their trust's
        // vacancies, and unjudged declines by their trust's staff (admin: every trust's). The
        // rule below still decides each row.
        let mut moves = Condition::all().add(match_record::Column::Status.ne(declined));
        let mut declines = Condition::all()
            .add(match_record::Column::Status.eq(declined))
            .add(match_record::Column::DeclineJudgement.is_null());
        if actor.role == Role::TrustHr {
            let trust = actor.trust_id.unwrap_or(0);
            moves = moves.add(
                match_record::Column::VacancyId.in_subquery(
                    Query::select()
                        .column(vacancy::Column::Id)
                        .from(vacancy::Entity)
                        .and_where(vacancy::Column::TrustId.eq(trust))
                        .to_owned(),
                ),
            );
            declines = declines.add(
                match_record::Column::StaffId.in_subquery(
                    Query::select()
                        .column(staff::Column::Id)
                        .from(staff::Entity)
                        .and_where(staff::Column::TrustId.eq(trust))
                        .to_owned(),
                ),
            );
        }
        let rows = match_record::Entity::find()
            .filter(match_record::Column::Status.is_in(waiting_codes))
            .filter(Condition::any().add(moves).add(declines))
            .order_by_asc(match_record::Column::UpdatedAt)
            .order_by_asc(match_record::Column::Id)
            .all(self.db())
            .await?;
        let snapshot = self.match_snapshot().await?;
        let mut waiting = Vec::new();
        for row in rows {
            let (Some(person), Some(post)) = (
                snapshot.staff_facts(row.staff_id),
                snapshot.vacancy_facts(row.vacancy_id),
            ) else {
                continue;
            };
            let Some(status) = MatchStatus::from_code(&row.status) else {
                continue;
            };
            let parties = parties_of(actor, person.trust_id, row.staff_id, post.trust_id);
            let action = if status == MatchStatus::DeclinedByStaff {
                let unjudged = row.decline_judgement.is_none();
                (unjudged && (parties.staff_hr || parties.admin)).then_some("judge")
            } else {
                // A staff member's own move (withdrawing is their HR's, and always open) is
                // not waiting on HR: only the vacancy's moves forward are.
                let forward = parties.moves_from(status).into_iter().any(|to| {
                    to.mover() == Some(domain::Mover::VacancyHr)
                        && to != MatchStatus::RejectedByEmployer
                        && to != MatchStatus::TrialFailed
                });
                forward.then_some("move")
            };
            let Some(action) = action else { continue };
            waiting.push(AwaitingPair {
                match_id: MatchId {
                    staff_id: row.staff_id,
                    vacancy_id: row.vacancy_id,
                }
                .to_string(),
                staff_name: person.name.clone(),
                vacancy_id: row.vacancy_id,
                vacancy_title: post.title.clone(),
                status: row.status.clone(),
                since: row.updated_at,
                action,
            });
        }
        let total = waiting.len() as u64;
        let shown: Vec<AwaitingPair> = waiting
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .collect();
        if !shown.is_empty() {
            let ids: Vec<&str> = shown.iter().map(|p| p.match_id.as_str()).collect();
            self.audit_read(
                actor,
                "match",
                "awaiting",
                Some(format!("pairs {}", ids.join(","))),
            )
            .await?;
        }
        Ok(Paged::new(shown, page, total))
    }
}
