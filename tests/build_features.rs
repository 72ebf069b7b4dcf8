//! What `hub build` renders: section sorting and pagination, internal links, heading ids and
//! the table of contents, summaries, Markdown extensions, code highlighting, data files,
//! YAML front matter, dates, the roadmap table, policy review dates, autoescaping, site
//! templates, template functions and themes.
//!
//! Fixtures: tests/fixtures/features/ (default theme), tests/fixtures/site-templates/
//! (templates/ and data/ of its own), tests/fixtures/own-theme/ (theme = "mine").

mod common;

use std::fs;

use common::*;
use scraper::{ElementRef, Html};

/// The fixture, built once for all the tests that only read it.
fn features() -> &'static TestSite {
    TestSite::shared_build("features")
}

fn site_templates() -> TestSite {
    let site = TestSite::fixture("site-templates");
    site.build_ok(&[]);
    site
}

fn urls(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| format!("{BASE}{p}")).collect()
}

/// Whitespace-normalised text of an element.
fn text(el: &ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn main_text(html: &Html) -> String {
    text_of(html, "main")
}

/// The first link inside <main> whose text is exactly `link_text`.
fn link_with_text<'a>(html: &'a Html, link_text: &str) -> ElementRef<'a> {
    select(html, "main a")
        .into_iter()
        .find(|a| text(a) == link_text)
        .unwrap_or_else(|| panic!("no link with text {link_text:?} in <main>"))
}

// ---------------------------------------------------------------------------------------------
// Sorting: a = "Charlie" 2026-11-02 weight 2; b = "Alpha" 2026-11-03 weight 3;
//          c = "Bravo" 2026-11-01 weight 1.

/// The features site's `section` lists its pages (by slug) in this order.
fn assert_section_lists(section: &str, slugs: &[&str]) {
    let html = features().html(&format!("{section}/index.html"));
    let expected: Vec<String> = slugs
        .iter()
        .map(|slug| format!("/{section}/{slug}/"))
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(
        listed_pages(&html, &format!("/{section}/")),
        urls(&expected)
    );
}

#[test]
fn section_sort_by_date_lists_newest_first() {
    assert_section_lists("sort-date", &["b", "a", "c"]);
}

#[test]
fn section_sort_by_weight_lists_lightest_first() {
    assert_section_lists("sort-weight", &["c", "a", "b"]);
}

#[test]
fn section_sort_by_title_lists_alphabetically() {
    assert_section_lists("sort-title", &["b", "c", "a"]);
}

#[test]
fn section_sort_by_none_keeps_file_order() {
    assert_section_lists("sort-none", &["a", "b", "c"]);
}

// ---------------------------------------------------------------------------------------------
// Pagination: paged/ has 3 pages, one per listing page, newest first (p3, p2, p1).

fn rel_links(html: &Html, rel: &str) -> Vec<String> {
    hrefs(html, &format!("main a[rel~=\"{rel}\"]"))
        .iter()
        .map(|h| absolute(h))
        .collect()
}

#[test]
fn paginator_page_two_links_to_previous_and_next() {
    let site = features();
    let html = site.html("paged/page/2/index.html");
    assert_eq!(listed_pages(&html, "/paged/"), urls(&["/paged/p2/"]));
    let prev = rel_links(&html, "prev");
    assert!(
        prev == urls(&["/paged/"]) || prev == urls(&["/paged/page/1/"]),
        "page 2 has one previous link, to the first page: {prev:?}"
    );
    assert_eq!(rel_links(&html, "next"), urls(&["/paged/page/3/"]));
}

#[test]
fn paginator_first_page_has_next_but_no_previous() {
    let site = features();
    let html = site.html("paged/index.html");
    assert_eq!(listed_pages(&html, "/paged/"), urls(&["/paged/p3/"]));
    assert!(
        rel_links(&html, "prev").is_empty(),
        "no previous link on page 1"
    );
    assert_eq!(rel_links(&html, "next"), urls(&["/paged/page/2/"]));
}

