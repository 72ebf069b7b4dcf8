//! The command line outside `build`: `hub init`, `hub new`, `--version`, `--help`, unknown
//! subcommands, `--root`, finding site.toml in a folder above, and running with no site.

mod common;

use std::fs;
use std::path::Path;

use common::*;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    hub_in(dir, args)
}

fn assert_usage_error(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit status 2 (usage error)\nstdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    assert!(
        !stderr(out).contains("panicked"),
        "hub panicked:\n{}",
        stderr(out)
    );
}

/// The front matter of a `+++` Markdown file, parsed as TOML.
fn front_matter(text: &str) -> toml::Table {
    let mut lines = text.lines();
    assert_eq!(
        lines.next().map(str::trim_end),
        Some("+++"),
        "front matter starts with +++:\n{text}"
    );
    let mut body = String::new();
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            return body
                .parse::<toml::Table>()
                .unwrap_or_else(|e| panic!("front matter is not TOML: {e}\n{body}"));
        }
        body.push_str(line);
        body.push('\n');
    }
    panic!("front matter is not closed with +++:\n{text}");
}

/// A TOML value holding a date (a TOML date or a string), as YYYY-MM-DD.
fn date_of(value: &toml::Value) -> String {
    match value {
        toml::Value::Datetime(d) => d.date.expect("a date part").to_string(),
        toml::Value::String(s) => s.get(..10).unwrap_or(s).to_string(),
        other => panic!("date is neither a date nor a string: {other:?}"),
    }
}

fn site_with_home() -> TestSite {
    TestSite::with_files(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
    )])
}

// ---------------------------------------------------------------------------------------------
// hub init

#[test]
fn init_in_empty_folder_creates_site_toml_content_and_static() {
    let site = TestSite::empty();
    let out = site.hub(&["init"]);
    assert_success(&out);
    assert!(site.path("site.toml").is_file(), "site.toml created");
    assert!(site.path("content").is_dir(), "content/ created");
    assert!(site.path("static").is_dir(), "static/ created");
    let config: toml::Table = fs::read_to_string(site.path("site.toml"))
        .unwrap()
        .parse()
        .expect("site.toml is TOML");
    assert!(
        config
            .get("title")
            .and_then(|v| v.as_str())
            .is_some_and(|t| !t.is_empty()),
        "site.toml has a title"
    );
    assert!(
        config
            .get("base_url")
            .and_then(|v| v.as_str())
            .is_some_and(|u| u.starts_with("http")),
        "site.toml has an absolute base_url"
    );
}

#[test]
fn init_with_dir_creates_the_site_there() {
    let outer = TestSite::empty();
    let out = outer.hub(&["init", "newsite"]);
    assert_success(&out);
    assert!(outer.path("newsite/site.toml").is_file());
    assert!(outer.path("newsite/content").is_dir());
    assert!(outer.path("newsite/static").is_dir());
    assert!(
        !outer.path("site.toml").exists(),
        "nothing written outside DIR"
    );
}

#[test]
fn initialised_site_builds_with_a_home_page() {
    let outer = TestSite::empty();
    assert_success(&outer.hub(&["init", "newsite"]));
    let root = outer.path("newsite");
    let out = run(&root, &["build"]);
    assert_success(&out);
    let index = fs::read_to_string(root.join("public/index.html")).expect("public/index.html");
    let html = scraper::Html::parse_document(&index);
    assert_eq!(
        select(&html, "h1").len(),
        1,
        "the starter home page has one h1"
    );
}

/// Runs `hub init newsite` in a fresh folder with PATH set to `path` only.
fn init_with_path(path: &Path) -> (TestSite, Vec<String>) {
    let outer = TestSite::empty();
    let out = assert_cmd::Command::cargo_bin("hub")
        .expect("hub binary")
        .current_dir(outer.root())
        .env("PATH", path)
        .args(["init", "newsite"])
        .output()
        .expect("run hub");
    assert_success(&out);
    let lines = stdout(&out).lines().map(str::to_string).collect();
    (outer, lines)
}

