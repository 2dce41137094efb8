//! The import as the API shows it: summary, rows with their errors, and the send's result.

use crate::db::from_db;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use skillstream_app::imports::rows;
use skillstream_app::imports::{ImportRecord, RowRecord};
use skillstream_domain::bulk::RowError;
use skillstream_domain::{ImportMode, ImportSource, ImportStatus, RowAction};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_ROWS_PER_PAGE: i64 = 5000;
pub const MAX_ROWS_PER_PAGE: i64 = 10_000;

/// Which rows to show: pages of up to 10,000 (5,000 by default), optionally only rows with
/// errors, or rows with errors before the others.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    /// Only rows with errors.
    pub errors_only: Option<bool>,
    /// Rows with errors first (each group in file order), so a review starts with what to fix.
    pub errors_first: Option<bool>,
}

impl RowsQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self) -> i64 {
        self.per_page
            .unwrap_or(DEFAULT_ROWS_PER_PAGE)
            .clamp(1, MAX_ROWS_PER_PAGE)
    }
    pub fn offset(&self) -> i64 {
        (self.page() - 1).saturating_mul(self.per_page())
    }
    pub fn errors_only(&self) -> bool {
        self.errors_only.unwrap_or(false)
    }
    pub fn errors_first(&self) -> bool {
        self.errors_first.unwrap_or(false)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportSummary {
    pub total: i64,
    pub valid: i64,
    pub invalid: i64,
}

/// Rows by what they do.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct ActionCounts {
    pub invite: i64,
    pub update: i64,
    pub reactivate: i64,
    pub deactivate: i64,
    pub unchanged: i64,
    pub error: i64,
}

impl ActionCounts {
    pub fn add(&mut self, action: RowAction, n: i64) {
        let slot = match action {
            RowAction::Invite => &mut self.invite,
            RowAction::Update => &mut self.update,
            RowAction::Reactivate => &mut self.reactivate,
            RowAction::Deactivate => &mut self.deactivate,
            RowAction::Unchanged => &mut self.unchanged,
            RowAction::Error => &mut self.error,
        };
        *slot += n;
    }

    pub fn from_map(counts: &HashMap<RowAction, i64>) -> Self {
        let mut out = Self::default();
        for (action, n) in counts {
            out.add(*action, *n);
        }
        out
    }
}

/// An import that deactivates people: how many, of how many active members, and whether the
/// send needs `allow_mass_change` (more than 10 %).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct MassChangeView {
    pub deactivations: i64,
    pub members: i64,
    pub needs_confirmation: bool,
}

/// A row's cells as read (trimmed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowValues {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub department: String,
    pub group: String,
    /// The `send_at` cell, when the file has that column.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub send_at: String,
    /// The `status` cell (`active`, `deactivated`), when the file has that column.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub status: String,
}

