//! The files a photo is published as (its widths, in WebP and in its own format) and the
//! `<picture>` that offers them to the browser. Pure: names and markup from what the
//! catalogue read.

use pulldown_cmark_escape::{escape_href, escape_html};

use super::{ImageInfo, ImageKind, PROCESSING_VERSION};

/// How wide the theme shows a picture in the text: the whole screen on a phone, at most the
/// measure of a paragraph (70 characters, about 40rem) on a wider one. The browser picks the
/// smallest file that fills that.
const SIZES: &str = "(max-width: 40rem) 100vw, 40rem";

/// A format a photo is published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum OutputFormat {
    WebP,
    Jpeg,
    Png,
}

impl OutputFormat {
    pub(crate) fn extension(self) -> &'static str {
        match self {
            OutputFormat::WebP => "webp",
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            OutputFormat::WebP => "image/webp",
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
        }
    }

    /// The format a browser without WebP gets: the photo's own.
    fn fallback_for(kind: ImageKind) -> Option<OutputFormat> {
        match kind {
            ImageKind::Jpeg => Some(OutputFormat::Jpeg),
            ImageKind::Png => Some(OutputFormat::Png),
            // A WebP photo needs no fallback: its WebP files are the only ones.
            ImageKind::WebP | ImageKind::Gif | ImageKind::Svg => None,
        }
    }
}

/// One file made from a photo.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Variant {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) format: OutputFormat,
    /// Published path, `/`-separated, without the leading slash: beside the photo,
    /// `posts/fair/photo.800w.ab12cd34.webp`.
    pub(crate) path: String,
}

/// The widths a photo is published at: the configured ones it is wider than (never made
/// larger), and its own width when it is narrower than the widest configured one, so that
/// the sharpest copy there is is offered.
pub(crate) fn widths_for(natural: u32, configured: &[u32]) -> Vec<u32> {
    let mut widths: Vec<u32> = configured
        .iter()
        .copied()
        .filter(|&w| w < natural)
        .collect();
    widths.push(natural.min(configured.iter().copied().max().unwrap_or(natural)));
    widths.sort_unstable();
    widths.dedup();
    widths
}

/// The files to make of the photo published at `original` (`posts/fair/photo.jpg`).
pub(crate) fn variants(
    info: &ImageInfo,
    original: &str,
    widths: &[u32],
    quality: u8,
) -> Vec<Variant> {
    if !info.kind.is_resized() || info.width == 0 || info.height == 0 {
        return Vec::new();
    }
    let (folder, name) = original
        .rsplit_once('/')
        .map_or(("", original), |(f, n)| (f, n));
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let tag = short_hash(info, quality);
    let formats = std::iter::once(OutputFormat::WebP).chain(OutputFormat::fallback_for(info.kind));
    let mut out = Vec::new();
    for format in formats {
        for &width in &widths_for(info.width, widths) {
            let height = scaled_height(info, width);
            let file = format!("{stem}.{width}w.{tag}.{}", format.extension());
            let path = if folder.is_empty() {
                file
            } else {
                format!("{folder}/{file}")
            };
            out.push(Variant {
                width,
                height,
                format,
                path,
            });
        }
    }
    out
}

/// The height at `width`, keeping the proportions (at least one pixel).
fn scaled_height(info: &ImageInfo, width: u32) -> u32 {
    let height = u64::from(info.height) * u64::from(width) / u64::from(info.width.max(1));
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

/// Eight hex digits that change with the photo's bytes, the quality and the way hub
/// processes photos: a file name that never names two different pictures, so that browsers
/// may keep the files for ever.
fn short_hash(info: &ImageInfo, quality: u8) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&info.hash);
    hasher.update(&[quality, PROCESSING_VERSION]);
    hasher.finalize().to_hex()[..8].to_string()
}

/// What the Markdown said of an image.
pub(crate) struct Written<'a> {
    pub(crate) alt: &'a str,
    pub(crate) title: &'a str,
    /// The first image of a page loads at once; the others when they are scrolled near.
    pub(crate) eager: bool,
}

