//! The trusts and sites as stored, indexed for checking input: which trust an ODS code names,
//! which site an id names and whose it is.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::entities::{site, trust};

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    trusts_by_code: HashMap<String, trust::Model>,
    trusts_by_id: HashMap<i32, trust::Model>,
    sites: HashMap<i32, site::Model>,
}

impl Catalogue {
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Catalogue, DbErr> {
        let trusts = trust::Entity::find().all(db).await?;
        Ok(Catalogue {
            trusts_by_code: trusts
                .iter()
                .map(|t| (t.ods_code.clone(), t.clone()))
                .collect(),
            trusts_by_id: trusts.into_iter().map(|t| (t.id, t)).collect(),
            sites: site::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s))
                .collect(),
        })
    }

    /// The trust with this ODS code (any case).
    pub fn trust_by_code(&self, code: &str) -> Option<&trust::Model> {
        self.trusts_by_code.get(&code.trim().to_ascii_uppercase())
    }

    pub fn trust(&self, id: i32) -> Option<&trust::Model> {
        self.trusts_by_id.get(&id)
    }

    pub fn site(&self, id: i32) -> Option<&site::Model> {
        self.sites.get(&id)
    }

    /// Every trust, in no particular order.
    pub fn trusts(&self) -> impl Iterator<Item = &trust::Model> {
        self.trusts_by_id.values()
    }

    /// Every site, in no particular order.
    pub fn sites(&self) -> impl Iterator<Item = &site::Model> {
        self.sites.values()
    }

    /// The ODS code of a stored trust.
    pub fn trust_code(&self, trust_id: i32) -> String {
        self.trust(trust_id)
            .map(|t| t.ods_code.clone())
            .unwrap_or_default()
    }

    /// The name of a stored site.
    pub fn site_name(&self, site_id: i32) -> String {
        self.site(site_id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// Reads a `?trust=` filter, recording a problem when no trust has that code.
    pub fn trust_filter(
        &self,
        code: Option<&str>,
        errors: &mut Vec<crate::error::FieldError>,
    ) -> Option<i32> {
        let code = code.map(str::trim).filter(|c| !c.is_empty())?;
        let found = self.trust_by_code(code).map(|t| t.id);
        if found.is_none() {
            errors.push(crate::error::FieldError::new(
                "trust",
                format!("no London trust has the ODS code \"{code}\""),
            ));
        }
        found
    }

    /// A site of trust `trust_id` named by its id, its site code or its name (any case), as
    /// people write sites in spreadsheets.
    pub fn find_site(&self, trust_id: Option<i32>, text: &str) -> Option<&site::Model> {
        let text = text.trim();
        if let Ok(id) = text.parse::<i32>()
            && let Some(site) = self.site(id)
        {
            return Some(site);
        }
        let folded = domain::fold(text);
        let mut candidates = self
            .sites
            .values()
            .filter(|s| trust_id.is_none_or(|t| s.trust_id == t));
        candidates
            .find(|s| s.site_code.eq_ignore_ascii_case(text) || domain::fold(&s.name) == folded)
    }
}

/// A site by id and name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SiteRef {
    pub id: i32,
    pub name: String,
}

impl SiteRef {
    pub fn new(catalogue: &Catalogue, id: i32) -> SiteRef {
        SiteRef {
            id,
            name: catalogue.site_name(id),
        }
    }
}