/// One problem with one cell of a row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowProblem {
    /// `email`, `first_name`, `last_name`, `role`, `department`, `group` or `send_at`.
    #[schema(example = "department")]
    pub column: String,
    #[schema(example = "not_found")]
    pub code: String,
    #[schema(example = "Department \"sales\" does not exist. Did you mean \"Sales\"?")]
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl From<RowError> for RowProblem {
    fn from(e: RowError) -> Self {
        Self {
            column: e.column,
            code: e.code,
            message: e.message,
            suggestion: e.suggestion,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRow {
    /// The line in the file (the header is line 1); for the batch API, the 1-based position.
    pub line: i64,
    pub values: RowValues,
    pub valid: bool,
    /// Every problem of the row (empty when valid).
    pub errors: Vec<RowProblem>,
    /// What sending the row does: `invite`, `update`, `reactivate`, `deactivate` (a member;
    /// or a pending invitation, cancelled), `unchanged` or `error`.
    pub action: RowAction,
    /// For a member's row: each changed field, `{"field": [old, new]}` (`groups` lists the
    /// groups before and after the row's group is added); empty otherwise.
    #[schema(value_type = HashMap<String, Vec<String>>)]
    pub changes: serde_json::Map<String, serde_json::Value>,
    /// Hints that do not stop the row, such as `possible_typo` on `email`
    /// (`bob@gmial.com`: "Did you mean bob@gmail.com?"); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<RowProblem>,
}

impl ImportRow {
    /// A row as previewed, straight from the parser and the checks.
    pub fn checked(
        raw: &skillstream_domain::csv_import::RawRow,
        checked: &skillstream_domain::bulk::CheckedRow,
    ) -> Self {
        let changes = skillstream_domain::import_update::encode_changes(checked.changes());
        Self::from_parts(raw, &checked.errors, checked.action, &changes)
    }

    /// A row from its cells, errors, action and stored changes.
    pub fn from_parts(
        raw: &skillstream_domain::csv_import::RawRow,
        errors: &[RowError],
        action: RowAction,
        changes: &str,
    ) -> Self {
        let line = i64::try_from(raw.line).unwrap_or(i64::MAX);
        Self {
            line,
            values: RowValues {
                email: raw.email.clone(),
                first_name: raw.first_name.clone(),
                last_name: raw.last_name.clone(),
                role: raw.role.clone(),
                department: raw.department.clone(),
                group: raw.group.clone(),
                send_at: raw.send_at.clone(),
                status: raw.status.clone(),
            },
            valid: errors.is_empty(),
            errors: errors.iter().cloned().map(RowProblem::from).collect(),
            action,
            changes: skillstream_domain::import_update::decode_changes(changes),
            warnings: skillstream_app::invitations::email_warnings(Some(&raw.email))
                .into_iter()
                .map(|w| RowProblem {
                    column: w.field,
                    code: w.code,
                    message: w.message,
                    suggestion: w.suggestion,
                })
                .collect(),
        }
    }
}

impl From<skillstream_app::imports::SentImport> for SendResult {
    fn from(sent: skillstream_app::imports::SentImport) -> Self {
        Self {
            import_id: sent.import_id.get(),
            created: sent.created,
            updated: sent.updated,
            deactivated: sent.deactivated,
            reactivated: sent.reactivated,
            skipped: sent.skipped,
            skip_invalid: sent.skip_invalid,
            sent_at: sent.sent_at,
            skipped_lines: sent.skipped_lines,
        }
    }
}

impl From<&RowRecord> for ImportRow {
    fn from(r: &RowRecord) -> Self {
        Self::from_parts(&r.raw(), &r.decoded_errors(), r.action, &r.changes)
    }
}

/// What a send did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SendResult {
    pub import_id: i64,
    /// Invitations created (each with its email queued).
    pub created: i64,
    /// Members updated.
    pub updated: i64,
    /// Members deactivated, and pending invitations cancelled, by the `status` column.
    pub deactivated: i64,
    /// Members reactivated by the `status` column.
    pub reactivated: i64,
    /// Rows left out because they have errors.
    pub skipped: i64,
    pub skip_invalid: bool,
    pub sent_at: DateTime<Utc>,
    /// Lines of the skipped rows.
    pub skipped_lines: Vec<i64>,
}

/// An uploaded file (or batch call) as previewed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Import {
    pub id: i64,
    pub status: ImportStatus,
    pub source: ImportSource,
    /// What the import does with people already here.
    pub mode: ImportMode,
    pub filename: Option<String>,
    /// The header cells as written in the file.
    pub columns: Vec<String>,
    /// How each header cell was read: `{"file header": "field" | "ignore"}` (the admin's
    /// `column_map`, a saved one, or the names the server recognises). Absent for the batch
    /// API.
    #[schema(value_type = Option<HashMap<String, String>>)]
    pub column_map: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    /// The import can be sent until then.
    pub expires_at: DateTime<Utc>,
    pub summary: ImportSummary,
    /// How many rows do each thing when sent (over all pages).
    pub actions: ActionCounts,
    /// This page of rows, in file order (with `errors_first`, rows with errors before the others).
    pub rows: Vec<ImportRow>,
    pub page: i64,
    pub per_page: i64,
    pub errors_only: bool,
    /// Rows matching the filter, over all pages.
    pub rows_total: i64,
    pub total_pages: i64,
    /// Present once sent.
    pub result: Option<SendResult>,
    /// The organization signs in through an identity provider: first and last names left
    /// empty are filled from it when the invitee accepts with SSO.
    pub names_from_sso: bool,
    /// With a seat limit set, while previewed: the seats this import needs (its valid rows and
    /// those that did not fit) and those free now. Rows past the free seats carry the error
    /// `seat_limit_reached`.
    pub seats: Option<SeatCount>,
    /// Present when rows deactivate people.
    pub mass_change: Option<MassChangeView>,
    /// While the file is still being read in the background (`checking`, with the rows read
    /// so far), or after it could not be (`failed`, with why); absent once the preview is
    /// whole.
    pub progress: Option<CheckProgress>,
    /// While previewed: each "did you mean" that several cells could take at once
    /// (`POST …/apply-suggestion` with its `column`, `from` and `to`).
    pub suggestions: Vec<Suggestion>,
}

/// How far the reading of a file is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckProgress {
    pub state: skillstream_domain::CheckState,
    pub rows_checked: i64,
    pub error: Option<String>,
}

