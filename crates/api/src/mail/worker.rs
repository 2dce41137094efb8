//! The outbox worker: claims due emails, renders and sends them with bounded concurrency, and
//! records each outcome. Transient failures are retried with exponential backoff and jitter up
//! to a limit; permanent ones stop at once.

use super::template::{InvitationEmail, RenewalRequestEmail, Templates};
use super::transport::{SendError, Transport};
use crate::config::Secret;
use crate::db::outbox::{claim_due, contexts, ClaimedEmail, EmailContext, Outcome};
use crate::db::{write_transaction, DbConnection, Pool};
use crate::metrics::{DeliveryOutcome, Metrics};
use crate::tokens::unseal;
use chrono::{DateTime, Duration, Utc};
use futures::stream::{self, StreamExt};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use rand::Rng;
use skillstream_domain::{EmailKind, Role, StoredStatus};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, watch, Notify};

/// A delivered email's outcome, and who waits for it to be recorded.
type Finished = (ClaimedEmail, Outcome, oneshot::Sender<()>);

/// At most this many outcomes are written in one transaction.
const RECORD_BATCH: usize = 500;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub public_url: String,
    pub mail_from: Mailbox,
    pub secret: Secret,
    /// Attempts before an email is marked failed.
    pub max_attempts: i32,
    /// The first retry waits about this long; each next one twice as long (capped at an hour).
    pub retry_base: std::time::Duration,
    /// Emails sent at once.
    pub concurrency: usize,
    /// Emails claimed per round.
    pub batch_size: i64,
    /// How long a claim lasts before another worker may take the email over.
    pub lease: Duration,
    /// How often an idle worker looks for due emails (it is also woken on new ones).
    pub idle_poll: std::time::Duration,
}

/// Wakes the worker when a request has queued an email, so delivery starts at once.
#[derive(Debug, Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn notify(&self) {
        self.0.notify_one();
    }
}

pub struct OutboxWorker {
    pool: Pool,
    config: WorkerConfig,
    transport: Transport,
    templates: Arc<Templates>,
    wakeup: Wakeup,
    metrics: Arc<Metrics>,
}

/// What the email needs besides the outbox row.
#[derive(Debug, Clone)]
struct Context {
    email: String,
    status: StoredStatus,
    first_name: Option<String>,
    last_name: Option<String>,
    role: Role,
    expires_at: DateTime<Utc>,
    organization: String,
    sso_enforced: bool,
    inviter: String,
    courses: Vec<String>,
}

impl From<EmailContext> for Context {
    fn from(c: EmailContext) -> Self {
        Self {
            email: c.email,
            status: c.status,
            first_name: c.first_name,
            last_name: c.last_name,
            role: c.role,
            expires_at: c.expires_at,
            organization: c.organization,
            sso_enforced: c.sso_enforced,
            inviter: c.inviter.unwrap_or_else(|| "An administrator".into()),
            courses: c.courses,
        }
    }
}

impl OutboxWorker {
    pub fn new(
        pool: Pool,
        config: WorkerConfig,
        transport: Transport,
        wakeup: Wakeup,
        metrics: Arc<Metrics>,
    ) -> Result<Self, minijinja::Error> {
        Ok(Self {
            pool,
            config,
            transport,
            templates: Arc::new(Templates::new()?),
            wakeup,
            metrics,
        })
    }

    /// Runs until `shutdown` turns true. The batch in hand is finished before stopping.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(transport = ?self.transport, "outbox worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.run_once_until(&shutdown).await {
                Ok(0) => {
                    tokio::select! {
                        _ = self.wakeup.0.notified() => {}
                        _ = tokio::time::sleep(self.config.idle_poll) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "outbox worker: database error; retrying shortly");
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Claims one batch of due emails and delivers it; returns how many were claimed.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let (_keep, running) = watch::channel(false);
        self.run_once_until(&running).await
    }

