//! The preview's incremental builds: one [`Session`] per `hub serve`, keeping the last good
//! build in memory so that an edit re-reads only the edited file, re-renders Markdown only
//! for changed pages and, when only page text changed, templates only for those pages and
//! the listings, tags and feeds that show them. It builds through the pipeline's public
//! stages and writes nothing to disk: previewing never touches what will be published.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::error::{Diagnostic, Result};
use crate::output::OutputFile;
use crate::pipeline::{
    link_gate, load_config, render_site_with, BuildSettings, CardWork, Model, SiteAssets,
};
use crate::render::RenderScope;
use crate::site::{Page, Site};

/// Every file of a site by output path, shared so that a quick rebuild copies pointers only.
pub(super) type SiteFiles = BTreeMap<String, Arc<OutputFile>>;

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
    /// The search index in `files` is an earlier build's: a partial build leaves it to be
    /// made again after the edit is served (see [`Session::stale_search_site`]).
    search_stale: bool,
}

/// What one build of a [`Session`] produced.
pub struct SessionBuild {
    /// Every file of the site, by output path.
    pub(super) files: Arc<SiteFiles>,
    pub(super) pages: usize,
    /// Pages whose HTML was rendered again (all of them on a full build).
    pub rendered_pages: usize,
    /// Problems that did not stop the build, for the preview to print.
    pub(super) warnings: Vec<Diagnostic>,
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
        let search_enabled = config.search.enabled;
        let (mut rendered, assets) = match patched {
            Some((site, scope)) => render_site_with(
                &self.root,
                config,
                self.settings.drafts,
                Model::Ready(site),
                assets,
                CardWork::Draw,
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
                CardWork::Draw,
                |site| {
                    previous_site
                        .as_deref()
                        .map_or(RenderScope::Everything, |previous| {
                            scope_of_change(previous, site)
                        })
                },
            )?,
        };
        crate::pipeline::publish_images(&self.root, &mut rendered)?;
        let warnings = rendered.warnings();
        let rendered_pages = rendered.rendered_pages();
        let (files, full) = match reusable {
            Some(last) if !rendered.full() => {
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
        link_gate(
            &rendered.site,
            &base_url,
            files.values().map(|f| f.as_ref()),
            edited.as_ref(),
        )?;
        let files = Arc::new(files);
        let pages = rendered.site.pages.len();
        let rendered_pages = if full { pages } else { rendered_pages };
        self.last = Some(LastBuild {
            site: rendered.site,
            config_text,
            files: Arc::clone(&files),
            assets: Some(assets),
            search_stale: search_enabled && !full,
        });
        Ok(SessionBuild {
            files,
            pages,
            rendered_pages,
            warnings,
        })
    }
}

impl Session {
    /// After a partial build, which leaves the search index as it was: the model to make it
    /// again from (see `super::search_index`). None when the index is up to date (a full
    /// build renders it with everything) or the site has no search.
    pub(super) fn stale_search_site(&self) -> Option<Arc<Site>> {
        let last = self.last.as_ref().filter(|last| last.search_stale)?;
        Some(Arc::clone(&last.site))
    }

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
        let data = self.last.as_ref()?.assets.as_ref()?.data();
        let highlighting = config.highlighting().ok()?;
        let no_drafts = HashSet::new();
        let mut site = previous.clone();
        let (mut pages, mut feed_sections, mut feed_tags) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        let mut feed_authors = HashSet::new();
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
                file: &source.file.path,
                body_line_offset: source.file.body_line_offset(),
                permalink: &old.permalink,
                base_url: &config.base_url,
                content_path: &source.content_path,
                permalinks: &previous.permalinks,
                asset_paths: &previous.asset_paths,
                drafts: &no_drafts,
                smart_punctuation: config.markdown.smart_punctuation,
                highlighting: &highlighting,
                images: Some(&previous.images),
            };
            let (rendered, problems) =
                crate::markdown::render_with_data(source.body(), &context, Some(data));
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
            feed_authors.extend(previous.authors_of(old));
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
                authors: HashSet::new(),
                feed_authors,
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
                .find(|f| f.file.path == Path::new(path))?;
            // Read as the full load reads it (encodings, line ends, control characters); a
            // file it refuses goes to the full walk, which reports the problem.
            *file = crate::content::read_markdown(
                &self.root,
                &self.root.join(path),
                file.content_path.clone(),
            )
            .ok()?;
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
            .all(|(a, b)| a.source.file.text == b.source.file.text);
    if !same_shape {
        return RenderScope::Everything;
    }
    let mut pages = HashSet::new();
    let mut sections = HashSet::new();
    let mut tags = HashSet::new();
    let mut feed_sections = HashSet::new();
    let mut feed_tags = HashSet::new();
    let mut authors = HashSet::new();
    let mut feed_authors = HashSet::new();
    let mut sitemap = false;
    for (id, page) in site.pages.iter().enumerate() {
        let Some(&old_id) = previous.page_by_content_path.get(&page.source.content_path) else {
            return RenderScope::Everything;
        };
        let old = &previous.pages[old_id];
        if old.source.file.text == page.source.file.text {
            continue;
        }
        if old.source.aliases != page.source.aliases {
            return RenderScope::Everything;
        }
        pages.insert(id);
        // Feeds carry the whole text, so those showing the page always change.
        feed_sections.extend(site.ancestors_of_section(page.section));
        feed_tags.extend(page.tags.iter().chain(&old.tags).copied());
        // People's feeds too, and their profile pages list the page like a section does.
        let people: Vec<_> = site
            .authors_of(page)
            .chain(previous.authors_of(old))
            .collect();
        feed_authors.extend(people.iter().copied());
        // Listings show only a page's summary line; most edits leave it as it was.
        if listing_differs(old, page) {
            sections.extend(site.ancestors_of_section(page.section));
            tags.extend(page.tags.iter().chain(&old.tags).copied());
            authors.extend(people);
        }
        sitemap |= old.source.date != page.source.date || old.source.updated != page.source.updated;
    }
    RenderScope::Only {
        pages,
        sections,
        tags,
        feed_sections,
        feed_tags,
        authors,
        feed_authors,
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
        || a.sessions != b.sessions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_html(build: &SessionBuild, path: &str) -> String {
        match &build.files[path].content {
            crate::output::OutputContent::Bytes(bytes) => String::from_utf8_lossy(bytes).into(),
            other => panic!("{path} is not rendered HTML: {other:?}"),
        }
    }

    #[test]
    fn edited_pages_and_data_files_redraw_their_components() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.toml", "title = \"T\"\nbase_url = \"https://e.org\"\n");
        write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHi.\n");
        write("content/other.md", "+++\ntitle = \"Other\"\n+++\nText.\n");
        write("data/survey.csv", "Q1,Q2\nYes,Often\nNo,Never\nYes,Often\n");
        let page = |column: &str| {
            format!("+++\ntitle = \"R\"\n+++\n\n```chart\ndata = \"survey\"\ncolumn = \"{column}\"\n```\n")
        };
        write("content/results.md", &page("Q1"));
        let mut session = Session::new(BuildSettings {
            root: dir.path().to_path_buf(),
            ..Default::default()
        });
        let first = session.build(false, &[]).unwrap();
        assert!(page_html(&first, "results/index.html").contains("Yes: 2 (67%)"));
        // A content edit takes the quick path, with the data files of the last build.
        write("content/results.md", &page("Q2"));
        let edited = session
            .build(true, &["content/results.md".to_string()])
            .unwrap();
        assert!(edited.rendered_pages < edited.pages, "only the edited page");
        assert!(page_html(&edited, "results/index.html").contains("Often: 2 (67%)"));
        // A data edit redraws the chart from the new file.
        write("data/survey.csv", "Q1,Q2\nYes,Never\n");
        let redrawn = session.build(false, &[]).unwrap();
        assert!(page_html(&redrawn, "results/index.html").contains("Never: 1 (100%)"));
    }
}
