//! The SCIM Group, mapped onto a user group: `displayName`, `externalId` and `members` (the
//! SCIM ids of users), and its PATCH operations on members.

use super::{get, text, PatchOp, PatchOperation, ScimError};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// What an identity provider says about a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupAttributes {
    pub display_name: String,
    pub external_id: Option<String>,
    /// The members' SCIM ids (unknown ones are ignored by the use case).
    pub members: BTreeSet<String>,
}

/// Member ids of a `members` value: an array of `{"value": id}` (or a single one).
fn member_ids(value: &Value) -> Result<Vec<String>, ScimError> {
    let one = |member: &Value| -> Result<String, ScimError> {
        let value = member
            .as_object()
            .and_then(|m| get(m, "value"))
            .ok_or_else(|| {
                ScimError::invalid_value("Each member needs a \"value\": a user's id.")
            })?;
        match value {
            Value::String(s) => Ok(s.trim().to_string()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(ScimError::invalid_value(
                "A member's \"value\" must be a user's id.",
            )),
        }
    };
    match value {
        Value::Array(members) => members.iter().map(one).collect(),
        Value::Null => Ok(Vec::new()),
        member @ Value::Object(_) => Ok(vec![one(member)?]),
        _ => Err(ScimError::invalid_value(
            "\"members\" must be an array of {\"value\": id}.",
        )),
    }
}

impl GroupAttributes {
    /// A whole Group (POST, PUT).
    pub fn from_resource(body: &Value) -> Result<Self, ScimError> {
        let mut group = Self::default();
        group.set_all(super::object(body)?)?;
        if group.display_name.is_empty() {
            return Err(ScimError::invalid_value("\"displayName\" is required."));
        }
        Ok(group)
    }

    fn set_all(&mut self, object: &Map<String, Value>) -> Result<(), ScimError> {
        for (key, value) in object {
            self.set(key, value, PatchOp::Replace)?;
        }
        Ok(())
    }

    fn set(&mut self, path: &str, value: &Value, op: PatchOp) -> Result<(), ScimError> {
        match path.trim().to_ascii_lowercase().as_str() {
            "displayname" => {
                self.display_name = text(value, "displayName")?
                    .ok_or_else(|| ScimError::invalid_value("\"displayName\" cannot be empty."))?
            }
            "externalid" => self.external_id = text(value, "externalId")?,
            "members" => {
                let ids = member_ids(value)?;
                if op == PatchOp::Replace {
                    self.members.clear();
                }
                self.members
                    .extend(ids.into_iter().filter(|id| !id.is_empty()));
            }
            _ => {}
        }
        Ok(())
    }

    /// Applies a PATCH request's operations, in order.
    pub fn apply(&mut self, operations: &[PatchOperation]) -> Result<(), ScimError> {
        for operation in operations {
            let value = operation.value.as_ref().unwrap_or(&Value::Null);
            match (operation.op, operation.path.as_deref()) {
                (PatchOp::Remove, Some(path)) => self.remove(path, value)?,
                (PatchOp::Remove, None) => {
                    return Err(ScimError::no_target("A remove operation needs a \"path\"."))
                }
                (op, Some(path)) => self.set(path, value, op)?,
                (op, None) => match value {
                    Value::Object(attributes) => {
                        for (key, value) in attributes {
                            self.set(key, value, op)?;
                        }
                    }
                    _ => return Err(ScimError::invalid_value(
                        "An operation without \"path\" needs an object of attributes as its value.",
                    )),
                },
            }
        }
        Ok(())
    }

    /// `members` (all, or those in `value`), `members[value eq "id"]`, or `externalId`.
    fn remove(&mut self, path: &str, value: &Value) -> Result<(), ScimError> {
        let lower = path.trim().to_ascii_lowercase();
        if lower == "members" {
            match value {
                Value::Null => self.members.clear(),
                value => {
                    for id in member_ids(value)? {
                        self.members.remove(&id);
                    }
                }
            }
            return Ok(());
        }
        if lower.starts_with("members[") {
            let filter = path
                .trim()
                .get("members[".len()..)
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or_else(|| {
                    ScimError::invalid_path(format!("Cannot read the path {path:?}."))
                })?;
            let filter = super::Filter::parse(&format!("members[{filter}]"))
                .map_err(|_| ScimError::invalid_path(format!("Cannot read the path {path:?}.")))?;
            if let Some(id) = filter.value_of(super::FilterAttribute::Member) {
                self.members.remove(id);
            }
            return Ok(());
        }
        match lower.as_str() {
            "externalid" => self.external_id = None,
            "displayname" => {
                return Err(ScimError::mutability(
                    "\"displayName\" is required and cannot be removed.",
                ))
            }
            _ => {}
        }
        Ok(())
    }
}

/// Who a PATCH adds to and removes from a group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupPatch {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl GroupPatch {
    pub fn between(before: &GroupAttributes, after: &GroupAttributes) -> Self {
        Self {
            added: after.members.difference(&before.members).cloned().collect(),
            removed: before.members.difference(&after.members).cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group(members: &[&str]) -> GroupAttributes {
        GroupAttributes {
            display_name: "Sales".into(),
            external_id: None,
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn patch(g: &mut GroupAttributes, body: serde_json::Value) {
        g.apply(&PatchOperation::parse_request(&body).unwrap())
            .unwrap();
    }

    #[test]
    fn okta_and_entra_membership_changes() {
        let mut g = group(&["1", "2"]);
        patch(
            &mut g,
            json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "3"}]}]}),
        );
        patch(
            &mut g,
            json!({"Operations": [{"op": "remove", "path": "members[value eq \"1\"]"}]}),
        );
        patch(
            &mut g,
            json!({"Operations": [{"op": "Remove", "path": "members", "value": [{"value": "2"}]}]}),
        );
        assert_eq!(g.members, group(&["3"]).members);
        patch(
            &mut g,
            json!({"Operations": [{"op": "replace", "path": "members", "value": [{"value": "8"}, {"value": 9}]}]}),
        );
        assert_eq!(g.members, group(&["8", "9"]).members);
        patch(
            &mut g,
            json!({"Operations": [{"op": "Replace", "value": {"id": "5", "displayName": "Sales EMEA"}}]}),
        );
        assert_eq!(g.display_name, "Sales EMEA");
        patch(
            &mut g,
            json!({"Operations": [{"op": "remove", "path": "members"}]}),
        );
        assert!(g.members.is_empty());
    }

    #[test]
    fn diff_of_members() {
        let d = GroupPatch::between(&group(&["1", "2"]), &group(&["2", "3"]));
        assert_eq!(d.added, vec!["3".to_string()]);
        assert_eq!(d.removed, vec!["1".to_string()]);
    }

    #[test]
    fn requires_display_name() {
        let err = GroupAttributes::from_resource(&json!({"members": []})).unwrap_err();
        assert_eq!(err.scim_type, Some("invalidValue"));
    }
}
