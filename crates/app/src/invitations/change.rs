//! An admin's changes to a sent invitation: resend and cancel.

use super::validate::{pending_conflict, refuse_member};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::tokens::{hash_token, new_link_token, Sealer};
use skillstream_domain::{Action, ImportId, InvitationId, OrganizationId};
use skillstream_store::invitations::{self as store, InvitationRow};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::{is_unique_violation, organizations};
use skillstream_store::{write_transaction, DbConnection};

fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> AppResult<InvitationRow> {
    store::find(conn, org, id)?.ok_or_else(|| AppError::not_found("Invitation"))
}

/// Resend: a new link (the old one answers "superseded"), a fresh expiry, the email again.
pub fn resend(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        // One read for the lifetime and the resend grace.
        let settings = organizations::settings(conn, org)?;
        let ttl = skillstream_domain::InvitationTtl::from_days(settings.invitation_ttl_days)
            .unwrap_or_default();
        let resent = row
            .rules()
            .resend(ctx.now, ttl)
            .map_err(AppError::invitation_state)?;
        refuse_member(conn, org, &row.email_folded, &row.email)?;
        let token = new_link_token();
        if let Err(e) =
            store::mark_resent(conn, id, &hash_token(&token), resent.expires_at, ctx.now)
        {
            if !is_unique_violation(&e) {
                return Err(e.into());
            }
            return Err(pending_conflict(conn, org, &row.email_folded, &row.email)?);
        }
        // The replaced link keeps working for the organization's resend grace; links replaced
        // before it stop now.
        store::end_grace(conn, id, ctx.now)?;
        let grace = settings.resend_grace_hours;
        let usable_until = (grace > 0).then(|| ctx.now + chrono::Duration::hours(grace));
        store::retire_token(conn, id, &row.token_hash, ctx.now, usable_until)?;
        outbox::supersede_unsent(conn, id, ctx.now)?;
        let sealed = Sealer::new(&ctx.seal_secret).seal(&token);
        outbox::enqueue(
            conn,
            vec![NewEmail::queued(org, id, &row.email, sealed, ctx.now)],
        )?;
        let event = Event::new(ctx, org, Action::InvitationResent)
            .invitation(id, &row.email)
            .import(row.import_id.map(ImportId))
            .details(details! { "send_count": row.send_count + 1 });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}

/// Cancel: the link stops working; the invitation stays as history.
pub fn cancel(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        row.rules()
            .cancel(ctx.now)
            .map_err(AppError::invitation_state)?;
        store::mark_cancelled(conn, id, ctx.now)?;
        outbox::supersede_unsent(conn, id, ctx.now)?;
        let event = Event::new(ctx, org, Action::InvitationCancelled)
            .invitation(id, &row.email)
            .import(row.import_id.map(ImportId));
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}
