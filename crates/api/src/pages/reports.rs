//! `/reports`: the partnership's savings dashboard. Redeployments and the redundancy costs they
//! avoided by trust, band, staff group or month, drawn as bar charts (SVG written here, with
//! the table beneath as their text alternative), with date filters, a CSV download and a print
//! stylesheet. The figures come from `Store::report_summary`, as `GET /api/v1/reports/summary`,
//! so the page shows the same small-number suppression and never a person.
//!
//! Must never: work out a figure itself, or show a count the report hides.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::Role;
use serde::Deserialize;
use store::reports::{Figures, Shown, Summary, SummaryRequest};

use super::{
    Nav, PageError, Problem, capitalised, form_guard, page_with_problems, pounds, problem_with,
    visitor,
};
use crate::state::AppState;

/// Who may see the dashboard.
const READERS: &[Role] = &[Role::Partnership, Role::Admin];

/// `?from=&to=&group_by=`, as the filter form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct ReportFilters {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    group_by: String,
}

impl ReportFilters {
    fn request(&self) -> SummaryRequest {
        let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        SummaryRequest {
            from: given(&self.from),
            to: given(&self.to),
            group_by: given(&self.group_by),
        }
    }
}

/// One bar of a chart: its label, its length as a share of the longest, and the figure in words.
struct Bar {
    label: String,
    /// Width in the chart's units (0 for a hidden figure).
    width: f64,
    /// The second, paler bar (full savings), when the chart has one.
    full_width: Option<f64>,
    text: String,
    y: f64,
}

/// A horizontal bar chart, one bar per group.
struct Chart {
    id: &'static str,
    title: String,
    description: String,
    height: f64,
    bars: Vec<Bar>,
}

/// The chart's geometry: labels in the first 215 units, bars in the next 330 (the template
/// places them), a line per group.
const BAR_SPACE: f64 = 330.0;
const ROW_HEIGHT: f64 = 26.0;

fn chart(
    id: &'static str,
    title: String,
    groups: &[(String, Option<f64>, Option<f64>, String)],
) -> Chart {
    let longest = groups
        .iter()
        .flat_map(|(_, main, full, _)| [*main, *full])
        .flatten()
        .fold(0.0_f64, f64::max);
    let scale = |value: f64| {
        if longest > 0.0 {
            (value.max(0.0) / longest) * BAR_SPACE
        } else {
            0.0
        }
    };
    let bars: Vec<Bar> = groups
        .iter()
        .enumerate()
        .map(|(i, (label, main, full, text))| Bar {
            label: label.clone(),
            width: main.map_or(0.0, scale),
            full_width: full.map(scale),
            text: text.clone(),
            y: i as f64 * ROW_HEIGHT,
        })
        .collect();
    Chart {
        id,
        description: format!(
            "{title}, one bar for each group. The same figures are in the table below the charts."
        ),
        title,
        height: (bars.len().max(1) as f64) * ROW_HEIGHT,
        bars,
    }
}

/// One row of the table beneath the charts.
struct Row {
    key: String,
    redeployments: String,
    trials: String,
    active: String,
    redundancies: String,
    exact_rate: String,
    median_days: String,
    conservative: String,
    full: String,
}

fn row(key: String, f: &Figures) -> Row {
    let blank = || "–".to_owned();
    Row {
        key,
        redeployments: f.redeployments.cell(),
        trials: f.trials_in_progress.cell(),
        active: f.active_cases.cell(),
        redundancies: f.redundancies.cell(),
        exact_rate: f
            .exact_match_rate
            .map_or_else(blank, |r| format!("{:.0}%", r * 100.0)),
        median_days: f
            .median_days_to_redeployment
            .map_or_else(blank, |d| format!("{d}")),
        conservative: f.savings_conservative.map_or_else(blank, pounds),
        full: f.savings_full.map_or_else(blank, pounds),
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    nav: Nav,
    from: String,
    to: String,
    group_by: String,
    group_label: &'static str,
    csv_href: String,
    suppress_below: u32,
    headline_redeployed: String,
    headline_saved: String,
    charts: Vec<Chart>,
    rows: Vec<Row>,
    totals: Row,
    problems: Vec<Problem>,
}

impl ReportsPage {
    fn problem_with(&self, field: &str) -> Option<&str> {
        problem_with(&self.problems, field)
    }
}

/// The words for a grouping.
fn group_label(code: &str) -> &'static str {
    match code {
        "band" => "band",
        "staff_group" => "staff group",
        "month" => "month",
        _ => "trust",
    }
}

