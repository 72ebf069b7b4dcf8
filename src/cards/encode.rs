//! Writing a card as a PNG quickly: 4 bits a pixel (the 16-colour palette of `draw`), every
//! row filtered with PNG's "up" filter, so that a row like the one above it is all zeros.
//!
//! The image data is one zlib stream, and most of it is the same in every card of a section:
//! the backdrop's rows are compressed once (deflate blocks ending on a byte boundary, with a
//! sync flush), and so are runs of 1, 2, 4… blank rows. A card's stream is the backdrop's
//! blocks, the runs of blank rows above its title, and its title's rows to the bottom edge
//! compressed with fdeflate. The Adler-32 checksum of the whole is combined from the pieces'.
//! A card so costs one pass of fdeflate over its title's rows alone.

use std::sync::OnceLock;

use super::draw::{Canvas, Colours, BAND_TOP, HEIGHT, WIDTH};

/// Bytes of a packed row (two pixels a byte), without the filter byte.
const ROW_BYTES: usize = WIDTH / 2;
/// PNG's "up" filter: each byte minus the byte above it.
const FILTER_UP: u8 = 2;
/// zlib's header for a deflate stream with a 32 KiB window (what fdeflate writes too).
const ZLIB_HEADER: [u8; 2] = [0x78, 0x01];

/// The part of every card of a section that does not depend on the title, ready to append
/// titles' bands to.
pub(super) struct Backdrop {
    colours: Colours,
    /// Deflate blocks of the top rows (filtered), not final, ending on a byte boundary.
    top_deflate: Vec<u8>,
    /// The Adler-32 checksum of the top rows (filtered), to continue from.
    top_checksum: u32,
    /// The last top row, packed: the first band row is filtered against it.
    last_top_row: Vec<u8>,
}

impl Backdrop {
    /// Compresses the top rows of `top` (a canvas of rows 0..[`BAND_TOP`]).
    pub(super) fn new(colours: Colours, top: &Canvas) -> Backdrop {
        let mut raw = Vec::with_capacity(BAND_TOP * (ROW_BYTES + 1));
        let mut previous = vec![0; ROW_BYTES];
        let mut packed = vec![0; ROW_BYTES];
        for row in 0..BAND_TOP {
            pack(top.row(row), &mut packed);
            raw.push(FILTER_UP);
            raw.extend(
                packed
                    .iter()
                    .zip(&previous)
                    .map(|(a, b)| a.wrapping_sub(*b)),
            );
            std::mem::swap(&mut previous, &mut packed);
        }
        let mut checksum = simd_adler32::Adler32::new();
        checksum.write(&raw);
        Backdrop {
            colours,
            top_deflate: deflate_sync_flushed(&raw),
            top_checksum: checksum.finish(),
            last_top_row: previous,
        }
    }

