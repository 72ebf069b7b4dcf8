//! `hub check`: the rule families (privacy, accessibility, plain language, links,
//! currency) over a fixture seeded with every rule's positives and near misses, the text and
//! JSON output formats, exit statuses, `--strict`, the bundled guide passing clean, and
//! `hub build` refusing to publish personal data.
//!
//! The fixture is tests/fixtures/check/. Expected lines are found by searching the fixture
//! files for marker text, never hard-coded, so the pages can be edited as long as each
//! marker stays unique in its file.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use common::*;
use regex::Regex;
use serde_json::Value;

const FIXTURE: &str = "check";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A file of the check fixture, relative to the fixture's root (`content/privacy.md`).
fn fixture_text(file: &str) -> String {
    let path = fixtures_dir().join(FIXTURE).join(file);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The 1-based line and column (in characters) where `needle` starts in `text`, which must
/// hold it exactly once.
fn position_in(text: &str, needle: &str, what: &str) -> (usize, usize) {
    let count = text.matches(needle).count();
    assert_eq!(
        count, 1,
        "{what} must contain {needle:?} exactly once (found {count} times)"
    );
    let offset = text.find(needle).expect("found above");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The line of the fixture file `file` on which the unique `needle` starts.
fn line_of(file: &str, needle: &str) -> usize {
    position_in(&fixture_text(file), needle, file).0
}

/// The line where the Markdown body of a `+++` page starts: the one after the closing fence.
fn body_line_in(text: &str, what: &str) -> usize {
    let fences: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_end() == "+++")
        .map(|(i, _)| i + 1)
        .collect();
    assert!(fences.len() >= 2, "{what} has no +++ front matter");
    fences[1] + 1
}

/// One finding as `hub check --format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    file: String,
    line: usize,
    column: usize,
    rule: String,
    severity: String,
    message: String,
    fix: String,
}

/// Parses stdout of `hub check --format json`: every line one JSON object with exactly the
/// documented fields and types.
fn parse_json(out: &Output) -> Vec<Found> {
    let text = stdout(out);
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("stdout line is not JSON ({e}): {line:?}\nwhole stdout:\n{text}")
            });
            let object = value
                .as_object()
                .unwrap_or_else(|| panic!("not a JSON object: {line}"));
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["column", "file", "fix", "line", "message", "rule", "severity"],
                "fields of {line}"
            );
            let string = |key: &str| {
                object[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{key} is not a string in {line}"))
                    .to_string()
            };
            let number = |key: &str| {
                object[key]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{key} is not a whole number in {line}"))
                    as usize
            };
            Found {
                file: string("file"),
                line: number("line"),
                column: number("column"),
                rule: string("rule"),
                severity: string("severity"),
                message: string("message"),
                fix: string("fix"),
            }
        })
        .collect()
}

/// Runs `hub check --format json [extra]` and parses its findings.
fn check_json(site: &TestSite, extra: &[&str]) -> (Output, Vec<Found>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = site.hub(&args);
    assert!(
        !stderr(&out).contains("panicked"),
        "hub panicked:\n{}",
        stderr(&out)
    );
    let found = parse_json(&out);
    (out, found)
}

/// `hub check --format json` on the fixture, run once per test program and shared by the
/// tests that only read its findings.
fn fixture_check() -> (&'static Output, &'static [Found]) {
    static RUN: OnceLock<(Output, Vec<Found>)> = OnceLock::new();
    let (out, found) = RUN.get_or_init(|| check_json(&TestSite::fixture(FIXTURE), &[]));
    (out, found)
}

/// (file, line, rule) of each finding, sorted, duplicates kept.
fn triples(found: &[Found]) -> Vec<(String, usize, String)> {
    let mut t: Vec<_> = found
        .iter()
        .map(|f| (f.file.clone(), f.line, f.rule.clone()))
        .collect();
    t.sort();
    t
}

