//! Row rules of a bulk invitation (CSV file or batch API): every problem of every row, with
//! "did you mean" suggestions, checked against what the organization has right now.

use crate::csv_import::{Column, RawRow};
use crate::import_update::{Change, MemberSnapshot, MemberUpdate, WantedStatus};
use crate::matching::suggest;
use crate::{EmailAddress, ImportMode, PersonName, Role, RowAction};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// What rows are checked against: the organization's names and addresses.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub departments: Vec<String>,
    pub groups: Vec<String>,
    /// Case-folded addresses of members (active or deactivated).
    pub members: HashSet<String>,
    /// Case-folded addresses of deactivated members (also in `members`): reactivate, not invite.
    pub deactivated: HashSet<String>,
    /// Case-folded addresses with a live pending invitation.
    pub pending: HashSet<String>,
    /// Seats still free under the organization's seat limit (`None`: unlimited).
    pub free_seats: Option<i64>,
    /// What `send_at` cells are read against: the organization's time zone and the instant of
    /// the check.
    pub time_zone: String,
    pub now: DateTime<Utc>,
    /// What the import does with people already here; `InviteNew` unless set.
    pub mode: ImportMode,
    /// Members by case-folded address, as update rows compare with them (update modes only).
    pub people: HashMap<String, MemberSnapshot>,
    /// The case-folded address of who runs the import: they cannot deactivate themselves.
    pub caller: Option<String>,
    /// Active admins now: an import may not leave none.
    pub active_admins: i64,
}

/// The furthest ahead a send can be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 90;

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub column: String,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suggestion: Option<String>,
}

impl RowError {
    pub(crate) fn new(column: Column, code: &str, message: impl Into<String>) -> Self {
        Self {
            column: column.name().to_string(),
            code: code.to_string(),
            message: message.into(),
            suggestion: None,
        }
    }
}

/// A row whose every cell is valid: ready to become an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRow {
    pub email: EmailAddress,
    pub role: Role,
    pub department: Option<String>,
    pub group: Option<String>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    /// A scheduled send; `None`: at once.
    pub send_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub errors: Vec<RowError>,
    /// An invitation to write: present exactly when `errors` is empty and `action` is
    /// `Invite`.
    pub valid: Option<ValidRow>,
    /// What sending the row does; `Error` exactly when `errors` is not empty.
    pub action: RowAction,
    /// A member's row: who, and what changes (also for `Deactivate` and `Reactivate`, which
    /// may change fields too). A pending invitation's `Deactivate` has none: it is cancelled.
    pub update: Option<MemberUpdate>,
}

impl CheckedRow {
    fn invite(errors: Vec<RowError>, valid: Option<ValidRow>) -> Self {
        let action = if errors.is_empty() {
            RowAction::Invite
        } else {
            RowAction::Error
        };
        CheckedRow {
            errors,
            valid,
            action,
            update: None,
        }
    }

    fn action(action: RowAction) -> Self {
        CheckedRow {
            errors: Vec::new(),
            valid: None,
            action,
            update: None,
        }
    }

    pub(crate) fn error(errors: Vec<RowError>) -> Self {
        CheckedRow {
            errors,
            valid: None,
            action: RowAction::Error,
            update: None,
        }
    }

    /// The changes a member's row makes (old → new), if any.
    pub fn changes(&self) -> &[Change] {
        self.update.as_ref().map_or(&[], |u| u.changes.as_slice())
    }
}

/// Checks every row, reporting all of each row's problems. The same address twice in the
/// input (whatever its case) is an error on the later row, naming the first.
pub fn check_rows(rows: &[RawRow], directory: &Directory) -> Vec<CheckedRow> {
    let mut checker = RowChecker::new(directory, rows.len());
    rows.iter().map(|row| checker.check(row)).collect()
}

