//! The sample messages in README.md and docs/ are what `hub` prints, word for word.
//!
//! Every ```text block in those files that shows an `error:` or `warning:` line must be
//! preceded by a comment naming a fixture site and the command that prints it:
//!
//! ```text
//! <!-- sample: doc-replying check -->
//! ```
//!
//! This test copies `tests/fixtures/doc-replying/` to a temporary folder, runs `hub check`
//! there, and requires every line of the block (but a leading `$ hub …` line) to appear in
//! what hub printed, in the same order. `{tmp}` in the command stands for the temporary
//! folder, which is removed from the output in turn (so `{tmp}/srv/www` prints as `/srv/www`);
//! timings (`in 284 ms`) may differ.

mod common;

use std::path::Path;

use common::*;

/// A sample block found in a document.
struct Sample {
    /// `docs/check.md:74`, for messages.
    place: String,
    /// The comment's fixture and arguments, when there is one.
    command: Option<(String, Vec<String>)>,
    lines: Vec<String>,
}

fn documents() -> Vec<std::path::PathBuf> {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .expect("docs folder")
        .map(|e| e.expect("docs entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The ```text blocks of `text` that show hub's messages, with the comment before each.
fn samples_in(name: &str, text: &str) -> Vec<Sample> {
    let lines: Vec<&str> = text.lines().collect();
    let mut samples = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```text" {
            i += 1;
            continue;
        }
        let start = i;
        let mut block = Vec::new();
        i += 1;
        while i < lines.len() && lines[i].trim_end() != "```" {
            block.push(lines[i].to_string());
            i += 1;
        }
        let shows_messages = block
            .iter()
            .any(|l| l.starts_with("error: ") || l.starts_with("warning: "));
        if shows_messages {
            let command = start
                .checked_sub(1)
                .and_then(|before| lines[before].trim().strip_prefix("<!-- sample:"))
                .and_then(|rest| rest.strip_suffix("-->"))
                .map(|words| {
                    let mut words = words.split_whitespace().map(str::to_string);
                    let fixture = words.next().unwrap_or_default();
                    (fixture, words.collect())
                });
            samples.push(Sample {
                place: format!("{name}:{}", start + 1),
                command,
                lines: block.into_iter().filter(|l| !l.starts_with("$ ")).collect(),
            });
        }
        i += 1;
    }
    samples
}

/// `in 1,284 ms` → `in N ms`, so that timings do not matter.
fn without_timings(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(" ms") {
        let before = &rest[..at];
        let digits = before
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',')
            .len();
        if digits < before.len() && before[..digits].ends_with(" in ") {
            out.push_str(&before[..digits]);
            out.push_str("N ms");
        } else {
            out.push_str(&rest[..at + 3]);
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

/// Runs the sample's command; an error names the first line of the sample that hub did not
/// print (in order).
fn check_sample(sample: &Sample, fixture: &str, args: &[String]) -> Result<(), String> {
    let site = TestSite::fixture(fixture);
    let tmp = site.root().to_string_lossy().into_owned();
    let args: Vec<String> = args.iter().map(|a| a.replace("{tmp}", &tmp)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = site.hub(&args);
    let printed = format!("{}{}", stdout(&out), stderr(&out)).replace(&tmp, "");
    let printed: Vec<String> = printed.lines().map(without_timings).collect();
    let mut from = 0;
    for line in &sample.lines {
        let wanted = without_timings(line);
        match printed[from..].iter().position(|p| *p == wanted) {
            Some(at) => from += at + 1,
            None => {
                return Err(format!(
                    "{}: hub {} does not print (in this order):\n{line}\n\nit printed:\n{}",
                    sample.place,
                    args.join(" "),
                    printed.join("\n")
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn every_sample_message_in_the_docs_is_printed_by_hub_as_written() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in documents() {
        let text = std::fs::read_to_string(&path).expect("document");
        let name = path
            .strip_prefix(repo())
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        for sample in samples_in(&name, &text) {
            let Some((fixture, args)) = &sample.command else {
                failures.push(format!(
                    "{}: a sample message without a `<!-- sample: FIXTURE ARGS -->` line before it",
                    sample.place
                ));
                continue;
            };
            assert!(
                Path::new(&fixtures_dir().join(fixture)).is_dir(),
                "{}: no fixture tests/fixtures/{fixture}",
                sample.place
            );
            if let Err(e) = check_sample(&sample, fixture, args) {
                failures.push(e);
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} samples found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_sample_finder_sees_blocks_and_their_commands() {
    let text = "Intro\n<!-- sample: doc-x check --strict -->\n```text\n$ hub check\nerror: a.md:1:1: bad\n  fix: mend\n```\n\n```text\nplain\n```\n```text\nwarning: b\n```\n";
    let samples = samples_in("t.md", text);
    assert_eq!(samples.len(), 2);
    assert_eq!(samples[0].place, "t.md:3");
    assert_eq!(
        samples[0].command,
        Some((
            "doc-x".to_string(),
            vec!["check".to_string(), "--strict".to_string()]
        ))
    );
    assert_eq!(samples[0].lines, ["error: a.md:1:1: bad", "  fix: mend"]);
    assert_eq!(samples[1].command, None);
    assert_eq!(
        without_timings("checked 9 files in 1,284 ms: 4 errors"),
        "checked 9 files in N ms: 4 errors"
    );
    assert_eq!(
        without_timings("built 3 pages in 7 ms → public/"),
        "built 3 pages in N ms → public/"
    );
}
