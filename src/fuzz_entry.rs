//! Entry points for the fuzz targets in `fuzz/` and their regression test
//! (`tests/fuzz_regressions.rs`): each takes arbitrary bytes, runs one parser or rule of hub
//! on them in memory (no files, no threads, no global state), and panics only when a
//! property hub promises is broken: a problem's line lies inside the file it points at, a
//! slug is URL-safe and stable, a date reads back as written, a preview request never maps
//! outside the output folder. Hidden from the documentation: it is not an API for users.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use crate::check::Finding;
use crate::content::{parse_page, SourceFile};
use crate::error::{Diagnostic, Error};
use crate::source::SourceText;

/// A fuzz target: checks one input, panicking when a property is broken.
pub type Target = fn(&[u8]);

/// The fuzz targets, by the name `fuzz/run` and the regression folders use.
pub const TARGETS: &[(&str, Target)] = &[
    ("front_matter_toml", front_matter_toml),
    ("front_matter_yaml", front_matter_yaml),
    ("site_toml", site_toml),
    ("markdown", markdown),
    ("slug", slug),
    ("date", date),
    ("check_rules", check_rules),
    ("data_files", data_files),
    ("serve_path", serve_path),
];

/// Runs the target called `name` on `data`; false when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(n, _)| *n == name) {
        Some((_, target)) => {
            target(data);
            true
        }
        None => false,
    }
}

/// Files hub reads are UTF-8 text: other bytes are refused before any parser sees them.
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// The number of lines an editor shows for `text` (a last line without `\n` counts).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// A problem in `text` must point inside it: an editor cannot go to line 12 of a 3-line file.
fn assert_placed(d: &Diagnostic, text: &str) {
    if let Some(line) = d.line {
        let lines = line_count(text);
        assert!(
            (1..=lines).contains(&line),
            "{d}: line {line} is outside the file's {lines} line(s)"
        );
        if let Some(column) = d.column {
            assert!(column >= 1, "{d}: column 0");
        }
    }
    assert!(
        !d.message.trim().is_empty(),
        "a problem without a message: {d:?}"
    );
}

fn assert_error_placed(e: &Error, text: &str) {
    if let Error::Site(problems) = e {
        assert!(!problems.is_empty(), "a site error with no problem in it");
        for d in problems {
            assert_placed(d, text);
        }
    }
}

/// A page whose front matter is `data` in `fence` (`+++` or `---`), then a short body.
fn page(fence: &str, data: &[u8]) {
    let Some(front_matter) = text(data) else {
        return;
    };
    let text = format!("{fence}\n{front_matter}");
    let file = SourceFile::new(
        Path::new("content/tips/fuzz.md").to_path_buf(),
        "tips/fuzz.md".into(),
        text.clone(),
    );
    if let Err(problems) = parse_page(file.clone()) {
        assert!(!problems.is_empty(), "a page refused with no problem");
        for d in &problems {
            assert_placed(d, &text);
        }
    }
    if let Err(problems) = crate::content::parse_section(file) {
        for d in &problems {
            assert_placed(d, &text);
        }
    }
}

/// TOML front matter: `+++` and the input (which may close the fence and add a body).
pub fn front_matter_toml(data: &[u8]) {
    page("+++", data);
}

/// YAML front matter: `---` and the input.
pub fn front_matter_yaml(data: &[u8]) {
    page("---", data);
}

/// `site.toml`: a refused file points inside it; an accepted one parses the same again.
pub fn site_toml(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    match crate::config::Config::parse(text) {
        Ok(config) => {
            let again = crate::config::Config::parse(text);
            assert!(
                again.is_ok(),
                "site.toml accepted once and refused the second time"
            );
            let _ = config.highlighting();
        }
        Err(e) => assert_error_placed(&e, text),
    }
}

