//! What the build knows of each image file of the site before any pixel is decoded: its
//! format, its size as shown (after the EXIF orientation), a hash of its bytes, and whether
//! it records where it was taken. Read once per build at the edge of the pipeline, so that
//! the site model can write `<picture>` markup without IO.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use rayon::prelude::*;

use super::{strip_metadata, ImageKind};

/// One image file as the build sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageInfo {
    pub(crate) kind: ImageKind,
    /// Size as shown: width and height swapped for a photo taken on its side. 0 for SVG.
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// The EXIF orientation (1 to 8), applied when the photo is resized.
    pub(crate) orientation: u8,
    /// blake3 of the file's bytes: the cache key, and the short hash in published names.
    pub(crate) hash: [u8; 32],
    /// The file records a GPS position.
    pub(crate) has_location: bool,
    /// The file carries EXIF, XMP or IPTC, which publishing strips.
    pub(crate) has_metadata: bool,
}

/// An image read, or why it cannot be read (in words for the writer).
pub(crate) type Probe = Result<Arc<ImageInfo>, String>;

/// Every image file of the site (content/ and static files) with what was read of it.
#[derive(Debug, Default, Clone)]
pub struct ImageCatalog {
    /// Content path (`posts/fair/photo.jpg`) → file.
    by_content_path: HashMap<String, PathBuf>,
    /// Published path of a static file (`images/team.jpg`) → file.
    by_static_path: HashMap<String, PathBuf>,
    probes: HashMap<PathBuf, Probe>,
    /// The widths photos are published at (`[images] widths`).
    pub(crate) widths: Vec<u32>,
    /// The quality of lossy copies (`[images] quality`).
    pub(crate) quality: u8,
}

impl ImageCatalog {
    /// Reads the image files among `content_assets` and the static files (published path,
    /// file on disk), on every core.
    pub(crate) fn load<'a>(
        content_assets: &[crate::content::AssetFile],
        statics: impl IntoIterator<Item = (&'a str, &'a Path)>,
        (widths, quality): (&[u32], u8),
    ) -> ImageCatalog {
        let by_content_path: HashMap<String, PathBuf> = content_assets
            .iter()
            .filter(|a| ImageKind::of(&a.source).is_some())
            .map(|a| (a.content_path.clone(), a.source.clone()))
            .collect();
        let by_static_path: HashMap<String, PathBuf> = statics
            .into_iter()
            .filter(|(_, source)| ImageKind::of(source).is_some())
            .map(|(path, source)| (path.to_string(), source.to_path_buf()))
            .collect();
        let sources: Vec<&PathBuf> = by_content_path
            .values()
            .chain(by_static_path.values())
            .collect();
        let probes = sources
            .into_par_iter()
            .map(|source| (source.clone(), probe_remembered(source)))
            .collect();
        ImageCatalog {
            by_content_path,
            by_static_path,
            probes,
            widths: widths.to_vec(),
            quality,
        }
    }

    /// The image at `content_path` in content/, with what was read of it.
    pub(crate) fn content_image(&self, content_path: &str) -> Option<(&Path, &Probe)> {
        let source = self.by_content_path.get(content_path)?;
        Some((source, self.probes.get(source)?))
    }

    /// The static image published at `path` (`images/team.jpg`).
    pub(crate) fn static_image(&self, path: &str) -> Option<(&Path, &Probe)> {
        let source = self.by_static_path.get(path)?;
        Some((source, self.probes.get(source)?))
    }

    /// What was read of the image file at `source`, when it is one of the site's.
    pub(crate) fn probe(&self, source: &Path) -> Option<&Probe> {
        self.probes.get(source)
    }

    /// Every image file that records where it was taken, in path order.
    pub(crate) fn located(&self) -> Vec<&Path> {
        let mut located: Vec<&Path> = self
            .probes
            .iter()
            .filter(|(_, probe)| probe.as_ref().is_ok_and(|info| info.has_location))
            .map(|(source, _)| source.as_path())
            .collect();
        located.sort();
        located
    }
}

