//! The platform radar: every roadmap platform of a section grouped by status, drawn at build
//! time as inline SVG (no JavaScript). Templates get it from `roadmap_radar(path=...)`, with
//! the same groups as data for the list of links that is its text equivalent.
//!
//! The picture is four bands stacked from Adopt (the inner ring of a radar) to Hold, each
//! platform a chip in its band. Bands, not rings: a circle wide enough for its labels would
//! shrink them below reading size on a 320 px phone, while a stack of bands 288 units wide is
//! drawn at full size there (the default theme's stylesheet lets it grow a little on wider
//! screens). Each status has its own marker shape and its name is written on its band, so
//! the status never rests on colour alone.

use serde::Serialize;

use crate::content::RoadmapStatus;
use crate::site::{SectionId, Site};

/// Width of the picture in SVG units: the column of text at 320 px, so one unit is one pixel
/// on the smallest screen the theme supports.
const WIDTH: f64 = 288.0;
/// Size of every text in SVG units: at least the theme's body text on a phone (17 px), even
/// if a scroll bar narrows the column.
const FONT: f64 = 18.0;
/// How wide a character may be, as a share of the font size. Text cannot be measured at build
/// time; this errs wide (a sans-serif averages about 0.5), so a chip is never too narrow.
const CHAR_WIDTH: f64 = 0.62;
const LINE: f64 = 22.0;
const BAND_PAD: f64 = 10.0;
const BAND_TITLE: f64 = 30.0;
const CHIP_PAD_Y: f64 = 7.0;
/// From a chip's left edge to its text: padding, marker, gap.
const CHIP_TEXT_X: f64 = 28.0;
const CHIP_PAD_RIGHT: f64 = 10.0;
const GAP: f64 = 8.0;

/// One platform as the radar shows it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct RadarPlatform {
    pub(super) name: String,
    pub(super) permalink: String,
}

/// The platforms of one status (or of none, `status` empty, for pages without a valid one).
#[derive(Debug, Clone, Serialize)]
pub(super) struct RadarGroup {
    /// `adopt`, `trial`, `assess`, `hold`, or "" for platforms whose status is not set.
    pub(super) status: &'static str,
    /// `Adopt` ... `Hold`, or `Not set`.
    pub(super) label: &'static str,
    pub(super) platforms: Vec<RadarPlatform>,
}

/// What `roadmap_radar` gives templates.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Radar {
    /// The picture, an `<svg>` element (print with `| safe`); empty when there are no platforms.
    pub(super) svg: String,
    /// The four statuses in radar order, each with its platforms (maybe none), then "Not set"
    /// when some platform has no status.
    pub(super) groups: Vec<RadarGroup>,
    /// How many platforms there are.
    pub(super) count: usize,
}

/// The radar of the platforms (pages with `extra.platform`) of section `id`, in its order.
pub(super) fn section_radar(site: &Site, id: SectionId) -> Radar {
    let mut groups: Vec<(Option<RoadmapStatus>, Vec<RadarPlatform>)> = RoadmapStatus::ALL
        .into_iter()
        .map(|status| (Some(status), Vec::new()))
        .collect();
    let mut unset = Vec::new();
    let mut count = 0;
    for &page_id in &site.sections[id].pages {
        let page = &site.pages[page_id];
        let extra = &page.source.extra;
        let Some(name) = extra.get("platform").and_then(|v| v.as_str()) else {
            continue;
        };
        count += 1;
        let platform = RadarPlatform {
            name: name.to_string(),
            permalink: page.permalink.clone(),
        };
        match extra
            .get("status")
            .and_then(|v| v.as_str())
            .and_then(RoadmapStatus::parse)
        {
            Some(status) => groups[status as usize].1.push(platform),
            None => unset.push(platform),
        }
    }
    if !unset.is_empty() {
        groups.push((None, unset));
    }
    let svg = if count == 0 {
        String::new()
    } else {
        draw(&groups, count)
    };
    Radar {
        svg,
        groups: groups
            .into_iter()
            .map(|(status, platforms)| RadarGroup {
                status: status.map_or("", RoadmapStatus::as_str),
                label: status.map_or("Not set", RoadmapStatus::label),
                platforms,
            })
            .collect(),
        count,
    }
}

