//! Rendering the site model to files in memory: every page, section, tag page and the 404
//! page through Tera, plus the sitemap, robots.txt, redirects, static files and assets.
//! Nothing is written to disk here; `output` does that once everything rendered.

mod calendar;
mod context;
mod feeds;
mod metadata;
mod radar;
mod search;
mod sessions;
mod share;
pub(crate) mod share_image;
pub(crate) mod templates;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use tera::Context;

use crate::config::Config;
use crate::error::{display_path, Diagnostic};
use crate::markdown::Highlighting;
use crate::output::{OutputContent, OutputFile};
use crate::site::{AuthorId, PageId, SectionId, Site, AUTHORS_PATH, HOME};
use context::{PaginatorView, Views};
use feeds::FeedScope;
use templates::{render_error, Templates, ThemeLocation, DEFAULT_THEME};

/// One file to render through a template.
#[derive(Debug, Clone, Copy)]
enum Job {
    Page(PageId),
    /// A section's listing page (1-based pager index).
    Section(SectionId, usize),
    TagList,
    Tag(usize),
    /// `/authors/`: everyone in data/authors.toml.
    AuthorList,
    /// A person's profile page.
    Author(AuthorId),
    NotFound,
}

/// Everything rendering needs, loaded once per build.
pub(crate) struct RenderInput<'a> {
    pub(crate) config: &'a Config,
    pub(crate) site: Arc<Site>,
    pub(crate) templates: Templates,
    pub(crate) data: &'a Value,
    /// The data files as written, for the components' template functions.
    pub(crate) data_files: &'a Arc<crate::data::Data>,
    /// The theme's and the site's static files (see [`static_files`]).
    pub(crate) statics: &'a [OutputFile],
    /// The surveys pages show, by name (`survey` in their templates).
    pub(crate) surveys: &'a BTreeMap<String, Arc<crate::survey::Survey>>,
    pub(crate) scope: &'a RenderScope,
    /// The build's moment: which training sessions are upcoming.
    pub(crate) now: chrono::DateTime<chrono::Utc>,
}

/// A rendered site, not yet written: what the pipeline hands to its gate, to `hub check`
/// and to the writer.
pub struct RenderedSite {
    pub(crate) site: Arc<Site>,
    pub(crate) files: Vec<OutputFile>,
    /// The data files whose text is published: all when a template reads `data`, else
    /// data/authors.toml when the site has people (see the pipeline); else None.
    pub(crate) shown_data: Option<Arc<crate::data::Data>>,
    /// The survey files pages show as forms: published, so the privacy rules read them.
    pub(crate) survey_files: Vec<crate::source::SourceText>,
    /// What was rendered: everything, or what an edit touched.
    pub(crate) scope: RenderScope,
    /// Problems with the share cards that do not stop a build (titles with letters the
    /// cards' font lacks).
    pub(crate) card_warnings: Vec<Diagnostic>,
}

impl RenderedSite {
    /// False when only part of the site was rendered (see [`RenderScope`]).
    pub(crate) fn full(&self) -> bool {
        matches!(self.scope, RenderScope::Everything)
    }

    /// How many pages' HTML was rendered.
    pub(crate) fn rendered_pages(&self) -> usize {
        match &self.scope {
            RenderScope::Everything => self.site.pages.len(),
            RenderScope::Only { pages, .. } => pages.len(),
        }
    }

    /// Every warning of the build: the pages' and the share cards'.
    pub(crate) fn warnings(&self) -> Vec<Diagnostic> {
        let mut warnings = self.site.warnings();
        warnings.extend(self.card_warnings.iter().cloned());
        warnings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        warnings
    }
}

/// Which files to render. The preview server re-renders only what a page edit touches;
/// feeds, the sitemap and redirects are always rendered (they are quick).
// One value per build: the size of the larger variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Default)]
pub(crate) enum RenderScope {
    #[default]
    Everything,
    /// These pages, these sections' listings, these tags' pages (and the list of tags) and
    /// these people's profile pages (and the list of people); the feeds of `feed_sections`,
    /// `feed_tags` and `feed_authors` (and the site's); the sitemap if asked.
    Only {
        pages: HashSet<PageId>,
        sections: HashSet<SectionId>,
        tags: HashSet<usize>,
        feed_sections: HashSet<SectionId>,
        feed_tags: HashSet<usize>,
        authors: HashSet<AuthorId>,
        feed_authors: HashSet<AuthorId>,
        sitemap: bool,
    },
}

impl RenderScope {
    /// Whether this page's HTML is rendered (and so the photos it shows are published).
    pub(crate) fn renders_page(&self, id: PageId) -> bool {
        match self {
            RenderScope::Everything => true,
            RenderScope::Only { pages, .. } => pages.contains(&id),
        }
    }

    /// Whether this section's listing is rendered.
    pub(crate) fn renders_section(&self, id: SectionId) -> bool {
        match self {
            RenderScope::Everything => true,
            RenderScope::Only { sections, .. } => sections.contains(&id),
        }
    }

    fn includes(&self, job: Job) -> bool {
        match self {
            RenderScope::Everything => true,
            RenderScope::Only {
                pages,
                sections,
                tags,
                authors,
                ..
            } => match job {
                Job::Page(id) => pages.contains(&id),
                Job::Section(id, _) => sections.contains(&id),
                Job::Tag(id) => tags.contains(&id),
                Job::TagList => !tags.is_empty(),
                Job::Author(id) => authors.contains(&id),
                Job::AuthorList => !authors.is_empty(),
                Job::NotFound => false,
            },
        }
    }

