//! Accepting an invitation, by password or single sign-on: one path for both.

use super::link::{gone, usable};
use super::validate::refuse_member;
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use skillstream_domain::{Action, ImportId, InvitationError, MemberId, OrganizationId};
use skillstream_store::invitations as store;
use skillstream_store::outbox;
use skillstream_store::{members, organizations};
use skillstream_store::{write_transaction, DbConnection};

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

/// Checked again at acceptance: the seat limit may have been lowered since the invitation was
/// sent, and members may have joined by other paths (SCIM, reactivation): the new member must
/// still fit among the active members.
fn check_member_seat(conn: &mut DbConnection, org: OrganizationId) -> AppResult<()> {
    let Some(limit) = skillstream_store::organizations::settings(conn, org)?.seat_limit else {
        return Ok(());
    };
    store::lock_seats(conn, org)?;
    let members = store::active_members(conn, org)?;
    if members >= limit {
        return Err(AppError::new(
            ErrorCode::SeatLimitReached,
            "This organization has no free seat left, so the invitation cannot be accepted now. Ask your administrator to free a seat.",
        ));
    }
    Ok(())
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
    check_member_seat(conn, org)?;
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
    // Groups an identity provider put the person in before they accepted.
    skillstream_store::scim::groups::join_on_acceptance(conn, org, &row.email_folded, member)?;
    let courses = store::course_ids(conn, org, row.id)?;
    members::enroll(conn, org, member, &courses, ctx.now)?;
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
