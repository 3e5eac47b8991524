//! Handing messages to a transport: `FileMailer` writes each message as an `.eml` file (RFC 5322,
//! plain text and HTML alternatives), the default, so that the service runs with no mail server;
//! `SmtpMailer` sends through a mail server (`smtp://`, `smtps://`, STARTTLS, credentials), with
//! a connection pool and timeouts.
//!
//! Every message carries the `Message-ID` its caller derived from what caused it, so that a
//! message sent again after a crash is the same email to every server and mail client. A
//! failure says whether trying again can help ([`MailError::is_permanent`]).
//!
//! Must never: print or log the SMTP URL or password; decide when to try again (the outbox does).

use std::fmt::Debug;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use lettre::message::header::MessageId;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, FileTransport, Tokio1Executor, Transport as _};
use secrecy::{ExposeSecret, SecretString};

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
    /// The server could not be reached, or answered "try later" (a 4xx reply, a timeout).
    #[error("the mail server did not take the message this time: {0}")]
    Temporary(String),
    /// The server refused the message for good (a 5xx reply): sending it again cannot help.
    #[error("the mail server refused the message: {0}")]
    Rejected(String),
    #[error("the SMTP settings cannot be used: {0}")]
    Settings(String),
}

impl MailError {
    /// Whether sending the same message again can never succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::Address(_) | MailError::Build(_) | MailError::Rejected(_)
        )
    }
}

/// What `send` returns: done, or why not.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Something that delivers messages. Behind a trait so that the service can be given another.
pub trait Mailer: Send + Sync + Debug {
    /// Sends `message` with the `Message-ID` `<message_id>` (given without angle brackets).
    fn send<'a>(&'a self, message: &'a Message, message_id: &'a str) -> SendFuture<'a>;
}

/// Builds the RFC 5322 message: plain text and HTML as alternatives, with its `Message-ID`.
pub fn build(
    from: &Mailbox,
    message: &Message,
    message_id: &str,
) -> Result<lettre::Message, MailError> {
    let to: Mailbox = message
        .to
        .parse()
        .map_err(|_| MailError::Address(message.to.clone()))?;
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .header(MessageId::from(format!("<{message_id}>")))
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

fn sender(from: &str) -> Result<Mailbox, MailError> {
    from.parse()
        .map_err(|_| MailError::Address(from.to_owned()))
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
        Ok(FileMailer {
            dir: dir.to_owned(),
            from: sender(from)?,
        })
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, message: &'a Message, message_id: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let email = build(&self.from, message, message_id)?;
            FileTransport::new(&self.dir)
                .send(&email)
                .map(|_| ())
                .map_err(|e| MailError::Write(e.to_string()))
        })
    }
}

/// How `SmtpMailer` holds its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connections {
    /// Up to this many connections kept open and reused, message after message.
    Pooled(u32),
    /// A new connection for every message, closed after it (slower; for comparison).
    OneEach,
}

/// Sends through a mail server. The URL is `smtp://host:port` (plain, or STARTTLS when the
/// server offers it and `?tls=starttls` demands it), `smtps://host:465` (TLS from the start),
/// either with `user:password@` for servers that need a login.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// Kept to make a fresh transport per message when connections are not pooled.
    url: SecretString,
    timeout: Duration,
    connections: Connections,
    from: Mailbox,
}

impl Debug for SmtpMailer {
    /// Never prints the URL, which may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("connections", &self.connections)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// lettre's URL spelling of a URL in ours: `?tls=starttls` is lettre's `?tls=required`.
fn lettre_url(url: &str) -> String {
    url.replace("tls=starttls", "tls=required")
}

fn transport(
    url: &SecretString,
    timeout: Duration,
    connections: Connections,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let builder =
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url.expose_secret()))
            // The parser's own message may quote the URL, password and all: say what to fix.
            .map_err(|_| {
                MailError::Settings(
                    "[email] smtp_url cannot be read: write it like smtp://host:25, smtps://user:password@host:465 or smtp://host:587?tls=starttls".to_owned(),
                )
            })?
            .timeout(Some(timeout));
    Ok(match connections {
        Connections::Pooled(size) => builder
            .pool_config(PoolConfig::new().max_size(size.max(1)))
            .build(),
        Connections::OneEach => builder.pool_config(PoolConfig::new().max_size(1)).build(),
    })
}

impl SmtpMailer {
    pub fn new(
        url: &SecretString,
        from: &str,
        timeout: Duration,
        connections: Connections,
    ) -> Result<SmtpMailer, MailError> {
        Ok(SmtpMailer {
            transport: transport(url, timeout, connections)?,
            url: url.clone(),
            timeout,
            connections,
            from: sender(from)?,
        })
    }
}

/// Sorts an SMTP failure into "try again later" and "never".
fn classify(error: lettre::transport::smtp::Error) -> MailError {
    let text = error.to_string();
    if error.is_permanent() {
        MailError::Rejected(text)
    } else {
        MailError::Temporary(text)
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, message: &'a Message, message_id: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let email = build(&self.from, message, message_id)?;
            match self.connections {
                Connections::Pooled(_) => self.transport.send(email).await.map_err(classify)?,
                Connections::OneEach => {
                    // A transport of its own, dropped with its connection once sent.
                    let own = transport(&self.url, self.timeout, self.connections)?;
                    own.send(email).await.map_err(classify)?
                }
            };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_built_with_text_and_html_alternatives_and_its_message_id() {
        let from: Mailbox = "Redeploy London <no-reply@redeploy.example>"
            .parse()
            .unwrap();
        let message = Message {
            to: "grace@nhs.net".into(),
            subject: "Set up your account".into(),
            text: "Plain words".into(),
            html: "<p>Words</p>".into(),
        };
        let raw = String::from_utf8(
            build(&from, &message, "invitation.7@redeploy.example")
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains("Subject: Set up your account"));
        assert!(
            raw.contains("Message-ID: <invitation.7@redeploy.example>"),
            "{raw}"
        );
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        let bad = Message {
            to: "not an address".into(),
            ..message
        };
        let refused = build(&from, &bad, "x@y");
        assert!(matches!(refused, Err(MailError::Address(_))));
        assert!(refused.unwrap_err().is_permanent());
    }

    // A pooled transport starts its pool's housekeeping on the runtime it is made in.
    #[tokio::test]
    async fn starttls_is_spelt_as_lettre_reads_it_and_the_password_is_never_printed() {
        assert_eq!(
            lettre_url("smtp://mail:587?tls=starttls"),
            "smtp://mail:587?tls=required"
        );
        let url = SecretString::from("smtps://user:s3cret@mail.example:465");
        let mailer = SmtpMailer::new(
            &url,
            "no-reply@redeploy.example",
            Duration::from_secs(5),
            Connections::Pooled(4),
        )
        .unwrap();
        assert!(!format!("{mailer:?}").contains("s3cret"));
        let wrong = SmtpMailer::new(
            &SecretString::from("smtp://user:s3cret@[nonsense"),
            "no-reply@redeploy.example",
            Duration::from_secs(5),
            Connections::OneEach,
        );
        assert!(!format!("{:?}", wrong.unwrap_err()).contains("s3cret"));
    }
}
