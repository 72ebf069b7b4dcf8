//! Turning parsed content into a [`Site`]: sections for every folder, URLs (and duplicate
//! URL errors), drafts, rendered Markdown, `@/` anchors, sorting, tags, aliases and assets.

use std::collections::{BTreeMap, HashMap, HashSet};

use std::sync::Arc;

use rayon::prelude::*;

use super::{Alias, AssetCopy, Page, PageId, Section, SectionId, SessionRef, Site, Tag};
use crate::content::{
    parse_page, parse_section, slugify, ContentFiles, PageSource, SectionSource, SortBy,
};
use crate::error::{find_key, Diagnostic};
use crate::markdown::{self, Highlighting, RenderContext, RenderedMarkdown};

/// What the model needs from the configuration and command line.
pub(crate) struct BuildOptions<'a> {
    /// `https://hub.example.org`, without a trailing slash.
    pub(crate) base_url: &'a str,
    /// Include pages with `draft = true`.
    pub(crate) drafts: bool,
    pub(crate) smart_punctuation: bool,
    pub(crate) highlighting: &'a Highlighting,
    /// The data files, for components in the Markdown (None when they failed to load).
    pub(crate) data: Option<&'a crate::data::Data>,
    /// The site as last built with the same settings: pages whose text did not change keep
    /// their rendered Markdown when no URL changed (the preview server's quick rebuilds).
    pub(crate) previous: Option<&'a Site>,
    /// The site's image files, read at load.
    pub(crate) images: &'a Arc<crate::images::ImageCatalog>,
}

/// Builds the site model, reporting every content problem found rather than the first.
pub(crate) fn build(
    files: ContentFiles,
    options: &BuildOptions<'_>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let all_page_paths: Vec<String> = files.pages.iter().map(|f| f.content_path.clone()).collect();
    let (mut page_sources, section_sources) =
        parse_all(files.pages, files.sections, options.previous, &mut problems);

    let bundle_dirs: HashSet<String> = page_sources
        .iter()
        .filter(|p| p.is_bundle)
        .map(|p| bundle_dir(&p.content_path).to_string())
        .filter(|dir| !dir.is_empty())
        .collect();
    for section in &section_sources {
        if bundle_dirs.contains(&section.dir) {
            problems.push(
                Diagnostic::new(&section.file.path, "this folder has both _index.md (a section) and index.md (a page with its files)")
                    .hint("keep _index.md for a section of pages, or index.md for one page with images; not both"),
            );
        }
    }
    let drafts: HashSet<String> = page_sources
        .iter()
        .filter(|p| p.draft && !options.drafts)
        .map(|p| p.content_path.clone())
        .collect();
    page_sources.retain(|p| options.drafts || !p.draft);

    let mut dirs_with_pages: HashSet<String> = HashSet::new();
    for page in &page_sources {
        let mut dir = page.section_dir.as_str();
        while dirs_with_pages.insert(dir.to_string()) && !dir.is_empty() {
            dir = parent_dir(dir);
        }
    }
    let mut urls = UrlRegistry::default();
    let mut site = Site {
        images: Arc::clone(options.images),
        ..Site::default()
    };
    make_sections(
        &mut site,
        section_sources,
        files.dirs.iter().filter(|d| dirs_with_pages.contains(*d)),
        &bundle_dirs,
        options.base_url,
        &mut urls,
        &mut problems,
    );
    make_pages(
        &mut site,
        page_sources,
        options.base_url,
        &mut urls,
        &mut problems,
    );
    // Pages whose front matter failed still exist: links to them are not broken links, so
    // they get a stand-in address and the build goes on to find every other problem.
    for path in all_page_paths {
        if !drafts.contains(&path) {
            Arc::make_mut(&mut site.permalinks)
                .entry(path)
                .or_insert_with(|| "#".to_string());
        }
    }
    // Assets first: Markdown may address the files beside it.
    place_assets(&mut site, &files.assets, &bundle_dirs);
    render_markdown(&mut site, options, &drafts, &mut problems);
    check_anchor_links(&site, &mut problems);
    sort_section_contents(&mut site);
    collect_sessions(&mut site);
    make_tags(&mut site, options.base_url, &mut urls);
    claim_pagination(&site, &mut urls);
    make_aliases(&mut site, &mut urls, &mut problems);
    problems.extend(urls.problems);
    if problems.is_empty() {
        Ok(site)
    } else {
        Err(problems)
    }
}

