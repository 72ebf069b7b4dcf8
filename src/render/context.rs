//! What templates see: serializable views of pages, sections and tags (docs/templates.md is
//! the reference). Views borrow from the site model; nothing here changes it.

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::content::{ContentDate, StatusChange};
use crate::markdown::Heading;
use crate::render::feeds::FeedLink;
use crate::render::metadata;
use crate::render::sessions::{self, SectionSessionsView, SessionView};
use crate::render::share::{self, ShareLink};
use crate::render::share_image;
use crate::site::{AuthorId, Page, PageId, Section, SectionId, Site, Tag, HOME};

/// Words per minute used for `reading_time`.
const READING_WORDS_PER_MINUTE: usize = 200;

fn reading_time(words: usize) -> usize {
    words.div_ceil(READING_WORDS_PER_MINUTE).max(1)
}

/// A link to a tag, as pages list them.
#[derive(Serialize)]
struct TagLink<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: &'a str,
}

/// One step of a breadcrumb trail.
#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    permalink: &'a str,
    path: &'a str,
}

/// One change of a roadmap page's status, as `page.status_history` lists it.
#[derive(Serialize)]
struct StatusChangeView<'a> {
    /// The change's `id` on the page, which the roadmap-changes feed links to.
    id: &'a str,
    date: ContentDate,
    /// `adopt`...`hold`, or "" when the platform was added by this change.
    from: &'static str,
    to: &'static str,
    /// The change in words: "Moved from Trial to Adopt".
    summary: String,
    why: &'a str,
}

impl<'a> StatusChangeView<'a> {
    fn of(change: &'a StatusChange) -> Self {
        StatusChangeView {
            id: &change.anchor,
            date: change.date,
            from: change.from.map_or("", |s| s.as_str()),
            to: change.to.as_str(),
            summary: change.sentence(),
            why: &change.why,
        }
    }
}

/// `page` in templates.
#[derive(Serialize)]
pub(super) struct PageView<'a> {
    title: &'a str,
    description: &'a str,
    date: Option<ContentDate>,
    updated: Option<ContentDate>,
    review_by: Option<ContentDate>,
    permalink: &'a str,
    path: &'a str,
    /// Left out of page lists, where it would be large and unused.
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    summary: &'a str,
    toc: &'a [Heading],
    tags: Vec<TagLink<'a>>,
    /// Names: the people's names when data/authors.toml describes them, else as written.
    authors: AuthorNames<'a>,
    /// The people of data/authors.toml who wrote the page; empty without that file.
    author_profiles: AuthorLinks<'a>,
    word_count: usize,
    reading_time: usize,
    share: Vec<ShareLink>,
    image: Option<&'a str>,
    /// Absolute URL of the picture shown when the page is shared: its `image`, else
    /// `[extra] default_image`, else its share card.
    image_url: Option<String>,
    /// The description, else the summary as plain text.
    meta_description: String,
    /// JSON-LD for the `<head>` (print with `| safe`); empty in page lists.
    json_ld: String,
    draft: bool,
    weight: Option<i64>,
    extra: &'a Value,
    /// A roadmap page's status changes, newest first (empty on other pages).
    status_history: Vec<StatusChangeView<'a>>,
    section: &'a str,
    ancestors: Vec<Crumb<'a>>,
    assets: &'a [String],
    content_path: &'a str,
    /// Training sessions, soonest first (docs/templates.md).
    sessions: Vec<SessionView<'a>>,
    /// The section's calendar of every session, when the page has sessions; else empty.
    calendar_url: String,
}

/// A subsection as its parent lists it.
#[derive(Serialize)]
struct SubsectionView<'a> {
    title: &'a str,
    description: &'a str,
    permalink: &'a str,
    path: &'a str,
    page_count: usize,
    extra: &'a Value,
}

/// `paginator` in section templates.
#[derive(Serialize)]
pub(super) struct PaginatorView<'a> {
    pub(super) current_index: usize,
    pub(super) number_pagers: usize,
    pub(super) total_pages: usize,
    pub(super) first: String,
    pub(super) last: String,
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
    pub(super) pages: &'a [PageView<'a>],
}

/// `section` in templates.
#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    permalink: &'a str,
    path: &'a str,
    content: &'a str,
    summary: &'a str,
    toc: &'a [Heading],
    extra: &'a Value,
    ancestors: Vec<Crumb<'a>>,
    word_count: usize,
    reading_time: usize,
    share: Vec<ShareLink>,
    image_url: Option<String>,
    meta_description: String,
    json_ld: String,
    pages: &'a [PageView<'a>],
    subsections: Vec<SubsectionView<'a>>,
    page_count: usize,
    content_path: &'a str,
    /// The sessions of its pages, when they have any.
    sessions: Option<SectionSessionsView<'a>>,
}

/// A tag in `terms` and `term`.
#[derive(Serialize)]
pub(super) struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: &'a str,
    path: &'a str,
    page_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<PageView<'a>>>,
}

