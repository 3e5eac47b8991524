//! Matching, as people ask about it: a staff member's matches best first, a vacancy's
//! candidates in the DESIGN §2 order, one pair, and every hard rule that keeps a pair apart.
//!
//! Suggestions are ranked when asked for, from the match index (caught up with every committed
//! change first); the `matches` table holds only pairs someone has acted on, with the score and
//! explanation as they were at that decision, and the index holds them too. A list is the live
//! ranking with each stored pair's status laid over it, plus the acted-on pairs that no longer
//! pass the rules (shown as stored, `still_eligible` false), in one order; a page is a slice of
//! it. The explanation's skill names come from the pair's skills as they are now. A page once
//! shaped is kept by the snapshot it came from, so the requests that follow until the next
//! change are answered from it; every read is audited all the same.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use domain::LocationBasis;
use matcher::{
    Exclusions, Hundredths, Match, MatchPolicy, RankContext, SkillId, StaffProfile, VacancyProfile,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::authz::Actor;
use crate::catalogue::{Catalogue, SiteRef};
use crate::entities::{match_record, match_transition, staff, user, vacancy};
use crate::error::{Error, FieldError, Result};
use crate::match_index::{ListKey, PageKey, Snapshot};
use crate::matching::{self, Selection, StaffFacts, VacancyFacts};
use crate::metrics::RankedList;
use crate::paging::{PageRequest, Paged, SharedPage};

/// Points each component earned (out of the weights in `[matching.weights]`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Points {
    pub essential_skills: f64,
    pub desirable_skills: f64,
    pub band: f64,
    pub travel: f64,
    pub hours: f64,
    pub staff_group: f64,
}

/// Why a pair scored what it did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub points: Points,
    /// The vacancy's essential skills the staff member holds.
    pub matched_skills: Vec<String>,
    /// The vacancy's essential skills the staff member does not hold.
    pub missing_skills: Vec<String>,
    /// The vacancy's desirable skills the staff member holds.
    pub matched_desirable_skills: Vec<String>,
    /// The estimated journey, in minutes.
    pub travel_minutes: u32,
    /// Bands below the staff member's own (0: the same band).
    pub band_drop: u8,
    /// Where the journey was measured from: home_postcode, home_district or base_site.
    pub location_basis: String,
    /// False when the pair no longer passes the rules (shown because someone acted on it);
    /// the points are then as they were last computed.
    pub still_eligible: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchedVacancy {
    pub id: i32,
    pub title: String,
    pub band: String,
    /// The trust's ODS code.
    pub trust: String,
    pub site: SiteRef,
}

/// One of a staff member's matches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffMatch {
    /// The pair: the staff record's id and the vacancy's id joined by a hyphen, such as `1623-437`.
    pub match_id: String,
    pub vacancy: MatchedVacancy,
    /// 0–100.
    pub score: f64,
    pub exact_match: bool,
    /// Where the pairing has got to: suggested, interested, shortlisted, …
    pub status: String,
    pub explanation: Explanation,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidateStaff {
    pub id: i32,
    pub name: String,
    pub band: String,
    /// The trust's ODS code.
    pub trust: String,
}

/// One of a vacancy's candidates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// The pair: the staff record's id and the vacancy's id joined by a hyphen, such as `1623-437`.
    pub match_id: String,
    pub staff: CandidateStaff,
    /// 0–100.
    pub score: f64,
    pub exact_match: bool,
    /// 1 organisational change, 2 health or capability, 3 end of a fixed-term contract, 4 other.
    pub priority_tier: i16,
    pub status: String,
    pub explanation: Explanation,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// The rule, as a code: vacancy_not_open, case_not_active, band_above, band_drop_too_far,
    /// no_lower_band_consent, registration_missing, too_far, hours_outside_range, excluded.
    pub rule: String,
    /// The rule in words.
    pub message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WhyNot {
    pub staff_id: i32,
    pub vacancy_id: i32,
    /// True when no rule keeps the pair apart.
    pub eligible: bool,
    pub reasons: Vec<Reason>,
    /// The estimated journey, in minutes.
    pub travel_minutes: u32,
    /// Where the journey was measured from: home_postcode, home_district or base_site.
    pub location_basis: String,
}

