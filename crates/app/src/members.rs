//! Members: what admins do to a member of their organization — change their role, department,
//! groups and names; deactivate and reactivate them; end their sessions. Each change with its
//! event.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::events::Event;
use serde_json::{json, Map, Value};
use skillstream_domain::{
    Action, MemberId, MemberStatus, OrganizationId, PersonName, Role, TargetType,
};
use skillstream_store::members::{self, MemberChanges};

pub use skillstream_store::members::{MemberFilter, MemberView};

/// A member with their department and groups, whatever their organization (the caller's own
/// record: `/me`, sign-in).
pub fn view(conn: &mut DbConnection, id: MemberId) -> AppResult<Option<MemberView>> {
    Ok(members::find_view(conn, id)?)
}

/// The accounts an address signs in to (in one organization, or all), each with its password
/// hash and whether its organization enforces single sign-on.
pub fn sign_in_candidates(
    conn: &mut DbConnection,
    folded: &str,
    org_filter: Option<i64>,
) -> AppResult<Vec<members::Candidate>> {
    Ok(members::sign_in_candidates(conn, folded, org_filter)?)
}

/// The courses on a member's dashboard, by title.
pub fn enrollments(
    conn: &mut DbConnection,
    id: MemberId,
) -> AppResult<Vec<members::EnrollmentRow>> {
    Ok(members::enrollments(conn, id)?)
}

/// A page of the caller's organization's members, newest first, and how many match; `q` is
/// found in the email or names, case-insensitively.
pub fn list(
    conn: &mut DbConnection,
    ctx: &Ctx,
    q: Option<&str>,
    mut filter: MemberFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<MemberView>, i64)> {
    filter.pattern = q.map(skillstream_store::like_contains);
    Ok(members::page(conn, ctx.org()?, &filter, offset, limit)?)
}

/// The two status changes an admin makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Deactivate,
    Reactivate,
}

/// Deactivates or reactivates a member (see [`deactivate`], [`reactivate`]).
pub fn change_status(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: MemberId,
    change: StatusChange,
) -> AppResult<MemberView> {
    match change {
        StatusChange::Deactivate => deactivate(conn, ctx, id),
        StatusChange::Reactivate => reactivate(conn, ctx, id),
    }
}
use skillstream_store::{sessions, write_transaction, DbConnection};

/// Ends every session of a member of the caller's organization (a lost laptop, a shared
/// device), with its event; answers how many ended. Another organization's member is "not
/// found".
pub fn sign_out_everywhere(
    conn: &mut DbConnection,
    ctx: &Ctx,
    member: MemberId,
) -> AppResult<usize> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let member = find(conn, org, member)?;
        let ended = sessions::revoke_member(conn, org.get(), member.id.get(), ctx.now)?;
        let event = member_event(ctx, org, Action::MemberSignedOutEverywhere, &member)
            .details(details! { "sessions_ended": ended });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(ended)
    })
}

/// What an admin changes; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct MemberPatch {
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub role: Option<Role>,
    pub department_id: Option<Option<i64>>,
    /// The member's groups, all of them.
    pub group_ids: Option<Vec<i64>>,
}

fn find(conn: &mut DbConnection, org: OrganizationId, id: MemberId) -> AppResult<MemberView> {
    members::find_in(conn, org, id)?.ok_or_else(|| AppError::not_found("User"))
}

fn member_event(ctx: &Ctx, org: OrganizationId, action: Action, member: &MemberView) -> Event {
    Event::new(ctx, org, action)
        .target(TargetType::Member, member.id.get())
        .target_email(&member.email)
}

/// Refuses to leave the organization without an active admin.
fn keep_an_admin(
    conn: &mut DbConnection,
    org: OrganizationId,
    member: &MemberView,
) -> AppResult<()> {
    if member.role == Role::Admin
        && member.status == MemberStatus::Active
        && members::active_admins(conn, org)? <= 1
    {
        return Err(AppError::new(
            ErrorCode::LastActiveAdmin,
            "This is the organization's only active admin. Make someone else an admin first.",
        ));
    }
    Ok(())
}

fn name(field: &str, value: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    match PersonName::parse_optional(value) {
        Ok(name) => name.map(|n| n.as_str().to_string()),
        Err(e) => {
            errors.push(FieldError::new(field, e.code(), e.to_string()));
            None
        }
    }
}

/// Changes a member; the event `member.updated` lists each changed field old → new. Nothing
/// changed: no event.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: MemberId,
    patch: &MemberPatch,
) -> AppResult<MemberView> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| update_in(conn, ctx, org, id, patch))
}