#[test]
fn paginator_last_page_has_previous_but_no_next() {
    let site = features();
    let html = site.html("paged/page/3/index.html");
    assert_eq!(listed_pages(&html, "/paged/"), urls(&["/paged/p1/"]));
    assert_eq!(rel_links(&html, "prev"), urls(&["/paged/page/2/"]));
    assert!(
        rel_links(&html, "next").is_empty(),
        "no next link on the last page"
    );
}

// ---------------------------------------------------------------------------------------------
// Internal links

#[test]
fn internal_link_to_page_becomes_absolute_href() {
    let site = features();
    let html = site.html("tips/linking/index.html");
    let link = link_with_text(&html, "the tip");
    assert_eq!(
        link.value().attr("href"),
        Some("https://hub.example.org/tips/a/")
    );
}

#[test]
fn internal_link_with_anchor_keeps_the_fragment() {
    let site = features();
    let html = site.html("tips/linking/index.html");
    let link = link_with_text(&html, "why it matters");
    assert_eq!(
        link.value().attr("href"),
        Some("https://hub.example.org/tips/a/#why-it-matters")
    );
    let target = site.html("tips/a/index.html");
    let anchored = select(&target, "#why-it-matters");
    assert_eq!(
        anchored.len(),
        1,
        "the linked page has the heading id the link points at"
    );
    assert_eq!(text(&anchored[0]), "Why it matters");
}

#[test]
fn internal_links_in_section_content_resolve_to_pages_and_sections() {
    let site = features();
    let html = site.html("tips/index.html");
    assert_eq!(
        link_with_text(&html, "the first tip").value().attr("href"),
        Some("https://hub.example.org/tips/a/")
    );
    assert_eq!(
        link_with_text(&html, "summaries").value().attr("href"),
        Some("https://hub.example.org/summaries/")
    );
}

// ---------------------------------------------------------------------------------------------
// Headings and table of contents

const HEADING_IDS: [&str; 5] = ["getting-started", "setup", "setup-1", "setup-2", "cafe-co"];

#[test]
fn headings_get_slugified_ids_with_duplicates_numbered() {
    let site = features();
    let html = site.html("tips/headings/index.html");
    let headings: Vec<(String, String)> = select(&html, "main h2[id], main h3[id], main h4[id]")
        .iter()
        .map(|h| {
            (
                h.value().attr("id").unwrap_or_default().to_string(),
                text(h),
            )
        })
        .collect();
    let expected = [
        ("getting-started", "Getting started"),
        ("setup", "Setup"),
        ("setup-1", "Setup"),
        ("setup-2", "Setup"),
        ("cafe-co", "Café & Co."),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(i, t)| (i.to_string(), t.to_string()))
        .collect();
    let content_headings: Vec<(String, String)> = headings
        .into_iter()
        .filter(|(id, _)| HEADING_IDS.contains(&id.as_str()))
        .collect();
    assert_eq!(content_headings, expected);
}

#[test]
fn element_ids_on_a_page_are_unique() {
    let site = features();
    let html = site.html("tips/headings/index.html");
    let mut ids: Vec<String> = select(&html, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "duplicate ids on the page");
}

