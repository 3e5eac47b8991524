//! The URL of one test database on the PostgreSQL server an admin URL reaches, shared by the
//! test suites.

/// `url` with its database replaced by `database`, keeping any query string (`?sslmode=…`).
pub fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

#[test]
fn database_urls_keep_the_server_and_the_query_string() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://u:p@db/postgres?sslmode=require", "t2"),
        "postgres://u:p@db/t2?sslmode=require"
    );
    assert_eq!(
        replace_database("postgres://u@db:5432", "t3"),
        "postgres://u@db:5432/t3"
    );
}
