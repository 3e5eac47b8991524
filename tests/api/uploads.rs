use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use store::entities::vacancy;

use crate::helpers::{People, Reply, TestApp, people, problem};

const HEADER: &str = "Job reference,Job title,Pay band,Staff group,Site,Hours,Closing date,Essential skills,Desirable skills,Registration required,Contact email";

/// One good vacancy row at King's College Hospital.
fn good_row(n: usize) -> String {
    let band = ["3", "4", "5", "Band 6", "7", "8a"][n % 6];
    format!(
        "KCH-{n:05},Ward Sister {n},{band},Nursing and Midwifery Registered,King's College Hospital (Denmark Hill),37.5,31/12/2099,\"Wound care; taking bloods\",Power BI,NMC,recruitment@kch.nhs.uk"
    )
}

fn csv_of(rows: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(&row);
    }
    text.push('\n');
    text.into_bytes()
}

/// The same rows as an XLSX workbook, built the way a spreadsheet program saves one.
fn xlsx_of(rows: usize) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, title) in HEADER.split(',').enumerate() {
        sheet.write_string(0, column as u16, title).unwrap();
    }
    for n in 0..rows {
        let row = (n + 1) as u32;
        let band = ["3", "4", "5", "Band 6", "7", "8a"][n % 6];
        let cells = [
            format!("KCH-{n:05}"),
            format!("Ward Sister {n}"),
            band.to_owned(),
            "Nursing and Midwifery Registered".to_owned(),
            "King's College Hospital (Denmark Hill)".to_owned(),
        ];
        for (column, text) in cells.iter().enumerate() {
            sheet.write_string(row, column as u16, text).unwrap();
        }
        sheet.write_number(row, 5, 37.5).unwrap();
        sheet.write_string(row, 6, "2099-12-31").unwrap();
        sheet
            .write_string(row, 7, "Wound care; taking bloods")
            .unwrap();
        sheet.write_string(row, 8, "Power BI").unwrap();
        sheet.write_string(row, 9, "NMC").unwrap();
        sheet
            .write_string(row, 10, "recruitment@kch.nhs.uk")
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Reply {
    let request = Request::post(format!("/api/v1/vacancies/import{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .unwrap();
    app.send(request).await
}

async fn stored(app: &TestApp) -> u64 {
    vacancy::Entity::find().count(&app.db).await.unwrap()
}

async fn setup() -> (TestApp, People) {
    let app = TestApp::new().await;
    let p = people(&app).await;
    (app, p)
}

#[tokio::test]
async fn a_5000_row_csv_is_accepted_at_once_and_uploading_it_again_changes_nothing() {
    let (app, p) = setup().await;
    let file = csv_of((0..5000).map(good_row));
    let reply = upload(&app, &p.hr_kings, "", "text/csv", file.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["created"], 5000);
    assert_eq!(reply.body["errors"], Value::Array(vec![]));
    assert_eq!(stored(&app).await, 5000);

    let again = upload(&app, &p.hr_kings, "", "text/csv", file).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        (
            again.body["created"].as_u64(),
            again.body["updated"].as_u64(),
            again.body["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(5000))
    );
    assert_eq!(stored(&app).await, 5000, "one copy of each vacancy");

    // A changed row updates that vacancy and nothing else.
    let mut rows: Vec<String> = (0..5000).map(good_row).collect();
    rows[10] = rows[10].replace(",37.5,", ",30,");
    let changed = upload(&app, &p.hr_kings, "", "text/csv", csv_of(rows)).await;
    assert_eq!(
        (
            changed.body["updated"].as_u64(),
            changed.body["unchanged"].as_u64()
        ),
        (Some(1), Some(4999))
    );
    app.finish().await;
}

#[tokio::test]
async fn the_same_5000_rows_as_xlsx_are_accepted_too() {
    let (app, p) = setup().await;
    let reply = upload(
        &app,
        &p.hr_kings,
        "",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx_of(5000),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{:?}",
        reply.body["errors"]
            .as_array()
            .map(|e| e.iter().take(3).collect::<Vec<_>>())
    );
    assert_eq!(reply.body["created"], 5000);
    assert_eq!(stored(&app).await, 5000);
    let again = upload(
        &app,
        &p.hr_kings,
        "",
        "application/octet-stream",
        xlsx_of(5000),
    )
    .await;
    assert_eq!(again.body["unchanged"], 5000);
    app.finish().await;
}

#[tokio::test]
async fn three_bad_rows_in_5000_are_each_reported_and_nothing_is_written() {
    let (app, p) = setup().await;
    let mut rows: Vec<String> = (0..5000).map(good_row).collect();
    rows[99] = rows[99].replace(",Band 6,", ",8e,"); // row 101
    rows[1999] = rows[1999].replace("King's College Hospital (Denmark Hill)", ""); // row 2001
    rows[4999] = rows[4999].replace("31/12/2099", "01/01/2020"); // row 5001
    let reply = upload(&app, &p.hr_kings, "", "text/csv", csv_of(rows)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let errors = reply.body["errors"].as_array().unwrap();
    let found: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [(101, "Pay band"), (2001, "Site"), (5001, "Closing date")],
        "{errors:?}"
    );
    assert_eq!(errors[0]["value"], "8e");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("1, 2, 3, 4, 5, 6, 7, 8a, 8b, 8c, 8d, 9")
    );
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("site is required")
    );
    assert!(
        errors[2]["message"]
            .as_str()
            .unwrap()
            .contains("has passed")
    );
    assert_eq!(stored(&app).await, 0, "nothing was written");
    app.finish().await;
}

#[tokio::test]
async fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    let (app, p) = setup().await;
    let reply = upload(
        &app,
        &p.hr_kings,
        "?dry_run=true",
        "text/csv",
        csv_of((0..20).map(good_row)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["dry_run"], true);
    assert_eq!(reply.body["created"], 20);
    assert_eq!(stored(&app).await, 0);
    app.finish().await;
}

#[tokio::test]
async fn rows_for_another_trust_are_refused_for_trust_hr() {
    let (app, p) = setup().await;
    let file = csv_of((0..3).map(good_row));
    let reply = upload(&app, &p.hr_barts, "?trust=RJZ", "text/csv", file.clone()).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("only for your own trust")
    );
    // An administrator may upload for any trust.
    let admin = upload(&app, &p.admin, "?trust=RJZ", "text/csv", file).await;
    assert_eq!(admin.body["created"], 3, "{}", admin.body);
    problem(
        &upload(&app, &p.analyst, "", "text/csv", csv_of([good_row(1)])).await,
        StatusCode::FORBIDDEN,
    );
    app.finish().await;
}

#[tokio::test]
async fn malformed_files_get_a_clear_4xx_and_the_service_keeps_serving() {
    let (app, p) = setup().await;
    // Not UTF-8: a CSV saved in a legacy Windows code page with a £ sign.
    let mut latin1 = csv_of([good_row(1)]);
    latin1.extend_from_slice(
        b"KCH-9,Porter \xa3,3,Estates,1,37.5,2099-01-01,Portering,,,a@nhs.net\n",
    );
    let reply = upload(&app, &p.hr_kings, "", "text/csv", latin1).await;
    assert!(problem(&reply, StatusCode::UNPROCESSABLE_ENTITY).contains("CSV UTF-8"));

    // No header row: data from the first line.
    let reply = upload(&app, &p.hr_kings, "", "text/csv", good_row(1).into_bytes()).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no header row"),
        "{}",
        reply.body
    );

    // Unbalanced quotes.
    let reply = upload(
        &app,
        &p.hr_kings,
        "",
        "text/csv",
        format!("{HEADER}\nKCH-1,\"Ward Sister,6\n").into_bytes(),
    )
    .await;
    assert!(problem(&reply, StatusCode::UNPROCESSABLE_ENTITY).contains("never closed"));

    // A zip that is not a workbook.
    let mut zip = Vec::new();
    {
        let mut writer = rust_xlsxwriter::Workbook::new();
        writer.add_worksheet();
        let book = writer.save_to_buffer().unwrap();
        // Keep the zip signature but not the workbook inside.
        zip.extend_from_slice(&book[..4]);
        zip.extend_from_slice(&[0u8; 200]);
    }
    let reply = upload(&app, &p.hr_kings, "", "application/zip", zip).await;
    assert!(problem(&reply, StatusCode::UNPROCESSABLE_ENTITY).contains("XLSX"));

    // A 60 MB body.
    let huge = vec![b'a'; 60 * 1024 * 1024];
    let reply = upload(&app, &p.hr_kings, "", "text/csv", huge).await;
    assert!(problem(&reply, StatusCode::PAYLOAD_TOO_LARGE).contains("split it"));

    // Still serving.
    let fine = upload(&app, &p.hr_kings, "", "text/csv", csv_of([good_row(7)])).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    assert_eq!(stored(&app).await, 1);
    app.finish().await;
}