/// `<picture>` with a WebP `<source>` and an `<img>` of the photo's own format (the widest
/// file as its `src`, for feed readers), or for a WebP photo the `<img>` alone.
pub(crate) fn picture_html(
    variants: &[Variant],
    info: &ImageInfo,
    base_url: &str,
    written: &Written<'_>,
) -> String {
    let srcset = |format: OutputFormat| {
        variants
            .iter()
            .filter(|v| v.format == format)
            .map(|v| format!("{base_url}/{} {}w", v.path, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let img_format = OutputFormat::fallback_for(info.kind).unwrap_or(OutputFormat::WebP);
    let widest = variants
        .iter()
        .filter(|v| v.format == img_format)
        .max_by_key(|v| v.width);
    let mut html = String::from("<picture>");
    if img_format != OutputFormat::WebP {
        html.push_str(&format!(
            r#"<source type="{}" srcset="{}" sizes="{SIZES}">"#,
            OutputFormat::WebP.mime(),
            attribute(&srcset(OutputFormat::WebP)),
        ));
    }
    let src = widest.map_or(String::new(), |v| format!("{base_url}/{}", v.path));
    html.push_str(&format!(
        r#"<img src="{}" srcset="{}" sizes="{SIZES}""#,
        href(&src),
        attribute(&srcset(img_format)),
    ));
    push_common(&mut html, info, written);
    html.push_str("</picture>");
    html
}

/// A plain `<img>` for an image published as it is (GIF, SVG), with its size when known.
pub(crate) fn img_html(src: &str, info: &ImageInfo, written: &Written<'_>) -> String {
    let mut html = format!(r#"<img src="{}""#, href(src));
    push_common(&mut html, info, written);
    html
}

/// width, height (reserving the space, so the text does not jump as pictures load), alt,
/// title and loading.
fn push_common(html: &mut String, info: &ImageInfo, written: &Written<'_>) {
    if info.width > 0 && info.height > 0 {
        html.push_str(&format!(
            r#" width="{}" height="{}""#,
            info.width, info.height
        ));
    }
    html.push_str(&format!(r#" alt="{}""#, attribute(written.alt)));
    if !written.title.is_empty() {
        html.push_str(&format!(r#" title="{}""#, attribute(written.title)));
    }
    if !written.eager {
        html.push_str(r#" loading="lazy""#);
    }
    html.push_str(r#" decoding="async">"#);
}

fn attribute(text: &str) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, text);
    out
}

fn href(url: &str) -> String {
    let mut out = String::new();
    let _ = escape_href(&mut out, url);
    attribute(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> ImageInfo {
        ImageInfo {
            kind: ImageKind::Jpeg,
            width,
            height,
            orientation: 1,
            hash: [7; 32],
            has_location: false,
            has_metadata: false,
        }
    }

    #[test]
    fn widths_never_upscale_and_include_the_natural_width() {
        assert_eq!(widths_for(3000, &[480, 800, 1600]), [480, 800, 1600]);
        assert_eq!(widths_for(1000, &[480, 800, 1600]), [480, 800, 1000]);
        assert_eq!(widths_for(300, &[480, 800]), [300]);
        assert_eq!(widths_for(800, &[480, 800]), [480, 800]);
    }

    #[test]
    fn variants_sit_beside_the_photo_with_width_and_hash() {
        let made = variants(&photo(1000, 500), "posts/fair/photo.jpg", &[480, 800], 80);
        let paths: Vec<_> = made.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths.len(), 4);
        assert!(paths[0].starts_with("posts/fair/photo.480w.") && paths[0].ends_with(".webp"));
        assert!(paths[3].starts_with("posts/fair/photo.800w.") && paths[3].ends_with(".jpg"));
        assert_eq!(made[0].height, 240);
        let other_quality = variants(&photo(1000, 500), "posts/fair/photo.jpg", &[480, 800], 60);
        assert_ne!(
            made[0].path, other_quality[0].path,
            "the name changes with the quality"
        );
    }

    #[test]
    fn picture_escapes_alt_and_loads_lazily_unless_first() {
        let info = photo(1000, 500);
        let made = variants(&info, "a/p.jpg", &[480], 80);
        let written = Written {
            alt: "Tea & \"cake\"",
            title: "",
            eager: false,
        };
        let html = picture_html(&made, &info, "https://e.org", &written);
        assert!(
            html.contains(r#"alt="Tea &amp; &quot;cake&quot;""#),
            "{html}"
        );
        assert!(html.contains(r#"loading="lazy""#));
        assert!(html.contains(r#"width="1000" height="500""#));
        let first = Written {
            eager: true,
            ..written
        };
        assert!(!picture_html(&made, &info, "https://e.org", &first).contains("loading"));
    }
}
