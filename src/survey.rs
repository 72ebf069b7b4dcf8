//! Self-assessment surveys: a TOML file in `data/` describes one (its answer scale, its parts
//! with their statements, and score bands with advice), a page names it with
//! `survey = "name"`, and the theme shows it as a form. This module reads and checks such a
//! file into a [`Survey`], plain data that templates get as `survey`: every problem points at
//! the file, line and column. It does no IO: the pipeline hands it the texts `data` read.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::data::Data;
use crate::error::{find_key, line_col, toml_diagnostic, Diagnostic};
use crate::site::Site;
use crate::source::SourceText;

/// The largest score one answer may be worth: keeps every total far from overflowing, and no
/// honest scale needs more.
const MAX_POINT_VALUE: i64 = 1000;

/// A checked survey, as templates see it (`survey`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Survey {
    /// The file's name without `.toml`: what pages write in `survey = "..."`.
    pub(crate) name: String,
    pub(crate) title: String,
    /// The answers every statement offers, in the order written.
    pub(crate) scale: Vec<ScalePoint>,
    pub(crate) parts: Vec<Part>,
    /// Lowest and highest possible total of the whole survey.
    pub(crate) min: i64,
    pub(crate) max: i64,
    /// Bands for the whole survey's total, lowest first (may be empty).
    pub(crate) bands: Vec<Band>,
    pub(crate) statement_count: usize,
}

/// One answer of the scale: `0` "Not yet".
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct ScalePoint {
    pub(crate) value: i64,
    pub(crate) label: String,
    /// What choosing it means, in a sentence (may be empty).
    pub(crate) meaning: String,
}

/// A part of the survey: a heading, its statements and its own bands.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Part {
    /// 1-based.
    pub(crate) number: usize,
    /// `survey-part-1`: for HTML ids.
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) statements: Vec<Statement>,
    pub(crate) min: i64,
    pub(crate) max: i64,
    /// Lowest first (may be empty).
    pub(crate) bands: Vec<Band>,
}

/// One statement to score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Statement {
    /// 1-based within its part.
    pub(crate) number: usize,
    /// `survey-part-1-statement-3`: for HTML ids and the radio group's name.
    pub(crate) id: String,
    pub(crate) text: String,
}

/// A range of totals (both ends included) and what it means.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Band {
    pub(crate) min: i64,
    pub(crate) max: i64,
    pub(crate) label: String,
    pub(crate) advice: String,
}

/// The surveys that pages name, by name, with the files they came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Surveys {
    pub(crate) by_name: BTreeMap<String, Arc<Survey>>,
    /// The survey files, as written: their texts are published, so the privacy gate reads them.
    pub(crate) files: Vec<SourceText>,
}

/// The survey a page's `survey = "..."` names: `self-assessment`, also written
/// `self-assessment.toml` or `data/self-assessment.toml`, is the file
/// `data/self-assessment.toml`.
pub(crate) fn name_of(written: &str) -> &str {
    let name = written.trim();
    let name = name.strip_prefix("data/").unwrap_or(name);
    name.strip_suffix(".toml").unwrap_or(name)
}

/// Reads and checks the survey of every page that names one. Sites without surveys pay one
/// look at each page's `survey` field.
pub(crate) fn resolve(site: &Site, data: &Data) -> Result<Surveys, Vec<Diagnostic>> {
    let mut surveys = Surveys::default();
    let mut problems = Vec::new();
    let mut failed = std::collections::BTreeSet::new();
    for page in &site.pages {
        let Some(written) = &page.source.survey else {
            continue;
        };
        let name = name_of(written).to_string();
        if surveys.by_name.contains_key(&name) || failed.contains(&name) {
            continue;
        }
        let path = Path::new(crate::data::DATA_DIR).join(format!("{name}.toml"));
        match data.files.iter().find(|f| f.path == path) {
            Some(text_file) => match parse(&name, &text_file.path, &text_file.text) {
                Ok(survey) => {
                    surveys.by_name.insert(name, Arc::new(survey));
                    surveys.files.push(text_file.clone());
                }
                Err(mut found) => {
                    failed.insert(name);
                    problems.append(&mut found);
                }
            },
            None => problems.push(missing_file(
                &page.source.file.path,
                &page.source.file.text,
                written,
                &path,
                data,
            )),
        }
    }
    if problems.is_empty() {
        Ok(surveys)
    } else {
        Err(problems)
    }
}

