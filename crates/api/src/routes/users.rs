//! Members of the organization: the list admins see (Admin → People → Users) and the user
//! object returned by sign-in and `/me`.

use crate::auth::Admin;
use crate::db::schema::{departments, user_groups, users};
use crate::db::{like_contains, lower, read_page, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use skillstream_domain::Role;
use utoipa::{IntoParams, ToSchema};

/// A member of an organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub organization_id: i64,
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(value_type = String, example = "learner")]
    pub role: Role,
    /// `active` (or `suspended`).
    #[schema(example = "active")]
    pub status: String,
    pub department: Option<String>,
    pub department_id: Option<i64>,
    pub group: Option<String>,
    pub group_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    NaiveDateTime,
);

fn user(row: Row) -> User {
    let (
        id,
        organization_id,
        email,
        first_name,
        last_name,
        role,
        status,
        department_id,
        department,
        group_id,
        group,
        created_at,
    ) = row;
    User {
        id,
        organization_id,
        email,
        first_name,
        last_name,
        role: Role::parse(&role).unwrap_or_default(),
        status,
        department,
        department_id,
        group,
        group_id,
        created_at: created_at.and_utc(),
    }
}

macro_rules! user_columns {
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

/// Display names ("First Last", or the email when a member has no name) of the given members.
pub fn display_names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, (String, Option<String>)>> {
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

pub fn find_user(conn: &mut DbConnection, id: i64) -> ApiResult<Option<User>> {
    let row: Option<Row> = users::table
        .left_join(departments::table)
        .left_join(user_groups::table)
        .filter(users::id.eq(id))
        .select(user_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(user))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilters {
    /// Text to find in the email or name (case-insensitive).
    pub q: Option<String>,
    /// `learner`, `instructor` or `admin`.
    pub role: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
}

/// Applies the list filters to any boxed query over `users` (alone or joined).
macro_rules! filter_users {
    ($query:expr, $org:expr, $f:expr, $q:expr) => {{
        let mut query = $query.filter(users::organization_id.eq($org));
        if let Some(pattern) = $q {
            query = query.filter(
                users::email_folded
                    .like(pattern.clone())
                    .escape('\\')
                    .nullable()
                    .or(lower(users::first_name).like(pattern.clone()).escape('\\'))
                    .or(lower(users::last_name).like(pattern.clone()).escape('\\')),
            );
        }
        if let Some(role) = $f.role.as_deref() {
            query = query.filter(users::role.eq(role.trim().to_lowercase()));
        }
        if let Some(status) = $f.status.as_deref() {
            query = query.filter(users::status.eq(status.trim().to_lowercase()));
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

#[utoipa::path(get, path = "/api/v1/users", tag = "Users",
    params(UserFilters, PageParams),
    responses((status = 200, body = inline(Page<User>)), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_users(
    admin: Admin,
    state: web::Data<AppState>,
    filters: web::Query<UserFilters>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let org = admin.organization_id;
    let (filters, params) = (filters.into_inner(), page.into_inner());
    let q = filters
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| like_contains(&q.to_lowercase()));
    let (rows, total) = state
        .db(move |conn| {
            let total: i64 = filter_users!(users::table.into_boxed(), org, filters, q.as_ref())
                .count()
                .get_result(conn)?;
            let rows = read_page(conn, q.is_some(), |conn| {
                filter_users!(
                    users::table
                        .left_join(departments::table)
                        .left_join(user_groups::table)
                        .into_boxed(),
                    org,
                    filters,
                    q.as_ref()
                )
                .order((users::created_at.desc(), users::id.desc()))
                .limit(params.per_page())
                .offset(params.offset())
                .select(user_columns!())
                .load::<Row>(conn)
            })?;
            Ok((rows, total))
        })
        .await?;
    let items = rows.into_iter().map(user).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}

/// Ends every session of a member of the caller's organization (a lost laptop, a shared
/// device); they sign in again. API tokens are revoked through their own endpoint.
#[utoipa::path(post, path = "/api/v1/users/{id}/sign-out-everywhere", tag = "Users",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Every session of the member has ended"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such member in your organization", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn sign_out_everywhere(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (org, user) = (admin.organization_id, id.into_inner());
    let ended = state
        .db(move |conn| {
            let found: Option<i64> = users::table
                .filter(users::organization_id.eq(org))
                .filter(users::id.eq(user))
                .select(users::id)
                .first(conn)
                .optional()?;
            found.ok_or_else(|| ApiError::not_found("User"))?;
            crate::auth::session::revoke_member(conn, org, user, Utc::now())
        })
        .await?;
    tracing::info!(
        org,
        user,
        by = admin.user_id,
        ended,
        "member signed out everywhere"
    );
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/users", web::get().to(list_users)).route(
        "/api/v1/users/{id}/sign-out-everywhere",
        web::post().to(sign_out_everywhere),
    );
}
