//! The `outcomes` table: how a case ended, on which day, with the savings inputs as they were
//! then and the figures worked out from them, so that a later change of configuration never
//! rewrites what was recorded. A redeployment records what it avoided; a redundancy the
//! redundancy pay it cost, and nothing avoided. Money is in pence.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outcomes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub staff_id: i32,
    /// The `matches` row of the pair that ended the case, if a pair did.
    pub match_id: Option<i32>,
    /// `redeployed` or `redundant`.
    pub kind: String,
    pub decided_on: Date,
    pub salary_pence: i64,
    pub salary_assumed: bool,
    pub wte: f64,
    pub service_years: i32,
    pub pension_strain_pence: Option<i64>,
    pub old_pay_pence: i64,
    pub new_pay_pence: i64,
    pub protection_months: i32,
    pub recruitment_cost_pence: i64,
    pub redundancy_pay_pence: i64,
    pub protection_cost_pence: i64,
    pub conservative_pence: i64,
    pub full_pence: i64,
    pub recorded_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
