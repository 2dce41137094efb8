//! The batch API for integrators: the CSV rules over a JSON array, with `dry_run` (the
//! preview only), `skip_invalid`, and idempotency through an `Idempotency-Key` header.

use super::view::{ImportRow, ImportSummary, SendResult};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, AppError, AppResult, ErrorBody, ErrorCode, FieldError};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use skillstream_app::imports::{self, BatchOutcome, ImportInput};
use skillstream_domain::bulk::CheckedRow;
use skillstream_domain::csv_import::RawRow;
use skillstream_domain::{ImportSource, OrganizationId};
use utoipa::{IntoParams, ToSchema};

/// The most one batch call takes: 100,000 invitations, 20 MiB.
pub const BATCH_MAX_ROWS: usize = 100_000;
pub const BATCH_MAX_BYTES: usize = 20 * 1024 * 1024;

/// One invitation of a batch: the CSV template's fields.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct BatchItem {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub group: Option<String>,
    /// When to send (up to 90 days ahead): RFC 3339, or without an offset read in the
    /// organization's time zone. Left out: at once.
    #[schema(example = "2026-12-07T09:00")]
    pub send_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct BatchRequest {
    /// 1 to 100,000 invitations (fewer when `IMPORT_MAX_ROWS` is lower); at most 20 MiB.
    #[schema(min_items = 1)]
    pub invitations: Vec<BatchItem>,
    /// Check and preview only; nothing is stored or sent.
    pub dry_run: Option<bool>,
    /// Send the valid rows and skip the others (default: refuse while any row has errors).
    pub skip_invalid: Option<bool>,
}

/// Marks the parse error raised when the array holds more than the row limit.
const TOO_MANY_ROWS: &str = "too many invitations";

/// Reads the body, `{"invitations": [...], "dry_run", "skip_invalid"}` or a bare array, as a
/// stream of items that stops at the first one over `max_rows`: a hostile body of millions of
/// tiny objects costs no more memory than the row limit allows. (An untagged enum would
/// first copy the whole document into serde's generic tree.)
struct BatchBodySeed {
    max_rows: usize,
}