/// The `next: cd newsite && PROGRAM serve` line, with PROGRAM returned.
fn next_program(lines: &[String]) -> String {
    let next = lines
        .iter()
        .find_map(|l| l.strip_prefix("next: cd newsite && "))
        .unwrap_or_else(|| panic!("no `next: cd newsite && ...` line in {lines:?}"));
    next.strip_suffix(" serve")
        .unwrap_or_else(|| panic!("the next step should be `... serve`: {next}"))
        .to_string()
}

#[test]
fn init_says_hub_serve_next_when_this_hub_is_on_the_path() {
    let hub = assert_cmd::cargo::cargo_bin("hub");
    let (_outer, lines) = init_with_path(hub.parent().expect("the binary's folder"));
    assert_eq!(next_program(&lines), "hub", "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.contains("cargo install")),
        "nothing to install: {lines:?}"
    );
}

#[test]
fn init_without_hub_on_the_path_gives_a_command_that_works_and_how_to_install() {
    let empty = TestSite::empty();
    let (outer, lines) = init_with_path(empty.root());
    let program = next_program(&lines);
    assert_ne!(program, "hub", "`hub` is not on this PATH: {lines:?}");
    // The command given works as written: it is this very program.
    assert_success(&hub_in_with(&outer.path("newsite"), &program, &["build"]));
    assert!(outer.path("newsite/public/index.html").is_file());

    let install = lines
        .iter()
        .find_map(|l| l.split_once("install it: cargo install --path "))
        .unwrap_or_else(|| panic!("no `cargo install --path` hint in {lines:?}"))
        .1;
    let source = install
        .strip_suffix(" --locked")
        .unwrap_or_else(|| panic!("the install hint should end with --locked: {install}"));
    assert_eq!(Path::new(source), repo(), "install from this repository");
}

#[test]
fn init_with_another_hub_on_the_path_says_it_is_another_build() {
    let other = TestSite::empty();
    other.write(
        "hub",
        "#!/bin/sh
echo an old hub
",
    );
    make_executable(&other.path("hub"));
    let (_outer, lines) = init_with_path(other.root());
    assert_ne!(next_program(&lines), "hub", "{lines:?}");
    let hint = lines
        .iter()
        .find(|l| l.contains("is another build"))
        .unwrap_or_else(|| panic!("no hint about the other hub in {lines:?}"));
    assert!(
        hint.contains(&other.path("hub").display().to_string()) && hint.contains("--locked"),
        "{hint}"
    );
}

