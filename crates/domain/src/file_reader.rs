//! Reading an upload: CSV text or a workbook's sheet, its header mapped to fields, and its
//! rows streamed one at a time from the file's bytes (as `csv_import` describes the format).

use crate::csv_import::{Column, FileError, ParsedFile, RawRow};
use crate::import_columns::{self, ColumnMap, Target};
use crate::spreadsheet::{self, FileKind, NotReadable, SheetError};

/// How an upload is read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// More data rows than this refuse the file.
    pub max_rows: usize,
    /// The admin's map of headers to fields, before the alias table.
    pub column_map: &'a ColumnMap,
    /// A workbook's sheet; `None`: the first with any cell filled.
    pub sheet: Option<&'a str>,
}

/// Parses the bytes of an uploaded CSV file with the template's (or recognised) columns,
/// refusing files with more than `max_rows` data rows.
pub fn parse(bytes: &[u8], max_rows: usize) -> Result<ParsedFile, FileError> {
    read(
        bytes,
        &ReadOptions {
            max_rows,
            column_map: &ColumnMap::default(),
            sheet: None,
        },
    )
}

/// Reads an upload, CSV or workbook (told from its bytes), into rows by field.
pub fn read(bytes: &[u8], options: &ReadOptions<'_>) -> Result<ParsedFile, FileError> {
    let opened = open(bytes, options.sheet)?;
    let columns = map_columns(&opened.header, options.column_map)?;
    let (header, kind, delimiter) = (opened.header.clone(), opened.kind, opened.delimiter);
    let rows = opened
        .rows(columns.clone(), options.max_rows)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ParsedFile {
        header,
        columns,
        delimiter,
        kind,
        rows,
    })
}

fn sheet_error(error: SheetError) -> FileError {
    match error {
        SheetError::Unreadable(why) => FileError::UnreadableWorkbook(why),
        SheetError::NoSuchSheet { asked, sheets } => FileError::NoSuchSheet { asked, sheets },
        SheetError::Empty => FileError::Empty,
    }
}

/// One record of the file after the header: a CSV record, or a sheet's row.
enum Record {
    Csv(csv::StringRecord),
    Sheet(Vec<String>),
}

impl Record {
    fn cells(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Record::Csv(record) => Box::new(record.iter()),
            Record::Sheet(cells) => Box::new(cells.iter().map(String::as_str)),
        }
    }
}

type Records<'a> = Box<dyn Iterator<Item = Result<(u64, Record), FileError>> + Send + 'a>;

/// A file opened for reading: its header, and its records after it, read as they are asked
/// for (a CSV file is never held twice: rows stream from its bytes).
pub struct Opened<'a> {
    /// The header cells, trimmed.
    pub header: Vec<String>,
    pub kind: FileKind,
    /// The CSV delimiter; `None` for a workbook.
    pub delimiter: Option<u8>,
    records: Records<'a>,
}

/// Opens an upload: tells CSV from a workbook, checks the text, and reads the header.
pub fn open<'a>(bytes: &'a [u8], sheet: Option<&str>) -> Result<Opened<'a>, FileError> {
    match FileKind::of(bytes).map_err(|NotReadable(what)| FileError::UnsupportedFile(what))? {
        FileKind::Csv => open_csv(bytes),
        kind => {
            let sheet = spreadsheet::read(bytes, sheet).map_err(sheet_error)?;
            let mut records = sheet.rows.into_iter();
            let Some((_, header)) = records.next() else {
                return Err(FileError::Empty);
            };
            Ok(Opened {
                header: header.iter().map(|c| c.trim().to_string()).collect(),
                kind,
                delimiter: None,
                records: Box::new(records.map(|(line, cells)| Ok((line, Record::Sheet(cells))))),
            })
        }
    }
}

fn open_csv(bytes: &[u8]) -> Result<Opened<'_>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotUtf8)?;

    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    if let Some(line) = unclosed_quote(text) {
        return Err(FileError::UnbalancedQuotes(line));
    }
    let delimiter = sniff_delimiter(text);
    let mut records = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .into_records();
    let header_record = loop {
        match records.next() {
            None => return Err(FileError::Empty),
            // The text is valid UTF-8, so the reader cannot fail on encoding.
            Some(Err(_)) => return Err(FileError::NotUtf8),
            Some(Ok(record)) if is_blank(record.iter()) => continue,
            Some(Ok(record)) => break record,
        }
    };
    let header: Vec<String> = header_record.iter().map(|c| c.trim().to_string()).collect();
    // The reader's own line numbers skip blank lines; count newlines up to each record's byte
    // offset instead, so the numbers match what a text editor shows.
    let mut lines = LineCounter::new(text);
    let records = records.map(move |record| {
        let record = record.map_err(|_| FileError::NotUtf8)?;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        Ok((line, Record::Csv(record)))
    });
    Ok(Opened {
        header,
        kind: FileKind::Csv,
        delimiter: Some(delimiter),
        records: Box::new(records),
    })
}

