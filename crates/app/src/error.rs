//! One error type for every use case: a code from one closed enum (published in the OpenAPI
//! document, so clients get the union), the HTTP status it answers with, a sentence for people,
//! and field details for 422. Unexpected causes are kept for the log and never shown.

use serde::Serialize;
use skillstream_domain::csv_import::FileError;
use skillstream_domain::InvitationError;
use std::fmt;
use utoipa::ToSchema;

/// Every error code the API answers with. The HTTP status of each is fixed by
/// [`ErrorCode::status`], except the invitation states, which answer 409 to an admin's action
/// and 410 to a link holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // 400: the request itself cannot be read.
    InvalidJson,
    InvalidBody,
    InvalidQuery,
    InvalidMultipart,
    InvalidIdempotencyKey,
    // 401 / 403
    Unauthorized,
    Forbidden,
    CsrfFailed,
    ReadOnlyToken,
    // 404
    NotFound,
    InvitationNotFound,
    // 405, 413, 415
    MethodNotAllowed,
    PayloadTooLarge,
    FileTooLarge,
    UnsupportedMediaType,
    // 409
    Conflict,
    AlreadyAMember,
    InvitationAlreadyPending,
    DepartmentNameTaken,
    GroupNameTaken,
    ImportHasErrors,
    SeatLimitReached,
    InvitationScheduled,
    InvitationAlreadySent,
    InvitationNotExpired,
    WebhookDisabled,
    MemberDeactivated,
    LastActiveAdmin,
    CannotDeactivateSelf,
    // 409 (admin action) or 410 (link holder)
    InvitationAlreadyAccepted,
    InvitationCancelled,
    InvitationExpired,
    InvitationSuperseded,
    /// A change to an import that was already sent.
    ImportAlreadySent,
    /// A send or an edit of an import whose file is still being read (or could not be).
    ImportNotReady,
    /// An import that deactivates more than 10 % of the members, sent without
    /// `allow_mass_change`.
    MassChangeUnconfirmed,
    // 410
    ImportExpired,
    // 422
    ValidationFailed,
    EmptyFile,
    NotUtf8,
    MissingEmailColumn,
    UnknownColumns,
    DuplicateColumns,
    RaggedRow,
    UnbalancedQuotes,
    TooManyRows,
    NoRows,
    UnsupportedFile,
    UnreadableWorkbook,
    SheetNotFound,
    InvalidColumnMap,
    BulkLimitExceeded,
    IdempotencyKeyReused,
    // 403: the organization does not let a link holder renew
    RenewalNotAllowed,
    // Single sign-on
    SsoRequired,
    SsoNotConfigured,
    SsoProviderUnavailable,
    SsoStateInvalid,
    SsoCancelled,
    SsoCodeRefused,
    SsoTokenInvalid,
    SsoEmailUnverified,
    SsoEmailMismatch,
    SsoIdentityMismatch,
    SsoNotAMember,
    // 429, 500, 503
    RateLimited,
    InternalError,
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status this code answers with.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidJson
            | InvalidBody
            | InvalidQuery
            | InvalidMultipart
            | InvalidIdempotencyKey
            | SsoStateInvalid
            | SsoCancelled
            | SsoCodeRefused => 400,
            Unauthorized | SsoTokenInvalid => 401,
            Forbidden | CsrfFailed | ReadOnlyToken | RenewalNotAllowed | SsoRequired
            | SsoEmailUnverified | SsoEmailMismatch | SsoIdentityMismatch | SsoNotAMember => 403,
            NotFound | InvitationNotFound => 404,
            MethodNotAllowed => 405,
            Conflict
            | AlreadyAMember
            | InvitationAlreadyPending
            | DepartmentNameTaken
            | GroupNameTaken
            | ImportHasErrors
            | IdempotencyKeyReused
            | SeatLimitReached
            | InvitationScheduled
            | InvitationAlreadySent
            | InvitationNotExpired
            | WebhookDisabled
            | MemberDeactivated
            | LastActiveAdmin
            | CannotDeactivateSelf
            | SsoNotConfigured
            | InvitationAlreadyAccepted
            | InvitationCancelled
            | InvitationExpired
            | InvitationSuperseded
            | ImportAlreadySent
            | ImportNotReady
            | MassChangeUnconfirmed => 409,
            ImportExpired => 410,
            PayloadTooLarge | FileTooLarge => 413,
            UnsupportedMediaType => 415,
            ValidationFailed | EmptyFile | NotUtf8 | MissingEmailColumn | UnknownColumns
            | DuplicateColumns | RaggedRow | UnbalancedQuotes | TooManyRows | NoRows
            | UnsupportedFile | UnreadableWorkbook | SheetNotFound | InvalidColumnMap
            | BulkLimitExceeded => 422,
            RateLimited => 429,
            InternalError => 500,
            SsoProviderUnavailable => 502,
            ServiceUnavailable => 503,
        }
    }

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

