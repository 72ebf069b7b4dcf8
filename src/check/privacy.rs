//! Privacy: personal details that must never reach a public page. The rules read the whole
//! file (front matter, body and code blocks alike), because a leaked phone number in a code
//! sample or a front-matter field is published just the same.
//!
//! Rules:
//! - `privacy/email`: email addresses.
//! - `privacy/phone`: UK phone numbers (landline and mobile, national or `+44`).
//! - `privacy/nhs-number`: 10-digit numbers that pass the NHS modulus-11 check.
//! - `privacy/ni-number`: National Insurance numbers (upper case only, see [`NI_NUMBER`]).
//! - `privacy/postcode`: a full postcode near a person's name (an address someone lives at).
//! - `privacy/date-of-birth`: "DOB", "date of birth" or "born" followed by a full date.
//!
//! Addresses and numbers kept for examples never stop a build, as they cannot reach anyone:
//! the reserved example domains ([`is_example_domain`]) and Ofcom's numbers for drama
//! ([`is_drama_number`]).
//!
//! The site's `[check] allow` list silences a finding whose text contains an allowed string
//! or is contained in one: public switchboard numbers and press office addresses are meant
//! to be seen.

use std::sync::LazyLock;

use regex::Regex;

use super::words::privacy::{NOT_NAME_WORDS, PLACE_WORDS, TITLES};
use super::RawFinding;
use crate::rules::{self, Rule};
use crate::source::SourceText;

/// How many words may stand between a name and a postcode for the pair to read as an address.
const POSTCODE_NAME_WORDS: usize = 6;

/// A match before the allow list is applied.
struct Hit {
    offset: usize,
    rule: &'static Rule,
    /// The text found, as written in the page: what the allow list is compared with.
    matched: String,
    /// Other text the allow list may name to silence the hit (the name near a postcode).
    related: Option<String>,
    message: String,
}

/// The privacy findings of one page. Offsets are into the whole file, `page.text`.
pub(super) fn check(page: &SourceText, allow: &[String]) -> Vec<RawFinding> {
    let text = page.text.as_str();
    let allow = allow_list(allow);
    let mut hits = emails(text);
    hits.extend(phones(text));
    hits.extend(nhs_numbers(text));
    hits.extend(ni_numbers(text));
    hits.extend(postcodes_near_names(text));
    hits.extend(dates_of_birth(text));
    let mut findings: Vec<RawFinding> = hits
        .into_iter()
        .filter(|hit| !is_allowed(hit, &allow))
        .map(|hit| RawFinding {
            offset: hit.offset,
            rule: hit.rule.id,
            severity: hit.rule.severity,
            message: hit.message,
            fix: hit.rule.fixed_fix().to_string(),
        })
        .collect();
    findings.sort_by(|a, b| (a.offset, a.rule).cmp(&(b.offset, b.rule)));
    findings
}

// ---------------------------------------------------------------------------------------------
// The allow list

/// Lower case with runs of white space made one space, so `0300  123 4567` in a page and
/// `0300 123 4567` in `site.toml` compare equal.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The allow entries, normalised. Empty entries are dropped: an empty string is contained in
/// every text and would silence every finding.
fn allow_list(allow: &[String]) -> Vec<String> {
    allow
        .iter()
        .map(|entry| normalise(entry))
        .filter(|entry| !entry.is_empty())
        .collect()
}

fn is_allowed(hit: &Hit, allow: &[String]) -> bool {
    std::iter::once(&hit.matched)
        .chain(hit.related.as_ref())
        .map(|text| normalise(text))
        .any(|text| {
            allow
                .iter()
                .any(|entry| text.contains(entry.as_str()) || entry.contains(text.as_str()))
        })
}

/// `text` for a message: white space made single so a match across lines quotes on one line.
fn quote(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Boundaries shared by the number rules

/// Whether a number starting at `start` stands on its own. Digits glued to a letter or to
/// another number by `.`, `-`, `/` or `:` belong to something else: a reference, a date, a
/// decimal, a time or a version. A currency sign or `#` makes it an amount or an order number.
fn starts_cleanly(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '£' | '$' | '€' | '#') => false,
        Some('.' | '-' | '/' | ':') => !before.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Whether a number ending at `end` stands on its own (see [`starts_cleanly`]).
fn ends_cleanly(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || c == '_' => false,
        Some('.' | '-' | '/' | ':') => !after.next().is_some_and(|c| c.is_ascii_digit()),
        Some(_) => true,
    }
}

/// Runs `found_at` at every char position from which `starts_here` says a match may begin;
/// after a match, scanning resumes at its end so one number is not reported twice. Anchored
/// tries at each start (rather than one `find_iter`) mean a failed candidate never swallows
/// the real number that follows it.
///
/// Numbers start with ASCII, so the text is walked byte by byte (every page is read twice
/// this way before each build): an ASCII byte is always a whole character.
fn scan(
    text: &str,
    starts_here: impl Fn(u8) -> bool,
    found_at: impl Fn(usize) -> Option<usize>,
) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut resume = 0;
    for (start, &byte) in text.as_bytes().iter().enumerate() {
        if start < resume || !starts_here(byte) || !starts_cleanly(text, start) {
            continue;
        }
        if let Some(end) = found_at(start) {
            spans.push((start, end));
            resume = end;
        }
    }
    spans
}

// ---------------------------------------------------------------------------------------------
// privacy/email

/// An address: a local part, `@`, dot-separated domain labels and a top-level domain of
/// letters. The local part may not start with a dot, so `[text](@/page.md)` links never match.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)[a-z0-9_%+-](?:[a-z0-9._%+-]*[a-z0-9_%+-])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.([a-z]{2,})(?-u:\b)",
    )
    .expect("the email pattern is valid")
});

