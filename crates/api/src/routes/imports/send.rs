//! Send an import: re-check every row against the organization as it is now, then create every
//! invitation and its queued email in one transaction. Sending again returns the first result.

use super::store::{
    all_rows, create_invitations, encode_errors, find_import, load_directory, lock_import,
    update_rows, BulkSend, ImportRecord, RowRecord,
};
use super::view::SendResult;
use crate::auth::Admin;
use crate::db::schema::{invitation_import_rows, invitation_imports};
use crate::db::{from_db, to_db, write_transaction, DbConnection};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::invitations::create::organization_ttl;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use skillstream_domain::bulk::check_rows;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SendImport {
    /// Send the valid rows and skip those with errors (default: refuse while any row has one).
    pub skip_invalid: Option<bool>,
}

pub enum SendOutcome {
    Sent(SendResult),
    /// Rows have errors and `skip_invalid` was not given: nothing was sent.
    Refused {
        invalid: i64,
    },
}

pub fn refused(invalid: i64) -> ApiError {
    let rows = if invalid == 1 {
        "1 row has errors".to_string()
    } else {
        format!("{invalid} rows have errors")
    };
    ApiError::conflict(
        "import_has_errors",
        format!(
            "{rows}. Fix the file and upload it again, or send only the valid rows (skip_invalid)."
        ),
    )
    .with_invalid_rows(invalid)
}

/// The result of an import that was sent, as first reported.
pub fn stored_result(
    conn: &mut DbConnection,
    record: &ImportRecord,
) -> ApiResult<Option<SendResult>> {
    if record.status != "sent" {
        return Ok(None);
    }
    let skipped_lines: Vec<i64> = if record.skip_invalid == Some(true) {
        invitation_import_rows::table
            .filter(invitation_import_rows::import_id.eq(record.id))
            .filter(invitation_import_rows::valid.eq(false))
            .order(invitation_import_rows::line.asc())
            .select(invitation_import_rows::line)
            .load(conn)?
    } else {
        Vec::new()
    };
    Ok(Some(SendResult {
        import_id: record.id,
        created: i64::from(record.created_count.unwrap_or(0)),
        skipped: i64::from(record.skipped_count.unwrap_or(0)),
        skip_invalid: record.skip_invalid.unwrap_or(false),
        sent_at: record
            .sent_at
            .map(from_db)
            .unwrap_or_else(|| from_db(record.created_at)),
        skipped_lines,
    }))
}

