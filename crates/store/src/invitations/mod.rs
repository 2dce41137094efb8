//! The invitations aggregate: rows, their pre-assigned courses, retired link tokens, and the
//! state changes the use cases make. Every query of an admin's invitation is scoped to the
//! organization. The admin list's reads are in `list`, the scheduler's and lifecycle's in
//! `lifecycle`.

mod lifecycle;
mod list;

pub use lifecycle::*;
pub use list::*;

use crate::schema::{invitation_courses, invitation_retired_tokens, invitations};
use crate::stamp::Stamp;
use crate::{from_db, to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{InvitationId, MemberId, OrganizationId, Role, StoredStatus};

/// The stored columns of an invitation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub email_folded: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub status: StoredStatus,
    pub expires_at: NaiveDateTime,
    pub invited_by: Option<i64>,
    pub sent_at: NaiveDateTime,
    pub send_count: i32,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_user_id: Option<i64>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub import_id: Option<i64>,
    /// When a scheduled invitation is to be sent; `None` once sent.
    pub send_at: Option<NaiveDateTime>,
    pub reminders_enabled: bool,
    pub reminders_sent: i32,
    pub last_reminded_at: Option<NaiveDateTime>,
    pub next_reminder_at: Option<NaiveDateTime>,
    /// When the holder of the expired link asked admins for a new invitation (`ask_admin`).
    pub renewal_requested_at: Option<NaiveDateTime>,
}

impl InvitationRow {
    /// The rules' view of this row.
    pub fn rules(&self) -> skillstream_domain::Invitation {
        skillstream_domain::Invitation {
            stored: self.status,
            expires_at: from_db(self.expires_at),
            scheduled: self.send_at.is_some(),
        }
    }
}

/// One invitation of the organization; another organization's id is `None`.
pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> StoreResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::id.eq(id))
        .filter(invitations::organization_id.eq(org))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The invitation whose current link has this token hash.
pub fn find_by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// Ends the grace of the invitation's earlier replaced links: only the link just replaced keeps
/// working after a resend.
pub fn end_grace(conn: &mut DbConnection, id: InvitationId, now: DateTime<Utc>) -> StoreResult<()> {
    end_grace_many(conn, &[id], now)
}

