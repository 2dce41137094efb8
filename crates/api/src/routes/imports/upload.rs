//! Upload a file (multipart field `file`, or the raw body): CSV or a workbook (.xlsx, .xls,
//! .ods), its columns read through the admin's map, a saved map or the alias table; every row
//! is checked as the mode reads it, and the import is stored. Nothing is sent.

use super::view::{ActionCounts, Import, ImportRow, RowsQuery};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures::StreamExt;
use serde::Deserialize;
use skillstream_app::error::ColumnGuess;
use skillstream_app::imports::{self, ImportInput, OnFailure};
use skillstream_domain::csv_import::{map_columns, open, FileError};
use skillstream_domain::import_columns::{self, ColumnMap};
use skillstream_domain::{ImportMode, ImportSource};
use std::collections::HashMap;
use utoipa::IntoParams;

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

/// The file and the form's other fields.
struct Upload {
    bytes: Vec<u8>,
    filename: Option<String>,
    /// Small text fields sent beside the file (`mode`, `column_map`, `sheet`,
    /// `save_column_map`).
    fields: HashMap<String, String>,
}

/// Form fields besides the file are short; anything longer is refused.
const MAX_FIELD_BYTES: usize = 64 * 1024;

fn unreadable(e: impl std::fmt::Display) -> ApiError {
    ApiError::of(
        crate::error::ErrorCode::InvalidMultipart,
        format!("The upload could not be read: {e}"),
    )
}

/// Reads the upload into memory, refusing more than `limit` bytes as soon as it is exceeded.
async fn read_upload(req: &HttpRequest, payload: web::Payload, limit: usize) -> ApiResult<Upload> {
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
        // Multipart adds a little framing around the file (and the short fields).
        if length > limit + 2 * MAX_FIELD_BYTES {
            return Err(too_large(limit));
        }
    }
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::new(req.headers(), payload);
        let mut file = None;
        let mut fields = HashMap::new();
        while let Some(field) = multipart.next().await {
            let mut field = field.map_err(unreadable)?;
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let filename = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .map(|f| f.chars().take(255).collect());
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(unreadable)?;
                    if bytes.len() + chunk.len() > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((bytes, filename));
                continue;
            }
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(unreadable)?;
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(ApiError::field(
                        &name,
                        "too_long",
                        format!("The form field \"{name}\" is longer than 64 KiB."),
                    ));
                }
                value.extend_from_slice(&chunk);
            }
            if matches!(
                name.as_str(),
                "mode" | "column_map" | "sheet" | "save_column_map" | "background"
            ) {
                let text = String::from_utf8(value).map_err(|_| {
                    ApiError::field(&name, "invalid", format!("\"{name}\" is not UTF-8 text."))
                })?;
                fields.insert(name, text);
            }
        }
        let Some((bytes, filename)) = file else {
            return Err(ApiError::field(
                "file",
                "required",
                "Attach the file (CSV, .xlsx, .xls or .ods) in a form field named \"file\".",
            ));
        };
        return Ok(Upload {
            bytes,
            filename,
            fields,
        });
    }
    const RAW_TYPES: [&str; 9] = [
        "text/csv",
        "text/plain",
        "application/csv",
        "application/vnd.ms-excel",
        "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/x-msexcel",
        "application/excel",
    ];
    if content_type.is_empty() || RAW_TYPES.iter().any(|t| content_type.starts_with(t)) {
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
        return Ok(Upload {
            bytes,
            filename: None,
            fields: HashMap::new(),
        });
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        crate::error::ErrorCode::UnsupportedMediaType,
        "Upload the file as multipart/form-data (field \"file\") or as the raw body (text/csv, or a spreadsheet's own type).",
    ))
}

/// How to read the file: query parameters, or form fields beside the file (which win).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadOptions {
    /// `invite_new` (default): invite new addresses; `invite_and_update`: also update,
    /// deactivate or reactivate members; `update_only`: members only.
    pub mode: Option<String>,
    /// `{"file header": "field" | "ignore"}` as JSON, for columns the server does not
    /// recognise. Fields: email, first_name, last_name, role, department, group, send_at,
    /// status.
    pub column_map: Option<String>,
    /// A workbook's sheet (default: the first with any cell filled).
    pub sheet: Option<String>,
    /// `true`: remember `column_map` for later files with the same header.
    pub save_column_map: Option<bool>,
    /// `true`: answer 202 as soon as the header is read, and read and check the rows in the
    /// background; the import's `progress` says how far it is (poll `GET …/{id}`). For large
    /// files, as the web app does.
    pub background: Option<bool>,
}

/// The options as given, checked.
struct Reading {
    mode: ImportMode,
    column_map: Option<ColumnMap>,
    sheet: Option<String>,
    save: bool,
    background: bool,
}

