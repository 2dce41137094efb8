//! Members of an organization (the `users` table) and their course enrollments.

use crate::schema::{courses, departments, enrollments, user_groups, users};
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
            users::group_id.eq(new.group_id),
            users::status.eq(MemberStatus::Active),
            users::created_at.eq(to_db(now)),
            users::sso_subject.eq(new.sso_subject),
        ))
        .returning(users::id)
        .get_result(conn)
}

/// Enrolls a member in courses (active).
pub fn enroll(
    conn: &mut DbConnection,
    member: MemberId,
    course_ids: &[i64],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for course_id in course_ids {
        diesel::insert_into(enrollments::table)
            .values((
                enrollments::user_id.eq(member),
                enrollments::course_id.eq(course_id),
                enrollments::status.eq(EnrollmentStatus::Active),
                enrollments::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A member with the names of their department and group, as lists and `/me` show them.
#[derive(Debug, Clone, Queryable)]
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
    pub group_id: Option<i64>,
    pub group: Option<String>,
    pub created_at: chrono::NaiveDateTime,
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
            users::group_id,
            user_groups::name.nullable(),
            users::created_at,
        )
    };
}

pub fn find_view(conn: &mut DbConnection, id: MemberId) -> StoreResult<Option<MemberView>> {
    users::table
        .left_join(departments::table)
        .left_join(user_groups::table)
        .filter(users::id.eq(id))
        .select(view_columns!())
        .first(conn)
        .optional()
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
            query = query.filter(users::group_id.eq(id));
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
    let rows = crate::read_page(conn, filter.pattern.is_some(), |conn| {
        filter_members!(
            users::table
                .left_join(departments::table)
                .left_join(user_groups::table)
                .into_boxed(),
            org,
            filter
        )
        .order((users::created_at.desc(), users::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(view_columns!())
        .load(conn)
    })?;
    Ok((rows, total))
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
