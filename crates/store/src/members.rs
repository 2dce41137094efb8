//! Members of an organization (the `users` table) and their course enrollments.

use crate::schema::{enrollments, users};
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
