//! Invitations: invite (one or many, through one writer), resend, cancel, accept, expire.
//! Each use case owns its transaction and appends the events of what it changed.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, Contact, ErrorCode, FieldError};
use crate::events::Event;
use crate::tokens::{hash_token, new_link_token, Sealer};
use chrono::{DateTime, Utc};
use skillstream_domain::{
    Action, EmailAddress, ImportId, InvitationError, InvitationId, MemberId, OrganizationId,
    PersonName, Role, StoredStatus,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::events::NewEvent;
use skillstream_store::invitations::{self as store, InvitationRow, LapsedScope, NewInvitation};
use skillstream_store::outbox::{self, NewEmail};
use skillstream_store::stamp::Stamp;
use skillstream_store::{from_db, is_unique_violation, members, organizations};
use skillstream_store::{write_transaction, DbConnection};
use std::collections::BTreeSet;

/// What an admin asks for, as given.
#[derive(Debug, Clone, Default)]
pub struct InvitationInput {
    pub email: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub group: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub course_ids: Vec<i64>,
}

/// An invitation whose every field is valid for the organization.
#[derive(Debug, Clone)]
pub struct ValidInvitation {
    pub email: EmailAddress,
    pub role: Role,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub course_ids: Vec<i64>,
}

/// Resolves an optional name to the id of the organization's entry with exactly that name. A
/// name that does not match is a field error suggesting the closest existing name.
pub fn resolve_name(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    name: Option<&str>,
) -> AppResult<Result<Option<i64>, FieldError>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(Ok(None));
    };
    let entries = catalog::list(conn, kind, org)?;
    if let Some((id, _, _)) = entries.iter().find(|(_, n, _)| n == name) {
        return Ok(Ok(Some(*id)));
    }
    let (label, field) = match kind {
        Kind::Department => ("Department", "department"),
        Kind::Group => ("Group", "group"),
    };
    let suggestion = skillstream_domain::suggest(name, entries.iter().map(|(_, n, _)| n.as_str()));
    let mut message = format!("{label} \"{name}\" does not exist.");
    if let Some(s) = suggestion {
        message.push_str(&format!(" Did you mean \"{s}\"?"));
    }
    Ok(Err(
        FieldError::new(field, "not_found", message).with_suggestion(suggestion)
    ))
}

/// Checks every field, reporting all problems at once.
pub fn validate(
    conn: &mut DbConnection,
    org: OrganizationId,
    input: &InvitationInput,
) -> AppResult<Result<ValidInvitation, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let email = EmailAddress::parse(input.email.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(FieldError::new("email", e.code(), e.to_string())))
        .ok();
    let role = Role::parse(input.role.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(FieldError::new("role", "invalid_role", e.to_string())))
        .ok();
    let mut name = |field: &str, value: Option<&str>| {
        PersonName::parse_optional(value)
            .map_err(|e| errors.push(FieldError::new(field, e.code(), format!("{field}: {e}"))))
            .ok()
            .flatten()
    };
    let first_name = name("first_name", input.first_name.as_deref());
    let last_name = name("last_name", input.last_name.as_deref());
    let department_id = resolve_name(conn, Kind::Department, org, input.department.as_deref())?
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let group_id = resolve_name(conn, Kind::Group, org, input.group.as_deref())?
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let wanted: BTreeSet<i64> = input.course_ids.iter().copied().collect();
    let found: BTreeSet<i64> =
        catalog::existing_courses(conn, org, &wanted.iter().copied().collect::<Vec<_>>())?
            .into_iter()
            .collect();
    let missing: Vec<String> = wanted.difference(&found).map(i64::to_string).collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "course_ids",
            "not_found",
            format!(
                "No course with id {} in this organization.",
                missing.join(", ")
            ),
        ));
    }
    Ok(match (email, role, errors.is_empty()) {
        (Some(email), Some(role), true) => Ok(ValidInvitation {
            email,
            role,
            department_id,
            group_id,
            first_name,
            last_name,
            course_ids: found.into_iter().collect(),
        }),
        _ => Err(errors),
    })
}

