//! The rules of SkillStream invitations, free of I/O: what an email address, a role, a name
//! and an invitation are, which transitions an invitation may take at a given instant, the
//! typed ids and stored states of the aggregates, and the event catalogue.
//!
//! Every type here is parsed, not validated: its constructor is the only way in, so a value of
//! the type is valid by construction. With the `diesel` feature, ids and states also say how
//! they are stored; with `openapi`, how they are documented.

mod sql;

pub mod bulk;
pub mod csv_import;
pub mod email;
pub mod email_typo;
pub mod event;
pub mod file_reader;
pub mod ids;
pub mod import_columns;
pub mod import_update;
pub mod invitation;
pub mod matching;
pub mod names;
pub mod role;
pub mod scim;
pub mod settings;
pub mod spreadsheet;
pub mod states;
pub mod webhook;

pub use email::{EmailAddress, EmailError};
pub use event::{Action, Actor, ActorType, TargetType};
pub use ids::*;
pub use invitation::{Invitation, InvitationError, InvitationStatus, InvitationTtl, StoredStatus};
pub use matching::suggest;
pub use names::{full_name, NameError, PersonName};
pub use role::{Role, RoleError};
pub use states::{
    CheckState, EmailKind, EmailStatus, EnrollmentStatus, ImportMode, ImportSource, ImportStatus,
    MemberStatus, RowAction,
};
