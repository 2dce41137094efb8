//! Members of the organization: the list admins see (Admin → People → Users) and the user
//! object returned by sign-in and `/me`.

use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::members::{self, MemberFilter, MemberView, StatusChange};
use skillstream_domain::{MemberId, MemberStatus, Role};
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
    pub role: Role,
    /// `active`, or `deactivated`: kept with their history, but cannot sign in.
    pub status: MemberStatus,
    pub department: Option<String>,
    pub department_id: Option<i64>,
    /// Every group the member belongs to, by name.
    pub groups: Vec<GroupRef>,
    /// The first of `groups` (as an invitation carries one), for clients of the first edition.
    pub group: Option<String>,
    pub group_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// A user group, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
}

impl From<MemberView> for User {
    fn from(m: MemberView) -> Self {
        Self {
            id: m.id.get(),
            organization_id: m.organization_id.get(),
            email: m.email,
            first_name: m.first_name,
            last_name: m.last_name,
            role: m.role,
            status: m.status,
            department: m.department,
            department_id: m.department_id,
            group: m.groups.first().map(|(_, name)| name.clone()),
            group_id: m.groups.first().map(|(id, _)| *id),
            groups: m
                .groups
                .into_iter()
                .map(|(id, name)| GroupRef { id, name })
                .collect(),
            created_at: from_db(m.created_at),
            deactivated_at: m.deactivated_at.map(from_db),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilters {
    /// Text to find in the email or name (case-insensitive).
    pub q: Option<String>,
    /// `learner`, `instructor` or `admin`.
    pub role: Option<String>,
    /// `active` or `deactivated`.
    pub status: Option<String>,
    pub department_id: Option<i64>,
    pub group_id: Option<i64>,
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
    let ctx = admin.ctx(&state);
    let (filters, params) = (filters.into_inner(), page.into_inner());
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
    };
    // An unknown role or status matches nobody, as a filter on a value nobody has.
    let role = text(&filters.role).map(|r| Role::from_stored(&r));
    let status = text(&filters.status).map(|s| MemberStatus::from_stored(&s));
    if matches!(role, Some(None)) || matches!(status, Some(None)) {
        return Ok(HttpResponse::Ok().json(Page::<User>::new(Vec::new(), &params, 0)));
    }
    let filter = MemberFilter {
        pattern: None,
        role: role.flatten(),
        status: status.flatten(),
        department_id: filters.department_id,
        group_id: filters.group_id,
    };
    let q = text(&filters.q);
    let (rows, total) = state
        .db(move |conn| {
            Ok(members::list(
                conn,
                &ctx,
                q.as_deref(),
                filter,
                params.offset(),
                params.per_page(),
            )?)
        })
        .await?;
    let items: Vec<User> = rows.into_iter().map(User::from).collect();
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
    let ctx = admin.ctx(&state);
    let ended = state
        .db(move |conn| {
            Ok(skillstream_app::members::sign_out_everywhere(
                conn,
                &ctx,
                MemberId(user),
            )?)
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

/// Body of `PATCH /api/v1/users/{id}`: only the fields present change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// null clears it.
    #[serde(default, deserialize_with = "crate::routes::json_int::nullable_value")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub first_name: Option<Option<String>>,
    /// null clears it.
    #[serde(default, deserialize_with = "crate::routes::json_int::nullable_value")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false, value_type = Option<Role>)]
    pub role: Option<Role>,
    /// A department of the organization; null: none.
    #[serde(default, deserialize_with = "crate::routes::json_int::nullable")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<i64>>,
    /// Every group the member is to belong to (replaces the list).
    #[serde(default, deserialize_with = "crate::routes::json_int::option_list")]
    #[schema(nullable = false)]
    pub group_ids: Option<Vec<i64>>,
}

/// Changes a member's names, role, department or groups (event `member.updated`, old → new).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "Users", params(("id" = i64, Path)),
    request_body = UserPatch,
    responses((status = 200, body = User),
        (status = 404, description = "No such member in your organization", body = ErrorBody),
        (status = 409, description = "The organization's only active admin would lose the role (`last_active_admin`)", body = ErrorBody),
        (status = 422, description = "An unknown department or group, an invalid name", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_user(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let body: UserPatch = crate::routes::json_int::patch_body(body.into_inner())?;
    let patch = skillstream_app::members::MemberPatch {
        first_name: body.first_name,
        last_name: body.last_name,
        role: body.role,
        department_id: body.department_id,
        group_ids: body.group_ids,
    };
    let (ctx, id) = (admin.ctx(&state), MemberId(id.into_inner()));
    let member = state
        .db(move |conn| Ok(skillstream_app::members::update(conn, &ctx, id, &patch)?))
        .await?;
    Ok(HttpResponse::Ok().json(User::from(member)))
}

/// Deactivates a member: kept with their history, but they cannot sign in; their sessions end
/// at once and a pending invitation to their address is cancelled (event `member.deactivated`).
/// Deactivating a deactivated member changes nothing.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "Users", params(("id" = i64, Path)),
    responses((status = 200, body = User),
        (status = 404, description = "No such member in your organization", body = ErrorBody),
        (status = 409, description = "Yourself (`cannot_deactivate_self`) or the only active admin (`last_active_admin`)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deactivate_user(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    change_status(admin, state, id, StatusChange::Deactivate).await
}

/// Reactivates a member: they can sign in again (event `member.reactivated`).
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "Users", params(("id" = i64, Path)),
    responses((status = 200, body = User),
        (status = 404, description = "No such member in your organization", body = ErrorBody),
        (status = 409, description = "`seat_limit_reached`: no free seat for them", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reactivate_user(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    change_status(admin, state, id, StatusChange::Reactivate).await
}

/// Runs a status change of one member and answers the member as it now is.
async fn change_status(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    change: StatusChange,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), MemberId(id.into_inner()));
    let member = state
        .db(move |conn| Ok(members::change_status(conn, &ctx, id, change)?))
        .await?;
    Ok(HttpResponse::Ok().json(User::from(member)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/users", web::get().to(list_users))
        .route("/api/v1/users/{id}", web::patch().to(update_user))
        .route(
            "/api/v1/users/{id}/deactivate",
            web::post().to(deactivate_user),
        )
        .route(
            "/api/v1/users/{id}/reactivate",
            web::post().to(reactivate_user),
        )
        .route(
            "/api/v1/users/{id}/sign-out-everywhere",
            web::post().to(sign_out_everywhere),
        );
}
