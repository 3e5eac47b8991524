//! The case workflow (DESIGN §2): moving a pair of a staff member and a vacancy from one status
//! to the next, for every interface alike. Who may make a move and what it must carry are the
//! domain's rules (`domain::workflow`); this module checks them against the people and the
//! stored pair, writes the move with what follows from it in one transaction, and answers with
//! the pair as it now stands.
//!
//! What follows from a move: a trial's start puts the case `in_trial`; a failed trial returns
//! it to `active` and to matching; a redeployment fills the vacancy, closes the case as
//! `redeployed`, withdraws every other open pair of both with a reason, and records the
//! redundancy cost avoided from a snapshot of its inputs.
//!
//! Must never: write a move without who, when, why and the pair's score and explanation at
//! that moment; tell a pair outside someone's reach apart from one that does not exist (both
//! are 404); leave a move half written.

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::{
    Band, CaseStatus, DeclineJudgement, MatchStatus, Money, Mover, PairParties, Role,
    SUBSTANTIVE_REASON_CHARS, SavingsInputs, VacancyStatus, Wte, completed_years,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter,
};

use serde::Serialize;

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::db::begin_write;
use crate::entities::{match_record, match_transition, outcome, staff, vacancy};
use crate::error::{Error, FieldError, Result};
use crate::match_index::{Changes, Snapshot, log_write};
use crate::matches::{MatchDetail, MatchId, StoredExplanation, named_pair};
use crate::store_support::unique_row;

/// A move asked for: the status to move to, and what that move must carry.
#[derive(Debug, Clone, Default)]
pub struct MoveRequest {
    /// The status's code, such as `shortlisted`.
    pub to: String,
    /// Why: required on every side exit.
    pub reason: Option<String>,
    /// The interview's date, the trial's first day, or an extended trial's new last day, as
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// On a declined pair, the staff member's HR team's judgement of the decline:
    /// `reasonable` or `unreasonable` (with `to` `declined_by_staff` and a reason).
    pub judgement: Option<String>,
}

/// A pair as the move finds it.
struct Pair {
    staff: staff::Model,
    vacancy: vacancy::Model,
    row: Option<match_record::Model>,
    /// The score, exact match and stored explanation to record with the move.
    score: f64,
    exact_match: bool,
    explanation: String,
}

/// A move as asked, with what the caller found out first: who asks and what they are to the
/// pair, the pair as ranked at the move's moment, and that moment.
struct Asked<'a> {
    actor: &'a Actor,
    id: MatchId,
    parties: PairParties,
    live: Option<matcher::Match>,
    /// DESIGN §2: a candidate who holds every essential skill is guaranteed an interview.
    guaranteed_interview: bool,
    request: &'a MoveRequest,
    at: DateTime<Utc>,
}

/// A move written but not yet committed: what to log for the match index, and the status moved
/// to (none for a judgement of a decline).
struct Written {
    changes: Changes,
    moved_to: Option<MatchStatus>,
    /// What the candidate is told of the move, when it is news to them.
    notice: Option<crate::notices::StatusNotice>,
}

/// One move of a recorded history: pair `pair` moved as `request` asks, at `at`.
#[derive(Debug, Clone)]
pub struct PastMove {
    pub pair: String,
    pub at: DateTime<Utc>,
    pub request: MoveRequest,
}

impl Store {
    /// Moves pair `id` as `request` asks, if `actor` may, and answers with the pair as it now
    /// stands. Moving a trial to `trial` again extends it to `date`, as often as
    /// `[workflow] trial_extensions` allows.
    pub async fn move_match(
        &self,
        actor: &Actor,
        id: &str,
        request: MoveRequest,
    ) -> Result<MatchDetail> {
        let snapshot = self.match_snapshot().await?;
        let asked = self.asked(&snapshot, actor, id, &request, Utc::now(), false)?;
        let id = asked.id;
        let txn = begin_write(self.db()).await?;
        let written = self.write_move(&txn, asked).await?;
        if let Some(notice) = &written.notice {
            self.queue_status_change(&txn, notice).await?;
        }
        log_write(&txn, &written.changes).await?;
        txn.commit().await?;
        if let Some(to) = written.moved_to {
            self.metrics().transition(to);
        }
        self.match_detail(actor, &id.to_string()).await
    }

