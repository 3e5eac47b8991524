//! Matching, as people ask about it: a staff member's matches best first, a vacancy's
//! candidates in the DESIGN §2 order, and every hard rule that keeps a pair apart.
//!
//! Lists are read from the `matches` table, which `match_sync` keeps current; a suggestion whose
//! vacancy has closed since is left out. The explanation's skill names come from the pair's
//! skills as they are now. Every read is audited.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use matcher::{Exclusions, MatchPolicy, RankContext};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::catalogue::SiteRef;
use crate::entities::{match_record, skill, staff, staff_skill, vacancy, vacancy_skill};
use crate::error::{Error, Result};
use crate::match_sync::StoredExplanation;
use crate::matching::{self, Selection};
use crate::paging::{PageRequest, Paged};

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
    pub match_id: i32,
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
    pub match_id: i32,
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

/// Skill names for explanations: what each vacancy wants and each staff member holds.
struct SkillsOnPage {
    essential: HashMap<i32, Vec<i32>>,
    desirable: HashMap<i32, Vec<i32>>,
    held: HashMap<i32, HashSet<i32>>,
    names: HashMap<i32, String>,
}

impl SkillsOnPage {
    async fn load(
        db: &impl ConnectionTrait,
        staff_ids: &[i32],
        vacancy_ids: &[i32],
    ) -> Result<SkillsOnPage, sea_orm::DbErr> {
        let wanted = vacancy_skill::Entity::find()
            .filter(vacancy_skill::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
            .all(db)
            .await?;
        let holding = staff_skill::Entity::find()
            .filter(staff_skill::Column::StaffId.is_in(staff_ids.iter().copied()))
            .all(db)
            .await?;
        let mut page = SkillsOnPage {
            essential: HashMap::new(),
            desirable: HashMap::new(),
            held: HashMap::new(),
            names: HashMap::new(),
        };
        let ids: HashSet<i32> = wanted.iter().map(|w| w.skill_id).collect();
        for w in wanted {
            let list = if w.essential {
                &mut page.essential
            } else {
                &mut page.desirable
            };
            list.entry(w.vacancy_id).or_default().push(w.skill_id);
        }
        for h in holding {
            page.held.entry(h.staff_id).or_default().insert(h.skill_id);
        }
        page.names = skill::Entity::find()
            .filter(skill::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        Ok(page)
    }

    /// The names of `vacancy`'s skills of one kind that `staff` holds (or does not).
    fn names(
        &self,
        of: &HashMap<i32, Vec<i32>>,
        vacancy: i32,
        staff: i32,
        held: bool,
    ) -> Vec<String> {
        let holds = self.held.get(&staff);
        let mut names: Vec<String> = of
            .get(&vacancy)
            .into_iter()
            .flatten()
            .filter(|id| holds.is_some_and(|h| h.contains(id)) == held)
            .filter_map(|id| self.names.get(id).cloned())
            .collect();
        names.sort();
        names
    }

    fn explain(&self, row: &match_record::Model) -> Result<Explanation> {
        let StoredExplanation(points, travel_minutes, band_drop, location_basis) =
            StoredExplanation::parse(&row.explanation).ok_or_else(|| {
                Error::unreadable_row("matches", row.id, "the explanation is not one")
            })?;
        let points = points.map(|hundredths| f64::from(hundredths) / 100.0);
        let points = Points {
            essential_skills: points[0],
            desirable_skills: points[1],
            band: points[2],
            travel: points[3],
            hours: points[4],
            staff_group: points[5],
        };
        Ok(Explanation {
            points,
            matched_skills: self.names(&self.essential, row.vacancy_id, row.staff_id, true),
            missing_skills: self.names(&self.essential, row.vacancy_id, row.staff_id, false),
            matched_desirable_skills: self.names(
                &self.desirable,
                row.vacancy_id,
                row.staff_id,
                true,
            ),
            travel_minutes,
            band_drop,
            location_basis,
            still_eligible: row.eligible,
        })
    }
}

/// Pairs worth showing: any a person has acted on, and suggestions whose vacancy is still open.
fn worth_showing(today: NaiveDate) -> Condition {
    let open_vacancies = Query::select()
        .column(vacancy::Column::Id)
        .from(vacancy::Entity)
        .and_where(vacancy::Column::Status.eq(domain::VacancyStatus::Open.code()))
        .and_where(vacancy::Column::ClosingDate.gte(today))
        .to_owned();
    Condition::any()
        .add(match_record::Column::Status.ne(domain::MatchStatus::Suggested.code()))
        .add(match_record::Column::VacancyId.in_subquery(open_vacancies))
}

impl Store {
    /// The vacancies a staff member matches, best first, for whoever may read their record.
    pub async fn staff_matches(
        &self,
        actor: &Actor,
        staff_id: i32,
        request: PageRequest,
    ) -> Result<Paged<StaffMatch>> {
        let person = staff::Entity::find_by_id(staff_id)
            .one(self.db())
            .await?
            .ok_or(Error::NotFound("staff record"))?;
        if !actor.may_read_staff(person.trust_id, person.id)? {
            return Err(Error::NotFound("staff record"));
        }
        let today = Utc::now().date_naive();
        let listed = match_record::Entity::find()
            .filter(match_record::Column::StaffId.eq(staff_id))
            .filter(worth_showing(today));
        let total = listed.clone().count(self.db()).await?;
        let rows = listed
            .order_by_desc(match_record::Column::Score)
            .order_by_desc(match_record::Column::ExactMatch)
            .order_by_asc(match_record::Column::VacancyId)
            .offset(request.offset())
            .limit(request.per_page)
            .all(self.db())
            .await?;
        let vacancy_ids: Vec<i32> = rows.iter().map(|r| r.vacancy_id).collect();
        let posts: HashMap<i32, vacancy::Model> = vacancy::Entity::find()
            .filter(vacancy::Column::Id.is_in(vacancy_ids.iter().copied()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let skills = SkillsOnPage::load(self.db(), &[staff_id], &vacancy_ids).await?;
        let catalogue = self.catalogue();
        audit::record(
            self.db(),
            &actor.audit(),
            "read",
            "staff",
            Some(staff_id.to_string()),
            Some("matches".to_owned()),
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(post) = posts.get(&row.vacancy_id) else {
                continue;
            };
            items.push(StaffMatch {
                match_id: row.id,
                vacancy: MatchedVacancy {
                    id: post.id,
                    title: post.title.clone(),
                    band: post.band.clone(),
                    trust: catalogue.trust_code(post.trust_id),
                    site: SiteRef::new(&catalogue, post.site_id),
                },
                score: row.score,
                exact_match: row.exact_match,
                status: row.status.clone(),
                explanation: skills.explain(row)?,
            });
        }
        Ok(Paged::new(items, request, total))
    }

    /// A vacancy's candidates in the DESIGN §2 order, for the HR team of its trust and admin.
    pub async fn vacancy_candidates(
        &self,
        actor: &Actor,
        vacancy_id: i32,
        request: PageRequest,
    ) -> Result<Paged<Candidate>> {
        let post = vacancy::Entity::find_by_id(vacancy_id)
            .one(self.db())
            .await?
            .ok_or(Error::NotFound("vacancy"))?;
        if !actor.may_read_vacancy(post.trust_id, &post.status)? {
            return Err(Error::NotFound("vacancy"));
        }
        if !actor.may_see_candidates(post.trust_id) {
            return Err(Error::Forbidden(
                "a vacancy's candidates are for the HR team of the vacancy's trust".to_owned(),
            ));
        }
        let today = Utc::now().date_naive();
        let to_staff = match_record::Entity::belongs_to(staff::Entity)
            .from(match_record::Column::StaffId)
            .to(staff::Column::Id)
            .into();
        let listed = match_record::Entity::find()
            .join(JoinType::InnerJoin, to_staff)
            .filter(match_record::Column::VacancyId.eq(vacancy_id))
            .filter(worth_showing(today));
        let total = listed.clone().count(self.db()).await?;
        let rows = listed
            .order_by_asc(staff::Column::PriorityTier)
            .order_by_desc(match_record::Column::ExactMatch)
            .order_by_desc(match_record::Column::Score)
            .order_by_asc(staff::Column::RedeploymentPeriodEnds)
            .order_by_asc(match_record::Column::StaffId)
            .offset(request.offset())
            .limit(request.per_page)
            .all(self.db())
            .await?;
        let staff_ids: Vec<i32> = rows.iter().map(|r| r.staff_id).collect();
        let people: HashMap<i32, staff::Model> = staff::Entity::find()
            .filter(staff::Column::Id.is_in(staff_ids.iter().copied()))
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let skills = SkillsOnPage::load(self.db(), &staff_ids, &[vacancy_id]).await?;
        let catalogue = self.catalogue();
        audit::record(
            self.db(),
            &actor.audit(),
            "read",
            "vacancy",
            Some(vacancy_id.to_string()),
            Some(format!("candidates: staff {staff_ids:?}")),
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(person) = people.get(&row.staff_id) else {
                continue;
            };
            items.push(Candidate {
                match_id: row.id,
                staff: CandidateStaff {
                    id: person.id,
                    name: person.name.clone(),
                    band: person.band.clone(),
                    trust: catalogue.trust_code(person.trust_id),
                },
                score: row.score,
                exact_match: row.exact_match,
                priority_tier: person.priority_tier,
                status: row.status.clone(),
                explanation: skills.explain(row)?,
            });
        }
        Ok(Paged::new(items, request, total))
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
        let today = Utc::now().date_naive();
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
        audit::record(
            self.db(),
            &actor.audit(),
            "read",
            "staff",
            Some(staff_id.to_string()),
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
