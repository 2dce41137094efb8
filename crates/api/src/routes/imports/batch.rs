//! The batch API for integrators: the CSV rules over a JSON array, with `dry_run` (the
//! preview only), `skip_invalid`, and idempotency through an `Idempotency-Key` header.

use super::send::{send, stored_result, SendOutcome};
use super::store::{find_import, insert_import, load_directory, NewImport, RowRecord};
use super::view::{ImportRow, ImportSummary, SendResult};
use crate::auth::Admin;
use crate::db::schema::invitation_imports;
use crate::db::write_transaction;
use crate::error::{ApiError, ApiResult, ErrorBody, FieldError};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use skillstream_domain::bulk::check_rows;
use skillstream_domain::csv_import::RawRow;
use utoipa::{IntoParams, ToSchema};

/// One invitation of a batch: the CSV template's fields.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct BatchItem {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct BatchRequest {
    /// 1 to `IMPORT_MAX_ROWS` (100,000 by default) invitations.
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
    type Value = Vec<BatchItem>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LimitedItems {
    type Value = Vec<BatchItem>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of invitations")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max_rows));
        while let Some(item) = seq.next_element::<BatchItem>()? {
            if items.len() == self.max_rows {
                return Err(serde::de::Error::custom(TOO_MANY_ROWS));
            }
            items.push(item);
        }
        Ok(items)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for BatchBodySeed {
    type Value = BatchRequest;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for BatchBodySeed {
    type Value = BatchRequest;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of invitations or {\"invitations\": [...]}")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let items = LimitedItems {
            max_rows: self.max_rows,
        };
        Ok(BatchRequest {
            invitations: serde::de::Visitor::visit_seq(items, seq)?,
            ..BatchRequest::default()
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut request = BatchRequest::default();
        let mut seen_invitations = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "invitations" => {
                    request.invitations = map.next_value_seed(LimitedItems {
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

fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 200 visible ASCII characters.",
        ));
    }
    Ok(Some(key.to_string()))
}

async fn read_json(
    payload: web::Payload,
    limit: usize,
    max_rows: usize,
) -> ApiResult<BatchRequest> {
    let mut bytes = web::BytesMut::new();
    let mut payload = payload;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "invalid_body",
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
            "invalid_body",
            "The body must be an array of invitations, or {\"invitations\": [...], \"dry_run\": bool, \"skip_invalid\": bool}.",
        )),
        Err(e) => Err(ApiError::bad_request("invalid_json", format!("The request body is not valid JSON: {e}"))),
    }
}

fn too_many_rows(max_rows: usize) -> ApiError {
    ApiError::field(
        "invitations",
        "too_many_rows",
        format!("At most {max_rows} invitations can be sent in one call."),
    )
}

fn rows_of(items: &[BatchItem]) -> Vec<RawRow> {
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| RawRow {
            line: i as u64 + 1,
            email: text(&item.email),
            first_name: text(&item.first_name),
            last_name: text(&item.last_name),
            role: text(&item.role),
            department: text(&item.department),
            group: text(&item.group),
        })
        .collect()
}

fn summary(rows: &[ImportRow]) -> ImportSummary {
    let invalid = rows.iter().filter(|r| !r.valid).count() as i64;
    ImportSummary {
        total: rows.len() as i64,
        valid: rows.len() as i64 - invalid,
        invalid,
    }
}

#[utoipa::path(post, path = "/api/v1/invitations/batch", tag = "Bulk invitations",
    params(BatchQuery, ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 200, pattern = r"^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$",
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
    let limits = state.settings.imports;
    let request = read_json(payload, limits.max_bytes, limits.max_rows).await?;
    let dry_run = request.dry_run.or(query.dry_run).unwrap_or(false);
    let skip_invalid = request.skip_invalid.or(query.skip_invalid).unwrap_or(false);
    if request.invitations.is_empty() {
        return Err(ApiError::field(
            "invitations",
            "required",
            "Give at least one invitation.",
        ));
    }
    let raw = rows_of(&request.invitations);
    let (org, user) = (admin.organization_id, admin.user_id);
    let now = Utc::now();
    let secret = state.settings.jwt_secret.clone();
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
            write_transaction(conn, |conn| {
                let directory = load_directory(conn, org, now)?;
                let checked = check_rows(&raw, &directory);
                let rows: Vec<ImportRow> = raw
                    .iter()
                    .zip(&checked)
                    .map(|(r, c)| ImportRow::from(&RowRecord::new(0, r, c)))
                    .collect();
                let summary = summary(&rows);
                if dry_run {
                    return Ok((
                        StatusCode::OK,
                        BatchResponse {
                            import_id: None,
                            dry_run,
                            summary,
                            rows,
                            result: None,
                        },
                    ));
                }
                if summary.invalid > 0 && !skip_invalid {
                    return Err(row_errors(&rows, summary.invalid));
                }
                let header: Vec<String> = [
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "department",
                    "group",
                ]
                .into_iter()
                .map(String::from)
                .collect();
                let new = NewImport {
                    organization_id: org,
                    created_by: user,
                    source: "api",
                    filename: None,
                    header: &header,
                    idempotency_key: attempt_key.as_deref(),
                    now,
                };
                let records = raw
                    .iter()
                    .zip(&checked)
                    .map(|(r, c)| RowRecord::new(0, r, c))
                    .collect();
                let id = insert_import(conn, &new, records)?;
                match send(conn, org, id, user, skip_invalid, secret.expose(), now)? {
                    SendOutcome::Sent(result) => Ok((
                        StatusCode::CREATED,
                        BatchResponse {
                            import_id: Some(id),
                            dry_run,
                            summary,
                            rows,
                            result: Some(result),
                        },
                    )),
                    SendOutcome::Refused { invalid } => Err(super::send::refused(invalid)),
                }
            })
        })
        .await;
    let (status, body) = match result {
        Ok(answer) => answer,
        // The same key raced another call: that call's answer is this one's.
        Err(e) if e.status() == StatusCode::CONFLICT && e.code() == "conflict" && key.is_some() => {
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
    if body.result.is_some() {
        state.wakeup.notify();
        state.counts.forget(org);
    }
    Ok(HttpResponse::build(status).json(body))
}

fn row_errors(rows: &[ImportRow], invalid: i64) -> ApiError {
    let details = rows
        .iter()
        .flat_map(|row| {
            row.errors.iter().map(move |e| {
                FieldError::new(
                    &format!("invitations[{}].{}", row.line - 1, e.column),
                    &e.code,
                    e.message.clone(),
                )
                .with_suggestion(e.suggestion.as_deref())
            })
        })
        .collect();
    super::send::refused(invalid).with_details(details)
}

fn previous_answer(
    conn: &mut crate::db::DbConnection,
    org: i64,
    key: &str,
) -> ApiResult<Option<BatchResponse>> {
    let id: Option<i64> = invitation_imports::table
        .filter(invitation_imports::organization_id.eq(org))
        .filter(invitation_imports::idempotency_key.eq(key))
        .select(invitation_imports::id)
        .first(conn)
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    let record = find_import(conn, org, id)?;
    let rows: Vec<ImportRow> = super::store::all_rows(conn, id)?
        .iter()
        .map(ImportRow::from)
        .collect();
    Ok(Some(BatchResponse {
        import_id: Some(id),
        dry_run: false,
        summary: ImportSummary {
            total: i64::from(record.total),
            valid: i64::from(record.valid),
            invalid: i64::from(record.invalid),
        },
        rows,
        result: stored_result(conn, &record)?,
    }))
}