    /// Makes `moves` in order, each as `actor` at its own moment, by the same rules and with
    /// the same consequences as [`Store::move_match`], then closes each case of `redundancies`
    /// (staff id, moment) as redundant; all in one transaction, so that a history is recorded
    /// whole or not at all. Each pair is ranked as it stood on its move's day. For loading a
    /// history, such as the demo data set's past cases.
    pub async fn replay_moves(
        &self,
        actor: &Actor,
        moves: &[PastMove],
        redundancies: &[(i32, DateTime<Utc>)],
    ) -> Result<()> {
        let snapshot = self.match_snapshot().await?;
        let txn = begin_write(self.db()).await?;
        let mut changes = Changes::default();
        let mut moved = Vec::with_capacity(moves.len());
        for past in moves {
            let asked = self.asked(&snapshot, actor, &past.pair, &past.request, past.at, true)?;
            let written = self.write_move(&txn, asked).await?;
            changes.merge(written.changes);
            moved.extend(written.moved_to);
        }
        for &(staff_id, at) in redundancies {
            let person = unique_row(staff::Entity::find_by_id(staff_id), &txn)
                .await?
                .ok_or(Error::NotFound("staff record"))?;
            set_case(&txn, &person, CaseStatus::Redundant, at).await?;
            self.record_redundancy(&txn, &person, actor.user_id, at)
                .await?;
            audit::record(
                &txn,
                &actor.audit(),
                "update",
                "staff",
                Some(staff_id.to_string()),
                Some(format!(
                    "status {} → {} on {}",
                    person.status,
                    CaseStatus::Redundant.code(),
                    at.date_naive()
                )),
            )
            .await?;
            changes.staff.push(staff_id);
        }
        log_write(&txn, &changes).await?;
        txn.commit().await?;
        for to in moved {
            self.metrics().transition(to);
        }
        Ok(())
    }

