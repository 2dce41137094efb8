//! `/scim/v2`: the SCIM 2.0 service provider (RFC 7643/7644) identity providers provision the
//! organization through. Authenticated by the organization's SCIM token only (an API token or a
//! session is 401 here); discovery answers without one. Bodies are `application/scim+json`
//! (plain JSON is accepted too), errors use the SCIM error schema. The protocol is parsed by
//! the domain and applied by the app's use cases; this module only speaks HTTP.

mod discovery;
mod groups;
mod users;

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;
use serde_json::{json, Value};
use skillstream_app::scim::ScimFailure;
use skillstream_app::{AppError, ErrorCode};
use skillstream_domain::scim::{ScimError, ERROR_SCHEMA, LIST_RESPONSE_SCHEMA};

/// The media type of every SCIM answer.
pub const SCIM_JSON: &str = "application/scim+json";

/// The largest request body read (a group PATCH with thousands of members fits).
const MAX_BODY: usize = 4 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/scim/v2")
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route("/.search", web::post().to(search_everything))
            .configure(discovery::configure)
            .configure(users::configure)
            .configure(groups::configure)
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(Scim(ScimError::not_found(
                    "No such SCIM endpoint. See /scim/v2/ResourceTypes.",
                )))
            })),
    );
}

/// An error answered in the SCIM error schema.
#[derive(Debug)]
pub struct Scim(pub ScimError);

impl std::fmt::Display for Scim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for Scim {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::BAD_REQUEST)
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.0.status.to_string(),
            "detail": self.0.detail,
        });
        if let Some(scim_type) = self.0.scim_type {
            body["scimType"] = json!(scim_type);
        }
        let mut response = HttpResponse::build(self.status_code());
        if self.0.status == 401 {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"SCIM\""));
        }
        response.content_type(SCIM_JSON).body(body.to_string())
    }
}

/// A use case's error as SCIM answers it: 422 becomes 400 `invalidValue`, a conflict on an
/// address 409 `uniqueness`, the seat limit 403; the cause of a 500 is logged, never shown.
fn from_app(error: AppError) -> ScimError {
    let status = error.status();
    let message = error.body().message.clone();
    if status >= 500 {
        if let Some(cause) = error.cause() {
            tracing::error!(code = %error.code().as_str(), error = ?cause, "SCIM request failed");
        }
        return ScimError {
            status,
            scim_type: None,
            detail: if status == 503 {
                "The service is unavailable right now. Retry later.".into()
            } else {
                "The server could not complete the request.".into()
            },
        };
    }
    match error.code() {
        ErrorCode::SeatLimitReached => ScimError::forbidden(format!(
            "The organization's seat limit is reached. {message}"
        )),
        ErrorCode::AlreadyAMember | ErrorCode::InvitationAlreadyPending => {
            ScimError::uniqueness(message)
        }
        ErrorCode::ValidationFailed => ScimError::invalid_value(message),
        _ => ScimError {
            status,
            scim_type: None,
            detail: message,
        },
    }
}

impl From<ScimFailure> for Scim {
    fn from(failure: ScimFailure) -> Self {
        match failure {
            ScimFailure::Protocol(e) => Self(e),
            ScimFailure::App(e) => Self(from_app(e)),
        }
    }
}

impl From<ApiError> for Scim {
    fn from(error: ApiError) -> Self {
        Self(from_app(error.0))
    }
}

type Answer = Result<HttpResponse, Scim>;

pub use crate::auth::ScimCaller;

pub(crate) fn base_url(state: &AppState) -> String {
    format!(
        "{}/scim/v2",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// A request body: JSON, as `application/scim+json` or `application/json`.
fn body(req: &HttpRequest, bytes: &[u8]) -> Result<Value, Scim> {
    if let Some(kind) = req.headers().get(header::CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or_default().to_ascii_lowercase();
        if !(kind.starts_with(SCIM_JSON) || kind.starts_with("application/json")) {
            return Err(Scim(ScimError {
                status: 415,
                scim_type: None,
                detail: "Send the body as application/scim+json.".into(),
            }));
        }
    }
    serde_json::from_slice(bytes).map_err(|e| {
        Scim(ScimError::invalid_syntax(format!(
            "The body is not valid JSON (line {}, column {}).",
            e.line(),
            e.column()
        )))
    })
}

/// What a list, a search or a read asks for: `filter`, `startIndex`, `count`, and which
/// attributes to return (`attributes`) or leave out (`excludedAttributes`).
#[derive(Debug, Default)]
struct Params {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Vec<String>,
    excluded: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct QueryString {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

fn names(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

fn integer(value: Option<&str>, name: &str) -> Result<Option<i64>, Scim> {
    value
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                Scim(ScimError::invalid_value(format!(
                    "\"{name}\" must be an integer."
                )))
            })
        })
        .transpose()
}

/// The parameters of a GET's query string.
fn query(req: &HttpRequest) -> Result<Params, Scim> {
    let q = web::Query::<QueryString>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|_| Scim(ScimError::invalid_value("The query string cannot be read.")))?;
    Ok(Params {
        start_index: integer(q.start_index.as_deref(), "startIndex")?,
        count: integer(q.count.as_deref(), "count")?,
        attributes: names(q.attributes.as_deref()),
        excluded: names(q.excluded_attributes.as_deref()),
        filter: q.filter,
    })
}

