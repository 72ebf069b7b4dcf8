//! Currency: is the site up to date? Policies past their `review_by` date, pages dated in
//! the future (built, but probably not meant to be seen yet), and pages that look unfinished
//! (placeholders such as TODO or "lorem ipsum") but are not marked as drafts, so they would
//! be published as they are.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

use super::RawFinding;
use crate::content::PageSource;
use crate::error::find_key;
use crate::rules;

/// Words people leave in text they mean to finish later. Capitals only for the short ones:
/// "a todo list" is ordinary English, "TODO" is a note to self.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(TODO|TBC|TBD|FIXME|XXX|(?i:lorem ipsum))(?-u:\b)")
        .expect("the placeholder pattern is valid")
});

/// Offset of `key`'s value in the page's front matter, else the start of the file.
fn offset_of_key(text: &str, key: &str) -> usize {
    let Some((line, column)) = find_key(text, key) else {
        return 0;
    };
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let line_text = text[line_start..].lines().next().unwrap_or_default();
    line_start
        + line_text
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// Sections and tags that mark a page about an event (a training session, a meeting).
const EVENT_WORDS: &[&str] = &["training", "event", "events"];

/// Whether the page announces an event, so a future `date` is probably the event's day:
/// a page with `[[sessions]]`, or one in a section named training or events (where the guide
/// and the starter keep them) or tagged so (for an event announced from another section,
/// such as posts).
fn is_event_page(source: &PageSource) -> bool {
    if !source.sessions.is_empty() {
        return true;
    }
    let in_event_section = source
        .section_dir
        .split('/')
        .any(|dir| EVENT_WORDS.contains(&dir.to_lowercase().as_str()));
    let tagged = source
        .tags
        .iter()
        .any(|tag| EVENT_WORDS.contains(&tag.trim().to_lowercase().as_str()));
    in_event_section || tagged
}

/// A page dated after today. For an event, "make it a draft until then" would hide the
/// announcement until the day itself, so the advice is to keep `date` for publishing and
/// put the event's day in the text.
fn future_date(source: &PageSource, date: NaiveDate) -> RawFinding {
    let page = &source.file;
    let day = date.format("%-d %B %Y");
    let (message, fix) = if is_event_page(source) {
        (
            format!("this page is dated {day}, in the future; if that is the day of the event, `date` is not the place for it"),
            format!("`date` is the day the page is published, and puts it in order in lists and feeds: set it to today, and give the event's day and time in a [[sessions]] table below the other fields, with start = {}T10:00:00, end = \"11:00\" and place = \"…\"", date.format("%Y-%m-%d")),
        )
    } else {
        (
            format!("this page is dated {day}, in the future, but it is published now"),
            "correct the date, or set `draft = true` until the day it should go out".into(),
        )
    };
    RawFinding {
        offset: offset_of_key(&page.text, "date"),
        rule: rules::CURRENCY_FUTURE_DATE.id,
        severity: rules::CURRENCY_FUTURE_DATE.severity,
        message,
        fix,
    }
}

/// The currency findings of one published page, as of `today`.
pub(super) fn check(source: &PageSource, today: NaiveDate) -> Vec<RawFinding> {
    let page = &source.file;
    let mut findings = Vec::new();
    if let Some(review_by) = source.review_by {
        if review_by.date_naive() < today {
            findings.push(RawFinding {
                offset: offset_of_key(&page.text, "review_by"),
                rule: rules::CURRENCY_REVIEW_OVERDUE.id,
                severity: rules::CURRENCY_REVIEW_OVERDUE.severity,
                message: format!(
                    "this page was due for review on {}",
                    review_by.date_naive().format("%-d %B %Y")
                ),
                fix: rules::CURRENCY_REVIEW_OVERDUE.fixed_fix().into(),
            });
        }
    }
    if let Some(date) = source.date {
        if date.date_naive() > today {
            findings.push(future_date(source, date.date_naive()));
        }
    }
    if !source.draft {
        if let Some(found) = PLACEHOLDER.find(page.body()) {
            findings.push(RawFinding {
                offset: page.body_start + found.start(),
                rule: rules::CURRENCY_UNFINISHED.id,
                severity: rules::CURRENCY_UNFINISHED.severity,
                message: format!(
                    "\"{}\" suggests this page is not finished, but it is not a draft",
                    found.as_str()
                ),
                fix: rules::CURRENCY_UNFINISHED.fixed_fix().into(),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{parse_page, SourceFile};
    use std::path::Path;

    fn raw_findings(content_path: &str, text: &str) -> Vec<RawFinding> {
        let source = parse_page(SourceFile::new(
            Path::new("content").join(content_path),
            content_path.into(),
            text.into(),
        ))
        .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        check(&source, today)
    }

    fn findings(text: &str) -> Vec<&'static str> {
        raw_findings("a.md", text)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_future_event_is_not_told_to_become_a_draft() {
        let text = "+++\ntitle = \"Course\"\ndate = 2027-03-03\n+++\nText.\n";
        for path in ["training/course.md", "Events/course.md"] {
            let found = raw_findings(path, text);
            assert_eq!(found.len(), 1);
            assert!(found[0].message.contains("if that is the day of the event"));
            assert!(!found[0].fix.contains("draft"), "{}", found[0].fix);
            assert!(found[0].fix.contains("[[sessions]]"));
            assert!(found[0].fix.contains("start = 2027-03-03T10:00:00"));
        }
        let tagged =
            "+++\ntitle = \"Course\"\ndate = 2027-03-03\ntags = [\"Training\"]\n+++\nText.\n";
        assert!(raw_findings("posts/course.md", tagged)[0]
            .message
            .contains("day of the event"));
        let post = raw_findings("posts/news.md", text);
        assert_eq!(
            post[0].fix,
            "correct the date, or set `draft = true` until the day it should go out"
        );
    }

    #[test]
    fn flags_overdue_reviews_future_dates_and_placeholders() {
        assert_eq!(
            findings("+++\ntitle = \"P\"\nreview_by = 2026-11-27\n+++\nText.\n"),
            ["currency/review-overdue"]
        );
        assert!(findings("+++\ntitle = \"P\"\nreview_by = 2026-11-28\n+++\nText.\n").is_empty());
        assert_eq!(
            findings("+++\ntitle = \"P\"\ndate = 2026-12-01\n+++\nText.\n"),
            ["currency/future-date"]
        );
        assert_eq!(
            findings("+++\ntitle = \"P\"\n+++\nTODO: write this.\n"),
            ["currency/unfinished"]
        );
        assert!(findings("+++\ntitle = \"P\"\ndraft = true\n+++\nTODO: write this.\n").is_empty());
        assert!(findings("+++\ntitle = \"P\"\n+++\nWe take stock of what to do.\n").is_empty());
        assert!(findings("+++\ntitle = \"P\"\n+++\nKeep a todo list.\n").is_empty());
    }

    #[test]
    fn points_at_the_key() {
        let text = "+++\ntitle = \"P\"\nreview_by = 2020-01-01\n+++\n";
        assert_eq!(offset_of_key(text, "review_by"), text.find("2020").unwrap());
    }
}