/// One pair as `GET /api/v1/matches/{id}` shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchDetail {
    /// The pair: `{staff id}-{vacancy id}`.
    pub match_id: String,
    pub staff_id: i32,
    pub vacancy_id: i32,
    /// The staff member, as a recruiting trust may see them (DESIGN §1).
    pub staff: CandidateStaff,
    /// The vacancy.
    pub vacancy: MatchedVacancy,
    /// Where the pairing has got to: suggested until someone acts on it.
    pub status: String,
    /// The statuses the signed-in person may move the pair to now, in the workflow's order
    /// (`trial` on a pair in trial extends it; `declined_by_staff` on a declined pair is the
    /// staff member's HR team judging the decline, sent with a `judgement`); empty when it is
    /// not their move.
    pub your_moves: Vec<String>,
    /// 0–100.
    pub score: f64,
    pub exact_match: bool,
    pub explanation: Explanation,
    /// Every move of the pair, oldest first; empty while it is only suggested.
    pub history: Vec<HistoryEntry>,
    /// The redundancy cost the redeployment avoided: once redeployed, and only for the staff
    /// member's HR team and admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub savings: Option<crate::workflow::SavingsShown>,
    /// `reasonable` or `unreasonable`, once the staff member's HR team has judged a decline;
    /// shown to the staff member, their HR team and admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_judgement: Option<String>,
}

/// One move of a pair from one status to another.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub from: String,
    pub to: String,
    /// The email of the account that made the move; none once that account is deleted.
    pub by: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: Option<String>,
}

/// A pair's public id: the staff record's id and the vacancy's id joined by a hyphen
/// (`1623-437`). It names the pair from the moment it is suggested, before any row stores it,
/// and never changes; both ids are positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchId {
    pub staff_id: i32,
    pub vacancy_id: i32,
}

/// What a match id in an address says, once read.
#[derive(Debug, PartialEq, Eq)]
pub enum ParsedMatchId {
    /// Two ids that could name records.
    Pair(MatchId),
    /// The right form, but numbers no record has (zero, or too large to be an id).
    NoSuchPair,
}

impl MatchId {
    /// The pattern the API document gives for a match id.
    pub const PATTERN: &'static str = "^[0-9]{1,10}-[0-9]{1,10}$";

    pub fn of(pair: &Match) -> MatchId {
        MatchId {
            staff_id: pair.staff_id as i32,
            vacancy_id: pair.vacancy_id as i32,
        }
    }

    /// Reads `text`; refuses, naming the field, anything not of the form `1623-437`.
    pub fn parse(text: &str) -> Result<ParsedMatchId> {
        let malformed = || {
            Error::Invalid(vec![FieldError::new(
                "id",
                "a match id is a staff record's id and a vacancy's id joined by a hyphen, \
                 such as 1623-437",
            )])
        };
        let (staff, vacancy) = text.split_once('-').ok_or_else(malformed)?;
        let digits =
            |part: &str| (1..=10).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(staff) || !digits(vacancy) {
            return Err(malformed());
        }
        let id = |part: &str| part.parse::<i32>().ok().filter(|id| *id > 0);
        Ok(match (id(staff), id(vacancy)) {
            (Some(staff_id), Some(vacancy_id)) => ParsedMatchId::Pair(MatchId {
                staff_id,
                vacancy_id,
            }),
            _ => ParsedMatchId::NoSuchPair,
        })
    }
}

impl std::fmt::Display for MatchId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.staff_id, self.vacancy_id)
    }
}

