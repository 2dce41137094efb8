//! What admins read and do with an endpoint's messages: the delivery log, redelivery, and the
//! sweep of old messages.

use crate::schema::{events, webhook_attempts, webhook_messages};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::webhook::WebhookMessageStatus;
use skillstream_domain::{Action, OrganizationId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_messages)]
pub struct MessageRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub status: WebhookMessageStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: i64,
    pub message_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    pub manual: bool,
}

/// A page of an endpoint's messages, newest first, each with its action and attempts (oldest
/// first), and how many there are.
#[allow(clippy::type_complexity)]
pub fn deliveries(
    conn: &mut DbConnection,
    org: OrganizationId,
    endpoint: i64,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<(MessageRow, Option<Action>, Vec<AttemptRow>)>, i64)> {
    let scope = || {
        webhook_messages::table
            .filter(webhook_messages::organization_id.eq(org.get()))
            .filter(webhook_messages::endpoint_id.eq(endpoint))
    };
    let total: i64 = scope().count().get_result(conn)?;
    let messages: Vec<MessageRow> = scope()
        .order(webhook_messages::id.desc())
        .offset(offset)
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
    let event_ids: Vec<i64> = messages.iter().map(|m| m.event_id).collect();
    let actions: std::collections::HashMap<i64, Action> = events::table
        .filter(events::id.eq_any(&event_ids))
        .select((events::id, events::action))
        .load::<(i64, Action)>(conn)?
        .into_iter()
        .collect();
    let mut attempts: std::collections::HashMap<i64, Vec<AttemptRow>> = Default::default();
    for attempt in webhook_attempts::table
        .filter(webhook_attempts::message_id.eq_any(&ids))
        .order(webhook_attempts::id)
        .select(AttemptRow::as_select())
        .load::<AttemptRow>(conn)?
    {
        attempts
            .entry(attempt.message_id)
            .or_default()
            .push(attempt);
    }
    Ok((
        messages
            .into_iter()
            .map(|m| {
                let action = actions.get(&m.event_id).copied();
                let tries = attempts.remove(&m.id).unwrap_or_default();
                (m, action, tries)
            })
            .collect(),
        total,
    ))
}

/// Puts a message of the endpoint back in the queue, due now (it keeps its id, so the
/// receiver sees the same `webhook-id`). A message being delivered at this moment is left
/// alone. Answers whether the message exists.
pub fn redeliver(
    conn: &mut DbConnection,
    org: OrganizationId,
    endpoint: i64,
    message: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<WebhookMessageStatus>> {
    let status: Option<WebhookMessageStatus> = webhook_messages::table
        .filter(webhook_messages::organization_id.eq(org.get()))
        .filter(webhook_messages::endpoint_id.eq(endpoint))
        .filter(webhook_messages::id.eq(message))
        .select(webhook_messages::status)
        .first(conn)
        .optional()?;
    if status.is_some_and(|s| s != WebhookMessageStatus::Delivering) {
        diesel::update(webhook_messages::table.find(message))
            .set((
                webhook_messages::status.eq(WebhookMessageStatus::Pending),
                webhook_messages::next_attempt_at.eq(to_db(now)),
                webhook_messages::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(status)
}

/// Deletes messages (with their attempts) created before `cutoff`, except one being delivered
/// right now: delivered and failed ones, and pending ones of an endpoint left disabled (far past
/// their retry window by then).
pub fn sweep(conn: &mut DbConnection, cutoff: DateTime<Utc>) -> StoreResult<usize> {
    let old = || {
        webhook_messages::table
            .filter(webhook_messages::created_at.lt(to_db(cutoff)))
            .filter(webhook_messages::status.ne(WebhookMessageStatus::Delivering))
    };
    diesel::delete(
        webhook_attempts::table
            .filter(webhook_attempts::message_id.eq_any(old().select(webhook_messages::id))),
    )
    .execute(conn)?;
    diesel::delete(old()).execute(conn)
}

/// The newest message of the endpoint (the one a test just queued, within its transaction).
pub fn latest_message(
    conn: &mut DbConnection,
    org: OrganizationId,
    endpoint: i64,
) -> StoreResult<Option<i64>> {
    webhook_messages::table
        .filter(webhook_messages::organization_id.eq(org.get()))
        .filter(webhook_messages::endpoint_id.eq(endpoint))
        .select(diesel::dsl::max(webhook_messages::id))
        .first(conn)
}
