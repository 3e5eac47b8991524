//! `/metrics`: what an operator's Prometheus scrapes. The counts follow what people do (a list
//! read, a redeployment, its savings), no series names a person, and the exposition passes
//! Prometheus's own checker, `promtool check metrics` (Debian package `prometheus`).

use axum::http::{Method, StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use store::entities::outcome;

use crate::helpers::{TestApp, create, people};
use crate::workflow;

/// The value of the one sample of `name` whose labels include every one of `labels`
/// (written as `key="value"`), or none.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let reply = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "{:?}",
        reply.headers
    );
    reply.body.as_str().unwrap().to_owned()
}

/// Runs `promtool check metrics` over `text`, as CI does against the release binary.
fn promtool_check(text: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool runs: install Debian's `prometheus` package (.ci/run does)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "promtool found problems:\n{}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
}

#[tokio::test]
async fn metrics_count_requests_rankings_moves_and_savings_and_name_no_one() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let before = scrape(&app).await;
    assert_eq!(
        sample(
            &before,
            "redeploy_transitions_total",
            &[r#"to="redeployed""#]
        ),
        Some(0.0),
        "every status is shown from the start:\n{before}"
    );
    assert_eq!(sample(&before, "redeploy_redeployments", &[]), Some(0.0));

    let nurse = workflow::nurse(&app, "M1", "RJZ").await;
    let staff_id = create(&app, &p.hr_kings, "/api/v1/staff", nurse).await;
    let post = workflow::ward_post(&app, "M-W1").await;
    let vacancy = create(&app, &p.hr_kings, "/api/v1/vacancies", post).await;
    let candidates = format!("/api/v1/vacancies/{vacancy}/candidates");
    for _ in 0..3 {
        let reply = app
            .call(Method::GET, &candidates, Some(&p.hr_kings), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let pair = format!("{staff_id}-{vacancy}");
    workflow::moves_through(&app, &p.admin, &pair, &workflow::path_to_redeployment()).await;

    let after = scrape(&app).await;
    let route = r#"route="/api/v1/vacancies/{id}/candidates""#;
    assert_eq!(
        sample(
            &after,
            "redeploy_http_requests_total",
            &[route, r#"method="GET""#, r#"status="200""#]
        ),
        Some(3.0),
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "redeploy_http_request_duration_seconds_count",
            &[route]
        ),
        Some(3.0)
    );
    assert!(
        sample(
            &after,
            "redeploy_ranking_requests_total",
            &[r#"list="candidates""#]
        )
        .is_some_and(|n| n >= 1.0),
        "{after}"
    );
    for status in [
        "interested",
        "shortlisted",
        "interview",
        "offered",
        "trial",
        "redeployed",
    ] {
        assert_eq!(
            sample(
                &after,
                "redeploy_transitions_total",
                &[&format!(r#"to="{status}""#)]
            ),
            Some(1.0),
            "{status}"
        );
    }
    assert_eq!(
        sample(&after, "redeploy_redeployments_confirmed_total", &[]),
        Some(1.0)
    );
    assert_eq!(sample(&after, "redeploy_redeployments", &[]), Some(1.0));
    let recorded = outcome::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        sample(
            &after,
            "redeploy_savings_gbp",
            &[r#"figure="conservative""#]
        ),
        Some(recorded[0].conservative_pence as f64 / 100.0)
    );
    assert_eq!(
        sample(&after, "redeploy_cases", &[r#"status="redeployed""#]),
        Some(1.0)
    );
    assert_eq!(
        sample(&after, "redeploy_cases", &[r#"status="active""#]),
        Some(0.0)
    );
    assert!(sample(&after, "redeploy_db_pool_max_connections", &[]).is_some_and(|n| n >= 1.0));
    // The candidate's emails about the moves (shortlisted, interview, offer, trial) wait.
    let waiting = store::entities::email_outbox::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert!(waiting >= 4, "{waiting}");
    assert_eq!(
        sample(&after, "redeploy_outbox_depth", &[]),
        Some(waiting as f64)
    );

    for private in ["Nurse M1", "M1@nhs.net", &pair, &format!("/{vacancy}/")] {
        assert!(
            !after.contains(private),
            "{private} is in the metrics:\n{after}"
        );
    }
    promtool_check(&after);
    app.finish().await;
}

#[tokio::test]
async fn a_queued_invitation_shows_in_the_outbox_depth_and_age() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    workflow::invited_nurse(&app, &p.hr_kings, "M2").await;
    let text = scrape(&app).await;
    assert_eq!(
        sample(&text, "redeploy_outbox_depth", &[]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "redeploy_emails_total", &[r#"event="queued""#]),
        Some(1.0)
    );
    assert!(sample(&text, "redeploy_outbox_oldest_age_seconds", &[]).is_some_and(|s| s >= 0.0));
    promtool_check(&text);
    app.finish().await;
}
