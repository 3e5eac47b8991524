//! Invitations: HR registers an at-risk staff member, then invites them; the email carries a
//! one-time link with which they set a password and are signed in to complete their profile.

use chrono::{DateTime, Duration, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use crate::Store;
use crate::audit::{self, AuditActor};
use crate::authz::Actor;
use crate::entities::{invitation, user};
use crate::error::{Error, Result};
use crate::outbox;
use crate::passwords::hash_password_off_thread;
use crate::sessions::SignedIn;
use crate::staff::records;
use crate::tokens::{TokenKind, new_token, token_hash};
use crate::users::check_password;

/// An invitation on its way: to whom, and until when its link works.
#[derive(Debug, Clone)]
pub struct InvitationSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// Who an invitation is for.
#[derive(Debug, Clone)]
pub struct InvitationFor {
    pub email: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// Emails the staff member of record `staff_id` a one-time link to set a password. Their
    /// account is created (without a password) if it does not exist; a new invitation replaces
    /// any earlier one not yet used. The email is queued in the same transaction.
    pub async fn invite_staff(&self, actor: &Actor, staff_id: i32) -> Result<InvitationSent> {
        actor.require_role(&[Role::TrustHr, Role::Admin], "Inviting staff")?;
        let record = records::load(self.db(), staff_id)
            .await?
            .ok_or(Error::NotFound("staff record"))?;
        if !actor.may_manage_trust(record.row.trust_id) {
            return Err(Error::NotFound("staff record"));
        }
        let email = record.row.email.to_lowercase();
        let trust_name = self
            .catalogue()
            .await?
            .trust(record.row.trust_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let now = Utc::now();
        let txn = crate::db::begin_write(self.db()).await?;
        // Invitations to one person are made one at a time: the second waits for the first
        // and then finds the account it made (SQLite's write lock already does this).
        crate::entities::staff::Entity::find_by_id(staff_id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(Error::NotFound("staff record"))?;
        let existing = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?;
        let account = match existing {
            Some(existing) if existing.staff_id != Some(staff_id) => {
                return Err(Error::Conflict(format!(
                    "{email} already belongs to another account; correct the staff member's email first"
                )));
            }
            Some(existing) if existing.password_hash.is_some() => {
                return Err(Error::Conflict(format!(
                    "{email} has already set up their account and can sign in"
                )));
            }
            Some(existing) => existing,
            None => {
                crate::users::new_account(
                    crate::users::AccountOf {
                        email: &email,
                        role: Role::Staff,
                        trust_id: Some(record.row.trust_id),
                        staff_id: Some(staff_id),
                        display_name: &record.row.name,
                    },
                    None,
                    now,
                )
                .insert(&txn)
                .await?
            }
        };
        let (link, expires_at) = self.new_invitation(&txn, account.id, now).await?;
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
            Some(staff_id.to_string()),
            None,
        )
        .await?;
        txn.commit().await?;
        self.metrics().emails(crate::metrics::EmailEvent::Queued, 1);
        Ok(InvitationSent { email, expires_at })
    }

    /// Makes a new set-password link for account `user_id`, replacing any earlier one that was
    /// not used; answers the link (under `[server] public_url`) and when it expires.
    pub(crate) async fn new_invitation(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        user_id: i32,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>)> {
        invitation::Entity::delete_many()
            .filter(invitation::Column::UserId.eq(user_id))
            .filter(invitation::Column::UsedAt.is_null())
            .exec(txn)
            .await?;
        let token = new_token(TokenKind::Invitation)?;
        let expires_at = now + Duration::days(i64::from(self.settings().auth.invitation_days));
        invitation::Entity::insert(invitation::ActiveModel {
            token_hash: Set(token_hash(&token)),
            user_id: Set(user_id),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
        let link = format!(
            "{}/invitations/{token}",
            self.settings().server.public_url.trim_end_matches('/')
        );
        Ok((link, expires_at))
    }

    /// The invitation a token opens, if it can still be used.
    async fn usable_invitation(&self, token: &str) -> Result<(invitation::Model, user::Model)> {
        let not_valid = || Error::NotFound("invitation");
        if TokenKind::of(token) != Some(TokenKind::Invitation) {
            return Err(not_valid());
        }
        let found = invitation::Entity::find()
            .filter(invitation::Column::TokenHash.eq(token_hash(token)))
            .one(self.db())
            .await?
            .ok_or_else(not_valid)?;
        if found.used_at.is_some() {
            return Err(Error::Conflict(
                "this invitation has already been used: sign in with your email address and password"
                    .to_owned(),
            ));
        }
        if found.expires_at <= Utc::now() {
            return Err(Error::Conflict(format!(
                "this invitation expired on {}: ask your HR team to send a new one",
                found.expires_at.format("%-d %B %Y")
            )));
        }
        let account = user::Entity::find_by_id(found.user_id)
            .one(self.db())
            .await?
            .ok_or_else(not_valid)?;
        Ok((found, account))
    }

    /// Who an invitation is for, so that the page can greet them before they choose a password.
    pub async fn invitation_for(&self, token: &str) -> Result<InvitationFor> {
        let (found, account) = self.usable_invitation(token).await?;
        Ok(InvitationFor {
            email: account.email,
            name: account.display_name,
            expires_at: found.expires_at,
        })
    }

    /// Sets the password, uses up the invitation and signs the person in. Two people using the
    /// same link at once cannot both succeed: the invitation is used up by a conditional update.
    pub async fn accept_invitation(
        &self,
        token: &str,
        password: &str,
        ip: Option<String>,
    ) -> Result<SignedIn> {
        let (found, account) = self.usable_invitation(token).await?;
        check_password(password).map_err(|e| Error::Invalid(vec![e]))?;
        let hash = hash_password_off_thread(password).await?;
        let now = Utc::now();
        let txn = crate::db::begin_write(self.db()).await?;
        let used = invitation::Entity::update_many()
            .col_expr(
                invitation::Column::UsedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(invitation::Column::Id.eq(found.id))
            .filter(invitation::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if used.rows_affected != 1 {
            return Err(Error::Conflict(
                "this invitation has already been used: sign in with your email address and password"
                    .to_owned(),
            ));
        }
        let mut updated = account.into_active_model();
        updated.password_hash = Set(Some(hash));
        updated.updated_at = Set(now);
        let account = updated.update(&txn).await?;
        audit::record(
            &txn,
            &AuditActor {
                user_id: Some(account.id),
                label: account.email.clone(),
                ip: ip.clone(),
            },
            "accept_invitation",
            "user",
            Some(account.id.to_string()),
            None,
        )
        .await?;
        txn.commit().await?;
        self.open_session(account, ip).await
    }
}
