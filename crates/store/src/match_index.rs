//! The match index: every staff member and vacancy as the matcher sees them, held in memory so
//! that suggestions are ranked when someone asks for them, never stored.
//!
//! The index also holds every decision (the `matches` rows: pairs someone has acted on), so
//! that a list needs nothing from the database but the counter.
//!
//! Writes only log what they changed. Every write that changes a staff record, a vacancy or a
//! decision ends, inside its own transaction, with [`log_write`]: it takes the next number from
//! the `match_sync` counter (which also locks the counter until commit, so that changes are
//! numbered in the order they commit) and records what changed in `match_changes` (a
//! decision is logged by its staff member's id).
//!
//! Reads catch up. [`MatchIndex::snapshot`] reads the counter; if this instance's snapshot is
//! older, it reads every change logged since (its own and other instances'), reloads just those
//! records, and publishes a new [`Snapshot`]. A snapshot never changes once published, so a
//! request ranks against one consistent set of profiles however many writes land meanwhile,
//! and its map grids are built once and shared by every request until the next change.
//! Requests that arrive while the counter is being read wait for the next read rather than
//! each making their own, so under load one read serves many requests, and still every
//! request sees every change committed before it arrived.
//!
//! The profiles are a cache: nothing correct depends on them, and a new instance builds them
//! from the database. This module never ranks (that is `matcher`), never decides who may see a
//! pair, and never writes a match.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::NaiveDate;
use domain::VacancyStatus;
use matcher::{
    Exclusions, Grids, Match, MatchPolicy, Matcher, RankContext, StaffProfile, VacancyProfile,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use tokio::sync::Mutex as AsyncMutex;

use crate::entities::{match_change, match_record};
use crate::matching::{self, Selection, StaffFacts, VacancyFacts};
use crate::paging::PageRequest;
use crate::store_support::insert_chunked;

/// Which staff records, vacancies and decisions a write created or changed.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub staff: Vec<i32>,
    pub vacancies: Vec<i32>,
    /// The staff members whose decisions (`matches` rows) were written.
    pub decisions_of: Vec<i32>,
    /// The reference data (trusts, sites, the skills vocabulary) changed: every instance reads
    /// its catalogue again before it next checks input or shapes a page.
    pub reference: bool,
}

impl Changes {
    pub fn staff(ids: impl IntoIterator<Item = i32>) -> Changes {
        Changes {
            staff: ids.into_iter().collect(),
            ..Changes::default()
        }
    }

    pub fn vacancies(ids: impl IntoIterator<Item = i32>) -> Changes {
        Changes {
            vacancies: ids.into_iter().collect(),
            ..Changes::default()
        }
    }

    /// Decisions about pairs of these staff members.
    pub fn decisions_of(staff_ids: impl IntoIterator<Item = i32>) -> Changes {
        Changes {
            decisions_of: staff_ids.into_iter().collect(),
            ..Changes::default()
        }
    }

    /// Adds the records `other` names.
    pub fn merge(&mut self, other: Changes) {
        self.staff.extend(other.staff);
        self.vacancies.extend(other.vacancies);
        self.decisions_of.extend(other.decisions_of);
        self.reference |= other.reference;
    }

    fn is_empty(&self) -> bool {
        self.staff.is_empty()
            && self.vacancies.is_empty()
            && self.decisions_of.is_empty()
            && !self.reference
    }
}

/// Logged change kinds: one record, one staff member's decisions, the reference data, or
/// everything (after a bulk load).
const STAFF: &str = "staff";
const VACANCY: &str = "vacancy";
const DECISIONS: &str = "decisions";
const REFERENCE: &str = "reference";
const EVERYTHING: &str = "all";

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

/// The number of the last committed change.
pub async fn current_version<C: ConnectionTrait>(db: &C) -> crate::Result<i64> {
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

/// Logs `changes` as made in `txn`, so that every instance's index reloads those records
/// before it next ranks. Call it as the last step of the write's transaction.
pub async fn log_write<C: ConnectionTrait>(txn: &C, changes: &Changes) -> crate::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let version = next_version(txn).await?;
    log_changes(txn, version, STAFF, &changes.staff).await?;
    log_changes(txn, version, VACANCY, &changes.vacancies).await?;
    log_changes(txn, version, DECISIONS, &changes.decisions_of).await?;
    if changes.reference {
        log_changes(txn, version, REFERENCE, &[0]).await?;
    }
    Ok(())
}

