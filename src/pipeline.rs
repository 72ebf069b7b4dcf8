//! The build pipeline that `hub build`, `hub check` and `hub serve` all run: load (site.toml,
//! content/, templates, data/, static files) → model (`crate::site`) → render
//! (`crate::render`, in memory) → gate (the checks that stop a publish) → write
//! (`crate::output`, done by the build command alone).
//!
//! Data flows one way: the pipeline calls into `check` for the gate (`crate::check::gate`),
//! and `check` never imports the pipeline. `hub check` gets the rendered site handed in by
//! its command instead of rendering it itself, so that the rules stay pure functions of what
//! they are given and there is no import circle between building and checking. This module
//! writes nothing and prints nothing (beyond `HUB_TIMINGS`): the commands decide that.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::check::gate;
use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::images::{ImageCatalog, ImageStats, ImageUse, MadeBytes};
use crate::markdown::Highlighting;
use crate::output::OutputFile;
use crate::render::RenderedSite;
use crate::render::{self, templates, templates::Templates, RenderInput, RenderScope};
use crate::site::{self, BuildOptions, Site};

/// What the command line asked for (`hub build`; the preview sets the same fields).
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

/// Loads the configuration, applying command-line overrides.
pub(crate) fn load_config(settings: &BuildSettings) -> Result<Config> {
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
    render_site_with(root, config, drafts, model, None, CardWork::Draw, |_| {
        RenderScope::Everything
    })
    .map(|(rendered, _)| rendered)
}

/// [`render_site`] from content already read (by `hub check`, which also reads every file's
/// source), so that content/ is read once; `load_problems`, found while reading it, stop the
/// render as they would have had it read the files itself.
pub(crate) fn render_site_from(
    root: &Path,
    config: Config,
    drafts: bool,
    content: crate::content::ContentFiles,
    load_problems: Vec<Diagnostic>,
) -> Result<RenderedSite> {
    let model = Model::Build {
        content: Some(content),
        previous: None,
    };
    let rendered = render_site_with(root, config, drafts, model, None, CardWork::Skip, |_| {
        RenderScope::Everything
    });
    match rendered {
        Ok((rendered, _)) if load_problems.is_empty() => Ok(rendered),
        Ok(_) => Err(Error::Site(load_problems)),
        Err(Error::Site(mut found)) => {
            let mut all = load_problems;
            all.append(&mut found);
            Err(Error::Site(all))
        }
        Err(other) => Err(other),
    }
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

/// Whether a render draws the share cards: a build and the preview publish them; `hub check`
/// only looks at the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardWork {
    Draw,
    Skip,
}

/// What a build reads besides content: the templates, data/ and the static files. Only
/// changes outside content/ touch them, so the preview server keeps them between builds.
#[derive(Clone)]
pub(crate) struct SiteAssets {
    /// Parsed, with no site functions registered (each build registers its own).
    templates: Templates,
    data: Arc<crate::data::Data>,
    statics: Arc<Vec<OutputFile>>,
    /// The people of data/authors.toml, when the site has that file.
    authors: Option<Arc<crate::authors::Authors>>,
}

impl SiteAssets {
    /// The data files, for components drawn in edited pages.
    pub(crate) fn data(&self) -> &crate::data::Data {
        &self.data
    }

    /// Reads them all, every problem found together.
    fn load(
        root: &Path,
        theme: &templates::ThemeLocation,
        config: &Config,
        highlighting: &Highlighting,
    ) -> std::result::Result<SiteAssets, Vec<Diagnostic>> {
        let templates = templates::load(root, theme);
        let data = crate::data::load(root);
        let statics = render::static_files(root, theme, highlighting);
        let authors = match (&data, &statics) {
            (Ok(data), Ok(statics)) => Self::authors(data, statics, config),
            _ => Ok(None),
        };
        match (templates, data, statics, authors) {
            (Ok(templates), Ok(data), Ok(statics), Ok(authors)) => Ok(SiteAssets {
                templates,
                data: Arc::new(data),
                statics: Arc::new(statics),
                authors: authors.map(Arc::new),
            }),
            (templates, data, statics, authors) => {
                Err([templates.err(), data.err(), statics.err(), authors.err()]
                    .into_iter()
                    .flatten()
                    .flatten()
                    .collect())
            }
        }
    }

    /// data/authors.toml read as people, when there is one; photos must be static files.
    fn authors(
        data: &crate::data::Data,
        statics: &[OutputFile],
        config: &Config,
    ) -> std::result::Result<Option<crate::authors::Authors>, Vec<Diagnostic>> {
        let Some(file) = data
            .files
            .iter()
            .find(|f| f.path == Path::new(crate::authors::AUTHORS_FILE))
        else {
            return Ok(None);
        };
        let photo_exists = |path: &str| statics.iter().any(|f| f.path == path);
        crate::authors::parse(&file.text, config.markdown.smart_punctuation, photo_exists).map(Some)
    }

