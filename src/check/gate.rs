//! The checks that stop a publish: personal data (the privacy rules, run on every published
//! text) and links that lead nowhere on the built site. `hub build` and the preview call them
//! through the pipeline's gate step, after the site is rendered in memory and before anything
//! is written. This file only judges what it is handed: it never renders or writes, so that
//! the pipeline can call into check without check calling back.

use std::collections::HashSet;
use std::path::Path;

use super::{check_page_privacy, Finding};
use crate::error::Diagnostic;
use crate::output::OutputFile;
use crate::site::Site;
use crate::source::SourceText;

/// The settings and data files whose values templates may show, for the privacy rules:
/// site.toml (templates get `config`), the files in data/ when a template reads `data`, and
/// the survey files that pages show as forms (`surveys`), each once.
pub(crate) fn published_texts(
    root: &Path,
    shown_data: Option<&crate::data::Data>,
    surveys: &[SourceText],
) -> Vec<SourceText> {
    let settings = SourceText::whole(
        crate::config::CONFIG_FILE,
        std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default(),
    );
    let data: Vec<&SourceText> = shown_data
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
    settings_and_data: &[SourceText],
    allow: &[String],
) -> Vec<Finding> {
    use rayon::prelude::*;
    let texts: Vec<&SourceText> = site
        .pages
        .iter()
        .map(|p| &p.source.file)
        .chain(site.sections.iter().map(|s| &s.source.file))
        .chain(settings_and_data)
        .collect();
    texts
        .par_iter()
        .flat_map_iter(|text| check_page_privacy(text, allow))
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