#[test]
fn page_has_table_of_contents_linking_to_headings() {
    let site = features();
    let html = site.html("tips/headings/index.html");
    let navs = select(&html, "nav[aria-label=\"Contents\"]");
    assert_eq!(
        navs.len(),
        1,
        "one table of contents: <nav aria-label=\"Contents\">"
    );
    let page_url = format!("{BASE}/tips/headings/");
    let fragments: Vec<String> = hrefs(&html, "nav[aria-label=\"Contents\"] a[href]")
        .iter()
        .map(|h| {
            let (before, fragment) = h
                .split_once('#')
                .unwrap_or_else(|| panic!("toc link without #: {h}"));
            assert!(
                before.is_empty() || absolute(before) == page_url,
                "toc link points at another page: {h}"
            );
            fragment.to_string()
        })
        .collect();
    assert_eq!(fragments, HEADING_IDS);
    for id in HEADING_IDS {
        assert_eq!(
            select(&html, &format!("main #{id}")).len(),
            1,
            "toc target #{id} exists"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Summaries in the section listing

#[test]
fn more_marker_summary_shown_in_listing_without_the_rest() {
    let site = features();
    let listing = main_text(&site.html("summaries/index.html"));
    assert!(listing.contains("The part before the marker."), "{listing}");
    assert!(!listing.contains("The part after the marker."), "{listing}");
    assert!(
        !listing.contains("The description of the page with a marker"),
        "the <!-- more --> text wins over the description: {listing}"
    );
    let page = main_text(&site.html("summaries/with-more/index.html"));
    assert!(
        page.contains("The part before the marker.") && page.contains("The part after the marker."),
        "{page}"
    );
}

#[test]
fn description_used_as_summary_without_more_marker() {
    let site = features();
    let listing = main_text(&site.html("summaries/index.html"));
    assert!(
        listing.contains("Only the description should be listed"),
        "{listing}"
    );
    assert!(
        !listing.contains("The first paragraph of the described page."),
        "{listing}"
    );
}

#[test]
fn first_paragraph_used_as_summary_without_description() {
    let site = features();
    let listing = main_text(&site.html("summaries/index.html"));
    assert!(
        listing.contains("The opening paragraph stands in for a summary."),
        "{listing}"
    );
    assert!(
        !listing.contains("The closing paragraph stays on the page."),
        "{listing}"
    );
}

// ---------------------------------------------------------------------------------------------
// Markdown extensions

fn everything() -> (&'static TestSite, Html) {
    let site = features();
    let html = site.html("markdown/everything/index.html");
    (site, html)
}

#[test]
fn footnote_reference_links_to_its_definition() {
    let (_site, html) = everything();
    let definitions: Vec<ElementRef<'_>> = select(&html, "main [id]")
        .into_iter()
        .filter(|e| text(e).contains("The footnote text lives here."))
        .collect();
    let definition = definitions
        .last()
        .expect("an element with an id holds the footnote text");
    let id = definition.value().attr("id").expect("id");
    let links = hrefs(&html, "main a[href]");
    assert!(
        links.contains(&format!("#{id}")),
        "a footnote reference links to #{id}: {links:?}"
    );
    let paragraph = select(&html, "main p")
        .into_iter()
        .find(|p| text(p).contains("a claim with a footnote"))
        .expect("claim");
    assert!(
        !text(&paragraph).contains("[^source]"),
        "the footnote marker is rendered, not printed"
    );
}

#[test]
fn tables_are_rendered() {
    let (_site, html) = everything();
    let heads: Vec<String> = select(&html, "main table thead th")
        .iter()
        .map(text)
        .collect();
    assert_eq!(heads, ["Platform", "Status"]);
    let rows: Vec<Vec<String>> = select(&html, "main table tbody tr")
        .iter()
        .map(|tr| {
            tr.select(&scraper::Selector::parse("td").unwrap())
                .map(|td| text(&td))
                .collect()
        })
        .collect();
    assert_eq!(rows, [["Facebook", "Adopt"], ["Mastodon", "Assess"]]);
    // Keyboard users can scroll a wide table: it sits in a focusable, named region.
    let regions = select(&html, "main .prose div.table-wrap");
    assert_eq!(regions.len(), 1, "one region for the one table");
    let region = regions[0].value();
    assert_eq!(region.attr("tabindex"), Some("0"));
    assert_eq!(region.attr("role"), Some("region"));
    assert_eq!(region.attr("aria-label"), Some("Table"));
    assert_eq!(select(&html, "main div.table-wrap > table").len(), 1);
}

#[test]
fn strikethrough_becomes_del() {
    let (_site, html) = everything();
    let dels: Vec<String> = select(&html, "main del").iter().map(text).collect();
    assert_eq!(dels, ["wrong"]);
}

#[test]
fn task_list_items_become_checkboxes() {
    let (_site, html) = everything();
    let boxes = select(&html, "main input[type=checkbox]");
    assert_eq!(boxes.len(), 2);
    assert!(boxes[0].value().attr("checked").is_some(), "[x] is checked");
    assert!(
        boxes[1].value().attr("checked").is_none(),
        "[ ] is not checked"
    );
    // The boxes cannot be ticked and have no label: screen readers hear words instead.
    for input in &boxes {
        assert_eq!(input.value().attr("aria-hidden"), Some("true"));
    }
    let words: Vec<String> = select(&html, "main li input[type=checkbox] + span.visually-hidden")
        .iter()
        .map(text)
        .collect();
    assert_eq!(words, ["Done:", "To do:"]);
}

#[test]
fn smart_punctuation_curls_quotes() {
    let (_site, html) = everything();
    let paragraph = select(&html, "main p")
        .into_iter()
        .find(|p| text(p).contains("Quoted words"))
        .expect("the quoted paragraph");
    let t = text(&paragraph);
    assert!(
        t.contains("\u{201c}Quoted words\u{201d}"),
        "curly double quotes: {t}"
    );
    assert!(t.contains("it\u{2019}s"), "curly apostrophe: {t}");
    assert!(
        !t.contains('"') && !t.contains('\''),
        "no straight quotes left: {t}"
    );
}

#[test]
fn smart_punctuation_off_keeps_straight_quotes() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/q.md",
            "+++\ntitle = \"Quotes\"\n+++\n\n\"Straight\" and it's plain.\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[markdown]\nsmart_punctuation = false\n",
    );
    site.build_ok(&[]);
    let html = site.html("q/index.html");
    let paragraph = select(&html, "main p")
        .into_iter()
        .find(|p| text(p).contains("Straight"))
        .expect("paragraph");
    assert_eq!(text(&paragraph), "\"Straight\" and it's plain.");
}

#[test]
fn raw_html_passes_through() {
    let (_site, html) = everything();
    let raw = select(&html, "main div.callout[data-kind=\"raw\"]");
    assert_eq!(raw.len(), 1, "the raw <div> is kept as an element");
    assert_eq!(text(&raw[0]), "Raw HTML block");
}

#[test]
fn fenced_rust_code_is_highlighted_with_inline_styles_by_default() {
    let (_site, html) = everything();
    let pres: Vec<ElementRef<'_>> = select(&html, "main pre")
        .into_iter()
        .filter(|p| text(p).contains("let answer = 42;"))
        .collect();
    assert_eq!(
        pres.len(),
        1,
        "one code block holding the Rust code, text unchanged"
    );
    let styled = pres[0]
        .select(&scraper::Selector::parse("span[style]").unwrap())
        .count();
    assert!(
        styled >= 3,
        "the Rust code is split into styled spans, found {styled}"
    );
    let code_text: String = pres[0].text().collect();
    assert!(
        code_text.contains("println!(\"{answer}\");"),
        "the code text survives highlighting: {code_text:?}"
    );
}

#[test]
fn css_highlight_theme_uses_classes_and_writes_syntax_css() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/code.md",
            "+++\ntitle = \"Code\"\n+++\n\n```rust\nfn main() {\n    let answer = 42;\n}\n```\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[markdown]\nhighlight_theme = \"css\"\n",
    );
    site.build_ok(&[]);
    let html = site.html("code/index.html");
    let pres: Vec<ElementRef<'_>> = select(&html, "main pre")
        .into_iter()
        .filter(|p| text(p).contains("let answer = 42;"))
        .collect();
    assert_eq!(pres.len(), 1, "one code block holding the Rust code");
    let classed = pres[0]
        .select(&scraper::Selector::parse("span[class]").unwrap())
        .count();
    assert!(classed >= 3, "spans carry classes, found {classed}");
    let styled = pres[0]
        .select(&scraper::Selector::parse("[style]").unwrap())
        .count()
        + usize::from(pres[0].value().attr("style").is_some());
    assert_eq!(styled, 0, "no inline styles in css mode");
    let css = site.output("syntax.css");
    assert!(!css.trim().is_empty(), "public/syntax.css has rules");
}

