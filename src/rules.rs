//! The registry of `hub check`'s rules: one entry per rule, with its name, family, severity,
//! a one-line summary and, when the fix is always the same words, the fix. The rule
//! families and the build code name rules through these entries, so a rule's name is
//! written once, here, and `docs/check.md` is tested against this table
//! (`tests/check_rules_documented.rs`). It holds no logic: what a rule looks for stays in
//! its family's file.

use serde::Serialize;

/// How serious a finding is: errors stop `check` (and privacy errors stop `build`);
/// warnings do too with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// The family a rule belongs to: the part of its name before the `/`, which a
/// `hub:allow` comment may name to silence the whole family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Privacy,
    Links,
    /// Problems that stop `hub build` and belong to no other rule.
    Build,
    /// Front matter written in a way that loses a field.
    Content,
    A11y,
    Language,
    Currency,
    /// What a photo file gives away besides its picture.
    Images,
}

impl Family {
    /// Every family, in the order `docs/check.md` presents them.
    pub const ALL: &'static [Family] = &[
        Family::Privacy,
        Family::Links,
        Family::Build,
        Family::Content,
        Family::A11y,
        Family::Language,
        Family::Currency,
        Family::Images,
    ];

    /// The family's name as it starts its rules' names: `privacy`, `a11y`...
    pub const fn name(self) -> &'static str {
        match self {
            Family::Privacy => "privacy",
            Family::Links => "links",
            Family::Build => "build",
            Family::Content => "content",
            Family::A11y => "a11y",
            Family::Language => "language",
            Family::Currency => "currency",
            Family::Images => "images",
        }
    }
}

/// One rule of `hub check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// `family/rule`, as findings, `hub:allow` comments and the docs name it.
    pub id: &'static str,
    /// The family, the part of `id` before the `/`.
    pub family: Family,
    /// Whether its findings are errors or warnings.
    pub severity: Severity,
    /// What the rule flags, in the words of its heading in `docs/check.md`.
    pub summary: &'static str,
    /// The fix, when it is the same for every finding; `None` when it names what was found.
    fix: Option<&'static str>,
}

impl Rule {
    /// The rule's fixed fix. Only for rules whose entry has one: calling it on any other
    /// rule is a mistake in hub's own code, which the rule's tests show at once.
    pub(crate) const fn fixed_fix(&self) -> &'static str {
        match self.fix {
            Some(fix) => fix,
            None => panic!("this rule's fix depends on the finding: its entry has no fixed fix"),
        }
    }
}

/// Shorthand for the table below.
const fn rule(
    id: &'static str,
    family: Family,
    severity: Severity,
    summary: &'static str,
    fix: Option<&'static str>,
) -> Rule {
    Rule {
        id,
        family,
        severity,
        summary,
        fix,
    }
}

use Family::{A11y, Build, Content, Currency, Images, Language, Links, Privacy};
use Severity::{Error, Warning};

// --- Privacy: personal details (errors) ------------------------------------------------------

pub(crate) const PRIVACY_EMAIL: Rule = rule(
    "privacy/email",
    Privacy,
    Error,
    "email addresses",
    Some("Remove it or use a shared team address; if it is meant to be public, add it to `allow` under `[check]` in site.toml."),
);
pub(crate) const PRIVACY_PHONE: Rule = rule(
    "privacy/phone",
    Privacy,
    Error,
    "UK phone numbers",
    Some("Remove it; if it is a public switchboard or helpline number, add it to `allow` under `[check]` in site.toml."),
);
pub(crate) const PRIVACY_NHS_NUMBER: Rule = rule(
    "privacy/nhs-number",
    Privacy,
    Error,
    "NHS numbers",
    Some("Remove it: an NHS number identifies a person and must never be published."),
);
pub(crate) const PRIVACY_NI_NUMBER: Rule = rule(
    "privacy/ni-number",
    Privacy,
    Error,
    "National Insurance numbers",
    Some("Remove it: a National Insurance number identifies a person and must never be published."),
);
pub(crate) const PRIVACY_POSTCODE: Rule = rule(
    "privacy/postcode",
    Privacy,
    Error,
    "a postcode beside a name",
    Some("Remove the postcode or the name; if it is an office address, add the postcode to `allow` under `[check]` in site.toml."),
);
pub(crate) const PRIVACY_DATE_OF_BIRTH: Rule = rule(
    "privacy/date-of-birth",
    Privacy,
    Error,
    "dates of birth",
    Some("Remove the date of birth; if an age matters to the story, give an age range instead."),
);
pub(crate) const PRIVACY_OUTSIDE_LINK: Rule = rule(
    "privacy/outside-link",
    Privacy,
    Error,
    "a shortcut to a file outside the site",
    Some("hub only publishes files inside the site folder: copy the file in instead of linking to it"),
);

