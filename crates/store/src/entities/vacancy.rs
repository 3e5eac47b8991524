//! The `vacancies` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub trust_id: i32,
    pub reference: String,
    pub title: String,
    pub band: String,
    pub band_rank: i16,
    pub staff_group: String,
    pub site_id: i32,
    pub hours: f64,
    pub closing_date: Date,
    pub registration_required: Option<String>,
    pub contact_email: String,
    pub status: String,
    pub posted_on: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the last digest of new candidates went to its contact (none yet: empty).
    pub candidates_notified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
