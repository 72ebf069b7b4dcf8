//! Where `hub build` writes things: every row of the URL table in docs/content.md, slugs, nested
//! sections, page bundles, drafts, the summary line, sitemap.xml, robots.txt, 404.html, alias
//! redirects, static files, `--base-url` and `-o`.
//!
//! Fixture: tests/fixtures/urls/.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use scraper::Html;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Builds the `urls` fixture into its own public/ and returns the site.
fn built() -> TestSite {
    let site = TestSite::fixture("urls");
    site.build_ok(&[]);
    site
}

/// The target URL of a `<meta http-equiv="refresh" content="0; url=...">`.
fn refresh_target(html: &Html) -> String {
    let metas = select(html, "meta[http-equiv]");
    let meta = metas
        .iter()
        .find(|m| {
            m.value()
                .attr("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        })
        .expect("a <meta http-equiv=\"refresh\">");
    let content = meta.value().attr("content").expect("refresh has content");
    let (_, after) = content
        .split_once(';')
        .unwrap_or_else(|| panic!("refresh content without url: {content:?}"));
    let after = after.trim();
    let (key, target) = after
        .split_once('=')
        .unwrap_or_else(|| panic!("refresh content without url=: {content:?}"));
    assert!(
        key.trim().eq_ignore_ascii_case("url"),
        "refresh content without url=: {content:?}"
    );
    target
        .trim()
        .trim_matches(|c| c == '\'' || c == '"')
        .to_string()
}

fn canonical(html: &Html) -> String {
    let links = hrefs(html, "link[rel=canonical]");
    assert_eq!(
        links.len(),
        1,
        "expected exactly one canonical link, got {links:?}"
    );
    links[0].clone()
}

fn h1(html: &Html) -> String {
    text_of(html, "h1")
}

fn exists(site: &TestSite, rel: &str) -> bool {
    site.path("public").join(rel).is_file()
}

// ---------------------------------------------------------------------------------------------
// The URL table

#[test]
fn home_section_writes_root_index() {
    let site = built();
    let html = site.html("index.html");
    assert_eq!(canonical(&html), format!("{BASE}/"));
    assert_eq!(h1(&html), "Welcome");
}

#[test]
fn section_writes_its_index_html() {
    let site = built();
    let html = site.html("tips/index.html");
    assert_eq!(h1(&html), "Tips");
    assert_eq!(canonical(&html), format!("{BASE}/tips/"));
}

#[test]
fn page_writes_folder_with_index_html() {
    let site = built();
    let html = site.html("tips/follow-thirty/index.html");
    assert_eq!(h1(&html), "Follow the thirty-second rule");
    assert_eq!(canonical(&html), format!("{BASE}/tips/follow-thirty/"));
    assert!(
        !exists(&site, "tips/follow-thirty.html"),
        "pages are folders with index.html, not .html files"
    );
}

#[test]
fn paginated_section_first_page_lists_newest_two() {
    let site = built();
    let html = site.html("posts/index.html");
    assert_eq!(
        listed_pages(&html, "/posts/"),
        [
            format!("{BASE}/posts/post-5/"),
            format!("{BASE}/posts/post-4/")
        ]
    );
}

#[test]
fn paginated_section_writes_page_two() {
    let site = built();
    let html = site.html("posts/page/2/index.html");
    assert_eq!(h1(&html), "Posts");
    assert_eq!(
        listed_pages(&html, "/posts/"),
        [
            format!("{BASE}/posts/post-3/"),
            format!("{BASE}/posts/post-2/")
        ]
    );
    assert_eq!(canonical(&html), format!("{BASE}/posts/page/2/"));
}

#[test]
fn paginated_section_writes_last_page_with_the_remainder() {
    let site = built();
    let html = site.html("posts/page/3/index.html");
    assert_eq!(
        listed_pages(&html, "/posts/"),
        [format!("{BASE}/posts/post-1/")]
    );
    assert!(
        !exists(&site, "posts/page/4/index.html"),
        "5 posts at 2 a page make 3 pages, not 4"
    );
}

#[test]
fn paginated_section_page_one_redirects_to_section() {
    let site = built();
    let html = site.html("posts/page/1/index.html");
    assert_eq!(absolute(&refresh_target(&html)), format!("{BASE}/posts/"));
    assert_eq!(canonical(&html), format!("{BASE}/posts/"));
}

#[test]
fn tag_page_written_under_slugified_name() {
    let site = built();
    let html = site.html("tags/safe-posting/index.html");
    assert!(
        h1(&html).contains("Safe Posting"),
        "the tag page's h1 names the tag: {:?}",
        h1(&html)
    );
    assert_eq!(
        listed_pages(&html, "/tips/"),
        [format!("{BASE}/tips/follow-thirty/")]
    );
}

#[test]
fn tags_index_lists_every_tag() {
    let site = built();
    let html = site.html("tags/index.html");
    let mut tag_links: Vec<String> = main_links(&html)
        .into_iter()
        .filter(|l| l.starts_with(&format!("{BASE}/tags/")) && l != &format!("{BASE}/tags/"))
        .collect();
    tag_links.sort();
    assert_eq!(
        tag_links,
        [
            format!("{BASE}/tags/cafe/"),
            format!("{BASE}/tags/safe-posting/")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Slugs

#[test]
fn slug_front_matter_overrides_file_name() {
    let site = built();
    assert!(
        exists(&site, "tips/custom-slug-here/index.html"),
        "slug = \"Custom Slug Here\" gives /tips/custom-slug-here/"
    );
    assert!(
        !exists(&site, "tips/renamed-file/index.html"),
        "the file name must not be used when slug is set"
    );
    let html = site.html("tips/custom-slug-here/index.html");
    assert_eq!(h1(&html), "A page with its own slug");
}

#[test]
fn file_name_with_accent_and_space_is_slugified() {
    let site = built();
    let html = site.html("tips/cafe-rules/index.html");
    assert_eq!(h1(&html), "Café rules");
    assert_eq!(canonical(&html), format!("{BASE}/tips/cafe-rules/"));
}

#[test]
fn tags_differing_only_by_accent_and_case_are_one_tag() {
    let site = built();
    let tags_dir = site.path("public/tags");
    let mut written: Vec<String> = fs::read_dir(&tags_dir)
        .expect("public/tags")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().expect("type").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["cafe", "safe-posting"]);

    let html = site.html("tags/cafe/index.html");
    let mut pages = listed_pages(&html, "/tips/");
    pages.sort();
    assert_eq!(
        pages,
        [
            format!("{BASE}/tips/cafe-rules/"),
            format!("{BASE}/tips/follow-thirty/")
        ]
    );

    let index = site.html("tags/index.html");
    let cafe_links = main_links(&index)
        .into_iter()
        .filter(|l| l == &format!("{BASE}/tags/cafe/"))
        .count();
    assert_eq!(cafe_links, 1, "the tag list shows the café tag once");
}

// ---------------------------------------------------------------------------------------------
// Nested sections and bundles

#[test]
fn nested_section_at_depth_two_writes_its_index() {
    let site = built();
    let html = site.html("guides/platforms/index.html");
    assert_eq!(h1(&html), "Platform guides");
    assert_eq!(canonical(&html), format!("{BASE}/guides/platforms/"));
    assert_eq!(
        listed_pages(&html, "/guides/platforms/"),
        [format!("{BASE}/guides/platforms/mastodon/")]
    );
}

#[test]
fn nested_section_is_linked_from_its_parent() {
    let site = built();
    let html = site.html("guides/index.html");
    assert!(
        main_links(&html).contains(&format!("{BASE}/guides/platforms/")),
        "the guides section links its subsection: {:?}",
        main_links(&html)
    );
}

#[test]
fn page_bundle_writes_page_and_copies_its_files() {
    let site = built();
    let html = site.html("tips/photo-guide/index.html");
    assert_eq!(h1(&html), "Photo guide");
    let source = fs::read(site.path("content/tips/photo-guide/photo.png")).expect("fixture photo");
    let copied = fs::read(site.path("public/tips/photo-guide/photo.png"))
        .expect("photo copied next to the page");
    assert_eq!(copied, source);
    assert!(
        !exists(&site, "tips/photo-guide/index/index.html"),
        "index.md of a bundle is the bundle's page, not a page called index"
    );
}

// ---------------------------------------------------------------------------------------------
// Drafts

#[test]
fn draft_page_is_not_built_by_default() {
    let site = built();
    assert!(!exists(&site, "tips/secret-draft/index.html"));
    let tips = site.html("tips/index.html");
    assert!(!listed_pages(&tips, "/tips/").contains(&format!("{BASE}/tips/secret-draft/")));
}

#[test]
fn draft_page_is_built_with_drafts_flag() {
    let site = TestSite::fixture("urls");
    site.build_ok(&["--drafts"]);
    let html = site.html("tips/secret-draft/index.html");
    assert_eq!(h1(&html), "Not ready yet");
    let tips = site.html("tips/index.html");
    assert!(
        listed_pages(&tips, "/tips/").contains(&format!("{BASE}/tips/secret-draft/")),
        "the draft is listed in its section"
    );
}

#[test]
fn draft_page_leaves_no_tag_page_or_alias_by_default() {
    let site = built();
    assert!(
        !exists(&site, "tags/secret-tag/index.html"),
        "a tag used only by a draft is not published"
    );
    assert!(
        !exists(&site, "old/secret/index.html"),
        "a draft's alias is not published"
    );
    let index = site.html("tags/index.html");
    assert!(
        !main_links(&index).contains(&format!("{BASE}/tags/secret-tag/")),
        "the draft's tag is not in the tag list"
    );
}

#[test]
fn draft_page_tags_and_aliases_are_built_with_drafts_flag() {
    let site = TestSite::fixture("urls");
    site.build_ok(&["--drafts"]);
    let tag = site.html("tags/secret-tag/index.html");
    assert_eq!(
        listed_pages(&tag, "/tips/"),
        [format!("{BASE}/tips/secret-draft/")]
    );
    assert_eq!(
        refresh_target(&site.html("old/secret/index.html")),
        format!("{BASE}/tips/secret-draft/")
    );
}

// ---------------------------------------------------------------------------------------------
// The summary line

/// Parses `built N pages, N sections, N tags in N ms → DIR` into (pages, sections, tags, dir).
fn parse_summary(line: &str) -> (u64, u64, u64, String) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |w: &str| -> u64 {
        w.replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{w:?} is not a number in summary line {line:?}"))
    };
    assert_eq!(
        words.len(),
        12,
        "summary line has the wrong shape: {line:?}"
    );
    assert_eq!(words[0], "built", "{line:?}");
    assert!(words[2] == "pages," || words[2] == "page,", "{line:?}");
    assert!(
        words[4] == "sections," || words[4] == "section,",
        "{line:?}"
    );
    assert!(words[6] == "tags" || words[6] == "tag", "{line:?}");
    assert_eq!(words[7], "in", "{line:?}");
    number(words[8]);
    assert_eq!(words[9], "ms", "{line:?}");
    assert_eq!(words[10], "→", "{line:?}");
    (
        number(words[1]),
        number(words[3]),
        number(words[5]),
        words[11].to_string(),
    )
}

#[test]
fn build_prints_one_summary_line_with_counts() {
    let site = TestSite::fixture("urls");
    let out = site.build_ok(&[]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "build prints one summary line, got:\n{text}"
    );
    let (pages, sections, tags, dir) = parse_summary(lines[0]);
    // pages: follow-thirty, custom-slug-here, cafe-rules, photo-guide, 5 posts, mastodon (draft left out)
    assert_eq!(pages, 10, "{}", lines[0]);
    // sections: home, tips, posts, guides, guides/platforms
    assert_eq!(sections, 5, "{}", lines[0]);
    // tags: safe-posting, cafe
    assert_eq!(tags, 2, "{}", lines[0]);
    assert_eq!(dir, "public/");
}

#[test]
fn summary_line_counts_drafts_when_they_are_built() {
    let site = TestSite::fixture("urls");
    let out = site.build_ok(&["--drafts"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("built"))
        .unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    let (pages, _, tags, _) = parse_summary(line);
    assert_eq!(pages, 11, "{line}");
    assert_eq!(tags, 3, "the draft's own tag counts too: {line}");
}

// ---------------------------------------------------------------------------------------------
// sitemap.xml, robots.txt, 404.html

fn sitemap_entries(site: &TestSite) -> Vec<(String, Option<String>)> {
    let text = site.output("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap.xml is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    root.children()
        .filter(|n| n.is_element())
        .map(|url| {
            assert_eq!(url.tag_name().name(), "url");
            assert_eq!(url.tag_name().namespace(), Some(SITEMAP_NS));
            let child = |name: &str| {
                url.children()
                    .find(|c| {
                        c.is_element()
                            && c.tag_name().name() == name
                            && c.tag_name().namespace() == Some(SITEMAP_NS)
                    })
                    .and_then(|c| c.text())
                    .map(|t| t.trim().to_string())
            };
            (
                child("loc").expect("every <url> has a <loc>"),
                child("lastmod"),
            )
        })
        .collect()
}

#[test]
fn sitemap_uses_the_sitemap_namespace() {
    let site = built();
    let entries = sitemap_entries(&site);
    assert!(!entries.is_empty(), "sitemap has <url> entries");
}

#[test]
fn sitemap_lists_every_page_section_and_tag_absolutely() {
    let site = built();
    let locs: Vec<String> = sitemap_entries(&site)
        .into_iter()
        .map(|(loc, _)| loc)
        .collect();
    let expected = [
        "/",
        "/tips/",
        "/posts/",
        "/guides/",
        "/guides/platforms/",
        "/tips/follow-thirty/",
        "/tips/custom-slug-here/",
        "/tips/cafe-rules/",
        "/tips/photo-guide/",
        "/posts/post-1/",
        "/posts/post-2/",
        "/posts/post-3/",
        "/posts/post-4/",
        "/posts/post-5/",
        "/guides/platforms/mastodon/",
        "/tags/",
        "/tags/safe-posting/",
        "/tags/cafe/",
    ];
    for path in expected {
        let url = format!("{BASE}{path}");
        assert!(
            locs.contains(&url),
            "sitemap is missing {url}; it has {locs:?}"
        );
    }
    for loc in &locs {
        assert!(
            loc.starts_with(&format!("{BASE}/")),
            "sitemap URL is not absolute on base_url: {loc}"
        );
    }
    assert!(
        !locs.contains(&format!("{BASE}/tips/secret-draft/")),
        "drafts are not in the sitemap"
    );
    assert!(
        !locs.contains(&format!("{BASE}/old/tip/")),
        "redirect pages are not in the sitemap"
    );
    assert!(
        !locs.contains(&format!("{BASE}/posts/page/1/")),
        "redirect pages are not in the sitemap"
    );
}

#[test]
fn sitemap_has_lastmod_for_dated_pages() {
    let site = built();
    let entries = sitemap_entries(&site);
    let dated = [
        ("/tips/follow-thirty/", "2026-11-20"),
        ("/tips/custom-slug-here/", "2026-11-18"),
        ("/tips/cafe-rules/", "2026-11-15"),
        ("/posts/post-1/", "2026-11-01"),
        ("/posts/post-5/", "2026-11-05"),
    ];
    for (path, date) in dated {
        let url = format!("{BASE}{path}");
        let (_, lastmod) = entries
            .iter()
            .find(|(loc, _)| loc == &url)
            .unwrap_or_else(|| panic!("{url} not in sitemap"));
        let lastmod = lastmod
            .as_deref()
            .unwrap_or_else(|| panic!("{url} has no <lastmod>"));
        assert!(
            lastmod.starts_with(date),
            "{url}: lastmod {lastmod:?} should be its date {date}"
        );
    }
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let site = built();
    let robots = site.output("robots.txt");
    let sitemap_lines: Vec<&str> = robots
        .lines()
        .filter_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("sitemap")
                .then_some(value.trim())
        })
        .collect();
    assert_eq!(
        sitemap_lines,
        [format!("{BASE}/sitemap.xml")],
        "robots.txt:\n{robots}"
    );
}

#[test]
fn not_found_page_exists_with_a_heading() {
    let site = built();
    let html = site.html("404.html");
    assert!(!h1(&html).is_empty(), "404.html has a non-empty h1");
}

// ---------------------------------------------------------------------------------------------
// Aliases

#[test]
fn alias_writes_redirect_page_to_absolute_url() {
    let site = built();
    let html = site.html("old/tip/index.html");
    let target = format!("{BASE}/tips/follow-thirty/");
    assert_eq!(refresh_target(&html), target);
    assert_eq!(canonical(&html), target);
}

// ---------------------------------------------------------------------------------------------
// Static files

#[test]
fn static_files_are_copied_to_the_root() {
    let site = built();
    let source = fs::read(site.path("static/files/leaflet.txt")).expect("fixture file");
    let copied = fs::read(site.path("public/files/leaflet.txt"))
        .expect("static/files/leaflet.txt copied to public/files/");
    assert_eq!(copied, source);
}

#[test]
fn site_static_file_wins_over_theme_file_of_same_name() {
    let site = built();
    let source = fs::read(site.path("static/style.css")).expect("fixture stylesheet");
    let copied = fs::read(site.path("public/style.css")).expect("public/style.css");
    assert_eq!(
        String::from_utf8_lossy(&copied),
        String::from_utf8_lossy(&source)
    );
}

#[test]
fn theme_stylesheet_is_copied_when_site_has_none() {
    let site = TestSite::fixture("urls");
    fs::remove_file(site.path("static/style.css")).expect("remove site stylesheet");
    site.build_ok(&[]);
    let theme = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .expect("default theme stylesheet");
    assert_eq!(site.output("style.css"), theme);
}

// ---------------------------------------------------------------------------------------------
// Command-line options

#[test]
fn base_url_flag_changes_canonical_links() {
    let site = TestSite::fixture("urls");
    site.build_ok(&["--base-url", "https://staging.example.org"]);
    assert_eq!(
        canonical(&site.html("index.html")),
        "https://staging.example.org/"
    );
    assert_eq!(
        canonical(&site.html("tips/follow-thirty/index.html")),
        "https://staging.example.org/tips/follow-thirty/"
    );
    assert_eq!(
        refresh_target(&site.html("old/tip/index.html")),
        "https://staging.example.org/tips/follow-thirty/"
    );
}

#[test]
fn base_url_flag_with_trailing_slash_gives_single_slashes() {
    let site = TestSite::fixture("urls");
    site.build_ok(&["--base-url", "https://staging.example.org/"]);
    assert_eq!(
        canonical(&site.html("index.html")),
        "https://staging.example.org/"
    );
    assert_eq!(
        canonical(&site.html("tips/follow-thirty/index.html")),
        "https://staging.example.org/tips/follow-thirty/"
    );
}

#[test]
fn base_url_flag_changes_sitemap_urls() {
    let site = TestSite::fixture("urls");
    site.build_ok(&["--base-url", "https://staging.example.org"]);
    let text = site.output("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap.xml parses");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP_NS, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert!(!locs.is_empty());
    for loc in locs {
        assert!(
            loc.trim().starts_with("https://staging.example.org/"),
            "sitemap URL not on the --base-url: {loc}"
        );
    }
}

#[test]
fn output_flag_writes_to_another_folder() {
    let site = TestSite::fixture("urls");
    let elsewhere = tempfile::tempdir().expect("temporary folder");
    let out_dir = elsewhere.path().join("deploy");
    let out_str = out_dir.to_str().expect("utf-8 path");
    site.build_ok(&["-o", out_str]);
    let index =
        fs::read_to_string(out_dir.join("index.html")).expect("index.html in the -o folder");
    let html = Html::parse_document(&index);
    assert_eq!(h1(&html), "Welcome");
    assert!(out_dir.join("tips/follow-thirty/index.html").is_file());
    assert!(
        !site.path("public").exists(),
        "with -o nothing is written to public/"
    );
}

#[test]
fn output_flag_accepts_an_existing_empty_folder() {
    let site = TestSite::fixture("urls");
    let elsewhere = tempfile::tempdir().expect("temporary folder");
    let out_str = elsewhere.path().to_str().expect("utf-8 path");
    site.build_ok(&["-o", out_str]);
    assert!(elsewhere.path().join("index.html").is_file());
    assert!(elsewhere.path().join("sitemap.xml").is_file());
}

#[test]
fn a_relative_base_url_on_the_command_line_is_a_usage_error() {
    let site = TestSite::fixture("urls");
    let out = site.hub(&["build", "--base-url", "staging.example.org"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
    assert!(!site.path("public").exists(), "nothing is built");
}
