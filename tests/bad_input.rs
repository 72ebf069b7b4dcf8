//! Bad input: every broken file a user can write must give exit status 1 (2 for usage errors),
//! a message that names the file and line (`content/tips/x.md:4:8`), no panic, and must leave
//! the last good build in the output folder byte for byte.
//!
//! Each case has its own fixture under `tests/fixtures/bad-<defect>/`: a complete small site
//! with the bad file in place. The test first builds the site without the bad file, snapshots
//! `public/`, puts the bad file back and builds again. Inputs that cannot live in git (bad
//! UTF-8, binary files, symlink loops, a 50 MB page) are written by the test itself onto the
//! good `bad-base` fixture.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::Output;

use common::*;

/// The site.toml used for the first, good build when the defect is in site.toml itself.
const GOOD_SITE_TOML: &str = "title = \"Bad Input Test\"\nbase_url = \"https://hub.example.org\"\n";

/// A site that built once and was then broken, with the result of building it again.
struct Broken {
    site: TestSite,
    /// `public/` after the good build.
    before: BTreeMap<String, Vec<u8>>,
    /// The second, broken build.
    out: Output,
}

impl Broken {
    fn stderr(&self) -> String {
        stderr(&self.out)
    }
}

/// Builds `site` successfully, applies `defect`, and builds again.
fn build_then_break(site: TestSite, defect: impl FnOnce(&TestSite)) -> Broken {
    site.build_ok(&[]);
    let before = site.snapshot("public");
    assert!(
        before.contains_key("index.html"),
        "the good build wrote no index.html: {:?}",
        before.keys()
    );
    defect(&site);
    let out = site.hub(&["build"]);
    Broken { site, before, out }
}

/// Copies fixture `bad-<defect>`, builds it without the files in `bad` (site.toml is replaced
/// by a good one; any other bad file is left out, or — when the fixture lacks it — the defect
/// is its absence), then restores the fixture's bad files and builds again.
fn break_fixture(fixture: &str, bad: &[&str]) -> Broken {
    let site = TestSite::fixture(fixture);
    let mut stash = Vec::new();
    for rel in bad {
        let path = site.path(rel);
        let bytes = fs::read(&path).ok();
        if *rel == "site.toml" {
            site.write("site.toml", GOOD_SITE_TOML);
        } else if bytes.is_some() {
            fs::remove_file(&path).expect("set the bad file aside");
        }
        stash.push((rel.to_string(), bytes));
    }
    build_then_break(site, move |site| {
        for (rel, bytes) in stash {
            match bytes {
                Some(bytes) => site.write_bytes(&rel, &bytes),
                None => fs::remove_file(site.path(&rel)).expect("remove the file again"),
            }
        }
    })
}

/// Paths whose bytes differ between two snapshots (added, removed or changed).
fn changed_files(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// (d) The output folder is exactly as the last good build left it.
fn assert_output_unchanged(broken: &Broken) {
    let after = broken.site.snapshot("public");
    let changed = changed_files(&broken.before, &after);
    assert!(
        changed.is_empty(),
        "a failed build changed public/: {changed:?}\nstderr:\n{}",
        broken.stderr()
    );
}

/// (c) No panic text.
fn assert_no_panic(out: &Output) {
    let err = stderr(out);
    for panic_text in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!err.contains(panic_text), "hub panicked:\n{err}");
    }
}

/// Every `hint:` line comes right after the `error:` line it belongs to.
fn assert_hints_follow_errors(err: &str) {
    let lines: Vec<&str> = err.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("hint:") {
            assert!(
                i > 0 && lines[i - 1].starts_with("error: "),
                "a hint line does not follow an error line (line {}):\n{err}",
                i + 1
            );
        }
    }
}

/// The `error: <location>:` line, where `location` is `path:line` or `path:line:col`.
fn error_line_at(err: &str, location: &str) -> Option<String> {
    let prefix = format!("error: {location}:");
    err.lines()
        .find(|l| l.starts_with(&prefix))
        .map(str::to_string)
}

