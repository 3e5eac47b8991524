use axum::http::{Method, StatusCode};

use crate::helpers::TestApp;

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_the_viewer_is_served() {
    let app = TestApp::new().await;
    let doc = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/trusts", "get"),
        ("/api/v1/staff", "post"),
        ("/api/v1/staff", "get"),
        ("/api/v1/staff/{id}", "get"),
        ("/api/v1/staff/{id}", "patch"),
        ("/api/v1/staff/import", "post"),
        ("/api/v1/vacancies", "post"),
        ("/api/v1/vacancies/{id}", "patch"),
        ("/api/v1/vacancies/import", "post"),
        ("/api/v1/skills/normalise", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/invitations/{token}", "post"),
        ("/api/v1/staff/{id}/matches", "get"),
        ("/api/v1/vacancies/{id}/candidates", "get"),
        ("/api/v1/staff/{id}/why-not/{vacancy_id}", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not described"
        );
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for schema in [
        "Problem",
        "FieldError",
        "StaffDraft",
        "StaffResponse",
        "VacancyDraft",
        "ImportReport",
        "RowError",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
    assert!(
        schemas["StaffDraft"]["properties"]
            .get("redeployment_period_ends")
            .is_some()
    );
    assert_eq!(
        doc.body["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let viewer = app.call(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert!(
        viewer.body.as_str().unwrap_or_default().contains("swagger"),
        "{}",
        viewer.body
    );
    app.finish().await;
}
