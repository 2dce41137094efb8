//! Queuing messages: one per appended event and enabled endpoint subscribed to it, in the
//! transaction that appends the events.

use crate::schema::webhook_messages;
use crate::{DbConnection, StoreResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use skillstream_domain::webhook::{Subscription, WebhookMessageStatus};
use skillstream_domain::{Action, OrganizationId, TargetType};

/// An event just appended, as the fan-out needs it.
#[derive(Debug, Clone, Queryable)]
pub struct AppendedEvent {
    pub id: i64,
    pub organization_id: i64,
    pub action: Action,
    pub target_type: Option<TargetType>,
    pub target_id: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_messages, treat_none_as_default_value = false)]
struct NewMessage {
    organization_id: i64,
    endpoint_id: i64,
    event_id: i64,
    status: WebhookMessageStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    delivered_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}
const MESSAGE_COLUMNS: usize = 12;

/// Queues a message for every endpoint subscribed to each event. A `webhook.test` event goes
/// only to the endpoint it targets; no other event about an endpoint goes to that endpoint.
pub fn fan_out(
    conn: &mut DbConnection,
    appended: &[AppendedEvent],
    endpoints: &[(i64, i64, Subscription)],
    at: NaiveDateTime,
) -> StoreResult<usize> {
    let mut messages = Vec::new();
    for event in appended {
        for (endpoint, org, subscription) in endpoints {
            // An endpoint hears of changes to itself only through a test it was sent.
            let about_itself = event.target_type == Some(TargetType::Webhook)
                && event.target_id == Some(*endpoint);
            let wanted = if event.action == Action::WebhookTest {
                about_itself
            } else {
                !about_itself && subscription.matches(event.action)
            };
            if *org == event.organization_id && wanted {
                messages.push(NewMessage {
                    organization_id: *org,
                    endpoint_id: *endpoint,
                    event_id: event.id,
                    status: WebhookMessageStatus::Pending,
                    attempts: 0,
                    next_attempt_at: at,
                    locked_until: None,
                    last_status_code: None,
                    last_error: None,
                    delivered_at: None,
                    created_at: at,
                    updated_at: at,
                });
            }
        }
    }
    if messages.is_empty() {
        return Ok(0);
    }
    crate::bulk_write!(conn, webhook_messages::table, messages, MESSAGE_COLUMNS)
}

/// Queues, in one `INSERT … SELECT`, a message for each event of an import (invitations
/// `first..=last`, action `action`) and each endpoint of the organization subscribed to it.
pub fn fan_out_import(
    conn: &mut DbConnection,
    org: OrganizationId,
    import_id: i64,
    first: i64,
    last: i64,
    action: Action,
    at: NaiveDateTime,
) -> StoreResult<usize> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let pending = WebhookMessageStatus::Pending.as_str();
    // `instr` and `strpos` find `"action"` (or `"*"`) in the stored JSON array.
    let sql = |p: &str, find: &str| {
        format!(
            "INSERT INTO webhook_messages (organization_id, endpoint_id, event_id, status, attempts, \
               next_attempt_at, created_at, updated_at) \
             SELECT e.organization_id, w.id, e.id, '{pending}', 0, {p}1, {p}1, {p}1 \
             FROM events e JOIN webhook_endpoints w ON w.organization_id = e.organization_id \
             WHERE w.enabled AND ({find}(w.events, '\"*\"') > 0 OR {find}(w.events, '\"' || e.action || '\"') > 0) \
               AND e.organization_id = {p}2 AND e.import_id = {p}3 AND e.action = {p}4 \
               AND e.invitation_id >= {p}5 AND e.invitation_id <= {p}6"
        )
    };
    macro_rules! run {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(org.get())
                .bind::<BigInt, _>(import_id)
                .bind::<Text, _>(action)
                .bind::<BigInt, _>(first)
                .bind::<BigInt, _>(last)
                .execute($conn)
        };
    }
    match conn {
        DbConnection::Postgres(pg) => run!(pg, sql("$", "strpos")),
        DbConnection::Sqlite(sqlite) => run!(sqlite, sql("?", "instr")),
    }
}
