//! The prose of a page: the text of its paragraphs, list items, block quotes, headings and
//! footnotes, read out of the Markdown with where each piece came from, and the run of
//! blocks (paragraphs and what breaks them up) that the wall-of-text rule counts. Code,
//! raw HTML, addresses, alt text and tables are left out here, so no rule has to.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;

/// Where a piece of a unit's text came from in the body.
#[derive(Debug, Clone, Copy)]
pub(super) struct Piece {
    /// Byte offset in [`Unit::text`] where the piece starts.
    pub(super) at: usize,
    /// Byte offset in the body.
    pub(super) source: usize,
    /// Whether the piece is the body's text byte for byte; if not (a smart quote, an entity,
    /// a space standing in for inline code), all of it maps to `source`.
    pub(super) verbatim: bool,
}

/// The prose of one paragraph, list item, heading or footnote: a stretch that ends a sentence.
#[derive(Debug, Default)]
pub(super) struct Unit {
    pub(super) text: String,
    pub(super) pieces: Vec<Piece>,
}

impl Unit {
    pub(super) fn push(&mut self, text: &str, source: Range<usize>, body: &str) {
        let written = body.get(source.clone()).unwrap_or("");
        let (start, verbatim) = if written == text {
            (source.start, true)
        } else if let Some(i) = written.find(text).filter(|_| !text.is_empty()) {
            (source.start + i, true)
        } else {
            (source.start, false)
        };
        self.pieces.push(Piece {
            at: self.text.len(),
            source: start,
            verbatim,
        });
        self.text.push_str(text);
    }

    /// A space standing in for something that is not prose (inline code, inline HTML, a
    /// line break), so that the words either side stay apart.
    pub(super) fn gap(&mut self, source: usize) {
        self.pieces.push(Piece {
            at: self.text.len(),
            source,
            verbatim: false,
        });
        self.text.push(' ');
    }

    /// Byte offset in the body of byte `at` of the text.
    pub(super) fn source(&self, at: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.at <= at)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(p) if p.verbatim => p.source + (at - p.at),
            Some(p) => p.source,
            None => 0,
        }
    }
}

/// A top-level block, as far as walls of text are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    /// A paragraph of text starting at this body offset.
    Paragraph(usize),
    /// Anything a reader sees as a break: a heading, list, block quote, code block, table,
    /// image, raw HTML, footnote or thematic break (`---`, drawn as a line).
    Break,
    /// Something not shown at all, such as an HTML comment (`<!-- more -->`).
    Invisible,
}

/// What the rules read from a page body.
#[derive(Debug, Default)]
pub(super) struct Prose {
    pub(super) units: Vec<Unit>,
    pub(super) blocks: Vec<Block>,
}

pub(super) fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

pub(super) fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whether raw HTML is nothing but comments, which readers never see.
pub(super) fn only_comments(html: &str) -> bool {
    let mut rest = html.trim_start();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("<!--") else {
            return false;
        };
        let Some(end) = after.find("-->") else {
            return false;
        };
        rest = after[end + 3..].trim_start();
    }
    true
}

impl Prose {
    /// Parses the body the way hub renders it (same extensions, smart punctuation on).
    pub(super) fn read(body: &str, events: &[(Event<'_>, Range<usize>)]) -> Prose {
        let mut prose = Prose::default();
        let mut unit = Unit::default();
        // Inside something whose text is not prose (code block, table, image, autolink).
        let mut skip = 0usize;
        // For each open link: whether it is an autolink or email link, whose text is an address.
        let mut links: Vec<bool> = Vec::new();
        let mut depth = 0usize;
        let mut html: Option<String> = None;

        for (event, range) in events.iter().cloned() {
            match event {
                Event::Start(tag) => {
                    if !is_inline(&tag) {
                        prose.flush(&mut unit);
                        if depth == 0 {
                            prose.blocks.push(match tag {
                                Tag::Paragraph => Block::Paragraph(range.start),
                                _ => Block::Break,
                            });
                            if matches!(tag, Tag::HtmlBlock) {
                                html = Some(String::new());
                            }
                        }
                        depth += 1;
                    }
                    match tag {
                        Tag::Image { .. } => {
                            skip += 1;
                            // A picture in a top-level paragraph breaks up a wall of text.
                            if depth == 1 {
                                if let Some(last @ Block::Paragraph(_)) = prose.blocks.last_mut() {
                                    *last = Block::Break;
                                }
                            }
                        }
                        Tag::Link { link_type, .. } => {
                            let address = matches!(link_type, LinkType::Autolink | LinkType::Email);
                            links.push(address);
                            if address {
                                skip += 1;
                            }
                        }
                        Tag::CodeBlock(_)
                        | Tag::HtmlBlock
                        | Tag::Table(_)
                        | Tag::MetadataBlock(_) => skip += 1,
                        _ => {}
                    }
                }
                Event::End(tag) => {
                    if !is_inline_end(&tag) {
                        prose.flush(&mut unit);
                        depth = depth.saturating_sub(1);
                    }
                    match tag {
                        TagEnd::Image => skip = skip.saturating_sub(1),
                        TagEnd::Link if links.pop() == Some(true) => {
                            skip = skip.saturating_sub(1);
                        }
                        TagEnd::CodeBlock | TagEnd::Table | TagEnd::MetadataBlock(_) => {
                            skip = skip.saturating_sub(1)
                        }
                        TagEnd::HtmlBlock => {
                            skip = skip.saturating_sub(1);
                            if depth == 0 {
                                if let Some(text) = html.take() {
                                    if only_comments(&text) {
                                        if let Some(last) = prose.blocks.last_mut() {
                                            *last = Block::Invisible;
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(text) if skip == 0 => unit.push(&text, range, body),
                Event::Code(_)
                | Event::InlineHtml(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::InlineMath(_)
                    if skip == 0 =>
                {
                    unit.gap(range.start)
                }
                Event::Html(text) => {
                    if let Some(collected) = html.as_mut() {
                        collected.push_str(&text);
                    }
                }
                Event::Rule => {
                    prose.flush(&mut unit);
                    if depth == 0 {
                        prose.blocks.push(Block::Break);
                    }
                }
                _ => {}
            }
        }
        prose.flush(&mut unit);
        prose
    }

    /// Ends the current unit: keeps it if it holds any text, with addresses blanked out.
    pub(super) fn flush(&mut self, unit: &mut Unit) {
        let mut done = std::mem::take(unit);
        if done.text.trim().is_empty() {
            return;
        }
        done.text = mask_addresses(&done.text);
        self.units.push(done);
    }
}

/// Blanks out web addresses, email addresses and @handles with spaces of the same byte
/// length, so that offsets into the text stay right and they count as no words. A full stop
/// or other punctuation just after an address is kept: it still ends the sentence.
pub(super) fn mask_addresses(text: &str) -> String {
    static ADDRESS: OnceLock<Regex> = OnceLock::new();
    let address = ADDRESS.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>“”"]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|@\w+"#)
            .expect("address pattern")
    });
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in address.find_iter(text) {
        let matched = found
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '’']);
        let end = found.start() + matched.len();
        out.push_str(&text[last..found.start()]);
        out.extend(std::iter::repeat_n(' ', matched.len()));
        last = end;
    }
    out.push_str(&text[last..]);
    out
}
