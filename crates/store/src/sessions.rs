//! Signing in and out, and finding who presents a token.
//!
//! A request proves who it is with a bearer token (API clients and trust integrations) or the
//! session cookie (pages); either is looked up here by its hash. Failed sign-ins are slowed,
//! then locked out per account and per address; the lock says when to try again. Every
//! decision about what an actor may *see* lives in `authz`, not here.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Store;
use crate::audit::{self, AuditActor};
use crate::authz::Actor;
use crate::catalogue::Catalogue;
use crate::entities::{api_token, session, sign_in_failure, user};
use crate::error::{Error, Result};
use crate::passwords::verify_password_off_thread;
use crate::store_support::unique_row;
use crate::tokens::{TokenKind, new_token, token_hash};
use crate::users::account_email;

/// A failure from one address counts against it this many times more generously than against
/// one account, so that a shared NHS network address is not locked out by a few people's typos.
const ADDRESS_ALLOWANCE_FACTOR: u64 = 4;

/// A hash to verify against when the account does not exist, so that an unknown email takes as
/// long to refuse as a wrong password and does not reveal which accounts exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        crate::passwords::hash_password("no account has this password").unwrap_or_default()
    })
}

/// What a token that opens nothing is told.
pub const NOT_SIGNED_IN: &str = "Sign in first: send the token from POST /api/v1/session as 'Authorization: Bearer TOKEN', or use the session cookie. A token that has expired or was signed out no longer works.";

fn not_signed_in() -> Error {
    Error::Unauthenticated(NOT_SIGNED_IN.to_owned())
}

/// The actor an account acts as.
fn actor_of(catalogue: &Catalogue, user: user::Model, ip: Option<String>) -> Result<Actor> {
    let role = Role::from_code(&user.role).ok_or_else(|| {
        Error::unreadable_row("users", user.id, format!("unknown role {}", user.role))
    })?;
    let trust = user
        .trust_id
        .and_then(|id| catalogue.trust(id))
        .map(|t| t.ods_code.clone());
    Ok(Actor {
        user_id: user.id,
        email: user.email,
        role,
        trust_id: user.trust_id,
        trust,
        staff_id: user.staff_id,
        ip,
    })
}

impl Store {
    /// Who presents `token` (a session or an API token), or why it opens nothing.
    pub async fn actor_for_token(&self, token: &str, ip: Option<String>) -> Result<Actor> {
        let db = self.db();
        let hash = token_hash(token);
        let now = Utc::now();
        let user_id = match TokenKind::of(token) {
            Some(TokenKind::Session) => {
                // The session and its account in one query: every request makes it.
                let of_session = session::Entity::belongs_to(user::Entity)
                    .from(session::Column::UserId)
                    .to(user::Column::Id)
                    .into();
                let session_user = user::Entity::find()
                    .join_rev(JoinType::InnerJoin, of_session)
                    .filter(session::Column::TokenHash.eq(hash))
                    .filter(session::Column::ExpiresAt.gt(now));
                let user = unique_row(session_user, db)
                    .await?
                    .filter(|u| !u.disabled)
                    .ok_or_else(not_signed_in)?;
                return actor_of(&*self.catalogue_knowing(user.trust_id).await?, user, ip);
            }
            Some(TokenKind::ApiToken) => {
                let api_token = api_token::Entity::find()
                    .filter(api_token::Column::TokenHash.eq(hash))
                    .filter(api_token::Column::RevokedAt.is_null());
                let found = unique_row(api_token, db)
                    .await?
                    .filter(|t| t.expires_at.is_none_or(|at| at > now))
                    .ok_or_else(not_signed_in)?;
                let user_id = found.user_id;
                let mut used = found.into_active_model();
                used.last_used_at = Set(Some(now));
                used.update(db).await?;
                user_id
            }
            _ => return Err(not_signed_in()),
        };
        let user = unique_row(user::Entity::find_by_id(user_id), db)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(not_signed_in)?;
        actor_of(&*self.catalogue_knowing(user.trust_id).await?, user, ip)
    }
}

/// A successful sign-in: the new session token and who it belongs to.
#[derive(Debug)]
pub struct SignedIn {
    pub token: String,
    pub actor: Actor,
    pub expires_at: DateTime<Utc>,
}

