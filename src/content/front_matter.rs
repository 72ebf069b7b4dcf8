//! Front matter: TOML between `+++` lines or YAML between `---` lines at the top of a file,
//! deserialized strictly (an unknown field is an error, so a typo such as `titel` is caught).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::date::{diagnose, spoken, ContentDate, DateMistake};
use crate::error::toml_diagnostic;
use crate::error::{find_key, line_col, Diagnostic};
use crate::fields::{unknown_field_from_serde, OwnFields};

/// The two front matter languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrontMatterFormat {
    Toml,
    Yaml,
}

/// A file split into its front matter and Markdown body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitFile<'a> {
    pub(super) format: Option<FrontMatterFormat>,
    /// The front matter text, without its fence lines (empty when there is none).
    front_matter: &'a str,
    /// Number of lines before the front matter text (1: the opening fence).
    front_matter_line_offset: usize,
    pub(crate) body: &'a str,
}

/// Splits `text` into front matter and body. A file that opens a fence and never closes it
/// is an error: guessing where the front matter ends could publish it as text.
pub(crate) fn split<'a>(path: &Path, text: &'a str) -> Result<SplitFile<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_line = text[..first_line_end].trim_end();
    let (format, fence) = match first_line {
        "+++" => (FrontMatterFormat::Toml, "+++"),
        "---" => (FrontMatterFormat::Yaml, "---"),
        _ => {
            if let Some(d) = late_front_matter(path, text) {
                return Err(d);
            }
            return Ok(SplitFile {
                format: None,
                front_matter: "",
                front_matter_line_offset: 0,
                body: text,
            });
        }
    };
    let rest = &text[first_line_end..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == fence || (format == FrontMatterFormat::Yaml && trimmed == "...") {
            let front_matter = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = text[..text.len() - body.len()].matches('\n').count() + 1;
            if let Some(d) = second_front_matter(path, fence, body, body_line) {
                return Err(d);
            }
            return Ok(SplitFile {
                format: Some(format),
                front_matter,
                front_matter_line_offset: 1,
                body,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        path,
        format!("the front matter opened with `{fence}` on line 1 is never closed"),
    )
    .at(1, Some(1))
    .hint(format!(
        "add a line with only `{fence}` after the last front matter line"
    )))
}

/// The fence (`+++` or `---`) that opens front matter at the start of `lines`, when the next
/// line is a field (`title = ...`, `title: ...`) and the same fence closes it further down: a
/// `---` line alone is also Markdown's rule or heading underline, which is not front matter.
fn front_matter_fence<'t>(mut lines: impl Iterator<Item = &'t str>) -> Option<&'static str> {
    let fence = match lines.next()?.trim_end() {
        "+++" => "+++",
        "---" => "---",
        _ => return None,
    };
    let field = lines.next()?.trim_start();
    let key_end = field.find(['=', ':'])?;
    let key = field[..key_end].trim();
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let closed = lines.take(200).any(|l| l.trim_end() == fence);
    (is_key && closed).then_some(fence)
}

/// Front matter that starts below the first line (after a blank line, or under a line of
/// text): hub would publish it as text, so it is an error at the fence line.
fn late_front_matter(path: &Path, text: &str) -> Option<Diagnostic> {
    let lines: Vec<&str> = text.lines().take(12).collect();
    let first_text = lines.iter().position(|l| !l.trim().is_empty())?;
    // After blank lines, the first line with text; or the line under the first line.
    let at = if first_text > 0 { first_text } else { 1 };
    let fence = front_matter_fence(lines.get(at..)?.iter().copied())?;
    Some(
        Diagnostic::new(
            path,
            format!("the front matter starts on line {}, but it must start on the first line of the file", at + 1),
        )
        .at(at + 1, Some(1))
        .hint(format!(
            "delete the {} above the `{fence}` line, so that the file starts with it",
            if first_text > 0 { "blank lines" } else { "line" }
        )),
    )
}

/// A second front matter block right after the first (pasted twice): its fields would be
/// published as text, so it is an error at its first line. `body_line` is the body's first
/// line in the file.
fn second_front_matter(
    path: &Path,
    fence: &str,
    body: &str,
    body_line: usize,
) -> Option<Diagnostic> {
    let blank = body.lines().take_while(|l| l.trim().is_empty()).count();
    let second = front_matter_fence(body.lines().skip(blank))?;
    (second == fence).then(|| {
        Diagnostic::new(
            path,
            "a second front matter block starts here: a page has front matter once, at the top",
        )
        .at(body_line + blank, Some(1))
        .hint("delete this block, or move the fields it has that the first lacks into the first")
    })
}

