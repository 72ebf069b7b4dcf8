//! Drawing a card: 1200×630, in 16 colours (the background, 13 steps towards the text
//! colour, the text colour, the accent). The top of the card (site name, section label, a
//! short accent rule) is the same for every card of a section: it is drawn and compressed
//! once, as a [`Backdrop`]. Each card then draws only its title into the band below, from
//! the glyph atlas, and compresses that band (see `encode`).
//!
//! Layout, top to bottom: an accent bar along the top edge, the site's name, the section's
//! name (a little dimmer), a short accent rule, and the title (left-aligned, on the bottom
//! line of its area, as large as fits).

use super::font::{CardFont, ShapedWord, COVERAGE_LEVELS};
use super::layout::{self, Fitted, Measures, TextBox};

pub(crate) const WIDTH: usize = 1200;
pub(crate) const HEIGHT: usize = 630;
/// Left and right margins of all text.
const MARGIN_X: i32 = 80;
const TEXT_WIDTH: i32 = WIDTH as i32 - 2 * MARGIN_X;
/// The site's name and the section's, one line each.
const SITE_NAME_BASELINE: i32 = 92;
const LABEL_BASELINE: i32 = 140;
const SMALL_TEXT_SIZES: &[u16] = &[30];
/// The short accent rule under the section's name.
const RULE: (i32, i32, i32, i32) = (MARGIN_X, 164, MARGIN_X + 120, 172);
/// Rows above this are the backdrop's; the title's band starts here.
pub(super) const BAND_TOP: usize = 180;
/// The title's area: cap tops and baselines stay inside; accents and descenders have room
/// between it and the band's edges. The title sits on the area's bottom line, so that what
/// is below it is the same in every card (`encode` counts on that: what is above it is
/// blank rows, stored ready-compressed).
const TITLE_TOP: i32 = 226;
const TITLE_HEIGHT: i32 = 334;
const TITLE_LAST_BASELINE: i32 = TITLE_TOP + TITLE_HEIGHT;
/// The accent bar along the top edge. (At the bottom it would cost every card's compressor
/// a row of new bytes; at the top it is the backdrop's, compressed once.)
const BAR: (i32, i32, i32, i32) = (0, 0, WIDTH as i32, 16);
/// Palette index of the accent colour; 0 is the background, [`COVERAGE_LEVELS`] the text.
pub(super) const ACCENT: u8 = COVERAGE_LEVELS + 1;
/// How bright the section's name is, in percent of the text colour.
const LABEL_STRENGTH: u16 = 75;

/// The title's box: sizes from 76 px down to 44, then down to 16 for one very long word.
const TITLE_BOX: TextBox = TextBox {
    width_px: TEXT_WIDTH,
    height_px: 380,
    sizes: &[76, 68, 60, 52, 44],
    min_size: 16,
    line_height_percent: 118,
};

/// A card's colours, as site.toml gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Colours {
    pub(crate) background: [u8; 3],
    pub(crate) text: [u8; 3],
    pub(crate) accent: [u8; 3],
}

impl From<&crate::config::CardsConfig> for Colours {
    fn from(cards: &crate::config::CardsConfig) -> Colours {
        Colours {
            background: cards.background.0,
            text: cards.text.0,
            accent: cards.accent.0,
        }
    }
}

impl Colours {
    /// The PNG palette: the background, the steps to the text colour, the accent.
    pub(super) fn palette(&self) -> Vec<u8> {
        let mut palette = Vec::with_capacity(3 * usize::from(ACCENT + 1));
        for level in 0..=COVERAGE_LEVELS {
            for channel in 0..3 {
                let (from, to) = (
                    u16::from(self.background[channel]),
                    u16::from(self.text[channel]),
                );
                let level = u16::from(level);
                let steps = u16::from(COVERAGE_LEVELS);
                // from + (to - from) * level / steps, rounded, without going negative.
                let mixed = (from * (steps - level) + to * level + steps / 2) / steps;
                palette.push(mixed as u8);
            }
        }
        palette.extend_from_slice(&self.accent);
        palette
    }
}

/// Palette indices, one byte a pixel, for a run of the card's rows. Kept between cards
/// (see [`Canvas::clear`]): only what was drawn is wiped.
pub(super) struct Canvas {
    /// The card's row of `pixels`' first row.
    top: i32,
    rows: usize,
    pub(super) pixels: Vec<u8>,
    /// From the first row (of the canvas) with anything drawn to the last.
    pub(super) inked: std::ops::Range<usize>,
    /// Which rows have anything drawn: the others are background.
    pub(super) row_inked: Vec<bool>,
    /// Columns with anything drawn, in all rows.
    pub(super) inked_columns: std::ops::Range<usize>,
}

impl Canvas {
    pub(super) fn new(top: usize, rows: usize) -> Canvas {
        Canvas {
            top: top as i32,
            rows,
            pixels: vec![0; WIDTH * rows],
            inked: 0..0,
            row_inked: vec![false; rows],
            inked_columns: 0..0,
        }
    }