/// A page names a survey file that is not in `data/`.
fn missing_file(
    page_file: &Path,
    page_text: &str,
    written: &str,
    wanted: &Path,
    data: &Data,
) -> Diagnostic {
    let tomls: Vec<String> = data
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| Some(f.path.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    let wanted_name = crate::error::display_path(wanted);
    let hint = match crate::suggest::closest(written, tomls.iter().map(String::as_str)) {
        Some(meant) => format!("did you mean survey = \"{meant}\" (data/{meant}.toml)?"),
        None => format!(
            "create {wanted_name} (docs/content.md shows what goes in it), or correct the name"
        ),
    };
    let mut d = Diagnostic::new(
        page_file,
        format!(
            "this page's survey {written:?} needs the file {wanted_name}, which does not exist"
        ),
    )
    .hint(hint);
    if let Some((line, column)) = find_key(page_text, "survey") {
        d = d.at(line, Some(column));
    }
    d
}

// What the file may hold, with where each value is written. Unknown keys are errors.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    title: Spanned<String>,
    scale: Spanned<Vec<RawPoint>>,
    parts: Spanned<Vec<RawPart>>,
    #[serde(default)]
    bands: Vec<RawBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    value: Spanned<i64>,
    label: Spanned<String>,
    #[serde(default)]
    meaning: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    title: Spanned<String>,
    statements: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    bands: Vec<RawBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min: Spanned<i64>,
    max: Spanned<i64>,
    label: Spanned<String>,
    #[serde(default)]
    advice: String,
}

/// Problems found in one file, each pointed at a place in it.
struct Problems<'a> {
    path: &'a Path,
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn at<T>(&mut self, place: &Spanned<T>, message: String, hint: impl Into<String>) {
        let (line, column) = line_col(self.text, place.span().start);
        self.found.push(
            Diagnostic::new(self.path, message)
                .at(line, Some(column))
                .hint(hint),
        );
    }

    /// Reports an empty text; returns it trimmed.
    fn text(&mut self, value: &Spanned<String>, what: &str, hint: &str) -> String {
        let text = value.get_ref().trim();
        if text.is_empty() {
            self.at(value, format!("{what} has no text"), hint);
        }
        text.to_string()
    }
}