    /// Whether a feed may need rendering: the site's always, a section's or a tag's when asked.
    fn wants_feed(&self, feed: FeedScope) -> bool {
        match (self, feed) {
            (RenderScope::Everything, _) | (_, FeedScope::Site) => true,
            (
                RenderScope::Only { feed_sections, .. },
                FeedScope::Section(id) | FeedScope::RoadmapChanges(id),
            ) => feed_sections.contains(&id),
            (RenderScope::Only { feed_tags, .. }, FeedScope::Tag(id)) => feed_tags.contains(&id),
            (RenderScope::Only { feed_authors, .. }, FeedScope::Author(id)) => {
                feed_authors.contains(&id)
            }
        }
    }

    /// Whether a feed is rendered: when wanted, and then only if it shows a page being
    /// rendered again (its newest entries may not include the edited page). When dates
    /// changed, which entries a feed holds may have changed too.
    /// A roadmap-changes feed is rendered whenever its section's feeds are wanted: a page
    /// that gained or lost its history changes it without being among its pages before.
    fn includes_feed(&self, target: &feeds::FeedTarget) -> bool {
        if matches!(target.scope, FeedScope::RoadmapChanges(_)) {
            return self.wants_feed(target.scope);
        }
        if let RenderScope::Only {
            pages,
            sitemap: false,
            ..
        } = self
        {
            if !target.pages.iter().any(|id| pages.contains(id)) {
                return false;
            }
        }
        self.wants_feed(target.scope)
    }

    /// Whether the sitemap (every URL with its date) is written again.
    fn includes_sitemap(&self) -> bool {
        match self {
            RenderScope::Everything => true,
            RenderScope::Only { sitemap, .. } => *sitemap,
        }
    }

    /// True when every file is rendered (static files and assets included).
    fn is_everything(&self) -> bool {
        matches!(self, RenderScope::Everything)
    }
}

/// Renders the whole site; every template error is reported, once per template and problem.
pub(crate) fn render_site(input: RenderInput<'_>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let RenderInput {
        config,
        site,
        mut templates,
        data,
        data_files,
        statics,
        surveys,
        scope,
        now,
    } = input;
    let outside_content = OutsideContent { data, surveys };
    register_functions(&mut templates.tera, &site, config, now);
    crate::components::register_functions(&mut templates.tera, data_files);
    let views = Views {
        site: &site,
        config,
        now,
    };
    let mut base = Context::new();
    base.insert("config", config);
    base.insert("nav", &views.nav());
    let feed_targets = feeds::feed_targets(&site, config, |feed| scope.wants_feed(feed));
    let feed_index = FeedIndex::new(&feed_targets, config);
    base.insert("feeds", &feed_index.for_scope(None));
    let updates = UpdatesPage::of(&site, config, &feed_targets);
    base.insert("updates_url", &updates.url(config));
    // Everyone in data/authors.toml (the home page lists them); empty without the file.
    base.insert("authors", &views.author_list());
    base.insert("search", &search::SearchView::of(config));
    // Set for each page that has one (see `job_share_image`); pages hub writes besides
    // (the 404 page, "Get updates") have none.
    base.insert("share_image", &None::<share_image::ShareImage>);

    let mut problems = Vec::new();
    let jobs: Vec<Job> = jobs(&site)
        .into_iter()
        .filter(|&job| scope.includes(job))
        .collect();
    let render_jobs = || -> Vec<Result<OutputFile, Diagnostic>> {
        jobs.par_iter()
            // Small pieces, so that a core that runs out of work can always take some.
            .with_max_len(16)
            .map(|job| {
                let views = Views {
                    site: &site,
                    config,
                    now,
                };
                render_job(
                    *job,
                    &views,
                    &templates,
                    &base,
                    &outside_content,
                    &feed_index,
                )
            })
            .collect()
    };
    // The search index is made beside the pages, so that its parts that use one core overlap
    // their rendering; on full builds only (the preview brings it up to date after serving an
    // edit).
    let (rendered, search_files) = rayon::join(render_jobs, || {
        if scope.is_everything() {
            search::search_files(&site, &templates, &base, config, statics)
        } else {
            Vec::new()
        }
    });
    let mut files = OutputSet {
        aliases: alias_origins(&site),
        ..OutputSet::default()
    };
    for result in rendered {
        match result {
            Ok(file) => files.add(file, &mut problems),
            Err(d) => {
                if !problems.iter().any(|p: &Diagnostic| {
                    p.path == d.path && p.line == d.line && same_reason(p, &d)
                }) {
                    problems.push(d);
                }
            }
        }
    }
    for file in special_files(
        &site,
        &templates,
        &base,
        &config.base_url,
        scope.includes_sitemap(),
        &updates,
    ) {
        match file {
            Ok(file) => files.add(file, &mut problems),
            Err(d) => problems.push(d),
        }
    }
    // Always rendered, like the feeds: it lists them, and which feeds exist changes with
    // any page's date or tags.
    if updates == UpdatesPage::Generated {
        let groups = feeds::feed_groups(&site, &feed_targets, config);
        let calendars = calendar::calendar_links(&site, &config.base_url);
        match render_updates_page(&templates, &base, config, &groups, &calendars) {
            Ok(file) => files.add(file, &mut problems),
            Err(d) => problems.push(d),
        }
    }
    for file in feeds::render_feeds(
        &site,
        config,
        feed_targets.iter().filter(|t| scope.includes_feed(t)),
    ) {
        files.add(file, &mut problems);
    }
    // Always written, like the feeds: they are few, and quick.
    for file in calendar::calendar_files(&site, &config.base_url, now) {
        files.add(file, &mut problems);
    }
    if !scope.is_everything() {
        return finish(files, problems);
    }
    for file in search_files {
        match file {
            Ok(file) => files.add(file, &mut problems),
            Err(d) => problems.push(d),
        }
    }
    for asset in &site.assets {
        files.add(
            OutputFile {
                path: asset.output.clone(),
                content: OutputContent::Copy(asset.source.clone()),
            },
            &mut problems,
        );
    }
    for file in statics {
        files.add_static(file.clone(), &mut problems);
    }
    finish(files, problems)
}

