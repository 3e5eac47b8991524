//! What people do with at-risk staff records: register one, read it, change it, list them.
//! Each operation decides access through `authz`, checks the record by the same rules however
//! it arrives, and writes, audits and logs the change for the match index in one transaction.

use domain::{Band, CaseStatus, Role};

use crate::Store;
use crate::audit;
use crate::authz::Actor;
use crate::checks::PlacedSkills;
use crate::entities::typed::{StaffListed, StaffRecord};
use crate::error::{Error, FieldError, Result};
use crate::paging::{PageRequest, Paged};
use crate::staff::draft::{StaffDraft, ValidStaff};
use crate::staff::records::{self, StaffFilter, StoredStaff};
use crate::unit_of_work::{Kind, commit_one};

/// The staff list's filters as people give them (ODS code, case status, band), checked by
/// [`Store::list_staff`].
#[derive(Debug, Clone, Default)]
pub struct StaffListFilter {
    pub trust: Option<String>,
    pub status: Option<String>,
    pub band: Option<String>,
}

impl Store {
    /// A staff record as it is stored now, as a domain value.
    async fn staff_record(&self, id: i32) -> Result<StaffRecord> {
        records::load(self.db(), id)
            .await?
            .ok_or(Error::NotFound("staff record"))?
            .to_record(&*self.catalogue().await?)
    }

    async fn check_staff(&self, draft: &StaffDraft) -> Result<ValidStaff> {
        let catalogue = self.catalogue().await?;
        draft
            .check(&self.check_context(&catalogue, crate::today(), &PlacedSkills::default()))
            .map_err(Error::Invalid)
    }

    /// A record the actor may read, or not found.
    async fn readable_staff(&self, actor: &Actor, id: i32) -> Result<StoredStaff> {
        let record = records::load(self.db(), id)
            .await?
            .ok_or(Error::NotFound("staff record"))?;
        if actor.may_read_staff(record.row.trust_id, record.row.id)? {
            Ok(record)
        } else {
            Err(Error::NotFound("staff record"))
        }
    }

    /// Registers an at-risk case for the actor's trust (any trust, for admin).
    pub async fn register_staff(&self, actor: &Actor, draft: &StaffDraft) -> Result<StaffRecord> {
        actor.require_role(&[Role::TrustHr, Role::Admin], "Registering at-risk staff")?;
        let valid = self.check_staff(draft).await?;
        if valid.staff.status != CaseStatus::Active {
            return Err(Error::Invalid(vec![FieldError::new(
                "status",
                "a new case is always active; leave status out",
            )]));
        }
        if !actor.may_manage_trust(valid.trust_id) {
            return Err(Error::Forbidden(format!(
                "you can register staff only for your own trust ({})",
                actor.trust.clone().unwrap_or_default()
            )));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        if let Some(existing) =
            records::find_by_number(&txn, valid.trust_id, &valid.staff.staff_number).await?
        {
            return Err(Error::Conflict(format!(
                "staff number {} is already registered at this trust (record {}); change that record instead",
                valid.staff.staff_number, existing.id
            )));
        }
        let id = records::insert(&txn, &valid, chrono::Utc::now()).await?;
        commit_one(txn, actor, Kind::Staff, (id, "create"), None).await?;
        self.staff_record(id).await
    }

    /// Reads a record the actor may see, and audits the read.
    pub async fn read_staff(&self, actor: &Actor, id: i32) -> Result<StaffRecord> {
        let record = self.readable_staff(actor, id).await?;
        self.audit_read(actor, "staff", id, None).await?;
        record.to_record(&*self.catalogue().await?)
    }

    /// Changes the fields `patch` gives, by the same rules as a new record; a status change
    /// must be a legal move of the case workflow. A staff member may change only their
    /// preferences.
    pub async fn change_staff(
        &self,
        actor: &Actor,
        id: i32,
        patch: StaffDraft,
    ) -> Result<StaffRecord> {
        let record = self.readable_staff(actor, id).await?;
        if !actor.may_change_staff(record.row.trust_id, record.row.id) {
            return Err(Error::NotFound("staff record"));
        }
        actor.check_self_service(&patch.given_fields())?;
        let catalogue = self.catalogue().await?;
        let before = CaseStatus::from_code(&record.row.status)
            .ok_or_else(|| Error::unreadable_row("staff", record.row.id, "unknown case status"))?;
        let merged = record.to_draft(&catalogue).overlay(patch);
        let valid = self.check_staff(&merged).await?;
        if valid.staff.status != before {
            before
                .transition(valid.staff.status)
                .map_err(|e| Error::Conflict(e.to_string()))?;
        }
        if actor.role != Role::Staff && !actor.may_manage_trust(valid.trust_id) {
            return Err(Error::Invalid(vec![FieldError::new(
                "trust",
                "you cannot move a record to another trust",
            )]));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        let now = chrono::Utc::now();
        let ends_in_redundancy =
            valid.staff.status == CaseStatus::Redundant && before != CaseStatus::Redundant;
        let updated = records::update(&txn, record.row, &valid, now).await?;
        if ends_in_redundancy {
            self.record_redundancy(&txn, &updated, actor.user_id, now)
                .await?;
        }
        let detail = (valid.staff.status != before)
            .then(|| format!("status {} → {}", before.code(), valid.staff.status.code()));
        commit_one(txn, actor, Kind::Staff, (id, "update"), detail).await?;
        self.staff_record(id).await
    }

    /// One page of the staff records the actor may see, by name; the read is audited with
    /// the ids shown.
    pub async fn list_staff(
        &self,
        actor: &Actor,
        asked: &StaffListFilter,
        page: PageRequest,
    ) -> Result<Paged<StaffListed>> {
        let scope = actor.staff_scope()?;
        let catalogue = self.catalogue().await?;
        let mut errors = Vec::new();
        let mut filter = StaffFilter {
            trust_id: catalogue.trust_filter(asked.trust.as_deref(), &mut errors),
            ..StaffFilter::default()
        };
        if let Some(status) = asked.status.as_deref().filter(|s| !s.trim().is_empty()) {
            match CaseStatus::from_code(status) {
                Some(s) => filter.status = Some(s.code().to_owned()),
                None => errors.push(FieldError::new(
                    "status",
                    format!(
                        "\"{status}\" is not a case status; use one of {}",
                        CaseStatus::codes_list()
                    ),
                )),
            }
        }
        if let Some(band) = asked.band.as_deref().filter(|b| !b.trim().is_empty()) {
            match Band::parse(band) {
                Ok(b) => filter.band = Some(b.code().to_owned()),
                Err(e) => errors.push(FieldError::new("band", e.to_string())),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let (rows, total) = records::list(self.db(), scope, &filter, page).await?;
        let shown: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        audit::record(
            self.db(),
            &actor.audit(),
            "list",
            "staff",
            None,
            Some(format!("ids {}", shown.join(","))),
        )
        .await?;
        let catalogue = self.catalogue().await?;
        let listed = rows
            .iter()
            .map(|row| row.listed(&catalogue))
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged::new(listed, page, total))
    }
}
