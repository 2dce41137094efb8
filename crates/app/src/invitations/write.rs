//! The one writer of new invitations, for one or many, and the single invitation built on it.

use super::validate::{
    check_conflicts, pending_conflict, validate, InvitationInput, ValidInvitation,
};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::tokens::{hash_token, new_link_token, Sealer};
use skillstream_domain::{Action, ImportId, InvitationId, MemberId, OrganizationId, StoredStatus};
use skillstream_store::events::NewEvent;
use skillstream_store::invitations::{self as store, NewInvitation};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::stamp::Stamp;
use skillstream_store::{is_unique_violation, organizations};
use skillstream_store::{write_transaction, DbConnection};

/// Below this many invitations, link tokens are sealed on the calling thread.
const SEAL_IN_PARALLEL_FROM: usize = 200;

/// The one writer of new invitations, for one or many: the invitations, their courses, their
/// queued emails and one `invitation.created` event each, through the bulk writer. The caller
/// owns the transaction and has checked the rows; a concurrent duplicate still fails on the
/// unique index (409).
pub fn write_many(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    import_id: Option<ImportId>,
    rows: &[ValidInvitation],
) -> AppResult<Vec<InvitationId>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let expires_at = organizations::invitation_ttl(conn, org)?.expiry_from(ctx.now);
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
    std::thread::scope(|scope| -> AppResult<Vec<InvitationId>> {
        // Many tokens are sealed on a second thread while the invitations are written.
        let sealing = (tokens.len() >= SEAL_IN_PARALLEL_FROM)
            .then(|| scope.spawn(|| tokens.iter().map(|t| sealer.seal(t)).collect::<Vec<_>>()));
        let invitations: Vec<NewInvitation> = rows
            .iter()
            .zip(&ids)
            .zip(&tokens)
            .map(|((row, id), token)| NewInvitation {
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
                sent_at: at,
                send_count: 1,
                created_at: at,
                updated_at: at,
                import_id: import_id.map(ImportId::get),
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
                store::add_courses(conn, *id, &row.course_ids)?;
            }
        }
        let sealed = match sealing {
            Some(handle) => handle
                .join()
                .map_err(|_| AppError::internal(anyhow::anyhow!("sealing link tokens failed")))?,
            None => tokens.iter().map(|t| sealer.seal(t)).collect(),
        };
        let emails: Vec<NewEmail> = rows
            .iter()
            .zip(&ids)
            .zip(sealed)
            .map(|((row, id), sealed)| {
                NewEmail::queued(org, *id, row.email.as_str(), sealed, ctx.now)
            })
            .collect();
        outbox::enqueue(conn, emails)?;
        let queued = clock.elapsed();
        match (import_id, ids.first(), ids.last()) {
            // An import's events are built by the database from its invitations, in one
            // statement (the ids were reserved as one range of this transaction).
            (Some(import), Some(first), Some(last)) if rows.len() > 1 => {
                let template = Event::new(ctx, org, Action::InvitationCreated)
                    .import(Some(import))
                    .into_row();
                skillstream_store::events::append_for_import(
                    conn,
                    &template,
                    import.get(),
                    first.get(),
                    last.get(),
                )?;
            }
            _ => {
                let events: Vec<NewEvent> = rows
                    .iter()
                    .zip(&ids)
                    .map(|(row, id)| {
                        Event::new(ctx, org, Action::InvitationCreated)
                            .invitation(*id, row.email.as_str())
                            .import(import_id)
                            .details(details! { "role": row.role.as_str() })
                            .into_row()
                    })
                    .collect();
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
        Ok(ids)
    })
}

/// A 256-bit link token from the given CSPRNG.
fn link_token_from(rng: &mut impl rand::RngCore) -> String {
    use base64::Engine;
    let mut buffer = [0u8; 32];
    rng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// Sends one invitation: validate, check conflicts, write — in one transaction.
pub fn send_one(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: &InvitationInput,
) -> AppResult<InvitationId> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let valid = validate(conn, org, input)?.map_err(AppError::validation)?;
        check_conflicts(conn, ctx, org, &valid.email)?;
        let ids = write_many(conn, ctx, org, None, std::slice::from_ref(&valid))?;
        ids.into_iter()
            .next()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no invitation written")))
    })
}
