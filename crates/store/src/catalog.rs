//! Departments, user groups and courses: the named lists invitations refer to. Departments
//! and groups behave the same, so they share one set of functions keyed by [`Kind`].

use crate::schema::{courses, departments, user_groups};
use crate::{to_db, DbConnection, StoreResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use skillstream_domain::OrganizationId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Department,
    Group,
}

/// Id, name and creation time of a department or group.
pub type EntryRow = (i64, String, NaiveDateTime);

/// The organization's entries, by name.
pub fn list(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
) -> StoreResult<Vec<EntryRow>> {
    match kind {
        Kind::Department => departments::table
            .filter(departments::organization_id.eq(org))
            .order((departments::name.asc(), departments::id.asc()))
            .select((departments::id, departments::name, departments::created_at))
            .load(conn),
        Kind::Group => user_groups::table
            .filter(user_groups::organization_id.eq(org))
            .order((user_groups::name.asc(), user_groups::id.asc()))
            .select((user_groups::id, user_groups::name, user_groups::created_at))
            .load(conn),
    }
}

/// One entry of the organization; `None` when it has no such entry.
pub fn find(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    id: i64,
) -> StoreResult<Option<EntryRow>> {
    match kind {
        Kind::Department => departments::table
            .find(id)
            .filter(departments::organization_id.eq(org))
            .select((departments::id, departments::name, departments::created_at))
            .first(conn)
            .optional(),
        Kind::Group => user_groups::table
            .find(id)
            .filter(user_groups::organization_id.eq(org))
            .select((user_groups::id, user_groups::name, user_groups::created_at))
            .first(conn)
            .optional(),
    }
}

pub fn insert(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<EntryRow> {
    let created = to_db(now);
    let id: i64 = match kind {
        Kind::Department => diesel::insert_into(departments::table)
            .values((
                departments::organization_id.eq(org),
                departments::name.eq(name),
                departments::created_at.eq(created),
            ))
            .returning(departments::id)
            .get_result(conn)?,
        Kind::Group => diesel::insert_into(user_groups::table)
            .values((
                user_groups::organization_id.eq(org),
                user_groups::name.eq(name),
                user_groups::created_at.eq(created),
            ))
            .returning(user_groups::id)
            .get_result(conn)?,
    };
    Ok((id, name.to_string(), created))
}

/// Renames an entry of the organization; `None` when it has no such entry.
pub fn rename(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    id: i64,
    name: &str,
) -> StoreResult<Option<EntryRow>> {
    match kind {
        Kind::Department => diesel::update(
            departments::table
                .find(id)
                .filter(departments::organization_id.eq(org)),
        )
        .set(departments::name.eq(name))
        .returning((departments::id, departments::name, departments::created_at))
        .get_result(conn)
        .optional(),
        Kind::Group => diesel::update(
            user_groups::table
                .find(id)
                .filter(user_groups::organization_id.eq(org)),
        )
        .set(user_groups::name.eq(name))
        .returning((user_groups::id, user_groups::name, user_groups::created_at))
        .get_result(conn)
        .optional(),
    }
}

/// Deletes an entry of the organization and clears it from invitations (members are cleared
/// by their foreign key). Answers false when the organization has no such entry.
pub fn delete(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
    id: i64,
) -> StoreResult<bool> {
    let deleted = match kind {
        Kind::Department => {
            crate::invitations::clear_department(conn, org, id)?;
            diesel::delete(
                departments::table
                    .find(id)
                    .filter(departments::organization_id.eq(org)),
            )
            .execute(conn)?
        }
        Kind::Group => {
            crate::invitations::clear_group(conn, org, id)?;
            diesel::delete(
                user_groups::table
                    .find(id)
                    .filter(user_groups::organization_id.eq(org)),
            )
            .execute(conn)?
        }
    };
    Ok(deleted > 0)
}

/// The name of one entry (any organization: the caller has the id from a scoped row).
pub fn name_of(conn: &mut DbConnection, kind: Kind, id: i64) -> StoreResult<Option<String>> {
    match kind {
        Kind::Department => departments::table
            .find(id)
            .select(departments::name)
            .first(conn)
            .optional(),
        Kind::Group => user_groups::table
            .find(id)
            .select(user_groups::name)
            .first(conn)
            .optional(),
    }
}

/// Which of these course ids belong to the organization, each with whether it is archived.
pub fn existing_courses(
    conn: &mut DbConnection,
    org: OrganizationId,
    ids: &[i64],
) -> StoreResult<Vec<(i64, bool)>> {
    Ok(courses::table
        .filter(courses::organization_id.eq(org))
        .filter(courses::id.eq_any(ids))
        .select((courses::id, courses::archived_at))
        .load::<(i64, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, archived_at)| (id, archived_at.is_some()))
        .collect())
}