fn show(found: &[Found]) -> String {
    found
        .iter()
        .map(|f| {
            format!(
                "  {}:{}:{} [{}] {}",
                f.file, f.line, f.column, f.rule, f.severity
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The summary line: `checked N files in X ms: E errors, W warnings`.
fn summary_regex() -> Regex {
    Regex::new(r"^checked (\d[\d,]*) files? in \d[\d,]* ms: (\d+) errors?, (\d+) warnings?$")
        .expect("summary pattern")
}

/// The numbers of the summary line in `text`: (files, errors, warnings).
fn summary_numbers(text: &str) -> (usize, usize, usize) {
    let re = summary_regex();
    let lines: Vec<&str> = text.lines().filter(|l| re.is_match(l)).collect();
    assert_eq!(lines.len(), 1, "expected one summary line in:\n{text}");
    let caps = re.captures(lines[0]).expect("matched");
    let n = |i: usize| caps[i].replace(',', "").parse::<usize>().expect("number");
    (n(1), n(2), n(3))
}

/// The files `hub check` reads in a site whose templates show no data: its Markdown files,
/// site.toml, and data/authors.toml when there is one (people's pages publish it).
fn checked_files(site_root: &Path) -> usize {
    markdown_files(&site_root.join("content"))
        + 1
        + usize::from(site_root.join("data/authors.toml").is_file())
}

/// The files `hub check` reads in the bundled guide: its Markdown files, site.toml and every
/// data file, each once, for the guide publishes them all: people's pages show
/// data/authors.toml, charts and the follow list draw from theirs, and a page shows
/// data/self-assessment.toml as a form.
fn checked_guide_files(site_root: &Path) -> usize {
    let data_files = std::fs::read_dir(site_root.join("data")).map_or(0, |dir| {
        dir.filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .count()
    });
    markdown_files(&site_root.join("content")) + 1 + data_files
}

/// The Markdown files of a folder, counted.
fn markdown_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

// ---------------------------------------------------------------------------------------------
// What the fixture must produce

/// Where a finding is expected.
enum At {
    /// Where this text starts (it is unique in the file).
    Text(&'static str),
    /// At the start of the Markdown body (page-wide rules).
    BodyStart,
}

struct Expected {
    file: &'static str,
    at: At,
    rule: &'static str,
}

const fn at(file: &'static str, needle: &'static str, rule: &'static str) -> Expected {
    Expected {
        file,
        at: At::Text(needle),
        rule,
    }
}

const fn page_wide(file: &'static str, rule: &'static str) -> Expected {
    Expected {
        file,
        at: At::BodyStart,
        rule,
    }
}

const PRIVACY: &str = "content/privacy.md";
const A11Y: &str = "content/a11y.md";
const LANGUAGE: &str = "content/language.md";
const AVERAGE: &str = "content/language-average.md";
const HARD: &str = "content/language-hard.md";
const LINKS: &str = "content/links.md";
const CURRENCY: &str = "content/currency.md";

/// Every finding the fixture must produce, and nothing else. Near misses are in the pages
/// next to them (see the comment on each group for what must *not* be found).
const EXPECTED: &[Expected] = &[
    // privacy (errors). Not found: press@council.org (in [check] allow, also in a mailto: on
    // links.md), 999, a year, an order number, an NHS number failing the check digit, an NI
    // number with a never-issued prefix, a postcode with no name near it, "born in the
    // 1980s", phone numbers in code silenced by `<!-- hub:allow privacy -->` on the line before.
    at(PRIVACY, "jo.bloggs@council.net", "privacy/email"),
    at(PRIVACY, "sam.jones@council.com", "privacy/email"),
    at(PRIVACY, "07700 800123", "privacy/phone"),
    at(PRIVACY, "020 7946 1958", "privacy/phone"),
    at(PRIVACY, "+44 161 496 1000", "privacy/phone"),
    at(PRIVACY, "943 476 5919", "privacy/nhs-number"),
    at(PRIVACY, "AB 12 34 56 C", "privacy/ni-number"),
    at(PRIVACY, "M1 1AE", "privacy/postcode"),
    at(PRIVACY, "DOB 24/11/1980", "privacy/date-of-birth"),
    at(PRIVACY, "07700 800789", "privacy/phone"),
    // accessibility (warnings). Not found: good and short alt text, "Logo", a raw `alt=""`,
    // a raw img with alt, a step back up, h4 → h5, a `#` line in a code block, descriptive
    // link texts (one starting "More about"), a table with headers.
    at(A11Y, "# A second page title", "a11y/heading-h1"),
    at(A11Y, "![](/images/team.png)", "a11y/img-alt-missing"),
    at(A11Y, "![image](", "a11y/img-alt-unhelpful"),
    at(A11Y, "![IMG_2231.jpg](", "a11y/img-alt-unhelpful"),
    at(A11Y, "![A wide photograph", "a11y/img-alt-long"),
    at(
        A11Y,
        "<img src=\"/images/team.png\">",
        "a11y/img-alt-missing",
    ),
    at(A11Y, "#### A quoted heading", "a11y/heading-skip"),
    at(A11Y, "#### Too deep", "a11y/heading-skip"),
    at(A11Y, "[](/privacy/)", "a11y/link-empty"),
    at(A11Y, "[click here]", "a11y/link-text"),
    at(A11Y, "[https://www.example.org/report]", "a11y/link-text"),
    at(A11Y, "<https://www.example.org/plan>", "a11y/link-text"),
    at(A11Y, "| | |", "a11y/table-header"),
    // plain language (warnings). Not found: the 39-word sentence, officialese in quotes, in
    // inline code, in a code block and after `<!-- hub:allow language/officialese -->`,
    // four paragraphs in a row; no page-wide finding on language.md itself.
    at(
        LANGUAGE,
        "On the first warm day of the year",
        "language/long-sentence",
    ),
    at(
        LANGUAGE,
        "facilitate a short session",
        "language/officialese",
    ),
    at(
        LANGUAGE,
        "The first of five paragraphs",
        "language/wall-of-text",
    ),
    page_wide(AVERAGE, "language/average-sentence"),
    page_wide(HARD, "language/readability"),
    // links (errors). Not found: an @/ link, an existing anchor, a good external link, a
    // mailto: link, an existing image.
    at(LINKS, "[A page we never wrote]", "links/broken"),
    at(LINKS, "[A heading that is not there]", "links/anchor"),
    at(
        LINKS,
        "![A chart we forgot to upload]",
        "links/missing-file",
    ),
    at(LINKS, "[Our annual report]", "links/missing-file"),
    at(
        LINKS,
        "[Our partner charity](www.example.org)",
        "links/malformed",
    ),
    // currency (warnings). Not found: "what to do" before the TODO, a future review_by and a
    // past date on clean.md, a TODO in a draft page.
    at(CURRENCY, "2099-06-01", "currency/future-date"),
    at(CURRENCY, "2020-01-01", "currency/review-overdue"),
    at(CURRENCY, "TODO", "currency/unfinished"),
];

/// (file, line, column, rule) of every expected finding, lines and columns read from the
/// fixture files.
fn expected_positions() -> Vec<(String, usize, usize, String)> {
    let mut all: Vec<_> = EXPECTED
        .iter()
        .map(|e| {
            let text = fixture_text(e.file);
            let (line, column) = match e.at {
                At::Text(needle) => position_in(&text, needle, e.file),
                At::BodyStart => (body_line_in(&text, e.file), 1),
            };
            (e.file.to_string(), line, column, e.rule.to_string())
        })
        .collect();
    all.sort();
    all
}

fn expected_severity(rule: &str) -> &'static str {
    if rule.starts_with("privacy/") || rule.starts_with("links/") {
        "error"
    } else {
        "warning"
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture, rule by rule

#[test]
fn fixture_findings_are_exactly_the_seeded_file_line_rule_set() {
    let (out, found) = fixture_check();
    let mut expected: Vec<(String, usize, String)> = EXPECTED
        .iter()
        .map(|e| {
            let line = match e.at {
                At::Text(needle) => line_of(e.file, needle),
                At::BodyStart => body_line_in(&fixture_text(e.file), e.file),
            };
            (e.file.to_string(), line, e.rule.to_string())
        })
        .collect();
    expected.sort();
    let got = triples(found);
    let missing: Vec<_> = expected.iter().filter(|e| !got.contains(e)).collect();
    let unexpected: Vec<_> = got.iter().filter(|g| !expected.contains(g)).collect();
    assert_eq!(
        got,
        expected,
        "\nmissing (expected, not reported): {missing:#?}\nunexpected (reported, not expected): {unexpected:#?}\nall findings:\n{}\nstderr:\n{}",
        show(found),
        stderr(out)
    );
}

#[test]
fn every_rule_family_and_rule_is_exercised() {
    // A guard on the fixture itself: each rule named in the brief has a positive.
    let rules: std::collections::BTreeSet<&str> = EXPECTED.iter().map(|e| e.rule).collect();
    for rule in [
        "privacy/email",
        "privacy/phone",
        "privacy/nhs-number",
        "privacy/ni-number",
        "privacy/postcode",
        "privacy/date-of-birth",
        "a11y/img-alt-missing",
        "a11y/img-alt-unhelpful",
        "a11y/img-alt-long",
        "a11y/heading-h1",
        "a11y/heading-skip",
        "a11y/link-empty",
        "a11y/link-text",
        "a11y/table-header",
        "language/long-sentence",
        "language/average-sentence",
        "language/readability",
        "language/officialese",
        "language/wall-of-text",
        "links/broken",
        "links/anchor",
        "links/missing-file",
        "links/malformed",
        "currency/review-overdue",
        "currency/future-date",
        "currency/unfinished",
    ] {
        assert!(rules.contains(rule), "no seeded positive for {rule}");
    }
}

#[test]
fn fixture_sentences_have_the_lengths_they_claim() {
    // The long-sentence rule flags more than 40 words; the fixture's pair straddles that.
    let text = fixture_text(LANGUAGE);
    let sentence_at = |start: &str| {
        let from = text.find(start).expect("sentence in the fixture");
        let rest = &text[from..];
        rest[..rest.find('.').expect("full stop")].to_string()
    };
    let words = |s: &str| s.split_whitespace().count();
    assert_eq!(words(&sentence_at("On the first warm day")), 41);
    assert_eq!(words(&sentence_at("Later that week")), 39);
    // The average page: at least 5 sentences, over 25 words each on average, and not over
    // 150 words (so that it is not scored for readability too).
    let body = fixture_text(AVERAGE);
    let body = body.rsplit("+++").next().expect("body");
    let total = words(body);
    let sentences = body.matches(". ").count() + 1;
    assert!(sentences >= 5 && total as f64 / sentences as f64 > 25.0 && total <= 150);
    // The hard page: over 150 words.
    let body = fixture_text(HARD);
    assert!(words(body.rsplit("+++").next().expect("body")) > 150);
}

#[test]
fn findings_point_at_the_exact_column() {
    let (_, found) = fixture_check();
    let mut got: Vec<(String, usize, usize, String)> = found
        .iter()
        .map(|f| (f.file.clone(), f.line, f.column, f.rule.clone()))
        .collect();
    got.sort();
    let expected = expected_positions();
    assert_eq!(got, expected, "all findings:\n{}", show(found));
}

#[test]
fn severities_messages_and_fixes() {
    let site = TestSite::fixture(FIXTURE);
    let (_, found) = check_json(&site, &[]);
    assert!(!found.is_empty());
    for f in &found {
        assert_eq!(
            f.severity,
            expected_severity(&f.rule),
            "severity of {}:{} [{}]",
            f.file,
            f.line,
            f.rule
        );
        assert!(!f.message.trim().is_empty(), "empty message: {f:?}");
        assert!(!f.fix.trim().is_empty(), "empty fix: {f:?}");
        assert!(f.line >= 1 && f.column >= 1, "line/column from 1: {f:?}");
        assert!(
            f.file.starts_with("content/") && !f.file.contains('\\'),
            "site-relative /-separated path: {f:?}"
        );
    }
}

#[test]
fn privacy_messages_quote_what_was_found() {
    let (_, found) = fixture_check();
    for (needle, rule) in [
        ("jo.bloggs@council.net", "privacy/email"),
        ("07700 800123", "privacy/phone"),
        ("943 476 5919", "privacy/nhs-number"),
        ("AB 12 34 56 C", "privacy/ni-number"),
        ("M1 1AE", "privacy/postcode"),
    ] {
        let f = found
            .iter()
            .find(|f| f.rule == rule && f.message.contains(needle))
            .unwrap_or_else(|| panic!("no {rule} finding quoting {needle:?}:\n{}", show(found)));
        assert_eq!(f.file, PRIVACY);
    }
}

#[test]
fn findings_are_sorted_by_file_line_and_column() {
    let (_, found) = fixture_check();
    let keys: Vec<_> = found
        .iter()
        .map(|f| (f.file.clone(), f.line, f.column))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

// ---------------------------------------------------------------------------------------------
// Output formats and exit statuses

#[test]
fn json_is_one_object_a_line_on_stdout_with_the_summary_on_stderr() {
    let (out, found) = fixture_check();
    let text = stdout(out);
    assert!(!text.contains("checked "), "summary on stdout:\n{text}");
    assert_eq!(text.lines().count(), found.len());
    assert_eq!(found.len(), EXPECTED.len());
    let (files, errors, warnings) = summary_numbers(&stderr(out));
    assert_eq!(files, checked_files(&fixtures_dir().join(FIXTURE)));
    assert_eq!(
        errors,
        found.iter().filter(|f| f.severity == "error").count()
    );
    assert_eq!(
        warnings,
        found.iter().filter(|f| f.severity == "warning").count()
    );
    assert_eq!(errors + warnings, found.len());
}

#[test]
fn text_format_has_the_documented_line_shapes_and_summary() {
    let site = TestSite::fixture(FIXTURE);
    let (_, json) = check_json(&site, &[]);
    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let (last, findings) = lines.split_last().expect("some output");
    assert!(
        summary_regex().is_match(last),
        "the last line is not the summary: {last:?}"
    );
    let finding_line =
        Regex::new(r"^(error|warning): ([^:]+):(\d+):(\d+): (.+) \[([a-z0-9]+/[a-z0-9-]+)\]$")
            .expect("finding pattern");
    assert_eq!(
        findings.len() % 2,
        0,
        "findings come in pairs of lines:\n{text}"
    );
    let mut parsed = Vec::new();
    for pair in findings.chunks(2) {
        let caps = finding_line.captures(pair[0]).unwrap_or_else(|| {
            panic!(
                "not `SEVERITY: FILE:LINE:COL: MESSAGE [RULE]`: {:?}",
                pair[0]
            )
        });
        let fix = pair[1]
            .strip_prefix("  fix: ")
            .unwrap_or_else(|| panic!("not `  fix: ...`: {:?}", pair[1]));
        parsed.push(Found {
            severity: caps[1].to_string(),
            file: caps[2].to_string(),
            line: caps[3].parse().expect("line"),
            column: caps[4].parse().expect("column"),
            message: caps[5].to_string(),
            rule: caps[6].to_string(),
            fix: fix.to_string(),
        });
    }
    // The same findings, in the same order, as the JSON format.
    assert_eq!(parsed, json);
    let (files, errors, warnings) = summary_numbers(last);
    assert_eq!(files, checked_files(site.root()));
    assert_eq!(
        errors,
        json.iter().filter(|f| f.severity == "error").count()
    );
    assert_eq!(
        warnings,
        json.iter().filter(|f| f.severity == "warning").count()
    );
}

#[test]
fn errors_exit_1_with_and_without_strict() {
    let site = TestSite::fixture(FIXTURE);
    for args in [
        &["check"][..],
        &["check", "--strict"],
        &["check", "--format", "json"],
    ] {
        let out = site.hub(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}\nstderr:\n{}",
            stderr(&out)
        );
    }
}

/// A site whose only finding is a warning (an h1 in the body).
fn warnings_only_site() -> TestSite {
    TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        (
            "content/page.md",
            "+++\ntitle = \"A page\"\n+++\n\n# Page title again\n\nA short and plain page.\n",
        ),
    ])
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let site = warnings_only_site();
    let (out, found) = check_json(&site, &[]);
    assert_eq!(
        triples(&found),
        vec![(
            "content/page.md".to_string(),
            5,
            "a11y/heading-h1".to_string()
        )]
    );
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let (_, errors, warnings) = summary_numbers(&stderr(&out));
    assert_eq!((errors, warnings), (0, 1));

    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}", stdout(&out));
    assert!(stdout(&out).contains("warning: content/page.md:5:1: "));

    for args in [
        &["check", "--strict"][..],
        &["check", "--strict", "--format", "json"],
    ] {
        let out = site.hub(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn a_clean_site_passes_strict_with_no_findings() {
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        (
            "content/page.md",
            "+++\ntitle = \"A page\"\n+++\n\n## About us\n\nWe help people stay well at home.\n",
        ),
    ]);
    let out = site.hub(&["check", "--strict"]);
    assert_success(&out);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "only the summary:\n{text}");
    assert_eq!(summary_numbers(&text), (3, 0, 0), "two pages and site.toml");
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture(FIXTURE);
    let before = snapshot(site.root());
    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    check_json(&site, &["--strict"]);
    assert!(!site.path("public").exists(), "hub check created public/");
    assert_eq!(
        snapshot(site.root()),
        before,
        "hub check changed the site folder"
    );
}

// ---------------------------------------------------------------------------------------------
// The bundled guide

#[test]
fn the_bundled_guide_passes_strict_with_no_findings() {
    let site = copy_guide();
    let (out, found) = check_json(&site, &["--strict"]);
    assert!(found.is_empty(), "findings:\n{}", show(&found));
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let (files, errors, warnings) = summary_numbers(&stderr(&out));
    assert_eq!(files, checked_guide_files(repo()));
    assert_eq!((errors, warnings), (0, 0));

    let out = site.hub(&["check", "--strict"]);
    assert_success(&out);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert!(!site.path("public").exists());
}

// ---------------------------------------------------------------------------------------------
// hub build and the privacy rules

const CLEAN_PAGE: &str =
    "+++\ntitle = \"A page\"\n+++\n\n## About us\n\nWe help people stay well at home.\n";

#[test]
fn build_refuses_personal_data_and_keeps_the_previous_output() {
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        ("content/page.md", CLEAN_PAGE),
    ]);
    site.build_ok(&[]);
    let before = site.snapshot("public");
    assert!(!before.is_empty());

    let page = "+++\ntitle = \"A page\"\n+++\n\n## About us\n\nWrite to jane.doe@council.com with questions.\n";
    site.write("content/page.md", page);
    let (line, column) = position_in(page, "jane.doe@council.com", "the page");
    let out = site.hub(&["build"]);
    assert_site_error(&out, &format!("content/page.md:{line}"));
    let err = stderr(&out);
    assert!(err.contains("privacy/email"), "rule not named:\n{err}");
    assert!(
        err.contains(&format!("content/page.md:{line}:{column}")),
        "column not given:\n{err}"
    );
    assert!(err.contains("--allow-privacy"), "no way out named:\n{err}");
    assert_eq!(site.snapshot("public"), before, "public/ changed");

    let out = site.hub(&["build", "--allow-privacy"]);
    assert_success(&out);
    assert!(site
        .output("page/index.html")
        .contains("jane.doe@council.com"));
}

#[test]
fn build_refuses_personal_data_in_front_matter() {
    let page = "+++\ntitle = \"A page\"\ndescription = \"Ask jane.doe@council.com\"\n+++\n\n## About us\n\nWe help people.\n";
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        ("content/page.md", page),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/page.md:3");
    assert!(stderr(&out).contains("privacy/email"));
    assert!(!site.path("public").exists(), "something was published");
}

#[test]
fn build_of_the_fixture_names_each_privacy_finding_and_only_those() {
    let site = TestSite::fixture(FIXTURE);
    let out = site.hub(&["build"]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    let err = stderr(&out);
    for e in EXPECTED.iter().filter(|e| e.rule.starts_with("privacy/")) {
        let At::Text(needle) = e.at else {
            continue;
        };
        let (line, column) = position_in(&fixture_text(e.file), needle, e.file);
        let location = format!("{}:{line}:{column}", e.file);
        assert!(
            err.lines()
                .any(|l| l.contains(&location) && l.contains(&format!("[{}]", e.rule))),
            "build did not name {location} [{}]:\n{err}",
            e.rule
        );
    }
    for family in ["[a11y/", "[language/", "[links/", "[currency/"] {
        assert!(
            !err.contains(family),
            "build reported {family} findings:\n{err}"
        );
    }
    assert!(!site.path("public").exists(), "something was published");
    // The broken links in the content are broken on the published site too: with the
    // privacy findings allowed, they alone (and each of them) still stop the build.
    let out = site.hub(&["build", "--allow-privacy"]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    let err = stderr(&out);
    let broken: Vec<&Expected> = EXPECTED
        .iter()
        .filter(|e| e.rule.starts_with("links/") && e.rule != "links/malformed")
        .filter(|e| e.file == LINKS)
        .collect();
    assert_eq!(broken.len(), 4);
    for e in &broken {
        let At::Text(needle) = e.at else {
            continue;
        };
        let (line, column) = position_in(&fixture_text(e.file), needle, e.file);
        let location = format!("error: {}:{line}:{column}: ", e.file);
        assert!(
            err.lines().any(|l| l.starts_with(&location)),
            "build did not stop at {location}:\n{err}"
        );
    }
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error: ")).count(),
        broken.len(),
        "only the broken links stop the build:\n{err}"
    );
    assert!(!site.path("public").exists(), "something was published");
}

#[test]
fn an_address_in_check_allow_builds_and_checks_fine() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n"),
        (
            "content/page.md",
            "+++\ntitle = \"A page\"\n+++\n\n## About us\n\nWrite to team@council.org with questions.\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/page.md:7");

    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[check]\nallow = [\"team@council.org\"]\n",
    );
    site.build_ok(&[]);
    assert!(site.output("page/index.html").contains("team@council.org"));
    let out = site.hub(&["check", "--strict"]);
    assert_success(&out);
}

#[test]
fn build_honours_inline_allow_comments() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n"),
        (
            "content/page.md",
            "+++\ntitle = \"A page\"\n+++\n\n## Contact\n\n<!-- hub:allow privacy -->\nThe helpline is 0300 123 4567.\n",
        ),
    ]);
    site.build_ok(&[]);
    let out = site.hub(&["check", "--strict"]);
    assert_success(&out);
}

