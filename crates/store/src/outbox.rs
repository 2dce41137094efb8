//! The transactional outbox: an email job is written in the same transaction that creates or
//! resends an invitation, so an invitation never exists without its email queued.

use crate::schema::{courses, email_outbox, invitation_courses, invitations, organizations};
use crate::stamp::Stamp;
use crate::{from_db, to_db, DbConnection};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{EmailKind, EmailStatus, InvitationId, OrganizationId};
use skillstream_domain::{Role, StoredStatus};
use std::collections::HashMap;

/// An email to queue. The link token is kept sealed until the email is sent.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_outbox, treat_none_as_default_value = false)]
pub struct NewEmail {
    pub organization_id: OrganizationId,
    pub invitation_id: InvitationId,
    pub recipient: String,
    pub sealed_token: Option<String>,
    pub status: EmailStatus,
    pub attempts: i32,
    pub next_attempt_at: Stamp,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub kind: EmailKind,
}

impl NewEmail {
    /// An email due now.
    pub fn queued(
        organization_id: OrganizationId,
        invitation_id: InvitationId,
        recipient: &str,
        sealed_token: String,
        now: DateTime<Utc>,
    ) -> Self {
        let at = Stamp::of(now);
        Self {
            organization_id,
            invitation_id,
            recipient: recipient.to_string(),
            sealed_token: Some(sealed_token),
            status: EmailStatus::Queued,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            updated_at: at,
            kind: EmailKind::Invitation,
        }
    }

    /// A reminder of a pending invitation, with its current link.
    pub fn reminder(
        organization_id: OrganizationId,
        invitation_id: InvitationId,
        recipient: &str,
        sealed_token: String,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            kind: EmailKind::Reminder,
            ..Self::queued(organization_id, invitation_id, recipient, sealed_token, now)
        }
    }

    /// To an admin: the holder of an expired link asks for a new invitation (no link inside).
    pub fn renewal_request(
        organization_id: OrganizationId,
        invitation_id: InvitationId,
        admin: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            kind: EmailKind::RenewalRequest,
            sealed_token: None,
            ..Self::queued(organization_id, invitation_id, admin, String::new(), now)
        }
    }
}

const EMAIL_COLUMNS: usize = 10;

/// Queues emails through the bulk writer (one or many).
pub fn enqueue(conn: &mut DbConnection, emails: Vec<NewEmail>) -> QueryResult<usize> {
    crate::bulk_write!(conn, email_outbox::table, emails, EMAIL_COLUMNS)
}

/// Queues the invitation email of each invitation an import's send wrote in this transaction
/// (ids `first..=last`), built by the database from the invitations themselves in one
/// statement: the same rows as [`NewEmail::queued`], in invitation order, without sending
/// every address and sealed link back in.
pub fn enqueue_for_import(
    conn: &mut DbConnection,
    organization_id: OrganizationId,
    import_id: i64,
    first: i64,
    last: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    use diesel::sql_types::{BigInt, Timestamp};
    // `$n` on PostgreSQL, `?n` on SQLite; the same statement otherwise.
    let sql = |p: &str| {
        format!(
            "INSERT INTO email_outbox (organization_id, invitation_id, recipient, sealed_token, status, \
               attempts, next_attempt_at, created_at, updated_at, kind) \
             SELECT organization_id, id, email, sealed_token, 'queued', 0, {p}1, {p}1, {p}1, 'invitation' \
             FROM invitations WHERE id >= {p}2 AND id <= {p}3 AND import_id = {p}4 AND organization_id = {p}5 \
             ORDER BY id"
        )
    };
    let at = Stamp::of(now);
    macro_rules! run {
        ($conn:expr, $sql:expr) => {
            diesel::sql_query($sql)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(first)
                .bind::<BigInt, _>(last)
                .bind::<BigInt, _>(import_id)
                .bind::<BigInt, _>(organization_id)
                .execute($conn)
        };
    }
    match conn {
        DbConnection::Postgres(pg) => run!(pg, sql("$")),
        DbConnection::Sqlite(sqlite) => run!(sqlite, sql("?")),
    }
}

/// Withdraws emails of the invitation that have not gone out yet (its link no longer works),
/// and wipes their sealed tokens. Requests to admins about it stay. An email a worker is sending at this very moment may still
/// go out with the old, now dead, link; the worker's outcome does not revive a withdrawn row.
pub fn supersede_unsent(
    conn: &mut DbConnection,
    invitation_id: InvitationId,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    supersede_unsent_many(conn, &[invitation_id], now)
}

