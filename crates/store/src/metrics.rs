//! What the service counts, for Prometheus (DESIGN §3, `/metrics`): one [`Metrics`] per
//! [`Store`], every metric registered once when it is made.
//!
//! Two kinds of figure live here. Events this instance saw (requests, rankings, transitions,
//! emails sent) are counters and histograms that operations add to as they happen. Figures
//! that are true of the database as a whole (cases by status, the outbox, redeployments and
//! the savings recorded) are read from it when metrics are asked for, so that every instance
//! sharing one PostgreSQL reports the same and a restart loses nothing.
//!
//! Must never: label a metric with anything that names or identifies a person (ids, emails,
//! raw paths), or with a value people choose, which would let the number of series grow
//! without bound: routes are the matched templates, statuses are the workflow's codes.

use std::time::Duration;

use domain::{CaseStatus, MatchStatus};
use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect,
};

use crate::Store;
use crate::entities::{email_outbox, outcome, staff};
use crate::error::Result;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets in seconds: fine below 10 ms, where the service's answers are, and wide
/// enough above to show an upload or a slow database.
const LATENCY_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Ranking one list takes microseconds, and a fresh England-scale ranking milliseconds.
const RANKING_BUCKETS: &[f64] = &[
    0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
];

/// Every metric the service exposes.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    ranking_requests: IntCounterVec,
    ranking_seconds: HistogramVec,
    transitions: IntCounterVec,
    redeployments_confirmed: IntCounter,
    emails: IntCounterVec,
    redeployments_recorded: IntGauge,
    savings_recorded: GaugeVec,
    cases: IntGaugeVec,
    outbox_depth: IntGauge,
    outbox_oldest_seconds: Gauge,
    emails_stored: IntGaugeVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
}

/// An email's fate, as counted by `redeploy_emails_total`.
#[derive(Debug, Clone, Copy)]
pub enum EmailEvent {
    /// Written to the outbox with the change that caused it.
    Queued,
    /// Handed to the transport.
    Sent,
    /// A delivery attempt failed; it will be tried again.
    Failed,
    /// Every attempt failed; it waits for a person.
    Dead,
}

impl EmailEvent {
    fn label(self) -> &'static str {
        match self {
            EmailEvent::Queued => "queued",
            EmailEvent::Sent => "sent",
            EmailEvent::Failed => "failed",
            EmailEvent::Dead => "dead",
        }
    }
}

/// Which ranked list a ranking request asked for.
#[derive(Debug, Clone, Copy)]
pub enum RankedList {
    /// A staff member's matches.
    Matches,
    /// A vacancy's candidates.
    Candidates,
    /// One pair.
    Pair,
}

impl RankedList {
    fn label(self) -> &'static str {
        match self {
            RankedList::Matches => "matches",
            RankedList::Candidates => "candidates",
            RankedList::Pair => "pair",
        }
    }
}

