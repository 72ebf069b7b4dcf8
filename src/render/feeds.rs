//! Atom 1.0, RSS 2.0 and JSON Feed 1.1: one set for the whole site, one for each
//! section with dated pages (unless `feed = false`), one for each tag and one for each
//! person of data/authors.toml, plus the roadmap changes of each section whose platform pages
//! record a status history (one entry per change, in `<section>/changes/`). Atom and RSS are
//! written with the `atom_syndication` and `rss` crates, which escape correctly; JSON Feed is
//! plain serde, its format being JSON.

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::config::{Config, FeedKind};
use crate::content::StatusChange;
use crate::output::{OutputContent, OutputFile};
use crate::site::{AuthorId, Page, PageId, SectionId, Site, HOME};

/// What a feed covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum FeedScope {
    Site,
    Section(SectionId),
    Tag(usize),
    Author(AuthorId),
    /// The status changes recorded on the roadmap pages of a section.
    RoadmapChanges(SectionId),
}

/// One subject that gets a feed in each configured format.
#[derive(Debug, Clone)]
pub(super) struct FeedTarget {
    pub(super) scope: FeedScope,
    title: String,
    description: String,
    /// Site-relative folder the feed files go in: `/`, `/posts/`, `/tags/privacy/`.
    dir: String,
    /// The HTML page the feed follows.
    html_url: String,
    /// Newest first, at most `limit`. For roadmap changes: the pages whose changes it holds.
    pub(super) pages: Vec<PageId>,
    /// Roadmap changes only: (page, index in its `status_history`), newest first, at most `limit`.
    changes: Vec<(PageId, usize)>,
}

/// A feed as templates list it (`feeds`) for `<link rel="alternate">` and the "Get updates" page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FeedLink {
    title: String,
    pub(super) url: String,
    mime: &'static str,
    kind: &'static str,
    /// The format's name for people: `Atom`, `RSS` or `JSON Feed`.
    pub(super) format: &'static str,
    /// True for a roadmap-changes feed, so that a roadmap can link to it by name.
    changes: bool,
}

/// One subject's feeds, as the "Get updates" page lists them.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FeedGroup {
    /// What the feeds bring, in words: "Everything new on this site", "New in Tips".
    pub(super) name: String,
    /// `site`, `section`, `tag` or `author`.
    pub(super) scope: &'static str,
    /// The HTML page the feeds follow.
    pub(super) page_url: String,
    /// One link per configured format, in the configured order.
    pub(super) links: Vec<FeedLink>,
}

impl FeedKind {
    fn file_name(self) -> &'static str {
        match self {
            FeedKind::Atom => "atom.xml",
            FeedKind::Rss => "rss.xml",
            FeedKind::Json => "feed.json",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            FeedKind::Atom => "application/atom+xml",
            FeedKind::Rss => "application/rss+xml",
            FeedKind::Json => "application/feed+json",
        }
    }

    fn label(self) -> &'static str {
        match self {
            FeedKind::Atom => "Atom",
            FeedKind::Rss => "RSS",
            FeedKind::Json => "JSON Feed",
        }
    }
}

/// Dated pages from `ids`, newest first, at most `limit` (0: all). Drafts never go in a feed,
/// even in a `--drafts` preview build, so that one published by mistake is not syndicated.
fn newest_dated(site: &Site, ids: impl Iterator<Item = PageId>, limit: usize) -> Vec<PageId> {
    let mut dated: Vec<PageId> = ids.filter(|&id| in_feeds(site, id)).collect();
    let newest_first = |a: &PageId, b: &PageId| {
        let (a, b) = (&site.pages[*a].source, &site.pages[*b].source);
        b.date
            .cmp(&a.date)
            .then_with(|| a.content_path.cmp(&b.content_path))
    };
    // Only the newest `limit` are needed: pick them in linear time, then sort just those
    // (a site has a feed per section and per tag, each over many pages).
    if limit > 0 && dated.len() > limit {
        dated.select_nth_unstable_by(limit - 1, newest_first);
        dated.truncate(limit);
    }
    dated.sort_by(newest_first);
    dated
}

