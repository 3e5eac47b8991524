//! Keeps the `matches` table in step with staff records and vacancies.
//!
//! Every write that changes a staff record or vacancy ends, inside its own transaction, with
//! [`MatchIndex::after_write`]: it takes the next number from the `match_sync` counter (which
//! also locks the counter until commit, so that changes are numbered in the order they commit
//! and two instances never rank at the same time), logs which records changed in
//! `match_changes`, brings this instance's in-memory profiles up to date from every change
//! logged since it last looked (its own and other instances'), ranks only the affected rows and
//! columns, and writes the difference to `matches`. A pair's workflow status is never lost: a
//! pair that stops passing the rules is deleted only while it is still merely `suggested`, and
//! otherwise kept with `eligible` false.
//!
//! The in-memory profiles are a cache: if the transaction does not commit, the cache is
//! dropped and rebuilt from the database next time. Nothing correct depends on it.
//!
//! This module never ranks (that is `matcher`) and never decides who may see a match.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use matcher::{Match, MatchPolicy, Matcher, RankContext, StaffProfile, VacancyProfile};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex as AsyncMutex, MutexGuard};

use crate::entities::{match_change, match_record};
use crate::matching::{self, Selection};
use crate::store_support::insert_chunked;

/// Rows a single `IN (…)` list carries.
const CHUNK: usize = 1000;

/// Which staff records and vacancies a write created or changed.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub staff: Vec<i32>,
    pub vacancies: Vec<i32>,
}

impl Changes {
    pub fn staff(ids: impl IntoIterator<Item = i32>) -> Changes {
        Changes {
            staff: ids.into_iter().collect(),
            vacancies: Vec::new(),
        }
    }

    pub fn vacancies(ids: impl IntoIterator<Item = i32>) -> Changes {
        Changes {
            staff: Vec::new(),
            vacancies: ids.into_iter().collect(),
        }
    }
}

/// Logged change kinds: one record, or everything (after a bulk load).
const STAFF: &str = "staff";
const VACANCY: &str = "vacancy";
const EVERYTHING: &str = "all";

/// This instance's copy of every profile, as of change number `version`.
#[derive(Debug)]
struct Profiles {
    version: i64,
    /// Openness depends on the day, so a new day means a fresh load.
    today: NaiveDate,
    staff: Vec<StaffProfile>,
    staff_at: HashMap<i64, usize>,
    vacancies: Vec<VacancyProfile>,
    vacancy_at: HashMap<i64, usize>,
}

impl Profiles {
    async fn load<C: ConnectionTrait>(
        db: &C,
        version: i64,
        today: NaiveDate,
    ) -> crate::Result<Profiles> {
        let mut profiles = Profiles {
            version,
            today,
            staff: Vec::new(),
            staff_at: HashMap::new(),
            vacancies: Vec::new(),
            vacancy_at: HashMap::new(),
        };
        profiles.put_staff(matching::staff_profiles(db, Selection::All).await?);
        profiles.put_vacancies(matching::vacancy_profiles(db, Selection::All, today).await?);
        Ok(profiles)
    }

    fn put_staff(&mut self, found: Vec<StaffProfile>) {
        for profile in found {
            match self.staff_at.get(&profile.id) {
                Some(&at) => self.staff[at] = profile,
                None => {
                    self.staff_at.insert(profile.id, self.staff.len());
                    self.staff.push(profile);
                }
            }
        }
    }

    fn put_vacancies(&mut self, found: Vec<VacancyProfile>) {
        for profile in found {
            match self.vacancy_at.get(&profile.id) {
                Some(&at) => self.vacancies[at] = profile,
                None => {
                    self.vacancy_at.insert(profile.id, self.vacancies.len());
                    self.vacancies.push(profile);
                }
            }
        }
    }

    /// Brings the copy up to `version`, reading only the records changed since it was made.
    async fn catch_up<C: ConnectionTrait>(
        mut self,
        db: &C,
        version: i64,
        today: NaiveDate,
    ) -> crate::Result<Profiles> {
        if today != self.today {
            return Profiles::load(db, version, today).await;
        }
        let logged = match_change::Entity::find()
            .filter(match_change::Column::Version.gt(self.version))
            .all(db)
            .await?;
        if logged.iter().any(|c| c.kind == EVERYTHING) {
            return Profiles::load(db, version, today).await;
        }
        let ids_of = |kind: &str| -> Vec<i32> {
            let set: HashSet<i32> = logged
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.record_id)
                .collect();
            set.into_iter().collect()
        };
        let (staff, vacancies) = (ids_of(STAFF), ids_of(VACANCY));
        if !staff.is_empty() {
            self.put_staff(matching::staff_profiles(db, Selection::Ids(&staff)).await?);
        }
        if !vacancies.is_empty() {
            self.put_vacancies(
                matching::vacancy_profiles(db, Selection::Ids(&vacancies), today).await?,
            );
        }
        self.version = version;
        Ok(self)
    }
}