    /// The whole card as PNG bytes: this backdrop with `band` (rows
    /// [`BAND_TOP`] to the bottom). `scratch` is room kept
    /// between cards.
    pub(super) fn encode(&self, band: &Canvas, scratch: &mut Scratch) -> Vec<u8> {
        // Blank rows above the title come ready-compressed, when the row above them (the
        // backdrop's last) is blank too, as `draw` makes it.
        let top_is_blank = self.last_top_row.iter().all(|&b| b == 0);
        let lead = match (top_is_blank, band.inked.is_empty()) {
            (false, _) => 0,
            (true, false) => band.inked.start,
            (true, true) => HEIGHT - BAND_TOP,
        };
        let mut checksum = self.top_checksum;
        let mut blank_blocks = Vec::new();
        for run in blank_runs(lead) {
            blank_blocks.push(run.deflate.as_slice());
            checksum = adler32_combine(checksum, run.checksum, run.raw_len);
        }
        let raw = scratch.filtered_band(band, &self.last_top_row, lead);
        let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(raw.len() / 8))
            .expect("writing to memory cannot fail");
        compressor
            .write_data(raw)
            .expect("writing to memory cannot fail");
        let band_zlib = compressor.finish().expect("writing to memory cannot fail");
        // fdeflate's stream: its zlib header, deflate blocks (the last one final), and the
        // checksum of the band alone, which continues the top's into the whole stream's.
        let (band_stream, band_checksum) = band_zlib.split_at(band_zlib.len() - 4);
        let band_blocks = &band_stream[ZLIB_HEADER.len()..];
        let band_checksum = u32::from_be_bytes(
            band_checksum
                .try_into()
                .expect("split four bytes from the end"),
        );
        let checksum = adler32_combine(checksum, band_checksum, raw.len());
        let blank_len: usize = blank_blocks.iter().map(|b| b.len()).sum();
        let mut zlib = Vec::with_capacity(
            ZLIB_HEADER.len() + self.top_deflate.len() + blank_len + band_blocks.len() + 4,
        );
        zlib.extend_from_slice(&ZLIB_HEADER);
        zlib.extend_from_slice(&self.top_deflate);
        for block in blank_blocks {
            zlib.extend_from_slice(block);
        }
        zlib.extend_from_slice(band_blocks);
        zlib.extend_from_slice(&checksum.to_be_bytes());
        self.wrap_png(&zlib)
    }

    /// The PNG file around the compressed image data.
    fn wrap_png(&self, zlib: &[u8]) -> Vec<u8> {
        let mut png_bytes = Vec::with_capacity(zlib.len() + 128);
        let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH as u32, HEIGHT as u32);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Four);
        encoder.set_palette(self.colours.palette());
        let result = encoder.write_header().and_then(|mut writer| {
            writer.write_chunk(png::chunk::IDAT, zlib)?;
            writer.finish()
        });
        result.expect("a PNG of a fixed size and palette written to memory");
        png_bytes
    }
}

/// Room for encoding a card, kept between the cards a thread encodes.
pub(super) struct Scratch {
    raw: Vec<u8>,
    packed: Vec<u8>,
    previous: Vec<u8>,
}

impl Scratch {
    pub(super) fn new() -> Scratch {
        Scratch {
            raw: Vec::new(),
            packed: vec![0; ROW_BYTES],
            previous: vec![0; ROW_BYTES],
        }
    }

    /// The band's rows from row `from` on, packed and filtered. Only
    /// the bytes of the columns something was drawn in can differ from the row above: the
    /// rest are zeros without being looked at.
    fn filtered_band(&mut self, band: &Canvas, last_top_row: &[u8], from: usize) -> &[u8] {
        let stride = ROW_BYTES + 1;
        let rows = HEIGHT - BAND_TOP;
        self.raw.clear();
        self.raw.resize((rows - from) * stride, 0);
        // The row above the first: the backdrop's last, or a blank row of the band.
        let mut previous_ink = if from == 0 && last_top_row.iter().any(|&b| b != 0) {
            self.previous.copy_from_slice(last_top_row);
            0..ROW_BYTES
        } else {
            self.previous.fill(0);
            0..0
        };
        let inked_bytes = band.inked_columns.start / 2..band.inked_columns.end.div_ceil(2);
        for row in from..rows {
            // `packed` is the current row: zero but where this row has ink.
            self.packed[previous_ink.clone()].fill(0);
            let current_ink = if band.row_inked[row] && !inked_bytes.is_empty() {
                let pixels = &band.row(row)[inked_bytes.start * 2..inked_bytes.end * 2];
                pack(pixels, &mut self.packed[inked_bytes.clone()]);
                inked_bytes.clone()
            } else {
                0..0
            };
            let out = &mut self.raw[(row - from) * stride..(row - from + 1) * stride];
            out[0] = FILTER_UP;
            // What changed is within the ink of this row or of the one above.
            let changed = union(&previous_ink, &current_ink);
            let (now, above) = (
                &self.packed[changed.clone()],
                &mut self.previous[changed.clone()],
            );
            for ((out, now), above) in out[1 + changed.start..1 + changed.end]
                .iter_mut()
                .zip(now)
                .zip(above.iter_mut())
            {
                *out = now.wrapping_sub(*above);
                *above = *now;
            }
            previous_ink = current_ink;
        }
        &self.raw
    }
}

