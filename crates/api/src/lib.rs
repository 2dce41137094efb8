//! SkillStream invitations: the HTTP API, persistence, mail delivery and configuration behind
//! the `skillstream` binary.

pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod count_cache;
pub use skillstream_store as db;
pub mod error;
pub mod json_time;
pub mod mail;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod outbound;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod scheduler;
pub mod startup;
pub mod state;
pub mod webhooks;
pub use skillstream_app::tokens;
