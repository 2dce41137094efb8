//! The SCIM User as this product keeps it: `userName` (the email), `externalId`,
//! `displayName`, `name.givenName`, `name.familyName`, `active` and the enterprise
//! extension's `department`.

use super::{boolean, get, text, ScimError, ENTERPRISE_USER_SCHEMA};
use serde_json::{Map, Value};

/// What an identity provider says about a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAttributes {
    /// The email address, as sent (checked by the use case).
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub active: bool,
    /// The name of a department of the organization.
    pub department: Option<String>,
}

impl Default for UserAttributes {
    fn default() -> Self {
        Self {
            user_name: String::new(),
            external_id: None,
            display_name: None,
            given_name: None,
            family_name: None,
            active: true,
            department: None,
        }
    }
}

/// Attributes the protocol sets or this product does not keep: never an error.
const IGNORED: &[&str] = &["schemas", "id", "meta", "password", "groups"];

impl UserAttributes {
    /// A whole User (POST, PUT): every attribute given, the rest as `base` has it (defaults for
    /// POST; the current `active` for PUT, which identity providers always send anyway).
    pub fn from_resource(body: &Value, base: UserAttributes) -> Result<Self, ScimError> {
        let mut user = base;
        for (key, value) in super::object(body)? {
            user.set(key, value)?;
        }
        if user.user_name.trim().is_empty() {
            return Err(ScimError::invalid_value(
                "\"userName\" is required: the user's email address.",
            ));
        }
        Ok(user)
    }

    /// Sets the attribute at `path` (a name, `name.givenName`, or the enterprise extension's
    /// `urn:…:department`), as a PATCH `add`/`replace` or a resource's key does.
    pub fn set(&mut self, path: &str, value: &Value) -> Result<(), ScimError> {
        let path = path.trim();
        let lower = path.to_ascii_lowercase();
        let enterprise = ENTERPRISE_USER_SCHEMA.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(&enterprise) {
            return match rest.strip_prefix(':') {
                Some("department") => {
                    self.department = text(value, "department")?;
                    Ok(())
                }
                Some(_) => Ok(()),
                None => match value {
                    Value::Object(extension) => self.set_all(extension, Some(&enterprise)),
                    Value::Null => {
                        self.department = None;
                        Ok(())
                    }
                    _ => Err(ScimError::invalid_value(
                        "The enterprise extension must be an object.",
                    )),
                },
            };
        }
        match lower.as_str() {
            "username" => {
                self.user_name = text(value, "userName")?
                    .ok_or_else(|| ScimError::invalid_value("\"userName\" cannot be empty."))?
            }
            "externalid" => self.external_id = text(value, "externalId")?,
            "displayname" => self.display_name = text(value, "displayName")?,
            "active" => self.active = boolean(value, "active")?,
            "name.givenname" => self.given_name = text(value, "name.givenName")?,
            "name.familyname" => self.family_name = text(value, "name.familyName")?,
            "name" => match value {
                Value::Object(name) => {
                    if let Some(given) = get(name, "givenName") {
                        self.given_name = text(given, "name.givenName")?;
                    }
                    if let Some(family) = get(name, "familyName") {
                        self.family_name = text(family, "name.familyName")?;
                    }
                }
                Value::Null => {
                    self.given_name = None;
                    self.family_name = None;
                }
                _ => return Err(ScimError::invalid_value("\"name\" must be an object.")),
            },
            _ => {}
        }
        Ok(())
    }

    /// Sets every attribute of an object (a PATCH without `path`, an extension's object).
    pub fn set_all(
        &mut self,
        object: &Map<String, Value>,
        prefix: Option<&str>,
    ) -> Result<(), ScimError> {
        for (key, value) in object {
            if IGNORED.iter().any(|i| key.eq_ignore_ascii_case(i)) {
                continue;
            }
            match prefix {
                Some(prefix) => self.set(&format!("{prefix}:{key}"), value)?,
                None => self.set(key, value)?,
            }
        }
        Ok(())
    }

    /// Removes the attribute at `path` (PATCH `remove`). `userName` and `active` cannot be
    /// removed.
    pub fn remove(&mut self, path: &str) -> Result<(), ScimError> {
        let lower = path.trim().to_ascii_lowercase();
        let enterprise = ENTERPRISE_USER_SCHEMA.to_ascii_lowercase();
        if lower == enterprise || lower == format!("{enterprise}:department") {
            self.department = None;
            return Ok(());
        }
        match lower.as_str() {
            "username" | "active" => {
                return Err(ScimError::mutability(format!(
                    "\"{}\" is required and cannot be removed.",
                    path.trim()
                )))
            }
            "externalid" => self.external_id = None,
            "displayname" => self.display_name = None,
            "name" => {
                self.given_name = None;
                self.family_name = None;
            }
            "name.givenname" => self.given_name = None,
            "name.familyname" => self.family_name = None,
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_okta_user() {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ada@example.com",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"primary": true, "value": "ada@example.com", "type": "work"}],
            "displayName": "Ada Lovelace",
            "locale": "en-US",
            "externalId": "00u1",
            "groups": [],
            "password": "secret",
            "active": true
        });
        let user = UserAttributes::from_resource(&body, UserAttributes::default()).unwrap();
        assert_eq!(user.user_name, "ada@example.com");
        assert_eq!(user.given_name.as_deref(), Some("Ada"));
        assert_eq!(user.family_name.as_deref(), Some("Lovelace"));
        assert_eq!(user.external_id.as_deref(), Some("00u1"));
        assert!(user.active);
    }

    #[test]
    fn reads_entra_user_with_string_boolean_and_department() {
        let body = json!({
            "schemas": [USER_SCHEMA_FOR_TEST, ENTERPRISE_USER_SCHEMA],
            "externalId": "ada",
            "UserName": "Ada@Example.com",
            "active": "False",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}
        });
        let user = UserAttributes::from_resource(&body, UserAttributes::default()).unwrap();
        assert_eq!(user.user_name, "Ada@Example.com");
        assert!(!user.active);
        assert_eq!(user.department.as_deref(), Some("Sales"));
    }

    const USER_SCHEMA_FOR_TEST: &str = crate::scim::USER_SCHEMA;

    #[test]
    fn requires_user_name() {
        let err =
            UserAttributes::from_resource(&json!({"active": true}), UserAttributes::default())
                .unwrap_err();
        assert_eq!((err.status, err.scim_type), (400, Some("invalidValue")));
        let err =
            UserAttributes::from_resource(&json!([1]), UserAttributes::default()).unwrap_err();
        assert_eq!(err.scim_type, Some("invalidSyntax"));
    }

    #[test]
    fn refuses_a_non_boolean_active() {
        let err = UserAttributes::from_resource(
            &json!({"userName": "a@b.co", "active": "maybe"}),
            UserAttributes::default(),
        )
        .unwrap_err();
        assert!(err.detail.contains("active"));
    }
}