/// A pair's explanation as stored with a decision: the points in hundredths (essential
/// skills, desirable skills, band, travel, hours, staff group), the travel minutes, the band
/// drop and the location basis, as a short JSON array
/// (`[2250,1500,1500,1120,500,500,20,0,"home_district"]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredExplanation(pub [u16; 6], pub u32, pub u8, pub String);

impl StoredExplanation {
    /// The explanation of `found`, to store with a decision about it.
    pub fn of(found: &Match) -> StoredExplanation {
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
            serialized_code(&e.location_basis),
        )
    }

    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The stored text as the matcher's explanation; `None` if it is not one.
    fn parse(text: &str) -> Option<matcher::Explanation> {
        let StoredExplanation(points, travel_minutes, band_drop, basis) =
            serde_json::from_str(text).ok()?;
        let location_basis: LocationBasis =
            serde_json::from_value(serde_json::Value::String(basis)).ok()?;
        Some(matcher::Explanation {
            points: matcher::Points {
                essential_skills: Hundredths(points[0]),
                desirable_skills: Hundredths(points[1]),
                band: Hundredths(points[2]),
                travel: Hundredths(points[3]),
                hours: Hundredths(points[4]),
                staff_group: Hundredths(points[5]),
            },
            travel_minutes,
            band_drop,
            location_basis,
        })
    }
}

/// A stored decision as a pair the matcher could have found, for a pair that no longer
/// passes the rules: its score and explanation as stored, its candidate order from the staff
/// member as they are now.
fn decided_pair(
    row: &match_record::Model,
    staff: &StaffProfile,
    today: NaiveDate,
) -> Result<Match> {
    let explanation = StoredExplanation::parse(&row.explanation)
        .ok_or_else(|| Error::unreadable_row("matches", row.id, "the explanation is not one"))?;
    Ok(Match {
        staff_id: i64::from(row.staff_id),
        vacancy_id: i64::from(row.vacancy_id),
        score: Hundredths((row.score * 100.0).round().clamp(0.0, 10_000.0) as u16),
        exact_match: row.exact_match,
        priority_tier: staff.priority_tier,
        days_left: (staff.redeployment_period_ends - today).num_days() as i32,
        explanation,
    })
}

/// A pair in a list: as ranked now, or as stored when it no longer passes the rules.
struct Listed<'r> {
    pair: Cow<'r, Match>,
    stored: Option<&'r match_record::Model>,
    still_eligible: bool,
}

impl Listed<'_> {
    fn status(&self) -> String {
        self.stored.map_or_else(
            || domain::MatchStatus::Suggested.code().to_owned(),
            |row| row.status.clone(),
        )
    }
}

/// `live` (ranked now) with `stored`'s statuses laid over it, plus every stored pair acted on
/// that `live` lacks, all in `order`.
fn merged<'r>(
    live: &'r [Match],
    stored: &'r [Arc<match_record::Model>],
    snapshot: &Snapshot,
    order: fn(&Match, &Match) -> Ordering,
) -> Result<Vec<Listed<'r>>> {
    let as_ranked = |pair| Listed {
        pair: Cow::Borrowed(pair),
        stored: None,
        still_eligible: true,
    };
    // Most lists have no decisions at all: the ranking is the list, already in order.
    if stored.is_empty() {
        return Ok(live.iter().map(as_ranked).collect());
    }
    let by_pair: HashMap<(i64, i64), &match_record::Model> = stored
        .iter()
        .map(|row| {
            (
                (i64::from(row.staff_id), i64::from(row.vacancy_id)),
                row.as_ref(),
            )
        })
        .collect();
    let mut listed: Vec<Listed<'r>> = live.iter().map(as_ranked).collect();
    let mut shown = HashSet::new();
    for item in &mut listed {
        let key = (item.pair.staff_id, item.pair.vacancy_id);
        if let Some(row) = by_pair.get(&key) {
            item.stored = Some(row);
            shown.insert(key);
        }
    }
    let suggested = domain::MatchStatus::Suggested.code();
    for row in stored {
        let key = (i64::from(row.staff_id), i64::from(row.vacancy_id));
        if row.status == suggested || shown.contains(&key) {
            continue;
        }
        let Some(person) = snapshot.staff(row.staff_id) else {
            continue;
        };
        listed.push(Listed {
            pair: Cow::Owned(decided_pair(row, person, snapshot.today())?),
            stored: Some(row.as_ref()),
            still_eligible: false,
        });
    }
    // The ranked part is in order already; a stable sort of a nearly sorted list is quick.
    listed.sort_by(|a, b| order(&a.pair, &b.pair));
    Ok(listed)
}