    /// Like `run_once`, but once `shutdown` turns true the emails of the batch not yet started
    /// go back to the queue for another instance, and only those in flight are finished.
    pub async fn run_once_until(&self, shutdown: &watch::Receiver<bool>) -> anyhow::Result<usize> {
        let now = Utc::now();
        let (lease_until, limit) = (now + self.config.lease, self.config.batch_size);
        let (claimed, contexts) = self
            .db(move |conn| {
                let claimed =
                    write_transaction(conn, |conn| claim_due(conn, now, lease_until, limit))?;
                let contexts = contexts(conn, &claimed)?
                    .into_iter()
                    .map(|(id, c)| (id, Context::from(c)))
                    .collect::<HashMap<_, _>>();
                Ok((claimed, contexts))
            })
            .await?;
        let count = claimed.len();
        if count == 0 {
            return Ok(0);
        }
        let contexts = Arc::new(contexts);
        // Each outcome is recorded as soon as the previous write is done, together with those
        // that finished meanwhile (one recorder, so deliveries never queue for the database's
        // write lock). A delivery slot is freed only once its outcome is recorded, so a crash
        // can repeat at most `concurrency` emails: those in flight or waiting to be recorded.
        let (finished, outcomes) = mpsc::unbounded_channel();
        let deliveries = stream::iter(claimed)
            .map(move |email| {
                let contexts = contexts.clone();
                let finished = finished.clone();
                async move {
                    let outcome = if *shutdown.borrow() {
                        Outcome::Released
                    } else {
                        self.deliver(&email, contexts.get(&email.invitation_id))
                            .await
                    };
                    self.count(email.id, &outcome);
                    let (recorded, wait) = oneshot::channel();
                    // The recorder outlives every delivery (it stops once all senders are
                    // gone) and answers every outcome, written or not.
                    if finished.send((email, outcome, recorded)).is_ok() {
                        let _ = wait.await;
                    }
                }
            })
            .buffer_unordered(self.config.concurrency.max(1))
            .for_each(|()| async {});
        let ((), recorded) = tokio::join!(deliveries, self.record_outcomes(outcomes));
        recorded?;
        Ok(count)
    }

    fn count(&self, id: i64, outcome: &Outcome) {
        let counted = match outcome {
            Outcome::Sent => DeliveryOutcome::Sent,
            Outcome::Superseded => DeliveryOutcome::Superseded,
            Outcome::Released => return,
            Outcome::Retry { at, error } => {
                tracing::warn!(outbox_id = id, %error, retry_at = %at, "email delivery failed; will retry");
                DeliveryOutcome::Retried
            }
            Outcome::Failed { error } => {
                tracing::error!(outbox_id = id, %error, "email delivery failed permanently");
                DeliveryOutcome::Failed
            }
        };
        self.metrics.observe_delivery(counted);
    }

