//! The rows of an import that change people already here (modes `invite_and_update` and
//! `update_only`), applied through the member use cases — each change with its own event
//! (`member.updated`, `member.deactivated`, `member.reactivated`), sessions ended on
//! deactivation — and a pending invitation whose person the file deactivates is cancelled.

use super::CatalogIds;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, ErrorCode, MassChange};
use crate::members::{self, MemberPatch};
use skillstream_domain::bulk::CheckedRow;
use skillstream_domain::csv_import::RawRow;
use skillstream_domain::import_update::MemberUpdate;
use skillstream_domain::{EmailAddress, MemberId, OrganizationId, RowAction};
use skillstream_store::imports::SentCounts;
use skillstream_store::DbConnection;
use std::collections::HashMap;

/// More than this share of the active members deactivated by one file needs confirming.
pub const MASS_CHANGE_PERCENT: i64 = 10;

/// Refuses an import that deactivates more than 10 % of the `members` who were active before
/// it unless the admin confirmed it (`allow_mass_change`).
pub fn guard_mass_change(deactivations: i64, members: i64, allowed: bool) -> AppResult<()> {
    if deactivations == 0 || allowed {
        return Ok(());
    }
    if !is_mass_change(deactivations, members) {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::MassChangeUnconfirmed,
        format!(
            "This import deactivates {deactivations} of the organization's {members} active members (more than {MASS_CHANGE_PERCENT} %). Check the file; to go ahead, send it again with allow_mass_change."
        ),
    )
    .with_mass_change(MassChange {
        deactivations,
        members,
    }))
}

/// Whether deactivating this many of this many active members needs confirming.
pub fn is_mass_change(deactivations: i64, members: i64) -> bool {
    deactivations * 100 > members * MASS_CHANGE_PERCENT
}

/// Applies the rows that update, deactivate or reactivate members, or cancel a pending
/// invitation; counts what was done.
pub fn apply(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    rows: &[RawRow],
    checked: &[CheckedRow],
    names: &CatalogIds,
    counts: &mut SentCounts,
) -> AppResult<()> {
    let (departments, groups) = (&names.departments, &names.groups);
    let mut cancelled = Vec::new();
    for (raw, check) in rows.iter().zip(checked) {
        match (check.action, &check.update) {
            (RowAction::Update, Some(update)) => {
                patch(conn, ctx, org, update, departments, groups)?;
                counts.updated += 1;
            }
            (RowAction::Deactivate, Some(update)) => {
                patch(conn, ctx, org, update, departments, groups)?;
                members::deactivate_in(conn, ctx, org, MemberId(update.member_id))?;
                counts.deactivated += 1;
            }
            (RowAction::Reactivate, Some(update)) => {
                members::reactivate_in(conn, ctx, org, MemberId(update.member_id))?;
                patch(conn, ctx, org, update, departments, groups)?;
                counts.reactivated += 1;
            }
            (RowAction::Deactivate, None) => {
                // A pending invitation: the person is not to join after all.
                if let Ok(email) = EmailAddress::parse(&raw.email) {
                    if let Some(event) =
                        crate::invitations::cancel_pending_for(conn, ctx, org, email.folded())?
                    {
                        cancelled.push(event);
                        counts.deactivated += 1;
                    }
                }
            }
            _ => {}
        }
    }
    skillstream_store::events::append(conn, cancelled)?;
    Ok(())
}

/// A member's changed fields through the member use case (one `member.updated` event listing
/// them); nothing changed, nothing done.
fn patch(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    update: &MemberUpdate,
    departments: &HashMap<String, i64>,
    groups: &HashMap<String, i64>,
) -> AppResult<()> {
    if update.changes.is_empty() {
        return Ok(());
    }
    let id = MemberId(update.member_id);
    let group_ids = match update.group.as_ref().and_then(|g| groups.get(g)) {
        Some(added) => {
            let mut ids: Vec<i64> = skillstream_store::members::groups_of(conn, &[id])?
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|(group, _)| group)
                .collect();
            ids.push(*added);
            Some(ids)
        }
        None => None,
    };
    let patch = MemberPatch {
        first_name: update
            .first_name
            .as_ref()
            .map(|n| Some(n.as_str().to_string())),
        last_name: update
            .last_name
            .as_ref()
            .map(|n| Some(n.as_str().to_string())),
        role: update.role,
        department_id: update
            .department
            .as_ref()
            .and_then(|d| departments.get(d))
            .map(|id| Some(*id)),
        group_ids,
    };
    members::update_in(conn, ctx, org, id, &patch)?;
    Ok(())
}
