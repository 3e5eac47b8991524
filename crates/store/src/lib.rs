//! Persistence: the one crate that knows the database. It owns the sea-orm entities,
//! connecting and migrating, loading reference and demo data and postcode positions, and one
//! operation per thing the service does (register a staff member, change a vacancy, upload a
//! file, sign in, invite, list matches, …). Each operation checks who is asking (`authz`) and
//! what they sent, writes, audits and logs the change in one unit of work, and answers in
//! domain values or an [`Error`] that says what to fix.
//!
//! JSON handlers, pages, the CLI and background loops all call these operations, so none of
//! them repeats a transaction. This crate knows no HTTP: no axum, no status codes.

pub mod admin;
pub mod api_tokens;
pub mod audit;
pub mod authz;
pub mod awaiting;
pub mod catalogue;
pub mod checks;
pub mod config;
pub mod db;
pub mod demo_store;
pub mod entities;
pub mod error;
pub mod import;
pub mod invitations;
pub mod lenient;
pub mod match_index;
pub mod matches;
pub mod matching;
pub mod metrics;
pub mod notices;
pub mod outbox;
pub mod paging;
pub mod passwords;
pub mod postcodes;
pub mod reference_admin;
pub mod reference_store;
pub mod reports;
pub mod sessions;
pub mod skills_store;
pub mod staff;
mod store_support;
pub mod tokens;
mod unit_of_work;
pub mod users;
pub mod vacancies;
pub mod workflow;

use std::sync::{Arc, RwLock};

use chrono::{NaiveDate, Utc};
use domain::ReferenceData;
use sea_orm::DatabaseConnection;

pub use authz::Actor;
pub use catalogue::Catalogue;
pub use config::{CommandLine, Settings};
pub use entities::typed::{StaffListed, StaffRecord, VacancyListed, VacancyRecord};
pub use error::{Error, FieldError, Result};
pub use paging::{PageRequest, Paged, SharedPage};

use crate::match_index::MatchIndex;
use crate::staff::draft::CheckContext;

/// The database and everything an operation needs besides its own arguments: the settings,
/// the reference data, the trusts and sites as stored, and this instance's match index.
/// Cheap to clone; every clone shares one connection pool.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    settings: Settings,
    reference: ReferenceData,
    /// The trusts, sites and vocabulary as last read; replaced whole when the change log
    /// shows a newer reference change (made here or by another instance).
    catalogue: RwLock<Arc<Catalogue>>,
    matches: MatchIndex,
    read_audit: audit::ReadAudit,
    metrics: metrics::Metrics,
}

impl std::fmt::Debug for Store {
    /// Never prints the database URL, which may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.inner.db.get_database_backend())
            .finish_non_exhaustive()
    }
}

/// What loading the reference data stored.
pub use reference_store::ReferenceCounts;

