//! People who sign in: creating accounts with checked details and a hashed password.
//! Used by `redeploy user add` and, later, by the admin pages.

use chrono::Utc;
use domain::{EmailAddress, Role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::audit::{self, AuditActor};
use crate::entities::{trust, user};
use crate::error::{Error, FieldError, Result};
use crate::passwords::hash_password_off_thread;

/// Passwords shorter than this are refused (NCSC advice: long passphrases beat complex rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub role: String,
    /// The ODS code of the trust, for trust HR and staff.
    pub trust: Option<String>,
    pub display_name: Option<String>,
    pub password: String,
}

/// Checks a password against the length rules, naming what to fix.
pub fn check_password(password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(FieldError::new(
            "password",
            format!(
                "use at least {MIN_PASSWORD_CHARS} characters; three random words make a strong one"
            ),
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(FieldError::new(
            "password",
            format!("use at most {MAX_PASSWORD_CHARS} characters"),
        ))
    } else {
        Ok(())
    }
}

/// Emails identify accounts whatever their case.
pub fn account_email(text: &str) -> Result<String, FieldError> {
    EmailAddress::parse(text)
        .map(|e| e.as_str().to_lowercase())
        .map_err(|e| FieldError::new("email", e.to_string()))
}

/// Who a new account is: its email, role, trust and staff record (where it has them), and
/// the name shown for it.
pub(crate) struct AccountOf<'a> {
    pub email: &'a str,
    pub role: domain::Role,
    pub trust_id: Option<i32>,
    pub staff_id: Option<i32>,
    pub display_name: &'a str,
}

/// The row of a new account, enabled and never locked. Without a password hash its person
/// chooses one through the link they are emailed (an invitation, or an account an
/// administrator added).
pub(crate) fn new_account(
    who: AccountOf<'_>,
    password_hash: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> user::ActiveModel {
    use sea_orm::ActiveValue::Set;
    let AccountOf {
        email,
        role,
        trust_id,
        staff_id,
        display_name,
    } = who;
    user::ActiveModel {
        email: Set(email.to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.code().to_owned()),
        trust_id: Set(trust_id),
        staff_id: Set(staff_id),
        display_name: Set(display_name.to_owned()),
        disabled: Set(false),
        failed_sign_ins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Creates an account after checking every field; nothing is written when any is wrong.
pub async fn create_user<C: ConnectionTrait>(
    db: &C,
    new: &NewUser,
    by: &AuditActor,
) -> Result<user::Model> {
    let mut errors = Vec::new();
    let email = account_email(&new.email).map_err(|e| errors.push(e)).ok();
    let role = Role::from_code(new.role.trim()).or_else(|| {
        errors.push(FieldError::new(
            "role",
            format!(
                "\"{}\" is not a role; use one of {}",
                new.role.trim(),
                Role::codes_list()
            ),
        ));
        None
    });
    if let Err(e) = check_password(&new.password) {
        errors.push(e);
    }
    let mut trust_id = None;
    match (
        role,
        new.trust
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty()),
    ) {
        (Some(role), None) if role.belongs_to_a_trust() => {
            errors.push(FieldError::new(
                "trust",
                format!(
                    "a {} account belongs to a trust: give its ODS code",
                    role.code()
                ),
            ));
        }
        (Some(role), Some(code)) if !role.belongs_to_a_trust() => {
            errors.push(FieldError::new(
                "trust",
                format!(
                    "a {} account is not tied to one trust; leave trust out (\"{code}\" was given)",
                    role.code()
                ),
            ));
        }
        (_, Some(code)) => {
            let found = trust::Entity::find()
                .filter(trust::Column::OdsCode.eq(code.to_ascii_uppercase()))
                .one(db)
                .await?;
            match found {
                Some(t) => trust_id = Some(t.id),
                None => errors.push(FieldError::new(
                    "trust",
                    format!("no London trust has the ODS code \"{code}\""),
                )),
            }
        }
        _ => {}
    }
    if let Some(email) = &email
        && user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        errors.push(FieldError::new(
            "email",
            format!("an account for {email} already exists"),
        ));
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    let hash = hash_password_off_thread(&new.password).await?;
    let now = Utc::now();
    let display_name = new
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&email)
        .to_owned();
    let who = AccountOf {
        email: &email,
        role,
        trust_id,
        staff_id: None,
        display_name: &display_name,
    };
    let row = new_account(who, Some(hash), now);
    user::Entity::insert(row).exec_without_returning(db).await?;
    let created = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::Internal(anyhow::anyhow!("the new account could not be read back"))
        })?;
    audit::record(
        db,
        by,
        "create",
        "user",
        Some(created.id.to_string()),
        Some(format!("role {}", role.code())),
    )
    .await?;
    Ok(created)
}

impl crate::Store {
    /// Creates an account in one transaction: checks, the account and its audit row.
    pub async fn create_user(&self, new: &NewUser, by: &AuditActor) -> Result<user::Model> {
        let txn = crate::db::begin_write(self.db()).await?;
        let created = create_user(&txn, new, by).await?;
        txn.commit().await?;
        Ok(created)
    }
}