/// (a) exit status 1, (b) an `error: <location>: <message>` line, (c) no panic, (d) output
/// unchanged. Returns the error line so the case can check the message.
fn assert_rejected(broken: &Broken, location: &str) -> String {
    let err = broken.stderr();
    assert_no_panic(&broken.out);
    assert_eq!(
        broken.out.status.code(),
        Some(1),
        "expected exit status 1\nstdout:\n{}\nstderr:\n{err}",
        stdout(&broken.out)
    );
    assert_site_error(&broken.out, location);
    let line = error_line_at(&err, location)
        .unwrap_or_else(|| panic!("expected a line `error: {location}: <message>`; got:\n{err}"));
    let message = &line[format!("error: {location}:").len()..];
    let message = message
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ':')
        .trim();
    assert!(!message.is_empty(), "the error names no problem: {line:?}");
    assert_hints_follow_errors(&err);
    assert_output_unchanged(broken);
    line
}

/// A fixture whose build must fail at `location`; returns the error line.
fn rejected(fixture: &str, bad: &[&str], location: &str) -> String {
    let broken = break_fixture(fixture, bad);
    assert_rejected(&broken, location)
}

// ---- front matter -------------------------------------------------------------------------

#[test]
fn invalid_date() {
    let line = rejected(
        "bad-invalid-date",
        &["content/tips/x.md"],
        "content/tips/x.md:4:8",
    );
    assert!(line.contains("invalid date \"2024-13-01\""), "{line}");
}

#[test]
fn missing_title() {
    let line = rejected(
        "bad-missing-title",
        &["content/tips/x.md"],
        "content/tips/x.md:1",
    );
    assert!(line.contains("title"), "{line}");
}

#[test]
fn unknown_front_matter_field() {
    let line = rejected(
        "bad-unknown-field",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
    assert!(line.contains("titel"), "{line}");
}

#[test]
fn unterminated_toml_front_matter() {
    let line = rejected(
        "bad-unterminated-toml",
        &["content/tips/x.md"],
        "content/tips/x.md:1",
    );
    assert!(
        line.contains("+++"),
        "the message should say which fence is not closed: {line}"
    );
}

#[test]
fn unterminated_yaml_front_matter() {
    let line = rejected(
        "bad-unterminated-yaml",
        &["content/tips/x.md"],
        "content/tips/x.md:1",
    );
    assert!(
        line.contains("---"),
        "the message should say which fence is not closed: {line}"
    );
}

#[test]
fn invalid_toml_front_matter() {
    rejected(
        "bad-invalid-toml",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
}

#[test]
fn invalid_yaml_front_matter() {
    // `tags: [one, two` on line 3 is never closed; the parser notices on line 4.
    let broken = break_fixture("bad-invalid-yaml", &["content/tips/x.md"]);
    let err = broken.stderr();
    let at_3 = error_line_at(&err, "content/tips/x.md:3");
    let location = if at_3.is_some() {
        "content/tips/x.md:3"
    } else {
        "content/tips/x.md:4"
    };
    assert_rejected(&broken, location);
}

#[test]
fn page_without_front_matter() {
    let line = rejected(
        "bad-no-front-matter",
        &["content/tips/x.md"],
        "content/tips/x.md:1",
    );
    assert!(
        line.contains("front matter") || line.contains("title"),
        "{line}"
    );
}

// ---- files that are not Markdown text ----------------------------------------------------

#[test]
fn bad_utf8_in_markdown() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        site.write_bytes(
            "content/tips/x.md",
            b"+++\ntitle = \"Bytes\"\n+++\n\nBad \xff\xfe bytes here.\n",
        );
    });
    let line = assert_rejected(&broken, "content/tips/x.md:5");
    assert!(line.contains("UTF-8"), "{line}");
}

/// Deterministic "random" bytes, with NULs and bytes that are never valid UTF-8.
fn binary_bytes(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    let mut bytes = vec![0x00, 0xff, 0xfe, 0x00];
    while bytes.len() < len {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.push((state >> 24) as u8);
    }
    bytes
}