#[test]
fn inline_allow_covers_the_next_line_and_the_named_family_or_rule_only() {
    let page = "+++\ntitle = \"A page\"\n+++\n\n## Contact\n\n\
                <!-- hub:allow privacy -->\n\
                Mail one@council.com today.\n\
                Mail two@council.com today.\n\n\
                <!-- hub:allow language/officialese -->\n\
                We facilitate the group at three@council.com now.\n\n\
                <!-- hub:allow privacy/phone -->\n\
                Ring 07700 800111 or mail four@council.com now.\n";
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        ("content/page.md", page),
    ]);
    let (out, found) = check_json(&site, &[]);
    let line = |needle: &str| position_in(page, needle, "the page").0;
    let file = "content/page.md".to_string();
    let mut expected = vec![
        (
            file.clone(),
            line("two@council.com"),
            "privacy/email".to_string(),
        ),
        (
            file.clone(),
            line("three@council.com"),
            "privacy/email".to_string(),
        ),
        (
            file.clone(),
            line("four@council.com"),
            "privacy/email".to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(triples(&found), expected, "findings:\n{}", show(&found));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_reports_privacy_and_broken_links_when_the_build_fails() {
    let page = "+++\ntitle = \"A page\"\n+++\n\n## About us\n\nWrite to jane.doe@council.com with questions.\n\nRead [our rules](@/no-such-page.md) first.\n";
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        ("content/page.md", page),
    ]);
    // The build itself fails on the broken @/ link...
    let out = site.hub(&["build", "--allow-privacy"]);
    assert_site_error(&out, "content/page.md");
    // ...and check still reports both problems, each on its own line.
    let (out, found) = check_json(&site, &[]);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{}", stderr(&out));
    let file = "content/page.md".to_string();
    let email_line = position_in(page, "jane.doe@council.com", "the page").0;
    let link_line = position_in(page, "[our rules]", "the page").0;
    let got = triples(&found);
    assert!(
        got.contains(&(file.clone(), email_line, "privacy/email".to_string())),
        "no privacy finding:\n{}",
        show(&found)
    );
    assert!(
        got.contains(&(file.clone(), link_line, "links/broken".to_string())),
        "no links/broken finding on line {link_line}:\n{}",
        show(&found)
    );
    for f in &found {
        assert_eq!(f.severity, "error", "{f:?}");
        assert!(!f.message.is_empty() && !f.fix.is_empty(), "{f:?}");
    }
    assert!(!site.path("public").exists());
}

