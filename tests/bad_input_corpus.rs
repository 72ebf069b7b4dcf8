//! The bad-input corpus: the broken sites and files users really produce, one folder each under
//! `tests/bad-input/<case>/` (see the README there). For every case the test seeds a site with
//! the output of a good build, breaks it as the case says, runs the real `hub` with a memory
//! limit and a kill timer, and asserts what the case's `expect.toml` promises: the exit status
//! (1 for a broken site, never a panic or a signal), the file and line the message names, the
//! words of its hint, and an output folder left byte for byte as the good build wrote it.
//!
//! Big inputs (a 10 MB page, 50,000 nested blockquotes) and names git cannot hold (a newline
//! in a file name, bytes that are not UTF-8) are made at test time from a recipe in
//! `expect.toml`, so the repository holds kilobytes.
//!
//! Unix only: cases make symbolic links, and hub runs under `sh -c 'ulimit -v ...'`.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

use common::{copy_dir, snapshot};

/// A case that runs longer than this is a hang: the process is killed and the case fails.
const KILL_AFTER: Duration = Duration::from_secs(90);
/// The address space hub may use (`ulimit -v`): a small file must not make it allocate
/// gigabytes.
const MEMORY_LIMIT_KIB: u64 = 3 * 1024 * 1024;
/// Cases run this many at a time.
const WORKERS: usize = 2;

/// A case's `expect.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// What the user did, in one sentence.
    about: String,
    /// The hub command line (default: `build`).
    #[serde(default = "build_args")]
    args: Vec<String>,
    /// The exit status (default 1: the site has a problem).
    #[serde(default = "one")]
    exit: i32,
    /// The file the message must name, relative to the site (`content/tips/x.md`); for
    /// exit 1.
    file: Option<String>,
    /// The line of `file` the message must name (`content/tips/x.md:4`).
    line: Option<usize>,
    /// Words the message must contain (case is ignored), usually the hint's.
    #[serde(default)]
    hint: Vec<String>,
    /// Words that must not appear anywhere in what hub printed.
    #[serde(default)]
    absent: Vec<String>,
    /// Files of the base site to delete before the broken run.
    #[serde(default)]
    remove: Vec<String>,
    /// Files made by the test: big ones from a recipe, or names git cannot hold.
    #[serde(default)]
    file_recipe: Vec<FileRecipe>,
    /// Symbolic links made by the test.
    #[serde(default)]
    symlink: Vec<Symlink>,
    /// Output files a successful run (`exit = 0`) must have written.
    #[serde(default)]
    published: Vec<String>,
    /// Output files that must not exist after the run.
    #[serde(default)]
    not_published: Vec<String>,
    /// Text a published file must contain: `[["tips/x/index.html", "text"], ...]`.
    #[serde(default)]
    published_text: Vec<(String, String)>,
    /// Text a published file must not contain.
    #[serde(default)]
    published_without: Vec<(String, String)>,
}

fn build_args() -> Vec<String> {
    vec!["build".into()]
}

fn one() -> i32 {
    1
}

/// `prefix + text × repeat + suffix` (`{n}` in `text` becomes the repetition's number), or bytes written as hex (`hex = "ef bb bf"`) before the
/// text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecipe {
    path: String,
    #[serde(default)]
    hex: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    text: String,
    #[serde(default = "one_usize")]
    repeat: usize,
    #[serde(default)]
    suffix: String,
    /// Text written after the repeated part as hex (bytes that are not UTF-8).
    #[serde(default)]
    suffix_hex: String,
    /// Encode the whole text as UTF-16 little-endian with its byte order mark.
    #[serde(default)]
    utf16: bool,
}

fn one_usize() -> usize {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Symlink {
    path: String,
    target: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("bad-input")
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    hex.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).expect("two hex digits in expect.toml"))
        .collect()
}

impl FileRecipe {
    fn bytes(&self) -> Vec<u8> {
        let mut text = String::with_capacity(self.prefix.len() + self.text.len() * self.repeat);
        text.push_str(&self.prefix);
        for n in 0..self.repeat {
            if self.text.contains("{n}") {
                text.push_str(&self.text.replace("{n}", &n.to_string()));
            } else {
                text.push_str(&self.text);
            }
        }
        text.push_str(&self.suffix);
        let mut bytes = hex_bytes(&self.hex);
        if self.utf16 {
            bytes.extend([0xff, 0xfe]);
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        } else {
            bytes.extend(text.into_bytes());
        }
        bytes.extend(hex_bytes(&self.suffix_hex));
        bytes
    }
}

