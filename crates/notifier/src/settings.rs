//! `[email]` configuration, checked once at start so that a typo fails loudly, not at the first
//! message.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// `[email]` as written in configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EmailSettings {
    /// `file` (the default) or `smtp`.
    pub transport: String,
    /// The sender, e.g. `Redeploy London <no-reply@redeploy.example>`.
    pub from: String,
    /// Where `file` transport writes `.eml` files; empty means `DATA_DIR/mail`.
    #[serde(default)]
    pub file_dir: String,
    /// `smtp://host:port`, `smtps://user:pass@host:465` or `smtp://host:587?tls=starttls`.
    #[serde(default)]
    pub smtp_url: String,
}

/// Where mail goes, once configuration has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// One `.eml` file per message in this folder.
    File { dir: PathBuf },
    /// A mail server, reached at this URL.
    Smtp { url: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("[email] transport is \"{0}\"; use \"file\" or \"smtp\"")]
    UnknownTransport(String),
    #[error("[email] transport is \"smtp\" but smtp_url is empty; set it to smtp://host:port")]
    MissingSmtpUrl,
    #[error("[email] smtp_url \"{0}\" must start with smtp:// or smtps://")]
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
                let url = self.smtp_url.trim();
                if url.is_empty() {
                    Err(SettingsError::MissingSmtpUrl)
                } else if url.starts_with("smtp://") || url.starts_with("smtps://") {
                    Ok(Transport::Smtp {
                        url: url.to_owned(),
                    })
                } else {
                    Err(SettingsError::BadSmtpUrl(url.to_owned()))
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
            smtp_url: smtp_url.into(),
        }
    }

    #[test]
    fn file_transport_writes_into_the_data_folder_by_default() {
        let transport = settings("file", "")
            .transport(Path::new("/srv/redeploy"))
            .unwrap();
        assert_eq!(
            transport,
            Transport::File {
                dir: PathBuf::from("/srv/redeploy/mail")
            }
        );
    }

    #[test]
    fn smtp_needs_a_url_that_says_smtp() {
        assert_eq!(
            settings("smtp", "").transport(Path::new(".")),
            Err(SettingsError::MissingSmtpUrl)
        );
        assert!(matches!(
            settings("smtp", "http://mail").transport(Path::new(".")),
            Err(SettingsError::BadSmtpUrl(_))
        ));
        assert_eq!(
            settings("smtp", "smtp://127.0.0.1:2525").transport(Path::new(".")),
            Ok(Transport::Smtp {
                url: "smtp://127.0.0.1:2525".into()
            })
        );
        assert!(settings("pigeon", "").transport(Path::new(".")).is_err());
    }
}
