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
use crate::outbound::OutboundClient;
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
    /// The scheduler (expiry, hourly housekeeping), stopped with the server.
    sweeper: tokio::task::JoinHandle<()>,
    /// The internal `/metrics` listener (`METRICS_ADDR`) and its port.
    metrics: Option<(u16, Server)>,
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
        let outbound_allow_private = settings.outbound_allow_private;
        let jwt = JwtKeys::new(&settings.jwt_secret, settings.session_ttl_minutes);
        let wakeup = Wakeup::default();
        let metrics = Arc::new(Metrics::default());
        let worker = if settings.outbox_worker {
            let worker = build_worker(&settings, pool.clone(), wakeup.clone(), metrics.clone())?;
            let webhooks =
                crate::webhooks::WebhookWorker::new(&settings, pool.clone(), metrics.clone())?;
            let (stop, stopped) = watch::channel(false);
            let webhooks_stopped = stopped.clone();
            Some((
                stop,
                tokio::spawn(async move {
                    futures::join!(worker.run(stopped), webhooks.run(webhooks_stopped));
                }),
            ))
        } else {
            None
        };
        let limiter = RateLimiter::for_pool(
            &pool,
            matches!(settings.database, crate::db::DatabaseTarget::Postgres(_)),
        );
        let state = web::Data::new(AppState {
            pool,
            settings,
            jwt,
            wakeup,
            limiter,
            metrics,
            counts: Default::default(),
            oidc: crate::oidc::Oidc::new(OutboundClient::new(
                outbound_allow_private,
                std::time::Duration::from_secs(10),
            )?),
            outbound: OutboundClient::without_redirects(
                outbound_allow_private,
                std::time::Duration::from_secs(10),
            )?,
        });
        let server = run(listener, state.clone())?;
        let sweeper = tokio::spawn(crate::scheduler::run(
            state.pool.clone(),
            crate::scheduler::Schedule {
                tick: state.settings.scheduler_tick,
                import_retention: chrono::Duration::days(state.settings.import_retention_days),
                audit_retention_days: state.settings.audit_retention_days,
            },
            state.wakeup.clone(),
        ));
        let metrics = match &state.settings.metrics_addr {
            Some(addr) => {
                let listener = TcpListener::bind(addr)?;
                let port = listener.local_addr()?.port();
                Some((port, run_metrics(listener, state.clone())?))
            }
            None => None,
        };
        Ok(Self {
            port,
            server,
            sweeper,
            metrics,
            state,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the internal metrics listener, when `METRICS_ADDR` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
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
        let metrics = self.metrics.map(|(_, server)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let result = self.server.await;
        self.sweeper.abort();
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
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
            crate::error::ErrorCode::PayloadTooLarge,
            format!("The request body is larger than the limit of {limit} bytes."),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            crate::error::ErrorCode::UnsupportedMediaType,
            "Send the body as JSON with Content-Type: application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            crate::error::ErrorCode::InvalidBody,
            format!("The JSON body does not have the expected shape: {e}"),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::of(
            crate::error::ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {e}"),
        ),
        _ => ApiError::of(
            crate::error::ErrorCode::InvalidBody,
            "The request body could not be read.",
        ),
    };
    api.into()
}

fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::not_found("Resource").into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::of(
        crate::error::ErrorCode::InvalidQuery,
        format!("The query string is not valid: {err}"),
    )
    .into()
}

/// The methods of every documented path, to answer a wrong method with 405 and `Allow`.
struct KnownMethods {
    paths: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl KnownMethods {
    fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let paths = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_string).collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(name, present)| present.then_some(name))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { paths }
    }

    /// `Allow`'s value when the request's path is documented but its method is not.
    fn not_allowed(&self, req: &HttpRequest) -> Option<String> {
        let segments: Vec<&str> = req.path().split('/').collect();
        let (_, methods) = self.paths.iter().find(|(template, _)| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                })
        })?;
        let method = req.method().as_str();
        let allowed = methods.contains(&method) || (method == "HEAD" && methods.contains(&"GET"));
        (!allowed).then(|| methods.join(", "))
    }
}