/// Reads and checks one survey file (`path` for messages, relative to the site root).
pub(crate) fn parse(name: &str, path: &Path, text: &str) -> Result<Survey, Vec<Diagnostic>> {
    let raw: RawSurvey =
        toml::from_str(text).map_err(|e| vec![toml_diagnostic(path, text, 0, &e)])?;
    let mut problems = Problems {
        path,
        text,
        found: Vec::new(),
    };
    let title = problems.text(
        &raw.title,
        "the survey's `title`",
        "write the survey's name, e.g. title = \"Social media practice self-assessment\"",
    );
    let scale = check_scale(&mut problems, &raw.scale);
    // Bands are judged against the totals the scale allows: with a broken scale, every band
    // would look wrong too, and the one real mistake would be lost among them.
    let scale_is_sound = problems.found.is_empty();
    let (lowest, highest) = match (
        scale.iter().map(|p| p.value).min(),
        scale.iter().map(|p| p.value).max(),
    ) {
        (Some(lowest), Some(highest)) => (lowest, highest),
        _ => (0, 0),
    };
    if raw.parts.get_ref().is_empty() {
        problems.at(
            &raw.parts,
            "the survey has no parts".into(),
            "add a part: [[parts]] with a title and statements = [\"...\"]",
        );
    }
    let mut parts = Vec::new();
    for (index, raw_part) in raw.parts.get_ref().iter().enumerate() {
        let number = index + 1;
        let part_title = problems.text(
            &raw_part.title,
            &format!("the title of part {number}"),
            "write the part's heading, e.g. title = \"Confidentiality and consent\"",
        );
        if raw_part.statements.get_ref().is_empty() {
            problems.at(
                &raw_part.statements,
                format!("part {number} has no statements"),
                "list the statements to score, e.g. statements = [\"We reply within a working day.\"]",
            );
        }
        let statements: Vec<Statement> = raw_part
            .statements
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, statement)| Statement {
                number: i + 1,
                id: format!("survey-part-{number}-statement-{}", i + 1),
                text: problems.text(
                    statement,
                    &format!("statement {} of part {number}", i + 1),
                    "write the statement, or remove the empty \"\" from the list",
                ),
            })
            .collect();
        let count = statements.len() as i64;
        let (min, max) = (lowest * count, highest * count);
        let whose = format!("part {number} ({part_title:?})");
        let bands = if scale_is_sound {
            check_bands(&mut problems, &raw_part.bands, &whose, min, max)
        } else {
            Vec::new()
        };
        parts.push(Part {
            number,
            id: format!("survey-part-{number}"),
            title: part_title,
            statements,
            min,
            max,
            bands,
        });
    }
    let statement_count: usize = parts.iter().map(|p| p.statements.len()).sum();
    let (min, max) = (
        lowest * statement_count as i64,
        highest * statement_count as i64,
    );
    let bands = if scale_is_sound {
        check_bands(&mut problems, &raw.bands, "the whole survey", min, max)
    } else {
        Vec::new()
    };
    if !problems.found.is_empty() {
        return Err(problems.found);
    }
    Ok(Survey {
        name: name.to_string(),
        title,
        scale,
        parts,
        min,
        max,
        bands,
        statement_count,
    })
}

fn check_scale(problems: &mut Problems<'_>, raw: &Spanned<Vec<RawPoint>>) -> Vec<ScalePoint> {
    let points = raw.get_ref();
    if points.len() < 2 {
        problems.at(
            raw,
            format!(
                "the scale has {} point{}: a statement needs at least two answers to choose from",
                points.len(),
                if points.len() == 1 { "" } else { "s" }
            ),
            "add [[scale]] tables, each with a value and a label, e.g. 0 \"Not yet\", 1 \"Partly\", 2 \"Yes\"",
        );
    }
    let mut seen: BTreeMap<i64, &str> = BTreeMap::new();
    let mut scale = Vec::new();
    for point in points {
        let value = *point.value.get_ref();
        let label = problems.text(
            &point.label,
            &format!("the label of the scale's point {value}"),
            "write what choosing it means in a word or two, e.g. label = \"Partly\"",
        );
        if !(0..=MAX_POINT_VALUE).contains(&value) {
            problems.at(
                &point.value,
                format!(
                    "a scale value must be a whole number from 0 to {MAX_POINT_VALUE}, not {value}"
                ),
                "number the answers from 0 up, e.g. 0, 1, 2",
            );
        } else if let Some(other) = seen.insert(value, point.label.get_ref()) {
            problems.at(
                &point.value,
                format!(
                    "two points of the scale are worth {value} (\"{other}\" and {:?})",
                    point.label.get_ref()
                ),
                "give each point of the scale its own value",
            );
        }
        scale.push(ScalePoint {
            value,
            label,
            meaning: point.meaning.trim().to_string(),
        });
    }
    scale
}

