//! Where emails go: SMTP when `SMTP_URL` is set (our own pool of `TCP_NODELAY` connections for
//! `smtp://`, see `relay.rs`; lettre's pooled transport for `smtps://`), otherwise `.eml` files in `MAIL_DIR` (with the accept link logged) so the app runs with no
//! mail server.

use super::relay::RelayPool;
use crate::config::Secret;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long connecting, or one message's exchange, may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a delivery attempt failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 4xx replies, refused connections, timeouts: worth retrying.
    #[error("{0}")]
    Transient(String),
    /// 5xx replies and messages that cannot be built: retrying will not help.
    #[error("{0}")]
    Permanent(String),
}

#[derive(Clone)]
pub enum Transport {
    /// `smtp://`, with or without STARTTLS.
    Relay(Arc<RelayPool>),
    /// `smtps://` (implicit TLS).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Relay(pool) => write!(f, "Transport::{pool:?}"),
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// SMTP from a URL (`smtp://host:port` plain for local relays, `smtps://` for implicit
    /// TLS, `smtp://host:587?tls=required` for STARTTLS, `user:pass@` for credentials).
    pub fn smtp(url: &Secret, pool_size: u32) -> Result<Self, String> {
        if let Some(pool) = RelayPool::from_url(url.expose(), pool_size, SMTP_TIMEOUT)? {
            return Ok(Transport::Relay(Arc::new(pool)));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| format!("SMTP_URL is not valid: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(pool_size.max(1)))
            .build();
        Ok(Transport::Smtp(transport))
    }

    pub fn files(dir: PathBuf) -> Self {
        Transport::Files(dir)
    }

    /// Sends one message. `name` names the `.eml` file for the file transport.
    pub async fn send(&self, message: Message, name: &str) -> Result<(), SendError> {
        match self {
            Transport::Relay(pool) => pool.send(&message).await,
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(classify),
            Transport::Files(dir) => {
                let bytes = message.formatted();
                let dir = dir.clone();
                let file = dir.join(format!("{name}.eml"));
                tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    // Write then rename, so a reader never sees half a message.
                    let partial = file.with_extension("eml.partial");
                    std::fs::write(&partial, bytes)?;
                    std::fs::rename(&partial, &file)
                })
                .await
                .map_err(|e| SendError::Transient(format!("mail folder task failed: {e}")))?
                .map_err(|e| SendError::Transient(format!("cannot write to the mail folder: {e}")))
            }
        }
    }
}

pub(super) fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    if error.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}