/// Colours of a band: its background, and the text, marker and chip border on it. The pairs
/// are the default theme's status badges (each 6:1 or more).
fn colours(status: Option<RoadmapStatus>) -> (&'static str, &'static str) {
    match status {
        Some(RoadmapStatus::Adopt) => ("#cce2d8", "#005a30"),
        Some(RoadmapStatus::Trial) => ("#bbd4ea", "#0c2d4a"),
        Some(RoadmapStatus::Assess) => ("#fff7bf", "#594d00"),
        Some(RoadmapStatus::Hold) => ("#f4cdc6", "#2a0b06"),
        None => ("#f3f6f9", "#0b0c0c"),
    }
}

/// A marker centred on (x, y): a circle for Adopt, a diamond for Trial, a triangle for Assess,
/// a square for Hold, a ring for no status.
fn marker(status: Option<RoadmapStatus>, x: f64, y: f64, colour: &str) -> String {
    let r = 6.0;
    match status {
        Some(RoadmapStatus::Adopt) => {
            format!(r#"<circle cx="{x}" cy="{y}" r="{r}" fill="{colour}"/>"#)
        }
        Some(RoadmapStatus::Trial) => format!(
            r#"<path d="M{x} {} L{} {y} L{x} {} L{} {y} Z" fill="{colour}"/>"#,
            y - r - 1.0,
            x + r + 1.0,
            y + r + 1.0,
            x - r - 1.0
        ),
        Some(RoadmapStatus::Assess) => format!(
            r#"<path d="M{x} {} L{} {} L{} {} Z" fill="{colour}"/>"#,
            y - r,
            x + r + 1.0,
            y + r,
            x - r - 1.0,
            y + r
        ),
        Some(RoadmapStatus::Hold) => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"/>"#,
            x - r + 0.5,
            y - r + 0.5,
            2.0 * r - 1.0,
            2.0 * r - 1.0
        ),
        None => format!(
            r#"<circle cx="{x}" cy="{y}" r="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            r - 1.0
        ),
    }
}