/// [`check_rows`] one row at a time, for callers that stream rows through: it remembers the
/// addresses seen so far (for duplicates) and the verdict on each unknown department or group
/// name (computed once per name), nothing else.
pub struct RowChecker<'d> {
    pub(crate) directory: &'d Directory,
    pub(crate) departments: HashSet<&'d str>,
    pub(crate) groups: HashSet<&'d str>,
    /// The first line of each address seen, keyed by a 128-bit keyed hash of the folded
    /// address rather than a copy of it: 16 bytes a row instead of the address. The keys are
    /// random per checker, so no input can be made to collide (chance 2^-128 otherwise).
    first_seen: HashMap<u128, u64>,
    seen_keys: (
        std::collections::hash_map::RandomState,
        std::collections::hash_map::RandomState,
    ),
    pub(crate) department_errors: HashMap<String, RowError>,
    pub(crate) group_errors: HashMap<String, RowError>,
    /// Seats left for the rows still to come.
    pub(crate) seats_left: Option<i64>,
    /// Active admins left after the rows so far (update modes).
    pub(crate) admins_left: i64,
    /// Off when re-checking some rows of a file whose addresses did not change: their
    /// duplicate verdicts stand as they were.
    check_duplicates: bool,
}

impl<'d> RowChecker<'d> {
    /// `expected_rows` sizes the duplicate check up front.
    pub fn new(directory: &'d Directory, expected_rows: usize) -> Self {
        Self {
            directory,
            departments: directory.departments.iter().map(String::as_str).collect(),
            groups: directory.groups.iter().map(String::as_str).collect(),
            first_seen: HashMap::with_capacity(expected_rows),
            seen_keys: Default::default(),
            department_errors: HashMap::new(),
            group_errors: HashMap::new(),
            seats_left: directory.free_seats,
            admins_left: directory.active_admins,
            check_duplicates: true,
        }
    }

    /// A checker that leaves duplicate addresses alone (rows re-checked on their own after an
    /// edit that changed no address; the caller keeps their earlier duplicate verdicts).
    pub fn without_duplicates(mut self) -> Self {
        self.check_duplicates = false;
        self
    }

    /// Records the address's first line; a later row with it gets an error naming that line.
    pub(crate) fn duplicate(
        &mut self,
        email: &EmailAddress,
        line: u64,
        errors: &mut Vec<RowError>,
    ) {
        if !self.check_duplicates {
            return;
        }
        let seen_key = self.seen_key(email.folded());
        if let Some(first) = self.first_seen.get(&seen_key) {
            errors.push(RowError::new(
                Column::Email,
                "duplicate_email",
                format!(
                    "{} appears more than once in the file (first on line {first}).",
                    email.as_str()
                ),
            ));
        } else {
            self.first_seen.insert(seen_key, line);
        }
    }

    /// Checks a row as the import's mode reads it.
    pub fn check(&mut self, row: &RawRow) -> CheckedRow {
        let status = WantedStatus::parse(&row.status);
        let Ok(email) = EmailAddress::parse(&row.email) else {
            // The invitation checks say what is wrong with the address (and the rest).
            return self.with_status_error(row, status.err());
        };
        let directory = self.directory;
        let folded = email.folded();
        if directory.mode != ImportMode::InviteNew {
            if let Some(member) = directory.people.get(folded) {
                return self.check_member(row, &email, member, status);
            }
            if directory.pending.contains(folded) {
                // A pending invitation stays as sent, unless the row deactivates the person:
                // then it is cancelled.
                let mut errors = Vec::new();
                self.duplicate(&email, row.line, &mut errors);
                return match status {
                    Err(e) => CheckedRow::error(vec![e]),
                    _ if !errors.is_empty() => CheckedRow::error(errors),
                    Ok(Some(WantedStatus::Deactivated)) => {
                        CheckedRow::action(RowAction::Deactivate)
                    }
                    Ok(_) => CheckedRow::action(RowAction::Unchanged),
                };
            }
            if directory.mode == ImportMode::UpdateOnly {
                let mut errors = Vec::new();
                self.duplicate(&email, row.line, &mut errors);
                errors.push(RowError::new(
                    Column::Email,
                    "not_a_member",
                    format!(
                        "{} is not a member of this organization, so there is nothing to update. To invite new people too, import in the mode \"invite and update\".",
                        email.as_str()
                    ),
                ));
                return CheckedRow::error(errors);
            }
        }
        match status {
            // Someone listed as deactivated who is not here: nothing to do.
            Ok(Some(WantedStatus::Deactivated))
                if !directory.members.contains(folded) && !directory.pending.contains(folded) =>
            {
                let mut errors = Vec::new();
                self.duplicate(&email, row.line, &mut errors);
                if errors.is_empty() {
                    CheckedRow::action(RowAction::Unchanged)
                } else {
                    CheckedRow::error(errors)
                }
            }
            status => self.with_status_error(row, status.err()),
        }
    }

