//! SkillStream invitations: the HTTP API, persistence, mail delivery and configuration behind
//! the `skillstream` binary.

pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod count_cache;
pub mod db;
pub mod error;
pub mod json_time;
pub mod mail;
pub mod metrics;
pub mod oidc;
pub mod openapi;
pub mod outbound;
pub mod outbox;
pub mod rate_limit;
pub mod routes;
pub mod startup;
pub mod state;
pub mod sweep;
pub mod tokens;