/// The request's path as it may be written to a log: the route pattern
/// (`/api/v1/public/invitations/{token}/accept`) when one matched, else the path with every
/// long segment (link tokens in SPA routes such as `/invite/<token>`) replaced. The query is
/// never logged: the SSO callback carries its `code` and `state` there.
pub fn loggable_path(req: &HttpRequest) -> String {
    if let Some(pattern) = req.match_pattern().filter(|p| p.contains('{')) {
        return pattern;
    }
    req.path()
        .split('/')
        .map(|segment| {
            if segment.len() > 16 {
                "{redacted}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// On every response (the SPA, the docs and the API alike): scripts and styles only from this
/// origin, no inline script, no plugins, no `<base>`, no framing. Script injected into a page
/// (or a `javascript:` URL) does not run.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The API docs' policy: the same, but Swagger UI's inline styles are allowed.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
    form-action 'self'";

fn run(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    let openapi = ApiDoc::openapi();
    let max_json = state.settings.max_json_bytes;
    let static_dir = state.settings.static_dir.clone();
    let https = state.settings.public_url.starts_with("https://");
    let methods = Arc::new(KnownMethods::from_openapi(&openapi));
    let server = HttpServer::new(move || {
        let methods = methods.clone();
        let spa_dir = static_dir.clone();
        let mut headers = DefaultHeaders::new()
            .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .add((header::REFERRER_POLICY, "no-referrer"))
            .add((header::X_FRAME_OPTIONS, "DENY"))
            .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY));
        if https {
            headers = headers.add((
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=31536000; includeSubDomains",
            ));
        }
        let mut app = App::new()
            .wrap(headers)
            .wrap(
                Logger::new("%{client}xi \"%{request}xi\" %s %b %Dms request_id=%{rid}xi")
                    .custom_request_replace("rid", |req| {
                        crate::request_id::of(req.request()).unwrap_or_default()
                    })
                    .custom_request_replace("client", |req| {
                        crate::rate_limit::client_ip(req.request())
                    })
                    .custom_request_replace("request", |req| {
                        format!("{} {}", req.method(), loggable_path(req.request()))
                    }),
            )
            .wrap_fn(move |req, service| {
                use actix_web::dev::Service;
                use actix_web::HttpMessage;
                use tracing::Instrument;
                let started = Instant::now();
                let request_id = crate::request_id::RequestId::from_header(
                    req.headers()
                        .get(crate::request_id::HEADER)
                        .map(|v| v.as_bytes()),
                );
                let span = tracing::info_span!("request", request_id = %request_id.0);
                let header_value = header::HeaderValue::from_str(&request_id.0).ok();
                req.extensions_mut().insert(request_id);
                let metrics = req
                    .app_data::<web::Data<AppState>>()
                    .map(|state| state.metrics.clone());
                let methods = methods.clone();
                let call = span.in_scope(|| service.call(req));
                async move {
                    let mut response = call.await?;
                    // Swagger UI sets inline styles (never inline script): its pages alone
                    // relax `style-src`.
                    if response.request().path().starts_with("/docs") {
                        response.headers_mut().insert(
                            header::CONTENT_SECURITY_POLICY,
                            header::HeaderValue::from_static(DOCS_CONTENT_SECURITY_POLICY),
                        );
                    }
                    // A known path asked with a method it does not have: 405 with `Allow`,
                    // whichever way the router fell through.
                    let status = response.status();
                    let allow = (status == actix_web::http::StatusCode::NOT_FOUND
                        || status == actix_web::http::StatusCode::METHOD_NOT_ALLOWED)
                        .then(|| methods.not_allowed(response.request()))
                        .flatten();
                    let response = match allow {
                        Some(allow) => {
                            let (request, _) = response.into_parts();
                            let mut answer =
                                actix_web::ResponseError::error_response(&ApiError::new(
                                    actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                                    crate::error::ErrorCode::MethodNotAllowed,
                                    format!("This path answers {allow} only."),
                                ));
                            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                                answer.headers_mut().insert(header::ALLOW, value);
                            }
                            ServiceResponse::new(request, answer).map_into_right_body()
                        }
                        None => response.map_into_left_body(),
                    };
                    if let Some(metrics) = metrics {
                        let request = response.request();
                        let route = request
                            .match_pattern()
                            .filter(|p| !p.is_empty())
                            .unwrap_or_else(|| "unmatched".into());
                        metrics.observe_request(
                            request.method().as_str(),
                            &route,
                            response.status().as_u16(),
                            started.elapsed(),
                        );
                    }
                    let mut response = response;
                    if let Some(value) = header_value {
                        response.headers_mut().insert(
                            header::HeaderName::from_static(crate::request_id::HEADER),
                            value,
                        );
                    }
                    Ok(response)
                }
                .instrument(span)
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
            // Built assets carry a content hash in their names: cached for a year, and sent
            // compressed, since the SPA's first paint waits on them.
            let assets = web::Data::new(AssetDir(spa_dir.join("assets")));
            app = app.service(
                web::scope("/assets")
                    .app_data(assets)
                    .wrap(actix_web::middleware::Compress::default())
                    .wrap(
                        DefaultHeaders::new()
                            .add((header::CACHE_CONTROL, "public, max-age=31536000, immutable")),
                    )
                    .service(
                        web::resource("/{name}")
                            .route(web::get().to(asset))
                            .route(web::head().to(asset)),
                    ),
            );
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

/// `/metrics` alone, on the internal address.
fn run_metrics(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(routes::health::MetricsListener)
            .route("/metrics", web::get().to(routes::health::metrics))
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("Resource"))
}

/// Where the web app's built assets are.
struct AssetDir(std::path::PathBuf);

/// `/assets/{name}`: a hashed file of the web app's build. The build also writes each one
/// brotli- (`.br`) and gzip-compressed (`.gz`) at the highest levels; the variant the browser
/// prefers among those present is sent as it is, else the plain file (which the scope's
/// middleware compresses on the fly when the browser accepts it).
async fn asset(
    req: HttpRequest,
    name: web::Path<String>,
    dir: web::Data<AssetDir>,
) -> Result<HttpResponse, ApiError> {
    use actix_web::http::header::{AcceptEncoding, ContentEncoding, Encoding, Header};
    let name = name.into_inner();
    // A built file's own name, never a path out of the folder.
    if name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(ApiError::not_found("Asset"));
    }
    let plain = dir.0.join(&name);
    if !plain.is_file() {
        return Err(ApiError::not_found("Asset"));
    }
    let variants = [
        (Encoding::brotli(), ContentEncoding::Brotli, "br"),
        (Encoding::gzip(), ContentEncoding::Gzip, "gz"),
    ];
    let present: Vec<_> = variants
        .iter()
        .filter(|(_, _, ext)| dir.0.join(format!("{name}.{ext}")).is_file())
        .collect();
    let chosen = AcceptEncoding::parse(&req).ok().and_then(|accepted| {
        let offered: Vec<Encoding> = present
            .iter()
            .map(|(encoding, _, _)| encoding.clone())
            .chain(std::iter::once(Encoding::identity()))
            .collect();
        let best = accepted.negotiate(offered.iter())?;
        present.iter().find(|(encoding, _, _)| *encoding == best)
    });
    let mime = actix_files::file_extension_to_mime(
        plain
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default(),
    );
    let file = match chosen {
        Some((_, content_encoding, ext)) => {
            actix_files::NamedFile::open_async(dir.0.join(format!("{name}.{ext}")))
                .await
                .map_err(ApiError::internal)?
                .set_content_encoding(*content_encoding)
        }
        None => actix_files::NamedFile::open_async(&plain)
            .await
            .map_err(ApiError::internal)?,
    };
    let mut response = file.set_content_type(mime).into_response(&req);
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("accept-encoding"),
    );
    Ok(response)
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
