//! Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for the whole site, for each section
//! with dated pages (pages of subsections included) and for each tag; `[feeds] formats` and
//! `limit`; `feed = false`; content, summaries, authors, dates and absolute links; special
//! characters; autodiscovery `<link rel="alternate">` on every HTML page; a bad format name.
//!
//! Every feed is read back with independent parsers: `feed-rs` (what a feed reader sees),
//! `roxmltree` for the raw XML, `serde_json` for the raw JSON Feed and `chrono` for dates.
//!
//! Fixtures: tests/fixtures/feeds/ and tests/fixtures/bad-feed-format/.
//!
//! tests/fixtures/feeds/, newest first (site.toml: author "Northshire Council", smart
//! punctuation off so quotes in content stay as written):
//!
//! | page                        | date                       | notes                                      |
//! | --------------------------- | -------------------------- | ------------------------------------------ |
//! | notes/memo.md               | 2026-03-20                 | section `notes` has `feed = false`         |
//! | posts/fish.md               | 2026-03-10T09:30:00+01:00  | special title, 2 authors, `<!-- more -->`, tags "Food & Drink", "News" |
//! | posts/bundle/index.md       | 2026-02-01, updated 04-01  | `[x](/tips/)`, `![alt](photo.png)`, no authors |
//! | posts/news/launch.md        | 2026-01-15                 | subsection `posts/news`, tag "News"        |
//! | posts/old.md                | 2025-12-01                 |                                            |
//! | posts/undated.md            | none                       | tag "News": in no feed                     |
//! | tips/basics.md              | none                       | the only page of `tips`: no tips feed      |
//! | posts/draft.md              | 2026-05-01, draft          | tag "News": built with --drafts, no feed   |

mod common;

use std::fs;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::*;
use feed_rs::model::{Entry, Feed, FeedType};
use scraper::Html;
use serde_json::Value;

const FISH_TITLE: &str = "Fish & chips <b> \"quoted\" 'single' 🎉 Café";
/// The paragraph after `<!-- more -->` in posts/fish.md, as text.
const FISH_PARAGRAPH: &str = "Fish & chips 5 < 6 > 4 \"quoted\" 'single' 🎉 Café";
const SITE_AUTHOR: &str = "Northshire Council";

/// Every dated page, newest first.
const SITE_ORDER: [&str; 5] = [
    "/notes/memo/",
    "/posts/fish/",
    "/posts/bundle/",
    "/posts/news/launch/",
    "/posts/old/",
];
/// `posts` and its subsection `posts/news`.
const POSTS_ORDER: [&str; 4] = [
    "/posts/fish/",
    "/posts/bundle/",
    "/posts/news/launch/",
    "/posts/old/",
];

const ALL_FORMATS: [&str; 3] = ["atom.xml", "rss.xml", "feed.json"];
const FEED_FILES: [&str; 3] = ALL_FORMATS;

/// The fixture, built once for all the tests that only read it.
fn built() -> &'static TestSite {
    TestSite::shared_build("feeds")
}

/// The fixture with its `[feeds]` table replaced by `feeds` (the lines after `[feeds]`).
fn built_with_feeds(feeds: &str) -> TestSite {
    let site = TestSite::fixture("feeds");
    let config = fs::read_to_string(site.path("site.toml")).expect("site.toml");
    let old = "[feeds]\nformats = [\"atom\", \"rss\", \"json\"]\nlimit = 20\n";
    assert!(config.contains(old), "the fixture's [feeds] table changed");
    site.write(
        "site.toml",
        &config.replace(old, &format!("[feeds]\n{feeds}\n")),
    );
    site.build_ok(&[]);
    site
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn urls(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| url(p)).collect()
}

/// Parses an output feed file with feed-rs, as a feed reader would.
fn parse_feed(site: &TestSite, rel: &str) -> Feed {
    let text = site.output(rel);
    feed_rs::parser::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("feed-rs cannot parse {rel}: {e:?}\n{text}"))
}

fn expected_type(rel: &str) -> FeedType {
    if rel.ends_with("atom.xml") {
        FeedType::Atom
    } else if rel.ends_with("rss.xml") {
        FeedType::RSS2
    } else {
        FeedType::JSON
    }
}

