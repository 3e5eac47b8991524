//! `redeploy`: the command line of Redeploy London.
//!
//! `serve` runs the service, `migrate` manages the schema, `demo` loads the synthetic London
//! data set. Every command reads the same configuration (see `config/default.toml`).

use std::future::IntoFuture;
use std::path::PathBuf;

use anyhow::{Context, Result};
use api::{App, Startup};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use domain::ReferenceData;
use indicatif::{ProgressBar, ProgressStyle};
use store::demo_store::{DemoAccount, DemoLoadError, DemoStart, LoadProgress};
use store::{CommandLine, Settings, Store};

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
    /// Print the partnership's report: redeployments, cases and savings by group, small counts
    /// hidden as on /reports.
    Report {
        /// First day (YYYY-MM-DD). Default: a year before --to.
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD). Default: today.
        #[arg(long)]
        to: Option<String>,
        /// trust, band, staff_group or month.
        #[arg(long, default_value = "trust")]
        group_by: String,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
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
        /// Past cases to take to their outcomes over the 24 months before that day. Default
        /// from [demo] past_cases (700).
        #[arg(long)]
        past_cases: Option<usize>,
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
        Command::Report {
            from,
            to,
            group_by,
            csv,
        } => {
            let store = open(settings).await?;
            let asked = store::reports::SummaryRequest {
                from,
                to,
                group_by: Some(group_by),
            };
            match store.summary_report(&asked).await {
                Ok(summary) if csv => print!("{}", summary.csv()),
                Ok(summary) => print!("{}", summary.table()),
                Err(store::Error::Invalid(errors)) => {
                    for error in &errors {
                        eprintln!("--{}: {}", error.field.replace('_', "-"), error.message);
                    }
                    anyhow::bail!("no report was made")
                }
                Err(other) => return Err(anyhow::Error::new(other).context("making the report")),
            }
            Ok(())
        }
        Command::Demo {
            seed,
            staff,
            vacancies,
            today,
            past_cases,
        } => {
            let store = open(settings).await?;
            let spec = store::demo_store::DemoSpec {
                seed: seed.unwrap_or(store.settings().demo.seed),
                staff: staff.unwrap_or(store.settings().demo.staff),
                vacancies: vacancies.unwrap_or(store.settings().demo.vacancies),
                today: today.unwrap_or_else(store::today),
                past_cases: past_cases.unwrap_or(store.settings().demo.past_cases),
            };
            let accounts = load_demo(&store, &spec).await?;
            print_accounts(&accounts);
            Ok(())
        }
    }
}

/// Opens the configured database, migrates it and loads the reference data (both idempotent).
async fn open(settings: Settings) -> Result<Store> {
    let url = redact(&settings.database_url());
    let reference = ReferenceData::london().context("reading the shipped reference data")?;
    let store = Store::connect(settings, reference)
        .await
        .with_context(|| format!("cannot open the database at {url}"))?;
    store.prepare().await?;
    Ok(store)
}

async fn serve(settings: Settings, demo: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.server.listen))?;
    let address = listener.local_addr()?;
    let reference = ReferenceData::london().context("reading the shipped reference data")?;
    let startup = Startup {
        demo: demo.then(|| store::demo_store::DemoSpec {
            seed: settings.demo.seed,
            staff: settings.demo.staff,
            vacancies: settings.demo.vacancies,
            today: store::today(),
            past_cases: settings.demo.past_cases,
        }),
        without_email_delivery: false,
    };
    let url = redact(&settings.database_url());
    let app = App::connect(settings, reference)
        .await
        .with_context(|| format!("cannot open the database at {url}"))?;
    // Listen first, so that /healthz answers and /readyz says "starting" while start-up runs.
    let server = tokio::spawn(
        axum::serve(
            listener,
            app.router()
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .into_future(),
    );
    println!("listening on http://{address}");
    let started = app.start(&startup).await?;
    match started.demo {
        Some(DemoStart::Loaded(loaded)) => {
            println!(
                "demo data loaded: {} at-risk staff and {} vacancies in {:.1} s (suggestions are ranked on request, not stored); {} past cases are being taken to their outcomes",
                loaded.staff,
                loaded.vacancies,
                loaded.load_time.as_secs_f64(),
                loaded.past_cases,
            );
            print_accounts(&loaded.accounts);
        }
        Some(DemoStart::AlreadyLoaded(accounts)) => print_accounts(&accounts),
        Some(DemoStart::NotEmpty { staff, vacancies }) => println!(
            "demo data not loaded: this database already holds {staff} at-risk staff and {vacancies} vacancies"
        ),
        None => {}
    }
    println!(
        "match index: {} at-risk staff and {} vacancies in memory, loaded in {:.1} s",
        started.index.staff,
        started.index.vacancies,
        started.index.load_time.as_secs_f64()
    );
    println!("ready: http://{address}/readyz");
    server.await.context("the server stopped")??;
    Ok(())
}

