//! What every foundation test needs: a fresh database on the backend under test, and the real
//! `redeploy` binary run as a user would run it.
//!
//! The backend is SQLite (a file in a temporary folder) unless `REDEPLOY_TEST_POSTGRES_URL`
//! names a PostgreSQL server, in which case each test gets a database of its own there. CI runs
//! the suite once each way; a PostgreSQL run that cannot reach its server fails, never skips.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

#[path = "../support/database_url.rs"]
mod database_url;
use database_url::replace_database;

pub const POSTGRES_ENV: &str = "REDEPLOY_TEST_POSTGRES_URL";

/// A database for one test, dropped (PostgreSQL) or deleted with its folder (SQLite) at the end.
pub struct TestDatabase {
    pub url: String,
    /// Holds the SQLite file's folder (and is a scratch folder for PostgreSQL tests too).
    pub folder: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh, empty database on the backend under test.
    pub async fn fresh() -> TestDatabase {
        let folder = tempfile::tempdir().expect("temporary folder");
        match std::env::var(POSTGRES_ENV) {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "redeploy_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!(
                        "{POSTGRES_ENV} is set but PostgreSQL at {admin_url} cannot be reached: {e}"
                    )
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let url = replace_database(&admin_url, &name);
                TestDatabase {
                    url,
                    folder,
                    postgres: Some((admin_url, name)),
                }
            }
            _ => {
                let file = folder.path().join("test.db");
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    folder,
                    postgres: None,
                }
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        store::db::connect(&self.url, 2)
            .await
            .expect("connect to the test database")
    }

    /// Drops a PostgreSQL test database. (SQLite files go with their folder.)
    pub async fn finish(self) {
        if let Some((admin_url, name)) = &self.postgres {
            let admin = Database::connect(admin_url)
                .await
                .expect("reconnect to drop the test database");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop the test database");
            admin.close().await.ok();
        }
    }
}

/// The `redeploy` binary, run in `dir` with a clean environment for its own settings.
pub fn redeploy(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redeploy"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("REDEPLOY__") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs a `redeploy` command to the end and returns its exit status and standard output.
pub fn run(mut command: Command) -> (bool, String, String) {
    let output = command.output().expect("run redeploy");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running `redeploy serve`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    pub address: String,
    /// Every line the server printed on standard output, up to "ready".
    pub lines: Vec<String>,
}

impl Server {
    /// Starts `serve` on a free port and waits until it says it is ready.
    pub fn start(mut command: Command) -> Server {
        command.args(["serve", "--listen", "127.0.0.1:0"]);
        Server::start_with(command)
    }

    pub fn start_with(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start redeploy serve");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(remaining) {
                Ok(line) => {
                    let ready = line.starts_with("ready");
                    lines.push(line);
                    if ready {
                        break;
                    }
                }
                Err(_) => {
                    let mut stderr = String::new();
                    if let Some(mut err) = child.stderr.take() {
                        let _ = child.kill();
                        let _ = err.read_to_string(&mut stderr);
                    }
                    panic!(
                        "the server never became ready; it printed {lines:?} and on stderr:\n{stderr}"
                    );
                }
            }
        }
        let address = lines
            .iter()
            .find_map(|l| l.strip_prefix("listening on http://"))
            .expect("the server says where it listens")
            .to_owned();
        Server {
            child,
            address,
            lines,
        }
    }

    /// `GET path`, returning the status code and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.address, path)
    }

    /// Stops the server as an operator would (SIGTERM) and waits for it to exit.
    pub fn stop(mut self) {
        self.terminate();
    }

    /// Kills the server at once (SIGKILL), as a crash or a lost machine would: it finishes
    /// nothing it was doing.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn terminate(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

/// A plain HTTP/1.1 GET over a TCP connection: enough to probe health endpoints.
pub fn http_get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect to the server");
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A folder inside the test's scratch folder.
pub fn subfolder(db: &TestDatabase, name: &str) -> PathBuf {
    let path = db.folder.path().join(name);
    std::fs::create_dir_all(&path).expect("create folder");
    path
}

#[test]
fn database_names_are_replaced_in_postgres_urls() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://u@h/db?sslmode=disable", "t2"),
        "postgres://u@h/t2?sslmode=disable"
    );
}
