//! The NHS.UK frontend served by the binary itself: the stylesheet, script and images at
//! `/assets/…`, every image the stylesheet refers to found, the copy the version pinned in
//! `web/package.json`, and nothing else reachable under `/assets/`; and the security headers
//! every answer carries.

use axum::http::{Method, StatusCode, header};

use crate::helpers::TestApp;

async fn fetch(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let reply = app.call(Method::GET, path, None, None).await;
    let content_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = match &reply.body {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    (reply.status, content_type, body)
}

#[tokio::test]
async fn the_nhs_frontend_is_served_whole_from_the_binary_at_the_pinned_version() {
    let app = TestApp::new().await;
    let (status, content_type, css) = fetch(&app, "/assets/nhsuk-frontend.min.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/css"), "{content_type}");
    assert!(css.contains(".nhsuk-header"), "the real NHS.UK stylesheet");
    let (status, content_type, js) = fetch(&app, "/assets/nhsuk-frontend.min.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert!(
        !js.contains("sourceMappingURL") && !css.contains("sourceMappingURL"),
        "no link to a map that is not served"
    );

    // Every image the stylesheet refers to is served; the only references elsewhere are the
    // NHS font files, which the pages' Content-Security-Policy keeps the browser from fetching
    // (the pages fall back to the system's sans-serif).
    let mut local = 0;
    for reference in css.split("url(").skip(1) {
        let target = reference
            .split(')')
            .next()
            .unwrap()
            .trim_matches(['"', '\'']);
        if target.starts_with("data:") {
            continue;
        }
        if let Some(path) = target.strip_prefix("/assets/") {
            let (status, content_type, _) = fetch(&app, &format!("/assets/{path}")).await;
            assert_eq!(status, StatusCode::OK, "{target}");
            assert!(
                content_type.starts_with("image/"),
                "{target}: {content_type}"
            );
            local += 1;
        } else {
            assert!(
                target.starts_with("https://assets.nhs.uk/fonts/"),
                "the stylesheet refers to {target}, which the binary does not serve"
            );
        }
    }
    assert!(local >= 4, "{local} images");

    // The copy is the version web/package.json pins, with its licence beside it.
    let pinned: serde_json::Value =
        serde_json::from_str(include_str!("../../web/package.json")).unwrap();
    let (_, _, version) = fetch(&app, "/assets/VERSION").await;
    assert_eq!(version.trim(), pinned["dependencies"]["nhsuk-frontend"]);
    let (status, _, licence) = fetch(&app, "/assets/LICENSE").await;
    assert_eq!(status, StatusCode::OK);
    assert!(licence.contains("MIT License") && licence.contains("NHS.UK"));

    for missing in [
        "/assets/nope.css",
        "/assets/../Cargo.toml",
        "/assets/images/",
        "/assets/",
    ] {
        let (status, _, _) = fetch(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
    app.finish().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in [
        "/healthz",
        "/api/v1/trusts",
        "/api/openapi.json",
        "/assets/nhsuk-frontend.min.css",
        "/no-such-page",
        "/metrics",
        "/api/docs/",
        "/sign-in",
    ] {
        let reply = app.call(Method::GET, path, None, None).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{path} answered without {name}"))
        };
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn a_browser_asking_for_a_page_that_does_not_exist_gets_the_nhs_styled_not_found_page() {
    let app = TestApp::new().await;
    let reply = app
        .call_with_headers(
            Method::GET,
            "/no-such-page",
            None,
            &[("accept", "text/html,application/xhtml+xml")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let content_type = reply.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = reply.body.as_str().unwrap();
    assert!(
        page.contains("<title>Page not found – Redeploy London</title>"),
        "{page}"
    );
    assert!(page.contains(r#"<html lang="en-GB">"#));
    assert!(
        page.contains(r##"href="#maincontent""##) && page.contains(r#"id="maincontent""#),
        "a skip link to the content"
    );
    assert!(page.contains("<h1>Page not found</h1>"));
    // Every address the page links to is served.
    let mut links = 0;
    for link in page
        .split("href=\"")
        .skip(1)
        .chain(page.split("src=\"").skip(1))
    {
        let target = link.split('"').next().unwrap();
        if target.starts_with('#') {
            continue;
        }
        assert!(target.starts_with('/'), "{target} is not the service's own");
        let (status, _, _) = fetch(&app, target).await;
        // The service's name leads home, which sends a visitor not signed in to sign in.
        let expected = if target == "/" {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::OK
        };
        assert_eq!(status, expected, "{target}");
        links += 1;
    }
    assert!(links >= 3, "the stylesheet and the icons");

    // Clients of the API, and anything under /api/, still get problem+json.
    for (path, accept) in [
        ("/no-such-page", "application/json"),
        ("/api/v1/nothing", "text/html"),
    ] {
        let reply = app
            .call_with_headers(Method::GET, path, None, &[("accept", accept)])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
    }
    app.finish().await;
}