/// Blank rows (filtered: the filter byte, then zeros), compressed once.
struct BlankRun {
    rows: usize,
    deflate: Vec<u8>,
    checksum: u32,
    raw_len: usize,
}

/// Runs of blank rows that make up `rows` rows: the binary digits of the count.
fn blank_runs(rows: usize) -> impl Iterator<Item = &'static BlankRun> {
    static RUNS: OnceLock<Vec<BlankRun>> = OnceLock::new();
    let runs = RUNS.get_or_init(|| {
        // Powers of two up to the band's height.
        (0..usize::BITS - (HEIGHT - BAND_TOP).leading_zeros())
            .map(|power| {
                let rows = 1 << power;
                let mut raw = vec![0; rows * (ROW_BYTES + 1)];
                raw.chunks_mut(ROW_BYTES + 1)
                    .for_each(|row| row[0] = FILTER_UP);
                let mut checksum = simd_adler32::Adler32::new();
                checksum.write(&raw);
                BlankRun {
                    rows,
                    deflate: deflate_sync_flushed(&raw),
                    checksum: checksum.finish(),
                    raw_len: raw.len(),
                }
            })
            .collect()
    });
    runs.iter().filter(move |run| rows & run.rows != 0)
}

fn union(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.clone(),
        (_, true) => a.clone(),
        _ => a.start.min(b.start)..a.end.max(b.end),
    }
}

/// Two palette indices a byte, the first in the high half. Eight pixels at a time, as one
/// 64-bit word: much faster than a pixel at a time.
fn pack(row: &[u8], packed: &mut [u8]) {
    const LOW_NIBBLES: u64 = 0x000f_000f_000f_000f;
    let mut words = row.chunks_exact(8);
    let mut out = packed.chunks_exact_mut(4);
    for (word, out) in (&mut words).zip(&mut out) {
        let x = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        // Each 16-bit lane: first pixel in bits 4..8, second in 0..4.
        let lanes = ((x & LOW_NIBBLES) << 4) | ((x >> 8) & LOW_NIBBLES);
        // The four lanes' low bytes, side by side.
        let pairs = (lanes | (lanes >> 8)) & 0x0000_ffff_0000_ffff;
        let bytes = (pairs | (pairs >> 16)) as u32;
        out.copy_from_slice(&bytes.to_le_bytes());
    }
    for (byte, pair) in out
        .into_remainder()
        .iter_mut()
        .zip(words.remainder().chunks_exact(2))
    {
        *byte = (pair[0] << 4) | (pair[1] & 0x0f);
    }
}

/// The Adler-32 checksum of two pieces of data one after the other, from the checksum of
/// each and the second's length (the arithmetic of zlib's `adler32_combine`).
fn adler32_combine(first: u32, second: u32, second_len: usize) -> u32 {
    const BASE: u64 = 65521;
    let rem = second_len as u64 % BASE;
    let (a1, b1) = (u64::from(first & 0xffff), u64::from(first >> 16));
    let (a2, b2) = (u64::from(second & 0xffff), u64::from(second >> 16));
    // a = 1 + all bytes; b = the sum of every a. The second piece's sums started from a = 1.
    let a = (a1 + a2 + BASE - 1) % BASE;
    let b = (b1 + b2 + rem * a1 + BASE - rem) % BASE;
    ((b << 16) | a) as u32
}

