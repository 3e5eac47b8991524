//! The HR and partnership journeys through the pages, driven as a browser without JavaScript
//! would: each form posted with the page's own guard and the cookies the service set. HR
//! uploads a file with a bad row and sees the row's message, fixes it, confirms, opens a
//! vacancy and moves a candidate to interview; the partnership reads and filters the
//! dashboard and downloads its CSV; and each role is refused another role's pages.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use store::entities::vacancy;

use crate::helpers::{PASSWORD, Reply, TestApp, create, people};
use crate::pages::{Browser, guard_on, location, post_sign_in};

/// A browser signed in as `email` through the sign-in page.
pub(crate) async fn signed_in_browser(app: &TestApp, email: &str) -> Browser {
    let mut browser = Browser::default();
    let form = browser.get(app, "/sign-in").await;
    let guard = guard_on(&form);
    let reply = post_sign_in(&mut browser, app, &guard, email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(browser.has("redeploy_session"));
    browser
}

/// Posts the upload form as a browser does: multipart, with the file.
async fn post_upload(
    browser: &mut Browser,
    app: &TestApp,
    guard: &str,
    kind: &str,
    file_name: &str,
    file: &[u8],
) -> Reply {
    const BOUNDARY: &str = "----redeploy-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("form_guard", guard), ("kind", kind)] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/upload")
        .header(header::ACCEPT, "text/html")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, browser.header())
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(request).await;
    browser.keep(&reply);
    reply
}

pub(crate) fn html(reply: &Reply) -> &str {
    reply.body.as_str().unwrap_or("")
}

/// The value of hidden field `name` on a page.
fn hidden(reply: &Reply, name: &str) -> String {
    html(reply)
        .split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no hidden {name} on {}", html(reply)))
        .to_owned()
}

