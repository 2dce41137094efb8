//! Webhook endpoints for integrators (Standard Webhooks): create, list, read, change, delete,
//! rotate the secret, send a test event, and each endpoint's delivery log with redelivery.

use crate::auth::Admin;
use crate::db::from_db;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::outbound::{is_public, OutboundError};
use crate::routes::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::webhooks::{
    self as app, AttemptRow, EndpointInput, EndpointPatch, EndpointRow, MessageRow,
};
use skillstream_app::AppError;
use skillstream_domain::webhook::{DisabledReason, Subscription, WebhookMessageStatus};
use skillstream_domain::Action;
use utoipa::{IntoParams, ToSchema};

const MAX_URL_CHARS: usize = 2000;
const MAX_DESCRIPTION_CHARS: usize = 500;

/// An endpoint as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    #[schema(example = "https://hr.example.com/hooks/skillstream")]
    pub url: String,
    pub description: String,
    /// Actions of the event catalogue it receives, or `["*"]` for all.
    #[schema(example = json!(["invitation.accepted"]))]
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it is disabled: `manual`, `gone` (the receiver answered 410) or `failing` (every
    /// delivery failed for 3 days). Null while enabled.
    pub disabled_reason: Option<DisabledReason>,
    /// The first failure since the last successful delivery; null while healthy.
    pub failing_since: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// After a rotation, until when the previous secret also signs.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An endpoint with its signing secret, shown this once (on creation and rotation).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret (`whsec_` + base64), for a Standard Webhooks library. It cannot be
    /// shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateWebhook {
    /// `https://` (plain `http://` only where private addresses are allowed, for development).
    pub url: String,
    /// Actions to receive, or `["*"]` for all (the default).
    #[serde(default)]
    pub events: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
    /// Default true.
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

/// One attempt to deliver a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; null when it did not answer (timeout, refused, blocked).
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    /// The start of the receiver's answer (at most 256 characters).
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// One message to the endpoint (an event), with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    /// The `webhook-id` header: the same on every attempt and redelivery.
    #[schema(example = "msg_1234")]
    pub message_id: String,
    pub event_id: i64,
    #[schema(example = "invitation.accepted")]
    pub event_type: Option<Action>,
    pub status: WebhookMessageStatus,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it is tried next (pending only).
    pub next_retry_at: Option<DateTime<Utc>>,
    /// The last attempt's status code, latency and answer.
    pub status_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    pub attempts: Vec<DeliveryAttempt>,
}

/// A test event was queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestQueued {
    /// The delivery of the test message (see the endpoint's deliveries).
    pub delivery_id: i64,
    #[schema(example = "msg_1234")]
    pub message_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    pub id: i64,
    pub delivery_id: i64,
}

fn webhook(row: EndpointRow) -> Webhook {
    Webhook {
        id: row.id,
        events: row.subscription().names(),
        url: row.url,
        description: row.description,
        enabled: row.enabled,
        disabled_reason: row.disabled_reason,
        failing_since: row.failing_since.map(from_db),
        last_success_at: row.last_success_at.map(from_db),
        previous_secret_expires_at: row
            .previous_secret_expires_at
            .map(from_db)
            .filter(|at| *at > Utc::now()),
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    }
}

fn delivery(message: MessageRow, action: Option<Action>, attempts: Vec<AttemptRow>) -> Delivery {
    let last = attempts.last();
    Delivery {
        id: message.id,
        message_id: app::message_id(message.id),
        event_id: message.event_id,
        event_type: action,
        status: message.status,
        created_at: from_db(message.created_at),
        delivered_at: message.delivered_at.map(from_db),
        next_retry_at: (message.status == WebhookMessageStatus::Pending)
            .then(|| from_db(message.next_attempt_at)),
        status_code: message.last_status_code,
        latency_ms: last.map(|a| a.latency_ms),
        response_excerpt: last.and_then(|a| a.response_excerpt.clone()),
        error: message.last_error,
        attempts: attempts
            .into_iter()
            .map(|a| DeliveryAttempt {
                attempted_at: from_db(a.attempted_at),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                response_excerpt: a.response_excerpt,
                error: a.error,
            })
            .collect(),
    }
}

