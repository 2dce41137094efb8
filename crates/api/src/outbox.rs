//! The transactional outbox: an email job is written in the same transaction that creates or
//! resends an invitation, so an invitation never exists without its email queued.

use crate::db::schema::email_outbox;
use crate::db::{to_db, DbConnection};
use crate::tokens::seal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Queues the invitation email. The link token is kept sealed until the email is sent.
pub fn enqueue_invitation_email(
    conn: &mut DbConnection,
    organization_id: i64,
    invitation_id: i64,
    recipient: &str,
    token: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    let at = to_db(now);
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::organization_id.eq(organization_id),
            email_outbox::invitation_id.eq(invitation_id),
            email_outbox::recipient.eq(recipient),
            email_outbox::sealed_token.eq(seal(secret, token)),
            email_outbox::status.eq("queued"),
            email_outbox::attempts.eq(0),
            email_outbox::next_attempt_at.eq(at),
            email_outbox::created_at.eq(at),
            email_outbox::updated_at.eq(at),
        ))
        .returning(email_outbox::id)
        .get_result(conn)
}

/// Withdraws emails of the invitation that have not gone out yet (its link no longer works),
/// and wipes their sealed tokens.
pub fn supersede_unsent(
    conn: &mut DbConnection,
    invitation_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        email_outbox::table
            .filter(email_outbox::invitation_id.eq(invitation_id))
            .filter(email_outbox::status.eq("queued")),
    )
    .set((
        email_outbox::status.eq("superseded"),
        email_outbox::sealed_token.eq(None::<String>),
        email_outbox::updated_at.eq(to_db(now)),
    ))
    .execute(conn)
}
