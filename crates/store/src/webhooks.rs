//! Webhook endpoints, their messages (one per event and subscribed endpoint, queued in the
//! transaction that appends the event) and every delivery attempt.

use crate::schema::{events, webhook_attempts, webhook_endpoints, webhook_messages};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::webhook::{DisabledReason, Subscription, WebhookMessageStatus};
use skillstream_domain::{Action, OrganizationId, TargetType};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: i64,
    pub organization_id: i64,
    pub url: String,
    pub description: String,
    pub events: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub secret_sealed: String,
    pub previous_secret_sealed: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub failing_since: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub notify_pending: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl EndpointRow {
    pub fn subscription(&self) -> Subscription {
        Subscription::from_stored(&self.events)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpoint<'a> {
    pub organization_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub events: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub secret_sealed: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, endpoint: &NewEndpoint) -> StoreResult<EndpointRow> {
    let id: i64 = diesel::insert_into(webhook_endpoints::table)
        .values(endpoint)
        .returning(webhook_endpoints::id)
        .get_result(conn)?;
    webhook_endpoints::table
        .find(id)
        .select(EndpointRow::as_select())
        .first(conn)
}

pub fn list(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(org.get()))
        .order(webhook_endpoints::id.asc())
        .select(EndpointRow::as_select())
        .load(conn)
}

pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
) -> StoreResult<Option<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(org.get()))
        .filter(webhook_endpoints::id.eq(id))
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()
}

/// What an update changes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub events: Option<String>,
    pub enabled: Option<bool>,
    pub disabled_reason: Option<Option<DisabledReason>>,
    pub secret_sealed: Option<String>,
    pub previous_secret_sealed: Option<Option<String>>,
    pub previous_secret_expires_at: Option<Option<NaiveDateTime>>,
    pub failing_since: Option<Option<NaiveDateTime>>,
    pub notify_pending: Option<bool>,
}

pub fn update(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
    changes: &EndpointChanges,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(org.get()))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .set((changes, webhook_endpoints::updated_at.eq(to_db(now))))
    .execute(conn)
}

/// Deletes the endpoint with its messages and their attempts.
pub fn delete(conn: &mut DbConnection, org: OrganizationId, id: i64) -> StoreResult<usize> {
    let messages = webhook_messages::table
        .filter(webhook_messages::endpoint_id.eq(id))
        .filter(webhook_messages::organization_id.eq(org.get()))
        .select(webhook_messages::id);
    diesel::delete(webhook_attempts::table.filter(webhook_attempts::message_id.eq_any(messages)))
        .execute(conn)?;
    diesel::delete(
        webhook_messages::table
            .filter(webhook_messages::endpoint_id.eq(id))
            .filter(webhook_messages::organization_id.eq(org.get())),
    )
    .execute(conn)?;
    diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(org.get()))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .execute(conn)
}

/// The enabled endpoints of these organizations, with what each subscribes to.
pub fn subscribed(
    conn: &mut DbConnection,
    orgs: &[i64],
) -> StoreResult<Vec<(i64, i64, Subscription)>> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq_any(orgs))
        .filter(webhook_endpoints::enabled.eq(true))
        .select((
            webhook_endpoints::id,
            webhook_endpoints::organization_id,
            webhook_endpoints::events,
        ))
        .load::<(i64, i64, String)>(conn)?
        .into_iter()
        .map(|(id, org, events)| (id, org, Subscription::from_stored(&events)))
        .collect())
}

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

/// A message a worker has claimed: `delivering` under a lease.
#[derive(Debug, Clone, Queryable)]
pub struct ClaimedMessage {
    pub id: i64,
    pub organization_id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub created_at: NaiveDateTime,
}