/// Deserializes front matter of either format into `T`, with errors pointing at the line.
pub(super) fn parse<T: DeserializeOwned + Default>(
    path: &Path,
    split: &SplitFile<'_>,
) -> Result<T, Diagnostic> {
    match split.format {
        None => Ok(T::default()),
        Some(FrontMatterFormat::Toml) => toml::from_str(split.front_matter).map_err(|e| {
            bad_toml_date(path, split, &e)
                .or_else(|| page_field_in_session(path, split, &e))
                .unwrap_or_else(|| {
                    toml_diagnostic(path, split.front_matter, split.front_matter_line_offset, &e)
                })
        }),
        Some(FrontMatterFormat::Yaml) => {
            if split.front_matter.trim().is_empty() {
                return Ok(T::default());
            }
            if let Some((line, column)) = yaml_too_deep(split.front_matter) {
                return Err(Diagnostic::new(
                    path,
                    format!("the YAML here is nested more than {MAX_YAML_DEPTH} levels deep"),
                )
                .at(line + split.front_matter_line_offset, Some(column))
                .hint("front matter needs a few levels at most: look for a [ or { that is never closed, or a line of - - - items"));
            }
            let parsed = serde_norway::from_str(split.front_matter).map_err(|e| {
                let mut message = yaml_message(&e);
                // "expected struct PageFrontMatter": the whole front matter is a list or a value.
                if message.ends_with("expected struct PageFrontMatter")
                    || message.ends_with("expected struct SectionFrontMatter")
                {
                    message = "the YAML front matter must be `key: value` lines (it is read here as a list or a single value)".into();
                }
                let wrong_type = crate::error::wrong_type_hint(&message);
                let (message, hint) = unknown_field_from_serde(&message, OwnFields::YamlExtra)
                    .or_else(|| wrong_type.map(|hint| (message.clone(), hint.to_string())))
                    .unwrap_or_else(|| {
                        (message, "check the YAML on this line: `key: value`, lists as [a, b], quote text that contains a colon".into())
                    });
                // From the byte offset, not the parser's line: YAML also ends a line at a lone
                // carriage return, which editors and hub's other messages do not count (found
                // by fuzzing: "line 24" of a 10-line file).
                let place = duplicate_yaml_key(split.front_matter, &message)
                    .or_else(|| e.location().map(|loc| line_col(split.front_matter, loc.index())));
                let mut d = Diagnostic::new(path, message).hint(hint);
                if let Some((line, column)) = place {
                    d = d.at(line + split.front_matter_line_offset, Some(column));
                }
                d
            })?;
            match duplicate_yaml_entry(split.front_matter) {
                Some((key, line, column)) => Err(Diagnostic::new(
                    path,
                    format!("`{key}` is written twice here: YAML would keep only the last one"),
                )
                .at(line + split.front_matter_line_offset, Some(column))
                .hint(format!(
                    "delete one of the two `{key}:` lines, or merge what they say"
                ))),
                None => Ok(parsed),
            }
        }
    }
}

/// A key written twice in a nested mapping (`extra:`), with the line and column of its second
/// line. Read into serde's own types, such a mapping silently keeps the last value; the YAML
/// library's own value type refuses it, but places the error at the mapping's first key.
fn duplicate_yaml_entry(text: &str) -> Option<(String, usize, usize)> {
    let e = serde_norway::from_str::<serde_norway::Value>(text).err()?;
    let message = e.to_string();
    let key = message
        .split_once("duplicate entry with key \"")?
        .1
        .rsplit_once('"')?
        .0
        .to_string();
    let mapping = e.location()?;
    let indent = mapping.column().saturating_sub(1);
    let second = text
        .lines()
        .enumerate()
        .skip(mapping.line().saturating_sub(1))
        .filter(|(_, line)| {
            line.len() - line.trim_start_matches(' ').len() == indent
                && line[indent..]
                    .trim_matches('"')
                    .strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with(':'))
        })
        .nth(1)
        .map_or((mapping.line(), mapping.column()), |(index, _)| {
            (index + 1, indent + 1)
        });
    Some((key, second.0, second.1))
}

/// A page field (`tags = [...]`) written below a `[[sessions]]` line: TOML puts every line
/// after it in that session, which has no such field. Said as the misplaced line it is.
fn page_field_in_session(
    path: &Path,
    split: &SplitFile<'_>,
    e: &toml::de::Error,
) -> Option<Diagnostic> {
    let field = e
        .message()
        .strip_prefix("unknown field `")?
        .split('`')
        .next()?;
    let in_session = super::sessions::SESSION_FIELDS
        .iter()
        .all(|f| e.message().contains(&format!("`{f}`")));
    if !in_session || !PAGE_FIELDS.contains(&field) {
        return None;
    }
    let (line, column) = line_col(split.front_matter, e.span()?.start);
    Some(
        Diagnostic::new(
            path,
            format!("`{field}` is a field of the page, but it is written inside a [[sessions]] table"),
        )
        .hint(format!(
            "move the `{field}` line above the first [[sessions]] line: every line after [[sessions]] belongs to that session"
        ))
        .at(line + split.front_matter_line_offset, Some(column)),
    )
}