/// Entry of `nav`.
#[derive(Serialize)]
pub(super) struct NavItem<'a> {
    title: &'a str,
    permalink: &'a str,
    path: &'a str,
    description: &'a str,
}

/// Builds views from the site model.
pub(super) struct Views<'a> {
    pub(super) site: &'a Site,
    pub(super) config: &'a Config,
    /// The build's moment: which sessions are upcoming.
    pub(super) now: chrono::DateTime<chrono::Utc>,
}

impl<'a> Views<'a> {
    fn crumbs(&self, section: SectionId, include_self: bool) -> Vec<Crumb<'a>> {
        let mut chain = self.site.ancestors_of_section(section);
        if !include_self {
            chain.pop();
        }
        chain
            .into_iter()
            .map(|id| {
                let s = &self.site.sections[id];
                Crumb {
                    title: &s.source.title,
                    permalink: &s.permalink,
                    path: &s.path,
                }
            })
            .collect()
    }

    /// A page; with its HTML content, share links and head metadata when `full`.
    pub(super) fn page(&self, id: PageId, full: bool) -> PageView<'a> {
        let page: &'a Page = &self.site.pages[id];
        let source = &page.source;
        let meta_description =
            metadata::description(&source.description, &page.rendered.summary_text);
        let (share, image_url, json_ld) = if full {
            let image_url = share_image::page(self.site, id, self.config).map(|image| image.url);
            let json_ld = metadata::page_json_ld(
                self.site,
                page,
                &meta_description,
                image_url.as_deref(),
                self.config,
            );
            (
                share::share_links(&self.config.share, &page.permalink, &source.title),
                image_url,
                json_ld,
            )
        } else {
            (Vec::new(), None, String::new())
        };
        PageView {
            title: &source.title,
            description: &source.description,
            date: source.date,
            updated: source.updated,
            review_by: source.review_by,
            permalink: &page.permalink,
            path: &page.path,
            content: full.then_some(page.rendered.html.as_str()),
            summary: &page.summary,
            toc: &page.rendered.toc,
            tags: page
                .tags
                .iter()
                .map(|&t| self.tag_link(&self.site.tags[t]))
                .collect(),
            authors: AuthorNames {
                site: self.site,
                page,
            },
            author_profiles: AuthorLinks {
                site: self.site,
                page,
            },
            word_count: page.rendered.word_count,
            reading_time: reading_time(page.rendered.word_count),
            share,
            image: source.image.as_deref(),
            image_url,
            meta_description,
            json_ld,
            draft: source.draft,
            weight: source.weight,
            extra: &source.extra,
            status_history: source
                .status_history
                .iter()
                .rev()
                .map(StatusChangeView::of)
                .collect(),
            section: &self.site.sections[page.section].path,
            ancestors: self.crumbs(page.section, true),
            assets: &page.assets,
            content_path: &source.content_path,
            sessions: sessions::page_sessions(self.site, id, &self.config.base_url, self.now),
            calendar_url: if source.sessions.is_empty() {
                String::new()
            } else {
                format!(
                    "{}{}",
                    self.config.base_url,
                    sessions::calendar_path(self.site, page.section)
                )
            },
        }
    }

    fn tag_link(&self, tag: &'a Tag) -> TagLink<'a> {
        TagLink {
            name: &tag.name,
            slug: &tag.slug,
            permalink: &tag.permalink,
        }
    }

    /// The pages of a list, without their content.
    pub(super) fn page_list(&self, ids: &[PageId]) -> Vec<PageView<'a>> {
        ids.iter().map(|&id| self.page(id, false)).collect()
    }

    /// A section with the given (already paginated) page views.
    pub(super) fn section(&self, id: SectionId, pages: &'a [PageView<'a>]) -> SectionView<'a> {
        let section: &'a Section = &self.site.sections[id];
        let source = &section.source;
        let meta_description =
            metadata::description(&source.description, &section.rendered.summary_text);
        let title = if id == HOME {
            &self.config.title
        } else {
            &source.title
        };
        SectionView {
            title: &section.source.title,
            description: &section.source.description,
            permalink: &section.permalink,
            path: &section.path,
            content: &section.rendered.html,
            summary: &section.summary,
            toc: &section.rendered.toc,
            extra: &section.source.extra,
            ancestors: self.crumbs(id, false),
            word_count: section.rendered.word_count,
            reading_time: reading_time(section.rendered.word_count),
            share: share::share_links(&self.config.share, &section.permalink, title),
            image_url: share_image::section(self.site, id, self.config).map(|image| image.url),
            json_ld: metadata::section_json_ld(
                (id == HOME).then_some(self.site.authors.as_slice()),
                title,
                &meta_description,
                &section.permalink,
                self.config,
            ),
            meta_description,
            pages,
            subsections: section
                .subsections
                .iter()
                .map(|&sub| self.subsection(sub))
                .collect(),
            page_count: section.pages.len(),
            content_path: &section.source.content_path,
            sessions: sessions::section_sessions(self.site, id, &self.config.base_url, self.now),
        }
    }

    fn subsection(&self, id: SectionId) -> SubsectionView<'a> {
        let s = &self.site.sections[id];
        SubsectionView {
            title: &s.source.title,
            description: &s.source.description,
            permalink: &s.permalink,
            path: &s.path,
            page_count: s.pages.len(),
            extra: &s.source.extra,
        }
    }

    /// A tag, with its pages when `with_pages`.
    pub(super) fn term(&self, tag: &'a Tag, with_pages: bool) -> TermView<'a> {
        TermView {
            name: &tag.name,
            slug: &tag.slug,
            permalink: &tag.permalink,
            path: &tag.path,
            page_count: tag.pages.len(),
            pages: with_pages.then(|| self.page_list(&tag.pages)),
        }
    }

    /// A person of data/authors.toml; with their pages and JSON-LD when `full`.
    pub(super) fn author(&self, id: AuthorId, full: bool, feeds: &'a [FeedLink]) -> AuthorView<'a> {
        let entry = &self.site.authors[id];
        let author = &entry.author;
        let photo_url = author
            .photo
            .as_deref()
            .and_then(|photo| metadata::site_image(photo, self.config));
        let (pages, json_ld) = if full {
            (
                Some(self.page_list(&entry.pages)),
                metadata::author_json_ld(entry, photo_url.as_deref(), self.config),
            )
        } else {
            (None, String::new())
        };
        AuthorView {
            key: &author.key,
            name: &author.name,
            role: &author.role,
            photo: author.photo.as_deref(),
            photo_url,
            photo_alt: &author.photo_alt,
            bio: &author.bio_html,
            team: author.team,
            profiles: &author.profiles,
            permalink: &entry.permalink,
            path: &entry.path,
            page_count: entry.pages.len(),
            pages,
            feeds,
            json_ld,
            meta_description: author_description(author),
        }
    }

    /// Everyone in data/authors.toml, in its order, without their pages.
    pub(super) fn author_list(&self) -> Vec<AuthorView<'a>> {
        (0..self.site.authors.len())
            .map(|id| self.author(id, false, &[]))
            .collect()
    }

    /// The top-level sections.
    pub(super) fn nav(&self) -> Vec<NavItem<'a>> {
        self.site
            .top_sections()
            .iter()
            .map(|&id| {
                let s = &self.site.sections[id];
                NavItem {
                    title: &s.source.title,
                    permalink: &s.permalink,
                    path: &s.path,
                    description: &s.source.description,
                }
            })
            .collect()
    }
}

