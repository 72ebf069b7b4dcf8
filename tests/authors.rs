//! People: data/authors.toml, pages naming them by key, profile pages at /authors/<key>/ with
//! their pages and feeds, `ProfilePage`/`Person` JSON-LD, "Our people" on the home page and
//! the organisation's `member`s, bylines that link to profiles, the privacy gate reading the
//! file, and every kind of bad input (unknown key, bad profile, missing name, wrong type,
//! missing photo) as an error with file:line:col that leaves the output folder as it was.
//!
//! Fixture: tests/fixtures/authors/ (site.toml author "Testshire Council"):
//!
//! | page                 | date       | authors                   |
//! | -------------------- | ---------- | ------------------------- |
//! | posts/newer.md       | 2026-02-20 | comms, ada-lovelace       |
//! | posts/older.md       | 2026-01-10 | ada-lovelace              |
//! | posts/nobody.md      | 2026-01-01 | none                      |
//! | posts/undated.md     | none       | comms                     |
//!
//! data/authors.toml: `ada-lovelace` (role, photo /people/ada.svg, Markdown bio, LinkedIn,
//! Mastodon handle, Bluesky handle) and `comms` (a team, with a website).

mod common;

use common::*;
use feed_rs::model::Feed;
use scraper::Html;
use serde_json::Value;

const ADA: &str = "https://hub.example.org/authors/ada-lovelace/";
const COMMS: &str = "https://hub.example.org/authors/comms/";

fn built() -> &'static TestSite {
    TestSite::shared_build("authors")
}

fn json_ld(html: &Html) -> Value {
    let text = text_of(html, "script[type=\"application/ld+json\"]");
    serde_json::from_str(&text).expect("JSON-LD is JSON")
}

fn feed(site: &TestSite, rel: &str) -> Feed {
    feed_rs::parser::parse(site.output(rel).as_bytes())
        .unwrap_or_else(|e| panic!("{rel} is not a valid feed: {e}"))
}

fn entry_titles(feed: &Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.as_ref().expect("entry title").content.clone())
        .collect()
}

fn texts(html: &Html, selector: &str) -> Vec<String> {
    select(html, selector)
        .iter()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn a_profile_page_shows_the_person_and_their_pages_newest_first() {
    let html = built().html("authors/ada-lovelace/index.html");
    assert_eq!(text_of(&html, "h1"), "Ada Lovelace");
    assert_eq!(text_of(&html, ".profile .role"), "Head of Service");
    let photo = select(&html, ".profile-header img");
    assert_eq!(
        photo[0].value().attr("src"),
        Some("https://hub.example.org/people/ada.svg")
    );
    assert_eq!(photo[0].value().attr("alt"), Some("Photo of Ada Lovelace"));
    assert_eq!(text_of(&html, ".profile .prose em"), "likes");
    assert_eq!(
        hrefs(&html, ".profile-links a"),
        [
            "https://www.linkedin.com/in/example-ada",
            "https://social.example.org/@ada",
            "https://bsky.app/profile/ada.example.org",
        ]
    );
    assert_eq!(
        texts(&html, ".profile-links a"),
        [
            "Ada Lovelace on LinkedIn",
            "Ada Lovelace on Mastodon",
            "Ada Lovelace on Bluesky"
        ],
        "each link's name says whose profile it is"
    );
    assert_eq!(texts(&html, ".page-list h3"), ["Newer post", "Older post"]);
    let feeds = hrefs(&html, ".feed-links a[type]");
    assert_eq!(
        feeds,
        [
            format!("{ADA}atom.xml"),
            format!("{ADA}rss.xml"),
            format!("{ADA}feed.json")
        ]
    );
    let head_feeds = hrefs(&html, "link[rel=alternate]");
    assert!(
        head_feeds.contains(&format!("{ADA}atom.xml")),
        "{head_feeds:?}"
    );
    assert_eq!(text_of(&html, "title"), "Ada Lovelace — People Test");
}

#[test]
fn profile_json_ld_is_a_person_with_their_profiles_as_same_as() {
    let data = json_ld(&built().html("authors/ada-lovelace/index.html"));
    assert_eq!(data["@type"], "ProfilePage");
    let person = &data["mainEntity"];
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["name"], "Ada Lovelace");
    assert_eq!(person["jobTitle"], "Head of Service");
    assert_eq!(person["url"], ADA);
    assert_eq!(person["image"], "https://hub.example.org/people/ada.svg");
    assert_eq!(
        person["sameAs"],
        serde_json::json!([
            "https://www.linkedin.com/in/example-ada",
            "https://social.example.org/@ada",
            "https://bsky.app/profile/ada.example.org"
        ])
    );
    let team = json_ld(&built().html("authors/comms/index.html"));
    assert_eq!(team["mainEntity"]["@type"], "Organization", "a team");
    assert_eq!(
        team["mainEntity"]["sameAs"],
        serde_json::json!(["https://www.example.org/comms"])
    );
}