fn parse_all(
    pages: Vec<crate::content::SourceFile>,
    sections: Vec<crate::content::SourceFile>,
    previous: Option<&Site>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Arc<PageSource>>, Vec<SectionSource>) {
    // A file whose text is as it was last time parses as it did last time.
    let unchanged = |file: &crate::content::SourceFile| {
        let previous = previous?;
        let &id = previous.page_by_content_path.get(&file.content_path)?;
        let source = &previous.pages[id].source;
        (source.file.text == file.file.text).then(|| source.clone())
    };
    let parsed_pages: Vec<_> = pages
        .into_par_iter()
        .map(|file| unchanged(&file).map_or_else(|| parse_page(file).map(Arc::new), Ok))
        .collect();
    let parsed_sections: Vec<_> = sections.into_par_iter().map(parse_section).collect();
    let mut page_sources = Vec::with_capacity(parsed_pages.len());
    for result in parsed_pages {
        match result {
            Ok(page) => page_sources.push(page),
            Err(mut found) => problems.append(&mut found),
        }
    }
    let mut section_sources = Vec::with_capacity(parsed_sections.len());
    for result in parsed_sections {
        match result {
            Ok(section) => section_sources.push(section),
            Err(mut found) => problems.append(&mut found),
        }
    }
    (page_sources, section_sources)
}

/// `tips/photos/index.md` → `tips/photos`.
fn bundle_dir(content_path: &str) -> &str {
    content_path.strip_suffix("/index.md").unwrap_or("")
}

/// True when `dir` is a bundle folder or lies inside one.
fn in_bundle(dir: &str, bundle_dirs: &HashSet<String>) -> Option<String> {
    let mut current = dir;
    loop {
        if bundle_dirs.contains(current) {
            return Some(current.to_string());
        }
        current = current.rsplit_once('/')?.0;
    }
}

