/// The longest first or last name we store.
pub const MAX_NAME_LEN: usize = 100;

/// An optional first or last name: trimmed, at most 100 characters, no control characters
/// (which also keeps CR/LF out of email headers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Must be at most 100 characters.")]
    TooLong,
    #[error("Must not contain control characters such as line breaks or tabs.")]
    ControlCharacters,
}

impl NameError {
    pub fn code(&self) -> &'static str {
        match self {
            NameError::TooLong => "too_long",
            NameError::ControlCharacters => "invalid_characters",
        }
    }
}

impl PersonName {
    /// Parses an optional name; empty (after trimming) is `None`.
    pub fn parse_optional(input: Option<&str>) -> Result<Option<Self>, NameError> {
        let Some(raw) = input else { return Ok(None) };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(NameError::ControlCharacters);
        }
        if trimmed.chars().count() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        Ok(Some(Self(trimmed.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// How a person is addressed: first and last name joined by a space, `None` when both are
/// missing or empty.
pub fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some(name).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {

    #[test]
    fn full_name_joins_what_is_there() {
        assert_eq!(
            full_name(Some("Ada"), Some("Lovelace")).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(
            full_name(None, Some("Lovelace")).as_deref(),
            Some("Lovelace")
        );
        assert_eq!(full_name(Some(""), None), None);
        assert_eq!(full_name(None, None), None);
    }
    use super::*;

    #[test]
    fn empty_names_are_absent() {
        assert_eq!(PersonName::parse_optional(None), Ok(None));
        assert_eq!(PersonName::parse_optional(Some("  ")), Ok(None));
    }

    #[test]
    fn names_are_trimmed() {
        let name = PersonName::parse_optional(Some("  Ada ")).unwrap().unwrap();
        assert_eq!(name.as_str(), "Ada");
    }

    #[test]
    fn a_hundred_characters_fit_and_one_more_does_not() {
        let ok = "é".repeat(100);
        assert!(PersonName::parse_optional(Some(&ok)).unwrap().is_some());
        let long = "é".repeat(101);
        assert_eq!(
            PersonName::parse_optional(Some(&long)),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn line_breaks_cannot_sneak_into_a_name() {
        assert_eq!(
            PersonName::parse_optional(Some("Ada\r\nBcc: victim@example.com")),
            Err(NameError::ControlCharacters)
        );
    }
}
