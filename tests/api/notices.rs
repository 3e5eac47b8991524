//! The emails the service composes by itself (DESIGN §3, email), delivered over SMTP to a
//! server in the test process and read back: vacancies to candidates (exact matches at once,
//! the rest as a digest at the frequency they chose, with a stop link that works without
//! signing in), candidates to a vacancy's contact, and the reminders (a trial ending, a
//! ring-fence ending, a redeployment period ending with no interview). Nothing is told twice,
//! and every link opens for its reader.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use chrono::{Days, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use store::entities::{match_record, notice_run, staff, vacancy};

use crate::email_delivery::smtp_server::{Received, SmtpServer};
use crate::email_delivery::{deliver, link_path, part, smtp_settings};
use crate::helpers::{TestApp, create, nurse_body, people, post_body};
use crate::journeys::{html, signed_in_browser};
use crate::pages::guard_on;

async fn nurse(app: &TestApp, token: &str, number: &str, name: &str, changes: Value) -> i64 {
    create(
        app,
        token,
        "/api/v1/staff",
        nurse_body(app, number, name, changes).await,
    )
    .await
}

async fn post(app: &TestApp, token: &str, reference: &str, essential: &[&str]) -> i64 {
    let body = post_body(app, reference, json!({ "essential_skills": essential })).await;
    create(app, token, "/api/v1/vacancies", body).await
}

/// Lets the next pass run, as time passing would.
async fn next_moment(app: &TestApp) {
    notice_run::Entity::update_many()
        .col_expr(
            notice_run::Column::LastRunAt,
            Expr::value(Some(Utc::now() - chrono::Duration::hours(1))),
        )
        .exec(&app.db)
        .await
        .unwrap();
}

async fn pass(app: &TestApp, store: &store::Store) -> store::notices::NoticesQueued {
    next_moment(app).await;
    store.send_notices().await.unwrap()
}

fn to<'a>(received: &'a [Received], address: &str) -> Vec<&'a Received> {
    received.iter().filter(|m| m.to == [address]).collect()
}

/// A store on the test's database, as another part of the service would hold it.
async fn store_of(app: &TestApp) -> store::Store {
    let store = store::Store::with_connection(
        app.db.clone(),
        app.settings.clone(),
        domain::ReferenceData::london().unwrap(),
    );
    store.reload_catalogue().await.unwrap();
    store
}