/// The first name, alphabetically, of the organization's departments or groups.
pub fn first_name(
    conn: &mut DbConnection,
    kind: Kind,
    org: OrganizationId,
) -> StoreResult<Option<String>> {
    Ok(list(conn, kind, org)?
        .into_iter()
        .next()
        .map(|(_, name, _)| name))
}

/// A course of the catalog.
#[derive(Debug, Clone, Queryable)]
pub struct CourseRow {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    /// When it was archived: it can no longer be pre-assigned.
    pub archived_at: Option<NaiveDateTime>,
}

/// The columns of [`CourseRow`], in its order (a tuple: the multi-backend connection cannot
/// `RETURNING` a `Selectable`).
const COURSE: (
    courses::id,
    courses::title,
    courses::description,
    courses::created_at,
    courses::archived_at,
) = (
    courses::id,
    courses::title,
    courses::description,
    courses::created_at,
    courses::archived_at,
);

/// The organization's courses by title; archived ones only when asked for.
pub fn courses(
    conn: &mut DbConnection,
    org: OrganizationId,
    include_archived: bool,
) -> StoreResult<Vec<CourseRow>> {
    let mut query = courses::table
        .filter(courses::organization_id.eq(org))
        .order((courses::title.asc(), courses::id.asc()))
        .select(COURSE)
        .into_boxed();
    if !include_archived {
        query = query.filter(courses::archived_at.is_null());
    }
    query.load(conn)
}

pub fn insert_course(
    conn: &mut DbConnection,
    org: OrganizationId,
    title: &str,
    description: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<CourseRow> {
    diesel::insert_into(courses::table)
        .values((
            courses::organization_id.eq(org),
            courses::title.eq(title),
            courses::description.eq(description),
            courses::created_at.eq(to_db(now)),
        ))
        .returning(COURSE)
        .get_result(conn)
}

/// What an edit of a course changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = courses)]
pub struct CourseChanges<'a> {
    pub title: Option<&'a str>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<&'a str>>,
    /// `Some(Some(t))` archives, `Some(None)` restores.
    pub archived_at: Option<Option<NaiveDateTime>>,
}

/// A course of the organization; `None` when it has no such course.
pub fn find_course(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
) -> StoreResult<Option<CourseRow>> {
    courses::table
        .find(id)
        .filter(courses::organization_id.eq(org))
        .select(COURSE)
        .first(conn)
        .optional()
}

/// Changes a course of the organization; `None` when it has no such course.
pub fn update_course(
    conn: &mut DbConnection,
    org: OrganizationId,
    id: i64,
    changes: &CourseChanges<'_>,
) -> StoreResult<Option<CourseRow>> {
    let target = courses::table
        .find(id)
        .filter(courses::organization_id.eq(org));
    if changes.title.is_none() && changes.description.is_none() && changes.archived_at.is_none() {
        return find_course(conn, org, id);
    }
    diesel::update(target)
        .set(changes)
        .returning(COURSE)
        .get_result(conn)
        .optional()
}