/// Endings that make `logo@2x.png` a retina image file name, not an address.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico"];

/// Domains reserved for examples, which no mailbox can have: `example.com`, `example.org`,
/// `example.net` and their subdomains (RFC 2606), and anything under the top-level domains
/// `.example`, `.test`, `.invalid` and `.localhost` (RFC 2606, RFC 6761).
fn is_example_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    let under = |parent: &str| {
        domain == parent
            || domain
                .strip_suffix(parent)
                .is_some_and(|rest| rest.ends_with('.'))
    };
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|reserved| under(reserved))
        || ["example", "test", "invalid", "localhost"]
            .iter()
            .any(|tld| domain.rsplit('.').next() == Some(tld))
}

fn emails(text: &str) -> Vec<Hit> {
    EMAIL
        .captures_iter(text)
        .filter(|caps| !IMAGE_EXTENSIONS.contains(&caps[1].to_ascii_lowercase().as_str()))
        .filter(|caps| {
            let found = caps.get(0).map_or("", |m| m.as_str());
            !found
                .rsplit_once('@')
                .is_some_and(|(_, domain)| is_example_domain(domain))
        })
        // `@name@social.example.org` is a Mastodon (fediverse) handle: a public profile, as
        // people write them in data/authors.toml, not an email address.
        .filter(|caps| {
            let start = caps.get(0).expect("group 0 always matches").start();
            !text[..start].ends_with('@')
        })
        .map(|caps| {
            let found = caps.get(0).expect("group 0 always matches");
            Hit {
                offset: found.start(),
                rule: &rules::PRIVACY_EMAIL,
                matched: found.as_str().to_string(),
                related: None,
                message: format!(
                    "The email address \"{}\" may be someone's personal contact detail.",
                    found.as_str()
                ),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// privacy/phone

/// A phone-number candidate from its first character: an optional `+44`/`0044` (with an
/// optional `(0)` or stray `0` after it) or a bracketed area code such as `(01632)`, then digit
/// groups joined by single spaces or dashes. Which groups belong to the number is decided in
/// [`phone_at`], so `0161 496 0000 2026` still yields `0161 496 0000`.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<intl>(?:\+|00)44)[ \-\x{a0}]?(?:\(0\)[ \-\x{a0}]?|0)?|\((?P<area>0\d{2,5})\)[ \-\x{a0}]?)?(?P<groups>\d+(?:[ \-\x{a0}]\d+)*)",
    )
    .expect("the phone pattern is valid")
});

static DIGITS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+").expect("the digits pattern is valid"));

/// Whether `national` (digits only, written from the leading 0) has the shape of a UK
/// number: 11 digits, or 10 for the older 01 area codes and 0800 numbers. 04 and 06 are not
/// in use, and 00 starts an international number.
fn is_uk_number(national: &str) -> bool {
    let bytes = national.as_bytes();
    matches!(
        (bytes.len(), bytes.first(), bytes.get(1)),
        (
            11,
            Some(b'0'),
            Some(b'1' | b'2' | b'3' | b'5' | b'7' | b'8' | b'9')
        ) | (10, Some(b'0'), Some(b'1' | b'8'))
    )
}

/// Ofcom's numbers for drama and examples (TV, radio, books, websites), which are never given
/// to anyone: each is these eight digits (from the leading 0) and any three more, so
/// `0161 496 0000`–`0161 496 0999` or `07700 900000`–`07700 900999`.
/// Source: Ofcom, "Telephone numbers for use in TV and radio drama programmes".
const DRAMA_NUMBER_PREFIXES: &[&str] = &[
    "01134960", // 0113 496 0000–0999 (Leeds)
    "01144960", // 0114 496 0xxx (Sheffield)
    "01154960", // 0115 496 0xxx (Nottingham)
    "01164960", // 0116 496 0xxx (Leicester)
    "01174960", // 0117 496 0xxx (Bristol)
    "01184960", // 0118 496 0xxx (Reading)
    "01214960", // 0121 496 0xxx (Birmingham)
    "01314960", // 0131 496 0xxx (Edinburgh)
    "01414960", // 0141 496 0xxx (Glasgow)
    "01514960", // 0151 496 0xxx (Liverpool)
    "01614960", // 0161 496 0xxx (Manchester)
    "01914980", // 0191 498 0xxx (Tyneside, Durham, Sunderland)
    "02079460", // 020 7946 0xxx (London)
    "02896496", // 028 9649 6xxx (Northern Ireland)
    "02920180", // 029 2018 0xxx (Cardiff)
    "01632960", // 01632 960xxx (no real area)
    "07700900", // 07700 900xxx (mobile)
    "08081570", // 08081 570xxx (freephone)
    "09098790", // 0909 879 0xxx (premium rate)
    "03069990", // 03069 990xxx (UK-wide)
];

/// Whether `national` (digits only, from the leading 0) is one of Ofcom's drama numbers.
fn is_drama_number(national: &str) -> bool {
    national.len() == 11
        && DRAMA_NUMBER_PREFIXES
            .iter()
            .any(|prefix| national.starts_with(prefix))
}

/// The end of the UK phone number that starts at `start`, if one does. The longest run of
/// whole digit groups that makes a valid number wins; a number may stop before a later group
/// only at a space (at a dash the digits run on, as in a reference).
fn phone_at(text: &str, start: usize) -> Option<usize> {
    let caps = PHONE.captures(&text[start..])?;
    let groups = caps.name("groups")?;
    let mut national = match (caps.name("intl"), caps.name("area")) {
        (Some(_), _) => "0".to_string(),
        (None, Some(area)) => area.as_str().to_string(),
        (None, None) if groups.as_str().starts_with('0') => String::new(),
        (None, None) => return None,
    };
    let base = start + groups.start();
    let parts: Vec<_> = DIGITS.find_iter(groups.as_str()).collect();
    let mut best = None;
    for (index, part) in parts.iter().enumerate() {
        national.push_str(part.as_str());
        if national.len() > 11 {
            break;
        }
        let end = base + part.end();
        let boundary = if index + 1 == parts.len() {
            ends_cleanly(text, end)
        } else {
            text[end..].starts_with([' ', '\u{a0}'])
        };
        if boundary && is_uk_number(&national) {
            best = Some((end, national.clone()));
        }
    }
    // A drama number is skipped whole: it is not personal, and no shorter part of it is read
    // as another number.
    match best {
        Some((_, national)) if is_drama_number(&national) => None,
        other => other.map(|(end, _)| end),
    }
}

fn phones(text: &str) -> Vec<Hit> {
    scan(
        text,
        |b| matches!(b, b'+' | b'(' | b'0'),
        |start| phone_at(text, start),
    )
    .into_iter()
    .map(|(start, end)| {
        let found = &text[start..end];
        Hit {
            offset: start,
            rule: &rules::PRIVACY_PHONE,
            matched: found.to_string(),
            related: None,
            message: format!("The phone number \"{found}\" may be someone's personal number."),
        }
    })
    .collect()
}

// ---------------------------------------------------------------------------------------------
// privacy/nhs-number

/// Ten digits as 3-3-4 with spaces or dashes, or as one run. The separators are checked to
/// agree in [`nhs_at`] (the regex crate has no back-references).
static NHS_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{3}([ \-]?)\d{3}([ \-]?)\d{4}").expect("the NHS number pattern is valid")
});

