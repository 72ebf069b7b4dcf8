//! Shared helpers for the integration tests: copy a fixture site to a temporary folder, run
//! the real `hub` binary on it, and read back what it wrote with real parsers.
#![allow(dead_code)]

pub(crate) mod browser_tools;
pub(crate) mod preview;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Mutex, OnceLock};

use assert_cmd::Command;
use scraper::{Html, Selector};

/// A fixture site copied into its own temporary folder, so tests never touch each other.
pub(crate) struct TestSite {
    pub(crate) dir: tempfile::TempDir,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>/` into a fresh temporary folder.
    pub(crate) fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&fixtures_dir().join(name), site.root());
        site
    }

    /// The fixture `name`, built once per test program for the tests that only read what it
    /// wrote (see [`TestSite::shared`]).
    pub(crate) fn shared_build(name: &'static str) -> &'static TestSite {
        TestSite::shared(name, |site| {
            copy_dir(&fixtures_dir().join(name), site.root());
            site.build_ok(&[]);
            site
        })
    }

    /// An empty temporary folder.
    pub(crate) fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A site made by `make` once per test program and shared by every test that calls this
    /// with the same `key`: for tests that only read what a build wrote, so that one build
    /// serves them all. Such a site is never removed by the test (a static is never dropped),
    /// so it lives in cargo's folder for test files, under target/, not in the system's
    /// temporary folder. Tests that change the site must make their own.
    /// `make` is given the empty site to fill.
    pub(crate) fn shared(
        key: &'static str,
        make: impl FnOnce(TestSite) -> TestSite,
    ) -> &'static TestSite {
        static SITES: OnceLock<Mutex<HashMap<&'static str, &'static TestSite>>> = OnceLock::new();
        let mut sites = SITES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sites.entry(key).or_insert_with(|| {
            let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-sites");
            fs::create_dir_all(&folder).expect("folder for shared test sites");
            let empty = TestSite {
                dir: tempfile::tempdir_in(&folder).expect("temporary folder"),
            };
            Box::leak(Box::new(make(empty)))
        })
    }

    /// A minimal valid site: site.toml plus the given files (path → text).
    pub(crate) fn with_files(files: &[(&str, &str)]) -> TestSite {
        let site = TestSite::empty();
        site.write(
            "site.toml",
            "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n",
        );
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file, creating folders as needed.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub(crate) fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
        fs::write(path, bytes).expect("write file");
    }

    /// Runs `hub <args>` in the site folder.
    pub(crate) fn hub(&self, args: &[&str]) -> Output {
        hub_in(self.root(), args)
    }

    /// Runs `hub build` and asserts it succeeded.
    pub(crate) fn build_ok(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.hub(&all);
        assert_success(&out);
        out
    }

    /// Reads an output file as text (under public/).
    pub(crate) fn output(&self, rel: &str) -> String {
        let path = self.path("public").join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Parses an output HTML file.
    pub(crate) fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.output(rel))
    }

    /// Every file under `dir` with its bytes, for "nothing changed" comparisons.
    pub(crate) fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path(rel))
    }
}

/// Runs the real binary in `dir`.
pub(crate) fn hub_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("hub")
        .expect("hub binary")
        .current_dir(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run hub")
}

pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("create folder");
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, fs::read(entry.path()).expect("read"));
        }
    }
    files
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "hub failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
}

/// Asserts a failure with exit status 1, no panic, and a message naming `location`
/// (`content/x.md:4:8` or `content/x.md:4`).
pub(crate) fn assert_site_error(out: &Output, location: &str) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit status 1\nstdout:\n{}\nstderr:\n{err}",
        stdout(out)
    );
    assert!(!err.contains("panicked"), "hub panicked:\n{err}");
    assert!(
        err.contains(location),
        "expected {location:?} in the error output:\n{err}"
    );
}

/// Selects elements with a CSS selector.
pub(crate) fn select<'a>(html: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    html.select(&selector).collect()
}

/// The trimmed text of the first element matching `selector`.
pub(crate) fn text_of(html: &Html, selector: &str) -> String {
    let found = select(html, selector);
    let first = found
        .first()
        .unwrap_or_else(|| panic!("nothing matches {selector}"));
    first
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every `href` of elements matching `selector`.
pub(crate) fn hrefs(html: &Html, selector: &str) -> Vec<String> {
    select(html, selector)
        .iter()
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// The base_url of the test sites.
pub(crate) const BASE: &str = "https://hub.example.org";

/// Resolves an href found on a page of the site to an absolute URL, so tests do not care
/// whether the theme writes `/tips/` or `https://hub.example.org/tips/`.
pub(crate) fn absolute(href: &str) -> String {
    match href.strip_prefix('/') {
        Some(path) if !href.starts_with("//") => format!("{BASE}/{path}"),
        _ => href.to_string(),
    }
}

/// Every link inside <main>, made absolute, in document order.
pub(crate) fn main_links(html: &Html) -> Vec<String> {
    hrefs(html, "main a[href]")
        .iter()
        .map(|h| absolute(h))
        .collect()
}

/// Links inside <main> to pages directly under `section_path` (not the section itself, not
/// its pager pages, not anchors), in document order, each once.
pub(crate) fn listed_pages(html: &Html, section_path: &str) -> Vec<String> {
    let prefix = format!("{BASE}{section_path}");
    let mut seen = Vec::new();
    for link in main_links(html) {
        let Some(rest) = link.strip_prefix(&prefix) else {
            continue;
        };
        if rest.is_empty() || rest.starts_with("page/") || link.contains('#') {
            continue;
        }
        if !seen.contains(&link) {
            seen.push(link);
        }
    }
    seen
}

/// The repository's own folder.
pub(crate) fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the repository's bundled guide (site.toml, content/, and whichever of data/,
/// static/, templates/ and themes/ the repository has), so tests never touch its public/.
pub(crate) fn copy_guide() -> TestSite {
    copy_guide_into(TestSite::empty())
}

/// [`copy_guide`] into `site`'s folder.
pub(crate) fn copy_guide_into(site: TestSite) -> TestSite {
    fs::copy(repo().join("site.toml"), site.path("site.toml")).expect("copy site.toml");
    for dir in ["content", "data", "static", "templates", "themes"] {
        let from = repo().join(dir);
        if from.is_dir() {
            fs::create_dir_all(site.path(dir)).expect("create folder");
            copy_dir(&from, &site.path(dir));
        }
    }
    site
}

/// Flags every headless Chromium run needs here: no sandbox (tests run as root), and none of
/// the background connections that a machine without a network would refuse.
pub(crate) const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
];