/// Claims due messages, at most `per_endpoint` in flight per endpoint across every instance
/// and `limit` in all, marking them `delivering` until `lease_until`. Messages whose lease ran
/// out (their instance died) are due again first. Endpoints take turns: each gets up to its
/// free capacity, so a flooded or slow endpoint cannot starve another. Call it in a write
/// transaction: on PostgreSQL claims are serialized by an advisory lock, on SQLite by the
/// write lock, so the per-endpoint count is exact and no message is claimed twice.
pub fn claim(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    per_endpoint: i64,
    limit: i64,
) -> StoreResult<Vec<ClaimedMessage>> {
    use diesel::dsl::{count_star, exists};
    if let DbConnection::Postgres(pg) = conn {
        // The key is arbitrary and fixed: "whk" in ASCII.
        diesel::sql_query("SELECT pg_advisory_xact_lock(7825515)").execute(pg)?;
    }
    let now_db = to_db(now);
    diesel::update(
        webhook_messages::table
            .filter(webhook_messages::status.eq(WebhookMessageStatus::Delivering))
            .filter(webhook_messages::locked_until.lt(now_db)),
    )
    .set(webhook_messages::status.eq(WebhookMessageStatus::Pending))
    .execute(conn)?;
    let due = webhook_messages::table
        .filter(webhook_messages::endpoint_id.eq(webhook_endpoints::id))
        .filter(webhook_messages::status.eq(WebhookMessageStatus::Pending))
        .filter(webhook_messages::next_attempt_at.le(now_db));
    let endpoints: Vec<i64> = webhook_endpoints::table
        .filter(webhook_endpoints::enabled.eq(true))
        .filter(exists(due))
        .select(webhook_endpoints::id)
        .load(conn)?;
    if endpoints.is_empty() {
        return Ok(Vec::new());
    }
    let busy: std::collections::HashMap<i64, i64> = webhook_messages::table
        .filter(webhook_messages::status.eq(WebhookMessageStatus::Delivering))
        .filter(webhook_messages::endpoint_id.eq_any(&endpoints))
        .group_by(webhook_messages::endpoint_id)
        .select((webhook_messages::endpoint_id, count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut ids = Vec::new();
    for endpoint in endpoints {
        let room = (per_endpoint - busy.get(&endpoint).copied().unwrap_or(0))
            .min(limit - ids.len() as i64);
        if room <= 0 {
            continue;
        }
        ids.extend(
            webhook_messages::table
                .filter(webhook_messages::endpoint_id.eq(endpoint))
                .filter(webhook_messages::status.eq(WebhookMessageStatus::Pending))
                .filter(webhook_messages::next_attempt_at.le(now_db))
                .order((webhook_messages::next_attempt_at, webhook_messages::id))
                .limit(room)
                .select(webhook_messages::id)
                .load::<i64>(conn)?,
        );
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_messages::table.filter(webhook_messages::id.eq_any(&ids)))
        .set((
            webhook_messages::status.eq(WebhookMessageStatus::Delivering),
            webhook_messages::attempts.eq(webhook_messages::attempts + 1),
            webhook_messages::locked_until.eq(to_db(lease_until)),
            webhook_messages::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    webhook_messages::table
        .filter(webhook_messages::id.eq_any(&ids))
        .order(webhook_messages::id)
        .select((
            webhook_messages::id,
            webhook_messages::organization_id,
            webhook_messages::endpoint_id,
            webhook_messages::event_id,
            webhook_messages::attempts,
            webhook_messages::created_at,
        ))
        .load(conn)
}

/// Whether a claim could find anything at `now`: a pending message that is due, or one whose
/// lease ran out. Two reads on partial indexes, so an idle worker can ask often without
/// taking a write lock.
pub fn anything_due(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<bool> {
    use diesel::dsl::exists;
    let now = to_db(now);
    let due = diesel::select(exists(
        webhook_messages::table
            .filter(webhook_messages::status.eq(WebhookMessageStatus::Pending))
            .filter(webhook_messages::next_attempt_at.le(now)),
    ))
    .get_result::<bool>(conn)?;
    if due {
        return Ok(true);
    }
    diesel::select(exists(
        webhook_messages::table
            .filter(webhook_messages::status.eq(WebhookMessageStatus::Delivering))
            .filter(webhook_messages::locked_until.lt(now)),
    ))
    .get_result(conn)
}

/// The events claimed messages carry, by id.
pub fn events_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<Vec<crate::events::EventRow>> {
    events::table
        .filter(events::id.eq_any(ids))
        .select(crate::events::EventRow::as_select())
        .load(conn)
}

/// Endpoints by id, whatever their organization (for the worker).
pub fn endpoints_by_id(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq_any(ids))
        .select(EndpointRow::as_select())
        .load(conn)
}

/// How one attempt ended, as recorded.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    pub message_id: i64,
    pub organization_id: i64,
    pub endpoint_id: i64,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    pub manual: bool,
    /// What becomes of the message.
    pub next: MessageNext,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MessageNext {
    Delivered,
    Retry(DateTime<Utc>),
    Failed,
    /// Back to the queue untried (the instance is stopping, or the endpoint went away).
    Released,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_attempts, treat_none_as_default_value = false)]
struct NewAttempt {
    organization_id: i64,
    message_id: i64,
    attempted_at: NaiveDateTime,
    status_code: Option<i32>,
    latency_ms: i32,
    response_excerpt: Option<String>,
    error: Option<String>,
    manual: bool,
}
const ATTEMPT_COLUMNS: usize = 8;

/// Records attempts: the log rows and each message's new state. Only messages still
/// `delivering` change (a message redelivered meanwhile keeps its new state). Deliveries that
/// succeeded with the same status code are recorded in one statement.
pub fn record_attempts(
    conn: &mut DbConnection,
    records: &[AttemptRecord],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    let mut delivered: std::collections::BTreeMap<Option<i32>, Vec<i64>> = Default::default();
    let mut log = Vec::new();
    for record in records {
        let row = webhook_messages::table
            .find(record.message_id)
            .filter(webhook_messages::status.eq(WebhookMessageStatus::Delivering));
        match &record.next {
            MessageNext::Delivered => {
                delivered
                    .entry(record.status_code)
                    .or_default()
                    .push(record.message_id);
            }
            MessageNext::Retry(next) => {
                diesel::update(row)
                    .set((
                        webhook_messages::status.eq(WebhookMessageStatus::Pending),
                        webhook_messages::next_attempt_at.eq(to_db(*next)),
                        webhook_messages::locked_until.eq(None::<NaiveDateTime>),
                        webhook_messages::last_status_code.eq(record.status_code),
                        webhook_messages::last_error.eq(record.error.as_deref()),
                        webhook_messages::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            MessageNext::Failed => {
                diesel::update(row)
                    .set((
                        webhook_messages::status.eq(WebhookMessageStatus::Failed),
                        webhook_messages::locked_until.eq(None::<NaiveDateTime>),
                        webhook_messages::last_status_code.eq(record.status_code),
                        webhook_messages::last_error.eq(record.error.as_deref()),
                        webhook_messages::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            MessageNext::Released => {
                diesel::update(row)
                    .set((
                        webhook_messages::status.eq(WebhookMessageStatus::Pending),
                        webhook_messages::attempts.eq(webhook_messages::attempts - 1),
                        webhook_messages::locked_until.eq(None::<NaiveDateTime>),
                        webhook_messages::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                continue;
            }
        }
        log.push(NewAttempt {
            organization_id: record.organization_id,
            message_id: record.message_id,
            attempted_at: to_db(record.attempted_at),
            status_code: record.status_code,
            latency_ms: record.latency_ms,
            response_excerpt: record.response_excerpt.clone(),
            error: record.error.clone(),
            manual: record.manual,
        });
    }
    for (status_code, ids) in delivered {
        diesel::update(
            webhook_messages::table
                .filter(webhook_messages::id.eq_any(ids))
                .filter(webhook_messages::status.eq(WebhookMessageStatus::Delivering)),
        )
        .set((
            webhook_messages::status.eq(WebhookMessageStatus::Delivered),
            webhook_messages::delivered_at.eq(at),
            webhook_messages::locked_until.eq(None::<NaiveDateTime>),
            webhook_messages::last_status_code.eq(status_code),
            webhook_messages::last_error.eq(None::<String>),
            webhook_messages::updated_at.eq(at),
        ))
        .execute(conn)?;
    }
    // A message deleted meanwhile (its endpoint was deleted mid-delivery) keeps no log.
    let ids: Vec<i64> = log.iter().map(|a| a.message_id).collect();
    let existing: std::collections::HashSet<i64> = webhook_messages::table
        .filter(webhook_messages::id.eq_any(&ids))
        .select(webhook_messages::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    log.retain(|a| existing.contains(&a.message_id));
    if !log.is_empty() {
        crate::bulk_write!(conn, webhook_attempts::table, log, ATTEMPT_COLUMNS)?;
    }
    Ok(())
}

/// After a success: the endpoint is healthy again.
pub fn mark_success(
    conn: &mut DbConnection,
    endpoint_ids: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(endpoint_ids)))
        .set((
            webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
            webhook_endpoints::last_success_at.eq(to_db(now)),
        ))
        .execute(conn)
}

/// After a failure: the first failure since the last success starts the failing streak.
pub fn mark_failure(
    conn: &mut DbConnection,
    endpoint_ids: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::id.eq_any(endpoint_ids))
            .filter(webhook_endpoints::failing_since.is_null()),
    )
    .set(webhook_endpoints::failing_since.eq(to_db(now)))
    .execute(conn)
}

/// Disables enabled endpoints, for `reason`, with admins to be told; answers the ones that
/// were enabled until now, with their organization.
pub fn disable(
    conn: &mut DbConnection,
    endpoint_ids: &[i64],
    reason: DisabledReason,
    now: DateTime<Utc>,
) -> StoreResult<Vec<(i64, i64, String)>> {
    let found: Vec<(i64, i64, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::id.eq_any(endpoint_ids))
        .filter(webhook_endpoints::enabled.eq(true))
        .select((
            webhook_endpoints::id,
            webhook_endpoints::organization_id,
            webhook_endpoints::url,
        ))
        .load(conn)?;
    let ids: Vec<i64> = found.iter().map(|f| f.0).collect();
    diesel::update(webhook_endpoints::table.filter(webhook_endpoints::id.eq_any(&ids)))
        .set((
            webhook_endpoints::enabled.eq(false),
            webhook_endpoints::disabled_reason.eq(Some(reason)),
            webhook_endpoints::notify_pending.eq(true),
            webhook_endpoints::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(found)
}

/// Enabled endpoints that have failed since before `cutoff`.
pub fn failing_since_before(
    conn: &mut DbConnection,
    endpoint_ids: &[i64],
    cutoff: DateTime<Utc>,
) -> StoreResult<Vec<i64>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq_any(endpoint_ids))
        .filter(webhook_endpoints::enabled.eq(true))
        .filter(webhook_endpoints::failing_since.le(to_db(cutoff)))
        .select(webhook_endpoints::id)
        .load(conn)
}

/// Endpoints whose admins are still to be told they were disabled.
pub fn notices_pending(conn: &mut DbConnection) -> StoreResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::notify_pending.eq(true))
        .select(EndpointRow::as_select())
        .limit(100)
        .load(conn)
}

pub fn notice_sent(conn: &mut DbConnection, id: i64) -> StoreResult<usize> {
    diesel::update(webhook_endpoints::table.find(id))
        .set(webhook_endpoints::notify_pending.eq(false))
        .execute(conn)
}

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