    /// What `actor` asks of pair `id` at `at`, once the pair is known and within their reach
    /// (404 otherwise). The pair is ranked as it stands now, or `as_on_its_day`, as it stood on
    /// `at`'s day (for a history).
    fn asked<'a>(
        &self,
        snapshot: &Snapshot,
        actor: &'a Actor,
        id: &str,
        request: &'a MoveRequest,
        at: DateTime<Utc>,
        as_on_its_day: bool,
    ) -> Result<Asked<'a>> {
        let (id, person, post) = named_pair(snapshot, id)?;
        let parties = parties_of(actor, person.trust_id, id.staff_id, post.trust_id);
        if !parties.any() {
            return Err(Error::NotFound("match"));
        }
        let policy = &self.settings().matching;
        let live = match as_on_its_day {
            true => snapshot.pair_on(policy, id.staff_id, id.vacancy_id, at.date_naive()),
            false => snapshot.pair(policy, id.staff_id, id.vacancy_id),
        };
        let guaranteed_interview = snapshot
            .staff(id.staff_id)
            .zip(snapshot.vacancy(id.vacancy_id))
            .is_some_and(|(held, wanted)| {
                matcher::Explanation::missing_skills(held, wanted).is_empty()
            });
        Ok(Asked {
            actor,
            id,
            parties,
            live,
            guaranteed_interview,
            request,
            at,
        })
    }

    /// Checks the move `asked` and writes it, with what follows from it, into `txn`.
    async fn write_move(&self, txn: &DatabaseTransaction, asked: Asked<'_>) -> Result<Written> {
        const NOT_FOUND: Error = Error::NotFound("match");
        let Asked {
            actor,
            id,
            parties,
            live,
            guaranteed_interview,
            request,
            at,
        } = asked;
        let (to, date) = checked_request(request)?;
        let pair = self
            .pair_in(txn, id, live.as_ref())
            .await?
            .ok_or(NOT_FOUND)?;
        let from = match &pair.row {
            Some(row) => MatchStatus::from_code(&row.status)
                .ok_or_else(|| Error::unreadable_row("matches", row.id, "the status is not one"))?,
            None => MatchStatus::Suggested,
        };
        if let Some(judgement) = request.judgement.as_deref() {
            let judged = (id, pair.row.as_ref(), from);
            self.judge_decline(txn, actor, parties, judged, judgement, request, at)
                .await?;
            return Ok(Written {
                changes: Changes::decisions_of([id.staff_id]),
                moved_to: None,
                notice: None,
            });
        }
        let extension = from == MatchStatus::Trial && to == MatchStatus::Trial;
        if extension {
            self.check_extension(txn, parties, pair.row.as_ref())
                .await?;
        } else if !parties.moves_from(from).contains(&to) {
            return Err(Error::Conflict(refusal(parties, from, to)));
        }
        let skips_guaranteed_interview = guaranteed_interview
            && to == MatchStatus::RejectedByEmployer
            && from.before_interview();
        if skips_guaranteed_interview {
            check_substance(&pair.staff.name, request.reason.as_deref())?;
        }

        let trial_ends = match (to, date) {
            (MatchStatus::Trial, Some(_)) if extension => date,
            (MatchStatus::Trial, Some(start)) => {
                let days = u64::from(self.settings().workflow.trial_days);
                start.checked_add_days(Days::new(days))
            }
            _ => pair.row.as_ref().and_then(|row| row.trial_ends),
        };
        let row = match pair.row.clone() {
            Some(row) => {
                let mut changed = row.into_active_model();
                changed.status = Set(to.code().to_owned());
                changed.score = Set(pair.score);
                changed.exact_match = Set(pair.exact_match);
                changed.explanation = Set(pair.explanation.clone());
                changed.computed_at = Set(at);
                changed.updated_at = Set(at);
                changed.trial_ends = Set(trial_ends);
                changed.update(txn).await?
            }
            None => {
                match_record::ActiveModel {
                    staff_id: Set(id.staff_id),
                    vacancy_id: Set(id.vacancy_id),
                    status: Set(to.code().to_owned()),
                    score: Set(pair.score),
                    exact_match: Set(pair.exact_match),
                    explanation: Set(pair.explanation.clone()),
                    computed_at: Set(at),
                    eligible: Set(true),
                    created_at: Set(at),
                    updated_at: Set(at),
                    trial_ends: Set(trial_ends),
                    ..Default::default()
                }
                .insert(txn)
                .await?
            }
        };
        let by = Some(actor.user_id);
        let reason = request.reason.clone();
        record_transition(txn, &row, (from, to), by, reason, date, at).await?;
        let mut changes = Changes::decisions_of([id.staff_id]);
        match to {
            MatchStatus::Trial if !extension => {
                set_case(txn, &pair.staff, CaseStatus::InTrial, at).await?;
                changes.staff.push(id.staff_id);
            }
            MatchStatus::TrialFailed => {
                set_case(txn, &pair.staff, CaseStatus::Active, at).await?;
                changes.staff.push(id.staff_id);
            }
            MatchStatus::Redeployed => {
                set_case(txn, &pair.staff, CaseStatus::Redeployed, at).await?;
                fill_vacancy(txn, &pair.vacancy, at).await?;
                changes.staff.push(id.staff_id);
                changes.vacancies.push(id.vacancy_id);
                let closed = withdraw_other_pairs(txn, &pair, actor.user_id, at).await?;
                changes.decisions_of.extend(closed);
                self.record_redeployment(txn, &pair, &row, actor.user_id, at)
                    .await?;
            }
            _ => {}
        }
        let detail = match (extension, skips_guaranteed_interview) {
            (true, _) => format!("trial extended to {}", date.unwrap_or_default()),
            (false, true) => format!(
                "{} → {} before the interview guaranteed to a candidate who meets every essential criterion: {}",
                from.code(),
                to.code(),
                request.reason.as_deref().unwrap_or_default().trim()
            ),
            (false, false) => format!("{} → {}", from.code(), to.code()),
        };
        audit::record(
            txn,
            &actor.audit(),
            "transition",
            "match",
            Some(id.to_string()),
            Some(detail),
        )
        .await?;
        let notice = (!extension).then(|| crate::notices::StatusNotice {
            staff: pair.staff.clone(),
            vacancy: pair.vacancy.clone(),
            to,
            date,
            trial_ends,
            cause: format!(
                "{}-{}:{}:{}",
                id.staff_id,
                id.vacancy_id,
                to.code(),
                at.timestamp_micros()
            ),
        });
        Ok(Written {
            changes,
            moved_to: Some(to),
            notice,
        })
    }

    /// Records the staff member's HR team's judgement of a decline.
    #[allow(clippy::too_many_arguments)]
    async fn judge_decline(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        parties: PairParties,
        (id, row, from): (MatchId, Option<&match_record::Model>, MatchStatus),
        judgement: &str,
        request: &MoveRequest,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let Some(judged) = DeclineJudgement::from_code(judgement.trim()) else {
            return Err(Error::Invalid(vec![FieldError::new(
                "judgement",
                format!(
                    "'{judgement}' is not a judgement: give {}",
                    DeclineJudgement::codes_list()
                ),
            )]));
        };
        let Some(row) = row.filter(|_| from == MatchStatus::DeclinedByStaff) else {
            return Err(Error::Conflict(format!(
                "only a decline is judged, and this pair is {}: send a judgement with to declined_by_staff once the staff member has declined",
                from.code()
            )));
        };
        if !parties.may_act_as(Mover::StaffHr) {
            return Err(Error::Conflict(
                "a decline is judged by the HR team of the staff member's trust".to_owned(),
            ));
        }
        let mut changed = row.clone().into_active_model();
        changed.decline_judgement = Set(Some(judged.code().to_owned()));
        changed.updated_at = Set(at);
        let row = changed.update(txn).await?;
        let why = request.reason.as_deref().unwrap_or_default().trim();
        let reason = Some(format!("judged {}: {why}", judged.code()));
        record_transition(
            txn,
            &row,
            (from, from),
            Some(actor.user_id),
            reason,
            None,
            at,
        )
        .await?;
        audit::record(
            txn,
            &actor.audit(),
            "judge_decline",
            "match",
            Some(id.to_string()),
            Some(format!("{}: {why}", judged.code())),
        )
        .await
        .map_err(Into::into)
    }

    /// The pair's records, read inside the move's transaction so that two moves of one pair
    /// take turns; none if the pair neither passes the rules nor was acted on.
    async fn pair_in(
        &self,
        txn: &DatabaseTransaction,
        id: MatchId,
        live: Option<&matcher::Match>,
    ) -> Result<Option<Pair>> {
        let row = unique_row(
            match_record::Entity::find()
                .filter(match_record::Column::StaffId.eq(id.staff_id))
                .filter(match_record::Column::VacancyId.eq(id.vacancy_id)),
            txn,
        )
        .await?;
        let (score, exact_match, explanation) = match (live, &row) {
            (Some(live), _) => (
                live.score.get(),
                live.exact_match,
                StoredExplanation::of(live).text(),
            ),
            (None, Some(row)) => (row.score, row.exact_match, row.explanation.clone()),
            (None, None) => return Ok(None),
        };
        let staff = unique_row(staff::Entity::find_by_id(id.staff_id), txn).await?;
        let vacancy = unique_row(vacancy::Entity::find_by_id(id.vacancy_id), txn).await?;
        let (Some(staff), Some(vacancy)) = (staff, vacancy) else {
            return Ok(None);
        };
        Ok(Some(Pair {
            staff,
            vacancy,
            row,
            score,
            exact_match,
            explanation,
        }))
    }

    /// A trial may be extended by the vacancy's HR team, as many times as configured.
    async fn check_extension(
        &self,
        txn: &DatabaseTransaction,
        parties: PairParties,
        row: Option<&match_record::Model>,
    ) -> Result<()> {
        if !parties.may_act_as(Mover::VacancyHr) {
            return Err(Error::Conflict(refusal(
                parties,
                MatchStatus::Trial,
                MatchStatus::Trial,
            )));
        }
        let allowed = u64::from(self.settings().workflow.trial_extensions);
        let made = match row {
            Some(row) => {
                match_transition::Entity::find()
                    .filter(match_transition::Column::MatchId.eq(row.id))
                    .filter(match_transition::Column::FromStatus.eq(MatchStatus::Trial.code()))
                    .filter(match_transition::Column::ToStatus.eq(MatchStatus::Trial.code()))
                    .count(txn)
                    .await?
            }
            None => 0,
        };
        if made >= allowed {
            return Err(Error::Conflict(format!(
                "this trial has been extended {made} time{} already, which is as often as a trial may be; move it to redeployed or trial_failed",
                if made == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    }

    /// Records the redundancy cost a redeployment avoids, from a snapshot of its inputs.
    async fn record_redeployment(
        &self,
        txn: &DatabaseTransaction,
        pair: &Pair,
        row: &match_record::Model,
        by: i32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let inputs = self.savings_inputs(&pair.staff, Some(&pair.vacancy), at.date_naive())?;
        let savings = inputs.savings(&self.settings().savings);
        let ended = (pair.staff.id, Some(row.id), CaseStatus::Redeployed);
        record_outcome(txn, ended, &savings, by, at).await
    }

    /// Records that `person`'s case ended in redundancy at `at`, with the redundancy pay it cost
    /// worked out from the same inputs a redeployment's savings are (nothing was avoided), so
    /// that reports count redundancies by the day they happened.
    pub(crate) async fn record_redundancy(
        &self,
        txn: &DatabaseTransaction,
        person: &staff::Model,
        by: i32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let inputs = SavingsInputs {
            protection_months: 0,
            recruitment_cost: Money::ZERO,
            ..self.savings_inputs(person, None, at.date_naive())?
        };
        let cost = inputs.savings(&self.settings().savings);
        let nothing_avoided = domain::Savings {
            inputs,
            redundancy_pay: cost.redundancy_pay,
            pension_strain: Money::ZERO,
            protection_cost: Money::ZERO,
            conservative: Money::ZERO,
            full: Money::ZERO,
        };
        let ended = (person.id, None, CaseStatus::Redundant);
        record_outcome(txn, ended, &nothing_avoided, by, at).await
    }

    /// The savings inputs of a move from `staff`'s post to `vacancy` on `on`: the recorded
    /// whole-time-equivalent salary, or the top of the band (flagged as assumed); pay before
    /// and after at the person's hours, the new pay at most the new band's top.
    fn savings_inputs(
        &self,
        staff: &staff::Model,
        vacancy: Option<&vacancy::Model>,
        on: NaiveDate,
    ) -> Result<SavingsInputs> {
        let unreadable = |what| Error::unreadable_row("at_risk_staff", staff.id, what);
        let pay = &self.settings().pay;
        let old_band = Band::parse(&staff.band).map_err(|_| unreadable("the band is not one"))?;
        let new_band = match vacancy {
            Some(post) => Band::parse(&post.band)
                .map_err(|_| Error::unreadable_row("vacancies", post.id, "the band is not one"))?,
            None => old_band,
        };
        let (salary, salary_assumed) = match staff.salary_pence {
            Some(pence) => (Money::from_pence(pence), false),
            None => (
                pay.top_of_band(old_band)
                    .ok_or_else(|| unreadable("the band has no pay in [pay]"))?,
                true,
            ),
        };
        let new_top = pay
            .top_of_band(new_band)
            .ok_or_else(|| unreadable("the vacancy's band has no pay in [pay]"))?;
        let wte = Wte::new(staff.wte).map_err(|_| unreadable("the WTE is not one"))?;
        let at_hours = |annual: Money| Money::from_pounds_f64(annual.pounds() * wte.get());
        let service_years = completed_years(staff.continuous_service_start, on);
        let age = staff.date_of_birth.map(|born| completed_years(born, on));
        Ok(SavingsInputs::new(
            &self.settings().savings,
            salary,
            salary_assumed,
            wte,
            service_years,
            staff.pension_strain_pence.map(Money::from_pence),
            age,
            service_years,
            at_hours(salary),
            at_hours(salary.min(new_top)),
        ))
    }
}

impl Store {
    /// Refuses to fill vacancy `id` while its ring-fence lasts and a candidate who meets every
    /// essential criterion (so is guaranteed an interview) is still undecided, naming them.
    pub(crate) async fn check_ring_fence(&self, id: i32, posted_on: NaiveDate) -> Result<()> {
        let snapshot = self.match_snapshot().await?;
        let Some(post) = snapshot.vacancy(id) else {
            return Ok(());
        };
        let decided: std::collections::HashMap<i32, MatchStatus> = snapshot
            .decisions_of_vacancy(id)
            .iter()
            .filter_map(|row| Some((row.staff_id, MatchStatus::from_code(&row.status)?)))
            .collect();
        let waiting: Vec<String> = snapshot
            .candidates_for(&self.settings().matching, id)
            .iter()
            .filter_map(|candidate| {
                let staff_id = candidate.staff_id as i32;
                let status = decided
                    .get(&staff_id)
                    .copied()
                    .unwrap_or(MatchStatus::Suggested);
                let undecided = status.before_interview() || status == MatchStatus::Interview;
                let person = snapshot.staff(staff_id)?;
                let meets_all = matcher::Explanation::missing_skills(person, post).is_empty();
                let facts = snapshot.staff_facts(staff_id)?;
                (undecided && meets_all).then(|| format!("{} ({}-{id})", facts.name, staff_id))
            })
            .collect();
        if waiting.is_empty() {
            return Ok(());
        }
        Err(Error::Conflict(format!(
            "this vacancy is ring-fenced for redeployees until {}, and these candidates, who meet every essential criterion and so are guaranteed an interview, are still undecided: {}. Interview or reject each of them first (their match ids are in brackets), or wait for the ring-fence to end",
            self.ring_fence_ends(posted_on),
            waiting.join(", "),
        )))
    }
}

/// What a redeployment's savings were worked out from (DESIGN §3), money in pounds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavingsInputsShown {
    /// The whole-time-equivalent annual salary used.
    pub salary: f64,
    /// True when no salary was recorded and the band's top point was assumed.
    pub salary_assumed: bool,
    pub wte: f64,
    /// Completed years of continuous NHS service on the day of the redeployment.
    pub service_years: u32,
    /// The pension strain cost HR entered, if any.
    pub pension_strain: Option<f64>,
    /// Annual pay before and after the move, at the person's hours.
    pub old_pay: f64,
    pub new_pay: f64,
    pub protection_months: u32,
    pub recruitment_cost: f64,
}

/// The figures again with today's `[savings]` configuration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WhatIf {
    pub conservative: f64,
    pub full: f64,
}

/// The redundancy cost a redeployment avoided, as recorded when it was confirmed (a later
/// change of configuration never rewrites it), with `what_if` worked out afresh.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavingsShown {
    pub inputs: SavingsInputsShown,
    pub redundancy_pay: f64,
    pub protection_cost: f64,
    /// Redundancy pay less pay protection; negative when protection costs more.
    pub conservative: f64,
    /// The conservative figure plus pension strain and recruitment cost.
    pub full: f64,
    pub what_if: WhatIf,
}