/// The invitation a replaced link still opens at `now` (within its resend grace), if any.
pub fn in_grace(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<InvitationRow>> {
    invitation_retired_tokens::table
        .inner_join(invitations::table)
        .filter(invitation_retired_tokens::token_hash.eq(token_hash))
        .filter(invitation_retired_tokens::usable_until.gt(to_db(now)))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// For a link replaced by a resend: who sent its invitation (`Some(None)` when unknown).
pub fn retired_token_inviter(
    conn: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<Option<i64>>> {
    invitation_retired_tokens::table
        .inner_join(invitations::table)
        .filter(invitation_retired_tokens::token_hash.eq(token_hash))
        .select(invitations::invited_by)
        .first::<Option<i64>>(conn)
        .optional()
}

/// The organization's pending invitation to this (folded) address, with its expiry.
pub fn pending_for(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> StoreResult<Option<(InvitationId, DateTime<Utc>)>> {
    Ok(invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::email_folded.eq(folded))
        .filter(invitations::status.eq(StoredStatus::Pending))
        .select((invitations::id, invitations::expires_at))
        .first::<(InvitationId, NaiveDateTime)>(conn)
        .optional()?
        .map(|(id, at)| (id, from_db(at))))
}

/// The organization's pending invitation to this (folded) address, whole.
pub fn pending_row_for(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> StoreResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::email_folded.eq(folded))
        .filter(invitations::status.eq(StoredStatus::Pending))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// The folded addresses of the organization's pending invitations.
pub fn pending_addresses(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<Vec<String>> {
    invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::status.eq(StoredStatus::Pending))
        .select(invitations::email_folded)
        .load(conn)
}

/// An invitation whose link lapsed and which was just recorded as expired.
#[derive(Debug, Clone, Queryable)]
pub struct Lapsed {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub email_folded: String,
    pub import_id: Option<i64>,
}

/// Which lapsed invitations to record as expired.
#[derive(Debug, Clone, Copy)]
pub enum LapsedScope<'a> {
    /// Up to this many, of any organization (the scheduler).
    Any(i64),
    Organization(OrganizationId),
    Address(OrganizationId, &'a str),
}

/// Records pending invitations whose link lapsed as `expired` and answers them. The status
/// changes from pending once, whoever runs this: each lapsed invitation is answered to exactly
/// one caller, which writes its `invitation.expired` event.
pub fn expire_lapsed(
    conn: &mut DbConnection,
    scope: LapsedScope<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Lapsed>> {
    let at = to_db(now);
    // The status as a literal, so PostgreSQL's plan (even a generic one) uses the partial
    // index of pending expiries: the scheduler asks this every tick.
    let due = invitations::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "invitations.status = 'pending'",
        ))
        .filter(invitations::expires_at.le(at))
        .filter(invitations::send_at.is_null())
        .select(invitations::id)
        .into_boxed();
    let due = match scope {
        LapsedScope::Any(limit) => due.order(invitations::expires_at.asc()).limit(limit),
        LapsedScope::Organization(org) => due.filter(invitations::organization_id.eq(org)),
        LapsedScope::Address(org, folded) => due
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::email_folded.eq(folded.to_string())),
    };
    let ids: Vec<InvitationId> = due.load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(
        invitations::table
            .filter(invitations::id.eq_any(&ids))
            .filter(invitations::status.eq(StoredStatus::Pending)),
    )
    .set((
        invitations::status.eq(StoredStatus::Expired),
        invitations::updated_at.eq(at),
        invitations::sealed_token.eq(None::<String>),
        invitations::next_reminder_at.eq(None::<NaiveDateTime>),
    ))
    .returning((
        invitations::id,
        invitations::organization_id,
        invitations::email,
        invitations::email_folded,
        invitations::import_id,
    ))
    .get_results(conn)
}

/// A new invitation. Every column is given, as the bulk writer needs (timestamps as [`Stamp`]); the id is reserved up
/// front so outbox rows and events can be built without reading the invitations back.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invitations, treat_none_as_default_value = false)]
pub struct NewInvitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub email_folded: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub status: StoredStatus,
    pub expires_at: Stamp,
    pub invited_by: Option<i64>,
    pub sent_at: Stamp,
    pub send_count: i32,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub import_id: Option<i64>,
    /// A scheduled invitation's send time (`None`: sent now).
    pub send_at: Option<Stamp>,
    /// The link token sealed with the server's key, kept until the invitation ends.
    pub sealed_token: Option<String>,
    pub next_reminder_at: Option<Stamp>,
}

const INVITATION_COLUMNS: usize = 21;

/// Writes invitations through the bulk writer. One invitation is written in a savepoint, so a
/// unique violation (the address invited meanwhile) leaves the caller's transaction usable on
/// PostgreSQL to look up the invitation it collided with. Many are not: a savepoint around
/// 100,000 rows makes SQLite journal every page they touch a second time, and a violation
/// there ends the whole send anyway.
pub fn insert(conn: &mut DbConnection, rows: Vec<NewInvitation>) -> StoreResult<usize> {
    if rows.len() == 1 {
        return conn.transaction(|conn| {
            crate::bulk_write!(conn, invitations::table, rows, INVITATION_COLUMNS)
        });
    }
    crate::bulk_write!(conn, invitations::table, rows, INVITATION_COLUMNS)
}