impl UploadOptions {
    fn read(self, fields: &HashMap<String, String>) -> ApiResult<Reading> {
        let field = |name: &str| fields.get(name).cloned();
        let mode = match field("mode").or(self.mode) {
            None => ImportMode::InviteNew,
            Some(text) if text.trim().is_empty() => ImportMode::InviteNew,
            Some(text) => ImportMode::from_stored(text.trim()).ok_or_else(|| {
                ApiError::field(
                    "mode",
                    "invalid",
                    format!("Mode \"{text}\" is not one of: invite_new, invite_and_update, update_only."),
                )
            })?,
        };
        let column_map = match field("column_map").or(self.column_map) {
            Some(text) if !text.trim().is_empty() => Some(
                ColumnMap::parse(&text)
                    .map_err(|message| file_error(&FileError::InvalidColumnMap(message)))?,
            ),
            _ => None,
        };
        let flag = |text: String| matches!(text.trim(), "true" | "1" | "on");
        let save = field("save_column_map")
            .map(flag)
            .unwrap_or(self.save_column_map.unwrap_or(false));
        let background = field("background")
            .map(flag)
            .unwrap_or(self.background.unwrap_or(false));
        Ok(Reading {
            mode,
            column_map,
            sheet: field("sheet")
                .or(self.sheet)
                .filter(|s| !s.trim().is_empty()),
            save,
            background,
        })
    }
}

/// What the upload's database call did: the preview whole, or (in the background) the start.
enum Outcome {
    Done(Box<ApiResult<Import>>),
    Started(Box<Started>),
}

/// An upload whose rows are still to be read, with what reading them needs.
struct Started {
    import: Import,
    upload: imports::StartedUpload,
    columns: Vec<Option<skillstream_domain::csv_import::Column>>,
}

/// A file-level error; for the column errors, with every header cell and what it was read
/// as, so a mapping step can settle the rest.
fn column_error(error: &FileError, header: Option<&[String]>, map: &ColumnMap) -> ApiError {
    let mut api = file_error(error);
    if let Some(header) = header {
        let columns = import_columns::guesses(header, map)
            .into_iter()
            .map(|(header, field)| ColumnGuess {
                header,
                field: field.map(str::to_string),
            })
            .collect();
        api = ApiError(api.0.with_columns(columns));
    }
    api
}

fn is_column_error(error: &FileError) -> bool {
    matches!(
        error,
        FileError::UnknownColumns(_) | FileError::NoEmailColumn | FileError::DuplicateColumns(_)
    )
}

