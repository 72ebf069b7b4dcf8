//! Faults while publishing: a full disk, a read-only disk, a file size limit, an output folder
//! that is a file, and builds killed at random moments. Each must end with a plain-language
//! error (or, after a kill, nothing at all), the previous site complete in the output folder,
//! and no temporary folder left beside it.
//!
//! The disk tests mount small tmpfs file systems, which needs root (as in CI); elsewhere they
//! print why they did not run and pass.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::*;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount {
    point: PathBuf,
}

impl Mount {
    /// Mounts a tmpfs of `size` (as `mount` reads it: `512k`, `2m`) at `point`, or says why not.
    fn tmpfs(point: &Path, size: &str) -> Option<Mount> {
        fs::create_dir_all(point).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(point)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Mount {
                point: point.to_path_buf(),
            }),
            Ok(out) => {
                eprintln!(
                    "skipped: cannot mount a tmpfs here (needs root): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: cannot run mount: {e}");
                None
            }
        }
    }

    fn remount(&self, option: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{option}")])
            .arg(&self.point)
            .status()
            .expect("run mount");
        assert!(status.success(), "remount {option}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.point).status();
    }
}

/// The output-site fixture in `<temp>/site/`.
fn site() -> TestSite {
    let site = TestSite::empty();
    copy_dir(&fixtures_dir().join("output-site"), &site.path("site"));
    site
}

fn hub_build(site: &TestSite, output: &Path) -> Output {
    hub_in(
        &site.path("site"),
        &["build", "-o", output.to_str().expect("UTF-8 path")],
    )
}

/// Exit status 1, no panic, the message and hint wanted, and the promise that nothing changed.
fn assert_publish_error(out: &Output, message: &str, hint: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "exit status 1:\n{err}");
    assert!(!err.contains("panicked"), "hub panicked:\n{err}");
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    let hint_line = err
        .lines()
        .find(|l| l.trim_start().starts_with("hint:"))
        .unwrap_or_else(|| panic!("a hint in:\n{err}"));
    assert!(
        hint_line.contains(hint),
        "expected {hint:?} in the hint:\n{err}"
    );
    assert!(
        err.contains("nothing was published"),
        "says nothing was published:\n{err}"
    );
}

/// The names in `dir`, sorted: after any build only the output folder itself should be there.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A static file of `bytes` bytes, too big for the small disks below.
fn add_big_file(site: &TestSite, bytes: usize) {
    site.write_bytes("site/static/files/big.bin", &vec![7u8; bytes]);
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_site_stays() {
    let site = site();
    let Some(disk) = Mount::tmpfs(&site.path("disk"), "512k") else {
        return;
    };
    let output = disk.point.join("public");
    assert_success(&hub_build(&site, &output));
    let good = snapshot(&output);
    assert!(good.contains_key("index.html"), "the first build published");

    add_big_file(&site, 2 << 20);
    let out = hub_build(&site, &output);
    assert_publish_error(&out, "the disk is full", "free some space");
    assert_eq!(snapshot(&output), good, "the previous site is complete");
    assert_eq!(
        names_in(&disk.point),
        ["public"],
        "no temporary folder left"
    );

    // Once there is room again, the next build publishes without any manual step.
    fs::remove_file(site.path("site/static/files/big.bin")).expect("remove");
    site.write(
        "site/content/tips/first.md",
        "+++\ntitle = \"First tip, after the disk was full\"\ndate = 2024-05-01\n+++\n\nMore room.\n",
    );
    assert_success(&hub_build(&site, &output));
    assert!(fs::read_to_string(output.join("tips/first/index.html"))
        .expect("read")
        .contains("after the disk was full"));
}

#[test]
fn a_read_only_disk_is_a_clear_error_and_the_previous_site_stays() {
    let site = site();
    let Some(disk) = Mount::tmpfs(&site.path("disk"), "4m") else {
        return;
    };
    let output = disk.point.join("public");
    assert_success(&hub_build(&site, &output));
    let good = snapshot(&output);
    disk.remount("ro");
    site.write(
        "site/content/tips/first.md",
        "+++\ntitle = \"Changed\"\ndate = 2024-05-01\n+++\n\nChanged.\n",
    );
    let out = hub_build(&site, &output);
    disk.remount("rw");
    assert_publish_error(&out, "the disk is read-only", "-o DIR");
    assert_eq!(snapshot(&output), good, "the previous site is complete");
    assert_eq!(
        names_in(&disk.point),
        ["public"],
        "no temporary folder left"
    );
}

/// `ulimit -f`: without hub blocking SIGXFSZ, the kernel would kill it half-way.
#[cfg(unix)]
#[test]
fn a_file_size_limit_is_a_clear_error_and_the_previous_site_stays() {
    let site = site();
    let output = site.path("out/public");
    assert_success(&hub_build(&site, &output));
    let good = snapshot(&output);
    add_big_file(&site, 1 << 20);
    let hub = assert_cmd::cargo::cargo_bin("hub");
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 200 && exec \"$0\" \"$@\"")
        .arg(&hub)
        .args(["build", "-o"])
        .arg(&output)
        .current_dir(site.path("site"))
        .output()
        .expect("run hub under ulimit");
    assert_publish_error(&out, "file size limit", "ulimit");
    assert_eq!(snapshot(&output), good, "the previous site is complete");
    assert_eq!(
        names_in(&site.path("out")),
        ["public"],
        "no temporary folder left"
    );
}