/// What a run of hub gave.
struct Run {
    status: Option<ExitStatus>,
    killed: bool,
    /// What hub printed, stderr and stdout together.
    stderr: String,
}

/// Runs hub in `dir` under the memory limit, killing it after [`KILL_AFTER`].
fn run_hub(dir: &Path, args: &[String]) -> Run {
    let hub = assert_cmd::cargo::cargo_bin("hub");
    // Both streams: `hub build` reports on stderr, `hub check` its findings on stdout.
    let log = dir.join(".hub-corpus-output");
    let stderr_file = fs::File::create(&log).expect("output log");
    let stdout_file = stderr_file.try_clone().expect("output log");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KIB} && exec \"$@\""))
        .arg("sh")
        .arg(&hub)
        .args(args)
        .current_dir(dir.join("site"))
        .stdin(Stdio::null())
        .stdout(stdout_file)
        .stderr(stderr_file)
        .spawn()
        .expect("start hub");
    let started = Instant::now();
    let mut killed = false;
    let status = loop {
        match child.try_wait().expect("wait for hub") {
            Some(status) => break Some(status),
            None if started.elapsed() > KILL_AFTER => {
                let _ = child.kill();
                let _ = child.wait();
                killed = true;
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let mut bytes = Vec::new();
    fs::File::open(&log)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .expect("read the output log");
    Run {
        status,
        killed,
        stderr: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The good site every case starts from, built once: `site/` with its `public/`.
fn base_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_dir(&corpus_dir().join("_base"), &dir.path().join("site"));
    let run = run_hub(dir.path(), &build_args());
    assert!(
        run.status.is_some_and(|s| s.success()),
        "the good base site did not build:\n{}",
        run.stderr
    );
    dir
}

/// Sets up `case` beside a copy of the built base site, runs it and returns every broken
/// promise (empty when the case passes).
fn run_case(base: &Path, case: &str) -> Vec<String> {
    let case_dir = corpus_dir().join(case);
    let text = fs::read_to_string(case_dir.join("expect.toml")).expect("expect.toml");
    let expect: Expect = match toml::from_str(&text) {
        Ok(e) => e,
        Err(e) => return vec![format!("expect.toml: {e}")],
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("site");
    copy_dir(base.join("site").as_path(), &site);
    for rel in &expect.remove {
        fs::remove_file(site.join(rel)).expect("remove a base file");
    }
    if case_dir.join("site").is_dir() {
        copy_dir(&case_dir.join("site"), &site);
    }
    for recipe in &expect.file_recipe {
        let path = site.join(&recipe.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        fs::write(&path, recipe.bytes()).expect("write a generated file");
    }
    for link in &expect.symlink {
        let path = site.join(&link.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::os::unix::fs::symlink(&link.target, &path).expect("make a symlink");
    }
    let before = snapshot(&site.join("public"));
    let run = run_hub(dir.path(), &expect.args);
    let after = snapshot(&site.join("public"));
    check(&expect, &run, &before, &after)
}

fn check(
    expect: &Expect,
    run: &Run,
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut broken = Vec::new();
    let err = &run.stderr;
    if run.killed {
        broken.push(format!(
            "still running after {KILL_AFTER:?}: killed (a hang)"
        ));
        return broken;
    }
    let code = run.status.and_then(|s| s.code());
    if code != Some(expect.exit) {
        broken.push(format!(
            "exit status {:?} (signal {:?}), expected {}",
            code,
            run.status
                .and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s)),
            expect.exit
        ));
    }
    for panic_text in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "memory allocation",
    ] {
        if err.contains(panic_text) {
            broken.push(format!("printed {panic_text:?}"));
        }
    }
    if let Some(file) = &expect.file {
        let place = match expect.line {
            Some(line) => format!("{file}:{line}"),
            None => file.clone(),
        };
        // With a line, the place must be followed by `:` (a column) or the message; without
        // one, `file` may be a folder or the start of a name (`content/tips/a`).
        let named = err.lines().any(|l| {
            l.strip_prefix("error: ")
                .and_then(|rest| rest.strip_prefix(&place))
                .is_some_and(|rest| {
                    expect.line.is_none() || rest.starts_with(':') || rest.starts_with(' ')
                })
        });
        if !named {
            broken.push(format!("no `error: {place}:` line"));
        }
    }
    // A usage error (2) is one line that says what to type instead; a site problem (1) has
    // its own hint line (`fix:` in what `hub check` prints).
    if expect.exit == 1 && !err.contains("hint:") && !err.contains("fix:") {
        broken.push("no hint".into());
    }
    let lower = err.to_lowercase();
    for word in &expect.hint {
        if !lower.contains(&word.to_lowercase()) {
            broken.push(format!("the message lacks {word:?}"));
        }
    }
    for word in &expect.absent {
        if lower.contains(&word.to_lowercase()) {
            broken.push(format!("the message has {word:?}"));
        }
    }
    if expect.exit != 0 {
        let changed: Vec<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        if !changed.is_empty() {
            broken.push(format!("a failed run changed public/: {changed:?}"));
        }
    }
    for rel in &expect.published {
        if !after.contains_key(rel) {
            broken.push(format!("public/{rel} was not written"));
        }
    }
    for rel in &expect.not_published {
        if after.contains_key(rel) {
            broken.push(format!("public/{rel} was written"));
        }
    }
    for (rel, text) in &expect.published_text {
        let found = after
            .get(rel)
            .is_some_and(|b| String::from_utf8_lossy(b).contains(text.as_str()));
        if !found {
            broken.push(format!("public/{rel} lacks {text:?}"));
        }
    }
    for (rel, text) in &expect.published_without {
        let found = after
            .get(rel)
            .is_some_and(|b| String::from_utf8_lossy(b).contains(text.as_str()));
        if found {
            broken.push(format!("public/{rel} contains {text:?}"));
        }
    }
    if !broken.is_empty() {
        broken.push(format!("stderr:\n{err}"));
    }
    broken
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(corpus_dir())
        .expect("tests/bad-input")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("expect.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_corpus_has_at_least_seventy_cases_each_saying_what_the_user_did() {
    let names = case_names();
    assert!(names.len() >= 70, "only {} cases", names.len());
    for name in names {
        let text = fs::read_to_string(corpus_dir().join(&name).join("expect.toml")).unwrap();
        let expect: Expect =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.toml: {e}"));
        assert!(
            !expect.about.trim().is_empty(),
            "{name}: say what the user did"
        );
        match expect.exit {
            0 => assert!(
                !expect.published.is_empty() || !expect.not_published.is_empty(),
                "{name}: a case that builds says what it must (not) publish"
            ),
            1 => assert!(
                expect.file.is_some() && !expect.hint.is_empty(),
                "{name}: a failing case names the file and words of the hint"
            ),
            _ => assert!(
                !expect.hint.is_empty(),
                "{name}: say what the message names"
            ),
        }
    }
}

/// Every case of the corpus, two at a time; the failures are reported together.
#[test]
fn every_bad_input_is_an_error_with_place_and_hint_and_leaves_the_output() {
    let base = base_site();
    let only = std::env::var("HUB_BAD_INPUT_CASE").ok();
    let queue: Vec<String> = case_names()
        .into_iter()
        .filter(|n| only.as_ref().is_none_or(|o| n.contains(o.as_str())))
        .collect();
    assert!(!queue.is_empty(), "no case matches HUB_BAD_INPUT_CASE");
    let queue = Arc::new(Mutex::new(queue));
    let failures = Arc::new(Mutex::new(Vec::new()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            let queue = Arc::clone(&queue);
            let failures = Arc::clone(&failures);
            let base = base.path();
            scope.spawn(move || loop {
                let Some(case) = queue.lock().unwrap().pop() else {
                    break;
                };
                let broken = run_case(base, &case);
                if !broken.is_empty() {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{case}:\n  {}", broken.join("\n  ")));
                }
            });
        }
    });
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
