//! Groups: list, create, rename, delete (the rules are those of `catalog`).

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::catalog::{self, CatalogEntry, Kind, NameBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

#[utoipa::path(get, path = "/api/v1/groups", tag = "Groups",
    responses((status = 200, body = [CatalogEntry]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_groups(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    catalog::list(&admin, &state, Kind::Group).await
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "Groups", request_body = NameBody,
    responses((status = 201, body = CatalogEntry), (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_group(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<NameBody>,
) -> ApiResult<HttpResponse> {
    catalog::create(&admin, &state, Kind::Group, body.into_inner()).await
}

#[utoipa::path(patch, path = "/api/v1/groups/{id}", tag = "Groups", request_body = NameBody,
    params(("id" = i64, Path)),
    responses((status = 200, body = CatalogEntry), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rename_group(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<NameBody>,
) -> ApiResult<HttpResponse> {
    catalog::rename(
        &admin,
        &state,
        Kind::Group,
        id.into_inner(),
        body.into_inner(),
    )
    .await
}

/// Deletes it; members and invitations that named it are left without one.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "Groups",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_group(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    catalog::delete(&admin, &state, Kind::Group, id.into_inner()).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/groups")
            .get(list_groups)
            .post(create_group),
    )
    .service(
        web::resource("/api/v1/groups/{id}")
            .patch(rename_group)
            .delete(delete_group),
    );
}
