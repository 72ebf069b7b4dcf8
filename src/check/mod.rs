//! `hub check`: think before you publish. Builds the site in memory (writing nothing) and
//! runs the rules of each family over every page's Markdown source and the rendered HTML:
//! links, privacy, accessibility, plain language and currency. Each rule family lives in its
//! own file and works on one page at a time, reporting byte offsets into the page's file;
//! this module turns them into `path:line:column` findings.

mod a11y;
mod currency;
pub(crate) mod gate;
mod image_location;
mod language;
mod links;
mod privacy;
mod words;

use std::path::Path;

use serde::Serialize;

use crate::source::SourceText;

pub use crate::rules::Severity;

/// One problem a rule found in one page, before it is placed on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawFinding {
    /// Byte offset in the page's whole file text where the problem starts.
    offset: usize,
    /// Rule name, `family/rule`, e.g. `privacy/email`.
    rule: &'static str,
    severity: Severity,
    /// What is wrong, in one sentence.
    message: String,
    /// How to fix it, in one sentence.
    fix: String,
}

/// A finding placed in its file, as `hub check` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// Line in the file, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
    /// The id of the rule that found it, e.g. `privacy/email`.
    pub rule: &'static str,
    /// Whether it fails `hub check` (errors) or only does with `--strict` (warnings).
    pub severity: Severity,
    /// What was found, in a sentence.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl Finding {
    /// Places a raw finding of `page` on its line and column.
    fn place(page: &SourceText, raw: RawFinding) -> Finding {
        let (line, column) = crate::error::line_col(&page.text, raw.offset);
        Finding {
            file: crate::error::display_path(&page.path),
            line,
            column,
            rule: raw.rule,
            severity: raw.severity,
            message: raw.message,
            fix: raw.fix,
        }
    }
}

/// A page's Markdown body as parser events with their byte ranges in the body: parsed once,
/// and read by every rule that reads Markdown.
type BodyEvents<'a> = Vec<(pulldown_cmark::Event<'a>, std::ops::Range<usize>)>;

/// Parses the page's body as the site renders it.
fn parse_body(page: &SourceText, smart_punctuation: bool) -> BodyEvents<'_> {
    let options = crate::markdown::parser_options(smart_punctuation);
    let body = page.body();
    pulldown_cmark::Parser::new_ext(body, options)
        .into_offset_iter()
        .collect()
}

/// Runs the rules that read one page's source: privacy, accessibility and plain language.
/// Findings silenced by a `<!-- hub:allow FAMILY -->` comment on the line before are dropped.
fn check_page_source(page: &SourceText, allow: &[String], smart_punctuation: bool) -> Vec<Finding> {
    let events = parse_body(page, smart_punctuation);
    let mut raw = privacy::check(page, allow);
    raw.extend(a11y::check(page, &events));
    raw.extend(language::check(page, &events));
    let lines: Vec<&str> = page.text.lines().collect();
    let mut findings: Vec<Finding> = raw
        .into_iter()
        .map(|r| Finding::place(page, r))
        .filter(|f| !allowed_inline(&lines, f))
        .collect();
    findings.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
    findings.dedup();
    findings
}

/// For the `check_rules` fuzz target: the findings of the page rules on one page.
#[doc(hidden)]
pub(crate) fn fuzz_page_findings(page: &SourceText, smart_punctuation: bool) -> Vec<Finding> {
    let mut findings = check_page_source(page, &[], smart_punctuation);
    findings.extend(check_page_privacy(page, &[]));
    findings
}

/// Only the privacy rules (what `hub build` runs before publishing).
fn check_page_privacy(page: &SourceText, allow: &[String]) -> Vec<Finding> {
    let lines: Vec<&str> = page.text.lines().collect();
    privacy::check(page, allow)
        .into_iter()
        .map(|r| Finding::place(page, r))
        .filter(|f| !allowed_inline(&lines, f))
        .collect()
}

