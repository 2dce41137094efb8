//! Rows of an import that update people (modes `invite_and_update` and `update_only`): a
//! member's row is compared with the member, field by field, and says what sending it will do
//! — update (with each change old → new), deactivate, reactivate, or nothing. An empty cell or
//! a missing column leaves that field as it is.

use crate::bulk::{lookup, person_name, CheckedRow, RowChecker, RowError};
use crate::csv_import::{Column, RawRow};
use crate::{EmailAddress, PersonName, Role, RowAction};

/// A member as rows are compared with them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSnapshot {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub department: Option<String>,
    /// Names of the member's groups.
    pub groups: Vec<String>,
    pub active: bool,
}

/// What the `status` column asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WantedStatus {
    Active,
    Deactivated,
}

impl WantedStatus {
    /// `active` or `deactivated`, any case; empty: no change.
    pub fn parse(cell: &str) -> Result<Option<WantedStatus>, RowError> {
        let cell = cell.trim();
        if cell.is_empty() {
            return Ok(None);
        }
        match cell.to_lowercase().as_str() {
            "active" => Ok(Some(WantedStatus::Active)),
            "deactivated" => Ok(Some(WantedStatus::Deactivated)),
            _ => {
                let mut error = RowError::new(
                    Column::Status,
                    "invalid_status",
                    format!(
                        "Status \"{cell}\" is not one of: active, deactivated (empty: no change)."
                    ),
                );
                error.suggestion =
                    crate::suggest(cell, ["active", "deactivated"]).map(str::to_string);
                Err(error)
            }
        }
    }
}

/// One changed field of a member: its name, the value now and the value the row gives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// What a member's row changes, read and checked; applied by the member use cases on send.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberUpdate {
    pub member_id: i64,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub role: Option<Role>,
    pub department: Option<String>,
    /// A group to add the member to.
    pub group: Option<String>,
    pub changes: Vec<Change>,
}

impl RowChecker<'_> {
    /// A member's row in an update mode: what differs, and whether it deactivates or
    /// reactivates them. Empty cells change nothing.
    pub(crate) fn check_member(
        &mut self,
        row: &RawRow,
        email: &EmailAddress,
        member: &MemberSnapshot,
        status: Result<Option<WantedStatus>, RowError>,
    ) -> CheckedRow {
        let directory = self.directory;
        let mut errors = Vec::new();
        self.duplicate(email, row.line, &mut errors);
        let status = status.map_err(|e| errors.push(e)).ok().flatten();
        let mut update = MemberUpdate {
            member_id: member.id,
            first_name: person_name(Column::FirstName, &row.first_name, &mut errors),
            last_name: person_name(Column::LastName, &row.last_name, &mut errors),
            ..MemberUpdate::default()
        };
        if !row.role.trim().is_empty() {
            update.role = Role::parse(&row.role)
                .map_err(|e| {
                    errors.push(RowError::new(Column::Role, "invalid_role", e.to_string()))
                })
                .ok();
        }
        update.department = lookup(
            &row.department,
            &self.departments,
            &directory.departments,
            Column::Department,
            "Department",
            &mut self.department_errors,
            &mut errors,
        );
        update.group = lookup(
            &row.group,
            &self.groups,
            &directory.groups,
            Column::Group,
            "Group",
            &mut self.group_errors,
            &mut errors,
        );
        if !errors.is_empty() {
            return CheckedRow::error(errors);
        }
        update.changes = changes_of(member, &mut update);
        let action = match (status, member.active) {
            (Some(WantedStatus::Deactivated), true) => RowAction::Deactivate,
            (Some(WantedStatus::Active), false) => RowAction::Reactivate,
            _ if !update.changes.is_empty() => RowAction::Update,
            _ => RowAction::Unchanged,
        };
        let refuse = |code: &str, message: String| {
            CheckedRow::error(vec![RowError::new(Column::Status, code, message)])
        };
        if action == RowAction::Deactivate && directory.caller.as_deref() == Some(email.folded()) {
            return refuse(
                "cannot_deactivate_self",
                "This is you: you cannot deactivate yourself. Leave the status empty on this row."
                    .into(),
            );
        }
        let stops_being_admin =
            action == RowAction::Deactivate || update.role.is_some_and(|role| role != Role::Admin);
        if member.active && member.role == Role::Admin && stops_being_admin {
            if self.admins_left <= 1 {
                let mut error = RowError::new(
                    Column::Role,
                    "last_active_admin",
                    format!("{} is the organization's last active admin: make someone else an admin first.", email.as_str()),
                );
                if action == RowAction::Deactivate {
                    error.column = Column::Status.name().into();
                }
                return CheckedRow::error(vec![error]);
            }
            self.admins_left -= 1;
        }
        if action == RowAction::Reactivate {
            if let Some(left) = self.seats_left {
                if left <= 0 {
                    return refuse(
                        "seat_limit_reached",
                        "No seat is left to reactivate this member: the organization's seat limit is reached.".into(),
                    );
                }
                self.seats_left = Some(left - 1);
            }
        }
        CheckedRow {
            errors: Vec::new(),
            valid: None,
            action,
            update: Some(update),
        }
    }
}

