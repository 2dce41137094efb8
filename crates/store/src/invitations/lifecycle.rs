//! The lifecycle after the first email: scheduled sends, reminders, renewal requests, seats, and
//! the sealed link kept while an invitation is pending (copy link, reminders).

use crate::schema::{invitations, organizations, users};
use crate::{from_db, to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{InvitationId, MemberStatus, OrganizationId, StoredStatus};

/// The sealed link token of a pending invitation (kept until it ends), if it has one.
pub fn sealed_token(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> StoreResult<Option<String>> {
    Ok(invitations::table
        .filter(invitations::id.eq(id))
        .filter(invitations::organization_id.eq(org))
        .select(invitations::sealed_token)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// A scheduled invitation's new send time (and the expiry that follows from it).
pub fn reschedule(
    conn: &mut DbConnection,
    id: InvitationId,
    send_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::send_at.eq(to_db(send_at)),
            invitations::expires_at.eq(to_db(expires_at)),
            invitations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Turns reminders of one invitation on or off (off also drops the next one).
pub fn set_reminders(
    conn: &mut DbConnection,
    id: InvitationId,
    enabled: bool,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::reminders_enabled.eq(enabled),
            invitations::next_reminder_at.eq(next.map(to_db)),
            invitations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// An invitation the scheduler picked because something about it is due.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub sealed_token: Option<String>,
    pub import_id: Option<i64>,
    pub reminders_sent: i32,
}

type DueColumns = (
    invitations::id,
    invitations::organization_id,
    invitations::email,
    invitations::sealed_token,
    invitations::import_id,
    invitations::reminders_sent,
);

const DUE_COLUMNS: DueColumns = (
    invitations::id,
    invitations::organization_id,
    invitations::email,
    invitations::sealed_token,
    invitations::import_id,
    invitations::reminders_sent,
);

/// Locks the due rows for this transaction. PostgreSQL skips rows another instance's
/// scheduler holds (`FOR UPDATE SKIP LOCKED`), so each due item is handled once; SQLite has
/// one writer at a time and the caller's `BEGIN IMMEDIATE` transaction is it.
macro_rules! lock_due {
    ($conn:expr, $query:expr) => {
        match $conn {
            DbConnection::Postgres(pg) => $query.for_update().skip_locked().load::<Due>(pg),
            DbConnection::Sqlite(sqlite) => $query.load::<Due>(sqlite),
        }
    };
}

/// Up to `limit` scheduled invitations whose send time has come, locked for the caller's
/// transaction (each is sent by one instance).
pub fn due_scheduled(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<Due>> {
    let query = invitations::table
        .filter(invitations::send_at.le(to_db(now)))
        .filter(invitations::status.eq(StoredStatus::Pending))
        .order(invitations::send_at.asc())
        .limit(limit)
        .select(DUE_COLUMNS);
    lock_due!(conn, query)
}

/// Records the real send of a scheduled invitation: it is pending from now, lapsing at
/// `expires_at`, with its first reminder at `next_reminder_at`.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: InvitationId,
    expires_at: DateTime<Utc>,
    next_reminder_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    diesel::update(invitations::table.find(id))
        .set((
            invitations::send_at.eq(None::<NaiveDateTime>),
            invitations::sent_at.eq(at),
            invitations::expires_at.eq(to_db(expires_at)),
            invitations::next_reminder_at.eq(next_reminder_at.map(to_db)),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Up to `limit` pending invitations whose next reminder is due, locked for the caller's
/// transaction (each reminder goes out once, whichever instance runs).
pub fn due_reminders(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<Due>> {
    let query = invitations::table
        .filter(invitations::next_reminder_at.le(to_db(now)))
        .order(invitations::next_reminder_at.asc())
        .limit(limit)
        .select(DUE_COLUMNS);
    lock_due!(conn, query)
}

/// What places an invitation's next reminder: id, sent, expires, reminders on, status.
pub type ReminderState = (
    InvitationId,
    DateTime<Utc>,
    DateTime<Utc>,
    bool,
    StoredStatus,
);

/// The send and expiry of invitations, to place their next reminder.
pub fn sent_and_expiry(
    conn: &mut DbConnection,
    ids: &[InvitationId],
) -> StoreResult<Vec<ReminderState>> {
    Ok(invitations::table
        .filter(invitations::id.eq_any(ids))
        .select((
            invitations::id,
            invitations::sent_at,
            invitations::expires_at,
            invitations::reminders_enabled,
            invitations::status,
        ))
        .load::<(
            InvitationId,
            NaiveDateTime,
            NaiveDateTime,
            bool,
            StoredStatus,
        )>(conn)?
        .into_iter()
        .map(|(id, sent, expires, enabled, status)| {
            (id, from_db(sent), from_db(expires), enabled, status)
        })
        .collect())
}

/// Records a reminder sent at `now` (or, with `sent` false, one dropped) and the next one.
pub fn mark_reminded(
    conn: &mut DbConnection,
    id: InvitationId,
    sent: bool,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    let next = invitations::next_reminder_at.eq(next.map(to_db));
    let update = diesel::update(invitations::table.find(id));
    if sent {
        update
            .set((
                next,
                invitations::reminders_sent.eq(invitations::reminders_sent + 1),
                invitations::last_reminded_at.eq(at),
            ))
            .execute(conn)
            .map(|_| ())
    } else {
        update.set(next).execute(conn).map(|_| ())
    }
}

/// No more reminders for this invitation (its email failed for good).
pub fn stop_reminders(conn: &mut DbConnection, id: InvitationId) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::next_reminder_at.eq(None::<NaiveDateTime>))
        .execute(conn)
        .map(|_| ())
}

/// Records that the holder of the expired link asked for a new invitation.
pub fn request_renewal(
    conn: &mut DbConnection,
    id: InvitationId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::renewal_requested_at.eq(to_db(now)))
        .execute(conn)
        .map(|_| ())
}

/// Serializes the seat checks of one organization until the caller's transaction ends: on
/// PostgreSQL a row lock on the organization (two parallel sends cannot both see the last free
/// seat); SQLite's `BEGIN IMMEDIATE` already admits one writer at a time.
pub fn lock_seats(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        organizations::table
            .find(org)
            .select(organizations::id)
            .for_update()
            .first::<OrganizationId>(pg)
            .optional()?;
    }
    Ok(())
}

/// The organization's active members.
pub fn active_members(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<i64> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::status.eq(MemberStatus::Active))
        .count()
        .get_result(conn)
}

/// Seats taken at `now`: active members, plus pending invitations that have not lapsed and
/// scheduled ones.
pub fn seats_taken(
    conn: &mut DbConnection,
    org: OrganizationId,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let members = active_members(conn, org)?;
    let invited: i64 = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::status.eq(StoredStatus::Pending))
        .filter(
            invitations::expires_at
                .gt(to_db(now))
                .or(invitations::send_at.is_not_null()),
        )
        .count()
        .get_result(conn)?;
    Ok(members + invited)
}