/// Whether a page goes in feeds: dated, and not a draft.
fn in_feeds(site: &Site, id: PageId) -> bool {
    let source = &site.pages[id].source;
    source.date.is_some() && !source.draft
}

/// Pages of a section and of every section below it.
fn section_tree_pages(site: &Site, id: SectionId, out: &mut Vec<PageId>) {
    out.extend(&site.sections[id].pages);
    for &sub in &site.sections[id].subsections {
        section_tree_pages(site, sub, out);
    }
}

/// Every feed the site has: only subjects with dated pages get one. The newest entries are
/// picked only for the feeds `wanted` asks for (a preview rebuild renders a few); the others
/// keep `pages` empty, which is enough to link to them.
pub(super) fn feed_targets(
    site: &Site,
    config: &Config,
    wanted: impl Fn(FeedScope) -> bool,
) -> Vec<FeedTarget> {
    let mut targets = Vec::new();
    if config.feeds.formats.is_empty() {
        return targets;
    }
    let limit = config.feeds.limit;
    let base = &config.base_url;
    // A feed's newest entries when it is wanted, else an empty list that only says the feed
    // exists; None when the subject has nothing dated to syndicate.
    let entries = |scope: FeedScope, mut ids: &mut dyn Iterator<Item = PageId>| {
        if wanted(scope) {
            Some(newest_dated(site, ids, limit)).filter(|pages| !pages.is_empty())
        } else {
            (&mut ids).any(|id| in_feeds(site, id)).then(Vec::new)
        }
    };
    if site.sections[HOME].source.feed {
        if let Some(pages) = entries(FeedScope::Site, &mut (0..site.pages.len())) {
            targets.push(FeedTarget {
                scope: FeedScope::Site,
                title: config.title.clone(),
                description: config.description.clone(),
                dir: "/".into(),
                html_url: format!("{base}/"),
                pages,
                changes: Vec::new(),
            });
        }
    }
    for (id, section) in site.sections.iter().enumerate().skip(1) {
        if !section.source.feed {
            continue;
        }
        let mut ids = Vec::new();
        section_tree_pages(site, id, &mut ids);
        if let Some(pages) = entries(FeedScope::Section(id), &mut ids.into_iter()) {
            targets.push(FeedTarget {
                scope: FeedScope::Section(id),
                title: format!("{} — {}", section.source.title, config.title),
                description: section.source.description.clone(),
                dir: section.path.clone(),
                html_url: section.permalink.clone(),
                pages,
                changes: Vec::new(),
            });
        }
    }
    targets.extend(roadmap_change_targets(site, config, &wanted));
    for (id, tag) in site.tags.iter().enumerate() {
        if let Some(pages) = entries(FeedScope::Tag(id), &mut tag.pages.iter().copied()) {
            targets.push(FeedTarget {
                scope: FeedScope::Tag(id),
                title: format!("Tagged “{}” — {}", tag.name, config.title),
                description: format!("Pages tagged “{}”", tag.name),
                dir: tag.path.clone(),
                html_url: tag.permalink.clone(),
                pages,
                changes: Vec::new(),
            });
        }
    }
    for (id, author) in site.authors.iter().enumerate() {
        if let Some(pages) = entries(FeedScope::Author(id), &mut author.pages.iter().copied()) {
            let name = &author.author.name;
            targets.push(FeedTarget {
                scope: FeedScope::Author(id),
                title: format!("{name} — {}", config.title),
                description: format!("Pages by {name}"),
                dir: author.path.clone(),
                html_url: author.permalink.clone(),
                pages,
                changes: Vec::new(),
            });
        }
    }
    targets
}