/// The number of the newest committed change to the reference data (0 when there has been
/// none): one lookup in the `(kind, version)` index.
pub async fn reference_revision<C: ConnectionTrait>(db: &C) -> crate::Result<i64> {
    let newest = match_change::Entity::find()
        .select_only()
        .column_as(match_change::Column::Version.max(), "newest")
        .filter(match_change::Column::Kind.eq(REFERENCE))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?;
    Ok(newest.flatten().unwrap_or(0))
}

/// Logs that everything may have changed (a bulk load, new postcode positions), so that every
/// instance reloads every profile before it next ranks.
pub async fn log_everything(db: &DatabaseConnection) -> crate::Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let version = next_version(&txn).await?;
    log_changes(&txn, version, EVERYTHING, &[0]).await?;
    txn.commit().await?;
    Ok(())
}

/// Records read in one go when a snapshot is loaded whole.
const LOAD_AT_ONCE: usize = 5000;

/// Every row id of a table whose primary key is `id`.
async fn all_ids<E, C>(db: &C) -> crate::Result<Vec<i32>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    use sea_orm::{QuerySelect, sea_query::Alias};
    let rows = E::find()
        .select_only()
        .column_as(Expr::col(Alias::new("id")), "id")
        .into_tuple::<i32>()
        .all(db)
        .await?;
    Ok(rows)
}

/// Every profile as of change number `version`, with what lists show of each record and the
/// map grids ranking searches (built the first time a request needs them, then shared). Never
/// changed once published.
#[derive(Debug)]
pub struct Snapshot {
    version: i64,
    /// The newest reference change logged up to `version`.
    reference_revision: i64,
    /// Openness depends on the day, so a new day means a fresh load.
    today: NaiveDate,
    staff: Vec<StaffProfile>,
    staff_at: HashMap<i64, usize>,
    staff_facts: HashMap<i64, Arc<StaffFacts>>,
    vacancies: Vec<VacancyProfile>,
    vacancy_at: HashMap<i64, usize>,
    vacancy_facts: HashMap<i64, Arc<VacancyFacts>>,
    decisions: Decisions,
    grids: Grids,
    /// Lists already ranked from this snapshot.
    ranked: Mutex<HashMap<ListKey, Arc<[Match]>>>,
    /// Pages already shaped from this snapshot, each of whatever type its list's shape is.
    pages: Mutex<HashMap<PageKey, Arc<dyn Any + Send + Sync>>>,
}

/// A list a snapshot may keep once ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKey {
    /// A vacancy's candidates.
    Candidates(i32),
    /// A staff member's matches.
    Matches(i32),
}

/// The most ranked lists one snapshot keeps: a few MB at most at England scale.
const LISTS_KEPT: usize = 2048;

/// One page of a list, as a snapshot may keep it once shaped for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub list: ListKey,
    pub request: PageRequest,
}

/// The most shaped pages one snapshot keeps. A page of 50 with its JSON is about 60 KB, so
/// this is about 15 MB at most.
const PAGES_KEPT: usize = 256;

/// The decisions among `stored` that keep pairs apart, for ranking.
fn exclusions_in(stored: &[Arc<match_record::Model>]) -> Exclusions {
    stored
        .iter()
        .filter_map(|row| {
            matching::exclusion_of(&row.status)
                .map(|by| ((i64::from(row.staff_id), i64::from(row.vacancy_id)), by))
        })
        .collect()
}

/// Every pair someone has acted on, as stored, found by staff member and by vacancy.
#[derive(Debug, Clone, Default)]
struct Decisions {
    by_staff: HashMap<i32, Vec<Arc<match_record::Model>>>,
    by_vacancy: HashMap<i32, Vec<Arc<match_record::Model>>>,
}

impl Decisions {
    /// Replaces every decision about the pairs of `staff` with `rows`, their decisions now.
    fn replace(&mut self, staff: &[i32], rows: Vec<match_record::Model>) {
        for id in staff {
            for gone in self.by_staff.remove(id).unwrap_or_default() {
                if let Some(column) = self.by_vacancy.get_mut(&gone.vacancy_id) {
                    column.retain(|row| row.id != gone.id);
                    if column.is_empty() {
                        self.by_vacancy.remove(&gone.vacancy_id);
                    }
                }
            }
        }
        for row in rows {
            let row = Arc::new(row);
            self.by_staff
                .entry(row.staff_id)
                .or_default()
                .push(row.clone());
            self.by_vacancy.entry(row.vacancy_id).or_default().push(row);
        }
    }

