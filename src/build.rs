//! `hub build`: the whole pipeline, from the site folder to a written output folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Highlighting;
use crate::output::{self, OutputFile, WriteStats};
use crate::render::{self, templates, templates::Templates, RenderInput, RenderScope};
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
    /// `--allow-privacy`: publish even with privacy findings.
    pub allow_privacy: bool,
}

/// A rendered site, not yet written.
pub struct RenderedSite {
    pub site: Arc<Site>,
    pub files: Vec<OutputFile>,
    /// The data files, when a template reads `data` (and so publishes some of it); else None.
    pub shown_data: Option<Arc<crate::data::Data>>,
    /// False when only part of the site was rendered (see [`RenderScope`]).
    pub full: bool,
    /// How many pages' HTML was rendered.
    pub rendered_pages: usize,
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
    /// Privacy findings published anyway (with `--allow-privacy`).
    pub privacy_findings: usize,
    /// Problems that did not stop the build, for the command line to print.
    pub warnings: Vec<Diagnostic>,
}

/// Loads the configuration, applying command-line overrides.
pub fn load_config(settings: &BuildSettings) -> Result<Config> {
    let mut config = Config::load(&settings.root)?;
    if let Some(base_url) = &settings.base_url {
        config.base_url = crate::config::normalise_base_url(base_url).ok_or_else(|| {
            Error::Usage(format!(
                "--base-url must be an absolute http(s) address such as https://hub.example.org, not {base_url:?}"
            ))
        })?;
    }
    Ok(config)
}

/// Renders the site in memory. Every problem found is returned together.
pub fn render_site(root: &Path, config: Config, drafts: bool) -> Result<RenderedSite> {
    let model = Model::Build {
        content: None,
        previous: None,
    };
    render_site_with(root, config, drafts, model, None, |_| {
        RenderScope::Everything
    })
    .map(|(rendered, _)| rendered)
}

/// Where a build's site model comes from.
pub(crate) enum Model<'a> {
    /// Made from the content (read now, or as given), reusing what `previous` rendered.
    Build {
        content: Option<crate::content::ContentFiles>,
        previous: Option<&'a Site>,
    },
    /// Already made: the last build with edited pages patched in.
    Ready(Site),
}

/// What a build reads besides content: the templates, data/ and the static files. Only
/// changes outside content/ touch them, so the preview server keeps them between builds.
#[derive(Clone)]
pub(crate) struct SiteAssets {
    /// Parsed, with no site functions registered (each build registers its own).
    templates: Templates,
    data: Arc<crate::data::Data>,
    statics: Arc<Vec<OutputFile>>,
}

