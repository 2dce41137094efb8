use std::fmt;
use std::str::FromStr;

/// What a member may do in an organization.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    #[default]
    Learner,
    Instructor,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Role \"{0}\" is not valid. Use learner, instructor or admin.")]
pub struct RoleError(pub String);

impl Role {
    pub const ALL: [Role; 3] = [Role::Learner, Role::Instructor, Role::Admin];

    /// Parses a role: case and surrounding whitespace are ignored, empty means `learner`.
    pub fn parse(input: &str) -> Result<Self, RoleError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(Role::Learner);
        }
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| RoleError(trimmed.to_string()))
    }

    /// The stored name, exactly.
    pub fn from_stored(stored: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == stored)
    }

    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Instructor => "instructor",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people ("Learner").
    pub fn label(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::Instructor => "Instructor",
            Role::Admin => "Admin",
        }
    }
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s)
    }
}

crate::sql::text_enum!(Role);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matching_ignores_case_and_whitespace() {
        assert_eq!(Role::parse(" Admin "), Ok(Role::Admin));
        assert_eq!(Role::parse("INSTRUCTOR"), Ok(Role::Instructor));
        assert_eq!(Role::parse("learner"), Ok(Role::Learner));
    }

    #[test]
    fn empty_means_learner() {
        assert_eq!(Role::parse(""), Ok(Role::Learner));
        assert_eq!(Role::parse("  "), Ok(Role::Learner));
    }

    #[test]
    fn an_unknown_role_names_the_accepted_values() {
        let err = Role::parse("teacher").unwrap_err();
        let message = err.to_string();
        for accepted in ["learner", "instructor", "admin"] {
            assert!(message.contains(accepted), "{message}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC*") {
            if let Ok(role) = Role::parse(&s) {
                prop_assert_eq!(Role::parse(role.as_str()), Ok(role));
            }
        }
    }
}
