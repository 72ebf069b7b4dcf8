//! The site model: pages, sections, tags and the URLs they are published at. Built once from
//! parsed content ([`build`]), then only read by the renderers. Plain data, no IO.

mod assemble;
mod authors;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::{PageSource, SectionSource};
use crate::markdown::RenderedMarkdown;
pub(crate) use assemble::{anchor_problems, build, summary_html, BuildOptions};
pub(crate) use authors::{attach as attach_authors, AuthorId, AuthorPage, AUTHORS_PATH};

/// Index of a page in [`Site::pages`].
pub(crate) type PageId = usize;
/// Index of a section in [`Site::sections`]; the home section is always 0.
pub(crate) type SectionId = usize;
/// Index of a tag in [`Site::tags`].
type TagId = usize;

/// The home section's id.
pub(crate) const HOME: SectionId = 0;

/// A Markdown page with its URL and rendered body.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// Shared, so that a rebuild keeps an unchanged page's parsed front matter without copying.
    pub(crate) source: Arc<PageSource>,
    /// Site-relative URL, `/tips/follow-thirty/`.
    pub(crate) path: String,
    /// Absolute URL.
    pub(crate) permalink: String,
    pub(crate) section: SectionId,
    /// Shared, so that a rebuild can keep an unchanged page's HTML without copying it.
    pub(crate) rendered: Arc<RenderedMarkdown>,
    /// HTML summary: before `<!-- more -->`, else the description, else the first paragraph.
    pub(crate) summary: String,
    pub(crate) tags: Vec<TagId>,
    /// The bundle's other files, by name relative to the page's folder.
    pub(crate) assets: Vec<String>,
    /// The front matter's `image` as published: absolute when it is one of the site's files.
    pub(crate) image_url: Option<String>,
}

/// A section (`_index.md`, or a folder without one) with its pages, sorted.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) source: SectionSource,
    pub(crate) path: String,
    pub(crate) permalink: String,
    parent: Option<SectionId>,
    /// Sections directly inside this one, by weight then title.
    pub(crate) subsections: Vec<SectionId>,
    /// Pages directly in this section, in its `sort_by` order.
    pub(crate) pages: Vec<PageId>,
    /// The sessions of those pages, soonest first (empty for most sections).
    pub(crate) sessions: Vec<SessionRef>,
    /// Shared, so that a rebuild can keep an unchanged page's HTML without copying it.
    pub(crate) rendered: Arc<RenderedMarkdown>,
    pub(crate) summary: String,
}

impl Section {
    /// How many listing pages the section needs (1 without pagination).
    pub(crate) fn pager_count(&self) -> usize {
        match self.source.paginate_by {
            Some(per_page) if per_page > 0 => self.pages.len().div_ceil(per_page).max(1),
            _ => 1,
        }
    }

    /// Absolute URL of listing page `index` (1-based).
    pub(crate) fn pager_permalink(&self, index: usize) -> String {
        if index <= 1 {
            self.permalink.clone()
        } else {
            format!("{}page/{index}/", self.permalink)
        }
    }

    /// Site-relative URL of listing page `index` (1-based): `/posts/`, `/posts/page/2/`.
    pub(crate) fn pager_path(&self, index: usize) -> String {
        if index <= 1 {
            self.path.clone()
        } else {
            format!("{}page/{index}/", self.path)
        }
    }
}

/// One of a page's training sessions: `site.pages[page].source.sessions[index]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionRef {
    pub(crate) page: PageId,
    pub(crate) index: usize,
}

/// A tag and the pages that carry it, newest first.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    /// The name as first written.
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) path: String,
    pub(crate) permalink: String,
    pub(crate) pages: Vec<PageId>,
}

/// A file to copy into the output as it is: a bundle's image, a section's PDF.
#[derive(Debug, Clone)]
pub(crate) struct AssetCopy {
    pub(crate) source: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub(crate) output: String,
}

/// An old URL that must redirect to a page.
#[derive(Debug, Clone)]
pub(crate) struct Alias {
    /// Output file relative to the output folder, e.g. `old/page/index.html`.
    pub(crate) output: String,
    pub(crate) target: PageId,
}

/// The whole site, ready to render.
#[derive(Debug, Clone, Default)]
pub(crate) struct Site {
    /// Shared, like the maps below, so that the preview server can patch an edited page into
    /// a copy of the model without copying every other page.
    pub(crate) pages: Vec<Arc<Page>>,
    pub(crate) sections: Vec<Section>,
    /// Sorted by name, ignoring case.
    pub(crate) tags: Vec<Tag>,
    pub(crate) assets: Vec<AssetCopy>,
    pub(crate) aliases: Vec<Alias>,
    /// `tips/x.md` → page id.
    pub(crate) page_by_content_path: Arc<HashMap<String, PageId>>,
    /// `tips/_index.md` → section id.
    pub(crate) section_by_content_path: Arc<HashMap<String, SectionId>>,
    /// `tips/x.md` or `tips/_index.md` → absolute URL.
    pub(crate) permalinks: Arc<HashMap<String, String>>,
    /// Content path of each copied file (`posts/fair.jpg`) → the site path it is published
    /// at (`/posts/fair.jpg`), so that Markdown can address files beside its own.
    pub(crate) asset_paths: Arc<HashMap<String, String>>,
    /// The people of data/authors.toml with their profile pages, in the file's order; empty
    /// when the site has no such file (pages' `authors` are then names as written).
    pub(crate) authors: Arc<Vec<AuthorPage>>,
    /// Key (`tom-hartley`) → person.
    pub(crate) author_by_key: Arc<HashMap<String, AuthorId>>,
    /// The site's image files as read at load, for the pictures in pages' text.
    pub(crate) images: Arc<crate::images::ImageCatalog>,
}

impl Site {
    /// Sections from the home down to (not including) the page's own, then its section.
    pub(crate) fn ancestors_of_section(&self, id: SectionId) -> Vec<SectionId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(parent) = self.sections[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// Every warning of the published pages and sections (see [`PageSource::warnings`]), in
    /// file order.
    pub(crate) fn warnings(&self) -> Vec<crate::error::Diagnostic> {
        let mut warnings: Vec<_> = self
            .pages
            .iter()
            .flat_map(|page| &page.source.warnings)
            .chain(self.sections.iter().flat_map(|s| &s.source.warnings))
            .cloned()
            .collect();
        warnings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        warnings
    }

    /// The people a page names, in its order; none when the site has no data/authors.toml.
    pub(crate) fn authors_of<'a>(&'a self, page: &'a Page) -> impl Iterator<Item = AuthorId> + 'a {
        page.source
            .authors
            .iter()
            .filter_map(|key| self.author_by_key.get(key.trim()).copied())
    }

    /// The top-level sections, for navigation.
    pub(crate) fn top_sections(&self) -> &[SectionId] {
        self.sections
            .first()
            .map_or(&[], |home| home.subsections.as_slice())
    }
}
