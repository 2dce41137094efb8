//! Groups provisioned onto user groups. Every group of the organization is a SCIM Group (an
//! identity provider may link to one an admin made, by `displayName`); those it creates are
//! marked provisioned and only those may it delete. Members are provisioned users: a member
//! joins the user group at once, a person who has not accepted yet on acceptance. Unknown
//! member ids are ignored.

use super::{users, Page, Paging, ScimResult};
use crate::context::Ctx;
use crate::details;
use crate::error::AppResult;
use crate::events::Event;
use chrono::NaiveDateTime;
use serde_json::Value;
use skillstream_domain::scim::{
    Filter, FilterAttribute, GroupAttributes, GroupPatch, PatchOperation, ScimError,
};
use skillstream_domain::{Action, OrganizationId, TargetType};
use skillstream_store::scim::groups::{self as store, GroupRow};
use skillstream_store::scim::{self as people};
use skillstream_store::{is_unique_violation, write_transaction, DbConnection};
use std::collections::BTreeSet;

/// A SCIM Group as answered; members are SCIM user ids.
#[derive(Debug, Clone)]
pub struct ScimGroup {
    pub id: i64,
    pub display_name: String,
    pub external_id: Option<String>,
    pub provisioned: bool,
    pub members: Vec<i64>,
    pub created_at: NaiveDateTime,
}

fn resource(conn: &mut DbConnection, org: OrganizationId, row: GroupRow) -> AppResult<ScimGroup> {
    let ids = store::member_ids(conn, org, row.id)?;
    // Deleted records are no longer anyone's members.
    let members = people::addresses(conn, org, &ids)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(ScimGroup {
        id: row.id,
        display_name: row.name,
        external_id: row.external_id,
        provisioned: row.provisioned,
        members,
        created_at: row.created_at,
    })
}

fn attributes(group: &ScimGroup) -> GroupAttributes {
    GroupAttributes {
        display_name: group.display_name.clone(),
        external_id: group.external_id.clone(),
        members: group.members.iter().map(i64::to_string).collect(),
    }
}

fn find(conn: &mut DbConnection, org: OrganizationId, id: &str) -> ScimResult<GroupRow> {
    id.parse::<i64>()
        .ok()
        .map(|id| store::find(conn, org, id))
        .transpose()?
        .flatten()
        .ok_or_else(|| ScimError::not_found(format!("Group {id} not found.")).into())
}

fn name_taken(name: &str) -> ScimError {
    ScimError::uniqueness(format!("A group named \"{name}\" already exists."))
}

/// Adds and removes members by SCIM id; ids unknown to the organization are ignored. Answers
/// how many were added and removed.
fn apply_members(
    conn: &mut DbConnection,
    org: OrganizationId,
    group: i64,
    change: &GroupPatch,
) -> AppResult<(usize, usize)> {
    let mut counts = (0, 0);
    for (ids, adding) in [(&change.added, true), (&change.removed, false)] {
        for id in ids {
            let Some(row) = id
                .parse::<i64>()
                .ok()
                .map(|id| people::find(conn, org, id))
                .transpose()?
                .flatten()
            else {
                continue;
            };
            match (users::member_of(conn, org, &row)?, adding) {
                (Some(member), true) => store::add_member(conn, org, group, member)?,
                (None, true) => store::add_invitee(conn, org, group, row.id)?,
                (Some(member), false) => {
                    store::remove_member(conn, group, member)?;
                    store::remove_invitee(conn, org, group, row.id)?;
                }
                (None, false) => {
                    store::remove_invitee(conn, org, group, row.id)?;
                }
            }
            if adding {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
        }
    }
    Ok(counts)
}

/// POST /Groups: a provisioned user group with its members (201).
pub fn create(conn: &mut DbConnection, ctx: &Ctx, body: &Value) -> ScimResult<ScimGroup> {
    let org = ctx.org()?;
    let wanted = GroupAttributes::from_resource(body)?;
    write_transaction(conn, |conn| {
        let (existing, _) = store::page(conn, org, None, Some(&wanted.display_name), 0, 1)?;
        if !existing.is_empty() {
            return Err(name_taken(&wanted.display_name).into());
        }
        let row = store::insert(
            conn,
            org,
            &wanted.display_name,
            wanted.external_id.as_deref(),
            ctx.now,
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken(&wanted.display_name).into()
            } else {
                super::ScimFailure::from(e)
            }
        })?;
        let change = GroupPatch::between(&GroupAttributes::default(), &wanted);
        let (added, _) = apply_members(conn, org, row.id, &change)?;
        let event = Event::new(ctx, org, Action::GroupCreated)
            .target(TargetType::Group, row.id)
            .details(details! { "name": row.name, "members_added": added });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(resource(conn, org, row)?)
    })
}

/// GET /Groups/{id}.
pub fn get(conn: &mut DbConnection, ctx: &Ctx, id: &str) -> ScimResult<ScimGroup> {
    let org = ctx.org()?;
    let row = find(conn, org, id)?;
    Ok(resource(conn, org, row)?)
}