    fn with_status_error(&mut self, row: &RawRow, status: Option<RowError>) -> CheckedRow {
        let mut checked = self.check_invite(row);
        if let Some(error) = status {
            checked.errors.push(error);
            checked.valid = None;
            checked.action = RowAction::Error;
        }
        checked
    }

    fn seen_key(&self, folded: &str) -> u128 {
        use std::hash::BuildHasher;
        let high = self.seen_keys.0.hash_one(folded);
        let low = self.seen_keys.1.hash_one(folded);
        (u128::from(high) << 64) | u128::from(low)
    }

    fn check_invite(&mut self, row: &RawRow) -> CheckedRow {
        let directory = self.directory;
        let mut errors = Vec::new();
        let email = match EmailAddress::parse(&row.email) {
            Ok(email) => {
                self.duplicate(&email, row.line, &mut errors);

                if directory.deactivated.contains(email.folded()) {
                    errors.push(RowError::new(
                        Column::Email,
                        "member_deactivated",
                        format!(
                            "{} is a deactivated member of this organization; reactivate them on the Users page instead.",
                            email.as_str()
                        ),
                    ));
                } else if directory.members.contains(email.folded()) {
                    errors.push(RowError::new(
                        Column::Email,
                        "already_a_member",
                        format!(
                            "{} is already a member of this organization.",
                            email.as_str()
                        ),
                    ));
                } else if directory.pending.contains(email.folded()) {
                    errors.push(RowError::new(
                        Column::Email,
                        "invitation_already_pending",
                        format!("{} already has a pending invitation. Resend it from the Invitations list instead.", email.as_str()),
                    ));
                }
                Some(email)
            }
            Err(e) => {
                let message = match &e {
                    crate::EmailError::Empty => "Email is required.".to_string(),
                    other => other.to_string(),
                };
                errors.push(RowError::new(Column::Email, e.code(), message));
                None
            }
        };
        let role = Role::parse(&row.role)
            .map_err(|e| errors.push(RowError::new(Column::Role, "invalid_role", e.to_string())))
            .ok();
        let first_name = person_name(Column::FirstName, &row.first_name, &mut errors);
        let last_name = person_name(Column::LastName, &row.last_name, &mut errors);
        let department = lookup(
            &row.department,
            &self.departments,
            &directory.departments,
            Column::Department,
            "Department",
            &mut self.department_errors,
            &mut errors,
        );
        let group = lookup(
            &row.group,
            &self.groups,
            &directory.groups,
            Column::Group,
            "Group",
            &mut self.group_errors,
            &mut errors,
        );
        let send_at = schedule(&row.send_at, directory)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if let (Some(left), Some(_), Some(_), true) =
            (self.seats_left, &email, &role, errors.is_empty())
        {
            // Rows take the free seats in file order; the rest do not fit.
            if left <= 0 {
                errors.push(RowError::new(
                    Column::Email,
                    "seat_limit_reached",
                    "No seat is left for this row: the organization's seat limit is reached. Cancel pending invitations or raise the limit in Settings.",
                ));
            } else {
                self.seats_left = Some(left - 1);
            }
        }
        let valid = match (email, role, errors.is_empty()) {
            (Some(email), Some(role), true) => Some(ValidRow {
                email,
                role,
                department,
                group,
                first_name,
                last_name,
                send_at,
            }),
            _ => None,
        };
        CheckedRow::invite(errors, valid)
    }
}

