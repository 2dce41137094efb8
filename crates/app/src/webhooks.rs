//! Webhook endpoints (created, changed, deleted, secret rotated, tested, a message redelivered)
//! and what the delivery worker records; each change with its event. The signing follows the
//! Standard Webhooks specification.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::{rfc3339, Event};
use crate::tokens::{seal, unseal};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde_json::{json, Value};
use skillstream_domain::webhook::{self as rules, DisabledReason, Subscription};
use skillstream_domain::{Action, OrganizationId, TargetType};
use skillstream_store::events::EventRow;
use skillstream_store::webhooks::{
    self as store, AttemptRecord, EndpointChanges, MessageNext, NewEndpoint,
};
use skillstream_store::{from_db, to_db, write_transaction, DbConnection};

pub use skillstream_store::webhooks::{AttemptRow, EndpointRow, MessageRow};

/// One message of an endpoint's log: the message, its event's action, its attempts.
pub type Delivery = (MessageRow, Option<Action>, Vec<AttemptRow>);

/// The caller's organization's endpoints.
pub fn list(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<Vec<EndpointRow>> {
    Ok(store::list(conn, ctx.org()?)?)
}

/// One endpoint of the caller's organization (404 otherwise).
pub fn get(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> AppResult<EndpointRow> {
    find(conn, ctx.org()?, id)
}

/// A page of the endpoint's log, newest first, and how many messages it has.
pub fn deliveries(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<Delivery>, i64)> {
    let org = ctx.org()?;
    find(conn, org, id)?;
    Ok(store::deliveries(conn, org, id, offset, limit)?)
}

/// The prefix of signing secrets, as the specification writes them.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` + base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes; none for a
/// secret that is not ours (it cannot happen for a secret made by [`new_secret`]).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-id` of a message: the same on every attempt and redelivery.
pub fn message_id(id: i64) -> String {
    format!("msg_{id}")
}

/// The body of the message for an event: `{type, timestamp, data}`, where data carries the
/// event's actor, target and details (events never hold a link token, password or secret).
pub fn payload(event: &EventRow) -> String {
    let details: Value = serde_json::from_str(&event.details).unwrap_or_else(|_| json!({}));
    json!({
        "type": event.action.as_str(),
        "timestamp": rfc3339(from_db(event.occurred_at)),
        "data": {
            "event_id": event.id,
            "organization_id": event.organization_id,
            "actor": {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name},
            "target": event.target_type.map(|kind| json!({
                "type": kind, "id": event.target_id, "email": event.target_email,
            })),
            "invitation_id": event.invitation_id,
            "import_id": event.import_id,
            "request_id": event.request_id,
            "details": details,
        }
    })
    .to_string()
}

/// The secrets that sign for an endpoint now: the current one, and the previous one for a
/// day after a rotation. Secrets that no longer open (another server secret) are skipped.
pub fn signing_secrets(
    endpoint: &EndpointRow,
    seal_secret: &str,
    now: DateTime<Utc>,
) -> Vec<String> {
    let mut secrets: Vec<String> = unseal(seal_secret, &endpoint.secret_sealed)
        .into_iter()
        .collect();
    if let (Some(previous), Some(until)) = (
        &endpoint.previous_secret_sealed,
        endpoint.previous_secret_expires_at,
    ) {
        if from_db(until) > now {
            secrets.extend(unseal(seal_secret, previous));
        }
    }
    secrets
}

/// What an admin asks for, already checked (the URL by the guarded outbound client).
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub subscription: Subscription,
    pub enabled: bool,
}

/// Changes an admin asks for; `None` leaves a field as it is.
#[derive(Default)]
pub struct EndpointPatch {
    pub url: Option<String>,
    pub description: Option<String>,
    pub subscription: Option<Subscription>,
    pub enabled: Option<bool>,
}

fn append(conn: &mut DbConnection, event: Event) -> AppResult<()> {
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    Ok(())
}

/// Creates an endpoint; answers it with its secret, shown this once.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &EndpointInput,
) -> AppResult<(EndpointRow, String)> {
    let org = ctx.org()?;
    let secret = new_secret();
    let sealed = seal(&ctx.seal_secret, &secret);
    let row = write_transaction(conn, |conn| {
        let row = store::insert(
            conn,
            &NewEndpoint {
                organization_id: org.get(),
                url: &input.url,
                description: &input.description,
                events: input.subscription.to_stored(),
                enabled: input.enabled,
                disabled_reason: (!input.enabled).then_some(DisabledReason::Manual),
                secret_sealed: &sealed,
                created_by: ctx.member_id.map(|m| m.get()),
                created_at: to_db(ctx.now),
                updated_at: to_db(ctx.now),
            },
        )?;
        append(
            conn,
            Event::new(ctx, org, Action::WebhookCreated)
                .target(TargetType::Webhook, row.id)
                .details(details! {
                    "url": row.url,
                    "events": input.subscription.names(),
                    "enabled": row.enabled,
                }),
        )?;
        Ok::<_, AppError>(row)
    })?;
    Ok((row, secret))
}

