//! The signed-in user: who they are and the courses on their dashboard.

use crate::auth::Caller;
use crate::db::from_db;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::users::User;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use skillstream_domain::{EnrollmentStatus, MemberId};
use utoipa::ToSchema;

#[utoipa::path(get, path = "/api/v1/me", tag = "Me",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let id = caller.user_id;
    let user = state
        .db(move |conn| {
            Ok(
                skillstream_app::members::view(conn, skillstream_domain::MemberId(id))?
                    .map(User::from),
            )
        })
        .await?
        .ok_or_else(|| ApiError::unauthorized("Sign in again."))?;
    Ok(HttpResponse::Ok().json(user))
}

/// A course on the user's dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Enrollment {
    pub id: i64,
    pub course_id: i64,
    #[schema(example = "Workplace Safety 101")]
    pub title: String,
    pub description: Option<String>,
    pub status: EnrollmentStatus,
    pub enrolled_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/me/enrollments", tag = "Me",
    responses((status = 200, body = [Enrollment]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_enrollments(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let id = caller.user_id;
    let rows = state
        .db(move |conn| Ok(skillstream_app::members::enrollments(conn, MemberId(id))?))
        .await?;
    let items: Vec<Enrollment> = rows
        .into_iter()
        .map(
            |(id, course_id, title, description, status, at)| Enrollment {
                id,
                course_id,
                title,
                description,
                status,
                enrolled_at: from_db(at),
            },
        )
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/me", web::get().to(me))
        .route("/api/v1/me/enrollments", web::get().to(my_enrollments));
}
