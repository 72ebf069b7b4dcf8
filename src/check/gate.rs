//! The checks that stop a publish: personal data (the privacy rules, run on every published
//! text) and links that lead nowhere on the built site. `hub build` and the preview call them
//! through the pipeline's gate step, after the site is rendered in memory and before anything
//! is written. This file only judges what it is handed: it never renders or writes, so that
//! the pipeline can call into check without check calling back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{check_page_privacy, Finding, PageText};
use crate::error::Diagnostic;
use crate::output::OutputFile;
use crate::site::Site;

/// The settings and data files whose values templates may show, for the privacy rules:
/// site.toml (templates get `config`), the files in data/ when a template reads `data`, and
/// the survey files that pages show as forms (`surveys`), each once.
pub(crate) fn published_texts(
    root: &Path,
    shown_data: Option<&crate::data::Data>,
    surveys: &[crate::data::TextFile],
) -> Vec<crate::data::TextFile> {
    let settings = crate::data::TextFile {
        path: PathBuf::from(crate::config::CONFIG_FILE),
        text: std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default(),
    };
    let data: Vec<&crate::data::TextFile> = shown_data
        .into_iter()
        .flat_map(|data| &data.files)
        .collect();
    let surveys_not_in_data = surveys
        .iter()
        .filter(|survey| !data.iter().any(|d| d.path == survey.path));
    std::iter::once(settings)
        .chain(data.iter().copied().cloned())
        .chain(surveys_not_in_data.cloned())
        .collect()
}

/// The privacy rules of `hub check`, run on every published page (and on site.toml and the
/// data files that templates show) before anything is written: personal data must not reach the public
/// because someone forgot to run the check. With `--allow-privacy` the site is published all
/// the same, and the count is reported.
pub(crate) fn personal_data(
    site: &Site,
    settings_and_data: &[crate::data::TextFile],
    allow: &[String],
) -> Vec<Finding> {
    use rayon::prelude::*;
    let texts: Vec<(&Path, &str, usize)> = site
        .pages
        .iter()
        .map(|p| {
            (
                p.source.file.as_path(),
                p.source.text.as_str(),
                p.source.body_start,
            )
        })
        .chain(site.sections.iter().map(|s| {
            (
                s.source.file.as_path(),
                s.source.text.as_str(),
                s.source.body_start,
            )
        }))
        .chain(
            settings_and_data
                .iter()
                .map(|d| (d.path.as_path(), d.text.as_str(), 0)),
        )
        .collect();
    texts
        .par_iter()
        .flat_map_iter(|&(path, text, body_start)| {
            check_page_privacy(
                &PageText {
                    path,
                    text,
                    body_start,
                },
                allow,
            )
        })
        .collect()
}

/// Links and images written in the content (and pages' `image`) that lead to no file the
/// build made, or to a heading that does not exist: broken on the published site, so they
/// stop the build as a broken `@/` link does. `only`: check these pages' links alone.
pub(crate) fn broken_content_links<'a>(
    site: &Site,
    base_url: &'a str,
    files: impl IntoIterator<Item = &'a OutputFile>,
    only: Option<&HashSet<crate::site::PageId>>,
) -> Vec<Diagnostic> {
    let targets = super::links::Targets::new(base_url, files);
    super::links::site_link_findings(site, &targets, only, true)
        .into_iter()
        .map(|f| {
            Diagnostic::new(&f.file, f.message)
                .rule(f.rule)
                .at(f.line, Some(f.column))
                .hint(f.fix)
        })
        .collect()
}

/// A privacy finding as a reason not to publish.
pub(crate) fn privacy_problem(f: &Finding) -> Diagnostic {
    Diagnostic::new(&f.file, format!("{} [{}]", f.message, f.rule))
        .at(f.line, Some(f.column))
        .hint(format!(
            "{} (to publish anyway, once you are sure: hub build --allow-privacy)",
            f.fix.trim_end_matches('.')
        ))
}
