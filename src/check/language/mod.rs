//! Plain language: the `language/*` rules of `hub check`.
//!
//! A hub's posts are written by social care staff for the people they support, their
//! families and colleagues, and they should sound like a person talking, not like a memo.
//! These rules read only the page's *prose*: the text of paragraphs, list items, block quotes,
//! headings and footnotes. They leave out what is not prose: code blocks, inline code, raw
//! HTML, web and email addresses, social media @handles, image alt text (the accessibility
//! rules look at that) and tables (a table is a grid of short items, not sentences). Every
//! finding is a warning; the caller turns off the whole family for a page or a passage with
//! `<!-- hub:allow language -->`.
//!
//! The rules:
//!
//! * `language/long-sentence`: a sentence of more than [`LONG_SENTENCE_WORDS`] words, reported
//!   where the sentence starts.
//! * `language/average-sentence`: on a page of at least [`AVERAGE_MIN_SENTENCES`] sentences,
//!   an average of more than [`AVERAGE_SENTENCE_WORDS`] words a sentence, reported at the
//!   start of the body.
//! * `language/readability`: a Flesch reading ease below [`READABILITY_FLOOR`] on a page of
//!   more than [`READABILITY_MIN_WORDS`] words, reported at the start of the body.
//!   FRE = 206.835 − 1.015 × (words / sentences) − 84.6 × (syllables / words); syllables come
//!   from the heuristic in [`readability::syllables`].
//! * `language/officialese`: each use of a word or phrase from
//!   [`OFFICIALESE`](super::words::language::OFFICIALESE), with a plainer
//!   one to use instead.
//! * `language/wall-of-text`: [`WALL_PARAGRAPHS`] or more paragraphs in a row with nothing to
//!   break them up, reported at the first of them.
//!
//! How text is cut up:
//!
//! * A *word* is a run of letters, digits and apostrophes (`'` and `’`) holding at least one
//!   letter or digit; a `.` between two letters or digits stays inside the word (`3.5`,
//!   `e.g.`), and so does a `,` between two digits (`1,000`). A hyphen separates words
//!   (`well-being` is two).
//! * A *sentence* ends at `.`, `!` or `?` (with any closing quotes or brackets after it)
//!   followed by a space or the end of the text, and at the end of every paragraph, list item,
//!   heading and footnote; so a heading or a list item without a full stop is a sentence of
//!   its own. A full stop after an abbreviation (`Mr.`, `Dr.`, `etc.`, `e.g.`,
//!   `i.e.`, a single initial such as `J.`) does not end a sentence, and neither does a
//!   decimal point (`3.5`). An ellipsis (`…`, which smart punctuation makes of `...`)
//!   does not end a sentence.

//!
//! Each concern has its own file: `prose` reads the prose out of the Markdown, `sentences`
//! cuts it into words and sentences, `readability` counts syllables for the reading-ease
//! score, and `officialese` finds the memo words of the table in `check::words::language`.
//! This file holds the thresholds, runs the rules and finds walls of text.

mod officialese;
mod prose;
mod readability;
mod sentences;

use std::ops::Range;

use pulldown_cmark::Event;

#[cfg(test)]
use super::words::language::OFFICIALESE;
use super::RawFinding;
use crate::rules::{self, Rule};
use crate::source::SourceText;
use officialese::officialese_in;
use prose::{Block, Prose};
#[cfg(test)]
use sentences::{sentence_ranges, words};
use sentences::{sentences_of, Sentence, Stats};

// The family's rule names, short for the tests of this family.
#[cfg(test)]
const LONG_SENTENCE: &str = rules::LANGUAGE_LONG_SENTENCE.id;
#[cfg(test)]
const AVERAGE_SENTENCE: &str = rules::LANGUAGE_AVERAGE_SENTENCE.id;
#[cfg(test)]
const READABILITY: &str = rules::LANGUAGE_READABILITY.id;
#[cfg(test)]
const OFFICIALESE_RULE: &str = rules::LANGUAGE_OFFICIALESE.id;
#[cfg(test)]
const WALL_OF_TEXT: &str = rules::LANGUAGE_WALL_OF_TEXT.id;