    async fn load<C: ConnectionTrait>(
        db: &C,
        staff: Selection<'_>,
    ) -> crate::Result<Vec<match_record::Model>> {
        Ok(match staff {
            Selection::All => match_record::Entity::find().all(db).await?,
            Selection::Ids(ids) => {
                let mut rows = Vec::new();
                for chunk in ids.chunks(1000) {
                    rows.extend(
                        match_record::Entity::find()
                            .filter(match_record::Column::StaffId.is_in(chunk.iter().copied()))
                            .all(db)
                            .await?,
                    );
                }
                rows
            }
        })
    }
}

impl Snapshot {
    /// Every profile, as stored now. The version is read first, so the profiles are at least
    /// as new as it says.
    async fn load<C: ConnectionTrait>(db: &C, today: NaiveDate) -> crate::Result<Snapshot> {
        let version = current_version(db).await?;
        let mut snapshot = Snapshot {
            version,
            reference_revision: reference_revision(db).await?,
            today,
            staff: Vec::new(),
            staff_at: HashMap::new(),
            staff_facts: HashMap::new(),
            vacancies: Vec::new(),
            vacancy_at: HashMap::new(),
            vacancy_facts: HashMap::new(),
            decisions: Decisions::default(),
            grids: Grids::default(),
            ranked: Mutex::default(),
            pages: Mutex::default(),
        };
        snapshot
            .decisions
            .replace(&[], Decisions::load(db, Selection::All).await?);
        // A few thousand records at a time, so that reading 100,000 vacancies never holds
        // them all as rows at once: the memory that took would stay with the process.
        let staff_ids = all_ids::<crate::entities::staff::Entity, _>(db).await?;
        for chunk in staff_ids.chunks(LOAD_AT_ONCE) {
            snapshot.put_staff(
                &[],
                matching::staff_entries(db, Selection::Ids(chunk)).await?,
            );
        }
        let vacancy_ids = all_ids::<crate::entities::vacancy::Entity, _>(db).await?;
        for chunk in vacancy_ids.chunks(LOAD_AT_ONCE) {
            snapshot.put_vacancies(
                &[],
                matching::vacancy_entries(db, Selection::Ids(chunk), today).await?,
            );
        }
        Ok(snapshot)
    }

