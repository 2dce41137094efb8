use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    #[schema(example = "ok")]
    pub database: &'static str,
}

/// Liveness and database reachability: 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/healthz", tag = "Operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let reachable = state.db(|conn| Ok(crate::db::ping(conn)?)).await.is_ok();
    if reachable {
        HttpResponse::Ok().json(Health {
            status: "ok",
            database: "ok",
        })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "degraded",
            database: "unreachable",
        })
    }
}

/// Readiness: the database answers and every migration this binary knows is applied. A load
/// balancer sends traffic only to ready instances.
#[utoipa::path(get, path = "/readyz", tag = "Operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let migrated = state
        .db(|conn| Ok(crate::db::migrations_pending(conn).map(|pending| !pending)))
        .await;
    match migrated {
        Ok(Ok(true)) => HttpResponse::Ok().json(Health {
            status: "ready",
            database: "ok",
        }),
        Ok(_) => HttpResponse::ServiceUnavailable().json(Health {
            status: "migrations_pending",
            database: "ok",
        }),
        Err(_) => HttpResponse::ServiceUnavailable().json(Health {
            status: "not_ready",
            database: "unreachable",
        }),
    }
}

/// Prometheus metrics in the text exposition format. With `METRICS_TOKEN` set it needs that
/// token as a bearer token; with `METRICS_ADDR` set it is served only on that address.
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses((status = 200, description = "Prometheus text format", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "`METRICS_TOKEN` is set and the request does not carry it", body = crate::error::ErrorBody),
        (status = 404, description = "Served on the internal `METRICS_ADDR` only", body = crate::error::ErrorBody)),
    security((), ("metrics_token" = [])))]
pub async fn metrics(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, crate::error::ApiError> {
    let internal = req.app_data::<MetricsListener>().is_some();
    if state.settings.metrics_addr.is_some() && !internal {
        return Err(crate::error::ApiError::not_found("Resource"));
    }
    if let Some(expected) = &state.settings.metrics_token {
        let given = crate::auth::extractor::bearer(&req).unwrap_or_default();
        if !crate::tokens::constant_time_eq(given.as_bytes(), expected.expose().as_bytes()) {
            return Err(crate::error::ApiError::unauthorized(
                "Metrics need the METRICS_TOKEN as a bearer token.",
            ));
        }
    }
    let backlog = state
        .db(|conn| Ok(crate::db::outbox::backlog(conn)?))
        .await
        .ok();
    let now = chrono::Utc::now();
    let (depth, oldest) = match backlog {
        Some((depth, oldest)) => (
            Some(depth),
            oldest.map(|at| (now - at.and_utc()).num_milliseconds().max(0) as f64 / 1000.0),
        ),
        None => (None, None),
    };
    Ok(HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .body(state.metrics.render(depth, oldest)))
}

/// Marks the app of the internal metrics listener (`METRICS_ADDR`).
#[derive(Clone, Copy)]
pub struct MetricsListener;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}
