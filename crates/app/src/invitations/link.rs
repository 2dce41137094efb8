//! What a link holder is told: the invitation a link opens, or why it no longer opens one
//! (and whom to ask).

use crate::error::{AppError, AppResult, Contact, ErrorCode};
use chrono::{DateTime, Utc};
use skillstream_domain::InvitationError;
use skillstream_store::invitations::{self as store, InvitationRow};
use skillstream_store::members;
use skillstream_store::DbConnection;

pub fn link_not_found() -> AppError {
    AppError::new(
        ErrorCode::InvitationNotFound,
        "This invitation link is not valid. Check that you copied the whole link from the email, or ask your administrator to invite you again.",
    )
}

/// 410 with a code that says why the link is no longer usable.
pub(super) fn gone(error: InvitationError) -> AppError {
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
        // A scheduled invitation's link has not been sent to anyone (see `usable`).
        InvitationError::Scheduled(_) | InvitationError::AlreadySent => {
            return link_not_found();
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
    // The current link, or one replaced by a resend less than the grace ago (either accepts
    // once: after that both answer "already accepted").
    let found = match store::find_by_token(conn, token_hash)? {
        Some(row) => Some(row),
        None => store::in_grace(conn, token_hash, now)?,
    };
    let Some(row) = found else {
        return Err(match store::retired_token_inviter(conn, token_hash)? {
            Some(inviter) => {
                gone(InvitationError::Superseded).with_contact(contact(conn, inviter)?)
            }
            None => link_not_found(),
        });
    };
    if row.send_at.is_some() {
        // Scheduled: nobody was sent this link yet.
        return Err(link_not_found());
    }
    if let Err(error) = row.rules().accept(now) {
        // An accepted link sends its holder to sign in; the others say whom to ask.
        let ask = !matches!(error, InvitationError::AlreadyAccepted(_));
        let who = if ask {
            contact(conn, row.invited_by)?
        } else {
            None
        };
        let mut answer = gone(error).with_contact(who);
        if matches!(error, InvitationError::Expired) {
            let settings = skillstream_store::organizations::settings(conn, row.organization_id)?;
            answer = answer.with_renewal(settings.expired_link);
        }
        return Err(answer);
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

/// What the landing page of a usable link shows: the invitation and what it names.
#[derive(Debug)]
pub struct Landing {
    pub invitation: InvitationRow,
    pub organization_name: String,
    /// The invitee signs in with the organization's identity provider, not a password.
    pub sso_enforced: bool,
    /// The organization has an identity provider ("Continue with SSO").
    pub sso_available: bool,
    pub department: Option<String>,
    pub group: Option<String>,
    /// The pre-assigned courses: id and title.
    pub courses: Vec<(i64, String)>,
}

/// The landing page of the invitation a link opens, if it is still usable at `now`. Reads
/// only: mail scanners open links too.
pub fn landing(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Landing> {
    use skillstream_store::catalog::{name_of, Kind};
    let invitation = usable(conn, token_hash, now)?;
    // The organization, and whether it has an identity provider, in one query.
    let (organization_name, sso_enforced, sso_available) =
        skillstream_store::organizations::landing(conn, invitation.organization_id)?;
    let department = match invitation.department_id {
        Some(id) => name_of(conn, Kind::Department, id)?,
        None => None,
    };
    let group = match invitation.group_id {
        Some(id) => name_of(conn, Kind::Group, id)?,
        None => None,
    };
    let courses = store::courses_of(conn, invitation.organization_id, &[invitation.id])?
        .remove(&invitation.id)
        .unwrap_or_default();
    Ok(Landing {
        invitation,
        organization_name,
        sso_enforced,
        sso_available,
        department,
        group,
        courses,
    })
}
