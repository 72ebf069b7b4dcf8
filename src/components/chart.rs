//! The `chart` component: the answers in one column of a CSV file of survey results (one row
//! per response), counted and drawn as horizontal bars in inline SVG, with the same numbers
//! in a table. Labels sit above their bars, so that the chart reads at 320 px wide; every
//! number is written as text, never shown only by a bar's length or colour.

use std::collections::HashMap;

use serde::Deserialize;

use super::{data_file, escape, Component, Drawn, Problem};
use crate::data::Data;
use crate::error::{display_path, line_col, Diagnostic};

/// The settings of a chart.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Chart {
    /// The CSV file in data/, by name: `survey-results`.
    data: String,
    /// The column heading whose answers are counted.
    column: String,
    /// The chart's title; the column heading when not given.
    #[serde(default)]
    title: Option<String>,
    /// Every possible answer, in the order to show them (answers nobody gave show as 0).
    #[serde(default)]
    answers: Option<Vec<String>>,
}

/// Scales whose order is known: a column whose answers all come from one of them is shown in
/// its order, with every step (a step nobody chose shows as 0). Compared without case.
const SCALES: &[&[&str]] = &[
    &["Not yet", "Partly", "Yes"],
    &["No", "Yes"],
    &["Not at all", "A little", "Quite", "Very"],
    &[
        "Not at all confident",
        "A little confident",
        "Quite confident",
        "Very confident",
    ],
    &["Never", "Rarely", "Sometimes", "Often", "Always"],
    &["Poor", "Fair", "Good", "Very good", "Excellent"],
    &[
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ],
];

/// Number scales (ratings 1 to 5, 0 to 10) are shown with every step when they have at most
/// this many.
const MAX_NUMBER_STEPS: i64 = 11;

/// One answer and how many gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bar {
    label: String,
    count: usize,
}

/// An answer as found in the file: its text and where it is.
#[derive(Debug)]
struct Answer {
    text: String,
    line: usize,
    column: usize,
}

impl Component for Chart {
    fn draw(&self, data: &Data) -> Result<Drawn, Problem> {
        let (name, file) = data_file(
            data,
            &self.data,
            "csv",
            "data",
            "a chart counts the answers in one column of a CSV file",
        )?;
        let path = display_path(&file.path);
        let answers = column_answers(&file.text, &self.column).map_err(|e| match e {
            ColumnError::Csv(d) => Problem::DataFile(Diagnostic { path: file.path.clone(), ..d }),
            ColumnError::Missing(headings) => {
                let guess = crate::suggest::closest(
                    &self.column,
                    headings.iter().map(String::as_str),
                );
                Problem::setting(
                    "column",
                    format!("{path} has no column {:?}", self.column),
                    match guess {
                        Some(guess) => format!("did you mean {guess:?}? Write the column's heading exactly as in the file's first row"),
                        None => format!(
                            "write one of the headings of the file's first row: {}",
                            quoted_list(&headings)
                        ),
                    },
                )
            }
        })?;
        let bars = tally(&answers, self.answers.as_deref()).map_err(|answer| {
            Problem::setting(
                "answers",
                format!(
                    "{path}:{}:{} has the answer {:?}, which is not one of `answers`",
                    answer.line, answer.column, answer.text
                ),
                "add it to `answers`, or correct it in the CSV file",
            )
        })?;
        let title = self.title.as_deref().unwrap_or(self.column.trim());
        let blank = answers.iter().filter(|a| a.text.is_empty()).count();
        Ok(Drawn {
            html: chart_html(title, &bars, blank),
            links: Vec::new(),
            data_file: name,
        })
    }
}

enum ColumnError {
    Csv(Diagnostic),
    Missing(Vec<String>),
}