pub fn already_member_error(email: &str) -> AppError {
    AppError::new(
        ErrorCode::AlreadyAMember,
        format!("{email} is already a member of this organization."),
    )
}

pub fn already_pending_error(email: &str, invitation_id: InvitationId) -> AppError {
    AppError::new(
        ErrorCode::InvitationAlreadyPending,
        format!("{email} already has a pending invitation. Resend it instead."),
    )
    .with_invitation(invitation_id.get())
}

/// Refuses the address when it belongs to a member of the organization.
pub fn refuse_member(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
    email: &str,
) -> AppResult<()> {
    match members::find_by_address(conn, org, folded)? {
        Some(_) => Err(already_member_error(email)),
        None => Ok(()),
    }
}

/// The conflict for an address whose pending invitation another write just made.
fn pending_conflict(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
    email: &str,
) -> AppResult<AppError> {
    match store::pending_for(conn, org, folded)? {
        Some((id, _)) => Ok(already_pending_error(email, id)),
        None => Ok(AppError::new(
            ErrorCode::Conflict,
            "This conflicts with something that already exists.",
        )),
    }
}

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

/// Refuses an address that belongs to a member or has a live pending invitation. A lapsed
/// pending invitation is recorded as expired, so it stays as history and a new one can be sent.
pub fn check_conflicts(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    email: &EmailAddress,
) -> AppResult<()> {
    refuse_member(conn, org, email.folded(), email.as_str())?;
    if let Some((id, expires_at)) = store::pending_for(conn, org, email.folded())? {
        if expires_at > ctx.now {
            return Err(already_pending_error(email.as_str(), id));
        }
        expire(conn, ctx, LapsedScope::Address(org, email.folded()))?;
    }
    Ok(())
}

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
        let ttl = organizations::invitation_ttl(conn, org)?;
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
        store::retire_token(conn, id, &row.token_hash, ctx.now)?;
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

pub fn link_not_found() -> AppError {
    AppError::new(
        ErrorCode::InvitationNotFound,
        "This invitation link is not valid. Check that you copied the whole link from the email, or ask your administrator to invite you again.",
    )
}

/// 410 with a code that says why the link is no longer usable.
pub fn gone(error: InvitationError) -> AppError {
    let message = match error {
        InvitationError::AlreadyAccepted(_) => {
            "This invitation has already been accepted. Sign in with your email and password instead."
        }
        InvitationError::AlreadyCancelled(_) => {
            "This invitation has been cancelled. Ask your administrator to send you a new one."
        }
        InvitationError::Expired => "This invitation has expired. Ask your administrator to resend it.",
        InvitationError::Superseded => {
            "A newer invitation email was sent to you; use the link in the most recent email. If you cannot find it, ask your administrator to resend it."
        }
    };
    AppError::new(ErrorCode::from(&error), message).with_status(410)
}