/// A name cell: empty is no name.
pub(crate) fn person_name(
    column: Column,
    value: &str,
    errors: &mut Vec<RowError>,
) -> Option<PersonName> {
    PersonName::parse_optional(Some(value))
        .map_err(|e| {
            let label = if column == Column::FirstName {
                "First name"
            } else {
                "Last name"
            };
            errors.push(RowError::new(column, e.code(), format!("{label}: {e}")));
        })
        .ok()
        .flatten()
}

/// A `send_at` cell: empty (send at once), or a time ahead by at most 90 days.
fn schedule(cell: &str, directory: &Directory) -> Result<Option<DateTime<Utc>>, RowError> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let zone = if directory.time_zone.is_empty() {
        "UTC"
    } else {
        &directory.time_zone
    };
    let Some(at) = crate::settings::parse_instant(cell, zone) else {
        return Err(RowError::new(
            Column::SendAt,
            "invalid_time",
            format!("\"{cell}\" is not a date and time: write 2026-12-07T09:00 (read in {zone}) or add an offset."),
        ));
    };
    if at <= directory.now {
        return Err(RowError::new(
            Column::SendAt,
            "in_the_past",
            "send_at is in the past; leave it empty to send at once.",
        ));
    }
    if at > directory.now + chrono::Duration::days(MAX_SCHEDULE_DAYS) {
        return Err(RowError::new(
            Column::SendAt,
            "too_far_ahead",
            format!("send_at can be at most {MAX_SCHEDULE_DAYS} days ahead."),
        ));
    }
    Ok(Some(at))
}

