//! Fix a preview in place: edit a row's cells, or apply a "did you mean" to every cell of a
//! column with the same value. The rows are re-checked at once; the send re-checks them all.

use super::view::{ImportRow, ImportSummary};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use skillstream_app::imports::{self, RowPatch};
use skillstream_domain::csv_import::Column;
use skillstream_domain::ImportId;
use utoipa::ToSchema;

/// The longest cell an edit may write (a file's cells are bounded by its size).
const MAX_CELL: usize = 1000;

fn column(name: &str) -> Option<Column> {
    Column::EVERY.into_iter().find(|c| c.name() == name)
}

/// Reads `{"email": "…", "department": "Sales", …}`: the cells to change; `null` empties one.
fn patch_of(body: &[u8]) -> ApiResult<RowPatch> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::of(
            crate::error::ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    let object = value.as_object().ok_or_else(|| {
        ApiError::of(
            crate::error::ErrorCode::InvalidBody,
            "Send a JSON object of the cells to change, such as {\"department\": \"Sales\"}.",
        )
    })?;
    let mut patch = RowPatch::default();
    for (name, cell) in object {
        let Some(column) = column(name) else {
            return Err(ApiError::field(
                name,
                "unknown_field",
                format!(
                    "\"{name}\" is not a cell of a row. Cells: {}.",
                    Column::EVERY.map(Column::name).join(", ")
                ),
            ));
        };
        let text = match cell {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) if s.chars().count() <= MAX_CELL => s.clone(),
            serde_json::Value::String(_) => {
                return Err(ApiError::field(
                    name,
                    "too_long",
                    format!("At most {MAX_CELL} characters."),
                ))
            }
            _ => {
                return Err(ApiError::field(
                    name,
                    "invalid",
                    "A cell is text (or null to empty it).",
                ))
            }
        };
        patch.cells.push((column, text));
    }
    Ok(patch)
}

/// The edited row, re-checked, with the import's counts after the edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditedRow {
    #[serde(flatten)]
    pub row: ImportRow,
    /// The import's counts after the edit.
    pub summary: ImportSummary,
    /// Other rows whose verdict the edit changed too (they share the row's old or new
    /// address, so their duplicate checks moved).
    pub others: Vec<ImportRow>,
}

#[utoipa::path(patch, path = "/api/v1/invitation-imports/{id}/rows/{line}", tag = "Bulk invitations",
    params(("id" = i64, Path), ("line" = i64, Path, description = "The row's line, as the preview gives it")),
    request_body(content = RowValuesPatch, description = "The cells to change (others stay); null empties a cell."),
    responses(
        (status = 200, description = "The row re-checked", body = EditedRow),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`import_already_sent`", body = ErrorBody),
        (status = 410, description = "`import_expired`", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit_row(
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let patch = patch_of(&body)?;
    let ctx = admin.ctx(&state);
    let (id, line) = path.into_inner();
    let edited = state
        .db(move |conn| Ok(imports::edit_row(conn, &ctx, ImportId(id), line, &patch)?))
        .await?;
    let mut rows = edited.rows.iter().map(ImportRow::from);
    let Some(row) = rows.next() else {
        return Err(ApiError::not_found("Row"));
    };
    Ok(HttpResponse::Ok().json(EditedRow {
        row,
        summary: summary(&edited),
        others: rows.collect(),
    }))
}

fn summary(edited: &imports::Edited) -> ImportSummary {
    ImportSummary {
        total: edited.valid + edited.invalid,
        valid: edited.valid,
        invalid: edited.invalid,
    }
}

/// The cells of a row an edit may change (documentation of the body `patch_of` reads).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RowValuesPatch {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub group: Option<String>,
    pub send_at: Option<String>,
    pub status: Option<String>,
}

/// A suggestion applied to every cell of a column that has the same value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplySuggestion {
    #[schema(example = "department")]
    pub column: Column,
    /// The value as it is in the cells (exactly).
    #[schema(example = "sales")]
    pub from: String,
    /// What those cells become.
    #[schema(example = "Sales")]
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionApplied {
    /// Cells changed.
    pub fixed: i64,
    /// The import's counts after the change.
    pub summary: ImportSummary,
}

#[utoipa::path(post, path = "/api/v1/invitation-imports/{id}/apply-suggestion", tag = "Bulk invitations",
    params(("id" = i64, Path)),
    request_body = ApplySuggestion,
    responses(
        (status = 200, description = "Applied; the rows changed were re-checked", body = SuggestionApplied),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`import_already_sent`", body = ErrorBody),
        (status = 410, description = "`import_expired`", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn apply_suggestion(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ApplySuggestion>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let column = body.column;
    if body.to.chars().count() > MAX_CELL {
        return Err(ApiError::field(
            "to",
            "too_long",
            format!("At most {MAX_CELL} characters."),
        ));
    }
    let ctx = admin.ctx(&state);
    let id = ImportId(id.into_inner());
    let edited = state
        .db(move |conn| {
            Ok(imports::apply_suggestion(
                conn, &ctx, id, column, &body.from, &body.to,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SuggestionApplied {
        fixed: edited.fixed,
        summary: summary(&edited),
    }))
}
