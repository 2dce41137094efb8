//! Reading the bulk-invite CSV as people's spreadsheets really are: UTF-8 with or without BOM,
//! comma / semicolon / tab (sniffed from the header), CRLF or LF, header names in any order and
//! case, blank lines, quoted fields with delimiters, quotes and newlines. Problems with the file
//! as a whole are one `FileError`; problems with rows are the row validator's job.

use crate::spreadsheet::FileKind;
use std::fmt;

pub use crate::file_reader::{map_columns, open, parse, read, Opened, ReadOptions, Rows};

/// The columns the file may have; only `email` is required. Named as the API names them
/// (`first_name`, `send_at`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Email,
    FirstName,
    LastName,
    Role,
    Department,
    Group,
    /// Optional, not in the template: when to send (ISO 8601; no offset: the organization's
    /// time zone).
    SendAt,
    /// Optional, not in the template: `active` or `deactivated` (updates only).
    Status,
}

impl Column {
    /// Columns recognised besides the template's.
    pub const OPTIONAL: [Column; 2] = [Column::SendAt, Column::Status];

    /// Every field a column can fill.
    pub const EVERY: [Column; 8] = [
        Column::Email,
        Column::FirstName,
        Column::LastName,
        Column::Role,
        Column::Department,
        Column::Group,
        Column::SendAt,
        Column::Status,
    ];

    pub const ALL: [Column; 6] = [
        Column::Email,
        Column::FirstName,
        Column::LastName,
        Column::Role,
        Column::Department,
        Column::Group,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Email => "email",
            Column::FirstName => "first_name",
            Column::LastName => "last_name",
            Column::Role => "role",
            Column::Department => "department",
            Column::Group => "group",
            Column::SendAt => "send_at",
            Column::Status => "status",
        }
    }

    /// Matches a header cell through the alias table: case, accents and separators are
    /// forgiven ("First Name", "E-mail", "Vorname").
    pub fn from_header(cell: &str) -> Option<Self> {
        crate::import_columns::alias(cell)
    }
}

// By hand, like the stored states: the schema is the list of names.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Column {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .enum_values(Some(Column::EVERY.map(Column::name)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Column {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Column")
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The template's header row.
pub const TEMPLATE_HEADER: &str = "email,first_name,last_name,role,department,group";

/// A data row as read: the line it starts on (the header is line 1) and its cells by column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRow {
    pub line: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub department: String,
    pub group: String,
    /// Empty when the file has no `send_at` column.
    pub send_at: String,
    /// Empty when the file has no `status` column.
    pub status: String,
}

impl RawRow {
    pub fn get(&self, column: Column) -> &str {
        match column {
            Column::Email => &self.email,
            Column::FirstName => &self.first_name,
            Column::LastName => &self.last_name,
            Column::Role => &self.role,
            Column::Department => &self.department,
            Column::Group => &self.group,
            Column::SendAt => &self.send_at,
            Column::Status => &self.status,
        }
    }

    pub fn set(&mut self, column: Column, value: String) {
        let slot = match column {
            Column::Email => &mut self.email,
            Column::FirstName => &mut self.first_name,
            Column::LastName => &mut self.last_name,
            Column::Role => &mut self.role,
            Column::Department => &mut self.department,
            Column::Group => &mut self.group,
            Column::SendAt => &mut self.send_at,
            Column::Status => &mut self.status,
        };
        *slot = value;
    }
}

/// A parsed file: the header as written, the field each column fills (`None`: ignored), and
/// the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    /// The header cells as they appear in the file (for the error report).
    pub header: Vec<String>,
    pub columns: Vec<Option<Column>>,
    /// The CSV delimiter; `None` for a workbook.
    pub delimiter: Option<u8>,
    pub kind: FileKind,
    pub rows: Vec<RawRow>,
}

