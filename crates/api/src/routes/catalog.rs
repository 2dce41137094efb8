//! Departments and user groups: the named lists that invitations and CSV rows must match
//! exactly. Both behave the same, so the handlers of `departments` and `groups` share these.

use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::catalog;
use skillstream_app::catalog::EntryRow;
use utoipa::ToSchema;

pub use skillstream_app::catalog::Kind;

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

fn entry((id, name, created_at): EntryRow) -> CatalogEntry {
    CatalogEntry {
        id,
        name,
        created_at: from_db(created_at),
    }
}

pub async fn list(admin: &Admin, state: &AppState, kind: Kind) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(state);
    let entries: Vec<CatalogEntry> = state
        .db(move |conn| {
            Ok(catalog::list_entries(conn, &ctx, kind)?
                .into_iter()
                .map(entry)
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

pub async fn create(
    admin: &Admin,
    state: &AppState,
    kind: Kind,
    body: NameBody,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let ctx = admin.ctx(state);
    let created = state
        .db(move |conn| Ok(catalog::create_entry(conn, &ctx, kind, &name)?))
        .await?;
    Ok(HttpResponse::Created().json(entry(created)))
}

pub async fn rename(
    admin: &Admin,
    state: &AppState,
    kind: Kind,
    id: i64,
    body: NameBody,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let ctx = admin.ctx(state);
    let renamed = state
        .db(move |conn| Ok(catalog::rename_entry(conn, &ctx, kind, id, &name)?))
        .await?;
    Ok(HttpResponse::Ok().json(entry(renamed)))
}

/// Deletes the entry; members and invitations that named it keep no department / group.
pub async fn delete(
    admin: &Admin,
    state: &AppState,
    kind: Kind,
    id: i64,
) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(state);
    state
        .db(move |conn| Ok(catalog::delete_entry(conn, &ctx, kind, id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