fn find(conn: &mut DbConnection, org: OrganizationId, id: i64) -> AppResult<EndpointRow> {
    store::find(conn, org, id)?.ok_or_else(|| AppError::not_found("webhook"))
}

/// Changes an endpoint; the event lists each changed field old → new. Enabling it again
/// clears its failing streak.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    patch: &EndpointPatch,
) -> AppResult<EndpointRow> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let before = find(conn, org, id)?;
        let mut changes = EndpointChanges::default();
        let mut changed = serde_json::Map::new();
        if let Some(url) = patch.url.as_ref().filter(|u| **u != before.url) {
            changed.insert("url".into(), json!({"from": before.url, "to": url}));
            changes.url = Some(url.clone());
        }
        if let Some(text) = patch
            .description
            .as_ref()
            .filter(|d| **d != before.description)
        {
            changed.insert(
                "description".into(),
                json!({"from": before.description, "to": text}),
            );
            changes.description = Some(text.clone());
        }
        if let Some(subscription) = &patch.subscription {
            let old = before.subscription();
            if *subscription != old {
                changed.insert(
                    "events".into(),
                    json!({"from": old.names(), "to": subscription.names()}),
                );
                changes.events = Some(subscription.to_stored());
            }
        }
        if let Some(enabled) = patch.enabled.filter(|e| *e != before.enabled) {
            changed.insert(
                "enabled".into(),
                json!({"from": before.enabled, "to": enabled}),
            );
            changes.enabled = Some(enabled);
            changes.disabled_reason = Some((!enabled).then_some(DisabledReason::Manual));
            if enabled {
                changes.failing_since = Some(None);
            }
        }
        if !changed.is_empty() {
            store::update(conn, org, id, &changes, ctx.now)?;
            append(
                conn,
                Event::new(ctx, org, Action::WebhookUpdated)
                    .target(TargetType::Webhook, id)
                    .details(details! { "url": patch.url.clone().unwrap_or(before.url), "changes": changed }),
            )?;
        }
        find(conn, org, id)
    })
}

/// Deletes an endpoint with its messages and log.
pub fn delete(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let before = find(conn, org, id)?;
        store::delete(conn, org, id)?;
        append(
            conn,
            Event::new(ctx, org, Action::WebhookDeleted)
                .target(TargetType::Webhook, id)
                .details(details! { "url": before.url }),
        )
    })
}

/// A new secret, shown this once; the old one also signs for a day.
pub fn rotate_secret(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(EndpointRow, String)> {
    let org = ctx.org()?;
    let secret = new_secret();
    let sealed = seal(&ctx.seal_secret, &secret);
    let row = write_transaction(conn, |conn| {
        let before = find(conn, org, id)?;
        let until = ctx.now + rules::previous_secret_lifetime();
        store::update(
            conn,
            org,
            id,
            &EndpointChanges {
                secret_sealed: Some(sealed.clone()),
                previous_secret_sealed: Some(Some(before.secret_sealed)),
                previous_secret_expires_at: Some(Some(to_db(until))),
                ..Default::default()
            },
            ctx.now,
        )?;
        append(
            conn,
            Event::new(ctx, org, Action::WebhookUpdated)
                .target(TargetType::Webhook, id)
                .details(details! {
                    "url": before.url,
                    "secret_rotated": true,
                    "previous_secret_expires_at": rfc3339(until),
                }),
        )?;
        find(conn, org, id)
    })?;
    Ok((row, secret))
}

/// Queues a `webhook.test` event for this endpoint only; answers the message's id.
pub fn test(conn: &mut DbConnection, ctx: &Ctx, id: i64) -> AppResult<i64> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let endpoint = find(conn, org, id)?;
        if !endpoint.enabled {
            return Err(AppError::new(
                ErrorCode::WebhookDisabled,
                "This endpoint is disabled; enable it to send it a test event.",
            ));
        }
        append(
            conn,
            Event::new(ctx, org, Action::WebhookTest)
                .target(TargetType::Webhook, id)
                .details(details! { "url": endpoint.url, "message": "A test event from SkillStream LMS." }),
        )?;
        store::latest_message(conn, org, id)?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("the test message was not queued")))
    })
}

/// Puts a message back in the queue now, with the same `webhook-id`. Answers 409 while the
/// endpoint is disabled (nothing would be sent).
pub fn redeliver(conn: &mut DbConnection, ctx: &Ctx, endpoint: i64, message: i64) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, endpoint)?;
        if !row.enabled {
            return Err(AppError::new(
                ErrorCode::WebhookDisabled,
                "This endpoint is disabled; enable it to redeliver messages.",
            ));
        }
        store::redeliver(conn, org, endpoint, message, ctx.now)?
            .ok_or_else(|| AppError::not_found("delivery"))?;
        Ok(())
    })
}

