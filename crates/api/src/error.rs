//! The HTTP face of [`AppError`]: its status and body as a response. Unexpected errors are
//! logged with their cause and answered with an opaque body: no internal text reaches clients.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
pub use skillstream_app::error::{
    AppError, AppResult, ErrorBody, ErrorCode, ErrorObject, FieldError,
};
use std::fmt;

/// An [`AppError`] as actix answers it.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self(AppError::new(code, message).with_status(status.as_u16()))
    }

    pub fn of(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(AppError::new(code, message))
    }

    pub fn validation(details: Vec<FieldError>) -> Self {
        Self(AppError::validation(details))
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self(AppError::field(field, code, message))
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self(AppError::unauthorized(message))
    }

    pub fn forbidden() -> Self {
        Self(AppError::forbidden())
    }

    pub fn not_found(what: &str) -> Self {
        Self(AppError::not_found(what))
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self(AppError::too_many_requests(retry_after_secs))
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        Self(AppError::unavailable(cause))
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self(AppError::internal(cause))
    }

    pub fn with_details(self, details: Vec<FieldError>) -> Self {
        Self(self.0.with_details(details))
    }

    pub fn with_warnings(self, warnings: Vec<FieldError>) -> Self {
        Self(self.0.with_warnings(warnings))
    }

    /// True when a query failed because the database connection is gone.
    pub fn lost_connection(&self) -> bool {
        self.0.lost_connection()
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code()
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = self.0.cause() {
            tracing::error!(code = %self.code().as_str(), error = ?cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status());
        if let Some(seconds) = self.0.retry_after() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(ErrorBody {
            error: self.0.body().clone(),
        })
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl From<skillstream_store::StoreError> for ApiError {
    fn from(error: skillstream_store::StoreError) -> Self {
        Self(error.into())
    }
}

impl From<skillstream_store::PoolError> for ApiError {
    fn from(error: skillstream_store::PoolError) -> Self {
        Self(error.into())
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