/// Encodes changes as stored and shown: `{"field": [old, new]}`; empty when there are none.
pub fn encode_changes(changes: &[Change]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let object: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|c| (c.field.clone(), serde_json::json!([c.old, c.new])))
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// The stored form back; anything unreadable is no change.
pub fn decode_changes(stored: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(stored).unwrap_or_default()
}

/// The cells of a member's row that differ from the member. Names, role, department and
/// group are checked by the caller; this compares what was read.
pub(crate) fn changes_of(member: &MemberSnapshot, update: &mut MemberUpdate) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut compare = |field: &str, old: &str, new: Option<&str>| {
        if let Some(new) = new.filter(|new| *new != old) {
            changes.push(Change {
                field: field.to_string(),
                old: old.to_string(),
                new: new.to_string(),
            });
            true
        } else {
            false
        }
    };
    let first = update.first_name.as_ref().map(PersonName::as_str);
    if !compare("first_name", &member.first_name, first) {
        update.first_name = None;
    }
    let last = update.last_name.as_ref().map(PersonName::as_str);
    if !compare("last_name", &member.last_name, last) {
        update.last_name = None;
    }
    let role = update.role.map(Role::as_str);
    if !compare("role", member.role.as_str(), role) {
        update.role = None;
    }
    let department = update.department.as_deref();
    if !compare(
        "department",
        member.department.as_deref().unwrap_or_default(),
        department,
    ) {
        update.department = None;
    }
    // A group is added: the member keeps the groups they are in.
    match &update.group {
        Some(group) if !member.groups.contains(group) => {
            let old = member.groups.join(", ");
            let mut new = member.groups.clone();
            new.push(group.clone());
            changes.push(Change {
                field: "groups".into(),
                old,
                new: new.join(", "),
            });
        }
        _ => update.group = None,
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{check_rows, Directory};
    use crate::ImportMode;
    use std::collections::{HashMap, HashSet};

    fn member(id: i64, role: Role, active: bool) -> MemberSnapshot {
        MemberSnapshot {
            id,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            role,
            department: Some("Sales".into()),
            groups: Vec::new(),
            active,
        }
    }

    fn directory(mode: ImportMode) -> Directory {
        let people = HashMap::from([
            (
                "ada@example.com".to_string(),
                member(1, Role::Learner, true),
            ),
            (
                "bob@example.com".to_string(),
                member(2, Role::Learner, false),
            ),
            ("me@example.com".to_string(), member(3, Role::Admin, true)),
        ]);
        Directory {
            departments: vec!["Sales".into(), "Engineering".into()],
            members: people.keys().cloned().collect(),
            deactivated: HashSet::from(["bob@example.com".to_string()]),
            pending: HashSet::from(["carol@example.com".to_string()]),
            time_zone: "UTC".into(),
            mode,
            people,
            caller: Some("me@example.com".into()),
            active_admins: 1,
            ..Directory::default()
        }
    }

    fn row(line: u64, email: &str, last_name: &str, department: &str, status: &str) -> RawRow {
        RawRow {
            line,
            email: email.into(),
            last_name: last_name.into(),
            department: department.into(),
            status: status.into(),
            ..RawRow::default()
        }
    }

    #[test]
    fn each_row_says_what_it_does_to_members_pending_and_new_people() {
        let rows = [
            row(2, "ADA@example.com", "King", "Engineering", ""),
            row(3, "bob@example.com", "", "", "Active"),
            row(4, "me@example.com", "", "", "deactivated"),
            row(5, "carol@example.com", "", "", "deactivated"),
            row(6, "dave@example.com", "Dee", "", ""),
            row(7, "erin@example.com", "", "", "deactivated"),
            row(8, "ada@example.com", "", "", ""),
            row(9, "hal@example.com", "", "", "deactived"),
            row(10, "fay@example.com", "", "Sale", ""),
        ];
        let checked = check_rows(&rows, &directory(ImportMode::InviteAndUpdate));
        let actions: Vec<RowAction> = checked.iter().map(|c| c.action).collect();
        use RowAction::*;
        assert_eq!(
            actions,
            vec![Update, Reactivate, Error, Deactivate, Invite, Unchanged, Error, Error, Error]
        );
        let changes: Vec<(&str, &str, &str)> = checked[0]
            .changes()
            .iter()
            .map(|c| (c.field.as_str(), c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            changes,
            vec![
                ("last_name", "Lovelace", "King"),
                ("department", "Sales", "Engineering")
            ]
        );
        assert_eq!(checked[0].update.as_ref().map(|u| u.member_id), Some(1));
        assert_eq!(checked[2].errors[0].code, "cannot_deactivate_self");
        assert_eq!(checked[6].errors[0].code, "duplicate_email");
        assert_eq!(checked[7].errors[0].code, "invalid_status");
        assert_eq!(checked[8].errors[0].suggestion.as_deref(), Some("Sales"));
        assert!(checked[4].valid.is_some());
    }

    #[test]
    fn update_only_refuses_new_people_and_the_last_admin_stays() {
        let checked = check_rows(
            &[
                row(2, "dave@example.com", "", "", ""),
                RawRow {
                    role: "learner".into(),
                    ..row(3, "me@example.com", "", "", "")
                },
            ],
            &directory(ImportMode::UpdateOnly),
        );
        assert_eq!(checked[0].errors[0].code, "not_a_member");
        assert_eq!(checked[1].errors[0].code, "last_active_admin");
    }

    #[test]
    fn invite_new_keeps_refusing_members_and_skips_people_listed_as_deactivated() {
        let checked = check_rows(
            &[
                row(2, "ada@example.com", "", "", ""),
                row(3, "erin@example.com", "", "", "Deactivated"),
                row(4, "gus@example.com", "", "", "active"),
            ],
            &directory(ImportMode::InviteNew),
        );
        assert_eq!(checked[0].errors[0].code, "already_a_member");
        assert_eq!(checked[1].action, RowAction::Unchanged);
        assert_eq!(checked[2].action, RowAction::Invite);
    }

    #[test]
    fn status_reads_any_case_and_suggests_a_near_word() {
        assert_eq!(
            WantedStatus::parse(" Active "),
            Ok(Some(WantedStatus::Active))
        );
        assert_eq!(
            WantedStatus::parse("DEACTIVATED"),
            Ok(Some(WantedStatus::Deactivated))
        );
        assert_eq!(WantedStatus::parse(""), Ok(None));
        let error = WantedStatus::parse("deactived").unwrap_err();
        assert_eq!(error.code, "invalid_status");
        assert_eq!(error.suggestion.as_deref(), Some("deactivated"));
    }

    #[test]
    fn changes_are_only_what_differs_and_groups_are_added() {
        let member = MemberSnapshot {
            id: 7,
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            role: Role::Learner,
            department: Some("Sales".into()),
            groups: vec!["Managers".into()],
            active: true,
        };
        let mut update = MemberUpdate {
            member_id: 7,
            first_name: PersonName::parse_optional(Some("Ada")).unwrap(),
            last_name: PersonName::parse_optional(Some("King")).unwrap(),
            role: Some(Role::Instructor),
            department: Some("Sales".into()),
            group: Some("Mentors".into()),
            changes: Vec::new(),
        };
        let changes = changes_of(&member, &mut update);
        let fields: Vec<(&str, &str, &str)> = changes
            .iter()
            .map(|c| (c.field.as_str(), c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("last_name", "Lovelace", "King"),
                ("role", "learner", "instructor"),
                ("groups", "Managers", "Managers, Mentors"),
            ]
        );
        assert_eq!(update.first_name, None);
        assert_eq!(update.department, None);
        assert_eq!(
            encode_changes(&changes),
            r#"{"groups":["Managers","Managers, Mentors"],"last_name":["Lovelace","King"],"role":["learner","instructor"]}"#
        );
    }
}
