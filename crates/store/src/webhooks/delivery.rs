//! The worker's side: claiming due messages under a lease, what posting them needs, and
//! recording each attempt's outcome.

use crate::schema::{events, webhook_attempts, webhook_endpoints, webhook_messages};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::webhook::WebhookMessageStatus;

use super::EndpointRow;

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