// ---------------------------------------------------------------------------------------------
// data/ files from a site template

#[test]
fn data_toml_values_reach_templates() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    assert_eq!(text_of(&html, "#team-lead"), "Priya Shah");
    assert_eq!(text_of(&html, "#team-size"), "12");
    assert_eq!(text_of(&html, "#team-town"), "Northshire Bay");
}

#[test]
fn data_reaches_a_partial_that_a_page_template_includes() {
    let site = site_templates();
    let html = site.html("tips/special/index.html");
    assert_eq!(text_of(&html, "#duty-lead"), "On duty: Priya Shah");
}

#[test]
fn data_json_values_reach_templates() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    assert_eq!(text_of(&html, "#press-email"), "press@council.org");
    let channels: Vec<String> = select(&html, "#channels li").iter().map(text).collect();
    assert_eq!(channels, ["Facebook", "LinkedIn"]);
}

#[test]
fn data_csv_rows_reach_templates_by_column_name() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    let rows: Vec<Vec<String>> = select(&html, "#rota tr")
        .iter()
        .map(|tr| {
            tr.select(&scraper::Selector::parse("td").unwrap())
                .map(|td| text(&td))
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            ["Monday", "Sam Jones"],
            ["Tuesday", "Alex Kerr"],
            ["Wednesday", "Jo Bell"]
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// YAML front matter and dates

#[test]
fn yaml_front_matter_sets_title_and_description() {
    let site = features();
    let html = site.html("yaml/yaml-page/index.html");
    assert_eq!(text_of(&html, "h1"), "Written in YAML");
    let descriptions: Vec<&str> = select(&html, "meta[name=description]")
        .iter()
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(descriptions, ["A page whose front matter is YAML"]);
}

#[test]
fn yaml_front_matter_tags_work_like_toml_tags() {
    let site = features();
    let yaml_tag = site.html("tags/yaml-tag/index.html");
    assert_eq!(
        listed_pages(&yaml_tag, "/yaml/"),
        urls(&["/yaml/yaml-page/"])
    );
    let shared = site.html("tags/safe-posting/index.html");
    assert_eq!(
        listed_pages(&shared, "/yaml/"),
        urls(&["/yaml/yaml-page/", "/yaml/toml-page/"]),
        "newest first: YAML page is dated later"
    );
}

#[test]
fn yaml_front_matter_date_orders_like_toml() {
    let site = features();
    let html = site.html("yaml/index.html");
    // Default sort is by date, newest first; the YAML page (11-07) is newer than the TOML page (11-06).
    assert_eq!(
        listed_pages(&html, "/yaml/"),
        urls(&["/yaml/yaml-page/", "/yaml/toml-page/"])
    );
}

#[test]
fn dates_in_every_form_parse_and_sort_newest_first() {
    let site = features();
    let html = site.html("dates/index.html");
    assert_eq!(
        listed_pages(&html, "/dates/"),
        urls(&[
            "/dates/offset/",
            "/dates/local/",
            "/dates/same-day-later/",
            "/dates/plain/",
            "/dates/native/"
        ])
    );
}

#[test]
fn dates_in_every_form_appear_on_the_page() {
    let site = features();
    let cases = [
        ("dates/plain/index.html", "2026-11-19"),
        ("dates/local/index.html", "2026-11-20"),
        ("dates/offset/index.html", "2026-11-21"),
        ("dates/native/index.html", "2026-11-18"),
    ];
    for (file, day) in cases {
        let html = site.html(file);
        let datetimes: Vec<String> = select(&html, "main time[datetime]")
            .iter()
            .filter_map(|t| t.value().attr("datetime").map(str::to_string))
            .collect();
        assert!(
            datetimes.iter().any(|d| d.starts_with(day)),
            "{file}: expected a <time datetime> on {day}, found {datetimes:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Roadmap table and policies

#[test]
fn roadmap_section_renders_table_of_platforms_with_status() {
    let site = features();
    let html = site.html("roadmap/index.html");
    let tables = select(&html, "main table");
    assert_eq!(tables.len(), 1, "the roadmap section shows one table");
    let rows: Vec<ElementRef<'_>> = tables[0]
        .select(&scraper::Selector::parse("tr").unwrap())
        .collect();
    let expected = [
        ("Facebook", "facebook", "adopt"),
        ("Mastodon", "mastodon", "trial"),
        ("TikTok", "tiktok", "assess"),
        ("X", "x", "hold"),
    ];
    for (platform, slug, status) in expected {
        let url = format!("{BASE}/roadmap/{slug}/");
        let row = rows
            .iter()
            .find(|tr| {
                tr.select(&scraper::Selector::parse("a[href]").unwrap())
                    .any(|a| absolute(a.value().attr("href").unwrap()) == url)
            })
            .unwrap_or_else(|| panic!("no table row links to {url}"));
        let link = row
            .select(&scraper::Selector::parse("a[href]").unwrap())
            .find(|a| absolute(a.value().attr("href").unwrap()) == url)
            .unwrap();
        assert_eq!(
            text(&link),
            platform,
            "the row's link text is the platform name"
        );
        let row_text = text(row).to_lowercase();
        assert!(
            row_text.contains(status),
            "row for {platform} shows status {status}: {row_text}"
        );
        assert!(
            row_text.contains(&format!("{} benefit one", platform.to_lowercase())),
            "row for {platform} shows its benefits: {row_text}"
        );
        assert!(
            row_text.contains(&format!("{} current risk", platform.to_lowercase())),
            "row for {platform} shows current risks: {row_text}"
        );
        assert!(
            row_text.contains(&format!("{} future risk", platform.to_lowercase())),
            "row for {platform} shows future risks: {row_text}"
        );
    }
}

#[test]
fn policy_page_shows_next_review_date() {
    let site = features();
    let html = site.html("policies/confidentiality/index.html");
    let body = main_text(&html);
    assert!(
        body.contains("Next review"),
        "the policy page says when it is next reviewed: {body}"
    );
    let datetimes: Vec<&str> = select(&html, "main time[datetime]")
        .iter()
        .filter_map(|t| t.value().attr("datetime"))
        .collect();
    assert!(
        datetimes.iter().any(|d| d.starts_with("2027-03-01")) || body.contains("1 March 2027"),
        "the review date 2027-03-01 is shown: {body}"
    );
}

// ---------------------------------------------------------------------------------------------
// Autoescaping

const NASTY_TITLE: &str = "Tips <script>alert(1)</script> & tricks";

#[test]
fn title_with_markup_is_escaped_on_its_page() {
    let site = features();
    let html = site.html("tips/escaping/index.html");
    assert_eq!(text_of(&html, "h1"), NASTY_TITLE);
    assert!(
        // The theme's own scripts have a src; a script made from the title would not.
        select(
            &html,
            "script:not([type=\"application/ld+json\"]):not([src])"
        )
        .is_empty(),
        "the title's <script> must not become an element"
    );
    let json_ld = select(&html, "script[type=\"application/ld+json\"]");
    let data: serde_json::Value =
        serde_json::from_str(&json_ld[0].inner_html()).expect("JSON-LD is JSON");
    assert_eq!(
        data["headline"].as_str().or(data["name"].as_str()),
        Some(NASTY_TITLE)
    );
    assert!(
        text_of(&html, "title").starts_with(NASTY_TITLE),
        "the <title> holds the raw title text"
    );
    let descriptions: Vec<&str> = select(&html, "meta[name=description]")
        .iter()
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(descriptions, ["Fish & chips <b>bold</b>"]);
    assert!(
        select(&html, "b").is_empty(),
        "markup in the description or tag name must not become elements"
    );
}

#[test]
fn title_with_markup_is_escaped_in_section_listing() {
    let site = features();
    let html = site.html("tips/index.html");
    assert!(
        // The theme's own scripts have a src; a script made from the title would not.
        select(
            &html,
            "script:not([type=\"application/ld+json\"]):not([src])"
        )
        .is_empty(),
        "no <script> element in the listing"
    );
    let link = link_with_text(&html, NASTY_TITLE);
    assert_eq!(
        absolute(link.value().attr("href").unwrap()),
        format!("{BASE}/tips/escaping/")
    );
}

#[test]
fn tag_name_with_markup_is_escaped() {
    let site = features();
    let html = site.html("tags/index.html");
    assert!(
        select(&html, "b").is_empty(),
        "the tag name's <b> must not become an element"
    );
    let link = link_with_text(&html, "Q&A <b>");
    assert!(absolute(link.value().attr("href").unwrap()).starts_with(&format!("{BASE}/tags/")));
}

// ---------------------------------------------------------------------------------------------
// Templates

#[test]
fn site_page_template_overrides_theme_page_template() {
    let site = site_templates();
    let html = site.html("tips/other/index.html");
    assert_eq!(
        select(&html, "#site-page-template").len(),
        1,
        "templates/page.html was used"
    );
    assert_eq!(text_of(&html, "#site-page-template h1"), "The other tip");
    assert_eq!(
        select(&html, "nav[aria-label=\"Contents\"], article.page").len(),
        0,
        "the theme's page.html was not used"
    );
}

#[test]
fn site_override_still_extends_theme_base() {
    let site = site_templates();
    let html = site.html("tips/other/index.html");
    assert_eq!(
        select(&html, "main#main").len(),
        1,
        "the theme's base.html supplies <main id=\"main\">"
    );
    let lang = select(&html, "html")[0]
        .value()
        .attr("lang")
        .map(str::to_string);
    assert_eq!(lang.as_deref(), Some("en-GB"));
}

#[test]
fn template_front_matter_picks_a_site_template() {
    let site = site_templates();
    let html = site.html("tips/special/index.html");
    assert_eq!(text_of(&html, "#special-note"), "Rendered by special.html");
    assert_eq!(text_of(&html, "#special-template h1"), "A special page");
    assert!(
        select(&html, "#site-page-template").is_empty(),
        "page.html was not used for this page"
    );
}

#[test]
fn get_page_works_from_a_site_template() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    assert_eq!(text_of(&html, "#other-title"), "The other tip");
    assert_eq!(
        hrefs(&html, "#other-link"),
        ["https://hub.example.org/tips/other/"]
    );
}

#[test]
fn get_section_works_from_a_site_template() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    assert_eq!(text_of(&html, "#section-title"), "All the tips");
    let pages: Vec<String> = select(&html, "#section-pages li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        pages,
        ["A page that uses data", "A special page", "The other tip"],
        "pages in the section's sort_by (title) order"
    );
}

#[test]
fn get_url_works_from_a_site_template() {
    let site = site_templates();
    let html = site.html("tips/uses-data/index.html");
    assert_eq!(
        hrefs(&html, "#url-of-page"),
        ["https://hub.example.org/tips/other/"]
    );
    assert_eq!(
        hrefs(&html, "#url-of-static"),
        ["https://hub.example.org/style.css"]
    );
}

#[test]
fn site_without_themes_folder_builds_with_compiled_in_theme() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n"),
        (
            "content/notes/one.md",
            "+++\ntitle = \"Note one\"\ndate = 2026-11-01\n+++\n\nOne.\n",
        ),
    ]);
    assert!(!site.path("themes").exists());
    site.build_ok(&[]);
    let css = site.output("style.css");
    assert!(
        !css.trim().is_empty(),
        "the built-in theme's style.css is copied"
    );
    let html = site.html("notes/one/index.html");
    assert_eq!(text_of(&html, "h1"), "Note one");
    assert_eq!(select(&html, "main#main").len(), 1);
    let stylesheets: Vec<String> = hrefs(&html, "link[rel=stylesheet]")
        .iter()
        .map(|h| absolute(h))
        .collect();
    assert!(
        stylesheets.contains(&format!("{BASE}/style.css")),
        "pages link the theme stylesheet: {stylesheets:?}"
    );
}

