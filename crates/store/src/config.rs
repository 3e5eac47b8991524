//! Configuration: the `config/default.toml` compiled into the binary, then `config/default.toml`
//! and `config/{REDEPLOY_ENV}.toml` where the service runs, then `REDEPLOY__SECTION__KEY`
//! environment variables, then command-line flags. Checked once, at start, so that a wrong
//! number stops the service with the key named instead of misranking later.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::Deserialize;

const EMBEDDED_DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub server: ServerSettings,
    pub email: notifier::EmailSettings,
    pub matching: matcher::MatchPolicy,
    pub pay: domain::PayScale,
    pub savings: domain::SavingsPolicy,
    pub workflow: WorkflowSettings,
    pub reports: ReportSettings,
    pub auth: AuthSettings,
    pub demo: DemoSettings,
    pub uploads: UploadSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UploadSettings {
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
    /// The most data rows one file may hold.
    pub max_rows: usize,
}

/// `[database]`. `Debug` never prints the URL, which may carry a password.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Empty means the SQLite file `DATA_DIR/redeploy.db`.
    pub url: secrecy::SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub listen: String,
    pub public_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WorkflowSettings {
    pub trial_days: u32,
    pub trial_extensions: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportSettings {
    pub suppress_below: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub session_hours: u32,
    pub cookie_secure: bool,
    pub max_failed_sign_ins: u32,
    pub lockout_minutes: u32,
    /// Each failed sign-in in a row waits this much longer before answering.
    pub failed_sign_in_delay_ms: u32,
    pub invitation_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DemoSettings {
    pub seed: u64,
    pub staff: usize,
    pub vacancies: usize,
    pub past_cases: usize,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
}

/// Configuration could not be read or does not make sense.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Read(#[from] Box<figment::Error>),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Reads the layers in order from the folder `dir` (the working folder, normally).
    pub fn load_from(dir: &Path, command_line: &CommandLine) -> Result<Settings, ConfigError> {
        let environment = std::env::var("REDEPLOY_ENV").unwrap_or_else(|_| "local".to_owned());
        let mut figment = Figment::new()
            .merge(Toml::string(EMBEDDED_DEFAULTS))
            .merge(Toml::file(dir.join("config/default.toml")))
            .merge(Toml::file(dir.join(format!("config/{environment}.toml"))))
            .merge(Env::prefixed("REDEPLOY__").split("__"));
        // Flags are nested keys ("database.url"), so each is merged on its own path.
        if let Some(data_dir) = &command_line.data_dir {
            figment = figment.merge(Serialized::default("data_dir", data_dir));
        }
        if let Some(url) = &command_line.database_url {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        if let Some(listen) = &command_line.listen {
            figment = figment.merge(Serialized::default("server.listen", listen));
        }
        let settings: Settings = figment.extract().map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Reads configuration relative to the working folder.
    pub fn load(command_line: &CommandLine) -> Result<Settings, ConfigError> {
        let here = std::env::current_dir()
            .map_err(|e| ConfigError::Invalid(format!("cannot read the working folder: {e}")))?;
        Settings::load_from(&here, command_line)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |e: &dyn std::fmt::Display| ConfigError::Invalid(e.to_string());
        self.matching.validate().map_err(|e| invalid(&e))?;
        self.pay.validate().map_err(|e| invalid(&e))?;
        self.email
            .transport(&self.data_dir)
            .map_err(|e| invalid(&e))?;
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid(
                "[database] max_connections must be at least 1".into(),
            ));
        }
        if self.reports.suppress_below == 0 {
            return Err(ConfigError::Invalid(
                "[reports] suppress_below must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The database URL to use: the configured one, or a SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        let url = secrecy::ExposeSecret::expose_secret(&self.database.url).trim();
        if url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("redeploy.db").display()
            )
        } else {
            url.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_hold_every_number_design_gives() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::load_from(dir.path(), &CommandLine::default()).unwrap();
        assert_eq!(settings.matching.max_band_drop, 1);
        assert_eq!(settings.matching.weights.essential_skills, 45);
        assert_eq!(settings.matching.travel.minutes_per_km, 3.0);
        assert_eq!(settings.pay.bands["8d"].top, 105_337);
        assert_eq!(settings.pay.hcas["inner_london"].max, 8_465);
        assert_eq!(settings.savings.redundancy_pay_cap, 160_000);
        assert_eq!(settings.workflow.trial_days, 28);
        assert_eq!(settings.reports.suppress_below, 5);
        assert_eq!(settings.server.listen, "127.0.0.1:8080");
        assert!(settings.database_url().starts_with("sqlite://"));
        assert!(settings.database_url().ends_with("redeploy.db?mode=rwc"));
    }

    #[test]
    fn a_local_config_file_and_the_command_line_override_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        std::fs::write(
            dir.path().join("config/default.toml"),
            "[matching]\nmax_band_drop = 2\n[reports]\nsuppress_below = 10\n",
        )
        .unwrap();
        let command_line = CommandLine {
            database_url: Some("postgres://postgres@127.0.0.1/redeploy".into()),
            listen: Some("0.0.0.0:9000".into()),
            data_dir: Some(PathBuf::from("/srv/redeploy")),
        };
        let settings = Settings::load_from(dir.path(), &command_line).unwrap();
        assert_eq!(settings.matching.max_band_drop, 2);
        assert_eq!(settings.reports.suppress_below, 10);
        // Untouched keys keep their defaults.
        assert_eq!(settings.matching.weights.travel, 15);
        assert_eq!(
            settings.database_url(),
            "postgres://postgres@127.0.0.1/redeploy"
        );
        assert_eq!(settings.server.listen, "0.0.0.0:9000");
        assert_eq!(settings.data_dir, PathBuf::from("/srv/redeploy"));
    }

    #[test]
    fn settings_never_print_a_database_password() {
        let dir = tempfile::tempdir().unwrap();
        let command_line = CommandLine {
            database_url: Some("postgres://app:s3cret@db/redeploy".into()),
            ..CommandLine::default()
        };
        let settings = Settings::load_from(dir.path(), &command_line).unwrap();
        assert!(!format!("{settings:?}").contains("s3cret"));
        assert_eq!(settings.database_url(), "postgres://app:s3cret@db/redeploy");
    }

    #[test]
    fn weights_that_do_not_add_up_stop_the_service_with_the_key_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        std::fs::write(
            dir.path().join("config/default.toml"),
            "[matching.weights]\ntravel = 30\n",
        )
        .unwrap();
        let err = Settings::load_from(dir.path(), &CommandLine::default()).unwrap_err();
        assert!(
            err.to_string().contains("[matching.weights] add up to 115"),
            "{err}"
        );
    }
}
