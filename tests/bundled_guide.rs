//! The repository's own site (site.toml + content/) builds, shows the sections, roadmap, policies and
//! authors a guide needs, and every page it writes meets the accessibility basics. The site is copied to a temporary
//! folder first, so the real public/ is never touched.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use scraper::{ElementRef, Html, Selector};

/// The guide, built once for all the tests that only read it; fails the calling test if the
/// build did not succeed.
fn built() -> &'static TestSite {
    TestSite::shared("guide", |site| {
        let site = copy_guide_into(site);
        site.build_ok(&[]);
        site
    })
}

fn text(el: &ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// Front matter of a `+++` file in the repository's content/, parsed as TOML.
fn front_matter(path: &Path) -> toml::Table {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text
        .strip_prefix("+++")
        .unwrap_or_else(|| panic!("{} has no +++ front matter", path.display()));
    let end = rest
        .find("\n+++")
        .unwrap_or_else(|| panic!("{}: unterminated front matter", path.display()));
    rest[..end]
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pages (not `_index.md`) of a content section folder.
fn section_pages(section: &str) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(repo().join("content").join(section))
        .expect("section folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
        })
        .collect();
    pages.sort();
    pages
}

/// The output file of a page in a section, from its `slug` or file stem.
fn page_output(section: &str, source: &Path) -> String {
    let fm = front_matter(source);
    let slug = fm
        .get("slug")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| source.file_stem().unwrap().to_string_lossy().into_owned());
    format!("{section}/{slug}/index.html")
}

