//! Dropping the metadata of an image published as it is (a bundle's photo, a file in static/,
//! an author's portrait) without re-encoding it: EXIF (which holds the GPS position a phone
//! records), XMP and IPTC. The pixels and what they need to show right (the JFIF header, the
//! colour profile, Adobe's colour transform) are kept byte for byte.

use img_parts::jpeg::{markers, Jpeg};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

use super::ImageKind;

/// PNG chunks that hold metadata: EXIF, text (where tools write XMP and captions) and the
/// time of the last edit.
const PNG_METADATA_CHUNKS: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];
/// The RIFF chunk of XMP in a WebP file.
const WEBP_XMP_CHUNK: [u8; 4] = *b"XMP ";
/// The EXIF chunk of a WebP file.
const WEBP_EXIF_CHUNK: [u8; 4] = *b"EXIF";

/// The image without its metadata, or None when it has none (the file can be published as
/// it is). An error when the file is not the image its name says.
pub(crate) fn strip_metadata(kind: ImageKind, bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let bytes = Bytes::copy_from_slice(bytes);
    match kind {
        ImageKind::Jpeg => strip_jpeg(bytes),
        ImageKind::Png => strip_png(bytes),
        ImageKind::WebP => strip_webp(bytes),
        // GIF and SVG carry no EXIF; they are published as they are.
        ImageKind::Gif | ImageKind::Svg => Ok(None),
    }
}

/// A JPEG segment worth keeping: the frame and scan segments, the JFIF header (APP0), a
/// colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14, without which
/// CMYK photos show in the wrong colours). Every other application segment (APP1: EXIF and
/// XMP; APP13: IPTC; APP2 "MPF": further pictures with EXIF of their own...) and comments go.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        markers::APP1..=markers::APP15 | markers::COM => false,
        _ => true,
    }
}

fn strip_jpeg(bytes: Bytes) -> Result<Option<Vec<u8>>, String> {
    let mut jpeg = Jpeg::from_bytes(bytes).map_err(|e| format!("not a whole JPEG image ({e})"))?;
    let before = jpeg.segments().len();
    jpeg.segments_mut()
        .retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
    if jpeg.segments().len() == before {
        return Ok(None);
    }
    Ok(Some(jpeg.encoder().bytes().to_vec()))
}

fn strip_png(bytes: Bytes) -> Result<Option<Vec<u8>>, String> {
    let mut png = Png::from_bytes(bytes).map_err(|e| format!("not a whole PNG image ({e})"))?;
    let before = png.chunks().len();
    png.chunks_mut()
        .retain(|c| !PNG_METADATA_CHUNKS.contains(&c.kind()));
    if png.chunks().len() == before {
        return Ok(None);
    }
    Ok(Some(png.encoder().bytes().to_vec()))
}

fn strip_webp(bytes: Bytes) -> Result<Option<Vec<u8>>, String> {
    let mut webp = WebP::from_bytes(bytes).map_err(|e| format!("not a whole WebP image ({e})"))?;
    if !webp.has_chunk(WEBP_EXIF_CHUNK) && !webp.has_chunk(WEBP_XMP_CHUNK) {
        return Ok(None);
    }
    webp.remove_chunks_by_id(WEBP_XMP_CHUNK);
    // Also clears the EXIF and XMP flags of the VP8X header, so readers look for neither.
    webp.set_exif(None);
    Ok(Some(webp.encoder().bytes().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×2 JPEG made by the image crate, with an APP1 segment spliced in after SOI.
    fn jpeg_with_app1(payload: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut plain)
            .encode(&[200; 12], 2, 2, image::ExtendedColorType::Rgb8)
            .expect("encode a JPEG");
        let length = u16::try_from(payload.len() + 2).expect("small payload");
        let mut with = plain[..2].to_vec();
        with.extend([0xFF, 0xE1]);
        with.extend(length.to_be_bytes());
        with.extend(payload);
        with.extend(&plain[2..]);
        with
    }

    #[test]
    fn jpeg_exif_goes_and_the_picture_stays() {
        let photo = jpeg_with_app1(b"Exif\0\0MM\0*\0\0\0\x08\0\0");
        let stripped = strip_metadata(ImageKind::Jpeg, &photo)
            .expect("a JPEG")
            .expect("something to strip");
        assert!(!stripped.windows(6).any(|w| w == b"Exif\0\0"));
        let decoded = image::load_from_memory(&stripped).expect("still a JPEG");
        assert_eq!((decoded.width(), decoded.height()), (2, 2));
        assert_eq!(strip_metadata(ImageKind::Jpeg, &stripped), Ok(None));
    }

    #[test]
    fn jpeg_colour_profile_is_kept() {
        assert!(keep_jpeg_segment(markers::APP2, b"ICC_PROFILE\0\x01\x01"));
        assert!(!keep_jpeg_segment(markers::APP2, b"MPF\0"));
        assert!(!keep_jpeg_segment(markers::APP13, b"Photoshop 3.0\0"));
        assert!(keep_jpeg_segment(markers::APP14, b"Adobe"));
    }

    #[test]
    fn png_text_chunks_go() {
        let mut png = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut png),
            &[1, 2, 3],
            1,
            1,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
        let mut parsed = Png::from_bytes(Bytes::from(png.clone())).expect("png");
        let text = img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"GPS\0here"));
        parsed.chunks_mut().insert(1, text);
        let with_text = parsed.encoder().bytes().to_vec();
        let stripped = strip_metadata(ImageKind::Png, &with_text)
            .expect("a PNG")
            .expect("something to strip");
        assert_eq!(stripped, png);
    }

    #[test]
    fn webp_exif_and_xmp_go() {
        let plain = webp::Encoder::from_rgb(&[10; 4 * 4 * 3], 4, 4)
            .encode(80.0)
            .to_vec();
        let mut parsed = WebP::from_bytes(Bytes::from(plain)).expect("a WebP");
        parsed.set_exif(Some(Bytes::from_static(b"MM\0*\0\0\0\x08\0\0")));
        let with_exif = parsed.encoder().bytes().to_vec();
        assert!(with_exif.windows(4).any(|w| w == WEBP_EXIF_CHUNK));
        let stripped = strip_metadata(ImageKind::WebP, &with_exif)
            .expect("a WebP")
            .expect("something to strip");
        assert!(!stripped.windows(4).any(|w| w == WEBP_EXIF_CHUNK));
        let decoded = image::load_from_memory(&stripped).expect("still a WebP");
        assert_eq!((decoded.width(), decoded.height()), (4, 4));
    }

    #[test]
    fn text_named_jpg_is_refused() {
        assert!(strip_metadata(ImageKind::Jpeg, b"not a photo").is_err());
    }
}
