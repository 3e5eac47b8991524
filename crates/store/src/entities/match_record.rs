//! The `matches` table: a pair someone has acted on (never a mere suggestion), where it has
//! got to, and its score and explanation as they were at that decision. Whatever writes a row
//! logs the staff member's decisions for the match index in the same transaction
//! (`match_index::log_write`), which holds every row too.

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
    /// No longer read: whether a pair still passes the rules is worked out when it is shown.
    pub eligible: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The last day of the pair's trial, while it is in trial or after.
    pub trial_ends: Option<Date>,
    /// `reasonable` or `unreasonable`: how the staff member's HR team judged a decline.
    pub decline_judgement: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
