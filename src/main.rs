//! `redeploy`: the command line of Redeploy London.
//!
//! `serve` runs the service, `migrate` manages the schema, `demo` loads the synthetic London
//! data set. Every command reads the same configuration (see `config/default.toml`).

use std::future::IntoFuture;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use api::demo_store::{self, DemoAccount, DemoLoadError};
use api::{AppState, CommandLine, Settings, db, reference_store, router};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use domain::ReferenceData;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;

#[derive(Debug, Parser)]
#[command(
    name = "redeploy",
    version,
    about = "Redeploy London: keeps NHS staff at risk of redundancy in work"
)]
struct Cli {
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER@HOST/DB. Default: a SQLite file in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Folder for the service's files (SQLite database, written mail). Default: ./data
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, load reference data and serve HTTP.
    Serve {
        /// Address to listen on. Default: 127.0.0.1:8080
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo data set into an empty database and print the demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date (or roll it back).
    Migrate {
        /// Roll back instead of applying.
        #[arg(long)]
        down: bool,
        /// With --down: how many migrations to roll back (default: all).
        #[arg(long, requires = "down")]
        steps: Option<u32>,
        /// Only list applied and pending migrations.
        #[arg(long, conflicts_with = "down")]
        status: bool,
    },
    /// Upload vacancies or at-risk staff from a CSV or XLSX file: all rows or none.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV (UTF-8) or XLSX file.
        file: PathBuf,
        /// ODS code of the trust for rows without a Trust column.
        #[arg(long)]
        trust: Option<String>,
        /// Check the file and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage the people who sign in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load the synthetic London demo data set into an empty database.
    Demo {
        /// Seed: the same seed (and day) always gives the same data. Default from [demo] seed.
        #[arg(long)]
        seed: Option<u64>,
        /// At-risk staff to generate. Default from [demo] staff (2,000).
        #[arg(long)]
        staff: Option<usize>,
        /// Vacancies to generate. Default from [demo] vacancies (8,000).
        #[arg(long)]
        vacancies: Option<usize>,
        /// The day dates are laid out around (YYYY-MM-DD). Default: today.
        #[arg(long)]
        today: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ImportKind {
    Vacancies,
    Staff,
    /// Exact postcode positions: the ONS Postcode Directory CSV (pcds, lat, long) or any CSV
    /// with postcode, latitude and longitude.
    Postcodes,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input when it is not a terminal;
    /// on a terminal a strong password is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        /// staff, trust_hr, partnership or admin.
        #[arg(long)]
        role: String,
        /// ODS code of the trust (trust_hr and staff accounts).
        #[arg(long)]
        trust: Option<String>,
        /// The name shown for the account. Default: the email address.
        #[arg(long)]
        name: Option<String>,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let settings = Settings::load(&CommandLine {
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
        listen,
    })?;
    match cli.command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Migrate {
            down,
            steps,
            status,
        } => migrate(settings, down, steps, status).await,
        Command::Import {
            kind,
            file,
            trust,
            dry_run,
        } => import(settings, kind, file, trust, dry_run).await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    trust,
                    name,
                },
        } => add_user(settings, email, role, trust, name).await,
        Command::Demo {
            seed,
            staff,
            vacancies,
            today,
        } => {
            let db = open(&settings).await?;
            prepare(&db).await?;
            let spec = demo::DemoSpec {
                seed: seed.unwrap_or(settings.demo.seed),
                staff: staff.unwrap_or(settings.demo.staff),
                vacancies: vacancies.unwrap_or(settings.demo.vacancies),
                today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
            };
            let accounts = load_demo(&db, &settings, &spec).await?;
            print_accounts(&accounts);
            Ok(())
        }
    }
}

/// Opens the configured database, creating the data folder first.
async fn open(settings: &Settings) -> Result<DatabaseConnection> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            settings.data_dir.display()
        )
    })?;
    let url = settings.database_url();
    db::connect(&url, settings.database.max_connections)
        .await
        .with_context(|| format!("cannot open the database at {}", redact(&url)))
}

/// Migrates the schema and loads the reference data (both idempotent).
async fn prepare(db: &DatabaseConnection) -> Result<()> {
    db::migrate(db).await.context("migrating the database")?;
    let reference = ReferenceData::london().context("reading the shipped reference data")?;
    let counts = reference_store::load_reference_data(db, &reference)
        .await
        .context("loading reference data")?;
    tracing::info!(
        trusts = counts.trusts,
        sites = counts.sites,
        districts = counts.districts,
        skills = counts.skills,
        "reference data loaded"
    );
    Ok(())
}

