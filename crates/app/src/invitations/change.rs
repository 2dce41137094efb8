//! An admin's changes to a sent invitation: resend and cancel.

use super::validate::{pending_conflict, refuse_member};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::tokens::{hash_token, new_link_token, Sealer};
use skillstream_domain::settings::OrganizationSettings;
use skillstream_domain::{Action, ImportId, InvitationId, InvitationTtl, OrganizationId};
use skillstream_store::invitations::{self as store, InvitationRow, Resend};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::{is_unique_violation, organizations};
use skillstream_store::{write_transaction, DbConnection};

pub(super) fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: InvitationId,
) -> AppResult<InvitationRow> {
    store::find(conn, org, id)?.ok_or_else(|| AppError::not_found("Invitation"))
}

/// Resend: a new link (the old one answers "superseded" once its grace is over), a fresh
/// expiry, reminders counted afresh, the email again.
pub fn resend(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let settings = organizations::settings(conn, org)?;
        resend_row(conn, ctx, &row, &settings, None)
    })
}

/// Resends one invitation of a transaction the caller owns, with the organization's settings
/// read once. `reason` goes into the event's details (`renewal` when the link holder asked).
pub(crate) fn resend_row(
    conn: &mut DbConnection,
    ctx: &Ctx,
    row: &InvitationRow,
    settings: &OrganizationSettings,
    reason: Option<&str>,
) -> AppResult<()> {
    let (org, id) = (row.organization_id, row.id);
    let ttl = InvitationTtl::from_days(settings.invitation_ttl_days).unwrap_or_default();
    let resent = row
        .rules()
        .resend(ctx.now, ttl)
        .map_err(AppError::invitation_state)?;
    refuse_member(conn, org, &row.email_folded, &row.email)?;
    let token = new_link_token();
    let sealed = Sealer::new(&ctx.seal_secret).seal(&token);
    let next_reminder_at = if row.reminders_enabled {
        settings
            .reminders
            .next_after(ctx.now, resent.expires_at, ctx.now, 0)
    } else {
        None
    };
    let change = Resend {
        token_hash: &hash_token(&token),
        sealed_token: &sealed,
        expires_at: resent.expires_at,
        next_reminder_at,
    };
    if let Err(e) = store::mark_resent(conn, id, &change, ctx.now) {
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
    store::retire_token(conn, org, id, &row.token_hash, ctx.now, usable_until)?;
    outbox::supersede_unsent(conn, id, ctx.now)?;
    outbox::enqueue(
        conn,
        vec![NewEmail::queued(org, id, &row.email, sealed, ctx.now)],
    )?;
    let event = Event::new(ctx, org, Action::InvitationResent)
        .invitation(id, &row.email)
        .import(row.import_id.map(ImportId));
    let event = match reason {
        Some(reason) => {
            event.details(details! { "send_count": row.send_count + 1, "reason": reason })
        }
        None => event.details(details! { "send_count": row.send_count + 1 }),
    };
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    Ok(())
}

/// Resends many invitations in one transaction the caller owns (a bulk action): the same as
/// [`resend_row`] for each, in a few statements for all. The caller has checked each row's
/// rules and left out those that would collide with a member or a newer pending invitation.
pub(crate) fn resend_many(
    conn: &mut DbConnection,
    ctx: &Ctx,
    rows: &[&InvitationRow],
    settings: &OrganizationSettings,
    reason: &str,
) -> AppResult<()> {
    use skillstream_store::invitations::RetiredToken;
    use skillstream_store::stamp::Stamp;
    if rows.is_empty() {
        return Ok(());
    }
    let ttl = InvitationTtl::from_days(settings.invitation_ttl_days).unwrap_or_default();
    let expires_at = ttl.expiry_from(ctx.now);
    let sealer = Sealer::new(&ctx.seal_secret);
    let tokens: Vec<String> = rows.iter().map(|_| new_link_token()).collect();
    let hashes: Vec<String> = tokens.iter().map(|t| hash_token(t)).collect();
    let sealed: Vec<String> = tokens.iter().map(|t| sealer.seal(t)).collect();
    let next = settings
        .reminders
        .next_after(ctx.now, expires_at, ctx.now, 0);
    let resends: Vec<(InvitationId, Resend<'_>)> = rows
        .iter()
        .zip(hashes.iter().zip(&sealed))
        .map(|(row, (hash, sealed))| {
            (
                row.id,
                Resend {
                    token_hash: hash,
                    sealed_token: sealed,
                    expires_at,
                    next_reminder_at: next.filter(|_| row.reminders_enabled),
                },
            )
        })
        .collect();
    store::mark_resent_many(conn, &resends, ctx.now)?;
    let ids: Vec<InvitationId> = rows.iter().map(|r| r.id).collect();
    store::end_grace_many(conn, &ids, ctx.now)?;
    let grace = settings.resend_grace_hours;
    let usable_until = (grace > 0).then(|| Stamp::of(ctx.now + chrono::Duration::hours(grace)));
    store::retire_tokens(
        conn,
        rows.iter()
            .map(|row| RetiredToken {
                token_hash: row.token_hash.clone(),
                invitation_id: row.id,
                retired_at: Stamp::of(ctx.now),
                usable_until,
                organization_id: row.organization_id,
            })
            .collect(),
    )?;
    outbox::supersede_unsent_many(conn, &ids, ctx.now)?;
    outbox::enqueue(
        conn,
        rows.iter()
            .zip(sealed)
            .map(|(row, sealed)| {
                NewEmail::queued(row.organization_id, row.id, &row.email, sealed, ctx.now)
            })
            .collect(),
    )?;
    skillstream_store::events::append(
        conn,
        rows.iter()
            .map(|row| {
                Event::new(ctx, row.organization_id, Action::InvitationResent)
                    .invitation(row.id, &row.email)
                    .import(row.import_id.map(ImportId))
                    .details(details! { "send_count": row.send_count + 1, "reason": reason })
                    .into_row()
            })
            .collect(),
    )?;
    Ok(())
}

/// Cancels many invitations in one transaction the caller owns (a bulk action); the caller has
/// checked each row's rules.
pub(crate) fn cancel_many(
    conn: &mut DbConnection,
    ctx: &Ctx,
    rows: &[&InvitationRow],
) -> AppResult<()> {
    let ids: Vec<InvitationId> = rows.iter().map(|r| r.id).collect();
    store::mark_cancelled_many(conn, &ids, ctx.now)?;
    outbox::supersede_unsent_many(conn, &ids, ctx.now)?;
    skillstream_store::events::append(
        conn,
        rows.iter()
            .map(|row| {
                Event::new(ctx, row.organization_id, Action::InvitationCancelled)
                    .invitation(row.id, &row.email)
                    .import(row.import_id.map(ImportId))
                    .into_row()
            })
            .collect(),
    )?;
    Ok(())
}

/// Cancel: the link stops working; the invitation stays as history.
pub fn cancel(conn: &mut DbConnection, ctx: &Ctx, id: InvitationId) -> AppResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let event = cancel_row(conn, ctx, &row)?;
        skillstream_store::events::append(conn, vec![event])?;
        Ok(())
    })
}

/// Cancels one invitation of a transaction the caller owns; answers its event for the caller
/// to append (one statement for many).
pub(crate) fn cancel_row(
    conn: &mut DbConnection,
    ctx: &Ctx,
    row: &InvitationRow,
) -> AppResult<skillstream_store::events::NewEvent> {
    row.rules()
        .cancel(ctx.now)
        .map_err(AppError::invitation_state)?;
    store::mark_cancelled(conn, row.id, ctx.now)?;
    outbox::supersede_unsent(conn, row.id, ctx.now)?;
    Ok(
        Event::new(ctx, row.organization_id, Action::InvitationCancelled)
            .invitation(row.id, &row.email)
            .import(row.import_id.map(ImportId))
            .into_row(),
    )
}

/// Cancels the organization's pending invitation to this (folded) address, if there is one, in
/// the caller's transaction; answers its event (a member deactivated: their invitation goes too).
pub(crate) fn cancel_pending_for(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    folded: &str,
) -> AppResult<Option<skillstream_store::events::NewEvent>> {
    match store::pending_for(conn, org, folded)? {
        Some((id, _)) => {
            let row = find(conn, org, id)?;
            Ok(Some(cancel_row(conn, ctx, &row)?))
        }
        None => Ok(None),
    }
}
