//! `data/*.toml|json|csv`: loaded once per build and handed to every template as
//! `data.<file stem>`. A CSV file becomes a list of rows, each a map from column heading to text.
//! The texts are kept too: what templates show of them is published, so the privacy rules
//! read them like pages.

use std::path::Path;

use serde_json::{Map, Value};

use crate::content::site_relative;
use crate::error::toml_diagnostic;
use crate::error::Diagnostic;
use crate::source::SourceText;

/// The folder, inside the site root, that holds data files.
pub(crate) const DATA_DIR: &str = "data";

/// The data files: what templates see, and the texts as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Data {
    /// `data` in templates: an object with one entry per file.
    pub(crate) value: Value,
    pub(crate) files: Vec<SourceText>,
}

/// Reads every data file; problems in several files are reported together.
pub(crate) fn load(root: &Path) -> Result<Data, Vec<Diagnostic>> {
    let dir = root.join(DATA_DIR);
    let mut data = Map::new();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if !dir.is_dir() {
        return Ok(Data {
            value: Value::Object(data),
            files,
        });
    }
    crate::content::check_inside_site(root, &dir).map_err(|d| vec![d])?;
    let entries = walkdir::WalkDir::new(&dir)
        .max_depth(1)
        .min_depth(1)
        .sort_by_file_name();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(Diagnostic::new(
                    DATA_DIR,
                    format!("cannot read the data folder: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = site_relative(root, path);
        let (Some(stem), Some(extension)) = (path.file_stem(), path.extension()) else {
            continue;
        };
        let extension = extension.to_string_lossy().to_ascii_lowercase();
        if !matches!(extension.as_str(), "toml" | "json" | "csv")
            || stem.to_string_lossy().starts_with('.')
        {
            continue;
        }
        if let Err(d) = crate::content::check_inside_site(root, path) {
            problems.push(d);
            continue;
        }
        let text = match std::fs::read(path).map(|bytes| crate::source::decode_text(&rel, bytes)) {
            Ok(Ok(text)) => text,
            Ok(Err(d)) => {
                problems.push(d);
                continue;
            }
            Err(e) => {
                problems.push(Diagnostic::new(
                    &rel,
                    format!("cannot read this data file: {e}"),
                ));
                continue;
            }
        };
        match parse(&rel, &text, &extension) {
            Ok(value) => {
                let name = stem.to_string_lossy().into_owned();
                if data.contains_key(&name) {
                    problems.push(
                        Diagnostic::new(&rel, format!("another file in data/ is also called {name:?}: templates would see only one of them as data.{name}"))
                            .hint("rename one of the two files"),
                    );
                    continue;
                }
                data.insert(name, value);
                files.push(SourceText::whole(rel, text));
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(Data {
            value: Value::Object(data),
            files,
        })
    } else {
        Err(problems)
    }
}

pub(crate) fn parse(path: &Path, text: &str, extension: &str) -> Result<Value, Diagnostic> {
    match extension {
        "toml" => {
            let table: toml::Table =
                toml::from_str(text).map_err(|e| toml_diagnostic(path, text, 0, &e))?;
            let mut value =
                serde_json::to_value(table).map_err(|e| Diagnostic::new(path, e.to_string()))?;
            crate::content::front_matter::normalise_extra(&mut value);
            Ok(value)
        }
        "json" => serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(path, format!("invalid JSON: {e}"))
                .at(e.line().max(1), Some(e.column().max(1)))
                .hint("check commas and quotes on this line")
        }),
        _ => parse_csv(path, text),
    }
}

fn parse_csv(path: &Path, text: &str) -> Result<Value, Diagnostic> {
    if let Some(open) = unclosed_quote(text) {
        let (line, column) = crate::error::line_col(text, open);
        return Err(Diagnostic::new(
            path,
            "this quote is never closed, so every row after it would be read as part of one field",
        )
        .at(line, Some(column))
        .hint("end the quoted text with a \" before its comma or the end of the line (a quote inside quoted text is written twice: \"\")"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        if let csv::ErrorKind::UnequalLengths {
            pos: Some(position),
            expected_len,
            len,
        } = e.kind()
        {
            let offset = field_offset(text, position.byte() as usize, *expected_len as usize);
            let (line, column) = crate::error::line_col(text, offset);
            let message = if len > expected_len {
                format!("this row has {len} fields, but the heading row has {expected_len}: the extra one starts here")
            } else {
                format!("this row has {len} fields, but the heading row has {expected_len}: it ends too soon")
            };
            return Diagnostic::new(path, message).at(line, Some(column)).hint(
                "every row needs as many fields as the heading row: put a text that has a comma in \"double quotes\", and leave an empty field (,,) for a missing answer",
            );
        }
        let mut d = Diagnostic::new(path, format!("invalid CSV: {e}"))
            .hint("every row needs as many columns as the heading row");
        if let Some(position) = e.position() {
            d = d.at(position.line() as usize, Some(1));
        }
        d
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let row: Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

/// Byte offset of the quote that opens a field and is never closed. The csv crate reads such a
/// field to the end of the file: the rows after it vanish into one text, with no error when
/// the field count happens to match, or with one at the wrong line. This follows the same
/// dialect as [`field_offset`]: a quote opens a field only at its start, and `""` inside
/// quotes is a quote.
fn unclosed_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut field_start = true;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if field_start => {
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return Some(open),
                        Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
                field_start = false;
            }
            b',' | b'\n' | b'\r' => field_start = true,
            _ => field_start = false,
        }
        i += 1;
    }
    None
}

/// Byte offset in `text` of field number `index` (from 0) of the CSV record that starts at
/// byte `start` (as the csv crate counts), or of the end of the record when it has fewer fields. The csv crate says
/// where a record starts but not where its fields are; this follows its default dialect
/// (commas, double quotes, `""` inside quotes) to point at a field's column.
pub(crate) fn field_offset(text: &str, start: usize, index: usize) -> usize {
    // After a \r\n line end the csv crate counts the record from the \n: skip it.
    let mut start = start.min(text.len());
    while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
        start += 1;
    }
    let Some(record) = text.get(start..) else {
        return text.len();
    };
    if index == 0 {
        return start;
    }
    let mut field = 0;
    let mut in_quotes = false;
    for (i, c) in record.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                field += 1;
                if field == index {
                    return start + i + 1;
                }
            }
            '\r' | '\n' if !in_quotes => return start + i,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_maps() {
        let v = parse(Path::new("data/t.csv"), "name,role\nAsha,Manager\n", "csv").unwrap();
        assert_eq!(v[0]["role"], "Manager");
    }

    #[test]
    fn an_unclosed_quote_is_named_where_it_opens() {
        let p = Path::new("data/t.csv");
        // The field count happens to match: without the check the last row would vanish.
        let e = parse(p, "name,role\nAda,\"Lead\nBo,Helper\n", "csv").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(5)), "{}", e.message);
        assert!(e.message.contains("never closed"));
        // Quotes that are closed, doubled inside quotes, or inside a field are fine.
        let v = parse(p, "a,b\n\"x, \"\"y\"\"\",5\" screen\n", "csv").unwrap();
        assert_eq!(
            (v[0]["a"].as_str(), v[0]["b"].as_str()),
            (Some("x, \"y\""), Some("5\" screen"))
        );
    }

    #[test]
    fn ragged_csv_names_the_line() {
        let e = parse(Path::new("data/t.csv"), "a,b\n1,2\n3\n", "csv").unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(2)));
        assert!(e.message.contains("ends too soon"), "{}", e.message);
        let e = parse(Path::new("data/t.csv"), "a,b\n\"x, y\",2,extra\n", "csv").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(10)));
        assert!(e.message.contains("extra one"), "{}", e.message);
        let e = parse(
            Path::new("data/t.csv"),
            "\u{feff}a,b\r\n1,2\r\n3\r\n",
            "csv",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(2)));
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let e = parse(Path::new("data/t.json"), "{\n  \"a\": 1,\n}\n", "json").unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn toml_tables_load() {
        let v = parse(
            Path::new("data/t.toml"),
            "[team]\nlead = \"Asha\"\n",
            "toml",
        )
        .unwrap();
        assert_eq!(v["team"]["lead"], "Asha");
    }
}