/// Checks an endpoint URL as deliveries will see it: scheme, credentials, and every address
/// its host resolves to now (delivery checks again at each connection).
async fn check_url(state: &AppState, raw: &str) -> ApiResult<String> {
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(AppError::field(
            "url",
            "too_long",
            "The URL may be at most 2,000 characters.",
        )
        .into());
    }
    let refuse =
        |code: &str, message: &str| -> ApiError { AppError::field("url", code, message).into() };
    let url = state.outbound.check_url(raw).map_err(|e| match e {
        OutboundError::Scheme if state.outbound.allows_private() => refuse("unsupported_scheme", "The URL must start with https:// or http://."),
        OutboundError::Scheme => refuse("unsupported_scheme", "The URL must start with https://."),
        OutboundError::Blocked => refuse("blocked_address", "The URL points to a private, loopback or internal address, which webhooks may not reach."),
        _ => refuse("invalid_url", "Enter a full URL, such as https://example.com/hooks (no user name or password in it)."),
    })?;
    if let (Some(url::Host::Domain(host)), false) = (url.host(), state.outbound.allows_private()) {
        let port = url.port_or_known_default().unwrap_or(443);
        let lookup = tokio::time::timeout(
            std::time::Duration::from_secs(3),
            tokio::net::lookup_host((host.to_string(), port)),
        )
        .await;
        // A name that does not resolve now may later; one that resolves only to internal
        // addresses is refused now rather than failing every delivery.
        if let Ok(Ok(addrs)) = lookup {
            let addrs: Vec<_> = addrs.collect();
            if !addrs.is_empty() && addrs.iter().all(|a| !is_public(a.ip())) {
                return Err(refuse("blocked_address", "The URL's host resolves to a private, loopback or internal address, which webhooks may not reach."));
            }
        }
    }
    Ok(url.to_string())
}

fn subscription(events: &[String]) -> ApiResult<Subscription> {
    Subscription::parse(events).map_err(|e| {
        let code = match e {
            skillstream_domain::webhook::SubscriptionError::Unknown(_) => "unknown_event",
            _ => "invalid_events",
        };
        AppError::field("events", code, e.to_string()).into()
    })
}

