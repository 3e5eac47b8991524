use domain::ReferenceData;
use sea_orm::{EntityTrait, PaginatorTrait};
use store::entities::{postcode_location, site, skill, skill_synonym, trust};

use crate::helpers::{Server, TestDatabase, redeploy, subfolder};

#[tokio::test]
async fn serve_in_an_empty_folder_creates_the_sqlite_database_and_becomes_ready() {
    let folder = tempfile::tempdir().unwrap();
    assert!(std::fs::read_dir(folder.path()).unwrap().next().is_none());

    let server = Server::start(redeploy(folder.path()));
    let (status, body) = server.get("/readyz");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ready"));
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
    server.stop();

    let database = folder.path().join("data/redeploy.db");
    assert!(
        database.is_file(),
        "the default database is ./data/redeploy.db"
    );
}

async fn reference_row_counts(db: &TestDatabase) -> [u64; 5] {
    let conn = db.connect().await;
    let counts = [
        trust::Entity::find().count(&conn).await.unwrap(),
        site::Entity::find().count(&conn).await.unwrap(),
        postcode_location::Entity::find()
            .count(&conn)
            .await
            .unwrap(),
        skill::Entity::find().count(&conn).await.unwrap(),
        skill_synonym::Entity::find().count(&conn).await.unwrap(),
    ];
    conn.close().await.ok();
    counts
}

#[tokio::test]
async fn a_second_start_reuses_the_database_without_duplicating_reference_data() {
    let db = TestDatabase::fresh().await;
    let folder = subfolder(&db, "run");
    let mut first = redeploy(&folder);
    first.args(["--database-url", &db.url]);
    let server = Server::start(first);
    assert_eq!(server.get("/readyz").0, 200);
    server.stop();
    let after_first = reference_row_counts(&db).await;

    let reference = ReferenceData::london().unwrap();
    assert_eq!(
        after_first[0],
        reference.trusts.len() as u64,
        "every London trust is loaded"
    );
    assert_eq!(
        after_first[1],
        reference.sites.len() as u64,
        "every site is loaded"
    );
    assert_eq!(
        after_first[2],
        reference.districts.len() as u64,
        "every postcode district is loaded"
    );
    assert_eq!(
        after_first[3],
        reference.vocabulary.skills().len() as u64,
        "every skill is loaded"
    );
    assert!(after_first[4] > 500, "synonyms are loaded");

    let mut second = redeploy(&folder);
    second.args(["--database-url", &db.url]);
    let server = Server::start(second);
    assert_eq!(server.get("/readyz").0, 200);
    server.stop();
    assert_eq!(
        reference_row_counts(&db).await,
        after_first,
        "a second start adds nothing"
    );
    db.finish().await;
}

#[tokio::test]
async fn the_database_url_can_come_from_the_environment() {
    let db = TestDatabase::fresh().await;
    let folder = subfolder(&db, "run");
    let mut command = redeploy(&folder);
    command.env("REDEPLOY__DATABASE__URL", &db.url);
    let server = Server::start(command);
    assert_eq!(server.get("/readyz").0, 200);
    server.stop();
    assert!(
        !folder.join("data/redeploy.db").exists(),
        "the configured database was used, not the default"
    );
    assert!(reference_row_counts(&db).await[0] > 0);
    db.finish().await;
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_stops_the_service_with_a_message() {
    let folder = tempfile::tempdir().unwrap();
    let mut command = redeploy(folder.path());
    command.args([
        "--database-url",
        "postgres://nobody:secret@127.0.0.1:1/none",
        "serve",
        "--listen",
        "127.0.0.1:0",
    ]);
    let (ok, _, stderr) = crate::helpers::run(command);
    assert!(!ok);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(
        !stderr.contains("secret"),
        "the password is never printed: {stderr}"
    );
}