#[tokio::test]
async fn candidates_hear_of_exact_matches_at_once_and_the_rest_in_their_digest_and_never_twice() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let server = SmtpServer::start().await;
    let email = smtp_settings(&app, &server, 2);
    let store = store_of(&app).await;
    let ama = nurse(&app, &p.hr_kings, "A1", "Ama Owusu", json!({})).await;
    let exact = post(&app, &p.hr_kings, "KCH-E1", &["Wound care"]).await;
    let near = post(
        &app,
        &p.hr_kings,
        "KCH-N1",
        &["Wound care", "Tracheostomy care"],
    )
    .await;

    let first = pass(&app, &store).await;
    assert!(first.ran);
    assert_eq!(
        (first.exact_to_candidates, first.digests_to_candidates),
        (1, 1),
        "{first:?}"
    );
    assert_eq!(
        (first.exact_to_employers, first.digests_to_employers),
        (1, 1),
        "{first:?}"
    );
    deliver(&app, &email).await;
    let received = server.wait_for(4, Duration::from_secs(5)).await;
    let mine = to(&received, "ama.owusu@nhs.net");
    assert_eq!(mine.len(), 2);
    let subjects: Vec<String> = mine.iter().map(|m| m.header("Subject").unwrap()).collect();
    assert!(
        subjects.contains(&"An exact match for you: Nurse KCH-E1".to_owned()),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&"A new vacancy for you: Nurse KCH-N1".to_owned()),
        "{subjects:?}"
    );
    let employer = to(&received, "kch-e1@kch.nhs.uk");
    assert_eq!(
        employer[0].header("Subject").as_deref(),
        Some("An exact match for Nurse KCH-E1 (KCH-E1)")
    );
    assert!(part(employer[0], "text/plain").contains("Ama Owusu, band 6, RJZ"));
    assert_eq!(
        to(&received, "kch-n1@kch.nhs.uk")[0]
            .header("Subject")
            .as_deref(),
        Some("New candidates for Nurse KCH-N1 (KCH-N1)")
    );

    // Every link opens for its reader: Ama's vacancies, and the HR pages for the contact.
    let mut ama_browser = {
        let invite = app
            .call(
                Method::POST,
                &format!("/api/v1/staff/{ama}/invite"),
                Some(&p.hr_kings),
                None,
            )
            .await;
        assert_eq!(invite.status, StatusCode::CREATED);
        let row = store::entities::email_outbox::Entity::find()
            .filter(store::entities::email_outbox::Column::Kind.eq("invitation"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let link = row
            .body_text
            .split_whitespace()
            .find(|w| w.contains("/invitations/"))
            .unwrap();
        let token = link.rsplit('/').next().unwrap();
        let accepted = app
            .call(
                Method::POST,
                &format!("/api/v1/invitations/{token}"),
                None,
                Some(json!({ "password": crate::helpers::PASSWORD })),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::CREATED);
        signed_in_browser(&app, "ama.owusu@nhs.net").await
    };
    for message in &mine {
        let path = link_path(message, "/me");
        let page = ama_browser.get(&app, path.split('#').next().unwrap()).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let anchor = path.split('#').nth(1).unwrap();
        assert!(html(&page).contains(&format!("id=\"{anchor}\"")), "{path}");
    }
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    for message in [employer[0], to(&received, "kch-n1@kch.nhs.uk")[0]] {
        for marker in ["/matches/", "/vacancies/"] {
            let path = link_path(message, marker);
            let page = hr.get(&app, &path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", html(&page));
        }
    }

    // Nothing again: not in the same moment, not later.
    assert!(
        !store.send_notices().await.unwrap().ran,
        "one pass a moment"
    );
    assert_eq!(pass(&app, &store).await.total(), 0);

    // A new post that is not exact waits for tomorrow's digest, which lists only it.
    let later = post(&app, &p.hr_kings, "KCH-N2", &["Wound care", "Stoma care"]).await;
    let quiet = pass(&app, &store).await;
    assert_eq!(
        (quiet.exact_to_candidates, quiet.digests_to_candidates),
        (0, 0)
    );
    staff::Entity::update_many()
        .col_expr(
            staff::Column::VacanciesNotifiedAt,
            Expr::value(Some(Utc::now() - chrono::Duration::days(1))),
        )
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(pass(&app, &store).await.digests_to_candidates, 1);
    deliver(&app, &email).await;
    let digest = server
        .received()
        .into_iter()
        .find(|m| m.header("Subject").as_deref() == Some("A new vacancy for you: Nurse KCH-N2"))
        .expect("the second digest");
    let text = part(&digest, "text/plain");
    assert!(
        text.contains("Nurse KCH-N2") && !text.contains("Nurse KCH-N1"),
        "{text}"
    );
    assert!(text.contains(&format!("{ama}-{later}")));
    let _ = (exact, near);

    // The stop link works without signing in; opening it changes nothing.
    let stop = link_path(&digest, "/email/stop/");
    let mut anyone = crate::pages::Browser::default();
    let page = anyone.get(&app, &stop).await;
    assert_eq!(page.status, StatusCode::OK, "{}", html(&page));
    assert!(html(&page).contains("Ama Owusu"));
    let frequency = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            staff::Entity::find_by_id(ama as i32)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .email_frequency
        }
    };
    assert_eq!(frequency(&app).await, "daily");
    let saved = anyone
        .post(
            &app,
            &stop,
            &[("form_guard", &guard_on(&page)), ("email_frequency", "off")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", html(&saved));
    assert!(html(&saved).contains("Saved: you will get no more emails about new vacancies"));
    assert_eq!(frequency(&app).await, "off");
    let forged = anyone.get(&app, "/email/stop/rdu_forged").await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);

    // Turned off, a new near post brings no digest, though the day has come.
    post(&app, &p.hr_kings, "KCH-N3", &["Wound care", "Plastering"]).await;
    staff::Entity::update_many()
        .col_expr(
            staff::Column::VacanciesNotifiedAt,
            Expr::value(Some(Utc::now() - chrono::Duration::days(2))),
        )
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(pass(&app, &store).await.digests_to_candidates, 0);
    app.finish().await;
}

#[tokio::test]
async fn reminders_of_a_trial_a_ring_fence_and_a_redeployment_period_ending_go_once() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let server = SmtpServer::start().await;
    let email = smtp_settings(&app, &server, 2);
    let store = store_of(&app).await;
    let today = Utc::now().date_naive();

    // A trial that ends in three days.
    let tomi = nurse(&app, &p.hr_kings, "T1", "Tomi Ade", json!({})).await;
    let ward = post(&app, &p.hr_kings, "KCH-T1", &["Wound care"]).await;
    let pair = format!("{tomi}-{ward}");
    for (token, body) in [
        (&p.admin, json!({"to": "interested"})),
        (&p.hr_kings, json!({"to": "shortlisted"})),
        (
            &p.hr_kings,
            json!({"to": "interview", "date": today.to_string()}),
        ),
        (&p.hr_kings, json!({"to": "offered"})),
        (
            &p.hr_kings,
            json!({"to": "trial", "date": today.to_string()}),
        ),
    ] {
        let moved = app
            .call(
                Method::POST,
                &format!("/api/v1/matches/{pair}/transitions"),
                Some(token),
                Some(body),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    }
    let trial = match_record::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = trial.into_active_model();
    row.trial_ends = Set(Some(today + Days::new(3)));
    row.update(&app.db).await.unwrap();

    // A case whose period ends in ten days, with no interview.
    nurse(
        &app,
        &p.hr_kings,
        "P1",
        "Priya Shah",
        json!({"band": "8a", "redeployment_period_ends": (today + Days::new(10)).to_string()}),
    )
    .await;

    // A post whose ring-fence ends within two working days, and a candidate who meets every
    // essential criterion and has no decision yet.
    nurse(
        &app,
        &p.hr_kings,
        "R1",
        "Rui Costa",
        json!({"band": "5", "job_title": "Nurse"}),
    )
    .await;
    let fenced = create(
        &app,
        &p.hr_kings,
        "/api/v1/vacancies",
        post_body(
            &app,
            "KCH-R1",
            json!({"title": "Community Nurse", "band": "5", "contact_email": "community@kch.nhs.uk"}),
        )
        .await,
    )
    .await;
    let posted_on = (1..30)
        .map(|back| today - Days::new(back))
        .find(|day| {
            let ends = domain::calendar::add_working_days(*day, 10);
            ends > today && domain::calendar::add_working_days(today, 2) >= ends
        })
        .unwrap();
    vacancy::Entity::update_many()
        .col_expr(vacancy::Column::PostedOn, Expr::value(posted_on))
        .filter(vacancy::Column::Id.eq(fenced as i32))
        .exec(&app.db)
        .await
        .unwrap();
    store::match_index::log_everything(&app.db).await.unwrap();

    let first = pass(&app, &store).await;
    assert_eq!(
        (
            first.trial_endings,
            first.period_endings,
            first.ring_fence_endings
        ),
        (2, 1, 1),
        "{first:?}"
    );
    deliver(&app, &email).await;
    let received = server.wait_for(first.total(), Duration::from_secs(5)).await;
    let trial_staff = to(&received, "tomi.ade@nhs.net")
        .into_iter()
        .find(|m| m.header("Subject").unwrap().starts_with("Your trial ends"))
        .unwrap();
    let ends = store::notices::day_in_words(today + Days::new(3));
    assert_eq!(
        trial_staff.header("Subject"),
        Some(format!("Your trial ends on {ends}"))
    );
    let to_hr = to(&received, "hr@kch.nhs.uk");
    let hr_subjects: Vec<String> = to_hr.iter().map(|m| m.header("Subject").unwrap()).collect();
    assert!(
        hr_subjects.contains(&format!("Tomi Ade's trial ends on {ends}")),
        "{hr_subjects:?}"
    );
    let period = store::notices::day_in_words(today + Days::new(10));
    assert!(
        hr_subjects.contains(&format!(
            "Priya Shah's redeployment period ends on {period} with no interview"
        )),
        "{hr_subjects:?}"
    );
    let fence = to(&received, "community@kch.nhs.uk")
        .into_iter()
        .find(|m| m.header("Subject").unwrap().starts_with("Ring-fence ends"))
        .unwrap();
    assert!(part(fence, "text/plain").contains("Rui Costa"));
    assert!(
        to(&received, "hr@bartshealth.nhs.uk").is_empty(),
        "another trust's HR hears nothing"
    );

    // Each link opens for HR.
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    for message in to_hr.iter().chain([&fence]) {
        let text = part(message, "text/plain");
        for word in text.split_whitespace().filter(|w| w.starts_with("http")) {
            let after_host = word.split_once("//").unwrap().1;
            let path = &after_host[after_host.find('/').unwrap()..];
            let page = hr.get(&app, path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", html(&page));
        }
    }

    // Once: the next passes find nothing to remind.
    let again = pass(&app, &store).await;
    assert!(again.ran);
    assert_eq!(again.total(), 0, "each reminder is queued once: {again:?}");
    let sent_before = server.received().len();
    deliver(&app, &email).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.received().len(), sent_before, "no reminder twice");
    app.finish().await;
}

#[tokio::test]
async fn the_first_pass_on_a_new_database_runs() {
    let app = TestApp::new().await;
    let store = store_of(&app).await;
    let first = store.send_notices().await.unwrap();
    assert!(first.ran, "{first:?}");
    assert!(!store.send_notices().await.unwrap().ran);
    app.finish().await;
}
