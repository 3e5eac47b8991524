use migration::{Migrator, MigratorTrait, SchemaManager};

use crate::helpers::{TestDatabase, redeploy, run, subfolder};

const TABLES: &[&str] = &[
    "trusts",
    "sites",
    "postcode_locations",
    "skills",
    "skill_synonyms",
    "at_risk_staff",
    "staff_registrations",
    "staff_skills",
    "vacancies",
    "vacancy_skills",
    "users",
    "matches",
    "match_transitions",
    "outcomes",
    "email_outbox",
    "audit_log",
    "sessions",
    "api_tokens",
    "sign_in_failures",
    "invitations",
    "match_sync",
    "match_changes",
];

async fn tables_present(db: &sea_orm::DatabaseConnection) -> Vec<&'static str> {
    let manager = SchemaManager::new(db);
    let mut present = Vec::new();
    for table in TABLES {
        if manager.has_table(*table).await.unwrap() {
            present.push(*table);
        }
    }
    present
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let db = TestDatabase::fresh().await;
    let conn = db.connect().await;

    Migrator::up(&conn, None).await.unwrap();
    assert_eq!(tables_present(&conn).await, TABLES);

    Migrator::down(&conn, None).await.unwrap();
    assert!(
        tables_present(&conn).await.is_empty(),
        "every table is gone after down"
    );

    Migrator::up(&conn, None).await.unwrap();
    assert_eq!(tables_present(&conn).await, TABLES);
    assert!(
        Migrator::get_pending_migrations(&conn)
            .await
            .unwrap()
            .is_empty()
    );

    conn.close().await.ok();
    db.finish().await;
}

#[tokio::test]
async fn the_migrate_command_applies_reports_and_rolls_back() {
    let db = TestDatabase::fresh().await;
    let folder = subfolder(&db, "run");
    let command = |args: &[&str]| {
        let mut c = redeploy(&folder);
        c.args(["--database-url", &db.url, "migrate"]).args(args);
        run(c)
    };

    let (ok, stdout, stderr) = command(&[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("database is up to date"));
    let (ok, stdout, _) = command(&["--status"]);
    assert!(ok);
    assert!(!stdout.contains("pending"), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("applied")).count(),
        Migrator::migrations().len(),
        "{stdout}"
    );

    // Back past the migration that made the match index's change log.
    let (ok, stdout, stderr) = command(&["--down", "--steps", "8"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("rolled back 8 migration"), "{stdout}");
    let (_, stdout, _) = command(&["--status"]);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("pending")).count(),
        8,
        "{stdout}"
    );

    let conn = db.connect().await;
    let present = tables_present(&conn).await;
    assert!(!present.contains(&"match_sync") && !present.contains(&"match_changes"));
    assert!(present.contains(&"sessions") && present.contains(&"matches"));
    conn.close().await.ok();
    db.finish().await;
}
