//! Members of an organization (the `users` table) and their course enrollments.

use crate::schema::{courses, departments, enrollments, member_groups, user_groups, users};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::{EnrollmentStatus, MemberId, MemberStatus, OrganizationId, Role};
use std::collections::HashMap;

/// The member of the organization with this (folded) address.
pub fn find_by_address(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> StoreResult<Option<MemberId>> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::email_folded.eq(folded))
        .select(users::id)
        .first(conn)
        .optional()
}

/// True when the member belongs to the organization.
pub fn exists(conn: &mut DbConnection, org: OrganizationId, id: MemberId) -> StoreResult<bool> {
    Ok(users::table
        .filter(users::organization_id.eq(org))
        .filter(users::id.eq(id))
        .select(users::id)
        .first::<MemberId>(conn)
        .optional()?
        .is_some())
}

/// The folded addresses of every member of the organization.
pub fn addresses(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<Vec<String>> {
    users::table
        .filter(users::organization_id.eq(org))
        .select(users::email_folded)
        .load(conn)
}

/// How many members of the organization are active.
pub fn active_count(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<i64> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::status.eq(MemberStatus::Active))
        .count()
        .get_result(conn)
}

/// The folded addresses of the organization's deactivated members.
pub fn deactivated_addresses(
    conn: &mut DbConnection,
    org: OrganizationId,
) -> StoreResult<Vec<String>> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::status.eq(MemberStatus::Deactivated))
        .select(users::email_folded)
        .load(conn)
}

/// The addresses of the organization's active admins (told of renewal requests).
pub fn admin_addresses(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<Vec<String>> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::role.eq(skillstream_domain::Role::Admin))
        .filter(users::status.eq(skillstream_domain::MemberStatus::Active))
        .order(users::id.asc())
        .select(users::email)
        .load(conn)
}

/// Email and display name ("First Last", none when the member has no name) of members.
pub fn display_names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, (String, Option<String>)>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email, users::first_name, users::last_name))
        .load::<(i64, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, email, first, last)| {
            let name = skillstream_domain::full_name(first.as_deref(), last.as_deref());
            (id, (email, name))
        })
        .collect())
}

/// A member to create (on acceptance).
pub struct NewMember<'a> {
    pub organization_id: OrganizationId,
    pub email: &'a str,
    pub email_folded: &'a str,
    pub password_hash: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub role: Role,
    pub department_id: Option<i64>,
    /// The invitation's group, if any: the member's first.
    pub group_id: Option<i64>,
    pub sso_subject: Option<&'a str>,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewMember<'_>,
    now: DateTime<Utc>,
) -> StoreResult<MemberId> {
    diesel::insert_into(users::table)
        .values((
            users::organization_id.eq(new.organization_id),
            users::email.eq(new.email),
            users::email_folded.eq(new.email_folded),
            users::password_hash.eq(new.password_hash),
            users::first_name.eq(new.first_name),
            users::last_name.eq(new.last_name),
            users::role.eq(new.role),
            users::department_id.eq(new.department_id),
            users::status.eq(MemberStatus::Active),
            users::created_at.eq(to_db(now)),
            users::sso_subject.eq(new.sso_subject),
        ))
        .returning(users::id)
        .get_result(conn)
        .and_then(|id: MemberId| {
            if let Some(group) = new.group_id {
                set_groups(conn, new.organization_id, id, &[group])?;
            }
            Ok(id)
        })
}

