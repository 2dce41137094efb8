//! The rules of SkillStream invitations, free of I/O: what an email address, a role, a name
//! and an invitation are, and which transitions an invitation may take at a given instant.
//!
//! Every type here is parsed, not validated: its constructor is the only way in, so a value of
//! the type is valid by construction.

pub mod bulk;
pub mod csv_import;
pub mod email;
pub mod invitation;
pub mod matching;
pub mod names;
pub mod role;

pub use email::{EmailAddress, EmailError};
pub use invitation::{Invitation, InvitationError, InvitationStatus, InvitationTtl, StoredStatus};
pub use matching::suggest;
pub use names::{full_name, NameError, PersonName};
pub use role::{Role, RoleError};
