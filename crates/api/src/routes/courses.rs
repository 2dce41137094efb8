//! The course catalog: the courses invitations pre-assign. Admins list, create, rename and
//! archive them (Admin → Organization → Courses); an archived course stays on the invitations
//! and dashboards that have it and is no longer offered for new invitations.

use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::catalog::CourseEdit;
use skillstream_app::catalog::CourseRow;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Course {
    pub id: i64,
    #[schema(example = "Workplace Safety 101")]
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the course was archived (null while it can be assigned).
    pub archived_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateCourse {
    #[validate(length(min = 1, max = 200, message = "Title must be 1 to 200 characters."))]
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,198}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub title: String,
    #[validate(length(max = 2000, message = "Description must be at most 2000 characters."))]
    #[schema(
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,1998}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub description: Option<String>,
}

fn course(row: CourseRow) -> Course {
    Course {
        id: row.id,
        title: row.title,
        description: row.description,
        created_at: row.created_at.and_utc(),
        archived_at: row.archived_at.map(|at| at.and_utc()),
    }
}

/// Body of `PATCH /api/v1/courses/{id}`: only the fields present change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct UpdateCourse {
    #[validate(length(min = 1, max = 200, message = "Title must be 1 to 200 characters."))]
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(
        example = "Workplace Safety 102",
        nullable = false,
        min_length = 1,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,198}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub title: Option<String>,
    /// An empty string removes the description.
    #[validate(length(max = 2000, message = "Description must be at most 2000 characters."))]
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(
        nullable = false,
        pattern = r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]([\s\S]{0,1998}[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?)?[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub description: Option<String>,
    /// `true` archives the course (no longer offered for new invitations; kept where it is
    /// assigned), `false` restores it.
    #[serde(default, deserialize_with = "crate::routes::json_int::not_null")]
    #[schema(nullable = false)]
    pub archived: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CourseFilters {
    /// Also list archived courses (default false: the ones that can be assigned).
    pub include_archived: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/courses", tag = "Courses", params(CourseFilters),
    responses((status = 200, body = [Course]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_courses(
    admin: Admin,
    state: web::Data<AppState>,
    filters: web::Query<CourseFilters>,
) -> ApiResult<HttpResponse> {
    let include_archived = filters.include_archived.unwrap_or(false);
    let ctx = admin.ctx(&state);
    let rows = state
        .db(move |conn| {
            Ok(skillstream_app::catalog::courses(
                conn,
                &ctx,
                include_archived,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(course).collect::<Vec<_>>()))
}

#[utoipa::path(post, path = "/api/v1/courses", tag = "Courses", request_body = CreateCourse,
    responses((status = 201, body = Course), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_course(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<CreateCourse>,
) -> ApiResult<HttpResponse> {
    let mut body = body.into_inner();
    body.title = body.title.trim().to_string();
    body.description = body
        .description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    body.validate().map_err(ApiError::from)?;
    let ctx = admin.ctx(&state);
    let row = state
        .db(move |conn| {
            Ok(skillstream_app::catalog::create_course(
                conn,
                &ctx,
                &body.title,
                body.description.as_deref(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created().json(course(row)))
}

#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "Courses", request_body = UpdateCourse,
    params(("id" = i64, Path)),
    responses((status = 200, body = Course), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_course(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let mut body: UpdateCourse = crate::routes::json_int::patch_body(body.into_inner())?;
    body.title = body.title.map(|t| t.trim().to_string());
    body.description = body.description.map(|d| d.trim().to_string());
    body.validate().map_err(ApiError::from)?;
    let edit = CourseEdit {
        title: body.title,
        description: body.description.map(|d| Some(d).filter(|d| !d.is_empty())),
        archived: body.archived,
    };
    let ctx = admin.ctx(&state);
    let id = id.into_inner();
    let row = state
        .db(move |conn| {
            Ok(skillstream_app::catalog::edit_course(
                conn, &ctx, id, &edit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(course(row)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/courses")
            .get(list_courses)
            .post(create_course),
    )
    .service(web::resource("/api/v1/courses/{id}").patch(update_course));
}
