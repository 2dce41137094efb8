//! The use cases of SkillStream invitations. Each takes a connection, the actor, the instant
//! and its input; it opens its transaction, applies the rules of `skillstream_domain`, writes
//! through `skillstream_store` and appends the domain events of what it changed, in the same
//! transaction. Nothing here knows HTTP.

pub mod error;

pub use error::{AppError, AppResult, ErrorCode, FieldError};
pub mod api_tokens;
pub mod audit;
pub mod catalog;
pub mod context;
pub mod delivery;
pub mod events;
pub mod imports;
pub mod invitations;
pub mod members;
pub mod scim;
pub mod scim_tokens;
pub mod settings;
pub mod sso;
pub mod tokens;
pub mod webhooks;

pub use context::Ctx;
