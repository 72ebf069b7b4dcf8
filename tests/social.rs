//! Share links and social metadata: the seven platforms' share links with exactly each
//! platform's own share address and parameters (see `assert_share_link`), percent-encoded, in the configured order, as `page.share` and as plain links
//! in the default theme; no scripts, iframes or tracking; `<head>` metadata (title,
//! description, canonical, Open Graph, Twitter card, JSON-LD); the organisation's profiles in
//! the footer with rel="me"; share configuration errors.
//!
//! Share links are decoded with the `url` crate, head metadata is read with `scraper` and
//! JSON-LD with `serde_json`.
//!
//! Fixtures:
//! - tests/fixtures/social/: all seven platforms in a non-default order, `x_handle`,
//!   `mastodon_instance`, four `[social]` profiles, `[extra] default_image`;
//!   posts/share-me/ (a bundle: title with `&`, `#`, `?`, `!`, spaces and "Café", description,
//!   date, updated, two authors, `image = "card.png"`), posts/no-desc.md (no description, a
//!   `<!-- more -->` summary, `image = "/img/x.png"`), about.md (undated, no image).
//! - tests/fixtures/social-templates/: the same share settings and page, with a site
//!   `templates/page.html` that prints `page.share`.
//! - tests/fixtures/bad-share-unknown-platform/, tests/fixtures/bad-share-mastodon-no-instance/.

mod common;

use std::collections::BTreeSet;
use std::fs;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use scraper::{ElementRef, Html};
use serde_json::Value;

const SITE_TITLE: &str = "Social Test Site";
const SHARE_TITLE: &str = "Tips & tricks: #1? Yes! Café";
const SHARE_PATH: &str = "/posts/share-me/";
const X_HANDLE: &str = "northshirecare";
const MASTODON_HOST: &str = "social.example.net";

/// The order of `[share] platforms` in the fixture's site.toml.
const ORDER: [&str; 7] = [
    "whatsapp", "email", "mastodon", "x", "bluesky", "linkedin", "facebook",
];

/// `[social]` in the fixture's site.toml.
const PROFILES: [&str; 4] = [
    "https://www.facebook.com/northshirecare",
    "https://x.com/northshirecare",
    "https://www.linkedin.com/company/northshire-council",
    "https://social.example.net/@northshire",
];

/// The fixture, built once for all the tests that only read it.
fn built() -> &'static TestSite {
    TestSite::shared_build("social")
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn element_text(el: &ElementRef<'_>) -> String {
    normalise(&el.text().collect::<String>())
}

