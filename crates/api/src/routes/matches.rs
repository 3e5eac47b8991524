//! Matching, as people ask about it: a staff member's matches best first
//! (`GET /api/v1/staff/{id}/matches`), a vacancy's candidates in the DESIGN §2 order
//! (`GET /api/v1/vacancies/{id}/candidates`), and every hard rule that keeps a pair apart
//! (`GET /api/v1/staff/{id}/why-not/{vacancy_id}`).
//!
//! Lists are read from the `matches` table, which `match_sync` keeps current; a suggestion whose
//! vacancy has closed since is left out. The explanation's skill names come from the pair's
//! skills as they are now.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use chrono::{NaiveDate, Utc};
use matcher::{Exclusions, MatchPolicy, RankContext};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::Actor;
use crate::catalogue::Catalogue;
use crate::entities::{match_record, skill, staff, staff_skill, vacancy, vacancy_skill};
use crate::error::{AppError, AppResult};
use crate::extract::ApiQuery;
use crate::match_sync::StoredExplanation;
use crate::matching::{self, Selection};
use crate::paging::{PageRequest, Paged};
use crate::routes::shapes::{SiteRef, trust_code};
use crate::server::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Points each component earned (out of the weights in `[matching.weights]`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointsShape {
    pub essential_skills: f64,
    pub desirable_skills: f64,
    pub band: f64,
    pub travel: f64,
    pub hours: f64,
    pub staff_group: f64,
}

/// Why a pair scored what it did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExplanationShape {
    pub points: PointsShape,
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
pub struct VacancySummary {
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
    pub vacancy: VacancySummary,
    /// 0–100.
    pub score: f64,
    pub exact_match: bool,
    /// Where the pairing has got to: suggested, interested, shortlisted, …
    pub status: String,
    pub explanation: ExplanationShape,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffSummary {
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
    pub staff: StaffSummary,
    /// 0–100.
    pub score: f64,
    pub exact_match: bool,
    /// 1 organisational change, 2 health or capability, 3 end of a fixed-term contract, 4 other.
    pub priority_tier: i16,
    pub status: String,
    pub explanation: ExplanationShape,
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
        state: &AppState,
        staff_ids: &[i32],
        vacancy_ids: &[i32],
    ) -> Result<SkillsOnPage, sea_orm::DbErr> {
        let wanted = vacancy_skill::Entity::find()
            .filter(vacancy_skill::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
            .all(&state.db)
            .await?;
        let holding = staff_skill::Entity::find()
            .filter(staff_skill::Column::StaffId.is_in(staff_ids.iter().copied()))
            .all(&state.db)
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
            .all(&state.db)
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

    fn explain(&self, row: &match_record::Model) -> ExplanationShape {
        let StoredExplanation(points, travel_minutes, band_drop, location_basis) =
            StoredExplanation::parse(&row.explanation).unwrap_or(StoredExplanation(
                [0; 6],
                0,
                0,
                String::new(),
            ));
        let points = points.map(|hundredths| f64::from(hundredths) / 100.0);
        let points = PointsShape {
            essential_skills: points[0],
            desirable_skills: points[1],
            band: points[2],
            travel: points[3],
            hours: points[4],
            staff_group: points[5],
        };
        ExplanationShape {
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
        }
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

#[utoipa::path(
    get,
    path = "/api/v1/staff/{id}/matches",
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id"), PageQuery),
    responses(
        (status = 200, description = "The staff member's matches, best first", body = Paged<StaffMatch>),
        (status = 401, description = "Not signed in", body = crate::error::Problem),
        (status = 403, description = "This role may not do this", body = crate::error::Problem),
        (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem),
        (status = 422, description = "A paging value needs correcting", body = crate::error::Problem)
    )
)]
pub async fn staff_matches(
    State(state): State<AppState>,
    actor: Actor,
    Path(staff_id): Path<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> AppResult<axum::Json<Paged<StaffMatch>>> {
    let request = PageRequest::new(query.page, query.per_page)?;
    let person = staff::Entity::find_by_id(staff_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    if !actor.may_read_staff(person.trust_id, person.id)? {
        return Err(AppError::NotFound("staff record"));
    }
    let today = Utc::now().date_naive();
    let listed = match_record::Entity::find()
        .filter(match_record::Column::StaffId.eq(staff_id))
        .filter(worth_showing(today));
    let total = listed.clone().count(&state.db).await?;
    let rows = listed
        .order_by_desc(match_record::Column::Score)
        .order_by_desc(match_record::Column::ExactMatch)
        .order_by_asc(match_record::Column::VacancyId)
        .offset(request.offset())
        .limit(request.per_page)
        .all(&state.db)
        .await?;
    let vacancy_ids: Vec<i32> = rows.iter().map(|r| r.vacancy_id).collect();
    let posts: HashMap<i32, vacancy::Model> = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(vacancy_ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let skills = SkillsOnPage::load(&state, &[staff_id], &vacancy_ids).await?;
    let catalogue = Catalogue::load(&state.db).await?;
    audit::record(
        &state.db,
        &actor.audit(),
        "read",
        "staff",
        Some(staff_id.to_string()),
        Some("matches".to_owned()),
    )
    .await?;
    let items = rows
        .iter()
        .filter_map(|row| {
            let post = posts.get(&row.vacancy_id)?;
            Some(StaffMatch {
                match_id: row.id,
                vacancy: VacancySummary {
                    id: post.id,
                    title: post.title.clone(),
                    band: post.band.clone(),
                    trust: trust_code(&catalogue, post.trust_id),
                    site: SiteRef::new(&catalogue, post.site_id),
                },
                score: row.score,
                exact_match: row.exact_match,
                status: row.status.clone(),
                explanation: skills.explain(row),
            })
        })
        .collect();
    Ok(axum::Json(Paged::new(items, request, total)))
}

#[utoipa::path(
    get,
    path = "/api/v1/vacancies/{id}/candidates",
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Vacancy id"), PageQuery),
    responses(
        (status = 200, description = "The vacancy's candidates: priority tier, then exact match, then score, then fewest days left", body = Paged<Candidate>),
        (status = 401, description = "Not signed in", body = crate::error::Problem),
        (status = 403, description = "This role may not do this", body = crate::error::Problem),
        (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem),
        (status = 422, description = "A paging value needs correcting", body = crate::error::Problem)
    )
)]
pub async fn vacancy_candidates(
    State(state): State<AppState>,
    actor: Actor,
    Path(vacancy_id): Path<i32>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> AppResult<axum::Json<Paged<Candidate>>> {
    let request = PageRequest::new(query.page, query.per_page)?;
    let post = vacancy::Entity::find_by_id(vacancy_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    if !actor.may_read_vacancy(post.trust_id, &post.status)? {
        return Err(AppError::NotFound("vacancy"));
    }
    if !actor.may_manage_trust(post.trust_id) {
        return Err(AppError::Forbidden(
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
    let total = listed.clone().count(&state.db).await?;
    let rows = listed
        .order_by_asc(staff::Column::PriorityTier)
        .order_by_desc(match_record::Column::ExactMatch)
        .order_by_desc(match_record::Column::Score)
        .order_by_asc(staff::Column::RedeploymentPeriodEnds)
        .order_by_asc(match_record::Column::StaffId)
        .offset(request.offset())
        .limit(request.per_page)
        .all(&state.db)
        .await?;
    let staff_ids: Vec<i32> = rows.iter().map(|r| r.staff_id).collect();
    let people: HashMap<i32, staff::Model> = staff::Entity::find()
        .filter(staff::Column::Id.is_in(staff_ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let skills = SkillsOnPage::load(&state, &staff_ids, &[vacancy_id]).await?;
    let catalogue = Catalogue::load(&state.db).await?;
    audit::record(
        &state.db,
        &actor.audit(),
        "read",
        "vacancy",
        Some(vacancy_id.to_string()),
        Some(format!("candidates: staff {staff_ids:?}")),
    )
    .await?;
    let items = rows
        .iter()
        .filter_map(|row| {
            let person = people.get(&row.staff_id)?;
            Some(Candidate {
                match_id: row.id,
                staff: StaffSummary {
                    id: person.id,
                    name: person.name.clone(),
                    band: person.band.clone(),
                    trust: trust_code(&catalogue, person.trust_id),
                },
                score: row.score,
                exact_match: row.exact_match,
                priority_tier: person.priority_tier,
                status: row.status.clone(),
                explanation: skills.explain(row),
            })
        })
        .collect();
    Ok(axum::Json(Paged::new(items, request, total)))
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

#[utoipa::path(
    get,
    path = "/api/v1/staff/{id}/why-not/{vacancy_id}",
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id"), ("vacancy_id" = i32, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "Every rule the pair fails (none when it may match)", body = WhyNot),
        (status = 401, description = "Not signed in", body = crate::error::Problem),
        (status = 403, description = "This role may not do this", body = crate::error::Problem),
        (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem)
    )
)]
pub async fn why_not(
    State(state): State<AppState>,
    actor: Actor,
    Path((staff_id, vacancy_id)): Path<(i32, i32)>,
) -> AppResult<axum::Json<WhyNot>> {
    let person = staff::Entity::find_by_id(staff_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    if !actor.may_read_staff(person.trust_id, person.id)? {
        return Err(AppError::NotFound("staff record"));
    }
    if vacancy::Entity::find_by_id(vacancy_id)
        .one(&state.db)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("vacancy"));
    }
    let today = Utc::now().date_naive();
    let staff_profile = matching::staff_profiles(&state.db, Selection::Ids(&[staff_id]))
        .await?
        .pop()
        .ok_or(AppError::NotFound("staff record"))?;
    let vacancy_profile =
        matching::vacancy_profiles(&state.db, Selection::Ids(&[vacancy_id]), today)
            .await?
            .pop()
            .ok_or(AppError::NotFound("vacancy"))?;
    let exclusions: Exclusions = matching::exclusions(&state.db, &[staff_id], &[])
        .await?
        .into_iter()
        .filter(|((_, v), _)| *v == i64::from(vacancy_id))
        .collect();
    let policy: &MatchPolicy = &state.settings.matching;
    let context = RankContext {
        policy,
        today,
        exclusions: &exclusions,
    };
    let failures = context.why_not(&staff_profile, &vacancy_profile);
    audit::record(
        &state.db,
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
    Ok(axum::Json(WhyNot {
        staff_id,
        vacancy_id,
        eligible: reasons.is_empty(),
        reasons,
        travel_minutes: policy
            .travel
            .minutes(staff_profile.position, vacancy_profile.position),
        location_basis: serialized_code(&staff_profile.location_basis),
    }))
}

/// The code a unit enum variant serialises as (`home_district`).
fn serialized_code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