#[test]
fn binary_file_named_md() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        site.write_bytes("content/tips/x.md", &binary_bytes(8192));
    });
    assert_rejected(&broken, "content/tips/x.md:1");
}

#[test]
fn a_page_whose_name_ends_in_capital_md_is_neither_read_nor_copied() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        site.write(
            "content/tips/Notes.MD",
            "+++\ntitle = \"Notes\"\n+++\n\nJo's private notes.\n",
        );
    });
    let line = assert_rejected(&broken, "content/tips/Notes.MD");
    assert!(line.contains("Notes.MD ends in capital letters"), "{line}");
    assert!(broken
        .stderr()
        .contains("hint: rename it Notes.md (small letters)"));
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[test]
fn binary_png_in_content_is_an_asset() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        site.write_bytes("content/tips/photo.png", PNG);
        site.write(
            "content/tips/bundle/index.md",
            "+++\ntitle = \"A page with a photo\"\n+++\n\n![A photo](photo.png)\n",
        );
        site.write_bytes("content/tips/bundle/photo.png", PNG);
    });
    assert_no_panic(&broken.out);
    assert_success(&broken.out);
    let copied = fs::read(broken.site.path("public/tips/bundle/photo.png"))
        .expect("the bundle's PNG is copied");
    assert_eq!(copied, PNG, "the PNG is copied byte for byte");
}

// ---- links ---------------------------------------------------------------------------------

#[test]
fn link_to_missing_page() {
    let line = rejected(
        "bad-missing-link",
        &["content/tips/x.md"],
        "content/tips/x.md:7:5",
    );
    assert!(line.contains("tips/nope.md"), "{line}");
}

#[test]
fn link_to_missing_heading() {
    let line = rejected(
        "bad-missing-heading",
        &["content/tips/x.md"],
        "content/tips/x.md:7:5",
    );
    assert!(line.contains("nope"), "{line}");
}

// ---- URLs ----------------------------------------------------------------------------------

#[test]
fn two_pages_with_the_same_url() {
    // a.md says slug = "b", so it and b.md both want /tips/b/.
    let broken = break_fixture("bad-duplicate-url", &["content/tips/a.md"]);
    let err = broken.stderr();
    assert!(
        err.contains("content/tips/a.md") && err.contains("content/tips/b.md"),
        "the message names both files:\n{err}"
    );
    let located = err.lines().any(|l| {
        ["error: content/tips/a.md:", "error: content/tips/b.md:"]
            .iter()
            .any(|prefix| {
                l.strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            })
    });
    assert!(
        located,
        "the error names a file and a line (`content/tips/a.md:3` for its slug):\n{err}"
    );
    assert_eq!(broken.out.status.code(), Some(1), "{err}");
    assert_no_panic(&broken.out);
    assert_hints_follow_errors(&err);
    assert_output_unchanged(&broken);
}

