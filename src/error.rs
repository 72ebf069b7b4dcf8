//! Error types. Every problem a user can cause is a [`Diagnostic`]: what is wrong, where
//! (path relative to the site root, line and column when known) and how to fix it.
//! `main.rs` prints them; nothing here prints.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in the site, pointing at a file and, when known, a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root (or as given, for files outside it).
    pub(crate) path: PathBuf,
    /// 1-based line, when known.
    pub(crate) line: Option<usize>,
    /// 1-based column, when known (only meaningful with a line).
    pub(crate) column: Option<usize>,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do about it.
    pub(crate) hint: Option<String>,
    /// The `hub check` rule this problem belongs to (`links/broken`...), when it is one.
    pub(crate) rule: Option<&'static str>,
}

impl Diagnostic {
    /// A problem with a whole file.
    pub(crate) fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            rule: None,
        }
    }

    /// Points the problem at a line (and column, if given).
    pub(crate) fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// Names the `hub check` rule the problem belongs to.
    pub(crate) fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    /// Adds advice on how to fix the problem.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col` as users see it, always with forward slashes.
    fn location(&self) -> String {
        let mut s = display_path(&self.path);
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A path as shown to users: relative, with `/` separators on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's files: reported together, exit status 1.
    #[error("{} problem(s) in the site", .0.len())]
    Site(Vec<Diagnostic>),
    /// The command line asked for something impossible: exit status 2.
    #[error("{0}")]
    Usage(String),
    /// The preview server could not start (the port is taken, say): exit status 1.
    #[error("{0}")]
    Serve(String),
    /// The file system refused an operation.
    #[error("{}: {source}", display_path(path))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A single site problem.
    pub(crate) fn site(diagnostic: Diagnostic) -> Self {
        Error::Site(vec![diagnostic])
    }

    /// Wraps an IO error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::site(d)
    }
}

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Converts a byte offset in `text` to a 1-based (line, column), counting columns in characters.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Finds where `key` is set in TOML or YAML text (`key = ...` or `key: ...` at the start of a
/// line) and returns the 1-based line and the column of its value. Used to point semantic
/// errors (a bad date, an unknown `sort_by`) at the right line after parsing succeeded.
pub(crate) fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix(key) else {
            continue;
        };
        let after_key = rest.trim_start();
        let Some(value) = after_key
            .strip_prefix('=')
            .or_else(|| after_key.strip_prefix(':'))
        else {
            continue;
        };
        let value_start = line.len() - value.trim_start().len();
        return Some((index + 1, line[..value_start].chars().count() + 1));
    }
    None
}

/// Turns a TOML parse error (site.toml, front matter, data files) into a diagnostic; `line_offset` is the number of lines before the
/// TOML text in its file (front matter starts after the `+++` line). The message is always
/// one line: the parser's own text can run over several.
pub(crate) fn toml_diagnostic(
    path: impl Into<std::path::PathBuf>,
    text: &str,
    line_offset: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let mut message = e.message().trim().lines().collect::<Vec<_>>().join(": ");
    if message.is_empty() {
        // The parser gives no words for some characters it refuses (a control character in a
        // comment, found by fuzzing): say what is there.
        let at = e.span().and_then(|span| text.get(span.start..));
        message = match at.and_then(|rest| rest.chars().next()) {
            Some(c) if c.is_control() => format!(
                "this line holds an invisible control character (U+{:04X}), which TOML does not allow",
                u32::from(c)
            ),
            _ => "this line is not valid TOML".to_string(),
        };
    }
    let (message, hint) = match crate::fields::unknown_field_from_serde(
        &message,
        crate::fields::OwnFields::TomlExtra,
    ) {
        Some(unknown) => unknown,
        None => {
            let hint = toml_hint(&message);
            (message, hint.to_string())
        }
    };
    let mut d = Diagnostic::new(path, message).hint(hint);
    if let Some(span) = e.span() {
        let (line, col) = line_col(text, span.start);
        d = d.at(line + line_offset, Some(col));
    }
    d
}

