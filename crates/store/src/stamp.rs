//! A timestamp for the bulk writer.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// A timestamp column's value in a bulk-written row. Diesel writes a `NaiveDateTime` to SQLite
/// through chrono's `format("%F %T%.f")`, which parses the format string again for every value:
/// about 4 % of the server's CPU in a 100,000-row send, whose rows carry seven timestamps each.
/// This writes the same text through chrono's `Display`, which parses nothing (the test below
/// holds the two equal: SQLite compares these texts as strings). PostgreSQL gets the value as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp(NaiveDateTime);

impl Stamp {
    /// The stored form of an instant (see [`crate::to_db`]).
    pub fn of(at: DateTime<Utc>) -> Self {
        Self(crate::to_db(at))
    }

    pub fn get(self) -> NaiveDateTime {
        self.0
    }
}

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.to_string());
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn writes_what_diesel_writes_for_a_naive_date_time() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        for (h, m, s, nano) in [
            (0, 0, 0, 0),
            (17, 5, 9, 120_000_000),
            (23, 59, 59, 123_456_000),
            (9, 30, 0, 1_000),
            (12, 0, 1, 7),
        ] {
            let at = day.and_hms_nano_opt(h, m, s, nano).unwrap_or_default();
            assert_eq!(at.to_string(), at.format("%F %T%.f").to_string());
        }
    }
}