/// The NHS modulus-11 check: weights 10 down to 2 on the first nine digits; the check digit
/// is 11 minus the sum mod 11, where 11 means 0 and 10 means the number cannot be issued.
fn passes_nhs_check(digits: &[u32; 10]) -> bool {
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    match 11 - sum % 11 {
        11 => digits[9] == 0,
        10 => false,
        check => digits[9] == check,
    }
}

/// `+44 161 496 0000` has a 3-3-4 tail; digits right after a country code are a phone number.
fn follows_country_code(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '-']);
    before.ends_with("+44") || before.ends_with("(0)")
}

fn nhs_at(text: &str, start: usize) -> Option<usize> {
    let caps = NHS_NUMBER.captures(&text[start..])?;
    let end = start + caps.get(0)?.end();
    let digits: Vec<u32> = caps[0].chars().filter_map(|c| c.to_digit(10)).collect();
    let digits: [u32; 10] = digits.try_into().ok()?;
    // Placeholders such as 000 000 0000 pass the check but are nobody's number.
    let placeholder = digits.iter().all(|&d| d == digits[0]);
    let ok = caps[1] == caps[2]
        && ends_cleanly(text, end)
        && !follows_country_code(text, start)
        && !placeholder
        && passes_nhs_check(&digits);
    ok.then_some(end)
}