/// A TOML error on a line such as `date = 05/12/2026` or `date = 2026-13-01`, which the TOML
/// reader refuses with words about newlines or ranges, told as the date problem it is.
fn bad_toml_date(path: &Path, split: &SplitFile<'_>, e: &toml::de::Error) -> Option<Diagnostic> {
    if e.message().starts_with("unknown field") {
        return None;
    }
    let (line, _) = line_col(split.front_matter, e.span()?.start);
    let line_text = split.front_matter.lines().nth(line - 1)?;
    let (key, value) = line_text.split_once('=')?;
    let key = key.trim();
    let written = value.split('#').next()?.trim().trim_matches(['"', '\'']);
    if matches!(key, "start" | "end") && in_sessions_table(split.front_matter, line) {
        let value_column = line_text.len() - value.trim_start().len();
        let value_column = line_text[..value_column].chars().count() + 1;
        return Some(
            Diagnostic::new(
                path,
                format!("cannot read {written:?} in `{key}` of a session as a date and time"),
            )
            .hint(
                match chrono::NaiveDateTime::parse_from_str(written, "%Y-%m-%dT%H:%M") {
                    Ok(meant) => format!(
                        "without quotes TOML needs the seconds too: write {key} = {}, or put it in quotes: {key} = \"{written}\"",
                        meant.format("%Y-%m-%dT%H:%M:%S")
                    ),
                    Err(_) => format!(
                        "write year-month-day, a T, then the time on the 24-hour clock, e.g. {key} = 2027-01-14T10:00:00"
                    ),
                },
            )
            .at(line + split.front_matter_line_offset, Some(value_column)),
        );
    }
    let is_date_error = e.message().starts_with("invalid date");
    if !is_date_error && diagnose(written) == DateMistake::Unreadable {
        return None;
    }
    let value_column = line_text[..line_text.len() - value.trim_start().len()]
        .chars()
        .count()
        + 1;
    Some(
        bad_date(path, FrontMatterFormat::Toml, key, written)
            .at(line + split.front_matter_line_offset, Some(value_column)),
    )
}

/// True when 1-based `line` of TOML `text` lies in a `[[sessions]]` table.
fn in_sessions_table(text: &str, line: usize) -> bool {
    text.lines()
        .take(line)
        .filter(|l| l.trim_start().starts_with('['))
        .last()
        .is_some_and(|header| header.split_whitespace().collect::<String>() == "[[sessions]]")
}

/// What is wrong with the date `written` for `key`, and what to write instead.
fn bad_date(path: &Path, format: FrontMatterFormat, key: &str, written: &str) -> Diagnostic {
    let (message, hint) = date_words(format, key, written);
    Diagnostic::new(path, message).hint(hint)
}

/// The message and hint of [`bad_date`], for dates checked elsewhere (a roadmap page's history).
pub(super) fn date_words(format: FrontMatterFormat, key: &str, written: &str) -> (String, String) {
    let assign = |value: &dyn std::fmt::Display| match format {
        FrontMatterFormat::Toml => format!("{key} = {value}"),
        FrontMatterFormat::Yaml => format!("{key}: {value}"),
    };
    let (message, hint) = match diagnose(written) {
        DateMistake::OtherOrder {
            meant,
            other_reading,
        } => (
            format!(
                "`{key}` is written {written}; hub reads dates as year-month-day: write {} ({})",
                assign(&meant),
                spoken(meant)
            ),
            match other_reading {
                Some(other) => format!(
                    "{written} was read as day/month/year; if you meant {}, write {}",
                    spoken(other),
                    assign(&other)
                ),
                None => "year-month-day is the one way of writing a date that no one can read as another day".into(),
            },
        ),
        DateMistake::NoSuchDay(reason) => (
            format!("invalid date {written:?} in `{key}`: {reason}"),
            format!(
                "write `{key}` as year-month-day with a day that exists, e.g. {}",
                assign(&"2026-11-24")
            ),
        ),
        DateMistake::Unreadable => (
            format!("invalid date {written:?} in `{key}` (expected YYYY-MM-DD)"),
            format!(
                "write `{key}` as year-month-day, e.g. {}, or 2026-11-24T09:30:00 with a time",
                assign(&"2026-11-24")
            ),
        ),
    };
    (message, hint)
}