#[derive(QueryableByName)]
struct ReservedId {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Ids for `n` new invitations. PostgreSQL draws them from the sequence (concurrent writers
/// get other values); SQLite continues after the highest id ever used, which is safe because
/// the caller holds the write lock (`write_transaction`).
pub fn reserve_ids(conn: &mut DbConnection, n: usize) -> StoreResult<Vec<InvitationId>> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let ids: Vec<i64> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "SELECT nextval(pg_get_serial_sequence('invitations', 'id')) AS id FROM generate_series(1, $1)",
        )
        .bind::<diesel::sql_types::BigInt, _>(n)
        .load::<ReservedId>(pg)?
        .into_iter()
        .map(|r| r.id)
        .collect(),
        DbConnection::Sqlite(sqlite) => {
            let last = diesel::sql_query(
                "SELECT COALESCE(MAX(id), 0) AS id FROM (SELECT MAX(id) AS id FROM invitations \
                 UNION ALL SELECT seq AS id FROM sqlite_sequence WHERE name = 'invitations')",
            )
            .get_result::<ReservedId>(sqlite)?
            .id;
            (last + 1..=last + n).collect()
        }
    };
    Ok(ids.into_iter().map(InvitationId).collect())
}

/// Pre-assigns courses to a new invitation.
pub fn add_courses(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
    course_ids: &[i64],
) -> StoreResult<()> {
    for course_id in course_ids {
        diesel::insert_into(invitation_courses::table)
            .values((
                invitation_courses::organization_id.eq(org),
                invitation_courses::invitation_id.eq(id),
                invitation_courses::course_id.eq(course_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn course_ids(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> StoreResult<Vec<i64>> {
    invitation_courses::table
        .filter(invitation_courses::invitation_id.eq(id))
        .filter(invitation_courses::organization_id.eq(org))
        .select(invitation_courses::course_id)
        .load(conn)
}

/// A resend's new link and times.
#[derive(Debug, Clone)]
pub struct Resend<'a> {
    pub token_hash: &'a str,
    pub sealed_token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub next_reminder_at: Option<DateTime<Utc>>,
}

/// A resend: the new link's hash, a fresh expiry, pending again, reminders counted afresh and a
/// renewal request answered. In a savepoint: reviving an expired invitation collides with a
/// newer pending one on the unique index.
pub fn mark_resent(
    conn: &mut DbConnection,
    id: InvitationId,
    resend: &Resend<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.transaction(|conn| set_resent(conn, id, resend, to_db(now)))
}

/// The columns a resend changes.
fn set_resent(
    conn: &mut DbConnection,
    id: InvitationId,
    resend: &Resend<'_>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            (
                invitations::token_hash.eq(resend.token_hash),
                invitations::sealed_token.eq(resend.sealed_token),
                invitations::status.eq(StoredStatus::Pending),
                invitations::expires_at.eq(to_db(resend.expires_at)),
                invitations::sent_at.eq(at),
                invitations::send_count.eq(invitations::send_count + 1),
                invitations::updated_at.eq(at),
            ),
            (
                invitations::reminders_sent.eq(0),
                invitations::last_reminded_at.eq(None::<NaiveDateTime>),
                invitations::next_reminder_at.eq(resend.next_reminder_at.map(to_db)),
                invitations::renewal_requested_at.eq(None::<NaiveDateTime>),
            ),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Many resends at once (a bulk action), one statement each, in the caller's transaction and
/// without savepoints: the caller has left out invitations whose revival would collide with a
/// newer pending one (a concurrent collision fails the whole action).
pub fn mark_resent_many(
    conn: &mut DbConnection,
    resends: &[(InvitationId, Resend<'_>)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    for (id, resend) in resends {
        set_resent(conn, *id, resend, at)?;
    }
    Ok(())
}

/// Ends the grace of every earlier replaced link of these invitations (see [`end_grace`]).
pub fn end_grace_many(
    conn: &mut DbConnection,
    ids: &[InvitationId],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    for chunk in ids.chunks(CHUNK) {
        diesel::update(
            invitation_retired_tokens::table
                .filter(invitation_retired_tokens::invitation_id.eq_any(chunk))
                .filter(invitation_retired_tokens::usable_until.gt(at)),
        )
        .set(invitation_retired_tokens::usable_until.eq(at))
        .execute(conn)?;
    }
    Ok(())
}

/// A replaced link to keep: its hash, its invitation, until when it still opens it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invitation_retired_tokens, treat_none_as_default_value = false)]
pub struct RetiredToken {
    pub token_hash: String,
    pub invitation_id: InvitationId,
    pub retired_at: crate::stamp::Stamp,
    pub usable_until: Option<crate::stamp::Stamp>,
    pub organization_id: OrganizationId,
}

/// Keeps many replaced links through the bulk writer.
pub fn retire_tokens(conn: &mut DbConnection, tokens: Vec<RetiredToken>) -> StoreResult<usize> {
    crate::bulk_write!(conn, invitation_retired_tokens::table, tokens, 5)
}

/// Cancels many invitations at once (their rules were checked by the caller).
pub fn mark_cancelled_many(
    conn: &mut DbConnection,
    ids: &[InvitationId],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let at = to_db(now);
    for chunk in ids.chunks(CHUNK) {
        diesel::update(invitations::table.filter(invitations::id.eq_any(chunk)))
            .set((
                invitations::status.eq(StoredStatus::Cancelled),
                invitations::cancelled_at.eq(at),
                invitations::updated_at.eq(at),
                invitations::sealed_token.eq(None::<String>),
                invitations::next_reminder_at.eq(None::<NaiveDateTime>),
                invitations::send_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Ids per `IN (...)` list: far under SQLite's bind limit.
pub const CHUNK: usize = 5_000;

/// Keeps the hash of a replaced link, so it answers "superseded" rather than "not found"; until
/// `usable_until` (the resend grace) it still opens its invitation.
pub fn retire_token(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
    token_hash: &str,
    now: DateTime<Utc>,
    usable_until: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    diesel::insert_into(invitation_retired_tokens::table)
        .values((
            invitation_retired_tokens::organization_id.eq(org),
            invitation_retired_tokens::token_hash.eq(token_hash),
            invitation_retired_tokens::invitation_id.eq(id),
            invitation_retired_tokens::retired_at.eq(to_db(now)),
            invitation_retired_tokens::usable_until.eq(usable_until.map(to_db)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn mark_cancelled(
    conn: &mut DbConnection,
    id: InvitationId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    mark_cancelled_many(conn, &[id], now)
}

/// Moves a pending, unexpired invitation to accepted. Answers false when it was not pending
/// any more (another acceptance won): the status changes from pending only once.
pub fn claim_acceptance(
    conn: &mut DbConnection,
    id: InvitationId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let at = to_db(now);
    let claimed = diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::status.eq(StoredStatus::Pending))
            .filter(invitations::send_at.is_null())
            .filter(invitations::expires_at.gt(at)),
    )
    .set((
        invitations::status.eq(StoredStatus::Accepted),
        invitations::accepted_at.eq(at),
        invitations::updated_at.eq(at),
        invitations::sealed_token.eq(None::<String>),
        invitations::next_reminder_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

pub fn set_accepted_member(
    conn: &mut DbConnection,
    id: InvitationId,
    member: MemberId,
) -> StoreResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::accepted_user_id.eq(member))
        .execute(conn)
        .map(|_| ())
}

/// Clears a deleted department or group from the invitations that named it (they have no
/// foreign key: see the migration).
pub fn clear_department(conn: &mut DbConnection, org: OrganizationId, id: i64) -> StoreResult<()> {
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::department_id.eq(id)),
    )
    .set(invitations::department_id.eq(None::<i64>))
    .execute(conn)
    .map(|_| ())
}

pub fn clear_group(conn: &mut DbConnection, org: OrganizationId, id: i64) -> StoreResult<()> {
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::group_id.eq(id)),
    )
    .set(invitations::group_id.eq(None::<i64>))
    .execute(conn)
    .map(|_| ())
}

/// Changes a pending invitation's names and department (an identity provider updated the
/// person before they accepted).
pub fn set_person(
    conn: &mut DbConnection,
    id: InvitationId,
    first_name: Option<&str>,
    last_name: Option<&str>,
    department_id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::first_name.eq(first_name),
            invitations::last_name.eq(last_name),
            invitations::department_id.eq(department_id),
            invitations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
}
