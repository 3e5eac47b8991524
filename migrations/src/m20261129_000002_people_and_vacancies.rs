//! At-risk staff with their skills and registrations, vacancies with their skills, and the
//! people who sign in.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("at_risk_staff")
                    .col(pk_auto("id"))
                    .col(integer("trust_id"))
                    .col(string("staff_number"))
                    .col(string("name"))
                    .col(string("email"))
                    .col(string("band"))
                    .col(small_integer("band_rank"))
                    .col(string("staff_group"))
                    .col(string("job_title"))
                    .col(integer("base_site_id"))
                    .col(string_null("home_postcode"))
                    .col(integer("max_travel_minutes"))
                    .col(double("hours_min"))
                    .col(double("hours_max"))
                    .col(boolean("lower_band_consent"))
                    .col(small_integer("priority_tier"))
                    .col(date("redeployment_period_ends"))
                    .col(big_integer_null("salary_pence"))
                    .col(double("wte"))
                    .col(date("continuous_service_start"))
                    .col(date_null("date_of_birth"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "at_risk_staff",
                        "trust_id",
                        "trusts",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "at_risk_staff",
                        "base_site_id",
                        "sites",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("at_risk_staff", &["trust_id", "staff_number"], true))
            .await?;
        manager
            .create_index(index("at_risk_staff", &["status", "band_rank"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("staff_registrations")
                    .col(integer("staff_id"))
                    .col(string("registration"))
                    .primary_key(Index::create().col("staff_id").col("registration"))
                    .foreign_key(&mut foreign_key(
                        "staff_registrations",
                        "staff_id",
                        "at_risk_staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff_skills")
                    .col(integer("staff_id"))
                    .col(integer("skill_id"))
                    .col(string("entered"))
                    .col(string("match_kind"))
                    .col(double("confidence"))
                    .primary_key(Index::create().col("staff_id").col("skill_id"))
                    .foreign_key(&mut foreign_key(
                        "staff_skills",
                        "staff_id",
                        "at_risk_staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "staff_skills",
                        "skill_id",
                        "skills",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("vacancies")
                    .col(pk_auto("id"))
                    .col(integer("trust_id"))
                    .col(string("reference"))
                    .col(string("title"))
                    .col(string("band"))
                    .col(small_integer("band_rank"))
                    .col(string("staff_group"))
                    .col(integer("site_id"))
                    .col(double("hours"))
                    .col(date("closing_date"))
                    .col(string_null("registration_required"))
                    .col(string("contact_email"))
                    .col(string("status"))
                    .col(date("posted_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "vacancies",
                        "trust_id",
                        "trusts",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "vacancies",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("vacancies", &["trust_id", "reference"], true))
            .await?;
        manager
            .create_index(index("vacancies", &["status", "band_rank"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("vacancy_skills")
                    .col(integer("vacancy_id"))
                    .col(integer("skill_id"))
                    .col(boolean("essential"))
                    .col(string("entered"))
                    .col(string("match_kind"))
                    .col(double("confidence"))
                    .primary_key(Index::create().col("vacancy_id").col("skill_id"))
                    .foreign_key(&mut foreign_key(
                        "vacancy_skills",
                        "vacancy_id",
                        "vacancies",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "vacancy_skills",
                        "skill_id",
                        "skills",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string_uniq("email"))
                    .col(string_null("password_hash"))
                    .col(string("role"))
                    .col(integer_null("trust_id"))
                    .col(integer_null("staff_id"))
                    .col(string("display_name"))
                    .col(boolean("disabled"))
                    .col(integer("failed_sign_ins"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut foreign_key(
                        "users",
                        "trust_id",
                        "trusts",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        "users",
                        "staff_id",
                        "at_risk_staff",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "users",
                "vacancy_skills",
                "vacancies",
                "staff_skills",
                "staff_registrations",
                "at_risk_staff",
            ],
        )
        .await
    }
}
