//! The email outbox (messages are written here in the same transaction as the change that
//! causes them, then delivered) and the audit log of every write and every read of personal data.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("email_outbox")
                    .col(pk_auto("id"))
                    .col(string("kind"))
                    .col(string("to_address"))
                    .col(string("subject"))
                    .col(text("body_text"))
                    .col(text("body_html"))
                    .col(string_null("dedupe_key"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("email_outbox", &["dedupe_key"], true))
            .await?;
        manager
            .create_index(index("email_outbox", &["status", "next_attempt_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    // No foreign key: the record of who did what outlives the account.
                    .col(integer_null("user_id"))
                    .col(string("actor"))
                    .col(string("action"))
                    .col(string("entity"))
                    .col(string_null("entity_id"))
                    .col(text_null("detail"))
                    .col(string_null("ip"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("audit_log", &["entity", "entity_id"], false))
            .await?;
        manager
            .create_index(index("audit_log", &["at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["audit_log", "email_outbox"]).await
    }
}
