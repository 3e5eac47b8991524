//! The pages driven as a browser without JavaScript would: plain form posts carrying the
//! page's own form guard and the cookies the service set.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::helpers::{PASSWORD, Reply, TestApp, people};

/// A browser's cookie jar, just big enough for these pages.
#[derive(Default)]
pub(crate) struct Browser {
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub(crate) fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) fn keep(&mut self, reply: &Reply) {
        for set in reply.headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, rest) = set.split_once('=').unwrap();
            let value = rest.split(';').next().unwrap().to_owned();
            self.cookies.retain(|(kept, _)| kept != name);
            if !value.is_empty() && !set.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value));
            }
        }
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.cookies.iter().any(|(kept, _)| kept == name)
    }

    pub(crate) async fn get(&mut self, app: &TestApp, path: &str) -> Reply {
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, self.header())
            .body(Body::empty())
            .unwrap();
        let reply = app.send(request).await;
        self.keep(&reply);
        reply
    }

    pub(crate) async fn post(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let body: String = fields
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, self.header())
            .body(Body::from(body))
            .unwrap();
        let reply = app.send(request).await;
        self.keep(&reply);
        reply
    }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the form's hidden guard field on `page`.
pub(crate) fn guard_on(page: &Reply) -> String {
    let html = page.body.as_str().unwrap();
    html.split(r#"name="form_guard" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no form guard on {html}"))
        .to_owned()
}

/// Posts the sign-in form from `browser` with `guard`.
pub(crate) async fn post_sign_in(
    browser: &mut Browser,
    app: &TestApp,
    guard: &str,
    email: &str,
    password: &str,
) -> Reply {
    let fields = [
        ("form_guard", guard),
        ("email", email),
        ("password", password),
    ];
    browser.post(app, "/sign-in", &fields).await
}

pub(crate) fn location(reply: &Reply) -> &str {
    reply.headers[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn signing_in_and_out_through_the_pages_with_the_forms_own_guard() {
    let app = TestApp::new().await;
    people(&app).await;
    let mut browser = Browser::default();

    // Not signed in: the home page sends you to sign in.
    let home = browser.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/sign-in");

    let form = browser.get(&app, "/sign-in").await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.body.as_str().unwrap();
    assert!(
        html.contains("<title>Sign in – Redeploy London</title>"),
        "{html}"
    );
    assert!(html.contains(r#"<label class="nhsuk-label" for="email">"#));
    assert!(browser.has("redeploy_form_guard"));
    let guard = guard_on(&form);

    // A post from another site has no guard cookie: refused, nobody signed in.
    let mut elsewhere = Browser::default();
    let forged = post_sign_in(&mut elsewhere, &app, &guard, "hr@kch.nhs.uk", PASSWORD).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(!elsewhere.has("redeploy_session"));

    // Nothing entered: both fields named in the error summary, linked to their inputs.
    let empty = post_sign_in(&mut browser, &app, &guard, "", "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.body.as_str().unwrap();
    assert!(
        html.contains("<title>Error: Sign in – Redeploy London</title>"),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#email">Enter your email address</a>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#password">Enter your password</a>"##),
        "{html}"
    );

    // A wrong password: said plainly, the email kept, no session.
    let wrong = post_sign_in(&mut browser, &app, &guard, "hr@kch.nhs.uk", "not it").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let html = wrong.body.as_str().unwrap();
    assert!(
        html.contains("Enter a correct email address and password"),
        "{html}"
    );
    assert!(html.contains(r#"value="hr@kch.nhs.uk""#));
    assert!(!browser.has("redeploy_session"));

    // The right one: a session cookie, and the home page says who you are.
    let signed_in = post_sign_in(&mut browser, &app, &guard, "hr@kch.nhs.uk", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(location(&signed_in), "/");
    assert!(browser.has("redeploy_session"));
    let home = browser.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    let html = home.body.as_str().unwrap().to_owned();
    for shown in ["hr@kch.nhs.uk", "Trust HR", "RJZ"] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    // The same session works for the JSON API, as a cookie.
    let me = browser.get(&app, "/api/v1/session").await;
    assert_eq!(me.status, StatusCode::OK);
    // Every link on the page leads somewhere.
    for link in html.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap();
        if target.starts_with('#') {
            continue;
        }
        let followed = browser.get(&app, target).await;
        assert_eq!(followed.status, StatusCode::OK, "{target}");
    }

    // Signing out needs the page's guard too, then ends the session for good.
    let forged = browser
        .post(&app, "/sign-out", &[("form_guard", "rdf_forged")])
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        browser.get(&app, "/").await.status,
        StatusCode::OK,
        "still signed in"
    );
    let session = browser
        .cookies
        .iter()
        .find(|(name, _)| name == "redeploy_session")
        .unwrap()
        .1
        .clone();
    let out = browser
        .post(&app, "/sign-out", &[("form_guard", &guard_on(&home))])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/sign-in");
    assert!(!browser.has("redeploy_session"));
    let mut replayed = Browser {
        cookies: vec![("redeploy_session".to_owned(), session)],
    };
    let home = replayed.get(&app, "/").await;
    assert_eq!(
        home.status,
        StatusCode::SEE_OTHER,
        "the old session no longer opens anything"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_invitation_link_read_from_the_queued_email_sets_a_password_and_signs_in() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    let p = people(&app).await;
    crate::workflow::invited_nurse(&app, &p.hr_kings, "INV1").await;

    // The link as the email carries it, under the configured public address.
    let email = store::entities::email_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let base = app
        .settings
        .server
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let link = email
        .body_text
        .split_whitespace()
        .find(|word| word.contains("/invitations/"))
        .unwrap_or_else(|| panic!("no link in {}", email.body_text));
    let path = link
        .strip_prefix(&base)
        .unwrap_or_else(|| panic!("{link} is not under {base}"));

    let mut browser = Browser::default();
    let page = browser.get(&app, path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("<title>Set your password – Redeploy London</title>"),
        "{html}"
    );
    assert!(html.contains("inv1@nhs.net"), "{html}");
    let guard = guard_on(&page);

    let differ = browser
        .post(
            &app,
            path,
            &[
                ("form_guard", &guard),
                ("password", "a long enough password"),
                ("confirm", "another one entirely"),
            ],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        differ
            .body
            .as_str()
            .unwrap()
            .contains(r##"<a href="#confirm">"##)
    );
    let short = browser
        .post(
            &app,
            path,
            &[
                ("form_guard", &guard),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = short.body.as_str().unwrap();
    assert!(
        html.contains(r##"<a href="#password">Use at least 12 characters"##),
        "{html}"
    );
    assert!(!browser.has("redeploy_session"));

    let set = browser
        .post(
            &app,
            path,
            &[
                ("form_guard", &guard),
                ("password", "a long enough password"),
                ("confirm", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(
        location(&set),
        "/me/profile?welcome=1",
        "on to complete the profile"
    );
    let home = browser.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    let html = home.body.as_str().unwrap();
    assert!(
        html.contains("inv1@nhs.net") && html.contains("At-risk staff member"),
        "{html}"
    );

    complete_the_profile(&app, &mut browser, &p.hr_kings).await;

    // The same link again, and a made-up one: a page that says so, in the same look.
    for (address, status) in [
        (path.to_owned(), StatusCode::CONFLICT),
        ("/invitations/rdi_made_up".to_owned(), StatusCode::NOT_FOUND),
    ] {
        let page = Browser::default().get(&app, &address).await;
        assert_eq!(page.status, status, "{address}: {}", page.body);
        assert!(
            page.body
                .as_str()
                .unwrap()
                .contains("This invitation cannot be used")
        );
    }
    app.finish().await;
}

/// Accepts the invitation in the first queued email from its link, as the person would,
/// choosing a password; answers their browser, signed in.
async fn accept_the_emailed_invitation(app: &TestApp) -> Browser {
    use sea_orm::EntityTrait;
    let email = store::entities::email_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let link = email
        .body_text
        .split_whitespace()
        .find(|word| word.contains("/invitations/"))
        .unwrap();
    let path = &link[link.find("/invitations/").unwrap()..];
    let mut browser = Browser::default();
    let invitation = browser.get(app, path).await;
    let guard = guard_on(&invitation);
    let password = "a long enough password";
    let fields = [
        ("form_guard", guard.as_str()),
        ("password", password),
        ("confirm", password),
    ];
    assert_eq!(
        browser.post(app, path, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    browser
}

#[tokio::test]
async fn a_staff_member_sees_their_vacancies_with_reasons_and_answers_them() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = crate::workflow::invited_nurse(&app, &p.hr_kings, "ME1").await;
    let mut posts = Vec::new();
    for n in 0..2 {
        let body = crate::workflow::ward_post(&app, &format!("ME-W{n}")).await;
        posts.push(crate::helpers::create(&app, &p.hr_kings, "/api/v1/vacancies", body).await);
    }
    let mut browser = accept_the_emailed_invitation(&app).await;

    let home = browser.get(&app, "/").await;
    assert!(home.body.as_str().unwrap().contains(r#"href="/me""#));
    let me = browser.get(&app, "/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let html = me.body.as_str().unwrap().to_owned();
    assert!(
        html.contains("<title>Your vacancies – Redeploy London</title>"),
        "{html}"
    );
    assert!(
        html.contains("You have every skill it needs: Wound care."),
        "{html}"
    );
    assert!(html.contains("It is at your band."), "{html}");
    // A home postcode not in the directory is placed by its district.
    assert!(
        html.contains("minutes&#39; journey from your home area."),
        "{html}"
    );
    let guard = guard_on(&me);
    let first = format!("{staff_id}-{}", posts[0]);
    let second = format!("{staff_id}-{}", posts[1]);
    assert!(
        html.contains(&format!(r#"action="/me/matches/{first}""#)),
        "{html}"
    );

    // Interested in the first.
    let fields = [
        ("form_guard", guard.as_str()),
        ("to", "interested"),
        ("reason", ""),
    ];
    let answered = browser
        .post(&app, &format!("/me/matches/{first}"), &fields)
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    // Not for me, with no reason: the page says what to write, next to the right vacancy.
    let fields = [
        ("form_guard", guard.as_str()),
        ("to", "declined_by_staff"),
        ("reason", " "),
    ];
    let unsaid = browser
        .post(&app, &format!("/me/matches/{second}"), &fields)
        .await;
    assert_eq!(unsaid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = unsaid.body.as_str().unwrap();
    assert!(
        html.contains(&format!(
            r##"<a href="#reason-{second}">Say why this post is not for you</a>"##
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#"id="reason-{second}""#)),
        "the link's target is on the page"
    );
    // With a reason.
    let why = "The journey would be too long with my caring responsibilities";
    let fields = [
        ("form_guard", guard.as_str()),
        ("to", "declined_by_staff"),
        ("reason", why),
    ];
    let declined = browser
        .post(&app, &format!("/me/matches/{second}"), &fields)
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.body);

    // HR sees both answers, as the API shows them; the page no longer offers them.
    for (pair, status) in [(&first, "interested"), (&second, "declined_by_staff")] {
        let shown = app
            .call(
                Method::GET,
                &format!("/api/v1/matches/{pair}"),
                Some(&p.hr_kings),
                None,
            )
            .await;
        assert_eq!(shown.body["status"], status, "{}", shown.body);
    }
    let me = browser.get(&app, "/me").await;
    let html = me.body.as_str().unwrap();
    assert!(
        !html.contains(&format!(r#"action="/me/matches/{first}""#)),
        "{html}"
    );
    assert!(html.contains("Interested"));
    // Answering again is refused with a page that says why; another person's pair is not
    // there to answer.
    let fields = [
        ("form_guard", guard.as_str()),
        ("to", "interested"),
        ("reason", ""),
    ];
    let again = browser
        .post(&app, &format!("/me/matches/{first}"), &fields)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .body
            .as_str()
            .unwrap()
            .contains("This vacancy cannot be answered now")
    );
    let nurse = crate::workflow::nurse(&app, "ME2", "R1H").await;
    let someone_else = crate::helpers::create(&app, &p.hr_barts, "/api/v1/staff", nurse).await;
    let theirs = format!("/me/matches/{someone_else}-{}", posts[0]);
    let other = browser.post(&app, &theirs, &fields).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(other.body.as_str().unwrap().contains("Page not found"));
    app.finish().await;
}

#[tokio::test]
async fn when_the_service_fails_a_page_says_sorry_in_the_same_look_and_nothing_else() {
    let app = TestApp::new().await;
    people(&app).await;
    let mut browser = Browser::default();
    let form = browser.get(&app, "/sign-in").await;
    let guard = guard_on(&form);
    let signed_in = post_sign_in(&mut browser, &app, &guard, "hr@kch.nhs.uk", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    // The database goes away under the running service.
    app.db.clone().close().await.unwrap();
    let home = browser.get(&app, "/").await;
    assert_eq!(home.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        home.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = home.body.as_str().unwrap();
    assert!(
        html.contains("<h1>Sorry, there is a problem with the service</h1>"),
        "{html}"
    );
    assert!(html.contains("Nothing you entered was lost."));
    assert!(html.contains(r#"href="/assets/nhsuk-frontend.min.css""#));
    assert!(
        !html.to_lowercase().contains("sql") && !html.contains("pool"),
        "no cause shown: {html}"
    );
    app.finish().await;
}

/// The staff member completes the profile HR started, then asks why a post is not suggested.
async fn complete_the_profile(app: &TestApp, browser: &mut Browser, hr: &str) {
    let profile = browser.get(app, "/me/profile?welcome=1").await;
    assert_eq!(profile.status, StatusCode::OK);
    let html = profile.body.as_str().unwrap().to_owned();
    assert!(html.contains("Welcome, Nurse INV1."), "{html}");
    assert!(
        html.contains(">IV therapy\nWound care</textarea>"),
        "{html}"
    );
    assert!(html.contains(r#"id="max_travel_minutes" name="max_travel_minutes" type="text" inputmode="numeric" value="90""#));
    assert!(
        html.contains(r#"<datalist id="skill-vocabulary">"#)
            && html.contains(r#"<option value="Tissue viability">"#)
    );
    assert!(html.contains(r#"value="daily" checked"#));
    let guard = guard_on(&profile);
    let mut fields = vec![
        ("form_guard", guard.as_str()),
        ("skills", "Wound care\nIV therapy"),
        ("add_skill", "Tissue viability"),
        ("registrations", "NMC"),
        ("home_postcode", "SE5 8AZ"),
        ("max_travel_minutes", "forty"),
        ("hours_min", "30"),
        ("hours_max", "37.5"),
        ("lower_band_consent", "yes"),
        ("email_frequency", "weekly"),
    ];

    // A journey time in words: the form comes back saying what to type, nothing saved.
    let wrong = browser.post(app, "/me/profile", &fields).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.body.as_str().unwrap();
    assert!(html.contains(r##"<a href="#max_travel_minutes">Enter the longest journey you will make, in minutes as a number"##), "{html}");
    assert!(
        html.contains(">Wound care\nIV therapy</textarea>"),
        "what was typed is kept"
    );

    // Hours the wrong way round: the store's own check, linked to the field.
    fields[5] = ("max_travel_minutes", "45");
    fields[6] = ("hours_min", "40");
    let reversed = browser.post(app, "/me/profile", &fields).await;
    assert_eq!(
        reversed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reversed.body
    );
    assert!(
        reversed
            .body
            .as_str()
            .unwrap()
            .contains(r##"<a href="#hours_"##),
        "{}",
        reversed.body
    );

    fields[6] = ("hours_min", "30");
    let saved = browser.post(app, "/me/profile", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(location(&saved), "/me?saved=1");
    let me = browser.get(app, "/me?saved=1").await;
    assert!(me.body.as_str().unwrap().contains("Your profile is saved."));

    // HR sees what the person changed through the API; what HR keeps is untouched.
    let listed = app
        .call(
            axum::http::Method::GET,
            "/api/v1/staff?per_page=500",
            Some(hr),
            None,
        )
        .await;
    let id = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["staff_number"] == "INV1")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let record = app
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(hr),
            None,
        )
        .await;
    let record = &record.body;
    assert_eq!(record["max_travel_minutes"], 45);
    assert_eq!(record["email_frequency"], "weekly");
    assert_eq!(record["lower_band_consent"], true);
    assert_eq!(record["band"], "6");
    let skills: Vec<&str> = record["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skill"].as_str().unwrap())
        .collect();
    assert!(skills.contains(&"Tissue viability"), "{skills:?}");

    // "Why not": a band 8a post is more than one band above; an unknown reference is said so.
    let mut post = crate::workflow::ward_post(app, "WHY-1").await;
    post["band"] = serde_json::json!("8a");
    crate::helpers::create(app, hr, "/api/v1/vacancies", post).await;
    let why = browser.get(app, "/me/why-not?reference=WHY-1").await;
    assert_eq!(why.status, StatusCode::OK);
    let html = why.body.as_str().unwrap();
    assert!(
        html.contains("It is not suggested to you because:"),
        "{html}"
    );
    assert!(html.contains("band"), "{html}");
    // The same reference through the JSON API, as a client sees it: the paged list body.
    let found = app
        .call(
            axum::http::Method::GET,
            "/api/v1/vacancies?reference=WHY-1",
            Some(hr),
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.body["total"], 1);
    assert_eq!(
        (found.body["page"].as_u64(), found.body["per_page"].as_u64()),
        (Some(1), Some(50))
    );
    assert_eq!(found.body["items"][0]["reference"], "WHY-1");
    // An email frequency that is not one: 422 naming the field, nothing changed.
    let wrong = app
        .call(
            axum::http::Method::PATCH,
            &format!("/api/v1/staff/{id}"),
            Some(hr),
            Some(serde_json::json!({"email_frequency": "hourly"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.body["errors"][0]["field"], "email_frequency",
        "{}",
        wrong.body
    );
    let still = app
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(hr),
            None,
        )
        .await;
    assert_eq!(still.body["email_frequency"], "weekly");
    let unknown = browser.get(app, "/me/why-not?reference=NO-SUCH").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown
            .body
            .as_str()
            .unwrap()
            .contains("No open vacancy has the reference NO-SUCH")
    );
}

#[tokio::test]
async fn a_pair_an_email_links_to_opens_on_the_page_of_me_that_shows_it() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let staff_id = crate::workflow::invited_nurse(&app, &p.hr_kings, "ME2").await;
    let mut posts = Vec::new();
    // More than one page of /me (20 a page).
    for n in 0..23 {
        let body = crate::workflow::ward_post(&app, &format!("ME-P{n}")).await;
        posts.push(crate::helpers::create(&app, &p.hr_kings, "/api/v1/vacancies", body).await);
    }
    let mut browser = accept_the_emailed_invitation(&app).await;
    let mut on_second_page = 0;
    for post in posts {
        let pair = format!("{staff_id}-{post}");
        let page = browser.get(&app, &format!("/me?pair={pair}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.body.as_str().unwrap();
        assert!(html.contains(&format!("id=\"vacancy-{pair}\"")), "{pair}");
        on_second_page += usize::from(html.contains("href=\"/me?page=1\""));
    }
    assert_eq!(on_second_page, 3, "three pairs are on the second page");
    app.finish().await;
}
