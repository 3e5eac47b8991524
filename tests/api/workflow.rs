//! The case workflow through `POST /api/v1/matches/{id}/transitions`: who may make which move,
//! what a move must carry, and what follows from a trial, a failed trial and a redeployment.

use axum::http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use store::entities::outcome;

use crate::helpers::{TestApp, create, people, site_of};

pub(crate) async fn nurse(app: &TestApp, number: &str, trust: &str) -> Value {
    json!({
        "trust": trust, "staff_number": number, "name": format!("Nurse {number}"),
        "email": format!("{number}@nhs.net"), "band": "6",
        "staff_group": "Nursing and Midwifery Registered", "job_title": "Staff Nurse",
        "skills": ["Wound care", "IV therapy"], "registrations": ["NMC"],
        "base_site": site_of(app, trust).await, "home_postcode": "SE5 8AZ", "max_travel_minutes": 90,
        "hours_min": 30, "hours_max": 37.5, "lower_band_consent": false, "priority_tier": 1,
        "redeployment_period_ends": "2099-01-01", "continuous_service_start": "2012-01-01"
    })
}

pub(crate) async fn ward_post(app: &TestApp, reference: &str) -> Value {
    json!({
        "trust": "RJZ", "reference": reference, "title": "Staff Nurse", "band": "6",
        "staff_group": "Nursing and Midwifery Registered", "site": site_of(app, "RJZ").await,
        "hours": 37.5, "closing_date": "2099-01-01", "essential_skills": ["Wound care"],
        "desirable_skills": [], "registration_required": "NMC", "contact_email": "jobs@kch.nhs.uk"
    })
}

/// The main path, suggestion to redeployment, as moves (trial started on 5 October 2026).
pub(crate) fn path_to_redeployment() -> [Value; 6] {
    [
        json!({"to": "interested"}),
        json!({"to": "shortlisted"}),
        json!({"to": "interview", "date": "2026-10-01"}),
        json!({"to": "offered"}),
        json!({"to": "trial", "date": "2026-10-05"}),
        json!({"to": "redeployed"}),
    ]
}

/// Registers a King's nurse numbered `number` and invites them, as `hr` (King's HR); returns
/// the staff id. The invitation waits in the outbox.
pub(crate) async fn invited_nurse(app: &TestApp, hr: &str, number: &str) -> i64 {
    let body = nurse(app, number, "RJZ").await;
    let staff_id = create(app, hr, "/api/v1/staff", body).await;
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/staff/{staff_id}/invite"),
            Some(hr),
            None,
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.body);
    staff_id
}

/// Makes each of `moves` on `pair` as `token`, each answered 200.
pub(crate) async fn moves_through(app: &TestApp, token: &str, pair: &str, moves: &[Value]) {
    for body in moves {
        let (status, shown) = move_pair(app, token, pair, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}: {shown}");
    }
}

