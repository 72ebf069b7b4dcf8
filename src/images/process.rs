//! Making the files of each photo (decode, turn upright, resize, encode), on every core, with
//! a cache in `.hub-cache/images/` at the site root so that a photo is processed once: a
//! later build finds its files by key and decodes nothing. Cache files are written to a
//! temporary name and renamed, so a build stopped half-way never leaves a broken entry; an
//! entry that is broken all the same (its header does not read as the expected picture) is
//! made again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fast_image_resize as fir;
use image::{DynamicImage, ImageEncoder};
use rayon::prelude::*;

use super::{ImageInfo, OutputFormat, Variant, PROCESSING_VERSION};
use crate::error::Diagnostic;

/// Where the processed files are kept between builds, from the site root.
pub(crate) const CACHE_DIR: &str = ".hub-cache/images";

/// A photo used in a page, and the files it is published as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageUse {
    pub(crate) source: PathBuf,
    pub(crate) info: Arc<ImageInfo>,
    pub(crate) variants: Vec<Variant>,
    /// As written in the Markdown, for messages.
    pub(crate) written: String,
    /// The page's file (site-relative), line and column.
    pub(crate) file: PathBuf,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A file made of a photo, to publish at `path` (`/`-separated, in the output folder).
#[derive(Debug, Clone)]
pub(crate) struct MadeFile {
    pub(crate) path: String,
    pub(crate) bytes: MadeBytes,
}

/// Where a made file's bytes are.
#[derive(Debug, Clone)]
pub(crate) enum MadeBytes {
    /// In the cache: copied from there when the site is written.
    Cached(PathBuf),
    /// In memory, when the cache could not be written.
    Made(Vec<u8>),
}

/// How much image work a build did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageStats {
    /// Files decoded, resized and encoded now.
    pub(crate) processed: usize,
    /// Files found in the cache.
    pub(crate) cached: usize,
}

/// One photo and every file to make of it, with the first place that uses it.
struct Job<'a> {
    first_use: &'a ImageUse,
    variants: Vec<&'a Variant>,
}

/// Makes (or finds in the cache under `root`) every file of every photo in `uses`. A photo
/// that cannot be decoded is an error at the first line that uses it.
pub(crate) fn publish<'a>(
    root: &Path,
    uses: impl IntoIterator<Item = &'a ImageUse>,
    quality: u8,
) -> Result<(Vec<MadeFile>, ImageStats), Vec<Diagnostic>> {
    let mut jobs: BTreeMap<&Path, Job<'a>> = BTreeMap::new();
    for image_use in uses {
        let job = jobs.entry(&image_use.source).or_insert_with(|| Job {
            first_use: image_use,
            variants: Vec::new(),
        });
        for variant in &image_use.variants {
            if !job.variants.contains(&variant) {
                job.variants.push(variant);
            }
        }
    }
    let cache = root.join(CACHE_DIR);
    remove_abandoned_files(&cache);
    let processed = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let results: Vec<Result<Vec<MadeFile>, Diagnostic>> = jobs
        .into_values()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|job| {
            let files = run_job(&job, &cache, quality, (&processed, &cached));
            files.map_err(|why| cannot_process(job.first_use, &why))
        })
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(mut made) => files.append(&mut made),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let stats = ImageStats {
        processed: processed.into_inner(),
        cached: cached.into_inner(),
    };
    Ok((files, stats))
}

fn cannot_process(image_use: &ImageUse, why: &str) -> Diagnostic {
    Diagnostic::new(
        &image_use.file,
        format!("the image {} cannot be read: {why}", image_use.written),
    )
    .at(image_use.line, Some(image_use.column))
    .hint("open it in an image editor and save it again (as JPEG or PNG), or replace it with another copy")
}

/// The files of one photo: from the cache where they are there, else made now (the photo
/// decoded once for all of them, and resized once for each size, whatever the formats).
fn run_job(
    job: &Job<'_>,
    cache: &Path,
    quality: u8,
    (processed, cached): (&AtomicUsize, &AtomicUsize),
) -> Result<Vec<MadeFile>, String> {
    let info = &job.first_use.info;
    let mut decoded: Option<DynamicImage> = None;
    let mut resized: Option<((u32, u32), DynamicImage)> = None;
    let mut files = Vec::with_capacity(job.variants.len());
    let mut variants = job.variants.clone();
    // Same sizes next to each other, so that each size is resized once.
    variants.sort_by_key(|v| (v.width, v.height, v.format));
    for variant in variants {
        let entry = cache.join(cache_name(info, variant, quality));
        if is_valid_entry(&entry, variant) {
            cached.fetch_add(1, Ordering::Relaxed);
            files.push(copy_of(variant, entry));
            continue;
        }
        if decoded.is_none() {
            decoded = Some(decode_upright(&job.first_use.source, info)?);
        }
        let picture = decoded.as_ref().ok_or("not decoded")?;
        let size = (variant.width, variant.height);
        if resized.as_ref().is_none_or(|(done, _)| *done != size) {
            resized = Some((size, resize(picture, variant)?));
        }
        let (_, sized) = resized.as_ref().ok_or("not resized")?;
        let bytes = encode(sized, variant.format, quality)?;
        processed.fetch_add(1, Ordering::Relaxed);
        files.push(match store(&entry, &bytes) {
            Ok(()) => copy_of(variant, entry),
            // A cache that cannot be written (a read-only site folder) only costs time.
            Err(_) => MadeFile {
                path: variant.path.clone(),
                bytes: MadeBytes::Made(bytes),
            },
        });
    }
    Ok(files)
}