impl Store {
    /// The savings recorded for the redeployment of `matches` row `row_id`, if it was one.
    pub(crate) async fn savings_of_pair(&self, row_id: i32) -> Result<Option<SavingsShown>> {
        let recorded = outcome::Entity::find()
            .filter(outcome::Column::MatchId.eq(row_id))
            .filter(outcome::Column::Kind.eq(CaseStatus::Redeployed.code()))
            .all(self.db())
            .await?;
        let Some(recorded) = recorded.into_iter().next() else {
            return Ok(None);
        };
        let wte = Wte::new(recorded.wte)
            .map_err(|_| Error::unreadable_row("outcomes", recorded.id, "the WTE is not one"))?;
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        let policy = &self.settings().savings;
        // Whether a pension strain counts depends on the person's age on the day (the
        // eligible age is configuration): taken from their record for what_if.
        let born = unique_row(staff::Entity::find_by_id(recorded.staff_id), self.db())
            .await?
            .and_then(|person| person.date_of_birth);
        let age = born.map(|born| completed_years(born, recorded.decided_on));
        // The inputs as stored; what the configuration decides (protection months, the
        // recruitment cost, pension strain eligibility) taken afresh for what_if.
        let stored = SavingsInputs {
            salary: Money::from_pence(recorded.salary_pence),
            salary_assumed: recorded.salary_assumed,
            wte,
            service_years: count(recorded.service_years),
            pension_strain: recorded.pension_strain_pence.map(Money::from_pence),
            age,
            pension_membership_years: count(recorded.service_years),
            old_pay: Money::from_pence(recorded.old_pay_pence),
            new_pay: Money::from_pence(recorded.new_pay_pence),
            protection_months: count(recorded.protection_months),
            recruitment_cost: Money::from_pence(recorded.recruitment_cost_pence),
        };
        let today = SavingsInputs {
            protection_months: policy.pay_protection_months,
            recruitment_cost: Money::from_pounds(policy.recruitment_cost),
            ..stored
        }
        .savings(policy);
        let pounds = |pence: i64| Money::from_pence(pence).pounds();
        Ok(Some(SavingsShown {
            inputs: SavingsInputsShown {
                salary: stored.salary.pounds(),
                salary_assumed: stored.salary_assumed,
                wte: wte.get(),
                service_years: stored.service_years,
                pension_strain: stored.pension_strain.map(Money::pounds),
                old_pay: stored.old_pay.pounds(),
                new_pay: stored.new_pay.pounds(),
                protection_months: stored.protection_months,
                recruitment_cost: stored.recruitment_cost.pounds(),
            },
            redundancy_pay: pounds(recorded.redundancy_pay_pence),
            protection_cost: pounds(recorded.protection_cost_pence),
            conservative: pounds(recorded.conservative_pence),
            full: pounds(recorded.full_pence),
            what_if: WhatIf {
                conservative: today.conservative.pounds(),
                full: today.full.pounds(),
            },
        }))
    }
}

