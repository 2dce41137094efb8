//! Who is calling: bearer JWTs from sign-in, long-lived API tokens for integrators, and the
//! role checks admin operations need.

pub mod cookie;
pub mod extractor;
pub mod jwt;
pub mod password;
mod scim;
pub mod session;

pub use extractor::{bearer, Admin, AdminRequest, Caller};
pub use scim::ScimCaller;