// --- Links: links and images that lead nowhere (errors) --------------------------------------

pub(crate) const LINKS_BROKEN: Rule = rule(
    "links/broken",
    Links,
    Error,
    "a link to a page the site does not have",
    None,
);
pub(crate) const LINKS_MISSING_FILE: Rule = rule(
    "links/missing-file",
    Links,
    Error,
    "an image or file the site does not have",
    None,
);
pub(crate) const LINKS_ANCHOR: Rule = rule(
    "links/anchor",
    Links,
    Error,
    "a link to a heading that does not exist",
    None,
);
pub(crate) const LINKS_MALFORMED: Rule = rule(
    "links/malformed",
    Links,
    Error,
    "an address that is not a valid web address",
    Some("write the full address, starting with https://"),
);
pub(crate) const LINKS_DUPLICATE_URL: Rule = rule(
    "links/duplicate-url",
    Links,
    Error,
    "two files at the same address",
    None,
);

// --- Build and content: problems found while reading the site --------------------------------

pub(crate) const BUILD_ERROR: Rule = rule(
    "build/error",
    Build,
    Error,
    "anything else that stops `hub build`",
    None,
);
pub(crate) const CONTENT_EXTRA_FIELD: Rule = rule(
    "content/extra-field",
    Content,
    Warning,
    "a page field written below `[extra]`",
    None,
);

// --- Accessibility (warnings) ----------------------------------------------------------------

pub(crate) const A11Y_IMG_ALT_MISSING: Rule = rule(
    "a11y/img-alt-missing",
    A11y,
    Warning,
    "an image with no description",
    None,
);
pub(crate) const A11Y_IMG_ALT_UNHELPFUL: Rule = rule(
    "a11y/img-alt-unhelpful",
    A11y,
    Warning,
    "a description that says nothing",
    Some("Describe what the image shows or why it is there, e.g. \"Bar chart: sign-ups doubled in May\"."),
);
pub(crate) const A11Y_IMG_ALT_LONG: Rule = rule(
    "a11y/img-alt-long",
    A11y,
    Warning,
    "a description over 150 characters",
    None,
);
pub(crate) const A11Y_HEADING_H1: Rule = rule(
    "a11y/heading-h1",
    A11y,
    Warning,
    "a top-level heading in the page",
    Some("Start body headings at `##`, and put the page's title in the front matter."),
);
pub(crate) const A11Y_HEADING_SKIP: Rule = rule(
    "a11y/heading-skip",
    A11y,
    Warning,
    "a heading level skipped",
    None,
);
pub(crate) const A11Y_LINK_EMPTY: Rule = rule(
    "a11y/link-empty",
    A11y,
    Warning,
    "a link with no text",
    Some("Put words saying where the link goes between the brackets, or give the image inside it alt text."),
);
pub(crate) const A11Y_LINK_TEXT: Rule = rule(
    "a11y/link-text",
    A11y,
    Warning,
    "link text that does not say where it goes",
    None,
);
pub(crate) const A11Y_TABLE_HEADER: Rule = rule(
    "a11y/table-header",
    A11y,
    Warning,
    "a table with an empty header row",
    Some("Give every column a short header naming what is in it."),
);

// --- Plain language (warnings) ---------------------------------------------------------------

pub(crate) const LANGUAGE_LONG_SENTENCE: Rule = rule(
    "language/long-sentence",
    Language,
    Warning,
    "a sentence of more than 40 words",
    Some("Split it into two or three shorter sentences with one idea each."),
);
pub(crate) const LANGUAGE_AVERAGE_SENTENCE: Rule = rule(
    "language/average-sentence",
    Language,
    Warning,
    "long sentences on average",
    Some("Break up the longest sentences so that most are under 20 words."),
);
pub(crate) const LANGUAGE_READABILITY: Rule = rule(
    "language/readability",
    Language,
    Warning,
    "a page that is hard going",
    Some("Use shorter sentences and everyday words with fewer syllables, aiming for a score of 60 or more."),
);
pub(crate) const LANGUAGE_OFFICIALESE: Rule = rule(
    "language/officialese",
    Language,
    Warning,
    "memo words",
    None,
);
pub(crate) const LANGUAGE_WALL_OF_TEXT: Rule = rule(
    "language/wall-of-text",
    Language,
    Warning,
    "paragraph after paragraph",
    Some("Break it up with a subheading, a bulleted list or an image, or cut what readers do not need."),
);

