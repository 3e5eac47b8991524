//! API tokens with which a trust's own systems call the API as the account that made them. A
//! token is shown once, when made; only its hash is kept; it can be revoked at once.

use chrono::{Duration, Utc};
use domain::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::entities::api_token;
use crate::error::{Error, FieldError, Result};
use crate::paging::{PageRequest, Paged};
use crate::tokens::{TokenKind, new_token, token_hash};

/// The longest a token may live, in days.
pub const MAX_DAYS: i64 = 730;
/// How long a token lives when its maker does not say.
pub const DEFAULT_DAYS: i64 = 365;

/// A token as listed: never the token itself.
pub type TokenEntry = api_token::Model;

impl Store {
    /// Makes a token for the actor's own account; returns it with the token, shown this once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        expires_in_days: Option<i64>,
    ) -> Result<(TokenEntry, String)> {
        actor.require_role(
            &[Role::TrustHr, Role::Admin],
            "Making API tokens for a trust's systems",
        )?;
        let mut errors = Vec::new();
        let given_length = name.chars().count();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || given_length > 100 {
            errors.push(FieldError::new(
                "name",
                "give the token a name of 1 to 100 characters, e.g. \"ESR nightly export\"",
            ));
        }
        let days = expires_in_days.unwrap_or(DEFAULT_DAYS);
        if !(1..=MAX_DAYS).contains(&days) {
            errors.push(FieldError::new(
                "expires_in_days",
                format!("give from 1 to {MAX_DAYS} days"),
            ));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
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
        .insert(self.db())
        .await?;
        audit::record(
            self.db(),
            &actor.audit(),
            "create",
            "api_token",
            Some(stored.id.to_string()),
            None,
        )
        .await?;
        Ok((stored, token))
    }

    /// The actor's own tokens, newest first.
    pub async fn list_api_tokens(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Paged<TokenEntry>> {
        let mine = api_token::Entity::find().filter(api_token::Column::UserId.eq(actor.user_id));
        let total = mine.clone().count(self.db()).await?;
        let rows = mine
            .order_by_desc(api_token::Column::CreatedAt)
            .order_by_desc(api_token::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(self.db())
            .await?;
        Ok(Paged::new(rows, page, total))
    }

    /// Revokes a token at once. Administrators may revoke anyone's; revoking twice is fine.
    pub async fn revoke_api_token(&self, actor: &Actor, id: i32) -> Result<()> {
        let token = api_token::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .filter(|t| actor.may_revoke_token(t.user_id))
            .ok_or(Error::NotFound("API token"))?;
        if token.revoked_at.is_none() {
            let mut revoked = token.into_active_model();
            revoked.revoked_at = Set(Some(Utc::now()));
            revoked.update(self.db()).await?;
            audit::record(
                self.db(),
                &actor.audit(),
                "revoke",
                "api_token",
                Some(id.to_string()),
                None,
            )
            .await?;
        }
        Ok(())
    }
}
