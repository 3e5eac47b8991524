//! The partnership's report: counts and savings by group, the totals equal to the recorded
//! outcomes, small counts hidden so that no one can be singled out, CSV equal to JSON, and no
//! personal data.

use axum::http::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use store::entities::{match_record, outcome};

use crate::cli::run_redeploy;
use crate::helpers::{TestApp, create, people};
use crate::workflow;

/// A Band 6 nurse on a recorded salary of 40,000 at 0.8 WTE, in service since June 2015.
async fn nurse(app: &TestApp, number: &str, trust: &str) -> Value {
    let mut body = workflow::nurse(app, number, trust).await;
    body["salary"] = json!(40_000);
    body["wte"] = json!(0.8);
    body["continuous_service_start"] = json!("2015-06-01");
    body
}

async fn post(app: &TestApp, token: &str, reference: &str) -> i64 {
    let body = workflow::ward_post(app, reference).await;
    create(app, token, "/api/v1/vacancies", body).await
}

/// Takes a pair from suggestion to redeployment, as admin.
async fn redeploy(app: &TestApp, admin: &str, staff_id: i64, vacancy: i64) {
    let pair = format!("{staff_id}-{vacancy}");
    workflow::moves_through(app, admin, &pair, &workflow::path_to_redeployment()).await;
}

