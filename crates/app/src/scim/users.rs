//! Provisioned people. A SCIM User is a record (`scim_users`) found again by address as the
//! organization's member or pending invitation, so its id stays the same when the invitation
//! is accepted. Creating one sends an invitation (`scim_provisioning: invite`) or creates an
//! active member who signs in through SSO (`activate`); an address that already has a member
//! or a pending invitation is taken over, never duplicated. `active: false` and DELETE
//! deactivate the member or cancel the invitation; nothing is ever deleted.

use super::person::{email, person, reconcile, resource, Person};
use super::{Page, Paging, ScimFailure, ScimResult};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::invitations::{self, ValidInvitation};
use chrono::NaiveDateTime;
use serde_json::{json, Value};
use skillstream_domain::scim::{
    Filter, FilterAttribute, PatchOperation, ScimError, UserAttributes,
};
use skillstream_domain::{
    Action, EmailAddress, InvitationId, MemberId, OrganizationId, PersonName, TargetType,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::invitations::{self as invitation_store, InvitationRow};
use skillstream_store::members;
use skillstream_store::scim::{self as store, ScimUserRow, ScimUserValues, UserQuery};
use skillstream_store::{to_db, write_transaction, DbConnection};

/// A SCIM User as answered.
#[derive(Debug, Clone)]
pub struct ScimUser {
    pub id: i64,
    pub attributes: UserAttributes,
    /// The member's groups (id, name); none before acceptance.
    pub groups: Vec<(i64, String)>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn values<'a>(
    address: &'a EmailAddress,
    wanted: &'a UserAttributes,
    ctx: &Ctx,
) -> ScimUserValues<'a> {
    ScimUserValues {
        email: address.as_str(),
        email_folded: address.folded(),
        external_id: wanted.external_id.as_deref(),
        display_name: wanted.display_name.as_deref(),
        given_name: wanted.given_name.as_deref(),
        family_name: wanted.family_name.as_deref(),
        department: wanted.department.as_deref(),
        active: wanted.active,
        deleted_at: None,
        updated_at: to_db(ctx.now),
    }
}

fn taken(address: &EmailAddress, id: i64) -> ScimFailure {
    ScimError::uniqueness(format!(
        "A user with userName \"{}\" already exists (id {id}).",
        address.as_str()
    ))
    .into()
}

/// POST /Users: provisions a person (201). An address deleted before is provisioned again
/// (the member reactivated); one with a member or pending invitation is taken over.
pub fn create(conn: &mut DbConnection, ctx: &Ctx, body: &Value) -> ScimResult<ScimUser> {
    let org = ctx.org()?;
    let wanted = UserAttributes::from_resource(body, UserAttributes::default())?;
    let address = email(&wanted.user_name)?;
    write_transaction(conn, |conn| {
        let existing = store::find_by_address(conn, org, address.folded())?;
        if let Some(row) = existing.as_ref().filter(|r| r.deleted_at.is_none()) {
            return Err(taken(&address, row.id));
        }
        let provisioned = reconcile(conn, ctx, org, &address, &wanted)?;
        let row = match existing {
            Some(row) => {
                store::update(conn, org, row.id, &values(&address, &wanted, ctx))?;
                store::find(conn, org, row.id)?
                    .ok_or_else(|| AppError::internal(anyhow::anyhow!("record vanished")))?
            }
            None => store::insert(conn, org, &values(&address, &wanted, ctx), ctx.now)?,
        };
        Ok(match provisioned {
            Some(new) => ScimUser {
                id: row.id,
                attributes: UserAttributes {
                    user_name: row.email,
                    external_id: row.external_id,
                    display_name: row.display_name,
                    given_name: new.first,
                    family_name: new.last,
                    active: true,
                    department: new.department,
                },
                groups: Vec::new(),
                created_at: row.created_at,
                updated_at: row.updated_at,
            },
            None => resource(conn, org, &row)?,
        })
    })
}

fn find(conn: &mut DbConnection, org: OrganizationId, id: &str) -> ScimResult<ScimUserRow> {
    id.parse::<i64>()
        .ok()
        .map(|id| store::find(conn, org, id))
        .transpose()?
        .flatten()
        .ok_or_else(|| ScimError::not_found(format!("User {id} not found.")).into())
}

/// GET /Users/{id}.
pub fn get(conn: &mut DbConnection, ctx: &Ctx, id: &str) -> ScimResult<ScimUser> {
    let org = ctx.org()?;
    let row = find(conn, org, id)?;
    Ok(resource(conn, org, &row)?)
}

/// GET /Users: a page, narrowed by `filter`.
pub fn list(
    conn: &mut DbConnection,
    ctx: &Ctx,
    filter: Option<&str>,
    paging: Paging,
) -> ScimResult<Page<ScimUser>> {
    let org = ctx.org()?;
    let mut query = UserQuery::default();
    if let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) {
        let filter = Filter::parse(filter)?;
        for (attribute, value) in &filter.0 {
            match attribute {
                FilterAttribute::Id => match value.parse::<i64>() {
                    Ok(id) => query.id = Some(id),
                    Err(_) => query.id = Some(-1),
                },
                FilterAttribute::UserName | FilterAttribute::Email => {
                    query.email_folded = Some(skillstream_domain::email::fold(value))
                }
                FilterAttribute::ExternalId => query.external_id = Some(value.clone()),
                FilterAttribute::DisplayName | FilterAttribute::Member => {
                    return Err(ScimError::invalid_filter(
                        "Users can be filtered by id, userName, externalId or emails.value.",
                    )
                    .into())
                }
            }
        }
    }
    let (rows, total) = store::page(conn, org, &query, paging.offset(), paging.count)?;
    let resources = rows
        .iter()
        .map(|row| resource(conn, org, row))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        total,
        start_index: paging.start_index,
        resources,
    })
}

