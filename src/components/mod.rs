//! Components: pieces of a page that hub draws from the data files, such as a bar chart of
//! survey answers or a list of accounts to follow. A page places one with a fenced block whose
//! word after the fence names the component and whose lines are its settings, in TOML:
//!
//! ````markdown
//! ```chart
//! data = "survey-results"
//! column = "How confident are you replying to comments?"
//! ```
//! ````
//!
//! and a template with the same component's function (`bar_chart(data=..., column=...)`).
//! Every component is one entry of [`COMPONENTS`]: its settings are a struct that serde reads
//! from either form, so unknown or mistyped settings are reported the same way as in front
//! matter.
//!
//! A fenced block, rather than Zola-style `{{ chart(...) }}` calls in the text, because
//! pulldown-cmark already finds fenced blocks (a call shown inside a code sample can never be
//! run by mistake), any Markdown editor shows the block as it is written, and the settings
//! are TOML, which writers already know from front matter. This module is pure: it reads the
//! data files already loaded and returns HTML; it never reads or writes files.

mod chart;
mod follow;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::data::Data;
use crate::error::{find_key, toml_diagnostic, Diagnostic};
use crate::source::SourceText;

/// What a component drew.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Drawn {
    /// The HTML to put in the page.
    pub(crate) html: String,
    /// Addresses outside the site it links to, for the link check.
    pub(crate) links: Vec<String>,
    /// The data file it read (its name in data/, without the extension): what it shows of
    /// that file is published, so the privacy gate reads the file.
    pub(crate) data_file: String,
}

/// Why a component could not be drawn.
#[derive(Debug)]
enum Problem {
    /// A setting of the call is wrong; `key` names it, so that the message points at its line.
    Setting {
        key: &'static str,
        message: String,
        hint: String,
    },
    /// The data file it reads is wrong: the diagnostic points into that file.
    DataFile(Diagnostic),
}

impl Problem {
    fn setting(key: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem::Setting {
            key,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A component's settings, read from a fenced block's TOML or a template function's arguments.
trait Component: DeserializeOwned {
    fn draw(&self, data: &Data) -> Result<Drawn, Problem>;
}

/// One component: its name after the fence, its template function, and how to draw it.
pub(crate) struct Entry {
    /// The word after the fence: ```chart
    pub(crate) name: &'static str,
    /// The template function that draws the same component.
    function: &'static str,
    from_toml: fn(&str) -> Result<Box<dyn Drawable>, toml::de::Error>,
    from_args: fn(serde_json::Value) -> Result<Box<dyn Drawable>, serde_json::Error>,
}

/// Settings that have been read and can draw their component.
trait Drawable {
    fn draw(&self, data: &Data) -> Result<Drawn, Problem>;
}

impl<C: Component> Drawable for C {
    fn draw(&self, data: &Data) -> Result<Drawn, Problem> {
        Component::draw(self, data)
    }
}

const fn entry<C: Component + 'static>(name: &'static str, function: &'static str) -> Entry {
    Entry {
        name,
        function,
        from_toml: |text| toml::from_str::<C>(text).map(|c| Box::new(c) as Box<dyn Drawable>),
        from_args: |args| {
            serde_json::from_value::<C>(args).map(|c| Box::new(c) as Box<dyn Drawable>)
        },
    }
}

/// Every component, by the name written after the fence. Add new ones here (and to
/// docs/content.md).
const COMPONENTS: &[Entry] = &[
    entry::<chart::Chart>("chart", "bar_chart"),
    entry::<follow::Follow>("follow", "follow_list"),
];

/// The component a fenced block names (the first word of its info string), if it is one.
pub(crate) fn named(info: &str) -> Option<&'static Entry> {
    let word = info.split([' ', ',', '{']).next().unwrap_or("");
    COMPONENTS.iter().find(|c| c.name == word)
}

/// Draws a fenced block's component from its `settings` (the block's text). `first_line` is
/// the file line of the block's first settings line; the fence is on the line before it.
/// Mistakes in the call point at the call's lines; mistakes in a data file at that file.
pub(crate) fn draw_block(
    entry: &Entry,
    settings: &str,
    data: &Data,
    file: &Path,
    first_line: usize,
) -> Result<Drawn, Diagnostic> {
    let fence_line = first_line.saturating_sub(1).max(1);
    let parsed = (entry.from_toml)(settings).map_err(|e| {
        let mut d = toml_diagnostic(file, settings, fence_line, &e);
        if d.line.is_none() || settings.trim().is_empty() {
            d = d.at(fence_line, Some(1));
        }
        d.message = format!("in the {} block: {}", entry.name, d.message);
        d
    })?;
    parsed.draw(data).map_err(|problem| match problem {
        Problem::DataFile(d) => d,
        Problem::Setting { key, message, hint } => {
            let (line, column) = find_key(settings, key)
                .map_or((fence_line, 1), |(line, column)| {
                    (fence_line + line, column)
                });
            Diagnostic::new(file, format!("in the {} block: {message}", entry.name))
                .at(line, Some(column))
                .hint(hint)
        }
    })
}

/// Registers each component's template function, drawing from `data`. Their output is HTML:
/// templates write `{{ bar_chart(...) | safe }}`.
pub(crate) fn register_functions(tera: &mut tera::Tera, data: &Arc<Data>) {
    for entry in COMPONENTS {
        let data = Arc::clone(data);
        tera.register_function(
            entry.function,
            move |args: &HashMap<String, tera::Value>| {
                let args = serde_json::Value::Object(args.clone().into_iter().collect());
                let drawable =
                    (entry.from_args)(args).map_err(|e| format!("{}: {e}", entry.function))?;
                let drawn = drawable.draw(&data).map_err(|problem| match problem {
                    Problem::DataFile(mut d) => {
                        let hint = d.hint.take().map(|h| format!(" ({h})"));
                        format!("{}: {d}{}", entry.function, hint.unwrap_or_default())
                    }
                    Problem::Setting { key, message, hint } => {
                        format!("{}({key}=…): {message} ({hint})", entry.function)
                    }
                })?;
                Ok(tera::Value::String(drawn.html))
            },
        );
    }
}

/// The component function whose failure `message` reports (`bar_chart(column=…): …`), if any.
pub(crate) fn function_in_error(message: &str) -> Option<&'static str> {
    COMPONENTS
        .iter()
        .map(|c| c.function)
        .find(|f| message.starts_with(&format!("{f}(")) || message.starts_with(&format!("{f}:")))
}

