//! Addresses people write that end up in links, pictures and structured data (the
//! `[social]` accounts, a page's `image`, `[extra] default_image`, `mastodon_instance`) must
//! be web addresses: `javascript:`, `data:`, `vbscript:` and other schemes are an error at
//! their line, with advice, and nothing is published. Good addresses still are.

mod common;

use common::{assert_site_error, stderr, TestSite};

const SITE_TOML: &str = "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n";

fn site_with_settings(settings: &str) -> TestSite {
    let site = TestSite::with_files(&[(
        "content/one.md",
        "+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nHello.\n",
    )]);
    site.write("site.toml", &format!("{SITE_TOML}{settings}"));
    site
}

fn assert_refused(site: &TestSite, location: &str, says: &str) {
    let out = site.hub(&["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    assert!(err.contains(says), "expected {says:?} in:\n{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!site.path("public").exists(), "nothing is published");
}

#[test]
fn a_social_account_that_is_not_a_web_address_is_refused() {
    for (value, says) in [
        ("javascript:alert(document.cookie)", "javascript:alert"),
        ("JaVaScRiPt:alert(1)", "not a web address"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data:text"),
        ("vbscript:msgbox(1)", "vbscript"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("www.facebook.com/northshirecare", "not a whole web address"),
    ] {
        let site = site_with_settings(&format!(
            "\n[social]\nfacebook = \"https://www.facebook.com/ok\"\nx = \"{value}\"\n"
        ));
        assert_refused(&site, "site.toml:6:5", says);
    }
}

#[test]
fn mastodon_instance_must_be_a_server_name() {
    for value in [
        "https://mastodon.social",
        "mastodon.social/@me",
        "mastodon social",
        "javascript:alert(1)",
        "me@mastodon.social",
        "localhost",
    ] {
        let site = site_with_settings(&format!(
            "\n[share]\nplatforms = [\"mastodon\"]\nmastodon_instance = \"{value}\"\n"
        ));
        assert_refused(&site, "site.toml:6:21", "mastodon_instance");
    }
}

#[test]
fn a_page_image_with_a_script_or_data_address_is_refused() {
    for value in [
        "javascript:alert(1)",
        "java\\tscript:alert(1)",
        " data:image/svg+xml;base64,PHN2Zz4=",
        "vbscript:x",
    ] {
        let site = TestSite::with_files(&[(
            "content/one.md",
            &format!("+++\ntitle = \"One\"\ndate = 2026-01-02\nimage = \"{value}\"\n+++\nHello.\n"),
        )]);
        assert_refused(&site, "content/one.md:4:9", "the image");
    }
}

#[test]
fn a_page_image_in_yaml_with_a_script_address_is_refused() {
    let site = TestSite::with_files(&[(
        "content/one.md",
        "---\ntitle: One\nimage: \"javascript:alert(1)\"\n---\nHello.\n",
    )]);
    assert_refused(&site, "content/one.md:3", "javascript");
}

#[test]
fn a_default_image_with_a_script_address_is_refused() {
    let site = site_with_settings("\n[extra]\ndefault_image = \"javascript:alert(1)\"\n");
    assert_refused(&site, "site.toml:5", "javascript");
}

#[test]
fn web_addresses_and_paths_are_still_published() {
    let site = TestSite::with_files(&[
        (
            "content/one.md",
            "+++\ntitle = \"One\"\ndate = 2026-01-02\nimage = \"https://img.example.org/card.png\"\n+++\nHello.\n",
        ),
        (
            "content/two.md",
            "+++\ntitle = \"Two\"\ndate = 2026-01-02\nimage = \"/images/a:b.png\"\n+++\nHello.\n",
        ),
        ("static/images/a:b.png", "png"),
    ]);
    site.write(
        "site.toml",
        &format!(
            "{SITE_TOML}\n[share]\nplatforms = [\"mastodon\"]\nmastodon_instance = \"social.example.net\"\n\n[social]\nfacebook = \"https://www.facebook.com/northshirecare\"\nmastodon = \"http://social.example.net/@northshire\"\n"
        ),
    );
    site.build_ok(&[]);
    let one = site.output("one/index.html");
    assert!(one.contains("https://img.example.org/card.png"), "{one}");
    assert!(one.contains("https://www.facebook.com/northshirecare"));
    let two = site.output("two/index.html");
    assert!(
        two.contains("https://hub.example.org/images/a:b.png"),
        "{two}"
    );
}

#[test]
fn a_markdown_link_that_runs_a_script_is_refused_at_its_line() {
    for (link, scheme) in [
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](JavaScript:alert(1))", "javascript:"),
        ("[open](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[old](vbscript:msgbox)", "vbscript:"),
        ("![pic](javascript:alert(1))", "javascript:"),
    ] {
        let site = TestSite::with_files(&[(
            "content/one.md",
            &format!("+++\ntitle = \"One\"\n+++\nFirst line.\n\nSee {link} here.\n"),
        )]);
        assert_refused(&site, "content/one.md:6:5", scheme);
    }
}

#[test]
fn phone_email_and_web_links_in_markdown_are_still_published() {
    let site = TestSite::with_files(&[(
        "content/one.md",
        "+++\ntitle = \"One\"\n+++\nCall [0113 496 0000](tel:+441134960000), \
         [text us](sms:+447700900000), [email](mailto:team@example.org) or \
         [visit](https://www.example.org/).\n",
    )]);
    // The numbers are Ofcom's drama numbers, but the privacy rules are not this test's.
    site.build_ok(&["--allow-privacy"]);
    let html = site.html("one/index.html");
    let links = common::hrefs(&html, "main a");
    for expected in [
        "tel:+441134960000",
        "sms:+447700900000",
        "mailto:team@example.org",
        "https://www.example.org/",
    ] {
        assert!(
            links.iter().any(|l| l == expected),
            "{expected} in {links:?}"
        );
    }
}

#[test]
fn a_persons_profile_or_photo_that_is_not_a_web_address_is_refused() {
    for (line, file) in [
        (
            "data/authors.toml:5",
            "[sam]\nname = \"Sam\"\nrole = \"Editor\"\n[sam.profiles]\nlinkedin = \"javascript:alert(1)\"\n",
        ),
        (
            "data/authors.toml:3",
            "[sam]\nname = \"Sam\"\nphoto = \"data:image/svg+xml;base64,PHN2Zz4=\"\n",
        ),
    ] {
        let site = TestSite::with_files(&[
            (
                "content/one.md",
                "+++\ntitle = \"One\"\ndate = 2026-01-02\nauthors = [\"sam\"]\n+++\nHello.\n",
            ),
            ("data/authors.toml", file),
        ]);
        let out = site.hub(&["build"]);
        assert_site_error(&out, line);
        assert!(!site.path("public").exists());
    }
}
