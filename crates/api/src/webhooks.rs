//! The webhook worker: claims due messages (at most a few in flight per endpoint, over every
//! instance, so a slow or failing receiver only ever holds its own slots), signs and posts them
//! through the guarded outbound client, and records every attempt in batches. It also emails
//! the admins of endpoints that were disabled.
//!
//! Delivery is at least once: a message is claimed under a lease; an instance that dies
//! mid-delivery leaves it to be claimed again once the lease runs out.

use crate::config::{Secret, Settings, WebhookSettings};
use crate::db::{write_transaction, DbConnection, Pool};
use crate::mail::template::{Templates, WebhookDisabledEmail};
use crate::mail::transport::Transport;
use crate::metrics::{Metrics, WebhookOutcome};
use crate::outbound::OutboundClient;
use chrono::Utc;
use lettre::message::{Mailbox, MultiPart};
use skillstream_app::webhooks::{self as app, Attempt, AttemptResult};
use skillstream_domain::webhook::DisabledReason;
use skillstream_store::webhooks::{self as store, ClaimedMessage};
use skillstream_store::{from_db, members};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinSet;

/// How often a batch of attempts is tried to be recorded before it is given up.
const RECORD_TRIES: u32 = 5;

/// The longest excerpt of a receiver's answer kept in the delivery log.
pub const EXCERPT_CHARS: usize = 256;

pub struct WebhookWorker {
    pool: Pool,
    settings: WebhookSettings,
    client: OutboundClient,
    secret: Secret,
    public_url: String,
    transport: Transport,
    mail_from: Mailbox,
    templates: Arc<Templates>,
    metrics: Arc<Metrics>,
}

/// A claimed message ready to post.
struct Prepared {
    claimed: ClaimedMessage,
    url: String,
    secrets: Vec<String>,
    body: Option<String>,
}

impl WebhookWorker {
    /// The worker the settings describe; admins are emailed through the configured transport.
    pub fn new(settings: &Settings, pool: Pool, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let transport = match &settings.smtp_url {
            Some(url) => Transport::smtp(url, 2).map_err(anyhow::Error::msg)?,
            None => Transport::files(settings.mail_dir.clone()),
        };
        let mail_from = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address ({e})"))?;
        Ok(Self {
            pool,
            client: OutboundClient::without_redirects(
                settings.outbound_allow_private,
                settings.webhooks.timeout,
            )?,
            settings: settings.webhooks.clone(),
            secret: settings.jwt_secret.clone(),
            public_url: settings.public_url.clone(),
            transport,
            mail_from,
            templates: Arc::new(Templates::new()?),
            metrics,
        })
    }