/// PUT /Users/{id}: the whole user (an absent `active` keeps the current one).
pub fn replace(conn: &mut DbConnection, ctx: &Ctx, id: &str, body: &Value) -> ScimResult<ScimUser> {
    change(conn, ctx, id, |current| {
        UserAttributes::from_resource(
            body,
            UserAttributes {
                active: current.active,
                ..UserAttributes::default()
            },
        )
    })
}

/// PATCH /Users/{id}: the operations applied to the user as it is. A PATCH that changes
/// nothing (Entra ID's periodic `active: true`) writes nothing.
pub fn patch(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    operations: &[PatchOperation],
) -> ScimResult<ScimUser> {
    change(conn, ctx, id, |current| {
        let mut wanted = current.clone();
        wanted.apply(operations)?;
        Ok(wanted)
    })
}

fn change(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    wanted: impl FnOnce(&UserAttributes) -> Result<UserAttributes, ScimError>,
) -> ScimResult<ScimUser> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let current = resource(conn, org, &row)?;
        let wanted = wanted(&current.attributes)?;
        if wanted == current.attributes {
            return Ok(current);
        }
        let address = email(&wanted.user_name)?;
        if address.folded() != row.email_folded {
            move_address(conn, ctx, org, &row, &address)?;
        }
        reconcile(conn, ctx, org, &address, &wanted)?;
        store::update(conn, org, row.id, &values(&address, &wanted, ctx))?;
        let row = find(conn, org, id)?;
        Ok(resource(conn, org, &row)?)
    })
}

/// A new `userName`: the member's address changes, or a pending invitation is sent again to
/// the new address (the old link stops working). The new address must be free in the
/// organization.
fn move_address(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    row: &ScimUserRow,
    address: &EmailAddress,
) -> ScimResult<()> {
    if let Some(other) = store::find_by_address(conn, org, address.folded())? {
        if other.deleted_at.is_none() {
            return Err(taken(address, other.id));
        }
        // A record deleted before: the address now belongs to this one.
        store::delete(conn, org, other.id)?;
    }
    if !matches!(person(conn, org, address.folded())?, Person::Nobody) {
        return Err(ScimError::uniqueness(format!(
            "\"{}\" already belongs to someone else in SkillStream.",
            address.as_str()
        ))
        .into());
    }
    match person(conn, org, &row.email_folded)? {
        Person::Member(member) => {
            members::set_email(conn, org, member.id, address.as_str(), address.folded())?;
            let event = Event::new(ctx, org, Action::MemberUpdated)
                .target(TargetType::Member, member.id.get())
                .target_email(address.as_str())
                .details(details! {
                    "changes": json!({"email": {"from": member.email, "to": address.as_str()}})
                });
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Person::Invited(invitation) => {
            let cancelled = invitations::cancel_pending_for(conn, ctx, org, &row.email_folded)?;
            skillstream_store::events::append(conn, cancelled.into_iter().collect())?;
            resend_to(conn, ctx, org, &invitation, address)?;
        }
        Person::Nobody => {}
    }
    Ok(())
}

/// The same invitation (role, department, group, courses, names) to another address.
fn resend_to(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    invitation: &InvitationRow,
    address: &EmailAddress,
) -> AppResult<InvitationId> {
    let row = ValidInvitation {
        email: address.clone(),
        role: invitation.role,
        department_id: invitation.department_id,
        group_id: invitation.group_id,
        first_name: invitation
            .first_name
            .as_deref()
            .and_then(|n| PersonName::parse_optional(Some(n)).ok().flatten()),
        last_name: invitation
            .last_name
            .as_deref()
            .and_then(|n| PersonName::parse_optional(Some(n)).ok().flatten()),
        course_ids: invitation_store::course_ids(conn, org, invitation.id)?,
        send_at: None,
        send_email: true,
    };
    let written = invitations::write_many(conn, ctx, org, None, std::slice::from_ref(&row))?;
    written
        .ids
        .first()
        .copied()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no invitation written")))
}

/// DELETE /Users/{id}: deactivates the member (or cancels the pending invitation); the id then
/// answers 404 until the address is provisioned again.
pub fn delete(conn: &mut DbConnection, ctx: &Ctx, id: &str) -> ScimResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let address = email(&row.email)?;
        let mut gone = resource(conn, org, &row)?.attributes;
        gone.active = false;
        reconcile(conn, ctx, org, &address, &gone)?;
        let mut values = values(&address, &gone, ctx);
        values.deleted_at = Some(to_db(ctx.now));
        store::update(conn, org, row.id, &values)?;
        Ok(())
    })
}

/// The member behind a provisioned record, if the person has accepted.
pub(crate) fn member_of(
    conn: &mut DbConnection,
    org: OrganizationId,
    row: &ScimUserRow,
) -> AppResult<Option<MemberId>> {
    Ok(members::find_by_address(conn, org, &row.email_folded)?)
}

/// The names of the organization's departments (the values `department` accepts).
pub fn department_names(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<Vec<String>> {
    Ok(catalog::list(conn, Kind::Department, ctx.org()?)?
        .into_iter()
        .map(|(_, name, _)| name)
        .collect())
}