    /// Writes outcomes as they arrive, each batch those that finished while the previous one
    /// was written. The first error is answered once every outcome had its try (the leases
    /// keep unrecorded emails from other workers until they run out).
    async fn record_outcomes(
        &self,
        mut outcomes: mpsc::UnboundedReceiver<Finished>,
    ) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some((email, outcome, recorded)) = outcomes.recv().await {
            let (mut batch, mut waiting) = (vec![(email, outcome)], vec![recorded]);
            while batch.len() < RECORD_BATCH {
                match outcomes.try_recv() {
                    Ok((email, outcome, recorded)) => {
                        batch.push((email, outcome));
                        waiting.push(recorded);
                    }
                    Err(_) => break,
                }
            }
            let pool = self.pool.clone();
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = pool.get()?;
                let ctx = skillstream_app::Ctx::system("mail worker").at(Utc::now());
                let result = skillstream_app::delivery::record(&mut conn, batch, &ctx);
                conn.record(&result, skillstream_app::AppError::lost_connection);
                Ok(result?)
            })
            .await
            .map_err(anyhow::Error::from)
            .and_then(|r| r);
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
            for slot in waiting {
                let _ = slot.send(());
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> crate::db::StoreResult<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<T> {
            let mut conn = pool.get()?;
            let result = f(&mut conn);
            conn.record(&result, crate::db::is_lost_connection);
            Ok(result?)
        })
        .await?
    }

    async fn deliver(&self, email: &ClaimedEmail, context: Option<&Context>) -> Outcome {
        if email.kind == EmailKind::RenewalRequest {
            return self.deliver_renewal_request(email, context).await;
        }
        // Never an email for an invitation that is no longer pending, or whose link lapsed
        // while the email was queued: the row is marked superseded instead.
        let now = Utc::now();
        let Some(context) =
            context.filter(|c| c.status == StoredStatus::Pending && c.expires_at > now)
        else {
            return Outcome::Superseded;
        };
        let Some(token) = email
            .sealed_token
            .as_deref()
            .and_then(|s| unseal(self.config.secret.expose(), s))
        else {
            return Outcome::Failed {
                error: "The link in this email can no longer be recovered (the server secret changed). Resend the invitation."
                    .into(),
            };
        };
        let accept_url = format!("{}/invite/{token}", self.config.public_url);
        let message = match self.build(email, context, &accept_url) {
            Ok(message) => message,
            Err(error) => return Outcome::Failed { error },
        };
        let outcome = self.send(email, message).await;
        if let (Outcome::Sent, Transport::Files(dir)) = (&outcome, &self.transport) {
            tracing::info!(to = %email.recipient, folder = %dir.display(), %accept_url, "invitation email written");
        }
        outcome
    }

    /// To an admin: the holder of an expired link asks for a new invitation. No link inside.
    async fn deliver_renewal_request(
        &self,
        email: &ClaimedEmail,
        context: Option<&Context>,
    ) -> Outcome {
        let Some(context) = context else {
            return Outcome::Superseded;
        };
        let rendered = match self.templates.renewal_request(&RenewalRequestEmail {
            organization: context.organization.clone(),
            invitee: context.email.clone(),
            expired_at: context.expires_at,
            invitations_url: format!(
                "{}/admin/invitations?q={}",
                self.config.public_url,
                url_component(&context.email)
            ),
        }) {
            Ok(rendered) => rendered,
            Err(e) => {
                return Outcome::Failed {
                    error: format!("The email could not be rendered: {e}"),
                }
            }
        };
        let message = match self.message(email, None, rendered) {
            Ok(message) => message,
            Err(error) => return Outcome::Failed { error },
        };
        self.send(email, message).await
    }

    /// Hands a built email to the transport; transient failures are retried until the attempts
    /// run out.
    async fn send(&self, email: &ClaimedEmail, message: Message) -> Outcome {
        match self
            .transport
            .send(
                message,
                &format!("invitation-{}-{}", email.invitation_id, email.id),
            )
            .await
        {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(error)) => Outcome::Failed { error },
            Err(SendError::Transient(error)) if email.attempts >= self.config.max_attempts => {
                Outcome::Failed {
                    error: format!("Gave up after {} attempts: {error}", email.attempts),
                }
            }
            Err(SendError::Transient(error)) => Outcome::Retry {
                at: Utc::now() + self.backoff(email.attempts),
                error,
            },
        }
    }

    /// Exponential backoff with full jitter between half and all of the step.
    fn backoff(&self, attempts: i32) -> Duration {
        let base = self.config.retry_base.as_millis().max(1) as f64;
        let step = (base * 2f64.powi(attempts.clamp(1, 30) - 1)).min(3_600_000.0);
        let jittered = rand::thread_rng().gen_range(step / 2.0..=step);
        Duration::milliseconds(jittered as i64)
    }

    fn build(
        &self,
        email: &ClaimedEmail,
        context: &Context,
        accept_url: &str,
    ) -> Result<Message, String> {
        let rendered = self
            .templates
            .invitation(&InvitationEmail {
                reminder: email.kind == EmailKind::Reminder,
                organization: context.organization.clone(),
                inviter: context.inviter.clone(),
                first_name: context.first_name.clone(),
                role: context.role,
                courses: context.courses.clone(),
                accept_url: accept_url.to_string(),
                expires_at: context.expires_at,
                sso_enforced: context.sso_enforced,
            })
            .map_err(|e| format!("The email could not be rendered: {e}"))?;
        let name = skillstream_domain::full_name(
            context.first_name.as_deref(),
            context.last_name.as_deref(),
        );
        self.message(email, name, rendered)
    }

    fn message(
        &self,
        email: &ClaimedEmail,
        name: Option<String>,
        rendered: super::template::Rendered,
    ) -> Result<Message, String> {
        let address = email
            .recipient
            .parse()
            .map_err(|e| format!("The recipient address is not deliverable: {e}"))?;
        let to = Mailbox::new(name, address);
        Message::builder()
            .from(self.config.mail_from.clone())
            .to(to)
            .subject(rendered.subject)
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| format!("The email could not be built: {e}"))
    }
}

/// A query-string value, percent-encoded.
fn url_component(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