/// YAML deeper than this is refused before it is parsed: the YAML library takes time that grows
/// with the square of the depth before it gives up (60,000 levels took 20 seconds), and no page
/// needs more than a few levels. Its own limit is 128.
const MAX_YAML_DEPTH: usize = 100;

/// Where YAML text first nests deeper than [`MAX_YAML_DEPTH`] (line and column from 1), found
/// without parsing it: brackets `[` `{` outside quotes and comments, and block levels (`- `
/// items and indentation) on each line. Written by hand because the check must come before the
/// YAML library sees the text; it may count a bracket in an unusual plain text as a level,
/// which only matters a hundred levels deep.
fn yaml_too_deep(text: &str) -> Option<(usize, usize)> {
    let mut flow_depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut block_depth = indent / 2;
        let mut rest = &line[indent..];
        while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            block_depth += 1;
            rest = after.trim_start_matches(' ');
        }
        if block_depth > MAX_YAML_DEPTH {
            return Some((index + 1, line.len() - rest.len() + 1));
        }
        let mut quote = None;
        let mut previous = ' ';
        for (column, c) in line.chars().enumerate() {
            match (quote, c) {
                (None, '#') if previous.is_whitespace() => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), _) if c == q => quote = None,
                (None, '[' | '{') => {
                    flow_depth += 1;
                    if flow_depth > MAX_YAML_DEPTH {
                        return Some((index + 1, column + 1));
                    }
                }
                (None, ']' | '}') => flow_depth = flow_depth.saturating_sub(1),
                _ => {}
            }
            previous = c;
        }
    }
    None
}

/// The line and column of the second `key:` at the top level, for the YAML library's
/// "duplicate field `key`", which it places at the start of the whole mapping.
fn duplicate_yaml_key(text: &str, message: &str) -> Option<(usize, usize)> {
    let key = message
        .strip_prefix("duplicate field `")?
        .strip_suffix('`')?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(index, _)| (index + 1, 1))
}

fn yaml_message(e: &serde_norway::Error) -> String {
    // The YAML library appends " at line X column Y"; we print the location ourselves.
    let message = e.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// Locates `key` in the front matter and points `diagnostic` at it (line and value column).
pub(super) fn at_key(diagnostic: Diagnostic, split: &SplitFile<'_>, key: &str) -> Diagnostic {
    match find_key(split.front_matter, key) {
        Some((line, col)) => diagnostic.at(line + split.front_matter_line_offset, Some(col)),
        None if split.format.is_some() => diagnostic.at(1, None),
        None => diagnostic,
    }
}

/// Where `key` of the `extra` table is written: the search starts at the `[extra]` (or
/// `extra:`) line, so that a page field of the same name above it is not taken for it.
/// Points at the key's name when `at_name`, else at its value.
pub(super) fn at_extra_key(
    diagnostic: Diagnostic,
    split: &SplitFile<'_>,
    key: &str,
    at_name: bool,
) -> Diagnostic {
    let text = split.front_matter;
    let (extra_line, extra_offset) = extra_table_start(text);
    let Some((line, value_column)) = find_key(&text[extra_offset..], key) else {
        return at_key(diagnostic, split, key);
    };
    let line = line + extra_line;
    let column = if at_name {
        let written = text.lines().nth(line - 1).unwrap_or_default();
        written.chars().take_while(|c| c.is_whitespace()).count() + 1
    } else {
        value_column
    };
    diagnostic.at(line + split.front_matter_line_offset, Some(column))
}

/// Points `diagnostic` at entry `index` (0-based) of the list `list` inside `extra`: TOML
/// `[[extra.<list>]]` tables, or a YAML list under `<list>:` below `extra:`. At `key` of that
/// entry when given and written there (its name when `at_name`, else its value), else at the
/// entry's first line. A list written another way (a TOML inline array) gets the list's key.
pub(super) fn at_extra_list_entry(
    diagnostic: Diagnostic,
    split: &SplitFile<'_>,
    list: &str,
    index: usize,
    key: Option<&str>,
    at_name: bool,
) -> Diagnostic {
    let lines: Vec<&str> = split.front_matter.lines().collect();
    let Some(entry) = list_entries(split, &lines, list).get(index).cloned() else {
        return at_extra_key(diagnostic, split, list, true);
    };
    let indent = |line: &str| line.chars().take_while(|c| c.is_whitespace()).count();
    let found = key.and_then(|key| {
        entry.clone().find_map(|i| {
            // A YAML entry's first line starts with its `-`: read it as the key's indentation.
            let line = lines[i].replacen("- ", "  ", 1);
            let (_, value_column) = find_key(&line, key)?;
            let column = if at_name {
                indent(&line) + 1
            } else {
                value_column
            };
            Some((i + 1, column))
        })
    });
    let (line, column) = found.unwrap_or((entry.start + 1, indent(lines[entry.start]) + 1));
    diagnostic.at(line + split.front_matter_line_offset, Some(column))
}

/// The lines (0-based, end exclusive) of each entry of the list `list` inside `extra`.
fn list_entries(split: &SplitFile<'_>, lines: &[&str], list: &str) -> Vec<std::ops::Range<usize>> {
    let indent = |line: &str| line.chars().take_while(|c| c.is_whitespace()).count();
    let is_blank = |line: &str| {
        let t = line.trim();
        t.is_empty() || t.starts_with('#')
    };
    let mut entries = Vec::new();
    match split.format {
        Some(FrontMatterFormat::Toml) => {
            let header = format!("[[extra.{list}]]");
            let headers: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].split_whitespace().collect::<String>() == header)
                .collect();
            for start in headers {
                let end = (start + 1..lines.len())
                    .find(|&i| lines[i].trim_start().starts_with('['))
                    .unwrap_or(lines.len());
                entries.push(start..end);
            }
        }
        Some(FrontMatterFormat::Yaml) => {
            let (extra_line, _) = extra_table_start(split.front_matter);
            let Some(key_line) = (extra_line..lines.len()).find(|&i| {
                lines[i]
                    .trim()
                    .strip_prefix(list)
                    .is_some_and(|rest| rest.trim() == ":")
            }) else {
                return entries;
            };
            let key_indent = indent(lines[key_line]);
            let mut item_indent = None;
            for (i, line) in lines.iter().enumerate().skip(key_line + 1) {
                if is_blank(line) {
                    continue;
                }
                let starts_item = line.trim_start().starts_with('-');
                let here = indent(line);
                match item_indent {
                    None if starts_item && here >= key_indent => item_indent = Some(here),
                    None => break,
                    Some(d) if here > d => {}
                    Some(d) if here == d && starts_item => {}
                    Some(_) => break,
                }
                if starts_item && Some(here) == item_indent {
                    if let Some(previous) = entries.last_mut() {
                        let previous: &mut std::ops::Range<usize> = previous;
                        previous.end = i;
                    }
                    entries.push(i..i + 1);
                } else if let Some(current) = entries.last_mut() {
                    current.end = i + 1;
                }
            }
        }
        None => {}
    }
    entries
}

