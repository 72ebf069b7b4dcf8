//! The "Get updates" page and the footer link to it (docs/templates.md): instead of feed-format
//! names in every footer, one "Get updates" link to `/updates/`, a page hub writes whenever the
//! site has feeds. It explains feeds in plain words and lists every feed the build wrote, each
//! named in words with its formats. A site's own page at `/updates/` wins; `updates_page =
//! false` or `formats = []` turns it off; a site's `templates/updates.html` replaces the theme's.
//!
//! Fixture: tests/fixtures/feeds/ (see tests/feeds.rs): feeds for the site, for `posts` and its
//! subsection `posts/news`, and for the tags "Food & Drink" and "News"; `notes` has
//! `feed = false` and `tips` has no dated page, so neither has feeds.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::*;
use scraper::{ElementRef, Html};

const UPDATES: &str = "updates/index.html";
const FEED_FILES: [&str; 3] = ["atom.xml", "rss.xml", "feed.json"];

fn feeds_site() -> TestSite {
    TestSite::fixture("feeds")
}

/// The fixture's site.toml with `[feeds]` replaced by `feeds` (the lines after `[feeds]`).
fn set_feeds(site: &TestSite, feeds: &str) {
    let config = fs::read_to_string(site.path("site.toml")).expect("site.toml");
    let old = "[feeds]\nformats = [\"atom\", \"rss\", \"json\"]\nlimit = 20\n";
    assert!(config.contains(old), "the fixture's [feeds] table changed");
    site.write(
        "site.toml",
        &config.replace(old, &format!("[feeds]\n{feeds}\n")),
    );
}

fn words(el: &ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file under public/, relative to it.
fn written(site: &TestSite) -> BTreeSet<String> {
    site.snapshot("public").into_keys().collect()
}

/// Every HTML page written, except redirect stubs.
fn html_pages(site: &TestSite) -> Vec<(String, Html)> {
    written(site)
        .into_iter()
        .filter(|rel| rel.ends_with(".html"))
        .map(|rel| {
            let html = site.html(&rel);
            (rel, html)
        })
        .filter(|(_, html)| select(html, "meta[http-equiv]").is_empty())
        .collect()
}

/// The file under public/ that a link on the site points at (a folder's index.html), or None
/// for a link to another site.
fn target_file(href: &str) -> Option<String> {
    let url = absolute(href);
    let path = url.strip_prefix(BASE)?;
    let path = path.split(['#', '?']).next().unwrap_or_default();
    let path = path.trim_start_matches('/');
    Some(if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    })
}

/// The feeds listed on the updates page: (name, [(format, feed file)]), in page order.
fn listed_feeds(html: &Html) -> Vec<(String, Vec<(String, String)>)> {
    select(html, "main .feed-list > li")
        .iter()
        .map(|item| {
            let name = item
                .select(&scraper::Selector::parse(".feed-name").expect("selector"))
                .next()
                .map(|n| words(&n))
                .expect("each feed has a name");
            let links = item
                .select(&scraper::Selector::parse("a[href]").expect("selector"))
                .map(|a| {
                    let format = a
                        .text()
                        .next()
                        .map(|t| t.trim().to_string())
                        .unwrap_or_default();
                    let file = target_file(a.value().attr("href").unwrap_or_default())
                        .expect("feed links are on the site");
                    (format, file)
                })
                .collect();
            (name, links)
        })
        .collect()
}

#[test]
fn the_footer_has_one_get_updates_link_and_no_feed_jargon() {
    let site = feeds_site();
    site.build_ok(&[]);
    let pages = html_pages(&site);
    assert!(pages.len() > 10, "the fixture has many pages");
    for (rel, html) in &pages {
        let footer = select(html, "footer");
        assert_eq!(footer.len(), 1, "{rel}: one footer");
        let links: Vec<ElementRef<'_>> = footer[0]
            .select(&scraper::Selector::parse("a[href]").expect("selector"))
            .collect();
        let updates: Vec<&ElementRef<'_>> =
            links.iter().filter(|a| words(a) == "Get updates").collect();
        assert_eq!(updates.len(), 1, "{rel}: one \"Get updates\" link");
        assert_eq!(
            absolute(updates[0].value().attr("href").unwrap()),
            format!("{BASE}/updates/"),
            "{rel}"
        );
        let text = words(&footer[0]);
        for jargon in ["Atom", "RSS", "JSON", "feed"] {
            assert!(
                !text.contains(jargon),
                "{rel}: the footer says {jargon:?}: {text}"
            );
        }
        for a in &links {
            let href = a.value().attr("href").unwrap_or_default();
            assert!(
                !FEED_FILES.iter().any(|f| href.ends_with(f)),
                "{rel}: the footer links a feed file: {href}"
            );
        }
        // Feed readers still find the feeds in <head>.
        assert!(
            select(html, "head link[rel=\"alternate\"]").len() >= 3,
            "{rel}: autodiscovery links stay in <head>"
        );
    }
}

