//! Reading an uploaded CSV or XLSX file into a table of text cells, and finding the columns in
//! it by the names people give them. Everything about a file as a whole (not UTF-8, no header,
//! broken quoting, not a workbook, too many rows) is a [`FileError`]; everything about one cell
//! is a [`RowError`] naming the row and column.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use serde::Serialize;

use domain::fold;

/// A problem with one cell (or one row, with `column` naming what is missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The row as a spreadsheet numbers it: the header is row 1, the first data row is row 2.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// A problem with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is not UTF-8 text: save it as \"CSV UTF-8\" (or upload the XLSX workbook itself)"
    )]
    NotUtf8,
    #[error("the file could not be read as CSV: {0}")]
    BadCsv(String),
    #[error(
        "the file looks like a workbook but could not be read as XLSX: {0}. Save it from Excel as .xlsx, or as CSV UTF-8"
    )]
    BadXlsx(String),
    #[error(
        "the file has {rows} rows; at most {limit} are accepted in one upload: split it into smaller files"
    )]
    TooManyRows { rows: usize, limit: usize },
    #[error("the file has no header row: the first row must name the columns, for example {0}")]
    NoHeader(String),
}

/// The cells of an uploaded file: the header, then each data row with its row number.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// What a file is, by its first bytes: XLSX workbooks are zip archives.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a CSV (UTF-8, with or without a byte-order mark) or XLSX file.
pub fn read_table(bytes: &[u8], max_rows: usize) -> Result<Table, FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    let mut table = if is_zip(bytes) {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    // Spreadsheets often carry blank rows at the end; they are not data.
    table
        .rows
        .retain(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    if table.rows.len() > max_rows {
        return Err(FileError::TooManyRows {
            rows: table.rows.len(),
            limit: max_rows,
        });
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // An opening quote that is never closed would swallow the rest of the file into one cell.
    if let Some(line) = unclosed_quote_line(text) {
        return Err(FileError::BadCsv(format!(
            "the double quote (\") opened on line {line} is never closed: close it, or remove it if it is part of the text"
        )));
    }
    let mut records = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FileError::BadCsv(format!("row {}: {e}", index + 1)))?;
        records.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    into_table(records)
}

/// The line of a quote that opens a quoted cell and is never closed. Quotes inside a quoted
/// cell are doubled, so they toggle the state twice and leave it as it was.
fn unclosed_quote_line(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut opened_on = None;
    for ch in text.chars() {
        match ch {
            '"' => {
                opened_on = if opened_on.is_some() {
                    None
                } else {
                    Some(line)
                }
            }
            '\n' => line += 1,
            _ => {}
        }
    }
    opened_on
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::BadXlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| FileError::BadXlsx("the workbook has no worksheet".to_owned()))?
        .map_err(|e| FileError::BadXlsx(e.to_string()))?;
    let records = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    into_table(records)
}

/// A workbook cell as the text a person would have typed.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(_) => cell
            .as_date()
            .map(|d| d.to_string())
            .unwrap_or_else(|| cell.to_string()),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_owned(),
        other => other.to_string(),
    }
}

fn into_table(mut records: Vec<Vec<String>>) -> Result<Table, FileError> {
    if records.is_empty() {
        return Err(FileError::Empty);
    }
    let headers: Vec<String> = records
        .remove(0)
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let rows = records
        .into_iter()
        .enumerate()
        .map(|(i, cells)| (i + 2, cells))
        .collect();
    Ok(Table { headers, rows })
}

/// A field an upload may carry, and the column names people use for it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// The API field name.
    pub field: &'static str,
    /// Accepted header names (compared folded: case, spacing and punctuation ignored).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Which column of the table holds each field.
#[derive(Debug, Clone)]
pub struct Columns {
    index: HashMap<&'static str, usize>,
    headers: Vec<String>,
    /// Headers that match no field, which the upload ignores (and reports).
    pub ignored: Vec<String>,
}

