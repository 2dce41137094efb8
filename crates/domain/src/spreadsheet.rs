//! What an uploaded file is (CSV text or a workbook: `.xlsx`, `.xls`, `.ods`), told from its
//! bytes rather than its name, and a workbook's sheet read as rows of text as the spreadsheet
//! displays it (calamine): text cells as written (leading zeros kept), whole numbers without a
//! decimal point, dates as ISO 8601, TRUE/FALSE for booleans.

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

/// The kinds of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    Xls,
    Ods,
}

/// A file that is none of the kinds read, named as well as its first bytes allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReadable(pub &'static str);

impl FileKind {
    /// Tells the kind from the file's first bytes; text is taken for CSV (its own parser says
    /// what is wrong with it). Other known formats are named, so the admin learns what they
    /// uploaded ("a PDF document") rather than a parse error.
    pub fn of(bytes: &[u8]) -> Result<FileKind, NotReadable> {
        const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
        if bytes.starts_with(b"PK\x03\x04") {
            // An OpenDocument file stores its MIME type first, uncompressed; an Office Open
            // XML workbook has an `xl/` folder.
            let head = &bytes[..bytes.len().min(4096)];
            if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
                return Ok(FileKind::Ods);
            }
            if contains(head, b"application/vnd.oasis.opendocument.text") {
                return Err(NotReadable("an OpenDocument text document"));
            }
            if contains(bytes, b"xl/workbook.xml") || contains(bytes, b"xl/worksheets/") {
                return Ok(FileKind::Xlsx);
            }
            if contains(bytes, b"word/document.xml") {
                return Err(NotReadable("a Word document"));
            }
            if contains(bytes, b"ppt/presentation.xml") {
                return Err(NotReadable("a PowerPoint presentation"));
            }
            return Err(NotReadable("a ZIP archive"));
        }
        if bytes.starts_with(OLE) {
            // Old Office files share one container; a workbook has a "Workbook" (or "Book")
            // stream, named in UTF-16 in the directory.
            if contains(bytes, &utf16("Workbook")) || contains(bytes, &utf16("Book")) {
                return Ok(FileKind::Xls);
            }
            return Err(NotReadable(
                "an older Office document that is not a workbook",
            ));
        }
        let known: [(&[u8], &'static str); 8] = [
            (b"%PDF", "a PDF document"),
            (b"\x89PNG", "a PNG image"),
            (b"\xFF\xD8\xFF", "a JPEG image"),
            (b"GIF8", "a GIF image"),
            (b"\x1F\x8B", "a gzip archive"),
            (b"Rar!", "a RAR archive"),
            (b"7z\xBC\xAF", "a 7-Zip archive"),
            (b"{\\rtf", "an RTF document"),
        ];
        if let Some((_, name)) = known.iter().find(|(magic, _)| bytes.starts_with(magic)) {
            return Err(NotReadable(name));
        }
        Ok(FileKind::Csv)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// What stops a workbook from being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// The workbook is damaged or protected; the reader's words.
    Unreadable(String),
    /// The asked-for sheet does not exist; the sheets that do.
    NoSuchSheet { asked: String, sheets: Vec<String> },
    /// Every sheet is empty.
    Empty,
}

/// A sheet's rows with their row numbers in the spreadsheet (the first row is 1); empty rows
/// are left out.
pub struct Sheet {
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Reads a sheet: the one named `sheet` (exactly, else ignoring case), or the first sheet
/// with any cell filled.
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, SheetError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let candidates: Vec<String> = match sheet.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) => {
            let found = names.iter().find(|n| n.as_str() == asked).or_else(|| {
                names
                    .iter()
                    .find(|n| n.to_lowercase() == asked.to_lowercase())
            });
            match found {
                Some(name) => vec![name.clone()],
                None => {
                    return Err(SheetError::NoSuchSheet {
                        asked: asked.to_string(),
                        sheets: names,
                    })
                }
            }
        }
        None => names,
    };
    for name in candidates {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| SheetError::Unreadable(e.to_string()))?;
        let Some((first_row, first_col)) = range.start() else {
            continue;
        };
        let rows: Vec<(u64, Vec<String>)> = range
            .rows()
            .enumerate()
            .filter_map(|(i, cells)| {
                // Cells left of the used range are empty in the spreadsheet too.
                let mut row: Vec<String> = std::iter::repeat_n(String::new(), first_col as usize)
                    .chain(cells.iter().map(displayed))
                    .collect();
                while row.last().is_some_and(|c| c.trim().is_empty()) {
                    row.pop();
                }
                let number = u64::from(first_row) + i as u64 + 1;
                (!row.is_empty()).then_some((number, row))
            })
            .collect();
        if !rows.is_empty() {
            return Ok(Sheet { rows });
        }
    }
    Err(SheetError::Empty)
}