#[utoipa::path(post, path = "/api/v1/invitation-imports", tag = "Bulk invitations",
    params(RowsQuery, UploadOptions),
    request_body(description = "The file: `multipart/form-data` with a `file` field (and optionally `mode`, `column_map`, `sheet`, `save_column_map` fields), or the raw file as the body (then the options go in the query string). CSV (UTF-8 with or without BOM; comma, semicolon or tab), `.xlsx`, `.xls` or `.ods`; the kind is told from the content.", content_type = "text/csv", content = String),
    responses(
        (status = 201, description = "Stored and previewed; nothing sent", body = Import),
        (status = 202, description = "With `background`: the header was read; the rows are being read and checked (`progress`); poll the import", body = Import),
        (status = 413, description = "`file_too_large`", body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "A file-level error (`empty_file`, `not_utf8`, `unsupported_file`, `unreadable_workbook`, `sheet_not_found`, `missing_email_column`, `unknown_columns`, `duplicate_columns`, `invalid_column_map`, `ragged_row`, `unbalanced_quotes`, `too_many_rows`, `no_rows`; the column errors carry `columns`), or an invalid `mode`; no import is created", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_import(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<RowsQuery>,
    options: web::Query<UploadOptions>,
) -> ApiResult<HttpResponse> {
    let limits = state.settings.imports;
    let clock = std::time::Instant::now();
    let upload = read_upload(&req, payload, limits.max_bytes).await?;
    let read_ms = clock.elapsed().as_millis() as u64;
    let reading = options.into_inner().read(&upload.fields)?;
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    let query = query.into_inner();
    let Upload {
        bytes, filename, ..
    } = upload;
    let bytes = std::sync::Arc::new(bytes);
    let file = bytes.clone();
    let sheet = reading.sheet.clone();
    let background = reading.background;
    let task_ctx = ctx.clone();
    let outcome = state
        .db(move |conn| {
            let bytes = file;
            // The file is read as it is checked and written: its rows stream from its bytes.
            let opened = open(&bytes, reading.sheet.as_deref()).map_err(|e| file_error(&e))?;
            let given = reading.column_map.clone().unwrap_or_default();
            let (columns, map) = match map_columns(&opened.header, &given) {
                Ok(columns) => (columns, given),
                Err(error) if is_column_error(&error) => {
                    // A file whose header has a saved map reads through it; otherwise the
                    // mapping step needs the header and what each cell was read as.
                    let saved = match reading.column_map {
                        Some(_) => None,
                        None => {
                            let key = import_columns::header_key(&opened.header);
                            imports::saved_column_map(conn, org, &key)?
                                .and_then(|text| ColumnMap::parse(&text).ok())
                        }
                    };
                    match saved.map(|saved| (map_columns(&opened.header, &saved), saved)) {
                        Some((Ok(columns), saved)) => (columns, saved),
                        Some((Err(error), saved)) => {
                            return Err(column_error(&error, Some(&opened.header), &saved))
                        }
                        None => return Err(column_error(&error, Some(&opened.header), &given)),
                    }
                }
                Err(error) => return Err(file_error(&error)),
            };
            let header = opened.header.clone();
            let resolved = ColumnMap::resolved(&header, &map).to_string();
            let header_key = import_columns::header_key(&header);
            let save = reading.save && reading.column_map.is_some();
            let input = ImportInput {
                source: ImportSource::Csv,
                mode: reading.mode,
                column_map: Some(&resolved),
                save_column_map_as: save.then_some(header_key.as_str()),
                file_name: filename.as_deref(),
                header: &header,
                // About 60 bytes a row; sizes the duplicate check.
                expected_rows: (bytes.len() / 60).min(limits.max_rows),
                idempotency_key: None,
            };
            let (record, upload) = imports::start_upload(conn, &ctx, &input)?;
            let started_ms = clock.elapsed().as_millis() as u64;
            if background {
                return Ok(Outcome::Started(Box::new(Started {
                    import: Import::new(&record, Vec::new(), &query, 0, None),
                    upload,
                    columns,
                })));
            }
            // One pass: each row is checked, kept for the preview page if it falls on it, and
            // written (then freed), a few thousand rows per transaction.
            let offset = usize::try_from(query.offset()).unwrap_or(usize::MAX);
            let per_page = usize::try_from(query.per_page()).unwrap_or(0);
            let mut matching = 0usize;
            let mut actions = ActionCounts::default();
            let mut rows: Vec<ImportRow> = Vec::with_capacity(per_page.min(100));
            let stream = opened.rows(columns, limits.max_rows);
            let record = imports::check_upload(
                conn,
                &ctx,
                upload,
                stream,
                OnFailure::Delete,
                |raw, checked| {
                    actions.add(checked.action, 1);
                    if !query.errors_only() || !checked.errors.is_empty() {
                        if matching >= offset && rows.len() < per_page {
                            rows.push(ImportRow::checked(raw, checked));
                        }
                        matching += 1;
                    }
                },
            )?;
            let total = i64::try_from(matching).unwrap_or(i64::MAX);
            let checked_ms = clock.elapsed().as_millis() as u64;
            let import = Import::new(&record, rows, &query, total, None)
                .with_sso(conn, org.get())?
                .with_seats(conn, org)?
                .with_actions(conn, org, Some(actions))?
                .with_suggestions(conn, org);
            tracing::info!(
                import_id = record.id.get(),
                rows = record.total,
                read_ms,
                started_ms,
                checked_ms,
                previewed_ms = clock.elapsed().as_millis() as u64,
                "import uploaded"
            );
            Ok(Outcome::Done(Box::new(import)))
        })
        .await?;
    let import = match outcome {
        Outcome::Done(import) => (*import)?,
        Outcome::Started(started) => {
            let Started {
                import,
                upload,
                columns,
            } = *started;
            let id = import.id;
            // The rows are read and checked after the answer; the import's progress says how
            // far, and a file that turns out unreadable leaves the import failed with why.
            let task = state.clone();
            actix_web::rt::spawn(async move {
                let done = task
                    .db(move |conn| {
                        let opened = open(&bytes, sheet.as_deref()).map_err(|e| file_error(&e))?;
                        let stream = opened.rows(columns, limits.max_rows);
                        imports::check_upload(
                            conn,
                            &task_ctx,
                            upload,
                            stream,
                            OnFailure::Keep,
                            |_, _| {},
                        )?;
                        Ok(())
                    })
                    .await;
                if let Err(error) = done {
                    tracing::info!(import_id = id, code = %error.0.body().code.as_str(), "background import check ended early");
                }
            });
            return Ok(HttpResponse::Accepted()
                .insert_header((header::LOCATION, format!("/api/v1/invitation-imports/{id}")))
                .json(import));
        }
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/invitation-imports/{}", import.id),
        ))
        .json(import))
}