fn finish(
    files: OutputSet,
    mut problems: Vec<Diagnostic>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    files.folder_clashes(&mut problems);
    if problems.is_empty() {
        Ok(files.files.into_values().collect())
    } else {
        Err(problems)
    }
}

/// Two render errors are the same problem when they differ only in the page being rendered.
fn same_reason(a: &Diagnostic, b: &Diagnostic) -> bool {
    let reason = |d: &Diagnostic| {
        d.message
            .split(" (while rendering ")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    reason(a) == reason(b)
}

/// Output files by path; a second file for the same path is an error naming both.
#[derive(Default)]
struct OutputSet {
    files: BTreeMap<String, OutputFile>,
    /// The redirect files of aliases, with the page that asks for each: a clash with one
    /// points at the page's `aliases` line.
    aliases: HashMap<String, AliasOrigin>,
}

/// The page whose `aliases` asks for a redirect file, and where.
struct AliasOrigin {
    file: PathBuf,
    at: Option<(usize, usize)>,
}

impl AliasOrigin {
    fn clash(&self, message: String) -> Diagnostic {
        let mut d = Diagnostic::new(&self.file, message)
            .rule(crate::rules::LINKS_DUPLICATE_URL.id)
            .hint(
                "remove this alias, or change it to an old address that nothing on the site \
                 uses (hub writes atom.xml, rss.xml, feed.json, sitemap.xml, robots.txt, \
                 404.html and calendar .ics files itself)",
            );
        if let Some((line, column)) = self.at {
            d = d.at(line, Some(column));
        }
        d
    }
}

/// The redirect file of every alias, by output path, with where its page asks for it.
fn alias_origins(site: &Site) -> HashMap<String, AliasOrigin> {
    site.aliases
        .iter()
        .map(|alias| {
            let file = &site.pages[alias.target].source.file;
            (
                alias.output.clone(),
                AliasOrigin {
                    file: file.path.clone(),
                    at: crate::error::find_key(&file.text, "aliases"),
                },
            )
        })
        .collect()
}

/// `atom.xml/index.html` → `/atom.xml`: the address people wrote for a redirect file.
fn alias_address(output: &str) -> String {
    format!("/{}", output.strip_suffix("/index.html").unwrap_or(output))
}

impl OutputSet {
    fn add(&mut self, file: OutputFile, problems: &mut Vec<Diagnostic>) {
        if self.files.contains_key(&file.path) {
            let alias = self.aliases.get(&file.path);
            problems.push(match alias {
                Some(alias) => alias.clash(format!(
                    "the alias {:?} would replace the file hub writes at {}",
                    alias_address(&file.path),
                    file.path
                )),
                None => Diagnostic::new(
                    file.content.origin_hint(),
                    format!("two things would be written to {}", file.path),
                )
                .rule(crate::rules::LINKS_DUPLICATE_URL.id)
                .hint(
                    "rename the file in content/ so that it does not clash with a page's address",
                ),
            });
            return;
        }
        self.files.insert(file.path.clone(), file);
    }

    /// A path written as a file and also as a folder of other files (`atom.xml` and an
    /// alias's `atom.xml/index.html`) cannot both be written: found here, before anything
    /// is, so that the output folder is left as it was.
    fn folder_clashes(&self, problems: &mut Vec<Diagnostic>) {
        for (path, file) in &self.files {
            let folder = format!("{path}/");
            let Some((inside, _)) = self
                .files
                .range::<str, _>((
                    std::ops::Bound::Included(folder.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .next()
                .filter(|(other, _)| other.starts_with(&folder))
            else {
                continue;
            };
            let d = if let Some(alias) = self.aliases.get(inside) {
                alias.clash(format!(
                    "the alias {:?} would need a folder {path}/, but hub writes the file {path} there",
                    alias_address(inside)
                ))
            } else if let Some(alias) = self.aliases.get(path) {
                alias.clash(format!(
                    "the alias {:?} would be written as the file {path}, but {inside} needs a folder there",
                    alias_address(path)
                ))
            } else {
                Diagnostic::new(
                    file.content.origin_hint(),
                    format!("{path} would be written as a file, but {inside} needs a folder of that name"),
                )
                .rule(crate::rules::LINKS_DUPLICATE_URL.id)
                .hint("rename one of the two so that a file and a folder do not share a name")
            };
            problems.push(d);
        }
    }

    /// Static files never replace a page; a page's address taken by a static file is an error.
    /// robots.txt is the exception: a site may write its own.
    fn add_static(&mut self, file: OutputFile, problems: &mut Vec<Diagnostic>) {
        if self.files.contains_key(&file.path) && file.path != "robots.txt" {
            let d = if let Some(alias) = self.aliases.get(&file.path) {
                alias.clash(format!(
                    "the alias {:?} would be replaced by the static file of the same name",
                    alias_address(&file.path)
                ))
            } else if file.path == index_file(UPDATES_PATH) {
                Diagnostic::new(
                    file.content.origin_hint(),
                    format!(
                        "this static file would replace hub's \"Get updates\" page ({})",
                        file.path
                    ),
                )
                .hint(
                    "rename or move the file in static/, or set `updates_page = false` under \
                     [feeds] in site.toml to leave /updates/ to it",
                )
            } else {
                Diagnostic::new(
                    file.content.origin_hint(),
                    format!("this static file would replace the generated {}", file.path),
                )
                .hint("rename or move the file in static/")
            };
            problems.push(d.rule(crate::rules::LINKS_DUPLICATE_URL.id));
            return;
        }
        self.files.insert(file.path.clone(), file);
    }
}

/// Every file to render. Listings first: each lists many pages and takes as long as dozens
/// of pages, and started last they would leave one core working alone at the end.
fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::with_capacity(
        site.pages.len() + site.sections.len() + site.tags.len() + site.authors.len() + 3,
    );
    if !site.tags.is_empty() {
        jobs.extend((0..site.tags.len()).map(Job::Tag));
        jobs.push(Job::TagList);
    }
    if !site.authors.is_empty() {
        jobs.extend((0..site.authors.len()).map(Job::Author));
        jobs.push(Job::AuthorList);
    }
    for (id, section) in site.sections.iter().enumerate() {
        jobs.extend((1..=section.pager_count()).map(|index| Job::Section(id, index)));
    }
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.push(Job::NotFound);
    jobs
}

/// Which feeds each page links to: the site's, plus its section's or tag's own.
struct FeedIndex {
    site: Vec<feeds::FeedLink>,
    by_scope: std::collections::HashMap<FeedScope, Vec<feeds::FeedLink>>,
}

impl FeedIndex {
    fn new(targets: &[feeds::FeedTarget], config: &Config) -> FeedIndex {
        let mut index = FeedIndex {
            site: Vec::new(),
            by_scope: Default::default(),
        };
        for target in targets {
            let links = feeds::feed_links(target, config);
            match target.scope {
                FeedScope::Site => index.site = links,
                // Linked from the roadmap and its pages, with the section's own feeds.
                FeedScope::RoadmapChanges(id) => index
                    .by_scope
                    .entry(FeedScope::Section(id))
                    .or_default()
                    .extend(links),
                scope => {
                    index.by_scope.entry(scope).or_default().extend(links);
                }
            }
        }
        index
    }

    /// Site feeds first, then the scope's own (a section's feeds also on its pages).
    fn for_scope(&self, scope: Option<FeedScope>) -> Vec<feeds::FeedLink> {
        let mut links = self.site.clone();
        if let Some(own) = scope.and_then(|s| self.by_scope.get(&s)) {
            links.extend(own.iter().cloned());
        }
        links
    }
}

/// Where hub writes its "Get updates" page, which explains feeds and lists them.
const UPDATES_PATH: &str = "/updates/";

/// The "Get updates" page (docs/templates.md): written by hub from `updates.html`, left to the
/// site's own page at the same address, or not there at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpdatesPage {
    Generated,
    /// A page, section or alias of the site's content is at [`UPDATES_PATH`]: the site's own
    /// files win over what hub would make, as `templates/` and `static/` win over the theme.
    SiteOwn,
    /// `updates_page = false`, or there is nothing to list: no feed (feeds are off or nothing
    /// is dated) and no calendar of training sessions.
    None,
}

impl UpdatesPage {
    fn of(site: &Site, config: &Config, feed_targets: &[feeds::FeedTarget]) -> UpdatesPage {
        let has_calendar = site.sections.iter().any(|s| !s.sessions.is_empty());
        if !config.feeds.updates_page || (feed_targets.is_empty() && !has_calendar) {
            return UpdatesPage::None;
        }
        let taken = site.pages.iter().any(|p| p.path == UPDATES_PATH)
            || site.sections.iter().any(|s| s.path == UPDATES_PATH)
            || site
                .aliases
                .iter()
                .any(|a| a.output == index_file(UPDATES_PATH));
        if taken {
            UpdatesPage::SiteOwn
        } else {
            UpdatesPage::Generated
        }
    }

    /// The page's absolute URL for the footer link, or "" when there is no page.
    fn url(self, config: &Config) -> String {
        match self {
            UpdatesPage::None => String::new(),
            _ => format!("{}{UPDATES_PATH}", config.base_url),
        }
    }
}

/// Renders `updates.html` with `feed_groups`: the site's theme has one, else the built-in one.
fn render_updates_page(
    templates: &Templates,
    base: &Context,
    config: &Config,
    groups: &[feeds::FeedGroup],
    calendars: &[calendar::CalendarLink],
) -> Result<OutputFile, Diagnostic> {
    let mut context = base.clone();
    context.insert("feed_groups", groups);
    context.insert("calendars", calendars);
    render_hubs_page(templates, "updates.html", context, config, UPDATES_PATH)
}

/// Renders a page hub adds to the content's own (the "Get updates" page, the search page) at
/// `path` with `template`; a problem in the template is reported as it is for other pages
/// that come from settings rather than from a content file.
fn render_hubs_page(
    templates: &Templates,
    template: &str,
    mut context: Context,
    config: &Config,
    path: &str,
) -> Result<OutputFile, Diagnostic> {
    context.insert("current_path", path);
    context.insert(
        "current_url",
        &format!("{}{path}", config.base_url.trim_end_matches('/')),
    );
    let html = templates.tera.render(template, &context).map_err(|e| {
        render_error(
            &e,
            template,
            &templates.sources,
            Path::new(crate::config::CONFIG_FILE),
        )
    })?;
    Ok(OutputFile {
        path: index_file(path),
        content: OutputContent::Bytes(html.into_bytes()),
    })
}

/// Output file for a site-relative URL path: `/tips/` → `tips/index.html`.
fn index_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// What templates get from outside content/: the data files and the surveys.
struct OutsideContent<'a> {
    data: &'a Value,
    surveys: &'a BTreeMap<String, Arc<crate::survey::Survey>>,
}

fn render_job(
    job: Job,
    views: &Views<'_>,
    templates: &Templates,
    base: &Context,
    outside_content: &OutsideContent<'_>,
    feed_index: &FeedIndex,
) -> Result<OutputFile, Diagnostic> {
    let (site, config) = (views.site, views.config);
    let mut context = base.clone();
    let scope = match job {
        Job::Page(id) => Some(FeedScope::Section(site.pages[id].section)),
        Job::Section(id, _) => Some(FeedScope::Section(id)),
        Job::Tag(id) => Some(FeedScope::Tag(id)),
        Job::Author(id) => Some(FeedScope::Author(id)),
        Job::TagList | Job::AuthorList | Job::NotFound => None,
    };
    if scope.is_some() {
        context.insert("feeds", &feed_index.for_scope(scope));
    }
    let (template, path, source): (String, String, &Path) = match job {
        Job::Page(id) => {
            let page = &site.pages[id];
            let section = &site.sections[page.section].source;
            // A page that shows a survey needs a template that prints the form.
            let survey =
                page.source.survey.as_deref().and_then(|written| {
                    outside_content.surveys.get(crate::survey::name_of(written))
                });
            let template = page
                .source
                .template
                .clone()
                .or_else(|| survey.map(|_| "survey.html".into()))
                .or_else(|| section.page_template.clone())
                .unwrap_or_else(|| "page.html".into());
            context.insert("page", &views.page(id, true));
            if let Some(survey) = survey {
                context.insert("survey", survey.as_ref());
            }
            (template, page.path.clone(), &page.source.file.path)
        }
        Job::Section(id, index) => {
            let section = &site.sections[id];
            let default = if id == HOME {
                "index.html"
            } else {
                "section.html"
            };
            let template = section
                .source
                .template
                .clone()
                .unwrap_or_else(|| default.into());
            let (ids, paginator) = paginate(site, id, index);
            let pages = views.page_list(ids);
            let paginator = paginator.map(|p| PaginatorView { pages: &pages, ..p });
            context.insert("section", &views.section(id, &pages));
            context.insert("paginator", &paginator);
            (
                template,
                section.pager_path(index),
                &section.source.file.path,
            )
        }
        Job::TagList => {
            let terms: Vec<_> = site.tags.iter().map(|t| views.term(t, false)).collect();
            context.insert("terms", &terms);
            context.insert("taxonomy", &serde_json::json!({ "name": "tags" }));
            (
                "taxonomy_list.html".into(),
                "/tags/".into(),
                Path::new("content"),
            )
        }
        Job::Tag(id) => {
            context.insert("term", &views.term(&site.tags[id], true));
            context.insert("taxonomy", &serde_json::json!({ "name": "tags" }));
            let first = &site.pages[site.tags[id].pages[0]].source.file;
            (
                "taxonomy_single.html".into(),
                site.tags[id].path.clone(),
                first.path.as_path(),
            )
        }
        Job::AuthorList => (
            "author_list.html".into(),
            AUTHORS_PATH.into(),
            Path::new(crate::authors::AUTHORS_FILE),
        ),
        Job::Author(id) => {
            let feeds = feed_index.by_scope.get(&FeedScope::Author(id));
            context.insert(
                "author",
                &views.author(id, true, feeds.map_or(&[], Vec::as_slice)),
            );
            (
                "author.html".into(),
                site.authors[id].path.clone(),
                Path::new(crate::authors::AUTHORS_FILE),
            )
        }
        Job::NotFound => ("404.html".into(), "/404.html".into(), Path::new("content")),
    };
    context.insert("current_path", &path);
    context.insert("current_url", &format!("{}{path}", config.base_url));
    context.insert("share_image", &job_share_image(job, site, config));
    if !templates.sources.contains_key(&template) {
        return Err(missing_template(&template, job, site, source));
    }
    if templates.reads_data(&template) {
        context.insert("data", outside_content.data);
    }
    let html = templates
        .tera
        .render(&template, &context)
        .map_err(|e| render_error(&e, &template, &templates.sources, source))?;
    let file = if matches!(job, Job::NotFound) {
        "404.html".to_string()
    } else {
        index_file(&path)
    };
    Ok(OutputFile {
        path: file,
        content: OutputContent::Bytes(html.into_bytes()),
    })
}

/// The picture shared with a page's link (see `share_image`).
fn job_share_image(job: Job, site: &Site, config: &Config) -> Option<share_image::ShareImage> {
    match job {
        Job::Page(id) => share_image::page(site, id, config),
        // Every page of a paginated listing shares the first's card.
        Job::Section(id, _) => share_image::section(site, id, config),
        Job::Tag(id) => share_image::tag(site, id, config),
        Job::TagList => share_image::list("Tags", config),
        Job::Author(id) => share_image::author(site, id, config),
        Job::AuthorList => share_image::list("Our people", config),
        Job::NotFound => None,
    }
}

/// The share cards that the pages `scope` renders show, as [`render_site`] names them.
pub(crate) fn card_requests(
    site: &Site,
    config: &Config,
    scope: &RenderScope,
) -> Vec<crate::cards::CardRequest> {
    if !crate::cards::enabled(config) {
        return Vec::new();
    }
    jobs(site)
        .into_par_iter()
        .filter(|&job| scope.includes(job))
        .filter_map(|job| job_share_image(job, site, config)?.card)
        .collect()
}

fn missing_template(template: &str, job: Job, site: &Site, source: &Path) -> Diagnostic {
    let text = match job {
        Job::Page(id) => Some(&site.pages[id].source.file.text),
        Job::Section(id, _) => Some(&site.sections[id].source.file.text),
        _ => None,
    };
    let location = text.and_then(|t| {
        crate::error::find_key(t, "template").or_else(|| crate::error::find_key(t, "page_template"))
    });
    let mut d = Diagnostic::new(source, format!("the template {template:?} does not exist"));
    match location {
        Some((line, col)) => {
            d = d.at(line, Some(col)).hint(
                "put that file in templates/, or remove the setting to use the theme's template",
            );
        }
        None => {
            d = d.hint(format!(
                "put {template} in templates/ or in the theme's templates/ folder"
            ))
        }
    }
    d
}

/// The page ids shown on listing page `index` and the paginator for it (None without pagination).
fn paginate(
    site: &Site,
    id: SectionId,
    index: usize,
) -> (&[PageId], Option<PaginatorView<'static>>) {
    let section = &site.sections[id];
    let Some(per_page) = section.source.paginate_by else {
        return (&section.pages, None);
    };
    let total = section.pager_count();
    let start = ((index - 1) * per_page).min(section.pages.len());
    let end = (start + per_page).min(section.pages.len());
    let url = |i: usize| section.pager_permalink(i);
    let paginator = PaginatorView {
        current_index: index,
        number_pagers: total,
        total_pages: section.pages.len(),
        first: url(1),
        last: url(total),
        previous: (index > 1).then(|| url(index - 1)),
        next: (index < total).then(|| url(index + 1)),
        pages: &[],
    };
    (&section.pages[start..end], Some(paginator))
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

/// sitemap.xml, robots.txt, alias redirects and `/page/1/` redirects.
fn special_files(
    site: &Site,
    templates: &Templates,
    base: &Context,
    base_url: &str,
    with_sitemap: bool,
    updates: &UpdatesPage,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let render = |name: &str, path: String, context: &Context| -> Result<OutputFile, Diagnostic> {
        let text = templates
            .tera
            .render(name, context)
            .map_err(|e| render_error(&e, name, &templates.sources, Path::new(&path)))?;
        Ok(OutputFile {
            path,
            content: OutputContent::Bytes(text.into_bytes()),
        })
    };
    let mut out = Vec::new();
    if with_sitemap {
        let mut sitemap = base.clone();
        let mut entries = sitemap_entries(site, base_url);
        if *updates == UpdatesPage::Generated {
            entries.push(SitemapEntry {
                loc: format!("{base_url}{UPDATES_PATH}"),
                lastmod: None,
            });
        }
        sitemap.insert("entries", &entries);
        out.push(render("__hub/sitemap.xml", "sitemap.xml".into(), &sitemap));
    }
    out.push(render("__hub/robots.txt", "robots.txt".into(), base));
    for alias in &site.aliases {
        let mut context = base.clone();
        context.insert("target", &site.pages[alias.target].permalink);
        out.push(render(
            "__hub/redirect.html",
            alias.output.clone(),
            &context,
        ));
    }
    for section in site
        .sections
        .iter()
        .filter(|s| s.source.paginate_by.is_some())
    {
        let mut context = base.clone();
        context.insert("target", &section.permalink);
        out.push(render(
            "__hub/redirect.html",
            format!("{}page/1/index.html", &section.path[1..]),
            &context,
        ));
    }
    out
}

fn sitemap_entries(site: &Site, base_url: &str) -> Vec<SitemapEntry> {
    let newest = |ids: &[PageId]| {
        ids.iter()
            .filter_map(|&id| site.pages[id].source.updated.or(site.pages[id].source.date))
            .max()
            .map(|d| d.to_w3c())
    };
    let mut entries: Vec<SitemapEntry> = site
        .sections
        .iter()
        .map(|s| SitemapEntry {
            loc: s.permalink.clone(),
            lastmod: newest(&s.pages),
        })
        .collect();
    entries.extend(
        site.pages
            .iter()
            .filter(|p| !p.source.draft)
            .map(|p| SitemapEntry {
                loc: p.permalink.clone(),
                lastmod: p.source.updated.or(p.source.date).map(|d| d.to_w3c()),
            }),
    );
    if !site.authors.is_empty() {
        let all: Vec<PageId> = site
            .authors
            .iter()
            .flat_map(|a| a.pages.iter().copied())
            .collect();
        entries.push(SitemapEntry {
            loc: format!("{base_url}{AUTHORS_PATH}"),
            lastmod: newest(&all),
        });
        entries.extend(site.authors.iter().map(|a| SitemapEntry {
            loc: a.permalink.clone(),
            lastmod: newest(&a.pages),
        }));
    }
    if !site.tags.is_empty() {
        let tags_url = format!("{base_url}/tags/");
        let all: Vec<PageId> = site
            .tags
            .iter()
            .flat_map(|t| t.pages.iter().copied())
            .collect();
        entries.push(SitemapEntry {
            loc: tags_url,
            lastmod: newest(&all),
        });
    }
    entries.extend(site.tags.iter().map(|t| SitemapEntry {
        loc: t.permalink.clone(),
        lastmod: newest(&t.pages),
    }));
    entries
}

/// The theme's static files, `/syntax.css` in class mode, then the site's `static/` over them.
pub(crate) fn static_files(
    root: &Path,
    theme: &ThemeLocation,
    highlighting: &Highlighting,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut files: BTreeMap<String, OutputFile> = BTreeMap::new();
    let mut problems = Vec::new();
    match theme {
        ThemeLocation::BuiltIn => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                add_embedded(dir, &mut files);
            }
        }
        ThemeLocation::Folder(folder) => {
            collect_folder(root, &folder.join("static"), &mut files, &mut problems)
        }
    }
    if let Some(css) = highlighting.stylesheet() {
        files.insert(
            "syntax.css".into(),
            OutputFile {
                path: "syntax.css".into(),
                content: OutputContent::Bytes(css.into_bytes()),
            },
        );
    }
    collect_folder(root, &root.join("static"), &mut files, &mut problems);
    if problems.is_empty() {
        Ok(files.into_values().collect())
    } else {
        Err(problems)
    }
}

