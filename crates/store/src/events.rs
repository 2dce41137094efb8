//! The activity log's rows: appended by the use cases (one or a bulk of many), read back with
//! filters, and swept after the retention period.

use crate::schema::{events, invitations};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{Action, ActorType, OrganizationId, TargetType};

/// An event to append. Every column is given, as the bulk writer needs.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEvent {
    pub organization_id: OrganizationId,
    pub occurred_at: NaiveDateTime,
    pub action: Action,
    pub actor_type: ActorType,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub target_type: Option<TargetType>,
    pub target_id: Option<i64>,
    pub target_email: Option<String>,
    pub target_email_folded: Option<String>,
    pub invitation_id: Option<i64>,
    pub import_id: Option<i64>,
    pub request_id: Option<String>,
    pub details: String,
}

const COLUMNS: usize = 14;

/// Appends events (one or many) and, in the same transaction, queues a webhook message for
/// every enabled endpoint subscribed to each. An organization without endpoints costs one
/// indexed lookup and keeps the bulk writer.
pub fn append(conn: &mut DbConnection, rows: Vec<NewEvent>) -> StoreResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut orgs: Vec<i64> = rows.iter().map(|r| r.organization_id.get()).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let endpoints = crate::webhooks::subscribed(conn, &orgs)?;
    if endpoints.is_empty() {
        return crate::bulk_write!(conn, events::table, rows, COLUMNS);
    }
    let count = rows.len();
    let at = rows[0].occurred_at;
    // The fan-out needs the new ids: INSERT … RETURNING, many rows at once on PostgreSQL
    // (within its bind limit), row by row on SQLite (which cannot batch with RETURNING).
    let returned = (
        events::id,
        events::organization_id,
        events::action,
        events::target_type,
        events::target_id,
    );
    let mut appended: Vec<crate::webhooks::AppendedEvent> = Vec::with_capacity(count);
    match conn {
        DbConnection::Postgres(pg) => {
            for rows in rows.chunks(60_000 / COLUMNS) {
                appended.extend(
                    diesel::insert_into(events::table)
                        .values(rows)
                        .returning(returned)
                        .get_results::<crate::webhooks::AppendedEvent>(pg)?,
                );
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for row in &rows {
                appended.push(
                    diesel::insert_into(events::table)
                        .values(row)
                        .returning(returned)
                        .get_result(sqlite)?,
                );
            }
        }
    }
    crate::webhooks::fan_out(conn, &appended, &endpoints, at)?;
    Ok(count)
}

/// Appends one event per invitation of an import whose id lies in `first..=last`, built by the
/// database from the invitations themselves (`INSERT … SELECT`): a bulk send of 100,000
/// invitations writes its 100,000 events in one statement, with no row crossing the wire.
/// `template` gives every column but the invitation's own (target, email, import, role).
pub fn append_for_import(
    conn: &mut DbConnection,
    template: &NewEvent,
    import_id: i64,
    first: i64,
    last: i64,
) -> StoreResult<usize> {
    use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
    // `$n` on PostgreSQL, `?n` on SQLite; the same statement otherwise.
    let sql = |p: &str| {
        format!(
            "INSERT INTO events (organization_id, occurred_at, action, actor_type, actor_id, actor_name, \
               target_type, target_id, target_email, target_email_folded, invitation_id, import_id, request_id, details) \
             SELECT organization_id, {p}1, {p}2, {p}3, {p}4, {p}5, {p}6, id, email, NULL, id, import_id, {p}7, \
               '{{\"role\":\"' || role || '\"}}' \
             FROM invitations WHERE id >= {p}8 AND id <= {p}9 AND import_id = {p}10 AND organization_id = {p}11"
        )
    };
    macro_rules! run {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Timestamp, _>(template.occurred_at)
                .bind::<Text, _>(template.action)
                .bind::<Text, _>(template.actor_type)
                .bind::<Nullable<BigInt>, _>(template.actor_id)
                .bind::<Nullable<Text>, _>(template.actor_name.as_deref())
                .bind::<Text, _>(TargetType::Invitation)
                .bind::<Nullable<Text>, _>(template.request_id.as_deref())
                .bind::<BigInt, _>(first)
                .bind::<BigInt, _>(last)
                .bind::<BigInt, _>(import_id)
                .bind::<BigInt, _>(template.organization_id)
                .execute($conn)
        };
    }
    let appended = match conn {
        DbConnection::Postgres(pg) => run!(pg, sql("$")),
        DbConnection::Sqlite(sqlite) => run!(sqlite, sql("?")),
    }?;
    let org = template.organization_id;
    if !crate::webhooks::subscribed(conn, &[org.get()])?.is_empty() {
        crate::webhooks::fan_out_import(
            conn,
            org,
            import_id,
            first,
            last,
            template.action,
            template.occurred_at,
        )?;
    }
    Ok(appended)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub occurred_at: NaiveDateTime,
    pub action: Action,
    pub actor_type: ActorType,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub target_type: Option<TargetType>,
    pub target_id: Option<i64>,
    pub target_email: Option<String>,
    pub invitation_id: Option<i64>,
    pub import_id: Option<i64>,
    pub request_id: Option<String>,
    pub details: String,
}