/// A cell as the spreadsheet shows it, near enough for names, addresses and codes.
fn displayed(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers show without a fraction; others as the shortest exact decimal.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.date().to_string(),
            Some(at) => at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn workbook(build: impl FnOnce(&mut Workbook)) -> Vec<u8> {
        let mut book = Workbook::new();
        build(&mut book);
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn an_xlsx_sheet_reads_as_displayed_text() {
        let bytes = workbook(|book| {
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "Email").unwrap();
            sheet.write_string(0, 1, "Employee ID").unwrap();
            sheet.write_string(0, 2, "Start").unwrap();
            sheet.write_string(1, 0, "ada@example.com").unwrap();
            sheet.write_string(1, 1, "007").unwrap();
            let date = ExcelDateTime::from_ymd(2026, 12, 7).unwrap();
            sheet
                .write_datetime_with_format(
                    1,
                    2,
                    &date,
                    &Format::new().set_num_format("yyyy-mm-dd"),
                )
                .unwrap();
            sheet.write_number(2, 0, 42).unwrap();
            sheet.write_number(2, 1, 1.5).unwrap();
            sheet.write_boolean(2, 2, true).unwrap();
        });
        assert_eq!(FileKind::of(&bytes), Ok(FileKind::Xlsx));
        let sheet = read(&bytes, None).unwrap();
        assert_eq!(
            sheet.rows,
            vec![
                (
                    1,
                    vec!["Email".into(), "Employee ID".into(), "Start".into()]
                ),
                (
                    2,
                    vec!["ada@example.com".into(), "007".into(), "2026-12-07".into()]
                ),
                (3, vec!["42".into(), "1.5".into(), "TRUE".into()]),
            ]
        );
    }

    #[test]
    fn the_first_sheet_with_cells_is_read_unless_one_is_named() {
        let bytes = workbook(|book| {
            book.add_worksheet().set_name("Cover").unwrap();
            let people = book.add_worksheet().set_name("People").unwrap();
            people.write_string(3, 1, "email").unwrap();
            people.write_string(5, 1, "bob@example.com").unwrap();
            let other = book.add_worksheet().set_name("Other").unwrap();
            other.write_string(0, 0, "email").unwrap();
        });
        let sheet = read(&bytes, None).unwrap();
        // Row numbers are the spreadsheet's; the empty row between is left out; the empty
        // first column stays a column.
        assert_eq!(
            sheet.rows,
            vec![
                (4, vec![String::new(), "email".into()]),
                (6, vec![String::new(), "bob@example.com".into()]),
            ]
        );
        assert_eq!(read(&bytes, Some("other")).unwrap().rows.len(), 1);
        assert_eq!(
            read(&bytes, Some("Staff")).err(),
            Some(SheetError::NoSuchSheet {
                asked: "Staff".into(),
                sheets: vec!["Cover".into(), "People".into(), "Other".into()],
            })
        );
        assert_eq!(read(&bytes, Some("Cover")).err(), Some(SheetError::Empty));
    }

    #[test]
    fn files_of_other_kinds_are_named() {
        assert_eq!(FileKind::of(b"email\nada@example.com\n"), Ok(FileKind::Csv));
        assert_eq!(
            FileKind::of(b"%PDF-1.7 ..."),
            Err(NotReadable("a PDF document"))
        );
        assert_eq!(
            FileKind::of(b"\x89PNG\r\n"),
            Err(NotReadable("a PNG image"))
        );
        assert_eq!(
            FileKind::of(b"PK\x03\x04 something else"),
            Err(NotReadable("a ZIP archive"))
        );
        assert!(matches!(
            read(b"PK\x03\x04 xl/workbook.xml but broken", None),
            Err(SheetError::Unreadable(_))
        ));
    }
}
