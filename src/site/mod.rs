//! The site model: pages, sections, tags and the URLs they are published at. Built once from
//! parsed content ([`build`]), then only read by the renderers. Plain data, no IO.

mod assemble;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::{PageSource, SectionSource};
use crate::markdown::RenderedMarkdown;
pub use assemble::{anchor_problems, build, summary_html, BuildOptions};

/// Index of a page in [`Site::pages`].
pub type PageId = usize;
/// Index of a section in [`Site::sections`]; the home section is always 0.
pub type SectionId = usize;
/// Index of a tag in [`Site::tags`].
pub type TagId = usize;

/// The home section's id.
pub const HOME: SectionId = 0;

/// A Markdown page with its URL and rendered body.
#[derive(Debug, Clone)]
pub struct Page {
    /// Shared, so that a rebuild keeps an unchanged page's parsed front matter without copying.
    pub source: Arc<PageSource>,
    /// Site-relative URL, `/tips/follow-thirty/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    pub section: SectionId,
    /// Shared, so that a rebuild can keep an unchanged page's HTML without copying it.
    pub rendered: Arc<RenderedMarkdown>,
    /// HTML summary: before `<!-- more -->`, else the description, else the first paragraph.
    pub summary: String,
    pub tags: Vec<TagId>,
    /// The bundle's other files, by name relative to the page's folder.
    pub assets: Vec<String>,
    /// The front matter's `image` as published: absolute when it is one of the site's files.
    pub image_url: Option<String>,
}

/// A section (`_index.md`, or a folder without one) with its pages, sorted.
#[derive(Debug, Clone)]
pub struct Section {
    pub source: SectionSource,
    pub path: String,
    pub permalink: String,
    pub parent: Option<SectionId>,
    /// Sections directly inside this one, by weight then title.
    pub subsections: Vec<SectionId>,
    /// Pages directly in this section, in its `sort_by` order.
    pub pages: Vec<PageId>,
    /// Shared, so that a rebuild can keep an unchanged page's HTML without copying it.
    pub rendered: Arc<RenderedMarkdown>,
    pub summary: String,
}

impl Section {
    /// How many listing pages the section needs (1 without pagination).
    pub fn pager_count(&self) -> usize {
        match self.source.paginate_by {
            Some(per_page) if per_page > 0 => self.pages.len().div_ceil(per_page).max(1),
            _ => 1,
        }
    }

    /// Absolute URL of listing page `index` (1-based).
    pub fn pager_permalink(&self, index: usize) -> String {
        if index <= 1 {
            self.permalink.clone()
        } else {
            format!("{}page/{index}/", self.permalink)
        }
    }

    /// Site-relative URL of listing page `index` (1-based): `/posts/`, `/posts/page/2/`.
    pub fn pager_path(&self, index: usize) -> String {
        if index <= 1 {
            self.path.clone()
        } else {
            format!("{}page/{index}/", self.path)
        }
    }
}

/// A tag and the pages that carry it, newest first.
#[derive(Debug, Clone)]
pub struct Tag {
    /// The name as first written.
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub pages: Vec<PageId>,
}

/// A file to copy into the output as it is: a bundle's image, a section's PDF.
#[derive(Debug, Clone)]
pub struct AssetCopy {
    pub source: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub output: String,
}

/// An old URL that must redirect to a page.
#[derive(Debug, Clone)]
pub struct Alias {
    /// Output file relative to the output folder, e.g. `old/page/index.html`.
    pub output: String,
    pub target: PageId,
}

/// The whole site, ready to render.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Shared, like the maps below, so that the preview server can patch an edited page into
    /// a copy of the model without copying every other page.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Section>,
    /// Sorted by name, ignoring case.
    pub tags: Vec<Tag>,
    pub assets: Vec<AssetCopy>,
    pub aliases: Vec<Alias>,
    /// `tips/x.md` → page id.
    pub page_by_content_path: Arc<HashMap<String, PageId>>,
    /// `tips/_index.md` → section id.
    pub section_by_content_path: Arc<HashMap<String, SectionId>>,
    /// `tips/x.md` or `tips/_index.md` → absolute URL.
    pub permalinks: Arc<HashMap<String, String>>,
    /// Content path of each copied file (`posts/fair.jpg`) → the site path it is published
    /// at (`/posts/fair.jpg`), so that Markdown can address files beside its own.
    pub asset_paths: Arc<HashMap<String, String>>,
}

impl Site {
    /// Sections from the home down to (not including) the page's own, then its section.
    pub fn ancestors_of_section(&self, id: SectionId) -> Vec<SectionId> {
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
    pub fn warnings(&self) -> Vec<crate::error::Diagnostic> {
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

    /// The top-level sections, for navigation.
    pub fn top_sections(&self) -> &[SectionId] {
        self.sections
            .first()
            .map_or(&[], |home| home.subsections.as_slice())
    }
}