/// Every HTML file under public/, relative to public/.
fn all_html_files(site: &TestSite) -> Vec<String> {
    site.snapshot("public")
        .into_keys()
        .filter(|rel| rel.ends_with(".html"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Share links

/// Which platform a share link is for, from where it points.
fn platform_of(href: &str) -> &'static str {
    let parsed = url::Url::parse(href).unwrap_or_else(|e| panic!("share link {href}: {e}"));
    if parsed.scheme() == "mailto" {
        return "email";
    }
    match parsed.host_str() {
        Some("www.facebook.com") => "facebook",
        Some("x.com") => "x",
        Some("www.linkedin.com") => "linkedin",
        Some(MASTODON_HOST) => "mastodon",
        Some("bsky.app") => "bluesky",
        Some("wa.me") => "whatsapp",
        other => panic!("share link {href} points at an unknown host {other:?}"),
    }
}

/// The query of a share link, decoded, as ordered (key, value) pairs.
fn query(parsed: &url::Url) -> Vec<(String, String)> {
    parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Checks one share link against each platform's share address and parameters, for a page at `permalink` titled `title`.
fn assert_share_link(platform: &str, href: &str, permalink: &str, title: &str) {
    let parsed = url::Url::parse(href).unwrap_or_else(|e| panic!("{platform}: {href}: {e}"));
    assert!(
        parsed.fragment().is_none(),
        "{platform}: {href} has a fragment: unencoded '#'?"
    );
    let q = query(&parsed);
    let both = format!("{title} {permalink}");
    let (scheme, host, path, want) = match platform {
        "facebook" => (
            "https",
            "www.facebook.com",
            "/sharer/sharer.php",
            pairs(&[("u", permalink)]),
        ),
        "x" => (
            "https",
            "x.com",
            "/intent/tweet",
            pairs(&[("url", permalink), ("text", title), ("via", X_HANDLE)]),
        ),
        "linkedin" => (
            "https",
            "www.linkedin.com",
            "/sharing/share-offsite/",
            pairs(&[("url", permalink)]),
        ),
        "mastodon" => ("https", MASTODON_HOST, "/share", pairs(&[("text", &both)])),
        "bluesky" => (
            "https",
            "bsky.app",
            "/intent/compose",
            pairs(&[("text", &both)]),
        ),
        "whatsapp" => ("https", "wa.me", "/", pairs(&[("text", &both)])),
        "email" => (
            "mailto",
            "",
            "",
            pairs(&[("subject", title), ("body", permalink)]),
        ),
        other => panic!("unknown platform {other}"),
    };
    assert_eq!(parsed.scheme(), scheme, "{platform}: {href}");
    assert_eq!(parsed.host_str().unwrap_or(""), host, "{platform}: {href}");
    assert_eq!(parsed.path(), path, "{platform}: {href}");
    // Exactly these parameters, in the table's order: nothing else (no tracking).
    assert_eq!(q, want, "{platform}: parameters of {href}");
}

/// The default theme's share links of a page: (platform, href, visible text).
fn share_links(html: &Html, page: &str) -> Vec<(String, String, String)> {
    let navs = select(html, "nav[aria-label=\"Share this page\"]");
    assert_eq!(navs.len(), 1, "{page}: expected one share <nav>");
    let selector = scraper::Selector::parse("a").unwrap();
    navs[0]
        .select(&selector)
        .map(|a| {
            let href = a
                .value()
                .attr("href")
                .unwrap_or_else(|| panic!("{page}: share link without href"))
                .to_string();
            (platform_of(&href).to_string(), href, element_text(&a))
        })
        .collect()
}

#[test]
fn share_links_are_plain_links_in_the_configured_order_with_visible_labels() {
    let site = built();
    let html = site.html("posts/share-me/index.html");
    let links = share_links(&html, "posts/share-me");
    let platforms: Vec<&str> = links.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(platforms, ORDER);
    let mut labels = BTreeSet::new();
    for (platform, _, text) in &links {
        assert!(
            !text.is_empty(),
            "{platform}: the share link has no visible text"
        );
        assert!(labels.insert(text.clone()), "two share links read {text:?}");
    }
    let nav = &select(&html, "nav[aria-label=\"Share this page\"]")[0];
    for tag in ["img", "svg", "iframe", "script", "[aria-hidden=\"true\"]"] {
        let selector = scraper::Selector::parse(tag).unwrap();
        assert_eq!(
            nav.select(&selector).count(),
            0,
            "the share nav contains {tag}"
        );
    }
}

#[test]
fn share_links_decode_to_the_pages_permalink_and_title() {
    let site = built();
    let html = site.html("posts/share-me/index.html");
    for (platform, href, _) in share_links(&html, "posts/share-me") {
        assert_share_link(&platform, &href, &url(SHARE_PATH), SHARE_TITLE);
    }
}

#[test]
fn every_page_gets_its_own_share_links() {
    let site = built();
    for (file, path, title) in [
        (
            "posts/no-desc/index.html",
            "/posts/no-desc/",
            "A post without a description",
        ),
        ("about/index.html", "/about/", "About us"),
    ] {
        let html = site.html(file);
        let links = share_links(&html, file);
        let platforms: Vec<&str> = links.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(platforms, ORDER, "{file}");
        for (platform, href, _) in links {
            assert_share_link(&platform, &href, &url(path), title);
        }
    }
}

#[test]
fn no_page_has_a_script_an_iframe_or_a_third_party_image() {
    let site = built();
    let files = all_html_files(site);
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let html = site.html(&file);
        assert_eq!(select(&html, "iframe").len(), 0, "{file} has an <iframe>");
        assert_eq!(
            select(&html, "object, embed").len(),
            0,
            "{file} embeds an object"
        );
        for script in select(&html, "script") {
            // The only scripts that run are the theme's own search scripts, from this site
            // (search-box.js points the header's box at the search page); the rest is data.
            if let Some(src) = script.value().attr("src") {
                let own = [format!("{BASE}/search-box.js"), format!("{BASE}/search.js")];
                assert!(own.contains(&absolute(src)), "{file}: <script src={src}>");
                continue;
            }
            assert_eq!(
                script.value().attr("type"),
                Some("application/ld+json"),
                "{file} has an executable <script>"
            );
        }
        for img in select(&html, "img") {
            let src = absolute(img.value().attr("src").unwrap_or_default());
            assert!(
                src.starts_with(BASE) || !src.contains("://"),
                "{file} loads an image from another host: {src}"
            );
        }
        // Nothing is loaded from another host (stylesheets, icons, preconnects).
        for link in select(&html, "head link[href]") {
            let rel = link.value().attr("rel").unwrap_or_default();
            if rel == "canonical" || rel == "alternate" || rel == "me" {
                continue;
            }
            let href = absolute(link.value().attr("href").unwrap());
            assert!(
                href.starts_with(BASE),
                "{file}: <link rel={rel:?}> loads {href}"
            );
        }
    }
}

#[test]
fn templates_see_the_same_share_list_as_page_share() {
    let theme = built();
    let default_links = share_links(&theme.html("posts/share-me/index.html"), "posts/share-me");

    let site = TestSite::fixture("social-templates");
    site.build_ok(&[]);
    let html = site.html("posts/share-me/index.html");
    let items = select(&html, "#share li");
    let listed: Vec<(String, String)> = items
        .iter()
        .map(|li| {
            let text = li.text().collect::<String>();
            let (platform, href) = text
                .split_once('|')
                .unwrap_or_else(|| panic!("not platform|url: {text:?}"));
            (platform.to_string(), href.to_string())
        })
        .collect();
    let platforms: Vec<&str> = listed.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(platforms, ORDER, "page.share platforms");
    for (li, (platform, href)) in items.iter().zip(&listed) {
        assert_eq!(platform_of(href), platform, "{href}");
        assert_share_link(platform, href, &url(SHARE_PATH), SHARE_TITLE);
        let label = li.value().attr("data-label").unwrap_or_default();
        assert!(
            !label.trim().is_empty(),
            "{platform}: page.share label is empty"
        );
    }
    // The default theme shows the very same list.
    let shown: Vec<(String, String)> = default_links
        .into_iter()
        .map(|(platform, href, _)| (platform, href))
        .collect();
    assert_eq!(listed, shown);
}

#[test]
fn an_unknown_share_platform_is_an_error_that_lists_the_known_ones() {
    let site = TestSite::fixture("bad-share-unknown-platform");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:5");
    let err = stderr(&out);
    assert!(
        err.contains("myspace"),
        "the message names the bad value:\n{err}"
    );
    for known in ORDER {
        assert!(
            err.contains(&format!("`{known}`")) || err.contains(&format!("\"{known}\"")),
            "the message lists the known platform {known}:\n{err}"
        );
    }
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
}

#[test]
fn mastodon_without_an_instance_is_an_error() {
    let site = TestSite::fixture("bad-share-mastodon-no-instance");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:5");
    let err = stderr(&out);
    assert!(
        err.contains("mastodon") && err.contains("mastodon_instance"),
        "the message says mastodon needs mastodon_instance:\n{err}"
    );
    assert!(
        !site.path("public").exists(),
        "a failed build wrote public/"
    );
}

// ---------------------------------------------------------------------------------------------
// <head> metadata

fn meta(html: &Html, attr: &str, name: &str) -> Option<String> {
    let found = select(html, &format!("head meta[{attr}=\"{name}\"]"));
    assert!(
        found.len() <= 1,
        "{} <meta {attr}={name:?}> tags",
        found.len()
    );
    found
        .first()
        .map(|m| m.value().attr("content").unwrap_or_default().to_string())
}

fn og(html: &Html, name: &str) -> Option<String> {
    meta(html, "property", &format!("og:{name}"))
}

fn twitter(html: &Html, name: &str) -> Option<String> {
    meta(html, "name", &format!("twitter:{name}"))
}

fn canonical(html: &Html) -> Vec<String> {
    hrefs(html, "head link[rel=\"canonical\"]")
}

/// Every JSON-LD object of a page: each script parsed as JSON, arrays and `@graph` flattened.
fn json_ld(html: &Html, page: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for script in select(html, "script[type=\"application/ld+json\"]") {
        let text = script.text().collect::<String>();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{page}: JSON-LD is not JSON ({e}): {text}"));
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(list) => stack.extend(list),
                Value::Object(ref map) => {
                    if let Some(graph) = map.get("@graph") {
                        stack.push(graph.clone());
                    }
                    if map.contains_key("@type") {
                        items.push(v);
                    }
                }
                _ => {}
            }
        }
    }
    items
}

