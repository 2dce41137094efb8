//! The course catalog: the courses invitations pre-assign. A course is renamed or archived,
//! never deleted: invitations and enrollments keep pointing at it.

use crate::context::Ctx;
use crate::details;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::Event;
use skillstream_domain::{Action, TargetType};
use skillstream_store::catalog::{self, CourseChanges};
pub use skillstream_store::catalog::{CourseRow, EntryRow, Kind};
use skillstream_store::{is_unique_violation, to_db, write_transaction, DbConnection, StoreError};

/// The caller's organization's courses, by title; archived ones only when asked for.
pub fn courses(
    conn: &mut DbConnection,
    ctx: &Ctx,
    include_archived: bool,
) -> AppResult<Vec<CourseRow>> {
    Ok(catalog::courses(conn, ctx.org()?, include_archived)?)
}

/// Adds a course to the caller's organization, with its event; the title and description are
/// checked by the caller (trimmed, within their lengths).
pub fn create_course(
    conn: &mut DbConnection,
    ctx: &Ctx,
    title: &str,
    description: Option<&str>,
) -> AppResult<CourseRow> {
    let org = ctx.org()?;
    write_transaction(conn, |conn| {
        let row = catalog::insert_course(conn, org, title, description, ctx.now)?;
        let event = Event::new(ctx, org, Action::CourseCreated)
            .target(TargetType::Course, row.id)
            .details(details! { "title": row.title });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(row)
    })
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
        let row = catalog::update_course(conn, org, id, &changes)?.ok_or_else(not_found)?;
        let mut details = serde_json::Map::new();
        if row.title != current.title {
            details.insert(
                "title".into(),
                serde_json::json!({ "from": current.title, "to": row.title }),
            );
        }
        if row.description != current.description {
            details.insert("description_changed".into(), true.into());
        }
        if row.archived_at.is_some() != current.archived_at.is_some() {
            details.insert("archived".into(), row.archived_at.is_some().into());
        }
        if !details.is_empty() {
            let event = Event::new(ctx, org, Action::CourseUpdated)
                .target(TargetType::Course, row.id)
                .details(details);
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Ok(row)
    })
}

/// What a department or group is called in messages.
fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Department => "Department",
        Kind::Group => "Group",
    }
}

/// The events of a department's or group's life.
fn actions(kind: Kind) -> (Action, Action, Action, TargetType) {
    match kind {
        Kind::Department => (
            Action::DepartmentCreated,
            Action::DepartmentUpdated,
            Action::DepartmentDeleted,
            TargetType::Department,
        ),
        Kind::Group => (
            Action::GroupCreated,
            Action::GroupUpdated,
            Action::GroupDeleted,
            TargetType::Group,
        ),
    }
}

/// The answer to a name another entry of the organization already has.
fn taken(kind: Kind, name: &str) -> AppError {
    AppError::new(
        match kind {
            Kind::Department => ErrorCode::DepartmentNameTaken,
            Kind::Group => ErrorCode::GroupNameTaken,
        },
        format!("{} \"{name}\" already exists.", label(kind)),
    )
}

fn or_taken(kind: Kind, name: &str) -> impl FnOnce(StoreError) -> AppError + '_ {
    move |e| {
        if is_unique_violation(&e) {
            taken(kind, name)
        } else {
            AppError::from(e)
        }
    }
}

/// A department and a group of the organization (the first by name), for an example row.
pub fn example_names(
    conn: &mut DbConnection,
    org: skillstream_domain::OrganizationId,
) -> AppResult<(Option<String>, Option<String>)> {
    Ok((
        catalog::first_name(conn, Kind::Department, org)?,
        catalog::first_name(conn, Kind::Group, org)?,
    ))
}

/// The organization's departments or groups, by name.
pub fn list_entries(conn: &mut DbConnection, ctx: &Ctx, kind: Kind) -> AppResult<Vec<EntryRow>> {
    Ok(catalog::list(conn, kind, ctx.org()?)?)
}

/// Adds a department or group, named as checked by the caller (trimmed, 1–100 characters),
/// with its event.
pub fn create_entry(
    conn: &mut DbConnection,
    ctx: &Ctx,
    kind: Kind,
    name: &str,
) -> AppResult<EntryRow> {
    let org = ctx.org()?;
    let (created, _, _, target) = actions(kind);
    write_transaction(conn, |conn| {
        let row = catalog::insert(conn, kind, org, name, ctx.now).map_err(or_taken(kind, name))?;
        let event = Event::new(ctx, org, created)
            .target(target, row.0)
            .details(details! { "name": row.1 });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(row)
    })
}

/// Renames a department or group of the caller's organization; the event says from what to
/// what (none when the name is the same).
pub fn rename_entry(
    conn: &mut DbConnection,
    ctx: &Ctx,
    kind: Kind,
    id: i64,
    name: &str,
) -> AppResult<EntryRow> {
    let org = ctx.org()?;
    let (_, updated, _, target) = actions(kind);
    let not_found = || AppError::not_found(label(kind));
    write_transaction(conn, |conn| {
        let (_, previous, _) = catalog::find(conn, kind, org, id)?.ok_or_else(not_found)?;
        let row = catalog::rename(conn, kind, org, id, name)
            .map_err(or_taken(kind, name))?
            .ok_or_else(not_found)?;
        if previous != row.1 {
            let event = Event::new(ctx, org, updated)
                .target(target, row.0)
                .details(details! { "name": serde_json::json!({ "from": previous, "to": row.1 }) });
            skillstream_store::events::append(conn, vec![event.into_row()])?;
        }
        Ok(row)
    })
}

/// Deletes a department or group of the caller's organization; members and invitations that
/// named it keep none. Another organization's id is not found and changes nothing.
pub fn delete_entry(conn: &mut DbConnection, ctx: &Ctx, kind: Kind, id: i64) -> AppResult<()> {
    let org = ctx.org()?;
    let (_, _, deleted, target) = actions(kind);
    let not_found = || AppError::not_found(label(kind));
    write_transaction(conn, |conn| {
        let (_, name, _) = catalog::find(conn, kind, org, id)?.ok_or_else(not_found)?;
        if !catalog::delete(conn, kind, org, id)? {
            return Err(not_found());
        }
        let event = Event::new(ctx, org, deleted)
            .target(target, id)
            .details(details! { "name": name });
        skillstream_store::events::append(conn, vec![event.into_row()])?;
        Ok(())
    })
}
