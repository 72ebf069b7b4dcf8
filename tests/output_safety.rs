//! The output folder: `hub build` refuses dangerous `output_dir`s, only cleans folders
//! it created (marker file `.hub-output`), never writes through symlinks or outside the output
//! folder, removes stale files, leaves unchanged files alone, and keeps the last good site when
//! a build fails.
//!
//! The site (`tests/fixtures/output-site/`) is copied into `<temp>/site/`, so that `..` and
//! folders next to the site are inside the test's own temporary folder.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use common::*;

/// What is at a path, without following symlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every folder, file and symlink under `dir`, for "nothing created or deleted" checks.
fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    let mut found = BTreeMap::new();
    if !dir.exists() {
        return found;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.expect("walk");
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        let kind = if entry.file_type().is_symlink() {
            Entry::Link(fs::read_link(entry.path()).expect("read link"))
        } else if entry.file_type().is_dir() {
            Entry::Dir
        } else {
            Entry::File(fs::read(entry.path()).expect("read"))
        };
        found.insert(rel, kind);
    }
    found
}

/// Paths that differ between two trees.
fn differences(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>) -> Vec<String> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

fn assert_same_tree(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>, what: &str) {
    let changed = differences(before, after);
    assert!(changed.is_empty(), "{what} changed: {changed:?}");
}

fn assert_no_panic(out: &Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "hub panicked:\n{err}"
    );
}