/// The stored matches' keeper, shared by every request of one instance.
#[derive(Debug, Default)]
pub struct MatchIndex {
    profiles: AsyncMutex<Option<Profiles>>,
}

/// Returned by [`MatchIndex::after_write`]; call [`Synced::committed`] once the transaction has
/// committed. Dropped without that, it forgets the in-memory profiles, which may hold changes
/// that never committed.
#[derive(Debug)]
#[must_use = "call committed() after the transaction commits"]
pub struct Synced<'a> {
    profiles: MutexGuard<'a, Option<Profiles>>,
    committed: bool,
}

impl Synced<'_> {
    pub fn committed(mut self) {
        self.committed = true;
    }
}

impl Drop for Synced<'_> {
    fn drop(&mut self) {
        if !self.committed {
            *self.profiles = None;
        }
    }
}

/// Takes the next change number, holding the counter's lock until the transaction ends.
async fn next_version<C: ConnectionTrait>(db: &C) -> crate::Result<i64> {
    let bump = Query::update()
        .table("match_sync")
        .value("version", Expr::col("version").add(1))
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    db.execute(&bump).await?;
    current_version(db).await
}

async fn current_version<C: ConnectionTrait>(db: &C) -> crate::Result<i64> {
    let read = Query::select()
        .column("version")
        .from("match_sync")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    let row = db
        .query_one(&read)
        .await?
        .ok_or_else(|| DbErr::Custom("the match_sync counter is missing".to_owned()))?;
    Ok(row.try_get("", "version")?)
}

async fn log_changes<C: ConnectionTrait>(
    db: &C,
    version: i64,
    kind: &str,
    ids: &[i32],
) -> crate::Result<()> {
    let rows = ids
        .iter()
        .map(|id| match_change::ActiveModel {
            version: Set(version),
            kind: Set(kind.to_owned()),
            record_id: Set(*id),
            ..Default::default()
        })
        .collect();
    Ok(insert_chunked(db, rows, None).await?)
}

impl MatchIndex {
    pub fn new() -> MatchIndex {
        MatchIndex::default()
    }

    /// Logs `changes` as made in `txn` and brings the stored matches of those staff members
    /// (their rows) and vacancies (their columns) up to date. Call it as the last step of the
    /// transaction, then [`Synced::committed`] after the commit.
    pub async fn after_write<C: ConnectionTrait>(
        &self,
        txn: &C,
        policy: &MatchPolicy,
        today: NaiveDate,
        changes: &Changes,
    ) -> crate::Result<Synced<'_>> {
        let mut guard = self.profiles.lock().await;
        if changes.staff.is_empty() && changes.vacancies.is_empty() {
            return Ok(Synced {
                profiles: guard,
                committed: true,
            });
        }
        let version = next_version(txn).await?;
        log_changes(txn, version, STAFF, &changes.staff).await?;
        log_changes(txn, version, VACANCY, &changes.vacancies).await?;
        let profiles = match guard.take() {
            Some(cached) => cached.catch_up(txn, version, today).await?,
            None => Profiles::load(txn, version, today).await?,
        };
        let exclusions = matching::exclusions(txn, &changes.staff, &changes.vacancies).await?;
        let context = RankContext {
            policy,
            today,
            exclusions: &exclusions,
        };
        let matcher = Matcher::new(context, &profiles.staff, &profiles.vacancies);
        let mut found = Vec::new();
        for id in &changes.vacancies {
            if let Some(&at) = profiles.vacancy_at.get(&i64::from(*id)) {
                found.extend(matcher.candidates_for(at));
            }
        }
        for id in &changes.staff {
            if let Some(&at) = profiles.staff_at.get(&i64::from(*id)) {
                found.extend(matcher.vacancies_for(at));
            }
        }
        drop(matcher);
        let existing = stored_matches(txn, &changes.staff, &changes.vacancies).await?;
        write_difference(txn, found, existing).await?;
        *guard = Some(profiles);
        Ok(Synced {
            profiles: guard,
            committed: false,
        })
    }
}

