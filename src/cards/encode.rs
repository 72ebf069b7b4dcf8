//! Writing a card as a PNG quickly: 4 bits a pixel (the 16-colour palette of `draw`), every
//! row filtered with PNG's "up" filter, so that a row like the one above it is all zeros.
//!
//! The image data is one zlib stream, and most of it is the same in every card of a section:
//! the backdrop's rows are compressed once (deflate blocks ending on a byte boundary, with a
//! sync flush), and each card compresses only its band with fdeflate and appends it. The
//! Adler-32 checksum of the whole stream continues from the backdrop's. A card so costs one
//! pass of fdeflate over about 250 KB that are mostly zeros.

use super::draw::{Canvas, Colours, ACCENT, BAND_TOP, BAR_TOP, HEIGHT, WIDTH};

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
            push_filtered(&mut raw, &packed, &previous);
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
    /// [`BAND_TOP`]..[`BAR_TOP`]) and the accent bar below it.
    pub(super) fn encode(&self, band: &Canvas) -> Vec<u8> {
        let raw = filtered_band(band, &self.last_top_row);
        let mut checksum = simd_adler32::Adler32::from_checksum(self.top_checksum);
        checksum.write(&raw);
        let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(raw.len() / 8))
            .expect("writing to memory cannot fail");
        compressor
            .write_data(&raw)
            .expect("writing to memory cannot fail");
        let band_zlib = compressor.finish().expect("writing to memory cannot fail");
        // fdeflate's stream: its zlib header, deflate blocks (the last one final), and its own
        // checksum of the band alone, which the whole stream's replaces.
        let band_blocks = &band_zlib[ZLIB_HEADER.len()..band_zlib.len() - 4];
        let mut zlib =
            Vec::with_capacity(ZLIB_HEADER.len() + self.top_deflate.len() + band_blocks.len() + 4);
        zlib.extend_from_slice(&ZLIB_HEADER);
        zlib.extend_from_slice(&self.top_deflate);
        zlib.extend_from_slice(band_blocks);
        zlib.extend_from_slice(&checksum.finish().to_be_bytes());
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

/// Two palette indices a byte, the first in the high half.
fn pack(row: &[u8], packed: &mut [u8]) {
    for (byte, pair) in packed.iter_mut().zip(row.chunks_exact(2)) {
        *byte = (pair[0] << 4) | (pair[1] & 0x0f);
    }
}

/// Appends the filter byte and `row` minus `previous`.
fn push_filtered(raw: &mut Vec<u8>, row: &[u8], previous: &[u8]) {
    raw.push(FILTER_UP);
    raw.extend(row.iter().zip(previous).map(|(a, b)| a.wrapping_sub(*b)));
}

/// The band's rows and the accent bar's, filtered. Rows without ink are background, so the
/// filter makes them zeros without looking at them.
fn filtered_band(band: &Canvas, last_top_row: &[u8]) -> Vec<u8> {
    let rows = HEIGHT - BAND_TOP;
    let mut raw = Vec::with_capacity(rows * (ROW_BYTES + 1));
    let blank = vec![0; ROW_BYTES];
    let bar = vec![(ACCENT << 4) | ACCENT; ROW_BYTES];
    let mut previous = last_top_row.to_vec();
    let mut packed = vec![0; ROW_BYTES];
    for row in 0..rows {
        let inked = band.inked.contains(&row);
        let current: &[u8] = if row + BAND_TOP >= BAR_TOP {
            &bar
        } else if inked {
            pack(band.row(row), &mut packed);
            &packed
        } else {
            &blank
        };
        if current == previous.as_slice() {
            raw.push(FILTER_UP);
            raw.resize(raw.len() + ROW_BYTES, 0);
        } else {
            push_filtered(&mut raw, current, &previous);
            previous.copy_from_slice(current);
        }
    }
    raw
}

/// Raw deflate of `raw`, not final, ending on a byte boundary (a sync flush), so that more
/// deflate blocks can follow it.
fn deflate_sync_flushed(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 4 + 64);
    let mut compress = flate2::Compress::new(flate2::Compression::fast(), false);
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
    use crate::cards::draw::{draw_title, draw_top, ShapedText};
    use crate::cards::font::CardFont;

    const COLOURS: Colours = Colours {
        background: [0x1d, 0x3f, 0x6e],
        text: [0xff, 0xff, 0xff],
        accent: [0x0b, 0x6e, 0x69],
    };

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
    fn a_card_decodes_to_its_drawing() {
        let font = CardFont::get();
        let top = draw_top(
            font,
            &ShapedText::new(font, "Northshire Adult Social Care"),
            &ShapedText::new(font, "Tips"),
        );
        let backdrop = Backdrop::new(COLOURS, &top);
        let band = draw_title(font, &ShapedText::new(font, "Follow thirty local groups"));
        let (width, height, rgb) = decode(&backdrop.encode(&band));
        assert_eq!((width, height), (1200, 630));
        let palette = COLOURS.palette();
        // Every pixel is its canvas's palette index, in the top, the band and the bar.
        for y in 0..HEIGHT {
            for x in (0..WIDTH).step_by(7) {
                let index = if y < BAND_TOP {
                    top.row(y)[x]
                } else if y < BAR_TOP {
                    band.row(y - BAND_TOP)[x]
                } else {
                    ACCENT
                };
                let at = (y * WIDTH + x) * 3;
                let i = usize::from(index) * 3;
                assert_eq!(&rgb[at..at + 3], &palette[i..i + 3], "pixel {x},{y}");
            }
        }
    }
}