/// The send itself; the caller owns the transaction (and commits a refusal too, so the
/// re-checked errors are kept).
pub fn send(
    conn: &mut DbConnection,
    org: i64,
    import_id: i64,
    inviter: i64,
    skip_invalid: bool,
    secret: &str,
    now: DateTime<Utc>,
) -> ApiResult<SendOutcome> {
    // Only an import of the caller's organization is locked: another organization's id is a
    // 404 before any row lock is taken.
    lock_import(conn, org, import_id)?;
    let record = find_import(conn, org, import_id)?;
    if let Some(result) = stored_result(conn, &record)? {
        return Ok(SendOutcome::Sent(result));
    }
    if from_db(record.expires_at) <= now {
        return Err(ApiError::new(
            StatusCode::GONE,
            "import_expired",
            "This import is more than 24 hours old. Upload the file again to preview it afresh.",
        ));
    }
    let clock = std::time::Instant::now();
    let rows = all_rows(conn, import_id)?;
    let loaded = clock.elapsed();
    let directory = load_directory(conn, org, now)?;
    let raw: Vec<_> = rows.iter().map(RowRecord::raw).collect();
    let checked = check_rows(&raw, &directory);
    let rechecked = clock.elapsed();
    // Rows whose verdict changed since the preview (a department renamed, someone invited
    // meanwhile) are rewritten, so the preview shows why they were not sent.
    let changed: Vec<RowRecord> = rows
        .iter()
        .zip(&checked)
        .filter_map(|(row, check)| {
            let errors = encode_errors(&check.errors);
            (errors != row.errors).then(|| RowRecord {
                valid: check.errors.is_empty(),
                errors,
                ..row.clone()
            })
        })
        .collect();
    update_rows(conn, &changed)?;
    let total = rows.len();
    let skipped_lines: Vec<i64> = rows
        .iter()
        .zip(&checked)
        .filter(|(_, check)| !check.errors.is_empty())
        .map(|(row, _)| row.line)
        .collect();
    // Large imports hold every row several times over; let go of what is no longer needed.
    drop((changed, raw, rows));
    let invalid = checked.iter().filter(|c| !c.errors.is_empty()).count();
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    diesel::update(invitation_imports::table.find(import_id))
        .set((
            invitation_imports::valid.eq(count(total - invalid)),
            invitation_imports::invalid.eq(count(invalid)),
        ))
        .execute(conn)?;
    if invalid > 0 && !skip_invalid {
        return Ok(SendOutcome::Refused {
            invalid: i64::try_from(invalid).unwrap_or(i64::MAX),
        });
    }
    let valid: Vec<_> = checked.into_iter().filter_map(|c| c.valid).collect();
    let bulk = BulkSend {
        organization_id: org,
        inviter_id: inviter,
        import_id,
        secret,
        now,
        expires_at: organization_ttl(conn, org)?.expiry_from(now),
    };
    let created = create_invitations(conn, &bulk, &valid)?;
    tracing::info!(
        import_id,
        created,
        skipped = invalid,
        load_ms = loaded.as_millis() as u64,
        recheck_ms = (rechecked - loaded).as_millis() as u64,
        write_ms = (clock.elapsed() - rechecked).as_millis() as u64,
        "import sent"
    );
    diesel::update(invitation_imports::table.find(import_id))
        .set((
            invitation_imports::status.eq("sent"),
            invitation_imports::skip_invalid.eq(skip_invalid),
            invitation_imports::created_count.eq(count(created)),
            invitation_imports::skipped_count.eq(count(invalid)),
            invitation_imports::sent_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    // The result as `stored_result` will read it back for a repeated send.
    Ok(SendOutcome::Sent(SendResult {
        import_id,
        created: i64::try_from(created).unwrap_or(i64::MAX),
        skipped: i64::try_from(invalid).unwrap_or(i64::MAX),
        skip_invalid,
        sent_at: from_db(to_db(now)),
        skipped_lines,
    }))
}

/// Reads `skip_invalid` from a JSON body (which may be empty) or the query string.
pub fn parse_send_body(body: &[u8], query: SendImport) -> ApiResult<bool> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        SendImport::default()
    } else {
        // `null` is the optional body left out, as the document allows.
        serde_json::from_slice::<Option<SendImport>>(body)
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_json",
                    format!("The request body is not valid JSON: {e}"),
                )
            })?
            .unwrap_or_default()
    };
    Ok(from_body
        .skip_invalid
        .or(query.skip_invalid)
        .unwrap_or(false))
}

#[utoipa::path(post, path = "/api/v1/invitation-imports/{id}/send", tag = "Bulk invitations",
    params(("id" = i64, Path), SendImport),
    request_body(content = Option<SendImport>, description = "Optional; `skip_invalid` may also be given in the query string"),
    responses(
        (status = 200, description = "Sent (or already sent: the first result again)", body = SendResult),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`import_has_errors` with `invalid_rows`; nothing sent", body = ErrorBody),
        (status = 410, description = "`import_expired` (imports can be sent for 24 hours)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send_import(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SendImport>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let skip_invalid = parse_send_body(&body, query.into_inner())?;
    let (org, inviter, id) = (admin.organization_id, admin.user_id, id.into_inner());
    let secret = state.settings.jwt_secret.clone();
    let now = Utc::now();
    let outcome = state
        .db(move |conn| {
            write_transaction(conn, |conn| {
                send(conn, org, id, inviter, skip_invalid, secret.expose(), now)
            })
        })
        .await?;
    match outcome {
        SendOutcome::Sent(result) => {
            state.wakeup.notify();
            state.counts.forget(org);
            Ok(HttpResponse::Ok().json(result))
        }
        SendOutcome::Refused { invalid } => Err(refused(invalid)),
    }
}