/// Splits `text` into lines of at most `max` characters, at spaces where it can.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > max {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            let cut: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(cut);
        }
        let fits = current.is_empty() || current.chars().count() + 1 + word.chars().count() <= max;
        if !fits {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// A chip laid out: its lines, width and height.
struct Chip {
    lines: Vec<String>,
    width: f64,
    height: f64,
}

fn chip(name: &str) -> Chip {
    let inner = WIDTH - 2.0 * BAND_PAD;
    let max_chars = ((inner - CHIP_TEXT_X - CHIP_PAD_RIGHT) / (FONT * CHAR_WIDTH)).floor() as usize;
    let lines = wrap(name, max_chars.max(1));
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let width = (CHIP_TEXT_X + longest as f64 * FONT * CHAR_WIDTH + CHIP_PAD_RIGHT).min(inner);
    let height = lines.len() as f64 * LINE + 2.0 * CHIP_PAD_Y;
    Chip {
        lines,
        width,
        height,
    }
}

/// The whole picture.
fn draw(groups: &[(Option<RoadmapStatus>, Vec<RadarPlatform>)], count: usize) -> String {
    let mut body = String::new();
    let mut y = 0.0;
    for (status, platforms) in groups {
        let (background, ink) = colours(*status);
        let label = status.map_or("Not set", RoadmapStatus::label);
        let class = status.map_or("unset", RoadmapStatus::as_str);
        // Chips flow left to right and wrap, like words.
        let mut placed = Vec::new();
        let (mut x, mut row_y, mut row_height) = (BAND_PAD, y + BAND_TITLE + BAND_PAD, 0.0_f64);
        for chip in platforms.iter().map(|p| chip(&p.name)) {
            if x > BAND_PAD && x + chip.width > WIDTH - BAND_PAD {
                x = BAND_PAD;
                row_y += row_height + GAP;
                row_height = 0.0;
            }
            row_height = row_height.max(chip.height);
            let width = chip.width;
            placed.push((x, row_y, chip));
            x += width + GAP;
        }
        let chips_height = if placed.is_empty() {
            LINE
        } else {
            row_y + row_height - (y + BAND_TITLE + BAND_PAD)
        };
        let band_height = BAND_TITLE + BAND_PAD + chips_height + BAND_PAD;
        body.push_str(&format!(
            r#"<g class="radar-band radar-{class}"><rect x="0" y="{y}" width="{WIDTH}" height="{band_height}" rx="4" fill="{background}"/>"#
        ));
        body.push_str(&marker(*status, BAND_PAD + 8.0, y + 19.0, ink));
        let n = platforms.len();
        let count_words = if n == 1 {
            "1 platform".to_string()
        } else {
            format!("{n} platforms")
        };
        body.push_str(&format!(
            r#"<text x="{}" y="{}" fill="{ink}" font-weight="700">{label}<tspan font-weight="400"> · {count_words}</tspan></text>"#,
            BAND_PAD + 22.0,
            y + 25.0
        ));
        if placed.is_empty() {
            body.push_str(&format!(
                r#"<text x="{BAND_PAD}" y="{}" fill="{ink}">None at present</text>"#,
                y + BAND_TITLE + BAND_PAD + 16.0
            ));
        }
        for (cx, cy, chip) in &placed {
            body.push_str(&format!(
                r##"<g class="radar-chip"><rect x="{cx}" y="{cy}" width="{}" height="{}" rx="4" fill="#ffffff" stroke="{ink}" stroke-width="1.5"/>"##,
                chip.width, chip.height
            ));
            body.push_str(&marker(*status, cx + 14.0, cy + CHIP_PAD_Y + 11.0, ink));
            body.push_str(&format!(
                r##"<text x="{}" fill="#0b0c0c">"##,
                cx + CHIP_TEXT_X
            ));
            for (i, line) in chip.lines.iter().enumerate() {
                body.push_str(&format!(
                    r#"<tspan x="{}" y="{}">{}</tspan>"#,
                    cx + CHIP_TEXT_X,
                    cy + CHIP_PAD_Y + 16.0 + i as f64 * LINE,
                    escape(line)
                ));
            }
            body.push_str("</text></g>");
        }
        body.push_str("</g>");
        y += band_height + GAP;
    }
    let height = (y - GAP).max(0.0);
    let platforms = if count == 1 {
        "1 platform".to_string()
    } else {
        format!("{count} platforms")
    };
    format!(
        r#"<svg class="radar-picture" role="img" aria-labelledby="roadmap-radar-title roadmap-radar-desc" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-size="{FONT}"><title id="roadmap-radar-title">Platform radar: {platforms} by status</title><desc id="roadmap-radar-desc">The platforms in four bands, from Adopt (we use it with confidence) to Hold (we keep what we have but do not grow it). The same list follows as text, with links.</desc>{body}</svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(
            wrap("Bluesky and Mastodon", 12),
            ["Bluesky and", "Mastodon"]
        );
        assert_eq!(
            wrap("Supercalifragilistic", 8),
            ["Supercal", "ifragili", "stic"]
        );
        assert_eq!(wrap("X", 8), ["X"]);
    }

    #[test]
    fn a_chip_is_never_wider_than_its_band() {
        let chip = chip("A platform with a very long name indeed, longer than any band");
        assert!(chip.width <= WIDTH - 2.0 * BAND_PAD);
        assert!(chip.lines.len() > 1);
    }
}