    /// How long a claim lasts: the receiver's timeout and a margin for recording.
    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.timeout)
            .unwrap_or_else(|_| chrono::Duration::seconds(10))
            + chrono::Duration::seconds(5)
    }

    /// Runs until `shutdown` turns true; deliveries in flight are finished and recorded.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("webhook worker started");
        let this = Arc::new(self);
        let freed = Arc::new(Notify::new());
        let (tx, rx) = mpsc::unbounded_channel::<Attempt>();
        let recorder = tokio::spawn(record_loop(this.clone(), rx, freed.clone()));
        let mut in_flight = JoinSet::new();
        let mut last_notice_check = Instant::now() - std::time::Duration::from_secs(60);
        loop {
            if *shutdown.borrow() {
                break;
            }
            while in_flight.try_join_next().is_some() {}
            let claimed = match this.claim().await {
                Ok(claimed) => claimed,
                Err(e) => {
                    tracing::error!(error = %e, "webhook worker: database error; retrying shortly");
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                        _ = shutdown.changed() => {}
                    }
                    continue;
                }
            };
            let idle = claimed.is_empty();
            for message in claimed {
                let (this, tx) = (this.clone(), tx.clone());
                in_flight.spawn(async move {
                    let attempt = this.deliver(message).await;
                    let _ = tx.send(attempt);
                });
            }
            if idle {
                if last_notice_check.elapsed() >= std::time::Duration::from_secs(5) {
                    last_notice_check = Instant::now();
                    if let Err(e) = this.send_notices().await {
                        tracing::error!(error = %e, "webhook worker: could not email admins about a disabled endpoint");
                    }
                }
                tokio::select! {
                    _ = freed.notified() => {}
                    _ = tokio::time::sleep(this.settings.idle_poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        while in_flight.join_next().await.is_some() {}
        drop(tx);
        let _ = recorder.await;
        tracing::info!("webhook worker stopped");
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<T> {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Claims due messages and loads what posting them needs: the endpoint's URL and secrets
    /// and the event the body is built from.
    async fn claim(&self) -> anyhow::Result<Vec<Prepared>> {
        let now = Utc::now();
        let (lease_until, per_endpoint) = (now + self.lease(), self.settings.per_endpoint);
        let secret = self.secret.clone();
        self.db(move |conn| {
            if !store::anything_due(conn, now)? {
                return Ok(Vec::new());
            }
            let claimed = write_transaction(conn, |conn| {
                store::claim(conn, now, lease_until, per_endpoint, 500)
            })?;
            if claimed.is_empty() {
                return Ok(Vec::new());
            }
            let mut endpoint_ids: Vec<i64> = claimed.iter().map(|c| c.endpoint_id).collect();
            endpoint_ids.sort_unstable();
            endpoint_ids.dedup();
            let endpoints: HashMap<i64, (String, Vec<String>)> =
                store::endpoints_by_id(conn, &endpoint_ids)?
                    .into_iter()
                    .map(|e| {
                        let secrets = app::signing_secrets(&e, secret.expose(), now);
                        (e.id, (e.url, secrets))
                    })
                    .collect();
            let event_ids: Vec<i64> = claimed.iter().map(|c| c.event_id).collect();
            let bodies: HashMap<i64, String> = store::events_by_id(conn, &event_ids)?
                .iter()
                .map(|e| (e.id, app::payload(e)))
                .collect();
            Ok(claimed
                .into_iter()
                .map(|claimed| {
                    let (url, secrets) = endpoints
                        .get(&claimed.endpoint_id)
                        .cloned()
                        .unwrap_or_default();
                    let body = bodies.get(&claimed.event_id).cloned();
                    Prepared {
                        claimed,
                        url,
                        secrets,
                        body,
                    }
                })
                .collect())
        })
        .await
    }

    /// Posts one message, signed with every secret that signs for the endpoint now.
    async fn deliver(&self, message: Prepared) -> Attempt {
        let started = Utc::now();
        let clock = Instant::now();
        let claimed = &message.claimed;
        let result = self.post(&message).await;
        let outcome = match &result {
            AttemptResult::Answered { status, .. } if (200..300).contains(status) => {
                WebhookOutcome::Delivered
            }
            AttemptResult::Answered { .. } => WebhookOutcome::Rejected,
            _ => WebhookOutcome::NoAnswer,
        };
        self.metrics.observe_webhook(outcome, clock.elapsed());
        Attempt {
            message_id: claimed.id,
            organization_id: claimed.organization_id,
            endpoint_id: claimed.endpoint_id,
            message_created_at: from_db(claimed.created_at),
            attempts: claimed.attempts,
            attempted_at: started,
            latency_ms: i32::try_from(clock.elapsed().as_millis()).unwrap_or(i32::MAX),
            result,
        }
    }

    async fn post(&self, message: &Prepared) -> AttemptResult {
        let Some(body) = &message.body else {
            return AttemptResult::NoAnswer {
                error: "The event of this message no longer exists (retention).".into(),
            };
        };
        let id = app::message_id(message.claimed.id);
        let timestamp = Utc::now().timestamp();
        let signatures: Vec<String> = message
            .secrets
            .iter()
            .filter_map(|secret| app::sign(secret, &id, timestamp, body))
            .collect();
        if signatures.is_empty() {
            return AttemptResult::NoAnswer {
                error: "The signing secret can no longer be read (the server secret changed). Rotate the secret.".into(),
            };
        }
        let request = match self.client.post(&message.url) {
            Ok(request) => request,
            Err(e) => {
                return AttemptResult::NoAnswer {
                    error: e.to_string(),
                }
            }
        };
        let request = request
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(body.clone());
        match self.client.send_excerpt(request, EXCERPT_CHARS * 4).await {
            Ok((status, bytes)) => AttemptResult::Answered {
                status: status.as_u16(),
                excerpt: excerpt(&bytes),
            },
            Err(e) => AttemptResult::NoAnswer {
                error: e.to_string(),
            },
        }
    }

    /// Emails the admins of endpoints disabled since the last look, once each.
    async fn send_notices(&self) -> anyhow::Result<()> {
        let pending = self
            .db(|conn| {
                let mut out = Vec::new();
                for endpoint in store::notices_pending(conn)? {
                    let org = skillstream_domain::OrganizationId(endpoint.organization_id);
                    let admins = members::admin_addresses(conn, org)?;
                    let (name, _, _) = skillstream_store::organizations::landing(conn, org)?;
                    out.push((endpoint, admins, name));
                }
                Ok(out)
            })
            .await?;
        for (endpoint, admins, organization) in pending {
            let reason = match endpoint.disabled_reason {
                Some(DisabledReason::Gone) => {
                    "the receiver answered 410 Gone, which asks us to stop sending."
                }
                Some(DisabledReason::Failing) => "every delivery to it has failed for 3 days.",
                _ => "an administrator disabled it.",
            };
            let rendered = self.templates.webhook_disabled(&WebhookDisabledEmail {
                organization,
                url: endpoint.url.clone(),
                reason: reason.into(),
                webhooks_url: format!("{}/admin/settings/webhooks", self.public_url),
            })?;
            for admin in admins {
                let Ok(address) = admin.parse() else { continue };
                let message = lettre::Message::builder()
                    .from(self.mail_from.clone())
                    .to(Mailbox::new(None, address))
                    .subject(rendered.subject.clone())
                    .multipart(MultiPart::alternative_plain_html(
                        rendered.text.clone(),
                        rendered.html.clone(),
                    ))?;
                let name: String = format!("webhook-disabled-{}-{admin}", endpoint.id)
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                if let Err(e) = self.transport.send(message, &name).await {
                    // Left pending: tried again on a later look.
                    anyhow::bail!("sending to an admin failed: {e:?}");
                }
            }
            let id = endpoint.id;
            self.db(move |conn| Ok(store::notice_sent(conn, id)?))
                .await?;
        }
        Ok(())
    }
}

/// Records attempts as they finish, many per transaction, and wakes the claimer: recording
/// frees the endpoint's slots.
async fn record_loop(
    worker: Arc<WebhookWorker>,
    mut rx: mpsc::UnboundedReceiver<Attempt>,
    freed: Arc<Notify>,
) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < 500 {
            match rx.try_recv() {
                Ok(attempt) => batch.push(attempt),
                Err(_) => break,
            }
        }
        for attempt in &batch {
            if let AttemptResult::NoAnswer { error } = &attempt.result {
                tracing::warn!(webhook_id = attempt.endpoint_id, message = attempt.message_id, %error, "webhook delivery failed");
            }
        }
        let retry_base = worker.settings.retry_base;
        let batch_len = batch.len();
        let pool = worker.pool.clone();
        // A lost database is retried a few times; the leases keep the messages meanwhile. A
        // batch that still cannot be recorded is dropped (logged): its messages are delivered
        // again once their leases run out, which at-least-once allows.
        for attempt in 1..=RECORD_TRIES {
            let batch = batch.clone();
            let pool = pool.clone();
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                let ctx = skillstream_app::Ctx::system("webhook worker").at(Utc::now());
                let result = app::record(&mut conn, &ctx, &batch, retry_base);
                conn.record(&result, skillstream_app::AppError::lost_connection);
                Ok(result?)
            })
            .await;
            let error = match result {
                Ok(Ok(())) => break,
                Ok(Err(e)) => e.to_string(),
                Err(e) => e.to_string(),
            };
            if attempt == RECORD_TRIES {
                tracing::error!(%error, messages = batch_len, "webhook worker: attempts could not be recorded; their messages will be delivered again");
            } else {
                tracing::warn!(%error, attempt, "webhook worker: recording attempts failed; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
        freed.notify_one();
    }
}

/// What the log keeps of an answer: printable text, at most [`EXCERPT_CHARS`] characters.
fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .take(EXCERPT_CHARS)
        .collect()
}
