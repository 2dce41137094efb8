//! A small SMTP server for tests and benchmarks: it speaks enough SMTP for lettre, keeps what
//! it receives, and can answer with chosen failures.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One message as the sink received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The raw message (headers and body), dot-stuffing removed.
    pub data: String,
}

/// How the sink answers at the end of DATA.
#[derive(Debug, Clone)]
pub enum Behavior {
    Accept,
    /// Answer this reply (e.g. `451 4.3.0 Try again later`) to the first `n` messages, then
    /// accept.
    FailFirst {
        n: usize,
        reply: String,
    },
    /// Answer this reply to every message.
    Always(String),
    /// Accept each message, then close the connection (a relay that takes one message per
    /// connection, or has closed an idle one by the time it is reused).
    CloseAfterEach,
}

struct Shared {
    received: Mutex<Vec<Received>>,
    arrived: Notify,
    behavior: Behavior,
    answered: AtomicUsize,
    /// Keep bodies (tests) or only count them (benchmarks).
    keep_bodies: bool,
    count: AtomicUsize,
    /// Bytes of message data accepted.
    bytes: AtomicUsize,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Shared>,
}

impl SmtpSink {
    pub async fn start(behavior: Behavior) -> Self {
        Self::start_on(0, behavior, true).await
    }

    /// Starts on a given port (0 for any); `keep_bodies = false` only counts messages.
    pub async fn start_on(port: u16, behavior: Behavior, keep_bodies: bool) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the sink binds");
        Self::serve_on(listener, behavior, keep_bodies)
    }

    /// Starts listening on a port reserved earlier (`ReservedPort`), which refused connections
    /// until now.
    pub fn start_reserved(reserved: ReservedPort, behavior: Behavior) -> Self {
        let listener = reserved.socket.listen(128).expect("the sink listens");
        Self::serve_on(listener, behavior, true)
    }

    fn serve_on(listener: TcpListener, behavior: Behavior, keep_bodies: bool) -> Self {
        let port = listener.local_addr().expect("bound").port();
        let shared = Arc::new(Shared {
            received: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            behavior,
            answered: AtomicUsize::new(0),
            keep_bodies,
            count: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
        });
        let accept_shared = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, shared).await;
                });
            }
        });
        Self { port, shared }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().expect("not poisoned").clone()
    }

    /// Messages accepted so far.
    pub fn count(&self) -> usize {
        self.shared.count.load(Ordering::SeqCst)
    }

    /// Bytes of message data accepted so far.
    pub fn bytes(&self) -> usize {
        self.shared.bytes.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` messages were accepted, or panics after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.shared.arrived.notified();
            if self.count() >= n {
                return self.received();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "the SMTP sink received {} of {n} messages in {within:?}",
                    self.count()
                );
            }
        }
    }
}

/// A loopback port held but not listened on: connections to it are refused until a sink starts
/// on it (`SmtpSink::start_reserved`), and no other process can take it meanwhile.
pub struct ReservedPort {
    socket: tokio::net::TcpSocket,
    pub port: u16,
}

impl ReservedPort {
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .bind(([127, 0, 0, 1], 0).into())
            .expect("a loopback port");
        let port = socket.local_addr().expect("bound").port();
        Self { socket, port }
    }
}

impl Default for ReservedPort {
    fn default() -> Self {
        Self::new()
    }
}

/// A free loopback port, for a process that binds it itself (benchmarks); another process can
/// take it before that, so tests use `ReservedPort` or bind port 0.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn serve(stream: tokio::net::TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP ready\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RSET") {
            mail_from.clear();
            rcpt_to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = command[10..].trim().to_string();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            rcpt_to.push(command[8..].trim().trim_matches(['<', '>']).to_string());
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
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
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let n = shared.answered.fetch_add(1, Ordering::SeqCst);
            let refusal = match &shared.behavior {
                Behavior::Accept => None,
                Behavior::FailFirst { n: first, reply } if n < *first => Some(reply.clone()),
                Behavior::FailFirst { .. } => None,
                Behavior::Always(reply) => Some(reply.clone()),
                Behavior::CloseAfterEach => None,
            };
            match refusal {
                Some(reply) => write.write_all(format!("{reply}\r\n").as_bytes()).await?,
                None => {
                    shared.bytes.fetch_add(data.len(), Ordering::SeqCst);
                    if shared.keep_bodies {
                        shared
                            .received
                            .lock()
                            .expect("not poisoned")
                            .push(Received {
                                mail_from: mail_from.clone(),
                                rcpt_to: std::mem::take(&mut rcpt_to),
                                data,
                            });
                    }
                    shared.count.fetch_add(1, Ordering::SeqCst);
                    shared.arrived.notify_waiters();
                    write.write_all(b"250 OK queued\r\n").await?;
                    if matches!(shared.behavior, Behavior::CloseAfterEach) {
                        return Ok(());
                    }
                }
            }
            rcpt_to.clear();
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}