/// The rows of `listed` on the page `request` asks for.
fn page_of<'l, 'r>(listed: &'l [Listed<'r>], request: PageRequest) -> &'l [Listed<'r>] {
    let start = usize::try_from(request.offset())
        .unwrap_or(usize::MAX)
        .min(listed.len());
    let end = start
        .saturating_add(usize::try_from(request.per_page).unwrap_or(usize::MAX))
        .min(listed.len());
    &listed[start..end]
}

/// The pair match id `id` names, with what lists show of each side; 422 for an id not of the
/// form, 404 when either side is not a record.
pub(crate) fn named_pair<'s>(
    snapshot: &'s Snapshot,
    id: &str,
) -> Result<(MatchId, &'s StaffFacts, &'s VacancyFacts)> {
    const NOT_FOUND: Error = Error::NotFound("match");
    let ParsedMatchId::Pair(id) = MatchId::parse(id)? else {
        return Err(NOT_FOUND);
    };
    match (
        snapshot.staff_facts(id.staff_id),
        snapshot.vacancy_facts(id.vacancy_id),
    ) {
        (Some(person), Some(post)) => Ok((id, person, post)),
        _ => Err(NOT_FOUND),
    }
}

/// A shaped page as a snapshot keeps it. Everything on it comes from the snapshot, from the
/// skill names (which never change once stored) or from the trusts and sites it was shaped
/// with: a page shaped with others is shaped again.
struct KeptPage<T> {
    catalogue: Arc<Catalogue>,
    page: Arc<SharedPage<T>>,
}

/// Skill names for the explanations on one page.
struct SkillNames(HashMap<i32, std::sync::Arc<str>>);

/// The skills an explanation lists for a pair, as the matcher's ids.
struct PairSkills {
    matched: Vec<SkillId>,
    missing: Vec<SkillId>,
    matched_desirable: Vec<SkillId>,
}

impl PairSkills {
    fn of(snapshot: &Snapshot, pair: &Match) -> PairSkills {
        let profiles = snapshot
            .staff(pair.staff_id as i32)
            .zip(snapshot.vacancy(pair.vacancy_id as i32));
        match profiles {
            Some((person, post)) => PairSkills::between(person, post),
            None => PairSkills {
                matched: Vec::new(),
                missing: Vec::new(),
                matched_desirable: Vec::new(),
            },
        }
    }

    fn between(person: &StaffProfile, post: &VacancyProfile) -> PairSkills {
        PairSkills {
            matched: matcher::Explanation::matched_skills(person, post),
            missing: matcher::Explanation::missing_skills(person, post),
            matched_desirable: matcher::Explanation::matched_desirable(person, post),
        }
    }

    fn ids(&self) -> impl Iterator<Item = i32> + '_ {
        self.matched
            .iter()
            .chain(&self.missing)
            .chain(&self.matched_desirable)
            .map(|id| id.0 as i32)
    }
}

impl SkillNames {
    async fn load(store: &Store, skills: &[PairSkills]) -> Result<SkillNames> {
        let ids: HashSet<i32> = skills.iter().flat_map(PairSkills::ids).collect();
        Ok(SkillNames(
            store.matches().skill_names(store.db(), ids).await?,
        ))
    }