impl From<&InvitationError> for ErrorCode {
    fn from(error: &InvitationError) -> Self {
        match error {
            InvitationError::AlreadyAccepted(_) => ErrorCode::InvitationAlreadyAccepted,
            InvitationError::AlreadyCancelled(_) => ErrorCode::InvitationCancelled,
            InvitationError::Expired => ErrorCode::InvitationExpired,
            InvitationError::Superseded => ErrorCode::InvitationSuperseded,
            InvitationError::Scheduled(_) => ErrorCode::InvitationScheduled,
            InvitationError::AlreadySent => ErrorCode::InvitationAlreadySent,
        }
    }
}

impl From<&FileError> for ErrorCode {
    fn from(error: &FileError) -> Self {
        match error {
            FileError::Empty => ErrorCode::EmptyFile,
            FileError::NotUtf8 => ErrorCode::NotUtf8,
            FileError::NoEmailColumn => ErrorCode::MissingEmailColumn,
            FileError::UnknownColumns(_) => ErrorCode::UnknownColumns,
            FileError::DuplicateColumns(_) => ErrorCode::DuplicateColumns,
            FileError::RaggedRow { .. } => ErrorCode::RaggedRow,
            FileError::UnbalancedQuotes(_) => ErrorCode::UnbalancedQuotes,
            FileError::TooManyRows { .. } => ErrorCode::TooManyRows,
            FileError::NoRows => ErrorCode::NoRows,
            FileError::UnsupportedFile(_) => ErrorCode::UnsupportedFile,
            FileError::UnreadableWorkbook(_) => ErrorCode::UnreadableWorkbook,
            FileError::NoSuchSheet { .. } => ErrorCode::SheetNotFound,
            FileError::InvalidColumnMap(_) => ErrorCode::InvalidColumnMap,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorObject {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// Field-level problems (422) or other specifics; empty when there are none.
    pub details: Vec<FieldError>,
    /// For `invitation_already_pending`: the pending invitation the request collided with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<i64>,
    /// For `member_deactivated`: the member to reactivate
    /// (`POST /api/v1/users/{member_id}/reactivate`) instead of inviting them again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// For `import_has_errors`: how many rows have errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_rows: Option<i64>,
    /// Hints about the request that did not stop it (for example `possible_typo` on `email`);
    /// fix the errors and the same hints still apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<FieldError>,
    /// For a link that can no longer be used (`invitation_cancelled`, `invitation_expired`,
    /// `invitation_superseded`): who sent the invitation, so the invitee knows whom to ask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// For `invitation_expired` answered to a link holder: what the organization lets them do
    /// (`self_service`: get a fresh link, `ask_admin`: ask for one, `contact_admin`: contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<skillstream_domain::settings::ExpiredLink>)]
    pub renewal: Option<skillstream_domain::settings::ExpiredLink>,
    /// For `unknown_columns`, `missing_email_column` and `duplicate_columns`: every header cell
    /// of the file with the field it was read as (`null`: not recognised), for a mapping step
    /// that sends `column_map`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<ColumnGuess>>,
    /// For `mass_change_unconfirmed`: the members the import deactivates, and the active
    /// members there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mass_change: Option<MassChange>,
}

/// A header cell of an uploaded file and the field it was read as.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ColumnGuess {
    pub header: String,
    /// `email`, `first_name`, `last_name`, `role`, `department`, `group`, `send_at`, `status`,
    /// `ignore`; `null` when not recognised.
    pub field: Option<String>,
}

/// How many members an import deactivates, of how many active ones.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
pub struct MassChange {
    pub deactivations: i64,
    pub members: i64,
}

/// A person to turn to.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Contact {
    /// Their name, when they have one.
    pub name: Option<String>,
    pub email: String,
}

/// One problem with one field of the request. Its `code` names the rule the value broke
/// (`required`, `not_found`, `too_long`, `invalid_email`, …), from the domain's parsers.
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
pub struct AppError {
    status: u16,
    // Boxed: errors travel through every `Result` of the request path, so keep them small.
    body: Box<ErrorObject>,
    retry_after: Option<u64>,
    cause: Option<anyhow::Error>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            body: Box::new(ErrorObject {
                code,
                message: message.into(),
                details: Vec::new(),
                invitation_id: None,
                member_id: None,
                invalid_rows: None,
                warnings: Vec::new(),
                contact: None,
                renewal: None,
                columns: None,
                mass_change: None,
            }),
            retry_after: None,
            cause: None,
        }
    }

    /// The same code with another status (an invitation state answered to a link holder).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn validation(details: Vec<FieldError>) -> Self {
        let message = match details.as_slice() {
            [only] => only.message.clone(),
            _ => "Some fields are not valid.".to_string(),
        };
        let mut error = Self::new(ErrorCode::ValidationFailed, message);
        error.body.details = details;
        error
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorCode::Forbidden,
            "You do not have permission to do this. Ask an administrator of your organization.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found."))
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            ErrorCode::RateLimited,
            "Too many requests. Try again later.",
        );
        error.retry_after = Some(retry_after_secs.max(1));
        error
    }

    /// An invitation that cannot take the admin's action in its state (409).
    pub fn invitation_state(error: InvitationError) -> Self {
        Self::new(ErrorCode::from(&error), error.to_string())
    }

    /// True when a query failed because the database connection is gone.
    pub fn lost_connection(&self) -> bool {
        self.cause
            .as_ref()
            .and_then(|cause| cause.downcast_ref::<diesel_error::Error>())
            .is_some_and(skillstream_store::is_lost_connection)
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            ErrorCode::ServiceUnavailable,
            "The service is temporarily unavailable. Try again shortly.",
        );
        error.cause = Some(cause.into());
        error.retry_after = Some(5);
        error
    }

    /// An unexpected failure: logged with its cause, answered with an opaque 500.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            ErrorCode::InternalError,
            "Something went wrong on our side. Try again; if it keeps happening, contact support.",
        );
        error.cause = Some(cause.into());
        error
    }

    pub fn with_member(mut self, member_id: i64) -> Self {
        self.body.member_id = Some(member_id);
        self
    }

    pub fn with_invitation(mut self, invitation_id: i64) -> Self {
        self.body.invitation_id = Some(invitation_id);
        self
    }

    /// Adds hints that did not decide the outcome (a 422 keeps its typo warning).
    pub fn with_warnings(mut self, warnings: Vec<FieldError>) -> Self {
        self.body.warnings = warnings;
        self
    }

    pub fn with_renewal(mut self, renewal: skillstream_domain::settings::ExpiredLink) -> Self {
        self.body.renewal = Some(renewal);
        self
    }

    pub fn with_contact(mut self, contact: Option<Contact>) -> Self {
        self.body.contact = contact;
        self
    }

    pub fn with_columns(mut self, columns: Vec<ColumnGuess>) -> Self {
        self.body.columns = Some(columns);
        self
    }

    pub fn with_mass_change(mut self, mass_change: MassChange) -> Self {
        self.body.mass_change = Some(mass_change);
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

    pub fn code(&self) -> ErrorCode {
        self.body.code
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    pub fn body(&self) -> &ErrorObject {
        &self.body
    }

    pub fn cause(&self) -> Option<&anyhow::Error> {
        self.cause.as_ref()
    }
}

/// diesel's error type, named without a diesel dependency here.
mod diesel_error {
    pub use skillstream_store::StoreError as Error;
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.body.code.as_str(), self.body.message)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause:#})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

impl From<skillstream_store::StoreError> for AppError {
    fn from(error: skillstream_store::StoreError) -> Self {
        use skillstream_store::StoreError;
        match &error {
            StoreError::NotFound => AppError::not_found("Resource"),
            unique if skillstream_store::is_unique_violation(unique) => AppError::new(
                ErrorCode::Conflict,
                "This conflicts with something that already exists.",
            ),
            lost if skillstream_store::is_lost_connection(lost) => AppError::unavailable(error),
            _ => AppError::internal(error),
        }
    }
}

impl From<skillstream_store::PoolError> for AppError {
    fn from(error: skillstream_store::PoolError) -> Self {
        AppError::unavailable(error)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_snake_case_and_carry_their_status() {
        assert_eq!(
            ErrorCode::InvitationAlreadyPending.as_str(),
            "invitation_already_pending"
        );
        assert_eq!(ErrorCode::SsoNotAMember.as_str(), "sso_not_a_member");
        assert_eq!(AppError::not_found("Invitation").status(), 404);
        assert_eq!(
            AppError::invitation_state(InvitationError::Expired).status(),
            409
        );
    }
}