#[test]
fn an_output_folder_that_is_a_file_is_refused() {
    let site = site();
    site.write("notes.txt", "my notes");
    let out = hub_build(&site, &site.path("notes.txt"));
    assert_publish_error(&out, "is a file", "choose another folder");
    let out = hub_build(&site, &site.path("notes.txt/public"));
    assert_publish_error(&out, "is a file, not a folder", "folders only");
    assert_eq!(
        fs::read_to_string(site.path("notes.txt")).expect("read"),
        "my notes"
    );
}

/// An empty `.hub-output` put in a folder by hand does not let hub delete the folder's files.
#[test]
fn a_planted_empty_marker_does_not_hand_over_a_folder() {
    let site = site();
    let folder = site.path("mine");
    fs::create_dir_all(&folder).expect("create");
    fs::write(folder.join(".hub-output"), "").expect("marker");
    fs::write(folder.join("report.docx"), "months of work").expect("write");
    let before = snapshot(&folder);
    let out = hub_build(&site, &folder);
    assert_publish_error(
        &out,
        "already holds files that hub did not write (report.docx)",
        "choose an empty or new folder",
    );
    assert_eq!(snapshot(&folder), before);
}

/// What a killed build left is tidied up by the next build, with no step by hand.
#[test]
fn leftovers_beside_the_output_folder_are_tidied_up() {
    let site = site();
    let output = site.path("out/public");
    assert_success(&hub_build(&site, &output));
    let next = site.path("out/.public.hub-next");
    fs::create_dir_all(next.join("tips")).expect("create");
    fs::write(next.join(".hub-output"), "half-written").expect("write");
    fs::write(next.join("tips/index.html"), "half").expect("write");
    fs::write(site.path("out/.public.hub-lock"), "").expect("write");
    assert_success(&hub_build(&site, &output));
    assert_eq!(names_in(&site.path("out")), ["public"]);
}

/// An output folder that is a disk of its own cannot be swapped: hub updates it file by file.
#[test]
fn an_output_folder_that_is_a_mount_point_is_updated_in_place() {
    let site = site();
    let output = site.path("public-disk");
    let Some(_disk) = Mount::tmpfs(&output, "4m") else {
        return;
    };
    assert_success(&hub_build(&site, &output));
    site.write(
        "site/content/tips/first.md",
        "+++\ntitle = \"Changed on a disk of its own\"\ndate = 2024-05-01\n+++\n\nChanged.\n",
    );
    assert_success(&hub_build(&site, &output));
    assert!(fs::read_to_string(output.join("tips/first/index.html"))
        .expect("read")
        .contains("Changed on a disk of its own"));
    assert!(!output.join(".hub-staging").exists());
    fs::write(output.join("added.html"), "by hand").expect("write");
    let out = hub_build(&site, &output);
    assert_publish_error(&out, "added.html", "choose an empty or new folder");
    assert!(output.join("added.html").is_file());
}

/// Writes `count` pages into content/tips/, each naming `version`.
fn write_pages(site: &TestSite, count: usize, version: &str) {
    for n in 0..count {
        site.write(
            &format!("site/content/tips/page-{n}.md"),
            &format!(
                "+++\ntitle = \"Tip {n}\"\ndate = 2024-05-01\n+++\n\nTip {n}, {version}. Check who can see a post.\n"
            ),
        );
    }
}