impl CheckProgress {
    pub fn of(record: &ImportRecord) -> Option<Self> {
        record.check_state.map(|state| CheckProgress {
            state,
            rows_checked: i64::from(record.checked_rows),
            error: record.check_error.clone(),
        })
    }
}

/// A suggestion for every cell of a column with one value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    #[schema(example = "department")]
    pub column: String,
    #[schema(example = "sales")]
    pub from: String,
    #[schema(example = "Sales")]
    pub to: String,
    /// Rows with that value in that column.
    pub cells: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeatCount {
    pub limit: i64,
    pub needed: i64,
    pub free: i64,
}

impl Import {
    /// Adds the seat count of a previewed import under a seat limit.
    pub fn with_seats(
        mut self,
        conn: &mut crate::db::DbConnection,
        org: skillstream_domain::OrganizationId,
    ) -> crate::error::ApiResult<Self> {
        if self.status != skillstream_domain::ImportStatus::Previewed {
            return Ok(self);
        }
        let id = skillstream_domain::ImportId(self.id);
        let seats = rows::seats(conn, org, id, self.summary.valid, chrono::Utc::now())?;
        self.seats = seats.map(|s| SeatCount {
            limit: s.limit,
            needed: s.needed,
            free: s.free,
        });
        Ok(self)
    }

    /// Says whether empty names will come from the organization's identity provider.
    pub fn with_sso(
        mut self,
        conn: &mut crate::db::DbConnection,
        org: i64,
    ) -> crate::error::ApiResult<Self> {
        self.names_from_sso =
            skillstream_app::sso::uses_sso(conn, skillstream_domain::OrganizationId(org))?;
        Ok(self)
    }

    pub fn new(
        record: &ImportRecord,
        rows: Vec<ImportRow>,
        query: &RowsQuery,
        rows_total: i64,
        result: Option<SendResult>,
    ) -> Self {
        let per_page = query.per_page();
        Self {
            id: record.id.get(),
            status: record.status,
            source: record.source,
            mode: record.mode,
            filename: record.filename.clone(),
            columns: serde_json::from_str(&record.header).unwrap_or_default(),
            column_map: record
                .column_map
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok()),
            created_at: from_db(record.created_at),
            expires_at: from_db(record.expires_at),
            summary: ImportSummary {
                total: i64::from(record.total),
                valid: i64::from(record.valid),
                invalid: i64::from(record.invalid),
            },
            actions: ActionCounts::default(),
            rows,
            page: query.page(),
            per_page,
            errors_only: query.errors_only(),
            rows_total,
            total_pages: (rows_total + per_page - 1) / per_page,
            result,
            names_from_sso: false,
            seats: None,
            mass_change: None,
            progress: CheckProgress::of(record),
            suggestions: Vec::new(),
        }
    }

    /// Adds the suggestions that several cells could take at once (previewed imports with
    /// errors only).
    pub fn with_suggestions(
        mut self,
        conn: &mut crate::db::DbConnection,
        org: skillstream_domain::OrganizationId,
    ) -> crate::error::ApiResult<Self> {
        if self.status != ImportStatus::Previewed || self.summary.invalid == 0 {
            return Ok(self);
        }
        self.suggestions = rows::suggestions(conn, org, skillstream_domain::ImportId(self.id))?
            .into_iter()
            .map(|s| Suggestion {
                column: s.column.name().to_string(),
                from: s.from,
                to: s.to,
                cells: s.cells,
            })
            .collect();
        Ok(self)
    }

    /// Adds the rows' actions (counted by the caller, or from the store) and, when rows
    /// deactivate people, whether sending needs the mass-change confirmation.
    pub fn with_actions(
        mut self,
        conn: &mut crate::db::DbConnection,
        org: skillstream_domain::OrganizationId,
        counted: Option<ActionCounts>,
    ) -> crate::error::ApiResult<Self> {
        let actions = match counted {
            Some(actions) => actions,
            None => ActionCounts::from_map(&rows::action_counts(
                conn,
                org,
                skillstream_domain::ImportId(self.id),
            )?),
        };
        self.actions = actions;
        if actions.deactivate > 0 {
            let members = rows::active_members(conn, org)?;
            self.mass_change = Some(MassChangeView {
                deactivations: actions.deactivate,
                members,
                needs_confirmation: skillstream_app::imports::is_mass_change(
                    actions.deactivate,
                    members,
                ),
            });
        }
        Ok(self)
    }
}