/// Makes the member's groups exactly `groups` (ids of the organization's groups).
pub fn set_groups(
    conn: &mut DbConnection,
    org: OrganizationId,
    member: MemberId,
    groups: &[i64],
) -> StoreResult<()> {
    diesel::delete(
        member_groups::table
            .filter(member_groups::organization_id.eq(org.get()))
            .filter(member_groups::user_id.eq(member.get())),
    )
    .execute(conn)?;
    for group in groups {
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

/// The groups (id, name) of each of these members, by name.
pub fn groups_of(
    conn: &mut DbConnection,
    members: &[MemberId],
) -> StoreResult<HashMap<MemberId, Vec<(i64, String)>>> {
    let ids: Vec<i64> = members.iter().map(|m| m.get()).collect();
    let mut out: HashMap<MemberId, Vec<(i64, String)>> = HashMap::new();
    for (user, id, name) in member_groups::table
        .inner_join(user_groups::table)
        .filter(member_groups::user_id.eq_any(&ids))
        .order((user_groups::name.asc(), user_groups::id.asc()))
        .select((member_groups::user_id, user_groups::id, user_groups::name))
        .load::<(i64, i64, String)>(conn)?
    {
        out.entry(MemberId(user)).or_default().push((id, name));
    }
    Ok(out)
}

/// Enrolls a member in courses (active).
pub fn enroll(
    conn: &mut DbConnection,
    org: OrganizationId,
    member: MemberId,
    course_ids: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for course_id in course_ids {
        diesel::insert_into(enrollments::table)
            .values((
                enrollments::organization_id.eq(org),
                enrollments::user_id.eq(member),
                enrollments::course_id.eq(course_id),
                enrollments::status.eq(EnrollmentStatus::Active),
                enrollments::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A member with the name of their department and their groups, as lists and `/me` show them.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub id: MemberId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub status: MemberStatus,
    pub department_id: Option<i64>,
    pub department: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub deactivated_at: Option<chrono::NaiveDateTime>,
    /// (id, name), by name.
    pub groups: Vec<(i64, String)>,
}

type MemberRow = (
    MemberId,
    OrganizationId,
    String,
    Option<String>,
    Option<String>,
    Role,
    MemberStatus,
    Option<i64>,
    Option<String>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// Adds each member's groups (one more query, whatever their number).
fn with_groups(conn: &mut DbConnection, rows: Vec<MemberRow>) -> StoreResult<Vec<MemberView>> {
    let ids: Vec<MemberId> = rows.iter().map(|r| r.0).collect();
    let mut groups = groups_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| MemberView {
            groups: groups.remove(&r.0).unwrap_or_default(),
            id: r.0,
            organization_id: r.1,
            email: r.2,
            first_name: r.3,
            last_name: r.4,
            role: r.5,
            status: r.6,
            department_id: r.7,
            department: r.8,
            created_at: r.9,
            deactivated_at: r.10,
        })
        .collect())
}

macro_rules! view_columns {
    () => {
        (
            users::id,
            users::organization_id,
            users::email,
            users::first_name,
            users::last_name,
            users::role,
            users::status,
            users::department_id,
            departments::name.nullable(),
            users::created_at,
            users::deactivated_at,
        )
    };
}

pub fn find_view(conn: &mut DbConnection, id: MemberId) -> StoreResult<Option<MemberView>> {
    let row: Option<MemberRow> = users::table
        .left_join(departments::table)
        .filter(users::id.eq(id))
        .select(view_columns!())
        .first(conn)
        .optional()?;
    Ok(with_groups(conn, row.into_iter().collect())?.pop())
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Already escaped for LIKE with `\`, lower case.
    pub pattern: Option<String>,
    pub role: Option<Role>,
    pub status: Option<MemberStatus>,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
}

macro_rules! filter_members {
    ($query:expr, $org:expr, $f:expr) => {{
        let mut query = $query.filter(users::organization_id.eq($org));
        if let Some(pattern) = &$f.pattern {
            query = query.filter(
                users::email_folded
                    .like(pattern.clone())
                    .escape('\\')
                    .nullable()
                    .or(crate::lower(users::first_name)
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(crate::lower(users::last_name)
                        .like(pattern.clone())
                        .escape('\\')),
            );
        }
        if let Some(role) = $f.role {
            query = query.filter(users::role.eq(role));
        }
        if let Some(status) = $f.status {
            query = query.filter(users::status.eq(status));
        }
        if let Some(id) = $f.department_id {
            query = query.filter(users::department_id.eq(id));
        }
        if let Some(id) = $f.group_id {
            query = query.filter(
                users::id.eq_any(
                    member_groups::table
                        .filter(member_groups::group_id.eq(id))
                        .select(member_groups::user_id),
                ),
            );
        }
        query
    }};
}

/// A page of the organization's members, newest first, and how many match.
pub fn page(
    conn: &mut DbConnection,
    org: OrganizationId,
    filter: &MemberFilter,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<MemberView>, i64)> {
    let total: i64 = filter_members!(users::table.into_boxed(), org, filter)
        .count()
        .get_result(conn)?;
    let rows: Vec<MemberRow> = crate::read_page(conn, filter.pattern.is_some(), |conn| {
        filter_members!(
            users::table.left_join(departments::table).into_boxed(),
            org,
            filter
        )
        .order((users::created_at.desc(), users::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(view_columns!())
        .load(conn)
    })?;
    Ok((with_groups(conn, rows)?, total))
}

/// A course on a member's dashboard: enrollment id, course id, title, description, status,
/// enrolled at.
pub type EnrollmentRow = (
    i64,
    i64,
    String,
    Option<String>,
    EnrollmentStatus,
    chrono::NaiveDateTime,
);

pub fn enrollments(conn: &mut DbConnection, member: MemberId) -> StoreResult<Vec<EnrollmentRow>> {
    enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(member))
        .order((courses::title.asc(), enrollments::id.asc()))
        .select((
            enrollments::id,
            courses::id,
            courses::title,
            courses::description,
            enrollments::status,
            enrollments::created_at,
        ))
        .load(conn)
}

/// Makes an existing member an active admin with a new password hash.
pub fn make_admin(conn: &mut DbConnection, id: MemberId, password_hash: &str) -> StoreResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(Role::Admin),
            users::status.eq(MemberStatus::Active),
            users::password_hash.eq(password_hash),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Someone who may be signing in: member id, organization, password hash, and whether their
/// organization enforces single sign-on.
pub type Candidate = (i64, i64, Option<String>, bool);

/// The active members with this (folded) address who could sign in with a password.
pub fn sign_in_candidates(
    conn: &mut DbConnection,
    folded: &str,
    org_filter: Option<i64>,
) -> StoreResult<Vec<Candidate>> {
    use crate::schema::organizations;
    let mut query = users::table
        .inner_join(organizations::table)
        .filter(users::email_folded.eq(folded))
        .filter(users::status.eq(MemberStatus::Active))
        .select((
            users::id,
            users::organization_id,
            users::password_hash,
            organizations::sso_enforced,
        ))
        .into_boxed();
    if let Some(org) = org_filter {
        query = query.filter(users::organization_id.eq(org));
    }
    query.order(users::id.asc()).limit(10).load(conn)
}

/// A member's own fields that an admin may change; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct MemberChanges {
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub role: Option<Role>,
    pub department_id: Option<Option<i64>>,
}

/// The member of the organization, with their groups (none: no such member there).
pub fn find_in(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: MemberId,
) -> StoreResult<Option<MemberView>> {
    Ok(find_view(conn, id)?.filter(|m| m.organization_id == org))
}

pub fn update(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: MemberId,
    changes: &MemberChanges,
) -> StoreResult<usize> {
    if changes.first_name.is_none()
        && changes.last_name.is_none()
        && changes.role.is_none()
        && changes.department_id.is_none()
    {
        return Ok(0);
    }
    diesel::update(
        users::table
            .filter(users::organization_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// Deactivates (`Some(now)`) or reactivates (`None`) a member of the organization.
pub fn set_deactivated(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: MemberId,
    at: Option<DateTime<Utc>>,
) -> StoreResult<usize> {
    let status = if at.is_some() {
        MemberStatus::Deactivated
    } else {
        MemberStatus::Active
    };
    diesel::update(
        users::table
            .filter(users::organization_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .set((
        users::status.eq(status),
        users::deactivated_at.eq(at.map(to_db)),
    ))
    .execute(conn)
}

/// How many active admins the organization has.
pub fn active_admins(conn: &mut DbConnection, org: OrganizationId) -> StoreResult<i64> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::role.eq(Role::Admin))
        .filter(users::status.eq(MemberStatus::Active))
        .count()
        .get_result(conn)
}

/// The member with this (folded) address, with their status.
pub fn status_by_address(
    conn: &mut DbConnection,
    org: OrganizationId,
    folded: &str,
) -> StoreResult<Option<(MemberId, MemberStatus)>> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::email_folded.eq(folded))
        .select((users::id, users::status))
        .first(conn)
        .optional()
}

/// Which of these ids are groups of the organization.
pub fn known_groups(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[i64],
) -> StoreResult<Vec<i64>> {
    user_groups::table
        .filter(user_groups::organization_id.eq(org))
        .filter(user_groups::id.eq_any(ids))
        .select(user_groups::id)
        .load(conn)
}

/// Whether the department belongs to the organization.
pub fn known_department(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
) -> StoreResult<bool> {
    Ok(departments::table
        .filter(departments::organization_id.eq(org))
        .filter(departments::id.eq(id))
        .select(departments::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Changes a member's address (an identity provider renamed the person).
pub fn set_email(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: MemberId,
    email: &str,
    folded: &str,
) -> StoreResult<usize> {
    diesel::update(
        users::table
            .filter(users::organization_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .set((users::email.eq(email), users::email_folded.eq(folded)))
    .execute(conn)
}
