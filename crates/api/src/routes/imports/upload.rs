//! Upload a CSV (multipart field `file`, or the raw `text/csv` body): every row is parsed and
//! checked, and the import is stored. Nothing is sent.

use super::view::{Import, ImportRow, RowsQuery};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures::StreamExt;
use skillstream_app::imports::{self, ImportInput};
use skillstream_domain::csv_import::{parse, FileError};
use skillstream_domain::ImportSource;

pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        crate::error::ErrorCode::FileTooLarge,
        format!(
            "The file is larger than {} MiB. Split it into smaller files.",
            limit / (1024 * 1024)
        ),
    )
}

pub fn file_error(error: &FileError) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        crate::error::ErrorCode::from(error),
        error.to_string(),
    )
}

/// Reads the upload into memory, refusing more than `limit` bytes as soon as it is exceeded.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> ApiResult<(Vec<u8>, Option<String>)> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        // Multipart adds a little framing around the file.
        if length > limit + 16 * 1024 {
            return Err(too_large(limit));
        }
    }
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::new(req.headers(), payload);
        while let Some(field) = multipart.next().await {
            let mut field = field.map_err(|e| {
                ApiError::of(
                    crate::error::ErrorCode::InvalidMultipart,
                    format!("The upload could not be read: {e}"),
                )
            })?;
            if field.name() != Some("file") {
                continue;
            }
            let filename = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(|f| f.chars().take(255).collect());
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::of(
                        crate::error::ErrorCode::InvalidMultipart,
                        format!("The upload could not be read: {e}"),
                    )
                })?;
                if bytes.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            return Ok((bytes, filename));
        }
        return Err(ApiError::field(
            "file",
            "required",
            "Attach the CSV file in a form field named \"file\".",
        ));
    }
    if content_type.is_empty()
        || content_type.starts_with("text/csv")
        || content_type.starts_with("text/plain")
        || content_type.starts_with("application/csv")
        || content_type.starts_with("application/vnd.ms-excel")
        || content_type.starts_with("application/octet-stream")
    {
        let mut bytes = Vec::new();
        let mut payload = payload;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::of(
                    crate::error::ErrorCode::InvalidBody,
                    format!("The upload could not be read: {e}"),
                )
            })?;
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((bytes, None));
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        crate::error::ErrorCode::UnsupportedMediaType,
        "Upload the file as multipart/form-data (field \"file\") or as a text/csv body.",
    ))
}

#[utoipa::path(post, path = "/api/v1/invitation-imports", tag = "Bulk invitations",
    params(RowsQuery),
    request_body(description = "The CSV file: `multipart/form-data` with a `file` field, or the raw file as `text/csv`. UTF-8 (with or without BOM); comma, semicolon or tab.", content_type = "text/csv", content = String),
    responses(
        (status = 201, description = "Stored and previewed; nothing sent", body = Import),
        (status = 413, description = "`file_too_large`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A file-level error (`empty_file`, `not_utf8`, `missing_email_column`, `unknown_columns`, `duplicate_columns`, `ragged_row`, `unbalanced_quotes`, `too_many_rows`, `no_rows`); no import is created", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_import(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<RowsQuery>,
) -> ApiResult<HttpResponse> {
    let limits = state.settings.imports;
    let (bytes, filename) = read_upload(&req, payload, limits.max_bytes).await?;
    let parsed = web::block(move || parse(&bytes, limits.max_rows))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| file_error(&e))?;
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    let query = query.into_inner();
    let import = state
        .db(move |conn| {
            // One pass: each row is checked, kept for the preview page if it falls on it, and
            // written (then freed) by the use case.
            let offset = usize::try_from(query.offset()).unwrap_or(usize::MAX);
            let per_page = usize::try_from(query.per_page()).unwrap_or(0);
            let mut matching = 0usize;
            let mut rows: Vec<ImportRow> = Vec::with_capacity(per_page.min(100));
            let input = ImportInput {
                source: ImportSource::Csv,
                file_name: filename.as_deref(),
                header: &parsed.header,
                idempotency_key: None,
            };
            let record = imports::upload(conn, &ctx, &input, parsed.rows, |raw, checked| {
                if !query.errors_only() || !checked.errors.is_empty() {
                    if matching >= offset && rows.len() < per_page {
                        rows.push(ImportRow::from_parts(raw, &checked.errors));
                    }
                    matching += 1;
                }
            })?;
            let total = i64::try_from(matching).unwrap_or(i64::MAX);
            Import::new(&record, rows, &query, total, None)
                .with_sso(conn, org.get())?
                .with_seats(conn, org)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/invitation-imports/{}", import.id),
        ))
        .json(import))
}
