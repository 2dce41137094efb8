//! The signed-in user: who they are and the courses on their dashboard.

use crate::auth::Caller;
use crate::db::schema::{courses, enrollments};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::users::{find_user, User};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[utoipa::path(get, path = "/api/v1/me", tag = "Me",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let id = caller.user_id;
    let user = state
        .db(move |conn| find_user(conn, id))
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
    #[schema(example = "active")]
    pub status: String,
    pub enrolled_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/me/enrollments", tag = "Me",
    responses((status = 200, body = [Enrollment]), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_enrollments(caller: Caller, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let id = caller.user_id;
    let rows: Vec<(i64, i64, String, Option<String>, String, NaiveDateTime)> = state
        .db(move |conn| {
            Ok(enrollments::table
                .inner_join(courses::table)
                .filter(enrollments::user_id.eq(id))
                .order((courses::title.asc(), enrollments::id.asc()))
                .select((
                    enrollments::id,
                    courses::id,
                    courses::title,
                    courses::description,
                    enrollments::status,
                    enrollments::created_at,
                ))
                .load(conn)?)
        })
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
                enrolled_at: at.and_utc(),
            },
        )
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/me", web::get().to(me))
        .route("/api/v1/me/enrollments", web::get().to(my_enrollments));
}
