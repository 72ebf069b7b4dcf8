//! Words for the search index: the readable text of rendered HTML, split into words that are
//! folded (lower case, accents removed) the way the search page's script folds what people
//! type, and reduced to their stems (English, Porter2, which also handles UK spellings such
//! as "organise" and "organisation").
//!
//! The folding must match `fold` in themes/default/static/search.js exactly: a word folded
//! differently here and there could never be found. Both take a word apart into its base
//! letter and accents (Unicode NFD), drop the accents, write it in small letters and drop
//! apostrophes (so "don't" is one word, "dont").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words longer than this are not words people search for (hashes, long addresses).
pub(super) const MAX_WORD_CHARS: usize = 40;

/// Words too common to tell pages apart: left out of the index, and dropped from queries by
/// the script (which reads this list from the index, so the two cannot disagree).
pub(super) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "to", "was", "we", "were", "will", "with", "you",
    "your",
];

/// Whether `word` (folded) is one of the [`STOP_WORDS`].
pub(super) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The folded words of `text`, in order: runs of letters and digits, accents removed, in
/// small letters, apostrophes inside a word dropped.
pub(super) fn words(text: &str, mut each: impl FnMut(&str)) {
    let mut word = String::new();
    for c in text.nfd() {
        if is_combining_mark(c) || c == '\'' || c == '\u{2019}' {
            continue;
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            finish_word(&word, &mut each);
            word.clear();
        }
    }
    if !word.is_empty() {
        finish_word(&word, &mut each);
    }
}

fn finish_word(word: &str, each: &mut impl FnMut(&str)) {
    if word.chars().count() <= MAX_WORD_CHARS {
        each(word);
    }
}

/// English stems, made once per build and shared by the threads that index pages.
pub(super) struct Stemmer(rust_stemmers::Stemmer);

impl Stemmer {
    pub(super) fn english() -> Stemmer {
        Stemmer(rust_stemmers::Stemmer::create(
            rust_stemmers::Algorithm::English,
        ))
    }

    /// The stem of a folded word: "moderating" and "moderation" → "moder".
    pub(super) fn stem(&self, word: &str) -> String {
        self.0.stem(word).into_owned()
    }
}

/// Which part of a page a piece of text is in, for weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HtmlPart {
    Heading,
    Body,
}

/// Hands each run of readable text in `html` to `each`, with whether it is in a heading.
/// Markup, comments, and the insides of `<script>`, `<style>` and `<template>` are skipped;
/// character references are decoded (`&amp;` → `&`). Every tag ends a word: hub's own
/// Markdown never puts a tag inside a word.
pub(super) fn html_text(html: &str, mut each: impl FnMut(&str, HtmlPart)) {
    let mut rest = html;
    let mut heading_depth = 0usize;
    let mut text = String::new();
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            decode_into(rest, &mut text);
            break;
        };
        decode_into(&rest[..open], &mut text);
        rest = &rest[open..];
        if !text.trim().is_empty() {
            each(&text, part(heading_depth));
        }
        text.clear();
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let (closing, name) = tag_name(tag);
        if is_heading(&name) {
            heading_depth = if closing {
                heading_depth.saturating_sub(1)
            } else {
                heading_depth + 1
            };
        } else if !closing && matches!(name.as_str(), "script" | "style" | "template") {
            let close = format!("</{name}");
            rest = find_ignoring_case(rest, &close).map_or("", |at| &rest[at..]);
        }
    }
    if !text.trim().is_empty() {
        each(&text, part(heading_depth));
    }
}

fn part(heading_depth: usize) -> HtmlPart {
    if heading_depth > 0 {
        HtmlPart::Heading
    } else {
        HtmlPart::Body
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// `</h2>` → (true, "h2"); `<a href=...>` → (false, "a").
fn tag_name(tag: &str) -> (bool, String) {
    let inner = tag.trim_start_matches('<');
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name = inner
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (closing, name)
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Appends `text` with its character references decoded; an unknown one is kept as written.
fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&end| end <= 10);
        match end.and_then(|end| decode_reference(&rest[1..end])) {
            Some(c) => {
                out.push(c);
                rest = &rest[end.unwrap_or(0) + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// `amp` → '&', `#8217` → '’', `#x2019` → '’'; the few named ones Markdown output uses.
fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "rsquo" => '’',
        "lsquo" => '‘',
        "hellip" => '…',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_are_folded_without_accents_and_apostrophes() {
        assert_eq!(
            all_words("Y Ŵyl Gymraeg: Café’s DON'T, e-mail 2026!"),
            ["y", "wyl", "gymraeg", "cafes", "dont", "e", "mail", "2026"]
        );
    }

    #[test]
    fn overlong_words_are_dropped() {
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(all_words(&format!("keep {long} this")), ["keep", "this"]);
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
        assert!(is_stop_word("the") && !is_stop_word("theme"));
    }

    #[test]
    fn stems_join_forms_of_a_word_including_uk_spellings() {
        let stemmer = Stemmer::english();
        assert_eq!(stemmer.stem("moderating"), stemmer.stem("moderation"));
        assert_eq!(stemmer.stem("organise"), stemmer.stem("organisation"));
        assert_eq!(stemmer.stem("policies"), stemmer.stem("policy"));
    }

    #[test]
    fn html_text_skips_markup_and_scripts_and_marks_headings() {
        let html = "<h2 id=\"a\">Safe <em>posting</em></h2>\n<p>Tom &amp; Jerry&#8217;s <a href=\"x\">link</a></p>\
                    <!-- hidden --><script>var secret = 1;</script><STYLE>p{}</STYLE><p>end</p>";
        let mut parts = Vec::new();
        html_text(html, |text, part| {
            parts.push((text.trim().to_string(), part))
        });
        assert_eq!(
            parts,
            [
                ("Safe".into(), HtmlPart::Heading),
                ("posting".into(), HtmlPart::Heading),
                ("Tom & Jerry’s".into(), HtmlPart::Body),
                ("link".into(), HtmlPart::Body),
                ("end".into(), HtmlPart::Body),
            ]
        );
    }

    #[test]
    fn unknown_references_and_bare_ampersands_stay_as_written() {
        let mut out = String::new();
        decode_into("fish &chips; &unknownthing; &#xZZ; &", &mut out);
        assert_eq!(out, "fish &chips; &unknownthing; &#xZZ; &");
    }
}