fn has_type(item: &Value, wanted: &str) -> bool {
    match &item["@type"] {
        Value::String(t) => t == wanted,
        Value::Array(list) => list.iter().any(|t| t == wanted),
        _ => false,
    }
}

fn of_type<'a>(items: &'a [Value], wanted: &str, page: &str) -> &'a Value {
    items
        .iter()
        .find(|i| has_type(i, wanted))
        .unwrap_or_else(|| panic!("{page}: no JSON-LD {wanted} in {items:?}"))
}

fn names(value: &Value) -> Vec<String> {
    match value {
        Value::Array(list) => list.iter().flat_map(names).collect(),
        Value::Object(map) => map
            .get("name")
            .and_then(Value::as_str)
            .map(|n| vec![n.to_string()])
            .unwrap_or_default(),
        Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

fn instant(value: &Value, what: &str) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap()))
        })
        .unwrap_or_else(|e| panic!("{what} {text:?} is not an ISO 8601 date: {e}"))
}

#[test]
fn a_dated_post_has_title_description_canonical_open_graph_and_twitter_tags() {
    let site = built();
    let html = site.html("posts/share-me/index.html");
    let permalink = url(SHARE_PATH);
    let title = text_of(&html, "head title");
    assert!(title.contains(SHARE_TITLE), "<title> {title:?}");
    let description = "A post about sharing things safely";
    assert_eq!(
        meta(&html, "name", "description").as_deref(),
        Some(description)
    );
    assert_eq!(canonical(&html), std::slice::from_ref(&permalink));
    assert_eq!(og(&html, "title").as_deref(), Some(SHARE_TITLE));
    assert_eq!(og(&html, "description").as_deref(), Some(description));
    assert_eq!(og(&html, "url"), Some(permalink));
    assert_eq!(og(&html, "type").as_deref(), Some("article"));
    assert_eq!(og(&html, "site_name").as_deref(), Some(SITE_TITLE));
    assert_eq!(og(&html, "image"), Some(url("/posts/share-me/card.png")));
    assert!(site.path("public/posts/share-me/card.png").is_file());
    assert_eq!(
        twitter(&html, "card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(twitter(&html, "site"), Some(format!("@{X_HANDLE}")));
}

#[test]
fn the_description_falls_back_to_the_summary_and_a_root_image_is_absolute() {
    let site = built();
    let html = site.html("posts/no-desc/index.html");
    let summary = "A short summary with emphasis and plain words.";
    assert_eq!(meta(&html, "name", "description").as_deref(), Some(summary));
    assert_eq!(og(&html, "description").as_deref(), Some(summary));
    assert_eq!(canonical(&html), [url("/posts/no-desc/")]);
    assert_eq!(og(&html, "url"), Some(url("/posts/no-desc/")));
    assert_eq!(og(&html, "image"), Some(url("/img/x.png")));
    assert!(site.path("public/img/x.png").is_file());
    assert_eq!(
        twitter(&html, "card").as_deref(),
        Some("summary_large_image")
    );
}

#[test]
fn a_page_without_an_image_uses_the_sites_default_image() {
    let site = built();
    let html = site.html("about/index.html");
    assert_eq!(og(&html, "image"), Some(url("/img/default-card.png")));
    assert_eq!(
        twitter(&html, "card").as_deref(),
        Some("summary_large_image")
    );
    assert_ne!(
        og(&html, "type").as_deref(),
        Some("article"),
        "about is not dated"
    );
    assert_eq!(
        meta(&html, "name", "description").as_deref(),
        Some("Who we are")
    );
}

#[test]
fn without_any_image_the_twitter_card_is_summary() {
    let site = TestSite::fixture("social");
    let config = fs::read_to_string(site.path("site.toml")).unwrap();
    let (without_extra, _) = config.split_once("[extra]").expect("fixture has [extra]");
    // No default image, and no share cards (tests/share_cards.rs has them).
    site.write(
        "site.toml",
        &format!("{without_extra}\n[cards]\nenabled = false\n"),
    );
    site.build_ok(&[]);
    let html = site.html("about/index.html");
    assert_eq!(og(&html, "image"), None, "no image, no og:image");
    assert_eq!(twitter(&html, "card").as_deref(), Some("summary"));
    assert_eq!(twitter(&html, "site"), Some(format!("@{X_HANDLE}")));
    // A page's own image still makes a large card.
    let post = site.html("posts/share-me/index.html");
    assert_eq!(
        twitter(&post, "card").as_deref(),
        Some("summary_large_image")
    );
}

#[test]
fn every_page_has_the_head_metadata() {
    let site = built();
    for (file, path) in [
        ("index.html", "/"),
        ("about/index.html", "/about/"),
        ("posts/index.html", "/posts/"),
        ("posts/share-me/index.html", SHARE_PATH),
        ("posts/no-desc/index.html", "/posts/no-desc/"),
    ] {
        let html = site.html(file);
        assert!(!text_of(&html, "head title").is_empty(), "{file}: <title>");
        let description = meta(&html, "name", "description").unwrap_or_default();
        assert!(!description.trim().is_empty(), "{file}: meta description");
        assert_eq!(canonical(&html), [url(path)], "{file}: canonical");
        assert_eq!(og(&html, "url"), Some(url(path)), "{file}: og:url");
        for name in ["title", "description", "type", "site_name"] {
            assert!(
                og(&html, name).is_some_and(|v| !v.trim().is_empty()),
                "{file}: og:{name}"
            );
        }
        assert_eq!(
            og(&html, "site_name").as_deref(),
            Some(SITE_TITLE),
            "{file}"
        );
        let image = og(&html, "image").unwrap_or_else(|| panic!("{file}: og:image"));
        assert!(
            url::Url::parse(&image).is_ok_and(|u| u.scheme() == "https"),
            "{file}: og:image {image} is not absolute"
        );
        assert!(twitter(&html, "card").is_some(), "{file}: twitter:card");
        assert_eq!(
            twitter(&html, "site"),
            Some(format!("@{X_HANDLE}")),
            "{file}"
        );
        assert!(!json_ld(&html, file).is_empty(), "{file}: no JSON-LD");
    }
}

#[test]
fn dated_pages_have_an_article_in_json_ld() {
    let site = built();
    let html = site.html("posts/share-me/index.html");
    let items = json_ld(&html, "posts/share-me");
    let article = of_type(&items, "Article", "posts/share-me");
    assert_eq!(article["headline"], SHARE_TITLE);
    assert_eq!(
        instant(&article["datePublished"], "datePublished"),
        Utc.with_ymd_and_hms(2026, 3, 10, 8, 30, 0).unwrap()
    );
    assert_eq!(
        instant(&article["dateModified"], "dateModified"),
        Utc.with_ymd_and_hms(2026, 4, 2, 9, 0, 0).unwrap()
    );
    assert_eq!(names(&article["author"]), ["Ada Lovelace", "Grace Hopper"]);
    if !article["image"].is_null() {
        let images: Vec<String> = match &article["image"] {
            Value::Array(list) => list
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Value::String(s) => vec![s.clone()],
            other => vec![other["url"].as_str().unwrap_or_default().to_string()],
        };
        assert!(
            images.contains(&url("/posts/share-me/card.png")),
            "{images:?}"
        );
    }

    let html = site.html("posts/no-desc/index.html");
    let items = json_ld(&html, "posts/no-desc");
    let article = of_type(&items, "Article", "posts/no-desc");
    assert_eq!(article["headline"], "A post without a description");
    assert_eq!(
        instant(&article["datePublished"], "datePublished").date_naive(),
        chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
    );
    assert!(!article["dateModified"].is_null(), "no dateModified");
    assert!(
        !names(&article["author"]).is_empty(),
        "the Article has no author"
    );
}

#[test]
fn the_home_page_has_an_organization_with_same_as_and_a_website() {
    let site = built();
    let html = site.html("index.html");
    let items = json_ld(&html, "index.html");
    let org = of_type(&items, "Organization", "index.html");
    let same_as: BTreeSet<String> = org["sameAs"]
        .as_array()
        .unwrap_or_else(|| panic!("Organization has no sameAs list: {org}"))
        .iter()
        .map(|v| v.as_str().expect("sameAs entries are URLs").to_string())
        .collect();
    let profiles: BTreeSet<String> = PROFILES.iter().map(|p| p.to_string()).collect();
    assert_eq!(same_as, profiles);
    assert!(!names(org).is_empty(), "the Organization has no name");
    let website = of_type(&items, "WebSite", "index.html");
    assert_eq!(website["url"], url("/"));
    assert_eq!(canonical(&html), [url("/")]);
}

#[test]
fn an_undated_page_is_a_web_page_in_json_ld() {
    let site = built();
    let html = site.html("about/index.html");
    let items = json_ld(&html, "about");
    assert!(
        items.iter().all(|i| !has_type(i, "Article")),
        "an undated page is not an Article: {items:?}"
    );
    let page = of_type(&items, "WebPage", "about");
    assert_eq!(page["url"], url("/about/"));
}

// ---------------------------------------------------------------------------------------------
// The organisation's own profiles

#[test]
fn the_footer_links_the_organisations_profiles_with_rel_me() {
    let site = built();
    for file in [
        "index.html",
        "about/index.html",
        "posts/index.html",
        "posts/share-me/index.html",
    ] {
        let html = site.html(file);
        let links = select(&html, "footer a[rel~=\"me\"]");
        let found: BTreeSet<String> = links
            .iter()
            .map(|a| a.value().attr("href").unwrap_or_default().to_string())
            .collect();
        let profiles: BTreeSet<String> = PROFILES.iter().map(|p| p.to_string()).collect();
        assert_eq!(found, profiles, "{file}: footer rel=\"me\" links");
        assert_eq!(links.len(), PROFILES.len(), "{file}: each profile once");
        for a in links {
            assert!(
                !element_text(&a).is_empty(),
                "{file}: a profile link has no text"
            );
        }
    }
}
