//! Symbolic links that lead out of the site folder, from content/, static/, data/,
//! templates/, themes/ and archetypes/, are refused with an error naming the link and where
//! it points: what they point at is never read, shown or published. Links that go round in
//! a loop are an error too, not a hang. Links that stay inside the site keep working.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::PathBuf;

use common::{assert_site_error, stderr, stdout, TestSite};

/// Text that must never appear in anything hub prints or writes.
const SECRET: &str = "SECRET-outside-the-site-4711";

/// A folder outside the site with a private file and a private folder of templates.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let outside = Outside {
            dir: tempfile::tempdir().expect("temporary folder"),
        };
        let secret_csv = format!("name,note\nAlex,{SECRET}\n");
        std::fs::write(outside.path("private.csv"), secret_csv).expect("write");
        std::fs::write(outside.path("private.html"), SECRET).expect("write");
        std::fs::create_dir_all(outside.path("theme/templates")).expect("folder");
        std::fs::write(outside.path("theme/templates/page.html"), SECRET).expect("write");
        outside
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

fn small_site() -> TestSite {
    TestSite::with_files(&[("content/one.md", "+++\ntitle = \"One\"\n+++\nHello.\n")])
}

/// `hub build` fails at `link` naming `target`; nothing is written and the secret is not
/// shown. `hub check` fails too.
fn assert_refused(site: &TestSite, link: &str, target: &std::path::Path) {
    let out = site.hub(&["build"]);
    assert_site_error(&out, link);
    let err = stderr(&out);
    let target = std::fs::canonicalize(target).expect("target exists");
    assert!(
        err.contains(&target.display().to_string()),
        "the error says where the link points:\n{err}"
    );
    assert!(err.contains("outside the site folder"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(!err.contains(SECRET) && !stdout(&out).contains(SECRET));
    assert!(!site.path("public").exists(), "nothing is published");
    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(1), "hub check fails too");
    assert!(stdout(&out).contains(link), "{}", stdout(&out));
    assert!(!stdout(&out).contains(SECRET) && !stderr(&out).contains(SECRET));
}

#[test]
fn a_data_file_linked_to_a_file_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    std::fs::create_dir_all(site.path("data")).expect("folder");
    symlink(outside.path("private.csv"), site.path("data/x.csv")).expect("symlink");
    // A template that reads the data: it must not get the file's text.
    site.write(
        "templates/page.html",
        "{% for row in data.x %}{{ row.note }}{% endfor %}",
    );
    assert_refused(&site, "data/x.csv", &outside.path("private.csv"));
}

#[test]
fn a_data_folder_linked_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    symlink(outside.dir.path(), site.path("data")).expect("symlink");
    assert_refused(&site, "data", outside.dir.path());
}

#[test]
fn a_template_linked_to_a_file_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    std::fs::create_dir_all(site.path("templates")).expect("folder");
    symlink(
        outside.path("private.html"),
        site.path("templates/page.html"),
    )
    .expect("symlink");
    assert_refused(&site, "templates/page.html", &outside.path("private.html"));
}

#[test]
fn a_templates_folder_linked_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    symlink(outside.path("theme/templates"), site.path("templates")).expect("symlink");
    assert_refused(&site, "templates", &outside.path("theme/templates"));
}

#[test]
fn a_theme_linked_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\ntheme = \"mine\"\n",
    );
    std::fs::create_dir_all(site.path("themes")).expect("folder");
    symlink(outside.path("theme"), site.path("themes/mine")).expect("symlink");
    assert_refused(&site, "themes/mine", &outside.path("theme"));
}

#[test]
fn a_static_file_linked_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    std::fs::create_dir_all(site.path("static")).expect("folder");
    symlink(outside.path("private.csv"), site.path("static/list.csv")).expect("symlink");
    assert_refused(&site, "static/list.csv", &outside.path("private.csv"));
}

#[test]
fn a_page_linked_outside_is_refused() {
    let outside = Outside::new();
    std::fs::write(
        outside.path("page.md"),
        format!("+++\ntitle = \"Leak\"\n+++\n{SECRET}\n"),
    )
    .expect("write");
    let site = small_site();
    symlink(outside.path("page.md"), site.path("content/leak.md")).expect("symlink");
    assert_refused(&site, "content/leak.md", &outside.path("page.md"));
}

#[test]
fn an_archetype_linked_outside_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    std::fs::create_dir_all(site.path("archetypes")).expect("folder");
    symlink(
        outside.path("private.html"),
        site.path("archetypes/default.md"),
    )
    .expect("symlink");
    let out = site.hub(&["new", "tips/first", "--title", "First"]);
    assert_site_error(&out, "archetypes/default.md");
    assert!(stderr(&out).contains("outside the site folder"));
    assert!(!site.path("content/tips/first.md").exists(), "no page made");
}

#[test]
fn a_data_file_linked_in_a_loop_is_an_error() {
    let site = small_site();
    std::fs::create_dir_all(site.path("data")).expect("folder");
    symlink("b.csv", site.path("data/a.csv")).expect("symlink");
    symlink("a.csv", site.path("data/b.csv")).expect("symlink");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/a.csv");
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));
    assert!(!site.path("public").exists());
}

#[test]
fn a_template_folder_linked_to_itself_is_an_error() {
    let site = small_site();
    std::fs::create_dir_all(site.path("templates/parts")).expect("folder");
    symlink("..", site.path("templates/parts/again")).expect("symlink");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "templates/parts/again");
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));
    assert!(!site.path("public").exists());
}

#[test]
fn links_that_stay_inside_the_site_keep_working() {
    let site = small_site();
    site.write("shared/people.csv", "name,role\nSam,Editor\n");
    site.write(
        "shared/page.html",
        "<p>{{ data.people[0].name }} from the shared folder</p>",
    );
    std::fs::create_dir_all(site.path("data")).expect("folder");
    std::fs::create_dir_all(site.path("templates")).expect("folder");
    symlink("../shared/people.csv", site.path("data/people.csv")).expect("symlink");
    symlink("../shared/page.html", site.path("templates/page.html")).expect("symlink");
    site.build_ok(&[]);
    assert!(
        site.output("one/index.html")
            .contains("Sam from the shared folder"),
        "the linked template read the linked data file"
    );
}
