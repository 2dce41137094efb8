//! The HTTP face of departments and groups: one macro, two resources with identical rules.

/// Generates list / create / rename / delete handlers for a catalog kind.
macro_rules! catalog_routes {
    (
        kind: $kind:expr,
        tag: $tag:literal,
        collection: $collection:literal,
        item: $item:literal,
        ids: ($list:ident, $create:ident, $rename:ident, $delete:ident)
    ) => {
        use crate::auth::Admin;
        use crate::error::{ApiResult, ErrorBody};
        use crate::routes::catalog::{self, CatalogEntry, NameBody};
        use crate::state::AppState;
        use actix_web::{web, HttpResponse};

        #[utoipa::path(get, path = $collection, tag = $tag, operation_id = stringify!($list),
            responses((status = 200, body = [CatalogEntry]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $list(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
            let org = admin.organization_id;
            let entries = state.db(move |conn| catalog::list(conn, $kind, org)).await?;
            Ok(HttpResponse::Ok().json(entries))
        }

        #[utoipa::path(post, path = $collection, tag = $tag, operation_id = stringify!($create), request_body = NameBody,
            responses((status = 201, body = CatalogEntry), (status = 409, description = "The name is taken", body = ErrorBody),
                (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $create(admin: Admin, state: web::Data<AppState>, body: web::Json<NameBody>) -> ApiResult<HttpResponse> {
            let name = body.parse()?;
            let org = admin.organization_id;
            let now = chrono::Utc::now();
            let entry = state.db(move |conn| catalog::create(conn, $kind, org, &name, now)).await?;
            Ok(HttpResponse::Created().json(entry))
        }

        #[utoipa::path(patch, path = $item, tag = $tag, operation_id = stringify!($rename), request_body = NameBody,
            params(("id" = i64, Path)),
            responses((status = 200, body = CatalogEntry), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                (status = 422, body = ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $rename(
            admin: Admin,
            state: web::Data<AppState>,
            id: web::Path<i64>,
            body: web::Json<NameBody>,
        ) -> ApiResult<HttpResponse> {
            let name = body.parse()?;
            let (org, id) = (admin.organization_id, id.into_inner());
            let entry = state.db(move |conn| catalog::rename(conn, $kind, org, id, &name)).await?;
            Ok(HttpResponse::Ok().json(entry))
        }

        /// Deletes it; members and invitations that named it are left without one.
        #[utoipa::path(delete, path = $item, tag = $tag, operation_id = stringify!($delete),
            params(("id" = i64, Path)),
            responses((status = 204), (status = 404, body = ErrorBody)),
            security(("bearer" = [])))]
        pub async fn $delete(admin: Admin, state: web::Data<AppState>, id: web::Path<i64>) -> ApiResult<HttpResponse> {
            let (org, id) = (admin.organization_id, id.into_inner());
            state.db(move |conn| catalog::delete(conn, $kind, org, id)).await?;
            Ok(HttpResponse::NoContent().finish())
        }

        pub fn configure(cfg: &mut web::ServiceConfig) {
            cfg.service(web::resource($collection).get($list).post($create))
                .service(web::resource($item).patch($rename).delete($delete));
        }
    };
}

pub(crate) use catalog_routes;