/// `tips/Sub Folder` → `/tips/sub-folder/`.
fn dir_url_path(dir: &str) -> String {
    let mut path = String::from("/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        let slug = slugify(part);
        path.push_str(if slug.is_empty() { "-" } else { &slug });
        path.push('/');
    }
    path
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Records which file claimed each URL, so that two files publishing the same URL are caught.
#[derive(Default)]
struct UrlRegistry {
    owners: HashMap<String, String>,
    problems: Vec<Diagnostic>,
}

impl UrlRegistry {
    fn claim(
        &mut self,
        path: &str,
        owner: String,
        file: &std::path::Path,
        // Where to point a clash, worked out only when there is one (it reads the file's text).
        at: impl FnOnce() -> Option<(usize, usize)>,
    ) {
        if let Some(first) = self.owners.get(path) {
            let mut d = Diagnostic::new(
                file,
                format!(
                    "{owner} would be published at {path}, but {first} is already published there"
                ),
            )
            .rule(crate::rules::LINKS_DUPLICATE_URL.id)
            .hint("rename one of the files, or give one a different `slug`");
            if let Some((line, col)) = at() {
                d = d.at(line, Some(col));
            }
            self.problems.push(d);
        } else {
            self.owners.insert(path.to_string(), owner);
        }
    }
}

fn make_sections<'a>(
    site: &mut Site,
    sources: Vec<SectionSource>,
    // A folder without _index.md is a section only when it holds pages (an empty folder, or
    // one with only images, would be an empty page in the navigation).
    dirs_with_pages: impl Iterator<Item = &'a String>,
    bundle_dirs: &HashSet<String>,
    base_url: &str,
    urls: &mut UrlRegistry,
    problems: &mut Vec<Diagnostic>,
) {
    let mut by_dir: BTreeMap<String, SectionSource> = BTreeMap::new();
    for source in sources {
        if in_bundle(&source.dir, bundle_dirs).is_some() {
            continue;
        }
        by_dir.insert(source.dir.clone(), source);
    }
    for dir in dirs_with_pages
        .cloned()
        .chain(std::iter::once(String::new()))
    {
        if in_bundle(&dir, bundle_dirs).is_none() && !by_dir.contains_key(&dir) {
            let section = SectionSource::implicit(&dir);
            by_dir.insert(dir, section);
        }
    }
    // BTreeMap order puts a parent folder before its children, and the home ("") first.
    let mut id_by_dir: HashMap<String, SectionId> = HashMap::new();
    for (dir, source) in by_dir {
        let id = site.sections.len();
        let parent = (!dir.is_empty()).then(|| {
            let mut parent_dir_name = parent_dir(&dir);
            loop {
                if let Some(&parent) = id_by_dir.get(parent_dir_name) {
                    return parent;
                }
                if parent_dir_name.is_empty() {
                    return crate::site::HOME;
                }
                parent_dir_name = parent_dir(parent_dir_name);
            }
        });
        let path = dir_url_path(&dir);
        if path.contains("/-/") {
            problems.push(
                Diagnostic::new(
                    &source.file.path,
                    format!("cannot make a web address from the folder name {dir:?}"),
                )
                .hint("rename the folder using letters or digits"),
            );
        }
        urls.claim(
            &path,
            crate::error::display_path(&source.file.path),
            &source.file.path,
            || None,
        );
        Arc::make_mut(&mut site.section_by_content_path).insert(source.content_path.clone(), id);
        Arc::make_mut(&mut site.permalinks)
            .insert(source.content_path.clone(), format!("{base_url}{path}"));
        if let Some(parent) = parent {
            site.sections[parent].subsections.push(id);
        }
        site.sections.push(Section {
            permalink: format!("{base_url}{path}"),
            path,
            parent,
            subsections: Vec::new(),
            pages: Vec::new(),
            sessions: Vec::new(),
            rendered: Default::default(),
            summary: String::new(),
            source,
        });
        id_by_dir.insert(dir, id);
    }
    debug_assert_eq!(
        site.sections.first().map(|s| s.source.dir.as_str()),
        Some(""),
        "the home section comes first"
    );
}

fn make_pages(
    site: &mut Site,
    sources: Vec<Arc<PageSource>>,
    base_url: &str,
    urls: &mut UrlRegistry,
    problems: &mut Vec<Diagnostic>,
) {
    let id_by_dir: HashMap<&str, SectionId> = site
        .sections
        .iter()
        .enumerate()
        .map(|(id, s)| (s.source.dir.as_str(), id))
        .collect();
    let mut pages = Vec::with_capacity(sources.len());
    for source in sources {
        let Some(&section) = id_by_dir.get(source.section_dir.as_str()) else {
            problems.push(
                Diagnostic::new(
                    &source.file.path,
                    "this page sits inside another page's folder (next to an index.md)",
                )
                .hint("move it into a section folder, or rename the other index.md"),
            );
            continue;
        };
        let path = format!("{}{}/", site.sections[section].path, source.slug);
        // Point at `slug` when it made the clash, else at the top of the front matter.
        urls.claim(
            &path,
            crate::error::display_path(&source.file.path),
            &source.file.path,
            || find_key(&source.file.text, "slug").or(Some((1, 1))),
        );
        Arc::make_mut(&mut site.page_by_content_path)
            .insert(source.content_path.clone(), pages.len());
        Arc::make_mut(&mut site.permalinks)
            .insert(source.content_path.clone(), format!("{base_url}{path}"));
        pages.push(Arc::new(Page {
            permalink: format!("{base_url}{path}"),
            path,
            section,
            rendered: Default::default(),
            summary: String::new(),
            tags: Vec::new(),
            assets: Vec::new(),
            image_url: None,
            source,
        }));
    }
    site.pages = pages;
}

/// What every file's [`RenderContext`] shares.
struct SharedContext<'a> {
    options: &'a BuildOptions<'a>,
    drafts: &'a HashSet<String>,
    permalinks: &'a HashMap<String, String>,
    asset_paths: &'a HashMap<String, String>,
}