/// Who `actor` is to a pair of staff record `staff_id` (of trust `staff_trust`) and a vacancy
/// of trust `vacancy_trust`.
pub(crate) fn parties_of(
    actor: &Actor,
    staff_trust: i32,
    staff_id: i32,
    vacancy_trust: i32,
) -> PairParties {
    let hr_of = |trust| actor.role == Role::TrustHr && actor.trust_id == Some(trust);
    PairParties {
        staff_member: actor.role == Role::Staff && actor.staff_id == Some(staff_id),
        staff_hr: hr_of(staff_trust),
        vacancy_hr: hr_of(vacancy_trust),
        admin: actor.role == Role::Admin,
    }
}

/// The status asked for and the date given, once the reason and date its move needs are
/// there, or 422 naming each field to correct.
fn checked_request(request: &MoveRequest) -> Result<(MatchStatus, Option<NaiveDate>)> {
    let Some(to) = MatchStatus::from_code(request.to.trim()) else {
        return Err(Error::Invalid(vec![FieldError::new(
            "to",
            format!(
                "'{}' is not a status a pair can move to: give one of {}",
                request.to,
                MatchStatus::ALL
                    .iter()
                    .filter(|s| s.mover().is_some())
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )]));
    };
    let needs = to.needs();
    let mut problems = Vec::new();
    if to.mover().is_none() {
        problems.push(FieldError::new(
            "to",
            "a pair starts as suggested and cannot be moved back to it",
        ));
    }
    let reason = request.reason.as_deref().map(str::trim).unwrap_or("");
    if needs.reason && reason.is_empty() {
        problems.push(FieldError::new(
            "reason",
            format!("say why, in words: moving to {} needs a reason", to.code()),
        ));
    }
    let given = request
        .date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let date = match given.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d")) {
        Some(Ok(date)) => Some(date),
        Some(Err(_)) => {
            problems.push(FieldError::new(
                "date",
                format!(
                    "'{}' is not a date: write it as YYYY-MM-DD, such as 2027-01-15",
                    given.unwrap_or_default()
                ),
            ));
            None
        }
        None => None,
    };
    if needs.date && given.is_none() {
        problems.push(FieldError::new(
            "date",
            match to {
                MatchStatus::Interview => "give the interview's date, as YYYY-MM-DD",
                _ => "give the trial's first day (or, to extend a trial, its new last day), as YYYY-MM-DD",
            },
        ));
    }
    match problems.is_empty() {
        true => Ok((to, date)),
        false => Err(Error::Invalid(problems)),
    }
}

