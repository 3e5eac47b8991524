//! `[email]` configuration, checked once at start so that a typo fails loudly, not at the first
//! message.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `[email]` as written in configuration. `Debug` never prints the SMTP URL, which may carry
/// a password.
#[derive(Debug, Clone, Deserialize)]
pub struct EmailSettings {
    /// `file` (the default) or `smtp`.
    pub transport: String,
    /// The sender, e.g. `Redeploy London <no-reply@redeploy.example>`.
    pub from: String,
    /// Where `file` transport writes `.eml` files; empty means `DATA_DIR/mail`.
    #[serde(default)]
    pub file_dir: String,
    /// `smtp://host:port`, `smtps://user:pass@host:465` or `smtp://host:587?tls=starttls`.
    #[serde(default = "no_smtp_url")]
    pub smtp_url: SecretString,
    /// SMTP connections kept open and reused; 0 opens one for each message.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
    /// Messages handed to the transport at once. A mail conversation spends most of its time
    /// waiting on the network, so several at once deliver several times as many.
    #[serde(default = "default_concurrent_sends")]
    pub concurrent_sends: u32,
    /// How long one SMTP conversation may take before it counts as a temporary failure.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
    /// Attempts before a message that keeps failing is marked failed for admin to see.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: i32,
    /// The wait after the first failure; each further failure doubles it (up to a day), with
    /// up to a fifth more or less at random so that retries do not arrive together.
    #[serde(default = "default_first_retry_seconds")]
    pub first_retry_seconds: u64,
    /// How often the service looks for emails to compose: exact matches (sent at once),
    /// digests that are due, and reminders.
    #[serde(default = "default_notice_interval_seconds")]
    pub notice_interval_seconds: u64,
    /// How long a message claimed by an instance is left to it before another may send it:
    /// longer than one conversation's timeout, so a slow send is not sent twice, and short
    /// enough that what an instance that died had claimed goes out soon after.
    #[serde(default = "default_claim_seconds")]
    pub claim_seconds: u64,
}

fn default_claim_seconds() -> u64 {
    300
}

fn default_notice_interval_seconds() -> u64 {
    60
}

fn default_pool_size() -> u32 {
    16
}

fn default_concurrent_sends() -> u32 {
    16
}

fn default_timeout_seconds() -> u64 {
    30
}

fn default_max_attempts() -> i32 {
    8
}

fn default_first_retry_seconds() -> u64 {
    60
}

fn no_smtp_url() -> SecretString {
    SecretString::from("")
}

/// Where mail goes, once configuration has been checked.
#[derive(Debug, Clone)]
pub enum Transport {
    /// One `.eml` file per message in this folder.
    File { dir: PathBuf },
    /// A mail server, reached at this URL (which may carry a password).
    Smtp { url: SecretString },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("[email] transport is \"{0}\"; use \"file\" or \"smtp\"")]
    UnknownTransport(String),
    #[error("[email] transport is \"smtp\" but smtp_url is empty; set it to smtp://host:port")]
    MissingSmtpUrl,
    #[error("[email] smtp_url must start with smtp:// or smtps:// (it starts \"{0}\")")]
    BadSmtpUrl(String),
    #[error("[email] from is empty; set it to the sender's address")]
    MissingFrom,
}

impl EmailSettings {
    /// The mailer this configuration chooses, ready to send.
    pub fn mailer(&self, data_dir: &Path) -> Result<Box<dyn crate::Mailer>, crate::MailError> {
        let chosen = self
            .transport(data_dir)
            .map_err(|e| crate::MailError::Settings(e.to_string()))?;
        Ok(match chosen {
            Transport::File { dir } => Box::new(crate::FileMailer::new(&dir, &self.from)?),
            Transport::Smtp { url } => Box::new(crate::SmtpMailer::new(
                &url,
                &self.from,
                std::time::Duration::from_secs(self.timeout_seconds.max(1)),
                match self.pool_size {
                    0 => crate::Connections::OneEach,
                    size => crate::Connections::Pooled(size),
                },
            )?),
        })
    }