async fn serve(settings: Settings, demo: bool) -> Result<()> {
    let db = open(&settings).await?;
    let listener = tokio::net::TcpListener::bind(&settings.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.server.listen))?;
    let address = listener.local_addr()?;
    let vocabulary = ReferenceData::london()
        .context("reading the shipped reference data")?
        .vocabulary;
    let state = AppState::new(db.clone(), settings.clone(), vocabulary);
    let server = tokio::spawn(
        axum::serve(
            listener,
            router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .into_future(),
    );
    println!("listening on http://{address}");

    prepare(&db).await?;
    if demo {
        let (staff, vacancies) = demo_store::case_counts(&db).await?;
        let accounts = if staff == 0 && vacancies == 0 {
            let spec = demo::DemoSpec {
                seed: settings.demo.seed,
                staff: settings.demo.staff,
                vacancies: settings.demo.vacancies,
                today: chrono::Local::now().date_naive(),
            };
            load_demo(&db, &settings, &spec).await?
        } else {
            let accounts = demo_store::existing_demo_accounts(&db).await?;
            if accounts.is_empty() {
                println!(
                    "demo data not loaded: this database already holds {staff} at-risk staff and {vacancies} vacancies"
                );
            }
            accounts
        };
        print_accounts(&accounts);
    }
    let today = chrono::Utc::now().date_naive();
    if let Some(eligible) = api::match_sync::rematch_if_stale(&db, &settings.matching, today)
        .await
        .context("ranking the stored records")?
    {
        println!(
            "matches re-ranked with the current [matching] settings: {eligible} eligible pairs"
        );
    }
    state.mark_ready();
    api::outbox::start_delivery(db.clone(), &settings).context("starting email delivery")?;
    println!("ready: http://{address}/readyz");
    server.await.context("the server stopped")??;
    Ok(())
}