/// A reason long enough to say something, where `name` is guaranteed an interview.
fn check_substance(name: &str, reason: Option<&str>) -> Result<()> {
    let written = reason.map(str::trim).unwrap_or("");
    if written.chars().count() >= SUBSTANTIVE_REASON_CHARS {
        return Ok(());
    }
    Err(Error::Invalid(vec![FieldError::new(
        "reason",
        format!(
            "{name} meets every essential criterion, so is guaranteed an interview: to reject them before one, write the reason in full (at least {SUBSTANTIVE_REASON_CHARS} characters, {} given); it is kept in the audit log",
            written.chars().count()
        ),
    )]))
}

/// Why a move is refused, with the moves this person may make now.
fn refusal(parties: PairParties, from: MatchStatus, to: MatchStatus) -> String {
    let allowed: Vec<&str> = parties.moves_from(from).iter().map(|s| s.code()).collect();
    let allowed = match allowed.as_slice() {
        [] => "none".to_owned(),
        codes => codes.join(", "),
    };
    let why = match (from.next().contains(&to), to.mover()) {
        (true, Some(Mover::StaffMember)) => "that move is the staff member's to make",
        (true, Some(Mover::VacancyHr)) => "that move is for the HR team of the vacancy's trust",
        (true, Some(Mover::StaffHr)) => "that move is for the HR team of the staff member's trust",
        _ if from.is_final() => "the pair's status is final",
        _ => "that move does not follow from where the pair stands",
    };
    format!(
        "cannot move this pair from {} to {}: {why}. Moves you may make now: {allowed}",
        from.code(),
        to.code()
    )
}