/// Every `href` on a page that starts with `prefix`.
fn links(reply: &Reply, prefix: &str) -> Vec<String> {
    html(reply)
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// Follows every link on `page` as its reader would (signed in as they are): each answers
/// 200, after at most one redirect, so a link to a page that does not exist fails the test.
pub(crate) async fn every_link_answers(browser: &mut Browser, app: &TestApp, page: &Reply) {
    let mut followed = 0;
    for href in links(page, "/") {
        let target = href.split('#').next().unwrap_or_default().to_owned();
        if target.is_empty() {
            continue;
        }
        let mut reply = browser.get(app, &target).await;
        // A home that is another page (the partnership's is the dashboard) leads there.
        if reply.status == StatusCode::SEE_OTHER {
            let next = location(&reply).to_owned();
            assert_ne!(
                next, "/sign-in",
                "{target} asked a signed-in reader to sign in"
            );
            reply = browser.get(app, &next).await;
        }
        assert_eq!(reply.status, StatusCode::OK, "{target}: {}", html(&reply));
        followed += 1;
    }
    assert!(followed > 0, "no links on {}", html(page));
}

const VACANCY_HEADER: &str = "Job reference,Job title,Pay band,Staff group,Site,Hours,Closing date,Essential skills,Desirable skills,Registration required,Contact email";

fn vacancy_file(second_band: &str) -> Vec<u8> {
    format!(
        "{VACANCY_HEADER}\n\
         KCH-J1,Ward Sister,6,Nursing and Midwifery Registered,King's College Hospital (Denmark Hill),37.5,31/12/2099,Wound care,,NMC,recruitment@kch.nhs.uk\n\
         KCH-J2,Staff Nurse,{second_band},Nursing and Midwifery Registered,King's College Hospital (Denmark Hill),37.5,31/12/2099,Wound care,,NMC,recruitment@kch.nhs.uk\n"
    )
    .into_bytes()
}

async fn vacancies_stored(app: &TestApp) -> u64 {
    vacancy::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn hr_uploads_a_file_fixes_its_bad_row_and_moves_a_candidate_to_interview() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let nurse = crate::workflow::nurse(&app, "J1", "RJZ").await;
    let staff_id = create(&app, &p.hr_kings, "/api/v1/staff", nurse).await;
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;

    // Home: the active case is listed, nothing waits, no vacancy yet.
    let home = hr.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(html(&home).contains("<title>Home – Redeploy London</title>"));
    assert!(
        html(&home).contains("Waiting on you (0)"),
        "{}",
        html(&home)
    );
    assert!(html(&home).contains(&format!(r#"<a href="/staff/{staff_id}">Nurse J1</a>"#)));
    assert!(html(&home).contains("Open vacancies (0)"));

    // A file with one bad row: every problem by row and column, nothing written.
    let form = hr.get(&app, "/upload").await;
    assert_eq!(form.status, StatusCode::OK);
    let guard = guard_on(&form);
    let bad = post_upload(
        &mut hr,
        &app,
        &guard,
        "vacancies",
        "posts.csv",
        &vacancy_file("Band 99"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = html(&bad);
    assert!(
        page.contains("posts.csv has 1 problem. Nothing has been saved."),
        "{page}"
    );
    let row = page
        .split("<td class=\"nhsuk-table__cell\">3</td>")
        .nth(1)
        .expect("row 3 listed");
    assert!(row.contains("Pay band") && row.contains("Band 99"), "{row}");
    assert_eq!(vacancies_stored(&app).await, 0);

    // Neither a post without the guard nor one without a kind writes anything.
    let unguarded = post_upload(
        &mut hr,
        &app,
        "",
        "vacancies",
        "posts.csv",
        &vacancy_file("5"),
    )
    .await;
    assert_eq!(unguarded.status, StatusCode::BAD_REQUEST);
    let no_kind = post_upload(&mut hr, &app, &guard, "", "posts.csv", &vacancy_file("5")).await;
    assert_eq!(no_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&no_kind).contains(r##"<a href="#kind-vacancies">Select whether the file holds vacancies or at-risk staff</a>"##));

    // Fixed: a preview of what confirming does, still nothing written; then confirmed.
    let fixed = post_upload(
        &mut hr,
        &app,
        &guard,
        "vacancies",
        "posts.csv",
        &vacancy_file("5"),
    )
    .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", html(&fixed));
    assert!(html(&fixed).contains("Check and confirm the upload"));
    assert_eq!(vacancies_stored(&app).await, 0);
    let confirm = [
        ("form_guard", guard.clone()),
        ("kind", hidden(&fixed, "kind")),
        ("file_name", hidden(&fixed, "file_name")),
        ("file", hidden(&fixed, "file")),
    ];
    let fields: Vec<(&str, &str)> = confirm.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let saved = hr.post(&app, "/upload/confirm", &fields).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", html(&saved));
    assert!(html(&saved).contains("posts.csv is saved"));
    assert!(html(&saved).contains("2 vacancies added, 0 updated, 0 unchanged"));
    assert_eq!(vacancies_stored(&app).await, 2);

    // The home page lists both; the band 6 post has the nurse as an exact-match candidate.
    let home = hr.get(&app, "/").await;
    every_link_answers(&mut hr, &app, &home).await;
    assert!(html(&home).contains("Open vacancies (2)"));
    let ward_sister = links(&home, "/vacancies/")
        .into_iter()
        .find(|href| html(&home).contains(&format!(r#"<a href="{href}">Ward Sister</a>"#)))
        .expect("a link to the Ward Sister post");
    let vacancy_page = hr.get(&app, &ward_sister).await;
    assert_eq!(vacancy_page.status, StatusCode::OK);
    let page = html(&vacancy_page);
    assert!(page.contains("<h1>Ward Sister, band 6</h1>"), "{page}");
    assert!(page.contains("Nurse J1") && page.contains("Exact match"));
    assert!(page.contains("Has every essential skill: Wound care."));
    every_link_answers(&mut hr, &app, &vacancy_page).await;
    let pair_href = links(&vacancy_page, "/matches/").remove(0);
    let pair = pair_href.trim_start_matches("/matches/").to_owned();

    // The candidate says they are interested (admin acts for them here).
    let (status, _) =
        crate::workflow::move_pair(&app, &p.admin, &pair, json!({"to": "interested"})).await;
    assert_eq!(status, StatusCode::OK);
    let home = hr.get(&app, "/").await;
    assert!(html(&home).contains("Waiting on you (1)"));
    assert!(links(&home, "/matches/").contains(&pair_href));

    // Shortlist, then interview: without a date the form says what to enter.
    let pair_page = hr.get(&app, &pair_href).await;
    assert_eq!(pair_page.status, StatusCode::OK);
    assert!(html(&pair_page).contains(">Shortlist</button>"));
    let guard = guard_on(&pair_page);
    let moved = hr
        .post(
            &app,
            &pair_href,
            &[("form_guard", &guard), ("to", "shortlisted")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let pair_page = hr.get(&app, &pair_href).await;
    assert!(html(&pair_page).contains("Shortlisted"));
    assert!(html(&pair_page).contains(">Invite to interview</button>"));

    let undated = hr
        .post(
            &app,
            &pair_href,
            &[("form_guard", &guard), ("to", "interview")],
        )
        .await;
    assert_eq!(undated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&undated).contains("<title>Error: "));
    assert!(
        html(&undated).contains(r##"<a href="#interview-day">"##),
        "{}",
        html(&undated)
    );

    let not_a_date = [
        ("form_guard", guard.as_str()),
        ("to", "interview"),
        ("day", "31"),
        ("month", "2"),
        ("year", "2027"),
    ];
    let refused = hr.post(&app, &pair_href, &not_a_date).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("Enter a real date"));

    let dated = [
        ("form_guard", guard.as_str()),
        ("to", "interview"),
        ("day", "27"),
        ("month", "3"),
        ("year", "2027"),
    ];
    let moved = hr.post(&app, &pair_href, &dated).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", html(&moved));
    let pair_page = hr.get(&app, &pair_href).await;
    let page = html(&pair_page);
    assert!(page.contains("Shortlisted to Interview"), "{page}");
    assert!(page.contains("hr@kch.nhs.uk"));

    // The JSON API sees the same pair where the page left it.
    let shown = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{pair}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(shown.body["status"], "interview");
    assert_eq!(shown.body["history"][2]["to"], "interview");
    assert_eq!(
        shown.body["your_moves"],
        json!(["offered", "rejected_by_employer", "withdrawn"])
    );

    // The case page shows the pair where it has got to.
    let case = hr.get(&app, &format!("/staff/{staff_id}")).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(html(&case).contains("Interview"));

    // On to an offer, a trial from a date, and the redeployment: the page then shows the
    // redundancy cost it avoided, traced to its inputs, as the API records it.
    let offered = hr
        .post(
            &app,
            &pair_href,
            &[("form_guard", &guard), ("to", "offered")],
        )
        .await;
    assert_eq!(offered.status, StatusCode::SEE_OTHER, "{}", html(&offered));
    let trial = [
        ("form_guard", guard.as_str()),
        ("to", "trial"),
        ("day", "1"),
        ("month", "4"),
        ("year", "2027"),
    ];
    let started = hr.post(&app, &pair_href, &trial).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", html(&started));
    let pair_page = hr.get(&app, &pair_href).await;
    assert!(html(&pair_page).contains(">Extend the trial</button>"));
    assert!(html(&pair_page).contains(">Confirm the redeployment</button>"));
    let confirmed = hr
        .post(
            &app,
            &pair_href,
            &[("form_guard", &guard), ("to", "redeployed")],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&confirmed)
    );
    let pair_page = hr.get(&app, &pair_href).await;
    let page = html(&pair_page);
    assert!(page.contains("Redundancy cost avoided"), "{page}");
    every_link_answers(&mut hr, &app, &pair_page).await;
    assert!(
        !page.contains("Next step"),
        "a redeployment is final: {page}"
    );
    let shown = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{pair}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    let conservative = shown.body["savings"]["conservative"].as_f64().unwrap();
    assert!(
        page.contains(&format!("<strong>£{conservative:.2}</strong>")),
        "{page}"
    );
    assert!(
        page.contains(
            "Completed years of NHS service</dt><dd class=\"nhsuk-summary-list__value\">"
        )
    );
}

#[tokio::test]
async fn the_partnership_reads_filters_and_downloads_the_dashboard_with_small_counts_hidden() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    // One redeployment, so that its count is hidden and its savings never shown.
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        crate::workflow::nurse(&app, "R1", "RJZ").await,
    )
    .await;
    let vacancy_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        crate::workflow::ward_post(&app, "R-W1").await,
    )
    .await;
    let pair = format!("{staff_id}-{vacancy_id}");
    crate::workflow::moves_through(
        &app,
        &p.admin,
        &pair,
        &crate::workflow::path_to_redeployment(),
    )
    .await;

    let mut analyst = signed_in_browser(&app, "analyst@london.nhs.uk").await;
    let home = analyst.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/reports");
    let dashboard = analyst.get(&app, "/reports").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    let page = html(&dashboard);
    assert!(page.contains("<title>Savings dashboard – Redeploy London</title>"));
    assert!(page.contains(r#"<svg class="redeploy-chart" role="img""#));
    assert!(page.contains("<strong>&#60;5</strong>"), "{page}");
    assert!(
        !page.contains("Nurse R1"),
        "no personal data on the dashboard"
    );
    assert!(
        !page.contains('£'),
        "a hidden count's savings are never shown: {page}"
    );

    // By month, for this year: the filter's own form fields, sent as the browser sends them.
    let today = chrono::Utc::now().date_naive();
    let from = format!("{}-01-01", today.format("%Y"));
    let to = today.to_string();
    let by_month = analyst
        .get(
            &app,
            &format!("/reports?from={from}&to={to}&group_by=month"),
        )
        .await;
    assert_eq!(by_month.status, StatusCode::OK);
    let page = html(&by_month);
    assert!(page.contains(r#"<option value="month" selected>"#));
    assert!(page.contains(&today.format("%B %Y").to_string()), "{page}");

    // The CSV link downloads what the API gives for the same filters.
    every_link_answers(&mut analyst, &app, &by_month).await;
    let csv_href = links(&by_month, "/reports/summary.csv").remove(0);
    let request = Request::builder()
        .uri(&csv_href)
        .header(header::COOKIE, analyst.header())
        .body(Body::empty())
        .unwrap();
    let csv = app.send(request).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let api = Request::builder()
        .uri(format!(
            "/api/v1/reports/summary?from={from}&to={to}&group_by=month"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {}", p.analyst))
        .header(header::ACCEPT, "text/csv")
        .body(Body::empty())
        .unwrap();
    assert_eq!(csv.body, app.send(api).await.body);

    // A date that is not one: the filters say what to correct.
    let wrong = analyst.get(&app, "/reports?from=2026-13-45").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&wrong).contains(r##"<a href="#from">"##),
        "{}",
        html(&wrong)
    );
}

#[tokio::test]
async fn each_role_is_refused_the_pages_of_the_others() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let vacancy_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        crate::workflow::ward_post(&app, "X-W1").await,
    )
    .await;
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        crate::workflow::nurse(&app, "X1", "RJZ").await,
    )
    .await;
    let vacancy = format!("/vacancies/{vacancy_id}");
    let case = format!("/staff/{staff_id}");
    let pair = format!("/matches/{staff_id}-{vacancy_id}");

    // Nobody signed in: every page sends them to sign in.
    let mut nobody = Browser::default();
    for path in [
        "/upload",
        "/reports",
        vacancy.as_str(),
        case.as_str(),
        pair.as_str(),
        "/me",
    ] {
        let reply = nobody.get(&app, path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&reply), "/sign-in", "{path}");
    }

    // Trust HR: not the dashboard; not another trust's vacancy or case.
    let mut kings = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    assert_eq!(
        kings.get(&app, "/reports").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        kings.get(&app, "/reports/summary.csv").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(kings.get(&app, &vacancy).await.status, StatusCode::OK);
    let mut barts = signed_in_browser(&app, "hr@bartshealth.nhs.uk").await;
    for path in [vacancy.as_str(), case.as_str()] {
        let reply = barts.get(&app, path).await;
        assert!(
            matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{path}: {}",
            reply.status
        );
        assert!(!html(&reply).contains("Nurse X1"));
    }

    // The partnership: no page with a person or a post on it, and no upload.
    let mut analyst = signed_in_browser(&app, "analyst@london.nhs.uk").await;
    for path in [
        "/upload",
        "/vacancies",
        "/staff",
        vacancy.as_str(),
        case.as_str(),
        pair.as_str(),
    ] {
        let reply = analyst.get(&app, path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(html(&reply).contains("This page is not for your account"));
    }
    let guard = guard_on(&analyst.get(&app, "/reports").await);
    let refused = analyst
        .post(
            &app,
            &pair,
            &[("form_guard", &guard), ("to", "shortlisted")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Admin may open all of them.
    let mut admin = signed_in_browser(&app, "admin@london.nhs.uk").await;
    for path in [
        "/",
        "/upload",
        "/reports",
        vacancy.as_str(),
        case.as_str(),
        pair.as_str(),
    ] {
        let reply = admin.get(&app, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", html(&reply));
    }
    let _ = p;
}

/// Posts `fields` (names with owned values) from `browser`.
async fn post_owned(
    browser: &mut Browser,
    app: &TestApp,
    path: &str,
    fields: &[(&str, String)],
) -> Reply {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    browser.post(app, path, &borrowed).await
}

/// The first non-empty option of the select `name` on a page.
fn first_option(reply: &Reply, name: &str) -> String {
    html(reply)
        .split(&format!(
            r#"<select class="nhsuk-select" id="{name}" name="{name}">"#
        ))
        .nth(1)
        .and_then(|rest| rest.split(r#"<option value=""#).nth(2))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no options for {name}"))
        .to_owned()
}

async fn staff_stored(app: &TestApp) -> u64 {
    store::entities::staff::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn hr_registers_and_invites_a_member_of_staff_and_registers_a_vacancy_through_forms() {
    let app = TestApp::new().await;
    people(&app).await;
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    let home = hr.get(&app, "/").await;
    assert!(links(&home, "/staff/new").len() == 1 && links(&home, "/vacancies/new").len() == 1);

    // An empty form: every missing field is linked from the summary, nothing is written.
    let form = hr.get(&app, "/staff/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let guard = guard_on(&form);
    let site = first_option(&form, "base_site");
    let empty = hr.post(&app, "/staff/new", &[("form_guard", &guard)]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "name",
        "staff_number",
        "email",
        "band",
        "job_title",
        "base_site",
        "redeployment_period_ends-day",
    ] {
        assert!(
            html(&empty).contains(&format!(r##"<a href="#{field}">"##)),
            "{field}: {}",
            html(&empty)
        );
    }
    // In the form's words, not the API's.
    assert!(html(&empty).contains(r##"<a href="#base_site">Choose where they work now</a>"##));
    assert!(!html(&empty).contains("/api/v1/trusts"));
    assert_eq!(staff_stored(&app).await, 0);

    let mut fields = vec![
        ("form_guard", guard.clone()),
        ("name", "Grace Form".to_owned()),
        ("staff_number", "F-1".to_owned()),
        ("email", "grace.form@nhs.net".to_owned()),
        ("band", "5".to_owned()),
        ("staff_group", "nursing_midwifery_registered".to_owned()),
        ("job_title", "Staff Nurse".to_owned()),
        ("base_site", site.clone()),
        ("skills", "Wound care\nIV therapy".to_owned()),
        ("registrations", "NMC".to_owned()),
        ("max_travel_minutes", "60".to_owned()),
        ("hours_min", "30".to_owned()),
        ("hours_max", "37.5".to_owned()),
        ("lower_band_consent", "no".to_owned()),
        ("priority_tier", "1".to_owned()),
        ("redeployment_period_ends-day", "31".to_owned()),
        ("redeployment_period_ends-month", "2".to_owned()),
        ("redeployment_period_ends-year", "2099".to_owned()),
        ("wte", "1".to_owned()),
        ("continuous_service_start-day", "1".to_owned()),
        ("continuous_service_start-month", "9".to_owned()),
        ("continuous_service_start-year", "2012".to_owned()),
    ];
    // 31 February: the date is refused by name, what was typed stays.
    let bad_date = post_owned(&mut hr, &app, "/staff/new", &fields).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&bad_date).contains(r##"<a href="#redeployment_period_ends-day">Enter a real date"##)
    );
    assert!(html(&bad_date).contains(r#"value="Grace Form""#));
    assert_eq!(staff_stored(&app).await, 0);

    fields[15].1 = "28".to_owned();
    let registered = post_owned(&mut hr, &app, "/staff/new", &fields).await;
    assert_eq!(
        registered.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&registered)
    );
    let case_href = location(&registered).to_owned();
    assert!(case_href.ends_with("?registered=1"), "{case_href}");
    let case = hr.get(&app, &case_href).await;
    assert!(html(&case).contains("Grace Form is registered."));
    let invite_path = case_href.split('?').next().unwrap().to_owned() + "/invite";
    let invited = hr.post(&app, &invite_path, &[("form_guard", &guard)]).await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);
    let case = hr.get(&app, location(&invited)).await;
    assert!(html(&case).contains("An invitation is on its way to grace.form@nhs.net."));
    let queued = store::entities::email_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(queued.iter().any(|e| e.to_address == "grace.form@nhs.net"));

    // The same staff number again: refused on that field.
    let again = post_owned(&mut hr, &app, "/staff/new", &fields).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&again).contains(r##"<a href="#staff_number">"##),
        "{}",
        html(&again)
    );
    assert_eq!(staff_stored(&app).await, 1);

    // A vacancy through its form, then its page lists Grace as a candidate.
    let form = hr.get(&app, "/vacancies/new").await;
    let empty = hr
        .post(&app, "/vacancies/new", &[("form_guard", &guard)])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&empty).contains(r##"<a href="#reference">"##));
    assert_eq!(vacancies_stored(&app).await, 0);
    let vacancy = vec![
        ("form_guard", guard.clone()),
        ("reference", "F-W1".to_owned()),
        ("title", "Ward Nurse".to_owned()),
        ("band", "5".to_owned()),
        ("staff_group", "nursing_midwifery_registered".to_owned()),
        ("site", first_option(&form, "site")),
        ("hours", "37.5".to_owned()),
        ("closing_date-day", "1".to_owned()),
        ("closing_date-month", "1".to_owned()),
        ("closing_date-year", "2099".to_owned()),
        ("essential_skills", "Wound care".to_owned()),
        ("registration_required", "nmc".to_owned()),
        ("contact_email", "jobs@kch.nhs.uk".to_owned()),
    ];
    let made = post_owned(&mut hr, &app, "/vacancies/new", &vacancy).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", html(&made));
    let page = hr.get(&app, location(&made)).await;
    assert!(html(&page).contains("<h1>Ward Nurse, band 5</h1>"));
    assert!(html(&page).contains("Grace Form"), "{}", html(&page));

    // The full lists, by status.
    let vacancies = hr.get(&app, "/vacancies").await;
    assert!(
        html(&vacancies).contains("Vacancies: 1 open")
            && html(&vacancies).contains(">Ward Nurse</a>")
    );
    let cases = hr.get(&app, "/staff?status=active").await;
    assert!(html(&cases).contains(">Grace Form</a>"));
    let none = hr.get(&app, "/staff?status=redeployed").await;
    assert!(html(&none).contains("Nothing has this status."));
    let wrong = hr.get(&app, "/vacancies?status=lost").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&wrong).contains("is not a vacancy status"),
        "{}",
        html(&wrong)
    );
}

/// The link of the newest queued email to `to`.
async fn link_emailed_to(app: &TestApp, to: &str) -> String {
    let emails = store::entities::email_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let email = emails
        .iter()
        .rev()
        .find(|e| e.to_address == to)
        .unwrap_or_else(|| panic!("no email to {to}"));
    let link = email
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/invitations/"))
        .expect("a link in the email");
    let base = app
        .settings
        .server
        .public_url
        .trim_end_matches('/')
        .to_owned();
    link.strip_prefix(&base)
        .expect("under the public address")
        .to_owned()
}

#[tokio::test]
async fn admin_adds_disables_enables_and_resets_accounts_and_sends_a_failed_email_again() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
    let app = TestApp::new().await;
    let p = people(&app).await;
    let mut admin = signed_in_browser(&app, "admin@london.nhs.uk").await;
    let page = admin.get(&app, "/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    for section in [
        "Accounts",
        "Emails that could not be delivered",
        "Trusts and sites",
        "Skills vocabulary",
    ] {
        assert!(html(&page).contains(section), "{section}");
    }
    assert!(
        html(&page).contains("hr@kch.nhs.uk")
            && html(&page).contains("King&#39;s College Hospital")
    );
    every_link_answers(&mut admin, &app, &page).await;
    let guard = guard_on(&page);
    let users = || async {
        store::entities::user::Entity::find()
            .count(&app.db)
            .await
            .unwrap()
    };
    let before = users().await;

    // Wrong: every field named, nothing written.
    let wrong = admin
        .post(
            &app,
            "/admin/accounts",
            &[
                ("form_guard", &guard),
                ("email", "not an email"),
                ("role", "trust_hr"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["new-email", "new-name", "new-trust"] {
        assert!(
            html(&wrong).contains(&format!(r##"<a href="#{field}">"##)),
            "{field}: {}",
            html(&wrong)
        );
    }
    assert_eq!(users().await, before);

    // Added: the person follows the emailed link, chooses a password, and is home.
    let added = admin
        .post(
            &app,
            "/admin/accounts",
            &[
                ("form_guard", &guard),
                ("email", "new.hr@kch.nhs.uk"),
                ("display_name", "New HR"),
                ("role", "trust_hr"),
                ("trust", "RJZ"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let notice = admin.get(&app, location(&added)).await;
    assert!(html(&notice).contains("The account for new.hr@kch.nhs.uk is added."));
    let link = link_emailed_to(&app, "new.hr@kch.nhs.uk").await;
    let mut newcomer = Browser::default();
    let set_up = newcomer.get(&app, &link).await;
    assert_eq!(set_up.status, StatusCode::OK);
    let g = guard_on(&set_up);
    let chosen = newcomer
        .post(
            &app,
            &link,
            &[
                ("form_guard", &g),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&chosen), "/");
    assert!(html(&newcomer.get(&app, "/").await).contains("Redeployment at RJZ"));

    // Disabled: Barts HR's session ends at once; enabled again, they can sign in.
    let accounts = store::entities::user::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let barts = accounts
        .iter()
        .find(|u| u.email == "hr@bartshealth.nhs.uk")
        .unwrap()
        .id;
    let me = accounts
        .iter()
        .find(|u| u.email == "admin@london.nhs.uk")
        .unwrap()
        .id;
    let off = admin
        .post(
            &app,
            &format!("/admin/accounts/{barts}/disable"),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let session = app
        .call(Method::GET, "/api/v1/session", Some(&p.hr_barts), None)
        .await;
    assert_eq!(session.status, StatusCode::UNAUTHORIZED);
    let refused = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "hr@bartshealth.nhs.uk", "password": PASSWORD})),
        )
        .await;
    assert!(refused.status.is_client_error());
    let on = admin
        .post(
            &app,
            &format!("/admin/accounts/{barts}/enable"),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    signed_in_browser(&app, "hr@bartshealth.nhs.uk").await;

    // Admin cannot lock themselves out.
    let own = admin
        .post(
            &app,
            &format!("/admin/accounts/{me}/disable"),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);

    // Reset: the analyst's password no longer works and a new link is emailed.
    let analyst = accounts
        .iter()
        .find(|u| u.email == "analyst@london.nhs.uk")
        .unwrap()
        .id;
    let reset = admin
        .post(
            &app,
            &format!("/admin/accounts/{analyst}/reset"),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    let old = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"email": "analyst@london.nhs.uk", "password": PASSWORD})),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    assert!(
        link_emailed_to(&app, "analyst@london.nhs.uk")
            .await
            .starts_with("/invitations/")
    );

    // An email that failed every attempt is listed, and sent again.
    let queued = store::entities::email_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let mut failed = queued[0].clone().into_active_model();
    failed.status = Set("failed".to_owned());
    failed.attempts = Set(8);
    failed.last_error = Set(Some("connection refused".to_owned()));
    let failed = failed.update(&app.db).await.unwrap();
    let page = admin.get(&app, "/admin").await;
    assert!(html(&page).contains("Emails that could not be delivered (1)"));
    assert!(html(&page).contains("connection refused"));
    let retried = admin
        .post(
            &app,
            &format!("/admin/emails/{}/retry", failed.id),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    let again = store::entities::email_outbox::Entity::find_by_id(failed.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.status.as_str(), again.attempts), ("pending", 0));

    // Only admin has these pages.
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    assert_eq!(hr.get(&app, "/admin").await.status, StatusCode::FORBIDDEN);
    let forged = hr
        .post(
            &app,
            &format!("/admin/accounts/{barts}/disable"),
            &[("form_guard", &guard)],
        )
        .await;
    assert!(forged.status.is_client_error());
}

#[tokio::test]
async fn the_staff_members_hr_judges_a_decline_on_the_pairs_page() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        crate::workflow::nurse(&app, "D1", "RJZ").await,
    )
    .await;
    let vacancy_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        crate::workflow::ward_post(&app, "D-W1").await,
    )
    .await;
    let pair = format!("{staff_id}-{vacancy_id}");
    let (status, _) = crate::workflow::move_pair(
        &app,
        &p.admin,
        &pair,
        json!({"to": "declined_by_staff", "reason": "The night shifts do not fit my caring duties."}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    let home = hr.get(&app, "/").await;
    assert!(
        html(&home).contains("Judge their decline"),
        "{}",
        html(&home)
    );
    // Another trust's HR has nothing waiting: neither the person nor the post is theirs.
    let mut barts = signed_in_browser(&app, "hr@bartshealth.nhs.uk").await;
    let theirs = barts.get(&app, "/").await;
    assert!(
        html(&theirs).contains("Waiting on you (0)"),
        "{}",
        html(&theirs)
    );
    let href = format!("/matches/{pair}");
    let page = hr.get(&app, &href).await;
    assert!(html(&page).contains("Was declining this post reasonable?"));
    let guard = guard_on(&page);

    let unjudged = hr
        .post(
            &app,
            &href,
            &[
                ("form_guard", &guard),
                ("to", "declined_by_staff"),
                ("judging", "1"),
                ("reason", "Checked"),
            ],
        )
        .await;
    assert_eq!(unjudged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&unjudged).contains(
        r##"<a href="#judgement-reasonable">Choose whether declining the post was reasonable</a>"##
    ));

    let judged = hr
        .post(
            &app,
            &href,
            &[
                ("form_guard", &guard),
                ("to", "declined_by_staff"),
                ("judging", "1"),
                ("judgement", "reasonable"),
                (
                    "reason",
                    "Caring duties rule out nights; the post is nights only.",
                ),
            ],
        )
        .await;
    assert_eq!(judged.status, StatusCode::SEE_OTHER, "{}", html(&judged));
    let page = hr.get(&app, &href).await;
    assert!(html(&page).contains(
        "Their decline was judged</dt><dd class=\"nhsuk-summary-list__value\">Reasonable"
    ));
    let shown = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{pair}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(shown.body["decline_judgement"], "reasonable");
    // Judged, it no longer waits on HR.
    assert!(!html(&hr.get(&app, "/").await).contains("Judge their decline"));
}