impl SharedContext<'_> {
    fn for_file<'b>(
        &'b self,
        file: &'b std::path::Path,
        content_path: &'b str,
        permalink: &'b str,
        body_line_offset: usize,
    ) -> RenderContext<'b> {
        RenderContext {
            file,
            body_line_offset,
            permalink,
            base_url: self.options.base_url,
            content_path,
            permalinks: self.permalinks,
            asset_paths: self.asset_paths,
            drafts: self.drafts,
            smart_punctuation: self.options.smart_punctuation,
            highlighting: self.options.highlighting,
            images: Some(self.options.images),
        }
    }
}

fn render_markdown(
    site: &mut Site,
    options: &BuildOptions<'_>,
    drafts: &HashSet<String>,
    problems: &mut Vec<Diagnostic>,
) {
    let shared = SharedContext {
        options,
        drafts,
        permalinks: &site.permalinks,
        asset_paths: &site.asset_paths,
    };
    let render_new = |source: (&std::path::Path, &str), body: &str, body_line_offset, permalink| {
        let (file, content_path) = source;
        let ctx = shared.for_file(file, content_path, permalink, body_line_offset);
        let (rendered, problems) = markdown::render_with_data(body, &ctx, options.data);
        (Arc::new(rendered), problems)
    };
    // Rendered Markdown depends on the text and on every page's URL (for `@/` links).
    let reusable = options
        .previous
        .filter(|previous| previous.permalinks == site.permalinks);
    let page_results: Vec<_> = site
        .pages
        .par_iter()
        .map(|p| {
            let unchanged = reusable.and_then(|previous| {
                let &id = previous.page_by_content_path.get(&p.source.content_path)?;
                (previous.pages[id].source.file.text == p.source.file.text)
                    .then(|| Arc::clone(&previous.pages[id].rendered))
            });
            let (rendered, problems) = match unchanged {
                Some(rendered) => (rendered, Vec::new()),
                None => render_new(
                    (&p.source.file.path, &p.source.content_path),
                    p.source.body(),
                    p.source.file.body_line_offset(),
                    &p.permalink,
                ),
            };
            // The card image is found by the same rules as an image in the text.
            let image_url = p.source.image.as_deref().and_then(|image| {
                let ctx =
                    shared.for_file(&p.source.file.path, &p.source.content_path, &p.permalink, 0);
                markdown::front_matter_address(image, &ctx)
            });
            (rendered, problems, image_url)
        })
        .collect();
    let section_results: Vec<_> = site
        .sections
        .par_iter()
        .map(|s| {
            let unchanged = reusable.and_then(|previous| {
                let &id = previous
                    .section_by_content_path
                    .get(&s.source.content_path)?;
                (previous.sections[id].source.file.text == s.source.file.text)
                    .then(|| Arc::clone(&previous.sections[id].rendered))
            });
            match unchanged {
                Some(rendered) => (rendered, Vec::new()),
                None => render_new(
                    (&s.source.file.path, &s.source.content_path),
                    s.source.body(),
                    s.source.file.body_line_offset(),
                    &s.permalink,
                ),
            }
        })
        .collect();
    for (page, (rendered, mut found, image_url)) in site.pages.iter_mut().zip(page_results) {
        let page = Arc::make_mut(page);
        page.summary = summary_html(&rendered, &page.source.description);
        page.rendered = rendered;
        page.image_url = image_url;
        problems.append(&mut found);
    }
    for (section, (rendered, mut found)) in site.sections.iter_mut().zip(section_results) {
        section.summary = summary_html(&rendered, &section.source.description);
        section.rendered = rendered;
        problems.append(&mut found);
    }
    // A broken data file that several pages' components read is reported once.
    let mut seen = HashSet::new();
    problems.retain(|d| {
        !d.path.starts_with("data")
            || seen.insert((d.path.clone(), d.line, d.column, d.message.clone()))
    });
}

/// The text before `<!-- more -->`, else the description, else the first paragraph.
pub(crate) fn summary_html(rendered: &RenderedMarkdown, description: &str) -> String {
    if let Some(summary) = &rendered.summary {
        return summary.clone();
    }
    if !description.trim().is_empty() {
        let mut html = String::from("<p>");
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, description.trim());
        html.push_str("</p>\n");
        return html;
    }
    rendered.first_paragraph.clone().unwrap_or_default()
}

