//! What people do with vacancies: register one, read it, change or close it, list them. Each
//! operation decides access through `authz`, checks the vacancy by the same rules however it
//! arrives, and writes, audits and logs the change for the match index in one transaction.

use domain::{Role, VacancyStatus};

use crate::Store;
use crate::authz::{Actor, VacancyScope};
use crate::checks::PlacedSkills;
use crate::entities::typed::{VacancyListed, VacancyRecord};
use crate::error::{Error, FieldError, Result};
use crate::paging::{PageRequest, Paged};
use crate::unit_of_work::{Kind, commit_one};
use crate::vacancies::draft::VacancyDraft;
use crate::vacancies::records::{self, StoredVacancy, VacancyFilter};

/// The vacancy list's filters as people give them (ODS code, status).
#[derive(Debug, Clone, Default)]
pub struct VacancyListFilter {
    pub trust: Option<String>,
    pub status: Option<String>,
    /// The trust's own reference, exactly as its advert gives it.
    pub reference: Option<String>,
}

impl Store {
    /// A vacancy as it is stored now, as a domain value.
    async fn vacancy_record(&self, id: i32) -> Result<VacancyRecord> {
        records::load(self.db(), id)
            .await?
            .ok_or(Error::NotFound("vacancy"))?
            .to_record(&*self.catalogue().await?)
    }

    /// A vacancy the actor may read, or not found.
    async fn readable_vacancy(&self, actor: &Actor, id: i32) -> Result<StoredVacancy> {
        let record = records::load(self.db(), id)
            .await?
            .ok_or(Error::NotFound("vacancy"))?;
        if actor.may_read_vacancy(record.row.trust_id, &record.row.status)? {
            Ok(record)
        } else {
            Err(Error::NotFound("vacancy"))
        }
    }

    /// The day a vacancy posted on `posted_on` stops being held for redeployees.
    pub fn ring_fence_ends(&self, posted_on: chrono::NaiveDate) -> chrono::NaiveDate {
        domain::calendar::add_working_days(
            posted_on,
            self.settings().matching.ring_fence_working_days,
        )
    }

