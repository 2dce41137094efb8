//! The stored states of the other aggregates: a member, an email of the outbox, an import.
//! Each is the one place its names are spelled; the store maps them onto `TEXT` columns.

/// Declares a closed set of stored names with `as_str`, `from_stored` and `ALL`.
macro_rules! stored_names {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $text)] $variant),+ }

        // By hand: the derive does not see `serde(rename)` built by this macro.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_stored(stored: &str) -> Option<Self> {
                match stored { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        crate::sql::text_enum!($name);
    };
}

pub(crate) use stored_names;

// By hand: the enum is declared by `stored_names!`, which has no `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for ImportMode {
    fn default() -> Self {
        ImportMode::InviteNew
    }
}

stored_names!(
    /// Whether a member can sign in. A deactivated member is kept, with their history, but
    /// cannot sign in, and their sessions and API tokens stop working.
    MemberStatus {
        Active => "active",
        Deactivated => "deactivated",
    }
);

stored_names!(
    /// Where one email of the outbox is. `Superseded`: withdrawn before it went out (the
    /// invitation was resent, cancelled or accepted, or is no longer pending).
    EmailStatus {
        Queued => "queued",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
        Superseded => "superseded",
    }
);

stored_names!(
    /// What an email of the outbox says: the invitation itself, a reminder of it, or (to an
    /// admin) an invitee's request for a new invitation.
    EmailKind {
        Invitation => "invitation",
        Reminder => "reminder",
        RenewalRequest => "renewal_request",
    }
);

impl EmailStatus {
    /// Still to go out: waiting, or claimed by a worker.
    pub const UNSENT: [EmailStatus; 2] = [EmailStatus::Queued, EmailStatus::Sending];
}

stored_names!(
    /// An import is previewed until it is sent (once).
    ImportStatus {
        Previewed => "previewed",
        Sent => "sent",
    }
);

stored_names!(
    /// What an import does with the people in it.
    ImportMode {
        /// Invite the addresses that are new; members and pending invitations are errors (the
        /// default).
        InviteNew => "invite_new",
        /// Invite new addresses and update, deactivate or reactivate members.
        InviteAndUpdate => "invite_and_update",
        /// Update, deactivate or reactivate members only; new addresses are errors.
        UpdateOnly => "update_only",
    }
);

stored_names!(
    /// A file whose rows are still being read and checked (in the background for the web
    /// app), or whose reading failed; none once the preview is whole.
    CheckState {
        Checking => "checking",
        Failed => "failed",
    }
);

stored_names!(
    /// What a row of an import does when it is sent.
    RowAction {
        Invite => "invite",
        Update => "update",
        Reactivate => "reactivate",
        Deactivate => "deactivate",
        Unchanged => "unchanged",
        Error => "error",
    }
);

stored_names!(
    /// How an import arrived.
    ImportSource {
        Csv => "csv",
        Api => "api",
    }
);

stored_names!(
    /// A course enrollment.
    EnrollmentStatus {
        Active => "active",
        Completed => "completed",
        Withdrawn => "withdrawn",
    }
);
