//! Webhook endpoints, their messages (one per event and subscribed endpoint, queued in the
//! transaction that appends the event) and every delivery attempt. This module holds the
//! endpoints and their health; `fan_out` queues messages, `delivery` is the worker's side
//! (claims and outcomes), `log` what admins read of it.

mod delivery;
mod fan_out;
mod log;

pub use delivery::{
    anything_due, claim, endpoints_by_id, events_by_id, record_attempts, AttemptRecord,
    ClaimedMessage, MessageNext,
};
pub use fan_out::{fan_out, fan_out_import, AppendedEvent};
pub use log::{deliveries, latest_message, redeliver, sweep, AttemptRow, MessageRow};

use crate::schema::{webhook_attempts, webhook_endpoints, webhook_messages};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::webhook::{DisabledReason, Subscription};
use skillstream_domain::OrganizationId;

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
