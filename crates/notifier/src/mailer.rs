//! Handing messages to a transport. `FileMailer` writes each message as an `.eml` file (RFC 5322,
//! plain text and HTML alternatives), which is the default so that the service runs with no mail
//! server; the folder can be read by any mail client or collected by another system.

use std::fmt::Debug;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use lettre::message::{Mailbox, MultiPart};
use lettre::{FileTransport, Transport as _};

use crate::message::Message;

/// A message could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("\"{0}\" is not an address email can be sent to")]
    Address(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the message could not be written: {0}")]
    Write(String),
}

/// What `send` returns: done, or why not.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Something that delivers messages. Behind a trait so that the service can be given another.
pub trait Mailer: Send + Sync + Debug {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// Builds the RFC 5322 message: plain text and HTML as alternatives.
pub fn build(from: &Mailbox, message: &Message) -> Result<lettre::Message, MailError> {
    let to: Mailbox = message
        .to
        .parse()
        .map_err(|_| MailError::Address(message.to.clone()))?;
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Writes each message to `dir` as `<uuid>.eml`.
#[derive(Debug)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    /// Creates the folder if need be.
    pub fn new(dir: &Path, from: &str) -> Result<FileMailer, MailError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| MailError::Write(format!("cannot create {}: {e}", dir.display())))?;
        let from = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        Ok(FileMailer {
            dir: dir.to_owned(),
            from,
        })
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let email = build(&self.from, message)?;
            FileTransport::new(&self.dir)
                .send(&email)
                .map(|_| ())
                .map_err(|e| MailError::Write(e.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_built_with_text_and_html_alternatives() {
        let from: Mailbox = "Redeploy London <no-reply@redeploy.example>"
            .parse()
            .unwrap();
        let message = Message {
            to: "grace@nhs.net".into(),
            subject: "Set up your account".into(),
            text: "Plain words".into(),
            html: "<p>Words</p>".into(),
        };
        let raw = String::from_utf8(build(&from, &message).unwrap().formatted()).unwrap();
        assert!(raw.contains("Subject: Set up your account"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        let bad = Message {
            to: "not an address".into(),
            ..message
        };
        assert!(matches!(build(&from, &bad), Err(MailError::Address(_))));
    }
}
