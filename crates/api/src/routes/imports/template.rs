//! The CSV template: the header row and an example row.

use crate::auth::Admin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use skillstream_domain::csv_import::{write, RawRow};
use skillstream_domain::OrganizationId;

/// The example row names one of the organization's departments and groups when it has any,
/// so the template uploads cleanly as it is; names left empty are filled from SSO when the
/// organization uses it.
#[utoipa::path(get, path = "/api/v1/invitations/csv-template", tag = "Bulk invitations",
    responses((status = 200, description = "The template", content_type = "text/csv", body = String), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn csv_template(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let org = OrganizationId(admin.organization_id);
    let (department, group) = state
        .db(move |conn| Ok(skillstream_app::catalog::example_names(conn, org)?))
        .await?;
    let example = RawRow {
        line: 2,
        email: "jane.doe@example.com".into(),
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        role: skillstream_domain::Role::Learner.as_str().into(),
        department: department.unwrap_or_default(),
        group: group.unwrap_or_default(),
        ..RawRow::default()
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"skillstream-invitations-template.csv\"",
        ))
        .body(write(&[example])))
}