    /// A copy of this snapshot brought up to the counter: only the records changed since are
    /// read again. Every change numbered up to the counter has committed, because a change
    /// holds the counter's lock until it does.
    async fn caught_up<C: ConnectionTrait>(
        &self,
        db: &C,
        today: NaiveDate,
    ) -> crate::Result<Snapshot> {
        let version = current_version(db).await?;
        let logged = match_change::Entity::find()
            .filter(match_change::Column::Version.gt(self.version))
            .all(db)
            .await?;
        if today != self.today || logged.iter().any(|c| c.kind == EVERYTHING) {
            return Snapshot::load(db, today).await;
        }
        let ids_of = |kind: &str| -> Vec<i32> {
            let set: HashSet<i32> = logged
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.record_id)
                .collect();
            set.into_iter().collect()
        };
        let (staff, vacancies, decided) = (ids_of(STAFF), ids_of(VACANCY), ids_of(DECISIONS));
        let reference_changed = logged
            .iter()
            .filter(|c| c.kind == REFERENCE)
            .map(|c| c.version)
            .max();
        let mut next = Snapshot {
            version: std::cmp::max(version, self.version),
            reference_revision: reference_changed.unwrap_or(self.reference_revision),
            today,
            staff: self.staff.clone(),
            staff_at: self.staff_at.clone(),
            staff_facts: self.staff_facts.clone(),
            vacancies: self.vacancies.clone(),
            vacancy_at: self.vacancy_at.clone(),
            vacancy_facts: self.vacancy_facts.clone(),
            decisions: self.decisions.clone(),
            grids: Grids::default(),
            ranked: Mutex::default(),
            pages: Mutex::default(),
        };
        if !decided.is_empty() {
            let rows = Decisions::load(db, Selection::Ids(&decided)).await?;
            next.decisions.replace(&decided, rows);
        }
        if !staff.is_empty() {
            next.put_staff(
                &staff,
                matching::staff_entries(db, Selection::Ids(&staff)).await?,
            );
        }
        if !vacancies.is_empty() {
            next.put_vacancies(
                &vacancies,
                matching::vacancy_entries(db, Selection::Ids(&vacancies), today).await?,
            );
        }
        Ok(next)
    }

    /// Puts `found`, the records `asked` for, in place; an asked-for record not found no
    /// longer exists and leaves.
    fn put_staff(&mut self, asked: &[i32], found: Vec<(StaffProfile, StaffFacts)>) {
        put(
            (&mut self.staff, &mut self.staff_at, &mut self.staff_facts),
            asked,
            found,
            |p| p.id,
        );
    }

    fn put_vacancies(&mut self, asked: &[i32], found: Vec<(VacancyProfile, VacancyFacts)>) {
        put(
            (
                &mut self.vacancies,
                &mut self.vacancy_at,
                &mut self.vacancy_facts,
            ),
            asked,
            found,
            |p| p.id,
        );
    }

    /// The newest reference change this snapshot has seen logged.
    pub fn reference_revision(&self) -> i64 {
        self.reference_revision
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// How many staff records the snapshot holds.
    pub fn staff_count(&self) -> usize {
        self.staff.len()
    }

    /// How many vacancies the snapshot holds.
    pub fn vacancy_count(&self) -> usize {
        self.vacancies.len()
    }

    /// The decisions about staff member `id`'s pairs.
    pub fn decisions_of_staff(&self, id: i32) -> &[Arc<match_record::Model>] {
        self.decisions.by_staff.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The decisions about vacancy `id`'s pairs.
    pub fn decisions_of_vacancy(&self, id: i32) -> &[Arc<match_record::Model>] {
        self.decisions
            .by_vacancy
            .get(&id)
            .map_or(&[], Vec::as_slice)
    }

    /// What lists show of staff record `id`, if it exists.
    pub fn staff_facts(&self, id: i32) -> Option<&StaffFacts> {
        self.staff_facts.get(&i64::from(id)).map(Arc::as_ref)
    }

    /// What lists show of vacancy `id`, if it exists.
    pub fn vacancy_facts(&self, id: i32) -> Option<&VacancyFacts> {
        self.vacancy_facts.get(&i64::from(id)).map(Arc::as_ref)
    }

    pub fn staff(&self, id: i32) -> Option<&StaffProfile> {
        self.staff_at.get(&i64::from(id)).map(|&at| &self.staff[at])
    }

    pub fn vacancy(&self, id: i32) -> Option<&VacancyProfile> {
        self.vacancy_at
            .get(&i64::from(id))
            .map(|&at| &self.vacancies[at])
    }

    fn matcher<'a>(&'a self, context: RankContext<'a>) -> Matcher<'a> {
        Matcher::with_grids(context, &self.staff, &self.vacancies, &self.grids)
    }

    /// The vacancy's eligible candidates in the DESIGN §2 order, its decisions taken into
    /// account; none if it is not known.
    pub fn candidates_for(&self, policy: &MatchPolicy, vacancy_id: i32) -> Arc<[Match]> {
        self.ranked_list(ListKey::Candidates(vacancy_id), || {
            let Some(&at) = self.vacancy_at.get(&i64::from(vacancy_id)) else {
                return Vec::new();
            };
            let exclusions = exclusions_in(self.decisions_of_vacancy(vacancy_id));
            self.matcher(self.context(policy, &exclusions))
                .candidates_for(at)
        })
    }

    /// The staff member's eligible vacancies, best first, their decisions taken into account;
    /// none if they are not known.
    pub fn vacancies_for(&self, policy: &MatchPolicy, staff_id: i32) -> Arc<[Match]> {
        self.ranked_list(ListKey::Matches(staff_id), || {
            let Some(&at) = self.staff_at.get(&i64::from(staff_id)) else {
                return Vec::new();
            };
            let exclusions = exclusions_in(self.decisions_of_staff(staff_id));
            self.matcher(self.context(policy, &exclusions))
                .vacancies_for(at)
        })
    }

    /// The pair scored, if both are known and every hard rule passes (its decision taken
    /// into account).
    pub fn pair(&self, policy: &MatchPolicy, staff_id: i32, vacancy_id: i32) -> Option<Match> {
        let exclusions = self.pair_exclusions(staff_id, vacancy_id);
        self.context(policy, &exclusions)
            .evaluate(self.staff(staff_id)?, self.vacancy(vacancy_id)?)
    }

    /// What the pair's own decision, if any, rules out.
    fn pair_exclusions(&self, staff_id: i32, vacancy_id: i32) -> Exclusions {
        let decided: Vec<Arc<match_record::Model>> = self
            .decisions_of_staff(staff_id)
            .iter()
            .filter(|row| row.vacancy_id == vacancy_id)
            .cloned()
            .collect();
        exclusions_in(&decided)
    }

    /// The pair scored as it stood on `day`, for a history being recorded: the vacancy open
    /// if its stored status is open and its closing date had not passed on `day`.
    pub fn pair_on(
        &self,
        policy: &MatchPolicy,
        staff_id: i32,
        vacancy_id: i32,
        day: NaiveDate,
    ) -> Option<Match> {
        let facts = self.vacancy_facts(vacancy_id)?;
        let post = VacancyProfile {
            open: facts.status == VacancyStatus::Open.code() && facts.closing_date >= day,
            ..self.vacancy(vacancy_id)?.clone()
        };
        let exclusions = self.pair_exclusions(staff_id, vacancy_id);
        RankContext {
            policy,
            today: day,
            exclusions: &exclusions,
        }
        .evaluate(self.staff(staff_id)?, &post)
    }

    fn context<'a>(&self, policy: &'a MatchPolicy, exclusions: &'a Exclusions) -> RankContext<'a> {
        RankContext {
            policy,
            today: self.today,
            exclusions,
        }
    }

    /// The list `key` names, ranked by `rank` the first time it is asked for and then kept
    /// for the requests (and the pages) that follow, until the next change makes a new
    /// snapshot. A snapshot keeps at most [`LISTS_KEPT`] lists, and starts again when full.
    fn ranked_list(&self, key: ListKey, rank: impl FnOnce() -> Vec<Match>) -> Arc<[Match]> {
        let lock = || {
            self.ranked
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some(kept) = lock().get(&key) {
            return kept.clone();
        }
        let list: Arc<[Match]> = rank().into();
        let mut kept = lock();
        if kept.len() >= LISTS_KEPT {
            kept.clear();
        }
        kept.insert(key, list.clone());
        list
    }

    /// Page `key` as shaped earlier from this snapshot, if it is kept and is a `P`.
    pub fn kept_page<P: Any + Send + Sync>(&self, key: PageKey) -> Option<Arc<P>> {
        let kept = self
            .pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .cloned()?;
        kept.downcast::<P>().ok()
    }

    /// Keeps `page` for the requests that ask for page `key` until the next change makes a
    /// new snapshot. Everything on the page must come from this snapshot (or never change),
    /// or a kept page would show it stale. At most [`PAGES_KEPT`] are kept; when full, one
    /// kept page makes way.
    pub fn keep_page<P: Any + Send + Sync>(&self, key: PageKey, page: Arc<P>) {
        let mut kept = self
            .pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let evicted = match kept.len() >= PAGES_KEPT {
            true => kept
                .keys()
                .next()
                .copied()
                .and_then(|old| kept.remove(&old)),
            false => None,
        };
        kept.insert(key, page);
        // A page is thousands of small allocations: free it after letting go of the lock.
        drop(kept);
        drop(evicted);
    }

    /// How many pairs are eligible, counted on every core without holding them.
    pub fn eligible_pairs(&self, context: RankContext<'_>) -> usize {
        let count = AtomicUsize::new(0);
        self.matcher(context).rank_all(|_, ranked| {
            count.fetch_add(ranked.len(), Ordering::Relaxed);
        });
        count.into_inner()
    }

    /// Builds both sides' map grids now rather than on the first request that needs them.
    pub fn warm(&self, context: RankContext<'_>) {
        self.matcher(context).build_grids();
    }
}

/// One side of a snapshot: the profiles, where each id's profile is, and each id's facts.
type Side<'a, P, F> = (
    &'a mut Vec<P>,
    &'a mut HashMap<i64, usize>,
    &'a mut HashMap<i64, Arc<F>>,
);

/// Replaces or adds each of `found` in `profiles` (indexed by id in `at`, their facts in
/// `facts`), and removes each of `asked` that `found` does not hold.
fn put<P, F>(
    (profiles, at, facts): Side<'_, P, F>,
    asked: &[i32],
    found: Vec<(P, F)>,
    id: impl Fn(&P) -> i64,
) {
    let present: HashSet<i64> = found.iter().map(|(p, _)| id(p)).collect();
    for (profile, fact) in found {
        let key = id(&profile);
        facts.insert(key, Arc::new(fact));
        match at.get(&key) {
            Some(&i) => profiles[i] = profile,
            None => {
                at.insert(key, profiles.len());
                profiles.push(profile);
            }
        }
    }
    for gone in asked.iter().map(|&a| i64::from(a)) {
        if present.contains(&gone) {
            continue;
        }
        facts.remove(&gone);
        if let Some(i) = at.remove(&gone) {
            profiles.swap_remove(i);
            if let Some(moved) = profiles.get(i) {
                at.insert(id(moved), i);
            }
        }
    }
}

/// Reads of the change counter, shared by the requests that wait for them.
#[derive(Debug, Default)]
struct CounterReads {
    /// Requests numbered as they arrive.
    arrivals: AtomicU64,
    /// Held while the counter is read; the latest read's result inside: the last arrival
    /// number before it began, and the counter it found.
    latest: AsyncMutex<(u64, i64)>,
}

impl CounterReads {
    /// The counter as read after this call began: by this request, or by another that began
    /// reading after this one arrived, whose result it waited for.
    async fn read<C: ConnectionTrait>(&self, db: &C) -> crate::Result<i64> {
        let arrived = self.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
        let mut latest = self.latest.lock().await;
        if latest.0 >= arrived {
            return Ok(latest.1);
        }
        // Every request numbered up to here arrived before this read begins, so every change
        // committed before any of them arrived is counted.
        let began_after = self.arrivals.load(Ordering::SeqCst);
        let version = current_version(db).await?;
        *latest = (began_after, version);
        Ok(version)
    }
}

/// This instance's index, shared by every request.
#[derive(Debug, Default)]
pub struct MatchIndex {
    counter: CounterReads,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while one request catches up, so that others wait for its snapshot rather than
    /// each reading the same changes.
    catching_up: AsyncMutex<()>,
    /// Skill names by row id, for explanations: read once each, as a skill's name never
    /// changes once stored.
    skill_names: RwLock<HashMap<i32, Arc<str>>>,
}

impl MatchIndex {
    pub fn new() -> MatchIndex {
        MatchIndex::default()
    }

    fn published(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The names of the skills with row ids `ids`, reading from the database only those not
    /// read before.
    pub async fn skill_names<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: impl IntoIterator<Item = i32>,
    ) -> crate::Result<HashMap<i32, Arc<str>>> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let known = self
                .skill_names
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for id in ids {
                match known.get(&id) {
                    Some(name) => {
                        found.insert(id, name.clone());
                    }
                    None => missing.push(id),
                }
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let read = crate::entities::skill::Entity::find()
            .filter(crate::entities::skill::Column::Id.is_in(missing))
            .all(db)
            .await?;
        let mut known = self
            .skill_names
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for skill in read {
            let name: Arc<str> = skill.name.into();
            known.insert(skill.id, name.clone());
            found.insert(skill.id, name);
        }
        Ok(found)
    }

    /// The profiles as of every change committed before this call, on `today`.
    pub async fn snapshot<C: ConnectionTrait>(
        &self,
        db: &C,
        today: NaiveDate,
    ) -> crate::Result<Arc<Snapshot>> {
        let version = self.counter.read(db).await?;
        self.snapshot_since(db, today, version).await
    }

    /// The snapshot as of change `version` or later, on `today`.
    async fn snapshot_since<C: ConnectionTrait>(
        &self,
        db: &C,
        today: NaiveDate,
        version: i64,
    ) -> crate::Result<Arc<Snapshot>> {
        let fresh = |s: &Snapshot| s.version >= version && s.today == today;
        if let Some(snapshot) = self.published().filter(|s| fresh(s)) {
            return Ok(snapshot);
        }
        let _turn = self.catching_up.lock().await;
        let published = self.published();
        let next = match published {
            Some(snapshot) if fresh(&snapshot) => return Ok(snapshot),
            Some(snapshot) => snapshot.caught_up(db, today).await?,
            None => Snapshot::load(db, today).await?,
        };
        let next = Arc::new(next);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(next.clone());
        Ok(next)
    }
}
