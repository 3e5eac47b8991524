//! The `match_transitions` table: each move of a pair from one status to another, by whom,
//! when and why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "match_transitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The `matches` row (not the pair's public match id).
    pub match_id: i32,
    pub from_status: String,
    pub to_status: String,
    /// The account that made the move; none once that account is deleted.
    pub by_user_id: Option<i32>,
    pub at: DateTimeUtc,
    pub reason: Option<String>,
    /// The date the move carries: the interview's, the trial's first day, or the new last day
    /// of an extended trial.
    pub on_date: Option<Date>,
    /// The pair's score and explanation (`StoredExplanation`) when the move was made; none on
    /// moves recorded before these were kept.
    pub score: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub explanation: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
