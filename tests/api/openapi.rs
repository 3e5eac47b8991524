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

    // Every operation the document describes is served at that path with that method, and the
    // document is the one the router was built from.
    assert_eq!(
        doc.body,
        serde_json::to_value(api::openapi_document()).unwrap()
    );
    let mut operations = 0;
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let concrete = path
                .replace("{token}", "rdi_0")
                .replace("{vacancy_id}", "1")
                .replace("{id}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let reply = app.call(method.clone(), &concrete, None, None).await;
            assert_ne!(
                reply.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is described but not served"
            );
            assert!(
                !reply.body.to_string().contains("page not found"),
                "{method} {path} is described but not served: {}",
                reply.body
            );
        }
    }
    assert_eq!(operations, 31, "every route of the service is described");

    let viewer = app.call(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert!(
        viewer.body.as_str().unwrap_or_default().contains("swagger"),
        "{}",
        viewer.body
    );
    app.finish().await;
}
