//! Replays every input the fuzzers found a problem with (tests/fuzz-regressions/TARGET/*)
//! through the same entry point the fuzz target calls, on stable Rust in a plain
//! `cargo test`: a fixed crash that comes back fails here, without a fuzzer installed.

use std::path::{Path, PathBuf};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Every folder names a target, so that an input saved under a misspelt name is not silently
/// skipped.
#[test]
fn every_regression_folder_is_a_target() {
    for entry in std::fs::read_dir(regressions()).expect("tests/fuzz-regressions exists") {
        let path = entry.expect("a readable folder entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            assert!(
                hub::fuzz_entry::TARGETS.iter().any(|(t, _)| *t == name),
                "tests/fuzz-regressions/{name} is not a fuzz target"
            );
        }
    }
}

/// The saved inputs of every target pass the target's checks again.
#[test]
fn saved_inputs_pass_their_targets() {
    let mut replayed = 0;
    for (name, target) in hub::fuzz_entry::TARGETS {
        let dir = regressions().join(name);
        if !dir.is_dir() {
            continue;
        }
        for input in inputs(&dir) {
            let data = std::fs::read(&input).expect("a readable input");
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} fails again (run `fuzz/run --replay {name}` to see it)",
                input.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no saved input was replayed");
}

/// The entry points check what they promise: a broken property is a failure, not ignored.
#[test]
fn entry_points_check_their_properties() {
    // A path that tries to leave the output folder maps to no file.
    hub::fuzz_entry::serve_path(b"/../../etc/passwd");
    hub::fuzz_entry::serve_path(b"/%2e%2e/%2e%2e/etc/passwd");
    // An accepted date reads back; a slug of a slug is the slug.
    hub::fuzz_entry::date(b"2026-11-24T09:30:00+01:00");
    hub::fuzz_entry::slug("Ärger über Straße".as_bytes());
    assert!(hub::fuzz_entry::run("slug", b"x"));
    assert!(!hub::fuzz_entry::run("no_such_target", b"x"));
}