    /// Registers a vacancy for the actor's trust (any trust, for admin); it is held for
    /// redeployees from today.
    pub async fn register_vacancy(
        &self,
        actor: &Actor,
        draft: &VacancyDraft,
    ) -> Result<VacancyRecord> {
        actor.require_role(&[Role::TrustHr, Role::Admin], "Registering vacancies")?;
        let catalogue = self.catalogue().await?;
        let today = crate::today();
        let valid = draft
            .check(
                &self.check_context(&catalogue, today, &PlacedSkills::default()),
                today,
            )
            .map_err(Error::Invalid)?;
        if valid.vacancy.status != VacancyStatus::Open {
            return Err(Error::Invalid(vec![FieldError::new(
                "status",
                "a new vacancy is always open; leave status out",
            )]));
        }
        if !actor.may_manage_trust(valid.trust_id) {
            return Err(Error::Forbidden(format!(
                "you can register vacancies only for your own trust ({})",
                actor.trust.clone().unwrap_or_default()
            )));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        if let Some(existing) =
            records::find_by_reference(&txn, valid.trust_id, &valid.vacancy.reference).await?
        {
            return Err(Error::Conflict(format!(
                "vacancy reference {} is already registered at this trust (vacancy {}); change that vacancy instead",
                valid.vacancy.reference, existing.id
            )));
        }
        let id = records::insert(&txn, &valid, chrono::Utc::now()).await?;
        commit_one(txn, actor, Kind::Vacancy, (id, "create"), None).await?;
        self.vacancy_record(id).await
    }

    /// Reads a vacancy the actor may see.
    pub async fn read_vacancy(&self, actor: &Actor, id: i32) -> Result<VacancyRecord> {
        self.readable_vacancy(actor, id)
            .await?
            .to_record(&*self.catalogue().await?)
    }

    /// Changes the fields `patch` gives, by the same rules as a new vacancy; `status` moves
    /// `open` → `filled` or `withdrawn`, and back to `open` to undo a mistake.
    pub async fn change_vacancy(
        &self,
        actor: &Actor,
        id: i32,
        patch: VacancyDraft,
    ) -> Result<VacancyRecord> {
        actor.require_role(&[Role::TrustHr, Role::Admin], "Changing vacancies")?;
        let record = self.readable_vacancy(actor, id).await?;
        if !actor.may_manage_trust(record.row.trust_id) {
            return Err(Error::NotFound("vacancy"));
        }
        let catalogue = self.catalogue().await?;
        let before = record.row.vacancy_status()?;
        let posted_on = record.row.posted_on;
        let merged = record.to_draft(&catalogue).overlay(patch);
        let valid = merged
            .check(
                &self.check_context(&catalogue, crate::today(), &PlacedSkills::default()),
                posted_on,
            )
            .map_err(Error::Invalid)?;
        if valid.vacancy.status != before {
            before
                .transition(valid.vacancy.status)
                .map_err(|e| Error::Conflict(e.to_string()))?;
        }
        let ring_fenced = crate::today() < self.ring_fence_ends(posted_on);
        if valid.vacancy.status == VacancyStatus::Filled && ring_fenced {
            self.check_ring_fence(id, posted_on).await?;
        }
        if !actor.may_manage_trust(valid.trust_id) {
            return Err(Error::Invalid(vec![FieldError::new(
                "trust",
                "you cannot move a vacancy to another trust",
            )]));
        }
        let txn = crate::db::begin_write(self.db()).await?;
        records::update(&txn, record.row, &valid, chrono::Utc::now()).await?;
        let detail = (valid.vacancy.status != before)
            .then(|| format!("status {} → {}", before.code(), valid.vacancy.status.code()));
        commit_one(txn, actor, Kind::Vacancy, (id, "update"), detail).await?;
        self.vacancy_record(id).await
    }

    /// One page of the vacancies the actor may see, soonest closing first.
    pub async fn list_vacancies(
        &self,
        actor: &Actor,
        asked: &VacancyListFilter,
        page: PageRequest,
    ) -> Result<Paged<VacancyListed>> {
        let scope = actor.vacancy_scope()?;
        let catalogue = self.catalogue().await?;
        let mut errors = Vec::new();
        let mut filter = VacancyFilter {
            reference: asked
                .reference
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
            ..VacancyFilter::default()
        };
        let asked_trust = catalogue.trust_filter(asked.trust.as_deref(), &mut errors);
        if let Some(status) = asked.status.as_deref().filter(|s| !s.trim().is_empty()) {
            match VacancyStatus::from_code(status) {
                Some(s) => filter.status = Some(s.code().to_owned()),
                None => errors.push(FieldError::new(
                    "status",
                    format!(
                        "\"{status}\" is not a vacancy status; use one of {}",
                        VacancyStatus::codes_list()
                    ),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let nothing = || Ok(Paged::new(Vec::new(), page, 0));
        match scope {
            VacancyScope::All => filter.trust_id = asked_trust,
            VacancyScope::Trust(own) => {
                // Another trust's vacancies are outside trust HR's reach: none of them is listed.
                if asked_trust.is_some_and(|t| t != own) {
                    return nothing();
                }
                filter.trust_id = Some(own);
            }
            VacancyScope::Open => {
                filter.trust_id = asked_trust;
                if filter
                    .status
                    .as_deref()
                    .is_some_and(|s| s != VacancyStatus::Open.code())
                {
                    return nothing();
                }
                filter.status = Some(VacancyStatus::Open.code().to_owned());
            }
        }
        let (rows, total) = records::list(self.db(), &filter, page).await?;
        let listed = rows
            .iter()
            .map(|row| row.listed(&catalogue))
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged::new(listed, page, total))
    }
}