/// The demo load's progress, as a bar on the terminal.
struct Bar(ProgressBar);

impl LoadProgress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }

    fn advance(&self, rows: u64) {
        self.0.inc(rows);
    }
}

async fn load_demo(store: &Store, spec: &store::demo_store::DemoSpec) -> Result<Vec<DemoAccount>> {
    let bar = ProgressBar::new(0).with_message("loading demo data");
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = Bar(bar);
    let loaded = match store.load_demo(spec, &progress).await {
        Ok(loaded) => loaded,
        Err(error @ DemoLoadError::NotEmpty { .. }) => {
            progress.0.abandon();
            return Err(error.into());
        }
        Err(error) => return Err(anyhow::Error::new(error).context("loading demo data")),
    };
    progress.0.finish_and_clear();
    println!(
        "demo data loaded: {} at-risk staff and {} vacancies, and {} past cases taken to their outcomes (seed {}) in {:.1} s",
        loaded.staff,
        loaded.vacancies,
        loaded.past_cases,
        spec.seed,
        loaded.load_time.as_secs_f64()
    );
    let counting = std::time::Instant::now();
    let eligible = store
        .count_eligible_pairs(spec.today)
        .await
        .context("counting the eligible pairs")?;
    println!(
        "eligible pairs: {eligible} (counted in {:.1} s; ranked on request, not stored)",
        counting.elapsed().as_secs_f64()
    );
    Ok(loaded.accounts)
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
    if !down && !status {
        open(settings).await?;
        println!("database is up to date");
        return Ok(());
    }
    let url = redact(&settings.database_url());
    let reference = ReferenceData::london().context("reading the shipped reference data")?;
    let store = Store::connect(settings, reference)
        .await
        .with_context(|| format!("cannot open the database at {url}"))?;
    let db = store.db();
    if status {
        let (applied, pending) = store::db::migration_status(db).await?;
        for name in applied {
            println!("applied  {name}");
        }
        for name in pending {
            println!("pending  {name}");
        }
    } else if down {
        store::db::rollback(db, steps)
            .await
            .context("rolling back migrations")?;
        println!(
            "rolled back {}",
            steps.map_or("every migration".to_owned(), |n| format!(
                "{n} migration(s)"
            ))
        );
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
            import_records::<store::import::vacancies::Vacancies>(settings, file, trust, dry_run)
                .await
        }
        ImportKind::Staff => {
            import_records::<store::import::staff::Staff>(settings, file, trust, dry_run).await
        }
        ImportKind::Postcodes => import_postcodes(settings, file).await,
    }
}

/// Uploads a file of `U` records by the same all-or-nothing rules as the API.
async fn import_records<U: store::import::run::Upload>(
    settings: Settings,
    file: PathBuf,
    trust: Option<String>,
    dry_run: bool,
) -> Result<()> {
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let table = store::import::table::read_table(&bytes, settings.uploads.max_rows)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let store = open(settings).await?;
    let options = store::import::ImportOptions {
        dry_run,
        default_trust: trust,
        allowed_trusts: None,
        audit: store::audit::AuditActor::system("redeploy import"),
    };
    let bar = ProgressBar::new(table.rows.len() as u64).with_message("checking rows");
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |done: usize| bar.set_position(done as u64);
    let report = store::import::run::run::<U>(&store, &table, &options, &progress)
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
    let store = open(settings).await?;
    let spinner = ProgressBar::new_spinner().with_message("rows read");
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {pos} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let progress = |rows: u64| spinner.set_position(rows);
    let outcome =
        store::postcodes::import_postcodes(store.db(), std::io::BufReader::new(source), &progress)
            .await
            .with_context(|| format!("importing {}", file.display()))?;
    spinner.finish_and_clear();
    println!(
        "{} postcode positions stored, {} rows left out (no position, ended, or not a postcode)",
        outcome.stored, outcome.skipped
    );
    // People may now be placed more exactly: every instance reloads every profile.
    store::match_index::log_everything(store.db())
        .await
        .context("telling the match index that positions changed")?;
    println!("matches are ranked with the new positions from the next request");
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
            store::tokens::new_token(store::tokens::TokenKind::Invitation)?[4..28].to_owned(),
            true,
        )
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the password from standard input")?;
        (text.trim_end_matches(['\n', '\r']).to_owned(), false)
    };
    let store = open(settings).await?;
    let new = store::users::NewUser {
        email,
        role,
        trust,
        display_name: name,
        password: password.clone(),
    };
    match store
        .create_user(&new, &store::audit::AuditActor::system("redeploy user add"))
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
        Err(store::Error::Invalid(errors)) => {
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
