//! The picture a page shows when it is shared (`og:image` and the Twitter card): the page's
//! own `image`, else the site's `[extra] default_image`, else a share card that hub draws
//! (src/cards/). Everything that has Open Graph tags gets one: pages, sections, the home
//! page, tag pages, the list of tags, profile pages and the list of people; the 404 page
//! does not. Each comes with its text alternative, and a card with its size and type.

use serde::Serialize;

use crate::cards::{self, CardRequest};
use crate::config::Config;
use crate::render::metadata;
use crate::site::{AuthorId, PageId, SectionId, Site, HOME};

/// `share_image` in templates.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ShareImage {
    /// Absolute URL.
    pub(crate) url: String,
    /// What the picture shows, for people who cannot see it (`og:image:alt`).
    pub(crate) alt: String,
    /// Known for cards only (hub does not read the size of a page's own picture).
    pub(crate) width: Option<usize>,
    pub(crate) height: Option<usize>,
    #[serde(rename = "type")]
    pub(crate) mime: Option<&'static str>,
    /// The card to draw, when the picture is one.
    #[serde(skip)]
    pub(crate) card: Option<CardRequest>,
}

/// The picture of a page.
pub(crate) fn page(site: &Site, id: PageId, config: &Config) -> Option<ShareImage> {
    let page = &site.pages[id];
    let source = &page.source;
    if let Some(url) = metadata::card_image(page.image_url.as_deref(), &page.permalink, config) {
        let alt = source
            .image_alt
            .as_deref()
            .filter(|alt| !alt.trim().is_empty())
            .unwrap_or(&source.title);
        return Some(picture(url, alt.trim()));
    }
    let label = if page.section == HOME {
        ""
    } else {
        &site.sections[page.section].source.title
    };
    let line = crate::error::find_key(&source.file.text, "title");
    card(config, &source.title, label, &source.file.path, line)
}

/// The picture of a section's listing, or of the home page (whose card shows the site's
/// description, or its name when it has none).
pub(crate) fn section(site: &Site, id: SectionId, config: &Config) -> Option<ShareImage> {
    let section = &site.sections[id];
    if let Some(url) = metadata::card_image(None, &section.permalink, config) {
        return Some(picture(url, &section.source.title));
    }
    if id == HOME {
        let title = if config.description.trim().is_empty() {
            &config.title
        } else {
            &config.description
        };
        let site_toml = crate::config::CONFIG_FILE;
        return card(config, title, "", site_toml.as_ref(), None);
    }
    // The chain runs from the home page to the section itself.
    let chain = site.ancestors_of_section(id);
    let label = match chain.len().checked_sub(2).map(|i| chain[i]) {
        Some(parent) if parent != HOME => site.sections[parent].source.title.as_str(),
        _ => "",
    };
    let file = &section.source.file;
    let line = crate::error::find_key(&file.text, "title");
    card(config, &section.source.title, label, &file.path, line)
}

/// The picture of a tag's page: a card of the tag's name.
pub(crate) fn tag(site: &Site, id: usize, config: &Config) -> Option<ShareImage> {
    let tag = &site.tags[id];
    if let Some(url) = metadata::card_image(None, &tag.permalink, config) {
        return Some(picture(url, &tag.name));
    }
    // The tag is written in its first page's `tags`.
    let file = &site.pages[tag.pages[0]].source.file;
    let line = crate::error::find_key(&file.text, "tags");
    card(config, &tag.name, "Tag", &file.path, line)
}

/// The picture of a list hub writes itself (`/tags/`, `/authors/`), titled `title`.
pub(crate) fn list(title: &str, config: &Config) -> Option<ShareImage> {
    if let Some(url) = metadata::card_image(None, &format!("{}/", config.base_url), config) {
        return Some(picture(url, title));
    }
    card(config, title, "", "content".as_ref(), None)
}

/// The picture of a person's profile page: a card of their name and role. (Their photo is
/// on the page and in its structured data; it is not made for a link preview's shape.)
pub(crate) fn author(site: &Site, id: AuthorId, config: &Config) -> Option<ShareImage> {
    let entry = &site.authors[id];
    if let Some(url) = metadata::card_image(None, &entry.permalink, config) {
        return Some(picture(url, &entry.author.name));
    }
    let file = crate::authors::AUTHORS_FILE;
    card(
        config,
        &entry.author.name,
        &entry.author.role,
        file.as_ref(),
        None,
    )
}

/// A picture hub did not make: its size is not known.
fn picture(url: String, alt: &str) -> ShareImage {
    ShareImage {
        url,
        alt: alt.to_string(),
        width: None,
        height: None,
        mime: None,
        card: None,
    }
}

/// A share card of `title` under `label`, when cards are on.
fn card(
    config: &Config,
    title: &str,
    label: &str,
    origin: &std::path::Path,
    line: Option<(usize, usize)>,
) -> Option<ShareImage> {
    if !cards::enabled(config) {
        return None;
    }
    let path = cards::output_path(config, title, label);
    Some(ShareImage {
        url: format!("{}/{path}", config.base_url),
        alt: if title == config.title {
            title.to_string()
        } else {
            format!("{title} — {}", config.title)
        },
        width: Some(cards::WIDTH),
        height: Some(cards::HEIGHT),
        mime: Some("image/png"),
        card: Some(CardRequest {
            title: title.to_string(),
            label: label.to_string(),
            origin: origin.to_path_buf(),
            line,
        }),
    })
}
