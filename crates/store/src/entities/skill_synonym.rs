//! The `skill_synonyms` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "skill_synonyms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub skill_id: i32,
    pub synonym: String,
    #[sea_orm(unique)]
    pub folded: String,
    /// When admin added it; empty for a synonym the service ships.
    pub added_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