/// Every `@/page.md#anchor` link whose heading does not exist.
pub(crate) fn anchor_problems(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    check_anchor_links(site, &mut problems);
    problems
}

fn check_anchor_links(site: &Site, problems: &mut Vec<Diagnostic>) {
    let files = site
        .pages
        .iter()
        .map(|p| (&p.source.file.path, &p.rendered))
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.source.file.path, &s.rendered)),
        );
    for (file, rendered) in files {
        for link in &rendered.anchor_links {
            let target = site
                .page_by_content_path
                .get(&link.target)
                .map(|&id| &site.pages[id].rendered)
                .or_else(|| {
                    site.section_by_content_path
                        .get(&link.target)
                        .map(|&id| &site.sections[id].rendered)
                });
            let Some(target) = target else { continue };
            if !target.anchors.contains(&link.anchor) {
                let mut known: Vec<&str> = target.anchors.iter().map(String::as_str).collect();
                known.sort_unstable();
                let guess = crate::suggest::closest(&link.anchor, known.iter().copied());
                let hint = match guess {
                    _ if known.is_empty() => {
                        "that page has no headings; link to the page without #".to_string()
                    }
                    Some(guess) => format!(
                        "did you mean @/{}#{guess}? Headings in that page: {}",
                        link.target,
                        known.join(", ")
                    ),
                    None => format!("headings in that page: {}", known.join(", ")),
                };
                problems.push(
                    Diagnostic::new(
                        file,
                        format!(
                            "link to a heading that does not exist: @/{}#{}",
                            link.target, link.anchor
                        ),
                    )
                    .rule(crate::rules::LINKS_ANCHOR.id)
                    .at(link.line, Some(link.column))
                    .hint(hint),
                );
            }
        }
    }
}

fn title_key(title: &str) -> String {
    title.to_lowercase()
}

/// Newest first; undated pages after dated ones, by title.
fn by_date_newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.source
        .date
        .cmp(&a.source.date)
        .then_with(|| title_key(&a.source.title).cmp(&title_key(&b.source.title)))
        .then_with(|| a.source.content_path.cmp(&b.source.content_path))
}

/// Each section's sessions (those of its own pages), soonest first. Sections without any
/// are left as they are: nothing here for a site without sessions but one look per page.
fn collect_sessions(site: &mut Site) {
    let pages = &site.pages;
    for (id, page) in pages.iter().enumerate() {
        let refs = (0..page.source.sessions.len()).map(|index| SessionRef { page: id, index });
        site.sections[page.section].sessions.extend(refs);
    }
    for section in site.sections.iter_mut().filter(|s| !s.sessions.is_empty()) {
        section.sessions.sort_by_key(|r| {
            let session = &pages[r.page].source.sessions[r.index];
            (session.start, session.end, r.page)
        });
    }
}

fn sort_section_contents(site: &mut Site) {
    for (id, page) in site.pages.iter().enumerate() {
        site.sections[page.section].pages.push(id);
    }
    let pages = &site.pages;
    let mut sorted_subsections = Vec::with_capacity(site.sections.len());
    for section in &site.sections {
        let mut subsections = section.subsections.clone();
        subsections.sort_by(|&a, &b| {
            let (a, b) = (&site.sections[a].source, &site.sections[b].source);
            a.weight
                .unwrap_or(i64::MAX)
                .cmp(&b.weight.unwrap_or(i64::MAX))
                .then_with(|| title_key(&a.title).cmp(&title_key(&b.title)))
        });
        sorted_subsections.push(subsections);
    }
    for (section, subsections) in site.sections.iter_mut().zip(sorted_subsections) {
        section.subsections = subsections;
        let by_title = |a: &PageId, b: &PageId| {
            title_key(&pages[*a].source.title)
                .cmp(&title_key(&pages[*b].source.title))
                .then_with(|| {
                    pages[*a]
                        .source
                        .content_path
                        .cmp(&pages[*b].source.content_path)
                })
        };
        match section.source.sort_by {
            SortBy::Date => section
                .pages
                .sort_by(|&a, &b| by_date_newest_first(&pages[a], &pages[b])),
            SortBy::Weight => section.pages.sort_by(|a, b| {
                pages[*a]
                    .source
                    .weight
                    .unwrap_or(i64::MAX)
                    .cmp(&pages[*b].source.weight.unwrap_or(i64::MAX))
                    .then_with(|| by_title(a, b))
            }),
            SortBy::Title => section.pages.sort_by(by_title),
            SortBy::None => section.pages.sort_by(|&a, &b| {
                pages[a]
                    .source
                    .content_path
                    .cmp(&pages[b].source.content_path)
            }),
        }
    }
}

