//! The course catalog: enough to pre-assign enrollments on invitations.

use crate::context::Ctx;
use crate::error::AppResult;
use skillstream_store::catalog::{self, CourseRow};
use skillstream_store::DbConnection;

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
