//! What only admin does: accounts (list, add with a set-password link, disable and enable,
//! reset), and the emails that could not be delivered (list, send again). Every change is
//! audited in the same transaction.
//!
//! Must never: let anyone but admin in; leave a disabled or reset account with a working
//! session; make a staff member's account (those come from their HR team's invitation, tied
//! to their record).

use chrono::Utc;
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::entities::{email_outbox, session, user};
use crate::error::{Error, FieldError, Result};
use crate::outbox;
use crate::paging::{PageRequest, Paged};
use crate::store_support::unique_row;

/// One account as the admin page lists it.
#[derive(Debug, Clone)]
pub struct AccountListed {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The trust's ODS code, for trust HR and staff.
    pub trust: Option<String>,
    pub disabled: bool,
    /// The person has chosen a password (an account waiting on its link has not).
    pub has_password: bool,
    pub locked: bool,
}

/// An account to add.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    /// `trust_hr`, `partnership` or `admin`.
    pub role: String,
    /// The ODS code, for trust HR.
    pub trust: Option<String>,
}

/// One email that could not be delivered.
#[derive(Debug, Clone)]
pub struct UndeliveredEmail {
    pub id: i32,
    pub to: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

impl Store {
    /// One page of the accounts, by email.
    pub async fn list_accounts(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Paged<AccountListed>> {
        actor.require_role(&[Role::Admin], "Managing accounts")?;
        let query = user::Entity::find();
        let total = query.clone().count(self.db()).await?;
        let rows = query
            .order_by_asc(user::Column::Email)
            .offset(page.offset())
            .limit(page.per_page)
            .all(self.db())
            .await?;
        let catalogue = self.catalogue().await?;
        let now = Utc::now();
        let listed = rows
            .into_iter()
            .map(|u| AccountListed {
                role: Role::from_code(&u.role).unwrap_or(Role::Staff),
                trust: u.trust_id.map(|t| catalogue.trust_code(t)),
                disabled: u.disabled,
                has_password: u.password_hash.is_some(),
                locked: u.locked_until.is_some_and(|until| until > now),
                id: u.id,
                email: u.email,
                display_name: u.display_name,
            })
            .collect();
        self.audit_read(actor, "user", "list", None).await?;
        Ok(Paged::new(listed, page, total))
    }

    /// Adds an account for trust HR, the partnership or admin, and emails the person a link
    /// to choose their password. Every wrong field is named; nothing is written then.
    pub async fn add_account(&self, actor: &Actor, new: &NewAccount) -> Result<AccountListed> {
        actor.require_role(&[Role::Admin], "Managing accounts")?;
        let mut errors = Vec::new();
        let email = crate::users::account_email(&new.email)
            .map_err(|e| errors.push(e))
            .ok();
        let name = new.display_name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("display_name", "enter the person's name"));
        }
        let role = match Role::from_code(new.role.trim()) {
            Some(Role::Staff) => {
                errors.push(FieldError::new(
                    "role",
                    "a staff member's account comes from their HR team's invitation: register them as at-risk staff",
                ));
                None
            }
            Some(role) => Some(role),
            None => {
                errors.push(FieldError::new(
                    "role",
                    "choose trust HR, partnership or admin",
                ));
                None
            }
        };
        let catalogue = self.catalogue().await?;
        let trust_id = match (
            role,
            new.trust
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty()),
        ) {
            (Some(Role::TrustHr), Some(code)) => match catalogue.trust_by_code(code) {
                Some(trust) => Some(trust.id),
                None => {
                    errors.push(FieldError::new(
                        "trust",
                        format!("{code} is not a London trust's ODS code"),
                    ));
                    None
                }
            },
            (Some(Role::TrustHr), None) => {
                errors.push(FieldError::new(
                    "trust",
                    "choose the trust whose HR team they are in",
                ));
                None
            }
            _ => None,
        };
        let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let now = Utc::now();
        let txn = crate::db::begin_write(self.db()).await?;
        if unique_row(
            user::Entity::find().filter(user::Column::Email.eq(email.as_str())),
            &txn,
        )
        .await?
        .is_some()
        {
            return Err(Error::Invalid(vec![FieldError::new(
                "email",
                format!("{email} already has an account"),
            )]));
        }
        let who = crate::users::AccountOf {
            email: &email,
            role,
            trust_id,
            staff_id: None,
            display_name: &name,
        };
        let account = crate::users::new_account(who, None, now)
            .insert(&txn)
            .await?;
        self.send_account_link(&txn, &account, now).await?;
        audit::record(
            &txn,
            &actor.audit(),
            "create",
            "user",
            Some(account.id.to_string()),
            Some(format!("role {}", role.code())),
        )
        .await?;
        txn.commit().await?;
        self.metrics().emails(crate::metrics::EmailEvent::Queued, 1);
        Ok(AccountListed {
            id: account.id,
            email,
            display_name: name,
            role,
            trust: trust_id.map(|t| catalogue.trust_code(t)),
            disabled: false,
            has_password: false,
            locked: false,
        })
    }

    /// Disables account `id` (ending its sessions at once) or enables it again. Admin cannot
    /// disable their own account, so that someone can always undo it. Answers the account's
    /// email.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        id: i32,
        disabled: bool,
    ) -> Result<String> {
        actor.require_role(&[Role::Admin], "Managing accounts")?;
        if disabled && id == actor.user_id {
            return Err(Error::Conflict(
                "you cannot disable your own account".to_owned(),
            ));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        let account = unique_row(user::Entity::find_by_id(id), &txn)
            .await?
            .ok_or(Error::NotFound("account"))?;
        let email = account.email.clone();
        let mut changed = account.into_active_model();
        changed.disabled = Set(disabled);
        changed.updated_at = Set(Utc::now());
        changed.update(&txn).await?;
        if disabled {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(id))
                .exec(&txn)
                .await?;
        }
        let action = if disabled { "disable" } else { "enable" };
        audit::record(
            &txn,
            &actor.audit(),
            action,
            "user",
            Some(id.to_string()),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(email)
    }

    /// Resets account `id`: its password no longer works, its sessions end, its lockout is
    /// lifted, and the person is emailed a link to choose a new password. Answers the email.
    pub async fn reset_account(&self, actor: &Actor, id: i32) -> Result<String> {
        actor.require_role(&[Role::Admin], "Managing accounts")?;
        let now = Utc::now();
        let txn = crate::db::begin_write(self.db()).await?;
        let account = unique_row(user::Entity::find_by_id(id), &txn)
            .await?
            .ok_or(Error::NotFound("account"))?;
        let mut changed = account.clone().into_active_model();
        changed.password_hash = Set(None);
        changed.failed_sign_ins = Set(0);
        changed.locked_until = Set(None);
        changed.updated_at = Set(now);
        let account = changed.update(&txn).await?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        self.send_account_link(&txn, &account, now).await?;
        audit::record(
            &txn,
            &actor.audit(),
            "reset",
            "user",
            Some(id.to_string()),
            None,
        )
        .await?;
        txn.commit().await?;
        self.metrics().emails(crate::metrics::EmailEvent::Queued, 1);
        Ok(account.email)
    }

    /// Queues the email with a new set-password link for `account`.
    async fn send_account_link(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        account: &user::Model,
        now: chrono::DateTime<Utc>,
    ) -> Result<()> {
        let (link, expires_at) = self.new_invitation(txn, account.id, now).await?;
        let role = Role::from_code(&account.role).map_or("", Role::label);
        let message = notifier::message::account_link(
            &account.email,
            &account.display_name,
            role,
            &link,
            &expires_at.format("%-d %B %Y").to_string(),
        );
        outbox::enqueue(txn, "account", &message, None).await?;
        Ok(())
    }

    /// One page of the emails that could not be delivered after every attempt, oldest first.
    pub async fn undelivered_emails(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Paged<UndeliveredEmail>> {
        actor.require_role(&[Role::Admin], "Seeing undelivered emails")?;
        let query = email_outbox::Entity::find().filter(email_outbox::Column::Status.eq("failed"));
        let total = query.clone().count(self.db()).await?;
        let rows = query
            .order_by_asc(email_outbox::Column::CreatedAt)
            .order_by_asc(email_outbox::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(self.db())
            .await?;
        let listed = rows
            .into_iter()
            .map(|e| UndeliveredEmail {
                id: e.id,
                to: e.to_address,
                subject: e.subject,
                attempts: e.attempts,
                last_error: e.last_error,
                created_at: e.created_at,
            })
            .collect();
        self.audit_read(actor, "email", "undelivered", None).await?;
        Ok(Paged::new(listed, page, total))
    }

    /// Sends undelivered email `id` again: it is queued afresh with its attempts reset.
    pub async fn retry_email(&self, actor: &Actor, id: i32) -> Result<()> {
        actor.require_role(&[Role::Admin], "Sending emails again")?;
        let txn = crate::db::begin_write(self.db()).await?;
        let email = unique_row(email_outbox::Entity::find_by_id(id), &txn)
            .await?
            .filter(|e| e.status == "failed")
            .ok_or(Error::NotFound("undelivered email"))?;
        let mut queued = email.into_active_model();
        queued.status = Set("pending".to_owned());
        queued.attempts = Set(0);
        queued.next_attempt_at = Set(Utc::now());
        queued.claimed_until = Set(None);
        queued.update(&txn).await?;
        audit::record(
            &txn,
            &actor.audit(),
            "retry",
            "email",
            Some(id.to_string()),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