/// A roadmap-changes feed for each section with platform pages that record a status history
/// (and no `feed = false`). One pass over the pages, looking at a list that is empty on every
/// page but a roadmap's, so that a site without histories pays nothing for them.
fn roadmap_change_targets(
    site: &Site,
    config: &Config,
    wanted: &impl Fn(FeedScope) -> bool,
) -> Vec<FeedTarget> {
    let mut by_section: std::collections::BTreeMap<SectionId, Vec<PageId>> = Default::default();
    for (id, page) in site.pages.iter().enumerate() {
        if !page.source.status_history.is_empty() && !page.source.draft {
            by_section.entry(page.section).or_default().push(id);
        }
    }
    by_section
        .into_iter()
        .filter(|&(section, _)| site.sections[section].source.feed)
        .map(|(section_id, pages)| {
            let section = &site.sections[section_id];
            let scope = FeedScope::RoadmapChanges(section_id);
            let changes = if wanted(scope) {
                newest_changes(site, &pages, config.feeds.limit)
            } else {
                Vec::new()
            };
            FeedTarget {
                scope,
                title: format!("Changes to “{}” — {}", section.source.title, config.title),
                description: format!(
                    "Each change of a platform's status in “{}”, with the reason for it",
                    section.source.title
                ),
                dir: format!("{}changes/", section.path),
                html_url: section.permalink.clone(),
                pages,
                changes,
            }
        })
        .collect()
}

/// The changes recorded on `pages`, newest first, at most `limit` (0: all).
fn newest_changes(site: &Site, pages: &[PageId], limit: usize) -> Vec<(PageId, usize)> {
    let mut changes: Vec<(PageId, usize)> = pages
        .iter()
        .flat_map(|&id| (0..site.pages[id].source.status_history.len()).map(move |i| (id, i)))
        .collect();
    changes.sort_by(|&(a, i), &(b, j)| {
        let (pa, pb) = (&site.pages[a].source, &site.pages[b].source);
        pb.status_history[j]
            .date
            .cmp(&pa.status_history[i].date)
            .then_with(|| pa.content_path.cmp(&pb.content_path))
            .then_with(|| j.cmp(&i))
    });
    if limit > 0 {
        changes.truncate(limit);
    }
    changes
}

/// The links to one target's feeds, in the configured format order.
pub(super) fn feed_links(target: &FeedTarget, config: &Config) -> Vec<FeedLink> {
    config
        .feeds
        .formats
        .iter()
        .map(|&kind| FeedLink {
            title: format!("{} ({})", target.title, kind.label()),
            url: format!("{}{}{}", config.base_url, target.dir, kind.file_name()),
            mime: kind.mime(),
            kind: kind.file_name(),
            format: kind.label(),
            changes: matches!(target.scope, FeedScope::RoadmapChanges(_)),
        })
        .collect()
}

/// Every feed the site has, grouped by subject and named in plain words, for the "Get updates"
/// page: the site's first, then the sections', then the tags' (the order of `targets`).
pub(super) fn feed_groups(site: &Site, targets: &[FeedTarget], config: &Config) -> Vec<FeedGroup> {
    targets
        .iter()
        .map(|target| {
            let (name, scope) = match target.scope {
                FeedScope::Site => ("Everything new on this site".to_string(), "site"),
                FeedScope::Section(id) => (
                    format!("New in “{}”", site.sections[id].source.title),
                    "section",
                ),
                FeedScope::Tag(id) => (format!("New pages tagged “{}”", site.tags[id].name), "tag"),
                FeedScope::Author(id) => (
                    format!("New from {}", site.authors[id].author.name),
                    "author",
                ),
                FeedScope::RoadmapChanges(id) => (
                    format!("Changes to “{}”", site.sections[id].source.title),
                    "section",
                ),
            };
            FeedGroup {
                name,
                scope,
                page_url: target.html_url.clone(),
                links: feed_links(target, config),
            }
        })
        .collect()
}

