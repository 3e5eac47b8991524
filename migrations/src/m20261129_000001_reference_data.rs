//! Trusts, their sites, postcode positions and the skills vocabulary: the data that places
//! people and posts, loaded from the shipped reference files.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Trusts {
    Table,
    Id,
    OdsCode,
    Name,
    Kind,
    HcasZone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    TrustId,
    SiteCode,
    Name,
    Postcode,
    Lat,
    Lon,
    HcasZone,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PostcodeLocations {
    Table,
    Postcode,
    Precision,
    Lat,
    Lon,
    Source,
}

#[derive(DeriveIden)]
enum Skills {
    Table,
    Id,
    Name,
    FoldedName,
    Category,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SkillSynonyms {
    Table,
    Id,
    SkillId,
    Synonym,
    Folded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Trusts::Table)
                    .col(pk_auto(Trusts::Id))
                    .col(string_uniq(Trusts::OdsCode))
                    .col(string(Trusts::Name))
                    .col(string(Trusts::Kind))
                    .col(string(Trusts::HcasZone))
                    .col(timestamp_with_time_zone(Trusts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sites::Table)
                    .col(pk_auto(Sites::Id))
                    .col(integer(Sites::TrustId))
                    .col(string_uniq(Sites::SiteCode))
                    .col(string(Sites::Name))
                    .col(string(Sites::Postcode))
                    .col(double(Sites::Lat))
                    .col(double(Sites::Lon))
                    .col(string(Sites::HcasZone))
                    .col(timestamp_with_time_zone(Sites::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        Sites::Table,
                        Sites::TrustId,
                        Trusts::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sites", &["trust_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostcodeLocations::Table)
                    .col(string(PostcodeLocations::Postcode).primary_key())
                    .col(string(PostcodeLocations::Precision))
                    .col(double(PostcodeLocations::Lat))
                    .col(double(PostcodeLocations::Lon))
                    .col(string(PostcodeLocations::Source))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Skills::Table)
                    .col(pk_auto(Skills::Id))
                    .col(string(Skills::Name))
                    .col(string_uniq(Skills::FoldedName))
                    .col(string(Skills::Category))
                    .col(timestamp_with_time_zone(Skills::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SkillSynonyms::Table)
                    .col(pk_auto(SkillSynonyms::Id))
                    .col(integer(SkillSynonyms::SkillId))
                    .col(string(SkillSynonyms::Synonym))
                    .col(string_uniq(SkillSynonyms::Folded))
                    .foreign_key(&mut foreign_key(
                        SkillSynonyms::Table,
                        SkillSynonyms::SkillId,
                        Skills::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("skill_synonyms", &["skill_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "skill_synonyms",
                "skills",
                "postcode_locations",
                "sites",
                "trusts",
            ],
        )
        .await
    }
}
