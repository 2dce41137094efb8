//! User groups as SCIM Groups: the organization's groups (admins' and provisioned ones), their
//! members as SCIM ids, and memberships of provisioned people who have not accepted yet (kept
//! apart, and moved to the member on acceptance).

use crate::schema::{member_groups, scim_group_invitees, scim_users, user_groups, users};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{MemberId, OrganizationId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_groups)]
pub struct GroupRow {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub provisioned: bool,
    pub external_id: Option<String>,
}

/// A page of the organization's groups, by id, and how many match; `name` narrows to the
/// group of that exact name, `id` to that group.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: Option<i64>,
    name: Option<&str>,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<GroupRow>, i64)> {
    let filtered = || {
        let mut q = user_groups::table
            .filter(user_groups::organization_id.eq(org.get()))
            .into_boxed();
        if let Some(id) = id {
            q = q.filter(user_groups::id.eq(id));
        }
        if let Some(name) = name {
            q = q.filter(user_groups::name.eq(name.to_string()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows = if limit > 0 {
        filtered()
            .order(user_groups::id.asc())
            .offset(offset)
            .limit(limit)
            .select(GroupRow::as_select())
            .load(conn)?
    } else {
        Vec::new()
    };
    Ok((rows, total))
}

pub fn find(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
) -> StoreResult<Option<GroupRow>> {
    user_groups::table
        .filter(user_groups::id.eq(id))
        .filter(user_groups::organization_id.eq(org.get()))
        .select(GroupRow::as_select())
        .first(conn)
        .optional()
}

/// Creates a provisioned group.
pub fn insert(
    conn: &mut DbConnection,
    org: OrganizationId,
    name: &str,
    external_id: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<GroupRow> {
    diesel::insert_into(user_groups::table)
        .values((
            user_groups::organization_id.eq(org.get()),
            user_groups::name.eq(name),
            user_groups::created_at.eq(to_db(now)),
            user_groups::provisioned.eq(true),
            user_groups::external_id.eq(external_id),
        ))
        .returning(user_groups::id)
        .get_result::<i64>(conn)
        .and_then(|id| {
            user_groups::table
                .find(id)
                .select(GroupRow::as_select())
                .first(conn)
        })
}

pub fn update(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
    name: &str,
    external_id: Option<&str>,
) -> StoreResult<()> {
    diesel::update(
        user_groups::table
            .find(id)
            .filter(user_groups::organization_id.eq(org.get())),
    )
    .set((
        user_groups::name.eq(name),
        user_groups::external_id.eq(external_id),
    ))
    .execute(conn)
    .map(|_| ())
}

/// The SCIM ids of a group's members: provisioned people who are members of the group, and
/// those who will join it on acceptance.
pub fn member_ids(
    conn: &mut DbConnection,
    org: OrganizationId,
    group: i64,
) -> StoreResult<Vec<i64>> {
    let mut ids: Vec<i64> = member_groups::table
        .filter(member_groups::group_id.eq(group))
        .inner_join(users::table)
        .inner_join(
            scim_users::table.on(scim_users::organization_id
                .eq(users::organization_id)
                .and(scim_users::email_folded.eq(users::email_folded))
                .and(scim_users::deleted_at.is_null())),
        )
        .select(scim_users::id)
        .load(conn)?;
    ids.extend(
        scim_group_invitees::table
            .filter(scim_group_invitees::organization_id.eq(org.get()))
            .filter(scim_group_invitees::group_id.eq(group))
            .select(scim_group_invitees::scim_user_id)
            .load::<i64>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Adds a member to a group (nothing when already in it).
pub fn add_member(
    conn: &mut DbConnection,
    org: OrganizationId,
    group: i64,
    member: MemberId,
) -> StoreResult<()> {
    let present = member_groups::table
        .filter(member_groups::group_id.eq(group))
        .filter(member_groups::user_id.eq(member.get()))
        .count()
        .get_result::<i64>(conn)?;
    if present == 0 {
        diesel::insert_into(member_groups::table)
            .values((
                member_groups::organization_id.eq(org.get()),
                member_groups::user_id.eq(member.get()),
                member_groups::group_id.eq(group),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove_member(conn: &mut DbConnection, group: i64, member: MemberId) -> StoreResult<bool> {
    Ok(diesel::delete(
        member_groups::table
            .filter(member_groups::group_id.eq(group))
            .filter(member_groups::user_id.eq(member.get())),
    )
    .execute(conn)?
        > 0)
}

/// Records that a provisioned person who has not accepted yet belongs to a group.
pub fn add_invitee(
    conn: &mut DbConnection,
    org: OrganizationId,
    group: i64,
    scim_user: i64,
) -> StoreResult<()> {
    let present = scim_group_invitees::table
        .filter(scim_group_invitees::organization_id.eq(org.get()))
        .filter(scim_group_invitees::group_id.eq(group))
        .filter(scim_group_invitees::scim_user_id.eq(scim_user))
        .count()
        .get_result::<i64>(conn)?;
    if present == 0 {
        diesel::insert_into(scim_group_invitees::table)
            .values((
                scim_group_invitees::organization_id.eq(org.get()),
                scim_group_invitees::group_id.eq(group),
                scim_group_invitees::scim_user_id.eq(scim_user),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove_invitee(
    conn: &mut DbConnection,
    org: OrganizationId,
    group: i64,
    scim_user: i64,
) -> StoreResult<bool> {
    Ok(diesel::delete(
        scim_group_invitees::table
            .filter(scim_group_invitees::organization_id.eq(org.get()))
            .filter(scim_group_invitees::group_id.eq(group))
            .filter(scim_group_invitees::scim_user_id.eq(scim_user)),
    )
    .execute(conn)?
        > 0)
}

/// On acceptance: the groups a provisioned person was put in before accepting become the new
/// member's. Answers how many.
pub fn join_on_acceptance(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
    member: MemberId,
) -> StoreResult<usize> {
    let Some(scim_user) = scim_users::table
        .filter(scim_users::organization_id.eq(org.get()))
        .filter(scim_users::email_folded.eq(folded))
        .select(scim_users::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    let groups: Vec<i64> = scim_group_invitees::table
        .filter(scim_group_invitees::organization_id.eq(org.get()))
        .filter(scim_group_invitees::scim_user_id.eq(scim_user))
        .select(scim_group_invitees::group_id)
        .load(conn)?;
    for group in &groups {
        add_member(conn, org, *group, member)?;
    }
    diesel::delete(
        scim_group_invitees::table
            .filter(scim_group_invitees::organization_id.eq(org.get()))
            .filter(scim_group_invitees::scim_user_id.eq(scim_user)),
    )
    .execute(conn)?;
    Ok(groups.len())
}

/// Deletes a group; its memberships go with it.
pub fn delete(conn: &mut DbConnection, org: OrganizationId, id: i64) -> StoreResult<()> {
    diesel::delete(
        user_groups::table
            .find(id)
            .filter(user_groups::organization_id.eq(org.get())),
    )
    .execute(conn)
    .map(|_| ())
}