/// Advice for a TOML error other than an unknown field.
fn toml_hint(message: &str) -> &'static str {
    if message.starts_with("invalid date") || message.starts_with("invalid time") {
        "write dates as year-month-day: 2026-11-24 (a day that exists), or 2026-11-24T09:30:00 with a time"
    } else if let Some(hint) = wrong_type_hint(message) {
        hint
    } else if message.starts_with("invalid colour") {
        "write a colour as \"#rrggbb\": # and six hexadecimal digits, e.g. background = \"#1d3f6e\""
    } else if message.starts_with("unknown variant") {
        "use one of the values the message lists"
    } else if message.contains("missing field") {
        "add the missing key"
    } else if message.contains("invisible control character") {
        "delete the character: it often comes with text copied from another program (retyping the line removes it)"
    } else {
        "check the TOML syntax on this line: strings need \"quotes\", lists need [brackets]"
    }
}

/// Advice for serde's "invalid type: ..., expected ..." message, in TOML and YAML alike: what
/// the value should look like instead.
pub(crate) fn wrong_type_hint(message: &str) -> Option<&'static str> {
    if message.starts_with("invalid value: integer `-") && message.contains("expected u") {
        return Some("write a whole number of 0 or more, without quotes");
    }
    if !message.contains("invalid type") {
        return None;
    }
    let expected = message.split("expected ").nth(1).unwrap_or_default();
    Some(if expected.starts_with("a boolean") {
        "write true or false, without quotes"
    } else if expected.starts_with("a string") {
        "put the text in \"quotes\""
    } else if expected.starts_with("a sequence") {
        "write a list in square brackets, e.g. [\"first\", \"second\"]"
    } else if expected.starts_with("i64") || expected.starts_with("u") {
        "write a whole number, without quotes"
    } else {
        "write the value in the form the message expects"
    })
}

/// The lines people see for a failed command: one `error: path:line:col: message` line per
/// problem, each followed by its hint. Used by the terminal and by the preview's error overlay.
pub fn report_lines(error: &Error) -> Vec<String> {
    match error {
        Error::Site(problems) => problems.iter().flat_map(diagnostic_lines).collect(),
        other => vec![format!("error: {other}")],
    }
}

/// The lines people see for a problem that did not stop the command:
/// `warning: path:line:col: message`, then its hint.
pub fn warning_lines(d: &Diagnostic) -> Vec<String> {
    labelled_lines("warning", d)
}

fn diagnostic_lines(d: &Diagnostic) -> Vec<String> {
    labelled_lines("error", d)
}

fn labelled_lines(label: &str, d: &Diagnostic) -> Vec<String> {
    let mut lines = vec![format!("{label}: {}: {}", d.location(), d.message)];
    if let Some(hint) = &d.hint {
        for (i, line) in hint.lines().enumerate() {
            lines.push(if i == 0 {
                format!("  hint: {line}")
            } else {
                format!("  {line}")
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// toml gives no message for a control character in a comment (found by fuzzing).
    #[test]
    fn toml_error_without_words_names_the_control_character() {
        let text = "title = \"x\"\n# note \u{1} here\n";
        let e = toml::from_str::<toml::Table>(text).expect_err("a control character is refused");
        let d = toml_diagnostic("site.toml", text, 0, &e);
        assert_eq!(d.line, Some(2));
        assert!(d.message.contains("control character (U+0001)"), "{d}");
        assert!(
            d.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("delete the character")),
            "{d}"
        );
    }

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 8), (3, 1));
        assert_eq!(line_col(text, 7), (2, 4));
    }

    #[test]
    fn diagnostic_displays_location_and_hint() {
        let d = Diagnostic::new("content/tips/x.md", "invalid date \"2024-13-01\"")
            .at(4, Some(8))
            .hint("write dates as YYYY-MM-DD");
        assert_eq!(
            d.to_string(),
            "content/tips/x.md:4:8: invalid date \"2024-13-01\"\n  hint: write dates as YYYY-MM-DD"
        );
    }
}