/// Writes every feed of every target.
pub(super) fn render_feeds<'a>(
    site: &Site,
    config: &Config,
    targets: impl IntoIterator<Item = &'a FeedTarget>,
) -> Vec<OutputFile> {
    use rayon::prelude::*;
    // A site has a feed per section and per tag in each format, each with whole pages: on
    // every core, like the pages.
    let jobs: Vec<(&FeedTarget, FeedKind)> = targets
        .into_iter()
        .flat_map(|target| config.feeds.formats.iter().map(move |&kind| (target, kind)))
        .collect();
    jobs.into_par_iter()
        .map(|(target, kind)| {
            let url = format!("{}{}{}", config.base_url, target.dir, kind.file_name());
            let text = match kind {
                FeedKind::Atom => atom_feed(site, config, target, &url),
                FeedKind::Rss => rss_feed(site, config, target, &url),
                FeedKind::Json => json_feed(site, config, target, &url),
            };
            OutputFile {
                path: format!("{}{}", &target.dir[1..], kind.file_name()),
                content: OutputContent::Bytes(text.into_bytes()),
            }
        })
        .collect()
}

/// The page's HTML for a feed: in-page links (`#heading`, footnotes) made absolute, since
/// feed readers show the content away from the page. Other links are absolute already.
fn feed_content(page: &Page) -> String {
    page.rendered
        .html
        .replace("href=\"#", &format!("href=\"{}#", page.permalink))
}

fn published(page: &Page) -> DateTime<FixedOffset> {
    page.source.date.map(|d| d.instant).unwrap_or_default()
}

fn modified(page: &Page) -> DateTime<FixedOffset> {
    page.source
        .updated
        .map(|d| d.instant)
        .unwrap_or_else(|| published(page))
        .max(published(page))
}

fn newest(site: &Site, target: &FeedTarget) -> DateTime<FixedOffset> {
    target
        .pages
        .iter()
        .map(|&id| modified(&site.pages[id]))
        .max()
        .unwrap_or_default()
}

/// A page's author as feeds name them: the name, and the profile page when the person is in
/// data/authors.toml.
struct FeedAuthor<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

/// The page's authors (people of data/authors.toml by name, with their profile page; else as
/// written), else the site's author, else the site's title.
fn author_names<'a>(site: &'a Site, page: &'a Page, config: &'a Config) -> Vec<FeedAuthor<'a>> {
    if page.source.authors.is_empty() {
        return vec![FeedAuthor {
            name: site_author(config),
            url: None,
        }];
    }
    if site.authors.is_empty() {
        return page
            .source
            .authors
            .iter()
            .map(|name| FeedAuthor { name, url: None })
            .collect();
    }
    site.authors_of(page)
        .map(|id| FeedAuthor {
            name: &site.authors[id].author.name,
            url: Some(&site.authors[id].permalink),
        })
        .collect()
}

fn site_author(config: &Config) -> &str {
    if config.author.trim().is_empty() {
        &config.title
    } else {
        &config.author
    }
}

/// One roadmap change as a feed entry.
struct ChangeEntry<'a> {
    change: &'a StatusChange,
    /// The change on its page: `https://.../roadmap/x/#change-2026-03-02`; also the entry's id.
    url: String,
    /// "Facebook moved from Trial to Adopt".
    title: String,
    /// The change in words, the reason, and a link to the platform's page.
    html: String,
}

fn change_entries<'a>(site: &'a Site, target: &FeedTarget) -> Vec<ChangeEntry<'a>> {
    target
        .changes
        .iter()
        .map(|&(id, index)| {
            let page = &site.pages[id];
            let change = &page.source.status_history[index];
            let platform = page
                .source
                .extra
                .get("platform")
                .and_then(|v| v.as_str())
                .unwrap_or(&page.source.title);
            let escape = |text: &str| {
                let mut out = String::new();
                // Writing to a String cannot fail.
                let _ = pulldown_cmark_escape::escape_html(&mut out, text);
                out
            };
            ChangeEntry {
                change,
                url: format!("{}#{}", page.permalink, change.anchor),
                title: format!("{platform} {}", change.phrase()),
                html: format!(
                    "<p><strong>{}.</strong></p>\n<p>{}</p>\n<p><a href=\"{}\">{} on the roadmap</a></p>",
                    escape(&change.sentence()),
                    escape(&change.why),
                    escape(&page.permalink),
                    escape(platform)
                ),
            }
        })
        .collect()
}

