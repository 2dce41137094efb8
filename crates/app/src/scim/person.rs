//! Who a provisioned address is in the organization (member, pending invitation, or nobody
//! yet), what SCIM shows of them, and bringing them in line with what the identity provider
//! wants: names, department, active or not — inviting, creating, reactivating, deactivating or
//! cancelling through the member and invitation use cases.

use super::users::ScimUser;
use super::ScimResult;
use crate::context::Ctx;
use crate::details;
use crate::error::AppResult;
use crate::events::Event;
use crate::invitations::{self, ValidInvitation};
use crate::members::{self as member_cases, MemberPatch};
use serde_json::{json, Map, Value};
use skillstream_domain::scim::{ScimError, UserAttributes};
use skillstream_domain::settings::ScimProvisioning;
use skillstream_domain::{
    Action, EmailAddress, MemberStatus, OrganizationId, PersonName, Role, TargetType,
};
use skillstream_store::catalog::{self, Kind};
use skillstream_store::invitations::{self as invitation_store, InvitationRow};
use skillstream_store::members::{self, MemberView};
use skillstream_store::scim::ScimUserRow;
use skillstream_store::{organizations, DbConnection};

/// Who a provisioned address is in the organization now.
pub(super) enum Person {
    Member(Box<MemberView>),
    Invited(Box<InvitationRow>),
    Nobody,
}

pub(super) fn person(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> AppResult<Person> {
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
pub(super) fn resource(
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

pub(super) fn email(user_name: &str) -> Result<EmailAddress, ScimError> {
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
pub(super) struct Provisioned {
    pub(super) first: Option<String>,
    pub(super) last: Option<String>,
    pub(super) department: Option<String>,
}

/// Brings the person at the record's address in line with what the identity provider wants:
/// names, department, active or not. Answers what it provisioned, if it did.
pub(super) fn reconcile(
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
