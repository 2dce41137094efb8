//! The one writer of new invitations, for one or many, and the single invitation built on it.

use super::validate::{
    check_conflicts, pending_conflict, validate, InvitationInput, ValidInvitation,
};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::tokens::{hash_token, new_link_token, Sealer};
use skillstream_domain::{
    Action, ImportId, InvitationId, InvitationTtl, MemberId, OrganizationId, StoredStatus,
};
use skillstream_store::events::NewEvent;
use skillstream_store::invitations::{self as store, NewInvitation};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::stamp::Stamp;
use skillstream_store::{is_unique_violation, organizations};
use skillstream_store::{write_transaction, DbConnection};

/// Below this many invitations, link tokens are sealed on the calling thread.
const SEAL_IN_PARALLEL_FROM: usize = 200;

/// What the writer wrote: the invitations' ids and their link tokens, in the order of the rows
/// (an invitation sent without email hands its link to the caller once).
#[derive(Debug)]
pub struct Written {
    pub ids: Vec<InvitationId>,
    pub tokens: Vec<String>,
}

/// Refuses a send that would take more seats than the organization has free. Under the seat
/// lock, so two parallel sends cannot both take the last seat.
pub(crate) fn check_seats(
    conn: &mut DbConnection,
    org: OrganizationId,
    limit: Option<i64>,
    wanted: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    store::lock_seats(conn, org)?;
    let taken = store::seats_taken(conn, org, now)?;
    let wanted = i64::try_from(wanted).unwrap_or(i64::MAX);
    if taken.saturating_add(wanted) > limit {
        let free = (limit - taken).max(0);
        return Err(AppError::new(
            ErrorCode::SeatLimitReached,
            format!(
                "This needs {wanted} {} but only {free} of {limit} {} free. Cancel pending invitations or raise the seat limit in Settings.",
                if wanted == 1 { "seat" } else { "seats" },
                if free == 1 { "is" } else { "are" },
            ),
        ));
    }
    Ok(())
}

/// Seals every token, on two threads when there are many.
fn seal_all(sealer: &Sealer, tokens: &[String]) -> AppResult<Vec<String>> {
    if tokens.len() < SEAL_IN_PARALLEL_FROM {
        return Ok(tokens.iter().map(|t| sealer.seal(t)).collect());
    }
    let (first, second) = tokens.split_at(tokens.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| first.iter().map(|t| sealer.seal(t)).collect::<Vec<_>>());
        let mut tail: Vec<String> = second.iter().map(|t| sealer.seal(t)).collect();
        let mut sealed = other
            .join()
            .map_err(|_| AppError::internal(anyhow::anyhow!("sealing link tokens failed")))?;
        sealed.append(&mut tail);
        Ok(sealed)
    })
}

/// The one writer of new invitations, for one or many: the invitations (each keeping its
/// sealed link until it ends), their courses, their queued emails (none for a scheduled send
/// or `send_email: false`), and their events (`invitation.created`, plus
/// `invitation.scheduled`), through the bulk writer. The caller owns the transaction and has
/// checked the rows; the seat limit is checked here, under its lock; a concurrent duplicate
/// still fails on the unique index (409).
pub fn write_many(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    import_id: Option<ImportId>,
    rows: &[ValidInvitation],
) -> AppResult<Written> {
    if rows.is_empty() {
        return Ok(Written {
            ids: Vec::new(),
            tokens: Vec::new(),
        });
    }
    let settings = organizations::settings(conn, org)?;
    write_under(conn, ctx, org, &settings, import_id, rows)
}

