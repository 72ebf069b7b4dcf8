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
//!   from the heuristic in [`syllables`].
//! * `language/officialese`: each use of a word or phrase from [`OFFICIALESE`], with a plainer
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

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::rules::{self, Rule};
use super::words::language::{ABBREVIATIONS, OFFICIALESE, SYLLABLE_EXCEPTIONS};
use super::{PageText, RawFinding};

// The family's rule names, short for the code and tests of this family.
pub const LONG_SENTENCE: &str = rules::LANGUAGE_LONG_SENTENCE.id;
pub const AVERAGE_SENTENCE: &str = rules::LANGUAGE_AVERAGE_SENTENCE.id;
pub const READABILITY: &str = rules::LANGUAGE_READABILITY.id;
pub const OFFICIALESE_RULE: &str = rules::LANGUAGE_OFFICIALESE.id;
pub const WALL_OF_TEXT: &str = rules::LANGUAGE_WALL_OF_TEXT.id;

/// A sentence longer than this many words is reported.
pub const LONG_SENTENCE_WORDS: usize = 40;
/// An average sentence longer than this many words is reported…
pub const AVERAGE_SENTENCE_WORDS: f64 = 25.0;
/// …on pages with at least this many sentences.
pub const AVERAGE_MIN_SENTENCES: usize = 5;
/// A Flesch reading ease below this is reported…
pub const READABILITY_FLOOR: f64 = 50.0;
/// …on pages with more than this many words of prose.
pub const READABILITY_MIN_WORDS: usize = 150;
/// This many paragraphs in a row, or more, make a wall of text.
pub const WALL_PARAGRAPHS: usize = 5;

/// Reports the page's plain-language problems, in the order they appear.
pub fn check(page: &PageText<'_>) -> Vec<RawFinding> {
    let body = page.body();
    let prose = Prose::read(body);
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
// Reading the prose out of the Markdown.

/// Where a piece of a unit's text came from in the body.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Byte offset in [`Unit::text`] where the piece starts.
    at: usize,
    /// Byte offset in the body.
    source: usize,
    /// Whether the piece is the body's text byte for byte; if not (a smart quote, an entity,
    /// a space standing in for inline code), all of it maps to `source`.
    verbatim: bool,
}

/// The prose of one paragraph, list item, heading or footnote: a stretch that ends a sentence.
#[derive(Debug, Default)]
struct Unit {
    text: String,
    pieces: Vec<Piece>,
}

impl Unit {
    fn push(&mut self, text: &str, source: Range<usize>, body: &str) {
        let written = body.get(source.clone()).unwrap_or("");
        let (start, verbatim) = if written == text {
            (source.start, true)
        } else if let Some(i) = written.find(text).filter(|_| !text.is_empty()) {
            (source.start + i, true)
        } else {
            (source.start, false)
        };
        self.pieces.push(Piece {
            at: self.text.len(),
            source: start,
            verbatim,
        });
        self.text.push_str(text);
    }

    /// A space standing in for something that is not prose (inline code, inline HTML, a
    /// line break), so that the words either side stay apart.
    fn gap(&mut self, source: usize) {
        self.pieces.push(Piece {
            at: self.text.len(),
            source,
            verbatim: false,
        });
        self.text.push(' ');
    }

    /// Byte offset in the body of byte `at` of the text.
    fn source(&self, at: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.at <= at)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(p) if p.verbatim => p.source + (at - p.at),
            Some(p) => p.source,
            None => 0,
        }
    }
}

/// A top-level block, as far as walls of text are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A paragraph of text starting at this body offset.
    Paragraph(usize),
    /// Anything a reader sees as a break: a heading, list, block quote, code block, table,
    /// image, raw HTML, footnote or thematic break (`---`, drawn as a line).
    Break,
    /// Something not shown at all, such as an HTML comment (`<!-- more -->`).
    Invisible,
}

/// What the rules read from a page body.
#[derive(Debug, Default)]
struct Prose {
    units: Vec<Unit>,
    blocks: Vec<Block>,
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether raw HTML is nothing but comments, which readers never see.
fn only_comments(html: &str) -> bool {
    let mut rest = html.trim_start();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("<!--") else {
            return false;
        };
        let Some(end) = after.find("-->") else {
            return false;
        };
        rest = after[end + 3..].trim_start();
    }
    true
}

