//! Markdown → HTML with pulldown-cmark, plus what a page needs from its text: heading ids and
//! a table of contents, the `<!-- more -->` summary, the first paragraph, a word count, `@/`
//! internal links resolved to URLs, and highlighted code. Pure: no IO, no templates.

mod highlight;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::slugify;
use crate::error::{line_col, Diagnostic};
pub use highlight::Highlighting;

/// One heading in a table of contents, with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Heading {
    level: u8,
    id: String,
    title: String,
    permalink: String,
    children: Vec<Heading>,
}

/// A `@/page.md#anchor` link, kept so the anchor can be checked once every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnchorLink {
    /// Content path of the linked page, e.g. `tips/x.md`.
    pub(crate) target: String,
    pub(crate) anchor: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A link or image written in the Markdown as a plain address (not an `@/` link, which is
/// checked as it is rendered), kept so that the build can check where it leads once every
/// file of the site is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenLink {
    /// The address as written.
    pub(crate) written: String,
    /// The address as published: absolute when it leads inside the site.
    pub(crate) published: String,
    /// Byte offset of the link in the Markdown body.
    pub(crate) offset: usize,
    pub(crate) is_image: bool,
}

/// What rendering a Markdown body produced.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    pub(crate) html: String,
    /// HTML of the text before `<!-- more -->`, when there is such a line.
    pub(crate) summary: Option<String>,
    /// HTML of the first top-level paragraph, when there is one.
    pub(crate) first_paragraph: Option<String>,
    /// Plain text of the summary (before `<!-- more -->`, else the first paragraph), for
    /// meta descriptions; at most about [`PLAIN_SUMMARY_LIMIT`] characters.
    pub(crate) summary_text: String,
    pub(crate) toc: Vec<Heading>,
    /// Every heading id, for checking `#anchor` links.
    pub(crate) anchors: HashSet<String>,
    pub(crate) word_count: usize,
    pub(crate) anchor_links: Vec<AnchorLink>,
    /// Every plain link and image, for the build's link check.
    pub(crate) links: Vec<WrittenLink>,
    /// The data files (by name, `survey-results`) that components on the page drew from.
    pub(crate) data_files: Vec<String>,
    /// The site's own images shown on the page, in order, with the files to make of them.
    pub(crate) images: Vec<crate::images::ImageUse>,
}

/// What rendering needs to know besides the text.
pub struct RenderContext<'a> {
    /// The file, relative to the site root, for error messages.
    pub file: &'a Path,
    /// Lines before the body in the file (the front matter).
    pub body_line_offset: usize,
    /// The absolute URL of the page being rendered, for table-of-contents links.
    pub permalink: &'a str,
    /// The site's base URL: `/x` in a link means `{base_url}/x`, so that a site published in
    /// a sub-folder (`https://org.github.io/hub`) keeps its links.
    pub base_url: &'a str,
    /// The file's path inside content/ (`posts/why-i-post.md`): a relative address is first
    /// looked for next to the file, as the writer's editor shows it.
    pub content_path: &'a str,
    /// Content path (`tips/x.md`) → absolute URL, for `@/` links.
    pub permalinks: &'a HashMap<String, String>,
    /// Content path of each file in content/ that is not Markdown (`posts/fair.jpg`) → the
    /// site path it is published at (`/posts/fair.jpg`).
    pub asset_paths: &'a HashMap<String, String>,
    /// Content paths of drafts left out of this build: links to them are broken links.
    pub drafts: &'a HashSet<String>,
    /// Whether straight quotes, `--` and `...` become typographic ones.
    pub smart_punctuation: bool,
    /// How fenced code is coloured.
    pub highlighting: &'a Highlighting,
    /// The site's image files: a photo found there is shown as a `<picture>` of resized
    /// copies. None leaves images as written (`<img src>`).
    pub images: Option<&'a crate::images::ImageCatalog>,
}

/// Plain summaries longer than this are cut at a word boundary (search engines show ~160).
const PLAIN_SUMMARY_LIMIT: usize = 300;

