//! Rows of a preview edited in place: one row, or every cell of a column with one value
//! (a suggestion applied to all), read and written back with their new verdicts.

use super::{import_of, rows_of, RowRecord};
use crate::schema::{invitation_import_rows as rows, invitation_imports};
use crate::{lower, DbConnection, StoreResult};
use diesel::prelude::*;
use skillstream_domain::csv_import::Column;
use skillstream_domain::{ImportId, OrganizationId};

pub fn find_row(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
    line: i64,
) -> StoreResult<Option<RowRecord>> {
    rows::table
        .find((import.get(), line))
        .filter(rows::organization_id.eq(org.get()))
        .select(RowRecord::as_select())
        .first(conn)
        .optional()
}

/// The rows whose address is one of these (case-folded), in file order: the rows whose
/// duplicate check an edited address can change.
pub fn rows_with_addresses(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
    folded: &[String],
) -> StoreResult<Vec<RowRecord>> {
    rows_of(org, import)
        .filter(lower(rows::email.nullable()).eq_any(folded.iter().map(|f| Some(f.as_str()))))
        .order(rows::line.asc())
        .select(RowRecord::as_select())
        .load(conn)
}

/// The rows whose cell in `column` is exactly `value`, in file order.
pub fn rows_where(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
    column: Column,
    value: &str,
) -> StoreResult<Vec<RowRecord>> {
    let query = rows_of(org, import)
        .order(rows::line.asc())
        .select(RowRecord::as_select())
        .into_boxed();
    let query = match column {
        Column::Email => query.filter(rows::email.eq(value)),
        Column::FirstName => query.filter(rows::first_name.eq(value)),
        Column::LastName => query.filter(rows::last_name.eq(value)),
        Column::Role => query.filter(rows::role.eq(value)),
        Column::Department => query.filter(rows::department.eq(value)),
        Column::Group => query.filter(rows::group_name.eq(value)),
        Column::SendAt => query.filter(rows::send_at.eq(value)),
        Column::Status => query.filter(rows::status.eq(value)),
    };
    query.load(conn)
}

/// Writes rows back whole: their cells and their verdicts.
pub fn write_rows(conn: &mut DbConnection, records: &[RowRecord]) -> StoreResult<()> {
    for row in records {
        diesel::update(
            rows::table
                .find((row.import_id, row.line))
                .filter(rows::organization_id.eq(row.organization_id)),
        )
        .set((
            rows::email.eq(&row.email),
            rows::first_name.eq(&row.first_name),
            rows::last_name.eq(&row.last_name),
            rows::role.eq(&row.role),
            rows::department.eq(&row.department),
            rows::group_name.eq(&row.group_name),
            rows::send_at.eq(&row.send_at),
            rows::status.eq(&row.status),
            rows::valid.eq(row.valid),
            rows::errors.eq(&row.errors),
            rows::action.eq(row.action),
            rows::changes.eq(&row.changes),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Counts the valid and invalid rows afresh and records them on the import.
pub fn recount(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
) -> StoreResult<(i64, i64)> {
    let counts: Vec<(bool, i64)> = rows_of(org, import)
        .group_by(rows::valid)
        .select((rows::valid, diesel::dsl::count_star()))
        .load(conn)?;
    let of = |want: bool| {
        counts
            .iter()
            .find(|(valid, _)| *valid == want)
            .map_or(0, |(_, n)| *n)
    };
    let (valid, invalid) = (of(true), of(false));
    let count = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    diesel::update(import_of(org, import))
        .set((
            invitation_imports::total.eq(count(valid + invalid)),
            invitation_imports::valid.eq(count(valid)),
            invitation_imports::invalid.eq(count(invalid)),
        ))
        .execute(conn)?;
    Ok((valid, invalid))
}

/// For each value of a column that rows got a "did you mean" on: the value, one row's errors
/// (the suggestion is the same for every row with that value), and how many rows have it.
/// Only the columns whose rows can carry a suggestion: department, group, status.
pub fn suggestion_groups(
    conn: &mut DbConnection,
    org: OrganizationId,
    import: ImportId,
) -> StoreResult<Vec<(Column, String, String, i64)>> {
    let mut out = Vec::new();
    for column in [Column::Department, Column::Group, Column::Status] {
        let marker = format!("%\"column\":\"{}\"%\"suggestion\"%", column.name());
        let base = rows_of(org, import)
            .filter(rows::valid.eq(false))
            .filter(rows::errors.like(marker));
        let groups: Vec<(String, Option<String>, i64)> = match column {
            Column::Department => base
                .group_by(rows::department)
                .select((
                    rows::department,
                    diesel::dsl::min(rows::errors),
                    diesel::dsl::count_star(),
                ))
                .load(conn)?,
            Column::Group => base
                .group_by(rows::group_name)
                .select((
                    rows::group_name,
                    diesel::dsl::min(rows::errors),
                    diesel::dsl::count_star(),
                ))
                .load(conn)?,
            _ => base
                .group_by(rows::status)
                .select((
                    rows::status,
                    diesel::dsl::min(rows::errors),
                    diesel::dsl::count_star(),
                ))
                .load(conn)?,
        };
        out.extend(
            groups
                .into_iter()
                .filter_map(|(value, errors, n)| errors.map(|e| (column, value, e, n))),
        );
    }
    Ok(out)
}