#[test]
fn alias_to_another_site() {
    let line = rejected(
        "bad-alias-external",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
    assert!(line.contains("https://evil.example/x"), "{line}");
}

#[test]
fn alias_outside_the_output_folder() {
    let line = rejected(
        "bad-alias-parent",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
    assert!(line.contains("../../etc"), "{line}");
}

#[test]
fn tag_without_letters() {
    let line = rejected(
        "bad-tag-no-letters",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
    assert!(line.contains("!!!"), "{line}");
}

// ---- sections ------------------------------------------------------------------------------

#[test]
fn unknown_sort_by() {
    let line = rejected(
        "bad-unknown-sort-by",
        &["content/posts/_index.md"],
        "content/posts/_index.md:3",
    );
    assert!(line.contains("colour"), "{line}");
}

#[test]
fn paginate_by_zero() {
    let line = rejected(
        "bad-paginate-by-zero",
        &["content/posts/_index.md"],
        "content/posts/_index.md:3",
    );
    assert!(line.contains("paginate_by"), "{line}");
}

// ---- site.toml -----------------------------------------------------------------------------

#[test]
fn unknown_key_in_site_toml() {
    let line = rejected("bad-site-unknown-key", &["site.toml"], "site.toml:3");
    assert!(line.contains("titel"), "{line}");
}

#[test]
fn missing_base_url() {
    // A missing key has no line of its own; the file's first line is where to add it.
    let line = rejected("bad-missing-base-url", &["site.toml"], "site.toml:1");
    assert!(line.contains("base_url"), "{line}");
}

#[test]
fn relative_base_url() {
    let line = rejected("bad-relative-base-url", &["site.toml"], "site.toml:2");
    assert!(
        line.contains("base_url") && line.contains("/guide"),
        "{line}"
    );
}

#[test]
fn unknown_highlight_theme() {
    let line = rejected("bad-highlight-theme", &["site.toml"], "site.toml:5");
    assert!(line.contains("NoSuchTheme"), "{line}");
}

#[test]
fn missing_site_toml_is_a_usage_error() {
    // The fixture has no site.toml: the first build gets a good one, then it is removed.
    let broken = break_fixture("bad-missing-site-toml", &["site.toml"]);
    let err = broken.stderr();
    assert_no_panic(&broken.out);
    assert_eq!(
        broken.out.status.code(),
        Some(2),
        "expected exit status 2\nstderr:\n{err}"
    );
    assert!(
        err.contains("site.toml"),
        "the message says site.toml is missing:\n{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("error: ")),
        "the message starts with `error: `:\n{err}"
    );
    assert_output_unchanged(&broken);
}

// ---- templates -----------------------------------------------------------------------------

#[test]
fn template_syntax_error() {
    rejected(
        "bad-template-syntax",
        &["templates/page.html"],
        "templates/page.html:4",
    );
}

#[test]
fn template_undefined_variable() {
    let line = rejected(
        "bad-template-undefined",
        &["templates/page.html"],
        "templates/page.html:5",
    );
    assert!(line.contains("page.nope"), "{line}");
}

#[test]
fn missing_template_in_front_matter() {
    let line = rejected(
        "bad-missing-template",
        &["content/tips/x.md"],
        "content/tips/x.md:3",
    );
    assert!(line.contains("missing.html"), "{line}");
}

// ---- data files ----------------------------------------------------------------------------

#[test]
fn bad_json_data_file() {
    rejected("bad-data-json", &["data/x.json"], "data/x.json:3");
}

#[test]
fn ragged_csv_data_file() {
    rejected("bad-data-csv", &["data/x.csv"], "data/x.csv:3");
}

// ---- hostile file systems ------------------------------------------------------------------

/// A symlink loop must not hang or panic: either the build succeeds, or it fails with exit
/// status 1 naming the link, leaving the last good site alone.
fn assert_loop_handled(broken: &Broken, link: &str) {
    let err = broken.stderr();
    assert_no_panic(&broken.out);
    if broken.out.status.success() {
        assert!(
            broken.site.path("public/index.html").is_file(),
            "a successful build wrote no index.html"
        );
    } else {
        assert_eq!(
            broken.out.status.code(),
            Some(1),
            "expected exit status 1\nstderr:\n{err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("error: {link}"))),
            "the error names {link}:\n{err}"
        );
        assert_output_unchanged(broken);
    }
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        std::os::unix::fs::symlink(site.path("content"), site.path("content/loop"))
            .expect("symlink");
    });
    assert_loop_handled(&broken, "content/loop");
}

#[cfg(unix)]
#[test]
fn relative_symlink_loop_in_a_section() {
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        std::os::unix::fs::symlink("..", site.path("content/tips/loop")).expect("symlink");
    });
    assert_loop_handled(&broken, "content/tips/loop");
}