/// Every answer in the column headed `column` (trimmed; an
/// empty answer is a response that left the question blank).
fn column_answers(text: &str, column: &str) -> Result<Vec<Answer>, ColumnError> {
    let csv_problem = |e: csv::Error| {
        let d = Diagnostic::new("", format!("invalid CSV: {e}"))
            .hint("every row needs as many columns as the heading row");
        ColumnError::Csv(match e.position() {
            Some(p) => d.at(p.line() as usize, Some(1)),
            None => d,
        })
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headings: Vec<String> = reader
        .headers()
        .map_err(csv_problem)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let wanted = column.trim();
    let index = headings
        .iter()
        .position(|h| h == wanted)
        .or_else(|| headings.iter().position(|h| h.eq_ignore_ascii_case(wanted)))
        .ok_or_else(|| ColumnError::Missing(headings.clone()))?;
    let mut answers = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte() as usize);
                let (line, column) = line_col(text, crate::data::field_offset(text, start, index));
                answers.push(Answer {
                    text: record.get(index).unwrap_or("").trim().to_string(),
                    line,
                    column,
                });
            }
            Err(e) => return Err(csv_problem(e)),
        }
    }
    Ok(answers)
}

/// Counts the answers into bars, in the order of `order` when given (an answer not in it is
/// returned as the problem), else of a known scale or number scale, else most given first.
fn tally<'a>(answers: &'a [Answer], order: Option<&[String]>) -> Result<Vec<Bar>, &'a Answer> {
    let given: Vec<&Answer> = answers.iter().filter(|a| !a.text.is_empty()).collect();
    // Counts by answer without case, keeping the spelling first seen.
    let mut counts: HashMap<String, (String, usize)> = HashMap::new();
    let mut first_seen: Vec<String> = Vec::new();
    for answer in &given {
        let key = answer.text.to_lowercase();
        counts
            .entry(key.clone())
            .or_insert_with(|| {
                first_seen.push(key);
                (answer.text.clone(), 0)
            })
            .1 += 1;
    }
    let bars_in = |labels: &[String]| -> Vec<Bar> {
        labels
            .iter()
            .map(|label| {
                let (spelling, count) = counts
                    .get(&label.trim().to_lowercase())
                    .cloned()
                    .unwrap_or_else(|| (label.trim().to_string(), 0));
                Bar {
                    label: spelling,
                    count,
                }
            })
            .collect()
    };
    if let Some(order) = order {
        let known: Vec<String> = order.iter().map(|a| a.trim().to_lowercase()).collect();
        if let Some(stray) = given
            .iter()
            .find(|a| !known.contains(&a.text.to_lowercase()))
        {
            return Err(stray);
        }
        return Ok(bars_in(order));
    }
    if let Some(numbers) = first_seen
        .iter()
        .map(|k| k.parse::<i64>().ok())
        .collect::<Option<Vec<i64>>>()
    {
        let (min, max) = (
            numbers.iter().copied().min().unwrap_or(0),
            numbers.iter().copied().max().unwrap_or(0),
        );
        let labels: Vec<String> = if max - min < MAX_NUMBER_STEPS {
            (min..=max).map(|n| n.to_string()).collect()
        } else {
            let mut sorted = numbers.clone();
            sorted.sort_unstable();
            sorted.iter().map(|n| n.to_string()).collect()
        };
        // "05" and "5" are the same rating; the spelling in the file is kept.
        let by_number: HashMap<i64, (String, usize)> = counts
            .values()
            .filter_map(|(spelling, count)| {
                Some((spelling.parse::<i64>().ok()?, (spelling.clone(), *count)))
            })
            .collect();
        return Ok(labels
            .iter()
            .map(|label| {
                let n: i64 = label.parse().unwrap_or_default();
                let (label, count) = by_number.get(&n).cloned().unwrap_or((label.clone(), 0));
                Bar { label, count }
            })
            .collect());
    }
    let scale = SCALES
        .iter()
        .filter(|scale| {
            !first_seen.is_empty()
                && first_seen
                    .iter()
                    .all(|k| scale.iter().any(|step| step.to_lowercase() == *k))
        })
        .min_by_key(|scale| scale.len());
    if let Some(scale) = scale {
        let labels: Vec<String> = scale.iter().map(|s| s.to_string()).collect();
        return Ok(bars_in(&labels));
    }
    let mut bars = bars_in(
        &first_seen
            .iter()
            .map(|k| counts[k].0.clone())
            .collect::<Vec<_>>(),
    );
    bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    Ok(bars)
}

