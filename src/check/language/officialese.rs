//! Officialese: the memo words of `check::words::language::OFFICIALESE` turned into regular
//! expressions (with their inflections), and found in prose outside quotation marks.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::readability::is_vowel;
use crate::check::words::language::OFFICIALESE;

pub(super) struct Pattern {
    pub(super) regex: Regex,
    pub(super) suggestion: &'static str,
    /// The `~` mark: not reported as a noun after an article.
    pub(super) verb_only: bool,
}

/// The forms `word*` stands for: the word, its plural or -s form, -ed and -ing.
pub(super) fn inflections(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    let chars: Vec<char> = word.chars().collect();
    let last = chars.last().copied().unwrap_or(' ');
    let before_last = chars.len().checked_sub(2).map(|i| chars[i]);
    if last == 'e' {
        let stem = &word[..word.len() - 1];
        forms.extend([format!("{word}s"), format!("{word}d"), format!("{stem}ing")]);
    } else if last == 'y' && before_last.is_some_and(|c| !is_vowel(c)) {
        let stem = &word[..word.len() - 1];
        forms.extend([
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{word}ing"),
        ]);
    } else if word.ends_with("ch") || word.ends_with("sh") || matches!(last, 's' | 'x' | 'z') {
        forms.extend([
            format!("{word}es"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]);
    } else {
        forms.extend([
            format!("{word}s"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]);
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
}

/// The regular expression for a phrase in [`OFFICIALESE`]'s notation.
pub(super) fn phrase_regex(phrase: &str) -> String {
    let phrase = phrase.trim_start_matches('~');
    let parts: Vec<String> = phrase
        .split(' ')
        .map(|token| {
            if token == "…" {
                return r"[\w’']+(?:\s+[\w’']+){0,2}".to_string();
            }
            let mut alternatives: Vec<String> = token
                .split('/')
                .flat_map(|alt| match alt.strip_suffix('*') {
                    Some(word) => inflections(word),
                    None => vec![alt.to_string()],
                })
                .collect();
            alternatives.sort_by_key(|f| std::cmp::Reverse(f.len()));
            let escaped: Vec<String> = alternatives.iter().map(|a| regex::escape(a)).collect();
            format!("(?:{})", escaped.join("|"))
        })
        .collect();
    // ASCII word boundaries: the phrases are English words, and unlike Unicode ones they let
    // the regex engine use its fast automaton (the Unicode form made `hub check` several
    // times slower on a large site).
    format!(r"(?i)(?-u:\b){}(?-u:\b)", parts.join(r"[\s\-]+"))
}

/// All the phrase patterns in one set, to find in one pass which (if any) occur in a text.
pub(super) fn pattern_set() -> &'static regex::RegexSet {
    static SET: OnceLock<regex::RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        regex::RegexSet::new(OFFICIALESE.iter().map(|(phrase, _)| phrase_regex(phrase)))
            .expect("officialese patterns")
    })
}

pub(super) fn patterns() -> &'static [Pattern] {
    static PATTERNS: OnceLock<Vec<Pattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        OFFICIALESE
            .iter()
            .map(|(phrase, suggestion)| Pattern {
                regex: Regex::new(&phrase_regex(phrase)).expect("officialese pattern"),
                suggestion,
                verb_only: phrase.starts_with('~'),
            })
            .collect()
    })
}

/// The stretches of `text` inside quotation marks: “…”, ‘…’, "…" or '…', each closed within
/// the same paragraph (an unclosed quote protects nothing).
///
/// Officialese in quotation marks is not reported. Quoting a word is how a writer talks
/// *about* it (We say “use”, not “utilise”) and quoting a person keeps their words as they
/// said them; either way the writer has chosen the word on purpose. A `’` followed by a
/// letter is an apostrophe (don’t), not the end of a quote.
pub(super) fn quoted(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let followed_by_letter = |k: usize| chars.get(k + 1).is_some_and(|c| c.1.is_alphanumeric());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let close = |want: fn(char) -> bool, apostrophe_like: bool| {
            (i + 1..chars.len())
                .find(|&k| want(chars[k].1) && !(apostrophe_like && followed_by_letter(k)))
        };
        let closing = match c {
            '“' => close(|c| c == '”', false),
            '"' => close(|c| c == '"', false),
            '‘' => close(|c| c == '’', true),
            '\'' if (i == 0 || !chars[i - 1].1.is_alphanumeric()) && followed_by_letter(i) => {
                close(|c| c == '\'', true)
            }
            _ => None,
        };
        match closing {
            Some(k) => {
                out.push(chars[i].0..chars[k].0 + chars[k].1.len_utf8());
                i = k + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) range: Range<usize>,
    pub(super) suggestion: &'static str,
}

/// The officialese in one unit's text, in order, leaving out quoted words and overlaps.
pub(super) fn officialese_in(text: &str) -> Vec<Hit> {
    let quotes = quoted(text);
    let mut hits: Vec<Hit> = Vec::new();
    for index in pattern_set().matches(text).iter() {
        let pattern = &patterns()[index];
        for found in pattern.regex.find_iter(text) {
            let range = found.range();
            if quotes
                .iter()
                .any(|q| q.start <= range.start && range.end <= q.end)
            {
                continue;
            }
            if pattern.verb_only && after_article(text, range.start) {
                let lower = found.as_str().to_lowercase();
                if !(lower.ends_with("ing") || lower.ends_with("ed")) {
                    continue;
                }
            }
            hits.push(Hit {
                range,
                suggestion: pattern.suggestion,
            });
        }
    }
    hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    let mut kept: Vec<Hit> = Vec::new();
    for hit in hits {
        if kept.last().is_none_or(|k| hit.range.start >= k.range.end) {
            kept.push(hit);
        }
    }
    kept
}

/// Whether the word just before byte `at` is "a", "an" or "the".
pub(super) fn after_article(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    matches!(
        before[word_start..].to_lowercase().as_str(),
        "a" | "an" | "the"
    )
}