async fn load_demo(
    db: &DatabaseConnection,
    settings: &Settings,
    spec: &demo::DemoSpec,
) -> Result<Vec<DemoAccount>> {
    let started = Instant::now();
    let reference = ReferenceData::london()?;
    let data = demo::generate(spec, &reference, &settings.pay);
    let bar = ProgressBar::new(demo_store::progress_total(&data)).with_message("loading demo data");
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let advance = |rows: u64| bar.inc(rows);
    let accounts = match demo_store::load_demo(db, &data, &advance).await {
        Ok(accounts) => accounts,
        Err(error @ DemoLoadError::NotEmpty { .. }) => {
            bar.abandon();
            return Err(error.into());
        }
        Err(error) => return Err(anyhow::Error::new(error).context("loading demo data")),
    };
    bar.finish_and_clear();
    println!(
        "demo data loaded: {} at-risk staff and {} vacancies (seed {}) in {:.1} s",
        data.staff.len(),
        data.vacancies.len(),
        spec.seed,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let spinner = ProgressBar::new_spinner().with_message("ranking every pair");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let eligible = api::match_sync::rematch_all(db, &settings.matching, spec.today)
        .await
        .context("ranking the demo data")?;
    spinner.finish_and_clear();
    println!(
        "matches stored: {eligible} eligible pairs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(accounts)
}

fn print_accounts(accounts: &[DemoAccount]) {
    for account in accounts {
        println!(
            "demo account: {} {} {}",
            account.role, account.email, account.password
        );
    }
}

async fn migrate(settings: Settings, down: bool, steps: Option<u32>, status: bool) -> Result<()> {
    let db = open(&settings).await?;
    if status {
        let (applied, pending) = db::migration_status(&db).await?;
        for name in applied {
            println!("applied  {name}");
        }
        for name in pending {
            println!("pending  {name}");
        }
    } else if down {
        db::rollback(&db, steps)
            .await
            .context("rolling back migrations")?;
        println!(
            "rolled back {}",
            steps.map_or("every migration".to_owned(), |n| format!(
                "{n} migration(s)"
            ))
        );
    } else {
        prepare(&db).await?;
        println!("database is up to date");
    }
    Ok(())
}

async fn import(
    settings: Settings,
    kind: ImportKind,
    file: PathBuf,
    trust: Option<String>,
    dry_run: bool,
) -> Result<()> {
    match kind {
        ImportKind::Vacancies => {
            import_records::<api::import::vacancies::Vacancies>(settings, file, trust, dry_run)
                .await
        }
        ImportKind::Staff => {
            import_records::<api::import::staff::Staff>(settings, file, trust, dry_run).await
        }
        ImportKind::Postcodes => import_postcodes(settings, file).await,
    }
}

/// Uploads a file of `U` records by the same all-or-nothing rules as the API.
async fn import_records<U: api::import::run::Upload>(
    settings: Settings,
    file: PathBuf,
    trust: Option<String>,
    dry_run: bool,
) -> Result<()> {
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let table = api::import::table::read_table(&bytes, settings.uploads.max_rows)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let db = open(&settings).await?;
    prepare(&db).await?;
    let vocabulary = ReferenceData::london()?.vocabulary;
    let options = api::import::ImportOptions {
        dry_run,
        default_trust: trust,
        allowed_trusts: None,
        audit: api::audit::AuditActor::system("redeploy import"),
    };
    let bar = ProgressBar::new(table.rows.len() as u64).with_message("checking rows");
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |done: usize| bar.set_position(done as u64);
    let report = api::import::run::run::<U>(
        &db,
        &settings,
        &vocabulary,
        &api::match_sync::MatchIndex::new(),
        &table,
        &options,
        &progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!("the upload failed: {e}"))?;
    bar.finish_and_clear();
    if !report.ignored_columns.is_empty() {
        println!("ignored columns: {}", report.ignored_columns.join(", "));
    }
    if report.errors.is_empty() {
        let verb = if dry_run { "would be" } else { "were" };
        println!(
            "{} rows checked: {} {verb} created, {} {verb} updated, {} unchanged{}",
            table.rows.len(),
            report.created,
            report.updated,
            report.unchanged,
            if dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
        Ok(())
    } else {
        for error in &report.errors {
            eprintln!(
                "row {}, {}: {} (\"{}\")",
                error.row, error.column, error.message, error.value
            );
        }
        anyhow::bail!(
            "{} problem(s) found; nothing was written",
            report.errors.len()
        )
    }
}

async fn import_postcodes(settings: Settings, file: PathBuf) -> Result<()> {
    let source =
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let db = open(&settings).await?;
    prepare(&db).await?;
    let spinner = ProgressBar::new_spinner().with_message("rows read");
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {pos} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let progress = |rows: u64| spinner.set_position(rows);
    let outcome = api::postcodes::import_postcodes(&db, std::io::BufReader::new(source), &progress)
        .await
        .with_context(|| format!("importing {}", file.display()))?;
    spinner.finish_and_clear();
    println!(
        "{} postcode positions stored, {} rows left out (no position, ended, or not a postcode)",
        outcome.stored, outcome.skipped
    );
    // People may now be placed more exactly, so every pair is ranked again.
    let eligible =
        api::match_sync::rematch_all(&db, &settings.matching, chrono::Utc::now().date_naive())
            .await
            .context("ranking every pair with the new positions")?;
    println!("matches re-ranked: {eligible} eligible pairs");
    Ok(())
}

async fn add_user(
    settings: Settings,
    email: String,
    role: String,
    trust: Option<String>,
    name: Option<String>,
) -> Result<()> {
    use std::io::{IsTerminal, Read};
    let (password, generated) = if std::io::stdin().is_terminal() {
        (
            api::tokens::new_token(api::tokens::TokenKind::Invitation)?[4..28].to_owned(),
            true,
        )
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the password from standard input")?;
        (text.trim_end_matches(['\n', '\r']).to_owned(), false)
    };
    let db = open(&settings).await?;
    prepare(&db).await?;
    let new = api::users::NewUser {
        email,
        role,
        trust,
        display_name: name,
        password: password.clone(),
    };
    match api::users::create_user(
        &db,
        &new,
        &api::audit::AuditActor::system("redeploy user add"),
    )
    .await
    {
        Ok(user) => {
            println!(
                "created {} account {} (id {})",
                user.role, user.email, user.id
            );
            if generated {
                println!(
                    "password (shown once; pass one on standard input to choose your own): {password}"
                );
            }
            Ok(())
        }
        Err(api::error::AppError::Invalid(errors)) => {
            for error in &errors {
                eprintln!("{}: {}", error.field, error.message);
            }
            anyhow::bail!("the account was not created")
        }
        Err(other) => Err(anyhow::Error::new(other).context("creating the account")),
    }
}

/// A database URL with any password replaced, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_database_urls_are_never_printed() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/redeploy"),
            "postgres://app:***@db:5432/redeploy"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact("sqlite://./data/redeploy.db?mode=rwc"),
            "sqlite://./data/redeploy.db?mode=rwc"
        );
    }
}
