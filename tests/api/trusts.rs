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