impl Columns {
    /// Finds every field's column, or says which required ones are missing.
    pub fn find(
        headers: &[String],
        specs: &[ColumnSpec],
        example: &str,
    ) -> Result<Columns, Vec<RowError>> {
        let mut index = HashMap::new();
        let mut ignored = Vec::new();
        for (position, header) in headers.iter().enumerate() {
            let folded = fold(header);
            match specs.iter().find(|s| {
                s.field == folded.replace(' ', "_") || s.aliases.iter().any(|a| fold(a) == folded)
            }) {
                Some(spec) => {
                    index.entry(spec.field).or_insert(position);
                }
                None if !folded.is_empty() => ignored.push(header.clone()),
                None => {}
            }
        }
        if index.is_empty() {
            return Err(vec![RowError {
                row: 1,
                column: String::new(),
                value: headers.join(", "),
                message: FileError::NoHeader(example.to_owned()).to_string(),
            }]);
        }
        let missing: Vec<RowError> = specs
            .iter()
            .filter(|s| s.required && !index.contains_key(s.field))
            .map(|s| RowError {
                row: 1,
                column: s.aliases.first().copied().unwrap_or(s.field).to_owned(),
                value: String::new(),
                message: format!(
                    "the file has no \"{}\" column (accepted names: {})",
                    s.aliases.first().copied().unwrap_or(s.field),
                    s.aliases.join(", ")
                ),
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Columns {
            index,
            headers: headers.to_vec(),
            ignored,
        })
    }

    /// The trimmed text of `field` in `cells`, if the file has that column and the cell is not empty.
    pub fn get<'a>(&self, cells: &'a [String], field: &str) -> Option<&'a str> {
        let position = *self.index.get(field)?;
        cells
            .get(position)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    /// The header the file uses for `field` (or the field's name, if it has none).
    pub fn header(&self, field: &str) -> String {
        self.index
            .get(field)
            .and_then(|&i| self.headers.get(i).cloned())
            .unwrap_or_else(|| field.to_owned())
    }
}

/// Splits a cell listing several skills or registrations: by `;`, `|` or new lines, or by commas
/// when none of those appear.
pub fn split_list(cell: &str) -> Vec<String> {
    let separators: &[char] = if cell.contains([';', '|', '\n']) {
        &[';', '|', '\n']
    } else {
        &[',']
    };
    cell.split(separators)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_read_with_row_numbers_as_a_spreadsheet_shows_them() {
        let table = read_table(
            "\u{feff}Reference,Title\nA1,Nurse\n,\nA2,\"Porter, nights\"\n".as_bytes(),
            10,
        )
        .unwrap();
        assert_eq!(table.headers, ["Reference", "Title"]);
        assert_eq!(
            table.rows,
            vec![
                (2, vec!["A1".into(), "Nurse".into()]),
                (4, vec!["A2".into(), "Porter, nights".into()])
            ]
        );
    }

    #[test]
    fn files_that_are_not_text_or_not_workbooks_are_refused_with_a_reason() {
        assert_eq!(
            read_table(&[0xff, 0xfe, 0x41, 0x00], 10).unwrap_err(),
            FileError::NotUtf8
        );
        assert_eq!(read_table(b"  \n", 10).unwrap_err(), FileError::Empty);
        let unbalanced = read_table(b"Reference,Title\nA1,\"Nurse\nA2,Porter\n", 10).unwrap_err();
        assert!(
            unbalanced
                .to_string()
                .contains("opened on line 2 is never closed"),
            "{unbalanced}"
        );
        assert!(read_table(b"Reference,Title\nA1,\"Say \"\"hello\"\"\"\n", 10).is_ok());
        assert!(matches!(
            read_table(b"PK\x03\x04not really a zip", 10).unwrap_err(),
            FileError::BadXlsx(_)
        ));
        let too_many = format!("Reference\n{}", "A\n".repeat(11));
        assert_eq!(
            read_table(too_many.as_bytes(), 10).unwrap_err(),
            FileError::TooManyRows {
                rows: 11,
                limit: 10
            }
        );
    }

    #[test]
    fn lists_split_on_semicolons_or_else_commas() {
        assert_eq!(
            split_list("Wound care; Health, safety and security"),
            ["Wound care", "Health, safety and security"]
        );
        assert_eq!(split_list("IPC, BLS ,"), ["IPC", "BLS"]);
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn columns_are_found_by_any_accepted_name_and_missing_ones_are_named() {
        const SPECS: &[ColumnSpec] = &[
            ColumnSpec {
                field: "reference",
                aliases: &["Job reference", "Reference"],
                required: true,
            },
            ColumnSpec {
                field: "band",
                aliases: &["Band", "Pay band"],
                required: true,
            },
        ];
        let columns = Columns::find(
            &["JOB REFERENCE".into(), "pay-band".into(), "Notes".into()],
            SPECS,
            "",
        )
        .unwrap();
        let row = vec!["R1".to_owned(), " 6 ".to_owned(), "x".to_owned()];
        assert_eq!(columns.get(&row, "band"), Some("6"));
        assert_eq!(columns.header("band"), "pay-band");
        assert_eq!(columns.ignored, ["Notes"]);
        let missing = Columns::find(&["Job reference".into()], SPECS, "").unwrap_err();
        assert_eq!(missing.len(), 1);
        assert!(missing[0].message.contains("no \"Band\" column"));
        let none =
            Columns::find(&["x".into(), "y".into()], SPECS, "Job reference, Band").unwrap_err();
        assert!(none[0].message.contains("no header row"));
    }
}