#[test]
fn each_person_has_feeds_in_every_configured_format() {
    let site = built();
    for rel in [
        "authors/ada-lovelace/atom.xml",
        "authors/ada-lovelace/rss.xml",
        "authors/ada-lovelace/feed.json",
    ] {
        let feed = feed(site, rel);
        assert_eq!(entry_titles(&feed), ["Newer post", "Older post"], "{rel}");
        let names: Vec<&str> = feed.entries[0]
            .authors
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["Comms Team", "Ada Lovelace"], "{rel}");
    }
    let atom = feed(site, "authors/ada-lovelace/atom.xml");
    assert_eq!(atom.entries[0].authors[1].uri.as_deref(), Some(ADA));
    let json: Value = serde_json::from_str(&site.output("authors/ada-lovelace/feed.json")).unwrap();
    assert_eq!(json["items"][0]["authors"][0]["url"], COMMS);
    // Undated pages are in no feed.
    assert_eq!(
        entry_titles(&feed(site, "authors/comms/atom.xml")),
        ["Newer post"]
    );
    // The site's feed names people by name too, not by key.
    let site_feed = feed(site, "atom.xml");
    let newer = &site_feed.entries[0];
    assert_eq!(newer.authors[0].name, "Comms Team");
    // Pages without authors keep the site's author.
    let nobody = site_feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "Nobody's post")
        .unwrap();
    assert_eq!(nobody.authors[0].name, "Testshire Council");
}