/// `"a", "b", "c"`, for hints.
fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("{i:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whole percent of `count` in `total`, rounded half up.
fn percent(count: usize, total: usize) -> usize {
    if total == 0 {
        0
    } else {
        (count * 200 + total) / (total * 2)
    }
}

/// Pixel sizes of the drawing: the SVG has no viewBox, so text keeps its size at any width
/// while bars are drawn in percent of the width.
const FONT_SIZE: usize = 16;
const LINE_HEIGHT: usize = 22;
const BAR_HEIGHT: usize = 20;
const GAP: usize = 14;
/// Labels are wrapped at about this many characters, to fit 288 px (a 320 px screen less
/// the page's margins).
const WRAP_AT: usize = 30;
/// The bars' colour: the theme's link blue, 8.3:1 on white (WCAG 1.4.11 asks 3:1). The
/// theme's style sheet may change it through the `chart-bar` class.
const BAR_COLOUR: &str = "#1a4b9b";

/// The chart: a figure with its title, the SVG bars and a table of the same numbers.
fn chart_html(title: &str, bars: &[Bar], blank: usize) -> String {
    let answered: usize = bars.iter().map(|b| b.count).sum();
    let most = bars.iter().map(|b| b.count).max().unwrap_or(0);
    let title_html = escape(title);
    let responses = match answered {
        1 => "1 answer".to_string(),
        n => format!("{n} answers"),
    };
    let blank_note = match blank {
        0 => String::new(),
        1 => "; 1 response left it blank".to_string(),
        n => format!("; {n} responses left it blank"),
    };
    let mut svg_rows = String::new();
    let mut table_rows = String::new();
    let mut y = 0;
    for bar in bars {
        let share = percent(bar.count, answered);
        let lines = label_lines(&bar.label, &format!("{} ({share}%)", bar.count));
        svg_rows.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"{FONT_SIZE}\" fill=\"currentColor\">",
            y + FONT_SIZE
        ));
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0 } else { LINE_HEIGHT };
            svg_rows.push_str(&format!(
                "<tspan x=\"0\" dy=\"{dy}\">{}</tspan>",
                escape(line)
            ));
        }
        svg_rows.push_str("</text>");
        y += lines.len() * LINE_HEIGHT + 2;
        let width = if most == 0 {
            0.0
        } else {
            bar.count as f64 * 100.0 / most as f64
        };
        svg_rows.push_str(&format!(
            "<rect class=\"chart-bar\" x=\"0\" y=\"{y}\" width=\"{width:.1}%\" height=\"{BAR_HEIGHT}\" fill=\"{BAR_COLOUR}\" data-count=\"{}\"/>",
            bar.count
        ));
        y += BAR_HEIGHT + GAP;
        table_rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{share}%</td></tr>\n",
            escape(&bar.label),
            bar.count
        ));
    }
    let height = y.saturating_sub(GAP) + 2;
    format!(
        concat!(
            "<figure class=\"chart\">\n",
            "<figcaption>{title} <span class=\"chart-total\">({responses}{blank})</span></figcaption>\n",
            "<svg class=\"chart-bars\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Bar chart: {title}. The numbers are in the table that follows.\" width=\"100%\" height=\"{height}\">",
            "<title>Bar chart: {title}</title>{rows}</svg>\n",
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table: {title}\">\n",
            "<table class=\"chart-table\">\n<caption>In numbers: {title}</caption>\n",
            "<thead><tr><th scope=\"col\">Answer</th><th scope=\"col\">Number</th><th scope=\"col\">Share of answers</th></tr></thead>\n",
            "<tbody>\n{table}</tbody>\n</table>\n</div>\n</figure>\n"
        ),
        title = title_html,
        responses = responses,
        blank = blank_note,
        height = height,
        rows = svg_rows,
        table = table_rows,
    )
}

/// A bar's label as lines: the answer, wrapped, then its numbers, on the last line when they
/// fit there (a number is never split from its percentage).
fn label_lines(label: &str, numbers: &str) -> Vec<String> {
    let mut lines = wrap(&format!("{label}:"), WRAP_AT);
    match lines.last_mut() {
        Some(last) if last.chars().count() + 1 + numbers.chars().count() <= WRAP_AT => {
            last.push(' ');
            last.push_str(numbers);
        }
        _ => lines.push(numbers.to_string()),
    }
    lines
}