impl Metrics {
    /// Makes and registers every metric.
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let metrics = Metrics {
            http_requests: IntCounterVec::new(
                Opts::new(
                    "redeploy_http_requests_total",
                    "HTTP requests answered, by matched route, method and status code.",
                ),
                &["route", "method", "status"],
            )
            .expect("a valid metric"),
            http_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "redeploy_http_request_duration_seconds",
                    "Time to answer an HTTP request, by matched route and method.",
                )
                .buckets(LATENCY_BUCKETS.to_vec()),
                &["route", "method"],
            )
            .expect("a valid metric"),
            ranking_requests: IntCounterVec::new(
                Opts::new(
                    "redeploy_ranking_requests_total",
                    "Ranked lists asked for: a person's matches, a vacancy's candidates, one pair.",
                ),
                &["list"],
            )
            .expect("a valid metric"),
            ranking_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "redeploy_ranking_duration_seconds",
                    "Time to rank a list, or to find it already ranked in the current snapshot.",
                )
                .buckets(RANKING_BUCKETS.to_vec()),
                &["list"],
            )
            .expect("a valid metric"),
            transitions: IntCounterVec::new(
                Opts::new(
                    "redeploy_transitions_total",
                    "Pairs moved along the case workflow by this instance, by the status moved to.",
                ),
                &["to"],
            )
            .expect("a valid metric"),
            redeployments_confirmed: IntCounter::new(
                "redeploy_redeployments_confirmed_total",
                "Redeployments confirmed through this instance since it started.",
            )
            .expect("a valid metric"),
            emails: IntCounterVec::new(
                Opts::new(
                    "redeploy_emails_total",
                    "Emails by what happened to them in this instance: queued, sent, failed (to be retried) or dead (given up).",
                ),
                &["event"],
            )
            .expect("a valid metric"),
            redeployments_recorded: IntGauge::new(
                "redeploy_redeployments",
                "Redeployments recorded in the database, all time.",
            )
            .expect("a valid metric"),
            savings_recorded: GaugeVec::new(
                Opts::new(
                    "redeploy_savings_gbp",
                    "Redundancy cost avoided by the recorded redeployments, in pounds sterling, as recorded: conservative or full (DESIGN §2).",
                ),
                &["figure"],
            )
            .expect("a valid metric"),
            cases: IntGaugeVec::new(
                Opts::new(
                    "redeploy_cases",
                    "At-risk staff cases in the database, by case status.",
                ),
                &["status"],
            )
            .expect("a valid metric"),
            outbox_depth: IntGauge::new(
                "redeploy_outbox_depth",
                "Emails waiting in the outbox to be sent.",
            )
            .expect("a valid metric"),
            outbox_oldest_seconds: Gauge::new(
                "redeploy_outbox_oldest_age_seconds",
                "How long the oldest email still waiting has waited; 0 when none waits.",
            )
            .expect("a valid metric"),
            emails_stored: IntGaugeVec::new(
                Opts::new(
                    "redeploy_outbox_emails",
                    "Emails in the outbox, by state: pending, sent or failed (dead).",
                ),
                &["state"],
            )
            .expect("a valid metric"),
            pool_connections: IntGaugeVec::new(
                Opts::new(
                    "redeploy_db_pool_connections",
                    "This instance's database connections, by state: in_use or idle.",
                ),
                &["state"],
            )
            .expect("a valid metric"),
            pool_max: IntGauge::new(
                "redeploy_db_pool_max_connections",
                "The most database connections this instance's pool may open.",
            )
            .expect("a valid metric"),
            registry,
        };
        metrics.register_all();
        metrics
    }

    fn register_all(&self) {
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(self.http_requests.clone()),
            Box::new(self.http_seconds.clone()),
            Box::new(self.ranking_requests.clone()),
            Box::new(self.ranking_seconds.clone()),
            Box::new(self.transitions.clone()),
            Box::new(self.redeployments_confirmed.clone()),
            Box::new(self.emails.clone()),
            Box::new(self.redeployments_recorded.clone()),
            Box::new(self.savings_recorded.clone()),
            Box::new(self.cases.clone()),
            Box::new(self.outbox_depth.clone()),
            Box::new(self.outbox_oldest_seconds.clone()),
            Box::new(self.emails_stored.clone()),
            Box::new(self.pool_connections.clone()),
            Box::new(self.pool_max.clone()),
        ];
        for collector in collectors {
            self.registry
                .register(collector)
                .expect("every metric has its own name");
        }
        // Every status shows, at 0 until it happens, so that a dashboard's series exist from
        // the start and a rate over them is defined.
        for status in MatchStatus::ALL {
            self.transitions.with_label_values(&[status.code()]);
        }
        for event in [
            EmailEvent::Queued,
            EmailEvent::Sent,
            EmailEvent::Failed,
            EmailEvent::Dead,
        ] {
            self.emails.with_label_values(&[event.label()]);
        }
    }

    /// Counts one answered HTTP request; `route` is the matched route's template.
    pub fn http_request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.http_requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.http_seconds
            .with_label_values(&[route, method])
            .observe(took.as_secs_f64());
    }

    /// Counts one ranked list asked for and the time it took.
    pub fn ranking(&self, list: RankedList, took: Duration) {
        self.ranking_requests
            .with_label_values(&[list.label()])
            .inc();
        self.ranking_seconds
            .with_label_values(&[list.label()])
            .observe(took.as_secs_f64());
    }

    /// Counts one committed move of a pair.
    pub fn transition(&self, to: MatchStatus) {
        self.transitions.with_label_values(&[to.code()]).inc();
        if to == MatchStatus::Redeployed {
            self.redeployments_confirmed.inc();
        }
    }

    /// Counts `n` emails that `event` happened to.
    pub fn emails(&self, event: EmailEvent, n: usize) {
        self.emails
            .with_label_values(&[event.label()])
            .inc_by(n as u64);
    }

    /// Times `work` as a ranking of `list`.
    pub fn timed_ranking<T>(&self, list: RankedList, work: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let answer = work();
        self.ranking(list, started.elapsed());
        answer
    }

    fn pool_use(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => return,
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(i64::from(size) - idle);
        self.pool_max.set(i64::from(max));
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

#[derive(Debug, FromQueryResult)]
struct CountBy {
    key: String,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct Recorded {
    n: i64,
    conservative: Option<i64>,
    full: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct Oldest {
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Store {
    /// This instance's metrics, for the operations and the HTTP layer that count events.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Every metric in the Prometheus text format, the database's figures read afresh.
    pub async fn metrics_text(&self) -> Result<String> {
        let metrics = self.metrics();
        let db = self.db();

        let cases = staff::Entity::find()
            .select_only()
            .column_as(staff::Column::Status, "key")
            .column_as(Expr::col(staff::Column::Id).count(), "n")
            .group_by(staff::Column::Status)
            .into_model::<CountBy>()
            .all(db)
            .await?;
        for status in CaseStatus::ALL {
            let n = cases
                .iter()
                .find(|row| row.key == status.code())
                .map_or(0, |row| row.n);
            metrics.cases.with_label_values(&[status.code()]).set(n);
        }

        let stored = email_outbox::Entity::find()
            .select_only()
            .column_as(email_outbox::Column::Status, "key")
            .column_as(Expr::col(email_outbox::Column::Id).count(), "n")
            .group_by(email_outbox::Column::Status)
            .into_model::<CountBy>()
            .all(db)
            .await?;
        for state in ["pending", "sent", "failed"] {
            let n = stored
                .iter()
                .find(|row| row.key == state)
                .map_or(0, |row| row.n);
            metrics.emails_stored.with_label_values(&[state]).set(n);
            if state == "pending" {
                metrics.outbox_depth.set(n);
            }
        }
        let oldest = email_outbox::Entity::find()
            .select_only()
            .column_as(
                Expr::col(email_outbox::Column::CreatedAt).min(),
                "created_at",
            )
            .filter(email_outbox::Column::Status.eq("pending"))
            .into_model::<Oldest>()
            .one(db)
            .await?
            .and_then(|row| row.created_at);
        let waited = oldest.map_or(0.0, |at| {
            Ord::max((chrono::Utc::now() - at).num_milliseconds(), 0) as f64 / 1000.0
        });
        metrics.outbox_oldest_seconds.set(waited);

        let sum = |column: outcome::Column| Expr::col(column).sum().cast_as(Alias::new("BIGINT"));
        let recorded = outcome::Entity::find()
            .select_only()
            .column_as(Expr::col(outcome::Column::Id).count(), "n")
            .column_as(sum(outcome::Column::ConservativePence), "conservative")
            .column_as(sum(outcome::Column::FullPence), "full")
            .filter(outcome::Column::Kind.eq(CaseStatus::Redeployed.code()))
            .into_model::<Recorded>()
            .one(db)
            .await?;
        if let Some(recorded) = recorded {
            let pounds = |pence: Option<i64>| pence.unwrap_or(0) as f64 / 100.0;
            metrics.redeployments_recorded.set(recorded.n);
            metrics
                .savings_recorded
                .with_label_values(&["conservative"])
                .set(pounds(recorded.conservative));
            metrics
                .savings_recorded
                .with_label_values(&["full"])
                .set(pounds(recorded.full));
        }

        metrics.pool_use(db);

        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&metrics.registry.gather(), &mut text)
            .map_err(|e| anyhow::anyhow!("writing the metrics: {e}"))?;
        String::from_utf8(text)
            .map_err(|e| anyhow::anyhow!("the metrics are not UTF-8: {e}").into())
    }
}