/// Points `diagnostic` at `key` of session `index` (0-based), or at the session's first
/// line when it has no such key.
pub(super) fn at_session_key(
    diagnostic: Diagnostic,
    split: &SplitFile<'_>,
    index: usize,
    key: &str,
) -> Diagnostic {
    match session_key_position(split, index, key) {
        Some((line, column)) => diagnostic.at(line, Some(column)),
        None => at_key(diagnostic, split, "sessions"),
    }
}

/// The 1-based line (in the file) and column of `key` of session `index`.
pub(super) fn session_key_position(
    split: &SplitFile<'_>,
    index: usize,
    key: &str,
) -> Option<(usize, usize)> {
    let yaml = split.format == Some(FrontMatterFormat::Yaml);
    let (line, column) = super::sessions::key_position(split.front_matter, yaml, index, key)?;
    Some((line + split.front_matter_line_offset, column))
}

/// True when `key` is set above the `extra` table (in its proper place), as well as in it.
pub(super) fn set_above_extra(split: &SplitFile<'_>, key: &str) -> bool {
    let (_, extra_offset) = extra_table_start(split.front_matter);
    find_key(&split.front_matter[..extra_offset], key).is_some()
}

/// The line index and byte offset of the `[extra]` (or `extra:`) line, or the start.
fn extra_table_start(text: &str) -> (usize, usize) {
    let extra_line = text
        .lines()
        .position(|line| {
            let line = line.trim();
            line == "[extra]" || line.starts_with("extra:")
        })
        .unwrap_or(0);
    let extra_offset = text
        .split_inclusive('\n')
        .take(extra_line)
        .map(str::len)
        .sum();
    (extra_line, extra_offset)
}

/// The fields of [`PageFrontMatter`], as written in front matter.
pub(super) const PAGE_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "weight",
    "tags",
    "authors",
    "image",
    "image_alt",
    "template",
    "aliases",
    "review_by",
    "survey",
    "sessions",
    "search",
    "extra",
];

/// The fields of [`SectionFrontMatter`], as written in front matter.
pub(super) const SECTION_FIELDS: &[&str] = &[
    "title",
    "description",
    "sort_by",
    "paginate_by",
    "template",
    "page_template",
    "feed",
    "weight",
    "search",
    "extra",
];