fn copy_of(variant: &Variant, entry: PathBuf) -> MadeFile {
    MadeFile {
        path: variant.path.clone(),
        bytes: MadeBytes::Cached(entry),
    }
}

/// The cache file of one variant: named by what makes its bytes (the photo's bytes, the
/// size, the format, the quality and the way hub processes photos).
fn cache_name(info: &ImageInfo, variant: &Variant, quality: u8) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&info.hash);
    hasher.update(&variant.width.to_le_bytes());
    hasher.update(&variant.height.to_le_bytes());
    hasher.update(variant.format.extension().as_bytes());
    hasher.update(&[quality, PROCESSING_VERSION]);
    format!(
        "{}.{}",
        hasher.finalize().to_hex(),
        variant.format.extension()
    )
}

/// A cache entry is used when its header reads as the expected picture; anything else
/// (cut short, overwritten) is made again.
fn is_valid_entry(entry: &Path, variant: &Variant) -> bool {
    image::ImageReader::open(entry)
        .and_then(|reader| reader.with_guessed_format())
        .ok()
        .and_then(|reader| reader.into_dimensions().ok())
        == Some((variant.width, variant.height))
}

/// Writes a cache entry whole or not at all: to a temporary name first, then renamed.
fn store(entry: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = entry.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut temporary = tempfile_in(folder)?;
    // No fsync: the rename is what makes an entry appear whole to a later build; an entry
    // that a power cut left empty does not read as its picture and is made again.
    std::io::Write::write_all(&mut temporary.1, bytes)?;
    std::fs::rename(&temporary.0, entry).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary.0);
    })
}

/// Temporary files older than this were left by a build that was stopped while writing
/// them (a build running now writes its own within seconds).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes the temporary files that stopped builds left in the cache. Best effort: a file
/// that cannot be removed only takes space.
fn remove_abandoned_files(cache: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let abandoned = entry
            .file_name()
            .to_string_lossy()
            .starts_with(TEMPORARY_PREFIX)
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|time| time.elapsed().ok())
                .is_some_and(|age| age > ABANDONED_AFTER);
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// How temporary cache files start: hidden, and never a cache entry's name (a hash).
const TEMPORARY_PREFIX: &str = ".tmp-";