/// [`update`] inside the caller's transaction.
pub(crate) fn update_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    id: MemberId,
    patch: &MemberPatch,
) -> AppResult<MemberView> {
    {
        let before = find(conn, org, id)?;
        let mut errors = Vec::new();
        let mut changes = MemberChanges::default();
        let mut changed = Map::new();
        let mut note = |field: &str, from: Value, to: Value| {
            if from != to {
                changed.insert(field.into(), json!({"from": from, "to": to}));
                true
            } else {
                false
            }
        };
        if let Some(first) = &patch.first_name {
            let first = name("first_name", first.as_deref(), &mut errors);
            if note("first_name", json!(before.first_name), json!(first)) {
                changes.first_name = Some(first);
            }
        }
        if let Some(last) = &patch.last_name {
            let last = name("last_name", last.as_deref(), &mut errors);
            if note("last_name", json!(before.last_name), json!(last)) {
                changes.last_name = Some(last);
            }
        }
        if let Some(department) = patch.department_id {
            if let Some(department) = department {
                if !members::known_department(conn, org, department)? {
                    errors.push(FieldError::new(
                        "department_id",
                        "not_found",
                        format!("No department with id {department} in this organization."),
                    ));
                }
            }
            if note(
                "department_id",
                json!(before.department_id),
                json!(department),
            ) {
                changes.department_id = Some(department);
            }
        }
        let mut groups_changed = None;
        if let Some(wanted) = &patch.group_ids {
            let mut wanted = wanted.clone();
            wanted.sort_unstable();
            wanted.dedup();
            let known = members::known_groups(conn, org, &wanted)?;
            let unknown: Vec<String> = wanted
                .iter()
                .filter(|g| !known.contains(g))
                .map(i64::to_string)
                .collect();
            if !unknown.is_empty() {
                errors.push(FieldError::new(
                    "group_ids",
                    "not_found",
                    format!(
                        "No group with id {} in this organization.",
                        unknown.join(", ")
                    ),
                ));
            }
            let mut had: Vec<i64> = before.groups.iter().map(|(g, _)| *g).collect();
            had.sort_unstable();
            if note("group_ids", json!(had), json!(wanted)) {
                groups_changed = Some(wanted);
            }
        }
        if let Some(role) = patch.role {
            if note("role", json!(before.role), json!(role)) {
                if before.role == Role::Admin {
                    if ctx.member_id == Some(id) {
                        return Err(AppError::new(
                            ErrorCode::LastActiveAdmin,
                            "You cannot take away your own admin role; ask another admin.",
                        ));
                    }
                    keep_an_admin(conn, org, &before)?;
                }
                changes.role = Some(role);
            }
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        if changed.is_empty() {
            return Ok(before);
        }
        members::update(conn, org, id, &changes)?;
        if let Some(groups) = &groups_changed {
            members::set_groups(conn, org, id, groups)?;
        }
        let event = member_event(ctx, org, Action::MemberUpdated, &before)
            .details(details! { "changes": changed });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        find(conn, org, id)
    }
}

/// Deactivates a member: kept with their history, but they cannot sign in; their sessions end
/// at once (for good: reactivation does not revive them), their API tokens stop working, and
/// a pending invitation to their address is cancelled. Already deactivated: nothing changes.
pub fn deactivate(conn: &mut DbConnection, ctx: &Ctx, id: MemberId) -> AppResult<MemberView> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| deactivate_in(conn, ctx, org, id))
}

/// [`deactivate`] inside the caller's transaction.
pub(crate) fn deactivate_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    id: MemberId,
) -> AppResult<MemberView> {
    {
        let member = find(conn, org, id)?;
        if member.status == MemberStatus::Deactivated {
            return Ok(member);
        }
        if ctx.member_id == Some(id) {
            return Err(AppError::new(
                ErrorCode::CannotDeactivateSelf,
                "You cannot deactivate yourself; ask another admin.",
            ));
        }
        keep_an_admin(conn, org, &member)?;
        members::set_deactivated(conn, org, id, Some(ctx.now))?;
        let ended = sessions::revoke_member(conn, org.get(), id.get(), ctx.now)?;
        let folded = skillstream_domain::email::fold(&member.email);
        let mut events = Vec::new();
        let cancelled = crate::invitations::cancel_pending_for(conn, ctx, org, &folded)?;
        let had_invitation = cancelled.is_some();
        events.extend(cancelled);
        events.push(
            member_event(ctx, org, Action::MemberDeactivated, &member)
                .details(details! {
                    "sessions_ended": ended,
                    "invitation_cancelled": had_invitation,
                })
                .into_row(),
        );
        skillstream_store::events::append(conn, events)?;
        find(conn, org, id)
    }
}

/// Reactivates a member: they can sign in again (old sessions stay ended). Already active:
/// nothing changes. Over the seat limit: 409 `seat_limit_reached`.
pub fn reactivate(conn: &mut DbConnection, ctx: &Ctx, id: MemberId) -> AppResult<MemberView> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| reactivate_in(conn, ctx, org, id))
}

/// [`reactivate`] inside the caller's transaction.
pub(crate) fn reactivate_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    id: MemberId,
) -> AppResult<MemberView> {
    let member = find(conn, org, id)?;
    if member.status == MemberStatus::Active {
        return Ok(member);
    }
    // Back among the active members: one more seat, under the seat lock.
    let limit = skillstream_store::organizations::settings(conn, org)?.seat_limit;
    crate::invitations::check_seats(conn, org, limit, 1, ctx.now)?;
    members::set_deactivated(conn, org, id, None)?;
    let event = member_event(ctx, org, Action::MemberReactivated, &member);
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    find(conn, org, id)
}
