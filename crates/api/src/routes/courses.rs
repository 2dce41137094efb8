//! The course catalog: enough to pre-assign enrollments on invitations.

use crate::auth::Admin;
use crate::db::catalog::{self, CourseRow};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_domain::OrganizationId;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Course {
    pub id: i64,
    #[schema(example = "Workplace Safety 101")]
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
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

fn course((id, title, description, created_at): CourseRow) -> Course {
    Course {
        id,
        title,
        description,
        created_at: created_at.and_utc(),
    }
}

#[utoipa::path(get, path = "/api/v1/courses", tag = "Courses",
    responses((status = 200, body = [Course]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_courses(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let org = OrganizationId(admin.organization_id);
    let rows = state
        .db(move |conn| Ok(catalog::courses(conn, org)?))
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

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/courses")
            .get(list_courses)
            .post(create_course),
    );
}