/// An exact (case-sensitive) name match; otherwise an error with a suggestion, computed once
/// per distinct unknown name.
pub(crate) fn lookup(
    value: &str,
    names: &HashSet<&str>,
    all: &[String],
    column: Column,
    label: &str,
    cache: &mut HashMap<String, RowError>,
    errors: &mut Vec<RowError>,
) -> Option<String> {
    let value_trimmed = value.trim();
    if value_trimmed.is_empty() {
        return None;
    }
    if names.contains(value_trimmed) {
        return Some(value_trimmed.to_string());
    }
    if let Some(error) = cache.get(value) {
        errors.push(error.clone());
        return None;
    }
    let suggestion = suggest(value_trimmed, all.iter().map(String::as_str));
    let mut message = format!("{label} \"{value_trimmed}\" does not exist.");
    if let Some(s) = suggestion {
        message.push_str(&format!(" Did you mean \"{s}\"?"));
    }
    let mut error = RowError::new(column, "not_found", message);
    error.suggestion = suggestion.map(str::to_string);
    errors.push(error.clone());
    // The cache is bounded by the distinct names in the file, themselves bounded by its size.
    cache.insert(value.to_string(), error);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, email: &str) -> RawRow {
        RawRow {
            line,
            email: email.into(),
            ..RawRow::default()
        }
    }

    fn directory() -> Directory {
        Directory {
            departments: vec!["Sales".into(), "Engineering".into()],
            groups: vec!["Managers".into()],
            members: HashSet::from(["member@example.com".to_string()]),
            deactivated: HashSet::new(),
            pending: HashSet::from(["pending@example.com".to_string()]),
            free_seats: None,
            time_zone: "UTC".into(),
            now: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 12, 0, 0).unwrap(),
            ..Directory::default()
        }
    }

    #[test]
    fn send_at_cells_are_read_in_the_organization_zone_and_must_lie_ahead() {
        let directory = Directory {
            time_zone: "Etc/GMT-3".into(),
            ..directory()
        };
        let cell = |line: u64, text: &str| RawRow {
            send_at: text.into(),
            ..row(line, &format!("row{line}@example.com"))
        };
        let checked = check_rows(
            &[
                cell(2, "2026-12-07T09:00"),
                cell(3, "2026-11-01T09:00"),
                cell(4, "soon"),
                cell(5, ""),
            ],
            &directory,
        );
        assert_eq!(
            checked[0].valid.as_ref().and_then(|v| v.send_at),
            chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, 6, 0, 0).single()
        );
        assert_eq!(checked[1].errors[0].code, "in_the_past");
        assert_eq!(checked[2].errors[0].code, "invalid_time");
        assert_eq!(checked[3].valid.as_ref().and_then(|v| v.send_at), None);
    }

    #[test]
    fn rows_past_the_free_seats_do_not_fit() {
        let directory = Directory {
            free_seats: Some(2),
            ..directory()
        };
        let checked = check_rows(
            &[
                row(2, "a@example.com"),
                row(3, "not an address"),
                row(4, "b@example.com"),
                row(5, "c@example.com"),
            ],
            &directory,
        );
        assert!(checked[0].valid.is_some());
        // A row with its own errors takes no seat.
        assert!(checked[1]
            .errors
            .iter()
            .all(|e| e.code != "seat_limit_reached"));
        assert!(checked[2].valid.is_some());
        assert_eq!(checked[3].errors[0].code, "seat_limit_reached");
    }

    fn codes(checked: &CheckedRow) -> Vec<&str> {
        checked.errors.iter().map(|e| e.code.as_str()).collect()
    }

    #[test]
    fn a_valid_row_becomes_an_invitation_with_learner_as_default_role() {
        let mut r = row(2, " Ada@Example.com ");
        r.department = "Sales".into();
        let checked = check_rows(&[r], &directory());
        let valid = checked[0].valid.as_ref().unwrap();
        assert_eq!(valid.email.as_str(), "Ada@Example.com");
        assert_eq!(valid.role, Role::Learner);
        assert_eq!(valid.department.as_deref(), Some("Sales"));
    }

    #[test]
    fn every_error_of_a_row_is_reported() {
        let r = RawRow {
            line: 2,
            email: "not-an-email".into(),
            first_name: "x".repeat(101),
            last_name: "ok".into(),
            role: "teacher".into(),
            department: "sales".into(),
            group: "Nobody".into(),
            send_at: String::new(),
            status: String::new(),
        };
        let checked = &check_rows(&[r], &directory())[0];
        assert_eq!(
            codes(checked),
            [
                "invalid_email",
                "invalid_role",
                "too_long",
                "not_found",
                "not_found"
            ]
        );
        assert!(checked.valid.is_none());
        let department = &checked.errors[3];
        assert_eq!(department.column, "department");
        assert_eq!(department.suggestion.as_deref(), Some("Sales"));
        assert_eq!(
            department.message,
            "Department \"sales\" does not exist. Did you mean \"Sales\"?"
        );
        assert!(checked.errors[1]
            .message
            .contains("learner, instructor or admin"));
    }

    #[test]
    fn a_repeated_address_is_an_error_on_the_later_line_naming_the_first() {
        let checked = check_rows(
            &[
                row(2, "a@example.com"),
                row(3, "b@example.com"),
                row(7, "A@EXAMPLE.com"),
            ],
            &directory(),
        );
        assert!(checked[0].errors.is_empty());
        assert_eq!(codes(&checked[2]), ["duplicate_email"]);
        assert!(checked[2].errors[0].message.contains("line 2"));
    }

    #[test]
    fn members_and_pending_invitations_are_errors() {
        let checked = check_rows(
            &[row(2, "Member@example.com"), row(3, "PENDING@example.com")],
            &directory(),
        );
        assert_eq!(codes(&checked[0]), ["already_a_member"]);
        assert_eq!(codes(&checked[1]), ["invitation_already_pending"]);
    }

    #[test]
    fn an_empty_email_is_required() {
        let checked = check_rows(&[row(2, "")], &directory());
        assert_eq!(checked[0].errors[0].code, "required");
    }
}
