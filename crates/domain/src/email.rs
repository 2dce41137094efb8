use std::fmt;

/// The longest address we accept (RFC 5321's practical limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// An email address as the user entered it (trimmed), with its case-folded form used for
/// uniqueness and look-ups: two addresses that differ only in letter case are one person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    entered: String,
    folded: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Email is required.")]
    Empty,
    #[error("Email must be at most 254 characters.")]
    TooLong,
    #[error("\"{0}\" is not a valid email address.")]
    Invalid(String),
}

impl EmailError {
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "required",
            EmailError::TooLong => "too_long",
            EmailError::Invalid(_) => "invalid_email",
        }
    }
}

impl EmailAddress {
    /// Parses an address: surrounding whitespace is trimmed; one `@`, a non-empty local part,
    /// a domain with a dot and non-empty labels, no spaces or control characters.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let invalid = || EmailError::Invalid(trimmed.to_string());
        if trimmed.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\'
                )
        }) {
            return Err(invalid());
        }
        let mut parts = trimmed.split('@');
        let (local, domain) = match (parts.next(), parts.next(), parts.next()) {
            (Some(local), Some(domain), None) => (local, domain),
            _ => return Err(invalid()),
        };
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(invalid());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return Err(invalid());
        }
        Ok(Self {
            entered: trimmed.to_string(),
            folded: fold(trimmed),
        })
    }

    /// The address as entered (trimmed).
    pub fn as_str(&self) -> &str {
        &self.entered
    }

    /// The case-folded form: the key for uniqueness and look-ups.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// Case-folds an address for comparison. Lower-casing is the fold every database we use can
/// reproduce, so look-ups by folded form agree with the unique indexes.
pub fn fold(address: &str) -> String {
    address.trim().to_lowercase()
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn surrounding_whitespace_is_trimmed_and_case_is_kept() {
        let email = EmailAddress::parse("  Ada.Lovelace@Example.COM \t").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@Example.COM");
        assert_eq!(email.folded(), "ada.lovelace@example.com");
    }

    #[test]
    fn addresses_differing_in_case_fold_to_the_same_key() {
        let a = EmailAddress::parse("Bob@Example.com").unwrap();
        let b = EmailAddress::parse("bob@example.COM").unwrap();
        assert_eq!(a.folded(), b.folded());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "plainaddress",
            "@example.com",
            "user@",
            "user@example",
            "user@@example.com",
            "a@b@example.com",
            "user name@example.com",
            "user@exa mple.com",
            "user@example..com",
            "user@.example.com",
            "user\u{7}@example.com",
            ".user@example.com",
            "user@-example.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn empty_and_overlong_addresses_have_their_own_errors() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = EmailAddress::parse(&s);
        }

        #[test]
        fn parsed_addresses_hold_the_invariants(s in "\\PC{0,80}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                prop_assert_eq!(email.as_str().matches('@').count(), 1);
                prop_assert!(!email.as_str().chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(email.folded(), email.as_str().to_lowercase());
                prop_assert!(email.as_str().chars().count() <= MAX_EMAIL_LEN);
            }
        }

        #[test]
        fn simple_addresses_round_trip(local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}") {
            prop_assume!(!local.contains(".."));
            let raw = format!("{local}@{domain}");
            let email = EmailAddress::parse(&format!("  {raw} ")).unwrap();
            prop_assert_eq!(email.as_str(), raw.as_str());
        }
    }
}