impl<'a> Opened<'a> {
    /// The data rows by field (`columns` from [`map_columns`]), one at a time. A ragged CSV
    /// row, more than `max_rows` rows (counted to the end, to say how many) or no row at all
    /// ends the stream with that error.
    pub fn rows(self, columns: Vec<Option<Column>>, max_rows: usize) -> Rows<'a> {
        Rows {
            records: self.records,
            columns,
            strict: self.delimiter.is_some(),
            max_rows,
            count: 0,
            done: false,
        }
    }
}

/// The rows of an opened file; see [`Opened::rows`].
pub struct Rows<'a> {
    records: Records<'a>,
    columns: Vec<Option<Column>>,
    /// A CSV record must have every column; a sheet's row may stop early (empty cells).
    strict: bool,
    max_rows: usize,
    count: usize,
    done: bool,
}

impl Rows<'_> {
    fn fail(&mut self, error: FileError) -> Option<Result<RawRow, FileError>> {
        self.done = true;
        Some(Err(error))
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<RawRow, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let (line, record) = match self.records.next() {
                None => {
                    self.done = true;
                    return (self.count == 0).then_some(Err(FileError::NoRows));
                }
                Some(Err(error)) => return self.fail(error),
                Some(Ok(next)) => next,
            };
            if is_blank(record.cells()) {
                continue;
            }
            let expected = self.columns.len();
            let found = record.cells().count();
            let extra_filled = record.cells().skip(expected).any(|c| !c.trim().is_empty());
            if (self.strict && found < expected) || extra_filled {
                return self.fail(FileError::RaggedRow {
                    line,
                    found,
                    expected,
                });
            }
            self.count += 1;
            if self.count > self.max_rows {
                // Past the limit, rows are only counted, to say how many the file has.
                let mut found = self.count;
                while let Some(next) = self.records.next() {
                    match next {
                        Ok((_, record)) if !is_blank(record.cells()) => found += 1,
                        Ok(_) => {}
                        Err(error) => return self.fail(error),
                    }
                }
                return self.fail(FileError::TooManyRows {
                    found,
                    limit: self.max_rows,
                });
            }
            let mut row = RawRow {
                line,
                ..RawRow::default()
            };
            for (column, cell) in self.columns.iter().zip(record.cells()) {
                if let Some(column) = column {
                    row.set(*column, cell.trim().to_string());
                }
            }
            return Some(Ok(row));
        }
    }
}

/// Line numbers of byte offsets, for offsets given in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // The reader reports a record as starting where the previous line break (or the
        // blank lines it skipped) began: the record itself starts after them.
        while target < self.text.len() && matches!(self.text[target], b'\r' | b'\n') {
            target += 1;
        }
        if target > self.offset {
            self.line += self.text[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = target;
        }
        self.line
    }
}

fn is_blank<'a>(mut cells: impl Iterator<Item = &'a str>) -> bool {
    cells.all(|c| c.trim().is_empty())
}

/// What each header cell fills, through the admin's map and then the alias table. Unknown and
/// doubled columns are refused, naming them; so is a file without an email column.
pub fn map_columns(header: &[String], map: &ColumnMap) -> Result<Vec<Option<Column>>, FileError> {
    let mut columns = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    let mut duplicate = Vec::new();
    for cell in header {
        match import_columns::target(cell, map) {
            Some(Target::Field(column)) if columns.contains(&Some(column)) => {
                if !duplicate.contains(cell) {
                    duplicate.push(cell.clone());
                }
                columns.push(None);
            }
            Some(Target::Field(column)) => columns.push(Some(column)),
            Some(Target::Ignore) => columns.push(None),
            None => {
                unknown.push(cell.clone());
                columns.push(None);
            }
        }
    }
    let has_email = columns.contains(&Some(Column::Email));
    if !unknown.is_empty() {
        // A header without any known column is most likely not a header at all, unless the
        // admin is mapping it.
        if !has_email && map.is_empty() {
            return Err(FileError::NoEmailColumn);
        }
        return Err(FileError::UnknownColumns(unknown));
    }
    if !duplicate.is_empty() {
        return Err(FileError::DuplicateColumns(duplicate));
    }
    if !has_email {
        return Err(FileError::NoEmailColumn);
    }
    Ok(columns)
}

/// Picks the delimiter that splits the header line the most: comma, semicolon or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let count = |d: char| header.chars().filter(|c| *c == d).count();
    [(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map_or(b',', |(d, _)| d)
}

/// The line on which a quoted field that never closes starts, if any. Quotes count only at
/// the start of a field (elsewhere they are literal, as the CSV reader treats them).
fn unclosed_quote(text: &str) -> Option<u64> {
    let mut line: u64 = 1;
    let mut opened_on = 0;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                opened_on = line;
                at_field_start = false;
            }
            ',' | ';' | '\t' | '\n' | '\r' => at_field_start = true,
            ' ' => {}
            _ => at_field_start = false,
        }
    }
    in_quotes.then_some(opened_on)
}