    /// A canvas for the title's band.
    pub(super) fn for_band() -> Canvas {
        Canvas::new(BAND_TOP, HEIGHT - BAND_TOP)
    }

    /// Back to all background, wiping only the inked rectangle.
    pub(super) fn clear(&mut self) {
        let columns = self.inked_columns.clone();
        for row in self.inked.clone() {
            self.pixels[row * WIDTH + columns.start..row * WIDTH + columns.end].fill(0);
            self.row_inked[row] = false;
        }
        self.inked = 0..0;
        self.inked_columns = 0..0;
    }

    pub(super) fn row(&self, row: usize) -> &[u8] {
        &self.pixels[row * WIDTH..(row + 1) * WIDTH]
    }

    fn mark_inked(&mut self, rows: std::ops::Range<usize>, columns: std::ops::Range<usize>) {
        fn union(a: &std::ops::Range<usize>, b: std::ops::Range<usize>) -> std::ops::Range<usize> {
            if a.is_empty() {
                b
            } else {
                a.start.min(b.start)..a.end.max(b.end)
            }
        }
        self.row_inked[rows.clone()].fill(true);
        self.inked = union(&self.inked, rows);
        self.inked_columns = union(&self.inked_columns, columns);
    }

    /// Puts a glyph's mask with its origin at (x, baseline) in card pixels; where glyphs
    /// overlap the stronger coverage wins. Anything outside the canvas is clipped.
    fn blit(&mut self, mask: &super::font::GlyphMask, x: i32, baseline: i32, strength: u16) {
        let left = x + mask.left;
        let top = baseline + mask.top - self.top;
        let x0 = left.max(0);
        let x1 = (left + mask.width as i32).min(WIDTH as i32);
        let y0 = top.max(0);
        let y1 = (top + mask.height as i32).min(self.rows as i32);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (x0, x1) = (x0 as usize, x1 as usize);
        let skip = (x0 as i32 - left) as usize;
        for y in y0 as usize..y1 as usize {
            let source_row = (y as i32 - top) as usize * mask.width;
            let source = &mask.levels[source_row + skip..source_row + skip + (x1 - x0)];
            let target = &mut self.pixels[y * WIDTH + x0..y * WIDTH + x1];
            if strength >= 100 {
                for (t, &s) in target.iter_mut().zip(source) {
                    *t = (*t).max(s);
                }
            } else {
                for (t, &s) in target.iter_mut().zip(source) {
                    *t = (*t).max(((u16::from(s) * strength + 50) / 100) as u8);
                }
            }
        }
        self.mark_inked(y0 as usize..y1 as usize, x0..x1);
    }

    /// Fills a rectangle (card pixels, end exclusive) with a palette index.
    fn fill(&mut self, (x0, y0, x1, y1): (i32, i32, i32, i32), index: u8) {
        let (y0, y1) = (
            (y0 - self.top).max(0),
            (y1 - self.top).min(self.rows as i32),
        );
        let (x0, x1) = (x0.clamp(0, WIDTH as i32), x1.clamp(0, WIDTH as i32));
        for y in y0..y1 {
            let row = y as usize * WIDTH;
            self.pixels[row + x0 as usize..row + x1 as usize].fill(index);
        }
        if y0 < y1 && x0 < x1 {
            self.mark_inked(y0 as usize..y1 as usize, x0 as usize..x1 as usize);
        }
    }
}

/// A text shaped into words, ready to fit and draw.
pub(super) struct ShapedText {
    words: Vec<ShapedWord>,
    widths: Vec<i32>,
    ellipsis: ShapedWord,
}

impl ShapedText {
    /// Shapes `text` word by word: only spaces break lines, and only there. Characters the
    /// font lacks are left out (`mod.rs` warns about them).
    pub(super) fn new(font: &CardFont, text: &str) -> ShapedText {
        let mut missing = Vec::new();
        let words: Vec<ShapedWord> = text
            .split_whitespace()
            .map(|word| font.shape_word(word, &mut missing))
            .filter(|word| !word.glyphs.is_empty())
            .collect();
        let widths = words.iter().map(|w| w.width).collect();
        let ellipsis = font.ellipsis().clone();
        ShapedText {
            words,
            widths,
            ellipsis,
        }
    }

