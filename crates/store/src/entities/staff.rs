//! The `at_risk_staff` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "at_risk_staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub trust_id: i32,
    pub staff_number: String,
    pub name: String,
    pub email: String,
    pub band: String,
    pub band_rank: i16,
    pub staff_group: String,
    pub job_title: String,
    pub base_site_id: i32,
    pub home_postcode: Option<String>,
    pub max_travel_minutes: i32,
    pub hours_min: f64,
    pub hours_max: f64,
    pub lower_band_consent: bool,
    pub priority_tier: i16,
    pub redeployment_period_ends: Date,
    pub salary_pence: Option<i64>,
    pub wte: f64,
    pub continuous_service_start: Date,
    pub date_of_birth: Option<Date>,
    pub status: String,
    /// The early-retirement pension strain cost HR entered, if any.
    pub pension_strain_pence: Option<i64>,
    /// `daily`, `weekly` or `off`: how often the person wants the digest of new vacancies.
    pub email_frequency: String,
    /// When the last digest of new vacancies went to them (none yet: empty).
    pub vacancies_notified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