/// The Markdown renderer, with `@/` links to a small site: every problem points at a line of
/// the file, and the same body renders to the same HTML twice.
pub fn markdown(data: &[u8]) {
    let Some(body) = text(data) else {
        return;
    };
    let front = "+++\ntitle = \"Fuzz\"\n+++\n";
    let whole = format!("{front}{body}");
    let permalinks: HashMap<String, String> = [
        ("tips/_index.md", "https://example.org/tips/"),
        ("tips/x.md", "https://example.org/tips/x/"),
        ("about.md", "https://example.org/about/"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let asset_paths: HashMap<String, String> =
        [("tips/fair.jpg".to_string(), "/tips/fair.jpg".to_string())].into();
    let drafts: HashSet<String> = ["tips/draft.md".to_string()].into();
    let highlighting = crate::markdown::Highlighting::Classes;
    let ctx = crate::markdown::RenderContext {
        file: Path::new("content/tips/x.md"),
        body_line_offset: 3,
        permalink: "https://example.org/tips/x/",
        base_url: "https://example.org",
        content_path: "tips/x.md",
        permalinks: &permalinks,
        asset_paths: &asset_paths,
        drafts: &drafts,
        smart_punctuation: data.first().is_some_and(|b| b & 1 == 1),
        highlighting: &highlighting,
        images: None,
    };
    let (first, problems) = crate::markdown::render(body, &ctx);
    for d in &problems {
        assert_placed(d, &whole);
    }
    let (second, _) = crate::markdown::render(body, &ctx);
    assert_eq!(
        first.html, second.html,
        "the same Markdown rendered twice differs"
    );
}

/// Slugs: only `a-z`, `0-9` and single inner dashes, and slugifying a slug changes nothing.
pub fn slug(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    let slug = crate::content::slugify(text);
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "slug {slug:?} of {text:?} is not URL-safe"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "slug {slug:?} of {text:?} has a stray dash"
    );
    assert_eq!(
        crate::content::slugify(&slug),
        slug,
        "slugify is not idempotent on {text:?}"
    );
}

/// Dates: an accepted date written back the way templates see it reads as the same moment;
/// a refused one is explained without panicking.
pub fn date(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    crate::content::fuzz_round_trip(text);
}

/// `hub check`'s page rules (privacy, accessibility, plain language) on a page whose body is
/// the input: each finding points at a line and column of the file.
pub fn check_rules(data: &[u8]) {
    let Some(body) = text(data) else {
        return;
    };
    let front = "+++\ntitle = \"Fuzz\"\n+++\n";
    let page = SourceText {
        path: "content/fuzz.md".into(),
        text: format!("{front}{body}"),
        body_start: front.len(),
    };
    let smart = data.first().is_some_and(|b| b & 1 == 1);
    let findings: Vec<Finding> = crate::check::fuzz_page_findings(&page, smart);
    let lines = line_count(&page.text);
    for f in &findings {
        assert!(
            (1..=lines).contains(&f.line) && f.column >= 1,
            "finding {} at {}:{} is outside the file",
            f.rule,
            f.line,
            f.column
        );
    }
}

/// Data files: the first byte picks TOML, JSON or CSV; a refused file points inside it.
pub fn data_files(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text(rest) else {
        return;
    };
    let extension = ["toml", "json", "csv"][usize::from(kind) % 3];
    let path = format!("data/fuzz.{extension}");
    if let Err(d) = crate::data::parse(Path::new(&path), text, extension) {
        assert_placed(&d, text);
    }
}

/// The preview server's request path → output file key: a key is always a plain relative
/// path inside the output folder, and the reply to any path is a status the server sends.
pub fn serve_path(data: &[u8]) {
    let Some(raw) = text(data) else {
        return;
    };
    let (key, status) = crate::serve::fuzz_request(raw);
    if let Some(key) = key {
        assert!(!key.starts_with('/'), "key {key:?} of {raw:?} is absolute");
        assert!(
            !key.contains('\\') && !key.contains('\0'),
            "key {key:?} of {raw:?}"
        );
        for component in Path::new(&key).components() {
            assert!(
                matches!(component, Component::Normal(_)),
                "key {key:?} of {raw:?} leaves the output folder"
            );
        }
    }
    assert!(
        matches!(status, 200 | 301 | 304 | 404),
        "status {status} for {raw:?}"
    );
}