/// The three feeds of a folder (`""`, `"posts/"`, `"tags/news/"`), parsed, with their file names.
fn feeds_in(site: &TestSite, dir: &str) -> Vec<(String, Feed)> {
    FEED_FILES
        .iter()
        .map(|file| {
            let rel = format!("{dir}{file}");
            let feed = parse_feed(site, &rel);
            assert_eq!(
                feed.feed_type,
                expected_type(&rel),
                "{rel} has the wrong type"
            );
            (rel, feed)
        })
        .collect()
}

fn entry_ids(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn entry<'a>(feed: &'a Feed, path: &str, rel: &str) -> &'a Entry {
    let id = url(path);
    feed.entries.iter().find(|e| e.id == id).unwrap_or_else(|| {
        panic!(
            "{rel} has no entry with id {id}; ids: {:?}",
            entry_ids(feed)
        )
    })
}

fn title_text(entry: &Entry) -> String {
    entry
        .title
        .as_ref()
        .map(|t| t.content.clone())
        .unwrap_or_default()
}

fn content_html(entry: &Entry, rel: &str) -> String {
    entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_else(|| panic!("{rel}: entry {} has no content", entry.id))
}

/// Whitespace-normalised text of an HTML fragment.
fn fragment_text(html: &str) -> String {
    Html::parse_fragment(html)
        .root_element()
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn author_names(entry: &Entry) -> Vec<String> {
    entry.authors.iter().map(|p| p.name.clone()).collect()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// Every feed file under public/, as paths relative to public/.
fn all_feed_files(site: &TestSite) -> Vec<String> {
    site.snapshot("public")
        .into_keys()
        .filter(|rel| FEED_FILES.iter().any(|f| rel.ends_with(f)))
        .collect()
}

/// Every HTML file under public/, as paths relative to public/.
fn all_html_files(site: &TestSite) -> Vec<String> {
    site.snapshot("public")
        .into_keys()
        .filter(|rel| rel.ends_with(".html"))
        .collect()
}

/// `(type, href)` of every `<link rel="alternate">` in the page's head.
fn alternates(html: &Html) -> Vec<(String, String)> {
    select(html, "head link[rel=\"alternate\"]")
        .iter()
        .map(|l| {
            (
                l.value().attr("type").unwrap_or_default().to_string(),
                l.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The output file an absolute feed URL points at (under public/).
fn output_file(site: &TestSite, href: &str) -> std::path::PathBuf {
    let href = absolute(href);
    let path = href
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{href} is not on the site"));
    site.path("public").join(path.trim_start_matches('/'))
}

fn mime(file: &str) -> &'static str {
    match file {
        "atom.xml" => "application/atom+xml",
        "rss.xml" => "application/rss+xml",
        _ => "application/feed+json",
    }
}

/// The `(type, absolute URL)` pairs of the three feeds in a folder (`/`, `/posts/`).
fn feed_links_of(dir: &str, files: &[&str]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| (mime(f).to_string(), url(&format!("{dir}{f}"))))
        .collect()
}

fn assert_links_include(page: &str, links: &[(String, String)], wanted: &[(String, String)]) {
    let links: Vec<(String, String)> = links
        .iter()
        .map(|(t, h)| (t.clone(), absolute(h)))
        .collect();
    for want in wanted {
        assert!(
            links.contains(want),
            "{page} has no <link rel=\"alternate\" type={:?} href={:?}>; it has {links:?}",
            want.0,
            want.1
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Which feeds exist and what is in them

#[test]
fn site_feeds_list_every_dated_page_newest_first_in_all_three_formats() {
    let site = built();
    for (rel, feed) in feeds_in(site, "") {
        assert_eq!(entry_ids(&feed), urls(&SITE_ORDER), "{rel}");
        assert_eq!(
            feed.title.as_ref().map(|t| t.content.as_str()),
            Some("Feeds Test Site"),
            "{rel}: the site feed's title is the site's title"
        );
    }
}

#[test]
fn section_feeds_include_pages_of_subsections_newest_first() {
    let site = built();
    for (rel, feed) in feeds_in(site, "posts/") {
        assert_eq!(entry_ids(&feed), urls(&POSTS_ORDER), "{rel}");
        let title = feed
            .title
            .as_ref()
            .map(|t| t.content.clone())
            .unwrap_or_default();
        assert!(
            title.contains("Posts"),
            "{rel}: feed title {title:?} names the section"
        );
    }
    for (rel, feed) in feeds_in(site, "posts/news/") {
        assert_eq!(entry_ids(&feed), urls(&["/posts/news/launch/"]), "{rel}");
    }
}

#[test]
fn tag_feeds_list_the_tags_dated_pages_newest_first() {
    let site = built();
    for (rel, feed) in feeds_in(site, "tags/news/") {
        // posts/undated.md is tagged "News" too, but has no date.
        assert_eq!(
            entry_ids(&feed),
            urls(&["/posts/fish/", "/posts/news/launch/"]),
            "{rel}"
        );
    }
    for (rel, feed) in feeds_in(site, "tags/food-drink/") {
        assert_eq!(entry_ids(&feed), urls(&["/posts/fish/"]), "{rel}");
        let title = feed
            .title
            .as_ref()
            .map(|t| t.content.clone())
            .unwrap_or_default();
        assert!(
            title.contains("Food & Drink"),
            "{rel}: feed title {title:?} should name the tag \"Food & Drink\" unchanged"
        );
    }
}

#[test]
fn undated_pages_are_in_no_feed() {
    let site = built();
    let files = all_feed_files(site);
    assert!(!files.is_empty());
    for rel in files {
        let feed = parse_feed(site, &rel);
        for id in entry_ids(&feed) {
            assert!(
                id != url("/posts/undated/") && id != url("/tips/basics/"),
                "{rel} lists the undated page {id}"
            );
        }
    }
}

#[test]
fn drafts_are_in_no_feed_even_when_built_with_drafts() {
    let site = TestSite::fixture("feeds");
    site.build_ok(&["--drafts"]);
    assert!(
        site.path("public/posts/draft/index.html").is_file(),
        "--drafts builds the draft page"
    );
    let files = all_feed_files(&site);
    assert!(!files.is_empty());
    for rel in files {
        let feed = parse_feed(&site, &rel);
        assert!(
            !entry_ids(&feed).contains(&url("/posts/draft/")),
            "{rel} lists the draft: feeds hold dated, non-draft pages"
        );
    }
    // And the feeds are what they are without drafts.
    for (rel, feed) in feeds_in(&site, "") {
        assert_eq!(entry_ids(&feed), urls(&SITE_ORDER), "{rel}");
    }
}

#[test]
fn a_section_with_only_undated_pages_has_no_feed() {
    let site = built();
    for file in FEED_FILES {
        let path = site.path("public/tips").join(file);
        assert!(!path.exists(), "{} should not exist", path.display());
    }
    for page in ["tips/index.html", "tips/basics/index.html"] {
        for (_, href) in alternates(&site.html(page)) {
            assert!(
                !absolute(&href).starts_with(&url("/tips/")),
                "{page} links a tips feed that has no dated pages: {href}"
            );
        }
    }
}

#[test]
fn a_section_with_feed_false_has_no_feed_but_its_pages_are_in_the_site_feed() {
    let site = built();
    for file in FEED_FILES {
        let path = site.path("public/notes").join(file);
        assert!(
            !path.exists(),
            "{} should not exist (feed = false)",
            path.display()
        );
    }
    for page in ["notes/index.html", "notes/memo/index.html"] {
        let html = site.html(page);
        for href in hrefs(&html, "[href]") {
            let href = absolute(&href);
            assert!(
                !FEED_FILES
                    .iter()
                    .any(|f| href == url(&format!("/notes/{f}"))),
                "{page} links the notes feed {href}, but notes has feed = false"
            );
        }
        // It still has the site feeds.
        assert_links_include(page, &alternates(&html), &feed_links_of("/", &ALL_FORMATS));
    }
    for (rel, feed) in feeds_in(site, "") {
        entry(&feed, "/notes/memo/", &rel);
    }
}

#[test]
fn limit_truncates_every_feed_to_the_newest_pages() {
    let site = built_with_feeds("formats = [\"atom\", \"rss\", \"json\"]\nlimit = 2");
    for (rel, feed) in feeds_in(&site, "") {
        assert_eq!(entry_ids(&feed), urls(&SITE_ORDER[..2]), "{rel}");
    }
    for (rel, feed) in feeds_in(&site, "posts/") {
        assert_eq!(entry_ids(&feed), urls(&POSTS_ORDER[..2]), "{rel}");
    }
    for rel in all_feed_files(&site) {
        let n = parse_feed(&site, &rel).entries.len();
        assert!(n <= 2, "{rel} has {n} entries with limit = 2");
    }
}

#[test]
fn formats_atom_only_writes_only_atom_feeds_and_links() {
    let site = built_with_feeds("formats = [\"atom\"]");
    let files = all_feed_files(&site);
    for rel in &files {
        assert!(
            rel.ends_with("atom.xml"),
            "{rel} written with formats = [\"atom\"]"
        );
    }
    for rel in ["atom.xml", "posts/atom.xml", "tags/news/atom.xml"] {
        assert!(
            files.contains(&rel.to_string()),
            "{rel} is missing: {files:?}"
        );
        assert_eq!(parse_feed(&site, rel).feed_type, FeedType::Atom);
    }
    for page in all_html_files(&site) {
        let links = alternates(&site.html(&page));
        for (kind, href) in &links {
            assert_eq!(kind, "application/atom+xml", "{page}: {href}");
            assert!(href.ends_with("atom.xml"), "{page}: {href}");
        }
    }
    let home = alternates(&site.html("index.html"));
    assert_links_include("index.html", &home, &feed_links_of("/", &["atom.xml"]));
    let post = alternates(&site.html("posts/fish/index.html"));
    assert_links_include(
        "posts/fish/index.html",
        &post,
        &[
            feed_links_of("/", &["atom.xml"]),
            feed_links_of("/posts/", &["atom.xml"]),
        ]
        .concat(),
    );
}

#[test]
fn formats_empty_turns_feeds_off() {
    let site = built_with_feeds("formats = []");
    assert_eq!(all_feed_files(&site), Vec::<String>::new());
    for page in all_html_files(&site) {
        assert_eq!(
            alternates(&site.html(&page)),
            vec![],
            "{page} has feed links with formats = []"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Entries: ids, links, dates, authors, summaries, content

#[test]
fn entry_ids_are_permalinks_and_links_are_absolute() {
    let site = built();
    for dir in ["", "posts/", "tags/news/"] {
        for (rel, feed) in feeds_in(site, dir) {
            for e in &feed.entries {
                let hrefs: Vec<&str> = e.links.iter().map(|l| l.href.as_str()).collect();
                assert!(
                    hrefs.contains(&e.id.as_str()),
                    "{rel}: entry {} should link its permalink; links {hrefs:?}",
                    e.id
                );
                for href in hrefs {
                    let parsed = url::Url::parse(href)
                        .unwrap_or_else(|_| panic!("{rel}: link {href} is not absolute"));
                    assert_eq!(parsed.host_str(), Some("hub.example.org"), "{rel}: {href}");
                }
            }
        }
    }
}

#[test]
fn atom_feed_links_itself_and_its_html_page() {
    let site = built();
    for (dir, html) in [
        ("/", "/"),
        ("/posts/", "/posts/"),
        ("/tags/news/", "/tags/news/"),
    ] {
        let rel = format!("{}atom.xml", &dir[1..]);
        let feed = parse_feed(site, &rel);
        let link = |rel_name: &str| {
            feed.links
                .iter()
                .find(|l| l.rel.as_deref() == Some(rel_name))
                .map(|l| l.href.clone())
        };
        assert_eq!(link("self"), Some(url(&format!("{dir}atom.xml"))), "{rel}");
        assert_eq!(link("alternate"), Some(url(html)), "{rel}");
    }
}

#[test]
fn updated_uses_the_pages_updated_date() {
    let site = built();
    // Atom and JSON Feed carry both dates; RSS only pubDate.
    for rel in ["atom.xml", "feed.json", "posts/atom.xml", "posts/feed.json"] {
        let feed = parse_feed(site, rel);
        let bundle = entry(&feed, "/posts/bundle/", rel);
        assert_eq!(
            bundle.published,
            Some(utc(2026, 2, 1, 0, 0)),
            "{rel}: published"
        );
        assert_eq!(
            bundle.updated,
            Some(utc(2026, 4, 1, 0, 0)),
            "{rel}: updated"
        );
        let fish = entry(&feed, "/posts/fish/", rel);
        assert_eq!(
            fish.published,
            Some(utc(2026, 3, 10, 8, 30)),
            "{rel}: published"
        );
        assert_eq!(
            fish.updated,
            Some(utc(2026, 3, 10, 8, 30)),
            "{rel}: updated"
        );
    }
    for rel in ["rss.xml", "posts/rss.xml"] {
        let feed = parse_feed(site, rel);
        let fish = entry(&feed, "/posts/fish/", rel);
        assert_eq!(
            fish.published,
            Some(utc(2026, 3, 10, 8, 30)),
            "{rel}: pubDate"
        );
        let bundle = entry(&feed, "/posts/bundle/", rel);
        assert_eq!(
            bundle.published,
            Some(utc(2026, 2, 1, 0, 0)),
            "{rel}: pubDate"
        );
    }
    // The Atom feed's own `updated` is its newest change: the bundle's `updated`.
    let feed = parse_feed(site, "atom.xml");
    assert_eq!(feed.updated, Some(utc(2026, 4, 1, 0, 0)));
}

#[test]
fn authors_come_from_the_page_else_the_sites_author() {
    let site = built();
    for (rel, feed) in feeds_in(site, "") {
        assert_eq!(
            author_names(entry(&feed, "/posts/fish/", &rel)),
            ["Ada Lovelace", "Grace Hopper"],
            "{rel}"
        );
        for path in ["/posts/bundle/", "/notes/memo/", "/posts/old/"] {
            assert_eq!(
                author_names(entry(&feed, path, &rel)),
                [SITE_AUTHOR],
                "{rel}: {path}"
            );
        }
    }
    // Atom requires an author for the feed (or every entry).
    let atom = parse_feed(site, "atom.xml");
    assert!(
        !atom.authors.is_empty(),
        "atom.xml has no feed-level author"
    );
}

#[test]
fn atom_and_rss_summaries_are_the_text_before_more() {
    let site = built();
    for rel in ["atom.xml", "rss.xml", "posts/atom.xml", "posts/rss.xml"] {
        let feed = parse_feed(site, rel);
        let fish = entry(&feed, "/posts/fish/", rel);
        let summary = fish
            .summary
            .as_ref()
            .unwrap_or_else(|| panic!("{rel}: the fish entry has no summary"));
        assert_eq!(
            fragment_text(&summary.content),
            "The summary of the fish post.",
            "{rel}: summary"
        );
        let content = fragment_text(&content_html(fish, rel));
        assert!(
            content.contains("The summary of the fish post.")
                && content.contains("The rest of the fish post, after the summary."),
            "{rel}: the content is the whole page: {content:?}"
        );
    }
}

#[test]
fn json_feed_summary_is_the_text_before_more() {
    let site = built();
    for rel in ["feed.json", "posts/feed.json"] {
        let feed = parse_feed(site, rel);
        let fish = entry(&feed, "/posts/fish/", rel);
        let summary = fish.summary.as_ref().map(|s| fragment_text(&s.content));
        assert_eq!(
            summary.as_deref(),
            Some("The summary of the fish post."),
            "{rel}: the item's summary should be the text before <!-- more -->"
        );
    }
}

#[test]
fn full_content_has_absolute_links_and_image_sources() {
    let site = built();
    for dir in ["", "posts/"] {
        for (rel, feed) in feeds_in(site, dir) {
            for e in &feed.entries {
                assert!(
                    !fragment_text(&content_html(e, &rel)).is_empty(),
                    "{rel}: entry {} has empty content",
                    e.id
                );
            }
            let html =
                Html::parse_fragment(&content_html(entry(&feed, "/posts/bundle/", &rel), &rel));
            let links: Vec<String> = html
                .select(&scraper::Selector::parse("a[href]").unwrap())
                .map(|a| a.value().attr("href").unwrap().to_string())
                .collect();
            assert_eq!(links, [url("/tips/")], "{rel}: the link [x](/tips/)");
            let images: Vec<(String, String)> = html
                .select(&scraper::Selector::parse("img").unwrap())
                .map(|i| {
                    (
                        i.value().attr("src").unwrap_or_default().to_string(),
                        i.value().attr("alt").unwrap_or_default().to_string(),
                    )
                })
                .collect();
            // The photo's widest resized copy (photo.1w.<hash>.png, the photo being 1×1),
            // by its absolute address.
            let [(src, alt)] = images.as_slice() else {
                panic!("{rel}: one image, the bundle's ![alt](photo.png): {images:?}");
            };
            assert_eq!(alt, "alt", "{rel}");
            let published = src
                .strip_prefix(&url("/posts/bundle/photo.1w."))
                .filter(|name| name.ends_with(".png"))
                .unwrap_or_else(|| panic!("{rel}: {src} is not the photo's resized copy"));
            assert!(
                site.path("public/posts/bundle")
                    .join(format!("photo.1w.{published}"))
                    .is_file(),
                "{rel}: {src} is published"
            );
        }
    }
    assert!(site.path("public/posts/bundle/photo.png").exists());
}

#[test]
fn titles_and_content_with_special_characters_round_trip_unchanged() {
    let site = built();
    for dir in ["", "posts/", "tags/food-drink/"] {
        for (rel, feed) in feeds_in(site, dir) {
            let fish = entry(&feed, "/posts/fish/", &rel);
            assert_eq!(title_text(fish), FISH_TITLE, "{rel}: title");
            let html = Html::parse_fragment(&content_html(fish, &rel));
            let texts = |sel: &str| -> Vec<String> {
                html.select(&scraper::Selector::parse(sel).unwrap())
                    .map(|e| e.text().collect::<String>())
                    .collect()
            };
            assert!(
                texts("p").iter().any(|t| t == FISH_PARAGRAPH),
                "{rel}: no paragraph reads {FISH_PARAGRAPH:?}: {:?}",
                texts("p")
            );
            assert_eq!(texts("code"), [FISH_TITLE], "{rel}: code span");
            let tags: Vec<String> = fish
                .categories
                .iter()
                .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone()))
                .collect();
            assert!(
                tags.iter().any(|t| t == "Food & Drink"),
                "{rel}: tag \"Food & Drink\" in {tags:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validity by the standards, read from the raw XML and JSON

fn xml_child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| {
        c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ns)
    })
}

fn xml_text(node: roxmltree::Node<'_, '_>, ns: &str, name: &str, what: &str) -> String {
    xml_child(node, ns, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("{what}: no <{name}>"))
        .trim()
        .to_string()
}

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

#[test]
fn rss_dates_are_rfc_822_and_the_channel_links_itself() {
    let site = built();
    let rss_files: Vec<String> = all_feed_files(site)
        .into_iter()
        .filter(|f| f.ends_with("rss.xml"))
        .collect();
    assert!(rss_files.len() >= 5, "{rss_files:?}");
    for rel in rss_files {
        let text = site.output(&rel);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
        let rss = doc.root_element();
        assert_eq!(rss.tag_name().name(), "rss", "{rel}");
        assert_eq!(rss.attribute("version"), Some("2.0"), "{rel}");
        let channel = rss
            .children()
            .find(|c| c.has_tag_name("channel"))
            .unwrap_or_else(|| panic!("{rel}: no <channel>"));
        let self_links: Vec<&str> = channel
            .children()
            .filter(|c| {
                c.is_element()
                    && c.tag_name().name() == "link"
                    && c.tag_name().namespace() == Some(ATOM_NS)
                    && c.attribute("rel") == Some("self")
            })
            .filter_map(|c| c.attribute("href"))
            .collect();
        assert_eq!(
            self_links,
            [url(&format!("/{rel}"))],
            "{rel}: atom:link rel=self"
        );
        for name in ["title", "link", "description"] {
            assert!(
                channel.children().any(|c| c.has_tag_name(name)),
                "{rel}: channel has no <{name}>"
            );
        }
        if let Some(date) = channel.children().find(|c| c.has_tag_name("lastBuildDate")) {
            let date = date.text().unwrap_or_default().trim();
            DateTime::parse_from_rfc2822(date)
                .unwrap_or_else(|e| panic!("{rel}: lastBuildDate {date:?} is not RFC 822: {e}"));
        }
        let items: Vec<_> = channel
            .children()
            .filter(|c| c.has_tag_name("item"))
            .collect();
        assert!(!items.is_empty(), "{rel}: no items");
        for item in items {
            let link = item
                .children()
                .find(|c| c.has_tag_name("link"))
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("{rel}: item without <link>"));
            let guid = item
                .children()
                .find(|c| c.has_tag_name("guid"))
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("{rel}: item {link} without <guid>"));
            assert_eq!(guid.trim(), link.trim(), "{rel}: guid is the permalink");
            let date = item
                .children()
                .find(|c| c.has_tag_name("pubDate"))
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("{rel}: item {link} without <pubDate>"))
                .trim();
            let parsed = DateTime::parse_from_rfc2822(date)
                .unwrap_or_else(|e| panic!("{rel}: pubDate {date:?} is not RFC 822: {e}"));
            if link.trim() == url("/posts/fish/") {
                assert_eq!(parsed.with_timezone(&Utc), utc(2026, 3, 10, 8, 30), "{rel}");
            }
            if link.trim() == url("/posts/old/") {
                assert_eq!(
                    parsed.with_timezone(&Utc).date_naive(),
                    NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
                    "{rel}"
                );
            }
        }
    }
}

#[test]
fn atom_feeds_have_the_required_elements_and_rfc_3339_dates() {
    let site = built();
    let atom_files: Vec<String> = all_feed_files(site)
        .into_iter()
        .filter(|f| f.ends_with("atom.xml"))
        .collect();
    assert!(atom_files.len() >= 5, "{atom_files:?}");
    for rel in atom_files {
        let text = site.output(&rel);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed", "{rel}");
        assert_eq!(feed.tag_name().namespace(), Some(ATOM_NS), "{rel}");
        assert!(
            !xml_text(feed, ATOM_NS, "id", &rel).is_empty(),
            "{rel}: empty id"
        );
        assert!(
            !xml_text(feed, ATOM_NS, "title", &rel).is_empty(),
            "{rel}: empty title"
        );
        let updated = xml_text(feed, ATOM_NS, "updated", &rel);
        DateTime::parse_from_rfc3339(&updated)
            .unwrap_or_else(|e| panic!("{rel}: feed updated {updated:?} is not RFC 3339: {e}"));
        let self_links: Vec<&str> = feed
            .children()
            .filter(|c| c.has_tag_name((ATOM_NS, "link")) && c.attribute("rel") == Some("self"))
            .filter_map(|c| c.attribute("href"))
            .collect();
        assert_eq!(
            self_links,
            [url(&format!("/{rel}"))],
            "{rel}: link rel=self"
        );
        let feed_author = xml_child(feed, ATOM_NS, "author")
            .and_then(|a| xml_child(a, ATOM_NS, "name"))
            .and_then(|n| n.text())
            .map(str::to_string);
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
            .collect();
        assert!(!entries.is_empty(), "{rel}: no entries");
        for e in entries {
            let id = xml_text(e, ATOM_NS, "id", &rel);
            assert!(
                id.starts_with(BASE),
                "{rel}: entry id {id} is not an absolute permalink"
            );
            assert!(
                !xml_text(e, ATOM_NS, "title", &rel).is_empty(),
                "{rel}: {id} has no title"
            );
            for name in ["updated", "published"] {
                let date = xml_text(e, ATOM_NS, name, &rel);
                DateTime::parse_from_rfc3339(&date).unwrap_or_else(|err| {
                    panic!("{rel}: {id} {name} {date:?} is not RFC 3339: {err}")
                });
            }
            let entry_author = xml_child(e, ATOM_NS, "author")
                .and_then(|a| xml_child(a, ATOM_NS, "name"))
                .and_then(|n| n.text());
            assert!(
                entry_author.is_some() || feed_author.is_some(),
                "{rel}: {id} has no author and neither has the feed"
            );
        }
    }
}

#[test]
fn json_feeds_have_every_required_field() {
    let site = built();
    let json_files: Vec<String> = all_feed_files(site)
        .into_iter()
        .filter(|f| f.ends_with("feed.json"))
        .collect();
    assert!(json_files.len() >= 5, "{json_files:?}");
    for rel in json_files {
        let feed: Value = serde_json::from_str(&site.output(&rel))
            .unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
        assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1", "{rel}");
        assert!(
            feed["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{rel}: title"
        );
        assert_eq!(
            feed["feed_url"],
            url(&format!("/{rel}")).as_str(),
            "{rel}: feed_url"
        );
        let home = feed["home_page_url"]
            .as_str()
            .unwrap_or_else(|| panic!("{rel}: no home_page_url"));
        assert_eq!(
            url::Url::parse(home)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string)),
            Some("hub.example.org".to_string()),
            "{rel}: home_page_url {home} is not absolute"
        );
        assert!(
            output_file(site, home).join("index.html").exists(),
            "{rel}: home_page_url {home} is not a page of the site"
        );
        let items = feed["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{rel}: no items array"));
        assert!(!items.is_empty(), "{rel}: no items");
        for item in items {
            let id = item["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{rel}: item without a string id: {item}"));
            assert!(!id.is_empty(), "{rel}: empty id");
            assert_eq!(item["url"], id, "{rel}: url is the permalink");
            assert!(id.starts_with(BASE), "{rel}: {id} is not absolute");
            assert!(
                item["content_html"].as_str().is_some() || item["content_text"].as_str().is_some(),
                "{rel}: {id} has neither content_html nor content_text"
            );
            for name in ["date_published", "date_modified"] {
                if let Some(date) = item[name].as_str() {
                    DateTime::parse_from_rfc3339(date).unwrap_or_else(|e| {
                        panic!("{rel}: {id} {name} {date:?} is not RFC 3339: {e}")
                    });
                }
            }
            assert!(
                item["date_published"].is_string(),
                "{rel}: {id} has no date_published"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Autodiscovery

#[test]
fn every_html_page_links_the_site_feeds_and_the_files_exist() {
    let site = built();
    let pages = all_html_files(site);
    for page in [
        "index.html",
        "posts/index.html",
        "posts/fish/index.html",
        "posts/news/index.html",
        "posts/news/launch/index.html",
        "tips/index.html",
        "tips/basics/index.html",
        "notes/index.html",
        "notes/memo/index.html",
        "tags/index.html",
        "tags/news/index.html",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} was not written");
    }
    for page in pages {
        let links = alternates(&site.html(&page));
        assert_links_include(&page, &links, &feed_links_of("/", &ALL_FORMATS));
        for (kind, href) in links {
            let file = output_file(site, &href);
            assert!(file.is_file(), "{page}: {href} ({kind}) points at no file");
            let rel = file
                .strip_prefix(site.path("public"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            assert_eq!(
                kind,
                mime(Path::new(&rel).file_name().unwrap().to_str().unwrap()),
                "{page}: type of {href}"
            );
            parse_feed(site, &rel);
        }
    }
}

#[test]
fn section_pages_and_their_pages_link_the_sections_feeds() {
    let site = built();
    for page in [
        "posts/index.html",
        "posts/fish/index.html",
        "posts/bundle/index.html",
        "posts/old/index.html",
    ] {
        let links = alternates(&site.html(page));
        assert_links_include(page, &links, &feed_links_of("/posts/", &ALL_FORMATS));
    }
    for page in ["posts/news/index.html", "posts/news/launch/index.html"] {
        let links = alternates(&site.html(page));
        assert_links_include(page, &links, &feed_links_of("/posts/news/", &ALL_FORMATS));
    }
    // A tag's page links the tag's own feeds.
    let links = alternates(&site.html("tags/news/index.html"));
    assert_links_include(
        "tags/news/index.html",
        &links,
        &feed_links_of("/tags/news/", &ALL_FORMATS),
    );
    // The home page has only the site feeds: no section's.
    for (_, href) in alternates(&site.html("index.html")) {
        let href = absolute(&href);
        assert!(
            FEED_FILES.iter().any(|f| href == url(&format!("/{f}"))),
            "index.html links {href}, which is not a site feed"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration errors

#[test]
fn an_unknown_feed_format_is_an_error_that_lists_the_known_ones() {
    let site = TestSite::fixture("bad-feed-format");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:5");
    let err = stderr(&out);
    assert!(
        err.contains("atom2"),
        "the message names the bad value:\n{err}"
    );
    for known in ["atom", "rss", "json"] {
        assert!(
            err.contains(&format!("`{known}`")) || err.contains(&format!("\"{known}\"")),
            "the message lists the known format {known}:\n{err}"
        );
    }
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
}