impl Store {
    /// Opens the configured database (creating the data folder first). The schema is not
    /// touched until [`Store::prepare`].
    pub async fn connect(settings: Settings, reference: ReferenceData) -> Result<Store> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the data folder {}: {e}",
                settings.data_dir.display()
            )
        })?;
        let db = db::connect(&settings.database_url(), settings.database.max_connections)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        Ok(Store::with_connection(db, settings, reference))
    }

    /// A store over a connection that is already open (another instance on the same database).
    pub fn with_connection(
        db: DatabaseConnection,
        settings: Settings,
        reference: ReferenceData,
    ) -> Store {
        Store {
            inner: Arc::new(Inner {
                db,
                settings,
                catalogue: RwLock::new(Arc::new(Catalogue::empty(reference.vocabulary.clone()))),
                matches: MatchIndex::new(),
                reference,
                read_audit: audit::ReadAudit::default(),
                metrics: metrics::Metrics::new(),
            }),
        }
    }

    /// Migrates the schema and loads the reference data (both idempotent), then reads the
    /// trusts and sites every check uses.
    pub async fn prepare(&self) -> Result<ReferenceCounts> {
        db::migrate(self.db())
            .await
            .map_err(|e| anyhow::anyhow!("migrating the database: {e}"))?;
        let counts = reference_store::load_reference_data(self.db(), &self.inner.reference)
            .await
            .map_err(|e| anyhow::anyhow!("loading reference data: {e}"))?;
        self.reload_catalogue().await?;
        Ok(counts)
    }

    /// Reads the trusts, sites and vocabulary again.
    pub async fn reload_catalogue(&self) -> Result<()> {
        let fresh = Arc::new(Catalogue::load(self.db()).await?);
        let mut held = self
            .inner
            .catalogue
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Two requests may reload at once; the newer read stays.
        if fresh.revision() >= held.revision() {
            *held = fresh;
        }
        Ok(())
    }

    /// The connection pool, for operations and loaders in this crate and for tests.
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The reference data this release ships (stored on start; the catalogue is what is
    /// stored now, with admin's changes).
    pub fn reference(&self) -> &ReferenceData {
        &self.inner.reference
    }

    /// The trusts, sites and skills vocabulary as stored now, with every change any instance
    /// has committed: one indexed read of the change log, and the catalogue read again only
    /// when it has changed.
    pub async fn catalogue(&self) -> Result<Arc<Catalogue>> {
        let newest = match_index::reference_revision(self.db()).await?;
        if newest > self.catalogue_held().revision() {
            self.reload_catalogue().await?;
        }
        Ok(self.catalogue_held())
    }

    /// The catalogue as held when it knows trust `trust` (or no trust is asked about), else as
    /// stored now. An ODS code never changes once stored, so what a session needs of a trust
    /// it already knows costs no read.
    pub(crate) async fn catalogue_knowing(&self, trust: Option<i32>) -> Result<Arc<Catalogue>> {
        let held = self.catalogue_held();
        match trust {
            Some(id) if held.trust(id).is_none() => self.catalogue().await,
            _ => Ok(held),
        }
    }

    /// The catalogue as last read, for shaping what a fresh match snapshot holds (taking the
    /// snapshot has already brought the catalogue up to the changes it saw).
    pub(crate) fn catalogue_held(&self) -> Arc<Catalogue> {
        self.inner
            .catalogue
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// This instance's match index: every profile in memory, caught up before each ranking.
    pub fn matches(&self) -> &MatchIndex {
        &self.inner.matches
    }

    /// Records in the audit log that `actor` read `entity` `id`, returning once it is
    /// committed (with other reads' rows, in one transaction).
    pub async fn audit_read(
        &self,
        actor: &Actor,
        entity: &str,
        id: impl ToString,
        detail: Option<String>,
    ) -> Result<()> {
        self.inner
            .read_audit
            .record(
                self.db(),
                &actor.audit(),
                entity,
                Some(id.to_string()),
                detail,
            )
            .await?;
        Ok(())
    }

    /// The match index as of every change committed so far, for today.
    /// A snapshot that has seen a reference change brings the catalogue up to it first.
    pub async fn match_snapshot(&self) -> Result<Arc<match_index::Snapshot>> {
        let snapshot = self.matches().snapshot(self.db(), today()).await?;
        if snapshot.reference_revision() > self.catalogue_held().revision() {
            self.reload_catalogue().await?;
        }
        Ok(snapshot)
    }

    /// Loads the match index and builds its map grids, so that the first request ranks as
    /// quickly as the rest; returns the snapshot it made.
    pub async fn warm_matches(&self) -> Result<Arc<match_index::Snapshot>> {
        let snapshot = self.match_snapshot().await?;
        let no_decisions = matcher::Exclusions::new();
        snapshot.warm(matcher::RankContext {
            policy: &self.settings().matching,
            today: snapshot.today(),
            exclusions: &no_decisions,
        });
        Ok(snapshot)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db().ping().await.map_err(Error::from)
    }

    /// Closes the connection pool.
    pub async fn close(&self) {
        self.db().clone().close().await.ok();
    }

    /// What checking entered records needs, for `today`; `placed` remembers the free-text
    /// skills already placed in this piece of work.
    pub fn check_context<'a>(
        &'a self,
        catalogue: &'a Catalogue,
        today: NaiveDate,
        placed: &'a checks::PlacedSkills,
    ) -> CheckContext<'a> {
        CheckContext {
            catalogue,
            placed,
            vocabulary: catalogue.vocabulary(),
            similarity_threshold: self.settings().matching.skill_similarity_threshold,
            default_max_travel_minutes: self.settings().matching.default_max_travel_minutes,
            today,
        }
    }
}

/// Today, in UTC, as every operation counts days.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