#[test]
fn fifty_megabyte_page_builds() {
    const SIZE: usize = 50 * 1024 * 1024;
    let broken = build_then_break(TestSite::fixture("bad-base"), |site| {
        let paragraph =
            "Social care teams post every day, and every post is read by someone who needs it. "
                .repeat(8);
        let mut text = String::with_capacity(SIZE + 4096);
        text.push_str("+++\ntitle = \"A very long page\"\n+++\n\n");
        let mut n = 0;
        while text.len() < SIZE {
            if n % 1000 == 0 {
                text.push_str(&format!("## Part {n}\n\n"));
            }
            text.push_str(&paragraph);
            text.push_str("\n\n");
            n += 1;
        }
        site.write("content/tips/big.md", &text);
    });
    assert_no_panic(&broken.out);
    assert_success(&broken.out);
    let html = fs::metadata(broken.site.path("public/tips/big/index.html"))
        .expect("the big page is written");
    assert!(
        html.len() > SIZE as u64,
        "the big page's HTML holds all of its text ({} bytes)",
        html.len()
    );
}

// ---- many errors at once -------------------------------------------------------------------

/// `error: <path>:<line>[:<col>]: <message>` → (path, line, col).
fn parse_error_line(line: &str) -> Option<(String, usize, Option<usize>)> {
    let rest = line.strip_prefix("error: ")?;
    let (location, message) = rest.split_once(": ")?;
    if message.trim().is_empty() {
        return None;
    }
    let mut parts = location.split(':');
    let path = parts.next().filter(|p| !p.is_empty())?.to_string();
    let line_no = parts.next()?.parse().ok()?;
    let col = match parts.next() {
        Some(c) => Some(c.parse().ok()?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((path, line_no, col))
}

fn assert_every_error_reported(fixture: &str, bad: &[&str]) {
    let broken = break_fixture(fixture, bad);
    let err = broken.stderr();
    assert_no_panic(&broken.out);
    assert_eq!(
        broken.out.status.code(),
        Some(1),
        "expected exit status 1\nstderr:\n{err}"
    );
    let error_lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    for line in &error_lines {
        assert!(
            parse_error_line(line).is_some(),
            "not of the form `error: <path>:<line>[:<col>]: <message>`: {line:?}"
        );
    }
    assert_hints_follow_errors(&err);
    let files: BTreeSet<String> = error_lines
        .iter()
        .filter_map(|l| parse_error_line(l))
        .map(|(p, _, _)| p)
        .collect();
    let expected: BTreeSet<String> = bad.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        files, expected,
        "every bad file is reported\nstderr:\n{err}"
    );
    assert_eq!(
        error_lines.len(),
        bad.len(),
        "one `error:` line per bad file\nstderr:\n{err}"
    );
    assert_output_unchanged(&broken);
}

#[test]
fn several_bad_files_are_all_reported() {
    // A bad date, an unknown field and a page with no front matter.
    assert_every_error_reported(
        "bad-several",
        &[
            "content/tips/w.md",
            "content/tips/x.md",
            "content/tips/y.md",
        ],
    );
}

#[test]
fn front_matter_and_link_errors_are_reported_together() {
    // A bad date and an unknown field (found while reading pages) and a broken @/ link (found
    // while resolving links): one run reports all three.
    assert_every_error_reported(
        "bad-several-stages",
        &[
            "content/tips/x.md",
            "content/tips/y.md",
            "content/tips/z.md",
        ],
    );
}

#[test]
fn error_lines_have_location_message_and_hint() {
    let broken = break_fixture("bad-invalid-date", &["content/tips/x.md"]);
    let err = broken.stderr();
    let lines: Vec<&str> = err.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with("error: content/tips/x.md:4:8: "))
        .unwrap_or_else(|| panic!("no `error: content/tips/x.md:4:8: ` line:\n{err}"));
    assert_eq!(
        parse_error_line(lines[i]),
        Some(("content/tips/x.md".to_string(), 4, Some(8)))
    );
    assert!(
        lines[i].contains("YYYY-MM-DD")
            || lines
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("hint:")),
        "the error says how to fix it (expected YYYY-MM-DD, or a hint line):\n{err}"
    );
    if let Some(next) = lines.get(i + 1) {
        if next.contains("hint:") {
            assert!(
                next.trim_start().starts_with("hint: ") && next.trim_start().len() > "hint: ".len(),
                "{next:?}"
            );
        }
    }
}