/// True when the line before the finding (or its own line) says
/// `<!-- hub:allow privacy -->` (a family) or `<!-- hub:allow privacy/email -->` (one rule);
/// in a TOML data file, `# hub:allow privacy`.
fn allowed_inline(lines: &[&str], finding: &Finding) -> bool {
    let candidates = [finding.line.checked_sub(2), finding.line.checked_sub(1)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|i| lines.get(i))
        .any(|line| {
            let Some(start) = line.find("hub:allow") else {
                return false;
            };
            let rest = &line[start + "hub:allow".len()..];
            let names = rest.split("-->").next().unwrap_or_default();
            names
                .split([' ', ','])
                .filter(|n| !n.is_empty())
                .any(|name| {
                    let family = finding.rule.split('/').next().unwrap_or_default();
                    name == finding.rule || name == family
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: usize, rule: &'static str) -> Finding {
        Finding {
            file: "content/a.md".into(),
            line,
            column: 1,
            rule,
            severity: Severity::Error,
            message: String::new(),
            fix: String::new(),
        }
    }

    #[test]
    fn inline_allow_covers_the_next_line_only() {
        let lines = vec![
            "<!-- hub:allow privacy -->",
            "jo@example.org",
            "jo@example.org",
        ];
        assert!(allowed_inline(&lines, &finding(2, "privacy/email")));
        assert!(!allowed_inline(&lines, &finding(3, "privacy/email")));
        assert!(!allowed_inline(&lines, &finding(2, "language/officialese")));
        let lines = vec!["<!-- hub:allow language/officialese a11y -->", "x"];
        assert!(allowed_inline(&lines, &finding(2, "language/officialese")));
        assert!(allowed_inline(&lines, &finding(2, "a11y/link-text")));
        assert!(!allowed_inline(&lines, &finding(2, "language/readability")));
        let lines = vec!["# hub:allow privacy/email", "press = \"jo@example.org\""];
        assert!(allowed_inline(&lines, &finding(2, "privacy/email")));
        assert!(!allowed_inline(&lines, &finding(2, "privacy/phone")));
    }
}

/// What `hub check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by file, line and column.
    pub findings: Vec<Finding>,
    /// Files checked: Markdown, site.toml, and the data files that templates show.
    pub files: usize,
}

impl CheckReport {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// A build problem (a broken `@/` link, a bad date...) as a finding.
fn from_diagnostic(d: &crate::error::Diagnostic) -> Finding {
    let rule = d.rule.unwrap_or(crate::rules::BUILD_ERROR.id);
    Finding {
        file: crate::error::display_path(&d.path),
        line: d.line.unwrap_or(1),
        column: d.column.unwrap_or(1),
        rule,
        severity: Severity::Error,
        message: d.message.clone(),
        fix: d.hint.clone().unwrap_or_else(|| "see the message".into()),
    }
}

/// A warning of the build (a field below `[extra]`...) as a finding of its rule.
fn from_warning(d: &crate::error::Diagnostic) -> Finding {
    Finding {
        severity: Severity::Warning,
        ..from_diagnostic(d)
    }
}

/// `hub check`'s rules, as of `today`, over the site's sources (`content`, and the problems
/// found loading it) and what the pipeline rendered of them in memory, or the problems that
/// stopped it. The caller renders: check never calls the pipeline, which calls check for
/// its gate, so the two cannot form an import circle.
pub(crate) fn run(
    root: &Path,
    config: &crate::config::Config,
    content: &crate::content::ContentFiles,
    load_problems: &[crate::error::Diagnostic],
    rendered: std::result::Result<&crate::render::RenderedSite, &[crate::error::Diagnostic]>,
    today: chrono::NaiveDate,
) -> CheckReport {
    use rayon::prelude::*;
    let pages: Vec<&SourceText> = content
        .pages
        .iter()
        .chain(&content.sections)
        .map(|source| &source.file)
        .collect();
    let mut findings: Vec<Finding> = pages
        .par_iter()
        .flat_map_iter(|page| {
            check_page_source(page, &config.check.allow, config.markdown.smart_punctuation)
        })
        .collect();
    findings.extend(load_problems.iter().map(from_diagnostic));

    let mut shown_data = None;
    let mut survey_files = Vec::new();
    match rendered {
        Ok(rendered) => {
            shown_data = rendered.shown_data.clone();
            survey_files.clone_from(&rendered.survey_files);
            let targets = links::Targets::new(&config.base_url, &rendered.files);
            let site = &rendered.site;
            let page_findings: Vec<Finding> = site
                .pages
                .par_iter()
                .flat_map_iter(|p| {
                    let page = &p.source.file;
                    let lines: Vec<&str> = page.text.lines().collect();
                    currency::check(&p.source, today)
                        .into_iter()
                        .map(|r| Finding::place(page, r))
                        .filter(|f| !allowed_inline(&lines, f))
                        .collect::<Vec<_>>()
                })
                .collect();
            findings.extend(page_findings);
            findings.extend(links::site_link_findings(site, &targets, None, false));
            findings.extend(site.warnings().iter().map(from_warning));
            findings.extend(links::check_templates(site, &rendered.files, &targets));
            findings.extend(image_location::findings(root, site));
        }
        Err(problems) => findings.extend(problems.iter().map(from_diagnostic)),
    }
    // What templates show of site.toml and data/ is published: the privacy rules read
    // those files too (site.toml even when the build failed).
    let settings_and_data = gate::published_texts(root, shown_data.as_deref(), &survey_files);
    for file in &settings_and_data {
        findings.extend(check_page_privacy(file, &config.check.allow));
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });
    findings.dedup();
    CheckReport {
        findings,
        files: pages.len() + settings_and_data.len(),
    }
}
