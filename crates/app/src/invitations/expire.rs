//! Recording lapsed invitations as expired, once each.

use crate::context::Ctx;
use crate::error::AppResult;
use crate::events::Event;
use chrono::{DateTime, Utc};
use skillstream_domain::{Action, ImportId};
use skillstream_store::events::NewEvent;
use skillstream_store::invitations::{self as store, LapsedScope};
use skillstream_store::{write_transaction, DbConnection};

/// Records lapsed invitations as expired, each with its `invitation.expired` event (written
/// once: only the caller that changed the status gets the row back).
pub fn expire(conn: &mut DbConnection, ctx: &Ctx, scope: LapsedScope<'_>) -> AppResult<usize> {
    let lapsed = store::expire_lapsed(conn, scope, ctx.now)?;
    let system = Ctx::system("scheduler").at(ctx.now);
    let events: Vec<NewEvent> = lapsed
        .iter()
        .map(|row| {
            Event::new(&system, row.organization_id, Action::InvitationExpired)
                .invitation(row.id, &row.email)
                .import(row.import_id.map(ImportId))
                .into_row()
        })
        .collect();
    skillstream_store::events::append(conn, events)?;
    Ok(lapsed.len())
}

/// The scheduler's sweep: records up to `limit` lapsed invitations of any organization as
/// expired, in its own transaction. Safe with several instances: each is expired once.
pub fn expire_due(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> AppResult<usize> {
    let ctx = Ctx::system("scheduler").at(now);
    write_transaction(conn, |conn| expire(conn, &ctx, LapsedScope::Any(limit)))
}
