//! Fitting a title into the card's text box: the largest of a few sizes at which it wraps,
//! at spaces only, into the lines the box holds. Works on measured widths alone (font
//! units), so that it is tested without a font. A word is never cut: a word wider than the
//! box makes the text smaller, and a title too long even at the smallest size ends at a word
//! with "…".

/// The box and the sizes to try, largest first.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextBox {
    pub(super) width_px: i32,
    pub(super) height_px: i32,
    /// Pixel sizes (per em) to try, largest first.
    pub(super) sizes: &'static [u16],
    /// The size a single long word may shrink to below the last of `sizes`.
    pub(super) min_size: u16,
    /// Line height as a multiple of the size, in hundredths.
    pub(super) line_height_percent: i32,
}

/// Widths in font units of what is to be fitted.
#[derive(Debug, Clone, Copy)]
pub(super) struct Measures<'a> {
    pub(super) words: &'a [i32],
    pub(super) space: i32,
    pub(super) ellipsis: i32,
    pub(super) units_per_em: i32,
}

/// One line: a run of words, maybe ended by "…".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    pub(super) words: std::ops::Range<usize>,
    pub(super) ellipsis: bool,
}

/// The size chosen and the lines at that size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fitted {
    pub(super) size: u16,
    pub(super) lines: Vec<Line>,
}

impl Fitted {
    /// True when words were left out for "…".
    #[cfg(test)]
    pub(super) fn truncated(&self) -> bool {
        self.lines.last().is_some_and(|l| l.ellipsis)
    }
}

impl TextBox {
    /// How many lines fit at `size`.
    pub(super) fn max_lines(&self, size: u16) -> usize {
        let line = self.line_height(size);
        usize::try_from((self.height_px / line.max(1)).max(1)).unwrap_or(1)
    }

    /// The distance between baselines at `size`, in pixels.
    pub(super) fn line_height(&self, size: u16) -> i32 {
        i32::from(size) * self.line_height_percent / 100
    }
}

/// Fits the words into the box (see the module's comment).
pub(super) fn fit(text_box: &TextBox, m: &Measures<'_>) -> Fitted {
    let widest = m.words.iter().copied().max().unwrap_or(0);
    for &size in text_box.sizes {
        let room = room_in_units(text_box.width_px, size, m.units_per_em);
        if widest > room {
            continue;
        }
        let lines = wrap(m, room);
        if lines.len() <= text_box.max_lines(size) {
            return Fitted { size, lines };
        }
    }
    let smallest = text_box.sizes.last().copied().unwrap_or(text_box.min_size);
    // Only a word wider than the box at the smallest size shrinks the text further.
    let size = if widest > room_in_units(text_box.width_px, smallest, m.units_per_em) {
        size_for_width(text_box.width_px, widest, m.units_per_em).clamp(text_box.min_size, smallest)
    } else {
        smallest
    };
    let room = room_in_units(text_box.width_px, size, m.units_per_em);
    Fitted {
        size,
        lines: wrap_truncated(m, room, text_box.max_lines(size)),
    }
}

/// The box's width in font units at `size`.
fn room_in_units(width_px: i32, size: u16, units_per_em: i32) -> i32 {
    width_px * units_per_em / i32::from(size).max(1)
}

/// The largest pixel size at which `width` font units fit in `width_px`.
fn size_for_width(width_px: i32, width: i32, units_per_em: i32) -> u16 {
    u16::try_from(width_px * units_per_em / width.max(1)).unwrap_or(u16::MAX)
}

/// Greedy wrapping: each line takes words while they fit. A word wider than `room` gets a
/// line of its own (callers make sure there is none, or truncate).
fn wrap(m: &Measures<'_>, room: i32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut width = 0;
    for (i, &word) in m.words.iter().enumerate() {
        if i > start && width + m.space + word > room {
            lines.push(Line {
                words: start..i,
                ellipsis: false,
            });
            start = i;
            width = word;
        } else if i == start {
            width = word;
        } else {
            width += m.space + word;
        }
    }
    if start < m.words.len() {
        lines.push(Line {
            words: start..m.words.len(),
            ellipsis: false,
        });
    }
    lines
}

/// Wraps into at most `max_lines`; what does not fit (more lines, or a word wider than the
/// box) is left out and the last line ends with "…" right after a whole word.
fn wrap_truncated(m: &Measures<'_>, room: i32, max_lines: usize) -> Vec<Line> {
    // Words up to the first that cannot fit on any line.
    let placeable = m
        .words
        .iter()
        .position(|&w| w > room)
        .unwrap_or(m.words.len());
    let mut lines = wrap(
        &Measures {
            words: &m.words[..placeable],
            ..*m
        },
        room,
    );
    if lines.len() <= max_lines && placeable == m.words.len() {
        return lines;
    }
    lines.truncate(max_lines);
    let Some(last) = lines.last_mut() else {
        return vec![Line {
            words: 0..0,
            ellipsis: true,
        }];
    };
    // Drop words from the end of the last line until the ellipsis fits after it.
    while last.words.end > last.words.start && line_width(m, &last.words) + m.ellipsis > room {
        last.words.end -= 1;
    }
    last.ellipsis = true;
    lines
}