/// Runs `program` (a path) with `args` in `dir`.
fn hub_in_with(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn init_refuses_folder_with_site_toml_and_leaves_it_unchanged() {
    let site = TestSite::empty();
    let mine = "title = \"Mine\"\nbase_url = \"https://mine.example.org\"\n";
    site.write("site.toml", mine);
    let out = site.hub(&["init"]);
    assert_usage_error(&out);
    assert_eq!(
        fs::read_to_string(site.path("site.toml")).unwrap(),
        mine,
        "site.toml untouched"
    );
    assert!(
        !site.path("content").exists(),
        "no starter content written on refusal"
    );
}

#[test]
fn init_with_dir_refuses_existing_site_there() {
    let outer = TestSite::empty();
    let mine = "title = \"Mine\"\nbase_url = \"https://mine.example.org\"\n";
    outer.write("existing/site.toml", mine);
    let out = outer.hub(&["init", "existing"]);
    assert_usage_error(&out);
    assert_eq!(
        fs::read_to_string(outer.path("existing/site.toml")).unwrap(),
        mine
    );
}

#[test]
fn init_force_overwrites_existing_site_toml() {
    let site = TestSite::empty();
    let mine = "title = \"Mine\"\nbase_url = \"https://mine.example.org\"\n";
    site.write("site.toml", mine);
    let out = site.hub(&["init", "--force"]);
    assert_success(&out);
    let now = fs::read_to_string(site.path("site.toml")).unwrap();
    assert_ne!(now, mine, "--force wrote the starter site.toml");
    assert!(site.path("content").is_dir());
    assert!(site.path("static").is_dir());
    assert_success(&site.hub(&["build"]));
    assert!(site.path("public/index.html").is_file());
}

// ---------------------------------------------------------------------------------------------
// hub new

#[test]
fn new_creates_page_with_title_today_and_draft() {
    let site = site_with_home();
    let before = chrono::Local::now().date_naive().to_string();
    let out = site.hub(&["new", "tips/my-first-tip", "--title", "My first tip"]);
    let after = chrono::Local::now().date_naive().to_string();
    assert_success(&out);
    let text = fs::read_to_string(site.path("content/tips/my-first-tip.md"))
        .expect("content/tips/my-first-tip.md created");
    let fm = front_matter(&text);
    assert_eq!(
        fm.get("title").and_then(|v| v.as_str()),
        Some("My first tip")
    );
    let date = date_of(fm.get("date").expect("a date"));
    assert!(
        date == before || date == after,
        "date {date} is today ({before})"
    );
    assert_eq!(fm.get("draft").and_then(|v| v.as_bool()), Some(true));
}

#[test]
fn new_page_is_a_draft_left_out_of_a_normal_build() {
    let site = site_with_home();
    assert_success(&site.hub(&["new", "tips/my-first-tip", "--title", "My first tip"]));
    site.build_ok(&[]);
    assert!(site.path("public/index.html").is_file());
    assert!(
        !site.path("public/tips/my-first-tip/index.html").exists(),
        "the new draft is not published"
    );
}

#[test]
fn new_page_is_built_with_drafts_flag() {
    let site = site_with_home();
    assert_success(&site.hub(&["new", "tips/my-first-tip", "--title", "My first tip"]));
    site.build_ok(&["--drafts"]);
    let html = site.html("tips/my-first-tip/index.html");
    assert_eq!(text_of(&html, "h1"), "My first tip");
}

#[test]
fn new_refuses_existing_page_and_leaves_it_alone() {
    let site = site_with_home();
    let original = "+++\ntitle = \"Already here\"\n+++\n\nKeep me.\n";
    site.write("content/tips/my-first-tip.md", original);
    let out = site.hub(&["new", "tips/my-first-tip", "--title", "Replacement"]);
    assert_usage_error(&out);
    assert_eq!(
        fs::read_to_string(site.path("content/tips/my-first-tip.md")).unwrap(),
        original
    );
}

// ---------------------------------------------------------------------------------------------
// --version, --help, unknown subcommands

#[test]
fn version_flag_prints_the_version() {
    let dir = TestSite::empty();
    let out = dir.hub(&["--version"]);
    assert_success(&out);
    let text = stdout(&out);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        words.contains(&env!("CARGO_PKG_VERSION")),
        "--version prints {}: {text:?}",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        words.contains(&"hub"),
        "--version names the program: {text:?}"
    );
}