/// A group's key as a reader knows it: a trust's name beside its code, a month in words.
fn key_label(catalogue: &store::Catalogue, group_by: &str, key: &str) -> String {
    match group_by {
        "trust" => catalogue
            .trust_by_code(key)
            .map_or_else(|| key.to_owned(), |t| format!("{} ({key})", t.name)),
        "month" => chrono::NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
            .map_or_else(|_| key.to_owned(), |d| d.format("%B %Y").to_string()),
        "band" => format!("Band {key}"),
        _ => key.to_owned(),
    }
}

fn count_of(shown: &Shown) -> Option<f64> {
    match shown {
        Shown::Count(n) => Some(*n as f64),
        Shown::Hidden(_) => None,
    }
}

fn dashboard(catalogue: &store::Catalogue, summary: &Summary, nav: Nav) -> ReportsPage {
    let group_by = summary.group_by.clone();
    let labelled: Vec<(String, &Figures)> = summary
        .groups
        .iter()
        .map(|g| (key_label(catalogue, &group_by, &g.key), &g.figures))
        .collect();
    let hidden_words = |shown: &Shown| match shown {
        Shown::Hidden(text) if text == "withheld" => "withheld".to_owned(),
        Shown::Hidden(text) => format!("{text} (hidden)"),
        Shown::Count(n) => n.to_string(),
    };
    let redeployments = chart(
        "chart-redeployments",
        format!("People redeployed by {}", group_label(&group_by)),
        &labelled
            .iter()
            .map(|(label, f)| {
                (
                    label.clone(),
                    count_of(&f.redeployments),
                    None,
                    hidden_words(&f.redeployments),
                )
            })
            .collect::<Vec<_>>(),
    );
    let savings = chart(
        "chart-savings",
        format!(
            "Redundancy costs avoided by {}: conservative (dark) and full (light)",
            group_label(&group_by)
        ),
        &labelled
            .iter()
            .map(|(label, f)| {
                let text = match (f.savings_conservative, f.savings_full) {
                    (Some(c), Some(full)) => format!("{} / {}", pounds(c), pounds(full)),
                    _ => "not shown".to_owned(),
                };
                (label.clone(), f.savings_conservative, f.savings_full, text)
            })
            .collect::<Vec<_>>(),
    );
    let query = format!(
        "from={}&to={}&group_by={}",
        summary.from, summary.to, group_by
    );
    ReportsPage {
        nav,
        from: summary.from.to_string(),
        to: summary.to.to_string(),
        group_label: group_label(&group_by),
        csv_href: format!("/reports/summary.csv?{query}"),
        suppress_below: summary.suppress_below,
        headline_redeployed: summary.totals.redeployments.cell(),
        headline_saved: summary
            .totals
            .savings_conservative
            .map_or_else(|| "–".to_owned(), pounds),
        charts: vec![redeployments, savings],
        rows: labelled
            .iter()
            .map(|(label, f)| row(label.clone(), f))
            .collect(),
        totals: row("All".to_owned(), &summary.totals),
        group_by,
        problems: Vec::new(),
    }
}

/// `GET /reports`: the dashboard for the filters given (a year to today by trust, by default).
pub async fn get_reports(
    State(state): State<AppState>,
    Query(filters): Query<ReportFilters>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, READERS).await?;
    let (guard, new) = form_guard(&parts.headers)?;
    let nav = Nav::for_role(actor.role, "/reports", &guard);
    let catalogue = state.store.catalogue().await?;
    let shown = match state.store.report_summary(&actor, &filters.request()).await {
        Ok(summary) => dashboard(&catalogue, &summary, nav),
        Err(store::Error::Invalid(fields)) => {
            // Show the default report beneath the filters that need correcting.
            let summary = state
                .store
                .report_summary(&actor, &SummaryRequest::default())
                .await?;
            let mut shown = dashboard(&catalogue, &summary, nav);
            shown.from = filters.from.clone();
            shown.to = filters.to.clone();
            shown.problems = fields
                .into_iter()
                .map(|f| Problem::new(&f.field, capitalised(&f.message)))
                .collect();
            shown
        }
        Err(other) => return Err(other.into()),
    };
    Ok(page_with_problems(
        &shown,
        &shown.problems,
        new.then_some(guard.as_str()),
    ))
}

/// `GET /reports/summary.csv`: the dashboard's table as a CSV file, for the same filters.
pub async fn get_reports_csv(
    State(state): State<AppState>,
    Query(filters): Query<ReportFilters>,
    parts: Parts,
) -> Result<Response, PageError> {
    let actor = visitor(&state, &parts, READERS).await?;
    let summary = state
        .store
        .report_summary(&actor, &filters.request())
        .await?;
    let name = format!(
        "attachment; filename=\"redeployment-summary-{}-{}-by-{}.csv\"",
        summary.from, summary.to, summary.group_by
    );
    let disposition =
        HeaderValue::from_str(&name).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        summary.csv(),
    )
        .into_response())
}