#[test]
fn the_updates_page_lists_every_feed_the_build_wrote_named_in_words() {
    let site = feeds_site();
    site.build_ok(&[]);
    let html = site.html(UPDATES);
    let listed = listed_feeds(&html);

    let written_feeds: BTreeSet<String> = written(&site)
        .into_iter()
        .filter(|rel| FEED_FILES.iter().any(|f| rel.ends_with(f)))
        .collect();
    let listed_files: BTreeSet<String> = listed
        .iter()
        .flat_map(|(_, links)| links.iter().map(|(_, file)| file.clone()))
        .collect();
    assert_eq!(
        listed_files, written_feeds,
        "the page lists exactly the feeds the build wrote"
    );

    let expected = [
        ("Everything new on this site", ""),
        ("New in “Posts”", "posts/"),
        ("New in “News”", "posts/news/"),
        ("New pages tagged “Food & Drink”", "tags/food-drink/"),
        ("New pages tagged “News”", "tags/news/"),
    ];
    let names: Vec<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        expected.map(|(name, _)| name),
        "site first, then sections, then tags"
    );
    for ((name, links), (_, dir)) in listed.iter().zip(expected) {
        let formats: Vec<(String, String)> = links.clone();
        assert_eq!(
            formats,
            [
                ("Atom".to_string(), format!("{dir}atom.xml")),
                ("RSS".to_string(), format!("{dir}rss.xml")),
                ("JSON Feed".to_string(), format!("{dir}feed.json")),
            ],
            "{name}: each format, in the configured order"
        );
    }
    // Repeated link texts ("RSS") say which feed they are to screen readers.
    for a in select(&html, "main .feed-list a") {
        assert!(
            words(&a).contains(" feed: "),
            "{:?} does not say which feed it is",
            words(&a)
        );
    }
    let main = text_of(&html, "main");
    for plain in [
        "What a feed is",
        "feed reader",
        "email",
        "Nothing is tracked",
    ] {
        assert!(main.contains(plain), "the page explains {plain:?}: {main}");
    }
    assert_eq!(text_of(&html, "h1"), "Get updates");
    assert_eq!(text_of(&html, "title"), "Get updates — Feeds Test Site");
}

#[test]
fn every_link_on_the_updates_page_resolves_to_a_written_file() {
    let site = feeds_site();
    site.build_ok(&[]);
    let files = written(&site);
    let html = site.html(UPDATES);
    let hrefs = hrefs(&html, "a[href], link[href]");
    assert!(hrefs.len() > 15, "the page links many files: {hrefs:?}");
    for href in hrefs {
        if let Some(file) = target_file(&href) {
            assert!(files.contains(&file), "{href} points at no written file");
        }
    }
}

#[test]
fn the_updates_page_is_in_the_sitemap() {
    let site = feeds_site();
    site.build_ok(&[]);
    let sitemap = site.output("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.contains(&format!("{BASE}/updates/").as_str()),
        "{locs:?}"
    );
}

/// No page, no footer link and no sitemap entry: with no feeds, with `updates_page = false`,
/// and when nothing is dated (feeds on, but no feed to list).
#[test]
fn no_updates_page_without_feeds_or_when_turned_off() {
    let no_feeds = feeds_site();
    set_feeds(&no_feeds, "formats = []");
    let turned_off = feeds_site();
    set_feeds(
        &turned_off,
        "formats = [\"atom\", \"rss\", \"json\"]\nupdates_page = false",
    );
    let undated = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\n\nHello.\n",
        ),
    ]);
    for (what, site) in [
        ("formats = []", &no_feeds),
        ("updates_page = false", &turned_off),
        ("nothing dated", &undated),
    ] {
        site.build_ok(&[]);
        let files = written(site);
        assert!(!files.contains(UPDATES), "{what}: updates page written");
        assert!(
            !site.output("sitemap.xml").contains("/updates/"),
            "{what}: /updates/ in the sitemap"
        );
        for (rel, html) in html_pages(site) {
            let links = hrefs(&html, "footer a[href]");
            assert!(
                !links.iter().any(|h| h.contains("/updates/")),
                "{what}: {rel} links to a page that is not there: {links:?}"
            );
        }
    }
    // Turning the page off keeps the feeds.
    assert!(written(&turned_off).contains("rss.xml"));
}

/// A page of the site's own at /updates/ is published there instead of hub's (no error), and
/// the footer's link leads to it.
#[test]
fn a_sites_own_updates_page_wins() {
    let site = feeds_site();
    site.write(
        "content/updates.md",
        "+++\ntitle = \"Our newsletter\"\n+++\n\nSign up at the library.\n",
    );
    site.build_ok(&[]);
    let html = site.html(UPDATES);
    assert_eq!(text_of(&html, "h1"), "Our newsletter");
    assert!(select(&html, ".feed-list").is_empty());
    let home = site.html("index.html");
    let links = hrefs(&home, "footer a[href]");
    assert!(
        links
            .iter()
            .any(|h| absolute(h) == format!("{BASE}/updates/")),
        "{links:?}"
    );
    let sitemap = site.output("sitemap.xml");
    assert_eq!(
        sitemap.matches(&format!("{BASE}/updates/")).count(),
        1,
        "/updates/ is in the sitemap once"
    );
}

#[test]
fn a_sites_templates_updates_html_replaces_the_themes() {
    let site = feeds_site();
    site.write(
        "templates/updates.html",
        "<!DOCTYPE html><html lang=\"en\"><title>Feeds</title><ol>\
         {% for g in feed_groups %}<li>{{ g.name }}: {% for l in g.links %}{{ l.format }} {% endfor %}</li>{% endfor %}\
         </ol></html>",
    );
    site.build_ok(&[]);
    let html = site.html(UPDATES);
    let items: Vec<String> = select(&html, "ol li").iter().map(words).collect();
    assert_eq!(items.len(), 5, "{items:?}");
    assert_eq!(
        items[0], "Everything new on this site: Atom RSS JSON Feed",
        "{items:?}"
    );
}

/// A static file cannot take the generated page's address: an error naming the file, and
/// nothing is written.
#[test]
fn a_static_file_at_updates_is_an_error() {
    let site = feeds_site();
    site.write("static/updates/index.html", "<p>mine</p>");
    let out = site.hub(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: static/updates/index.html: ")
            && err.contains("\"Get updates\" page")
            && err.contains("updates_page = false"),
        "the error names the static file and the page, and says what to do: {err}"
    );
    assert!(!site.path("public").exists(), "nothing was written");
}