/// [`write_many`] for a caller that has read the organization's settings in this transaction.
pub(crate) fn write_under(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    settings: &skillstream_domain::settings::OrganizationSettings,
    import_id: Option<ImportId>,
    rows: &[ValidInvitation],
) -> AppResult<Written> {
    check_seats(conn, org, settings.seat_limit, rows.len(), ctx.now)?;
    let ttl = InvitationTtl::from_days(settings.invitation_ttl_days).unwrap_or_default();
    let at = Stamp::of(ctx.now);
    let ids = store::reserve_ids(conn, rows.len())?;
    let tokens: Vec<String> = if rows.len() == 1 {
        vec![new_link_token()]
    } else {
        // A thread-local CSPRNG seeded from the OS: a system call per token would dominate.
        let mut rng = rand::thread_rng();
        rows.iter().map(|_| link_token_from(&mut rng)).collect()
    };
    let sealer = Sealer::new(&ctx.seal_secret);
    let clock = std::time::Instant::now();
    let sealed = seal_all(&sealer, &tokens)?;
    let invitations: Vec<NewInvitation> = rows
        .iter()
        .zip(&ids)
        .zip(tokens.iter().zip(&sealed))
        .map(|((row, id), (token, sealed))| {
            let sent_at = row.send_at.unwrap_or(ctx.now);
            let expires_at = ttl.expiry_from(sent_at);
            let next_reminder = (row.send_email && row.send_at.is_none())
                .then(|| {
                    settings
                        .reminders
                        .next_after(sent_at, expires_at, sent_at, 0)
                })
                .flatten();
            NewInvitation {
                id: *id,
                organization_id: org,
                email: row.email.as_str().to_string(),
                email_folded: row.email.folded().to_string(),
                role: row.role,
                department_id: row.department_id,
                group_id: row.group_id,
                first_name: row.first_name.as_ref().map(|n| n.as_str().to_string()),
                last_name: row.last_name.as_ref().map(|n| n.as_str().to_string()),
                token_hash: hash_token(token),
                status: StoredStatus::Pending,
                expires_at: Stamp::of(expires_at),
                invited_by: ctx.member_id.map(MemberId::get),
                sent_at: Stamp::of(sent_at),
                send_count: 1,
                created_at: at,
                updated_at: at,
                import_id: import_id.map(ImportId::get),
                send_at: row.send_at.map(Stamp::of),
                sealed_token: Some(sealed.clone()),
                next_reminder_at: next_reminder.map(Stamp::of),
            }
        })
        .collect();
    if let Err(e) = store::insert(conn, invitations) {
        if !is_unique_violation(&e) {
            return Err(e.into());
        }
        return Err(match rows {
            [one] => pending_conflict(conn, org, one.email.folded(), one.email.as_str())?,
            _ => AppError::new(
                ErrorCode::InvitationAlreadyPending,
                "Someone was invited meanwhile by another request. Send the import again: rows already invited will be reported.",
            ),
        });
    }
    let inserted = clock.elapsed();
    for (row, id) in rows.iter().zip(&ids) {
        if !row.course_ids.is_empty() {
            store::add_courses(conn, org, *id, &row.course_ids)?;
        }
    }
    let plain = rows.iter().all(|r| r.send_email && r.send_at.is_none());
    // An import's emails and events are built by the database from its invitations, one
    // statement each (the ids were reserved as one range of this transaction).
    let import_range = match (import_id, ids.first(), ids.last()) {
        (Some(import), Some(first), Some(last)) if rows.len() > 1 && plain => {
            Some((import.get(), first.get(), last.get()))
        }
        _ => None,
    };
    match import_range {
        Some((import, first, last)) => {
            outbox::enqueue_for_import(conn, org, import, first, last, ctx.now)?;
        }
        None => {
            let emails: Vec<NewEmail> = rows
                .iter()
                .zip(&ids)
                .zip(sealed)
                .filter(|((row, _), _)| row.send_email && row.send_at.is_none())
                .map(|((row, id), sealed)| {
                    NewEmail::queued(org, *id, row.email.as_str(), sealed, ctx.now)
                })
                .collect();
            outbox::enqueue(conn, emails)?;
        }
    }
    let queued = clock.elapsed();
    match import_range {
        Some((import, first, last)) => {
            let template = Event::new(ctx, org, Action::InvitationCreated)
                .import(import_id)
                .into_row();
            skillstream_store::events::append_for_import(conn, &template, import, first, last)?;
        }
        None => {
            let mut events: Vec<NewEvent> = Vec::with_capacity(rows.len());
            for (row, id) in rows.iter().zip(&ids) {
                let created = Event::new(ctx, org, Action::InvitationCreated)
                    .invitation(*id, row.email.as_str())
                    .import(import_id);
                events.push(
                    if row.send_email {
                        created.details(details! { "role": row.role.as_str() })
                    } else {
                        created.details(details! { "role": row.role.as_str(), "send_email": false })
                    }
                    .into_row(),
                );
                if let Some(send_at) = row.send_at {
                    events.push(
                        Event::new(ctx, org, Action::InvitationScheduled)
                            .invitation(*id, row.email.as_str())
                            .import(import_id)
                            .details(details! { "send_at": crate::events::rfc3339(send_at) })
                            .into_row(),
                    );
                }
            }
            skillstream_store::events::append(conn, events)?;
        }
    }
    if rows.len() > 1 {
        tracing::info!(
            invitations = rows.len(),
            invitations_ms = inserted.as_millis() as u64,
            outbox_ms = (queued - inserted).as_millis() as u64,
            events_ms = (clock.elapsed() - queued).as_millis() as u64,
            "invitations written"
        );
    }
    Ok(Written { ids, tokens })
}

/// A 256-bit link token from the given CSPRNG.
fn link_token_from(rng: &mut impl rand::RngCore) -> String {
    use base64::Engine;
    let mut buffer = [0u8; 32];
    rng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// One invitation sent: its id, and its link token when it was sent without email (for the
/// caller to hand over once).
#[derive(Debug)]
pub struct SentOne {
    pub id: InvitationId,
    pub token: Option<String>,
}

/// Sends one invitation: validate, check conflicts, write — in one transaction.
pub fn send_one(conn: &mut DbConnection, ctx: &Ctx, input: &InvitationInput) -> AppResult<SentOne> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let valid = validate(conn, org, input, ctx.now)?.map_err(AppError::validation)?;
        check_conflicts(conn, ctx, org, &valid.email)?;
        let written = write_many(conn, ctx, org, None, std::slice::from_ref(&valid))?;
        let id = written
            .ids
            .first()
            .copied()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no invitation written")))?;
        let token = (!valid.send_email)
            .then(|| written.tokens.into_iter().next())
            .flatten();
        Ok(SentOne { id, token })
    })
}