/// A sentence longer than this many words is reported.
const LONG_SENTENCE_WORDS: usize = 40;
/// An average sentence longer than this many words is reported…
const AVERAGE_SENTENCE_WORDS: f64 = 25.0;
/// …on pages with at least this many sentences.
const AVERAGE_MIN_SENTENCES: usize = 5;
/// A Flesch reading ease below this is reported…
const READABILITY_FLOOR: f64 = 50.0;
/// …on pages with more than this many words of prose.
const READABILITY_MIN_WORDS: usize = 150;
/// This many paragraphs in a row, or more, make a wall of text.
const WALL_PARAGRAPHS: usize = 5;

/// Reports the page's plain-language problems, in the order they appear.
pub(super) fn check(page: &SourceText, events: &[(Event<'_>, Range<usize>)]) -> Vec<RawFinding> {
    let body = page.body();
    let prose = Prose::read(body, events);
    let base = page.body_start;
    let mut findings = Vec::new();

    let sentences: Vec<Sentence> = prose.units.iter().flat_map(sentences_of).collect();
    for sentence in &sentences {
        if sentence.words > LONG_SENTENCE_WORDS {
            findings.push(warning(
                base + sentence.start,
                &rules::LANGUAGE_LONG_SENTENCE,
                format!(
                    "This sentence is {} words long, and a sentence of more than {LONG_SENTENCE_WORDS} words is hard to follow, especially on a phone.",
                    sentence.words
                ),
                rules::LANGUAGE_LONG_SENTENCE.fixed_fix().to_string(),
            ));
        }
    }

    let stats = Stats::of(&sentences);
    if stats.sentences >= AVERAGE_MIN_SENTENCES && stats.average() > AVERAGE_SENTENCE_WORDS {
        findings.push(warning(
            base,
            &rules::LANGUAGE_AVERAGE_SENTENCE,
            format!(
                "Sentences on this page average {:.1} words, more than the {AVERAGE_SENTENCE_WORDS} that most readers manage comfortably.",
                stats.average()
            ),
            rules::LANGUAGE_AVERAGE_SENTENCE.fixed_fix().to_string(),
        ));
    }
    if stats.words > READABILITY_MIN_WORDS {
        let score = stats.reading_ease();
        if score < READABILITY_FLOOR {
            findings.push(warning(
                base,
                &rules::LANGUAGE_READABILITY,
                format!(
                    "This page scores {score:.0} for reading ease (Flesch), below {READABILITY_FLOOR}, so many readers will find it hard going."
                ),
                rules::LANGUAGE_READABILITY.fixed_fix().to_string(),
            ));
        }
    }

    for unit in &prose.units {
        for hit in officialese_in(&unit.text) {
            let found = unit.text[hit.range.clone()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            findings.push(warning(
                base + unit.source(hit.range.start),
                &rules::LANGUAGE_OFFICIALESE,
                format!("“{found}” sounds like an official memo rather than a person talking."),
                format!("Try {} instead.", hit.suggestion),
            ));
        }
    }

    for (start, count) in walls(&prose.blocks) {
        findings.push(warning(
            base + start,
            &rules::LANGUAGE_WALL_OF_TEXT,
            format!(
                "{count} paragraphs in a row with no heading, list or picture between them make a wall of text that readers skip."
            ),
            rules::LANGUAGE_WALL_OF_TEXT.fixed_fix().to_string(),
        ));
    }

    findings.sort_by(|a, b| a.offset.cmp(&b.offset).then(a.rule.cmp(b.rule)));
    findings
}

fn warning(offset: usize, rule: &Rule, message: String, fix: String) -> RawFinding {
    RawFinding {
        offset,
        rule: rule.id,
        severity: rule.severity,
        message,
        fix,
    }
}

// ---------------------------------------------------------------------------------------------
// Walls of text.

/// Each run of [`WALL_PARAGRAPHS`] or more top-level paragraphs with nothing between them
/// but invisible things (HTML comments): the first paragraph's body offset and the run's length.
fn walls(blocks: &[Block]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let mut end_run = |run: &mut Option<(usize, usize)>| {
        if let Some((start, count)) = run.take() {
            if count >= WALL_PARAGRAPHS {
                out.push((start, count));
            }
        }
    };
    for block in blocks {
        match *block {
            Block::Paragraph(start) => match run.as_mut() {
                Some((_, count)) => *count += 1,
                None => run = Some((start, 1)),
            },
            Block::Break => end_run(&mut run),
            Block::Invisible => {}
        }
    }
    end_run(&mut run);
    out
}

#[cfg(test)]
mod tests;