/// `hub check` publishes nothing, so its failure must not talk about publishing.
#[test]
fn check_failing_on_a_broken_site_toml_does_not_mention_publishing() {
    let site =
        TestSite::with_files(&[("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://hub.example.org\"\ntitel = \"x\"\n",
    );
    let out = site.hub(&["check"]);
    assert_site_error(&out, "site.toml:3");
    let err = stderr(&out);
    assert!(
        !err.contains("published"),
        "check must not say anything about publishing:\n{err}"
    );
}

/// Problems the build finds are findings too, under the rule they belong to.
#[test]
fn duplicate_urls_are_reported_under_their_rule() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "content/tips/a.md",
            "+++\ntitle = \"A\"\nslug = \"b\"\n+++\nText.\n",
        ),
        ("content/tips/b.md", "+++\ntitle = \"B\"\n+++\nText.\n"),
    ]);
    let out = site.hub(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rules: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["rule"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(rules, ["links/duplicate-url"]);
}

// ---------------------------------------------------------------------------------------------
// Data files: what templates show of data/ is published, so the privacy rules read it.

/// A site whose page template shows `data.team`, with a phone number and an address in
/// `data/team.toml` (lines 3 and 4) and an address in `data/rota.csv` (line 3).
fn site_showing_data() -> TestSite {
    TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n"),
        ("content/team.md", "+++\ntitle = \"Our team\"\n+++\n\nWho we are.\n"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<p>{{ data.team.lead }}</p>{% endblock %}",
        ),
        (
            "data/team.toml",
            "# Who leads the team this year.\nlead = \"Priya Shah\"\nmobile = \"07700 800123\"\nemail = \"priya.shah@council.org\"\n",
        ),
        ("data/rota.csv", "day,who\nMonday,Sam Jones\nTuesday,alex.kerr@council.org\n"),
    ])
}

