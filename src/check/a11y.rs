//! Accessibility rules (`a11y/…`): what a screen-reader user, or anyone skimming a page by
//! its headings and links, would miss. They read the page's Markdown body with the same
//! pulldown-cmark options `hub` renders it with, so a rule sees exactly the images, links,
//! headings and tables the reader will get; code blocks are skipped.
//!
//! - `a11y/img-alt-missing`: a Markdown image with empty alt text, or a raw HTML `<img>` with
//!   no `alt` attribute (a raw `alt=""` is a deliberate mark of decoration and is accepted).
//! - `a11y/img-alt-unhelpful`: alt text that says nothing ("image", "a photo of") or is a
//!   file name (`cat.png`, `IMG_1234`).
//! - `a11y/img-alt-long`: alt text over [`ALT_MAX_CHARS`] characters.
//! - `a11y/heading-h1`: a `#` heading in the body; the theme prints the title as the h1.
//! - `a11y/heading-skip`: a heading more than one level deeper than the one before it,
//!   counting the title as level 1.
//! - `a11y/link-empty`: a link with nothing to read out.
//! - `a11y/link-text`: link text that does not say where the link goes ("click here",
//!   "read more") or is a bare URL.
//! - `a11y/table-header`: a table whose header cells are all empty.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Tag, TagEnd};
use regex::Regex;

use super::words::a11y::{UNHELPFUL_ALT_WORDS, VAGUE_LINK_TEXTS};
use super::RawFinding;
use crate::rules::{self, Rule};
use crate::source::SourceText;

/// Alt text longer than this belongs in the text around the image.
const ALT_MAX_CHARS: usize = 150;

/// An image or link whose text is still being collected.
enum Open {
    Image {
        start: usize,
        alt: String,
    },
    Link {
        start: usize,
        text: String,
        autolink: bool,
    },
}

impl Open {
    fn push_text(&mut self, s: &str) {
        match self {
            Open::Image { alt, .. } => alt.push_str(s),
            Open::Link { text, .. } => text.push_str(s),
        }
    }
}

/// A table whose header row is being read.
struct OpenTable {
    start: usize,
    in_head: bool,
    head_has_content: bool,
}

/// Raw HTML of one block, gathered from its per-line events, with where each piece came from
/// (lines of a block inside a blockquote or list are not contiguous in the source).
#[derive(Default)]
struct HtmlBlock {
    text: String,
    /// (offset in `text`, offset in the body) of each piece, in order.
    pieces: Vec<(usize, usize)>,
}

impl HtmlBlock {
    fn push(&mut self, html: &str, body_offset: usize) {
        self.pieces.push((self.text.len(), body_offset));
        self.text.push_str(html);
    }

    /// The body offset of byte `pos` of `text`.
    fn body_offset(&self, pos: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|&(at, _)| at <= pos)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(at, body)) => body + (pos - at),
            None => pos,
        }
    }
}

/// Collects findings with offsets into the whole file.
struct Findings {
    base: usize,
    out: Vec<RawFinding>,
}

impl Findings {
    fn add(&mut self, body_offset: usize, rule: &Rule, message: String, fix: &str) {
        self.out.push(RawFinding {
            offset: self.base + body_offset,
            rule: rule.id,
            severity: rule.severity,
            message,
            fix: fix.to_string(),
        });
    }
}

