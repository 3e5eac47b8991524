//! The `postcode_locations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "postcode_locations")]
pub struct Model {
    /// A full postcode (`SE5 9RS`) or a district (`SE5`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub postcode: String,
    /// `district` or `postcode`.
    pub precision: String,
    pub lat: f64,
    pub lon: f64,
    /// Where the position came from: the shipped reference list or an imported directory.
    pub source: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
