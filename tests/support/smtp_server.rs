//! A real SMTP server in the test process, on a random port of 127.0.0.1: it speaks the part of
//! RFC 5321 a sending client needs (greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing,
//! RSET, NOOP, QUIT) and keeps every message it accepts, raw, for the test to read back.
//!
//! Faults on demand, as mail servers really fail: refuse the next connections with `421`
//! (not available now), or answer the next messages' DATA with a reply of the test's choosing
//! (`451` try later, `550` refused for good).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-unstuffed, lines ending `\r\n`.
    pub data: String,
}

impl Received {
    /// The value of header `name` (the first, unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(value) = found.as_mut() {
                if line.starts_with(' ') || line.starts_with('\t') {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, value)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    connections: AtomicUsize,
    refuse_connections: AtomicUsize,
    data_replies: Mutex<Vec<String>>,
    hold_data: AtomicUsize,
    held: Mutex<Vec<Received>>,
}

/// The running server; it stops when dropped.
pub struct SmtpServer {
    pub port: u16,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = converse(socket, state).await;
                });
            }
        });
        SmtpServer { port, state, task }
    }

    /// The URL the service is configured with to send here.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Connections opened so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Refuses the next `n` connections with `421`, as a server that is down for a moment.
    pub fn refuse_connections(&self, n: usize) {
        self.state.refuse_connections.store(n, Ordering::SeqCst);
    }

    /// Answers the end of the next messages' DATA with these replies, one a message, in order
    /// (for example `451 4.3.0 Try again later` or `550 5.1.1 Mailbox unavailable`).
    pub fn reply_to_data(&self, replies: &[&str]) {
        let mut queued = self.state.data_replies.lock().unwrap();
        queued.extend(replies.iter().map(|r| r.to_string()));
    }

    /// Takes in the next `n` messages whole but never answers their DATA, as a server that
    /// hangs at the last moment; the sender cannot know whether they were delivered.
    pub fn hold_data(&self, n: usize) {
        self.state.hold_data.store(n, Ordering::SeqCst);
    }

    /// The messages taken in and never answered.
    pub fn held(&self) -> Vec<Received> {
        self.state.held.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages have arrived, or panics after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {n} emails arrived",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn converse(socket: tokio::net::TcpStream, state: Arc<State>) -> std::io::Result<()> {
    state.connections.fetch_add(1, Ordering::SeqCst);
    // Each reply goes at once, as a real server's does, not held back to be sent with more.
    socket.set_nodelay(true)?;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let refuse = state
        .refuse_connections
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if refuse {
        write
            .write_all(b"421 4.3.2 Service not available, try again later\r\n")
            .await?;
        return Ok(());
    }
    write
        .write_all(b"220 test.smtp.local ESMTP ready\r\n")
        .await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" => "250-test.smtp.local\r\n250-8BITMIME\r\n250 SMTPUTF8".to_owned(),
            "HELO" => "250 test.smtp.local".to_owned(),
            "MAIL" => {
                from = address(&command);
                to.clear();
                "250 2.1.0 OK".to_owned()
            }
            "RCPT" => {
                to.push(address(&command));
                "250 2.1.5 OK".to_owned()
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(unstuffed.trim_end_matches(['\r', '\n']));
                    data.push_str("\r\n");
                }
                let hold = state
                    .hold_data
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if hold {
                    state.held.lock().unwrap().push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    });
                    // Never answer; wait for the sender to give up or go away.
                    let mut rest = String::new();
                    while lines.read_line(&mut rest).await.unwrap_or(0) > 0 {
                        rest.clear();
                    }
                    return Ok(());
                }
                let planned = {
                    let mut queued = state.data_replies.lock().unwrap();
                    (!queued.is_empty()).then(|| queued.remove(0))
                };
                match planned {
                    Some(reply) => reply,
                    None => {
                        state.received.lock().unwrap().push(Received {
                            from: from.clone(),
                            to: to.clone(),
                            data,
                        });
                        "250 2.0.0 Accepted".to_owned()
                    }
                }
            }
            "RSET" => {
                from.clear();
                to.clear();
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognised".to_owned(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
