//! Email: templates, transports and the outbox worker that delivers queued invitations.

mod relay;
pub mod template;
pub mod transport;
pub mod worker;