#[test]
fn build_refuses_personal_data_in_data_files_that_templates_show() {
    let site = site_showing_data();
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/team.toml:3");
    let err = stderr(&out);
    for (location, rule) in [
        ("data/team.toml:3:", "[privacy/phone]"),
        ("data/team.toml:4:", "[privacy/email]"),
        ("data/rota.csv:3:", "[privacy/email]"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(location) && l.contains(rule)),
            "the build did not name {location} {rule}:\n{err}"
        );
    }
    assert!(!site.path("public").exists(), "something was published");
}

#[test]
fn check_reports_personal_data_in_data_files_that_templates_show() {
    let site = site_showing_data();
    let (out, found) = check_json(&site, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&found));
    let data_findings: Vec<(String, usize, String)> = triples(&found)
        .into_iter()
        .filter(|(file, _, _)| file.starts_with("data/"))
        .collect();
    assert_eq!(
        data_findings,
        [
            ("data/rota.csv".to_string(), 3, "privacy/email".to_string()),
            ("data/team.toml".to_string(), 3, "privacy/phone".to_string()),
            ("data/team.toml".to_string(), 4, "privacy/email".to_string()),
        ]
    );
}

#[test]
fn data_files_can_be_allowed_in_site_toml_or_with_a_toml_comment() {
    let site = site_showing_data();
    site.write(
        "data/team.toml",
        "lead = \"Priya Shah\"\n# hub:allow privacy/phone\nmobile = \"07700 800123\"\nemail = \"priya.shah@council.org\"\n",
    );
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[check]\nallow = [\"priya.shah@council.org\", \"alex.kerr@council.org\"]\n",
    );
    site.build_ok(&[]);
    assert!(site.output("team/index.html").contains("Priya Shah"));
    let (out, found) = check_json(&site, &[]);
    assert!(
        found.iter().all(|f| !f.file.starts_with("data/")),
        "{}",
        show(&found)
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&found));
}