/// Ranks every pair afresh and makes `matches` agree, in one transaction; logs the change so
/// that every instance reloads. For bulk loads (the demo data set) and for a changed policy.
/// Returns how many eligible pairs there are.
pub async fn rematch_all(
    db: &DatabaseConnection,
    policy: &MatchPolicy,
    today: NaiveDate,
) -> crate::Result<usize> {
    let txn = crate::db::begin_write(db).await?;
    let version = next_version(&txn).await?;
    log_changes(&txn, version, EVERYTHING, &[0]).await?;
    record_policy(&txn, policy).await?;
    let staff = matching::staff_profiles(&txn, Selection::All).await?;
    let mut vacancies = matching::vacancy_profiles(&txn, Selection::All, today).await?;
    let staff_ids = staff
        .iter()
        .map(|s| record_id(s.id))
        .collect::<crate::Result<Vec<_>>>()?;
    let exclusions = matching::exclusions(&txn, &staff_ids, &[]).await?;
    let context = RankContext {
        policy,
        today,
        exclusions: &exclusions,
    };
    // A few thousand vacancies at a time, ranked and then stored, so that memory holds one
    // batch's pairs rather than every pair (over a hundred million at England scale). Taken
    // in id order: storing consecutive vacancies' pairs touches neighbouring index pages,
    // which matters far more to the time taken than ranking does.
    const COLUMNS_PER_BATCH: usize = 2000;
    vacancies.sort_by_key(|v| v.id);
    let mut eligible = 0;
    let mut columns_done = 0;
    for batch in vacancies.chunks(COLUMNS_PER_BATCH) {
        let ranked_lists = Mutex::new(vec![Vec::new(); batch.len()]);
        Matcher::new(context.clone(), &staff, batch).rank_all(|at, ranked| {
            ranked_lists
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())[at] = ranked.to_vec();
        });
        let found: Vec<Match> = ranked_lists
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .into_iter()
            .flatten()
            .collect();
        eligible += found.len();
        let ids = batch
            .iter()
            .map(|v| record_id(v.id))
            .collect::<crate::Result<Vec<i32>>>()?;
        let existing = stored_matches(&txn, &[], &ids).await?;
        write_difference(&txn, found, existing).await?;
        columns_done += batch.len();
        tracing::info!(
            vacancies_ranked = columns_done,
            of = vacancies.len(),
            eligible_pairs_so_far = eligible,
            "storing matches"
        );
    }
    // Pairs whose vacancy no longer exists cannot remain (they cascade), so every stored pair
    // has now been compared.
    txn.commit().await?;
    Ok(eligible)
}

/// The matching settings as stored beside the counter, to tell when they have changed.
fn policy_text(policy: &MatchPolicy) -> String {
    serde_json::to_string(policy).unwrap_or_default()
}

async fn record_policy<C: ConnectionTrait>(db: &C, policy: &MatchPolicy) -> crate::Result<()> {
    let update = Query::update()
        .table("match_sync")
        .value("policy", policy_text(policy))
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Ranks every pair again when the stored matches were ranked with other matching settings
/// (`[matching]` changed), or never ranked at all though there are records (a database from
/// before matches were stored). Returns how many eligible pairs there are, if it ranked.
pub async fn rematch_if_stale(
    db: &DatabaseConnection,
    policy: &MatchPolicy,
    today: NaiveDate,
) -> crate::Result<Option<usize>> {
    use sea_orm::PaginatorTrait;
    let read = Query::select()
        .column("policy")
        .from("match_sync")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    let ranked_with: String = match db.query_one(&read).await? {
        Some(row) => row.try_get("", "policy")?,
        None => String::new(),
    };
    if ranked_with == policy_text(policy) {
        return Ok(None);
    }
    let records = crate::entities::staff::Entity::find().count(db).await?
        + crate::entities::vacancy::Entity::find().count(db).await?;
    if records == 0 {
        record_policy(db, policy).await?;
        return Ok(None);
    }
    rematch_all(db, policy, today).await.map(Some)
}

/// A matcher id back as the row id it was made from (`i64::from` of an `i32`).
fn record_id(id: i64) -> crate::Result<i32> {
    i32::try_from(id).map_err(|_| {
        crate::Error::Internal(anyhow::anyhow!(
            "the matcher returned id {id}, which no row has"
        ))
    })
}

/// Stored matches in the rows of `staff_ids` and the columns of `vacancy_ids`.
async fn stored_matches<C: ConnectionTrait>(
    db: &C,
    staff_ids: &[i32],
    vacancy_ids: &[i32],
) -> crate::Result<Vec<match_record::Model>> {
    let mut found: HashMap<i32, match_record::Model> = HashMap::new();
    for (column, ids) in [
        (match_record::Column::StaffId, staff_ids),
        (match_record::Column::VacancyId, vacancy_ids),
    ] {
        for chunk in ids.chunks(CHUNK) {
            for row in match_record::Entity::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                found.insert(row.id, row);
            }
        }
    }
    Ok(found.into_values().collect())
}

