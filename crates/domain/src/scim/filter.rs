//! List filters (RFC 7644 §3.4.2.2), the part identity providers use to find a resource
//! before creating it: `attribute eq "value"`, joined with `and`. Attribute names and the
//! operator are read without case; a string compares as the attribute says (`userName` and
//! emails without case, the rest exactly) — the use case does the comparison.

use super::ScimError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterAttribute {
    Id,
    UserName,
    ExternalId,
    Email,
    DisplayName,
    /// `members.value` or `members[value eq "…"]`: a group with this member.
    Member,
}

/// A conjunction of equality comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(pub Vec<(FilterAttribute, String)>);

impl Filter {
    pub fn parse(input: &str) -> Result<Self, ScimError> {
        let tokens = tokenize(input)?;
        let mut comparisons = Vec::new();
        let mut rest = tokens.as_slice();
        loop {
            let (attribute, value, tail) = match rest {
                // `members[value eq "x"]` is read as one comparison on `members.value`.
                [Token::Word(attr), Token::Word(op), Token::Value(v), Token::Close, tail @ ..]
                    if attr.eq_ignore_ascii_case("members[value")
                        && op.eq_ignore_ascii_case("eq") =>
                {
                    (FilterAttribute::Member, v.clone(), tail)
                }
                [Token::Word(attr), Token::Word(op), Token::Value(v), tail @ ..] => {
                    if !op.eq_ignore_ascii_case("eq") {
                        return Err(ScimError::invalid_filter(format!(
                            "Only \"eq\" comparisons are supported in filters, not \"{op}\"."
                        )));
                    }
                    (attribute(attr)?, v.clone(), tail)
                }
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "The filter {input:?} is not of the form: attribute eq \"value\"."
                    )))
                }
            };
            comparisons.push((attribute, value));
            match tail {
                [] => break,
                [Token::Word(and), more @ ..] if and.eq_ignore_ascii_case("and") => rest = more,
                _ => {
                    return Err(ScimError::invalid_filter(
                        "Comparisons in a filter can only be joined with \"and\".",
                    ))
                }
            }
        }
        Ok(Self(comparisons))
    }

    /// The value compared with this attribute, if the filter has one.
    pub fn value_of(&self, attribute: FilterAttribute) -> Option<&str> {
        self.0
            .iter()
            .find(|(a, _)| *a == attribute)
            .map(|(_, v)| v.as_str())
    }
}

fn attribute(name: &str) -> Result<FilterAttribute, ScimError> {
    let lower = name.to_ascii_lowercase();
    let lower = lower
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:user:")
        .or_else(|| lower.strip_prefix("urn:ietf:params:scim:schemas:core:2.0:group:"))
        .unwrap_or(&lower);
    Ok(match lower {
        "id" => FilterAttribute::Id,
        "username" => FilterAttribute::UserName,
        "externalid" => FilterAttribute::ExternalId,
        "emails" | "emails.value" | "emails[type eq \"work\"].value" => FilterAttribute::Email,
        "displayname" => FilterAttribute::DisplayName,
        "members" | "members.value" => FilterAttribute::Member,
        _ => {
            return Err(ScimError::invalid_filter(format!(
                "Filtering on \"{name}\" is not supported: use id, userName, externalId, emails.value or displayName."
            )))
        }
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Value(String),
    Close,
}

fn tokenize(input: &str) -> Result<Vec<Token>, ScimError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ']' {
            chars.next();
            tokens.push(Token::Close);
        } else if c == '"' {
            // A JSON string literal, escapes and all.
            let mut end = None;
            let mut escaped = false;
            chars.next();
            for (i, ch) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    end = Some(i);
                    break;
                }
            }
            let end = end.ok_or_else(|| {
                ScimError::invalid_filter("A quoted value in the filter is not closed.")
            })?;
            let value: String = serde_json::from_str(&input[start..=end]).map_err(|_| {
                ScimError::invalid_filter("A quoted value in the filter is malformed.")
            })?;
            tokens.push(Token::Value(value));
        } else {
            let mut end = input.len();
            while let Some(&(i, ch)) = chars.peek() {
                if ch.is_whitespace() || ch == ']' || ch == '"' {
                    end = i;
                    break;
                }
                chars.next();
            }
            let word = &input[start..end];
            // Bare literals (numbers, booleans) compare as their text.
            match tokens.last() {
                Some(Token::Word(op)) if op.eq_ignore_ascii_case("eq") => {
                    tokens.push(Token::Value(word.to_string()))
                }
                _ => tokens.push(Token::Word(word.to_string())),
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_identity_providers_send() {
        let f = Filter::parse("userName eq \"ada@example.com\"").unwrap();
        assert_eq!(
            f.value_of(FilterAttribute::UserName),
            Some("ada@example.com")
        );
        let f = Filter::parse("EXTERNALID EQ \"a \\\"b\\\"\"").unwrap();
        assert_eq!(f.value_of(FilterAttribute::ExternalId), Some("a \"b\""));
        let f = Filter::parse("emails[type eq \"work\"].value eq \"x@y.z\"");
        assert!(
            f.is_err(),
            "a value filter inside a path is not read as an email filter"
        );
        let f = Filter::parse("emails.value eq \"x@y.z\"").unwrap();
        assert_eq!(f.value_of(FilterAttribute::Email), Some("x@y.z"));
        let f = Filter::parse("id eq \"12\" and members[value eq \"7\"]").unwrap();
        assert_eq!(f.value_of(FilterAttribute::Id), Some("12"));
        assert_eq!(f.value_of(FilterAttribute::Member), Some("7"));
        let f = Filter::parse("displayName eq \"Sales team\"").unwrap();
        assert_eq!(f.value_of(FilterAttribute::DisplayName), Some("Sales team"));
    }

    #[test]
    fn refuses_what_it_cannot_answer() {
        for bad in [
            "userName co \"ada\"",
            "title eq \"x\"",
            "userName eq \"open",
            "userName eq \"a\" or userName eq \"b\"",
            "userName",
            "",
        ] {
            let err = Filter::parse(bad).unwrap_err();
            assert_eq!(err.scim_type, Some("invalidFilter"), "{bad}");
        }
    }
}
