//! The bundled font (Noto Sans Bold, cut down to Latin, Greek and Cyrillic: see
//! `font/README.md`), shaping with rustybuzz, and the glyph atlas: every glyph is filled once
//! per size into a coverage mask, which cards then copy. Filling outlines is what costs; a
//! site's cards share a few hundred glyphs, so after the first cards drawing is copying.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Direction, Face, Script, ShapePlan, UnicodeBuffer};

/// The font file, compiled in.
pub(super) const FONT_FILE: &[u8] = include_bytes!("font/NotoSans-Bold-subset.ttf");

/// How many steps of coverage a glyph's mask has, besides none: the cards' palette has a
/// colour for each step between the background and the text (see `draw`).
pub(super) const COVERAGE_LEVELS: u8 = 14;

/// A glyph as the shaper placed it, in font units from the start of its word.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlacedGlyph {
    pub(super) id: u16,
    pub(super) x: i32,
    pub(super) y: i32,
}

/// A word shaped: its glyphs and its advance, in font units.
#[derive(Debug, Clone, Default)]
pub(super) struct ShapedWord {
    pub(super) glyphs: Vec<PlacedGlyph>,
    pub(super) width: i32,
}

/// A glyph filled at one size: coverage levels (0 to [`COVERAGE_LEVELS`]) a row at a time,
/// placed relative to the pen (left) and the baseline (top, downwards).
#[derive(Debug)]
pub(super) struct GlyphMask {
    pub(super) left: i32,
    pub(super) top: i32,
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) levels: Vec<u8>,
}

/// A shaping plan and the direction and script it is for.
type PlanFor = (Direction, Option<Script>, Arc<ShapePlan>);

/// The font, ready to shape and draw; one for the whole program.
pub(super) struct CardFont {
    face: Face<'static>,
    /// Shaping plans by script: making one is slow, and titles use few scripts.
    plans: RwLock<Vec<PlanFor>>,
    /// Masks by glyph and pixel size.
    atlas: RwLock<HashMap<(u16, u16), Arc<GlyphMask>>>,
    ellipsis: OnceLock<ShapedWord>,
}