/// Marks where the summary ends; written with or without spaces.
/// The element whose text is code, after an inline HTML tag: `</script>` is awaited after
/// `<script ...>` until that closing tag comes.
fn raw_element_after(awaited: Option<&'static str>, html: &str) -> Option<&'static str> {
    let tag = html.trim_start().to_ascii_lowercase();
    match awaited {
        Some(closing) if tag.starts_with(closing) => None,
        Some(closing) => Some(closing),
        None if tag.starts_with("<script") && !tag.contains("</script") => Some("</script"),
        None if tag.starts_with("<style") && !tag.contains("</style") => Some("</style"),
        None => None,
    }
}

fn is_more_marker(html: &str) -> bool {
    let compact: String = html.chars().filter(|c| !c.is_whitespace()).collect();
    compact == "<!--more-->"
}

/// The Markdown extensions of the site, for rendering and for every rule that reads Markdown.
pub(crate) fn parser_options(smart_punctuation: bool) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// A table goes in a region that can be focused, so that keyboard users can scroll it
/// sideways on a narrow screen (WCAG 2.2 AA, 2.1.1 and 1.4.10).
const TABLE_WRAP_OPEN: &str =
    r#"<div class="table-wrap" tabindex="0" role="region" aria-label="Table">"#;
/// Task-list boxes, described in words for screen readers.
const TASK_DONE: &str = concat!(
    r#"<input disabled="" type="checkbox" checked="" aria-hidden="true"/>"#,
    r#"<span class="visually-hidden">Done: </span>"#,
    "\n"
);
const TASK_TO_DO: &str = concat!(
    r#"<input disabled="" type="checkbox" aria-hidden="true"/>"#,
    r#"<span class="visually-hidden">To do: </span>"#,
    "\n"
);

/// A heading whose text is still being collected.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    text: String,
    events: Vec<Event<'a>>,
}

/// Renders `body`, with the problems found in it: every broken `@/` link and every link to a
/// Markdown file, not only the first. The HTML, headings and links are complete even when
/// there are problems, so that other pages' links to this one are still checked against its
/// real headings and a broken link is reported once, where it is written.
pub fn render(body: &str, ctx: &RenderContext<'_>) -> (RenderedMarkdown, Vec<Diagnostic>) {
    render_with_data(body, ctx, None)
}