// --- Currency: is the site up to date (warnings) ---------------------------------------------

pub(crate) const CURRENCY_REVIEW_OVERDUE: Rule = rule(
    "currency/review-overdue",
    Currency,
    Warning,
    "a policy past its review date",
    Some("review it, then set `updated` to today and `review_by` to the next review date"),
);
pub(crate) const CURRENCY_FUTURE_DATE: Rule = rule(
    "currency/future-date",
    Currency,
    Warning,
    "a page dated in the future",
    None,
);
pub(crate) const CURRENCY_UNFINISHED: Rule = rule(
    "currency/unfinished",
    Currency,
    Warning,
    "a page that looks unfinished",
    Some("finish the text, or set `draft = true` so it is not published yet"),
);

// --- Images: what a photo file gives away (warnings) --------------------------------------

pub(crate) const IMAGES_LOCATION: Rule = rule(
    "images/location",
    Images,
    Warning,
    "a photo that records where it was taken",
    Some(
        "hub publishes the photo without its location, but the file you have still holds it: \
          before sharing the file anywhere else, remove the location (most phones and photo \
          editors offer this when sharing or exporting)",
    ),
);

/// Every rule, in the order `docs/check.md` describes them.
pub const ALL: &[Rule] = &[
    PRIVACY_EMAIL,
    PRIVACY_PHONE,
    PRIVACY_NHS_NUMBER,
    PRIVACY_NI_NUMBER,
    PRIVACY_POSTCODE,
    PRIVACY_DATE_OF_BIRTH,
    PRIVACY_OUTSIDE_LINK,
    LINKS_BROKEN,
    LINKS_MISSING_FILE,
    LINKS_ANCHOR,
    LINKS_MALFORMED,
    LINKS_DUPLICATE_URL,
    BUILD_ERROR,
    CONTENT_EXTRA_FIELD,
    A11Y_IMG_ALT_MISSING,
    A11Y_IMG_ALT_UNHELPFUL,
    A11Y_IMG_ALT_LONG,
    A11Y_HEADING_H1,
    A11Y_HEADING_SKIP,
    A11Y_LINK_EMPTY,
    A11Y_LINK_TEXT,
    A11Y_TABLE_HEADER,
    LANGUAGE_LONG_SENTENCE,
    LANGUAGE_AVERAGE_SENTENCE,
    LANGUAGE_READABILITY,
    LANGUAGE_OFFICIALESE,
    LANGUAGE_WALL_OF_TEXT,
    CURRENCY_REVIEW_OVERDUE,
    CURRENCY_FUTURE_DATE,
    CURRENCY_UNFINISHED,
    IMAGES_LOCATION,
];

/// The rule named `id`, if there is one.
#[cfg(test)]
fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|rule| rule.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_rule_is_named_after_its_family() {
        for rule in ALL {
            let (family, name) = rule.id.split_once('/').unwrap_or_default();
            assert_eq!(family, rule.family.name(), "{}", rule.id);
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: a rule's name is small letters, digits and dashes",
                rule.id
            );
        }
    }

    #[test]
    fn rule_names_are_unique_and_every_family_has_a_rule() {
        let ids: HashSet<&str> = ALL.iter().map(|rule| rule.id).collect();
        assert_eq!(ids.len(), ALL.len(), "a rule is listed twice");
        for family in Family::ALL {
            assert!(
                ALL.iter().any(|rule| rule.family == *family),
                "{family:?} has no rule"
            );
        }
    }

    #[test]
    fn rules_of_a_family_share_its_severity() {
        // docs/check.md gives one severity per family; a rule that differed would need a
        // line of its own there.
        for family in Family::ALL {
            let severities: HashSet<Severity> = ALL
                .iter()
                .filter(|rule| rule.family == *family)
                .map(|rule| rule.severity)
                .collect();
            assert_eq!(severities.len(), 1, "{family:?}");
        }
    }

    #[test]
    fn by_id_finds_each_rule() {
        for rule in ALL {
            assert_eq!(by_id(rule.id), Some(rule));
        }
        assert_eq!(by_id("privacy/nope"), None);
    }
}
