//! Images of the site: photos in Markdown are published at a few widths, as lossy WebP and
//! in their own format, offered with `srcset`/`sizes` in a `<picture>`; every image published
//! as it is loses its EXIF, XMP and IPTC (a phone photo records where it was taken, which can
//! be where a person we support lives).
//!
//! The work is split along the pipeline. At load, [`ImageCatalog`] reads each image file's
//! header, EXIF and hash (no decoding). The site model's Markdown turns a local photo into
//! markup from that alone and records an [`ImageUse`]. After the model, [`publish`] makes
//! the files on every core (rayon), through a cache keyed by content hash so that a second
//! build decodes nothing; [`strip_metadata`] cleans the files that are copied.
//!
//! Choices, and why:
//! - `image` decodes (JPEG, PNG, WebP, GIF headers) and writes the JPEG and PNG fallbacks;
//!   `fast_image_resize` resizes (SIMD convolution, Lanczos3: several times quicker than
//!   `image`'s own resize on a 3000×2000 photo); the `webp` crate (libwebp) writes WebP,
//!   lossy at the configured quality, because `image`'s WebP encoder is lossless only and
//!   makes a photo larger than its JPEG.
//! - Re-encoding writes pixels only, so processed files carry no metadata; the EXIF
//!   orientation is applied before, so that a photo taken on its side is not published
//!   sideways. Files copied as they are are cleaned without re-encoding (`img-parts`), so a
//!   copied JPEG loses no quality.
//! - GIF (maybe animated) and SVG (drawn at any size) are published as they are.

mod catalog;
mod markup;
mod process;
mod strip;

use std::path::Path;

pub use catalog::ImageCatalog;
pub(crate) use catalog::ImageInfo;
pub(crate) use markup::{img_html, picture_html, variants, OutputFormat, Variant, Written};
pub(crate) use process::{publish, ImageStats, ImageUse, MadeBytes};
pub(crate) use strip::strip_metadata;

/// Changes whenever hub makes different files of the same photo (another resize filter,
/// encoder settings): old cache entries and published names are then not reused.
const PROCESSING_VERSION: u8 = 1;

/// An image format hub knows, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ImageKind {
    Jpeg,
    Png,
    WebP,
    Gif,
    Svg,
}

impl ImageKind {
    /// The kind of an image file, by its extension (any case); None for other files.
    pub(crate) fn of(path: &Path) -> Option<ImageKind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "jpg" | "jpeg" => ImageKind::Jpeg,
            "png" => ImageKind::Png,
            "webp" => ImageKind::WebP,
            "gif" => ImageKind::Gif,
            "svg" => ImageKind::Svg,
            _ => return None,
        })
    }

    /// Photos are resized; GIF and SVG are published as they are.
    pub(crate) fn is_resized(self) -> bool {
        matches!(self, ImageKind::Jpeg | ImageKind::Png | ImageKind::WebP)
    }

    /// The decoder's format (None for SVG, which is not decoded).
    fn format(self) -> Option<image::ImageFormat> {
        match self {
            ImageKind::Jpeg => Some(image::ImageFormat::Jpeg),
            ImageKind::Png => Some(image::ImageFormat::Png),
            ImageKind::WebP => Some(image::ImageFormat::WebP),
            ImageKind::Gif => Some(image::ImageFormat::Gif),
            ImageKind::Svg => None,
        }
    }

    /// The kind of a decoder's format, when hub knows it.
    fn from_format(format: image::ImageFormat) -> Option<ImageKind> {
        match format {
            image::ImageFormat::Jpeg => Some(ImageKind::Jpeg),
            image::ImageFormat::Png => Some(ImageKind::Png),
            image::ImageFormat::WebP => Some(ImageKind::WebP),
            image::ImageFormat::Gif => Some(ImageKind::Gif),
            _ => None,
        }
    }

    /// The format's name in messages.
    fn name(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "JPEG",
            ImageKind::Png => "PNG",
            ImageKind::WebP => "WebP",
            ImageKind::Gif => "GIF",
            ImageKind::Svg => "SVG",
        }
    }
}