#[test]
fn section_template_and_page_template_pick_site_templates() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/news/_index.md",
            "+++\ntitle = \"News\"\ntemplate = \"news-list.html\"\npage_template = \"news-page.html\"\n+++\n",
        ),
        ("content/news/item.md", "+++\ntitle = \"Item\"\ndate = 2026-11-01\n+++\n\nHi.\n"),
        ("content/news/own.md", "+++\ntitle = \"Own\"\ndate = 2026-11-02\ntemplate = \"own.html\"\n+++\n\nHi.\n"),
        ("templates/news-list.html", "<!DOCTYPE html><html lang=\"en\"><body><h1 id=\"news-list\">{{ section.title }}</h1></body></html>"),
        ("templates/news-page.html", "<!DOCTYPE html><html lang=\"en\"><body><h1 id=\"news-page\">{{ page.title }}</h1></body></html>"),
        ("templates/own.html", "<!DOCTYPE html><html lang=\"en\"><body><h1 id=\"own-page\">{{ page.title }}</h1></body></html>"),
    ]);
    site.build_ok(&[]);
    assert_eq!(
        text_of(&site.html("news/index.html"), "h1#news-list"),
        "News"
    );
    assert_eq!(
        text_of(&site.html("news/item/index.html"), "h1#news-page"),
        "Item",
        "the section's page_template is used"
    );
    assert_eq!(
        text_of(&site.html("news/own/index.html"), "h1#own-page"),
        "Own",
        "a page's own template wins over page_template"
    );
}