/// The fixture site in `<temp>/site/`.
struct Site {
    tmp: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let tmp = tempfile::tempdir().expect("temporary folder");
        copy_dir(
            &fixtures_dir().join("output-site"),
            &tmp.path().join("site"),
        );
        Site { tmp }
    }

    /// The temporary folder that holds the site (the site's parent).
    fn outer(&self) -> &Path {
        self.tmp.path()
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("site")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn hub(&self, args: &[&str]) -> Output {
        hub_in(&self.root(), args)
    }

    fn build_ok(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.hub(&all);
        assert_no_panic(&out);
        assert_success(&out);
        out
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
        fs::write(path, text).expect("write");
    }

    /// Sets `output_dir` (line 3 of the fixture's site.toml).
    fn set_output_dir(&self, value: &str) {
        let text = fs::read_to_string(self.path("site.toml")).expect("site.toml");
        assert!(
            text.lines().nth(2) == Some("output_dir = \"public\""),
            "the fixture's line 3 is output_dir:\n{text}"
        );
        let value = toml_string(value);
        self.write(
            "site.toml",
            &text.replace("output_dir = \"public\"", &format!("output_dir = {value}")),
        );
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

// ---- output_dir in site.toml ---------------------------------------------------------------

/// Builds once into public/, sets `output_dir`, builds again: refused with exit status 1, an
/// error at site.toml's output_dir line, and nothing under the site's parent created or deleted.
fn assert_output_dir_refused(site: &Site, value: &str) {
    site.build_ok(&[]);
    site.set_output_dir(value);
    let before = tree(site.outer());
    let out = site.hub(&["build"]);
    let err = stderr(&out);
    assert_no_panic(&out);
    assert_site_error(&out, "site.toml:3");
    assert!(
        err.contains("output_dir"),
        "the message names output_dir:\n{err}"
    );
    assert_same_tree(
        &before,
        &tree(site.outer()),
        "the site folder (and its parent)",
    );
}

#[test]
fn output_dir_site_root_is_refused() {
    assert_output_dir_refused(&Site::new(), ".");
}

#[test]
fn output_dir_content_is_refused() {
    assert_output_dir_refused(&Site::new(), "content");
}

#[test]
fn output_dir_static_is_refused() {
    assert_output_dir_refused(&Site::new(), "static");
}

#[test]
fn output_dir_outside_site_is_refused() {
    let site = Site::new();
    assert_output_dir_refused(&site, "../outside");
    assert!(
        !site.outer().join("outside").exists(),
        "../outside was created"
    );
}

#[test]
fn output_dir_absolute_tmp_path_is_refused() {
    let site = Site::new();
    let elsewhere = tempfile::tempdir().expect("temporary folder");
    let target = elsewhere.path().join("out");
    assert!(target.is_absolute());
    let before = tree(elsewhere.path());
    assert_output_dir_refused(&site, target.to_str().expect("UTF-8 temp path"));
    assert!(!target.exists(), "{} was created", target.display());
    assert_same_tree(
        &before,
        &tree(elsewhere.path()),
        "the absolute folder's parent",
    );
}

// ---- -o DIR --------------------------------------------------------------------------------

#[test]
fn o_into_non_empty_folder_hub_did_not_create_is_refused() {
    let site = Site::new();
    let deploy = site.outer().join("deploy");
    fs::create_dir(&deploy).expect("create deploy folder");
    fs::write(deploy.join("precious.txt"), "do not delete me").expect("write precious.txt");
    let before = tree(site.outer());
    let out = site.hub(&["build", "-o", deploy.to_str().expect("UTF-8")]);
    let err = stderr(&out);
    assert_no_panic(&out);
    assert!(
        matches!(out.status.code(), Some(1) | Some(2)),
        "expected a refusal (exit 1 or 2), got {:?}\nstderr:\n{err}",
        out.status.code()
    );
    assert!(err.contains("error"), "the refusal is explained:\n{err}");
    assert_eq!(
        fs::read_to_string(deploy.join("precious.txt")).expect("precious.txt survives"),
        "do not delete me"
    );
    assert_same_tree(
        &before,
        &tree(site.outer()),
        "the site and the deploy folder",
    );
}

#[test]
fn o_into_new_folder_works_and_is_marked() {
    let site = Site::new();
    let deploy = site.outer().join("deploy").join("nested");
    site.build_ok(&["-o", deploy.to_str().expect("UTF-8")]);
    assert!(
        deploy.join("index.html").is_file(),
        "index.html written into the -o folder"
    );
    assert!(
        deploy.join("tips/first/index.html").is_file(),
        "pages written into the -o folder"
    );
    assert!(
        deploy.join(".hub-output").is_file(),
        "the -o folder gets a .hub-output marker"
    );
    assert!(
        !site.path("public").exists(),
        "with -o, nothing is written to public/"
    );
}

#[test]
fn o_into_empty_existing_folder_works() {
    let site = Site::new();
    let deploy = site.outer().join("deploy");
    fs::create_dir(&deploy).expect("create deploy folder");
    site.build_ok(&["-o", deploy.to_str().expect("UTF-8")]);
    assert!(
        deploy.join("index.html").is_file(),
        "index.html written into the empty folder"
    );
    assert!(
        deploy.join(".hub-output").is_file(),
        "the folder gets a .hub-output marker"
    );
}

#[test]
fn second_build_into_same_o_folder_works() {
    let site = Site::new();
    let deploy = site.outer().join("deploy");
    let deploy_arg = deploy.to_str().expect("UTF-8");
    site.build_ok(&["-o", deploy_arg]);
    let first = tree(&deploy);
    site.build_ok(&["-o", deploy_arg]);
    assert_same_tree(
        &first,
        &tree(&deploy),
        "the -o folder, rebuilt from unchanged content,",
    );
}

#[test]
fn second_build_into_public_works() {
    let site = Site::new();
    site.build_ok(&[]);
    let first = tree(&site.path("public"));
    site.build_ok(&[]);
    assert_same_tree(
        &first,
        &tree(&site.path("public")),
        "public/, rebuilt from unchanged content,",
    );
}

#[test]
fn o_relative_path_is_relative_to_the_working_folder() {
    let site = Site::new();
    site.build_ok(&["-o", "../deploy"]);
    assert!(
        site.outer().join("deploy/index.html").is_file(),
        "-o ../deploy writes next to the site"
    );
}

// ---- keeping the output folder tidy --------------------------------------------------------

#[test]
fn stale_files_are_removed_but_marker_stays() {
    let site = Site::new();
    site.build_ok(&[]);
    assert!(site.path("public/tips/second/index.html").is_file());
    assert!(
        site.path("public/.hub-output").is_file(),
        "public/ gets a .hub-output marker"
    );
    fs::remove_file(site.path("content/tips/second.md")).expect("delete a page");
    site.build_ok(&[]);
    assert!(
        !site.path("public/tips/second").exists(),
        "the deleted page's output folder is gone"
    );
    assert!(
        site.path("public/tips/first/index.html").is_file(),
        "the other page stays"
    );
    assert!(
        site.path("public/.hub-output").is_file(),
        "the marker stays"
    );
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let site = Site::new();
    site.build_ok(&[]);
    // Put both files' times far in the past: a rewrite would set them to now.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for rel in ["public/index.html", "public/tips/first/index.html"] {
        let file = fs::File::options()
            .write(true)
            .open(site.path(rel))
            .expect("open");
        file.set_modified(old).expect("set modification time");
    }
    let first_before = fs::read_to_string(site.path("public/tips/first/index.html")).expect("read");

    // Change one page's body after its first paragraph (the summary other pages may show).
    site.write(
        "content/tips/first.md",
        "+++\ntitle = \"First tip\"\ndate = 2024-05-01\n+++\n\nCheck who can see a post before you share it.\n\nThen check again.\n",
    );
    site.build_ok(&[]);

    let modified = |rel: &str| {
        fs::metadata(site.path(rel))
            .expect("metadata")
            .modified()
            .expect("modification time")
    };
    assert_eq!(
        modified("public/index.html"),
        old,
        "public/index.html did not change, so it must not be rewritten"
    );
    let first_after = fs::read_to_string(site.path("public/tips/first/index.html")).expect("read");
    assert_ne!(
        first_before, first_after,
        "the changed page gets new content"
    );
    assert!(
        first_after.contains("Then check again."),
        "the changed page has the new text"
    );
    assert_ne!(
        modified("public/tips/first/index.html"),
        old,
        "the changed page's file was rewritten"
    );
}

#[test]
fn failed_build_leaves_last_good_site() {
    let site = Site::new();
    site.build_ok(&[]);
    let good = tree(&site.path("public"));
    site.write(
        "content/tips/bad.md",
        "+++\ntitle = \"Bad\"\ndate = \"2024-13-01\"\n+++\n\nBody.\n",
    );
    // Also change a good page, so a half-written build would show.
    site.write(
        "content/tips/first.md",
        "+++\ntitle = \"First tip, changed\"\ndate = 2024-05-01\n+++\n\nChanged.\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/bad.md:3");
    assert_same_tree(
        &good,
        &tree(&site.path("public")),
        "public/ after a failed build",
    );
}

#[cfg(unix)]
#[test]
fn symlink_in_output_is_replaced_not_followed() {
    let site = Site::new();
    site.build_ok(&[]);
    let outside = site.outer().join("outside");
    fs::create_dir(&outside).expect("create outside folder");
    fs::write(outside.join("keep.txt"), "outside the output folder").expect("write");
    let before_outside = tree(&outside);
    fs::remove_dir_all(site.path("public/tips")).expect("remove public/tips");
    std::os::unix::fs::symlink(&outside, site.path("public/tips")).expect("symlink");

    site.build_ok(&[]);
    assert_same_tree(
        &before_outside,
        &tree(&outside),
        "the folder the symlink pointed at",
    );
    let tips = fs::symlink_metadata(site.path("public/tips")).expect("public/tips exists");
    assert!(
        tips.is_dir() && !tips.file_type().is_symlink(),
        "public/tips is now a real folder"
    );
    assert!(
        site.path("public/tips/first/index.html").is_file(),
        "the section's pages are written into it"
    );
}

#[test]
fn o_parent_of_site_is_refused() {
    let site = Site::new();
    site.build_ok(&[]);
    let before = tree(site.outer());
    let out = site.hub(&["build", "-o", ".."]);
    assert_no_panic(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit status 1\nstderr:\n{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("error"),
        "the refusal is explained:\n{}",
        stderr(&out)
    );
    assert_same_tree(&before, &tree(site.outer()), "the site's parent folder");
}

#[test]
fn o_site_root_is_refused() {
    let site = Site::new();
    site.build_ok(&[]);
    let before = tree(site.outer());
    let out = site.hub(&["build", "-o", "."]);
    assert_no_panic(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit status 1\nstderr:\n{}",
        stderr(&out)
    );
    assert_same_tree(&before, &tree(site.outer()), "the site folder");
}
