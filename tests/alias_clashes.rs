//! An alias (an old address that redirects to a page) may not take an address hub writes
//! something else at: its feeds, sitemap.xml, robots.txt, a calendar, a static file, a page
//! or another alias. Each clash is an error at the page's `aliases` line, found before
//! anything is written, so a fresh output folder is not made and an existing one is left
//! byte for byte as it was.

mod common;

use common::{assert_site_error, stderr, stdout, TestSite};

/// A site whose page `content/one.md` has `aliases = [<alias>]` on line 4.
fn site_with_alias(alias: &str) -> TestSite {
    TestSite::with_files(&[
        (
            "content/one.md",
            &format!(
                "+++\ntitle = \"One\"\ndate = 2026-01-02\naliases = [\"{alias}\"]\n+++\nHello.\n"
            ),
        ),
        (
            "content/two.md",
            "+++\ntitle = \"Two\"\ndate = 2026-01-03\n+++\nHello again.\n",
        ),
        ("static/files/leaflet.pdf", "not really a PDF"),
    ])
}

/// Fails in `hub build` and `hub check` at the `aliases` line, leaving no output folder.
fn assert_clash_on_fresh_output(alias: &str) {
    let site = site_with_alias(alias);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/one.md:4");
    let err = stderr(&out);
    assert!(err.contains(alias), "the alias is named:\n{err}");
    assert!(err.contains("hint:"), "a hint is given:\n{err}");
    // `hub check` lists its findings on standard output, with the same advice.
    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains("content/one.md:4") && report.contains(alias) && report.contains("fix:"),
        "hub check names the alias at its line:\n{report}"
    );
    assert!(
        !site.path("public").exists(),
        "nothing is written for {alias}"
    );
}

#[test]
fn an_alias_at_the_atom_feed_is_an_error() {
    assert_clash_on_fresh_output("/atom.xml");
}

#[test]
fn an_alias_at_the_rss_feed_is_an_error() {
    assert_clash_on_fresh_output("/rss.xml");
}

#[test]
fn an_alias_at_the_json_feed_is_an_error() {
    assert_clash_on_fresh_output("/feed.json");
}

#[test]
fn an_alias_at_the_sitemap_is_an_error() {
    assert_clash_on_fresh_output("/sitemap.xml");
}

#[test]
fn an_alias_at_robots_txt_is_an_error() {
    assert_clash_on_fresh_output("/robots.txt");
}

#[test]
fn an_alias_at_the_not_found_page_is_an_error() {
    assert_clash_on_fresh_output("/404.html");
}

#[test]
fn an_alias_at_a_static_file_is_an_error() {
    assert_clash_on_fresh_output("/files/leaflet.pdf");
}

#[test]
fn an_alias_at_another_pages_address_is_an_error() {
    assert_clash_on_fresh_output("/two/");
}

#[test]
fn an_alias_at_its_own_pages_address_is_an_error() {
    assert_clash_on_fresh_output("/one/");
}

#[test]
fn an_alias_at_a_section_feed_is_an_error() {
    let site = TestSite::with_files(&[(
        "content/tips/one.md",
        "+++\ntitle = \"One\"\ndate = 2026-01-02\naliases = [\"/tips/atom.xml\"]\n+++\nHello.\n",
    )]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/one.md:4");
    assert!(!site.path("public").exists());
}

#[test]
fn two_pages_with_the_same_alias_is_an_error() {
    let site = TestSite::with_files(&[
        (
            "content/one.md",
            "+++\ntitle = \"One\"\naliases = [\"/old/\"]\n+++\nHello.\n",
        ),
        (
            "content/two.md",
            "+++\ntitle = \"Two\"\naliases = [\"/old/\"]\n+++\nHello.\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, ":3");
    assert!(stderr(&out).contains("/old/"));
    assert!(!site.path("public").exists());
}

#[test]
fn an_alias_at_a_training_calendar_is_an_error() {
    let site = TestSite::fixture("training");
    let page = site.path("content/tips/no-sessions.md");
    let text = std::fs::read_to_string(&page).expect("page");
    let text = text.replacen("+++\n", "+++\naliases = [\"/training/calendar.ics\"]\n", 1);
    std::fs::write(&page, text).expect("write page");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/no-sessions.md:2");
    assert!(!site.path("public").exists());
}

#[test]
fn an_existing_output_is_left_untouched_by_a_clashing_alias() {
    for alias in ["/atom.xml", "/robots.txt", "/sitemap.xml", "/feed.json"] {
        let site = site_with_alias("/old-one/");
        site.build_ok(&[]);
        let before = site.snapshot("public");
        assert!(before.contains_key("atom.xml"), "the feed was written");
        let fixed = site_with_alias(alias);
        std::fs::copy(fixed.path("content/one.md"), site.path("content/one.md"))
            .expect("change the page");
        let out = site.hub(&["build"]);
        assert_site_error(&out, "content/one.md:4");
        assert_eq!(
            site.snapshot("public"),
            before,
            "the output is as it was after {alias}"
        );
    }
}

#[test]
fn an_alias_at_updates_still_replaces_the_generated_page() {
    let site = site_with_alias("/updates/");
    site.build_ok(&[]);
    let html = site.output("updates/index.html");
    assert!(
        html.contains("https://hub.example.org/one/"),
        "/updates/ redirects to the page that asked for it:\n{html}"
    );
}

/// GETs `url`, returning the body whatever the status.
fn get(url: &str) -> Option<String> {
    match ureq::get(url)
        .timeout(std::time::Duration::from_secs(20))
        .call()
    {
        Ok(reply) => reply.into_string().ok(),
        Err(ureq::Error::Status(_, reply)) => reply.into_string().ok(),
        Err(_) => None,
    }
}

#[test]
fn the_preview_shows_a_clashing_alias_and_keeps_the_feed() {
    use std::io::BufRead;
    let site = site_with_alias("/old-one/");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hub"))
        .current_dir(site.root())
        .args(["serve", "-p", "0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start hub serve");
    let out = child.stdout.take().expect("stdout");
    let (send, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
                let _ = send.send(rest.split('/').next().unwrap_or_default().to_string());
            }
        }
    });
    let port: String = port
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("hub serve says where it listens");
    let poll = |path: &str, what: &str, done: &dyn Fn(&str) -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let Some(body) = get(&format!("http://127.0.0.1:{port}{path}")) {
                if done(&body) {
                    return body;
                }
            }
            assert!(
                std::time::Instant::now() < deadline,
                "waited for {path} to {what}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    poll("/one/", "show", &|body| body.contains("Hello."));
    let clashing = site_with_alias("/atom.xml");
    std::fs::copy(clashing.path("content/one.md"), site.path("content/one.md"))
        .expect("change the page");
    let body = poll("/one/", "show the clash", &|body| {
        body.contains("the alias") && body.contains("/atom.xml")
    });
    assert!(body.contains("content/one.md"), "{body}");
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the server runs on"
    );
    let feed = poll("/atom.xml", "still be the feed", &|body| {
        body.contains("<feed")
    });
    assert!(feed.contains("One"), "{feed}");
    let _ = child.kill();
    let _ = child.wait();
}