/// The width of a run of words with spaces between them, in font units.
pub(super) fn line_width(m: &Measures<'_>, words: &std::ops::Range<usize>) -> i32 {
    let count = i32::try_from(words.len()).unwrap_or(i32::MAX);
    m.words[words.clone()].iter().sum::<i32>() + m.space * (count - 1).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1000 units per em; at 100 px a 1000-unit word is 100 px wide.
    const BOX: TextBox = TextBox {
        width_px: 1000,
        height_px: 360,
        sizes: &[100, 80, 50],
        min_size: 20,
        line_height_percent: 120,
    };

    fn measures(words: &[i32]) -> Measures<'_> {
        Measures {
            words,
            space: 250,
            ellipsis: 1000,
            units_per_em: 1000,
        }
    }

    fn lines(fitted: &Fitted) -> Vec<(usize, usize, bool)> {
        fitted
            .lines
            .iter()
            .map(|l| (l.words.start, l.words.end, l.ellipsis))
            .collect()
    }

    #[test]
    fn a_short_title_takes_the_largest_size_on_one_line() {
        let fitted = fit(&BOX, &measures(&[3000, 4000]));
        assert_eq!(fitted.size, 100);
        assert_eq!(lines(&fitted), [(0, 2, false)]);
    }

    #[test]
    fn words_wrap_at_spaces_by_measured_width() {
        // At 100 px the box is 10,000 units wide: 4000 + 250 + 4000 fits, a third does not.
        let fitted = fit(&BOX, &measures(&[4000, 4000, 4000]));
        assert_eq!(fitted.size, 100);
        assert_eq!(lines(&fitted), [(0, 2, false), (2, 3, false)]);
    }

    #[test]
    fn too_many_lines_take_a_smaller_size() {
        // At 100 px three lines fit (360 / 120); seven 6000-unit words need seven.
        let words = [6000; 7];
        let fitted = fit(&BOX, &measures(&words));
        // At 80 px two words a line make four lines, one too many; at 50 three a line fit.
        assert_eq!(fitted.size, 50);
        assert_eq!(fitted.lines.len(), 3);
        assert!(!fitted.truncated());
    }

    #[test]
    fn a_word_wider_than_the_box_shrinks_the_size_and_is_never_cut() {
        // 12,000 units: too wide at 100 px (10,000 units of room), fits at 80 (12,500).
        let fitted = fit(&BOX, &measures(&[12_000]));
        assert_eq!(fitted.size, 80);
        // 40,000 units: wider than the box even at 50 px: shrinks to 25 px, whole.
        let fitted = fit(&BOX, &measures(&[1000, 40_000]));
        assert_eq!(fitted.size, 25);
        assert_eq!(lines(&fitted), [(0, 1, false), (1, 2, false)]);
    }

    #[test]
    fn a_word_too_wide_even_at_the_smallest_size_ends_the_title_with_an_ellipsis() {
        // 100,000 units need 10 px; the floor is 20 px.
        let fitted = fit(&BOX, &measures(&[1000, 100_000, 1000]));
        assert_eq!(fitted.size, 20);
        assert_eq!(lines(&fitted), [(0, 1, true)]);
        let alone = fit(&BOX, &measures(&[100_000]));
        assert_eq!(lines(&alone), [(0, 0, true)], "nothing but the ellipsis");
    }

    #[test]
    fn a_title_too_long_for_the_smallest_size_ends_at_a_word_with_an_ellipsis() {
        // At 50 px: 20,000 units a line, 6 lines; 100 words of 4000 need 25 lines.
        let words = [4000; 100];
        let m = measures(&words);
        let fitted = fit(&BOX, &m);
        assert_eq!(fitted.size, 50);
        assert_eq!(fitted.lines.len(), BOX.max_lines(50));
        assert!(fitted.truncated());
        let last = fitted.lines.last().unwrap();
        // Four words and the ellipsis do not fit (4*4000 + 3*250 + 1000 = 17,750 fits, so
        // four stay); the point: the line with its ellipsis is within the box.
        assert!(line_width(&m, &last.words) + m.ellipsis <= 20_000);
        assert!(!last.words.is_empty());
        for line in &fitted.lines {
            assert!(line_width(&m, &line.words) <= 20_000);
        }
    }

    #[test]
    fn an_empty_title_fits_with_no_lines() {
        let fitted = fit(&BOX, &measures(&[]));
        assert_eq!(fitted.size, 100);
        assert!(fitted.lines.is_empty());
    }
}
