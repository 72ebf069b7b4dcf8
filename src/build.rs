//! `hub build`: the whole pipeline, from the site folder to a written output folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Highlighting;
use crate::output::{self, OutputFile, WriteStats};
use crate::render::{self, templates, RenderInput};
use crate::site::{self, BuildOptions, Site};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildSettings {
    /// The site root (the folder with site.toml).
    pub root: PathBuf,
    /// `-o DIR`: build somewhere other than `output_dir`.
    pub output_dir: Option<PathBuf>,
    /// `--base-url`: publish under another address (a staging host, say).
    pub base_url: Option<String>,
    /// `--drafts`: include draft pages.
    pub drafts: bool,
}

/// A rendered site, not yet written.
pub struct RenderedSite {
    pub config: Config,
    pub site: Arc<Site>,
    pub files: Vec<OutputFile>,
}

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub tags: usize,
    pub elapsed: Duration,
    pub output_dir: PathBuf,
    pub stats: WriteStats,
}

/// Loads the configuration, applying command-line overrides.
pub fn load_config(settings: &BuildSettings) -> Result<Config> {
    let mut config = Config::load(&settings.root)?;
    if let Some(base_url) = &settings.base_url {
        let text = format!(
            "title = \"x\"\nbase_url = {}\n",
            toml::Value::String(base_url.clone())
        );
        let checked = Config::parse(&text).map_err(|_| {
            Error::Usage(format!("--base-url must be an absolute http(s) address such as https://hub.example.org, not {base_url:?}"))
        })?;
        config.base_url = checked.base_url;
    }
    Ok(config)
}

/// Renders the whole site in memory. Every problem found is returned together.
pub fn render_site(root: &Path, config: Config, drafts: bool) -> Result<RenderedSite> {
    let highlighting =
        Highlighting::from_setting(&config.markdown.highlight_theme).map_err(|hint| {
            let mut d = Diagnostic::new(
                crate::config::CONFIG_FILE,
                format!(
                    "unknown highlight_theme {:?}",
                    config.markdown.highlight_theme
                ),
            )
            .hint(hint);
            if let Some((line, col)) = crate::error::find_key_in_file(root, "highlight_theme") {
                d = d.at(line, Some(col));
            }
            Error::site(d)
        })?;
    let theme = templates::locate_theme(root, &config.theme)?;
    let timer = PhaseTimer::start();
    let (content, mut problems) = crate::content::load(root);
    timer.lap("load content");
    let templates = templates::load(root, &theme);
    let data = crate::data::load(root);
    let site = site::build(
        content,
        &BuildOptions {
            base_url: &config.base_url,
            drafts,
            smart_punctuation: config.markdown.smart_punctuation,
            highlighting: &highlighting,
        },
    );
    timer.lap("site model and markdown");
    let (site, templates, data) = match (site, templates, data) {
        (Ok(site), Ok(templates), Ok(data)) if problems.is_empty() => (site, templates, data),
        (site, templates, data) => {
            for found in [site.err(), templates.err(), data.err()]
                .into_iter()
                .flatten()
            {
                problems.extend(found);
            }
            return Err(Error::Site(problems));
        }
    };
    let site = Arc::new(site);
    let files = render::render_site(RenderInput {
        root,
        config: &config,
        site: Arc::clone(&site),
        templates,
        theme: &theme,
        data,
        highlighting: &highlighting,
    })
    .map_err(Error::Site)?;
    timer.lap("templates and feeds");
    Ok(RenderedSite {
        config,
        site,
        files,
    })
}

/// `hub build`: render everything, then, only if that succeeded, update the output folder.
pub fn build(settings: &BuildSettings) -> Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let output_dir = match &settings.output_dir {
        Some(dir) => output::check_output_dir(&settings.root, &absolute(dir)?, false)?,
        None => output::check_output_dir(&settings.root, Path::new(&config.output_dir), true)?,
    };
    let rendered = render_site(&settings.root, config, settings.drafts)?;
    let rendered_at = started.elapsed();
    let stats = output::write(&output_dir, &rendered.files)?;
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
        stats,
    })
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::io(path, e))
}

/// Prints how long each stage took when `HUB_TIMINGS` is set, for benchmarking.
struct PhaseTimer {
    last: std::cell::Cell<Instant>,
    enabled: bool,
}

impl PhaseTimer {
    fn start() -> PhaseTimer {
        PhaseTimer {
            last: std::cell::Cell::new(Instant::now()),
            enabled: std::env::var_os("HUB_TIMINGS").is_some(),
        }
    }

    fn lap(&self, stage: &str) {
        if self.enabled {
            eprintln!("timings: {stage} {:?}", self.last.get().elapsed());
            self.last.set(Instant::now());
        }
    }
}