    /// The data files whose text the site publishes: all of them when a template reads
    /// `data`; else data/authors.toml when the site has people (their names, roles and bios
    /// are on their profile pages) and the files that components in `site`'s content drew
    /// from (their numbers and names are published); None when that is nothing.
    fn published_data(&self, site: &Site) -> Option<Arc<crate::data::Data>> {
        if self.templates.any_read_data() {
            return Some(Arc::clone(&self.data));
        }
        let drawn = drawn_from(site);
        let authors_file = self
            .authors
            .as_ref()
            .map(|_| Path::new(crate::authors::AUTHORS_FILE));
        let files: Vec<_> = self
            .data
            .files
            .iter()
            .filter(|f| {
                Some(f.path.as_path()) == authors_file
                    || f.path
                        .file_stem()
                        .is_some_and(|stem| drawn.contains(stem.to_string_lossy().as_ref()))
            })
            .cloned()
            .collect();
        if files.is_empty() {
            return None;
        }
        Some(Arc::new(crate::data::Data {
            value: serde_json::Value::Null,
            files,
        }))
    }
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
    cards: CardWork,
    scope: impl FnOnce(&Site) -> RenderScope,
) -> Result<(RenderedSite, SiteAssets)> {
    let highlighting = config.highlighting()?;
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
            &templates::locate_theme(root, &config.theme)
                .map_err(|d| config.at_setting(d, "theme"))?,
            &config,
            &highlighting,
        ),
    };
    timer.lap("templates, data and static files");
    // Image files are read (headers, EXIF, hashes) before the model: its Markdown writes
    // each photo's markup from them. A model made earlier has them already.
    let images = match (&ready, &assets) {
        (Some(site), _) => Arc::clone(&site.images),
        (None, assets) => {
            let statics = assets.as_ref().map_or(&[][..], |a| a.statics.as_slice());
            let copied = statics.iter().filter_map(|f| match &f.content {
                crate::output::OutputContent::Copy(source) => {
                    Some((f.path.as_str(), source.as_path()))
                }
                _ => None,
            });
            let settings = (config.images.widths.as_slice(), config.images.quality);
            Arc::new(ImageCatalog::load(&content.assets, copied, settings))
        }
    };
    timer.lap("image headers");
    // A model made earlier (the preview's patched one) has its people already.
    let needs_authors = ready.is_none();
    let site = match ready {
        Some(site) => Ok(site),
        None => site::build(
            content,
            &BuildOptions {
                base_url: &config.base_url,
                drafts,
                smart_punctuation: config.markdown.smart_punctuation,
                highlighting: &highlighting,
                data: assets.as_ref().ok().map(|assets| assets.data.as_ref()),
                previous,
                images: &images,
            },
        ),
    };
    timer.lap("site model and markdown");
    let (mut site, assets) = match (site, assets) {
        (Ok(site), Ok(assets)) if problems.is_empty() => (site, assets),
        (site, assets) => {
            problems.extend(site.err().into_iter().flatten());
            problems.extend(assets.err().into_iter().flatten());
            return Err(Error::Site(problems));
        }
    };
    if let (true, Some(authors)) = (needs_authors, &assets.authors) {
        let problems = site::attach_authors(&mut site, authors, &config.base_url);
        if !problems.is_empty() {
            return Err(Error::Site(problems));
        }
    }
    let surveys = crate::survey::resolve(&site, &assets.data).map_err(Error::Site)?;
    let site = Arc::new(site);
    let scope = scope(&site);
    let now = crate::clock::now()?;
    let mut files = render::render_site(RenderInput {
        config: &config,
        site: Arc::clone(&site),
        templates: assets.templates.clone(),
        data: &assets.data.value,
        data_files: &assets.data,
        statics: &assets.statics,
        surveys: &surveys.by_name,
        scope: &scope,
        now,
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
    let card_warnings = match cards {
        CardWork::Draw => {
            let requests = render::card_requests(&site, &config, &scope);
            let whole_site = matches!(scope, RenderScope::Everything);
            let drawn = crate::cards::draw_cards(root, &config, &requests, whole_site);
            timer.lap(&format!(
                "share cards ({} drawn, {} from the cache)",
                drawn.drawn, drawn.from_cache
            ));
            files.extend(drawn.files);
            drawn.warnings
        }
        CardWork::Skip => Vec::new(),
    };
    let shown_data = assets.published_data(&site);
    let rendered = RenderedSite {
        site,
        files,
        shown_data,
        survey_files: surveys.files,
        scope,
        card_warnings,
    };
    Ok((rendered, assets))
}

/// Makes the resized files of every photo the pages show (or takes them from the cache) and
/// adds them to `rendered`; and strips the metadata of every image file it copies as it is.
/// Run by `hub build` and the preview, not by `hub check`, which publishes nothing.
pub(crate) fn publish_images(root: &Path, rendered: &mut RenderedSite) -> Result<ImageStats> {
    let started = Instant::now();
    let site = Arc::clone(&rendered.site);
    // The photos of the pages rendered now: after an edit, the preview keeps the other
    // pages' files from the build before, so their photos need no second look.
    let scope = &rendered.scope;
    let pages = (site.pages.iter().enumerate())
        .filter(|(id, _)| scope.renders_page(*id))
        .map(|(_, p)| &p.rendered);
    let sections = (site.sections.iter().enumerate())
        .filter(|(id, _)| scope.renders_section(*id))
        .map(|(_, s)| &s.rendered);
    let uses: Vec<&ImageUse> = pages.chain(sections).flat_map(|r| &r.images).collect();
    let clashes = image_clashes(&uses, &rendered.files);
    if !clashes.is_empty() {
        return Err(Error::Site(clashes));
    }
    strip_copies(root, &site.images, &mut rendered.files).map_err(Error::Site)?;
    let quality = site.images.quality;
    let (files, stats) =
        crate::images::publish(root, uses.iter().copied(), quality).map_err(Error::Site)?;
    rendered
        .files
        .extend(files.into_iter().map(|made| OutputFile {
            path: made.path,
            content: match made.bytes {
                MadeBytes::Cached(entry) => crate::output::OutputContent::Copy(entry),
                MadeBytes::Made(bytes) => crate::output::OutputContent::Bytes(bytes),
            },
        }));
    if std::env::var_os("HUB_TIMINGS").is_some() {
        eprintln!(
            "timings: images {} processed, {} from cache, {:?}",
            stats.processed,
            stats.cached,
            started.elapsed()
        );
    }
    Ok(stats)
}

/// A resized file of a photo whose path another file of the site already takes (a file
/// named `photo.800w.ab12cd34.webp` beside the photo), at the line that shows the photo.
fn image_clashes(uses: &[&ImageUse], files: &[OutputFile]) -> Vec<Diagnostic> {
    let taken: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut seen = HashSet::new();
    uses.iter()
        .flat_map(|u| u.variants.iter().map(move |v| (u, v)))
        .filter(|(_, v)| taken.contains(v.path.as_str()) && seen.insert(v.path.as_str()))
        .map(|(u, v)| {
            Diagnostic::new(
                &u.file,
                format!(
                    "a resized copy of the image {} would be written to {}, where another file is",
                    u.written, v.path
                ),
            )
            .rule(crate::rules::LINKS_DUPLICATE_URL.id)
            .at(u.line, Some(u.column))
            .hint("rename the other file: names like photo.800w.ab12cd34.webp are hub's own")
        })
        .collect()
}

/// Replaces each copied image that carries EXIF, XMP or IPTC with a copy without it.
fn strip_copies(
    root: &Path,
    images: &ImageCatalog,
    files: &mut [OutputFile],
) -> std::result::Result<(), Vec<Diagnostic>> {
    use crate::output::OutputContent;
    use rayon::prelude::*;
    let problems: Vec<Diagnostic> = files
        .par_iter_mut()
        .filter_map(|file| {
            let OutputContent::Copy(source) = &file.content else {
                return None;
            };
            let info = images.probe(source)?.as_ref().ok()?;
            if !info.has_metadata {
                return None;
            }
            let stripped = std::fs::read(source)
                .map_err(|e| format!("cannot be read ({e})"))
                .and_then(|bytes| crate::images::strip_metadata(info.kind, &bytes));
            match stripped {
                Ok(Some(bytes)) => {
                    file.content = OutputContent::Bytes(bytes);
                    None
                }
                Ok(None) => None,
                Err(why) => Some(
                    Diagnostic::new(
                        crate::content::site_relative(root, source),
                        format!("this image changed while the site was built, and now {why}"),
                    )
                    .hint("build again once the file is saved"),
                ),
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The names of the data files (`survey-results` for data/survey-results.csv) that
/// components in the content drew from.
fn drawn_from(site: &Site) -> HashSet<&str> {
    site.pages
        .iter()
        .map(|p| &p.rendered.data_files)
        .chain(site.sections.iter().map(|s| &s.rendered.data_files))
        .flatten()
        .map(String::as_str)
        .collect()
}

/// The gate: the checks that stop a publish, run on the rendered site before anything is
/// written. Links that lead nowhere always stop it; personal data does unless
/// `allow_privacy`. Returns how many privacy findings were let through.
pub(crate) fn gate(
    root: &Path,
    rendered: &RenderedSite,
    base_url: &str,
    allow: &[String],
    allow_privacy: bool,
) -> Result<usize> {
    let mut problems = gate::broken_content_links(&rendered.site, base_url, &rendered.files, None);
    let settings_and_data =
        gate::published_texts(root, rendered.shown_data.as_deref(), &rendered.survey_files);
    let privacy_findings = gate::personal_data(&rendered.site, &settings_and_data, allow);
    if !allow_privacy {
        problems.extend(privacy_findings.iter().map(gate::privacy_problem));
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        return Err(Error::Site(problems));
    }
    Ok(privacy_findings.len())
}

/// The link half of the gate, for the preview: links in the content that lead to none of
/// `files`. `only`: check these pages' links alone (the ones an edit changed).
pub(crate) fn link_gate<'a>(
    site: &Site,
    base_url: &'a str,
    files: impl IntoIterator<Item = &'a OutputFile>,
    only: Option<&HashSet<crate::site::PageId>>,
) -> Result<()> {
    let broken = gate::broken_content_links(site, base_url, files, only);
    if broken.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(broken))
    }
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
