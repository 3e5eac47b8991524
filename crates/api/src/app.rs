//! The one constructor of the service, used by `redeploy serve` and by the tests alike:
//! connect, migrate, load reference data (and the demo data set when asked), bring the stored
//! matches up to date with the `[matching]` settings, start the email delivery loop, and serve
//! the router. A test runs the service exactly as production does.

use axum::Router;
use domain::ReferenceData;
use store::demo_store::DemoStart;
use store::{Settings, Store};

use crate::router::router;
use crate::state::AppState;

/// What to do at start beyond the usual.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// Load this demo data set into an empty database.
    pub demo: Option<store::demo_store::DemoSpec>,
    /// Compose due emails and deliver queued ones in the background (tests that read the
    /// outbox turn both off).
    pub without_email_delivery: bool,
}

/// What start-up found and did, for the command line to report.
#[derive(Debug, Default)]
pub struct Started {
    pub demo: Option<DemoStart>,
    /// The match index as loaded before the service reported ready.
    pub index: IndexLoaded,
}

/// How much the match index holds, and how long it took to load.
#[derive(Debug, Default)]
pub struct IndexLoaded {
    pub staff: usize,
    pub vacancies: usize,
    pub load_time: std::time::Duration,
}

/// The running service: its store and its router.
#[derive(Debug, Clone)]
pub struct App {
    state: AppState,
}

impl App {
    /// Connects to the configured database and builds the router, which answers `/healthz`
    /// at once and `/readyz` with 503 until [`App::start`] has finished.
    pub async fn connect(settings: Settings, reference: ReferenceData) -> anyhow::Result<App> {
        let store = Store::connect(settings, reference).await?;
        Ok(App {
            state: AppState::new(store),
        })
    }

    /// Migrates, loads reference data (and the demo data set when asked), loads the match
    /// index, starts email delivery, and then reports ready.
    pub async fn start(&self, startup: &Startup) -> anyhow::Result<Started> {
        let store = self.store();
        let counts = store.prepare().await?;
        tracing::info!(
            trusts = counts.trusts,
            sites = counts.sites,
            districts = counts.districts,
            skills = counts.skills,
            "reference data loaded"
        );
        let mut started = Started::default();
        if let Some(spec) = &startup.demo {
            started.demo = Some(store.start_demo(spec).await?);
        }
        let loading = std::time::Instant::now();
        let index = store
            .warm_matches()
            .await
            .map_err(|e| anyhow::anyhow!("loading the match index: {e}"))?;
        started.index = IndexLoaded {
            staff: index.staff_count(),
            vacancies: index.vacancy_count(),
            load_time: loading.elapsed(),
        };
        if !startup.without_email_delivery {
            store::outbox::start_delivery(store.clone())?;
            store::notices::start_notices(store.clone());
        }
        self.state.mark_ready();
        if let Some(store::demo_store::DemoStart::Loaded(loaded)) = &started.demo
            && let Some(past) = loaded.past_to_record.clone()
        {
            let store = store.clone();
            tokio::spawn(async move {
                let recording = std::time::Instant::now();
                match store.record_past_cases(&past).await {
                    Ok(()) => tracing::info!(
                        cases = past.len(),
                        seconds = recording.elapsed().as_secs_f64(),
                        "the demo's past cases are recorded"
                    ),
                    Err(error) => {
                        tracing::error!(%error, "the demo's past cases could not be recorded")
                    }
                }
            });
        }
        Ok(started)
    }

    /// Connects and starts: the service ready to serve.
    pub async fn build(
        settings: Settings,
        reference: ReferenceData,
        startup: Startup,
    ) -> anyhow::Result<App> {
        let app = App::connect(settings, reference).await?;
        app.start(&startup).await?;
        Ok(app)
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// The router with every route, over this app's state.
    pub fn router(&self) -> Router {
        router(self.state.clone())
    }
}
