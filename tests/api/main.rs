//! Black-box tests of the HTTP API: each test starts the app on port 0 with a database of its
//! own (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accept;
mod api_tokens;
mod auth;
mod bad_input;
mod batch;
mod catalog;
mod database;
mod delivery;
mod events;
mod import_edits;
mod import_formats;
mod import_modes;
mod imports;
mod invitations_list;
mod invitations_resend_cancel;
mod invitations_send;
mod lifecycle;
mod members;
mod migrations;
mod openapi;
mod operations;
mod outbound;
mod scim;
mod scim_sequences;
mod scim_tokens;
mod security;
mod session_cookie;
mod settings;
mod sso;
mod tenancy;
mod users;
mod webhooks;
