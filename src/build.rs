//! `hub build`: the whole pipeline, from the site folder to a written output folder.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::Highlighting;
use crate::output::{self, OutputFile, WriteStats};
use crate::render::{self, templates, templates::Templates, RenderInput, RenderScope};
use crate::site::{self, BuildOptions, Page, Site};

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
enum Model<'a> {
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
struct SiteAssets {
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
fn render_site_with(
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

/// Every file of a site by output path, shared so that a quick rebuild copies pointers only.
pub type SiteFiles = BTreeMap<String, Arc<OutputFile>>;

/// Repeated builds of one site in memory, for the preview server: each build reuses the last
/// good one, re-rendering Markdown only for changed files and, when only page text changed,
/// templates only for those pages and the listings, tags and feeds that show them.
pub struct Session {
    root: PathBuf,
    settings: BuildSettings,
    last: Option<LastBuild>,
    /// The content files as last read, so that an edit re-reads only the edited file.
    content: Option<crate::content::ContentFiles>,
}

struct LastBuild {
    site: Arc<Site>,
    config_text: String,
    files: Arc<SiteFiles>,
    /// None after a failed build that did not only change content.
    assets: Option<SiteAssets>,
}

/// What one build of a [`Session`] produced.
pub struct SessionBuild {
    /// Every file of the site, by output path.
    pub files: Arc<SiteFiles>,
    pub pages: usize,
    /// Pages whose HTML was rendered again (all of them on a full build).
    pub rendered_pages: usize,
    pub full: bool,
    pub elapsed: Duration,
    /// Problems that did not stop the build, for the preview to print.
    pub warnings: Vec<Diagnostic>,
}

impl Session {
    /// A session for the site at `settings.root` (with `base_url` already set as wanted).
    pub fn new(settings: BuildSettings) -> Session {
        Session {
            root: settings.root.clone(),
            settings,
            last: None,
            content: None,
        }
    }

    /// Builds the site. `content_only` says that only Markdown under content/ changed since
    /// the last build (anything else, templates, site.toml, data, static files, needs
    /// everything); `changed` names those files (site-relative), so only they are read again.
    pub fn build(&mut self, content_only: bool, changed: &[String]) -> Result<SessionBuild> {
        let result = self.build_reusing(content_only, changed);
        if result.is_err() && !content_only {
            // The templates, data or static files may be what failed: read them again next
            // time, even if only content changes then.
            if let Some(last) = &mut self.last {
                last.assets = None;
            }
        }
        result
    }

    fn build_reusing(&mut self, content_only: bool, changed: &[String]) -> Result<SessionBuild> {
        let started = Instant::now();
        // Read what changed into the last reading when that is enough, else walk content/.
        let refreshed = content_only && !changed.is_empty() && self.refresh(changed);
        let fresh = (!refreshed).then(|| self.read_content());
        let config_text =
            std::fs::read_to_string(self.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
        let config = load_config(&self.settings)?;
        let reusable = self
            .last
            .as_ref()
            .filter(|last| content_only && last.config_text == config_text);
        let previous_site = reusable.map(|last| Arc::clone(&last.site));
        // The quickest path: edited pages patched into the last model, when that is enough.
        let patched = refreshed
            .then(|| {
                previous_site
                    .as_deref()
                    .and_then(|previous| self.patched(previous, changed, &config))
            })
            .flatten();
        let assets = reusable.and_then(|last| last.assets.clone());
        let base_url = config.base_url.clone();
        let (rendered, assets) = match patched {
            Some((site, scope)) => render_site_with(
                &self.root,
                config,
                self.settings.drafts,
                Model::Ready(site),
                assets,
                |_| scope,
            )?,
            None => render_site_with(
                &self.root,
                config,
                self.settings.drafts,
                Model::Build {
                    content: fresh.unwrap_or_else(|| self.content.clone()),
                    previous: previous_site.as_deref(),
                },
                assets,
                |site| {
                    previous_site
                        .as_deref()
                        .map_or(RenderScope::Everything, |previous| {
                            scope_of_change(previous, site)
                        })
                },
            )?,
        };
        let (files, full) = match reusable {
            Some(last) if !rendered.full => {
                let mut files = (*last.files).clone();
                files.extend(
                    rendered
                        .files
                        .into_iter()
                        .map(|f| (f.path.clone(), Arc::new(f))),
                );
                (files, false)
            }
            _ => (
                rendered
                    .files
                    .into_iter()
                    .map(|f| (f.path.clone(), Arc::new(f)))
                    .collect(),
                true,
            ),
        };
        // Links are checked against every file of the site; after a partial build, only the
        // edited pages' links can have changed.
        let edited: Option<HashSet<crate::site::PageId>> = (!full).then(|| {
            changed
                .iter()
                .filter_map(|path| path.strip_prefix("content/"))
                .filter_map(|path| rendered.site.page_by_content_path.get(path).copied())
                .collect()
        });
        let broken = broken_content_links(
            &rendered.site,
            &base_url,
            files.values().map(|f| f.as_ref()),
            edited.as_ref(),
        );
        if !broken.is_empty() {
            return Err(Error::Site(broken));
        }
        let files = Arc::new(files);
        let pages = rendered.site.pages.len();
        let warnings = rendered.site.warnings();
        let rendered_pages = if full { pages } else { rendered.rendered_pages };
        self.last = Some(LastBuild {
            site: rendered.site,
            config_text,
            files: Arc::clone(&files),
            assets: Some(assets),
        });
        Ok(SessionBuild {
            files,
            pages,
            rendered_pages,
            full,
            elapsed: started.elapsed(),
            warnings,
        })
    }
}

impl Session {
    /// The last model with the edited pages swapped in, and what to render, when each edit
    /// keeps its page's address, drafts, tags and aliases, changes nothing a listing shows and
    /// breaks no `#anchor` link; else None, and the model is put together again.
    fn patched(
        &self,
        previous: &Site,
        changed: &[String],
        config: &Config,
    ) -> Option<(Site, RenderScope)> {
        let content = self.content.as_ref()?;
        let highlighting = Highlighting::from_setting(&config.markdown.highlight_theme).ok()?;
        let no_drafts = HashSet::new();
        let mut site = previous.clone();
        let (mut pages, mut feed_sections, mut feed_tags) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        for path in changed {
            let content_path = path.strip_prefix("content/")?;
            let &id = previous.page_by_content_path.get(content_path)?;
            let file = content
                .pages
                .iter()
                .find(|f| f.content_path == content_path)?
                .clone();
            let source = crate::content::parse_page(file).ok()?;
            let old = &previous.pages[id];
            let same_place = source.slug == old.source.slug
                && source.draft == old.source.draft
                && source.section_dir == old.source.section_dir
                && source.is_bundle == old.source.is_bundle
                && source.aliases == old.source.aliases
                && source.template == old.source.template;
            if !same_place {
                return None;
            }
            let context = crate::markdown::RenderContext {
                file: &source.file,
                body_line_offset: source.body_line_offset,
                permalink: &old.permalink,
                base_url: &config.base_url,
                content_path: &source.content_path,
                permalinks: &previous.permalinks,
                asset_paths: &previous.asset_paths,
                drafts: &no_drafts,
                smart_punctuation: config.markdown.smart_punctuation,
                highlighting: &highlighting,
            };
            let (rendered, problems) = crate::markdown::render(source.body(), &context);
            if !problems.is_empty() {
                return None;
            }
            let summary = crate::site::summary_html(&rendered, &source.description);
            let page = Page {
                source: Arc::new(source),
                rendered: Arc::new(rendered),
                summary,
                ..Page::clone(old)
            };
            if listing_differs(old, &page) {
                return None;
            }
            site.pages[id] = Arc::new(page);
            pages.insert(id);
            feed_sections.extend(previous.ancestors_of_section(old.section));
            feed_tags.extend(old.tags.iter().copied());
        }
        if !crate::site::anchor_problems(&site).is_empty() {
            return None;
        }
        let sections = HashSet::new();
        let tags = HashSet::new();
        Some((
            site,
            RenderScope::Only {
                pages,
                sections,
                tags,
                feed_sections,
                feed_tags,
                sitemap: false,
            },
        ))
    }

    /// A fresh walk of content/, kept for the next edit (None when the walk found problems,
    /// so that the build reads again and reports them).
    fn read_content(&mut self) -> Option<crate::content::ContentFiles> {
        let (content, problems) = crate::content::load(&self.root);
        self.content = problems.is_empty().then(|| content.clone());
        problems.is_empty().then_some(content)
    }

    /// Reads `changed` again into the last reading; false if one of them is new, gone or
    /// unreadable (a full walk sorts those out).
    fn refresh(&mut self, changed: &[String]) -> bool {
        self.refresh_files(changed).is_some()
    }

    fn refresh_files(&mut self, changed: &[String]) -> Option<()> {
        let content = self.content.as_mut()?;
        for path in changed {
            let file = content
                .pages
                .iter_mut()
                .chain(content.sections.iter_mut())
                .find(|f| f.path == Path::new(path))?;
            let text = std::fs::read_to_string(self.root.join(path)).ok()?;
            file.text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
        }
        Some(())
    }
}

/// What a content edit needs re-rendered, found by comparing the new model with the last.
/// Anything that moves URLs, adds or removes pages, or edits a section re-renders everything.
fn scope_of_change(previous: &Site, site: &Site) -> RenderScope {
    let same_shape = previous.permalinks == site.permalinks
        && previous.sections.len() == site.sections.len()
        && previous.tags.len() == site.tags.len()
        && previous
            .tags
            .iter()
            .zip(&site.tags)
            .all(|(a, b)| a.name == b.name)
        && previous
            .sections
            .iter()
            .zip(&site.sections)
            .all(|(a, b)| a.source.text == b.source.text);
    if !same_shape {
        return RenderScope::Everything;
    }
    let mut pages = HashSet::new();
    let mut sections = HashSet::new();
    let mut tags = HashSet::new();
    let mut feed_sections = HashSet::new();
    let mut feed_tags = HashSet::new();
    let mut sitemap = false;
    for (id, page) in site.pages.iter().enumerate() {
        let Some(&old_id) = previous.page_by_content_path.get(&page.source.content_path) else {
            return RenderScope::Everything;
        };
        let old = &previous.pages[old_id];
        if old.source.text == page.source.text {
            continue;
        }
        if old.source.aliases != page.source.aliases {
            return RenderScope::Everything;
        }
        pages.insert(id);
        // Feeds carry the whole text, so those showing the page always change.
        feed_sections.extend(site.ancestors_of_section(page.section));
        feed_tags.extend(page.tags.iter().chain(&old.tags).copied());
        // Listings show only a page's summary line; most edits leave it as it was.
        if listing_differs(old, page) {
            sections.extend(site.ancestors_of_section(page.section));
            tags.extend(page.tags.iter().chain(&old.tags).copied());
        }
        sitemap |= old.source.date != page.source.date || old.source.updated != page.source.updated;
    }
    RenderScope::Only {
        pages,
        sections,
        tags,
        feed_sections,
        feed_tags,
        sitemap,
    }
}

/// Whether anything a section or tag listing shows of a page changed (its front matter and
/// summary; not its word count, which listings do not show).
fn listing_differs(old: &Page, new: &Page) -> bool {
    let (a, b) = (&old.source, &new.source);
    old.summary != new.summary
        || a.title != b.title
        || a.description != b.description
        || a.date != b.date
        || a.updated != b.updated
        || a.review_by != b.review_by
        || a.tags != b.tags
        || a.authors != b.authors
        || a.weight != b.weight
        || a.image != b.image
        || a.extra != b.extra
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
