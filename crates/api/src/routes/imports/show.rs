use super::view::{Import, ImportRow, RowsQuery};
use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use skillstream_app::imports::rows;
use skillstream_app::imports::{find, stored_result};
use skillstream_domain::{ImportId, OrganizationId};

#[utoipa::path(get, path = "/api/v1/invitation-imports/{id}", tag = "Bulk invitations",
    params(("id" = i64, Path), RowsQuery),
    responses((status = 200, body = Import), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn show_import(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<RowsQuery>,
) -> ApiResult<HttpResponse> {
    let (org, id, query) = (
        OrganizationId(admin.organization_id),
        ImportId(id.into_inner()),
        query.into_inner(),
    );
    let import = state
        .db(move |conn| {
            let record = find(conn, org, id)?;
            let (rows, total) = rows::page(
                conn,
                org,
                id,
                query.errors_only(),
                query.errors_first(),
                (query.offset(), query.per_page()),
            )?;
            let result = stored_result(conn, &record)?.map(Into::into);
            Import::new(
                &record,
                rows.iter().map(ImportRow::from).collect(),
                &query,
                total,
                result,
            )
            .with_sso(conn, org.get())?
            .with_seats(conn, org)?
            .with_actions(conn, org, None)?
            .with_suggestions(conn, org)
        })
        .await?;
    Ok(HttpResponse::Ok().json(import))
}
