//! HTTP routes, one module per resource and, for invitations, one file per action.

pub mod api_tokens;
pub mod audit;
pub mod catalog;
pub mod courses;
pub mod departments;
pub mod groups;
pub mod health;
pub mod imports;
pub mod invitations;
pub mod json_int;
pub mod login;
pub mod me;
pub mod pagination;
pub mod public;
pub mod scim;
pub mod scim_tokens;
pub mod settings;
pub mod sso;
pub mod users;
pub mod webhooks;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    health::configure(cfg);
    login::configure(cfg);
    me::configure(cfg);
    departments::configure(cfg);
    groups::configure(cfg);
    courses::configure(cfg);
    users::configure(cfg);
    imports::configure_invitation_paths(cfg);
    invitations::configure(cfg);
    imports::configure(cfg);
    api_tokens::configure(cfg);
    audit::configure(cfg);
    public::configure(cfg);
    sso::configure(cfg);
    settings::configure(cfg);
    scim_tokens::configure(cfg);
    scim::configure(cfg);
    webhooks::configure(cfg);
}