/// Groups pages by tag slug (`Café` and `cafe` are one tag, named as first written).
fn make_tags(site: &mut Site, base_url: &str, urls: &mut UrlRegistry) {
    let mut names: HashMap<String, String> = HashMap::new();
    for page in &site.pages {
        for name in &page.source.tags {
            names
                .entry(slugify(name))
                .or_insert_with(|| name.trim().to_string());
        }
    }
    let mut tags: Vec<Tag> = names
        .into_iter()
        .map(|(slug, name)| {
            let path = format!("/tags/{slug}/");
            Tag {
                permalink: format!("{base_url}{path}"),
                path,
                name,
                slug,
                pages: Vec::new(),
            }
        })
        .collect();
    tags.sort_by(|a, b| {
        title_key(&a.name)
            .cmp(&title_key(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let id_by_slug: HashMap<String, usize> = tags
        .iter()
        .enumerate()
        .map(|(id, t)| (t.slug.clone(), id))
        .collect();
    for (page_id, page) in site.pages.iter_mut().enumerate() {
        let page = Arc::make_mut(page);
        for name in &page.source.tags {
            let tag_id = id_by_slug[&slugify(name)];
            if !page.tags.contains(&tag_id) {
                page.tags.push(tag_id);
                tags[tag_id].pages.push(page_id);
            }
        }
    }
    let pages = &site.pages;
    for tag in &mut tags {
        tag.pages
            .sort_by(|&a, &b| by_date_newest_first(&pages[a], &pages[b]));
    }
    if !tags.is_empty() {
        urls.claim(
            "/tags/",
            "the list of tags".into(),
            std::path::Path::new("content"),
            || None,
        );
    }
    for tag in &tags {
        let first_file = &site.pages[tag.pages[0]].source.file.path;
        urls.claim(
            &tag.path,
            format!("the page of tag {:?}", tag.name),
            first_file,
            || find_key(&site.pages[tag.pages[0]].source.file.text, "tags"),
        );
    }
    site.tags = tags;
}

fn claim_pagination(site: &Site, urls: &mut UrlRegistry) {
    for section in &site.sections {
        for index in 2..=section.pager_count() {
            urls.claim(
                &section.pager_path(index),
                format!(
                    "page {index} of {}",
                    crate::error::display_path(&section.source.file.path)
                ),
                &section.source.file.path,
                || find_key(&section.source.file.text, "paginate_by"),
            );
        }
    }
}

fn make_aliases(site: &mut Site, urls: &mut UrlRegistry, problems: &mut Vec<Diagnostic>) {
    let mut aliases = Vec::new();
    for (id, page) in site.pages.iter().enumerate() {
        if page.source.aliases.is_empty() {
            continue;
        }
        let at = find_key(&page.source.file.text, "aliases");
        for alias in &page.source.aliases {
            match alias_output(alias) {
                Ok((url, output)) => {
                    urls.claim(
                        &url,
                        format!(
                            "the alias {alias:?} in {}",
                            crate::error::display_path(&page.source.file.path)
                        ),
                        &page.source.file.path,
                        || at,
                    );
                    aliases.push(Alias { output, target: id });
                }
                Err(message) => {
                    let mut d = Diagnostic::new(&page.source.file.path, message)
                        .hint("aliases are old paths on this site, e.g. aliases = [\"/old-tips/facebook/\"]");
                    if let Some((line, col)) = at {
                        d = d.at(line, Some(col));
                    }
                    problems.push(d);
                }
            }
        }
    }
    site.aliases = aliases;
}

/// `/old/page/` → (`/old/page/`, `old/page/index.html`); `/old.html` → (`/old.html`, `old.html`).
fn alias_output(alias: &str) -> Result<(String, String), String> {
    let trimmed = alias.trim().trim_start_matches('/');
    if alias.contains("://") || alias.starts_with("//") {
        return Err(format!(
            "the alias {alias:?} is a full address; an alias must be a path on this site"
        ));
    }
    if trimmed.is_empty()
        || trimmed.split('/').any(|part| part == ".." || part == ".")
        || trimmed.contains('\\')
    {
        return Err(format!("the alias {alias:?} is not a usable path"));
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        Ok((format!("/{trimmed}"), trimmed.to_string()))
    } else {
        let dir = trimmed.trim_end_matches('/');
        Ok((format!("/{dir}/"), format!("{dir}/index.html")))
    }
}

fn place_assets(
    site: &mut Site,
    assets: &[crate::content::AssetFile],
    bundle_dirs: &HashSet<String>,
) {
    let section_by_dir: HashMap<&str, SectionId> = site
        .sections
        .iter()
        .enumerate()
        .map(|(id, s)| (s.source.dir.as_str(), id))
        .collect();
    let mut copies = Vec::new();
    let mut asset_paths = HashMap::new();
    for asset in assets {
        let dir = asset
            .content_path
            .rsplit_once('/')
            .map_or("", |(dir, _)| dir);
        if let Some(bundle) = in_bundle(dir, bundle_dirs) {
            let page_path = format!("{bundle}/index.md");
            let Some(&page_id) = site.page_by_content_path.get(&page_path) else {
                continue;
            };
            let relative = &asset.content_path[bundle.len() + 1..];
            let page = Arc::make_mut(&mut site.pages[page_id]);
            page.assets.push(relative.to_string());
            let output = format!("{}{relative}", &page.path[1..]);
            asset_paths.insert(asset.content_path.clone(), format!("/{output}"));
            copies.push(AssetCopy {
                source: asset.source.clone(),
                output,
            });
        } else if let Some(&section) = section_by_dir.get(dir) {
            let name = asset.content_path.rsplit('/').next().unwrap_or_default();
            let output = format!("{}{name}", &site.sections[section].path[1..]);
            asset_paths.insert(asset.content_path.clone(), format!("/{output}"));
            copies.push(AssetCopy {
                source: asset.source.clone(),
                output,
            });
        }
    }
    site.assets = copies;
    site.asset_paths = Arc::new(asset_paths);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;

    fn file(content_path: &str, text: &str) -> SourceFile {
        SourceFile::in_content(content_path, text)
    }

    fn site_of(
        pages: &[(&str, &str)],
        sections: &[(&str, &str)],
        drafts: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut dirs: Vec<String> = vec![String::new()];
        for (p, _) in pages.iter().chain(sections) {
            let mut d = *p;
            while let Some((parent, _)) = d.rsplit_once('/') {
                dirs.push(parent.to_string());
                d = parent;
            }
        }
        dirs.sort();
        dirs.dedup();
        let files = ContentFiles {
            pages: pages.iter().map(|(p, t)| file(p, t)).collect(),
            sections: sections.iter().map(|(p, t)| file(p, t)).collect(),
            assets: Vec::new(),
            dirs,
        };
        let highlighting = Highlighting::Classes;
        build(
            files,
            &BuildOptions {
                base_url: "https://e.org",
                drafts,
                smart_punctuation: true,
                highlighting: &highlighting,
                data: None,
                previous: None,
                images: &Default::default(),
            },
        )
    }

    fn fm(title: &str, extra: &str) -> String {
        format!("+++\ntitle = \"{title}\"\n{extra}\n+++\nBody.\n")
    }

    #[test]
    fn urls_follow_folders_and_slugs() {
        let site = site_of(
            &[
                ("tips/Follow Thirty.md", &fm("A", "")),
                ("about.md", &fm("B", "")),
            ],
            &[],
            false,
        )
        .unwrap();
        let paths: Vec<&str> = site.pages.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["/tips/follow-thirty/", "/about/"]);
        assert_eq!(site.sections[1].path, "/tips/");
        assert_eq!(site.sections[1].parent, Some(crate::site::HOME));
        assert_eq!(
            site.permalinks["tips/follow-thirty.md"
                .replace("follow-thirty", "Follow Thirty")
                .as_str()],
            "https://e.org/tips/follow-thirty/"
        );
    }

    #[test]
    fn duplicate_urls_name_both_files() {
        let e = site_of(
            &[
                ("tips/a.md", &fm("A", "slug = \"b\"")),
                ("tips/b.md", &fm("B", "")),
            ],
            &[],
            false,
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.contains("content/tips/a.md")
                && e[0].message.contains("content/tips/b.md"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for() {
        let pages = [("a.md", fm("A", "draft = true")), ("b.md", fm("B", ""))];
        let pages: Vec<(&str, &str)> = pages.iter().map(|(a, b)| (*a, b.as_str())).collect();
        assert_eq!(site_of(&pages, &[], false).unwrap().pages.len(), 1);
        assert_eq!(site_of(&pages, &[], true).unwrap().pages.len(), 2);
    }

    #[test]
    fn sections_sort_their_pages() {
        let pages = [
            ("posts/a.md", fm("Alpha", "date = 2026-01-01\nweight = 3")),
            ("posts/b.md", fm("beta", "date = 2026-03-01\nweight = 1")),
            ("posts/c.md", fm("Gamma", "weight = 2")),
        ];
        let pages: Vec<(&str, &str)> = pages.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let order = |sort: &str| {
            let section = format!("+++\nsort_by = \"{sort}\"\n+++\n");
            let site = site_of(&pages, &[("posts/_index.md", &section)], false).unwrap();
            site.sections[1]
                .pages
                .iter()
                .map(|&id| site.pages[id].source.title.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order("date"), ["beta", "Alpha", "Gamma"]);
        assert_eq!(order("weight"), ["beta", "Gamma", "Alpha"]);
        assert_eq!(order("title"), ["Alpha", "beta", "Gamma"]);
        assert_eq!(order("none"), ["Alpha", "beta", "Gamma"]);
    }

    #[test]
    fn tags_merge_by_slug() {
        let pages = [
            ("a.md", fm("A", "tags = [\"Café\", \"Safe Posting\"]")),
            ("b.md", fm("B", "tags = [\"cafe\"]")),
        ];
        let pages: Vec<(&str, &str)> = pages.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let site = site_of(&pages, &[], false).unwrap();
        assert_eq!(site.tags.len(), 2);
        assert_eq!(
            (
                site.tags[0].name.as_str(),
                site.tags[0].path.as_str(),
                site.tags[0].pages.len()
            ),
            ("Café", "/tags/cafe/", 2)
        );
    }

    #[test]
    fn anchors_are_checked_across_pages() {
        let pages = [
            ("a.md", fm("A", "")),
            (
                "b.md",
                "+++\ntitle = \"B\"\n+++\n[x](@/a.md#nope)\n".to_string(),
            ),
        ];
        let pages: Vec<(&str, &str)> = pages.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let e = site_of(&pages, &[], false).unwrap_err();
        assert_eq!(e[0].line, Some(4));
        assert!(e[0].message.contains("@/a.md#nope"));
    }

    #[test]
    fn aliases_are_checked() {
        assert_eq!(
            alias_output("/old/tips/").unwrap(),
            ("/old/tips/".into(), "old/tips/index.html".into())
        );
        assert_eq!(
            alias_output("old.html").unwrap(),
            ("/old.html".into(), "old.html".into())
        );
        assert!(alias_output("../x").is_err());
        assert!(alias_output("https://x.org/").is_err());
        assert!(alias_output("/").is_err());
    }

    #[test]
    fn pagination_paths() {
        let mut pages = Vec::new();
        for i in 0..5 {
            pages.push((format!("posts/p{i}.md"), fm(&format!("P{i}"), "")));
        }
        let pages: Vec<(&str, &str)> = pages
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let site = site_of(
            &pages,
            &[("posts/_index.md", "+++\npaginate_by = 2\n+++\n")],
            false,
        )
        .unwrap();
        assert_eq!(site.sections[1].pager_count(), 3);
        assert_eq!(site.sections[1].pager_path(2), "/posts/page/2/");
    }
}