    fn names(&self, ids: &[SkillId]) -> Vec<String> {
        let mut names: Vec<String> = ids
            .iter()
            .filter_map(|id| self.0.get(&(id.0 as i32)).map(|name| name.to_string()))
            .collect();
        names.sort();
        names
    }

    /// The pair's explanation as shown.
    fn explain(&self, pair: &Match, skills: &PairSkills, still_eligible: bool) -> Explanation {
        let e = &pair.explanation;
        Explanation {
            points: Points {
                essential_skills: e.points.essential_skills.get(),
                desirable_skills: e.points.desirable_skills.get(),
                band: e.points.band.get(),
                travel: e.points.travel.get(),
                hours: e.points.hours.get(),
                staff_group: e.points.staff_group.get(),
            },
            matched_skills: self.names(&skills.matched),
            missing_skills: self.names(&skills.missing),
            matched_desirable_skills: self.names(&skills.matched_desirable),
            travel_minutes: e.travel_minutes,
            band_drop: e.band_drop,
            location_basis: serialized_code(&e.location_basis),
            still_eligible,
        }
    }
}

/// The explanations of a page of pairs.
async fn explain_page(
    store: &Store,
    snapshot: &Snapshot,
    page: &[Listed<'_>],
) -> Result<Vec<Explanation>> {
    let skills: Vec<PairSkills> = page
        .iter()
        .map(|l| PairSkills::of(snapshot, &l.pair))
        .collect();
    let names = SkillNames::load(store, &skills).await?;
    Ok(page
        .iter()
        .zip(&skills)
        .map(|(l, s)| names.explain(&l.pair, s, l.still_eligible))
        .collect())
}

impl Store {
    /// The vacancies a staff member matches, best first, for whoever may read their record.
    pub async fn staff_matches(
        &self,
        actor: &Actor,
        staff_id: i32,
        request: PageRequest,
    ) -> Result<Arc<SharedPage<StaffMatch>>> {
        let snapshot = self.match_snapshot().await?;
        let person = snapshot
            .staff_facts(staff_id)
            .ok_or(Error::NotFound("staff record"))?;
        if !actor.may_read_staff(person.trust_id, staff_id)? {
            return Err(Error::NotFound("staff record"));
        }
        let key = PageKey {
            list: ListKey::Matches(staff_id),
            request,
        };
        let page = match self.kept_page(&snapshot, key) {
            Some(page) => page,
            None => {
                let page = self.shape_matches(&snapshot, staff_id, request).await?;
                self.keep_page(&snapshot, key, page)
            }
        };
        self.audit_read(actor, "staff", staff_id, Some("matches".to_owned()))
            .await?;
        Ok(page)
    }

    async fn shape_matches(
        &self,
        snapshot: &Snapshot,
        staff_id: i32,
        request: PageRequest,
    ) -> Result<Paged<StaffMatch>> {
        let ranked = self.metrics().timed_ranking(RankedList::Matches, || {
            snapshot.vacancies_for(&self.settings().matching, staff_id)
        });
        let stored = snapshot.decisions_of_staff(staff_id);
        let listed = merged(&ranked, stored, snapshot, matcher::vacancy_order)?;
        let page = page_of(&listed, request);
        let explanations = explain_page(self, snapshot, page).await?;
        let catalogue = self.catalogue_held();
        let mut items = Vec::with_capacity(page.len());
        for (listed, explanation) in page.iter().zip(explanations) {
            let vacancy_id = listed.pair.vacancy_id as i32;
            let Some(post) = snapshot.vacancy_facts(vacancy_id) else {
                continue;
            };
            items.push(StaffMatch {
                match_id: MatchId::of(&listed.pair).to_string(),
                vacancy: MatchedVacancy {
                    id: vacancy_id,
                    title: post.title.clone(),
                    band: post.band.clone(),
                    trust: catalogue.trust_code(post.trust_id),
                    site: SiteRef::new(&catalogue, post.site_id),
                },
                score: listed.pair.score.get(),
                exact_match: listed.pair.exact_match,
                status: listed.status(),
                explanation,
            });
        }
        Ok(Paged::new(items, request, listed.len() as u64))
    }

    /// A vacancy's candidates in the DESIGN §2 order, for the HR team of its trust and admin.
    pub async fn vacancy_candidates(
        &self,
        actor: &Actor,
        vacancy_id: i32,
        request: PageRequest,
    ) -> Result<Arc<SharedPage<Candidate>>> {
        if actor.role == domain::Role::Partnership {
            // A vacancy's candidates are people: not found, as every personal record is.
            return Err(Error::NotFound("vacancy"));
        }
        let snapshot = self.match_snapshot().await?;
        let post = snapshot
            .vacancy_facts(vacancy_id)
            .ok_or(Error::NotFound("vacancy"))?;
        if !actor.may_read_vacancy(post.trust_id, &post.status)? {
            return Err(Error::NotFound("vacancy"));
        }
        if !actor.may_see_candidates(post.trust_id) {
            return Err(Error::Forbidden(
                "a vacancy's candidates are for the HR team of the vacancy's trust".to_owned(),
            ));
        }
        let key = PageKey {
            list: ListKey::Candidates(vacancy_id),
            request,
        };
        let page = match self.kept_page(&snapshot, key) {
            Some(page) => page,
            None => {
                let page = self
                    .shape_candidates(&snapshot, vacancy_id, request)
                    .await?;
                self.keep_page(&snapshot, key, page)
            }
        };
        let staff_ids: Vec<i32> = page.items.iter().map(|c| c.staff.id).collect();
        self.audit_read(
            actor,
            "vacancy",
            vacancy_id,
            Some(format!("candidates: staff {staff_ids:?}")),
        )
        .await?;
        Ok(page)
    }

    async fn shape_candidates(
        &self,
        snapshot: &Snapshot,
        vacancy_id: i32,
        request: PageRequest,
    ) -> Result<Paged<Candidate>> {
        let ranked = self.metrics().timed_ranking(RankedList::Candidates, || {
            snapshot.candidates_for(&self.settings().matching, vacancy_id)
        });
        let stored = snapshot.decisions_of_vacancy(vacancy_id);
        let listed = merged(&ranked, stored, snapshot, matcher::candidate_order)?;
        let page = page_of(&listed, request);
        let explanations = explain_page(self, snapshot, page).await?;
        let catalogue = self.catalogue_held();
        let mut items = Vec::with_capacity(page.len());
        for (listed, explanation) in page.iter().zip(explanations) {
            let staff_id = listed.pair.staff_id as i32;
            let Some(person) = snapshot.staff_facts(staff_id) else {
                continue;
            };
            items.push(Candidate {
                match_id: MatchId::of(&listed.pair).to_string(),
                staff: CandidateStaff {
                    id: staff_id,
                    name: person.name.clone(),
                    band: person.band.clone(),
                    trust: catalogue.trust_code(person.trust_id),
                },
                score: listed.pair.score.get(),
                exact_match: listed.pair.exact_match,
                priority_tier: i16::from(listed.pair.priority_tier.number()),
                status: listed.status(),
                explanation,
            });
        }
        Ok(Paged::new(items, request, listed.len() as u64))
    }

    /// Page `key` as this snapshot kept it, if it was shaped with today's trusts and sites.
    fn kept_page<T: Send + Sync + 'static>(
        &self,
        snapshot: &Snapshot,
        key: PageKey,
    ) -> Option<Arc<SharedPage<T>>> {
        let kept = snapshot.kept_page::<KeptPage<T>>(key)?;
        Arc::ptr_eq(&kept.catalogue, &self.catalogue_held()).then(|| kept.page.clone())
    }

    /// Keeps a page just shaped for the requests after this one, and returns it.
    fn keep_page<T: Send + Sync + 'static>(
        &self,
        snapshot: &Snapshot,
        key: PageKey,
        page: Paged<T>,
    ) -> Arc<SharedPage<T>> {
        let page = Arc::new(SharedPage::new(page));
        let kept = KeptPage {
            catalogue: self.catalogue_held(),
            page: page.clone(),
        };
        snapshot.keep_page(key, Arc::new(kept));
        page
    }

    /// One pair, by its match id, for whoever may see it: the staff member, their HR team, the
    /// vacancy's HR team and admin. A pair that neither passes the rules nor has been acted on
    /// is no match, and not found.
    pub async fn match_detail(&self, actor: &Actor, id: &str) -> Result<MatchDetail> {
        const NOT_FOUND: Error = Error::NotFound("match");
        let snapshot = self.match_snapshot().await?;
        let (id, person, post) = named_pair(&snapshot, id)?;
        let sees_person = actor
            .may_read_staff(person.trust_id, id.staff_id)
            .unwrap_or(false);
        if !sees_person && !actor.may_see_candidates(post.trust_id) {
            return Err(NOT_FOUND);
        }
        let stored: Vec<Arc<match_record::Model>> = snapshot
            .decisions_of_staff(id.staff_id)
            .iter()
            .filter(|row| row.vacancy_id == id.vacancy_id)
            .cloned()
            .collect();
        let live: Vec<Match> = self
            .metrics()
            .timed_ranking(RankedList::Pair, || {
                snapshot.pair(&self.settings().matching, id.staff_id, id.vacancy_id)
            })
            .into_iter()
            .collect();
        let listed = merged(&live, &stored, &snapshot, matcher::vacancy_order)?;
        let Some(shown) = listed.first() else {
            return Err(NOT_FOUND);
        };
        let history = match shown.stored {
            Some(row) => self.history(row.id).await?,
            None => Vec::new(),
        };
        let savings = match shown.stored {
            Some(row) if actor.may_manage_trust(person.trust_id) => {
                self.savings_of_pair(row.id).await?
            }
            _ => None,
        };
        let explanation = explain_page(self, &snapshot, &listed[..1])
            .await?
            .pop()
            .ok_or(NOT_FOUND)?;
        self.audit_read(actor, "match", id, None).await?;
        let catalogue = self.catalogue_held();
        let status = shown.status();
        let your_moves = domain::MatchStatus::from_code(&status)
            .map(|from| {
                let parties =
                    crate::workflow::parties_of(actor, person.trust_id, id.staff_id, post.trust_id);
                let mut moves: Vec<String> = parties
                    .moves_from(from)
                    .into_iter()
                    .map(|to| to.code().to_owned())
                    .collect();
                // A decline is judged by the staff member's HR team as a move to the same
                // status with a judgement (and judged again to correct it).
                if from == domain::MatchStatus::DeclinedByStaff
                    && parties.may_act_as(domain::Mover::StaffHr)
                {
                    moves.push(from.code().to_owned());
                }
                // A trial is extended as a move to `trial` again, as often as allowed.
                let extensions = history
                    .iter()
                    .filter(|h| h.from == "trial" && h.to == "trial")
                    .count();
                if from == domain::MatchStatus::Trial
                    && parties.may_act_as(domain::Mover::VacancyHr)
                    && extensions < self.settings().workflow.trial_extensions as usize
                {
                    moves.insert(0, from.code().to_owned());
                }
                moves
            })
            .unwrap_or_default();
        Ok(MatchDetail {
            match_id: id.to_string(),
            staff_id: id.staff_id,
            vacancy_id: id.vacancy_id,
            staff: CandidateStaff {
                id: id.staff_id,
                name: person.name.clone(),
                band: person.band.clone(),
                trust: catalogue.trust_code(person.trust_id),
            },
            vacancy: MatchedVacancy {
                id: id.vacancy_id,
                title: post.title.clone(),
                band: post.band.clone(),
                trust: catalogue.trust_code(post.trust_id),
                site: SiteRef::new(&catalogue, post.site_id),
            },
            status,
            your_moves,
            score: shown.pair.score.get(),
            exact_match: shown.pair.exact_match,
            explanation,
            history,
            savings,
            decline_judgement: shown
                .stored
                .filter(|_| sees_person)
                .and_then(|row| row.decline_judgement.clone()),
        })
    }

    /// The moves of the stored pair `row_id`, oldest first.
    async fn history(&self, row_id: i32) -> Result<Vec<HistoryEntry>> {
        let moves = match_transition::Entity::find()
            .filter(match_transition::Column::MatchId.eq(row_id))
            .order_by_asc(match_transition::Column::At)
            .order_by_asc(match_transition::Column::Id)
            .all(self.db())
            .await?;
        let by_ids: HashSet<i32> = moves.iter().filter_map(|m| m.by_user_id).collect();
        let emails: HashMap<i32, String> = if by_ids.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find()
                .filter(user::Column::Id.is_in(by_ids))
                .all(self.db())
                .await?
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect()
        };
        Ok(moves
            .into_iter()
            .map(|m| HistoryEntry {
                from: m.from_status,
                to: m.to_status,
                by: m.by_user_id.and_then(|u| emails.get(&u).cloned()),
                at: m.at,
                reason: m.reason,
            })
            .collect())
    }

    /// Every hard rule that keeps a staff member and a vacancy apart, for whoever may read the
    /// staff member's record.
    pub async fn why_not(&self, actor: &Actor, staff_id: i32, vacancy_id: i32) -> Result<WhyNot> {
        let person = staff::Entity::find_by_id(staff_id)
            .one(self.db())
            .await?
            .ok_or(Error::NotFound("staff record"))?;
        if !actor.may_read_staff(person.trust_id, person.id)? {
            return Err(Error::NotFound("staff record"));
        }
        if vacancy::Entity::find_by_id(vacancy_id)
            .one(self.db())
            .await?
            .is_none()
        {
            return Err(Error::NotFound("vacancy"));
        }
        let today = crate::today();
        let staff_profile = matching::staff_profiles(self.db(), Selection::Ids(&[staff_id]))
            .await?
            .pop()
            .ok_or(Error::NotFound("staff record"))?;
        let vacancy_profile =
            matching::vacancy_profiles(self.db(), Selection::Ids(&[vacancy_id]), today)
                .await?
                .pop()
                .ok_or(Error::NotFound("vacancy"))?;
        let exclusions: Exclusions = matching::exclusions(self.db(), &[staff_id], &[])
            .await?
            .into_iter()
            .filter(|((_, v), _)| *v == i64::from(vacancy_id))
            .collect();
        let policy: &MatchPolicy = &self.settings().matching;
        let context = RankContext {
            policy,
            today,
            exclusions: &exclusions,
        };
        let failures = context.why_not(&staff_profile, &vacancy_profile);
        self.audit_read(
            actor,
            "staff",
            staff_id,
            Some(format!("why not vacancy {vacancy_id}")),
        )
        .await?;
        let reasons = failures
            .iter()
            .map(|f| Reason {
                rule: serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
                    .unwrap_or_default(),
                message: f.to_string(),
            })
            .collect::<Vec<_>>();
        Ok(WhyNot {
            staff_id,
            vacancy_id,
            eligible: reasons.is_empty(),
            reasons,
            travel_minutes: policy
                .travel
                .minutes(staff_profile.position, vacancy_profile.position),
            location_basis: serialized_code(&staff_profile.location_basis),
        })
    }
}

/// The code a unit enum variant serialises as (`home_district`).
fn serialized_code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