/// What is wrong with the file as a whole. Nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("The file is empty. Download the template, fill it in and upload it again.")]
    Empty,
    #[error("The file is not UTF-8 text. In Excel, choose File → Save As → \"CSV UTF-8 (Comma delimited) (*.csv)\" and upload that file, or upload the workbook itself (.xlsx, .xls or .ods).")]
    NotUtf8,
    #[error("The file is {0}, not a list of people. Upload a CSV file or a spreadsheet (.xlsx, .xls or .ods).")]
    UnsupportedFile(&'static str),
    #[error("The spreadsheet could not be read ({0}). Open it, save it again as .xlsx or CSV UTF-8, and upload that file.")]
    UnreadableWorkbook(String),
    #[error("The workbook has no sheet named \"{asked}\". Its sheets are: {}.", quoted(.sheets))]
    NoSuchSheet { asked: String, sheets: Vec<String> },
    #[error(
        "The file has no \"email\" column. The first row must be the header: {TEMPLATE_HEADER}."
    )]
    NoEmailColumn,
    #[error("Unknown column{} {}. Map {} to a field or to \"ignore\" (column_map); recognised columns are: {TEMPLATE_HEADER}, send_at and status, under these or common names (E-mail, First Name, Vorname, Nom, Département, Team…).", if .0.len() == 1 { "" } else { "s" }, quoted(.0), if .0.len() == 1 { "it" } else { "each" })]
    UnknownColumns(Vec<String>),
    #[error("The column{} {} appear{} more than once in the header (under this or another name for the same field): keep one, or map the others to \"ignore\" (column_map).", if .0.len() == 1 { "" } else { "s" }, quoted(.0), if .0.len() == 1 { "s" } else { "" })]
    DuplicateColumns(Vec<String>),
    #[error("{0}")]
    InvalidColumnMap(String),
    #[error("Line {line} has {found} fields but the header has {expected}. Check for a missing or extra delimiter on that line.")]
    RaggedRow {
        line: u64,
        found: usize,
        expected: usize,
    },
    #[error(
        "A quoted field that starts on line {0} is never closed. Check the quotes on that line."
    )]
    UnbalancedQuotes(u64),
    #[error("The file has {found} rows; at most {limit} can be imported at once. Split it into smaller files.")]
    TooManyRows { found: usize, limit: usize },
    #[error("The file has a header but no rows to import.")]
    NoRows,
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Empty => "empty_file",
            FileError::NotUtf8 => "not_utf8",
            FileError::UnsupportedFile(_) => "unsupported_file",
            FileError::UnreadableWorkbook(_) => "unreadable_workbook",
            FileError::NoSuchSheet { .. } => "sheet_not_found",
            FileError::NoEmailColumn => "missing_email_column",
            FileError::UnknownColumns(_) => "unknown_columns",
            FileError::DuplicateColumns(_) => "duplicate_columns",
            FileError::InvalidColumnMap(_) => "invalid_column_map",
            FileError::RaggedRow { .. } => "ragged_row",
            FileError::UnbalancedQuotes(_) => "unbalanced_quotes",
            FileError::TooManyRows { .. } => "too_many_rows",
            FileError::NoRows => "no_rows",
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes rows in the template's format (header and all six columns, and `send_at` when a row
/// has one), quoting as needed.
pub fn write(rows: &[RawRow]) -> String {
    let mut columns = Column::ALL.to_vec();
    if rows.iter().any(|r| !r.send_at.is_empty()) {
        columns.push(Column::SendAt);
    }
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(columns.iter().map(|c| c.name()));
    for row in rows {
        let _ = writer.write_record(columns.iter().map(|c| row.get(*c)));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_columns::ColumnMap;
    use proptest::prelude::*;

    fn emails(file: &ParsedFile) -> Vec<&str> {
        file.rows.iter().map(|r| r.email.as_str()).collect()
    }

    #[test]
    fn a_plain_template_file_parses_with_line_numbers() {
        let file = parse(b"email,first_name,last_name,role,department,group\nada@example.com,Ada,Lovelace,admin,Sales,Managers\nbob@example.com,,,,,\n", 100).unwrap();
        assert_eq!(file.rows.len(), 2);
        assert_eq!(file.rows[0].line, 2);
        assert_eq!(file.rows[0].role, "admin");
        assert_eq!(file.rows[1].line, 3);
        assert_eq!(file.rows[1].first_name, "");
    }

    #[test]
    fn an_excel_file_with_bom_semicolons_and_crlf_reads_the_same_as_a_plain_one() {
        let plain = parse(
            b"email,first_name,department\nada@example.com,Ada,Sales\nbob@example.com,Bob,R&D\n",
            100,
        )
        .unwrap();
        let excel = parse(b"\xEF\xBB\xBFEmail;First_Name;Department\r\nada@example.com;Ada;Sales\r\nbob@example.com;Bob;R&D\r\n", 100).unwrap();
        assert_eq!(plain.rows, excel.rows);
        assert_eq!(excel.delimiter, Some(b';'));
    }

    #[test]
    fn tabs_are_sniffed_and_headers_may_come_in_any_order_and_case() {
        let file = parse(b" GROUP \t Email\nManagers\tada@example.com\n", 100).unwrap();
        assert_eq!(file.delimiter, Some(b'\t'));
        assert_eq!(file.rows[0].group, "Managers");
        assert_eq!(file.rows[0].email, "ada@example.com");
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let file = parse(b"email,first_name,last_name\nada@example.com,\"Ada, Countess\",\"Love\"\"lace\nof Ockham\"\nbob@example.com,Bob,Smith\n", 100).unwrap();
        assert_eq!(file.rows[0].first_name, "Ada, Countess");
        assert_eq!(file.rows[0].last_name, "Love\"lace\nof Ockham");
        assert_eq!(
            file.rows[1].line, 4,
            "the line count includes the newline inside quotes"
        );
    }

    #[test]
    fn blank_lines_and_empty_trailing_rows_are_skipped() {
        let file = parse(b"email,role\n\nada@example.com,admin\n,\n \n , \n", 100).unwrap();
        assert_eq!(emails(&file), ["ada@example.com"]);
        assert_eq!(file.rows[0].line, 3);
    }

    #[test]
    fn a_workbook_with_other_names_for_the_columns_reads_through_the_map() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, cell) in [
            "E-Mail-Adresse",
            "Vorname",
            "Nachname",
            "Abteilung",
            "Personalnummer",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, col as u16, *cell).unwrap();
        }
        for (col, cell) in ["ada@example.com", "Ada", "Lovelace", "Vertrieb", "00042"]
            .iter()
            .enumerate()
        {
            sheet.write_string(2, col as u16, *cell).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let empty = ColumnMap::default();
        let options = |map| ReadOptions {
            max_rows: 10,
            column_map: map,
            sheet: None,
        };
        assert_eq!(
            read(&bytes, &options(&empty)),
            Err(FileError::UnknownColumns(vec!["Personalnummer".into()]))
        );
        let map = ColumnMap::parse(r#"{"Personalnummer": "ignore"}"#).unwrap();
        let file = read(&bytes, &options(&map)).unwrap();
        assert_eq!(file.kind, FileKind::Xlsx);
        assert_eq!(file.delimiter, None);
        assert_eq!(
            file.rows,
            vec![RawRow {
                line: 3,
                email: "ada@example.com".into(),
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                department: "Vertrieb".into(),
                ..RawRow::default()
            }]
        );
        assert_eq!(
            read(b"%PDF-1.4 ...", &options(&empty)),
            Err(FileError::UnsupportedFile("a PDF document"))
        );
    }

    #[test]
    fn a_status_column_and_ignored_columns_read_from_csv() {
        let map = ColumnMap::parse(r#"{"Notes": "ignore", "Work address": "email"}"#).unwrap();
        let options = ReadOptions {
            max_rows: 10,
            column_map: &map,
            sheet: None,
        };
        let file = read(
            b"Work address,Notes,Status\nada@example.com,hi,Deactivated\n",
            &options,
        )
        .unwrap();
        assert_eq!(
            file.columns,
            vec![Some(Column::Email), None, Some(Column::Status)]
        );
        assert_eq!(file.rows[0].status, "Deactivated");
        assert_eq!(file.rows[0].email, "ada@example.com");
    }

    #[test]
    fn file_level_problems_are_one_clear_error() {
        assert_eq!(parse(b"", 10), Err(FileError::Empty));
        assert_eq!(parse(b"  \n\n", 10), Err(FileError::Empty));
        assert_eq!(parse(b"email\n\xff\xfe\n", 10), Err(FileError::NotUtf8));
        assert_eq!(
            parse(b"name,role\nAda,admin\n", 10),
            Err(FileError::NoEmailColumn)
        );
        assert_eq!(
            parse(b"email,phone\nada@example.com,123\n", 10),
            Err(FileError::UnknownColumns(vec!["phone".into()]))
        );
        assert_eq!(
            parse(b"email,Email\na@example.com,b@example.com\n", 10),
            Err(FileError::DuplicateColumns(vec!["Email".into()]))
        );
        assert_eq!(
            parse(b"email,role\nada@example.com,admin\nbob@example.com\n", 10),
            Err(FileError::RaggedRow {
                line: 3,
                found: 1,
                expected: 2
            })
        );
        assert_eq!(
            parse(b"email,role\nada@example.com,admin,extra\n", 10),
            Err(FileError::RaggedRow {
                line: 2,
                found: 3,
                expected: 2
            })
        );
        assert_eq!(
            parse(
                b"email,first_name\nada@example.com,\"Ada\nbob@example.com,Bob\n",
                10
            ),
            Err(FileError::UnbalancedQuotes(2))
        );
        assert_eq!(parse(b"email\n", 10), Err(FileError::NoRows));
    }

    #[test]
    fn the_not_utf8_message_suggests_csv_utf8() {
        assert!(FileError::NotUtf8.to_string().contains("CSV UTF-8"));
    }

    #[test]
    fn too_many_rows_are_refused_with_the_count() {
        let mut text = String::from("email\n");
        for i in 0..12 {
            text.push_str(&format!("u{i}@example.com\n"));
        }
        assert_eq!(parse(text.as_bytes(), 12).map(|f| f.rows.len()), Ok(12));
        assert_eq!(
            parse(text.as_bytes(), 10),
            Err(FileError::TooManyRows {
                found: 12,
                limit: 10
            })
        );
    }

    #[test]
    fn unknown_column_messages_name_the_accepted_columns() {
        let message = FileError::UnknownColumns(vec!["phone".into()]).to_string();
        assert!(message.contains("\"phone\"") && message.contains(TEMPLATE_HEADER));
    }

    fn cell() -> impl Strategy<Value = String> {
        // Anything a spreadsheet cell can hold, trimmed as the parser trims.
        "[a-zA-Z0-9 ,;\"'\\t\\r\\n=+@.-]{0,12}".prop_map(|s| s.trim().to_string())
    }

    proptest! {
        #[test]
        fn the_template_format_round_trips(rows in proptest::collection::vec((cell(), cell(), cell(), cell(), cell(), cell()), 1..20)) {
            let rows: Vec<RawRow> = rows
                .into_iter()
                .map(|(email, first_name, last_name, role, department, group)| RawRow { line: 0, email, first_name, last_name, role, department, group, send_at: String::new(), status: String::new() })
                .filter(|r| Column::ALL.iter().any(|c| !r.get(*c).is_empty()))
                .collect();
            prop_assume!(!rows.is_empty());
            let parsed = parse(write(&rows).as_bytes(), 1000).unwrap();
            let strip = |r: &RawRow| RawRow { line: 0, ..r.clone() };
            prop_assert_eq!(parsed.rows.iter().map(strip).collect::<Vec<_>>(), rows);
        }

        #[test]
        fn the_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&bytes, 50);
        }

        #[test]
        fn the_parser_never_panics_on_csv_like_text(text in "[a-z@.,;\"\\t\\r\\n ]{0,300}") {
            let _ = parse(format!("email,role\n{text}").as_bytes(), 50);
        }
    }
}
