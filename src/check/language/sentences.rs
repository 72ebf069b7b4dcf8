//! Words and sentences: how prose is cut up for the sentence-length rules (see the module
//! above for what counts as a word and where a sentence ends), and the totals of a page.

use std::ops::Range;

use super::prose::Unit;
use super::readability::syllables;
use crate::check::words::language::ABBREVIATIONS;

pub(super) fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The byte ranges of the words in `text`: runs of letters, digits and apostrophes with at
/// least one letter or digit; `.` between two letters or digits (`3.5`, `e.g`) and `,`
/// between two digits (`1,000`) stay in the word.
pub(super) fn words(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !(c.is_alphanumeric() || is_apostrophe(c)) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut alnum = false;
        while j < chars.len() {
            let c = chars[j].1;
            let between = |ok: fn(char) -> bool| {
                j > i && ok(chars[j - 1].1) && chars.get(j + 1).is_some_and(|n| ok(n.1))
            };
            let inside = c.is_alphanumeric()
                || is_apostrophe(c)
                || (c == '.' && between(char::is_alphanumeric))
                || (c == ',' && between(|d| d.is_ascii_digit()));
            if !inside {
                break;
            }
            alnum |= c.is_alphanumeric();
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        if alnum {
            out.push(start..end);
        }
        i = j;
    }
    out
}

/// Whether the word before a full stop is an abbreviation: one in [`ABBREVIATIONS`], a single
/// letter (an initial), or letters with stops between them (e.g, i.e, a.m, U.K).
pub(super) fn is_abbreviation(token: &str) -> bool {
    let token = token
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if token.is_empty() {
        return false;
    }
    if token.chars().count() == 1 && token.chars().all(char::is_alphabetic) {
        return true;
    }
    if token.contains('.') {
        return token
            .split('.')
            .all(|part| (1..=2).contains(&part.len()) && part.chars().all(char::is_alphabetic));
    }
    ABBREVIATIONS.contains(&token.as_str())
}

/// Closing marks that may follow a sentence's `.`, `!` or `?`.
pub(super) fn is_closer(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')' | ']')
}

/// Splits one unit's text into sentences (byte ranges, including the end punctuation).
pub(super) fn sentence_ranges(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if !matches!(c, '.' | '!' | '?') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && is_closer(chars[j].1) {
            j += 1;
        }
        let at_break = j == chars.len() || chars[j].1.is_whitespace();
        let abbreviation = c == '.'
            && chars.get(i + 1).is_none_or(|n| n.1 != '.')
            && is_abbreviation(token_before(text, at));
        if at_break && !abbreviation {
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            out.push(start..end);
            start = end;
        }
        i = j;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// The run of non-space characters just before byte `at`, without opening quotes/brackets.
pub(super) fn token_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '(' | '[' | '“' | '‘' | '"'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sentence {
    /// Body offset of the sentence's first character.
    pub(super) start: usize,
    pub(super) words: usize,
    pub(super) syllables: usize,
}

pub(super) fn sentences_of(unit: &Unit) -> Vec<Sentence> {
    sentence_ranges(&unit.text)
        .into_iter()
        .filter_map(|range| {
            let text = &unit.text[range.clone()];
            let found = words(text);
            if found.is_empty() {
                return None;
            }
            let first = text.len() - text.trim_start().len();
            Some(Sentence {
                start: unit.source(range.start + first),
                words: found.len(),
                syllables: found.iter().map(|w| syllables(&text[w.clone()])).sum(),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stats {
    pub(super) sentences: usize,
    pub(super) words: usize,
    pub(super) syllables: usize,
}

impl Stats {
    pub(super) fn of(sentences: &[Sentence]) -> Stats {
        sentences.iter().fold(Stats::default(), |s, x| Stats {
            sentences: s.sentences + 1,
            words: s.words + x.words,
            syllables: s.syllables + x.syllables,
        })
    }

    pub(super) fn average(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.words as f64 / self.sentences as f64
        }
    }
}