/// Fields of a page's front matter; unknown keys are errors, so a misspelt field is caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageFrontMatter {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    #[serde(default, deserialize_with = "super::date::date_text")]
    pub(super) date: Option<String>,
    #[serde(default, deserialize_with = "super::date::date_text")]
    pub(super) updated: Option<String>,
    #[serde(default)]
    pub(super) draft: bool,
    pub(super) slug: Option<String>,
    pub(super) weight: Option<i64>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    pub(super) authors: Vec<String>,
    pub(super) image: Option<String>,
    /// What `image` shows, for people who cannot see it (`og:image:alt`).
    pub(super) image_alt: Option<String>,
    pub(super) template: Option<String>,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(default, deserialize_with = "super::date::date_text")]
    pub(super) review_by: Option<String>,
    /// The name of a survey file in data/ to show as a form (src/survey.rs).
    pub(super) survey: Option<String>,
    /// A training course's (or any event's) dates: `[[sessions]]` tables.
    #[serde(default)]
    pub(super) sessions: Vec<super::sessions::SessionFrontMatter>,
    /// `search = false` keeps the page out of the site's search index.
    pub(super) search: Option<bool>,
    #[serde(default)]
    pub(super) extra: serde_json::Map<String, serde_json::Value>,
}

/// Fields of a section's front matter (`_index.md`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SectionFrontMatter {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) sort_by: Option<String>,
    pub(super) paginate_by: Option<usize>,
    pub(super) template: Option<String>,
    pub(super) page_template: Option<String>,
    pub(super) feed: Option<bool>,
    pub(super) weight: Option<i64>,
    /// `search = false` keeps the section and every page in it out of the search index.
    pub(super) search: Option<bool>,
    #[serde(default)]
    pub(super) extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses a date field's text, pointing an invalid one at its line.
pub(super) fn parse_date(
    path: &Path,
    split: &SplitFile<'_>,
    key: &str,
    text: Option<&str>,
) -> Result<Option<ContentDate>, Diagnostic> {
    let Some(text) = text else { return Ok(None) };
    match ContentDate::parse(text) {
        Some(date) => Ok(Some(date)),
        None => {
            let format = split.format.unwrap_or(FrontMatterFormat::Toml);
            Err(at_key(bad_date(path, format, key, text.trim()), split, key))
        }
    }
}

