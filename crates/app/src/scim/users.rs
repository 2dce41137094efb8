//! Provisioned people. A SCIM User is a record (`scim_users`) found again by address as the
//! organization's member or pending invitation, so its id stays the same when the invitation
//! is accepted. Creating one sends an invitation (`scim_provisioning: invite`) or creates an
//! active member who signs in through SSO (`activate`); an address that already has a member
//! or a pending invitation is taken over, never duplicated. `active: false` and DELETE
//! deactivate the member or cancel the invitation; nothing is ever deleted.

use super::{Page, Paging, ScimFailure, ScimResult};
use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use crate::invitations::{self, ValidInvitation};
use crate::members::{self as member_cases, MemberPatch};
use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};
use skillstream_domain::scim::{
    Filter, FilterAttribute, PatchOperation, ScimError, UserAttributes,
};
use skillstream_domain::settings::ScimProvisioning;
use skillstream_domain::{
    Action, EmailAddress, InvitationId, MemberId, MemberStatus, OrganizationId, PersonName, Role,
    TargetType,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::invitations::{self as invitation_store, InvitationRow};
use skillstream_store::members::{self, MemberView};
use skillstream_store::scim::{self as store, ScimUserRow, ScimUserValues, UserQuery};
use skillstream_store::{organizations, to_db, write_transaction, DbConnection};

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

/// Who a provisioned address is in the organization now.
enum Person {
    Member(Box<MemberView>),
    Invited(Box<InvitationRow>),
    Nobody,
}

fn person(conn: &mut DbConnection, org: OrganizationId, folded: &str) -> AppResult<Person> {
    if let Some(id) = members::find_by_address(conn, org, folded)? {
        if let Some(view) = members::find_in(conn, org, id)? {
            return Ok(Person::Member(Box::new(view)));
        }
    }
    Ok(
        match invitation_store::pending_row_for(conn, org, folded)? {
            Some(row) => Person::Invited(Box::new(row)),
            None => Person::Nobody,
        },
    )
}

/// The record as SCIM shows it: names, department and status from the member or the pending
/// invitation when there is one.
fn resource(
    conn: &mut DbConnection,
    org: OrganizationId,
    row: &ScimUserRow,
) -> AppResult<ScimUser> {
    let mut attributes = UserAttributes {
        user_name: row.email.clone(),
        external_id: row.external_id.clone(),
        display_name: row.display_name.clone(),
        given_name: row.given_name.clone(),
        family_name: row.family_name.clone(),
        active: row.active,
        department: row.department.clone(),
    };
    let mut groups = Vec::new();
    match person(conn, org, &row.email_folded)? {
        Person::Member(member) => {
            attributes.given_name = member.first_name.clone();
            attributes.family_name = member.last_name.clone();
            attributes.active = member.status == MemberStatus::Active;
            attributes.department = member.department.clone();
            groups = member.groups.clone();
        }
        Person::Invited(invitation) => {
            attributes.given_name = invitation.first_name.clone();
            attributes.family_name = invitation.last_name.clone();
            attributes.active = true;
            attributes.department = match invitation.department_id {
                Some(id) => catalog::name_of(conn, Kind::Department, id)?,
                None => None,
            };
        }
        Person::Nobody => {}
    }
    Ok(ScimUser {
        id: row.id,
        attributes,
        groups,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn email(user_name: &str) -> Result<EmailAddress, ScimError> {
    EmailAddress::parse(user_name).map_err(|e| {
        ScimError::invalid_value(format!(
            "\"userName\" must be the user's email address ({e}). Map userName to the email in your identity provider."
        ))
    })
}

fn names(attributes: &UserAttributes) -> Result<(Option<String>, Option<String>), ScimError> {
    let one = |value: Option<&str>, attribute: &str| {
        PersonName::parse_optional(value)
            .map(|n| n.map(|n| n.as_str().to_string()))
            .map_err(|e| ScimError::invalid_value(format!("\"{attribute}\": {e}")))
    };
    Ok((
        one(attributes.given_name.as_deref(), "name.givenName")?,
        one(attributes.family_name.as_deref(), "name.familyName")?,
    ))
}

/// The department of this name (without case); an unknown one is `invalidValue` naming the
/// closest existing department.
fn department(
    conn: &mut DbConnection,
    org: OrganizationId,
    name: Option<&str>,
) -> ScimResult<Option<(i64, String)>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let entries = catalog::list(conn, Kind::Department, org)?;
    if let Some((id, found, _)) = entries.iter().find(|(_, n, _)| n == name).or_else(|| {
        entries
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
    }) {
        return Ok(Some((*id, found.clone())));
    }
    let mut detail = format!("Department \"{name}\" does not exist in SkillStream.");
    match skillstream_domain::suggest(name, entries.iter().map(|(_, n, _)| n.as_str())) {
        Some(closest) => detail.push_str(&format!(
            " The closest existing department is \"{closest}\"."
        )),
        None if entries.is_empty() => detail.push_str(" The organization has no departments yet."),
        None => {}
    }
    detail.push_str(" Create it in SkillStream or fix the mapping of \"department\".");
    Err(ScimError::invalid_value(detail).into())
}

/// Takes one seat for a person who becomes active (reactivated or created active).
fn take_seat(conn: &mut DbConnection, ctx: &Ctx, org: OrganizationId) -> AppResult<()> {
    let limit = organizations::settings(conn, org)?.seat_limit;
    invitations::check_seats(conn, org, limit, 1, ctx.now)
}

/// Makes an address without member or pending invitation active: an invitation, or (in
/// `activate` mode) a member at once.
fn provision(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    address: &EmailAddress,
    (first, last): (Option<&str>, Option<&str>),
    department_id: Option<i64>,
) -> ScimResult<()> {
    let settings = organizations::settings(conn, org)?;
    match settings.scim_provisioning {
        ScimProvisioning::Invite => {
            let row = ValidInvitation {
                email: address.clone(),
                role: Role::Learner,
                department_id,
                group_id: None,
                first_name: first.and_then(|n| PersonName::parse_optional(Some(n)).ok().flatten()),
                last_name: last.and_then(|n| PersonName::parse_optional(Some(n)).ok().flatten()),
                course_ids: Vec::new(),
                send_at: None,
                send_email: true,
            };
            invitations::write_under(conn, ctx, org, &settings, None, std::slice::from_ref(&row))?;
        }
        ScimProvisioning::Activate => {
            invitations::check_seats(conn, org, settings.seat_limit, 1, ctx.now)?;
            let member = members::insert(
                conn,
                &members::NewMember {
                    organization_id: org,
                    email: address.as_str(),
                    email_folded: address.folded(),
                    password_hash: None,
                    first_name: first,
                    last_name: last,
                    role: Role::Learner,
                    department_id,
                    group_id: None,
                    sso_subject: None,
                },
                ctx.now,
            )?;
            let event = Event::new(ctx, org, Action::MemberCreated)
                .target(TargetType::Member, member.get())
                .target_email(address.as_str())
                .details(details! { "role": Role::Learner.as_str(), "sign_in": "sso" });
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
    }
    Ok(())
}

/// A person just provisioned (invited, or created active): what SCIM shows of them, known
/// without reading them back.
struct Provisioned {
    first: Option<String>,
    last: Option<String>,
    department: Option<String>,
}

/// Brings the person at the record's address in line with what the identity provider wants:
/// names, department, active or not. Answers what it provisioned, if it did.
fn reconcile(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    address: &EmailAddress,
    wanted: &UserAttributes,
) -> ScimResult<Option<Provisioned>> {
    let department = department(conn, org, wanted.department.as_deref())?;
    let department_id = department.as_ref().map(|(id, _)| *id);
    let (first, last) = names(wanted)?;
    match person(conn, org, address.folded())? {
        Person::Member(member) => {
            let id = member.id;
            if wanted.active && member.status == MemberStatus::Deactivated {
                take_seat(conn, ctx, org)?;
                member_cases::reactivate_in(conn, ctx, org, id)?;
            }
            let patch = MemberPatch {
                first_name: Some(first),
                last_name: Some(last),
                department_id: Some(department_id),
                ..MemberPatch::default()
            };
            member_cases::update_in(conn, ctx, org, id, &patch)?;
            if !wanted.active && member.status == MemberStatus::Active {
                member_cases::deactivate_in(conn, ctx, org, id)?;
            }
        }
        Person::Invited(invitation) => {
            if !wanted.active {
                let cancelled = invitations::cancel_pending_for(conn, ctx, org, address.folded())?;
                skillstream_store::events::append(conn, cancelled.into_iter().collect())?;
                return Ok(None);
            }
            update_invitation(conn, ctx, org, &invitation, first, last, department_id)?;
        }
        Person::Nobody if wanted.active => {
            provision(
                conn,
                ctx,
                org,
                address,
                (first.as_deref(), last.as_deref()),
                department_id,
            )?;
            return Ok(Some(Provisioned {
                first,
                last,
                department: department.map(|(_, name)| name),
            }));
        }
        Person::Nobody => {}
    }
    Ok(None)
}

fn update_invitation(
    conn: &mut DbConnection,
    ctx: &Ctx,
    org: OrganizationId,
    invitation: &InvitationRow,
    first: Option<String>,
    last: Option<String>,
    department_id: Option<i64>,
) -> AppResult<()> {
    let mut changes = Map::new();
    let mut note = |field: &str, from: Value, to: Value| {
        if from != to {
            changes.insert(field.into(), json!({"from": from, "to": to}));
        }
    };
    note("first_name", json!(invitation.first_name), json!(first));
    note("last_name", json!(invitation.last_name), json!(last));
    note(
        "department_id",
        json!(invitation.department_id),
        json!(department_id),
    );
    if changes.is_empty() {
        return Ok(());
    }
    invitation_store::set_person(
        conn,
        invitation.id,
        first.as_deref(),
        last.as_deref(),
        department_id,
        ctx.now,
    )?;
    let event = Event::new(ctx, org, Action::InvitationUpdated)
        .invitation(invitation.id, &invitation.email)
        .details(details! { "changes": changes });
    skillstream_store::events::append(conn, vec![event.into_row()])?;
    Ok(())
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
                store::update(conn, row.id, &values(&address, &wanted, ctx))?;
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
        store::update(conn, row.id, &values(&address, &wanted, ctx))?;
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
        store::delete(conn, other.id)?;
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
        course_ids: invitation_store::course_ids(conn, invitation.id)?,
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
        store::update(conn, row.id, &values)?;
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

/// Refuses an over-limit write with the SCIM answer: 403 with a `detail` saying so.
pub fn seat_limit_detail(error: &AppError) -> Option<String> {
    (error.code() == ErrorCode::SeatLimitReached).then(|| {
        format!(
            "The organization's seat limit is reached: {}",
            error.body().message
        )
    })
}

/// The names of the organization's departments (the values `department` accepts).
pub fn department_names(conn: &mut DbConnection, ctx: &Ctx) -> AppResult<Vec<String>> {
    Ok(catalog::list(conn, Kind::Department, ctx.org()?)?
        .into_iter()
        .map(|(_, name, _)| name)
        .collect())
}
