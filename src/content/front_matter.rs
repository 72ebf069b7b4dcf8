//! Front matter: TOML between `+++` lines or YAML between `---` lines at the top of a file,
//! deserialized strictly (an unknown field is an error, so a typo such as `titel` is caught).

use std::path::Path;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::date::ContentDate;
use crate::config::toml_diagnostic;
use crate::error::{find_key, Diagnostic};

/// The two front matter languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterFormat {
    Toml,
    Yaml,
}

/// A file split into its front matter and Markdown body.
#[derive(Debug, Clone, Copy)]
pub struct SplitFile<'a> {
    pub format: Option<FrontMatterFormat>,
    /// The front matter text, without its fence lines (empty when there is none).
    pub front_matter: &'a str,
    /// Number of lines before the front matter text (1: the opening fence).
    pub front_matter_line_offset: usize,
    pub body: &'a str,
    /// Number of lines before the body in the file.
    pub body_line_offset: usize,
}

/// Splits `text` into front matter and body. A file that opens a fence and never closes it
/// is an error: guessing where the front matter ends could publish it as text.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<SplitFile<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_line = text[..first_line_end].trim_end();
    let (format, fence) = match first_line {
        "+++" => (FrontMatterFormat::Toml, "+++"),
        "---" => (FrontMatterFormat::Yaml, "---"),
        _ => {
            return Ok(SplitFile {
                format: None,
                front_matter: "",
                front_matter_line_offset: 0,
                body: text,
                body_line_offset: 0,
            })
        }
    };
    let rest = &text[first_line_end..];
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == fence || (format == FrontMatterFormat::Yaml && trimmed == "...") {
            let front_matter = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(SplitFile {
                format: Some(format),
                front_matter,
                front_matter_line_offset: 1,
                body,
                body_line_offset: index + 2,
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

/// Deserializes front matter of either format into `T`, with errors pointing at the line.
pub fn parse<T: DeserializeOwned + Default>(
    path: &Path,
    split: &SplitFile<'_>,
) -> Result<T, Diagnostic> {
    match split.format {
        None => Ok(T::default()),
        Some(FrontMatterFormat::Toml) => toml::from_str(split.front_matter).map_err(|e| {
            toml_diagnostic(path, split.front_matter, split.front_matter_line_offset, &e)
        }),
        Some(FrontMatterFormat::Yaml) => {
            if split.front_matter.trim().is_empty() {
                return Ok(T::default());
            }
            serde_norway::from_str(split.front_matter).map_err(|e| {
                let message = yaml_message(&e);
                let hint = if message.starts_with("unknown field") {
                    "check the spelling; the message lists the fields allowed here (put your own under `extra:`)"
                } else {
                    "check the YAML on this line: `key: value`, lists as [a, b], quote text that contains a colon"
                };
                let mut d = Diagnostic::new(path, message).hint(hint);
                if let Some(loc) = e.location() {
                    d = d.at(loc.line() + split.front_matter_line_offset, Some(loc.column()));
                }
                d
            })
        }
    }
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
pub fn at_key(diagnostic: Diagnostic, split: &SplitFile<'_>, key: &str) -> Diagnostic {
    match find_key(split.front_matter, key) {
        Some((line, col)) => diagnostic.at(line + split.front_matter_line_offset, Some(col)),
        None if split.format.is_some() => diagnostic.at(1, None),
        None => diagnostic,
    }
}

/// Fields of a page's front matter (SPEC §4).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "date_text")]
    pub date: Option<String>,
    #[serde(default, deserialize_with = "date_text")]
    pub updated: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub image: Option<String>,
    pub template: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "date_text")]
    pub review_by: Option<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Fields of a section's front matter (`_index.md`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: Option<String>,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub feed: Option<bool>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses a date field's text, pointing an invalid one at its line.
pub fn parse_date(
    path: &Path,
    split: &SplitFile<'_>,
    key: &str,
    text: Option<&str>,
) -> Result<Option<ContentDate>, Diagnostic> {
    let Some(text) = text else { return Ok(None) };
    match ContentDate::parse(text) {
        Some(date) => Ok(Some(date)),
        None => Err(at_key(
            Diagnostic::new(
                path,
                format!("invalid date {text:?} in `{key}` (expected YYYY-MM-DD)"),
            )
            .hint("write dates as 2026-11-24, or 2026-11-24T09:30:00 with a time"),
            split,
            key,
        )),
    }
}

/// Accepts a date as text (YAML, quoted TOML) or as a TOML date value, and keeps it as text;
/// it is validated afterwards so that the error can name the line.
fn date_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct DateVisitor;
    impl<'de> Visitor<'de> for DateVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date such as 2026-11-24")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        // The toml crate hands a date value over as a one-entry map.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let Some((_, value)) = map.next_entry::<String, String>()? else {
                return Err(de::Error::custom("expected a date"));
            };
            Ok(Some(value.to_string()))
        }
    }
    deserializer.deserialize_any(DateVisitor)
}

/// Replaces TOML date values left inside `extra` (which the toml crate hands over as a
/// one-entry map) with their text, so templates see `"2026-11-24"`.
pub fn normalise_extra(value: &mut serde_json::Value) {
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

    #[test]
    fn splits_toml_and_counts_lines() {
        let s = split(p(), "+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!(s.format, Some(FrontMatterFormat::Toml));
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line_offset, 3);
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

    #[test]
    fn an_impossible_toml_date_gets_a_date_hint() {
        let s = split(p(), "+++\ntitle = \"A\"\ndate = 2026-11-31\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.hint.as_deref().unwrap_or_default().contains("2026-11-24"),
            "{e}"
        );
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