#[test]
fn the_home_page_lists_the_people_and_the_organisation_has_them_as_members() {
    let html = built().html("index.html");
    assert_eq!(text_of(&html, "#our-people"), "Our people");
    assert_eq!(hrefs(&html, ".people .person-name a"), [ADA, COMMS]);
    assert_eq!(
        texts(&html, ".people .role"),
        ["Head of Service", "Runs our accounts"]
    );
    let data = json_ld(&html);
    let organisation = &data["@graph"][0];
    assert_eq!(organisation["@type"], "Organization");
    assert_eq!(
        organisation["sameAs"],
        serde_json::json!([
            "https://www.facebook.com/testshire",
            "https://x.com/testshire"
        ])
    );
    let members: Vec<&str> = organisation["member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["url"].as_str().unwrap())
        .collect();
    assert_eq!(members, [ADA, COMMS]);
}

#[test]
fn bylines_link_to_profiles_and_articles_name_people() {
    let html = built().html("posts/newer/index.html");
    assert_eq!(hrefs(&html, ".page > .meta a"), [COMMS, ADA]);
    assert_eq!(
        text_of(&html, ".page > .meta span"),
        "By Comms Team and Ada Lovelace"
    );
    let article = json_ld(&html);
    assert_eq!(article["@type"], "Article");
    assert_eq!(article["author"][0]["@type"], "Organization");
    assert_eq!(article["author"][1]["name"], "Ada Lovelace");
    assert_eq!(article["author"][1]["url"], ADA);
    // Listings show names, not keys.
    let posts = built().html("posts/index.html");
    assert!(texts(&posts, ".page-list .meta span").contains(&"By Ada Lovelace".to_string()));
}

#[test]
fn the_people_page_and_profiles_are_in_the_sitemap() {
    let html = built().html("authors/index.html");
    assert_eq!(text_of(&html, "h1"), "Our people");
    assert_eq!(hrefs(&html, ".people .person-name a"), [ADA, COMMS]);
    let sitemap = built().output("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap is XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for url in ["https://hub.example.org/authors/", ADA, COMMS] {
        assert!(locs.contains(&url), "{url} not in {locs:?}");
    }
}

/// The fixture, built once, then broken by `path` = `text`: the build must fail with
/// `location` and every one of `words` in its output, and leave public/ as it was.
fn assert_bad(path: &str, text: &str, location: &str, words: &[&str]) {
    let site = TestSite::fixture("authors");
    site.build_ok(&[]);
    let before = site.snapshot("public");
    site.write(path, text);
    let out = site.hub(&["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    for word in words {
        assert!(err.contains(word), "expected {word:?} in:\n{err}");
    }
    assert_eq!(site.snapshot("public"), before, "the output folder changed");
}

const OLDER: &str =
    "+++\ntitle = \"Older post\"\ndate = 2026-01-10\nauthors = [\"ada-lovelac\"]\n+++\nText.\n";

#[test]
fn an_unknown_key_names_the_line_the_closest_key_and_the_known_ones() {
    assert_bad(
        "content/posts/older.md",
        OLDER,
        "content/posts/older.md:4:13: unknown author \"ada-lovelac\"",
        &[
            "did you mean \"ada-lovelace\"?",
            "\"ada-lovelace\", \"comms\"",
        ],
    );
}

#[test]
fn a_name_where_a_key_belongs_is_told_the_key() {
    assert_bad(
        "content/posts/older.md",
        "+++\ntitle = \"Older post\"\nauthors = [\n  \"comms\",\n  \"Ada Lovelace\",\n]\n+++\nText.\n",
        "content/posts/older.md:5:4: unknown author \"Ada Lovelace\"",
        &["write \"ada-lovelace\" for Ada Lovelace"],
    );
}

const PERSON: &str = "[ada-lovelace]\nname = \"Ada Lovelace\"\n";

#[test]
fn a_profile_that_is_not_an_https_address_is_an_error() {
    assert_bad(
        "data/authors.toml",
        &format!("{PERSON}[ada-lovelace.profiles]\nlinkedin = \"linkedin.com/in/ada\"\n"),
        "data/authors.toml:4:12: the LinkedIn profile of [ada-lovelace] is not a full https:// address",
        &["https://www.linkedin.com/in/your-name"],
    );
    assert_bad(
        "data/authors.toml",
        &format!("{PERSON}[ada-lovelace.profiles]\nmastodon = \"@ada\"\n"),
        "data/authors.toml:4:12: the Mastodon profile of [ada-lovelace] is neither a handle",
        &["@name@mastodon.social"],
    );
}

#[test]
fn a_missing_name_a_wrong_type_and_an_unknown_field_are_errors() {
    assert_bad(
        "data/authors.toml",
        "[ada-lovelace]\nrole = \"Head\"\n[comms]\nname = \"Comms\"\n",
        "data/authors.toml:1:2: [ada-lovelace] has no `name`",
        &["name = \""],
    );
    assert_bad(
        "data/authors.toml",
        "[ada-lovelace]\nname = 3\n",
        "data/authors.toml:2:8: invalid type: integer `3`, expected a string",
        &["\"quotes\""],
    );
    assert_bad(
        "data/authors.toml",
        "[ada-lovelace]\nname = \"Ada\"\nbiography = \"x\"\n",
        "data/authors.toml:3:1: unknown field `biography`",
        &["`bio`"],
    );
}

#[test]
fn a_photo_that_does_not_exist_is_an_error() {
    assert_bad(
        "data/authors.toml",
        &format!("{PERSON}photo = \"/people/adda.svg\"\n"),
        "data/authors.toml:3:9: the photo of [ada-lovelace] \"/people/adda.svg\" is not a file of the site",
        &["static/people/adda.svg"],
    );
}

#[test]
fn the_privacy_gate_reads_the_bios() {
    assert_bad(
        "data/authors.toml",
        &format!("{PERSON}bio = \"Call Ada on 07700 800123.\"\n[comms]\nname = \"Comms Team\"\n"),
        "data/authors.toml:3:20",
        &["privacy/phone"],
    );
}

#[test]
fn without_data_authors_toml_authors_are_names_as_before() {
    let site = TestSite::fixture("authors");
    std::fs::remove_file(site.path("data/authors.toml")).unwrap();
    site.write(
        "content/posts/newer.md",
        "+++\ntitle = \"Newer post\"\ndate = 2026-02-20\nauthors = [\"Comms Team\", \"Ada Lovelace\"]\n+++\nText.\n",
    );
    site.build_ok(&[]);
    let html = site.html("posts/newer/index.html");
    assert!(select(&html, ".page > .meta a").is_empty(), "no links");
    assert_eq!(
        text_of(&html, ".page > .meta span"),
        "By Comms Team and Ada Lovelace"
    );
    let article = json_ld(&html);
    assert_eq!(
        article["author"],
        serde_json::json!([
            { "@type": "Person", "name": "Comms Team" },
            { "@type": "Person", "name": "Ada Lovelace" }
        ])
    );
    // Keys are free names here: "ada-lovelace" is published as written.
    assert_eq!(
        text_of(&site.html("posts/older/index.html"), ".page > .meta span"),
        "By ada-lovelace"
    );
    assert!(!site.path("public/authors").exists());
    assert!(!site.output("sitemap.xml").contains("/authors/"));
    let home = site.html("index.html");
    assert!(select(&home, "#our-people").is_empty());
    assert!(json_ld(&home)["@graph"][0].get("member").is_none());
    let atom = feed(&site, "atom.xml");
    assert_eq!(atom.entries[0].authors[1].name, "Ada Lovelace");
    assert_eq!(atom.entries[0].authors[1].uri, None);
}
