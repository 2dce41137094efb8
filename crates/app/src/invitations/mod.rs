//! Invitations: invite (one or many, through one writer), resend, cancel, accept, expire.
//! Each use case owns its transaction and appends the events of what it changed; one file per
//! use case, the names re-exported here so callers write `invitations::accept`.

mod accept;
mod change;
mod expire;
mod link;
mod validate;
mod write;

pub use accept::{accept, refuse_password_when_sso_enforced, Acceptance};
pub use change::{cancel, resend};
pub use expire::{expire, expire_due};
pub use link::{link_not_found, usable};
pub use validate::{email_warnings, validate, InvitationInput, ValidInvitation};
pub use write::{send_one, write_many};