/// What makes a remembered reading still true: the file's size and modification time.
type Stamp = (u64, Option<SystemTime>);

/// Readings of earlier builds in this process, so that the preview server, which builds
/// again on every save, reads and hashes an unchanged photo once. Process-wide because the
/// readings of files are true whatever build asks.
fn memory() -> &'static Mutex<HashMap<PathBuf, (Stamp, Probe)>> {
    static MEMORY: OnceLock<Mutex<HashMap<PathBuf, (Stamp, Probe)>>> = OnceLock::new();
    MEMORY.get_or_init(Default::default)
}

/// [`probe_file`], remembered while the file's size and time stay the same.
fn probe_remembered(source: &Path) -> Probe {
    let stamp = std::fs::metadata(source)
        .ok()
        .map(|meta| (meta.len(), meta.modified().ok()));
    let remembered = |memory: &HashMap<PathBuf, (Stamp, Probe)>| {
        let (known, probe) = memory.get(source)?;
        (Some(known) == stamp.as_ref()).then(|| probe.clone())
    };
    if let Some(probe) = memory().lock().ok().and_then(|m| remembered(&m)) {
        return probe;
    }
    let probe = probe_file(source);
    if let (Some(stamp), Ok(mut memory)) = (stamp, memory().lock()) {
        memory.insert(source.to_path_buf(), (stamp, probe.clone()));
    }
    probe
}

fn probe_file(source: &Path) -> Probe {
    let kind = ImageKind::of(source).ok_or_else(|| "not an image".to_string())?;
    let bytes = std::fs::read(source).map_err(|e| format!("cannot be read ({e})"))?;
    probe_bytes(kind, &bytes).map(Arc::new)
}

/// Reads the header, the EXIF and the hash of an image file's bytes.
pub(crate) fn probe_bytes(kind: ImageKind, bytes: &[u8]) -> Result<ImageInfo, String> {
    let hash = *blake3::hash(bytes).as_bytes();
    if kind == ImageKind::Svg {
        return Ok(ImageInfo {
            kind,
            width: 0,
            height: 0,
            orientation: 1,
            hash,
            has_location: false,
            has_metadata: false,
        });
    }
    let (stored_width, stored_height) = image::ImageReader::with_format(
        Cursor::new(bytes),
        kind.format().unwrap_or(image::ImageFormat::Png),
    )
    .into_dimensions()
    .map_err(|_| unreadable(kind, bytes))?;
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok();
    let orientation = exif
        .as_ref()
        .and_then(|exif| exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY))
        .and_then(|field| field.value.get_uint(0))
        .and_then(|value| u8::try_from(value).ok())
        .filter(|value| (1..=8).contains(value))
        .unwrap_or(1);
    let has_location = exif.as_ref().is_some_and(|exif| {
        [exif::Tag::GPSLatitude, exif::Tag::GPSLongitude]
            .into_iter()
            .any(|tag| exif.get_field(tag, exif::In::PRIMARY).is_some())
    });
    let has_metadata = strip_metadata(kind, bytes)
        .map_err(|e| format!("is {e}"))?
        .is_some();
    // Orientations 5 to 8 turn the picture a quarter: it is shown taller than it is stored.
    let (width, height) = if orientation >= 5 {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    Ok(ImageInfo {
        kind,
        width,
        height,
        orientation,
        hash,
        has_location,
        has_metadata,
    })
}

/// Why an image file's header does not read, in the writer's words.
fn unreadable(kind: ImageKind, bytes: &[u8]) -> String {
    let name = kind.name();
    match image::guess_format(bytes).ok().map(ImageKind::from_format) {
        Some(Some(actual)) if actual != kind => {
            format!("is a {} image with a name for {name} images", actual.name())
        }
        Some(_) => format!("is a damaged {name} image: its start cannot be read"),
        None => format!("is not a {name} image (is it another kind of file, renamed?)"),
    }
}