fn description(text: Option<String>) -> ApiResult<Option<String>> {
    let text = text.map(|t| t.trim().to_string());
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(AppError::field(
            "description",
            "too_long",
            "The description may be at most 500 characters.",
        )
        .into());
    }
    Ok(text)
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "Webhooks",
    responses((status = 200, body = [Webhook]), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_webhooks(admin: Admin, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let ctx = admin.ctx(&state);
    let rows = state.db(move |conn| Ok(app::list(conn, &ctx)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(webhook).collect::<Vec<_>>()))
}

/// Creates an endpoint. The answer carries its signing secret, shown this once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "Webhooks", request_body = CreateWebhook,
    responses((status = 201, body = WebhookWithSecret),
        (status = 422, description = "A URL that is not https, points to an internal address or is not a URL; an unknown event", body = ErrorBody),
        (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_webhook(
    admin: Admin,
    state: web::Data<AppState>,
    body: web::Json<CreateWebhook>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let url = check_url(&state, &body.url).await?;
    let subscription = subscription(&body.events.unwrap_or_else(|| vec!["*".into()]))?;
    let input = EndpointInput {
        url,
        description: description(body.description)?.unwrap_or_default(),
        subscription,
        enabled: body.enabled.unwrap_or(true),
    };
    let ctx = admin.ctx(&state);
    let (row, secret) = state
        .db(move |conn| Ok(app::create(conn, &ctx, &input)?))
        .await?;
    Ok(HttpResponse::Created().json(WebhookWithSecret {
        webhook: webhook(row),
        secret,
    }))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "Webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_webhook(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    let row = state.db(move |conn| Ok(app::get(conn, &ctx, id)?)).await?;
    Ok(HttpResponse::Ok().json(webhook(row)))
}

/// Changes the URL, events, description or `enabled`. Enabling a disabled endpoint sends what
/// is still waiting for it.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "Webhooks", params(("id" = i64, Path)),
    request_body = UpdateWebhook,
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_webhook(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<HttpResponse> {
    let body: UpdateWebhook = crate::routes::json_int::patch_body(body.into_inner())?;
    let url = match &body.url {
        Some(raw) => Some(check_url(&state, raw).await?),
        None => None,
    };
    let patch = EndpointPatch {
        url,
        description: description(body.description)?,
        subscription: body.events.as_deref().map(subscription).transpose()?,
        enabled: body.enabled,
    };
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    let row = state
        .db(move |conn| Ok(app::update(conn, &ctx, id, &patch)?))
        .await?;
    Ok(HttpResponse::Ok().json(webhook(row)))
}

/// Deletes the endpoint and its delivery log; nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "Webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_webhook(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    state
        .db(move |conn| Ok(app::delete(conn, &ctx, id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret, shown this once. For 24 hours the previous secret signs too: every
/// delivery carries both signatures in `webhook-signature`.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "Webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookWithSecret), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rotate_webhook_secret(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    let (row, secret) = state
        .db(move |conn| Ok(app::rotate_secret(conn, &ctx, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(WebhookWithSecret {
        webhook: webhook(row),
        secret,
    }))
}

/// Sends this endpoint a `webhook.test` event (whatever it subscribes to).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "Webhooks", params(("id" = i64, Path)),
    responses((status = 202, body = TestQueued), (status = 404, body = ErrorBody),
        (status = 409, description = "The endpoint is disabled (`webhook_disabled`)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn test_webhook(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (ctx, id) = (admin.ctx(&state), id.into_inner());
    let delivery_id = state.db(move |conn| Ok(app::test(conn, &ctx, id)?)).await?;
    Ok(HttpResponse::Accepted().json(TestQueued {
        delivery_id,
        message_id: app::message_id(delivery_id),
    }))
}

/// The endpoint's messages, newest first, each with its attempts: status code, latency, the
/// start of the answer, and when it is tried next.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "Webhooks",
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = inline(Page<Delivery>)), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_deliveries(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (ctx, id, params) = (admin.ctx(&state), id.into_inner(), page.into_inner());
    let (rows, total) = state
        .db(move |conn| {
            Ok(app::deliveries(
                conn,
                &ctx,
                id,
                params.offset(),
                params.per_page(),
            )?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(m, a, t)| delivery(m, a, t))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, &params, total)))
}

/// Sends the message again now, with the same `webhook-id` (receivers deduplicate on it).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", tag = "Webhooks",
    params(DeliveryPath),
    responses((status = 202), (status = 404, body = ErrorBody),
        (status = 409, description = "The endpoint is disabled (`webhook_disabled`)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn redeliver(
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<DeliveryPath>,
) -> ApiResult<HttpResponse> {
    let (ctx, path) = (admin.ctx(&state), path.into_inner());
    state
        .db(move |conn| Ok(app::redeliver(conn, &ctx, path.id, path.delivery_id)?))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v1/webhooks")
            .get(list_webhooks)
            .post(create_webhook),
    )
    .service(
        web::resource("/api/v1/webhooks/{id}")
            .get(get_webhook)
            .patch(update_webhook)
            .delete(delete_webhook),
    )
    .route(
        "/api/v1/webhooks/{id}/rotate-secret",
        web::post().to(rotate_webhook_secret),
    )
    .route("/api/v1/webhooks/{id}/test", web::post().to(test_webhook))
    .route(
        "/api/v1/webhooks/{id}/deliveries",
        web::get().to(list_deliveries),
    )
    .route(
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        web::post().to(redeliver),
    );
}