/// Replaces TOML date values left inside `extra` (which the toml crate hands over as a
/// one-entry map) with their text, so templates see `"2026-11-24"`.
pub(crate) fn normalise_extra(value: &mut serde_json::Value) {
    const TOML_DATE_KEY: &str = "$__toml_private_datetime";
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 1 {
                if let Some(serde_json::Value::String(s)) = map.get(TOML_DATE_KEY) {
                    *value = serde_json::Value::String(s.clone());
                    return;
                }
            }
            map.values_mut().for_each(normalise_extra);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalise_extra),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/x.md")
    }

    /// YAML counts a lone carriage return as a line end; the message counts lines as editors
    /// and hub's other messages do (found by fuzzing).
    #[test]
    fn yaml_error_line_ignores_lone_carriage_returns() {
        let text = "---\ntitle: \"A\"\r\r\r\r\r\nbroken line\n---\nbody\n";
        let s = split(p(), text).unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        // Where the parser noticed: after `broken line`, on the closing fence (not line 9).
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn splits_toml() {
        let s = split(p(), "+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!(s.format, Some(FrontMatterFormat::Toml));
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn unterminated_front_matter_is_an_error_at_line_one() {
        let e = split(p(), "---\ntitle: A\nbody\n").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn toml_dates_and_strings_both_become_text() {
        let s = split(
            p(),
            "+++\ntitle = \"A\"\ndate = 2026-11-24\nupdated = \"2026-11-25T10:00:00\"\n+++\n",
        )
        .unwrap();
        let fm: PageFrontMatter = parse(p(), &s).unwrap();
        assert_eq!(fm.date.as_deref(), Some("2026-11-24"));
        assert_eq!(fm.updated.as_deref(), Some("2026-11-25T10:00:00"));
    }

    #[test]
    fn front_matter_below_the_first_line_is_an_error_at_its_fence() {
        let late = split(p(), "\n\n+++\ntitle = \"A\"\n+++\n").unwrap_err();
        assert_eq!(late.line, Some(3));
        assert!(late.hint.unwrap().contains("blank lines"));
        let under_text = split(p(), "My page\n---\ntitle: A\n---\n").unwrap_err();
        assert_eq!(under_text.line, Some(2));
        // A heading underlined with ---, and a rule, are Markdown, not front matter.
        assert!(split(p(), "My page\n---\n\nText.\n").is_ok());
        assert!(split(p(), "\n---\n\nText.\n").is_ok());
        assert!(split(p(), "My page\n---\nNote: a paragraph\n").is_ok());
    }

    #[test]
    fn a_second_front_matter_block_is_an_error_at_its_first_line() {
        let text = "+++\ntitle = \"A\"\n+++\n\n+++\ntitle = \"A\"\n+++\nBody\n";
        let twice = split(p(), text).unwrap_err();
        assert_eq!(twice.line, Some(5));
        // A rule after YAML front matter, or TOML after YAML, is left as Markdown.
        assert!(split(p(), "---\ntitle: A\n---\n---\n\nText.\n").is_ok());
        assert!(split(p(), "---\ntitle: A\n---\n---\nNote: a paragraph\n").is_ok());
        assert!(split(p(), "---\ntitle: A\n---\n+++\nx = 1\n+++\n").is_ok());
    }

    #[test]
    fn yaml_nested_too_deep_is_refused_before_parsing() {
        let flow = format!("title: A\nextra:\n  x: {}\n", "[".repeat(60_000));
        assert_eq!(yaml_too_deep(&flow), Some((3, 106)));
        let block = format!("title: A\nx:\n  {}end\n", "- ".repeat(500));
        assert_eq!(yaml_too_deep(&block).map(|(line, _)| line), Some(3));
        let fine = "title: \"[[[ not a list\"\nextra:\n  x: [[1, 2], {a: [3]}] # [[[[\n";
        assert_eq!(yaml_too_deep(fine), None);
        let text = format!("---\n{flow}---\n");
        let s = split(p(), &text).unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("nested"), "{}", e.message);
    }

    #[test]
    fn a_duplicate_key_in_extra_is_an_error_at_its_second_line() {
        let text = "---\ntitle: A\nextra:\n  colour: red\n  size: 2\n  colour: blue\n---\n";
        let s = split(p(), text).unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!((e.line, e.column), (Some(6), Some(3)), "{}", e.message);
        assert!(
            e.message.contains("`colour` is written twice"),
            "{}",
            e.message
        );
        // The same key in two different mappings is fine.
        let text = "---\ntitle: A\nextra:\n  a:\n    x: 1\n  b:\n    x: 2\n---\n";
        assert!(parse::<PageFrontMatter>(p(), &split(p(), text).unwrap()).is_ok());
    }

    #[test]
    fn a_duplicate_yaml_key_is_placed_at_its_second_line() {
        let s = split(p(), "---\ntitle: A\ndate: 2024-01-01\n\ntitle: B\n---\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(1)), "{}", e.message);
    }

    #[test]
    fn yaml_front_matter_parses() {
        let s = split(
            p(),
            "---\ntitle: A\ndate: 2026-11-24\ntags: [a, b]\n---\nbody",
        )
        .unwrap();
        let fm: PageFrontMatter = parse(p(), &s).unwrap();
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(fm.date.as_deref(), Some("2026-11-24"));
        assert_eq!(fm.tags, vec!["a", "b"]);
    }

    #[test]
    fn unknown_field_points_at_its_line() {
        let s = split(p(), "+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("titel"));
        let s = split(p(), "---\ntitle: A\ntitel: B\n---\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    fn page_error(text: &str) -> Diagnostic {
        let s = split(p(), text).unwrap();
        match parse::<PageFrontMatter>(p(), &s) {
            Err(e) => e,
            Ok(fm) => parse_date(p(), &s, "date", fm.date.as_deref()).unwrap_err(),
        }
    }

    #[test]
    fn a_british_date_is_read_and_rewritten_in_every_form() {
        let expected = "`date` is written 05/12/2026; hub reads dates as year-month-day: write date = 2026-12-05 (5 December 2026)";
        for text in [
            "+++\ntitle = \"A\"\ndate = 05/12/2026\n+++\n",
            "+++\ntitle = \"A\"\ndate = \"05/12/2026\"\n+++\n",
            "+++\ntitle = \"A\"\ndate = 05/12/2026 # the launch\n+++\n",
        ] {
            let e = page_error(text);
            assert_eq!(e.message, expected, "{text}");
            assert_eq!((e.line, e.column), (Some(3), Some(8)), "{text}");
            assert_eq!(
                e.hint.as_deref(),
                Some("05/12/2026 was read as day/month/year; if you meant 12 May 2026, write date = 2026-05-12")
            );
        }
        let e = page_error("---\ntitle: A\ndate: 05/12/2026\n---\n");
        assert_eq!(
            e.message,
            "`date` is written 05/12/2026; hub reads dates as year-month-day: write date: 2026-12-05 (5 December 2026)"
        );
        assert_eq!((e.line, e.column), (Some(3), Some(7)));
    }

    #[test]
    fn an_impossible_date_says_what_is_wrong_on_one_line() {
        for text in [
            "+++\ntitle = \"A\"\ndate = 2026-13-01\n+++\n",
            "+++\ntitle = \"A\"\ndate = \"2026-13-01\"\n+++\n",
            "---\ntitle: A\ndate: 2026-13-01\n---\n",
        ] {
            let e = page_error(text);
            assert_eq!(
                e.message, "invalid date \"2026-13-01\" in `date`: there is no month 13",
                "{text}"
            );
            assert_eq!(e.line, Some(3));
            assert!(e
                .hint
                .unwrap()
                .starts_with("write `date` as year-month-day with a day that exists"));
        }
        let e = page_error("+++\ntitle = \"A\"\ndate = 2026-11-31\n+++\n");
        assert_eq!(
            e.message,
            "invalid date \"2026-11-31\" in `date`: November 2026 has 30 days"
        );
        assert_eq!((e.line, e.column), (Some(3), Some(8)));
    }

    #[test]
    fn other_date_fields_are_named() {
        let s = split(p(), "+++\ntitle = \"A\"\nreview_by = 1/2/2027\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(
            e.message,
            "`review_by` is written 1/2/2027; hub reads dates as year-month-day: write review_by = 2027-02-01 (1 February 2027)"
        );
    }

    #[test]
    fn a_misspelt_field_gets_a_suggestion_at_the_key() {
        for (text, column) in [
            ("+++\ntitle = \"A\"\n  tag = [\"a\"]\n+++\n", 3),
            ("---\ntitle: A\ntag: [a]\n---\n", 1),
        ] {
            let s = split(p(), text).unwrap();
            let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
            assert_eq!(e.message, "unknown field `tag`; did you mean `tags`?");
            assert_eq!(e.hint.as_deref(), Some("change `tag` to `tags`"));
            assert_eq!((e.line, e.column), (Some(3), Some(column)));
        }
        let s = split(p(), "+++\ntitle = \"A\"\nsort_by = \"date\"\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.message, "unknown field `sort_by`");
        assert!(e
            .hint
            .unwrap()
            .ends_with("put fields of your own under [extra], at the end"));
        let s = split(p(), "+++\ntitle = \"A\"\npage_templat = \"x.html\"\n+++\n").unwrap();
        let e = parse::<SectionFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(
            e.message,
            "unknown field `page_templat`; did you mean `page_template`?"
        );
    }

    #[test]
    fn the_field_lists_match_the_structs() {
        fn allowed<T: DeserializeOwned + Default + std::fmt::Debug>(fields: &[&str]) {
            let s = split(p(), "+++\nzzz = 1\n+++\n").unwrap();
            let e = parse::<T>(p(), &s).unwrap_err();
            let listed: Vec<&str> = e
                .hint
                .as_deref()
                .unwrap()
                .split('`')
                .skip(1)
                .step_by(2)
                .collect();
            let expected: Vec<&str> = fields.iter().copied().filter(|f| *f != "extra").collect();
            assert_eq!(listed, expected);
        }
        allowed::<PageFrontMatter>(PAGE_FIELDS);
        allowed::<SectionFrontMatter>(SECTION_FIELDS);
    }

    #[test]
    fn extra_keys_are_found_below_the_extra_line() {
        let text =
            "+++\ntitle = \"A\"\ntags = [\"a\"]\n[extra]\n  tags = [\"b\"]\nstatus = \"x\"\n+++\n";
        let s = split(p(), text).unwrap();
        let d = at_extra_key(Diagnostic::new(p(), "m"), &s, "tags", true);
        assert_eq!((d.line, d.column), (Some(5), Some(3)));
        let d = at_extra_key(Diagnostic::new(p(), "m"), &s, "status", false);
        assert_eq!((d.line, d.column), (Some(6), Some(10)));
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let s = split(p(), "+++\ntitle = \"A\"\ndate = \"2024-13-01\"\n+++\n").unwrap();
        let fm: PageFrontMatter = parse(p(), &s).unwrap();
        let e = parse_date(p(), &s, "date", fm.date.as_deref()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(8)));
    }

    #[test]
    fn toml_dates_in_extra_become_text() {
        let s = split(p(), "+++\ntitle = \"A\"\n[extra]\nwhen = 2026-01-02\n+++\n").unwrap();
        let fm: PageFrontMatter = parse(p(), &s).unwrap();
        let mut extra = serde_json::Value::Object(fm.extra);
        normalise_extra(&mut extra);
        assert_eq!(extra["when"], "2026-01-02");
    }
}