/// Checks that `raw` bands each lie within `min..=max` and together cover it exactly once;
/// returns them lowest first. No bands at all is allowed: the form then shows the total alone.
fn check_bands(
    problems: &mut Problems<'_>,
    raw: &[RawBand],
    whose: &str,
    min: i64,
    max: i64,
) -> Vec<Band> {
    let mut sorted: Vec<&RawBand> = raw.iter().collect();
    sorted.sort_by_key(|b| (*b.min.get_ref(), *b.max.get_ref()));
    let range = format!("the scores of {whose} run from {min} to {max}");
    let mut well_formed = true;
    for band in &sorted {
        let (low, high) = (*band.min.get_ref(), *band.max.get_ref());
        problems.text(
            &band.label,
            &format!("the band {low} to {high} of {whose}"),
            "name the band in a few words, e.g. label = \"Good foundations\"",
        );
        if low > high {
            problems.at(
                &band.min,
                format!("this band of {whose} starts at {low} but ends at {high}, below its start"),
                "write the lower score as min and the higher as max",
            );
            well_formed = false;
        } else if low < min || high > max {
            let (place, value) = if low < min {
                (&band.min, low)
            } else {
                (&band.max, high)
            };
            problems.at(
                place,
                format!(
                    "this band of {whose} goes to {value}, outside the possible scores: {range}"
                ),
                format!("keep every band's min and max between {min} and {max}"),
            );
            well_formed = false;
        }
    }
    if !well_formed || sorted.is_empty() {
        return Vec::new();
    }
    let uncovered = |from: i64, to: i64| {
        if from == to {
            format!("the score {from} of {whose} is in no band")
        } else {
            format!("the scores {from} to {to} of {whose} are in no band")
        }
    };
    let first = sorted[0];
    if *first.min.get_ref() > min {
        problems.at(
            &first.min,
            uncovered(min, first.min.get_ref() - 1),
            format!("start the lowest band at {min}: {range}"),
        );
    }
    for pair in sorted.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let (end, start) = (*before.max.get_ref(), *after.min.get_ref());
        if start > end + 1 {
            problems.at(
                &after.min,
                uncovered(end + 1, start - 1),
                format!(
                    "start this band at {} (just after the band that ends at {end}), or end that band at {}",
                    end + 1,
                    start - 1
                ),
            );
        } else if start <= end {
            let overlap_end = end.min(*after.max.get_ref());
            let scores = if start == overlap_end {
                format!("the score {start}")
            } else {
                format!("the scores {start} to {overlap_end}")
            };
            problems.at(
                &after.min,
                format!(
                    "{scores} of {whose} would be in two bands ({:?} and {:?})",
                    before.label.get_ref(),
                    after.label.get_ref()
                ),
                format!(
                    "start this band at {} (just after the band that ends at {end}), so that each score is in one band",
                    end + 1
                ),
            );
        }
    }
    let last = sorted[sorted.len() - 1];
    let top = sorted.iter().map(|b| *b.max.get_ref()).max().unwrap_or(max);
    if top < max {
        problems.at(
            &last.max,
            uncovered(top + 1, max),
            format!("end the highest band at {max}: {range}"),
        );
    }
    sorted
        .into_iter()
        .map(|b| Band {
            min: *b.min.get_ref(),
            max: *b.max.get_ref(),
            label: b.label.get_ref().trim().to_string(),
            advice: b.advice.trim().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"title = "Practice check"

[[scale]]
value = 0
label = "Not yet"

[[scale]]
value = 1
label = "Partly"

[[scale]]
value = 2
label = "Yes"

[[bands]]
min = 0
max = 5
label = "Start here"
advice = "Pick one thing."

[[bands]]
min = 6
max = 8
label = "Strong"

[[parts]]
title = "Purpose"
statements = ["We know who the account is for.", "Two people can log in."]

[[parts.bands]]
min = 0
max = 2
label = "Start here"
advice = "Agree an owner."

[[parts.bands]]
min = 3
max = 4
label = "Good"

[[parts]]
title = "Privacy"
statements = ["We ask before every photo.", "We hide comments with personal details."]
"#;

    fn parse_text(text: &str) -> Result<Survey, Vec<Diagnostic>> {
        parse("check", Path::new("data/check.toml"), text)
    }

    fn problem(text: &str) -> Diagnostic {
        let mut found = parse_text(text).expect_err("a problem");
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    fn place(d: &Diagnostic) -> (usize, usize) {
        (d.line.unwrap_or(0), d.column.unwrap_or(0))
    }

    #[test]
    fn a_good_survey_becomes_the_model() {
        let survey = parse_text(GOOD).unwrap();
        assert_eq!(survey.title, "Practice check");
        assert_eq!(survey.scale.len(), 3);
        assert_eq!(survey.parts.len(), 2);
        assert_eq!((survey.min, survey.max, survey.statement_count), (0, 8, 4));
        assert_eq!((survey.parts[0].min, survey.parts[0].max), (0, 4));
        assert_eq!(survey.parts[0].bands[1].label, "Good");
        assert!(survey.parts[1].bands.is_empty());
        assert_eq!(
            survey.parts[1].statements[1].id,
            "survey-part-2-statement-2"
        );
        assert_eq!(survey.bands[0].advice, "Pick one thing.");
    }

    #[test]
    fn a_gap_between_bands_names_the_missing_scores_at_the_next_band() {
        let d = problem(&GOOD.replace("min = 6\nmax = 8", "min = 7\nmax = 8"));
        assert_eq!(d.message, "the score 6 of the whole survey is in no band");
        assert_eq!(place(&d), (22, 7));
        assert!(d.hint.unwrap().starts_with("start this band at 6"));
    }

    #[test]
    fn overlapping_bands_are_an_error() {
        let d = problem(&GOOD.replace("min = 3\nmax = 4", "min = 2\nmax = 4"));
        assert_eq!(
            d.message,
            "the score 2 of part 1 (\"Purpose\") would be in two bands (\"Start here\" and \"Good\")"
        );
        assert_eq!(place(&d), (37, 7));
    }

    #[test]
    fn a_band_outside_the_possible_scores_is_an_error() {
        let d = problem(&GOOD.replace("min = 6\nmax = 8", "min = 6\nmax = 10"));
        assert_eq!(
            d.message,
            "this band of the whole survey goes to 10, outside the possible scores: the scores of the whole survey run from 0 to 8"
        );
        assert_eq!(place(&d), (23, 7));
    }

    #[test]
    fn bands_that_stop_short_leave_the_top_uncovered() {
        let d = problem(&GOOD.replace("min = 6\nmax = 8", "min = 6\nmax = 7"));
        assert_eq!(d.message, "the score 8 of the whole survey is in no band");
        assert_eq!(place(&d), (23, 7));
        let d = problem(&GOOD.replace("min = 0\nmax = 5", "min = 1\nmax = 5"));
        assert_eq!(d.message, "the score 0 of the whole survey is in no band");
    }

    #[test]
    fn a_statement_with_no_text_is_pointed_at() {
        let d = problem(&GOOD.replace("\"Two people can log in.\"", "\"  \""));
        assert_eq!(d.message, "statement 2 of part 1 has no text");
        assert_eq!(place(&d), (28, 50));
    }

    #[test]
    fn a_scale_needs_two_points() {
        let one = GOOD.replace(
            "[[scale]]\nvalue = 1\nlabel = \"Partly\"\n\n[[scale]]\nvalue = 2\nlabel = \"Yes\"\n\n",
            "",
        );
        let d = problem(&one);
        assert_eq!(
            d.message,
            "the scale has 1 point: a statement needs at least two answers to choose from"
        );
        assert_eq!(place(&d), (3, 1));
        let d = problem(&GOOD.replace("value = 2", "value = 1"));
        assert!(d.message.starts_with("two points of the scale are worth 1"));
    }

    #[test]
    fn an_unknown_key_gets_a_suggestion() {
        let d = problem(&GOOD.replace(
            "advice = \"Pick one thing.\"",
            "advise = \"Pick one thing.\"",
        ));
        assert_eq!(d.message, "unknown field `advise`; did you mean `advice`?");
        assert_eq!(place(&d), (19, 1));
    }

    #[test]
    fn survey_names_are_read_with_or_without_folder_and_extension() {
        for written in [
            "self-assessment",
            "self-assessment.toml",
            "data/self-assessment.toml",
        ] {
            assert_eq!(name_of(written), "self-assessment");
        }
    }
}
