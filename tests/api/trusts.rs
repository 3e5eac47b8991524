use axum::http::{Method, StatusCode};

use crate::helpers::{TestApp, problem};

#[tokio::test]
async fn the_trust_list_needs_sign_in() {
    let app = TestApp::new().await;
    let reply = app.call(Method::GET, "/api/v1/trusts", None, None).await;
    assert!(problem(&reply, StatusCode::UNAUTHORIZED).contains("Sign in first"));
    let reply = app
        .call(Method::GET, "/api/v1/trusts", Some("rds_forged"), None)
        .await;
    problem(&reply, StatusCode::UNAUTHORIZED);
    app.finish().await;
}

#[tokio::test]
async fn every_role_sees_every_london_trust_with_its_sites() {
    let app = TestApp::new().await;
    app.user("staff@kch.nhs.uk", "staff", Some("RJZ")).await;
    let token = app.sign_in("staff@kch.nhs.uk").await;
    let reply = app
        .call(Method::GET, "/api/v1/trusts", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let trusts = reply.body.as_array().unwrap();
    assert_eq!(
        trusts.len(),
        domain::ReferenceData::london().unwrap().trusts.len()
    );
    let kings = trusts.iter().find(|t| t["ods_code"] == "RJZ").unwrap();
    assert_eq!(
        kings["name"],
        "King's College Hospital NHS Foundation Trust"
    );
    assert_eq!(kings["hcas_zone"], "inner_london");
    let sites = kings["sites"].as_array().unwrap();
    let denmark_hill = sites
        .iter()
        .find(|s| s["postcode"] == "SE5 9RS")
        .expect("King's College Hospital");
    assert!(denmark_hill["id"].is_number());
    assert!((denmark_hill["lat"].as_f64().unwrap() - 51.468).abs() < 0.01);
    assert!(
        trusts
            .iter()
            .all(|t| !t["sites"].as_array().unwrap().is_empty())
    );
    app.finish().await;
}

#[tokio::test]
async fn the_skills_vocabulary_is_listed_with_synonyms_and_filtered() {
    let app = TestApp::new().await;
    app.user("analyst@london.nhs.uk", "partnership", None).await;
    let token = app.sign_in("analyst@london.nhs.uk").await;
    let all = app
        .call(
            Method::GET,
            "/api/v1/skills?per_page=500",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.body["total"], 200);
    let ksf = app
        .call(
            Method::GET,
            "/api/v1/skills?category=ksf_core",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(ksf.body["total"], 6);
    let found = app
        .call(Method::GET, "/api/v1/skills?q=phleb", Some(&token), None)
        .await;
    let phlebotomy = &found.body["items"][0];
    assert_eq!(phlebotomy["name"], "Phlebotomy");
    assert!(
        phlebotomy["synonyms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "venepuncture")
    );
    let bad = app
        .call(
            Method::GET,
            "/api/v1/skills?category=cooking",
            Some(&token),
            None,
        )
        .await;
    assert!(problem(&bad, StatusCode::UNPROCESSABLE_ENTITY).contains("ksf_core"));
    app.finish().await;
}

#[tokio::test]
async fn a_free_text_skill_shows_what_it_would_be_taken_as_and_how_sure() {
    let app = TestApp::new().await;
    app.user("hr@kch.nhs.uk", "trust_hr", Some("RJZ")).await;
    let token = app.sign_in("hr@kch.nhs.uk").await;
    let ask = |text: &str| {
        app.call(
            Method::POST,
            "/api/v1/skills/normalise",
            Some(&token),
            Some(serde_json::json!({"text": text})),
        )
    };
    let exact = ask("Taking Bloods").await;
    assert_eq!(exact.body["skill"], "Phlebotomy");
    assert_eq!(exact.body["match"], "exact");
    assert_eq!(exact.body["category"], "clinical");
    let similar = ask("Phlebotomey").await;
    assert_eq!(similar.body["match"], "similar");
    assert!(similar.body["confidence"].as_f64().unwrap() >= 0.92);
    let custom = ask("Beekeeping").await;
    assert_eq!(
        (
            custom.body["match"].as_str(),
            custom.body["category"].as_str()
        ),
        (Some("custom"), Some("custom"))
    );
    let empty = ask("   ").await;
    assert!(problem(&empty, StatusCode::UNPROCESSABLE_ENTITY).contains("cannot be empty"));
    app.finish().await;
}
