//! The `pair_notices` table: a pair someone has been emailed about, once per audience.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pair_notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub staff_id: i32,
    pub vacancy_id: i32,
    /// `candidate` (the staff member was told of the vacancy) or `employer` (the vacancy's
    /// contact was told of the candidate).
    pub audience: String,
    pub notified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
