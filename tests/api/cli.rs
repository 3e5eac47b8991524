use std::io::Write;
use std::process::{Command, Stdio};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use store::entities::user;

use crate::helpers::{PASSWORD, TestApp};

/// Runs `redeploy user add` against the test app's database with `stdin` as standard input.
fn user_add(url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let folder = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redeploy"))
        .current_dir(folder.path())
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(["--database-url", url, "user", "add"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn user_add_reads_the_password_from_standard_input_and_the_account_can_sign_in() {
    let app = TestApp::new().await;
    let url = app.url.clone();
    let (ok, stdout, stderr) = user_add(
        &url,
        &[
            "--email",
            "HR.Lead@nhs.net",
            "--role",
            "trust_hr",
            "--trust",
            "r1h",
            "--name",
            "HR lead, Barts",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("created trust_hr account hr.lead@nhs.net"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
        "the password is never printed"
    );
    let stored = user::Entity::find()
        .filter(user::Column::Email.eq("hr.lead@nhs.net"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.display_name, "HR lead, Barts");
    app.sign_in("hr.lead@nhs.net").await;
    app.finish().await;
}

#[tokio::test]
async fn user_add_with_bad_details_says_what_to_fix_and_creates_nothing() {
    let app = TestApp::new().await;
    let url = app.url.clone();
    let (ok, _, stderr) = user_add(
        &url,
        &["--email", "someone@nhs.net", "--role", "trust_hr"],
        "short\n",
    );
    assert!(!ok);
    assert!(
        stderr.contains("password: use at least 12 characters"),
        "{stderr}"
    );
    assert!(
        stderr.contains("trust: a trust_hr account belongs to a trust"),
        "{stderr}"
    );
    assert!(stderr.contains("the account was not created"));
    assert!(user::Entity::find().all(&app.db).await.unwrap().is_empty());
    app.finish().await;
}

fn redeploy_import(url: &str, args: &[&str]) -> (bool, String, String) {
    run_redeploy(url, "import", args)
}

/// Runs `redeploy --database-url URL COMMAND ARGS…`: whether it succeeded, and what it printed
/// on standard output and standard error.
pub(crate) fn run_redeploy(url: &str, command: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_redeploy"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(["--database-url", url, command])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn import_from_the_command_line_writes_all_rows_or_none() {
    let app = TestApp::new().await;
    let folder = tempfile::tempdir().unwrap();
    let good = folder.path().join("vacancies.csv");
    let header = "Job reference,Job title,Band,Staff group,Site,Hours,Closing date,Essential skills,Contact email,Notes";
    let rows: Vec<String> = (0..40)
        .map(|n| format!("CLI-{n},Porter,2,Estates and Ancillary,RJZ01,37.5,2099-06-30,Portering,estates@kch.nhs.uk,night shifts"))
        .collect();
    std::fs::write(&good, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let path = good.to_str().unwrap();

    let (ok, stdout, stderr) = redeploy_import(
        &app.url,
        &["vacancies", path, "--trust", "RJZ", "--dry-run"],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("40 would be created"), "{stdout}");
    assert!(stdout.contains("ignored columns: Notes"), "{stdout}");
    let (ok, stdout, _) = redeploy_import(&app.url, &["vacancies", path, "--trust", "RJZ"]);
    assert!(ok);
    assert!(stdout.contains("40 were created"), "{stdout}");
    let (_, stdout, _) = redeploy_import(&app.url, &["vacancies", path, "--trust", "RJZ"]);
    assert!(
        stdout.contains("0 were created, 0 were updated, 40 unchanged"),
        "{stdout}"
    );

    let bad = folder.path().join("bad.csv");
    std::fs::write(&bad, format!("{header}\nCLI-99,Porter,10,Estates and Ancillary,RJZ01,37.5,2099-06-30,Portering,estates@kch.nhs.uk,\n")).unwrap();
    let (ok, _, stderr) = redeploy_import(
        &app.url,
        &["vacancies", bad.to_str().unwrap(), "--trust", "RJZ"],
    );
    assert!(!ok);
    assert!(stderr.contains("row 2, Band:"), "{stderr}");
    assert!(stderr.contains("nothing was written"));
    let listed = store::entities::vacancy::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(listed.len(), 40);
    app.finish().await;
}