/// The data file called `name` (`survey-results`; `data/survey-results.csv` is understood
/// too) with the extension `extension`; `key` is the setting that named it.
fn data_file<'a>(
    data: &'a Data,
    name: &str,
    extension: &str,
    key: &'static str,
    what: &str,
) -> Result<(String, &'a SourceText), Problem> {
    let name = name.trim();
    let stem = name.strip_prefix("data/").unwrap_or(name);
    let stem = Path::new(stem)
        .file_stem()
        .map_or(stem.to_string(), |s| s.to_string_lossy().into_owned());
    let stem_of = |f: &SourceText| {
        f.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let has_extension = |f: &SourceText| {
        f.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(extension))
    };
    if let Some(file) = data.files.iter().find(|f| stem_of(f) == stem) {
        if !has_extension(file) {
            return Err(Problem::setting(
                key,
                format!(
                    "{} is not a .{extension} file: {what}",
                    crate::error::display_path(&file.path)
                ),
                format!("name a .{extension} file in data/"),
            ));
        }
        return Ok((stem, file));
    }
    let candidates: Vec<String> = data
        .files
        .iter()
        .filter(|f| has_extension(f))
        .map(stem_of)
        .collect();
    let hint = match crate::suggest::closest(&stem, candidates.iter().map(String::as_str)) {
        Some(guess) => format!("did you mean \"{guess}\" (data/{guess}.{extension})?"),
        None if candidates.is_empty() => {
            format!("put the file in the data/ folder as {stem}.{extension}")
        }
        None => format!(
            "the .{extension} files in data/ are: {}",
            candidates.join(", ")
        ),
    };
    Err(Problem::setting(
        key,
        format!("there is no data file data/{stem}.{extension}"),
        hint,
    ))
}

/// `text` with `&`, `<`, `>` and quotes escaped, for HTML and SVG text and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn data_with(files: &[(&str, &str)]) -> Data {
        Data {
            value: serde_json::Value::Null,
            files: files
                .iter()
                .map(|(path, text)| SourceText::whole(*path, *text))
                .collect(),
        }
    }

    #[test]
    fn only_registered_names_are_components() {
        assert_eq!(named("chart").map(|e| e.name), Some("chart"));
        assert_eq!(named("follow {x}").map(|e| e.name), Some("follow"));
        assert!(named("rust").is_none());
        assert!(named("").is_none());
    }

    #[test]
    fn setting_problems_point_at_the_setting_line() {
        let data = data_with(&[("data/survey.csv", "Q\nYes\n")]);
        let chart = named("chart").unwrap();
        let e = draw_block(
            chart,
            "data = \"survey\"\ncolumn = \"Q2\"\n",
            &data,
            Path::new("content/a.md"),
            11,
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(12), Some(10)));
        assert!(e.message.contains("no column"), "{}", e.message);
    }

    #[test]
    fn unknown_settings_are_named_with_a_suggestion() {
        let data = data_with(&[]);
        let e = draw_block(
            named("chart").unwrap(),
            "data = \"survey\"\ncolum = \"Q\"\n",
            &data,
            Path::new("content/a.md"),
            5,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(6));
        assert!(e.message.contains("colum"), "{}", e.message);
        assert!(e.hint.unwrap().contains("column"));
    }

    #[test]
    fn missing_data_files_are_suggested() {
        let data = data_with(&[("data/survey-results.csv", "Q\nYes\n")]);
        let Err(Problem::Setting { key, message, hint }) =
            data_file(&data, "survey-result", "csv", "data", "")
        else {
            panic!("expected a setting problem");
        };
        assert_eq!(key, "data");
        assert!(message.contains("data/survey-result.csv"), "{message}");
        assert!(hint.contains("\"survey-results\""), "{hint}");
        assert!(data_file(&data, "data/survey-results.csv", "csv", "data", "").is_ok());
    }
}
