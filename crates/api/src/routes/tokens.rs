//! `/api/v1/tokens`: API tokens with which a trust's own systems call the API as the account
//! that made them. A token is shown once, when made; only its hash is kept; it can be revoked.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::Actor;
use crate::entities::api_token;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::{ApiJson, ApiQuery};
use crate::paging::{PageRequest, Paged};
use crate::routes::shapes::created;
use crate::server::AppState;
use crate::tokens::{TokenKind, new_token, token_hash};

/// The longest a token may live.
const MAX_DAYS: i64 = 730;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "ESR nightly export".
    pub name: String,
    /// Days until it stops working (default 365, at most 730).
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenEntry {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub entry: TokenEntry,
    /// The token itself, shown this once: keep it somewhere safe.
    pub token: String,
}

fn entry(t: api_token::Model) -> TokenEntry {
    TokenEntry {
        id: t.id,
        name: t.name,
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
    }
}
#[utoipa::path(post, path = "/api/v1/tokens", tag = "session", security(("bearer" = [])), request_body = NewToken, responses((status = 201, description = "The token, shown this once", body = CreatedToken), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]

pub async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<NewToken>,
) -> AppResult<Response> {
    actor.require_role(
        &[Role::TrustHr, Role::Admin],
        "Making API tokens for a trust's systems",
    )?;
    let mut errors = Vec::new();
    let name = request
        .name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "name",
            "give the token a name of 1 to 100 characters, e.g. \"ESR nightly export\"",
        ));
    }
    let days = request.expires_in_days.unwrap_or(365);
    if !(1..=MAX_DAYS).contains(&days) {
        errors.push(FieldError::new(
            "expires_in_days",
            format!("give from 1 to {MAX_DAYS} days"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let token = new_token(TokenKind::ApiToken)?;
    let now = Utc::now();
    let stored = api_token::ActiveModel {
        token_hash: Set(token_hash(&token)),
        name: Set(name),
        user_id: Set(actor.user_id),
        created_at: Set(now),
        expires_at: Set(Some(now + Duration::days(days))),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    audit::record(
        &state.db,
        &actor.audit(),
        "create",
        "api_token",
        Some(stored.id.to_string()),
        None,
    )
    .await?;
    let id = stored.id;
    Ok(created(
        format!("/api/v1/tokens/{id}"),
        CreatedToken {
            entry: entry(stored),
            token,
        },
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TokenListQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "session", security(("bearer" = [])), params(TokenListQuery), responses((status = 200, description = "Your API tokens", body = Paged<TokenEntry>), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]
/// The caller's own tokens, newest first (never the tokens themselves).
pub async fn list_tokens(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<TokenListQuery>,
) -> AppResult<axum::Json<Paged<TokenEntry>>> {
    let page = PageRequest::new(query.page, query.per_page)?;
    let mine = api_token::Entity::find().filter(api_token::Column::UserId.eq(actor.user_id));
    let total = mine.clone().count(&state.db).await?;
    let rows = mine
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&state.db)
        .await?;
    Ok(axum::Json(Paged::new(
        rows.into_iter().map(entry).collect(),
        page,
        total,
    )))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "session", security(("bearer" = [])), params(("id" = i32, Path, description = "Token id")), responses((status = 204, description = "Revoked"), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem)))]
/// Revokes a token at once. Administrators may revoke anyone's.
pub async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let token = api_token::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|t| t.user_id == actor.user_id || actor.role == Role::Admin)
        .ok_or(AppError::NotFound("API token"))?;
    if token.revoked_at.is_none() {
        let mut revoked = token.into_active_model();
        revoked.revoked_at = Set(Some(Utc::now()));
        revoked.update(&state.db).await?;
        audit::record(
            &state.db,
            &actor.audit(),
            "revoke",
            "api_token",
            Some(id.to_string()),
            None,
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