/// [`supersede_unsent`] for many invitations at once.
pub fn supersede_unsent_many(
    conn: &mut DbConnection,
    ids: &[InvitationId],
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut changed = 0;
    for chunk in ids.chunks(crate::invitations::CHUNK) {
        changed += diesel::update(
            email_outbox::table
                .filter(email_outbox::invitation_id.eq_any(chunk))
                .filter(email_outbox::status.eq_any(EmailStatus::UNSENT))
                .filter(email_outbox::kind.ne(EmailKind::RenewalRequest)),
        )
        .set((
            email_outbox::status.eq(EmailStatus::Superseded),
            email_outbox::sealed_token.eq(None::<String>),
            email_outbox::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    }
    Ok(changed)
}

/// An email the worker has claimed: it is `sending` under a lease until `locked_until`.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedEmail {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub invitation_id: InvitationId,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub organization_id: OrganizationId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub recipient: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub sealed_token: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: EmailKind,
}

/// Claims up to `limit` due emails — queued ones whose time has come, and `sending` ones whose
/// lease ran out (their worker died) — marking them `sending` until `lease_until`.
/// PostgreSQL skips rows another instance holds (`FOR UPDATE SKIP LOCKED`), so no email is
/// claimed twice; SQLite has one writer at a time, and the caller's `BEGIN IMMEDIATE` makes the
/// select-and-update atomic.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<ClaimedEmail>> {
    use diesel::sql_types::{BigInt, Timestamp};
    const RETURNING: &str =
        "RETURNING id, invitation_id, organization_id, recipient, sealed_token, attempts, kind";
    let (now, lease_until) = (to_db(now), to_db(lease_until));
    // The states' stored names, inlined as literals so the planner sees them as before.
    let (queued, sending) = (EmailStatus::Queued.as_str(), EmailStatus::Sending.as_str());
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(format!(
            "UPDATE email_outbox SET status = '{sending}', attempts = attempts + 1, locked_until = $1, updated_at = $2 \
             WHERE id IN (SELECT id FROM email_outbox \
                 WHERE (status = '{queued}' AND next_attempt_at <= $2) OR (status = '{sending}' AND locked_until < $2) \
                 ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(pg),
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "UPDATE email_outbox SET status = '{sending}', attempts = attempts + 1, locked_until = ?1, updated_at = ?2 \
             WHERE id IN (SELECT id FROM email_outbox \
                 WHERE (status = '{queued}' AND next_attempt_at <= ?2) OR (status = '{sending}' AND locked_until < ?2) \
                 ORDER BY next_attempt_at, id LIMIT ?3) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(sqlite),
    }
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A transient failure: try again at the given time.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// A permanent failure, or the attempts ran out.
    Failed {
        error: String,
    },
    /// The invitation was resent, cancelled or accepted meanwhile: this email must not go out.
    Superseded,
    /// Not attempted (the instance is shutting down): back to the queue for any instance.
    Released,
}

/// Records outcomes. Only rows still `sending` are touched, so a row a resend withdrew stays
/// withdrawn. Sent and finished rows lose their sealed token.
pub fn record(
    conn: &mut DbConnection,
    outcomes: &[(i64, Outcome)],
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let at = to_db(now);
    let mut recorded = 0;
    for (id, outcome) in outcomes {
        let row = email_outbox::table
            .find(*id)
            .filter(email_outbox::status.eq(EmailStatus::Sending));
        recorded += match outcome {
            Outcome::Sent => diesel::update(row)
                .set((
                    email_outbox::status.eq(EmailStatus::Sent),
                    email_outbox::sent_at.eq(at),
                    email_outbox::sealed_token.eq(None::<String>),
                    email_outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    email_outbox::last_error.eq(None::<String>),
                    email_outbox::updated_at.eq(at),
                ))
                .execute(conn)?,
            Outcome::Retry { at: next, error } => diesel::update(row)
                .set((
                    email_outbox::status.eq(EmailStatus::Queued),
                    email_outbox::next_attempt_at.eq(to_db(*next)),
                    email_outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    email_outbox::last_error.eq(error),
                    email_outbox::updated_at.eq(at),
                ))
                .execute(conn)?,
            Outcome::Failed { error } => diesel::update(row)
                .set((
                    email_outbox::status.eq(EmailStatus::Failed),
                    email_outbox::sealed_token.eq(None::<String>),
                    email_outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    email_outbox::last_error.eq(error),
                    email_outbox::updated_at.eq(at),
                ))
                .execute(conn)?,
            Outcome::Released => diesel::update(row)
                .set((
                    email_outbox::status.eq(EmailStatus::Queued),
                    email_outbox::attempts.eq(email_outbox::attempts - 1),
                    email_outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    email_outbox::updated_at.eq(at),
                ))
                .execute(conn)?,
            Outcome::Superseded => diesel::update(row)
                .set((
                    email_outbox::status.eq(EmailStatus::Superseded),
                    email_outbox::sealed_token.eq(None::<String>),
                    email_outbox::locked_until.eq(None::<chrono::NaiveDateTime>),
                    email_outbox::updated_at.eq(at),
                ))
                .execute(conn)?,
        };
    }
    Ok(recorded)
}

/// Emails waiting to go out and the age of the oldest, for metrics and health.
pub fn backlog(conn: &mut DbConnection) -> QueryResult<(i64, Option<chrono::NaiveDateTime>)> {
    let depth: i64 = email_outbox::table
        .filter(email_outbox::status.eq_any(EmailStatus::UNSENT))
        .count()
        .get_result(conn)?;
    let oldest: Option<chrono::NaiveDateTime> = email_outbox::table
        .filter(email_outbox::status.eq_any(EmailStatus::UNSENT))
        .select(diesel::dsl::min(email_outbox::created_at))
        .first(conn)?;
    Ok((depth, oldest))
}

/// What an invitation email says, read for a batch of claimed emails.
#[derive(Debug, Clone)]
pub struct EmailContext {
    /// The invitee's address.
    pub email: String,
    pub status: StoredStatus,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub organization: String,
    pub sso_enforced: bool,
    /// The inviter's name (or address); none when the inviter is gone.
    pub inviter: Option<String>,
    pub courses: Vec<String>,
}

/// Loads what the claimed emails need in five queries, whatever their number.
pub fn contexts(
    conn: &mut DbConnection,
    claimed: &[ClaimedEmail],
) -> QueryResult<HashMap<InvitationId, EmailContext>> {
    let ids: Vec<InvitationId> = claimed.iter().map(|c| c.invitation_id).collect();
    type Row = (
        InvitationId,
        StoredStatus,
        Option<String>,
        Option<String>,
        Role,
        chrono::NaiveDateTime,
        i64,
        Option<i64>,
        String,
    );
    let rows: Vec<Row> = invitations::table
        .filter(invitations::id.eq_any(&ids))
        .select((
            invitations::id,
            invitations::status,
            invitations::first_name,
            invitations::last_name,
            invitations::role,
            invitations::expires_at,
            invitations::organization_id,
            invitations::invited_by,
            invitations::email,
        ))
        .load(conn)?;
    let org_ids: Vec<i64> = rows.iter().map(|r| r.6).collect();
    let inviter_ids: Vec<i64> = rows.iter().filter_map(|r| r.7).collect();
    let orgs: HashMap<i64, (String, bool)> = organizations::table
        .filter(organizations::id.eq_any(&org_ids))
        .select((
            organizations::id,
            organizations::name,
            organizations::sso_enforced,
        ))
        .load::<(i64, String, bool)>(conn)?
        .into_iter()
        .map(|(id, name, sso)| (id, (name, sso)))
        .collect();
    let inviters: HashMap<i64, String> = crate::members::display_names(conn, &inviter_ids)?
        .into_iter()
        .map(|(id, (email, name))| (id, name.unwrap_or(email)))
        .collect();
    let mut course_titles: HashMap<InvitationId, Vec<String>> = HashMap::new();
    for (invitation_id, title) in invitation_courses::table
        .inner_join(courses::table)
        .filter(invitation_courses::invitation_id.eq_any(&ids))
        .order(courses::title.asc())
        .select((invitation_courses::invitation_id, courses::title))
        .load::<(InvitationId, String)>(conn)?
    {
        course_titles.entry(invitation_id).or_default().push(title);
    }
    Ok(rows
        .into_iter()
        .map(
            |(id, status, first_name, last_name, role, expires_at, org, inviter, email)| {
                let (organization, sso_enforced) = orgs.get(&org).cloned().unwrap_or_default();
                let context = EmailContext {
                    email,
                    status,
                    first_name,
                    last_name,
                    role,
                    expires_at: from_db(expires_at),
                    organization,
                    sso_enforced,
                    inviter: inviter.and_then(|i| inviters.get(&i).cloned()),
                    courses: course_titles.remove(&id).unwrap_or_default(),
                };
                (id, context)
            },
        )
        .collect())
}