fn retry_message(what: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    let seconds = (until - now).num_seconds().max(1) as u64;
    let minutes = seconds.div_ceil(60);
    Error::TooManyAttempts {
        detail: format!(
            "{what} Try again after {} UTC (in {minutes} minute{}).",
            until.format("%H:%M"),
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_seconds: seconds,
    }
}

impl Store {
    /// Checks an email and password and opens a session, or says why not.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<String>,
    ) -> Result<SignedIn> {
        let policy = &self.settings().auth;
        let db = self.db();
        let now = Utc::now();
        let window = chrono::Duration::minutes(i64::from(policy.lockout_minutes));
        let address = ip.clone().unwrap_or_else(|| "unknown".to_owned());
        let email = account_email(email).unwrap_or_else(|_| email.trim().to_lowercase());

        let recent_from_address = sign_in_failure::Entity::find()
            .filter(sign_in_failure::Column::Ip.eq(address.as_str()))
            .filter(sign_in_failure::Column::At.gt(now - window))
            .order_by_asc(sign_in_failure::Column::At);
        let address_limit = u64::from(policy.max_failed_sign_ins) * ADDRESS_ALLOWANCE_FACTOR;
        if recent_from_address.clone().count(db).await? >= address_limit {
            let oldest = recent_from_address.one(db).await?.map_or(now, |f| f.at);
            return Err(retry_message(
                "Too many failed sign-ins from this network address.",
                oldest + window,
                now,
            ));
        }

        let account = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?;
        if let Some(until) = account
            .as_ref()
            .and_then(|u| u.locked_until)
            .filter(|until| *until > now)
        {
            return Err(retry_message(
                "This account is locked after too many failed sign-ins.",
                until,
                now,
            ));
        }
        let stored = account.as_ref().and_then(|u| u.password_hash.clone());
        let matches =
            verify_password_off_thread(password, stored.as_deref().unwrap_or(dummy_hash())).await?
                && stored.is_some();

        if !matches {
            sign_in_failure::Entity::insert(sign_in_failure::ActiveModel {
                email: Set(email.clone()),
                ip: Set(address.clone()),
                at: Set(now),
                ..Default::default()
            })
            .exec_without_returning(db)
            .await?;
            let mut failures = 1;
            let mut locked_until = None;
            if let Some(account) = account {
                failures = account.failed_sign_ins + 1;
                let mut update = account.clone().into_active_model();
                if failures >= policy.max_failed_sign_ins as i32 {
                    let until = now + window;
                    update.locked_until = Set(Some(until));
                    update.failed_sign_ins = Set(0);
                    locked_until = Some(until);
                } else {
                    update.failed_sign_ins = Set(failures);
                }
                update.update(db).await?;
                audit::record(
                    db,
                    &AuditActor {
                        user_id: Some(account.id),
                        label: email.clone(),
                        ip: ip.clone(),
                    },
                    "sign_in_failed",
                    "user",
                    Some(account.id.to_string()),
                    locked_until.map(|_| "account locked".to_owned()),
                )
                .await?;
            }
            // Each failure in a row waits a little longer before answering.
            let delay = u64::from(policy.failed_sign_in_delay_ms) * failures.clamp(1, 5) as u64;
            tokio::time::sleep(Duration::from_millis(delay)).await;
            if let Some(until) = locked_until {
                return Err(retry_message(
                    "This account is now locked after too many failed sign-ins.",
                    until,
                    now,
                ));
            }
            return Err(Error::Unauthenticated(
                "The email address or password is not right. Check them and try again.".to_owned(),
            ));
        }

        let account = account.ok_or_else(|| {
            Error::Internal(anyhow::anyhow!("matched a password without an account"))
        })?;
        if account.disabled {
            return Err(Error::Forbidden(
                "This account has been switched off. Ask your trust's administrator.".to_owned(),
            ));
        }
        if account.failed_sign_ins != 0 || account.locked_until.is_some() {
            let mut reset = account.clone().into_active_model();
            reset.failed_sign_ins = Set(0);
            reset.locked_until = Set(None);
            reset.update(db).await?;
        }
        let signed_in = self.open_session(account, ip).await?;
        audit::record(
            db,
            &signed_in.actor.audit(),
            "sign_in",
            "user",
            Some(signed_in.actor.user_id.to_string()),
            None,
        )
        .await?;
        Ok(signed_in)
    }

    /// Opens a new session for an account whose identity has just been proven.
    pub async fn open_session(&self, account: user::Model, ip: Option<String>) -> Result<SignedIn> {
        let now = Utc::now();
        let token = new_token(TokenKind::Session)?;
        let expires_at =
            now + chrono::Duration::hours(i64::from(self.settings().auth.session_hours));
        session::Entity::insert(session::ActiveModel {
            token_hash: Set(token_hash(&token)),
            user_id: Set(account.id),
            created_at: Set(now),
            expires_at: Set(expires_at),
            ip: Set(ip.clone()),
            ..Default::default()
        })
        .exec_without_returning(self.db())
        .await?;
        let actor = actor_of(
            &*self.catalogue_knowing(account.trust_id).await?,
            account,
            ip,
        )?;
        Ok(SignedIn {
            token,
            actor,
            expires_at,
        })
    }

    /// Ends the session a token belongs to (API tokens are revoked elsewhere, not signed out).
    pub async fn sign_out(&self, parts_token: Option<String>, actor: &Actor) -> Result<()> {
        if let Some(token) = parts_token.filter(|t| TokenKind::of(t) == Some(TokenKind::Session)) {
            session::Entity::delete_many()
                .filter(session::Column::TokenHash.eq(token_hash(&token)))
                .exec(self.db())
                .await?;
        }
        audit::record(
            self.db(),
            &actor.audit(),
            "sign_out",
            "user",
            Some(actor.user_id.to_string()),
            None,
        )
        .await?;
        Ok(())
    }
}