#[tokio::test]
async fn the_report_adds_up_hides_small_groups_and_names_no_one() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let mut kings = Vec::new();
    for n in 0..6 {
        kings.push(
            create(
                &app,
                &p.hr_kings,
                "/api/v1/staff",
                nurse(&app, &format!("K{n}"), "RJZ").await,
            )
            .await,
        );
    }
    let barts = create(
        &app,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(&app, "B0", "R1H").await,
    )
    .await;
    for (n, staff_id) in kings[..5].iter().chain([&barts]).enumerate() {
        let vacancy = post(&app, &p.hr_kings, &format!("W{n}")).await;
        redeploy(&app, &p.admin, *staff_id, vacancy).await;
    }

    let reply = app
        .call(
            Method::GET,
            "/api/v1/reports/summary?group_by=trust",
            Some(&p.analyst),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let summary = &reply.body;
    assert_eq!(summary["group_by"], "trust");
    assert_eq!(summary["suppress_below"], 5);
    let group = |key: &str| {
        summary["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("no group {key} in {summary}"))
    };
    // Barts' one redeployment is hidden, and King's five are withheld, or the totals would
    // give Barts' away; neither shows savings, a rate or a median.
    assert_eq!(group("R1H")["redeployments"], "<5");
    assert_eq!(group("RJZ")["redeployments"], "withheld");
    for key in ["R1H", "RJZ"] {
        for hidden in [
            "savings_conservative",
            "savings_full",
            "median_days_to_redeployment",
            "exact_match_rate",
        ] {
            assert!(group(key)[hidden].is_null(), "{key} {hidden}: {summary}");
        }
    }
    assert_eq!(group("RJZ")["active_cases"], "<5");
    assert_eq!(group("R1H")["active_cases"], 0);

    // The totals are the recorded outcomes, added up.
    let recorded = outcome::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(recorded.len(), 6);
    let sum =
        |pence: fn(&outcome::Model) -> i64| recorded.iter().map(pence).sum::<i64>() as f64 / 100.0;
    let totals = &summary["totals"];
    assert_eq!(totals["redeployments"], 6);
    assert_eq!(totals["active_cases"], "<5");
    assert_eq!(
        totals["savings_conservative"],
        sum(|o| o.conservative_pence)
    );
    assert_eq!(totals["savings_full"], sum(|o| o.full_pence));
    assert!(totals["savings_conservative"].as_f64().unwrap() > 0.0);
    assert_eq!(
        totals["exact_match_rate"]
            .as_f64()
            .map(|r| (0.0..=1.0).contains(&r)),
        Some(true)
    );

    // The same as CSV.
    let csv = app
        .call_with_headers(
            Method::GET,
            "/api/v1/reports/summary?group_by=trust",
            Some(&p.analyst),
            &[("accept", "text/csv")],
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.as_str().unwrap().to_owned();
    let total_row = text.lines().find(|l| l.starts_with("total,")).unwrap();
    let cells: Vec<&str> = total_row.split(',').collect();
    assert_eq!(cells[1], "6");
    assert_eq!(cells[3], "<5");
    assert_eq!(cells[7], format!("{:.2}", sum(|o| o.conservative_pence)));
    assert!(
        text.lines().any(|l| l.starts_with("RJZ,withheld,")),
        "{text}"
    );

    // The command line prints the same table.
    let (ok, printed, _) = run_redeploy(&app.url, "report", &["--group-by", "trust", "--csv"]);
    assert!(ok);
    assert_eq!(printed, text);
    let (ok, printed, _) = run_redeploy(&app.url, "report", &[]);
    assert!(ok);
    assert!(
        printed.starts_with("redeployments and savings from"),
        "{printed}"
    );
    assert!(
        printed
            .lines()
            .any(|l| l.trim_start().starts_with("total") && l.contains(" 6 ")),
        "{printed}"
    );
    let (ok, _, said) = run_redeploy(&app.url, "report", &["--group-by", "colour"]);
    assert!(!ok);
    assert!(
        said.contains("--group-by: 'colour' is not a grouping"),
        "{said}"
    );

    // No one is named, by name, email, staff number or id.
    let everything = format!("{summary}{text}");
    for person in ["Nurse", "@nhs.net", "K0", "B0", "staff_id"] {
        assert!(!everything.contains(person), "{person} in {everything}");
    }

    // Other roles may not read it; a bad grouping or date range says what to fix.
    let refused = app
        .call(
            Method::GET,
            "/api/v1/reports/summary",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = app
        .call(
            Method::GET,
            "/api/v1/reports/summary?group_by=colour&from=2026-12-01&to=2026-01-01",
            Some(&p.admin),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["group_by", "from"], "{}", bad.body);
    app.finish().await;
}

#[tokio::test]
async fn the_demos_past_cases_reach_their_outcomes_through_the_workflow_and_the_report_adds_them_up()
 {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let (ok, stdout, stderr) = run_redeploy(
        &app.url,
        "demo",
        &["--staff", "30", "--vacancies", "90", "--past-cases", "80"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("and 80 past cases taken to their outcomes"),
        "{stdout}"
    );

    let today = chrono::Utc::now().date_naive();
    let two_years_ago = today - chrono::Days::new(731);
    let ended = outcome::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(ended.len(), 80, "every past case reached an outcome");
    let redeployed: Vec<&outcome::Model> =
        ended.iter().filter(|o| o.kind == "redeployed").collect();
    let redundant = ended.iter().filter(|o| o.kind == "redundant").count();
    assert!(
        redeployed.len() >= 40,
        "most are redeployed: {}",
        redeployed.len()
    );
    assert!(redundant >= 5, "some end in redundancy: {redundant}");
    for done in &ended {
        assert!(
            (two_years_ago..today).contains(&done.decided_on),
            "{} is within the 24 months before today",
            done.decided_on
        );
    }

    // Each redeployment is a pair moved along the workflow, its savings those recorded.
    for done in &redeployed {
        let pair = match_record::Entity::find_by_id(done.match_id.unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let id = format!("{}-{}", pair.staff_id, pair.vacancy_id);
        let reply = app
            .call(
                Method::GET,
                &format!("/api/v1/matches/{id}"),
                Some(&p.admin),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let shown = &reply.body;
        assert_eq!(shown["status"], "redeployed");
        let history: Vec<&str> = shown["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["to"].as_str().unwrap())
            .collect();
        assert_eq!(history.first(), Some(&"interested"), "{shown}");
        assert_eq!(history.last(), Some(&"redeployed"), "{shown}");
        assert!(history.contains(&"trial"), "{shown}");
        assert_eq!(
            shown["savings"]["conservative"].as_f64(),
            Some(done.conservative_pence as f64 / 100.0)
        );
    }

    // The report over the two years counts them all, and its money is theirs.
    let reply = app
        .call(
            Method::GET,
            &format!("/api/v1/reports/summary?from={two_years_ago}&to={today}&group_by=month"),
            Some(&p.analyst),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let totals = &reply.body["totals"];
    assert_eq!(totals["redeployments"], redeployed.len());
    assert_eq!(totals["redundancies"], redundant);
    let saved: i64 = redeployed.iter().map(|o| o.conservative_pence).sum();
    assert_eq!(
        totals["savings_conservative"].as_f64(),
        Some(saved as f64 / 100.0)
    );
    let months = reply.body["groups"].as_array().unwrap().len();
    assert!(
        months >= 12,
        "the history spreads over the months: {months}"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_case_closed_as_redundant_is_counted_on_the_day_it_ended_with_the_pay_it_cost() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let body = nurse(&app, &format!("R{n}"), "RJZ").await;
        ids.push(create(&app, &p.hr_kings, "/api/v1/staff", body).await);
    }
    for id in &ids {
        let reply = app
            .call(
                Method::PATCH,
                &format!("/api/v1/staff/{id}"),
                Some(&p.hr_kings),
                Some(json!({"status": "redundant"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let today = chrono::Utc::now().date_naive();
    let ended = outcome::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(ended.len(), 5);
    for done in &ended {
        assert_eq!(done.kind, "redundant");
        assert_eq!(done.decided_on, today);
        // 40,000 a year at 0.8 WTE, completed years since June 2015 (11 in December 2026):
        // years × 32,000 / 12.
        let years = today
            .years_since(chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap())
            .unwrap();
        let due = f64::from(years) * 3_200_000.0 / 12.0;
        assert!(
            (done.redundancy_pay_pence as f64 - due).abs() < 1.0,
            "{} for {years} years",
            done.redundancy_pay_pence
        );
        assert_eq!(done.conservative_pence, 0, "a redundancy avoids nothing");
    }
    let month = format!("{}", today.format("%Y-%m"));
    let reply = app
        .call(
            Method::GET,
            "/api/v1/reports/summary?group_by=month",
            Some(&p.analyst),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let this_month = reply.body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == month)
        .cloned()
        .unwrap_or_else(|| panic!("no {month} in {}", reply.body));
    assert_eq!(this_month["redundancies"], 5);
    assert_eq!(reply.body["totals"]["redundancies"], 5);
    assert_eq!(reply.body["totals"]["redeployments"], 0);
    app.finish().await;
}