#[test]
fn help_flag_lists_the_subcommands() {
    let dir = TestSite::empty();
    let out = dir.hub(&["--help"]);
    assert_success(&out);
    let text = stdout(&out);
    // The first word of each line in the Commands: block.
    let commands: Vec<String> = text
        .lines()
        .skip_while(|l| !l.trim_start().to_lowercase().starts_with("commands"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    for name in ["init", "new", "build"] {
        assert!(
            commands.iter().any(|c| c == name),
            "--help lists {name}: found {commands:?}\n{text}"
        );
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let site = site_with_home();
    let out = site.hub(&["frobnicate"]);
    assert_usage_error(&out);
    assert!(!stderr(&out).trim().is_empty(), "says what is wrong");
}

// ---------------------------------------------------------------------------------------------
// Finding the site

#[test]
fn root_flag_builds_a_site_from_another_folder() {
    let site = site_with_home();
    let elsewhere = TestSite::empty();
    let root = site.root().to_str().expect("utf-8 path");
    let out = elsewhere.hub(&["--root", root, "build"]);
    assert_success(&out);
    assert!(
        site.path("public/index.html").is_file(),
        "built into the --root site's public/"
    );
    assert!(
        !elsewhere.path("public").exists(),
        "nothing written in the current folder"
    );
}

#[test]
fn build_from_a_subfolder_finds_site_toml_above() {
    let site = site_with_home();
    site.write("content/tips/_index.md", "+++\ntitle = \"Tips\"\n+++\n");
    site.write(
        "content/tips/one.md",
        "+++\ntitle = \"Tip one\"\ndate = 2026-11-01\n+++\n\nOne.\n",
    );
    let out = run(&site.path("content/tips"), &["build"]);
    assert_success(&out);
    assert!(
        site.path("public/tips/one/index.html").is_file(),
        "built into the site root's public/"
    );
    assert!(
        !site.path("content/tips/public").exists(),
        "not built into the subfolder"
    );
}

#[test]
fn new_from_a_subfolder_writes_under_the_site_content() {
    let site = site_with_home();
    site.write("content/tips/_index.md", "+++\ntitle = \"Tips\"\n+++\n");
    let out = run(
        &site.path("content/tips"),
        &["new", "tips/from-below", "--title", "From below"],
    );
    assert_success(&out);
    assert!(
        site.path("content/tips/from-below.md").is_file(),
        "written relative to the site root"
    );
    assert!(
        !site.path("content/tips/content").exists(),
        "not relative to the current folder"
    );
}

#[test]
fn no_site_toml_anywhere_is_a_usage_error_mentioning_init() {
    let dir = TestSite::empty();
    for folder in dir.root().ancestors() {
        assert!(
            !folder.join("site.toml").exists(),
            "test precondition: no site.toml above the temporary folder ({})",
            folder.display()
        );
    }
    let out = dir.hub(&["build"]);
    assert_usage_error(&out);
    assert!(
        stderr(&out).contains("hub init"),
        "the message suggests `hub init`:\n{}",
        stderr(&out)
    );
    assert!(!dir.path("public").exists());
}

// ---------------------------------------------------------------------------------------------
// hub new: archetypes

/// Runs `hub new <spec>` and returns the new file's text.
fn new_page_text(site: &TestSite, spec: &str, title: &str) -> String {
    let out = site.hub(&["new", spec, "--title", title]);
    assert_success(&out);
    fs::read_to_string(site.path(&format!("content/{spec}.md"))).expect("the new page")
}

/// Publishes a page `hub new` wrote, as its writer would: by removing `draft = true`.
fn publish(site: &TestSite, spec: &str) {
    let path = site.path(&format!("content/{spec}.md"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("draft = true\n"), "{text}");
    fs::write(&path, text.replace("draft = true\n", "")).unwrap();
}

#[test]
fn every_built_in_archetype_makes_a_page_that_builds_once_published() {
    let site = site_with_home();
    let specs = [
        "roadmap/tiktok",
        "policies/photo-consent",
        "posts/why-we-post",
        "training/moderation-basics",
        "tips/reply-kindly",
    ];
    for spec in specs {
        new_page_text(&site, spec, "New & \"quoted\" page");
        publish(&site, spec);
    }
    site.build_ok(&[]);
    for spec in specs {
        let html = site.html(&format!("{spec}/index.html"));
        assert_eq!(text_of(&html, "h1"), "New & \"quoted\" page", "{spec}");
    }
    let roadmap = site.html("roadmap/index.html");
    let rows = select(&roadmap, "table.roadmap tbody tr");
    assert_eq!(rows.len(), 1, "the new platform is in the roadmap table");
    assert_eq!(
        text_of(&roadmap, "table.roadmap tbody tr th"),
        "New & \"quoted\" page"
    );
    assert_eq!(
        text_of(&roadmap, "table.roadmap tbody tr td .badge"),
        "Assess"
    );
}

#[test]
fn built_in_archetypes_fill_in_each_sections_fields() {
    let site = site_with_home();
    let today = chrono::Local::now().date_naive();
    let roadmap = front_matter(&new_page_text(&site, "roadmap/tiktok", "TikTok"));
    let extra = roadmap["extra"].as_table().expect("[extra]");
    assert_eq!(extra["platform"].as_str(), Some("TikTok"));
    assert_eq!(extra["status"].as_str(), Some("assess"));
    for list in ["benefits", "risks_current", "risks_future"] {
        assert!(
            extra[list].as_array().is_some_and(|l| !l.is_empty()),
            "{list}"
        );
    }
    let policy = front_matter(&new_page_text(&site, "policies/photos", "Photos"));
    let review_by = date_of(&policy["review_by"]);
    let updated = date_of(&policy["updated"]);
    assert_eq!(
        (updated.as_str(), review_by[..4].parse::<i32>().unwrap()),
        (
            today.to_string().as_str(),
            today.format("%Y").to_string().parse::<i32>().unwrap() + 1
        ),
        "a policy is reviewed a year after it is written"
    );
    let post = front_matter(&new_page_text(&site, "posts/hello", "Hello"));
    assert!(post["authors"].as_array().is_some());
}

#[test]
fn a_sites_own_archetypes_win_most_specific_first() {
    let site = site_with_home();
    let archetype = |name: &str| {
        format!("+++\ntitle = {{{{ title | json_encode() }}}}\ndate = {{{{ today }}}}\n[extra]\nfrom = \"{name}\"\n+++\n{{{{ section }}}}/{{{{ slug }}}}\n")
    };
    site.write("archetypes/policies/hr.md", &archetype("full path"));
    site.write("archetypes/policies.md", &archetype("top level"));
    site.write("archetypes/default.md", &archetype("default"));
    let from = |spec: &str| {
        let text = new_page_text(&site, spec, "T");
        front_matter(&text)["extra"]["from"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(from("policies/hr/leave"), "full path");
    assert_eq!(from("policies/other/leave"), "top level");
    assert_eq!(from("policies/leave"), "top level");
    assert_eq!(
        from("roadmap/tiktok"),
        "default",
        "the site's default beats a built-in"
    );
    let text = fs::read_to_string(site.path("content/policies/hr/leave.md")).unwrap();
    assert!(text.ends_with("+++\npolicies/hr/leave\n"), "{text}");
    let out = site.hub(&["new", "tips/x"]);
    assert_eq!(
        stdout(&out).trim(),
        "created content/tips/x.md from archetypes/default.md (not a draft: it is published at the next build)"
    );
}

#[test]
fn a_broken_archetype_is_an_error_naming_its_line_and_writes_nothing() {
    let site = site_with_home();
    site.write("archetypes/tips.md", "+++\ntitle = \"{{ title }\"\n+++\n");
    let out = site.hub(&["new", "tips/x"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: archetypes/tips.md:2:")
            && first.contains("this archetype has a template syntax error"),
        "{err}"
    );
    assert_eq!(
        err.lines().nth(1),
        Some("  hint: check the {{ }} and {% %} tags on this line; to write {{ as text, put it in {% raw %}...{% endraw %}")
    );
    assert!(!site.path("content/tips/x.md").exists());

    site.write(
        "archetypes/tips.md",
        "+++\ntitle = \"{{ title }}\"\ntag = []\n+++\n",
    );
    let out = site.hub(&["new", "tips/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().take(2).collect::<Vec<_>>(),
        [
            "error: archetypes/tips.md:3:1: the page this archetype makes would not build: unknown field `tag`; did you mean `tags`?",
            "  hint: fix the archetype: change `tag` to `tags`",
        ]
    );
    assert!(!site.path("content/tips/x.md").exists());
}

#[test]
fn the_starter_has_an_example_archetype_that_hub_new_uses() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init"]));
    assert!(site.path("archetypes/tips.md").is_file());
    let out = site.hub(&["new", "tips/wait-thirty-seconds"]);
    assert_success(&out);
    assert_eq!(
        stdout(&out).trim(),
        "created content/tips/wait-thirty-seconds.md from archetypes/tips.md (a draft: remove `draft = true` to publish it)"
    );
    let text = fs::read_to_string(site.path("content/tips/wait-thirty-seconds.md")).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Wait thirty seconds\"\n"),
        "the comment is left out:\n{text}"
    );
    publish(&site, "tips/wait-thirty-seconds");
    site.build_ok(&[]);
    assert!(site
        .path("public/tips/wait-thirty-seconds/index.html")
        .is_file());
}
