//! Invitations: HR registers an at-risk staff member, then invites them; the email carries a
//! one-time link with which they set a password and are signed in to complete their profile.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::auth::{self, Actor};
use crate::catalogue::Catalogue;
use crate::entities::{invitation, user};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::outbox;
use crate::passwords::hash_password;
use crate::routes::session::{RequestOrigin, signed_in_response};
use crate::routes::shapes::created;
use crate::server::AppState;
use crate::staff::store;
use crate::tokens::{TokenKind, new_token, token_hash};
use crate::users::check_password;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/invite", tag = "staff", security(("bearer" = [])), params(("id" = i32, Path, description = "Staff record id")), responses((status = 201, description = "The invitation email is queued", body = InvitationSent), (status = 401, description = "Not signed in", body = crate::error::Problem), (status = 403, description = "This role may not do this", body = crate::error::Problem), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem)))]
/// Invites the staff member of record `id` to set up their account, by email.
pub async fn invite_staff(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    actor.require_role(&[Role::TrustHr, Role::Admin], "Inviting staff")?;
    let record = store::load(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("staff record"))?;
    if !actor.may_manage_trust(record.row.trust_id) {
        return Err(AppError::NotFound("staff record"));
    }
    let email = record.row.email.to_lowercase();
    let catalogue = Catalogue::load(&state.db).await?;
    let trust_name = catalogue
        .trust(record.row.trust_id)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let account = match user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?
    {
        Some(existing) if existing.staff_id != Some(id) => {
            return Err(AppError::Conflict(format!(
                "{email} already belongs to another account; correct the staff member's email first"
            )));
        }
        Some(existing) if existing.password_hash.is_some() => {
            return Err(AppError::Conflict(format!(
                "{email} has already set up their account and can sign in"
            )));
        }
        Some(existing) => existing,
        None => {
            user::ActiveModel {
                email: Set(email.clone()),
                password_hash: Set(None),
                role: Set(Role::Staff.code().to_owned()),
                trust_id: Set(Some(record.row.trust_id)),
                staff_id: Set(Some(id)),
                display_name: Set(record.row.name.clone()),
                disabled: Set(false),
                failed_sign_ins: Set(0),
                locked_until: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    // A new invitation replaces any earlier one that was not used.
    invitation::Entity::delete_many()
        .filter(invitation::Column::UserId.eq(account.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let token = new_token(TokenKind::Invitation)?;
    let expires_at = now + Duration::days(i64::from(state.settings.auth.invitation_days));
    invitation::Entity::insert(invitation::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    let link = format!(
        "{}/invitations/{token}",
        state.settings.server.public_url.trim_end_matches('/')
    );
    let message = notifier::message::invitation(
        &email,
        &record.row.name,
        &trust_name,
        &link,
        &expires_at.format("%-d %B %Y").to_string(),
    );
    outbox::enqueue(&txn, "invitation", &message, None).await?;
    audit::record(
        &txn,
        &actor.audit(),
        "invite",
        "staff",
        Some(id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(created(
        format!("/api/v1/staff/{id}"),
        InvitationSent { email, expires_at },
    ))
}

/// The invitation a token opens, if it can still be used.
async fn usable(state: &AppState, token: &str) -> AppResult<(invitation::Model, user::Model)> {
    let not_valid = || AppError::NotFound("invitation");
    if TokenKind::of(token) != Some(TokenKind::Invitation) {
        return Err(not_valid());
    }
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash(token)))
        .one(&state.db)
        .await?
        .ok_or_else(not_valid)?;
    if found.used_at.is_some() {
        return Err(AppError::Conflict(
            "this invitation has already been used: sign in with your email address and password"
                .to_owned(),
        ));
    }
    if found.expires_at <= Utc::now() {
        return Err(AppError::Conflict(format!(
            "this invitation expired on {}: ask your HR team to send a new one",
            found.expires_at.format("%-d %B %Y")
        )));
    }
    let account = user::Entity::find_by_id(found.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_valid)?;
    Ok((found, account))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub email: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/invitations/{token}", tag = "session", params(("token" = String, Path, description = "The token from the invitation link")), responses((status = 200, description = "Who the invitation is for", body = InvitationView), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem)))]
/// Who an invitation is for, so that the page can greet them before they choose a password.
pub async fn get_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<axum::Json<InvitationView>> {
    let (found, account) = usable(&state, &token).await?;
    Ok(axum::Json(InvitationView {
        email: account.email,
        name: account.display_name,
        expires_at: found.expires_at,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub password: String,
}

#[utoipa::path(post, path = "/api/v1/invitations/{token}", tag = "session", params(("token" = String, Path, description = "The token from the invitation link")), request_body = AcceptInvitation, responses((status = 201, description = "Password set and signed in", body = crate::routes::session::SignInResponse), (status = 404, description = "Not found, or outside your reach", body = crate::error::Problem), (status = 409, description = "Conflicts with what is recorded", body = crate::error::Problem), (status = 422, description = "Some fields need correcting", body = crate::error::Problem)))]
/// Sets the password, uses up the invitation and signs the person in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    origin: RequestOrigin,
    ApiJson(request): ApiJson<AcceptInvitation>,
) -> AppResult<Response> {
    let (found, account) = usable(&state, &token).await?;
    check_password(&request.password).map_err(|e| AppError::Invalid(vec![e]))?;
    let hash = hash_password(&request.password).map_err(|e| AppError::Internal(e.into()))?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let mut used = found.into_active_model();
    used.used_at = Set(Some(now));
    used.update(&txn).await?;
    let mut updated = account.into_active_model();
    updated.password_hash = Set(Some(hash));
    updated.updated_at = Set(now);
    let account = updated.update(&txn).await?;
    audit::record(
        &txn,
        &audit::AuditActor {
            user_id: Some(account.id),
            label: account.email.clone(),
            ip: origin.ip.clone(),
        },
        "accept_invitation",
        "user",
        Some(account.id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    let signed_in = auth::open_session(&state, account, origin.ip).await?;
    Ok(signed_in_response(&state, signed_in))
}