fn is_draft(source: &Path) -> bool {
    front_matter(source)
        .get("draft")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Every HTML file written, except redirect stubs (aliases, `page/1/`), parsed.
fn content_pages(site: &TestSite) -> BTreeMap<String, Html> {
    let mut pages = BTreeMap::new();
    for (rel, bytes) in site.snapshot("public") {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(
            &String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not UTF-8")),
        );
        let is_redirect = html.select(&sel("meta[http-equiv]")).any(|m| {
            m.value()
                .attr("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        });
        if !is_redirect {
            pages.insert(rel, html);
        }
    }
    assert!(
        pages.len() > 20,
        "the guide has many pages, found {}",
        pages.len()
    );
    pages
}

// ---------------------------------------------------------------------------------------------

#[test]
fn bundled_guide_builds() {
    let site = copy_guide();
    let out = site.hub(&["build"]);
    assert_success(&out);
    assert!(site.path("public/index.html").is_file());
    let summary = stdout(&out);
    assert!(
        summary.trim_start().starts_with("built "),
        "build prints its summary line: {summary:?}"
    );
}

#[test]
fn home_page_nav_links_to_every_top_level_section() {
    let site = built();
    let html = site.html("index.html");
    let nav_links: Vec<String> = hrefs(&html, "nav a[href]")
        .iter()
        .map(|h| absolute(h))
        .collect();
    let mut sections = Vec::new();
    for entry in fs::read_dir(repo().join("content")).expect("content/") {
        let path = entry.expect("entry").path();
        if path.join("_index.md").is_file() {
            sections.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        sections.len() >= 5,
        "the guide has its top-level sections: {sections:?}"
    );
    for name in sections {
        let url = format!("{BASE}/{name}/");
        assert!(
            nav_links.contains(&url),
            "home page navigation links to {url}: {nav_links:?}"
        );
    }
}

/// Rows of the roadmap table as (platform link text, link URL, status cell text).
fn roadmap_rows(html: &Html) -> Vec<(String, String, String)> {
    let tables: Vec<ElementRef<'_>> = html.select(&sel("main table")).collect();
    let table = tables
        .iter()
        .find(|t| {
            t.select(&sel("th"))
                .any(|th| text(&th).eq_ignore_ascii_case("status"))
        })
        .expect("a table with a Status column on the roadmap page");
    let headers: Vec<String> = table
        .select(&sel("thead th"))
        .map(|th| text(&th).to_lowercase())
        .collect();
    let status_col = headers
        .iter()
        .position(|h| h == "status")
        .expect("Status column");
    table
        .select(&sel("tbody tr"))
        .map(|tr| {
            let cells: Vec<ElementRef<'_>> = tr
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            let link = tr
                .select(&sel("a[href]"))
                .next()
                .expect("each roadmap row links to its platform page");
            let status = cells.get(status_col).map(text).unwrap_or_default();
            (
                text(&link),
                absolute(link.value().attr("href").unwrap()),
                status,
            )
        })
        .collect()
}

#[test]
fn roadmap_table_lists_at_least_five_platforms_including_the_big_three() {
    let site = built();
    let rows = roadmap_rows(&site.html("roadmap/index.html"));
    assert!(
        rows.len() >= 5,
        "at least 5 platforms in the roadmap table: {rows:?}"
    );
    let names: Vec<String> = rows.iter().map(|(n, _, _)| n.to_lowercase()).collect();
    assert!(
        names.iter().any(|n| n == "facebook"),
        "Facebook in the roadmap: {names:?}"
    );
    assert!(
        names.iter().any(|n| n == "linkedin"),
        "LinkedIn in the roadmap: {names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n == "x" || n.starts_with("x (") || n.contains("twitter")),
        "X in the roadmap: {names:?}"
    );
    for (name, url, _) in &rows {
        assert!(
            url.starts_with(&format!("{BASE}/roadmap/")),
            "{name} links to its roadmap page, not {url}"
        );
    }
}

#[test]
fn roadmap_statuses_are_adopt_trial_assess_or_hold() {
    let site = built();
    let rows = roadmap_rows(&site.html("roadmap/index.html"));
    assert!(!rows.is_empty());
    for (name, _, status) in &rows {
        let status = status.to_lowercase();
        assert!(
            ["adopt", "trial", "assess", "hold"].contains(&status.as_str()),
            "{name} has status {status:?}"
        );
    }
    // And in the source, so a page without a status cannot hide behind the table.
    for source in section_pages("roadmap") {
        let fm = front_matter(&source);
        let Some(extra) = fm.get("extra").and_then(|e| e.as_table()) else {
            continue;
        };
        if extra.get("platform").is_none() {
            continue;
        }
        let status = extra.get("status").and_then(|s| s.as_str()).unwrap_or("");
        assert!(
            ["adopt", "trial", "assess", "hold"].contains(&status),
            "{}: status {status:?}",
            source.display()
        );
    }
}

#[test]
fn policy_pages_show_their_review_date() {
    let site = built();
    let mut checked = 0;
    for source in section_pages("policies") {
        if is_draft(&source) {
            continue;
        }
        let fm = front_matter(&source);
        let Some(review_by) = fm.get("review_by") else {
            continue;
        };
        let day = match review_by {
            toml::Value::Datetime(d) => d.date.expect("date").to_string(),
            toml::Value::String(s) => s.get(..10).unwrap_or(s).to_string(),
            other => panic!("{}: review_by is {other:?}", source.display()),
        };
        let rel = page_output("policies", &source);
        let html = site.html(&rel);
        let main = html.select(&sel("main")).next().expect("main");
        let body = text(&main);
        assert!(
            body.contains("Next review"),
            "{rel} says when it is next reviewed"
        );
        let shown = main.select(&sel("time[datetime]")).any(|t| {
            t.value()
                .attr("datetime")
                .is_some_and(|d| d.starts_with(&day))
        });
        assert!(
            shown,
            "{rel} shows its review date {day} in a <time datetime>"
        );
        checked += 1;
    }
    assert!(
        checked >= 2,
        "at least two policies have review dates, found {checked}"
    );
}

#[test]
fn at_least_two_posts_show_their_authors() {
    let site = built();
    // Pages name people by their key in data/authors.toml; the page shows the name.
    let people: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("data/authors.toml")).expect("data/authors.toml"),
    )
    .expect("data/authors.toml is TOML");
    let name_of = |key: &str| {
        people
            .get(key)
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_else(|| panic!("{key} is not a key of data/authors.toml"))
            .to_string()
    };
    let mut with_authors = Vec::new();
    for source in section_pages("posts") {
        if is_draft(&source) {
            continue;
        }
        let fm = front_matter(&source);
        let authors: Vec<String> = fm
            .get("authors")
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if authors.is_empty() {
            continue;
        }
        let rel = page_output("posts", &source);
        let html = site.html(&rel);
        let body = text(&html.select(&sel("main")).next().expect("main"));
        for author in authors.iter().map(|key| name_of(key)) {
            assert!(
                body.contains(author.as_str()),
                "{rel} shows its author {author}"
            );
        }
        with_authors.push(rel);
    }
    assert!(
        with_authors.len() >= 2,
        "at least two posts with authors: {with_authors:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Every page

#[test]
fn every_page_has_exactly_one_h1() {
    let site = built();
    for (rel, html) in content_pages(site) {
        let count = html.select(&sel("h1")).count();
        assert_eq!(count, 1, "{rel} has {count} h1 elements");
    }
}

#[test]
fn every_page_has_main_with_id_main() {
    let site = built();
    for (rel, html) in content_pages(site) {
        assert_eq!(html.select(&sel("main")).count(), 1, "{rel} has one <main>");
        assert_eq!(
            html.select(&sel("main#main")).count(),
            1,
            "{rel}: <main id=\"main\">"
        );
    }
}

#[test]
fn every_page_starts_with_a_skip_link_to_main() {
    let site = built();
    for (rel, html) in content_pages(site) {
        let first = html
            .select(&sel("body a[href]"))
            .next()
            .unwrap_or_else(|| panic!("{rel} has no links"));
        assert_eq!(
            first.value().attr("href"),
            Some("#main"),
            "{rel}: the first link in <body> skips to #main"
        );
        assert!(!text(&first).is_empty(), "{rel}: the skip link has text");
    }
}

#[test]
fn every_page_sets_html_lang() {
    let site = built();
    let config: toml::Table = fs::read_to_string(repo().join("site.toml"))
        .expect("site.toml")
        .parse()
        .expect("site.toml is TOML");
    let language = config
        .get("language")
        .and_then(|l| l.as_str())
        .unwrap_or("en")
        .to_string();
    for (rel, html) in content_pages(site) {
        let lang = html
            .select(&sel("html"))
            .next()
            .and_then(|h| h.value().attr("lang"))
            .unwrap_or("");
        assert!(!lang.trim().is_empty(), "{rel}: <html lang> is set");
        assert_eq!(
            lang, language,
            "{rel}: lang comes from site.toml's language"
        );
    }
}

#[test]
fn every_image_has_an_alt_attribute() {
    let site = built();
    for (rel, html) in content_pages(site) {
        for img in html.select(&sel("img")) {
            assert!(
                img.value().attr("alt").is_some(),
                "{rel}: <img src={:?}> has no alt",
                img.value().attr("src")
            );
        }
    }
}

#[test]
fn heading_levels_inside_main_never_skip() {
    let site = built();
    let headings = sel("main h1, main h2, main h3, main h4, main h5, main h6");
    for (rel, html) in content_pages(site) {
        let mut previous: Option<(u8, String)> = None;
        for h in html.select(&headings) {
            let level = h.value().name()[1..].parse::<u8>().expect("heading level");
            if let Some((prev, prev_text)) = &previous {
                assert!(
                    level <= prev + 1,
                    "{rel}: <h{level}> {:?} follows <h{prev}> {prev_text:?} (skips a level)",
                    text(&h)
                );
            } else {
                assert_eq!(
                    level,
                    1,
                    "{rel}: the first heading in <main> is the h1, not <h{level}> {:?}",
                    text(&h)
                );
            }
            previous = Some((level, text(&h)));
        }
    }
}