/// The `invitations` array, item by item, up to `max_rows`.
struct LimitedItems {
    max_rows: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for LimitedItems {
    type Value = Vec<RawRow>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LimitedItems {
    type Value = Vec<RawRow>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of invitations")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Reserved, not touched: pages are only committed as rows fill them.
        let mut rows = Vec::with_capacity(self.max_rows.min(1_000_000));
        while let Some(item) = seq.next_element::<BatchItem>()? {
            if rows.len() == self.max_rows {
                return Err(serde::de::Error::custom(TOO_MANY_ROWS));
            }
            rows.push(row_of(rows.len(), item));
        }
        Ok(rows)
    }
}

/// A batch as read: its rows, each numbered by its position, and the flags.
#[derive(Default)]
struct ParsedBatch {
    rows: Vec<RawRow>,
    dry_run: Option<bool>,
    skip_invalid: Option<bool>,
}

impl<'de> serde::de::DeserializeSeed<'de> for BatchBodySeed {
    type Value = ParsedBatch;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for BatchBodySeed {
    type Value = ParsedBatch;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of invitations or {\"invitations\": [...]}")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let items = LimitedItems {
            max_rows: self.max_rows,
        };
        Ok(ParsedBatch {
            rows: serde::de::Visitor::visit_seq(items, seq)?,
            ..ParsedBatch::default()
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut request = ParsedBatch::default();
        let mut seen_invitations = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "invitations" => {
                    request.rows = map.next_value_seed(LimitedItems {
                        max_rows: self.max_rows,
                    })?;
                    seen_invitations = true;
                }
                "dry_run" => request.dry_run = map.next_value()?,
                "skip_invalid" => request.skip_invalid = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        if !seen_invitations {
            return Err(serde::de::Error::missing_field("invitations"));
        }
        Ok(request)
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    pub dry_run: Option<bool>,
    pub skip_invalid: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    /// The stored import (absent for a dry run).
    pub import_id: Option<i64>,
    pub dry_run: bool,
    pub summary: ImportSummary,
    /// Every row; `line` is the 1-based position in the array.
    pub rows: Vec<ImportRow>,
    /// What was created (absent for a dry run).
    pub result: Option<SendResult>,
}

pub fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    // Printable ASCII (spaces inside only), as documented: a tab or a control character is
    // refused rather than stored as part of the key.
    let bytes = value.as_bytes();
    let printable = bytes.iter().all(|b| (0x20..=0x7e).contains(b));
    let edges = bytes
        .first()
        .zip(bytes.last())
        .is_some_and(|(a, z)| *a != b' ' && *z != b' ');
    let key = std::str::from_utf8(bytes).unwrap_or_default();
    if !printable || !edges || key.len() > 200 {
        return Err(ApiError::of(
            crate::error::ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 1 to 200 visible ASCII characters.",
        ));
    }
    Ok(Some(key.to_string()))
}

async fn read_json(
    payload: web::Payload,
    limit: usize,
    max_rows: usize,
    expected_bytes: usize,
) -> ApiResult<ParsedBatch> {
    // Sized from Content-Length (already capped at the limit): no doubling copies on the way.
    let mut bytes = web::BytesMut::with_capacity(expected_bytes);
    let mut payload = payload;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::of(
                crate::error::ErrorCode::InvalidBody,
                format!("The request body could not be read: {e}"),
            )
        })?;
        if bytes.len() + chunk.len() > limit {
            return Err(super::upload::too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    let parsed = serde::de::DeserializeSeed::deserialize(BatchBodySeed { max_rows }, &mut reader)
        .and_then(|request| reader.end().map(|()| request));
    drop(bytes);
    match parsed {
        Ok(request) => Ok(request),
        Err(e) if e.to_string().starts_with(TOO_MANY_ROWS) => Err(too_many_rows(max_rows)),
        Err(e) if e.is_data() => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::error::ErrorCode::InvalidBody,
            "The body must be an array of invitations, or {\"invitations\": [...], \"dry_run\": bool, \"skip_invalid\": bool}.",
        )),
        Err(e) => Err(ApiError::of(crate::error::ErrorCode::InvalidJson, format!("The request body is not valid JSON: {e}"))),
    }
}

fn too_many_rows(max_rows: usize) -> ApiError {
    ApiError::field(
        "invitations",
        "too_many_rows",
        format!("At most {max_rows} invitations can be sent in one call."),
    )
}

/// An item as a row (its strings moved, not copied); `index` is its 0-based position.
fn row_of(index: usize, item: BatchItem) -> RawRow {
    let text = |v: Option<String>| {
        let v = v.unwrap_or_default();
        if v.trim().len() == v.len() {
            v
        } else {
            v.trim().to_string()
        }
    };
    RawRow {
        line: index as u64 + 1,
        email: text(item.email),
        first_name: text(item.first_name),
        last_name: text(item.last_name),
        role: text(item.role),
        department: text(item.department),
        group: text(item.group),
        send_at: text(item.send_at),
        status: String::new(),
    }
}

/// The answer of a batch call as JSON text, written as the rows are checked: the same object as
/// [`BatchResponse`] (its fields in another order), so a 100,000-row answer is never held as
/// rows and as text at once.
struct StreamedAnswer {
    json: Vec<u8>,
    summary: ImportSummary,
}

impl StreamedAnswer {
    fn finish(
        mut self,
        import_id: Option<i64>,
        dry_run: bool,
        result: Option<&SendResult>,
    ) -> ApiResult<Vec<u8>> {
        self.json.extend_from_slice(b"],\"import_id\":");
        serde_json::to_writer(&mut self.json, &import_id).map_err(ApiError::internal)?;
        self.json.extend_from_slice(b",\"dry_run\":");
        serde_json::to_writer(&mut self.json, &dry_run).map_err(ApiError::internal)?;
        self.json.extend_from_slice(b",\"summary\":");
        serde_json::to_writer(&mut self.json, &self.summary).map_err(ApiError::internal)?;
        self.json.extend_from_slice(b",\"result\":");
        serde_json::to_writer(&mut self.json, &result).map_err(ApiError::internal)?;
        self.json.push(b'}');
        Ok(self.json)
    }
}

/// The answer's rows as they are checked: each is written to the JSON at once, so a
/// 100,000-row answer is never held as rows and as text. `want_details`: collect the rows'
/// problems for a refusal.
struct AnswerWriter {
    json: Vec<u8>,
    rows: usize,
    want_details: bool,
    details: Vec<FieldError>,
}

impl AnswerWriter {
    fn new(expected_bytes: usize, want_details: bool) -> Self {
        let mut json = Vec::with_capacity(expected_bytes);
        json.extend_from_slice(b"{\"rows\":[");
        Self {
            json,
            rows: 0,
            want_details,
            details: Vec::new(),
        }
    }