/// A new file beside the cache entries, named for this process and a counter.
fn tempfile_in(folder: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "{TEMPORARY_PREFIX}{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let path = folder.join(name);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

/// Decodes the photo and turns it as its EXIF orientation says: the published files carry no
/// EXIF, so a photo taken on its side must be stored upright.
fn decode_upright(source: &Path, info: &ImageInfo) -> Result<DynamicImage, String> {
    let bytes = std::fs::read(source).map_err(|e| format!("it cannot be read ({e})"))?;
    let format = info.kind.format().ok_or("it is not a photo")?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    // A phone photo can be 50 megapixels; the default limits refuse less than that.
    reader.no_limits();
    let mut picture = reader
        .decode()
        .map_err(|e| format!("it is not a whole {} image ({e})", info.kind.name()))?;
    if let Some(orientation) = image::metadata::Orientation::from_exif(info.orientation) {
        picture.apply_orientation(orientation);
    }
    // 8-bit RGB or RGBA, as the resizer and the encoders take it (a 16-bit PNG too).
    Ok(match picture {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => picture,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    })
}

/// The photo at the variant's size (a copy as it is when that is its own size).
fn resize(picture: &DynamicImage, variant: &Variant) -> Result<DynamicImage, String> {
    if (picture.width(), picture.height()) == (variant.width, variant.height) {
        return Ok(picture.clone());
    }
    let mut resized = match picture {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(variant.width, variant.height),
        _ => DynamicImage::new_rgb8(variant.width, variant.height),
    };
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(picture, &mut resized, &options)
        .map_err(|e| format!("it could not be resized ({e})"))?;
    Ok(resized)
}

/// Encodes an RGB or RGBA picture. WebP is lossy (libwebp) at `quality`, as JPEG is; PNG is
/// lossless.
fn encode(picture: &DynamicImage, format: OutputFormat, quality: u8) -> Result<Vec<u8>, String> {
    let (width, height) = (picture.width(), picture.height());
    let (pixels, colour) = match picture {
        DynamicImage::ImageRgba8(rgba) => (rgba.as_raw(), image::ExtendedColorType::Rgba8),
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw(), image::ExtendedColorType::Rgb8),
        _ => return Err("it has an unexpected colour layout".into()),
    };
    let failed = |e: image::ImageError| format!("it could not be encoded ({e})");
    let mut out = Vec::new();
    match format {
        OutputFormat::WebP => {
            let encoder = if colour == image::ExtendedColorType::Rgba8 {
                webp::Encoder::from_rgba(pixels, width, height)
            } else {
                webp::Encoder::from_rgb(pixels, width, height)
            };
            out = encoder.encode(f32::from(quality)).to_vec();
        }
        OutputFormat::Jpeg => {
            // JPEG has no transparency: only a JPEG photo is written as JPEG, and it has none.
            let opaque;
            let rgb = if colour == image::ExtendedColorType::Rgb8 {
                pixels
            } else {
                opaque = picture.to_rgb8();
                opaque.as_raw()
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(rgb, width, height, image::ExtendedColorType::Rgb8)
                .map_err(failed)?;
        }
        OutputFormat::Png => {
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(pixels, width, height, colour)
                .map_err(failed)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::{markup, ImageKind};

    fn photo_bytes(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .expect("encode");
        out
    }

    #[test]
    fn a_photo_is_made_once_then_taken_from_the_cache() {
        let site = tempfile::tempdir().expect("temp dir");
        let source = site.path().join("photo.jpg");
        std::fs::write(&source, photo_bytes(900, 600)).expect("write");
        let info = crate::images::catalog::probe_bytes(
            ImageKind::Jpeg,
            &std::fs::read(&source).expect("read"),
        )
        .expect("a JPEG");
        let image_use = ImageUse {
            variants: markup::variants(&info, "photo.jpg", &[480, 800], 80),
            source,
            info: Arc::new(info),
            written: "photo.jpg".into(),
            file: "content/a.md".into(),
            line: 3,
            column: 1,
        };
        let (files, first) = publish(site.path(), [&image_use], 80).expect("processed");
        assert_eq!(files.len(), 4, "two widths (480, 800), two formats");
        assert_eq!(
            first,
            ImageStats {
                processed: 4,
                cached: 0
            }
        );
        let (_, second) = publish(site.path(), [&image_use], 80).expect("cached");
        assert_eq!(
            second,
            ImageStats {
                processed: 0,
                cached: 4
            }
        );
        // A broken entry is made again.
        let MadeBytes::Cached(entry) = &files[0].bytes else {
            panic!("cached files are copied from the cache");
        };
        std::fs::write(entry, b"broken").expect("break an entry");
        let (_, third) = publish(site.path(), [&image_use], 80).expect("redone");
        assert_eq!(
            third,
            ImageStats {
                processed: 1,
                cached: 3
            }
        );
    }

    #[test]
    fn only_old_temporary_files_are_removed() {
        let cache = tempfile::tempdir().expect("temp dir");
        let old = cache.path().join(".tmp-1-0");
        let fresh = cache.path().join(".tmp-2-0");
        let entry = cache.path().join("ab12.webp");
        for file in [&old, &fresh, &entry] {
            std::fs::write(file, b"x").expect("write");
        }
        let long_ago = std::time::SystemTime::now() - 2 * ABANDONED_AFTER;
        std::fs::File::options()
            .write(true)
            .open(&old)
            .and_then(|f| f.set_modified(long_ago))
            .expect("age the file");
        remove_abandoned_files(cache.path());
        assert!(!old.exists(), "an abandoned temporary file goes");
        assert!(fresh.exists(), "one a running build may still write stays");
        assert!(entry.exists(), "entries stay");
    }

    #[test]
    fn a_truncated_photo_is_an_error_at_its_line() {
        let site = tempfile::tempdir().expect("temp dir");
        let source = site.path().join("photo.jpg");
        let whole = photo_bytes(64, 64);
        let info = crate::images::catalog::probe_bytes(ImageKind::Jpeg, &whole).expect("a JPEG");
        std::fs::write(&source, &whole[..whole.len() / 3]).expect("write");
        let image_use = ImageUse {
            variants: markup::variants(&info, "photo.jpg", &[32], 80),
            source,
            info: Arc::new(info),
            written: "photo.jpg".into(),
            file: "content/a.md".into(),
            line: 7,
            column: 2,
        };
        let problems = publish(site.path(), [&image_use], 80).expect_err("cut short");
        assert_eq!(problems[0].line, Some(7));
        assert!(
            problems[0].message.contains("photo.jpg cannot be read"),
            "{}",
            problems[0]
        );
    }
}
