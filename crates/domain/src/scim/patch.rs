//! PATCH requests (RFC 7644 §3.5.2), read leniently: `op` in any case (Entra ID sends
//! `"Replace"`), `path` optional (the value is then an object of attributes), and a User's
//! operations applied to its attributes.

use super::{get, ScimError, UserAttributes};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOp {
    Add,
    Remove,
    Replace,
}

/// One operation of a PATCH request.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    pub op: PatchOp,
    pub path: Option<String>,
    pub value: Option<Value>,
}

impl PatchOperation {
    /// The operations of a PatchOp request body.
    pub fn parse_request(body: &Value) -> Result<Vec<Self>, ScimError> {
        let body = super::object(body)?;
        let operations = get(body, "Operations")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ScimError::invalid_syntax("A PATCH request needs an \"Operations\" array.")
            })?;
        operations.iter().map(Self::parse).collect()
    }

    fn parse(operation: &Value) -> Result<Self, ScimError> {
        let operation = operation
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("Each operation must be an object."))?;
        let op = match get(operation, "op").and_then(Value::as_str) {
            Some(op) if op.eq_ignore_ascii_case("add") => PatchOp::Add,
            Some(op) if op.eq_ignore_ascii_case("remove") => PatchOp::Remove,
            Some(op) if op.eq_ignore_ascii_case("replace") => PatchOp::Replace,
            Some(other) => {
                return Err(ScimError::invalid_syntax(format!(
                    "Unknown operation \"{other}\": use add, remove or replace."
                )))
            }
            None => return Err(ScimError::invalid_syntax("Each operation needs an \"op\".")),
        };
        let path = match get(operation, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(path)) if !path.trim().is_empty() => Some(path.trim().to_string()),
            Some(_) => {
                return Err(ScimError::invalid_path(
                    "\"path\" must be a non-empty string.",
                ))
            }
        };
        let value = get(operation, "value").cloned();
        if op != PatchOp::Remove && value.is_none() {
            return Err(ScimError::invalid_syntax(
                "An add or replace operation needs a \"value\".",
            ));
        }
        if op == PatchOp::Remove && path.is_none() {
            return Err(ScimError::no_target("A remove operation needs a \"path\"."));
        }
        Ok(Self { op, path, value })
    }
}

impl UserAttributes {
    /// Applies a PATCH request's operations, in order.
    pub fn apply(&mut self, operations: &[PatchOperation]) -> Result<(), ScimError> {
        for operation in operations {
            let value = operation.value.as_ref().unwrap_or(&Value::Null);
            match (&operation.op, &operation.path) {
                (PatchOp::Remove, Some(path)) => self.remove(path)?,
                (PatchOp::Remove, None) => {
                    return Err(ScimError::no_target("A remove operation needs a \"path\"."))
                }
                (_, Some(path)) => self.set(path, value)?,
                (_, None) => match value {
                    Value::Object(attributes) => self.set_all(attributes, None)?,
                    _ => return Err(ScimError::invalid_value(
                        "An operation without \"path\" needs an object of attributes as its value.",
                    )),
                },
            }
        }
        if self.user_name.trim().is_empty() {
            return Err(ScimError::invalid_value("\"userName\" cannot be empty."));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> UserAttributes {
        UserAttributes {
            user_name: "ada@example.com".into(),
            given_name: Some("Ada".into()),
            ..UserAttributes::default()
        }
    }

    #[test]
    fn okta_deactivates_with_replace_active() {
        let ops = PatchOperation::parse_request(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": false}}]
        }))
        .unwrap();
        let mut u = user();
        u.apply(&ops).unwrap();
        assert!(!u.active);
    }

    #[test]
    fn entra_capitalised_ops_string_booleans_and_paths() {
        let ops = PatchOperation::parse_request(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Add", "path": "name.familyName", "value": "Lovelace"},
                {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada@example.com"},
                {"op": "Add", "value": {"name.givenName": "Augusta", "displayName": "Augusta Ada"}}
            ]
        }))
        .unwrap();
        let mut u = user();
        u.apply(&ops).unwrap();
        assert!(!u.active);
        assert_eq!(u.family_name.as_deref(), Some("Lovelace"));
        assert_eq!(u.given_name.as_deref(), Some("Augusta"));
        assert_eq!(u.display_name.as_deref(), Some("Augusta Ada"));
        assert_eq!(u.department.as_deref(), Some("Sales"));
    }

    #[test]
    fn remove_clears_and_refuses_required() {
        let mut u = user();
        let ops = PatchOperation::parse_request(
            &json!({"Operations": [{"op": "remove", "path": "name.givenName"}]}),
        )
        .unwrap();
        u.apply(&ops).unwrap();
        assert_eq!(u.given_name, None);
        let ops = PatchOperation::parse_request(
            &json!({"Operations": [{"op": "remove", "path": "userName"}]}),
        )
        .unwrap();
        assert_eq!(u.apply(&ops).unwrap_err().scim_type, Some("mutability"));
    }

    #[test]
    fn malformed_requests_are_clear() {
        for body in [
            json!({}),
            json!({"Operations": [{"op": "move", "path": "x", "value": 1}]}),
            json!({"Operations": [{"op": "add", "path": "active"}]}),
            json!({"Operations": ["replace"]}),
        ] {
            let err = PatchOperation::parse_request(&body).unwrap_err();
            assert_eq!(err.status, 400, "{body}");
        }
        let err =
            PatchOperation::parse_request(&json!({"Operations": [{"op": "remove"}]})).unwrap_err();
        assert_eq!(err.scim_type, Some("noTarget"));
    }
}
