//! Builds the application from settings: the pool, migrations, the HTTP server on a bound
//! port (0 in tests), and the SPA and docs beside the API.

use crate::auth::jwt::JwtKeys;
use crate::config::Settings;
use crate::db::{self, Pool};
use crate::error::ApiError;
use crate::mail::transport::Transport;
use crate::mail::worker::{OutboxWorker, Wakeup, WorkerConfig};
use crate::metrics::Metrics;
use crate::openapi::ApiDoc;
use crate::rate_limit::RateLimiter;
use crate::routes;
use crate::state::AppState;
use actix_web::dev::{fn_service, Server, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, Logger};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    worker: Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)>,
}

impl Application {
    /// Opens the database, runs migrations and binds the listener. The server runs when
    /// `run_until_stopped` is awaited.
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let pool = open_database(&settings).await?;
        let listener = TcpListener::bind(&settings.bind_addr)?;
        let port = listener.local_addr()?.port();
        // Bound on port 0 (tests, ad-hoc runs): links must carry the port actually bound.
        if let Some(base) = settings.public_url.strip_suffix(":0") {
            settings.public_url = format!("{base}:{port}");
        }
        let jwt = JwtKeys::new(&settings.jwt_secret, settings.session_ttl_minutes);
        let wakeup = Wakeup::default();
        let metrics = Arc::new(Metrics::default());
        let worker = if settings.outbox_worker {
            let worker = build_worker(&settings, pool.clone(), wakeup.clone(), metrics.clone())?;
            let (stop, stopped) = watch::channel(false);
            Some((stop, tokio::spawn(worker.run(stopped))))
        } else {
            None
        };
        let state = web::Data::new(AppState {
            pool,
            settings,
            jwt,
            wakeup,
            limiter: RateLimiter::default(),
            metrics,
            counts: Default::default(),
            oidc: crate::oidc::Oidc::new()?,
        });
        let server = run(listener, state.clone())?;
        Ok(Self {
            port,
            server,
            state,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The settings in force (with `public_url` naming the bound port).
    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    pub fn pool(&self) -> Pool {
        self.state.pool.clone()
    }

    /// Serves until the server stops (SIGINT / SIGTERM: in-flight requests finish first),
    /// then lets the outbox worker finish the batch in hand.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some((stop, handle)) = self.worker {
            let _ = stop.send(true);
            let _ = handle.await;
        }
        result
    }
}

/// The outbox worker with the transport the settings name.
pub fn build_worker(
    settings: &Settings,
    pool: Pool,
    wakeup: Wakeup,
    metrics: Arc<Metrics>,
) -> anyhow::Result<OutboxWorker> {
    let transport = match &settings.smtp_url {
        Some(url) => {
            Transport::smtp(url, settings.mail.smtp_pool_size).map_err(anyhow::Error::msg)?
        }
        None => Transport::files(settings.mail_dir.clone()),
    };
    let mail_from = settings
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address ({e})"))?;
    let config = WorkerConfig {
        public_url: settings.public_url.clone(),
        mail_from,
        secret: settings.jwt_secret.clone(),
        max_attempts: settings.mail.max_attempts,
        retry_base: settings.mail.retry_base,
        concurrency: settings.mail.concurrency,
        batch_size: (settings.mail.concurrency as i64 * 8).clamp(50, 1000),
        lease: chrono::Duration::from_std(settings.mail.lease)
            .unwrap_or_else(|_| chrono::Duration::minutes(2)),
        idle_poll: settings.mail.idle_poll,
    };
    Ok(OutboxWorker::new(pool, config, transport, wakeup, metrics)?)
}

/// Connects and migrates, off the async runtime.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Pool> {
    let target = settings.database.clone();
    let size = settings.db_pool_size;
    actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<Pool> {
        let pool = db::connect(&target, size)?;
        let mut conn = pool.get()?;
        db::run_migrations(&mut conn)?;
        Ok(pool)
    })
    .await?
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("The request body is larger than the limit of {limit} bytes."),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("The JSON body does not have the expected shape: {e}"),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::bad_request(
            "invalid_json",
            format!("The request body is not valid JSON: {e}"),
        ),
        _ => ApiError::bad_request("invalid_body", "The request body could not be read."),
    };
    api.into()
}

fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::not_found("Resource").into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "invalid_query",
        format!("The query string is not valid: {err}"),
    )
    .into()
}

fn run(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    let openapi = ApiDoc::openapi();
    let max_json = state.settings.max_json_bytes;
    let static_dir = state.settings.static_dir.clone();
    let server = HttpServer::new(move || {
        let spa_dir = static_dir.clone();
        let mut app = App::new()
            .wrap(
                DefaultHeaders::new()
                    .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((header::REFERRER_POLICY, "no-referrer"))
                    .add((header::X_FRAME_OPTIONS, "DENY")),
            )
            .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
            .wrap_fn(|req, service| {
                use actix_web::dev::Service;
                let started = Instant::now();
                let metrics = req
                    .app_data::<web::Data<AppState>>()
                    .map(|state| state.metrics.clone());
                let call = service.call(req);
                async move {
                    let response = call.await?;
                    if let Some(metrics) = metrics {
                        let request = response.request();
                        let route = request
                            .match_pattern()
                            .unwrap_or_else(|| "unmatched".into());
                        metrics.observe_request(
                            request.method().as_str(),
                            &route,
                            response.status().as_u16(),
                            started.elapsed(),
                        );
                    }
                    Ok(response)
                }
            })
            .app_data(state.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(max_json)
                    .error_handler(json_error),
            )
            .app_data(web::PathConfig::default().error_handler(path_error))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .configure(routes::configure)
            .service(web::redirect("/docs", "/docs/"))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()));
        if spa_dir.join("index.html").is_file() {
            let index = spa_dir.join("index.html");
            app = app.service(
                actix_files::Files::new("/", &spa_dir)
                    .index_file("index.html")
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let index = index.clone();
                        async move { spa_fallback(req, &index).await }
                    })),
            );
        } else {
            app = app.default_service(web::to(not_found));
        }
        app
    })
    .listen(listener)?
    .run();
    Ok(server)
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("Resource"))
}

/// Client-side routes get `index.html`; unknown API paths still get a JSON 404.
async fn spa_fallback(
    req: ServiceRequest,
    index: &std::path::Path,
) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    if req.path().starts_with("/api/") {
        return Err(ApiError::not_found("Resource").into());
    }
    let file = actix_files::NamedFile::open_async(index).await?;
    let response = file.into_response(&req);
    Ok(ServiceResponse::new(req, response))
}
