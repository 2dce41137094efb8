//! The course catalog: the courses invitations pre-assign. A course is renamed or archived,
//! never deleted: invitations and enrollments keep pointing at it.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use skillstream_store::catalog::{self, CourseChanges, CourseRow};
use skillstream_store::{to_db, write_transaction, DbConnection};

/// Adds a course to the caller's organization; the title and description are checked by the
/// caller (trimmed, within their lengths).
pub fn create_course(
    conn: &mut DbConnection,
    ctx: &Ctx,
    title: &str,
    description: Option<&str>,
) -> AppResult<CourseRow> {
    Ok(catalog::insert_course(
        conn,
        ctx.org()?,
        title,
        description,
        ctx.now,
    )?)
}

/// An edit of a course; `None` leaves a field as it is. Checked by the caller like a new one.
#[derive(Debug, Clone, Default)]
pub struct CourseEdit {
    pub title: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    /// `Some(true)` archives (kept on invitations and dashboards that have it, no longer offered
    /// for new invitations), `Some(false)` restores. Archiving an archived course keeps its date.
    pub archived: Option<bool>,
}

/// Renames, describes, archives or restores a course of the caller's organization.
pub fn edit_course(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: i64,
    edit: &CourseEdit,
) -> AppResult<CourseRow> {
    let org = ctx.org()?;
    let not_found = || AppError::not_found("Course");
    write_transaction(conn, |conn| {
        let current = catalog::find_course(conn, org, id)?.ok_or_else(not_found)?;
        let archived_at = match edit.archived {
            Some(true) if current.archived_at.is_none() => Some(Some(to_db(ctx.now))),
            Some(false) if current.archived_at.is_some() => Some(None),
            _ => None,
        };
        let changes = CourseChanges {
            title: edit.title.as_deref(),
            description: edit.description.as_ref().map(Option::as_deref),
            archived_at,
        };
        catalog::update_course(conn, org, id, &changes)?.ok_or_else(not_found)
    })
}