/// Raw deflate of `raw`, not final, ending on a byte boundary (a sync flush), so that more
/// deflate blocks can follow it.
fn deflate_sync_flushed(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 + 64);
    let mut compress = flate2::Compress::new(flate2::Compression::best(), false);
    let mut input = raw;
    loop {
        out.reserve(raw.len() / 4 + 64);
        let before = compress.total_in();
        compress
            .compress_vec(input, &mut out, flate2::FlushCompress::Sync)
            .expect("deflating to memory cannot fail");
        let consumed = (compress.total_in() - before) as usize;
        input = &input[consumed..];
        // Done when everything is in and the flush fit in the room that was left.
        if input.is_empty() && out.len() < out.capacity() {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::draw::tests::default_colours;
    use crate::cards::draw::{draw_title, draw_top, ShapedText};
    use crate::cards::font::CardFont;

    /// Decodes a PNG to RGB with the png crate (which checks the zlib checksum and CRCs).
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).expect("whole image data");
        pixels.truncate(info.buffer_size());
        (info.width, info.height, pixels)
    }

    #[test]
    fn a_card_with_nothing_in_its_band_decodes() {
        let font = CardFont::get();
        let top = draw_top(
            font,
            &ShapedText::new(font, "Site"),
            &ShapedText::new(font, ""),
        );
        let backdrop = Backdrop::new(default_colours(), &top);
        let mut band = crate::cards::draw::Canvas::for_band();
        draw_title(font, &ShapedText::new(font, "   "), &mut band);
        assert!(band.inked.is_empty());
        let (width, height, rgb) = decode(&backdrop.encode(&band, &mut Scratch::new()));
        assert_eq!((width, height), (1200, 630));
        let last_row = &rgb[629 * 1200 * 3..];
        assert!(last_row
            .chunks(3)
            .all(|p| p == default_colours().background));
    }

    #[test]
    fn packing_puts_the_first_pixel_high() {
        let row: Vec<u8> = (0..22).map(|i| (i % 16) as u8).collect();
        let mut packed = vec![0; 11];
        pack(&row, &mut packed);
        let expected: Vec<u8> = row.chunks(2).map(|p| (p[0] << 4) | p[1]).collect();
        assert_eq!(packed, expected);
    }

    #[test]
    fn blank_runs_add_up_to_any_count() {
        for rows in [0, 1, 7, 100, 426] {
            assert_eq!(blank_runs(rows).map(|r| r.rows).sum::<usize>(), rows);
        }
    }

    #[test]
    fn checksums_combine_as_one_over_both_pieces() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let adler = |bytes: &[u8]| {
            let mut a = simd_adler32::Adler32::new();
            a.write(bytes);
            a.finish()
        };
        for split in [0, 1, 5552, 65521, 100_000, 200_000] {
            let (first, second) = data.split_at(split);
            assert_eq!(
                adler32_combine(adler(first), adler(second), second.len()),
                adler(&data),
                "split at {split}"
            );
        }
    }

    #[test]
    fn a_card_decodes_to_its_drawing() {
        let font = CardFont::get();
        let top = draw_top(
            font,
            &ShapedText::new(font, "Northshire Adult Social Care"),
            &ShapedText::new(font, "Tips"),
        );
        let backdrop = Backdrop::new(default_colours(), &top);
        let mut band = crate::cards::draw::Canvas::for_band();
        let mut scratch = Scratch::new();
        // A long title first: the canvas and the scratch are reused, as between cards.
        let long = "Follow thirty local groups and answer their questions ".repeat(5);
        draw_title(font, &ShapedText::new(font, &long), &mut band);
        decode(&backdrop.encode(&band, &mut scratch));
        draw_title(
            font,
            &ShapedText::new(font, "Follow thirty local groups"),
            &mut band,
        );
        let (width, height, rgb) = decode(&backdrop.encode(&band, &mut scratch));
        assert_eq!((width, height), (1200, 630));
        let palette = default_colours().palette();
        // Every pixel is its canvas's palette index, in the top and in the band.
        for y in 0..HEIGHT {
            for x in (0..WIDTH).step_by(7) {
                let index = if y < BAND_TOP {
                    top.row(y)[x]
                } else {
                    band.row(y - BAND_TOP)[x]
                };
                let at = (y * WIDTH + x) * 3;
                let i = usize::from(index) * 3;
                assert_eq!(&rgb[at..at + 3], &palette[i..i + 3], "pixel {x},{y}");
            }
        }
    }
}
