//! `/api/v1/tokens`: API tokens with which a trust's own systems call the API as the account
//! that made them. A token is shown once, when made; only its hash is kept; it can be revoked.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::Paged;
use store::api_tokens::TokenEntry as StoredToken;

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Forbidden, Invalid, NotFound, NotSignedIn};
use crate::extract::{ApiJson, ApiPath, ApiQuery, PageQuery};
use crate::routes::shapes::created;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "ESR nightly export".
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Days until it stops working (default 365, at most 730).
    #[serde(default, deserialize_with = "store::lenient::integer")]
    #[schema(minimum = 1, maximum = 730)]
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

fn entry(t: StoredToken) -> TokenEntry {
    TokenEntry {
        id: t.id,
        name: t.name,
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
    }
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "session", security(("bearer" = [])), request_body = NewToken,
    responses((status = 201, description = "The token, shown this once", body = CreatedToken),
        BadRequest, NotSignedIn, Forbidden, Invalid))]
/// Makes an API token acting as your account.
pub async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(request): ApiJson<NewToken>,
) -> AppResult<Response> {
    let (stored, token) = state
        .store
        .create_api_token(&actor, &request.name, request.expires_in_days)
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

#[utoipa::path(get, path = "/api/v1/tokens", tag = "session", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, description = "Your API tokens", body = Paged<TokenEntry>),
        BadRequest, NotSignedIn, Invalid))]
/// Your own tokens, newest first (never the tokens themselves).
pub async fn list_tokens(
    State(state): State<AppState>,
    actor: Actor,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> AppResult<axum::Json<Paged<TokenEntry>>> {
    let found = state
        .store
        .list_api_tokens(&actor, query.checked()?)
        .await?;
    Ok(axum::Json(found.map(entry)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "session", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), BadRequest, NotSignedIn, NotFound))]
/// Revokes a token at once. Administrators may revoke anyone's.
pub async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<Response> {
    state.store.revoke_api_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