/// Asks for a move and returns the status and body of the answer.
pub(crate) async fn move_pair(
    app: &TestApp,
    token: &str,
    pair: &str,
    body: Value,
) -> (StatusCode, Value) {
    let reply = app
        .call(
            Method::POST,
            &format!("/api/v1/matches/{pair}/transitions"),
            Some(token),
            Some(body),
        )
        .await;
    (reply.status, reply.body)
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> String {
    let reply = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["status"].as_str().unwrap().to_owned()
}

async fn fill(app: &TestApp, token: &str, path: &str) -> crate::helpers::Reply {
    app.call(
        Method::PATCH,
        path,
        Some(token),
        Some(json!({"status": "filled"})),
    )
    .await
}

/// Everything a move answered, when it was expected to be refused with `status` and to say
/// `says`.
fn refused(answer: &(StatusCode, Value), status: StatusCode, says: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    let text = answer.1.to_string();
    assert!(text.contains(says), "{says:?} not in {text}");
}

#[tokio::test]
async fn a_pair_moves_from_suggestion_to_redeployment_by_the_right_people_only() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    // A Barts nurse (her HR: Barts) and King's posts (their HR: King's).
    let staff_id = create(
        &app,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(&app, "B1", "R1H").await,
    )
    .await;
    let other_nurse = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "K1", "RJZ").await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W1").await,
    )
    .await;
    let second_post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W2").await,
    )
    .await;
    app.user("b1@nhs.net", "staff", Some("R1H")).await;
    crate::access::link(&app, "b1@nhs.net", staff_id).await;
    let nurse_token = app.sign_in("b1@nhs.net").await;
    let pair = format!("{staff_id}-{post}");

    // Each person is refused the moves that are not theirs, with the ones that are.
    let table: [(&str, &str, Value, StatusCode, &str); 7] = [
        (
            &p.analyst,
            "outside",
            json!({"to": "interested"}),
            StatusCode::NOT_FOUND,
            "not found",
        ),
        (
            &p.hr_barts,
            "staff's HR",
            json!({"to": "shortlisted"}),
            StatusCode::CONFLICT,
            "Moves you may make now: withdrawn",
        ),
        (
            &p.hr_kings,
            "vacancy's HR",
            json!({"to": "interested"}),
            StatusCode::CONFLICT,
            "Moves you may make now: rejected_by_employer",
        ),
        (
            &nurse_token,
            "staff member",
            json!({"to": "shortlisted"}),
            StatusCode::CONFLICT,
            "Moves you may make now: interested, declined_by_staff",
        ),
        (
            &nurse_token,
            "staff member",
            json!({"to": "declined_by_staff"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "\"reason\"",
        ),
        (
            &nurse_token,
            "staff member",
            json!({"to": "hired"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "interested, shortlisted",
        ),
        (
            &nurse_token,
            "staff member",
            json!({"to": "suggested"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot be moved back",
        ),
    ];
    for (token, who, body, status, says) in table {
        let answer = move_pair(&app, token, &pair, body.clone()).await;
        assert_eq!(answer.0, status, "{who} {body}: {}", answer.1);
        refused(&answer, status, says);
    }
    assert_eq!(
        status_of(&app, &nurse_token, &format!("/api/v1/matches/{pair}")).await,
        "suggested"
    );

    // The main path, each move by its own party.
    let (status, shown) = move_pair(&app, &nurse_token, &pair, json!({"to": "interested"})).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["status"], "interested");
    assert_eq!(shown["history"][0]["by"], "b1@nhs.net");
    refused(
        &move_pair(&app, &nurse_token, &pair, json!({"to": "interested"})).await,
        StatusCode::CONFLICT,
        "from interested to interested",
    );
    // The other nurse is interested in this post, and this nurse in the second post: both
    // pairs are withdrawn when this one ends in a redeployment.
    let (status, _) = move_pair(
        &app,
        &p.admin,
        &format!("{other_nurse}-{post}"),
        json!({"to": "interested"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = move_pair(
        &app,
        &nurse_token,
        &format!("{staff_id}-{second_post}"),
        json!({"to": "interested"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    moves_through(&app, &p.hr_kings, &pair, &[json!({"to": "shortlisted"})]).await;
    refused(
        &move_pair(&app, &p.hr_kings, &pair, json!({"to": "interview"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "\"date\"",
    );
    refused(
        &move_pair(
            &app,
            &p.hr_kings,
            &pair,
            json!({"to": "interview", "date": "15/01/2027"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "write it as YYYY-MM-DD",
    );
    let to_trial = [
        json!({"to": "interview", "date": "2027-01-15"}),
        json!({"to": "offered"}),
        json!({"to": "trial", "date": "2026-11-02"}),
    ];
    moves_through(&app, &p.hr_kings, &pair, &to_trial).await;
    let staff_path = format!("/api/v1/staff/{staff_id}");
    assert_eq!(status_of(&app, &p.hr_barts, &staff_path).await, "in_trial");
    // One extension, and no more.
    let (status, _) = move_pair(
        &app,
        &p.hr_kings,
        &pair,
        json!({"to": "trial", "date": "2026-12-15"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    refused(
        &move_pair(
            &app,
            &p.hr_kings,
            &pair,
            json!({"to": "trial", "date": "2027-01-15"}),
        )
        .await,
        StatusCode::CONFLICT,
        "extended 1 time already",
    );
    refused(
        &move_pair(&app, &p.hr_barts, &pair, json!({"to": "redeployed"})).await,
        StatusCode::CONFLICT,
        "for the HR team of the vacancy's trust",
    );
    let (status, shown) = move_pair(&app, &p.hr_kings, &pair, json!({"to": "redeployed"})).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let moves: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        moves,
        [
            "interested",
            "shortlisted",
            "interview",
            "offered",
            "trial",
            "trial",
            "redeployed"
        ]
    );

    // What follows: the case is closed, the post filled, every other open pair withdrawn.
    assert_eq!(
        status_of(&app, &p.hr_barts, &staff_path).await,
        "redeployed"
    );
    assert_eq!(
        status_of(&app, &p.hr_kings, &format!("/api/v1/vacancies/{post}")).await,
        "filled"
    );
    let second = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{staff_id}-{second_post}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(second.body["status"], "withdrawn", "{}", second.body);
    let why = second.body["history"][1]["reason"].as_str().unwrap();
    assert!(
        why.contains("Nurse B1 was redeployed to Staff Nurse (W1)"),
        "{why}"
    );
    let other = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{other_nurse}-{post}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(other.body["status"], "withdrawn", "{}", other.body);
    assert!(
        other.body["history"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("was filled")
    );

    // The redundancy cost avoided, from the inputs as they were: no salary recorded, so band
    // 6's top point (46,580) is assumed; full time; one month's pay a completed year of service.
    let recorded = outcome::Entity::find()
        .filter(outcome::Column::StaffId.eq(staff_id as i32))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1);
    let years = domain::completed_years(
        chrono::NaiveDate::from_ymd_opt(2012, 1, 1).unwrap(),
        chrono::Utc::now().date_naive(),
    );
    let r = &recorded[0];
    assert!(r.salary_assumed);
    assert_eq!(r.salary_pence, 4_658_000);
    assert_eq!(r.service_years, years as i32);
    let expected = (4_658_000.0 * f64::from(years.min(24)) / 12.0).round() as i64;
    assert_eq!(r.redundancy_pay_pence, expected);
    assert_eq!(
        r.protection_cost_pence, 0,
        "the same band: no pay protection"
    );
    assert_eq!(r.conservative_pence, expected);
    assert_eq!(r.full_pence, expected);

    // The staff member's HR team and admin see the savings with their inputs; the vacancy's
    // HR team and the staff member do not.
    let detail = format!("/api/v1/matches/{pair}");
    let shown = app
        .call(Method::GET, &detail, Some(&p.hr_barts), None)
        .await;
    let savings = &shown.body["savings"];
    assert_eq!(savings["inputs"]["salary"], 46_580.0, "{}", shown.body);
    assert_eq!(savings["inputs"]["salary_assumed"], true);
    assert_eq!(savings["inputs"]["service_years"], years);
    assert_eq!(savings["conservative"], expected as f64 / 100.0);
    assert_eq!(savings["what_if"]["full"], expected as f64 / 100.0);
    for token in [&p.hr_kings, &nurse_token] {
        let shown = app.call(Method::GET, &detail, Some(token), None).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.get("savings").is_none(), "{}", shown.body);
    }
    let shown = app.call(Method::GET, &detail, Some(&p.admin), None).await;
    assert_eq!(shown.body["savings"], *savings);

    // A later change of configuration leaves the recorded figures as they were; what_if
    // follows it.
    let changed = app
        .restarted_with(|settings| settings.savings.recruitment_cost = 3_000)
        .await;
    let admin = changed.sign_in("admin@london.nhs.uk").await;
    let shown = changed.call(Method::GET, &detail, Some(&admin), None).await;
    let later = &shown.body["savings"];
    assert_eq!(later["full"], savings["full"], "{}", shown.body);
    assert_eq!(later["inputs"]["recruitment_cost"], 0.0);
    assert_eq!(
        later["what_if"]["full"],
        (expected as f64 / 100.0) + 3_000.0
    );
    assert_eq!(later["what_if"]["conservative"], savings["conservative"]);

    // A final status moves no further.
    refused(
        &move_pair(
            &app,
            &p.admin,
            &pair,
            json!({"to": "withdrawn", "reason": "mistake"}),
        )
        .await,
        StatusCode::CONFLICT,
        "Moves you may make now: none",
    );
    app.finish().await;
}

#[tokio::test]
async fn a_failed_trial_returns_the_person_to_matching() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "K2", "RJZ").await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W3").await,
    )
    .await;
    let second_post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W4").await,
    )
    .await;
    let pair = format!("{staff_id}-{post}");
    // Admin may make every party's moves.
    moves_through(&app, &p.admin, &pair, &path_to_redeployment()[..5]).await;
    let matches_path = format!("/api/v1/staff/{staff_id}/matches");
    let listed = app
        .call(Method::GET, &matches_path, Some(&p.hr_kings), None)
        .await;
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["match_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [pair.as_str()],
        "in trial, only the trial's pair is listed"
    );

    refused(
        &move_pair(&app, &p.hr_kings, &pair, json!({"to": "trial_failed"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "\"reason\"",
    );
    let (status, shown) = move_pair(
        &app,
        &p.hr_kings,
        &pair,
        json!({"to": "trial_failed", "reason": "The night rota could not be agreed"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(
        shown["history"][5]["reason"],
        "The night rota could not be agreed"
    );
    assert_eq!(
        status_of(&app, &p.hr_kings, &format!("/api/v1/staff/{staff_id}")).await,
        "active"
    );
    let listed = app
        .call(Method::GET, &matches_path, Some(&p.hr_kings), None)
        .await;
    let ids: Vec<String> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["match_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        ids.contains(&format!("{staff_id}-{second_post}")),
        "back in matching: {ids:?}"
    );
    assert_eq!(
        status_of(&app, &p.hr_kings, &format!("/api/v1/vacancies/{post}")).await,
        "open"
    );
    app.finish().await;
}

#[tokio::test]
async fn rejecting_before_interview_a_candidate_who_meets_every_essential_need_takes_a_full_reason()
{
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "K3", "RJZ").await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W5").await,
    )
    .await;
    let mut theatre = ward_post(&app, "W6").await;
    theatre["essential_skills"] = json!(["Wound care", "Anaesthetics"]);
    let partly = create(&app, &p.hr_kings, "/api/v1/vacancies", theatre).await;

    // She holds every essential skill of W5: a short reason is not enough.
    let pair = format!("{staff_id}-{post}");
    refused(
        &move_pair(
            &app,
            &p.hr_kings,
            &pair,
            json!({"to": "rejected_by_employer", "reason": "Not suitable"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Nurse K3 meets every essential criterion, so is guaranteed an interview",
    );
    let written = "Post is on a ward she left after a grievance; agreed with her rep.";
    let (status, shown) = move_pair(
        &app,
        &p.hr_kings,
        &pair,
        json!({"to": "rejected_by_employer", "reason": written}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let audited = store::entities::audit_entry::Entity::find()
        .filter(store::entities::audit_entry::Column::Action.eq("transition"))
        .filter(store::entities::audit_entry::Column::EntityId.eq(pair.clone()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    let detail = audited[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("guaranteed") && detail.contains(written),
        "{detail}"
    );

    // She lacks one of W6's essential skills: a short reason will do.
    let (status, shown) = move_pair(
        &app,
        &p.hr_kings,
        &format!("{staff_id}-{partly}"),
        json!({"to": "rejected_by_employer", "reason": "Not suitable"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    app.finish().await;
}

#[tokio::test]
async fn a_ring_fenced_vacancy_is_not_filled_while_a_guaranteed_candidate_is_undecided() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse(&app, "K5", "RJZ").await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W7").await,
    )
    .await;
    let path = format!("/api/v1/vacancies/{post}");
    let refused_fill = fill(&app, &p.hr_kings, &path).await;
    assert_eq!(
        refused_fill.status,
        StatusCode::CONFLICT,
        "{}",
        refused_fill.body
    );
    let said = refused_fill.body["detail"].as_str().unwrap();
    assert!(
        said.contains(&format!("Nurse K5 ({staff_id}-{post})")),
        "{said}"
    );
    assert!(said.contains("ring-fenced for redeployees until"), "{said}");
    assert_eq!(
        status_of(&app, &p.hr_kings, &path).await,
        "open",
        "nothing written"
    );

    let written = "She has accepted a secondment elsewhere, confirmed in writing today.";
    let (status, shown) = move_pair(
        &app,
        &p.hr_kings,
        &format!("{staff_id}-{post}"),
        json!({"to": "rejected_by_employer", "reason": written}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    let filled = fill(&app, &p.hr_kings, &path).await;
    assert_eq!(filled.status, StatusCode::OK, "{}", filled.body);
    assert_eq!(status_of(&app, &p.hr_kings, &path).await, "filled");
    app.finish().await;
}

#[tokio::test]
async fn the_staff_members_hr_judges_a_decline_reasonable_or_unreasonable() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = create(
        &app,
        &p.hr_barts,
        "/api/v1/staff",
        nurse(&app, "B9", "R1H").await,
    )
    .await;
    let post = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        ward_post(&app, "W9").await,
    )
    .await;
    app.user("b9@nhs.net", "staff", Some("R1H")).await;
    crate::access::link(&app, "b9@nhs.net", staff_id).await;
    let nurse_token = app.sign_in("b9@nhs.net").await;
    let pair = format!("{staff_id}-{post}");
    let judge = json!({"to": "declined_by_staff", "judgement": "unreasonable", "reason": "Same ward, same hours, 10 minutes further"});
    refused(
        &move_pair(&app, &p.hr_barts, &pair, judge.clone()).await,
        StatusCode::CONFLICT,
        "only a decline is judged, and this pair is suggested",
    );

    let (status, _) = move_pair(
        &app,
        &nurse_token,
        &pair,
        json!({"to": "declined_by_staff", "reason": "Too far from home"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    refused(
        &move_pair(&app, &p.hr_kings, &pair, judge.clone()).await,
        StatusCode::CONFLICT,
        "judged by the HR team of the staff member's trust",
    );
    refused(
        &move_pair(
            &app,
            &p.hr_barts,
            &pair,
            json!({"to": "declined_by_staff", "judgement": "fair", "reason": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reasonable, unreasonable",
    );
    let (status, shown) = move_pair(&app, &p.hr_barts, &pair, judge).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["decline_judgement"], "unreasonable");
    assert_eq!(shown["status"], "declined_by_staff");
    let last = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["reason"],
        "judged unreasonable: Same ward, same hours, 10 minutes further"
    );
    assert_eq!(last["by"], "hr@bartshealth.nhs.uk");

    // The person and their HR team see the judgement; the vacancy's HR team does not.
    let detail = format!("/api/v1/matches/{pair}");
    let own = app
        .call(Method::GET, &detail, Some(&nurse_token), None)
        .await;
    assert_eq!(own.body["decline_judgement"], "unreasonable");
    let employer = app
        .call(Method::GET, &detail, Some(&p.hr_kings), None)
        .await;
    assert!(
        employer.body.get("decline_judgement").is_none(),
        "{}",
        employer.body
    );
    app.finish().await;
}

/// Takes a pair from suggestion to redeployment as admin, and returns the savings shown.
async fn redeployed_savings(app: &TestApp, admin: &str, pair: &str) -> Value {
    moves_through(app, admin, pair, &path_to_redeployment()).await;
    let shown = app
        .call(
            Method::GET,
            &format!("/api/v1/matches/{pair}"),
            Some(admin),
            None,
        )
        .await;
    shown.body["savings"].clone()
}

#[tokio::test]
async fn savings_follow_section_16_through_the_api_caps_short_service_and_a_lower_band() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let a_year_ago = chrono::Utc::now().date_naive() - chrono::Days::new(365);
    // Under two years' service, moving from band 6 (salary 40,000) to a band 5 post with
    // 12 months' pay protection: no redundancy pay, so the figure is negative, shown as it is.
    let mut short = nurse(&app, "K7", "RJZ").await;
    short["continuous_service_start"] = json!(a_year_ago.to_string());
    short["salary"] = json!(40_000);
    short["lower_band_consent"] = json!(true);
    let short = create(&app, &p.hr_kings, "/api/v1/staff", short).await;
    let mut band_5 = ward_post(&app, "W10").await;
    band_5["band"] = json!("5");
    let band_5 = create(&app, &p.hr_kings, "/api/v1/vacancies", band_5).await;
    let savings = redeployed_savings(&app, &p.admin, &format!("{short}-{band_5}")).await;
    assert_eq!(savings["inputs"]["service_years"], 1, "{savings}");
    assert_eq!(savings["inputs"]["old_pay"], 40_000.0);
    assert_eq!(savings["inputs"]["new_pay"], 37_796.0, "band 5's top point");
    assert_eq!(savings["redundancy_pay"], 0.0);
    assert_eq!(savings["protection_cost"], 2_204.0);
    assert_eq!(savings["conservative"], -2_204.0);

    // A long-serving band 9 on 125,000: the salary counts at most 80,000, a month a year up
    // to 24, so 160,000, which is also the cap.
    let mut senior = nurse(&app, "K8", "RJZ").await;
    senior["band"] = json!("9");
    senior["salary"] = json!(125_000);
    senior["continuous_service_start"] = json!("1990-01-01");
    let senior = create(&app, &p.hr_kings, "/api/v1/staff", senior).await;
    let mut band_9 = ward_post(&app, "W11").await;
    band_9["band"] = json!("9");
    let band_9 = create(&app, &p.hr_kings, "/api/v1/vacancies", band_9).await;
    let savings = redeployed_savings(&app, &p.admin, &format!("{senior}-{band_9}")).await;
    assert_eq!(savings["inputs"]["salary"], 125_000.0, "{savings}");
    assert_eq!(savings["redundancy_pay"], 160_000.0);
    assert_eq!(savings["protection_cost"], 0.0);
    assert_eq!(savings["full"], 160_000.0);
    app.finish().await;
}

#[tokio::test]
async fn pension_strain_entered_by_hr_counts_from_55_and_never_beyond_the_redundancy_pay() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    // Band 6 on 40,000 full time since 2012: redundancy pay of a month a year (14 in 2026).
    let person = |number: &'static str, born: &'static str, strain: f64| {
        let app = &app;
        async move {
            let mut body = nurse(app, number, "RJZ").await;
            body["salary"] = json!(40_000);
            body["date_of_birth"] = json!(born);
            body["pension_strain"] = json!(strain);
            body
        }
    };
    let mut found = Vec::new();
    for (n, (number, born, strain)) in [
        ("P1", "1965-03-01", 100_000.0),
        ("P2", "1965-03-01", 10_000.0),
        ("P3", "1980-03-01", 20_000.0),
    ]
    .into_iter()
    .enumerate()
    {
        let staff_id = create(
            &app,
            &p.hr_kings,
            "/api/v1/staff",
            person(number, born, strain).await,
        )
        .await;
        let shown = app
            .call(
                Method::GET,
                &format!("/api/v1/staff/{staff_id}"),
                Some(&p.hr_kings),
                None,
            )
            .await;
        assert_eq!(shown.body["pension_strain"], strain, "{}", shown.body);
        let post = create(
            &app,
            &p.hr_kings,
            "/api/v1/vacancies",
            ward_post(&app, &format!("PS{n}")).await,
        )
        .await;
        let savings = redeployed_savings(&app, &p.admin, &format!("{staff_id}-{post}")).await;
        assert_eq!(savings["inputs"]["pension_strain"], strain, "{savings}");
        // Nothing in the configuration has changed, so what_if is what was recorded.
        assert_eq!(savings["what_if"]["full"], savings["full"], "{savings}");
        assert_eq!(savings["what_if"]["conservative"], savings["conservative"]);
        found.push(savings);
    }
    let pay = |s: &Value| s["redundancy_pay"].as_f64().unwrap();
    let extra = |s: &Value| s["full"].as_f64().unwrap() - s["conservative"].as_f64().unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 0.005;
    // 61 years old: the strain counts, capped at the redundancy pay.
    assert!(
        pay(&found[0]) > 40_000.0 && pay(&found[0]) < 100_000.0,
        "{}",
        found[0]
    );
    assert!(close(extra(&found[0]), pay(&found[0])), "{}", found[0]);
    assert!(close(extra(&found[1]), 10_000.0), "{}", found[1]);
    // 46: too young for early retirement, so the strain is not a cost avoided.
    assert!(close(extra(&found[2]), 0.0), "{}", found[2]);

    // A figure that cannot be one is refused, naming the field, and nothing is written.
    let mut bad = person("P4", "1965-03-01", -5.0).await;
    bad["staff_number"] = json!("P4");
    let reply = app
        .call(Method::POST, "/api/v1/staff", Some(&p.hr_kings), Some(bad))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(
        reply.body.to_string().contains("pension_strain"),
        "{}",
        reply.body
    );
    app.finish().await;
}