/// Runs the accessibility rules over one page's Markdown body.
pub(super) fn check(page: &SourceText, events: &[(Event<'_>, Range<usize>)]) -> Vec<RawFinding> {
    let mut findings = Findings {
        base: page.body_start,
        out: Vec::new(),
    };
    let mut open: Vec<Open> = Vec::new();
    let mut tables: Vec<OpenTable> = Vec::new();
    let mut html_block: Option<HtmlBlock> = None;
    let mut in_code_block = false;
    // The theme prints the page title as the one h1.
    let mut previous_level = 1u8;

    for (event, range) in events.iter().cloned() {
        if in_code_block {
            if matches!(event, Event::End(TagEnd::CodeBlock)) {
                in_code_block = false;
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::Start(Tag::Heading { level, .. }) => {
                let level = heading_number(level);
                check_heading(&mut findings, range.start, previous_level, level);
                previous_level = level;
            }
            Event::Start(Tag::Image { .. }) => {
                // Only its alt text (a `Text` event) makes a header cell non-empty.
                open.push(Open::Image {
                    start: range.start,
                    alt: String::new(),
                });
            }
            Event::End(TagEnd::Image) => {
                if let Some(Open::Image { start, alt }) = open.pop() {
                    check_markdown_alt(&mut findings, start, &alt);
                    // The alt text is what a link around the image reads out.
                    for frame in open.iter_mut() {
                        frame.push_text(&alt);
                    }
                }
            }
            Event::Start(Tag::Link { link_type, .. }) => {
                let autolink = matches!(link_type, LinkType::Autolink);
                open.push(Open::Link {
                    start: range.start,
                    text: String::new(),
                    autolink,
                });
            }
            Event::End(TagEnd::Link) => {
                if let Some(Open::Link {
                    start,
                    text,
                    autolink,
                }) = open.pop()
                {
                    check_link(&mut findings, start, &text, autolink);
                    for frame in open.iter_mut() {
                        frame.push_text(&text);
                    }
                }
            }
            Event::Start(Tag::Table(_)) => tables.push(OpenTable {
                start: range.start,
                in_head: false,
                head_has_content: false,
            }),
            Event::Start(Tag::TableHead) => {
                if let Some(table) = tables.last_mut() {
                    table.in_head = true;
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(table) = tables.last_mut() {
                    table.in_head = false;
                    if !table.head_has_content {
                        findings.add(
                            table.start,
                            &rules::A11Y_TABLE_HEADER,
                            "This table's header row is empty, so screen readers cannot say what \
                             each column holds."
                                .to_string(),
                            rules::A11Y_TABLE_HEADER.fixed_fix(),
                        );
                    }
                }
            }
            Event::End(TagEnd::Table) => {
                tables.pop();
            }
            Event::Text(text) | Event::Code(text) => {
                if !text.trim().is_empty() {
                    mark_table_content(&mut tables);
                }
                if let Some(frame) = open.last_mut() {
                    frame.push_text(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(frame) = open.last_mut() {
                    frame.push_text(" ");
                }
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some(HtmlBlock::default()),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html_block.take() {
                    for tag in html_images(&block.text) {
                        check_html_img(&mut findings, block.body_offset(tag.pos), &tag);
                    }
                }
            }
            Event::Html(html) => match html_block.as_mut() {
                Some(block) => block.push(&html, range.start),
                None => {
                    for tag in html_images(&html) {
                        check_html_img(&mut findings, range.start + tag.pos, &tag);
                    }
                }
            },
            Event::InlineHtml(html) => {
                if !html.trim().is_empty() && !html.trim_start().starts_with("<!--") {
                    mark_table_content(&mut tables);
                }
                for tag in html_images(&html) {
                    check_html_img(&mut findings, range.start + tag.pos, &tag);
                    // `[<img src=… alt="Home">](/)` reads out "Home".
                    if let (Some(alt), Some(frame)) = (tag.alt.as_deref(), open.last_mut()) {
                        frame.push_text(alt);
                    }
                }
            }
            _ => {}
        }
    }

    let mut out = findings.out;
    out.sort_by_key(|f| f.offset);
    out
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn check_heading(findings: &mut Findings, at: usize, previous: u8, level: u8) {
    if level == 1 {
        findings.add(
            at,
            &rules::A11Y_HEADING_H1,
            "This is a level-1 heading, but the theme already prints the page title as the \
             page's only h1."
                .to_string(),
            rules::A11Y_HEADING_H1.fixed_fix(),
        );
    } else if level > previous + 1 {
        let expected = previous + 1;
        findings.add(
            at,
            &rules::A11Y_HEADING_SKIP,
            format!(
                "This heading jumps from level {previous} to level {level}, so readers \
                 navigating by headings lose the page's structure."
            ),
            &format!(
                "Make it a level-{expected} heading (`{}`), or add the missing level above it.",
                "#".repeat(usize::from(expected))
            ),
        );
    }
}

fn mark_table_content(tables: &mut [OpenTable]) {
    if let Some(table) = tables.last_mut() {
        if table.in_head {
            table.head_has_content = true;
        }
    }
}

/// Alt text of a Markdown image: empty is always a finding (Markdown cannot say "decorative").
fn check_markdown_alt(findings: &mut Findings, at: usize, alt: &str) {
    if alt.trim().is_empty() {
        findings.add(
            at,
            &rules::A11Y_IMG_ALT_MISSING,
            "This image has no alt text, so screen readers announce only its file name or \
             nothing at all."
                .to_string(),
            "Write what the image shows, or what it is for, between the brackets: `![…](…)`.",
        );
    } else {
        check_alt_text(findings, at, alt);
    }
}

/// Rules for alt text that is present: says something, and not too much.
fn check_alt_text(findings: &mut Findings, at: usize, alt: &str) {
    let alt = alt.trim();
    if is_unhelpful_alt(alt) {
        findings.add(
            at,
            &rules::A11Y_IMG_ALT_UNHELPFUL,
            format!("The alt text \"{alt}\" does not say what the image shows."),
            rules::A11Y_IMG_ALT_UNHELPFUL.fixed_fix(),
        );
    }
    let chars = alt.chars().count();
    if chars > ALT_MAX_CHARS {
        findings.add(
            at,
            &rules::A11Y_IMG_ALT_LONG,
            format!(
                "The alt text is {chars} characters long; screen readers read it in one breath \
                 and cannot pause or skim it."
            ),
            &format!(
                "Keep the alt text under {ALT_MAX_CHARS} characters and move the detail into \
                 the text around the image."
            ),
        );
    }
}

/// True for alt text that names the medium, not the content, or is a file name.
fn is_unhelpful_alt(alt: &str) -> bool {
    static FILE_NAME: OnceLock<Regex> = OnceLock::new();
    let file_name = FILE_NAME.get_or_init(|| {
        Regex::new(
            r"(?ix)
            \.(?:png|jpe?g|gif|webp|svg|avif|heic|bmp|tiff?)$
            | ^(?:img|dsc[nf]?|pxl|mvimg|dji)[_-]?\d{3,}[\w-]*$
            | ^screen\ ?shot[\ _-]\d{4}-\d{2}-\d{2}",
        )
        .expect("file name pattern")
    });
    let alt = alt.trim();
    if file_name.is_match(alt) {
        return true;
    }
    let words = normalize(alt);
    let mut words: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    if matches!(words.first(), Some(&("a" | "an" | "the"))) {
        words.remove(0);
    }
    if words.last() == Some(&"of") {
        words.pop();
    }
    match words.as_slice() {
        [word] => UNHELPFUL_ALT_WORDS.contains(word),
        ["screen", "shot"] => true,
        _ => false,
    }
}

/// Lowercase, punctuation turned into spaces, whitespace collapsed.
fn normalize(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .flat_map(char::to_lowercase)
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_bare_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

fn check_link(findings: &mut Findings, at: usize, text: &str, autolink: bool) {
    let text = text.trim();
    if text.is_empty() {
        findings.add(
            at,
            &rules::A11Y_LINK_EMPTY,
            "This link has no text, so screen readers announce only its address or nothing."
                .to_string(),
            rules::A11Y_LINK_EMPTY.fixed_fix(),
        );
    } else if autolink || is_bare_url(text) {
        findings.add(
            at,
            &rules::A11Y_LINK_TEXT,
            "This link's text is a bare URL, which screen readers spell out character by \
             character."
                .to_string(),
            "Write what the linked page is as the link text: `[Annual report 2024](https://…)`.",
        );
    } else if VAGUE_LINK_TEXTS.contains(&normalize(text).as_str()) {
        findings.add(
            at,
            &rules::A11Y_LINK_TEXT,
            format!(
                "The link text \"{text}\" does not say where the link goes, and lists of links \
                 read out of context become a row of \"{text}\"."
            ),
            "Use the name of the page or action as the link text, e.g. `[read the 2024 budget](…)`.",
        );
    }
}

/// One raw `<img>` tag found in HTML.
struct HtmlImg {
    /// Byte offset of `<img` in the scanned HTML.
    pos: usize,
    /// The `alt` attribute's value, `None` when there is no `alt` attribute.
    alt: Option<String>,
}

/// Every `<img>` tag in `html` that is not inside an HTML comment.
fn html_images(html: &str) -> Vec<HtmlImg> {
    static IMG: OnceLock<Regex> = OnceLock::new();
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    let img = IMG.get_or_init(|| {
        Regex::new(r#"(?i)<img\b((?:[^>"']|"[^"]*"|'[^']*')*)>?"#).expect("img pattern")
    });
    let comment =
        COMMENT.get_or_init(|| Regex::new(r"(?s)<!--.*?(?:-->|\z)").expect("comment pattern"));
    let attr = ATTR.get_or_init(|| {
        Regex::new(r#"([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"#)
            .expect("attribute pattern")
    });
    let comments: Vec<Range<usize>> = comment.find_iter(html).map(|m| m.range()).collect();
    img.captures_iter(html)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            if comments.iter().any(|c| c.contains(&whole.start())) {
                return None;
            }
            let attrs = caps.get(1).map_or("", |m| m.as_str());
            let alt = attr.captures_iter(attrs).find_map(|a| {
                if !a[1].eq_ignore_ascii_case("alt") {
                    return None;
                }
                let value = a.get(2).or_else(|| a.get(3)).or_else(|| a.get(4));
                Some(value.map_or(String::new(), |v| decode_entities(v.as_str())))
            });
            Some(HtmlImg {
                pos: whole.start(),
                alt,
            })
        })
        .collect()
}

/// The few entities alt text is likely to hold, so lengths and words come out right.
fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A raw `<img>`: no `alt` is a finding, `alt=""` marks decoration and is fine.
fn check_html_img(findings: &mut Findings, at: usize, tag: &HtmlImg) {
    match tag.alt.as_deref() {
        None => findings.add(
            at,
            &rules::A11Y_IMG_ALT_MISSING,
            "This `<img>` has no alt attribute, so screen readers announce its file name."
                .to_string(),
            "Add `alt=\"…\"` saying what the image shows, or `alt=\"\"` if it is only decoration.",
        ),
        Some(alt) if alt.trim().is_empty() => {}
        Some(alt) => check_alt_text(findings, at, alt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Severity;

    fn run_with(text: &str, body_start: usize) -> Vec<RawFinding> {
        let page = SourceText {
            path: "content/x.md".into(),
            text: text.into(),
            body_start,
        };
        check(&page, &super::super::parse_body(&page, true))
    }

    fn run(text: &str) -> Vec<RawFinding> {
        run_with(text, 0)
    }

    fn rules(text: &str) -> Vec<&'static str> {
        run(text).into_iter().map(|f| f.rule).collect()
    }

    /// (rule, offset) of every finding.
    fn found(text: &str) -> Vec<(&'static str, usize)> {
        run(text).into_iter().map(|f| (f.rule, f.offset)).collect()
    }

    fn assert_clean(text: &str) {
        let findings = run(text);
        assert!(
            findings.is_empty(),
            "expected no findings in {text:?}, got {findings:#?}"
        );
    }

    // --- images ---------------------------------------------------------------------------

    #[test]
    fn good_alt_text_is_fine() {
        assert_clean("![A red bicycle leaning on a wall](bike.png)\n");
        assert_clean("![Bar chart: sign-ups doubled in May](chart.svg)\n");
        assert_clean("![Screenshot of the settings page with the Save button](s.png)\n");
        assert_clean("![The team's logo: a blue bird](logo.svg)\n");
    }

    #[test]
    fn empty_markdown_alt_is_flagged() {
        assert_eq!(found("![](x.png)\n"), vec![("a11y/img-alt-missing", 0)]);
        assert_eq!(
            found("See ![ ](x.png) here.\n"),
            vec![("a11y/img-alt-missing", 4)]
        );
    }

    #[test]
    fn reference_images_are_checked_too() {
        let text = "Intro ![][logo]\n\n[logo]: logo.png\n";
        assert_eq!(found(text), vec![("a11y/img-alt-missing", 6)]);
    }

    #[test]
    fn findings_are_warnings_with_message_and_fix() {
        let findings = run("![](x.png)\n");
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(!f.message.is_empty() && f.message.ends_with('.'));
        assert!(!f.fix.is_empty() && f.fix.ends_with('.'));
    }

    #[test]
    fn unhelpful_alt_words_are_flagged_in_any_case() {
        for alt in [
            "image",
            "Image",
            "IMAGE",
            "picture",
            "photo",
            "graphic",
            "icon",
            "screenshot",
            "img",
            "an image",
            "An image of",
            "image of",
            "a picture of",
            "Photo.",
            "the screenshot",
            "screen shot",
        ] {
            let text = format!("![{alt}](x.png)\n");
            assert_eq!(rules(&text), vec!["a11y/img-alt-unhelpful"], "alt {alt:?}");
        }
    }

    #[test]
    fn alt_that_merely_contains_a_vague_word_is_fine() {
        assert_clean("![Image of the new library entrance](x.png)\n");
        assert_clean("![Icon set used in the app's toolbar](x.png)\n");
        assert_clean("![Photo booth at the summer fair](x.png)\n");
        assert_clean("![An imaginary map](x.png)\n");
    }

    #[test]
    fn file_name_alt_is_flagged() {
        for alt in [
            "cat.png",
            "holiday.JPG",
            "team-photo.jpeg",
            "anim.gif",
            "hero.webp",
            "logo.svg",
            "IMG_1234",
            "img_20240612_101500",
            "DSC01234",
            "DSCN0042",
            "PXL_20230101_120000123",
            "IMG-4411.HEIC",
        ] {
            let text = format!("![{alt}](x.png)\n");
            assert_eq!(rules(&text), vec!["a11y/img-alt-unhelpful"], "alt {alt:?}");
        }
    }

    #[test]
    fn alt_with_digits_that_is_not_a_file_name_is_fine() {
        assert_clean("![Imagine 2024 poster with the festival dates](x.png)\n");
        assert_clean("![Graph of PNG file sizes over 2023](x.png)\n");
        assert_clean("![Dscovr satellite over the Pacific](x.png)\n");
    }

    #[test]
    fn long_alt_is_flagged_at_151_characters() {
        let ok = "a".repeat(ALT_MAX_CHARS - 6) + " words"; // exactly 150
        assert_eq!(ok.chars().count(), ALT_MAX_CHARS);
        assert_clean(&format!("![{ok}](x.png)\n"));
        let long = format!("{ok}!");
        assert_eq!(
            found(&format!("Text ![{long}](x.png)\n")),
            vec![("a11y/img-alt-long", 5)]
        );
    }

    #[test]
    fn long_alt_counts_characters_not_bytes() {
        // 100 two-byte characters: 200 bytes but only 100 characters.
        let alt = "é".repeat(100);
        assert_clean(&format!("![{alt}](x.png)\n"));
    }

    #[test]
    fn image_in_code_is_ignored() {
        assert_clean("```md\n![](x.png)\n![image](y.png)\n<img src=\"z.png\">\n```\n");
        assert_clean("    ![](x.png)\n    <img src=\"z.png\">\n");
        assert_clean("Write `![](x.png)` or `<img src=x>` for that.\n");
        assert_clean("~~~\n# Title\n[here](x)\n~~~\n");
    }

    #[test]
    fn code_block_in_a_list_is_ignored() {
        assert_clean("- step\n\n  ```\n  ![](x.png)\n  ```\n");
    }

    #[test]
    fn nested_image_alt_is_checked_separately() {
        // The outer alt is "a b d", the inner "b": both are fine.
        assert_clean("![a ![b](c) `d`](e)\n");
        let text = "![outer ![](inner.png)](x.png)\n";
        assert_eq!(found(text), vec![("a11y/img-alt-missing", 8)]);
    }

    // --- raw HTML images -----------------------------------------------------------------

    #[test]
    fn raw_img_without_alt_is_flagged() {
        assert_eq!(
            found("<img src=\"x.png\">\n"),
            vec![("a11y/img-alt-missing", 0)]
        );
        assert_eq!(
            found("Look: <img src=\"x.png\"> there.\n"),
            vec![("a11y/img-alt-missing", 6)]
        );
        assert_eq!(
            found("<IMG SRC=x.png>\n"),
            vec![("a11y/img-alt-missing", 0)]
        );
    }

    #[test]
    fn raw_img_with_empty_alt_is_decoration() {
        assert_clean("<img src=\"divider.png\" alt=\"\">\n");
        assert_clean("Text <img src='divider.png' alt=''> text.\n");
        assert_clean("<img src=\"divider.png\" alt>\n");
    }

    #[test]
    fn raw_img_with_good_alt_is_fine() {
        assert_clean("<img src=\"x.png\" alt=\"Map of the route from the station\">\n");
        assert_clean("<img alt=Logo-of-the-club src=x.png>\n");
        assert_clean("<img\n  src=\"x.png\"\n  alt=\"Map of the route\"\n>\n");
    }

    #[test]
    fn raw_img_alt_is_checked_for_content() {
        assert_eq!(
            found("<img src=\"x.png\" alt=\"image\">\n"),
            vec![("a11y/img-alt-unhelpful", 0)]
        );
        assert_eq!(
            found("<p><img src=\"x.png\" alt=\"IMG_2231.jpg\"></p>\n"),
            vec![("a11y/img-alt-unhelpful", 3)]
        );
        let long = "word ".repeat(40);
        assert_eq!(
            found(&format!("<img src=\"x.png\" alt=\"{long}\">\n")),
            vec![("a11y/img-alt-long", 0)]
        );
    }

    #[test]
    fn alt_lookalikes_do_not_count_as_alt() {
        assert_eq!(
            rules("<img src=\"x.png\" data-alt=\"A cat\">\n"),
            vec!["a11y/img-alt-missing"]
        );
        assert_eq!(
            rules("<img src=\"x.png\" title=\"alt=nice\">\n"),
            vec!["a11y/img-alt-missing"]
        );
        // `>` inside a quoted value does not end the tag.
        assert_clean("<img src=\"x.png\" title=\"a > b\" alt=\"Arrow from a to b\">\n");
    }

    #[test]
    fn raw_img_in_html_comment_is_ignored() {
        assert_clean("<!-- <img src=\"old.png\"> -->\n");
        assert_clean("Text <!-- <img src=\"old.png\"> --> text.\n");
        assert_clean("<!--\nold:\n<img src=\"old.png\">\n-->\n");
    }

    #[test]
    fn other_tags_starting_with_img_are_not_images() {
        assert_clean("<imgx src=\"x.png\">\n");
        assert_clean("<image-card src=\"x.png\"></image-card>\n");
    }

    #[test]
    fn raw_imgs_in_a_multi_line_block_get_their_own_offsets() {
        let text = "<div>\n<img src=\"a.png\" alt=\"A\">\n<img src=\"b.png\">\n</div>\n";
        let at = text.find("<img src=\"b.png\"").unwrap();
        assert_eq!(found(text), vec![("a11y/img-alt-missing", at)]);
    }

    #[test]
    fn raw_img_in_a_blockquote_html_block_maps_past_the_markers() {
        let text = "> <div>\n> <img src=\"x\">\n> </div>\n";
        let at = text.find("<img").unwrap();
        assert_eq!(found(text), vec![("a11y/img-alt-missing", at)]);
    }

    // --- headings --------------------------------------------------------------------------

    #[test]
    fn headings_in_order_are_fine() {
        assert_clean("## One\n\n### One.a\n\n#### Deep\n\n## Two\n\n### Two.a\n");
        assert_clean("## Only\n");
        // Going back up any number of levels is fine.
        assert_clean("## A\n\n### B\n\n#### C\n\n##### D\n\n## E\n");
    }

    #[test]
    fn h2_to_h4_is_flagged_at_the_hash() {
        let text = "## Two\n\nText.\n\n#### Four\n";
        assert_eq!(found(text), vec![("a11y/heading-skip", 15)]);
        let f = &run(text)[0];
        assert!(
            f.message.contains("level 2") && f.message.contains("level 4"),
            "{}",
            f.message
        );
        assert!(f.fix.contains("`###`"), "{}", f.fix);
    }

    #[test]
    fn first_heading_at_h3_skips_the_title_level() {
        assert_eq!(
            found("Intro.\n\n### Three\n"),
            vec![("a11y/heading-skip", 8)]
        );
    }

    #[test]
    fn level_after_a_skip_counts_from_the_skipped_heading() {
        // h2 → h4 flagged once; h4 → h5 is then a normal step.
        let text = "## A\n\n#### B\n\n##### C\n";
        assert_eq!(found(text), vec![("a11y/heading-skip", 6)]);
    }

    #[test]
    fn every_skip_is_reported() {
        let text = "### A\n\n## B\n\n###### C\n";
        assert_eq!(
            found(text),
            vec![("a11y/heading-skip", 0), ("a11y/heading-skip", 13)]
        );
    }

    #[test]
    fn h1_in_the_body_is_flagged() {
        assert_eq!(
            found("# Title again\n\n## Section\n"),
            vec![("a11y/heading-h1", 0)]
        );
        assert_eq!(found("Text.\n\n# Mid-page\n"), vec![("a11y/heading-h1", 7)]);
        // Setext level-1 too, at the start of its text.
        assert_eq!(found("Big\n===\n"), vec![("a11y/heading-h1", 0)]);
    }

    #[test]
    fn after_an_h1_the_next_level_is_h2() {
        let text = "# One\n\n### Three\n";
        assert_eq!(
            found(text),
            vec![("a11y/heading-h1", 0), ("a11y/heading-skip", 7)]
        );
    }

    #[test]
    fn setext_h2_is_a_normal_heading() {
        assert_clean("Section\n-------\n\n### Sub\n");
    }

    #[test]
    fn heading_jump_inside_a_blockquote_is_flagged() {
        let text = "## Notes\n\n> #### Quoted\n";
        assert_eq!(found(text), vec![("a11y/heading-skip", 12)]);
    }

    #[test]
    fn heading_inside_a_list_counts_in_document_order() {
        let text = "- item\n\n  #### Deep\n";
        assert_eq!(found(text), vec![("a11y/heading-skip", 10)]);
        assert_clean("## A\n\n- item\n\n  ### B\n");
    }

    #[test]
    fn heading_with_attributes_is_checked() {
        let text = "## A {#a}\n\n#### B {#b .x}\n";
        assert_eq!(found(text), vec![("a11y/heading-skip", 11)]);
    }

    #[test]
    fn headings_in_code_blocks_are_ignored() {
        assert_clean("```sh\n# a comment\n#### not a heading\n```\n\n## Real\n");
    }

    #[test]
    fn heading_level_in_code_does_not_change_the_previous_level() {
        // The `#` inside the fence is not a heading, so h2 → h3 stays fine.
        assert_clean("## A\n\n```\n# x\n```\n\n### B\n");
    }

    // --- links -----------------------------------------------------------------------------

    #[test]
    fn descriptive_links_are_fine() {
        assert_clean("Read [our 2024 budget](budget.md).\n");
        assert_clean("Read [here's our plan](plan.md).\n");
        assert_clean("See [more about the project](about.md) and [the link checker](lc.md).\n");
        assert_clean("Mail <team@example.org>.\n");
    }

    #[test]
    fn vague_link_texts_are_flagged() {
        for text in [
            "click here",
            "Click Here!",
            "here",
            "HERE",
            "read more",
            "Read more…",
            "Read more →",
            "more",
            "more...",
            "this link",
            "link",
            "this",
            "this page",
            "go",
            "Find out more.",
            " here ",
            "*here*",
            "`here`",
        ] {
            let md = format!("For details [{text}](x.md).\n");
            assert_eq!(
                found(&md),
                vec![("a11y/link-text", 12)],
                "link text {text:?}"
            );
        }
    }

    #[test]
    fn vague_link_text_message_quotes_the_text() {
        let f = &run("[Click here](x)\n")[0];
        assert!(f.message.contains("\"Click here\""), "{}", f.message);
    }

    #[test]
    fn bare_url_link_text_is_flagged() {
        for md in [
            "[https://example.org/a/b](https://example.org/a/b)\n",
            "[http://example.org](http://example.org)\n",
            "[www.example.org](https://www.example.org)\n",
            "[HTTPS://EXAMPLE.ORG](https://example.org)\n",
        ] {
            assert_eq!(found(md), vec![("a11y/link-text", 0)], "{md:?}");
        }
    }

    #[test]
    fn autolinks_are_bare_urls() {
        let text = "See <https://example.org/report>.\n";
        assert_eq!(found(text), vec![("a11y/link-text", 4)]);
        assert!(run(text)[0].message.contains("bare URL"));
    }

    #[test]
    fn link_text_mentioning_a_url_is_fine() {
        assert_clean("[The report on example.org](https://example.org)\n");
        assert_clean("[Wwwhat's new](news.md)\n");
    }

    #[test]
    fn empty_links_are_flagged() {
        assert_eq!(found("Go [](x.md) now.\n"), vec![("a11y/link-empty", 3)]);
        assert_eq!(found("[ ](x.md)\n"), vec![("a11y/link-empty", 0)]);
    }

    #[test]
    fn image_link_reads_its_alt() {
        assert_clean("[![Hub home page](logo.png)](/)\n");
        assert_clean("[<img src=\"logo.png\" alt=\"Hub home page\">](/)\n");
    }

    #[test]
    fn image_link_without_alt_is_empty_and_missing_alt() {
        let text = "[![](logo.png)](/)\n";
        assert_eq!(
            found(text),
            vec![("a11y/link-empty", 0), ("a11y/img-alt-missing", 1)]
        );
        let text = "[<img src=\"logo.png\" alt=\"\">](/)\n";
        assert_eq!(found(text), vec![("a11y/link-empty", 0)]);
    }

    #[test]
    fn image_link_whose_alt_is_vague_is_flagged_as_link_text() {
        let text = "[![here](arrow.png)](next.md)\n";
        assert_eq!(found(text), vec![("a11y/link-text", 0)]);
    }

    #[test]
    fn reference_links_are_checked() {
        let text = "Details [here][d].\n\n[d]: https://example.org\n";
        assert_eq!(found(text), vec![("a11y/link-text", 8)]);
        let text = "Details [here].\n\n[here]: https://example.org\n";
        assert_eq!(found(text), vec![("a11y/link-text", 8)]);
    }

    #[test]
    fn links_in_code_are_ignored() {
        assert_clean("```\n[here](x)\n<https://example.org>\n```\n");
        assert_clean("Type `[here](x)` to link.\n");
    }

    #[test]
    fn link_text_over_a_line_break_is_joined() {
        assert_eq!(found("[read\nmore](x)\n"), vec![("a11y/link-text", 0)]);
        assert_clean("[read the\nfull report](x)\n");
    }

    // --- tables ----------------------------------------------------------------------------

    #[test]
    fn table_with_headers_is_fine() {
        assert_clean("| Name | Role |\n|------|------|\n| Ana  | Chair |\n");
        // One header is enough for this rule.
        assert_clean("| | Role |\n|---|---|\n| Ana | Chair |\n");
        assert_clean("| `code` | |\n|---|---|\n| a | b |\n");
    }

    #[test]
    fn table_with_empty_header_row_is_flagged_at_its_start() {
        let text = "Intro.\n\n| | |\n|---|---|\n| a | b |\n";
        assert_eq!(found(text), vec![("a11y/table-header", 8)]);
    }

    #[test]
    fn empty_body_cells_do_not_matter() {
        assert_clean("| A | B |\n|---|---|\n| | |\n");
    }

    #[test]
    fn header_with_only_an_image_counts_as_a_header() {
        let text = "| ![Logo of the club](l.png) | |\n|---|---|\n| a | b |\n";
        assert_clean(text);
    }

    #[test]
    fn header_with_only_an_alt_less_image_is_flagged_twice() {
        let text = "| ![](l.png) | |\n|---|---|\n| a | b |\n";
        assert_eq!(
            found(text),
            vec![("a11y/table-header", 0), ("a11y/img-alt-missing", 2)]
        );
    }

    #[test]
    fn two_tables_are_judged_separately() {
        let text = "| A |\n|---|\n| 1 |\n\n| |\n|---|\n| 2 |\n";
        let at = text.find("| |").unwrap();
        assert_eq!(found(text), vec![("a11y/table-header", at)]);
    }

    // --- offsets and the whole page ----------------------------------------------------------

    #[test]
    fn offsets_include_the_front_matter() {
        let front = "+++\ntitle = \"X\"\n+++\n";
        let body = "Text.\n\n![](x.png)\n\n#### Deep\n\n[here](y)\n\n<img src=\"z\">\n";
        let text = format!("{front}{body}");
        let findings = run_with(&text, front.len());
        let got: Vec<(&str, usize)> = findings.iter().map(|f| (f.rule, f.offset)).collect();
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            got,
            vec![
                ("a11y/img-alt-missing", at("![](x.png)")),
                ("a11y/heading-skip", at("#### Deep")),
                ("a11y/link-text", at("[here]")),
                ("a11y/img-alt-missing", at("<img")),
            ]
        );
        for f in &findings {
            assert!(f.offset >= front.len());
        }
    }

    #[test]
    fn front_matter_is_not_parsed_as_markdown() {
        // A `#` line or image in the front matter is not in the body.
        let front = "---\n# title: x\nimage: ![](x.png)\n---\n";
        let text = format!("{front}## Fine\n");
        assert!(run_with(&text, front.len()).is_empty());
    }

    #[test]
    fn findings_come_back_sorted_by_offset() {
        let text = "[![](a.png)](x) and ![](b.png)\n\n#### D\n";
        let offsets: Vec<usize> = run(text).iter().map(|f| f.offset).collect();
        let mut sorted = offsets.clone();
        sorted.sort();
        assert_eq!(offsets, sorted);
        assert_eq!(offsets.len(), 4);
    }

    #[test]
    fn empty_and_plain_pages_are_clean() {
        assert_clean("");
        assert_clean("Just a paragraph with **bold** and a [good link](x.md).\n");
        assert_clean("- [x] done\n- [ ] todo\n\nA footnote.[^1]\n\n[^1]: The note.\n");
    }

    #[test]
    fn hub_allow_comments_are_left_to_the_caller() {
        // The comment itself is no finding; silencing the next line is `check`'s job.
        let text = "<!-- hub:allow a11y -->\n<img src=\"x.png\">\n";
        assert_eq!(found(text), vec![("a11y/img-alt-missing", 24)]);
    }

    #[test]
    fn alt_logo_alone_is_not_flagged() {
        // Not in the list: "Logo" beside a site name usually stands in for the name.
        assert_clean("![Logo](logo.png)\n");
    }

    #[test]
    fn camera_prefix_with_words_is_not_a_file_name() {
        assert_clean("![Photo 2024 of the team at the lake](x.png)\n");
        assert_clean("![IMG 1234 is the museum's catalogue number for this vase](x.png)\n");
    }
}