/// A small version of `bench/kill_test.py`: builds killed at spread-out moments leave either the
/// whole previous site or the whole new one, and the next build finishes the job.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    let site = site();
    let output = site.path("out/public");
    let hub = assert_cmd::cargo::cargo_bin("hub");
    let versions = ["version A", "version B"];
    let mut manifests: Vec<BTreeMap<String, Vec<u8>>> = Vec::new();
    let mut took = Duration::ZERO;
    for (n, version) in versions.iter().enumerate() {
        write_pages(&site, 300, version);
        let reference = site.path(&format!("reference-{n}"));
        let started = Instant::now();
        assert_success(&hub_build(&site, &reference));
        took = took.max(started.elapsed());
        manifests.push(snapshot(&reference));
    }
    assert_ne!(manifests[0], manifests[1], "the two versions differ");
    assert_success(&hub_build(&site, &output));
    assert_eq!(snapshot(&output), manifests[1]);

    // Moments spread over the build (a fixed sequence, so a failure can be repeated).
    let mut seed: u64 = 0x5eed;
    for round in 0..5 {
        write_pages(&site, 300, versions[round % 2]);
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let fraction = (seed >> 33) as f64 / (1u64 << 31) as f64;
        let mut child = Command::new(&hub)
            .args(["build", "-o"])
            .arg(&output)
            .current_dir(site.path("site"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start hub");
        std::thread::sleep(took.mul_f64(fraction * 1.2));
        let _ = child.kill();
        child.wait().expect("wait for hub");
        let now = snapshot(&output);
        assert!(
            manifests.contains(&now),
            "round {round}: killed after {:.0}% of a build, the output folder is neither the old site nor the new one",
            fraction * 120.0
        );
    }
    write_pages(&site, 300, versions[0]);
    assert_success(&hub_build(&site, &output));
    assert_eq!(snapshot(&output), manifests[0]);
    assert_eq!(
        names_in(&site.path("out")),
        ["public"],
        "no temporary folder left"
    );
}

/// An alias on the address of a file hub writes (the feeds, robots.txt, the sitemap) would
/// need that file to be a folder too: refused before anything is written, on a fresh output
/// folder and on a published one alike, which keeps its feed.
#[test]
fn an_alias_on_a_file_hub_writes_is_refused_and_publishes_nothing() {
    for alias in ["/atom.xml", "/robots.txt", "/sitemap.xml", "/feed.json"] {
        let site = site();
        let output = site.path("out/public");
        let page = format!(
            "+++\ntitle = \"First tip\"\ndate = 2024-05-01\naliases = [\"{alias}\"]\n+++\n\nHello.\n"
        );
        let original = fs::read_to_string(site.path("site/content/tips/first.md")).expect("read");
        site.write("site/content/tips/first.md", &page);
        let out = hub_build(&site, &output);
        assert_eq!(out.status.code(), Some(1), "{alias}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&alias[1..]),
            "{alias}: {}",
            stderr(&out)
        );
        assert!(!output.exists(), "{alias}: nothing published");
        assert!(
            !site.path("out").exists(),
            "{alias}: no folder made for a site that cannot be written"
        );

        site.write("site/content/tips/first.md", &original);
        assert_success(&hub_build(&site, &output));
        let good = snapshot(&output);
        site.write("site/content/tips/first.md", &page);
        let out = hub_build(&site, &output);
        assert_eq!(out.status.code(), Some(1), "{alias}: {}", stderr(&out));
        assert_eq!(
            snapshot(&output),
            good,
            "{alias}: the published site is kept"
        );
        assert!(output.join(&alias[1..]).is_file(), "{alias} stays a file");
    }
}

/// While one build holds the lock beside the output folder, another changes nothing and says
/// why; once the lock is free, the next build publishes and removes the lock file.
#[cfg(unix)]
#[test]
fn a_second_build_does_not_publish_while_one_is_publishing() {
    let site = site();
    let output = site.path("out/public");
    assert_success(&hub_build(&site, &output));
    let good = snapshot(&output);
    let lock_path = site.path("out/.public.hub-lock");
    let lock = fs::File::create(&lock_path).expect("create the lock file");
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).expect("lock");
    site.write(
        "site/content/tips/first.md",
        "+++\ntitle = \"Changed\"\ndate = 2024-05-01\n+++\n\nChanged.\n",
    );
    let out = hub_build(&site, &output);
    assert_publish_error(
        &out,
        "another hub build is publishing",
        "wait for that build",
    );
    assert_eq!(snapshot(&output), good);
    drop(lock);
    assert_success(&hub_build(&site, &output));
    assert_ne!(snapshot(&output), good);
    assert_eq!(names_in(&site.path("out")), ["public"]);
}

/// A folder the user may not write to (run as `nobody` through setpriv, since root may write
/// anywhere): a plain-language error, the previous site kept.
#[cfg(unix)]
#[test]
fn an_output_folder_without_write_permission_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let site = site();
    let output = site.path("out/public");
    assert_success(&hub_build(&site, &output));
    let good = snapshot(&output);
    // Everyone may read the site and the output; only its owner may write beside it.
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.expect("walk");
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let hub = assert_cmd::cargo::cargo_bin("hub");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&hub)
        .args(["build", "-o"])
        .arg(&output)
        .current_dir(site.path("site"))
        .output();
    let out = match out {
        Ok(out) if stderr(&out).contains("setpriv:") => {
            eprintln!(
                "skipped: cannot run as another user: {}",
                stderr(&out).trim()
            );
            return;
        }
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: setpriv is not available: {e}");
            return;
        }
    };
    assert_publish_error(&out, "you are not allowed to write there", "permission");
    assert_eq!(snapshot(&output), good, "the previous site is complete");
    assert_eq!(
        names_in(&site.path("out")),
        ["public"],
        "nothing left beside"
    );
}