#[test]
fn data_files_that_no_template_shows_are_not_published_nor_refused() {
    let site = site_showing_data();
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    site.build_ok(&[]);
    assert!(!site.output("team/index.html").contains("07700"));
    let (_, found) = check_json(&site, &[]);
    assert!(
        found.iter().all(|f| !f.file.starts_with("data/")),
        "{}",
        show(&found)
    );
}

#[test]
fn build_and_check_read_site_toml_whose_values_templates_show() {
    let site = TestSite::with_files(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
    )]);
    let settings = "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\nauthor = \"Jo Bloggs, jo.bloggs@council.org\"\n\n[extra]\nhelpline = \"0300 123 4567\"\n";
    site.write("site.toml", settings);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:3:");
    assert!(stderr(&out).contains("[privacy/email]"), "{}", stderr(&out));
    let (_, found) = check_json(&site, &[]);
    assert_eq!(
        triples(&found),
        [
            ("site.toml".to_string(), 3, "privacy/email".to_string()),
            ("site.toml".to_string(), 6, "privacy/phone".to_string()),
        ]
    );

    // Public on purpose: listed in `allow`, which is itself in site.toml and not a finding.
    site.write(
        "site.toml",
        &format!("{settings}\n[check]\nallow = [\"jo.bloggs@council.org\", \"0300 123 4567\"]\n"),
    );
    site.build_ok(&[]);
    let (out, found) = check_json(&site, &["--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&found));
}

#[test]
fn check_reads_site_toml_even_when_the_build_fails() {
    let site = TestSite::with_files(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nSee [the tips](@/tips/missing.md).\n",
    )]);
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\nauthor = \"jo.bloggs@council.org\"\n",
    );
    let (out, found) = check_json(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let rules: Vec<(String, usize, String)> = triples(&found);
    assert!(
        rules.contains(&("site.toml".to_string(), 3, "privacy/email".to_string())),
        "{}",
        show(&found)
    );
    assert!(
        rules.iter().any(|(file, _, _)| file == "content/_index.md"),
        "the broken link is reported too: {}",
        show(&found)
    );
}

/// Addresses and numbers kept for examples (RFC 2606/6761 domains, Ofcom's drama numbers)
/// publish; the real-looking ones next to them still stop the build, at their line.
#[test]
fn details_kept_for_examples_publish_and_their_neighbours_do_not() {
    let home = "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n";
    let examples = "+++\ntitle = \"Examples\"\n+++\n\nWrite to user@example.org or jo@northshire.example.\n\nRing 07700 900123, 0161 496 0999 or +44 20 7946 0123.\n";
    let site = TestSite::with_files(&[
        ("content/_index.md", home),
        ("content/examples.md", examples),
    ]);
    site.build_ok(&[]);
    assert!(site.output("examples/index.html").contains("07700 900123"));

    site.write(
        "content/real.md",
        "+++\ntitle = \"Real\"\n+++\n\nWrite to user@council.gov.uk.\n\nRing 07700 901123.\n",
    );
    let before = site.snapshot("public");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/real.md:5:10");
    let err = stderr(&out);
    assert!(err.contains("content/real.md:7:6"), "{err}");
    assert!(!err.contains("examples.md"), "{err}");
    assert_eq!(site.snapshot("public"), before, "nothing was published");
}