/// A match's explanation as stored: the points in hundredths (essential skills, desirable
/// skills, band, travel, hours, staff group), the travel minutes, the band drop and the location
/// basis, as a short JSON array (`[2250,1500,1500,1120,500,500,20,0,"home_district"]`), since
/// one is stored for every eligible pair. Skill names are added when a match is shown, from
/// the pair's current skills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredExplanation(pub [u16; 6], pub u32, pub u8, pub String);

impl StoredExplanation {
    fn of(found: &Match) -> StoredExplanation {
        let e = &found.explanation;
        let p = &e.points;
        StoredExplanation(
            [
                p.essential_skills.0,
                p.desirable_skills.0,
                p.band.0,
                p.travel.0,
                p.hours.0,
                p.staff_group.0,
            ],
            e.travel_minutes,
            e.band_drop,
            serde_json::to_value(e.location_basis)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        )
    }

    /// Reads a stored explanation; `None` if it is not one.
    pub fn parse(text: &str) -> Option<StoredExplanation> {
        serde_json::from_str(text).ok()
    }

    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Makes the stored matches among `existing` agree with `found`, the eligible pairs ranked
/// afresh for the same rows and columns: new pairs are inserted as suggested, changed scores
/// rewritten, pairs no longer eligible deleted while merely suggested and otherwise flagged.
async fn write_difference<C: ConnectionTrait>(
    db: &C,
    found: Vec<Match>,
    existing: Vec<match_record::Model>,
) -> crate::Result<()> {
    let now = Utc::now();
    let mut stored: HashMap<(i32, i32), match_record::Model> = existing
        .into_iter()
        .map(|row| ((row.staff_id, row.vacancy_id), row))
        .collect();
    let mut inserts = Vec::new();
    let mut seen = HashSet::new();
    for pair in found {
        let key = (record_id(pair.staff_id)?, record_id(pair.vacancy_id)?);
        if !seen.insert(key) {
            continue;
        }
        let explanation = StoredExplanation::of(&pair).text();
        let score = pair.score.get();
        match stored.remove(&key) {
            Some(row)
                if row.score == score
                    && row.exact_match == pair.exact_match
                    && row.explanation == explanation
                    && row.eligible => {}
            Some(row) => {
                match_record::ActiveModel {
                    id: Set(row.id),
                    score: Set(score),
                    exact_match: Set(pair.exact_match),
                    explanation: Set(explanation),
                    eligible: Set(true),
                    computed_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .update(db)
                .await?;
            }
            None => inserts.push(match_record::ActiveModel {
                staff_id: Set(key.0),
                vacancy_id: Set(key.1),
                status: Set(domain::MatchStatus::Suggested.code().to_owned()),
                score: Set(score),
                exact_match: Set(pair.exact_match),
                explanation: Set(explanation),
                eligible: Set(true),
                computed_at: Set(now),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }),
        }
    }
    insert_chunked(db, inserts, None).await?;
    let suggested = domain::MatchStatus::Suggested.code();
    let (gone, kept): (Vec<_>, Vec<_>) = stored
        .into_values()
        .partition(|row| row.status == suggested);
    for chunk in gone.chunks(CHUNK) {
        match_record::Entity::delete_many()
            .filter(match_record::Column::Id.is_in(chunk.iter().map(|r| r.id)))
            .exec(db)
            .await?;
    }
    let no_longer: Vec<i32> = kept.iter().filter(|r| r.eligible).map(|r| r.id).collect();
    for chunk in no_longer.chunks(CHUNK) {
        match_record::Entity::update_many()
            .col_expr(match_record::Column::Eligible, Expr::value(false))
            .col_expr(match_record::Column::ComputedAt, Expr::value(now))
            .filter(match_record::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}
