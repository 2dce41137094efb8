//! Departments and user groups: the named lists that invitations and CSV rows must match
//! exactly. Both behave the same, so their persistence lives here once.

use crate::db::schema::{departments, invitations, user_groups};
use crate::db::{to_db, write_transaction, DbConnection};
use crate::error::{ApiError, ApiResult, FieldError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use skillstream_domain::suggest;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Department,
    Group,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Department => "Department",
            Kind::Group => "Group",
        }
    }

    pub fn field(self) -> &'static str {
        match self {
            Kind::Department => "department",
            Kind::Group => "group",
        }
    }
}

/// A department or user group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogEntry {
    pub id: i64,
    #[schema(example = "Sales")]
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// Body to create or rename a department or group.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NameBody {
    /// 1 to 100 characters; matched exactly (case-sensitively) by invitations and CSV rows.
    #[schema(
        example = "Sales",
        required = true,
        nullable = false,
        min_length = 1,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub name: Option<String>,
}

impl NameBody {
    pub fn parse(&self) -> ApiResult<String> {
        let name = self.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            return Err(ApiError::field("name", "required", "Name is required."));
        }
        if name.chars().count() > 100 {
            return Err(ApiError::field(
                "name",
                "too_long",
                "Name must be at most 100 characters.",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ApiError::field(
                "name",
                "invalid_characters",
                "Name must not contain control characters.",
            ));
        }
        Ok(name.to_string())
    }
}

type Row = (i64, String, NaiveDateTime);

fn entry((id, name, created_at): Row) -> CatalogEntry {
    CatalogEntry {
        id,
        name,
        created_at: created_at.and_utc(),
    }
}

pub fn list(conn: &mut DbConnection, kind: Kind, org: i64) -> ApiResult<Vec<CatalogEntry>> {
    let rows: Vec<Row> = match kind {
        Kind::Department => departments::table
            .filter(departments::organization_id.eq(org))
            .order((departments::name.asc(), departments::id.asc()))
            .select((departments::id, departments::name, departments::created_at))
            .load(conn)?,
        Kind::Group => user_groups::table
            .filter(user_groups::organization_id.eq(org))
            .order((user_groups::name.asc(), user_groups::id.asc()))
            .select((user_groups::id, user_groups::name, user_groups::created_at))
            .load(conn)?,
    };
    Ok(rows.into_iter().map(entry).collect())
}

fn taken(kind: Kind, name: &str) -> ApiError {
    ApiError::of(
        match kind {
            Kind::Department => crate::error::ErrorCode::DepartmentNameTaken,
            Kind::Group => crate::error::ErrorCode::GroupNameTaken,
        },
        format!("{} \"{name}\" already exists.", kind.label()),
    )
}

fn map_unique(kind: Kind, name: &str) -> impl FnOnce(diesel::result::Error) -> ApiError + '_ {
    move |e| {
        if crate::db::is_unique_violation(&e) {
            taken(kind, name)
        } else {
            ApiError::from(e)
        }
    }
}

pub fn create(
    conn: &mut DbConnection,
    kind: Kind,
    org: i64,
    name: &str,
    now: DateTime<Utc>,
) -> ApiResult<CatalogEntry> {
    let created = to_db(now);
    let id: i64 = match kind {
        Kind::Department => diesel::insert_into(departments::table)
            .values((
                departments::organization_id.eq(org),
                departments::name.eq(name),
                departments::created_at.eq(created),
            ))
            .returning(departments::id)
            .get_result(conn),
        Kind::Group => diesel::insert_into(user_groups::table)
            .values((
                user_groups::organization_id.eq(org),
                user_groups::name.eq(name),
                user_groups::created_at.eq(created),
            ))
            .returning(user_groups::id)
            .get_result(conn),
    }
    .map_err(map_unique(kind, name))?;
    Ok(entry((id, name.to_string(), created)))
}

pub fn rename(
    conn: &mut DbConnection,
    kind: Kind,
    org: i64,
    id: i64,
    name: &str,
) -> ApiResult<CatalogEntry> {
    write_transaction(conn, |conn| {
        let updated: Option<Row> = match kind {
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
        .map_err(map_unique(kind, name))?;
        updated
            .map(entry)
            .ok_or_else(|| ApiError::not_found(kind.label()))
    })
}

/// Deletes the entry; members and invitations that named it keep no department / group.
/// (Members are cleared by their foreign key; invitations, which have none, here.)
pub fn delete(conn: &mut DbConnection, kind: Kind, org: i64, id: i64) -> ApiResult<()> {
    write_transaction(conn, |conn| {
        let deleted = match kind {
            Kind::Department => {
                diesel::update(invitations::table.filter(invitations::department_id.eq(id)))
                    .set(invitations::department_id.eq(None::<i64>))
                    .execute(conn)?;
                diesel::delete(
                    departments::table
                        .find(id)
                        .filter(departments::organization_id.eq(org)),
                )
                .execute(conn)?
            }
            Kind::Group => {
                diesel::update(invitations::table.filter(invitations::group_id.eq(id)))
                    .set(invitations::group_id.eq(None::<i64>))
                    .execute(conn)?;
                diesel::delete(
                    user_groups::table
                        .find(id)
                        .filter(user_groups::organization_id.eq(org)),
                )
                .execute(conn)?
            }
        };
        if deleted == 0 {
            // Rolls back the clearing too: another organization's id changes nothing.
            return Err(ApiError::not_found(kind.label()));
        }
        Ok(())
    })
}

/// Resolves an optional name to the id of the organization's entry with exactly that name.
/// A name that does not match is a field error suggesting the closest existing name.
pub fn resolve(
    conn: &mut DbConnection,
    kind: Kind,
    org: i64,
    name: Option<&str>,
) -> ApiResult<Result<Option<i64>, FieldError>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(Ok(None));
    };
    let entries = list(conn, kind, org)?;
    if let Some(found) = entries.iter().find(|e| e.name == name) {
        return Ok(Ok(Some(found.id)));
    }
    Ok(Err(not_found_error(
        kind,
        name,
        entries.iter().map(|e| e.name.as_str()),
    )))
}

/// The error for a name with no exact match, with "did you mean" when a name is close.
pub fn not_found_error<'a>(
    kind: Kind,
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> FieldError {
    let suggestion = suggest(name, existing);
    let mut message = format!("{} \"{name}\" does not exist.", kind.label());
    if let Some(s) = suggestion {
        message.push_str(&format!(" Did you mean \"{s}\"?"));
    }
    FieldError::new(kind.field(), "not_found", message).with_suggestion(suggestion)
}
