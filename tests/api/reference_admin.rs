//! Admin changes the reference data through the pages while the service runs: a trust and its
//! sites, and the skills vocabulary. Each change is refused whole when a field is wrong (the
//! field named, nothing written), is seen at once by another instance on the same database,
//! moves the matching of the records it touches, and survives a restart that loads the shipped
//! reference data again.

use axum::http::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use store::entities::{site, skill_synonym, trust};

use crate::helpers::{TestApp, create, nurse_body, people, site_of};
use crate::journeys::{every_link_answers, html, signed_in_browser};
use crate::matching::candidate_names;
use crate::pages::{guard_on, location};

async fn trusts_stored(app: &TestApp) -> u64 {
    trust::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn admin_adds_a_trust_and_a_site_that_every_instance_uses_and_moving_the_site_moves_its_matches()
 {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let other = app.second_instance().await;
    let other_admin = other.sign_in("admin@london.nhs.uk").await;
    let mut admin = signed_in_browser(&app, "admin@london.nhs.uk").await;

    let form = admin.get(&app, "/admin/trusts/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", html(&form));
    let guard = guard_on(&form);
    let before = trusts_stored(&app).await;
    let wrong = admin
        .post(
            &app,
            "/admin/trusts",
            &[
                ("form_guard", &guard),
                ("ods_code", "1"),
                ("name", " "),
                ("kind", "acute"),
                ("hcas_zone", "mars"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["trust-ods_code", "trust-name", "trust-hcas_zone"] {
        assert!(
            html(&wrong).contains(&format!(r##"<a href="#{field}">"##)),
            "{field}: {}",
            html(&wrong)
        );
    }
    assert_eq!(trusts_stored(&app).await, before, "nothing written");
    let taken = admin
        .post(
            &app,
            "/admin/trusts",
            &[
                ("form_guard", &guard),
                ("ods_code", "rjz"),
                ("name", "Another King's"),
                ("kind", "acute"),
                ("hcas_zone", "inner_london"),
            ],
        )
        .await;
    assert!(
        html(&taken).contains("RJZ is already listed, as King&#39;s College Hospital"),
        "{}",
        html(&taken)
    );

    let added = admin
        .post(
            &app,
            "/admin/trusts",
            &[
                ("form_guard", &guard),
                ("ods_code", "rzz"),
                ("name", "North Thames Health NHS Trust"),
                ("kind", "community"),
                ("hcas_zone", "inner_london"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let trust_page = admin.get(&app, location(&added)).await;
    assert!(html(&trust_page).contains("The trust is added."));
    assert!(html(&trust_page).contains("This trust has no sites yet"));

    // A site: a postcode that is not one, then one the service cannot place, then right.
    let site_form = |postcode: &'static str| {
        let guard = guard.clone();
        move || {
            vec![
                ("form_guard".to_owned(), guard.clone()),
                ("name".to_owned(), "Camberwell Clinic".to_owned()),
                ("postcode".to_owned(), postcode.to_owned()),
                ("hcas_zone".to_owned(), String::new()),
            ]
        }
    };
    for (postcode, says) in [
        ("nowhere", "is not a full UK postcode"),
        ("ZE1 0AA", "does not know where ZE1 0AA is"),
    ] {
        let fields = site_form(postcode)();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let refused = admin.post(&app, "/admin/trusts/RZZ/sites", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html(&refused).contains(r##"<a href="#site-postcode">"##)
                && html(&refused).contains(says),
            "{postcode}: {}",
            html(&refused)
        );
    }
    assert_eq!(site::Entity::find().count(&app.db).await.unwrap(), {
        let shipped = domain::ReferenceData::london().unwrap().sites.len();
        shipped as u64
    });
    let fields = site_form("SE5 9RS")();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let site_added = admin.post(&app, "/admin/trusts/RZZ/sites", &fields).await;
    assert_eq!(
        site_added.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&site_added)
    );
    let trust_page = admin.get(&app, location(&site_added)).await;
    assert!(
        html(&trust_page).contains("Camberwell Clinic")
            && html(&trust_page).contains("RZZ-CAMBERWELL-CLINIC")
    );
    every_link_answers(&mut admin, &app, &trust_page).await;

    // The other instance lists the trust and takes a vacancy at the new site at once.
    let listed = other
        .call(Method::GET, "/api/v1/trusts", Some(&other_admin), None)
        .await;
    let rzz = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["ods_code"] == "RZZ")
        .unwrap_or_else(|| panic!("RZZ missing: {}", listed.body))
        .clone();
    assert_eq!(rzz["sites"][0]["name"], "Camberwell Clinic");
    let clinic = rzz["sites"][0]["id"].as_i64().unwrap();
    let vacancy = create(
        &other,
        &other_admin,
        "/api/v1/vacancies",
        json!({
            "trust": "RZZ", "reference": "RZZ-1", "title": "Community Nurse", "band": "6",
            "staff_group": "Nursing and Midwifery Registered", "site": clinic, "hours": 37.5,
            "closing_date": "2099-01-01", "essential_skills": ["Wound care"],
            "desirable_skills": [], "registration_required": "NMC",
            "contact_email": "jobs@norththames.nhs.uk"
        }),
    )
    .await;
    create(
        &app,
        &p.hr_kings,
        "/api/v1/staff",
        nurse_body(&app, "K1", "Kemi Adeyemi", json!({})).await,
    )
    .await;
    assert_eq!(
        candidate_names(&other, &other_admin, vacancy).await,
        ["Kemi Adeyemi"]
    );

    // Moved to Tunbridge Wells, the clinic is out of her reach, on both instances.
    let site_page = admin.get(&app, &format!("/admin/sites/{clinic}")).await;
    assert_eq!(site_page.status, StatusCode::OK, "{}", html(&site_page));
    let moved = admin
        .post(
            &app,
            &format!("/admin/sites/{clinic}"),
            &[
                ("form_guard", &guard_on(&site_page)),
                ("name", "Pembury Clinic"),
                ("postcode", "TN1 1AA"),
                ("hcas_zone", "fringe"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", html(&moved));
    assert!(html(&admin.get(&app, location(&moved)).await).contains("Pembury Clinic"));
    assert!(
        candidate_names(&other, &other_admin, vacancy)
            .await
            .is_empty()
    );
    assert!(candidate_names(&app, &p.admin, vacancy).await.is_empty());

    // A shipped trust corrected, then a restart that loads the shipped data again.
    let kings = admin.get(&app, "/admin/trusts/RJZ").await;
    let corrected = admin
        .post(
            &app,
            "/admin/trusts/RJZ",
            &[
                ("form_guard", &guard_on(&kings)),
                ("name", "King's College Hospital"),
                ("kind", "acute"),
                ("hcas_zone", "inner_london"),
            ],
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&corrected)
    );
    let restarted = app.restarted_with(|_| {}).await;
    let admin_again = restarted.sign_in("admin@london.nhs.uk").await;
    let listed = restarted
        .call(Method::GET, "/api/v1/trusts", Some(&admin_again), None)
        .await;
    let names: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"King's College Hospital"), "{names:?}");
    assert!(!names.contains(&"King's College Hospital NHS Foundation Trust"));
    let stored = site::Entity::find_by_id(clinic as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.postcode.as_str()),
        ("Pembury Clinic", "TN1 1AA")
    );

    // Nobody else may.
    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    for path in [
        "/admin/trusts/new",
        "/admin/trusts/RJZ",
        &format!("/admin/sites/{clinic}"),
    ] {
        assert_eq!(
            hr.get(&app, path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    app.finish().await;
}

async fn normalised(app: &TestApp, token: &str, text: &str) -> (String, String) {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/skills/normalise",
            Some(token),
            Some(json!({ "text": text })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    (
        reply.body["skill"].as_str().unwrap().to_owned(),
        reply.body["match"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn admin_adds_a_skill_and_its_synonyms_and_new_entries_are_recognised_on_every_instance() {
    let app = TestApp::new().await;
    let p = people(&app).await;
    let other = app.second_instance().await;
    let other_hr = other.sign_in("hr@kch.nhs.uk").await;
    let mut admin = signed_in_browser(&app, "admin@london.nhs.uk").await;
    assert_eq!(
        normalised(&other, &other_hr, "Lymphoedema care").await.1,
        "custom"
    );

    let form = admin.get(&app, "/admin/skills/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", html(&form));
    let guard = guard_on(&form);
    for (name, category, field, says) in [
        ("", "clinical", "skill-name", "Enter the skill in words"),
        (
            "Taking bloods",
            "clinical",
            "skill-name",
            "is already recognised as &#34;Phlebotomy&#34;",
        ),
        (
            "Lymphoedema care",
            "custom",
            "skill-category",
            "Choose the family",
        ),
    ] {
        let refused = admin
            .post(
                &app,
                "/admin/skills",
                &[
                    ("form_guard", &guard),
                    ("name", name),
                    ("category", category),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            html(&refused).contains(&format!(r##"<a href="#{field}">"##))
                && html(&refused).contains(says),
            "{name}: {}",
            html(&refused)
        );
    }
    let added = admin
        .post(
            &app,
            "/admin/skills",
            &[
                ("form_guard", &guard),
                ("name", "Lymphoedema care"),
                ("category", "clinical"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let skill_page = admin.get(&app, location(&added)).await;
    assert!(html(&skill_page).contains("The skill is in the vocabulary."));
    let skill_path = location(&added).split('?').next().unwrap().to_owned();
    assert_eq!(
        normalised(&other, &other_hr, "lymphoedema  care").await,
        ("Lymphoedema care".to_owned(), "exact".to_owned())
    );

    // A synonym: one that already means another skill is refused; a new one is recognised.
    let guard = guard_on(&skill_page);
    let synonyms = format!("{skill_path}/synonyms");
    let refused = admin
        .post(
            &app,
            &synonyms,
            &[("form_guard", &guard), ("synonym", "venepuncture")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&refused).contains("already means &#34;Phlebotomy&#34;"),
        "{}",
        html(&refused)
    );
    let kept = admin
        .post(
            &app,
            &synonyms,
            &[("form_guard", &guard), ("synonym", "Lymph care")],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", html(&kept));
    assert_eq!(
        normalised(&other, &other_hr, "lymph care").await,
        ("Lymphoedema care".to_owned(), "exact".to_owned())
    );

    // A staff member registered on the other instance now has the skill, not a custom one.
    let id = create(
        &other,
        &other_hr,
        "/api/v1/staff",
        json!({
            "trust": "RJZ", "staff_number": "T1", "name": "Tomas Reyes", "email": "t1@nhs.net",
            "band": "5", "staff_group": "Nursing and Midwifery Registered",
            "job_title": "Staff Nurse", "skills": ["Lymph care", "Ferret handling"], "registrations": ["NMC"],
            "base_site": site_of(&app, "RJZ").await, "max_travel_minutes": 60,
            "hours_min": 30, "hours_max": 37.5, "lower_band_consent": false,
            "priority_tier": 1, "redeployment_period_ends": "2099-01-01",
            "continuous_service_start": "2012-01-01"
        }),
    )
    .await;
    let record = other
        .call(
            Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(&other_hr),
            None,
        )
        .await;
    let lymph = record.body["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["entered"] == "Lymph care")
        .unwrap();
    assert_eq!(
        (&lymph["skill"], &lymph["match"]),
        (&json!("Lymphoedema care"), &json!("exact"))
    );

    // Admin's synonym can be taken back; a shipped one stays.
    let page = admin.get(&app, &skill_path).await;
    let remove = html(&page)
        .split("action=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.ends_with("/remove"))
        .unwrap()
        .to_owned();
    let removed = admin.post(&app, &remove, &[("form_guard", &guard)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", html(&removed));
    assert_eq!(
        normalised(&other, &other_hr, "lymph care").await.1,
        "custom"
    );
    let shipped = skill_synonym::Entity::find()
        .filter(skill_synonym::Column::Folded.eq("venepuncture"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let refused = admin
        .post(
            &app,
            &format!(
                "/admin/skills/{}/synonyms/{}/remove",
                shipped.skill_id, shipped.id
            ),
            &[("form_guard", &guard)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(html(&refused).contains("ships with the service"));
    assert_eq!(
        normalised(&app, &p.hr_kings, "venepuncture").await.0,
        "Phlebotomy"
    );

    // A custom skill someone typed becomes the vocabulary's from its row on the admin page.
    let listed = admin.get(&app, "/admin?skill=ferret").await;
    let add_link = html(&listed)
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/admin/skills/new?name="))
        .unwrap_or_else(|| panic!("no link to add the custom skill: {}", html(&listed)))
        .to_owned();
    let prefilled = admin.get(&app, &add_link.replace("&amp;", "&")).await;
    assert!(
        html(&prefilled).contains(r#"value="Ferret handling""#),
        "{}",
        html(&prefilled)
    );

    let mut hr = signed_in_browser(&app, "hr@kch.nhs.uk").await;
    assert_eq!(
        hr.get(&app, "/admin/skills/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        hr.get(&app, &skill_path).await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}