fn nhs_numbers(text: &str) -> Vec<Hit> {
    scan(text, |b| b.is_ascii_digit(), |start| nhs_at(text, start))
        .into_iter()
        .map(|(start, end)| {
            let found = &text[start..end];
            Hit {
                offset: start,
                rule: &rules::PRIVACY_NHS_NUMBER,
                matched: found.to_string(),
                related: None,
                message: format!(
                    "\"{found}\" looks like an NHS number (it passes the NHS check digit)."
                ),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// privacy/ni-number

/// A National Insurance number: two prefix letters, three pairs of digits and a suffix A-D,
/// with optional single spaces between the parts. The first letter is never D, F, I, Q, U or
/// V; the second never D, F, I, O, Q, U or V. Upper case only, on purpose: NI numbers are
/// printed in capitals, and a lower-case pattern would flag code identifiers and hashes in
/// code blocks (`ce123456a`), which the rules also read.
static NI_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D](?-u:\b)")
        .expect("the NI number pattern is valid")
});

/// Prefixes HMRC never issues (BG, GB, NK, KN, TN, ZZ) or uses for temporary numbers (NT).
const NI_BAD_PREFIXES: &[&str] = &["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

fn ni_numbers(text: &str) -> Vec<Hit> {
    NI_NUMBER
        .captures_iter(text)
        .filter(|caps| !NI_BAD_PREFIXES.contains(&&caps[1]))
        .map(|caps| {
            let found = caps.get(0).expect("group 0 always matches");
            Hit {
                offset: found.start(),
                rule: &rules::PRIVACY_NI_NUMBER,
                matched: found.as_str().to_string(),
                related: None,
                message: format!(
                    "\"{}\" looks like a National Insurance number.",
                    found.as_str()
                ),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// privacy/postcode
//
// A postcode on its own is an office, a venue or a town: fine to publish. A postcode next to
// a person's name is where that person lives. The heuristic: a full postcode (upper case, as
// postcodes are written) within six words of a "name", meaning two or more consecutive
// Capitalised words (so one word capitalised only because it starts a sentence never counts)
// that contain no organisation or place word such as "Council" or "Street", in the same block
// of lines (a blank line, a `---` fence or a code fence ends the block). Blocks rather than
// single lines catch address blocks: "Jane Smith / 12 High Street / Manchester / M1 1AE".

/// A full UK postcode: outward code (A9, A99, A9A, AA9, AA99, AA9A), an optional space and the
/// inward code (a digit and two letters, never C, I, K, M, O or V).
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?-u:\b)")
        .expect("the postcode pattern is valid")
});

/// Characters around a word that are not part of it: Markdown and punctuation.
const LEADING_MARKS: &[char] = &['*', '_', '[', '(', '"', '\'', '“', '‘', '#', '>', '|'];
const TRAILING_MARKS: &[char] = &[
    '*', '_', ']', ')', '"', '\'', '”', '’', ',', '.', ';', ':', '!', '?', '|',
];

/// A white-space separated word of the text around a postcode.
struct Token {
    start: usize,
    end: usize,
    /// The word without surrounding marks, as a byte range into the page text.
    core: (usize, usize),
    /// Whether a line break comes before it: a name does not run across lines.
    starts_line: bool,
}

/// How a token takes part in a name.
#[derive(PartialEq)]
enum Kind {
    /// A Capitalised word, title or initial that can be part of a name.
    Name,
    /// A Capitalised organisation or place word: the run it is in is not a person's name.
    Place,
    /// Anything else: it ends the run.
    Other,
}

/// The bytes of the block of lines around `pos`: up to `POSTCODE_NAME_WORDS + 1` lines either
/// side (every non-blank line holds at least one word, so lines further away are too far
/// anyway), stopping at a blank line or a fence.
fn block_around(text: &str, pos: usize) -> (usize, usize) {
    let breaks_block = |line: &str| {
        let line = line.trim();
        line.is_empty() || line == "---" || line == "+++" || line.starts_with("```")
    };
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i);
    let (mut start, mut end) = (line_start(pos), line_end(pos));
    for _ in 0..=POSTCODE_NAME_WORDS {
        if start == 0 || breaks_block(&text[line_start(start - 1)..start - 1]) {
            break;
        }
        start = line_start(start - 1);
    }
    for _ in 0..=POSTCODE_NAME_WORDS {
        if end >= text.len() || breaks_block(&text[end + 1..line_end(end + 1)]) {
            break;
        }
        end = line_end(end + 1);
    }
    (start, end)
}

/// The words of `text[from..to]`, with offsets into `text`.
fn tokens(text: &str, from: usize, to: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word_start = None;
    let mut newline = false;
    for (i, c) in text[from..to].char_indices().chain([(to - from, ' ')]) {
        match (c.is_whitespace(), word_start) {
            (false, None) => word_start = Some(i),
            (true, Some(s)) => {
                tokens.push(token(text, from + s, from + i, newline));
                word_start = None;
                newline = false;
            }
            _ => {}
        }
        newline |= c == '\n';
    }
    tokens
}

fn token(text: &str, start: usize, end: usize, starts_line: bool) -> Token {
    let word = &text[start..end];
    let after_lead = word.trim_start_matches(LEADING_MARKS);
    let core = after_lead.trim_end_matches(TRAILING_MARKS);
    let core_start = start + (word.len() - after_lead.len());
    Token {
        start,
        end,
        core: (core_start, core_start + core.len()),
        starts_line,
    }
}

/// What kind of word `token` is, and whether its trailing punctuation ends the run (a comma,
/// or a full stop that is not the one after a title or an initial).
fn classify(text: &str, token: &Token) -> (Kind, bool) {
    let core = &text[token.core.0..token.core.1];
    let tail = &text[token.core.1..token.end];
    let title_or_initial = TITLES.contains(&core)
        || (core.len() == 1
            && core.starts_with(|c: char| c.is_ascii_uppercase())
            && tail.starts_with('.'));
    let ends_run = tail.contains([',', ';', ':', '!', '?', ')', ']', '|'])
        || (tail.contains('.') && !title_or_initial);
    let kind = if title_or_initial {
        Kind::Name
    } else if !is_capitalised(core) || NOT_NAME_WORDS.contains(&core) {
        Kind::Other
    } else if PLACE_WORDS.contains(&core) {
        Kind::Place
    } else {
        Kind::Name
    };
    (kind, ends_run)
}

/// "Smith", "O'Brien", "Smith-Jones", "McDonald", "Siân": a capital, then letters (with
/// apostrophes or hyphens), some of them lower case, so "NHS" and "SW1A" are not names.
fn is_capitalised(word: &str) -> bool {
    word.starts_with(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'))
        && word.chars().any(char::is_lowercase)
}

/// The token ranges (first, last) of the names among `tokens`: runs of two or more Name
/// words with no Place word in them.
fn name_runs(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut current: Option<(usize, usize, bool)> = None; // first, last, has a place word
    let mut close = |current: &mut Option<(usize, usize, bool)>| {
        if let Some((first, last, place)) = current.take() {
            if last > first && !place {
                runs.push((first, last));
            }
        }
    };
    for (index, token) in tokens.iter().enumerate() {
        if token.starts_line {
            close(&mut current);
        }
        let (kind, ends_run) = classify(text, token);
        if kind == Kind::Other {
            close(&mut current);
            continue;
        }
        let (first, _, place) = current.unwrap_or((index, index, false));
        current = Some((first, index, place || kind == Kind::Place));
        if ends_run {
            close(&mut current);
        }
    }
    close(&mut current);
    runs
}

/// The name nearest the postcode at `start..end`, if one is within `POSTCODE_NAME_WORDS`
/// words of it in its block.
fn name_near(text: &str, start: usize, end: usize) -> Option<String> {
    let (from, to) = block_around(text, start);
    let tokens = tokens(text, from, to);
    let first = tokens.iter().position(|t| t.end > start)?;
    let last = tokens.iter().rposition(|t| t.start < end)?;
    name_runs(text, &tokens)
        .into_iter()
        .filter_map(|(a, b)| {
            let gap = if b < first {
                first - b - 1
            } else {
                a.checked_sub(last + 1)?
            };
            (gap <= POSTCODE_NAME_WORDS).then_some((gap, a, b))
        })
        .min()
        .map(|(_, a, b)| text[tokens[a].core.0..tokens[b].core.1].to_string())
}

fn postcodes_near_names(text: &str) -> Vec<Hit> {
    POSTCODE
        .find_iter(text)
        .filter_map(|found| {
            let name = name_near(text, found.start(), found.end())?;
            Some(Hit {
                offset: found.start(),
                rule: &rules::PRIVACY_POSTCODE,
                matched: found.as_str().to_string(),
                message: format!(
                    "The postcode \"{}\" is near the name \"{}\", which could show where someone lives.",
                    found.as_str(),
                    quote(&name)
                ),
                related: Some(name),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// privacy/date-of-birth

/// A month name or its abbreviation, with an optional full stop.
const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// "DOB", "D.O.B.", "date of birth", "birth date" or "born (on)", then at most four other
/// words, then a full date: 24/11/1980, 24.11.80, 1980-11-24, 24 November 1980, November 24,
/// 1980. A year alone ("born in 1980", "born in the 1980s") is not a date of birth.
static DATE_OF_BIRTH: LazyLock<Regex> = LazyLock::new(|| {
    let trigger = r"(?-u:\b)(?:d\.?o\.?b(?-u:\b)\.?|date[\s-]+of[\s-]+birth|birth[\s-]?date|born(?:\s+on)?(?-u:\b))";
    let date = [
        r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})".to_string(),
        r"\d{4}-\d{1,2}-\d{1,2}".to_string(),
        format!(r"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+(?:\d{{4}}|\d{{2}})"),
        format!(r"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"),
    ]
    .join("|");
    Regex::new(&format!(
        r"(?i){trigger}[\s:=|\-–—]*(?:\S+\s+){{0,4}}?(?-u:\b)(?:{date})(?-u:\b)"
    ))
    .expect("the date of birth pattern is valid")
});

fn dates_of_birth(text: &str) -> Vec<Hit> {
    DATE_OF_BIRTH
        .find_iter(text)
        .map(|found| Hit {
            offset: found.start(),
            rule: &rules::PRIVACY_DATE_OF_BIRTH,
            matched: found.as_str().to_string(),
            related: None,
            message: format!(
                "\"{}\" looks like someone's date of birth.",
                quote(found.as_str())
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    fn run_allow(text: &str, allow: &[&str]) -> Vec<RawFinding> {
        let page = SourceText::whole("content/x.md", text);
        let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
        check(&page, &allow)
    }

    fn run(text: &str) -> Vec<RawFinding> {
        run_allow(text, &[])
    }

    /// The offsets of one rule's findings.
    fn found(text: &str, rule: &str) -> Vec<usize> {
        run(text)
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.offset)
            .collect()
    }

    /// Asserts `rule` finds exactly `needles`, each at the offset where it occurs in `text`.
    fn assert_finds(text: &str, rule: &str, needles: &[&str]) {
        let expected: Vec<usize> = needles
            .iter()
            .map(|n| {
                text.find(n)
                    .unwrap_or_else(|| panic!("{n:?} is not in the text"))
            })
            .collect();
        assert_eq!(found(text, rule), expected, "rule {rule} in {text:?}");
    }

    fn assert_none(text: &str, rule: &str) {
        assert_eq!(
            found(text, rule),
            Vec::<usize>::new(),
            "rule {rule} in {text:?}"
        );
    }

    // --- email ---

    #[test]
    fn email_is_found_at_its_start() {
        let text = "Write to jane.smith@council.gov.uk about it.";
        let findings = run(text);
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.rule, "privacy/email");
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.offset, text.find("jane").unwrap());
        assert!(
            f.message.contains("\"jane.smith@council.gov.uk\""),
            "{}",
            f.message
        );
        assert!(!f.fix.is_empty());
    }

    #[test]
    fn email_variants() {
        assert_finds(
            "<a.b+tag@mail.example.co.uk>",
            "privacy/email",
            &["a.b+tag@mail.example.co.uk"],
        );
        assert_finds(
            "mailto:Jane_O-Brien@Northshire.ORG.",
            "privacy/email",
            &["Jane_O-Brien@Northshire.ORG"],
        );
        assert_finds(
            "x@a.org and y@b.net",
            "privacy/email",
            &["x@a.org", "y@b.net"],
        );
    }

    #[test]
    fn email_near_misses() {
        assert_none(
            "See the [policy](@/policies/confidentiality.md).",
            "privacy/email",
        );
        assert_none("Follow @northshirecare on X.", "privacy/email");
        assert_none("![logo](logo@2x.png)", "privacy/email");
        assert_none("npm install pkg@1.2.3", "privacy/email");
        assert_none("user@localhost", "privacy/email");
        assert_none("mastodon = \"@amara@social.example.org\"", "privacy/email");
    }

    // --- phone ---

    #[test]
    fn phone_examples_from_the_guide() {
        for number in [
            "07700 800123",
            "07700800123",
            "+44 7700 800123",
            "+44 (0)7700 800 123",
            "+447700800123",
            "+44 20 7946 1958",
            "0044 7700 800123",
            "020 7946 1958",
            "0161 496 1000",
            "0161-496-1000",
            "01632 961123",
            "(01632) 961 123",
            "(0161) 496 1000",
            "0800 123 456",
            "0300 123 4567",
        ] {
            let text = format!("Call {number} today.");
            assert_finds(&text, "privacy/phone", &[number]);
            let findings = run(&text);
            let f = findings.iter().find(|f| f.rule == "privacy/phone").unwrap();
            assert!(
                f.message.contains(&format!("\"{number}\"")),
                "{}",
                f.message
            );
        }
    }

    #[test]
    fn phone_at_start_and_end_of_text_and_lines() {
        assert_finds("07700 800123", "privacy/phone", &["07700 800123"]);
        assert_finds(
            "tel: 020 7946 1958\nnext",
            "privacy/phone",
            &["020 7946 1958"],
        );
        assert_finds("tel:+447700800123", "privacy/phone", &["+447700800123"]);
        assert_finds("(07700 800123)", "privacy/phone", &["07700 800123"]);
    }

    #[test]
    fn phone_stops_before_a_following_number() {
        let text = "Ring 0161 496 1000 2026 opening hours.";
        let findings = run(text);
        let f = findings.iter().find(|f| f.rule == "privacy/phone").unwrap();
        assert_eq!(f.offset, 5);
        assert!(f.message.contains("\"0161 496 1000\""), "{}", f.message);
        assert_finds(
            "07700 800123 07700 800124",
            "privacy/phone",
            &["07700 800123", "07700 800124"],
        );
        // A failed candidate does not hide the number after it.
        assert_finds(
            "ref 0123 4567 8901 2345 07700 800123",
            "privacy/phone",
            &["07700 800123"],
        );
    }

    #[test]
    fn phone_near_misses() {
        for text in [
            "In an emergency call 999.",
            "Call 111 for NHS advice.",
            "In 2026 we will review this.",
            "Order 12345678901 has shipped.",
            "Order 1234567890 has shipped.",
            "Reference 4412345678901.",
            "On 2026-11-24 we met.",
            "On 24/11/2026 at 10:30.",
            "From 09:00 to 17:00.",
            "Version 0.13.0 and v1.2.3.",
            "Build 0770080012345678 failed.",
            "NHS-shaped 943 476 5919 is not a phone.",
            "Part of 1207700800123 run.",
            "Amount £07700800123.",
            "Order #07700800123.",
            "Decimal 0.7700800123.",
            "Unused range 04700 800123 and 06700 800123.",
            "Too short 07700 9001.",
            "Too long 07700 8001234.",
            "Glued 07700800123abc and ORD07700800123.",
            "Dashed tail 07700 800123-45.",
            "International 0033 1 23 45 67 89.",
        ] {
            assert_none(text, "privacy/phone");
        }
    }

    #[test]
    fn is_uk_number_knows_lengths() {
        assert!(is_uk_number("07700800123"));
        assert!(is_uk_number("0161496000"));
        assert!(is_uk_number("0800123456"));
        assert!(!is_uk_number("0770090012"));
        assert!(!is_uk_number("0207946095"));
        assert!(!is_uk_number("00447700900"));
        assert!(!is_uk_number("17700800123"));
    }

    // --- NHS number ---

    #[test]
    fn nhs_number_check_digit() {
        assert!(passes_nhs_check(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 9]));
        assert!(passes_nhs_check(&[4, 0, 1, 0, 2, 3, 2, 1, 3, 7]));
        assert!(!passes_nhs_check(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 8]));
        // Sum 11: 11 - 0 = 11, so the check digit is 0.
        assert!(passes_nhs_check(&[0, 1, 0, 0, 0, 0, 0, 0, 1, 0]));
        assert!(!passes_nhs_check(&[0, 1, 0, 0, 0, 0, 0, 0, 1, 1]));
        // 123456789: sum 210, 11 - 1 = 10, so no check digit makes it valid.
        for last in 0..10 {
            assert!(!passes_nhs_check(&[1, 2, 3, 4, 5, 6, 7, 8, 9, last]));
        }
    }

    #[test]
    fn nhs_number_written_three_ways() {
        for number in ["943 476 5919", "943-476-5919", "9434765919", "401 023 2137"] {
            let text = format!("NHS number: {number}.");
            assert_finds(&text, "privacy/nhs-number", &[number]);
            let f = run(&text)
                .into_iter()
                .find(|f| f.rule == "privacy/nhs-number")
                .unwrap();
            assert!(
                f.message.contains(&format!("\"{number}\"")),
                "{}",
                f.message
            );
        }
        assert_finds("9434765919", "privacy/nhs-number", &["9434765919"]);
    }

    #[test]
    fn nhs_number_near_misses() {
        for text in [
            "NHS number 943 476 5918.",
            "Order 1234567890.",
            "Run 94347659190 is longer.",
            "Run 19434765919 is longer.",
            "Mixed 943 476-5919 separators.",
            "Mixed 943 4765919 separators.",
            "Placeholder 000 000 0000 and 111 111 1111.",
            "Phone +44 161 496 1000 here.",
            "Decimal 943.4765919 here.",
            "Dated 2026-9434765919 here.",
        ] {
            assert_none(text, "privacy/nhs-number");
        }
    }

    // --- NI number ---

    #[test]
    fn ni_number_with_and_without_spaces() {
        assert_finds(
            "NI: AB 12 34 56 C.",
            "privacy/ni-number",
            &["AB 12 34 56 C"],
        );
        assert_finds("NI: AB123456C.", "privacy/ni-number", &["AB123456C"]);
        assert_finds("NI: JK 123456 D", "privacy/ni-number", &["JK 123456 D"]);
        let f = &run("x AB123456C")[0];
        assert!(f.message.contains("\"AB123456C\""), "{}", f.message);
    }

    #[test]
    fn ni_number_near_misses() {
        for text in [
            "QQ 12 34 56 C is the example HMRC uses.",
            "DA123456A FA123456A IA123456A QA123456A UA123456A VA123456A",
            "AD123456A AF123456A AI123456A AO123456A AQ123456A AU123456A AV123456A",
            "BG123456A GB123456A KN123456A NK123456A NT123456A TN123456A ZZ123456A",
            "AB123456E has a bad suffix.",
            "ab123456c is lower case.",
            "XAB123456C and AB123456CX are glued.",
            "AB12345C is short.",
        ] {
            assert_none(text, "privacy/ni-number");
        }
    }

    // --- postcode ---

    #[test]
    fn postcode_near_a_name() {
        let text = "John Brown lives at 12 High Street, M1 1AE.";
        assert_finds(text, "privacy/postcode", &["M1 1AE"]);
        let f = &run(text)[0];
        assert!(f.message.contains("\"M1 1AE\""), "{}", f.message);
        assert!(f.message.contains("\"John Brown\""), "{}", f.message);

        assert_finds(
            "Please visit Mrs Jane Smith, 4 Rose Close, Leeds LS1 4AP today.",
            "privacy/postcode",
            &["LS1 4AP"],
        );
        assert_finds(
            "SW1A 1AA is where Mr. J. Bloggs sleeps.",
            "privacy/postcode",
            &["SW1A 1AA"],
        );
    }

    #[test]
    fn postcode_formats() {
        for code in [
            "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "SW1A1AA",
            "W1A 0AX",
        ] {
            let text = format!("Mary O'Brien, {code}");
            assert_finds(&text, "privacy/postcode", &[code]);
        }
    }

    #[test]
    fn postcode_with_name_on_adjacent_line_or_in_an_address_block() {
        assert_finds(
            "Ann Lee\n12 Mill Street\nM1 1AE",
            "privacy/postcode",
            &["M1 1AE"],
        );
        assert_finds(
            "Mrs Jane Smith\n12 High Street\nManchester\nM1 1AE\n",
            "privacy/postcode",
            &["M1 1AE"],
        );
        assert_finds("M1 1AE\nJane Smith", "privacy/postcode", &["M1 1AE"]);
        assert_finds(
            "| Jane Smith | 12 High Street | M1 1AE |",
            "privacy/postcode",
            &["M1 1AE"],
        );
    }

    #[test]
    fn postcode_without_a_personal_name_is_fine() {
        for text in [
            "Visit us at County Hall, Northtown NT1 1AA.",
            "Northshire County Council, County Hall, NT1 1AA",
            "Our Office: Civic Centre, NT1 1AA.",
            "Contact Us\nNT1 1AA",
            "The Town Hall, Market Street, M1 1AE.",
            "West Bromwich B70 6NH",
            "Opening Times\nMonday to Friday, NT1 1AA",
            "M1 1AE",
            "Bring your EU passport to M1 1AE.",
        ] {
            assert_none(text, "privacy/postcode");
        }
    }

    #[test]
    fn postcode_too_far_from_the_name() {
        assert_none(
            "Jane Smith wrote this guide, and the training is held at the office in M1 1AE.",
            "privacy/postcode",
        );
        // A blank line ends the block.
        assert_none("Jane Smith\n\nM1 1AE", "privacy/postcode");
        // Six words between is still near; seven is not.
        assert_finds(
            "Jane Smith a b c d e f M1 1AE",
            "privacy/postcode",
            &["M1 1AE"],
        );
        assert_none("Jane Smith a b c d e f g M1 1AE", "privacy/postcode");
        assert_finds(
            "M1 1AE a b c d e f Jane Smith",
            "privacy/postcode",
            &["M1 1AE"],
        );
        assert_none("M1 1AE a b c d e f g Jane Smith", "privacy/postcode");
    }

    #[test]
    fn postcode_near_misses() {
        assert_none("Jane Smith, m1 1ae", "privacy/postcode");
        assert_none(
            "Jane Smith, M1 1CE (C is never in the inward code)",
            "privacy/postcode",
        );
        assert_none("Jane Smith, XM1 1AEX", "privacy/postcode");
    }

    // --- date of birth ---

    #[test]
    fn date_of_birth_forms() {
        for (text, from) in [
            ("DOB: 24/11/1980", "DOB"),
            ("D.O.B. 24.11.80", "D.O.B."),
            ("Her date of birth is 24 November 1980.", "date of birth"),
            ("Date of birth: 24th of Nov 1980", "Date of birth"),
            ("He was born on 1980-11-24.", "born on"),
            ("born 24-11-1980", "born"),
            ("dob November 24, 1980", "dob"),
            ("| DOB | 24/11/1980 |", "DOB"),
            ("birth date - 3 March 1947", "birth date"),
        ] {
            assert_finds(text, "privacy/date-of-birth", &[from]);
        }
        let f = &run("DOB:\n24/11/1980")[0];
        assert!(f.message.contains("\"DOB: 24/11/1980\""), "{}", f.message);
    }

    #[test]
    fn date_of_birth_near_misses() {
        for text in [
            "She was born in the 1980s.",
            "He was born in 1980.",
            "Ask for the date of birth before you share anything.",
            "We were born on a farm near Northtown, and on 24/11/1980 moved.",
            "Adobe 24/11/1980.",
            "Published 24/11/1980.",
            "Stubborn on 24/11/1980.",
        ] {
            assert_none(text, "privacy/date-of-birth");
        }
    }

    // --- the allow list ---

    #[test]
    fn allow_silences_only_the_listed_text() {
        let text = "Email press@northshire.gov.uk or jane@northshire.gov.uk.";
        let findings = run_allow(text, &["press@northshire.gov.uk"]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].offset, text.find("jane").unwrap());
    }

    #[test]
    fn allow_is_case_insensitive_and_trimmed() {
        let text = "Email Press@Northshire.Example.org.";
        assert!(run_allow(text, &["  press@northshire.gov.UK "]).is_empty());
        // White space inside is compared loosely too.
        assert!(run_allow("Call 0300  123 4567.", &["0300 123 4567"]).is_empty());
    }

    #[test]
    fn allow_matches_containing_either_way() {
        // The allowed text contains the match.
        assert!(run_allow("Call 0300 123 4567.", &["Switchboard: 0300 123 4567"]).is_empty());
        // The match contains the allowed text (a whole domain).
        assert!(run_allow("a@northshire.gov.uk", &["@northshire.gov.uk"]).is_empty());
        // A postcode is silenced by its own text or by the name near it.
        let text = "Director Jane Smith, County Hall, NT1 1AA";
        assert_eq!(run(text).len(), 1);
        assert!(run_allow(text, &["NT1 1AA"]).is_empty());
        assert!(run_allow(text, &["Jane Smith"]).is_empty());
    }

    #[test]
    fn empty_allow_entries_silence_nothing() {
        assert_eq!(run_allow("a@b.org", &["", "   "]).len(), 1);
    }

    // --- the whole file ---

    #[test]
    fn front_matter_and_code_are_scanned_with_file_offsets() {
        let text = "+++\ntitle = \"Hi\"\nauthor_email = \"jane@council.gov.uk\"\n+++\n\nBody text.\n\n```text\nphone: 07700 800123\nNI: AB123456C\n```\n";
        let body_start = text.find("\nBody").unwrap();
        let page = SourceText {
            path: "content/x.md".into(),
            text: text.into(),
            body_start,
        };
        let findings = check(&page, &[]);
        let got: Vec<(&str, usize)> = findings.iter().map(|f| (f.rule, f.offset)).collect();
        assert_eq!(
            got,
            vec![
                ("privacy/email", text.find("jane@").unwrap()),
                ("privacy/phone", text.find("07700").unwrap()),
                ("privacy/ni-number", text.find("AB123456C").unwrap()),
            ]
        );
    }

    #[test]
    fn findings_come_in_file_order() {
        let text = "DOB 24/11/1980, a@b.org, 943 476 5919, 07700 800123";
        let rules: Vec<&str> = run(text).iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            vec![
                "privacy/date-of-birth",
                "privacy/email",
                "privacy/nhs-number",
                "privacy/phone"
            ]
        );
    }

    #[test]
    fn unicode_and_line_endings_are_handled() {
        let text = "Siân Jones\r\n“12 Mill Lane, M1 1AE” ☃\r\nTel\u{a0}07700\u{a0}800123 — DOB:\u{a0}24/11/1980 é@";
        let got: Vec<(&str, usize)> = run(text).iter().map(|f| (f.rule, f.offset)).collect();
        assert_eq!(
            got,
            vec![
                ("privacy/postcode", text.find("M1 1AE").unwrap()),
                ("privacy/phone", text.find("07700").unwrap()),
                ("privacy/date-of-birth", text.find("DOB").unwrap()),
            ]
        );
        // Odd text near every boundary does not panic.
        for text in [
            "",
            "0",
            "+",
            "(",
            "(0",
            "+44",
            "é0",
            "0é",
            "\n\n",
            "A B\nM1 1AE",
            "M1 1AE\n",
        ] {
            run(text);
        }
    }

    #[test]
    fn clean_text_has_no_findings() {
        let text = "---\ntitle: Replying to comments\ndate: 2026-11-24\n---\n\nIn 2026 we answered 1,200 comments within 24 hours. Call 999 in an emergency. See [the policy](@/policies/moderation.md).\n";
        assert!(run(text).is_empty(), "{:?}", run(text));
    }

    // --- kept for examples ---

    #[test]
    fn reserved_example_domains_pass_and_real_ones_are_caught() {
        for address in [
            "user@example.org",
            "user@example.com",
            "user@example.net",
            "jane@mail.example.org",
            "Jane@EXAMPLE.COM",
            "jane@northshire.example",
            "jane@council.test",
            "jane@nowhere.invalid",
            "jane@dev.localhost",
        ] {
            assert_none(&format!("Write to {address}."), "privacy/email");
        }
        for address in [
            "user@council.gov.uk",
            "jane@myexample.org",
            "jane@example.org.uk",
            "jane@example.co.uk",
            "jane@testing.org",
            "jane@example.community",
        ] {
            let text = format!("Write to {address}.");
            assert_finds(&text, "privacy/email", &[address]);
        }
    }

    #[test]
    fn drama_numbers_pass_and_their_neighbours_are_caught() {
        for number in [
            "0113 496 0000",
            "0114 496 0999",
            "0115 496 0123",
            "0116 496 0123",
            "0117 496 0123",
            "0118 496 0123",
            "0121 496 0123",
            "0131 496 0123",
            "0141 496 0123",
            "0151 496 0123",
            "0161 496 0000",
            "0161-496-0999",
            "(0161) 496 0500",
            "0191 498 0123",
            "020 7946 0958",
            "+44 20 7946 0958",
            "028 9649 6000",
            "028 9649 6999",
            "029 2018 0123",
            "01632 960123",
            "(01632) 960 123",
            "07700 900123",
            "+44 (0)7700 900 123",
            "+447700900000",
            "08081 570123",
            "0909 879 0123",
            "03069 990123",
        ] {
            assert_none(&format!("Call {number} today."), "privacy/phone");
        }
        for number in [
            "0161 496 1000",
            "0161 497 0000",
            "020 7946 1000",
            "028 9649 5999",
            "028 9649 7000",
            "01632 961000",
            "07700 901000",
            "07700 899999",
            "0191 496 0123",
            "08081 571000",
            "03069 991000",
        ] {
            let text = format!("Call {number} today.");
            assert_finds(&text, "privacy/phone", &[number]);
        }
        // A drama number does not hide a real one next to it.
        assert_finds(
            "Call 07700 900123 or 07700 800123.",
            "privacy/phone",
            &["07700 800123"],
        );
    }
}
