//! Email to candidates and employers.
//!
//! This crate knows email and nothing about HTTP or the database: it turns `[email]`
//! configuration into a delivery choice, and (as the service grows) renders messages and hands
//! them to a transport. By default mail is written as `.eml` files to a folder, so the service
//! runs with no mail server.

pub mod mailer;
pub mod message;
pub mod settings;

pub use mailer::{Connections, FileMailer, MailError, Mailer, SmtpMailer};
pub use message::Message;
pub use settings::{EmailSettings, SettingsError, Transport};
