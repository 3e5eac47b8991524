//! The `match_changes` table: which staff record or vacancy each change number touched.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "match_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version: i64,
    /// `staff` or `vacancy`.
    pub kind: String,
    pub record_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