impl CardFont {
    /// The bundled font, parsed once.
    pub(super) fn get() -> &'static CardFont {
        static FONT: OnceLock<CardFont> = OnceLock::new();
        FONT.get_or_init(|| CardFont {
            face: Face::from_slice(FONT_FILE, 0)
                .expect("the bundled font is a valid TrueType file (checked by a unit test)"),
            plans: RwLock::new(Vec::new()),
            atlas: RwLock::new(HashMap::new()),
            ellipsis: OnceLock::new(),
        })
    }

    pub(super) fn units_per_em(&self) -> i32 {
        self.face.units_per_em()
    }

    /// Shapes one word (no spaces in it). Characters the font lacks are left out and
    /// returned, so that the card draws the rest and the caller can warn.
    pub(super) fn shape_word(&self, word: &str, missing: &mut Vec<char>) -> ShapedWord {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(word);
        buffer.guess_segment_properties();
        let plan = self.plan(buffer.direction(), buffer.script());
        let shaped = rustybuzz::shape_with_plan(&self.face, &plan, buffer);
        let mut out = ShapedWord::default();
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            if info.glyph_id == 0 {
                let ch = word
                    .get(info.cluster as usize..)
                    .and_then(|rest| rest.chars().next());
                if let Some(ch) = ch.filter(|ch| !missing.contains(ch)) {
                    missing.push(ch);
                }
                continue;
            }
            out.glyphs.push(PlacedGlyph {
                // Glyph ids of this font fit in 16 bits (a TrueType limit).
                id: info.glyph_id as u16,
                x: out.width + pos.x_offset,
                y: pos.y_offset,
            });
            out.width += pos.x_advance;
        }
        out
    }

    /// The characters of `text` the font has no glyph for, each once, in order.
    pub(super) fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for ch in text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
        {
            if self.face.glyph_index(ch).is_none() && !missing.contains(&ch) {
                missing.push(ch);
            }
        }
        missing
    }

    /// "…", shaped once.
    pub(super) fn ellipsis(&self) -> &ShapedWord {
        self.ellipsis
            .get_or_init(|| self.shape_word("…", &mut Vec::new()))
    }

    /// The advance of a space, in font units.
    pub(super) fn space_width(&self) -> i32 {
        self.face
            .glyph_index(' ')
            .and_then(|id| self.face.glyph_hor_advance(id))
            .map_or(self.units_per_em() / 4, i32::from)
    }

    fn plan(&self, direction: Direction, script: Script) -> Arc<ShapePlan> {
        let script = Some(script);
        let found = |plans: &[PlanFor]| {
            plans
                .iter()
                .find(|(d, s, _)| *d == direction && *s == script)
                .map(|(_, _, plan)| Arc::clone(plan))
        };
        if let Some(plan) = found(&self.plans.read().unwrap_or_else(|e| e.into_inner())) {
            return plan;
        }
        let plan = Arc::new(ShapePlan::new(&self.face, direction, script, None, &[]));
        let mut plans = self.plans.write().unwrap_or_else(|e| e.into_inner());
        if let Some(plan) = found(&plans) {
            return plan;
        }
        plans.push((direction, script, Arc::clone(&plan)));
        plan
    }

    /// The glyph's mask at `size` pixels per em, filled the first time it is asked for.
    pub(super) fn mask(&self, glyph: u16, size: u16) -> Arc<GlyphMask> {
        let key = (glyph, size);
        if let Some(mask) = self
            .atlas
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Arc::clone(mask);
        }
        let mask = Arc::new(self.fill(glyph, size));
        self.atlas
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_insert(mask)
            .clone()
    }

    /// Fills the glyph's outline with tiny-skia (anti-aliased), then turns coverage into
    /// the palette's levels.
    fn fill(&self, glyph: u16, size: u16) -> GlyphMask {
        let empty = GlyphMask {
            left: 0,
            top: 0,
            width: 0,
            height: 0,
            levels: Vec::new(),
        };
        let mut outline = PathOutline(tiny_skia::PathBuilder::new());
        let Some(bounds) = self.face.outline_glyph(GlyphId(glyph), &mut outline) else {
            return empty; // a space, or a glyph with no outline
        };
        let Some(path) = outline.0.finish() else {
            return empty;
        };
        let scale = f32::from(size) / self.units_per_em() as f32;
        // One pixel of room on each side for the anti-aliased edge.
        let left = (f32::from(bounds.x_min) * scale).floor() as i32 - 1;
        let right = (f32::from(bounds.x_max) * scale).ceil() as i32 + 1;
        let top = -(f32::from(bounds.y_max) * scale).ceil() as i32 - 1;
        let bottom = -(f32::from(bounds.y_min) * scale).floor() as i32 + 1;
        let (width, height) = ((right - left) as u32, (bottom - top) as u32);
        let Some(mut mask) = tiny_skia::Mask::new(width, height) else {
            return empty;
        };
        // Font units grow upwards; the mask's rows go down. The origin (pen, baseline) lands
        // at (-left, -top) in the mask.
        let transform =
            tiny_skia::Transform::from_row(scale, 0.0, 0.0, -scale, -left as f32, -top as f32);
        mask.fill_path(&path, tiny_skia::FillRule::Winding, true, transform);
        let levels = mask.data().iter().map(|&c| coverage_level(c)).collect();
        GlyphMask {
            left,
            top,
            width: width as usize,
            height: height as usize,
            levels,
        }
    }
}

/// Coverage 0–255 → the nearest of the palette's levels.
pub(super) fn coverage_level(coverage: u8) -> u8 {
    ((u16::from(coverage) * u16::from(COVERAGE_LEVELS) + 127) / 255) as u8
}

/// Glyph outlines from ttf-parser, as a tiny-skia path (in font units).
struct PathOutline(tiny_skia::PathBuilder);

impl OutlineBuilder for PathOutline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_covers_welsh_greek_and_cyrillic() {
        let font = CardFont::get();
        let mut missing = Vec::new();
        for word in [
            "Croeso",
            "ŵyr",
            "ŷd",
            "â",
            "ẅ",
            "Ελλάδα",
            "Привет",
            "“quoted”…",
        ] {
            let shaped = font.shape_word(word, &mut missing);
            assert!(shaped.width > 0, "{word}");
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn characters_the_font_lacks_are_reported_once_and_left_out() {
        let font = CardFont::get();
        let mut missing = Vec::new();
        let shaped = font.shape_word("a日本日", &mut missing);
        assert_eq!(missing, ['日', '本']);
        assert_eq!(shaped.glyphs.len(), 1);
    }

    #[test]
    fn a_glyph_mask_has_ink_within_its_box() {
        let font = CardFont::get();
        let mut missing = Vec::new();
        let word = font.shape_word("H", &mut missing);
        let mask = font.mask(word.glyphs[0].id, 64);
        assert!(mask.levels.contains(&COVERAGE_LEVELS), "a solid stem");
        assert_eq!(mask.levels.len(), mask.width * mask.height);
        // An H at 64 px stands about 46 px tall above the baseline.
        assert!((40..60).contains(&-mask.top), "top {}", mask.top);
    }

    #[test]
    fn coverage_maps_onto_the_levels() {
        assert_eq!(coverage_level(0), 0);
        assert_eq!(coverage_level(255), COVERAGE_LEVELS);
        assert_eq!(coverage_level(128), COVERAGE_LEVELS / 2);
    }
}