/// The invitation a link opens, if it is still usable at `now`.
pub fn usable(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<InvitationRow> {
    let Some(row) = store::find_by_token(conn, token_hash)? else {
        return Err(match store::retired_token_inviter(conn, token_hash)? {
            Some(inviter) => {
                gone(InvitationError::Superseded).with_contact(contact(conn, inviter)?)
            }
            None => link_not_found(),
        });
    };
    if let Err(error) = row.rules().accept(now) {
        // An accepted link sends its holder to sign in; the others say whom to ask.
        let ask = !matches!(error, InvitationError::AlreadyAccepted(_));
        let who = if ask {
            contact(conn, row.invited_by)?
        } else {
            None
        };
        return Err(gone(error).with_contact(who));
    }
    Ok(row)
}

/// The inviter as someone to contact (none for an invitation sent by an API token or a
/// member since removed).
fn contact(conn: &mut DbConnection, inviter: Option<i64>) -> AppResult<Option<Contact>> {
    let Some(id) = inviter else {
        return Ok(None);
    };
    Ok(members::display_names(conn, &[id])?
        .remove(&id)
        .map(|(email, name)| Contact { name, email }))
}

/// What acceptance takes from the invitee, checked: a password hash (none when signing in
/// with SSO), names for what the invitation left empty, and, through SSO, the subject and the
/// verified address the identity provider vouched for.
#[derive(Debug, Default)]
pub struct Acceptance {
    pub password_hash: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub sso_subject: Option<String>,
    pub verified_email: Option<String>,
}

/// An organization that enforces single sign-on takes no password acceptance.
pub fn refuse_password_when_sso_enforced(
    conn: &mut DbConnection,
    org: OrganizationId,
) -> AppResult<()> {
    if organizations::sso_enforced(conn, org)? {
        return Err(AppError::new(
            ErrorCode::SsoRequired,
            "Your organization signs in with single sign-on: accept the invitation with \"Continue with SSO\".",
        ));
    }
    Ok(())
}

/// Accept (by password or by SSO): in one transaction the member is created with the
/// invitation's role, department and group, the invitation becomes accepted, and every
/// pre-assigned course becomes an enrollment. Of two concurrent acceptances exactly one wins.
pub fn accept(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token_hash: &str,
    acceptance: &Acceptance,
) -> AppResult<(MemberId, OrganizationId)> {
    write_transaction(conn, |conn| accept_in(conn, ctx, token_hash, acceptance))
}

fn accept_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    token_hash: &str,
    acceptance: &Acceptance,
) -> AppResult<(MemberId, OrganizationId)> {
    let row = usable(conn, token_hash, ctx.now)?;
    if acceptance.password_hash.is_some() {
        // Checked again here: enforcement may have been switched on since the link was opened.
        refuse_password_when_sso_enforced(conn, row.organization_id)?;
    }
    if let Some(email) = &acceptance.verified_email {
        if skillstream_domain::email::fold(email) != row.email_folded {
            return Err(AppError::new(
                ErrorCode::SsoEmailMismatch,
                format!(
                    "You signed in to your identity provider as {email}, but this invitation is for {0}. Sign in there as {0} and try again.",
                    row.email
                ),
            ));
        }
    }
    if !store::claim_acceptance(conn, row.id, ctx.now)? {
        return Err(gone(InvitationError::AlreadyAccepted("accepted again")));
    }
    let org = row.organization_id;
    refuse_member(conn, org, &row.email_folded, &row.email)?;
    // Names given on the invitation win; the invitee fills only what was left empty.
    let first_name = row
        .first_name
        .clone()
        .or_else(|| acceptance.first_name.clone());
    let last_name = row
        .last_name
        .clone()
        .or_else(|| acceptance.last_name.clone());
    let member = members::insert(
        conn,
        &members::NewMember {
            organization_id: org,
            email: &row.email,
            email_folded: &row.email_folded,
            password_hash: acceptance.password_hash.as_deref(),
            first_name: first_name.as_deref(),
            last_name: last_name.as_deref(),
            role: row.role,
            department_id: row.department_id,
            group_id: row.group_id,
            sso_subject: acceptance.sso_subject.as_deref(),
        },
        ctx.now,
    )?;
    store::set_accepted_member(conn, row.id, member)?;
    let courses = store::course_ids(conn, row.id)?;
    members::enroll(conn, member, &courses, ctx.now)?;
    outbox::supersede_unsent(conn, row.id, ctx.now)?;
    let invitee = skillstream_domain::Actor {
        kind: skillstream_domain::ActorType::Invitee,
        id: Some(member.get()),
        name: skillstream_domain::full_name(first_name.as_deref(), last_name.as_deref())
            .or_else(|| Some(row.email.clone())),
    };
    let ctx = Ctx {
        actor: invitee,
        ..ctx.clone()
    };
    let method = if acceptance.sso_subject.is_some() {
        "sso"
    } else {
        "password"
    };
    let event = Event::new(&ctx, org, Action::InvitationAccepted)
        .invitation(row.id, &row.email)
        .import(row.import_id.map(ImportId))
        .details(
            details! { "member_id": member.get(), "method": method, "courses": courses.len() },
        );
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    Ok((member, org))
}

/// When the invitation's link lapses (for views that show it).
pub fn expires_at(row: &InvitationRow) -> DateTime<Utc> {
    from_db(row.expires_at)
}