/// [`render`], drawing components (```chart blocks) from `data`; with None (the data files
/// failed to load, and that problem is reported instead) components are left out.
pub(crate) fn render_with_data(
    body: &str,
    ctx: &RenderContext<'_>,
    data: Option<&crate::data::Data>,
) -> (RenderedMarkdown, Vec<Diagnostic>) {
    let mut out = RenderedMarkdown::default();
    let mut problems = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut more_index = None;
    let mut first_paragraph: (Option<usize>, Option<usize>) = (None, None);
    let mut block_depth = 0usize;
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(String, String)> = None;
    // A component's fenced block: the component, where the block starts, its settings.
    let mut component: Option<(&crate::components::Entry, usize, String)> = None;
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let mut id_counts: HashMap<String, usize> = HashMap::new();
    let mut text_before_more = String::new();
    let mut first_paragraph_text = String::new();
    let page_url = url::Url::parse(ctx.permalink).ok();
    // The closing tag awaited when the text is inside an inline <script> or <style>.
    let mut raw_element: Option<&'static str> = None;
    // A site image whose alt text is being read, to be written as a <picture> at its end.
    let mut picture: Option<PendingPicture> = None;

    for (event, range) in
        Parser::new_ext(body, parser_options(ctx.smart_punctuation)).into_offset_iter()
    {
        // A component's settings: gather them, then draw it in one piece.
        if let Some((_, _, settings)) = component.as_mut() {
            match event {
                Event::Text(t) => settings.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((entry, start, settings)) = component.take() {
                        let place = (body, start);
                        draw_component(entry, place, &settings, (ctx, data), &mut out, &mut events)
                            .unwrap_or_else(|d| problems.push(d));
                    }
                }
                _ => {}
            }
            continue;
        }
        // Fenced and indented code: gather the text, then emit it highlighted in one piece.
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (language, text) = code.take().unwrap_or_default();
                    events.push(Event::Html(
                        ctx.highlighting.highlight(&text, &language).into(),
                    ));
                    block_depth = block_depth.saturating_sub(1);
                }
                _ => {}
            }
            continue;
        }
        // Inside an inline <script> or <style>, text is code: written out as it was typed,
        // without smart punctuation (which would turn "it's" into “it’s” in a script) or
        // HTML escaping, and not counted as words of the page.
        let event = match event {
            Event::InlineHtml(html) => {
                raw_element = raw_element_after(raw_element, &html);
                Event::InlineHtml(html)
            }
            Event::Text(_) if raw_element.is_some() => {
                Event::InlineHtml(body.get(range.clone()).unwrap_or_default().into())
            }
            other => other,
        };
        let event = match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(ref info)))
                if crate::components::named(info).is_some() =>
            {
                component = crate::components::named(info).map(|c| (c, range.start, String::new()));
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
                block_depth += 1;
                continue;
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some(OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    text: String::new(),
                    events: Vec::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(open) = heading.take() {
                    let id = unique_id(open.id.as_deref(), &open.text, &mut id_counts);
                    out.anchors.insert(id.clone());
                    flat_toc.push((
                        heading_number(open.level),
                        id.clone(),
                        open.text.trim().to_string(),
                    ));
                    events.push(Event::Start(Tag::Heading {
                        level: open.level,
                        id: Some(id.into()),
                        classes: open.classes,
                        attrs: open.attrs,
                    }));
                    events.extend(open.events);
                    events.push(Event::End(TagEnd::Heading(open.level)));
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => match resolve_internal_link(&dest_url, ctx) {
                Ok((url, anchor)) => {
                    if let Some((target, anchor)) = anchor {
                        let (line, column) = line_col(body, range.start);
                        out.anchor_links.push(AnchorLink {
                            target,
                            anchor,
                            line: line + ctx.body_line_offset,
                            column,
                        });
                    }
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    })
                }
                Err(problem) => {
                    problems.push(link_problem(body, range.start, ctx, problem));
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = publish(
                    dest_url,
                    (body, range.start),
                    false,
                    ctx,
                    page_url.as_ref(),
                    &mut out,
                    &mut problems,
                );
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let local = picture
                    .is_none()
                    .then(|| local_image(&dest_url, ctx))
                    .flatten();
                let written = dest_url.to_string();
                let dest_url = publish(
                    dest_url,
                    (body, range.start),
                    true,
                    ctx,
                    page_url.as_ref(),
                    &mut out,
                    &mut problems,
                );
                match local {
                    Some(Ok(image)) => {
                        picture = Some(PendingPicture {
                            image,
                            written,
                            published: dest_url.to_string(),
                            title: title.to_string(),
                            offset: range.start,
                            start: None,
                            depth: 0,
                        });
                    }
                    Some(Err(why)) => {
                        problems.push(unreadable_image(body, range.start, ctx, &written, &why))
                    }
                    None => {}
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Html(html) | Event::InlineHtml(html)
                if is_more_marker(&html) && more_index.is_none() && heading.is_none() =>
            {
                more_index = Some(events.len());
                Event::Html(CowStr::Borrowed("<span id=\"continue-reading\"></span>\n"))
            }
            // A task-list box has no label and cannot be ticked: hidden from screen readers,
            // which read "Done:" or "To do:" instead.
            Event::TaskListMarker(done) => {
                Event::InlineHtml(CowStr::Borrowed(if done { TASK_DONE } else { TASK_TO_DO }))
            }
            other => other,
        };
        match &event {
            Event::Text(text) | Event::Code(text) => {
                out.word_count += text.split_whitespace().count();
                if more_index.is_none() && text_before_more.len() < PLAIN_SUMMARY_LIMIT * 2 {
                    text_before_more.push_str(text);
                }
                if first_paragraph.0.is_some() && first_paragraph.1.is_none() {
                    first_paragraph_text.push_str(text);
                }
                if let Some(open) = heading.as_mut() {
                    open.text.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if first_paragraph.0.is_some() && first_paragraph.1.is_none() {
                    first_paragraph_text.push(' ');
                }
                if more_index.is_none() {
                    text_before_more.push(' ');
                }
            }
            Event::Start(tag) => {
                if matches!(tag, Tag::Paragraph) && block_depth == 0 && first_paragraph.0.is_none()
                {
                    first_paragraph.0 = Some(events.len());
                }
                if is_block(tag) {
                    block_depth += 1;
                }
            }
            Event::End(tag) => {
                if more_index.is_none() && is_block_end(tag) {
                    text_before_more.push(' ');
                }
                if is_block_end(tag) {
                    block_depth = block_depth.saturating_sub(1);
                }
                if matches!(tag, TagEnd::Paragraph)
                    && block_depth == 0
                    && first_paragraph.1.is_none()
                    && first_paragraph.0.is_some()
                {
                    first_paragraph.1 = Some(events.len() + 1);
                }
            }
            _ => {}
        }
        let target = match heading.as_mut() {
            Some(open) => &mut open.events,
            None => &mut events,
        };
        let closes_table = matches!(event, Event::End(TagEnd::Table));
        if matches!(event, Event::Start(Tag::Table(_))) {
            target.push(Event::Html(CowStr::Borrowed(TABLE_WRAP_OPEN)));
        }
        let ends_picture = picture
            .as_mut()
            .is_some_and(|p| p.track(&event, target.len()));
        target.push(event);
        if closes_table {
            target.push(Event::Html(CowStr::Borrowed("</div>\n")));
        }
        if let Some(pending) = picture.take_if(|_| ends_picture) {
            let html = pending.finish(target, (body, ctx), &mut out.images);
            target.push(Event::InlineHtml(html.into()));
        }
    }
    out.toc = nest_headings(&flat_toc, ctx.permalink);
    out.summary_text = shorten(if more_index.is_some() {
        &text_before_more
    } else {
        &first_paragraph_text
    });
    if let (Some(start), Some(end)) = first_paragraph {
        out.first_paragraph = Some(to_html(&events[start..end.min(events.len())]));
    }
    match more_index {
        Some(index) => {
            let summary = to_html(&events[..index]);
            let mut html = summary.clone();
            pulldown_cmark::html::push_html(&mut html, events[index..].iter().cloned());
            out.summary = Some(summary);
            out.html = html;
        }
        None => out.html = to_html(&events),
    }
    (out, problems)
}

/// Draws a component's fenced block (starting at byte `start` of `body`) into `events`, and
/// records the data file it read and the addresses it links to, for the build's checks.
fn draw_component(
    entry: &crate::components::Entry,
    (body, start): (&str, usize),
    settings: &str,
    (ctx, data): (&RenderContext<'_>, Option<&crate::data::Data>),
    out: &mut RenderedMarkdown,
    events: &mut Vec<Event<'_>>,
) -> Result<(), Diagnostic> {
    let Some(data) = data else {
        return Ok(());
    };
    let (fence_line, _) = line_col(body, start);
    let drawn = crate::components::draw_block(
        entry,
        settings,
        data,
        ctx.file,
        fence_line + ctx.body_line_offset + 1,
    )?;
    out.links
        .extend(drawn.links.into_iter().map(|url| WrittenLink {
            written: url.clone(),
            published: url,
            offset: start,
            is_image: false,
        }));
    if !out.data_files.contains(&drawn.data_file) {
        out.data_files.push(drawn.data_file);
    }
    events.push(Event::Html(drawn.html.into()));
    Ok(())
}

/// A site image met in the text, until its end (and so its alt text) is read.
struct PendingPicture {
    image: LocalImage,
    /// The address as written, for messages.
    written: String,
    /// The address as published (absolute).
    published: String,
    title: String,
    /// Byte offset of the image in the body.
    offset: usize,
    /// Index of its start event among the events it is written to.
    start: Option<usize>,
    /// Images inside its alt text (`![a ![b](c)](d)`), whose ends are not its end.
    depth: usize,
}

impl PendingPicture {
    /// Notes `event`, about to be pushed at `index`; true when it ends this image.
    fn track(&mut self, event: &Event<'_>, index: usize) -> bool {
        match event {
            Event::Start(Tag::Image { .. }) if self.start.is_none() => self.start = Some(index),
            Event::Start(Tag::Image { .. }) => self.depth += 1,
            Event::End(TagEnd::Image) if self.depth > 0 => self.depth -= 1,
            Event::End(TagEnd::Image) => return true,
            _ => {}
        }
        false
    }

    /// Takes the image's events out of `events` and returns its markup, recording the use.
    fn finish(
        self,
        events: &mut Vec<Event<'_>>,
        (body, ctx): (&str, &RenderContext<'_>),
        uses: &mut Vec<crate::images::ImageUse>,
    ) -> String {
        let start = self.start.unwrap_or(events.len()).min(events.len());
        let alt: String = events[start..]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        events.truncate(start);
        let written = crate::images::Written {
            alt: &alt,
            title: &self.title,
            eager: uses.is_empty(),
        };
        let LocalImage {
            source,
            info,
            site_path,
        } = self.image;
        let variants = ctx.images.map_or_else(Vec::new, |catalog| {
            crate::images::variants(&info, &site_path, &catalog.widths, catalog.quality)
        });
        let html = if variants.is_empty() {
            crate::images::img_html(&self.published, &info, &written)
        } else {
            crate::images::picture_html(&variants, &info, ctx.base_url, &written)
        };
        let (line, column) = line_col(body, self.offset);
        uses.push(crate::images::ImageUse {
            source,
            info,
            variants,
            written: self.written,
            file: ctx.file.to_path_buf(),
            line: line + ctx.body_line_offset,
            column,
        });
        html
    }
}

/// One of the site's image files, addressed from the text.
struct LocalImage {
    source: std::path::PathBuf,
    info: std::sync::Arc<crate::images::ImageInfo>,
    /// Where it is published, without the leading slash: `posts/fair/photo.jpg`.
    site_path: String,
}

/// The site's image file that `dest` addresses (beside the page, or `/…` in static/), with
/// what was read of it or why it cannot be read; None for any other address.
fn local_image(dest: &str, ctx: &RenderContext<'_>) -> Option<Result<LocalImage, String>> {
    let catalog = ctx.images?;
    if dest.starts_with("//") || url::Url::parse(dest).is_ok() {
        return None;
    }
    let (path, _) = split_suffix(dest);
    let (source, probe, site_path) = match path.strip_prefix('/') {
        Some(in_site) => {
            let in_site = percent_encoding::percent_decode_str(in_site)
                .decode_utf8_lossy()
                .into_owned();
            let (source, probe) = catalog.static_image(&in_site)?;
            (source, probe, in_site)
        }
        None => {
            let beside = beside_file(ctx.content_path, path)?;
            let site_path = ctx.asset_paths.get(&beside)?.trim_start_matches('/');
            let (source, probe) = catalog.content_image(&beside)?;
            (source, probe, site_path.to_string())
        }
    };
    Some(probe.clone().map(|info| LocalImage {
        source: source.to_path_buf(),
        info,
        site_path,
    }))
}

/// An image of the site that cannot be read (not an image, or not the format its name says).
fn unreadable_image(
    body: &str,
    offset: usize,
    ctx: &RenderContext<'_>,
    written: &str,
    why: &str,
) -> Diagnostic {
    let (line, column) = line_col(body, offset);
    Diagnostic::new(ctx.file, format!("the image {written} {why}"))
        .at(line + ctx.body_line_offset, Some(column))
        .hint("open it in an image editor and save it again (as JPEG or PNG), or replace it with another copy")
}

/// What is wrong with a link, and what to do about it.
struct LinkProblem {
    message: String,
    hint: String,
}

fn link_problem(body: &str, offset: usize, ctx: &RenderContext<'_>, p: LinkProblem) -> Diagnostic {
    let (line, column) = line_col(body, offset);
    Diagnostic::new(ctx.file, p.message)
        .rule(crate::rules::LINKS_BROKEN.id)
        .at(line + ctx.body_line_offset, Some(column))
        .hint(p.hint)
}

/// A plain link or image address as it will be published (see [`published_address`]),
/// remembered for the build's link check; a link to a Markdown file is reported.
fn publish<'a>(
    dest: CowStr<'a>,
    (body, offset): (&str, usize),
    is_image: bool,
    ctx: &RenderContext<'_>,
    page_url: Option<&url::Url>,
    out: &mut RenderedMarkdown,
    problems: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    // An address that runs a script (or opens a page made of the address itself) when
    // clicked is never published; `tel:`, `sms:` and other harmless schemes are.
    let scheme = crate::address::scheme_of(&dest);
    if let Some(scheme) = scheme
        .as_deref()
        .filter(|s| matches!(*s, "javascript" | "vbscript" | "file") || (*s == "data" && !is_image))
    {
        problems.push(
            Diagnostic::new(
                ctx.file,
                format!("this link is a {scheme}: address, which hub does not publish"),
            )
            .rule(crate::rules::LINKS_MALFORMED.id)
            .at(
                line_col(body, offset).0 + ctx.body_line_offset,
                Some(line_col(body, offset).1),
            )
            .hint("link to a web page (https://…), an email address (mailto:…) or a page of this site instead"),
        );
        return dest;
    }
    let published = match published_address(&dest, ctx, page_url) {
        Ok(published) => published,
        Err(problem) => {
            problems.push(link_problem(body, offset, ctx, problem));
            None
        }
    };
    if dest.is_empty() || dest.starts_with('#') {
        return dest;
    }
    let link = WrittenLink {
        written: dest.to_string(),
        published: published.unwrap_or_else(|| dest.to_string()),
        offset,
        is_image,
    };
    let address = CowStr::from(link.published.clone());
    out.links.push(link);
    address
}

/// Collapses whitespace and cuts at a word boundary near [`PLAIN_SUMMARY_LIMIT`].
fn shorten(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.len() + word.len() > PLAIN_SUMMARY_LIMIT {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Where a plain link or image address leads, made absolute so that it works in feeds and
/// wherever the HTML is shown; `Ok(None)` leaves it as written (already absolute, such as
/// `https:` or `mailto:`, or empty).
///
/// A relative address is first looked for next to the page's file in content/, as the
/// writer's editor shows it: an image beside `posts/why-i-post.md` is published in the
/// section's folder, not under the page's own address. Otherwise it is taken relative to the
/// page's address, as a browser would. A link to one of the site's Markdown files is a
/// problem: the site publishes the page, not the `.md` file.
fn published_address(
    dest: &str,
    ctx: &RenderContext<'_>,
    page_url: Option<&url::Url>,
) -> Result<Option<String>, LinkProblem> {
    if dest.is_empty() || dest.starts_with('#') || url::Url::parse(dest).is_ok() {
        return Ok(None);
    }
    let (path, suffix) = split_suffix(dest);
    let site_absolute = dest.starts_with('/') && !dest.starts_with("//");
    if !site_absolute {
        if let Some(beside) = beside_file(ctx.content_path, path) {
            if let Some(site_path) = ctx.asset_paths.get(&beside) {
                return Ok(Some(format!("{}{site_path}{suffix}", ctx.base_url)));
            }
            if let Some(problem) = markdown_file_link(dest, &beside, suffix, ctx) {
                return Err(problem);
            }
        }
    }
    let absolute = if site_absolute {
        Some(format!("{}{dest}", ctx.base_url))
    } else {
        page_url
            .and_then(|url| url.join(dest).ok())
            .map(String::from)
    };
    // A Markdown file addressed from the page's URL (`../../policies/x.md`) or the site's root.
    // Only an address ending in .md can be one: most links skip the decoding below.
    let in_site = absolute
        .as_deref()
        .filter(|_| path.ends_with(".md"))
        .and_then(|a| a.strip_prefix(ctx.base_url));
    if let Some(in_site) = in_site {
        let (in_site, _) = split_suffix(in_site);
        let content_path = percent_encoding::percent_decode_str(in_site.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        if let Some(problem) = markdown_file_link(dest, &content_path, suffix, ctx) {
            return Err(problem);
        }
    }
    Ok(absolute)
}

/// Where an address written in front matter (a page's `image`) leads, by the same rules as
/// an image in the text; None when it is empty.
pub(crate) fn front_matter_address(dest: &str, ctx: &RenderContext<'_>) -> Option<String> {
    let dest = dest.trim();
    let page_url = url::Url::parse(ctx.permalink).ok();
    let published = published_address(dest, ctx, page_url.as_ref())
        .ok()
        .flatten();
    published.or_else(|| (!dest.is_empty()).then(|| dest.to_string()))
}

/// `a/b.png?x#y` → (`a/b.png`, `?x#y`).
fn split_suffix(address: &str) -> (&str, &str) {
    address.split_at(address.find(['?', '#']).unwrap_or(address.len()))
}

/// The content path of `relative` taken from the folder of the file at `content_path`
/// (`posts/a.md` + `../img/x.png` → `img/x.png`), or None when it climbs out of content/.
fn beside_file(content_path: &str, relative: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(relative).decode_utf8_lossy();
    let mut parts: Vec<&str> = content_path.split('/').collect();
    parts.pop();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

/// The problem with a link to `content_path` when that is a Markdown file (of this site or
/// not): such links must be written `@/…` to reach the page.
fn markdown_file_link(
    written: &str,
    content_path: &str,
    suffix: &str,
    ctx: &RenderContext<'_>,
) -> Option<LinkProblem> {
    if !content_path.ends_with(".md") {
        return None;
    }
    if ctx.permalinks.contains_key(content_path) || ctx.drafts.contains(content_path) {
        return Some(LinkProblem {
            message: format!("link to a Markdown file: {written}"),
            hint: format!(
                "write it as @/{content_path}{suffix}: hub turns @/ links into the page's web address and checks them"
            ),
        });
    }
    let file_name = content_path.rsplit('/').next().unwrap_or(content_path);
    let guess = closest_page(ctx, content_path).or_else(|| {
        ctx.permalinks
            .keys()
            .find(|known| known.rsplit('/').next() == Some(file_name))
            .map(String::as_str)
    });
    Some(LinkProblem {
        message: format!("link to a Markdown file that does not exist: {written}"),
        hint: match guess {
            Some(guess) => format!("did you mean @/{guess}{suffix}? Links to pages are written @/ and the file's path inside content/"),
            None => "links to pages are written @/ and the file's path inside content/, e.g. @/tips/facebook.md".into(),
        },
    })
}

/// The content path of a published page closest in spelling to `path`, for "did you mean".
fn closest_page<'a>(ctx: &'a RenderContext<'_>, path: &str) -> Option<&'a str> {
    crate::suggest::closest(path, ctx.permalinks.keys().map(String::as_str))
}

fn to_html(events: &[Event<'_>]) -> String {
    let mut html = String::with_capacity(events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    html
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::DefinitionList
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::DefinitionList
    )
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// `@/tips/x.md#why` → the page's URL plus `#why`, and the anchor to check later.
#[allow(clippy::type_complexity)]
fn resolve_internal_link(
    dest: &str,
    ctx: &RenderContext<'_>,
) -> Result<(String, Option<(String, String)>), LinkProblem> {
    let link = &dest[2..];
    let (path, anchor) = match link.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (link, None),
    };
    let path = path.trim_start_matches('/');
    let Some(url) = ctx.permalinks.get(path) else {
        if ctx.drafts.contains(path) {
            return Err(LinkProblem {
                message: format!("link to a draft page, which is not published: {dest}"),
                hint: format!("publish content/{path} by removing `draft = true` from it, or remove this link; `hub serve --drafts` previews drafts"),
            });
        }
        return Err(LinkProblem {
            message: format!("link to a page that does not exist: {dest}"),
            hint: match closest_page(ctx, path) {
                Some(guess) => format!("did you mean @/{guess}? (@/ is followed by the file's path inside content/)"),
                None => "internal links are written @/ followed by the file's path inside content/, e.g. @/tips/facebook.md".into(),
            },
        });
    };
    Ok(match anchor {
        Some(anchor) if !anchor.is_empty() => (
            format!("{url}#{anchor}"),
            Some((path.to_string(), anchor.to_string())),
        ),
        _ => (url.clone(), None),
    })
}

/// A heading's id: the one written with `{#id}`, else its slugified text; repeats get `-1`, `-2`.
fn unique_id(explicit: Option<&str>, text: &str, counts: &mut HashMap<String, usize>) -> String {
    let base = match explicit {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            let slug = slugify(text);
            if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            }
        }
    };
    let mut id = base.clone();
    while let Some(n) = counts.get_mut(&id) {
        *n += 1;
        id = format!("{base}-{}", *n - 1);
        if !counts.contains_key(&id) {
            break;
        }
    }
    counts.entry(id.clone()).or_insert(1);
    id
}

/// Turns headings in document order into a tree: each heading holds the deeper ones after it.
fn nest_headings(flat: &[(u8, String, String)], permalink: &str) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            permalink: format!("{permalink}#{id}"),
            children: Vec::new(),
        };
        insert_heading(&mut roots, heading);
    }
    roots
}

fn insert_heading(siblings: &mut Vec<Heading>, heading: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < heading.level => insert_heading(&mut last.children, heading),
        _ => siblings.push(heading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_text(text: &str) -> Result<RenderedMarkdown, Vec<Diagnostic>> {
        let mut permalinks = HashMap::new();
        permalinks.insert("tips/x.md".to_string(), "https://e.org/tips/x/".to_string());
        permalinks.insert("a.md".to_string(), "https://e.org/a/".to_string());
        let mut asset_paths = HashMap::new();
        asset_paths.insert("fair.jpg".to_string(), "/fair.jpg".to_string());
        asset_paths.insert("tips/pic.png".to_string(), "/tips/pic.png".to_string());
        let highlighting = Highlighting::Classes;
        let drafts = HashSet::from(["tips/draft.md".to_string()]);
        let ctx = RenderContext {
            drafts: &drafts,
            file: Path::new("content/a.md"),
            body_line_offset: 3,
            permalink: "https://e.org/a/",
            base_url: "https://e.org",
            content_path: "a.md",
            permalinks: &permalinks,
            asset_paths: &asset_paths,
            smart_punctuation: true,
            highlighting: &highlighting,
            images: None,
        };
        match render(text, &ctx) {
            (rendered, problems) if problems.is_empty() => Ok(rendered),
            (_, problems) => Err(problems),
        }
    }

    #[test]
    fn headings_get_unique_ids_and_a_nested_toc() {
        let r =
            render_text("## Why it matters\n\n### Detail\n\n## Why it matters\n\n## Café {#own}\n")
                .unwrap();
        assert!(r.html.contains("<h2 id=\"why-it-matters\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"why-it-matters-1\">"));
        assert!(r.html.contains("<h2 id=\"own\">"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "detail");
        assert_eq!(r.toc[0].permalink, "https://e.org/a/#why-it-matters");
    }

    #[test]
    fn more_marker_splits_the_summary() {
        let r = render_text("First para.\n\n<!-- more -->\n\nSecond para.\n").unwrap();
        assert_eq!(r.summary.as_deref(), Some("<p>First para.</p>\n"));
        assert!(r.html.contains("Second para."));
        assert!(r.html.contains("First para."));
        assert_eq!(r.first_paragraph.as_deref(), Some("<p>First para.</p>\n"));
    }

    #[test]
    fn first_paragraph_skips_headings_and_lists() {
        let r = render_text("## Title\n\n- item\n\nThe real one.\n").unwrap();
        assert_eq!(r.first_paragraph.as_deref(), Some("<p>The real one.</p>\n"));
        assert!(r.summary.is_none());
    }

    #[test]
    fn internal_links_resolve_and_record_anchors() {
        let r = render_text("See [x](@/tips/x.md#why) and [y](@/tips/x.md).\n").unwrap();
        assert!(
            r.html.contains("href=\"https://e.org/tips/x/#why\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"https://e.org/tips/x/\""));
        assert_eq!(
            r.anchor_links,
            vec![AnchorLink {
                target: "tips/x.md".into(),
                anchor: "why".into(),
                line: 4,
                column: 5
            }]
        );
    }

    #[test]
    fn missing_internal_links_are_all_reported_with_lines() {
        let e = render_text("Hi\n\n[a](@/nope.md) [b](@/gone.md)\n").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].line, e[0].column), (Some(6), Some(1)));
        assert!(e[0].message.contains("@/nope.md"));
    }

    #[test]
    fn extensions_are_on() {
        let r = render_text(
            "|a|b|\n|-|-|\n|1|2|\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: Foot.\n",
        )
        .unwrap();
        assert!(r.html.contains("<table>"));
        assert!(
            r.html.starts_with(TABLE_WRAP_OPEN) && r.html.contains("</table>\n</div>\n"),
            "a table is wrapped in a focusable region:\n{}",
            r.html
        );
        assert!(r.html.contains(TASK_DONE), "{}", r.html);
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn code_is_highlighted_and_not_counted() {
        let r = render_text("One two.\n\n```rust\nlet x = 1;\n```\n").unwrap();
        assert!(r.html.contains("hl-"), "{}", r.html);
        assert_eq!(r.word_count, 2);
    }

    #[test]
    fn relative_links_and_images_become_absolute() {
        let r =
            render_text("[a](/tips/) [b](other/) [c](#x) [d](mailto:a@b.org) ![e](photo.png)\n")
                .unwrap();
        assert!(
            r.html.contains("href=\"https://e.org/tips/\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"https://e.org/a/other/\""));
        assert!(r.html.contains("href=\"#x\""));
        assert!(r.html.contains("href=\"mailto:a@b.org\""));
        assert!(r.html.contains("src=\"https://e.org/a/photo.png\""));
    }

    #[test]
    fn plain_summary_text() {
        let r = render_text("## Head\n\nFirst *para*\nline two.\n\nSecond.\n").unwrap();
        assert_eq!(r.summary_text, "First para line two.");
        let r = render_text("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n").unwrap();
        assert_eq!(r.summary_text, "One. Two.");
    }

    #[test]
    fn an_inline_script_keeps_its_quotes_and_is_not_counted() {
        let out =
            render_text("Say \"hi\" <script>var s = \"it's\" -- 1 < 2;</script> it's \"done\".\n")
                .unwrap();
        assert!(
            out.html
                .contains("<script>var s = \"it's\" -- 1 < 2;</script>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("Say “hi”"), "{}", out.html);
        assert!(out.html.contains("it’s “done”"), "{}", out.html);
        let without = render_text("Say \"hi\"  it's \"done\".\n").unwrap();
        assert_eq!(out.word_count, without.word_count);
        let style = render_text("A <style>p::before { content: \"'\" }</style> b.\n").unwrap();
        assert!(style.html.contains("content: \"'\""), "{}", style.html);
    }

    #[test]
    fn raw_html_passes_through() {
        let r = render_text("<div class=\"note\">Hi</div>\n").unwrap();
        assert!(r.html.contains("<div class=\"note\">Hi</div>"));
    }
}
