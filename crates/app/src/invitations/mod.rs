//! Invitations: invite (one or many, through one writer), resend, cancel, accept, expire.
//! Each use case owns its transaction and appends the events of what it changed; one file per
//! use case, the names re-exported here so callers write `invitations::accept`.

mod accept;
mod bulk;
mod change;
mod expire;
mod link;
pub mod query;
mod renew;
mod schedule;
mod validate;
mod write;

pub use accept::{accept, refuse_password_when_sso_enforced, Acceptance};
pub use bulk::{bulk, BulkAction, BulkFilter, BulkOutcome, Idempotency, Skipped, MAX_BULK};
pub(crate) use change::cancel_pending_for;
pub use change::{cancel, resend};
pub use expire::{expire, expire_due};
pub use link::{landing, link_not_found, usable, Landing};
pub use renew::{renew, Renewal};
pub use schedule::{copy_link, remind_due, send_due, send_now, update, InvitationChange};
pub use skillstream_store::invitations::InvitationRow;
pub use validate::{email_warnings, validate, InvitationInput, ValidInvitation};
pub(crate) use write::{check_seats, write_under};
pub use write::{send_one, write_many, SentOne, Written};
