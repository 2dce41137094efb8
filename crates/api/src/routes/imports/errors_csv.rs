//! The error report: the rows with errors, in the file's own columns, plus `line` and
//! `errors`. Cells that a spreadsheet would run as a formula are neutralised.

use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use skillstream_app::imports::RowRecord;
use skillstream_domain::csv_import::Column;
use skillstream_domain::import_columns::{self, ColumnMap, Target};
use skillstream_domain::{ImportId, OrganizationId};

/// Prefixes a quote to cells that start with `=`, `+`, `-`, `@`, tab or CR, so spreadsheets
/// show them as text instead of evaluating them (OWASP's advice for CSV injection).
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn cell(row: &RowRecord, column: Option<Column>) -> &str {
    match column {
        Some(Column::Email) => &row.email,
        Some(Column::FirstName) => &row.first_name,
        Some(Column::LastName) => &row.last_name,
        Some(Column::Role) => &row.role,
        Some(Column::Department) => &row.department,
        Some(Column::Group) => &row.group_name,
        Some(Column::SendAt) => &row.send_at,
        Some(Column::Status) => &row.status,
        None => "",
    }
}

/// Builds the report (UTF-8 with a BOM, so Excel reads the accents right); `map` is how the
/// file's columns were read. Ignored columns stay, empty.
pub fn report(header: &[String], map: &ColumnMap, rows: &[RowRecord]) -> ApiResult<Vec<u8>> {
    let columns: Vec<Option<Column>> = header
        .iter()
        .map(|h| match import_columns::target(h, map) {
            Some(Target::Field(column)) => Some(column),
            _ => None,
        })
        .collect();
    let mut writer = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut titles: Vec<String> = header.iter().map(|h| neutralise(h)).collect();
    titles.extend(["line".to_string(), "errors".to_string()]);
    writer.write_record(&titles).map_err(ApiError::internal)?;
    for row in rows {
        let mut record: Vec<String> = columns.iter().map(|c| neutralise(cell(row, *c))).collect();
        record.push(row.line.to_string());
        let errors = row
            .decoded_errors()
            .iter()
            .map(|e| format!("{}: {}", e.column, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        record.push(neutralise(&errors));
        writer.write_record(&record).map_err(ApiError::internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}

#[utoipa::path(get, path = "/api/v1/invitation-imports/{id}/errors.csv", tag = "Bulk invitations",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The rows with errors as CSV", content_type = "text/csv", body = String), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn error_report(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (org, id) = (
        OrganizationId(admin.organization_id),
        ImportId(id.into_inner()),
    );
    let body = state
        .db(move |conn| {
            let record = skillstream_app::imports::find(conn, org, id)?;
            let header: Vec<String> = serde_json::from_str(&record.header).unwrap_or_default();
            let map = record
                .column_map
                .as_deref()
                .and_then(|text| ColumnMap::parse(text).ok())
                .unwrap_or_default();
            let rows: Vec<RowRecord> = skillstream_app::imports::rows::invalid(conn, org, id)?;
            report(&header, &map, &rows)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"invitation-import-{id}-errors.csv\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for dangerous in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(neutralise(dangerous).starts_with('\''), "{dangerous:?}");
        }
        assert_eq!(neutralise("ada@example.com"), "ada@example.com");
    }
}