/// How an attempt ended, as the worker saw it.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub message_id: i64,
    pub organization_id: i64,
    pub endpoint_id: i64,
    pub message_created_at: DateTime<Utc>,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub attempted_at: DateTime<Utc>,
    pub latency_ms: i32,
    pub result: AttemptResult,
}

#[derive(Debug, Clone)]
pub enum AttemptResult {
    /// The receiver answered, with a short excerpt of its body.
    Answered { status: u16, excerpt: String },
    /// No answer: timeout, refused connection, blocked address, redirect.
    NoAnswer { error: String },
}

/// Records a batch of attempts in one transaction: each message's new state and log row;
/// endpoints that answered 2xx are healthy again; 410 Gone disables the endpoint at once;
/// one failing for [`rules::disable_after_failing`] is disabled too, and its admins are to be
/// emailed. Each disabling writes `webhook.updated` (actor: the worker).
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    attempts: &[Attempt],
    retry_base: std::time::Duration,
) -> AppResult<()> {
    let now = ctx.now;
    let mut records = Vec::with_capacity(attempts.len());
    let (mut healthy, mut failing, mut gone) = (Vec::new(), Vec::new(), Vec::new());
    for attempt in attempts {
        let retry = || {
            let jitter = 0.75 + rand::random::<f64>() * 0.5;
            match rules::next_attempt(
                attempt.message_created_at,
                attempt.attempts,
                now,
                retry_base,
                jitter,
            ) {
                Some(at) => MessageNext::Retry(at),
                None => MessageNext::Failed,
            }
        };
        let (status_code, excerpt, error, next) = match &attempt.result {
            AttemptResult::Answered { status, excerpt } if (200..300).contains(status) => {
                healthy.push(attempt.endpoint_id);
                (
                    Some(*status),
                    Some(excerpt.clone()),
                    None,
                    MessageNext::Delivered,
                )
            }
            AttemptResult::Answered {
                status: 410,
                excerpt,
            } => {
                gone.push(attempt.endpoint_id);
                // Kept pending: the endpoint is disabled, and enabling it again sends it.
                (
                    Some(410),
                    Some(excerpt.clone()),
                    Some("410 Gone: the endpoint was disabled".into()),
                    MessageNext::Retry(now),
                )
            }
            AttemptResult::Answered { status, excerpt } => {
                failing.push(attempt.endpoint_id);
                (
                    Some(*status),
                    Some(excerpt.clone()),
                    Some(format!("HTTP {status}")),
                    retry(),
                )
            }
            AttemptResult::NoAnswer { error } => {
                failing.push(attempt.endpoint_id);
                (None, None, Some(error.clone()), retry())
            }
        };
        records.push(AttemptRecord {
            message_id: attempt.message_id,
            organization_id: attempt.organization_id,
            endpoint_id: attempt.endpoint_id,
            attempted_at: attempt.attempted_at,
            status_code: status_code.map(i32::from),
            latency_ms: attempt.latency_ms,
            response_excerpt: excerpt,
            error,
            manual: false,
            next,
        });
    }
    for ids in [&mut healthy, &mut failing, &mut gone] {
        ids.sort_unstable();
        ids.dedup();
    }
    // An endpoint that both failed and succeeded in this batch is healthy.
    failing.retain(|id| !healthy.contains(id));
    write_transaction(conn, |conn| {
        store::record_attempts(conn, &records, now)?;
        if !healthy.is_empty() {
            store::mark_success(conn, &healthy, now)?;
        }
        if !failing.is_empty() {
            store::mark_failure(conn, &failing, now)?;
        }
        if failing.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let worn_out =
            store::failing_since_before(conn, &failing, now - rules::disable_after_failing())?;
        for (ids, reason) in [
            (gone.as_slice(), DisabledReason::Gone),
            (worn_out.as_slice(), DisabledReason::Failing),
        ] {
            if ids.is_empty() {
                continue;
            }
            for (id, org, url) in store::disable(conn, ids, reason, now)? {
                append(
                    conn,
                    Event::new(ctx, OrganizationId(org), Action::WebhookUpdated)
                        .target(TargetType::Webhook, id)
                        .details(details! {
                            "url": url,
                            "changes": json!({"enabled": {"from": true, "to": false}}),
                            "reason": reason.as_str(),
                        }),
                )?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        // From the Standard Webhooks specification's reference libraries.
        let signed = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signed.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn new_secrets_are_32_random_bytes_in_the_specifications_form() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        let key = STANDARD
            .decode(a.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
    }
}
