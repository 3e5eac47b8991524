//! The early-retirement pension strain cost, when a trust's HR team enters it for a staff
//! member (DESIGN §2): part of the redundancy cost a redeployment avoids, in pence.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("at_risk_staff")
                    .add_column(big_integer_null("pension_strain_pence"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("at_risk_staff")
                    .drop_column("pension_strain_pence")
                    .to_owned(),
            )
            .await
    }
}