/// The parameters of a `POST …/.search` body (RFC 7644 §3.4.3).
fn search_request(req: &HttpRequest, bytes: &[u8]) -> Result<Params, Scim> {
    let input = body(req, bytes)?;
    let object = skillstream_domain::scim::object(&input).map_err(Scim)?;
    let field = |name: &str| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let list = |name: &str| -> Vec<String> {
        match field(name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => names(Some(&s)),
            _ => Vec::new(),
        }
    };
    let number = |name: &str| -> Result<Option<i64>, Scim> {
        match field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_i64()),
            Some(Value::String(s)) => integer(Some(&s), name),
            Some(_) => Err(Scim(ScimError::invalid_value(format!(
                "\"{name}\" must be an integer."
            )))),
        }
    };
    Ok(Params {
        filter: field("filter").and_then(|f| f.as_str().map(str::to_string)),
        start_index: number("startIndex")?,
        count: number("count")?,
        attributes: list("attributes"),
        excluded: list("excludedAttributes"),
    })
}

impl Params {
    fn paging(&self) -> skillstream_app::scim::Paging {
        skillstream_app::scim::Paging::new(self.start_index, self.count)
    }

    fn excludes(&self, attribute: &str) -> bool {
        self.excluded
            .iter()
            .any(|a| short_name(a).eq_ignore_ascii_case(attribute))
    }

    /// The resource with only the asked-for attributes (`id` and `schemas` always stay).
    fn project(&self, mut resource: Value) -> Value {
        let Some(object) = resource.as_object_mut() else {
            return resource;
        };
        let keep = |key: &str, list: &[String]| {
            list.iter().any(|a| {
                let a = short_name(a);
                a.eq_ignore_ascii_case(key)
                    || a.split('.')
                        .next()
                        .is_some_and(|top| top.eq_ignore_ascii_case(key))
                    || (key.starts_with("urn:")
                        && a.to_ascii_lowercase()
                            .starts_with(&key.to_ascii_lowercase()))
            })
        };
        if !self.attributes.is_empty() {
            object.retain(|key, _| key == "id" || key == "schemas" || keep(key, &self.attributes));
        }
        for excluded in &self.excluded {
            let name = short_name(excluded);
            if name.eq_ignore_ascii_case("id") || name.eq_ignore_ascii_case("schemas") {
                continue;
            }
            object.retain(|key, _| {
                !key.eq_ignore_ascii_case(name) && !key.eq_ignore_ascii_case(excluded)
            });
        }
        resource
    }
}

/// An attribute name without the core schemas' URN prefix.
fn short_name(name: &str) -> &str {
    for prefix in [
        "urn:ietf:params:scim:schemas:core:2.0:User:",
        "urn:ietf:params:scim:schemas:core:2.0:Group:",
    ] {
        if name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return &name[prefix.len()..];
        }
    }
    name
}

/// A method the resource does not offer (RFC 7644 §3.12).
async fn method_not_allowed() -> Answer {
    Err(Scim(ScimError {
        status: 405,
        scim_type: None,
        detail: "This method is not allowed on this resource.".into(),
    }))
}

/// `POST /.search` over every resource type at once is not offered (501, RFC 7644 §3.4.3).
async fn search_everything() -> Answer {
    Err(Scim(ScimError {
        status: 501,
        scim_type: None,
        detail: "Search /Users/.search or /Groups/.search instead.".into(),
    }))
}

fn respond(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(SCIM_JSON)
        .body(body.to_string())
}

fn created(location: String, body: &Value) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .content_type(SCIM_JSON)
        .body(body.to_string())
}

fn list_response(total: i64, start_index: i64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_RESPONSE_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