    /// How long to wait before attempt `attempts + 1`, after `attempts` failures: doubling
    /// from `first_retry_seconds`, at most a day, times `jitter` (0.8 to 1.2 in use).
    pub fn retry_after(&self, attempts: i32, jitter: f64) -> std::time::Duration {
        let doubled = self
            .first_retry_seconds
            .max(1)
            .saturating_mul(1u64 << attempts.clamp(1, 20).saturating_sub(1));
        let capped = doubled.min(24 * 60 * 60) as f64;
        std::time::Duration::from_secs_f64(capped * jitter.clamp(0.5, 1.5))
    }

    /// Decides the transport; relative folders are taken inside `data_dir`.
    pub fn transport(&self, data_dir: &Path) -> Result<Transport, SettingsError> {
        if self.from.trim().is_empty() {
            return Err(SettingsError::MissingFrom);
        }
        match self.transport.as_str() {
            "file" => {
                let dir = if self.file_dir.trim().is_empty() {
                    data_dir.join("mail")
                } else {
                    PathBuf::from(&self.file_dir)
                };
                Ok(Transport::File { dir })
            }
            "smtp" => {
                let url = self.smtp_url.expose_secret().trim();
                if url.is_empty() {
                    Err(SettingsError::MissingSmtpUrl)
                } else if url.starts_with("smtp://") || url.starts_with("smtps://") {
                    Ok(Transport::Smtp {
                        url: SecretString::from(url),
                    })
                } else {
                    // Only the scheme is shown: the rest may hold a password.
                    let scheme: String = url.chars().take_while(|c| *c != ':').take(10).collect();
                    Err(SettingsError::BadSmtpUrl(scheme))
                }
            }
            other => Err(SettingsError::UnknownTransport(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(transport: &str, smtp_url: &str) -> EmailSettings {
        EmailSettings {
            transport: transport.into(),
            from: "Redeploy London <no-reply@redeploy.example>".into(),
            file_dir: String::new(),
            smtp_url: SecretString::from(smtp_url),
            pool_size: 16,
            concurrent_sends: 16,
            timeout_seconds: 30,
            max_attempts: 8,
            first_retry_seconds: 60,
            notice_interval_seconds: 60,
            claim_seconds: 300,
        }
    }

    #[test]
    fn file_transport_writes_into_the_data_folder_by_default() {
        let transport = settings("file", "")
            .transport(Path::new("/srv/redeploy"))
            .unwrap();
        assert!(
            matches!(&transport, Transport::File { dir } if dir == &PathBuf::from("/srv/redeploy/mail")),
            "{transport:?}"
        );
    }

    #[test]
    fn smtp_needs_a_url_that_says_smtp() {
        assert!(matches!(
            settings("smtp", "").transport(Path::new(".")),
            Err(SettingsError::MissingSmtpUrl)
        ));
        assert!(matches!(
            settings("smtp", "http://mail").transport(Path::new(".")),
            Err(SettingsError::BadSmtpUrl(_))
        ));
        let smtp = settings("smtp", "smtps://user:s3cret@mail:465")
            .transport(Path::new("."))
            .unwrap();
        assert!(
            matches!(&smtp, Transport::Smtp { url } if url.expose_secret() == "smtps://user:s3cret@mail:465")
        );
        // Neither the settings nor the transport print the password.
        assert!(!format!("{smtp:?}").contains("s3cret"));
        assert!(
            !format!("{:?}", settings("smtp", "smtps://user:s3cret@mail:465")).contains("s3cret")
        );
        let wrong = settings("smtp", "htp://user:s3cret@mail").transport(Path::new("."));
        assert!(!format!("{:?}", wrong.unwrap_err()).contains("s3cret"));
        assert!(settings("pigeon", "").transport(Path::new(".")).is_err());
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_a_day() {
        let s = settings("file", "");
        let wait = |n, jitter| s.retry_after(n, jitter).as_secs();
        assert_eq!([wait(1, 1.0), wait(2, 1.0), wait(3, 1.0)], [60, 120, 240]);
        assert_eq!(wait(30, 1.0), 24 * 60 * 60);
        assert_eq!((wait(1, 0.8), wait(1, 1.2)), (48, 72));
    }
}