/// The pages a feed has an entry for: none in a roadmap-changes feed, whose entries are changes.
fn entry_pages(target: &FeedTarget) -> &[PageId] {
    match target.scope {
        FeedScope::RoadmapChanges(_) => &[],
        _ => &target.pages,
    }
}

/// The feed's own id: the page it follows, or for roadmap changes (which follow the same page
/// as the section's feed) the folder the feed is in.
fn feed_id(target: &FeedTarget) -> String {
    match target.scope {
        FeedScope::RoadmapChanges(_) => format!("{}changes/", target.html_url),
        _ => target.html_url.clone(),
    }
}

/// When the feed last changed: its newest entry's date.
fn feed_updated(
    site: &Site,
    target: &FeedTarget,
    changes: &[ChangeEntry<'_>],
) -> DateTime<FixedOffset> {
    match target.scope {
        FeedScope::RoadmapChanges(_) => newest_change(changes),
        _ => newest(site, target),
    }
}

/// The newest change's date.
fn newest_change(entries: &[ChangeEntry<'_>]) -> DateTime<FixedOffset> {
    entries
        .iter()
        .map(|e| e.change.date.instant)
        .max()
        .unwrap_or_default()
}

fn atom_feed(site: &Site, config: &Config, target: &FeedTarget, self_url: &str) -> String {
    let person = |name: &str| atom::Person {
        name: name.to_string(),
        ..Default::default()
    };
    let author = |a: FeedAuthor<'_>| atom::Person {
        name: a.name.to_string(),
        uri: a.url.map(str::to_string),
        ..Default::default()
    };
    let changes = change_entries(site, target);
    let change_entries = changes.iter().map(|entry| atom::Entry {
        title: atom::Text::plain(entry.title.clone()),
        id: entry.url.clone(),
        updated: entry.change.date.instant,
        published: Some(entry.change.date.instant),
        authors: vec![person(site_author(config))],
        links: vec![atom::Link {
            href: entry.url.clone(),
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Default::default()
        }],
        content: Some(atom::Content {
            value: Some(entry.html.clone()),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        categories: vec![atom::Category {
            term: entry.change.to.as_str().into(),
            label: Some(entry.change.to.label().into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    let entries = change_entries
        .chain(entry_pages(target).iter().map(|&id| {
            let page = &site.pages[id];
            atom::Entry {
                title: atom::Text::plain(page.source.title.clone()),
                id: page.permalink.clone(),
                updated: modified(page),
                published: Some(published(page)),
                authors: author_names(site, page, config)
                    .into_iter()
                    .map(author)
                    .collect(),
                links: vec![atom::Link {
                    href: page.permalink.clone(),
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                summary: (!page.summary.is_empty()).then(|| atom::Text::html(page.summary.clone())),
                content: Some(atom::Content {
                    value: Some(feed_content(page)),
                    content_type: Some("html".into()),
                    base: Some(page.permalink.clone()),
                    ..Default::default()
                }),
                categories: page
                    .tags
                    .iter()
                    .map(|&t| atom::Category {
                        term: site.tags[t].slug.clone(),
                        label: Some(site.tags[t].name.clone()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
        }))
        .collect();
    let feed = atom::Feed {
        title: atom::Text::plain(target.title.clone()),
        id: feed_id(target),
        updated: feed_updated(site, target, &changes),
        authors: vec![person(site_author(config))],
        links: vec![
            atom::Link {
                href: self_url.to_string(),
                rel: "self".into(),
                mime_type: Some(FeedKind::Atom.mime().into()),
                ..Default::default()
            },
            atom::Link {
                href: target.html_url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: (!target.description.is_empty())
            .then(|| atom::Text::plain(target.description.clone())),
        generator: Some(atom::Generator {
            value: "hub".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        lang: Some(config.language.clone()),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

fn rss_feed(site: &Site, config: &Config, target: &FeedTarget, self_url: &str) -> String {
    let changes = change_entries(site, target);
    let change_items = changes.iter().map(|entry| rss::Item {
        title: Some(entry.title.clone()),
        link: Some(entry.url.clone()),
        description: Some(entry.html.clone()),
        guid: Some(rss::Guid {
            value: entry.url.clone(),
            permalink: true,
        }),
        pub_date: Some(entry.change.date.instant.to_rfc2822()),
        categories: vec![rss::Category {
            name: entry.change.to.label().into(),
            domain: None,
        }],
        ..Default::default()
    });
    let items = change_items
        .chain(entry_pages(target).iter().map(|&id| {
            let page = &site.pages[id];
            rss::Item {
                title: Some(page.source.title.clone()),
                link: Some(page.permalink.clone()),
                description: Some(if page.summary.is_empty() {
                    feed_content(page)
                } else {
                    page.summary.clone()
                }),
                content: Some(feed_content(page)),
                guid: Some(rss::Guid {
                    value: page.permalink.clone(),
                    permalink: true,
                }),
                pub_date: Some(published(page).to_rfc2822()),
                categories: page
                    .tags
                    .iter()
                    .map(|&t| rss::Category {
                        name: site.tags[t].name.clone(),
                        domain: None,
                    })
                    .collect(),
                dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: author_names(site, page, config)
                        .into_iter()
                        .map(|a| a.name.to_string())
                        .collect(),
                    ..Default::default()
                }),
                ..Default::default()
            }
        }))
        .collect();
    let description = if target.description.is_empty() {
        target.title.clone()
    } else {
        target.description.clone()
    };
    let channel = rss::Channel {
        title: target.title.clone(),
        link: target.html_url.clone(),
        description,
        language: Some(config.language.clone()),
        last_build_date: Some(feed_updated(site, target, &changes).to_rfc2822()),
        generator: Some(format!("hub {}", env!("CARGO_PKG_VERSION"))),
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: vec![atom::Link {
                href: self_url.to_string(),
                rel: "self".into(),
                mime_type: Some(FeedKind::Rss.mime().into()),
                ..Default::default()
            }],
        }),
        items,
        ..Default::default()
    };
    channel.to_string()
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    summary: String,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

fn json_feed(site: &Site, config: &Config, target: &FeedTarget, self_url: &str) -> String {
    let changes = change_entries(site, target);
    let change_items = changes.iter().map(|entry| JsonItem {
        id: &entry.url,
        url: &entry.url,
        title: &entry.title,
        content_html: entry.html.clone(),
        summary: entry.change.why.clone(),
        date_published: entry.change.date.to_rfc3339(),
        date_modified: entry.change.date.to_rfc3339(),
        authors: vec![JsonAuthor {
            name: site_author(config),
            url: None,
        }],
        tags: vec![entry.change.to.label()],
    });
    let items = change_items
        .chain(entry_pages(target).iter().map(|&id| {
            let page = &site.pages[id];
            JsonItem {
                id: &page.permalink,
                url: &page.permalink,
                title: &page.source.title,
                content_html: feed_content(page),
                summary: crate::render::metadata::description(
                    &page.source.description,
                    &page.rendered.summary_text,
                ),
                date_published: published(page).to_rfc3339(),
                date_modified: modified(page).to_rfc3339(),
                authors: author_names(site, page, config)
                    .into_iter()
                    .map(|a| JsonAuthor {
                        name: a.name,
                        url: a.url,
                    })
                    .collect(),
                tags: page
                    .tags
                    .iter()
                    .map(|&t| site.tags[t].name.as_str())
                    .collect(),
            }
        }))
        .collect();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &target.title,
        home_page_url: &target.html_url,
        feed_url: self_url,
        description: &target.description,
        language: &config.language,
        authors: vec![JsonAuthor {
            name: site_author(config),
            url: None,
        }],
        items,
    };
    serde_json::to_string_pretty(&feed)
        .expect("a JSON Feed has only string keys, so it always serializes")
}