impl SiteAssets {
    /// Reads them all, every problem found together.
    fn load(
        root: &Path,
        theme: &templates::ThemeLocation,
        highlighting: &Highlighting,
    ) -> std::result::Result<SiteAssets, Vec<Diagnostic>> {
        let templates = templates::load(root, theme);
        let data = crate::data::load(root);
        let statics = render::static_files(root, theme, highlighting);
        match (templates, data, statics) {
            (Ok(templates), Ok(data), Ok(statics)) => Ok(SiteAssets {
                templates,
                data: Arc::new(data),
                statics: Arc::new(statics),
            }),
            (templates, data, statics) => Err([templates.err(), data.err(), statics.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect()),
        }
    }
}

/// The highlighting mode named in site.toml, or an error pointing at the setting.
fn highlighting_of(root: &Path, config: &Config) -> Result<Highlighting> {
    Highlighting::from_setting(&config.markdown.highlight_theme).map_err(|hint| {
        let mut d = Diagnostic::new(
            crate::config::CONFIG_FILE,
            format!(
                "unknown highlight_theme {:?}",
                config.markdown.highlight_theme
            ),
        )
        .hint(hint);
        if let Some((line, col)) = crate::config::locate_setting(root, "highlight_theme") {
            d = d.at(line, Some(col));
        }
        Error::site(d)
    })
}

/// [`render_site`], reusing what an earlier build of the same site and settings rendered
/// (its model, or its `assets` when only content changed since), and rendering only the
/// files that `scope` picks once the new model is known. Returns the assets it used.
pub(crate) fn render_site_with(
    root: &Path,
    config: Config,
    drafts: bool,
    model: Model<'_>,
    assets: Option<SiteAssets>,
    scope: impl FnOnce(&Site) -> RenderScope,
) -> Result<(RenderedSite, SiteAssets)> {
    let highlighting = highlighting_of(root, &config)?;
    let timer = PhaseTimer::start();
    let (content, previous, ready) = match model {
        Model::Build { content, previous } => (content, previous, None),
        Model::Ready(site) => (None, None, Some(site)),
    };
    let (content, mut problems) = match (content, &ready) {
        (Some(content), _) => (content, Vec::new()),
        (None, Some(_)) => (Default::default(), Vec::new()),
        (None, None) => crate::content::load(root),
    };
    timer.lap("load content");
    let assets = match assets {
        Some(assets) => Ok(assets),
        None => SiteAssets::load(
            root,
            &templates::locate_theme(root, &config.theme)?,
            &highlighting,
        ),
    };
    timer.lap("templates, data and static files");
    let site = match ready {
        Some(site) => Ok(site),
        None => site::build(
            content,
            &BuildOptions {
                base_url: &config.base_url,
                drafts,
                smart_punctuation: config.markdown.smart_punctuation,
                highlighting: &highlighting,
                previous,
            },
        ),
    };
    timer.lap("site model and markdown");
    let (site, assets) = match (site, assets) {
        (Ok(site), Ok(assets)) if problems.is_empty() => (site, assets),
        (site, assets) => {
            problems.extend(site.err().into_iter().flatten());
            problems.extend(assets.err().into_iter().flatten());
            return Err(Error::Site(problems));
        }
    };
    let site = Arc::new(site);
    let scope = scope(&site);
    let files = render::render_site(RenderInput {
        config: &config,
        site: Arc::clone(&site),
        templates: assets.templates.clone(),
        data: &assets.data.value,
        statics: &assets.statics,
        scope: &scope,
    })
    .map_err(|problems| {
        // Files copied from disk are named by their full path; people know them by the
        // site's folders (`static/updates/index.html`).
        let relative = |mut d: Diagnostic| {
            d.path = crate::content::site_relative(root, &d.path);
            d
        };
        Error::Site(problems.into_iter().map(relative).collect())
    })?;
    timer.lap("templates and feeds");
    let (full, rendered_pages) = match &scope {
        RenderScope::Everything => (true, site.pages.len()),
        RenderScope::Only { pages, .. } => (false, pages.len()),
    };
    let shown_data = assets
        .templates
        .any_read_data()
        .then(|| Arc::clone(&assets.data));
    let rendered = RenderedSite {
        site,
        files,
        shown_data,
        full,
        rendered_pages,
    };
    Ok((rendered, assets))
}

/// `hub build`: render everything, then, only if that succeeded, update the output folder.
pub fn build(settings: &BuildSettings) -> Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let output_dir = match &settings.output_dir {
        Some(dir) => output::check_output_dir(&settings.root, &absolute(dir)?, false)?,
        None => output::check_output_dir(&settings.root, Path::new(&config.output_dir), true)?,
    };
    let allow = config.check.allow.clone();
    let base_url = config.base_url.clone();
    let rendered = render_site(&settings.root, config, settings.drafts)?;
    let mut problems = broken_content_links(&rendered.site, &base_url, &rendered.files, None);
    let settings_and_data = published_texts(&settings.root, rendered.shown_data.as_deref());
    let privacy_findings = personal_data(&rendered.site, &settings_and_data, &allow);
    if !settings.allow_privacy {
        problems.extend(privacy_findings.iter().map(privacy_problem));
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        return Err(Error::Site(problems));
    }
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
        privacy_findings: privacy_findings.len(),
        warnings: rendered.site.warnings(),
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

/// The settings and data files whose values templates may show, for the privacy rules:
/// site.toml (templates get `config`), and the files in data/ when a template reads `data`.
pub fn published_texts(
    root: &Path,
    shown_data: Option<&crate::data::Data>,
) -> Vec<crate::data::TextFile> {
    let settings = crate::data::TextFile {
        path: PathBuf::from(crate::config::CONFIG_FILE),
        text: std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default(),
    };
    let data = shown_data.into_iter().flat_map(|data| &data.files);
    std::iter::once(settings).chain(data.cloned()).collect()
}

/// The privacy rules of `hub check`, run on every published page (and on site.toml and the
/// data files that templates show) before anything is written: personal data must not reach the public
/// because someone forgot to run the check. With `--allow-privacy` the site is published all
/// the same, and the count is reported.
fn personal_data(
    site: &Site,
    settings_and_data: &[crate::data::TextFile],
    allow: &[String],
) -> Vec<crate::check::Finding> {
    use crate::check::{check_page_privacy, PageText};
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
pub fn broken_content_links<'a>(
    site: &Site,
    base_url: &'a str,
    files: impl IntoIterator<Item = &'a OutputFile>,
    only: Option<&HashSet<crate::site::PageId>>,
) -> Vec<Diagnostic> {
    let targets = crate::check::links::Targets::new(base_url, files);
    crate::check::links::site_link_findings(site, &targets, only, true)
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
fn privacy_problem(f: &crate::check::Finding) -> Diagnostic {
    Diagnostic::new(&f.file, format!("{} [{}]", f.message, f.rule))
        .at(f.line, Some(f.column))
        .hint(format!(
            "{} (to publish anyway, once you are sure: hub build --allow-privacy)",
            f.fix.trim_end_matches('.')
        ))
}
