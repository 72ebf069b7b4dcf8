//! `hub build`: settings → the pipeline (render in memory, then the gate) → write the output
//! folder → a report. Nothing is written unless the whole site rendered and passed the gate.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Diagnostic, Error, Result};
use crate::output;
use crate::pipeline::{self, load_config, render_site};

pub use crate::pipeline::BuildSettings;

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages built.
    pub pages: usize,
    /// Sections built.
    pub sections: usize,
    /// Tags the pages use.
    pub tags: usize,
    /// Time from start to a written output folder.
    pub elapsed: Duration,
    /// The output folder written to.
    pub output_dir: PathBuf,
    /// Privacy findings published anyway (with `--allow-privacy`).
    pub privacy_findings: usize,
    /// Problems that did not stop the build, for the command line to print.
    pub warnings: Vec<Diagnostic>,
}

/// `hub build`: render everything, then, only if that succeeded, update the output folder.
pub fn build(settings: &BuildSettings) -> Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let output_dir = match &settings.output_dir {
        Some(dir) => output::check_output_dir(&settings.root, &absolute(dir)?, false)?,
        None => output::check_output_dir(&settings.root, Path::new(&config.output_dir), true)
            .map_err(|e| match e {
                Error::Site(problems) => Error::Site(
                    problems
                        .into_iter()
                        .map(|d| config.at_setting(d, "output_dir"))
                        .collect(),
                ),
                other => other,
            })?,
    };
    let allow = config.check.allow.clone();
    let base_url = config.base_url.clone();
    let mut rendered = render_site(&settings.root, config, settings.drafts)?;
    let privacy_findings = pipeline::gate(
        &settings.root,
        &rendered,
        &base_url,
        &allow,
        settings.allow_privacy,
    )?;
    pipeline::publish_images(&settings.root, &mut rendered)?;
    let rendered_at = started.elapsed();
    output::write(&output_dir, &rendered.files)?;
    if std::env::var_os("HUB_TIMINGS").is_some() {
        eprintln!(
            "timings: render {rendered_at:?}, write {:?}",
            started.elapsed() - rendered_at
        );
    }
    Ok(BuildReport {
        pages: rendered.site.pages.len(),
        sections: rendered.site.sections.len(),
        tags: rendered.site.tags.len(),
        elapsed: started.elapsed(),
        output_dir,
        privacy_findings,
        warnings: rendered.warnings(),
    })
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::io(path, e))
}