fn add_embedded(dir: &'static include_dir::Dir<'static>, files: &mut BTreeMap<String, OutputFile>) {
    for file in dir.files() {
        let path = display_path(file.path().strip_prefix("static").unwrap_or(file.path()));
        files.insert(
            path.clone(),
            OutputFile {
                path,
                content: OutputContent::Embedded(file.contents()),
            },
        );
    }
    for sub in dir.dirs() {
        add_embedded(sub, files);
    }
}

fn collect_folder(
    root: &Path,
    folder: &Path,
    files: &mut BTreeMap<String, OutputFile>,
    problems: &mut Vec<Diagnostic>,
) {
    if !folder.is_dir() {
        return;
    }
    if let Err(d) = crate::content::check_inside_site(root, folder) {
        problems.push(d);
        return;
    }
    // Hidden files (.DS_Store, .gitkeep) are not part of the site, as in content/.
    let guard = crate::content::InsideSite::new(root);
    let walker = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            (e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')) && guard.allows(e)
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let rel = entry.path().strip_prefix(folder).unwrap_or(entry.path());
                let path = display_path(rel);
                files.insert(
                    path.clone(),
                    OutputFile {
                        path,
                        content: OutputContent::Copy(entry.into_path()),
                    },
                );
            }
            Ok(_) => {}
            Err(e) => {
                let path: PathBuf = e
                    .path()
                    .map_or_else(|| folder.to_path_buf(), Path::to_path_buf);
                let message = if e.loop_ancestor().is_some() {
                    "this link points back to a folder that contains it (a symlink loop)"
                        .to_string()
                } else {
                    format!("cannot read this file: {e}")
                };
                problems.push(Diagnostic::new(
                    crate::content::site_relative(root, &path),
                    message,
                ));
            }
        }
    }
    problems.extend(guard.problems());
}