fn own_theme() -> TestSite {
    TestSite::fixture("own-theme")
}

#[test]
fn theme_setting_uses_that_themes_templates() {
    let site = own_theme();
    site.build_ok(&[]);
    let page = site.html("notes/first/index.html");
    assert_eq!(
        select(&page, "body[data-theme=mine]").len(),
        1,
        "themes/mine/templates/base.html was used"
    );
    assert_eq!(text_of(&page, "h1.mine-page"), "First note");
    assert!(
        select(&page, "a.skip-link").is_empty(),
        "the default theme was not used"
    );
    let home = site.html("index.html");
    assert_eq!(text_of(&home, "h1.mine-home"), "Home of mine");
    let section = site.html("notes/index.html");
    assert_eq!(text_of(&section, "h1.mine-section"), "Notes");
    let tag = site.html("tags/notes-tag/index.html");
    assert_eq!(text_of(&tag, "h1.mine-tag"), "Notes tag");
}

#[test]
fn theme_setting_copies_that_themes_static_files() {
    let site = own_theme();
    site.build_ok(&[]);
    let copied = site.output("mine.css");
    let source =
        fs::read_to_string(site.path("themes/mine/static/mine.css")).expect("theme stylesheet");
    assert_eq!(copied, source);
}

#[test]
fn theme_missing_a_template_falls_back_to_built_in() {
    // docs/templates.md: templates/<name>, else themes/<theme>/templates/<name>, else the
    // default theme built into hub.
    let site = own_theme();
    fs::remove_file(site.path("themes/mine/templates/404.html")).expect("remove 404.html");
    fs::remove_file(site.path("themes/mine/templates/taxonomy_single.html"))
        .expect("remove taxonomy_single.html");
    site.build_ok(&[]);
    let not_found = site.html("404.html");
    assert!(
        !text_of(&not_found, "h1").is_empty(),
        "404.html rendered from the built-in template"
    );
    let tag = site.html("tags/notes-tag/index.html");
    assert!(listed_pages(&tag, "/notes/").contains(&format!("{BASE}/notes/first/")));
    let page = site.html("notes/first/index.html");
    assert_eq!(
        text_of(&page, "h1.mine-page"),
        "First note",
        "templates the theme has are still used"
    );
}