/// `author` on a profile page, and each of `authors`.
#[derive(Serialize)]
pub(super) struct AuthorView<'a> {
    key: &'a str,
    name: &'a str,
    role: &'a str,
    /// As written in data/authors.toml, and as an absolute URL.
    photo: Option<&'a str>,
    photo_url: Option<String>,
    photo_alt: &'a str,
    /// The bio as HTML (print with `| safe`).
    bio: &'a str,
    team: bool,
    profiles: &'a [crate::authors::Profile],
    permalink: &'a str,
    path: &'a str,
    page_count: usize,
    /// Newest first; only on the profile page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<Vec<PageView<'a>>>,
    /// The person's own feeds; only on the profile page.
    feeds: &'a [FeedLink],
    /// `ProfilePage` JSON-LD with the `Person`; only on the profile page.
    json_ld: String,
    meta_description: String,
}

/// "Tom Hartley, Head of Service": for the profile page's meta description.
fn author_description(author: &crate::authors::Author) -> String {
    if author.role.is_empty() {
        author.name.clone()
    } else {
        format!("{}, {}", author.name, author.role)
    }
}

/// `page.authors`: names, written without copying the page's list.
struct AuthorNames<'a> {
    site: &'a Site,
    page: &'a Page,
}

impl Serialize for AuthorNames<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.site.authors.is_empty() {
            serializer.collect_seq(&self.page.source.authors)
        } else {
            serializer.collect_seq(
                self.site
                    .authors_of(self.page)
                    .map(|id| &self.site.authors[id].author.name),
            )
        }
    }
}

/// `page.author_profiles`: a link to each person's profile page.
struct AuthorLinks<'a> {
    site: &'a Site,
    page: &'a Page,
}

#[derive(Serialize)]
struct AuthorLink<'a> {
    key: &'a str,
    name: &'a str,
    role: &'a str,
    permalink: &'a str,
    path: &'a str,
}

impl Serialize for AuthorLinks<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.site.authors_of(self.page).map(|id| {
            let entry = &self.site.authors[id];
            AuthorLink {
                key: &entry.author.key,
                name: &entry.author.name,
                role: &entry.author.role,
                permalink: &entry.permalink,
                path: &entry.path,
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::reading_time;

    #[test]
    fn reading_time_rounds_up_and_is_at_least_one_minute() {
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(200), 1);
        assert_eq!(reading_time(201), 2);
    }
}
