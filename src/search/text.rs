//! Words for the search index: the readable text of rendered HTML, split into words that are
//! folded (lower case, accents removed) the way the search page's script folds what people
//! type, and reduced to their stems (English, Porter2, which also handles UK spellings such
//! as "organise" and "organisation").
//!
//! The folding must match `fold` in themes/default/static/search.js exactly: a word folded
//! differently here and there could never be found. Both take a word apart into its base
//! letter and accents (Unicode NFD), drop the accents, write it in small letters and drop
//! apostrophes (so "don't" is one word, "dont").

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

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
    let bytes = text.as_bytes();
    let mut splitter = WordSplitter::default();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        // Most words are small ASCII letters and digits, already folded: handed on as they
        // stand in the text, without a copy. A word with a capital, an apostrophe or another
        // letter is folded letter by letter.
        let start = at;
        while at < bytes.len() && (bytes[at].is_ascii_lowercase() || bytes[at].is_ascii_digit()) {
            at += 1;
        }
        let ends_here = bytes
            .get(at)
            .is_none_or(|&next| next.is_ascii() && !next.is_ascii_alphanumeric() && next != b'\'');
        if ends_here && at > start {
            if at - start <= MAX_WORD_CHARS {
                each(&text[start..at]);
            }
            continue;
        }
        at = start + splitter.fold_one_word(&text[start..], &mut each);
    }
}

/// Folds words that need it, one at a time.
#[derive(Default)]
struct WordSplitter {
    word: String,
}

impl WordSplitter {
    /// Folds the word at the start of `text`, hands it to `each`, and returns how many bytes
    /// of `text` it took (up to the first character that ends a word).
    fn fold_one_word(&mut self, text: &str, each: &mut impl FnMut(&str)) -> usize {
        self.word.clear();
        for (at, c) in text.char_indices() {
            let ended = if c.is_ascii() {
                self.feed(c)
            } else {
                // Marks are dropped whatever their order, so decomposing letter by letter gives
                // the words that NFD of the whole text gives.
                let mut ended = false;
                decompose_canonical(c, |part| ended |= self.feed(part));
                ended
            };
            if ended {
                self.finish(each);
                return at + c.len_utf8();
            }
        }
        self.finish(each);
        text.len()
    }

    /// Adds `c` to the word; true when `c` ends it.
    fn feed(&mut self, c: char) -> bool {
        if c.is_ascii_alphanumeric() {
            self.word.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '\u{2019}' || is_combining_mark(c) {
            // Inside a word: "don't" is "dont", "é" is "e".
        } else if c.is_alphanumeric() {
            self.word.extend(c.to_lowercase());
        } else {
            return true;
        }
        false
    }

    fn finish(&mut self, each: &mut impl FnMut(&str)) {
        // Bytes first: a word is never longer in characters than in bytes.
        let fits = self.word.len() <= MAX_WORD_CHARS || self.word.chars().count() <= MAX_WORD_CHARS;
        if !self.word.is_empty() && fits {
            each(&self.word);
        }
        self.word.clear();
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
        if is_heading(name) {
            heading_depth = if closing {
                heading_depth.saturating_sub(1)
            } else {
                heading_depth + 1
            };
        } else if let Some(unread) = unread_element(name).filter(|_| !closing) {
            let close = format!("</{unread}");
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
    let bytes = name.as_bytes();
    bytes.len() == 2 && bytes[0].eq_ignore_ascii_case(&b'h') && (b'1'..=b'6').contains(&bytes[1])
}

/// `</h2>` → (true, "h2"); `<a href=...>` → (false, "a"): the name as written, in any case.
fn tag_name(tag: &str) -> (bool, &str) {
    let inner = tag.trim_start_matches('<');
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    (closing, &inner[..end])
}

/// The element whose text is never read (and must not be indexed), if `name` is one.
fn unread_element(name: &str) -> Option<&'static str> {
    ["script", "style", "template"]
        .into_iter()
        .find(|unread| unread.eq_ignore_ascii_case(name))
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Appends `text` with its character references decoded; an unknown one is kept as written.
fn decode_into(text: &str, out: &mut String) {
    if !text.contains('&') {
        out.push_str(text);
        return;
    }
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
    fn words_split_the_same_on_the_quick_path_and_the_folding_one() {
        assert_eq!(
            all_words("abc Abc a’b x2 2x é-e 'quoted' ŵ"),
            ["abc", "abc", "ab", "x2", "2x", "e", "e", "quoted", "w"]
        );
        assert_eq!(all_words("end.")[..], ["end"]);
        assert_eq!(all_words("")[..], [] as [&str; 0]);
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