/// Registers `get_page`, `get_section`, `get_url` and `roadmap_radar` (docs/templates.md).
fn register_functions(
    tera: &mut tera::Tera,
    site: &Arc<Site>,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) {
    let config = Arc::new(config.clone());
    let base_url = config.base_url.as_str();
    fn path_arg(
        args: &std::collections::HashMap<String, tera::Value>,
        function: &str,
    ) -> tera::Result<String> {
        match args.get("path").and_then(|v| v.as_str()) {
            Some(path) => Ok(path.trim_start_matches("@/").to_string()),
            None => {
                Err(format!("{function} needs a path, e.g. {function}(path=\"tips/x.md\")").into())
            }
        }
    }
    let pages = Arc::clone(site);
    let page_config = Arc::clone(&config);
    tera.register_function(
        "get_page",
        move |args: &std::collections::HashMap<String, tera::Value>| {
            let path = path_arg(args, "get_page")?;
            let id = *pages
                .page_by_content_path
                .get(&path)
                .ok_or_else(|| format!("get_page: no page at content/{path}"))?;
            let views = Views {
                site: &pages,
                config: &page_config,
                now,
            };
            tera::to_value(views.page(id, true)).map_err(Into::into)
        },
    );
    let sections = Arc::clone(site);
    let section_config = Arc::clone(&config);
    tera.register_function(
        "get_section",
        move |args: &std::collections::HashMap<String, tera::Value>| {
            let path = path_arg(args, "get_section")?;
            let id = *sections
                .section_by_content_path
                .get(&path)
                .ok_or_else(|| format!("get_section: no section at content/{path}"))?;
            let views = Views {
                site: &sections,
                config: &section_config,
                now,
            };
            let pages = views.page_list(&sections.sections[id].pages);
            tera::to_value(views.section(id, &pages)).map_err(Into::into)
        },
    );
    let radars = Arc::clone(site);
    tera.register_function(
        "roadmap_radar",
        move |args: &std::collections::HashMap<String, tera::Value>| {
            let path = path_arg(args, "roadmap_radar")?;
            let id = *radars
                .section_by_content_path
                .get(&path)
                .ok_or_else(|| format!("roadmap_radar: no section at content/{path}"))?;
            tera::to_value(radar::section_radar(&radars, id)).map_err(Into::into)
        },
    );
    let links = Arc::clone(site);
    let base = base_url.to_string();
    tera.register_function(
        "get_url",
        move |args: &std::collections::HashMap<String, tera::Value>| {
            let raw = args
                .get("path")
                .and_then(|v| v.as_str())
                .ok_or("get_url needs a path, e.g. get_url(path=\"style.css\")")?;
            if let Some(content_path) = raw.strip_prefix("@/") {
                let (file, anchor) = content_path
                    .split_once('#')
                    .map_or((content_path, None), |(f, a)| (f, Some(a)));
                let url = links
                    .permalinks
                    .get(file)
                    .ok_or_else(|| format!("get_url: no page at content/{file}"))?;
                return Ok(tera::Value::String(match anchor {
                    Some(anchor) => format!("{url}#{anchor}"),
                    None => url.clone(),
                }));
            }
            Ok(tera::Value::String(format!(
                "{base}/{}",
                raw.trim_start_matches('/')
            )))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ContentFiles, SourceFile};

    fn file(content_path: &str, text: &str) -> SourceFile {
        SourceFile::in_content(content_path, text)
    }

    /// A site of `pages` (content path, front matter lines) under a home and a `tips` section.
    fn site_of(pages: &[(&str, &str)]) -> Site {
        let files = ContentFiles {
            pages: pages
                .iter()
                .map(|(p, fm)| file(p, &format!("+++\n{fm}\n+++\nBody.\n")))
                .collect(),
            sections: vec![
                file("_index.md", "+++\ntitle = \"Home\"\n+++\n"),
                file("tips/_index.md", "+++\ntitle = \"Tips\"\n+++\n"),
            ],
            assets: Vec::new(),
            dirs: vec![String::new(), "tips".into()],
        };
        crate::site::build(
            files,
            &crate::site::BuildOptions {
                base_url: "https://e.org",
                drafts: false,
                smart_punctuation: true,
                highlighting: &Highlighting::Classes,
                data: None,
                previous: None,
                images: &Default::default(),
            },
        )
        .expect("the test site builds")
    }

    fn config(feeds: &str) -> Config {
        Config::parse(&format!(
            "title = \"T\"\nbase_url = \"https://e.org\"\n[feeds]\n{feeds}\n"
        ))
        .expect("valid site.toml")
    }

    fn updates_page(site: &Site, config: &Config) -> UpdatesPage {
        let targets = feeds::feed_targets(site, config, |_| true);
        UpdatesPage::of(site, config, &targets)
    }

    const DATED: (&str, &str) = (
        "tips/one.md",
        "title = \"One\"\ndate = 2026-01-02\ntags = [\"Safe Posting\"]",
    );

    #[test]
    fn updates_page_is_written_when_there_are_feeds() {
        let site = site_of(&[DATED]);
        let on = config("formats = [\"rss\"]");
        assert_eq!(updates_page(&site, &on), UpdatesPage::Generated);
        assert_eq!(UpdatesPage::Generated.url(&on), "https://e.org/updates/");
    }

    #[test]
    fn no_updates_page_without_feeds_or_when_turned_off() {
        let site = site_of(&[DATED]);
        for feeds in ["formats = []", "updates_page = false"] {
            let config = config(feeds);
            assert_eq!(updates_page(&site, &config), UpdatesPage::None, "{feeds}");
            assert_eq!(UpdatesPage::None.url(&config), "");
        }
        let undated = site_of(&[("tips/one.md", "title = \"One\"")]);
        assert_eq!(updates_page(&undated, &config("")), UpdatesPage::None);
    }

    #[test]
    fn updates_page_is_written_for_a_calendar_even_without_feeds() {
        let training = (
            "tips/course.md",
            "title = \"Course\"\n[[sessions]]\nstart = 2027-01-14T10:00:00\nend = \"11:30\"\nplace = \"Room 2\"",
        );
        let site = site_of(&[training]);
        assert_eq!(updates_page(&site, &config("")), UpdatesPage::Generated);
        assert_eq!(
            updates_page(&site, &config("updates_page = false")),
            UpdatesPage::None
        );
    }

    #[test]
    fn a_page_or_alias_at_updates_is_the_sites_own() {
        let config = config("");
        let page = site_of(&[DATED, ("updates.md", "title = \"News\"")]);
        assert_eq!(updates_page(&page, &config), UpdatesPage::SiteOwn);
        let alias = site_of(&[(
            "tips/one.md",
            "title = \"One\"\ndate = 2026-01-02\naliases = [\"/updates/\"]",
        )]);
        assert_eq!(updates_page(&alias, &config), UpdatesPage::SiteOwn);
        assert_eq!(
            UpdatesPage::SiteOwn.url(&config),
            "https://e.org/updates/",
            "the footer still links to the site's own page"
        );
    }

    #[test]
    fn feed_groups_name_each_feed_in_words_with_every_format() {
        let site = site_of(&[DATED]);
        let config = config("formats = [\"rss\", \"atom\"]");
        let targets = feeds::feed_targets(&site, &config, |_| true);
        let groups = feeds::feed_groups(&site, &targets, &config);
        let names: Vec<(&str, &str)> = groups.iter().map(|g| (g.name.as_str(), g.scope)).collect();
        assert_eq!(
            names,
            [
                ("Everything new on this site", "site"),
                ("New in “Tips”", "section"),
                ("New pages tagged “Safe Posting”", "tag"),
            ]
        );
        let tag_links: Vec<(&str, &str)> = groups[2]
            .links
            .iter()
            .map(|l| (l.format, l.url.as_str()))
            .collect();
        assert_eq!(
            tag_links,
            [
                ("RSS", "https://e.org/tags/safe-posting/rss.xml"),
                ("Atom", "https://e.org/tags/safe-posting/atom.xml"),
            ]
        );
        assert_eq!(groups[1].page_url, "https://e.org/tips/");
    }
}