    fn measures(&self, font: &CardFont) -> Measures<'_> {
        Measures {
            words: &self.widths,
            space: font.space_width(),
            ellipsis: self.ellipsis.width,
            units_per_em: font.units_per_em(),
        }
    }

    pub(super) fn fit(&self, font: &CardFont, text_box: &TextBox) -> Fitted {
        layout::fit(text_box, &self.measures(font))
    }

    /// Draws the fitted lines, the first baseline at `first_baseline`, from `x`.
    fn draw(
        &self,
        font: &CardFont,
        canvas: &mut Canvas,
        fitted: &Fitted,
        (x, first_baseline, line_height): (i32, i32, i32),
        strength: u16,
    ) {
        let scale = |units: i32| -> i32 {
            // Rounded to the nearest pixel: glyphs sit on whole pixels (see `font`).
            (units * i32::from(fitted.size) * 2 / font.units_per_em() + 1).div_euclid(2)
        };
        let space = font.space_width();
        let draw_word = |canvas: &mut Canvas, word: &ShapedWord, pen: i32, baseline: i32| {
            for glyph in &word.glyphs {
                let mask = font.mask(glyph.id, fitted.size);
                canvas.blit(
                    &mask,
                    x + scale(pen + glyph.x),
                    baseline - scale(glyph.y),
                    strength,
                );
            }
        };
        for (n, line) in fitted.lines.iter().enumerate() {
            let baseline = first_baseline + line_height * n as i32;
            let mut pen = 0;
            for word in &self.words[line.words.clone()] {
                draw_word(canvas, word, pen, baseline);
                pen += word.width + space;
            }
            if line.ellipsis {
                // Right after the last word, without a space, as the layout measured it.
                let after = if line.words.is_empty() {
                    0
                } else {
                    pen - space
                };
                draw_word(canvas, &self.ellipsis, after, baseline);
            }
        }
    }
}

/// The title, fitted and drawn into the band (rows [`BAND_TOP`] to the bottom), which is
/// cleared first.
pub(super) fn draw_title(font: &CardFont, title: &ShapedText, canvas: &mut Canvas) {
    canvas.clear();
    let fitted = title.fit(font, &TITLE_BOX);
    let lines = fitted.lines.len() as i32;
    let line_height = TITLE_BOX.line_height(fitted.size);
    let first_baseline = TITLE_LAST_BASELINE - (lines - 1).max(0) * line_height;
    title.draw(
        font,
        canvas,
        &fitted,
        (MARGIN_X, first_baseline, line_height),
        100,
    );
}

/// The rows above the band: the accent bar, the site's name, the section's name and the
/// accent rule.
pub(super) fn draw_top(font: &CardFont, site_name: &ShapedText, label: &ShapedText) -> Canvas {
    let mut canvas = Canvas::new(0, BAND_TOP);
    let one_line = TextBox {
        width_px: TEXT_WIDTH,
        height_px: 40,
        sizes: SMALL_TEXT_SIZES,
        min_size: SMALL_TEXT_SIZES[0],
        line_height_percent: 120,
    };
    for (text, baseline, strength) in [
        (site_name, SITE_NAME_BASELINE, 100),
        (label, LABEL_BASELINE, LABEL_STRENGTH),
    ] {
        let fitted = text.fit(font, &one_line);
        text.draw(
            font,
            &mut canvas,
            &fitted,
            (MARGIN_X, baseline, 0),
            strength,
        );
    }
    canvas.fill(BAR, ACCENT);
    canvas.fill(RULE, ACCENT);
    canvas
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The default theme's colours, as a site without `[cards]` colours has them.
    pub(in crate::cards) fn default_colours() -> Colours {
        Colours::from(&crate::config::CardsConfig::default())
    }

    #[test]
    fn the_palette_runs_from_the_background_to_the_text_then_the_accent() {
        let palette = default_colours().palette();
        assert_eq!(palette.len(), 16 * 3);
        assert_eq!(&palette[..3], &default_colours().background);
        let text = usize::from(COVERAGE_LEVELS) * 3;
        assert_eq!(&palette[text..text + 3], &default_colours().text);
        assert_eq!(&palette[45..48], &default_colours().accent);
    }

    /// The leftmost and rightmost inked columns of a canvas.
    fn ink_columns(canvas: &Canvas) -> Option<(usize, usize)> {
        let columns: Vec<usize> = canvas
            .pixels
            .chunks(WIDTH)
            .flat_map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, &p)| p > 0)
                    .map(|(x, _)| x)
            })
            .collect();
        Some((*columns.iter().min()?, *columns.iter().max()?))
    }

    #[test]
    fn titles_of_any_length_stay_inside_the_margins() {
        let font = CardFont::get();
        let long_word = "Gwasanaethaucymdeithasolcynhwysfawrarlein".repeat(3);
        let many = "Follow thirty local groups and answer their questions ".repeat(20);
        let mut canvas = Canvas::for_band();
        for title in ["Hi", "Follow thirty local groups", &long_word, &many] {
            draw_title(font, &ShapedText::new(font, title), &mut canvas);
            let (left, right) = ink_columns(&canvas).expect("ink");
            assert!(left >= MARGIN_X as usize - 4, "{title}: left {left}");
            assert!(
                right < (WIDTH as i32 - MARGIN_X + 4) as usize,
                "{title}: right {right}"
            );
            assert!(
                canvas.inked.start > 0 && canvas.inked.end < canvas.rows,
                "{title}"
            );
        }
    }
}
