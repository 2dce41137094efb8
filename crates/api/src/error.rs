//! One error type for the API: a stable snake_case `code`, one place that maps it to a status,
//! field details for 422. Unexpected errors are logged with their cause and answered with an
//! opaque body: no internal text reaches clients.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorObject {
    /// Stable machine-readable code, e.g. `validation_failed`, `invitation_already_pending`.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Field-level problems (422) or other specifics; empty when there are none.
    pub details: Vec<FieldError>,
    /// For `invitation_already_pending`: the pending invitation the request collided with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<i64>,
    /// For `import_has_errors`: how many rows have errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_rows: Option<i64>,
}

/// One problem with one field of the request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    #[schema(example = "department")]
    pub field: String,
    #[schema(example = "not_found")]
    pub code: String,
    #[schema(example = "Department \"sales\" does not exist. Did you mean \"Sales\"?")]
    pub message: String,
    /// A close existing value, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn with_suggestion(mut self, suggestion: Option<&str>) -> Self {
        self.suggestion = suggestion.map(str::to_string);
        self
    }
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    // Boxed: errors travel through every `Result` of the request path, so keep them small.
    body: Box<ErrorObject>,
    retry_after: Option<u64>,
    cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: Box::new(ErrorObject {
                code: code.to_string(),
                message: message.into(),
                details: Vec::new(),
                invitation_id: None,
                invalid_rows: None,
            }),
            retry_after: None,
            cause: None,
        }
    }

    pub fn validation(details: Vec<FieldError>) -> Self {
        let message = match details.as_slice() {
            [only] => only.message.clone(),
            _ => "Some fields are not valid.".to_string(),
        };
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        );
        error.body.details = details;
        error
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You do not have permission to do this. Ask an administrator of your organization.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found."),
        )
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests. Try again later.",
        );
        error.retry_after = Some(retry_after_secs.max(1));
        error
    }

    /// True when a query failed because the database connection is gone.
    pub fn lost_connection(&self) -> bool {
        self.cause
            .as_ref()
            .and_then(|cause| cause.downcast_ref::<diesel::result::Error>())
            .is_some_and(crate::db::is_lost_connection)
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "The service is temporarily unavailable. Try again shortly.",
        );
        error.cause = Some(cause.into());
        error.retry_after = Some(5);
        error
    }

    /// An unexpected failure: logged with its cause, answered with an opaque 500.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Try again; if it keeps happening, contact support.",
        );
        error.cause = Some(cause.into());
        error
    }

    pub fn with_invitation(mut self, invitation_id: i64) -> Self {
        self.body.invitation_id = Some(invitation_id);
        self
    }

    pub fn with_invalid_rows(mut self, count: i64) -> Self {
        self.body.invalid_rows = Some(count);
        self
    }

    pub fn with_details(mut self, details: Vec<FieldError>) -> Self {
        self.body.details = details;
        self
    }

    pub fn code(&self) -> &str {
        &self.body.code
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.body.code, self.body.message)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause:#})")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(code = %self.body.code, error = ?cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(ErrorBody {
            error: (*self.body).clone(),
        })
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        match &error {
            diesel::result::Error::NotFound => ApiError::not_found("Resource"),
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::conflict(
                "conflict",
                "This conflicts with something that already exists.",
            ),
            lost if crate::db::is_lost_connection(lost) => ApiError::unavailable(error),
            _ => ApiError::internal(error),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        ApiError::unavailable(error)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut details: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("{field} is not valid."));
                    FieldError::new(field.as_ref(), e.code.as_ref(), message)
                })
            })
            .collect();
        details.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::validation(details)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