/// Splits `text` into lines of at most about `width` characters, at spaces. Hand-written:
/// the only wrapping needed is this one, of short labels.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(texts: &[&str]) -> Vec<Answer> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Answer {
                text: t.to_string(),
                line: i + 2,
                column: 1,
            })
            .collect()
    }

    fn counted(bars: &[Bar]) -> Vec<(&str, usize)> {
        bars.iter().map(|b| (b.label.as_str(), b.count)).collect()
    }

    #[test]
    fn known_scales_keep_their_order_and_show_every_step() {
        let a = answers(&["Very", "quite", "Quite", "", "A little"]);
        let bars = tally(&a, None).unwrap();
        assert_eq!(
            counted(&bars),
            [
                ("Not at all", 0),
                ("A little", 1),
                ("quite", 2),
                ("Very", 1)
            ]
        );
    }

    #[test]
    fn numbers_are_in_numeric_order_with_gaps_filled() {
        let a = answers(&["5", "3", "10", "3"]);
        let bars = tally(&a, None).unwrap();
        assert_eq!(bars.len(), 8);
        assert_eq!(
            bars[0],
            Bar {
                label: "3".into(),
                count: 2
            }
        );
        assert_eq!(
            bars[7],
            Bar {
                label: "10".into(),
                count: 1
            }
        );
    }

    #[test]
    fn other_answers_are_most_given_first() {
        let a = answers(&["Facebook", "LinkedIn", "LinkedIn", "Bluesky"]);
        let bars = tally(&a, None).unwrap();
        assert_eq!(
            counted(&bars),
            [("LinkedIn", 2), ("Bluesky", 1), ("Facebook", 1)]
        );
    }

    #[test]
    fn listed_answers_set_the_order_and_catch_strays() {
        let order = ["High".to_string(), "Low".to_string()];
        let a = answers(&["Low", "low", "High"]);
        assert_eq!(
            counted(&tally(&a, Some(&order)).unwrap()),
            [("High", 1), ("Low", 2)]
        );
        let a = answers(&["Low", "Hihg"]);
        let stray = tally(&a, Some(&order)).unwrap_err();
        assert_eq!((stray.text.as_str(), stray.line), ("Hihg", 3));
    }

    #[test]
    fn answers_know_their_line_and_column() {
        let text = "id,\"Q, one\"\n1,Yes\n\"2\",\"No, never\"\n";
        let found = column_answers(text, "Q, one").ok().unwrap();
        let at: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|a| (a.text.as_str(), a.line, a.column))
            .collect();
        assert_eq!(at, [("Yes", 2, 3), ("No, never", 3, 5)]);
    }

    #[test]
    fn spreadsheet_exports_with_a_byte_order_mark_and_crlf_read_the_same() {
        let text = "\u{feff}Team,Q\r\nHome care,Yes\r\nReablement,No\r\n";
        let found = column_answers(text, "Team").ok().unwrap();
        assert_eq!(found[1].text, "Reablement");
        let found = column_answers(text, "Q").ok().unwrap();
        assert_eq!((found[1].line, found[1].column), (3, 12));
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn long_labels_wrap_at_spaces() {
        assert_eq!(
            label_lines("Neither agree nor disagree", "12 (30%)"),
            ["Neither agree nor disagree:", "12 (30%)"]
        );
        assert_eq!(label_lines("Quite", "12 (30%)"), ["Quite: 12 (30%)"]);
        assert_eq!(
            wrap("We can say in one sentence who our account is for", 30),
            ["We can say in one sentence who", "our account is for"]
        );
        assert_eq!(wrap("", 30), [""]);
    }

    #[test]
    fn the_html_escapes_and_numbers_every_bar() {
        let bars = [
            Bar {
                label: "<b>&".into(),
                count: 3,
            },
            Bar {
                label: "None".into(),
                count: 0,
            },
        ];
        let html = chart_html("Q & A", &bars, 2);
        assert!(html.contains("&lt;b&gt;&amp;: 3 (100%)"), "{html}");
        assert!(html.contains("width=\"0.0%\""), "{html}");
        assert!(
            html.contains("(3 answers; 2 responses left it blank)"),
            "{html}"
        );
        assert!(!html.contains("<b>"));
    }
}
