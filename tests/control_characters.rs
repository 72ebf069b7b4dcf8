//! Control characters that XML 1.0 does not allow (U+0001 to U+0008, U+000B, U+000C,
//! U+000E to U+001F) in a page's body, title or summary used to make atom.xml and rss.xml
//! invalid while the build succeeded. Now they stop the build at their line and column,
//! with advice, before anything is written; and a clean site's feeds parse as XML.

mod common;

use common::{assert_site_error, stderr, TestSite};

fn site_with_page(page: &str) -> TestSite {
    TestSite::with_files(&[
        ("content/one.md", page),
        (
            "content/two.md",
            "+++\ntitle = \"Two\"\ndate = 2026-01-03\n+++\nA clean page.\n",
        ),
    ])
}

#[test]
fn each_control_character_in_a_body_is_an_error_at_its_line() {
    for c in ['\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}'] {
        let site = site_with_page(&format!(
            "+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nFirst line.\nSecond{c}line.\n"
        ));
        let out = site.hub(&["build"]);
        assert_site_error(&out, "content/one.md:6:7");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("U+{:04X}", u32::from(c))),
            "the character is named:\n{err}"
        );
        assert!(err.contains("hint:"), "{err}");
        assert!(!site.path("public").exists(), "nothing is written");
    }
}

#[test]
fn a_control_character_in_a_title_or_summary_is_an_error() {
    let site = site_with_page(
        "+++\ntitle = \"On\u{1b}e\"\ndate = 2026-01-02\n+++\nSummary here.\n<!-- more -->\nRest.\n",
    );
    assert_site_error(&site.hub(&["build"]), "content/one.md:2:12");
    let site = site_with_page(
        "+++\ntitle = \"One\"\ndate = 2026-01-02\ndescription = \"A\u{8}b\"\n+++\nText.\n",
    );
    assert_site_error(&site.hub(&["build"]), "content/one.md:4:17");
}

#[test]
fn a_control_character_in_a_section_is_an_error() {
    let site = site_with_page("+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText.\n");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nWelcome\u{7}.\n",
    );
    assert_site_error(&site.hub(&["build"]), "content/_index.md:4:8");
}

#[test]
fn an_existing_output_is_left_untouched() {
    let site = site_with_page("+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText.\n");
    site.build_ok(&[]);
    let before = site.snapshot("public");
    site.write(
        "content/one.md",
        "+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nTe\u{1b}[31mxt.\n",
    );
    assert_site_error(&site.hub(&["build"]), "content/one.md:5:3");
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn tabs_line_ends_and_other_invisible_but_allowed_characters_still_build_valid_feeds() {
    let site = site_with_page(
        "+++\r\ntitle = \"One\ttab\"\r\ndate = 2026-01-02\r\n+++\r\nText\twith tab,\r\nno\u{a0}break space, zero\u{200b}width and \u{7f} delete.\r\n",
    );
    site.build_ok(&[]);
    for feed in ["atom.xml", "rss.xml", "sitemap.xml"] {
        let text = site.output(feed);
        roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{feed} is not well-formed XML: {e}\n{text}"));
    }
    let atom = site.output("atom.xml");
    feed_rs::parser::parse(atom.as_bytes()).expect("a feed reader reads atom.xml");
}

#[test]
fn a_control_character_in_site_toml_is_an_error_at_its_line() {
    let site = site_with_page("+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText.\n");
    site.write(
        "site.toml",
        "base_url = \"https://hub.example.org\"\ntitle = \"Test\u{1b} Site\"\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:2:14");
    assert!(stderr(&out).contains("U+001B"));
    assert!(!site.path("public").exists());
}

#[test]
fn a_control_character_in_a_persons_name_is_an_error_at_its_line() {
    let site = site_with_page("+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText.\n");
    site.write(
        "data/authors.toml",
        "[sam]\nname = \"Sam\u{8} Jones\"\nrole = \"Editor\"\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/authors.toml:2:12");
    assert!(stderr(&out).contains("U+0008"), "{}", stderr(&out));
    assert!(!site.path("public").exists());
}