    fn row(&mut self, raw: &RawRow, checked: &CheckedRow) -> AppResult<()> {
        if self.rows > 0 {
            self.json.push(b',');
        }
        self.rows += 1;
        let shown = ImportRow::checked(raw, checked);
        serde_json::to_writer(&mut self.json, &shown).map_err(AppError::internal)?;
        if self.want_details && !checked.errors.is_empty() {
            self.details.extend(shown.errors.iter().map(|e| {
                FieldError::new(
                    &format!("invitations[{}].{}", shown.line - 1, e.column),
                    &e.code,
                    e.message.clone(),
                )
                .with_suggestion(e.suggestion.as_deref())
            }));
        }
        Ok(())
    }

    fn streamed(self, total: i64, invalid: i64) -> StreamedAnswer {
        StreamedAnswer {
            json: self.json,
            summary: ImportSummary {
                total,
                valid: total - invalid,
                invalid,
            },
        }
    }
}

#[utoipa::path(post, path = "/api/v1/invitations/batch", tag = "Bulk invitations",
    params(BatchQuery, ("Idempotency-Key" = Option<String>, Header, min_length = 1, pattern = r"^[\x21-\x7e]([\x20-\x7e]{0,198}[\x21-\x7e])?$",
        description = "1 to 200 visible ASCII characters. Repeating a call with the same key returns the first result and creates nothing")),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "Dry run, or a repeat of an earlier call with the same Idempotency-Key", body = BatchResponse),
        (status = 201, description = "Invitations created and their emails queued", body = BatchResponse),
        (status = 409, description = "`import_has_errors`: rows have errors (listed in `details` as `invitations[i].column`) and `skip_invalid` was not set; nothing created", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn batch_invite(
    admin: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<BatchQuery>,
) -> ApiResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    // A batch is JSON read whole (item by item), so it keeps the first edition's size: files
    // stream and may be larger.
    let limits = crate::config::ImportLimits {
        max_bytes: state.settings.imports.max_bytes.min(BATCH_MAX_BYTES),
        max_rows: state.settings.imports.max_rows.min(BATCH_MAX_ROWS),
    };
    let body_bytes = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(limits.max_bytes);
    let request = read_json(payload, limits.max_bytes, limits.max_rows, body_bytes).await?;
    let dry_run = request.dry_run.or(query.dry_run).unwrap_or(false);
    let skip_invalid = request.skip_invalid.or(query.skip_invalid).unwrap_or(false);
    if request.rows.is_empty() {
        return Err(ApiError::field(
            "invitations",
            "required",
            "Give at least one invitation.",
        ));
    }
    let raw = request.rows;
    let ctx = admin.ctx(&state);
    let org = ctx.org()?;
    if let Some(key) = key.clone().filter(|_| !dry_run) {
        let earlier = state
            .db(move |conn| previous_answer(conn, org, &key))
            .await?;
        if let Some(answer) = earlier {
            return Ok(HttpResponse::Ok().json(answer));
        }
    }
    let attempt_key = key.clone();
    let result = state
        .db(move |conn| {
            let header: Vec<String> = [
                "email",
                "first_name",
                "last_name",
                "role",
                "department",
                "group",
                "send_at",
            ]
            .into_iter()
            .map(String::from)
            .collect();
            let input = ImportInput {
                source: ImportSource::Api,
                mode: skillstream_domain::ImportMode::InviteNew,
                column_map: None,
                save_column_map_as: None,
                file_name: None,
                header: &header,
                expected_rows: raw.len(),
                idempotency_key: attempt_key.as_deref(),
            };
            // The answer echoes every row: about twice the body's size.
            let mut answer = AnswerWriter::new(body_bytes.saturating_mul(4), !skip_invalid);
            let outcome = imports::batch(
                conn,
                &ctx,
                &input,
                raw,
                dry_run,
                skip_invalid,
                |raw, checked| answer.row(raw, checked),
            );
            match outcome {
                Ok(BatchOutcome::DryRun { total, invalid }) => Ok((
                    StatusCode::OK,
                    answer.streamed(total, invalid).finish(None, true, None)?,
                    false,
                )),
                Ok(BatchOutcome::Sent {
                    import_id,
                    total,
                    invalid,
                    result,
                }) => Ok((
                    StatusCode::CREATED,
                    answer.streamed(total, invalid).finish(
                        Some(import_id.get()),
                        false,
                        Some(&SendResult::from(result)),
                    )?,
                    true,
                )),
                // A refusal lists every row's problems, as `invitations[i].column`.
                Err(refusal) if refusal.code() == ErrorCode::ImportHasErrors => {
                    Err(ApiError::from(refusal).with_details(answer.details))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await;
    let (status, body, created) = match result {
        Ok(answer) => answer,
        // The same key raced another call: that call's answer is this one's.
        Err(e)
            if e.status() == StatusCode::CONFLICT
                && e.code() == crate::error::ErrorCode::Conflict
                && key.is_some() =>
        {
            let key = key.unwrap_or_default();
            let earlier = state
                .db(move |conn| previous_answer(conn, org, &key))
                .await?;
            return match earlier {
                Some(answer) => Ok(HttpResponse::Ok().json(answer)),
                None => Err(e),
            };
        }
        Err(e) => return Err(e),
    };
    if created {
        state.wakeup.notify();
        state.counts.forget(org.get());
    }
    // Handed to the connection in 64 KiB slices of one buffer: a single 40 MB chunk would be
    // copied whole into the connection's write buffer.
    let body = web::Bytes::from(body);
    let size = body.len() as u64;
    let chunks = (0..body.len())
        .step_by(64 * 1024)
        .map(move |start| {
            Ok::<_, std::convert::Infallible>(
                body.slice(start..(start + 64 * 1024).min(body.len())),
            )
        })
        .collect::<Vec<_>>();
    Ok(HttpResponse::build(status)
        .content_type("application/json")
        .body(actix_web::body::SizedStream::new(
            size,
            futures::stream::iter(chunks),
        )))
}

fn previous_answer(
    conn: &mut crate::db::DbConnection,
    org: OrganizationId,
    key: &str,
) -> ApiResult<Option<BatchResponse>> {
    let Some(id) = imports::by_idempotency_key(conn, org, key)? else {
        return Ok(None);
    };
    let record = imports::find(conn, org, id)?;
    let rows: Vec<ImportRow> = imports::rows::all(conn, org, id)?
        .iter()
        .map(ImportRow::from)
        .collect();
    Ok(Some(BatchResponse {
        import_id: Some(id.get()),
        dry_run: false,
        summary: ImportSummary {
            total: i64::from(record.total),
            valid: i64::from(record.valid),
            invalid: i64::from(record.invalid),
        },
        rows,
        result: imports::stored_result(conn, &record)?.map(SendResult::from),
    }))
}
