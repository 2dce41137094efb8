//! Checking what an admin asks for: the fields (department, group, courses and names
//! resolved in the organization) and the conflicts (already a member, already pending).

use super::expire::expire;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use chrono::{DateTime, Duration, Utc};
use skillstream_domain::{
    EmailAddress, InvitationId, MemberStatus, OrganizationId, PersonName, Role,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::invitations::{self as store, LapsedScope};
use skillstream_store::DbConnection;
use skillstream_store::{members, organizations};
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
    /// When to send it (RFC 3339, or a local time read in the organization's time zone).
    pub send_at: Option<String>,
    /// False: no email; the admin hands the link over (the answer carries it once).
    pub send_email: Option<bool>,
}

/// The furthest ahead a send can be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 90;

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
    /// A scheduled send (future); `None`: now.
    pub send_at: Option<DateTime<Utc>>,
    pub send_email: bool,
}

/// Resolves an optional name to the id of the organization's entry with exactly that name. A
/// name that does not match is a field error suggesting the closest existing name.
pub(super) fn resolve_name(
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

/// Reads `send_at`: a time after `now` and at most 90 days ahead, with an offset or in the
/// organization's time zone.
pub(super) fn schedule(
    conn: &mut DbConnection,
    org: OrganizationId,
    input: &InvitationInput,
    now: DateTime<Utc>,
) -> AppResult<Result<Option<DateTime<Utc>>, FieldError>> {
    let Some(text) = input
        .send_at
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Ok(Ok(None));
    };
    if input.send_email == Some(false) {
        return Ok(Err(FieldError::new(
            "send_at",
            "not_with_send_email_false",
            "A scheduled invitation is sent by email: leave send_at out when send_email is false.",
        )));
    }
    let zone = organizations::settings(conn, org)?.time_zone;
    let Some(at) = skillstream_domain::settings::parse_instant(text, &zone) else {
        return Ok(Err(FieldError::new(
            "send_at",
            "invalid_time",
            format!("send_at must be a date and time such as 2026-12-07T09:00 (read in {zone}) or with an offset such as 2026-12-07T09:00:00+01:00."),
        )));
    };
    if at <= now {
        return Ok(Err(FieldError::new(
            "send_at",
            "in_the_past",
            "send_at must be in the future; leave it out to send now.",
        )));
    }
    if at > now + Duration::days(MAX_SCHEDULE_DAYS) {
        return Ok(Err(FieldError::new(
            "send_at",
            "too_far_ahead",
            format!("send_at can be at most {MAX_SCHEDULE_DAYS} days ahead."),
        )));
    }
    Ok(Ok(Some(at)))
}

/// Checks every field, reporting all problems at once.
pub fn validate(
    conn: &mut DbConnection,
    org: OrganizationId,
    input: &InvitationInput,
    now: DateTime<Utc>,
) -> AppResult<Result<ValidInvitation, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let send_at = schedule(conn, org, input, now)?
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
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
    let existing =
        catalog::existing_courses(conn, org, &wanted.iter().copied().collect::<Vec<_>>())?;
    let found: BTreeSet<i64> = existing.iter().map(|(id, _)| *id).collect();
    let archived: Vec<String> = existing
        .iter()
        .filter(|(_, archived)| *archived)
        .map(|(id, _)| id.to_string())
        .collect();
    if !archived.is_empty() {
        errors.push(FieldError::new(
            "course_ids",
            "archived",
            format!(
                "Course {} is archived; restore it on the Courses page to assign it.",
                archived.join(", ")
            ),
        ));
    }
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
            send_at,
            send_email: input.send_email.unwrap_or(true),
        }),
        _ => Err(errors),
    })
}

fn already_member_error(email: &str) -> AppError {
    AppError::new(
        ErrorCode::AlreadyAMember,
        format!("{email} is already a member of this organization."),
    )
}

fn already_pending_error(email: &str, invitation_id: InvitationId) -> AppError {
    AppError::new(
        ErrorCode::InvitationAlreadyPending,
        format!("{email} already has a pending invitation. Resend it instead."),
    )
    .with_invitation(invitation_id.get())
}

/// Refuses the address when it belongs to a member of the organization.
pub(super) fn refuse_member(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
    email: &str,
) -> AppResult<()> {
    match members::status_by_address(conn, org, folded)? {
        Some((id, MemberStatus::Deactivated)) => Err(AppError::new(
            ErrorCode::MemberDeactivated,
            format!("{email} is a deactivated member of this organization. Reactivate them instead of inviting them again."),
        )
        .with_member(id.get())),
        Some(_) => Err(already_member_error(email)),
        None => Ok(()),
    }
}

/// The conflict for an address whose pending invitation another write just made.
pub(super) fn pending_conflict(
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

/// Refuses an address that belongs to a member or has a live pending invitation. A lapsed
/// pending invitation is recorded as expired, so it stays as history and a new one can be sent.
pub(super) fn check_conflicts(
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

/// Hints for an address that is valid but looks mistyped (`bob@gmial.com`): a `possible_typo`
/// warning on `email` suggesting the well-known domain. Never an error: the domain may be real.
pub fn email_warnings(email: Option<&str>) -> Vec<FieldError> {
    email
        .and_then(skillstream_domain::email_typo::suggest_address)
        .map(|better| {
            FieldError::new(
                "email",
                "possible_typo",
                skillstream_domain::email_typo::hint_message(&better),
            )
            .with_suggestion(Some(&better))
        })
        .into_iter()
        .collect()
}
