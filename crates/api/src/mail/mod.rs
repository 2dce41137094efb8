//! Email: templates, transports and the outbox worker that delivers queued invitations.

pub mod template;
pub mod transport;
pub mod worker;
