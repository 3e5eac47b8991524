//! The `matches` table: a staff member and a vacancy, and where their pairing has got to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "matches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub staff_id: i32,
    pub vacancy_id: i32,
    pub status: String,
    pub score: f64,
    pub exact_match: bool,
    #[sea_orm(column_type = "Text")]
    pub explanation: String,
    pub computed_at: DateTimeUtc,
    /// False when the pair no longer passes the rules but is kept for what people did with it.
    pub eligible: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