const STAFF_HEADER: &str = "Staff number,Full name,Email,Pay band,Staff group,Job title,Skills,Registration,Base site,Home postcode,Lower band consent,Redeployment period ends,Continuous service date,Salary";

fn staff_row(n: usize) -> String {
    format!(
        "{:08},Person {n},person.{n}@nhs.net,{},Administrative and Clerical,Medical Secretary,\"audio typing; Minute taking\",,RJZ01,SE5 8AZ,yes,31/03/2099,01/09/2010,\"£28,500\"",
        10_000_000 + n,
        ["3", "4", "5"][n % 3]
    )
}

async fn upload_staff(app: &TestApp, token: &str, query: &str, rows: Vec<String>) -> Reply {
    let mut text = String::from(STAFF_HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(&row);
    }
    let request = Request::post(format!("/api/v1/staff/import{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(text))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn at_risk_staff_upload_by_the_same_rules_and_a_second_upload_creates_nothing() {
    let (app, p) = setup().await;
    let rows: Vec<String> = (0..300).map(staff_row).collect();
    let reply = upload_staff(&app, &p.hr_kings, "", rows.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["created"], 300);
    let listed = app
        .call(
            axum::http::Method::GET,
            "/api/v1/staff?per_page=1",
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(listed.body["total"], 300);
    let id = listed.body["items"][0]["id"].as_i64().unwrap();
    let record = app
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/staff/{id}"),
            Some(&p.hr_kings),
            None,
        )
        .await;
    assert_eq!(record.body["salary"], 28500.0);
    assert_eq!(record.body["lower_band_consent"], true);
    assert_eq!(record.body["skills"][0]["skill"], "Medical secretary");

    let again = upload_staff(&app, &p.hr_kings, "", rows).await;
    assert_eq!(
        (
            again.body["created"].as_u64(),
            again.body["unchanged"].as_u64()
        ),
        (Some(0), Some(300)),
        "{}",
        again.body
    );

    let mut bad: Vec<String> = (0..3).map(staff_row).collect();
    bad[1] = bad[1]
        .replace(",yes,", ",perhaps,")
        .replace("SE5 8AZ", "SE5");
    let reply = upload_staff(&app, &p.hr_kings, "?dry_run=true", bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let found: Vec<(u64, &str)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [(3, "Lower band consent"), (3, "Home postcode")],
        "{}",
        reply.body
    );
    app.finish().await;
}
