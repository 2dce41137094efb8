//! SMTP connections to a relay, opened by us and reused: lettre speaks the protocol, but its
//! own pool opens sockets with Nagle's algorithm on. lettre writes a message's body and its
//! closing "." in two writes and then waits for the answer, so Nagle holds the "." back until
//! the server acknowledges the body, which a server delays by ~40 ms: every email cost at least
//! 40 ms of its connection (about 640 emails/s over 32 connections). Here every socket has
//! `TCP_NODELAY`.
//!
//! Plain SMTP and STARTTLS (`smtp://`, `?tls=required|opportunistic`) go through this pool;
//! implicit TLS (`smtps://`) stays on lettre's transport, which does the TLS handshake before
//! the greeting (see `transport.rs`).

use super::transport::SendError;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A parked connection idle longer than this is checked with NOOP before it is reused (the
/// server may have closed it); one idle longer than [`MAX_IDLE`] is closed instead.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);
const MAX_IDLE: Duration = Duration::from_secs(60);

/// How the connection is encrypted.
#[derive(Clone)]
enum StartTls {
    No,
    /// STARTTLS when the server offers it.
    Opportunistic(TlsParameters),
    /// STARTTLS or no email.
    Required(TlsParameters),
}

/// Where and how to connect: the parts of `SMTP_URL` that lettre's `from_url` reads.
#[derive(Clone)]
struct Relay {
    host: String,
    port: u16,
    hello: ClientId,
    tls: StartTls,
    credentials: Option<Credentials>,
}

/// How an exchange failed: with the server's answer, or without one (the connection broke).
enum Exchange {
    Failed(SendError),
    NoAnswer(SendError),
}

pub struct RelayPool {
    relay: Relay,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    max_idle: usize,
    timeout: Duration,
}

impl std::fmt::Debug for RelayPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        write!(f, "RelayPool({}:{})", self.relay.host, self.relay.port)
    }
}

