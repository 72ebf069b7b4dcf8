//! Every page of the bundled guide and of the `hub init` starter is valid HTML, as the W3C's
//! Nu Html Checker (vnu.jar, the checker behind validator.w3.org) sees it. Needs Java and
//! vnu.jar, which `./test` installs (or set HUB_JAVA and HUB_VNU); without them the tests fail
//! and say what to install. A page with a nesting error proves the checker's reports are read.

mod common;

use std::path::Path;
use std::process::Command;

use common::browser_tools::{BrowserTool, BrowserTools};
use common::*;
use serde_json::Value;

/// One problem the checker reported.
#[derive(Debug)]
struct Problem {
    file: String,
    line: Option<u64>,
    message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Runs the checker over every HTML file under `public`, and returns its errors.
fn validate(public: &Path) -> Vec<Problem> {
    let tools = BrowserTools::find(&[BrowserTool::Java, BrowserTool::NuChecker]);
    let output = Command::new(&tools.java)
        .arg("-jar")
        .arg(&tools.vnu)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(public)
        .output()
        .expect("run the Nu Html Checker");
    // The checker writes its JSON report to standard error, and exits 1 when it found errors.
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "the checker's report is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("a list of messages");
    let problems: Vec<Problem> = messages
        .iter()
        .map(|m| Problem {
            file: m["url"]
                .as_str()
                .and_then(|url| url.split_once(public.to_str().expect("a UTF-8 path")))
                .map_or_else(|| m["url"].to_string(), |(_, rest)| rest.to_string()),
            line: m["lastLine"].as_u64(),
            message: m["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    assert_eq!(
        problems.is_empty(),
        output.status.success(),
        "the checker's exit status disagrees with its report: {problems:?}"
    );
    problems
}

fn assert_valid(public: &Path) {
    let problems = validate(public);
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "{} HTML validation errors:\n{}",
        problems.len(),
        list.join("\n")
    );
}

#[test]
fn every_page_of_the_guide_is_valid_html() {
    let site = copy_guide();
    site.build_ok(&[]);
    assert_valid(&site.path("public"));
}

#[test]
fn every_page_of_the_starter_is_valid_html() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init", "."]));
    site.build_ok(&[]);
    assert_valid(&site.path("public"));
}

#[test]
fn the_checker_reports_a_page_with_a_nesting_error() {
    let site = TestSite::with_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org\"\n",
        ),
        (
            "content/broken.md",
            "+++\ntitle = \"Broken\"\n+++\n\n<span><div>a block inside an inline</div></span>\n",
        ),
    ]);
    site.build_ok(&[]);
    let problems = validate(&site.path("public"));
    assert!(
        problems
            .iter()
            .any(|p| p.file.ends_with("broken/index.html") && p.message.contains("“span”")),
        "no error reported for the broken page: {problems:?}"
    );
}