/// Records how a case ended (staff id, the pair that ended it, how) with its inputs and
/// figures, by `by` at `at`.
async fn record_outcome(
    txn: &DatabaseTransaction,
    (staff_id, match_id, kind): (i32, Option<i32>, CaseStatus),
    figures: &domain::Savings,
    by: i32,
    at: DateTime<Utc>,
) -> Result<()> {
    let inputs = &figures.inputs;
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    outcome::ActiveModel {
        staff_id: Set(staff_id),
        match_id: Set(match_id),
        kind: Set(kind.code().to_owned()),
        decided_on: Set(at.date_naive()),
        salary_pence: Set(inputs.salary.pence()),
        salary_assumed: Set(inputs.salary_assumed),
        wte: Set(inputs.wte.get()),
        service_years: Set(count(inputs.service_years)),
        pension_strain_pence: Set(inputs.pension_strain.map(Money::pence)),
        old_pay_pence: Set(inputs.old_pay.pence()),
        new_pay_pence: Set(inputs.new_pay.pence()),
        protection_months: Set(count(inputs.protection_months)),
        recruitment_cost_pence: Set(inputs.recruitment_cost.pence()),
        redundancy_pay_pence: Set(figures.redundancy_pay.pence()),
        protection_cost_pence: Set(figures.protection_cost.pence()),
        conservative_pence: Set(figures.conservative.pence()),
        full_pence: Set(figures.full.pence()),
        recorded_by: Set(Some(by)),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Records a move of `row` (from, to) with who made it, why, its date and the pair's score and
/// explanation as they stand.
async fn record_transition(
    txn: &DatabaseTransaction,
    row: &match_record::Model,
    (from, to): (MatchStatus, MatchStatus),
    by: Option<i32>,
    reason: Option<String>,
    on_date: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Result<()> {
    match_transition::ActiveModel {
        match_id: Set(row.id),
        from_status: Set(from.code().to_owned()),
        to_status: Set(to.code().to_owned()),
        by_user_id: Set(by),
        at: Set(at),
        reason: Set(reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())),
        on_date: Set(on_date),
        score: Set(Some(row.score)),
        explanation: Set(Some(row.explanation.clone())),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Moves the staff member's case to `to`, if the case workflow allows it from where it stands.
async fn set_case(
    txn: &DatabaseTransaction,
    person: &staff::Model,
    to: CaseStatus,
    at: DateTime<Utc>,
) -> Result<()> {
    let from = CaseStatus::from_code(&person.status).ok_or_else(|| {
        Error::unreadable_row("at_risk_staff", person.id, "the case status is not one")
    })?;
    from.transition(to).map_err(|refused| {
        Error::Conflict(format!(
            "the staff member's case cannot follow this move: {refused}"
        ))
    })?;
    let mut changed = person.clone().into_active_model();
    changed.status = Set(to.code().to_owned());
    changed.updated_at = Set(at);
    changed.update(txn).await?;
    Ok(())
}

async fn fill_vacancy(
    txn: &DatabaseTransaction,
    post: &vacancy::Model,
    at: DateTime<Utc>,
) -> Result<()> {
    let from = VacancyStatus::from_code(&post.status)
        .ok_or_else(|| Error::unreadable_row("vacancies", post.id, "the status is not one"))?;
    from.transition(VacancyStatus::Filled)
        .map_err(|refused| Error::Conflict(format!("the vacancy cannot be filled: {refused}")))?;
    let mut changed = post.clone().into_active_model();
    changed.status = Set(VacancyStatus::Filled.code().to_owned());
    changed.updated_at = Set(at);
    changed.update(txn).await?;
    Ok(())
}

/// Withdraws every other open pair of the redeployed person and of the filled vacancy, saying
/// why; returns the staff members whose pairs were withdrawn.
async fn withdraw_other_pairs(
    txn: &DatabaseTransaction,
    pair: &Pair,
    by: i32,
    at: DateTime<Utc>,
) -> Result<Vec<i32>> {
    let others = match_record::Entity::find()
        .filter(
            Condition::any()
                .add(match_record::Column::StaffId.eq(pair.staff.id))
                .add(match_record::Column::VacancyId.eq(pair.vacancy.id)),
        )
        .all(txn)
        .await?;
    let mut closed = Vec::new();
    for other in others {
        let Some(status) = MatchStatus::from_code(&other.status) else {
            continue;
        };
        let same_pair = other.staff_id == pair.staff.id && other.vacancy_id == pair.vacancy.id;
        if same_pair || !status.is_open() {
            continue;
        }
        let reason = match other.staff_id == pair.staff.id {
            true => format!(
                "{} was redeployed to {} ({})",
                pair.staff.name, pair.vacancy.title, pair.vacancy.reference
            ),
            false => format!(
                "the vacancy {} ({}) was filled",
                pair.vacancy.title, pair.vacancy.reference
            ),
        };
        let staff_id = other.staff_id;
        let mut changed = other.into_active_model();
        changed.status = Set(MatchStatus::Withdrawn.code().to_owned());
        changed.updated_at = Set(at);
        let changed = changed.update(txn).await?;
        let moved = (status, MatchStatus::Withdrawn);
        record_transition(txn, &changed, moved, Some(by), Some(reason), None, at).await?;
        closed.push(staff_id);
    }
    Ok(closed)
}
