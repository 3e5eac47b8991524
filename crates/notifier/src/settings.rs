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
}
