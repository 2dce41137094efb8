//! Departments: list, create, rename, delete (the rules are those of `catalog`).

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::catalog::{self, CatalogEntry, Kind, NameBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

#[utoipa::path(get, path = "/api/v1/departments", tag = "Departments",
    responses((status = 200, body = [CatalogEntry]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_departments(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    catalog::list(&admin, &state, Kind::Department).await
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "Departments", request_body = NameBody,
    responses((status = 201, body = CatalogEntry), (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_department(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<NameBody>,
) -> ApiResult<HttpResponse> {
    catalog::create(&admin, &state, Kind::Department, body.into_inner()).await
}

#[utoipa::path(patch, path = "/api/v1/departments/{id}", tag = "Departments", request_body = NameBody,
    params(("id" = i64, Path)),
    responses((status = 200, body = CatalogEntry), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rename_department(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<NameBody>,
) -> ApiResult<HttpResponse> {
    catalog::rename(
        &admin,
        &state,
        Kind::Department,
        id.into_inner(),
        body.into_inner(),
    )
    .await
}

/// Deletes it; members and invitations that named it are left without one.
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "Departments",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_department(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    catalog::delete(&admin, &state, Kind::Department, id.into_inner()).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/departments")
            .get(list_departments)
            .post(create_department),
    )
    .service(
        web::resource("/api/v1/departments/{id}")
            .patch(rename_department)
            .delete(delete_department),
    );
}
