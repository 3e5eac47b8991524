//! Invitations: HR invites a registered staff member by email; the link lets them set a
//! password, which signs them in to complete their profile.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::error::documented::{BadRequest, Conflict, Forbidden, Invalid, NotFound, NotSignedIn};
use crate::extract::{ApiJson, ApiPath};
use crate::routes::session::{RequestOrigin, signed_in_response};
use crate::routes::shapes::created;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/invite", tag = "staff", security(("bearer" = [])),
    params(("id" = i32, Path, description = "Staff record id")),
    responses((status = 201, description = "The invitation email is queued", body = InvitationSent),
        BadRequest, NotSignedIn, Forbidden, NotFound, Conflict))]
/// Invites the staff member of record `id` to set up their account, by email.
pub async fn invite_staff(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<Response> {
    let sent = state.store.invite_staff(&actor, id).await?;
    Ok(created(
        format!("/api/v1/staff/{id}"),
        InvitationSent {
            email: sent.email,
            expires_at: sent.expires_at,
        },
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub email: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/invitations/{token}", tag = "session",
    params(("token" = String, Path, description = "The token from the invitation link")),
    responses((status = 200, description = "Who the invitation is for", body = InvitationView),
        NotFound, Conflict))]
/// Who an invitation is for, so that the page can greet them before they choose a password.
pub async fn get_invitation(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> AppResult<axum::Json<InvitationView>> {
    let found = state.store.invitation_for(&token).await?;
    Ok(axum::Json(InvitationView {
        email: found.email,
        name: found.name,
        expires_at: found.expires_at,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/invitations/{token}", tag = "session",
    params(("token" = String, Path, description = "The token from the invitation link")),
    request_body = AcceptInvitation,
    responses((status = 201, description = "Password set and signed in", body = crate::routes::session::SignInResponse),
        BadRequest, NotFound, Conflict, Invalid))]
/// Sets the password, uses up the invitation and signs the person in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    origin: RequestOrigin,
    ApiJson(request): ApiJson<AcceptInvitation>,
) -> AppResult<Response> {
    let signed_in = state
        .store
        .accept_invitation(&token, &request.password, origin.ip)
        .await?;
    Ok(signed_in_response(&state, signed_in))
}