impl Prose {
    /// Parses the body the way hub renders it (same extensions, smart punctuation on).
    fn read(body: &str) -> Prose {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_SMART_PUNCTUATION;
        let mut prose = Prose::default();
        let mut unit = Unit::default();
        // Inside something whose text is not prose (code block, table, image, autolink).
        let mut skip = 0usize;
        // For each open link: whether it is an autolink or email link, whose text is an address.
        let mut links: Vec<bool> = Vec::new();
        let mut depth = 0usize;
        let mut html: Option<String> = None;

        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            match event {
                Event::Start(tag) => {
                    if !is_inline(&tag) {
                        prose.flush(&mut unit);
                        if depth == 0 {
                            prose.blocks.push(match tag {
                                Tag::Paragraph => Block::Paragraph(range.start),
                                _ => Block::Break,
                            });
                            if matches!(tag, Tag::HtmlBlock) {
                                html = Some(String::new());
                            }
                        }
                        depth += 1;
                    }
                    match tag {
                        Tag::Image { .. } => {
                            skip += 1;
                            // A picture in a top-level paragraph breaks up a wall of text.
                            if depth == 1 {
                                if let Some(last @ Block::Paragraph(_)) = prose.blocks.last_mut() {
                                    *last = Block::Break;
                                }
                            }
                        }
                        Tag::Link { link_type, .. } => {
                            let address = matches!(link_type, LinkType::Autolink | LinkType::Email);
                            links.push(address);
                            if address {
                                skip += 1;
                            }
                        }
                        Tag::CodeBlock(_)
                        | Tag::HtmlBlock
                        | Tag::Table(_)
                        | Tag::MetadataBlock(_) => skip += 1,
                        _ => {}
                    }
                }
                Event::End(tag) => {
                    if !is_inline_end(&tag) {
                        prose.flush(&mut unit);
                        depth = depth.saturating_sub(1);
                    }
                    match tag {
                        TagEnd::Image => skip = skip.saturating_sub(1),
                        TagEnd::Link if links.pop() == Some(true) => {
                            skip = skip.saturating_sub(1);
                        }
                        TagEnd::CodeBlock | TagEnd::Table | TagEnd::MetadataBlock(_) => {
                            skip = skip.saturating_sub(1)
                        }
                        TagEnd::HtmlBlock => {
                            skip = skip.saturating_sub(1);
                            if depth == 0 {
                                if let Some(text) = html.take() {
                                    if only_comments(&text) {
                                        if let Some(last) = prose.blocks.last_mut() {
                                            *last = Block::Invisible;
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(text) if skip == 0 => unit.push(&text, range, body),
                Event::Code(_)
                | Event::InlineHtml(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::InlineMath(_)
                    if skip == 0 =>
                {
                    unit.gap(range.start)
                }
                Event::Html(text) => {
                    if let Some(collected) = html.as_mut() {
                        collected.push_str(&text);
                    }
                }
                Event::Rule => {
                    prose.flush(&mut unit);
                    if depth == 0 {
                        prose.blocks.push(Block::Break);
                    }
                }
                _ => {}
            }
        }
        prose.flush(&mut unit);
        prose
    }

    /// Ends the current unit: keeps it if it holds any text, with addresses blanked out.
    fn flush(&mut self, unit: &mut Unit) {
        let mut done = std::mem::take(unit);
        if done.text.trim().is_empty() {
            return;
        }
        done.text = mask_addresses(&done.text);
        self.units.push(done);
    }
}

/// Blanks out web addresses, email addresses and @handles with spaces of the same byte
/// length, so that offsets into the text stay right and they count as no words. A full stop
/// or other punctuation just after an address is kept: it still ends the sentence.
fn mask_addresses(text: &str) -> String {
    static ADDRESS: OnceLock<Regex> = OnceLock::new();
    let address = ADDRESS.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>“”"]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|@\w+"#)
            .expect("address pattern")
    });
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in address.find_iter(text) {
        let matched = found
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '’']);
        let end = found.start() + matched.len();
        out.push_str(&text[last..found.start()]);
        out.extend(std::iter::repeat_n(' ', matched.len()));
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

// ---------------------------------------------------------------------------------------------
// Words, syllables and sentences.

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The byte ranges of the words in `text`: runs of letters, digits and apostrophes with at
/// least one letter or digit; `.` between two letters or digits (`3.5`, `e.g`) and `,`
/// between two digits (`1,000`) stay in the word.
fn words(text: &str) -> Vec<Range<usize>> {
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

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'á'
            | 'â'
            | 'ä'
            | 'è'
            | 'é'
            | 'ê'
            | 'ë'
            | 'ì'
            | 'í'
            | 'î'
            | 'ï'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'ö'
            | 'ù'
            | 'ú'
            | 'û'
            | 'ü'
    )
}

/// An estimate of the syllables in an English word, good enough for a reading-ease score.
///
/// Counts groups of vowels (`y` is a vowel except at the start), then: a silent final `e`
/// is taken off (make, whole) except in a consonant + `le` (table, people); `-ed` is silent
/// except after `t` or `d` (helped, wanted) or in a consonant + `led` (handled); `-es` is
/// silent except after a hissing sound (makes, places, changes) or in a consonant + `les`
/// (tables); the silent `e` of `-ely`, `-eful`, `-eness` and `-ement` goes too (lovely,
/// careful, statement); `ia`, `io` and `iu` are two syllables unless after c, g, l, n, s, t
/// or x (media, period but social, nation, million); a vowel before `-ing` is its own
/// syllable (being, going). Words of up to three letters, numbers and anything else
/// count as at least one.
pub fn syllables(word: &str) -> usize {
    // Counted for every word of every page: the letters go in a buffer on the stack, and
    // only an unusually long word needs the heap.
    let letters = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase);
    let mut buffer = ['\0'; 32];
    let mut long = Vec::new();
    let mut n = 0;
    for c in letters {
        if n < buffer.len() {
            buffer[n] = c;
        } else {
            if long.is_empty() {
                long.extend_from_slice(&buffer);
            }
            long.push(c);
        }
        n += 1;
    }
    let w: &[char] = if long.is_empty() { &buffer[..n] } else { &long };
    if n <= 3 {
        return 1;
    }
    if let Some((_, count)) = SYLLABLE_EXCEPTIONS
        .iter()
        .find(|(e, _)| e.chars().eq(w.iter().copied()))
    {
        return *count;
    }
    let vowel = |i: usize| is_vowel(w[i]) && !(i == 0 && w[i] == 'y');
    let consonant = |i: usize| !vowel(i);

    let mut count = 0usize;
    let mut i = 0;
    while i < n {
        if !vowel(i) {
            i += 1;
            continue;
        }
        count += 1;
        let run_start = i;
        if w[i] == 'i'
            && i > 0
            && i + 1 < n
            && matches!(w[i + 1], 'a' | 'o' | 'u')
            && !matches!(w[i - 1], 'c' | 'g' | 'l' | 'n' | 's' | 't' | 'x')
        {
            count += 1;
        }
        while i < n && vowel(i) {
            i += 1;
        }
        // "-ing" after a vowel: do-ing, be-ing, try-ing.
        if i == n - 2 && w[n - 2] == 'n' && w[n - 1] == 'g' && i - run_start >= 2 && w[i - 1] == 'i'
        {
            count += 1;
        }
    }

    if count > 1 {
        let ends = |s: &str| {
            let tail = s.chars().count();
            tail <= n && s.chars().eq(w[n - tail..].iter().copied())
        };
        let at = |back: usize| n - back;
        if ends("e") {
            let consonant_le = ends("le") && consonant(at(3));
            if !consonant_le && consonant(at(2)) {
                count -= 1;
            }
        } else if ends("ed") {
            let before = w[at(3)];
            let consonant_led = before == 'l' && consonant(at(4)) && w[at(4)] != 'l';
            if consonant(at(3)) && !matches!(before, 't' | 'd') && !consonant_led {
                count -= 1;
            }
        } else if ends("es") {
            let before = w[at(3)];
            let hissing = matches!(before, 's' | 'x' | 'z' | 'c' | 'g')
                || (before == 'h' && matches!(w[at(4)], 'c' | 's'));
            let consonant_les = before == 'l' && consonant(at(4));
            if consonant(at(3)) && !hissing && !consonant_les {
                count -= 1;
            }
        } else {
            for suffix in ["ely", "eful", "eness", "ement", "ements"] {
                if ends(suffix) && n > suffix.len() + 1 {
                    let before = at(suffix.len() + 1);
                    let keeps_e = suffix.starts_with("em") && w[before] == 'l';
                    if consonant(before) && !keeps_e {
                        count -= 1;
                    }
                    break;
                }
            }
        }
    }
    count.max(1)
}

/// Whether the word before a full stop is an abbreviation: one in [`ABBREVIATIONS`], a single
/// letter (an initial), or letters with stops between them (e.g, i.e, a.m, U.K).
fn is_abbreviation(token: &str) -> bool {
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
fn is_closer(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')' | ']')
}

/// Splits one unit's text into sentences (byte ranges, including the end punctuation).
fn sentence_ranges(text: &str) -> Vec<Range<usize>> {
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
fn token_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '(' | '[' | '“' | '‘' | '"'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sentence {
    /// Body offset of the sentence's first character.
    start: usize,
    words: usize,
    syllables: usize,
}

fn sentences_of(unit: &Unit) -> Vec<Sentence> {
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
struct Stats {
    sentences: usize,
    words: usize,
    syllables: usize,
}

impl Stats {
    fn of(sentences: &[Sentence]) -> Stats {
        sentences.iter().fold(Stats::default(), |s, x| Stats {
            sentences: s.sentences + 1,
            words: s.words + x.words,
            syllables: s.syllables + x.syllables,
        })
    }

    fn average(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.words as f64 / self.sentences as f64
        }
    }

    /// Flesch reading ease: higher is easier; 60–70 is plain English. The formula can go
    /// below 0 and above 100; the score is kept between them, as it is usually given.
    fn reading_ease(&self) -> f64 {
        if self.words == 0 {
            return 100.0;
        }
        let score =
            206.835 - 1.015 * self.average() - 84.6 * (self.syllables as f64 / self.words as f64);
        score.clamp(0.0, 100.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Officialese.

struct Pattern {
    regex: Regex,
    suggestion: &'static str,
    /// The `~` mark: not reported as a noun after an article.
    verb_only: bool,
}

/// The forms `word*` stands for: the word, its plural or -s form, -ed and -ing.
fn inflections(word: &str) -> Vec<String> {
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
fn phrase_regex(phrase: &str) -> String {
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
fn pattern_set() -> &'static regex::RegexSet {
    static SET: OnceLock<regex::RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        regex::RegexSet::new(OFFICIALESE.iter().map(|(phrase, _)| phrase_regex(phrase)))
            .expect("officialese patterns")
    })
}

fn patterns() -> &'static [Pattern] {
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
fn quoted(text: &str) -> Vec<Range<usize>> {
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
struct Hit {
    range: Range<usize>,
    suggestion: &'static str,
}

/// The officialese in one unit's text, in order, leaving out quoted words and overlaps.
fn officialese_in(text: &str) -> Vec<Hit> {
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
fn after_article(text: &str, at: usize) -> bool {
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
mod tests {
    use super::*;
    use crate::check::Severity;
    use std::path::Path;

    const FRONT: &str = "+++\ntitle = \"Test\"\n+++\n";

    /// The whole file for a body, and the findings for it.
    fn run(body: &str) -> (String, Vec<RawFinding>) {
        let text = format!("{FRONT}{body}");
        let page = PageText {
            path: Path::new("content/x.md"),
            text: &text,
            body_start: FRONT.len(),
        };
        let findings = check(&page);
        (text, findings)
    }

    fn rule<'a>(findings: &'a [RawFinding], name: &str) -> Vec<&'a RawFinding> {
        findings.iter().filter(|f| f.rule == name).collect()
    }

    /// A sentence of exactly `n` short words, ending in a full stop.
    fn sentence(n: usize) -> String {
        let words: Vec<&str> = [
            "We", "had", "one", "good", "day", "out", "at", "the", "park",
        ]
        .iter()
        .cycle()
        .take(n)
        .copied()
        .collect();
        format!("{}.", words.join(" "))
    }

    fn officialese(body: &str) -> Vec<(String, usize)> {
        let (text, findings) = run(body);
        rule(&findings, OFFICIALESE_RULE)
            .iter()
            .map(|f| {
                // The message quotes what was found; check it is what sits at the offset.
                let found = f.message.split(['“', '”']).nth(1).unwrap_or("").to_string();
                let first = found.split(' ').next().unwrap_or("");
                assert!(text[f.offset..].starts_with(first), "{f:?}");
                (found, f.offset)
            })
            .collect()
    }

    // --- syllables and words -----------------------------------------------------------

    #[test]
    fn syllables_of_known_words() {
        let known = [
            ("a", 1),
            ("the", 1),
            ("cat", 1),
            ("make", 1),
            ("whole", 1),
            ("free", 1),
            ("table", 2),
            ("people", 2),
            ("syllable", 3),
            ("loved", 1),
            ("helped", 1),
            ("called", 1),
            ("wanted", 2),
            ("needed", 2),
            ("handled", 2),
            ("makes", 1),
            ("types", 1),
            ("places", 2),
            ("changes", 2),
            ("tables", 2),
            ("stories", 2),
            ("lovely", 2),
            ("careful", 2),
            ("statement", 2),
            ("implement", 3),
            ("information", 4),
            ("social", 2),
            ("media", 3),
            ("period", 3),
            ("serious", 3),
            ("million", 2),
            ("going", 2),
            ("being", 2),
            ("trying", 2),
            ("family", 3),
            ("community", 4),
            ("beautiful", 3),
            ("facilitate", 4),
            ("everyone", 3),
            ("maybe", 2),
            ("Happy", 2),
            ("don’t", 1),
            ("2024", 1),
        ];
        let wrong: Vec<_> = known
            .iter()
            .filter(|(w, n)| syllables(w) != *n)
            .map(|(w, n)| format!("{w}: expected {n}, got {}", syllables(w)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn words_are_letters_digits_and_apostrophes() {
        let text = "Don’t we’re it's 3.5 and 1,000 well-being — … (ok) ''";
        let found: Vec<&str> = words(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            ["Don’t", "we’re", "it's", "3.5", "and", "1,000", "well", "being", "ok"]
        );
    }

    // --- sentences -----------------------------------------------------------------------

    fn split(text: &str) -> Vec<&str> {
        sentence_ranges(text)
            .into_iter()
            .map(|r| text[r].trim())
            .collect()
    }

    #[test]
    fn sentences_split_on_end_punctuation() {
        assert_eq!(
            split("We met. Did you come? Yes! It was “great.” Then home"),
            [
                "We met.",
                "Did you come?",
                "Yes!",
                "It was “great.”",
                "Then home"
            ]
        );
        // Smart punctuation makes `...` an ellipsis, which does not end a sentence.
        assert_eq!(split("Wait… what? Yes"), ["Wait… what?", "Yes"]);
    }

    #[test]
    fn abbreviations_and_numbers_do_not_split() {
        assert_eq!(
            split("Bring snacks, e.g. fruit, i.e. apples. Mr. Khan and Dr. Lee came at 3.5 hours, etc. and J. Smith too. Done."),
            [
                "Bring snacks, e.g. fruit, i.e. apples.",
                "Mr. Khan and Dr. Lee came at 3.5 hours, etc. and J. Smith too.",
                "Done."
            ]
        );
        // A web address ending a sentence is not an abbreviation.
        assert_eq!(
            split("See example.org. Then call."),
            ["See example.org.", "Then call."]
        );
    }

    // --- long sentences --------------------------------------------------------------------

    #[test]
    fn a_sentence_over_40_words_is_flagged_at_its_start() {
        let body = format!("Short one here. {}\n", sentence(41));
        let (text, findings) = run(&body);
        let long = rule(&findings, LONG_SENTENCE);
        assert_eq!(long.len(), 1, "{findings:#?}");
        assert_eq!(long[0].offset, FRONT.len() + "Short one here. ".len());
        assert!(text[long[0].offset..].starts_with("We had"));
        assert!(long[0].message.contains("41 words"));
        assert_eq!(long[0].severity, Severity::Warning);
    }

    #[test]
    fn sentences_of_39_and_40_words_are_fine() {
        for n in [39, 40] {
            let (_, findings) = run(&format!("{}\n", sentence(n)));
            assert!(
                rule(&findings, LONG_SENTENCE).is_empty(),
                "{n}: {findings:#?}"
            );
        }
    }

    #[test]
    fn abbreviations_keep_a_long_sentence_whole() {
        // 41 words in all, with full stops that do not end the sentence.
        let body = "We asked Mr. Jones and Dr. Patel, e.g. our two visitors, i.e. the \
                    people from the trust, to bring tea, cake, etc. and 3.5 litres of juice \
                    for the group that met on Friday in the hall by the big park.\n";
        assert_eq!(words(body).len(), 41);
        let (_, findings) = run(body);
        let long = rule(&findings, LONG_SENTENCE);
        assert_eq!(long.len(), 1, "{findings:#?}");
        assert_eq!(long[0].offset, FRONT.len());
    }

    #[test]
    fn paragraphs_list_items_and_headings_end_sentences() {
        let half = "we had a good day out at the park with the whole group and then";
        let body = format!("## {half} {half}\n\n{half} {half}\n\n- {half} {half}\n- {half} more\n");
        let (_, findings) = run(&body);
        assert!(rule(&findings, LONG_SENTENCE).is_empty(), "{findings:#?}");
        // The same words in one paragraph are one long sentence.
        let (_, findings) = run(&format!("{half} {half} {half} {half}\n"));
        assert_eq!(rule(&findings, LONG_SENTENCE).len(), 1);
    }

    #[test]
    fn long_sentence_offsets_survive_markup_and_smart_quotes() {
        let body = format!("> \"Hi,\" she said. **{}**\n", sentence(45));
        let (text, findings) = run(&body);
        let long = rule(&findings, LONG_SENTENCE);
        assert_eq!(long.len(), 1, "{findings:#?}");
        assert!(
            text[long[0].offset..].starts_with("We had one"),
            "{}",
            &text[long[0].offset..]
        );
    }

    #[test]
    fn code_does_not_count_as_words() {
        let body = format!(
            "Run `{}` now.\n\n```\n{}\n```\n",
            sentence(50),
            sentence(50)
        );
        let (_, findings) = run(&body);
        assert!(rule(&findings, LONG_SENTENCE).is_empty(), "{findings:#?}");
    }

    // --- average sentence length -----------------------------------------------------------

    #[test]
    fn average_over_25_words_is_flagged_at_the_body() {
        let body = (0..5).map(|_| sentence(30)).collect::<Vec<_>>().join(" ");
        let (_, findings) = run(&format!("{body}\n"));
        let average = rule(&findings, AVERAGE_SENTENCE);
        assert_eq!(average.len(), 1);
        assert_eq!(average[0].offset, FRONT.len());
        assert!(
            average[0].message.contains("30.0 words"),
            "{}",
            average[0].message
        );
    }

    #[test]
    fn average_needs_five_sentences_and_more_than_25() {
        let four = (0..4).map(|_| sentence(30)).collect::<Vec<_>>().join(" ");
        let (_, findings) = run(&format!("{four}\n"));
        assert!(rule(&findings, AVERAGE_SENTENCE).is_empty());
        let exactly = (0..6).map(|_| sentence(25)).collect::<Vec<_>>().join(" ");
        let (_, findings) = run(&format!("{exactly}\n"));
        assert!(rule(&findings, AVERAGE_SENTENCE).is_empty());
    }

    // --- readability -------------------------------------------------------------------------

    const PLAIN: &str = "We had a great day at the park. The sun was out and it was warm. \
        Sam brought a kite and we all took turns. Jo made tea for the group. \
        We sat on the grass and ate our lunch. Some of us went for a walk by the lake. \
        We saw ducks and a swan. Ben fed the ducks with bread. \
        After lunch we played a game of catch. Then we went back on the bus. \
        Everyone said it was the best trip of the year. We want to go back soon. \
        If you would like to come next time, let us know. You can ring the office or ask \
        your key worker. We will send out the dates next week. Bring a coat in case it \
        rains. Wear shoes you can walk in. We will have food, but you can bring your own \
        snacks too. Thank you to all the staff who helped on the day. See you next time.\n";

    const HARD: &str = "Organisational transformation necessitates comprehensive \
        consideration of interdependencies between multidisciplinary professional \
        communities. Individualised personalisation methodologies facilitate \
        collaborative decision-making. Strategic commissioning arrangements \
        incorporate preventative interventions alongside integrated accountability \
        frameworks. Operational implementation requires sophisticated understanding \
        of regulatory expectations and quality assurance mechanisms. Partnership \
        governance structures determine resource allocation priorities. ";

    fn score(body: &str) -> f64 {
        let prose = Prose::read(body);
        let sentences: Vec<Sentence> = prose.units.iter().flat_map(sentences_of).collect();
        Stats::of(&sentences).reading_ease()
    }

    #[test]
    fn short_plain_sentences_score_above_60() {
        assert!(words(PLAIN).len() > READABILITY_MIN_WORDS);
        let s = score(PLAIN);
        assert!(s > 60.0, "{s}");
        let (_, findings) = run(PLAIN);
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn hard_pages_are_flagged_with_their_score() {
        let body = HARD.repeat(4);
        assert!(words(&body).len() > READABILITY_MIN_WORDS);
        let s = score(&body);
        assert!(s < READABILITY_FLOOR, "{s}");
        let (_, findings) = run(&body);
        let readability = rule(&findings, READABILITY);
        assert_eq!(readability.len(), 1, "{findings:#?}");
        assert_eq!(readability[0].offset, FRONT.len());
        assert!(
            readability[0].message.contains(&format!("scores {s:.0}")),
            "{}",
            readability[0].message
        );
    }

    #[test]
    fn short_hard_pages_are_not_scored() {
        assert!(words(HARD).len() <= READABILITY_MIN_WORDS);
        let (_, findings) = run(HARD);
        assert!(rule(&findings, READABILITY).is_empty());
    }

    // --- officialese -----------------------------------------------------------------------

    #[test]
    fn the_list_is_long_enough_and_every_entry_matches_itself() {
        assert!(OFFICIALESE.len() >= 40, "{}", OFFICIALESE.len());
        for (phrase, suggestion) in OFFICIALESE {
            assert!(!suggestion.is_empty());
            let example = phrase
                .trim_start_matches('~')
                .replace('*', "")
                .replace("a/an", "a")
                .replace('…', "voluntary")
                .split(' ')
                .map(|t| t.split('/').next().unwrap_or(t).to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let text = format!("So we {example} today");
            let hits = officialese_in(&text);
            assert_eq!(hits.len(), 1, "{phrase}: {hits:?}");
            assert_eq!(&text[hits[0].range.clone()], example, "{phrase}");
        }
    }

    #[test]
    fn each_occurrence_is_flagged_at_its_offset_with_a_suggestion() {
        let body = "We will facilitate a session. Prior to that, please Facilitate the tea.\n";
        let (text, findings) = run(body);
        let hits = rule(&findings, OFFICIALESE_RULE);
        assert_eq!(hits.len(), 3, "{hits:#?}");
        assert_eq!(hits[0].offset, text.find("facilitate").unwrap());
        assert_eq!(hits[1].offset, text.find("Prior").unwrap());
        assert_eq!(hits[2].offset, text.find("Facilitate").unwrap());
        assert_eq!(hits[0].fix, "Try “help”, “run” or “lead” instead.");
        assert_eq!(hits[1].fix, "Try “before” instead.");
        assert!(hits[2].message.contains("“Facilitate”"));
    }

    #[test]
    fn phrases_match_across_line_breaks_and_hyphens() {
        let got = officialese("Going\nforward we will share best-practice in order\nto help.\n");
        assert_eq!(
            got.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
            ["Going forward", "best-practice", "in order to"]
        );
        assert_eq!(got[0].1, FRONT.len());
    }

    #[test]
    fn inflections_count_but_word_boundaries_hold() {
        let got = officialese(
            "This ensures it. We ensured it. Ensuring it. We ensure it.\n\n\
             Reassure people. Insurance is dull. Disabled people. Enabled people.\n",
        );
        let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            found,
            ["ensures", "ensured", "Ensuring", "ensure", "Enabled"]
        );
    }

    #[test]
    fn longer_words_get_their_own_entry() {
        let (_, findings) = run("Additionally, we have additional seats.\n");
        let hits = rule(&findings, OFFICIALESE_RULE);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].fix, "Try “also” instead.");
        assert_eq!(hits[1].fix, "Try “more” or “extra” instead.");
    }

    #[test]
    fn quoted_words_are_not_flagged() {
        // Smart punctuation turns straight quotes curly; typed curly quotes work too.
        let got = officialese(
            "We say \"use\", not \"utilise\". We say ‘use’, not ‘utilise’. \
             Write “start”, not “commence”. Don’t 'facilitate' things.\n",
        );
        assert!(got.is_empty(), "{got:?}");
        // A quote left open protects nothing, and apostrophes are not quotes.
        let got = officialese("He said “we utilise it. Don’t utilise it.\n");
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn officialese_outside_prose_is_not_flagged() {
        let body = "Use `utilise` in code.\n\n\
                    ```\nwe facilitate\n```\n\n    indented facilitate\n\n\
                    <div>we facilitate</div>\n\n\
                    Inline <span title=\"facilitate\">html</span> here.\n\n\
                    See <https://example.org/facilitate> and [this](https://x.org/utilise) \
                    and https://example.org/commence/ today.\n\n\
                    ![we facilitate](photo.png)\n\n\
                    | Word | Plain |\n|---|---|\n| facilitate | help |\n";
        let got = officialese(body);
        assert!(got.is_empty(), "{got:?}");
    }

    #[test]
    fn officialese_in_headings_lists_quotes_and_links_is_flagged() {
        let got = officialese(
            "## Going forward\n\n- We signpost people\n\n> Stakeholders met.\n\n[utilise this](https://x.org)\n",
        );
        let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            found,
            ["Going forward", "signpost", "Stakeholders", "utilise"]
        );
        let (text, _) = run("## Going forward\n\n- We signpost people\n\n> Stakeholders met.\n\n[utilise this](https://x.org)\n");
        assert_eq!(got[1].1, text.find("signpost").unwrap());
        assert_eq!(got[3].1, text.find("utilise").unwrap());
    }

    #[test]
    fn verbs_that_are_also_nouns() {
        let got = officialese(
            "Follow the signpost to the café. We signpost people. The signposting service helps.\n",
        );
        let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(found, ["signpost", "signposting"]);
    }

    #[test]
    fn capacity_and_per_only_in_their_phrases() {
        let got = officialese(
            "She helps in a voluntary capacity. The hall has capacity for 40. \
             As per the plan. It is £5 per person.\n",
        );
        let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(found, ["in a voluntary capacity", "As per"]);
        let capacity = officialese("In an advisory capacity.\n");
        assert_eq!(capacity.len(), 1);
    }

    #[test]
    fn offsets_are_exact_after_smart_punctuation_and_entities() {
        let body = "\"Hi\" -- it's &amp; ... we utilise tea.\n";
        let (text, findings) = run(body);
        let hits = rule(&findings, OFFICIALESE_RULE);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].offset, text.find("utilise").unwrap());
    }

    // --- walls of text ---------------------------------------------------------------------

    fn paragraphs(n: usize) -> String {
        (0..n)
            .map(|i| format!("Paragraph {i} is here.\n\n"))
            .collect()
    }

    #[test]
    fn five_paragraphs_in_a_row_are_a_wall() {
        let body = format!("## Intro\n\n{}", paragraphs(6));
        let (text, findings) = run(&body);
        let walls = rule(&findings, WALL_OF_TEXT);
        assert_eq!(walls.len(), 1, "{findings:#?}");
        assert_eq!(walls[0].offset, text.find("Paragraph 0").unwrap());
        assert!(walls[0].message.starts_with("6 paragraphs"));
    }

    #[test]
    fn four_paragraphs_are_fine() {
        let (_, findings) = run(&paragraphs(4));
        assert!(rule(&findings, WALL_OF_TEXT).is_empty());
    }

    #[test]
    fn a_wall_broken_up_is_fine() {
        for breaker in [
            "- a list\n- of things\n",
            "## A heading\n",
            "![A photo](photo.png)\n",
            "> A quote.\n",
            "```\ncode\n```\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            "---\n",
        ] {
            let body = format!("{}{breaker}\n{}", paragraphs(3), paragraphs(3));
            let (_, findings) = run(&body);
            assert!(
                rule(&findings, WALL_OF_TEXT).is_empty(),
                "{breaker}: {findings:#?}"
            );
        }
    }

    #[test]
    fn comments_do_not_break_a_wall_and_each_wall_is_reported() {
        let body = format!(
            "{}<!-- more -->\n\n{}## Next\n\n{}",
            paragraphs(2),
            paragraphs(3),
            paragraphs(5)
        );
        let (text, findings) = run(&body);
        let walls = rule(&findings, WALL_OF_TEXT);
        assert_eq!(walls.len(), 2, "{findings:#?}");
        assert_eq!(walls[0].offset, FRONT.len());
        assert_eq!(walls[1].offset, text.rfind("Paragraph 0").unwrap());
    }

    #[test]
    fn paragraphs_inside_lists_and_quotes_are_not_a_wall() {
        let body = (0..6)
            .map(|i| format!("> Quote {i}.\n>\n"))
            .collect::<String>();
        let (_, findings) = run(&body);
        assert!(rule(&findings, WALL_OF_TEXT).is_empty());
    }

    // --- everything together ---------------------------------------------------------------

    #[test]
    fn findings_are_sorted_one_sentence_warnings() {
        let body = format!(
            "{}\n\nWe facilitate things.\n\n{}",
            sentence(45),
            paragraphs(5)
        );
        let (_, findings) = run(&body);
        assert!(findings.len() >= 3, "{findings:#?}");
        assert!(findings.windows(2).all(|w| w[0].offset <= w[1].offset));
        for f in &findings {
            assert_eq!(f.severity, Severity::Warning);
            for s in [&f.message, &f.fix] {
                assert!(s.ends_with('.'), "{s}");
                assert_eq!(split(s).len(), 1, "not one sentence: {s}");
            }
        }
    }

    #[test]
    fn an_empty_page_has_nothing_to_say() {
        let (_, findings) = run("");
        assert!(findings.is_empty());
        let (_, findings) = run("```\nonly code\n```\n");
        assert!(findings.is_empty());
    }
}