/// GET /Groups: a page, narrowed by `filter` (`displayName eq`, `id eq`, and a member).
pub fn list(
    conn: &mut DbConnection,
    ctx: &Ctx,
    filter: Option<&str>,
    paging: Paging,
) -> ScimResult<Page<ScimGroup>> {
    let org = ctx.org()?;
    let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => Filter::parse(f)?,
        None => Filter(Vec::new()),
    };
    let mut id = None;
    let mut name = None;
    let mut member = None;
    for (attribute, value) in &filter.0 {
        match attribute {
            FilterAttribute::Id => id = Some(value.parse::<i64>().unwrap_or(-1)),
            FilterAttribute::DisplayName => name = Some(value.as_str()),
            FilterAttribute::Member => member = Some(value.clone()),
            _ => {
                return Err(ScimError::invalid_filter(
                    "Groups can be filtered by id, displayName and members.",
                )
                .into())
            }
        }
    }
    let Some(member) = member else {
        let (rows, total) = store::page(conn, org, id, name, paging.offset(), paging.count)?;
        let resources = rows
            .into_iter()
            .map(|row| resource(conn, org, row))
            .collect::<AppResult<Vec<_>>>()?;
        return Ok(Page {
            total,
            start_index: paging.start_index,
            resources,
        });
    };
    // With a member: the groups that have them, then the page (an organization has few groups).
    let (rows, _) = store::page(conn, org, id, name, 0, i64::MAX)?;
    let mut resources = Vec::new();
    for row in rows {
        let group = resource(conn, org, row)?;
        if group.members.iter().any(|id| id.to_string() == member) {
            resources.push(group);
        }
    }
    let total = i64::try_from(resources.len()).unwrap_or(i64::MAX);
    let resources = resources
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(0))
        .take(usize::try_from(paging.count).unwrap_or(0))
        .collect();
    Ok(Page {
        total,
        start_index: paging.start_index,
        resources,
    })
}

/// PUT /Groups/{id}: the whole group, members included.
pub fn replace(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    body: &Value,
) -> ScimResult<ScimGroup> {
    let wanted = GroupAttributes::from_resource(body)?;
    change(conn, ctx, id, |_| Ok(wanted))
}

/// PATCH /Groups/{id}: members added, removed or replaced; `displayName` replaced.
pub fn patch(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    operations: &[PatchOperation],
) -> ScimResult<ScimGroup> {
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
    wanted: impl FnOnce(&GroupAttributes) -> Result<GroupAttributes, ScimError>,
) -> ScimResult<ScimGroup> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        let group_id = row.id;
        let current = attributes(&resource(conn, org, row.clone())?);
        let wanted = wanted(&current)?;
        if wanted.display_name.trim().is_empty() {
            return Err(ScimError::invalid_value("\"displayName\" cannot be empty.").into());
        }
        let mut details = serde_json::Map::new();
        if wanted.display_name != current.display_name {
            let (others, _) = store::page(conn, org, None, Some(&wanted.display_name), 0, 1)?;
            if others.iter().any(|g| g.id != group_id) {
                return Err(name_taken(&wanted.display_name).into());
            }
            details.insert(
                "name".into(),
                serde_json::json!({"from": current.display_name, "to": wanted.display_name}),
            );
        }
        if wanted.display_name != current.display_name || wanted.external_id != current.external_id
        {
            store::update(
                conn,
                org,
                group_id,
                &wanted.display_name,
                wanted.external_id.as_deref(),
            )?;
        }
        // Only ids that change are looked up: unknown ones in `current` cannot exist.
        let known: BTreeSet<String> = current.members.clone();
        let mut change = GroupPatch::between(&current, &wanted);
        change.removed.retain(|id| known.contains(id));
        let (added, removed) = apply_members(conn, org, group_id, &change)?;
        if added > 0 {
            details.insert("members_added".into(), added.into());
        }
        if removed > 0 {
            details.insert("members_removed".into(), removed.into());
        }
        if !details.is_empty() {
            let event = Event::new(ctx, org, Action::GroupUpdated)
                .target(TargetType::Group, group_id)
                .details(details);
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        let row = find(conn, org, id)?;
        Ok(resource(conn, org, row)?)
    })
}

/// DELETE /Groups/{id}: deletes a provisioned group (its members stay members). A group an
/// admin made is not the identity provider's to delete: 403.
pub fn delete(conn: &mut DbConnection, ctx: &Ctx, id: &str) -> ScimResult<()> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = find(conn, org, id)?;
        if !row.provisioned {
            return Err(ScimError::forbidden(format!(
                "The group \"{}\" was made by an admin in SkillStream, not provisioned; only an admin can delete it.",
                row.name
            ))
            .into());
        }
        store::delete(conn, org, row.id)?;
        let event = Event::new(ctx, org, Action::GroupDeleted)
            .target(TargetType::Group, row.id)
            .details(details! { "name": row.name });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}