/// Which events to read; every filter is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub actions: Vec<Action>,
    pub actor_type: Option<ActorType>,
    pub actor_id: Option<i64>,
    /// Folded (lower-case) address, matched exactly.
    pub target_email_folded: Option<String>,
    pub invitation_id: Option<i64>,
    pub import_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

macro_rules! filtered {
    ($org:expr, $f:expr) => {{
        let mut query = events::table
            .filter(events::organization_id.eq($org))
            .into_boxed();
        if !$f.actions.is_empty() {
            query = query.filter(events::action.eq_any($f.actions.clone()));
        }
        if let Some(kind) = $f.actor_type {
            query = query.filter(events::actor_type.eq(kind));
        }
        if let Some(id) = $f.actor_id {
            query = query.filter(events::actor_id.eq(id));
        }
        if let Some(email) = &$f.target_email_folded {
            // An invitation's events carry no folded address: they are found through it.
            let invitations_of = invitations::table
                .filter(invitations::organization_id.eq($org))
                .filter(invitations::email_folded.eq(email.clone()))
                .select(invitations::id.nullable());
            query = query.filter(
                events::target_email_folded
                    .eq(email.clone())
                    .or(events::invitation_id.eq_any(invitations_of)),
            );
        }
        if let Some(id) = $f.invitation_id {
            query = query.filter(events::invitation_id.eq(id));
        }
        if let Some(id) = $f.import_id {
            query = query.filter(events::import_id.eq(id));
        }
        if let Some(from) = $f.from {
            query = query.filter(events::occurred_at.ge(to_db(from)));
        }
        if let Some(to) = $f.to {
            query = query.filter(events::occurred_at.le(to_db(to)));
        }
        query
    }};
}

/// A page of the organization's events, newest first, and how many match.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &EventFilter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<EventRow>, i64)> {
    let total: i64 = filtered!(org, filter).count().get_result(conn)?;
    let rows = filtered!(org, filter)
        .order((events::occurred_at.desc(), events::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Every matching event, newest first, at most `limit` (for the CSV download).
pub fn all(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &EventFilter,
    limit: i64,
) -> StoreResult<Vec<EventRow>> {
    filtered!(org, filter)
        .order((events::occurred_at.desc(), events::id.desc()))
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)
}

/// An invitation's own events, oldest first (its timeline).
pub fn of_invitation(
    conn: &mut DbConnection,
    org: OrganizationId,
    invitation_id: i64,
) -> StoreResult<Vec<EventRow>> {
    events::table
        .filter(events::organization_id.eq(org))
        .filter(events::invitation_id.eq(invitation_id))
        .order((events::occurred_at.asc(), events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)
}

/// Deletes events older than `before`; answers how many.
pub fn delete_older_than(conn: &mut DbConnection, before: DateTime<Utc>) -> StoreResult<usize> {
    diesel::delete(events::table.filter(events::occurred_at.lt(to_db(before)))).execute(conn)
}
