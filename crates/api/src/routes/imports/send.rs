//! Send an import (the `imports::send` use case). Sending again returns the first result.

use super::view::SendResult;
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use skillstream_app::imports::{self, SendOptions, SendOutcome};
use skillstream_domain::ImportId;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SendImport {
    /// Send the valid rows and skip those with errors (default: refuse while any row has one).
    pub skip_invalid: Option<bool>,
    /// Go ahead although the import deactivates more than 10 % of the organization's active
    /// members (default: refuse with `mass_change_unconfirmed`).
    pub allow_mass_change: Option<bool>,
}

/// Reads `skip_invalid` and `allow_mass_change` from a JSON body (which may be empty) or the
/// query string.
pub fn parse_send_body(body: &[u8], query: SendImport) -> ApiResult<SendOptions> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        SendImport::default()
    } else {
        let invalid = |e: &dyn std::fmt::Display| {
            ApiError::of(
                crate::error::ErrorCode::InvalidJson,
                format!("The request body is not valid JSON: {e}"),
            )
        };
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| invalid(&e))?;
        match value {
            // `null` is the optional body left out, as the document allows.
            serde_json::Value::Null => SendImport::default(),
            // An object only: serde would also read an array as the fields in order.
            serde_json::Value::Object(_) => serde_json::from_value(value).map_err(|e| {
                ApiError::of(
                    crate::error::ErrorCode::InvalidBody,
                    format!("The request body does not fit: {e}"),
                )
            })?,
            _ => {
                return Err(ApiError::of(
                    crate::error::ErrorCode::InvalidBody,
                    "The request body must be a JSON object such as {\"skip_invalid\": true}.",
                ))
            }
        }
    };
    Ok(SendOptions {
        skip_invalid: from_body
            .skip_invalid
            .or(query.skip_invalid)
            .unwrap_or(false),
        allow_mass_change: from_body
            .allow_mass_change
            .or(query.allow_mass_change)
            .unwrap_or(false),
    })
}

#[utoipa::path(post, path = "/api/v1/invitation-imports/{id}/send", tag = "Bulk invitations",
    params(("id" = i64, Path), SendImport),
    request_body(content = Option<SendImport>, description = "Optional; `skip_invalid` may also be given in the query string"),
    responses(
        (status = 200, description = "Sent (or already sent: the first result again)", body = SendResult),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`import_has_errors` with `invalid_rows`, or `mass_change_unconfirmed` with `mass_change`, or `import_not_ready` (the file is still being read); nothing sent", body = ErrorBody),
        (status = 410, description = "`import_expired` (imports can be sent for 24 hours)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn send_import(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SendImport>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let options = parse_send_body(&body, query.into_inner())?;
    let ctx = admin.ctx(&state);
    let (org, id) = (ctx.org()?, ImportId(id.into_inner()));
    let outcome = state
        .db(move |conn| Ok(imports::send(conn, &ctx, id, options)?))
        .await?;
    match outcome {
        SendOutcome::Sent(result) => {
            state.wakeup.notify();
            state.counts.forget(org.get());
            Ok(HttpResponse::Ok().json(SendResult::from(result)))
        }
        SendOutcome::Refused { invalid } => Err(imports::refused(invalid).into()),
    }
}