impl RelayPool {
    /// A pool for an `smtp://` URL; `None` for any other scheme (lettre's transport takes it).
    /// The URL is read as lettre reads it: port 25, or 587 with `tls=`; the path names the
    /// EHLO host; `user:password@` (percent-encoded) are the credentials.
    pub fn from_url(url: &str, max_idle: u32, timeout: Duration) -> Result<Option<Self>, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("SMTP_URL is not valid: {e}"))?;
        if parsed.scheme() != "smtp" {
            return Ok(None);
        }
        let host = parsed
            .host_str()
            .ok_or("SMTP_URL is not valid: it names no host")?
            .trim_matches(['[', ']'])
            .to_string();
        let tls_mode = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let parameters =
            || TlsParameters::new(host.clone()).map_err(|e| format!("SMTP_URL is not valid: {e}"));
        let (tls, default_port) = match tls_mode.as_deref() {
            None => (StartTls::No, 25),
            Some("required") => (StartTls::Required(parameters()?), 587),
            Some("opportunistic") => (StartTls::Opportunistic(parameters()?), 587),
            Some(other) => {
                return Err(format!(
                    "SMTP_URL is not valid: tls={other} (use required or opportunistic)"
                ))
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = parsed
            .password()
            .map(|password| Credentials::new(decode(parsed.username()), decode(password)));
        Ok(Some(Self {
            relay: Relay {
                host,
                port: parsed.port().unwrap_or(default_port),
                hello,
                tls,
                credentials,
            },
            idle: Mutex::new(Vec::new()),
            max_idle: usize::try_from(max_idle.max(1)).unwrap_or(1),
            timeout,
        }))
    }

    /// Sends one message on a parked connection or a new one; the connection is parked again
    /// unless the exchange broke it (lettre marks it broken on any error).
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let envelope = message.envelope().clone();
        let body = message.formatted();
        if let Some(conn) = self.checkout().await {
            match self.exchange(conn, &envelope, &body).await {
                // A parked connection the server has closed meanwhile fails without an SMTP
                // answer: the email goes out on a new connection instead of waiting to be
                // retried.
                Err(Exchange::NoAnswer(_)) => {}
                Err(Exchange::Failed(e)) => return Err(e),
                Ok(()) => return Ok(()),
            }
        }
        let conn = tokio::time::timeout(self.timeout, self.connect())
            .await
            .map_err(|_| {
                SendError::Transient("connecting to the SMTP server timed out".into())
            })??;
        self.exchange(conn, &envelope, &body)
            .await
            .map_err(|e| match e {
                Exchange::NoAnswer(e) | Exchange::Failed(e) => e,
            })
    }

    /// One message on one connection, parked again if it went through.
    async fn exchange(
        &self,
        mut conn: AsyncSmtpConnection,
        envelope: &lettre::address::Envelope,
        body: &[u8],
    ) -> Result<(), Exchange> {
        match tokio::time::timeout(self.timeout, conn.send(envelope, body)).await {
            Ok(Ok(_)) => {
                self.park(conn);
                Ok(())
            }
            Ok(Err(e)) => {
                conn.abort().await;
                let answered = e.is_permanent() || e.is_transient();
                let error = super::transport::classify(e);
                Err(if answered {
                    Exchange::Failed(error)
                } else {
                    Exchange::NoAnswer(error)
                })
            }
            Err(_) => {
                conn.abort().await;
                Err(Exchange::Failed(SendError::Transient(
                    "the SMTP server did not answer in time".into(),
                )))
            }
        }
    }

    /// The most recently parked connection that still works, if any.
    async fn checkout(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.lock().pop()?;
            let idle = since.elapsed();
            if idle > MAX_IDLE {
                conn.abort().await;
                continue;
            }
            if idle > CHECK_AFTER_IDLE
                && !matches!(
                    tokio::time::timeout(self.timeout, conn.test_connected()).await,
                    Ok(true)
                )
            {
                conn.abort().await;
                continue;
            }
            return Some(conn);
        }
    }

    fn park(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.lock();
        if idle.len() < self.max_idle && !conn.has_broken() {
            idle.push((conn, Instant::now()));
        }
        // Otherwise dropped: the socket closes without QUIT, which servers accept.
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(AsyncSmtpConnection, Instant)>> {
        // A panic while the list was held leaves it usable: it only holds parked connections.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let relay = &self.relay;
        let stream = tokio::net::TcpStream::connect((relay.host.as_str(), relay.port))
            .await
            .map_err(|e| SendError::Transient(format!("cannot connect to the SMTP server: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| SendError::Transient(format!("cannot set up the SMTP connection: {e}")))?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &relay.hello)
            .await
            .map_err(super::transport::classify)?;
        match &relay.tls {
            StartTls::Opportunistic(parameters) if conn.can_starttls() => conn
                .starttls(parameters.clone(), &relay.hello)
                .await
                .map_err(super::transport::classify)?,
            StartTls::Required(parameters) => conn
                .starttls(parameters.clone(), &relay.hello)
                .await
                .map_err(super::transport::classify)?,
            _ => {}
        }
        if let Some(credentials) = &relay.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(super::transport::classify)?;
        }
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn relay(url: &str) -> Relay {
        RelayPool::from_url(url, 4, Duration::from_secs(1))
            .unwrap()
            .unwrap()
            .relay
    }

    #[test]
    fn smtp_urls_are_read_as_lettre_reads_them() {
        let plain = relay("smtp://mail.example.com");
        assert_eq!((plain.host.as_str(), plain.port), ("mail.example.com", 25));
        assert!(matches!(plain.tls, StartTls::No));
        assert!(plain.credentials.is_none());

        let required = relay("smtp://mail.example.com?tls=required");
        assert_eq!(required.port, 587);
        assert!(matches!(required.tls, StartTls::Required(_)));
        let opportunistic = relay("smtp://mail.example.com:2525?tls=opportunistic");
        assert_eq!(opportunistic.port, 2525);
        assert!(matches!(opportunistic.tls, StartTls::Opportunistic(_)));

        let named = relay("smtp://user%40example.com:p%40ss%3Aword@127.0.0.1:1025/lms.example.com");
        assert_eq!((named.host.as_str(), named.port), ("127.0.0.1", 1025));
        assert_eq!(named.hello, ClientId::Domain("lms.example.com".into()));
        assert_eq!(
            named.credentials,
            Some(Credentials::new(
                "user@example.com".into(),
                "p@ss:word".into()
            ))
        );
        assert_eq!(relay("smtp://[::1]:25").host, "::1");
    }

    #[test]
    fn smtps_is_left_to_lettre_and_unknown_tls_modes_are_refused() {
        assert!(
            RelayPool::from_url("smtps://mail.example.com", 4, Duration::from_secs(1))
                .unwrap()
                .is_none()
        );
        let refused = RelayPool::from_url("smtp://mail.example.com?tls=maybe", 4, Duration::ZERO)
            .err()
            .unwrap();
        assert!(refused.contains("tls=maybe"), "{refused}");
        assert!(RelayPool::from_url("not a url", 4, Duration::ZERO).is_err());
    }

    #[test]
    fn the_debug_form_never_shows_the_password() {
        let pool = RelayPool::from_url("smtp://u:secret@mail.example.com", 4, Duration::ZERO)
            .unwrap()
            .unwrap();
        assert_eq!(format!("{pool:?}"), "RelayPool(mail.example.com:25)");
    }
}
