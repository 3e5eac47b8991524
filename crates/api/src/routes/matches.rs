//! Matching, as people ask about it. `GET /api/v1/staff/{id}/why-not/{vacancy_id}`: every hard
//! rule that keeps a staff member and a vacancy apart, in words.

use axum::extract::{Path, State};
use chrono::Utc;
use matcher::{MatchPolicy, RankContext, SkillInterner};
use serde::Serialize;

use crate::audit;
use crate::auth::Actor;
use crate::entities::{staff, vacancy};
use crate::error::{AppError, AppResult};
use crate::matching;
use crate::server::AppState;
use sea_orm::EntityTrait;

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
    let post = vacancy::Entity::find_by_id(vacancy_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    let today = Utc::now().date_naive();
    let mut interner = SkillInterner::default();
    let staff_profile = matching::staff_profile(&state.db, &person, &mut interner).await?;
    let vacancy_profile = matching::vacancy_profile(&state.db, &post, today, &mut interner).await?;
    let mut exclusions = matcher::Exclusions::new();
    if let Some(found) = matching::exclusion(&state.db, staff_id, vacancy_id).await? {
        exclusions.insert((i64::from(staff_id), i64::from(vacancy_id)), found);
    }
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
