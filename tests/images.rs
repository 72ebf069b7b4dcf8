//! Images in the content: photos become `<picture>`s of resized WebP and original-format
//! files that really exist and are what their names say; nothing published carries EXIF or
//! a GPS position; a photo taken on its side is published upright; the cache makes a second
//! build do no image work; broken images stop the build at the line that shows them; and
//! `hub check` warns about photos that record where they were taken.
//!
//! Every picture is made here with the `image` crate (and EXIF with kamadak-exif's writer),
//! so the repository holds no binary fixtures for these tests.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use common::{assert_site_error, assert_success, select, stderr, TestSite};
use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};

const BASE: &str = "https://hub.example.org";

/// A photo of `width`×`height` pixels, red in its left half and blue in its right, as JPEG.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([220, 30, 30])
        } else {
            image::Rgb([30, 30, 220])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode a JPEG");
    out
}

/// A PNG of `width`×`height` pixels with some transparency.
fn graphic(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([
            (x % 255) as u8,
            (y % 255) as u8,
            120,
            if x < 10 { 0 } else { 255 },
        ])
    });
    let mut out = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode a PNG");
    out
}

/// EXIF (as TIFF bytes) with an orientation and, when asked, a GPS position in Leeds.
fn exif_tiff(orientation: u16, with_position: bool) -> Vec<u8> {
    let rational = |num, denom| Rational { num, denom };
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![rational(53, 1), rational(47, 1), rational(3, 1)]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"W".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![rational(1, 1), rational(32, 1), rational(57, 1)]),
        },
    ];
    let mut writer = Writer::new();
    let count = if with_position { fields.len() } else { 1 };
    for field in &fields[..count] {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("write EXIF");
    tiff.into_inner()
}

/// `jpeg` with an EXIF segment (APP1) right after its start marker.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    let length = u16::try_from(payload.len() + 2).expect("small EXIF");
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(length.to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

/// The GPS latitude a file's EXIF holds, when it has EXIF with one.
fn gps_latitude(bytes: &[u8]) -> Option<String> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(Tag::GPSLatitude, In::PRIMARY)?;
    Some(field.display_value().to_string())
}

fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok()
}

/// Runs `hub <args>` in the site with `HUB_TIMINGS` set, so that it reports its image work.
fn hub_timed(site: &TestSite, args: &[&str]) -> Output {
    Command::cargo_bin("hub")
        .expect("hub binary")
        .current_dir(site.root())
        .env("HUB_TIMINGS", "1")
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run hub")
}

/// (processed, from cache) from the build's `timings: images N processed, M from cache` line.
fn image_work(out: &Output) -> (usize, usize) {
    let err = stderr(out);
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("timings: images "))
        .unwrap_or_else(|| panic!("no image timings in:\n{err}"));
    let numbers: Vec<usize> = line
        .split([' ', ','])
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// A published address as a path under public/.
fn public_path(site: &TestSite, url: &str) -> std::path::PathBuf {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not an address of the site"));
    site.path("public").join(path.trim_start_matches('/'))
}

/// `a.webp 480w, b.webp 800w` → [(a.webp, 480), (b.webp, 800)].
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("{candidate:?} has no width"));
            let width = width
                .strip_suffix('w')
                .and_then(|w| w.parse().ok())
                .unwrap_or_else(|| panic!("{candidate:?}: the width is not NNNw"));
            (url.to_string(), width)
        })
        .collect()
}

/// A site with a page bundle showing a wide photo, a PNG and a photo from static/.
fn site_with_photos() -> TestSite {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/posts/_index.md", "+++\ntitle = \"Posts\"\n+++\n"),
        (
            "content/posts/fair/index.md",
            "+++\ntitle = \"The summer fair\"\n+++\n\nOur stalls.\n\n\
             ![Stalls at the summer fair](stalls.jpg)\n\n\
             Visitors by hour:\n\n![Visitors by hour, busiest at noon](chart.png \"Visitors\")\n\n\
             ![Our team](/images/team.jpg)\n\n\
             ![A badge](https://badges.example.org/badge.jpg)\n",
        ),
    ]);
    site.write_bytes("content/posts/fair/stalls.jpg", &photo(2000, 1000));
    site.write_bytes("content/posts/fair/chart.png", &graphic(600, 400));
    site.write_bytes("static/images/team.jpg", &photo(1000, 750));
    site
}

#[test]
fn photos_become_pictures_whose_files_exist_and_are_what_they_say() {
    let site = site_with_photos();
    site.build_ok(&[]);
    let html = site.html("posts/fair/index.html");
    let pictures = select(&html, "picture");
    assert_eq!(pictures.len(), 3, "two bundle images and a static one");
    let expected = [
        // (alt, width, height, fallback format, widths)
        (
            "Stalls at the summer fair",
            2000,
            1000,
            image::ImageFormat::Jpeg,
            vec![480, 800, 1200, 1600],
        ),
        (
            "Visitors by hour, busiest at noon",
            600,
            400,
            image::ImageFormat::Png,
            vec![480, 600],
        ),
        (
            "Our team",
            1000,
            750,
            image::ImageFormat::Jpeg,
            vec![480, 800, 1000],
        ),
    ];
    for (index, (picture, (alt, width, height, fallback, widths))) in
        pictures.iter().zip(expected).enumerate()
    {
        let img = picture
            .select(&scraper::Selector::parse("img").expect("selector"))
            .next()
            .expect("an img in the picture");
        let source = picture
            .select(&scraper::Selector::parse("source").expect("selector"))
            .next()
            .expect("a WebP source in the picture");
        let attr = |name| img.value().attr(name).unwrap_or_default().to_string();
        assert_eq!(attr("alt"), alt);
        assert_eq!(attr("width"), width.to_string(), "{alt}: intrinsic width");
        assert_eq!(
            attr("height"),
            height.to_string(),
            "{alt}: intrinsic height"
        );
        assert_eq!(attr("decoding"), "async");
        assert!(!attr("sizes").is_empty(), "{alt}: sizes");
        let lazy = img.value().attr("loading");
        if index == 0 {
            assert_eq!(lazy, None, "the first picture of the page loads at once");
        } else {
            assert_eq!(lazy, Some("lazy"), "{alt}: later pictures load lazily");
        }
        assert_eq!(source.value().attr("type"), Some("image/webp"));
        assert_eq!(source.value().attr("sizes"), img.value().attr("sizes"));
        for (set, format) in [
            (source.value().attr("srcset"), image::ImageFormat::WebP),
            (img.value().attr("srcset"), fallback),
        ] {
            let candidates = srcset(set.expect("srcset"));
            let found: Vec<u32> = candidates.iter().map(|(_, w)| *w).collect();
            assert_eq!(
                found, widths,
                "{alt}: the widths, never wider than the photo"
            );
            for (url, descriptor) in candidates {
                let bytes = fs::read(public_path(&site, &url))
                    .unwrap_or_else(|e| panic!("{alt}: {url} is not published: {e}"));
                assert_eq!(image::guess_format(&bytes).ok(), Some(format), "{url}");
                let decoded = image::load_from_memory(&bytes).expect("decodes");
                assert_eq!(
                    decoded.width(),
                    descriptor,
                    "{url}: its width is its descriptor"
                );
                let expected_height = height * descriptor / width;
                assert!(
                    decoded.height().abs_diff(expected_height) <= 1,
                    "{url}: proportions kept ({} for {expected_height})",
                    decoded.height()
                );
            }
        }
        let widest = srcset(img.value().attr("srcset").expect("srcset"))
            .pop()
            .expect("a candidate");
        assert_eq!(attr("src"), widest.0, "{alt}: src is the widest fallback");
    }
    let title = select(&html, "picture img[title]");
    assert_eq!(title.len(), 1, "the chart's title is kept");
    let external = select(&html, "img[src='https://badges.example.org/badge.jpg']");
    assert_eq!(
        external.len(),
        1,
        "an image of another site stays as written"
    );
    // The originals are still published where they were (links to them keep working).
    assert!(site.path("public/posts/fair/stalls.jpg").is_file());
}

#[test]
fn webp_is_much_smaller_than_the_lossless_png_fallback_and_lossy() {
    // A photo-like PNG: lossy WebP at quality 80 must be far smaller than the PNG fallback.
    let site = TestSite::with_files(&[(
        "content/noise/index.md",
        "+++\ntitle = \"Noise\"\n+++\n\n![Texture](texture.png)\n",
    )]);
    let texture = image::RgbImage::from_fn(800, 600, |x, y| {
        let v = ((x * 7 + y * 13) ^ (x * y)) % 256;
        image::Rgb([v as u8, (v / 2) as u8, (255 - v) as u8])
    });
    let mut png = Vec::new();
    texture
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    site.write_bytes("content/noise/texture.png", &png);
    site.build_ok(&[]);
    let html = site.html("noise/index.html");
    let webp = srcset(
        select(&html, "source")[0]
            .value()
            .attr("srcset")
            .expect("srcset"),
    );
    let fallback = srcset(
        select(&html, "picture img")[0]
            .value()
            .attr("srcset")
            .expect("srcset"),
    );
    let size = |url: &str| {
        fs::metadata(public_path(&site, url))
            .expect("published")
            .len()
    };
    let (webp_800, png_800) = (size(&webp[1].0), size(&fallback[1].0));
    assert!(
        webp_800 * 2 < png_800,
        "lossy WebP ({webp_800} bytes) against the PNG ({png_800} bytes)"
    );
    let bytes = fs::read(public_path(&site, &webp[1].0)).expect("webp");
    assert_eq!(
        &bytes[12..16],
        b"VP8 ",
        "a lossy WebP (VP8), not lossless (VP8L)"
    );
}

#[test]
fn nothing_published_carries_exif_and_sideways_photos_are_upright() {
    // Stored 400×200, red left, blue right; EXIF orientation 6: shown turned a quarter
    // clockwise, 200 wide and 400 high, red at the top.
    let located = with_exif(&photo(400, 200), &exif_tiff(6, true));
    assert!(
        gps_latitude(&located).is_some(),
        "the test photo has a position"
    );
    let site = TestSite::with_files(&[(
        "content/visit/index.md",
        "+++\ntitle = \"A visit\"\n+++\n\n![Our garden](garden.jpg)\n",
    )]);
    site.write_bytes("content/visit/garden.jpg", &located);
    site.write_bytes("static/images/street.jpg", &located);
    site.write_bytes("content/visit/notes.jpg", &located);
    site.build_ok(&[]);

    let html = site.html("visit/index.html");
    let img = select(&html, "picture img")[0].value();
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("200"), Some("400"))
    );
    let mut published = Vec::new();
    for set in [
        select(&html, "source")[0].value().attr("srcset"),
        img.attr("srcset"),
    ] {
        for (url, width) in srcset(set.expect("srcset")) {
            assert_eq!(width, 200, "never wider than the photo as shown");
            published.push(public_path(&site, &url));
        }
    }
    for copied in ["visit/garden.jpg", "visit/notes.jpg", "images/street.jpg"] {
        published.push(site.path("public").join(copied));
    }
    for path in &published {
        let bytes = fs::read(path).expect("published");
        assert!(!has_exif(&bytes), "{} has EXIF", path.display());
        assert_eq!(
            gps_latitude(&bytes),
            None,
            "{} has a position",
            path.display()
        );
    }
    for resized in &published[..2] {
        let upright = image::open(resized).expect("decodes").to_rgb8();
        assert_eq!(upright.dimensions(), (200, 400), "{}", resized.display());
        let top = upright.get_pixel(100, 20);
        let bottom = upright.get_pixel(100, 380);
        assert!(top[0] > 150 && top[2] < 100, "red at the top: {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "blue at the bottom: {bottom:?}"
        );
    }
    // A copied file keeps its pixels: only the metadata went (no re-encoding).
    let copied = fs::read(site.path("public/images/street.jpg")).expect("copied");
    assert!(copied.len() < located.len());
    let original = image::load_from_memory(&located)
        .expect("decodes")
        .to_rgb8();
    let stripped = image::load_from_memory(&copied).expect("decodes").to_rgb8();
    assert_eq!(original, stripped, "the same pixels, stored as they were");
}

/// Modification times of the cache's files.
fn cache_times(site: &TestSite) -> BTreeMap<String, std::time::SystemTime> {
    fs::read_dir(site.path(".hub-cache/images"))
        .expect("the cache folder")
        .map(|entry| {
            let entry = entry.expect("entry");
            let time = entry.metadata().and_then(|m| m.modified()).expect("mtime");
            (entry.file_name().to_string_lossy().into_owned(), time)
        })
        .collect()
}

#[test]
fn a_second_build_does_no_image_work_and_a_changed_photo_is_made_again() {
    let site = site_with_photos();
    let first = hub_timed(&site, &["build"]);
    assert_success(&first);
    let (processed, cached) = image_work(&first);
    // stalls: 4 widths × 2 formats; chart: 2 × 2; team: 3 × 2.
    assert_eq!((processed, cached), (18, 0));
    let times = cache_times(&site);
    assert_eq!(times.len(), 18);

    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = hub_timed(&site, &["build"]);
    assert_success(&second);
    assert_eq!(image_work(&second), (0, 18), "everything from the cache");
    assert_eq!(cache_times(&site), times, "no cache file written again");

    let old_html = site.html("posts/fair/index.html");
    let old_src = select(&old_html, "picture img")[0]
        .value()
        .attr("src")
        .expect("src")
        .to_string();
    site.write_bytes("content/posts/fair/stalls.jpg", &photo(1800, 1200));
    let third = hub_timed(&site, &["build"]);
    assert_success(&third);
    assert_eq!(
        image_work(&third),
        (8, 10),
        "only the changed photo is made again"
    );
    let html = site.html("posts/fair/index.html");
    let img = select(&html, "picture img")[0].value();
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("1800"), Some("1200"))
    );
    let new_src = img.attr("src").expect("src");
    assert_ne!(
        new_src, old_src,
        "a new picture gets a new name, so caches never mix them"
    );
    assert!(public_path(&site, new_src).is_file());
    assert!(
        !public_path(&site, &old_src).exists(),
        "the old files are not published"
    );
}

#[test]
fn a_broken_cache_entry_is_made_again() {
    let site = site_with_photos();
    assert_success(&hub_timed(&site, &["build"]));
    let (name, _) = cache_times(&site).into_iter().next().expect("a cache file");
    fs::write(site.path(".hub-cache/images").join(&name), b"half a file").expect("break it");
    let again = hub_timed(&site, &["build"]);
    assert_success(&again);
    assert_eq!(image_work(&again), (1, 17));
    let remade = fs::read(site.path(".hub-cache/images").join(&name)).expect("remade");
    assert!(
        image::load_from_memory(&remade).is_ok(),
        "the entry is whole again"
    );
}

/// Builds `site` once as given, then runs `break_it` and builds again, returning that output
/// after checking public/ was left exactly as the good build wrote it.
fn build_then_break(site: &TestSite, break_it: impl FnOnce(&TestSite)) -> Output {
    site.build_ok(&[]);
    let before = site.snapshot("public");
    break_it(site);
    let out = site.hub(&["build"]);
    assert_eq!(site.snapshot("public"), before, "public/ is left as it was");
    out
}

#[test]
fn a_missing_photo_is_one_error_at_its_line() {
    let site = site_with_photos();
    let out = build_then_break(&site, |site| {
        fs::remove_file(site.path("content/posts/fair/chart.png")).expect("remove");
    });
    assert_site_error(&out, "content/posts/fair/index.md:11:1");
    let err = stderr(&out);
    assert_eq!(err.matches("error:").count(), 1, "one message:\n{err}");
    assert!(
        err.contains("hint: put chart.png in content/posts/fair/"),
        "{err}"
    );
}

#[test]
fn a_text_file_named_jpg_is_an_error_at_its_line() {
    let site = site_with_photos();
    let out = build_then_break(&site, |site| {
        site.write("content/posts/fair/stalls.jpg", "not a photo at all\n");
    });
    assert_site_error(&out, "content/posts/fair/index.md:7:1");
    let err = stderr(&out);
    assert!(
        err.contains(
            "the image stalls.jpg is not a JPEG image (is it another kind of file, renamed?)"
        ),
        "{err}"
    );
    assert!(err.contains("hint: open it in an image editor"), "{err}");
}

#[test]
fn a_truncated_png_is_an_error_at_its_line() {
    let site = site_with_photos();
    let whole = graphic(600, 400);
    let out = build_then_break(&site, |site| {
        site.write_bytes("content/posts/fair/chart.png", &whole[..whole.len() / 2]);
    });
    assert_site_error(&out, "content/posts/fair/index.md:11:1");
    let err = stderr(&out);
    assert!(
        err.contains("the image chart.png is not a whole PNG image"),
        "{err}"
    );
    assert!(err.contains("hint: open it in an image editor"), "{err}");
}

#[test]
fn check_warns_about_photos_that_record_where_they_were_taken() {
    let located = with_exif(&photo(300, 200), &exif_tiff(1, true));
    let unlocated = with_exif(&photo(300, 200), &exif_tiff(1, false));
    let site = TestSite::with_files(&[(
        "content/visit/index.md",
        "+++\ntitle = \"A visit\"\n+++\n\nOur garden.\n\n![Our garden](garden.jpg)\n\n![The gate](gate.jpg)\n",
    )]);
    site.write_bytes("content/visit/garden.jpg", &located);
    site.write_bytes("content/visit/gate.jpg", &unlocated);
    site.write_bytes("static/images/street.jpg", &located);
    let out = site.hub(&["check", "--format", "json"]);
    let findings: Vec<serde_json::Value> = common::stdout(&out)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|f: &serde_json::Value| f["rule"] == "images/location")
        .collect();
    let places: Vec<(String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("content/visit/index.md".to_string(), 7),
            ("static/images/street.jpg".to_string(), 1)
        ],
        "{}",
        common::stdout(&out)
    );
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    assert!(findings[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("garden.jpg")));
}

#[test]
fn gif_and_svg_are_published_as_they_are() {
    let site = TestSite::with_files(&[(
        "content/how/index.md",
        "+++\ntitle = \"How to\"\n+++\n\n![Tapping share](share.gif)\n\n![Our logo](logo.svg)\n",
    )]);
    let mut gif = Vec::new();
    image::RgbaImage::from_pixel(40, 30, image::Rgba([10, 200, 10, 255]))
        .write_to(&mut Cursor::new(&mut gif), image::ImageFormat::Gif)
        .expect("gif");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>\n";
    site.write_bytes("content/how/share.gif", &gif);
    site.write("content/how/logo.svg", svg);
    site.build_ok(&[]);
    let html = site.html("how/index.html");
    assert!(select(&html, "picture").is_empty(), "nothing resized");
    let imgs = select(&html, "img");
    let attrs = |i: usize, name: &str| imgs[i].value().attr(name).map(str::to_string);
    assert_eq!(
        attrs(0, "src").as_deref(),
        Some("https://hub.example.org/how/share.gif")
    );
    assert_eq!(
        (attrs(0, "width"), attrs(0, "height")),
        (Some("40".into()), Some("30".into()))
    );
    assert_eq!(attrs(0, "loading"), None, "the first image loads at once");
    assert_eq!(
        attrs(1, "src").as_deref(),
        Some("https://hub.example.org/how/logo.svg")
    );
    assert_eq!(attrs(1, "loading").as_deref(), Some("lazy"));
    assert_eq!(
        fs::read(site.path("public/how/share.gif")).expect("gif"),
        gif
    );
    assert_eq!(site.output("how/logo.svg"), svg);
}

#[test]
fn widths_and_quality_come_from_site_toml() {
    let site = site_with_photos();
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[images]\nwidths = [300, 640]\nquality = 60\n",
    );
    site.build_ok(&[]);
    let html = site.html("posts/fair/index.html");
    let set = srcset(
        select(&html, "source")[0]
            .value()
            .attr("srcset")
            .expect("srcset"),
    );
    assert_eq!(set.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [300, 640]);

    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n\n[images]\nwidths = [300, 0]\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:5");
    assert!(
        stderr(&out).contains("the image width 0"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_cache_folder_is_in_the_starters_gitignore() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init", "guide"]));
    let ignore = fs::read_to_string(site.path("guide/.gitignore")).expect("a .gitignore");
    assert!(
        ignore
            .lines()
            .any(|l| matches!(l.trim(), ".hub-cache/" | "/.hub-cache/")),
        "{ignore}"
    );
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".gitignore")
        .is_file());
}

/// GETs `path` from the preview: (status, content type, body).
fn preview_get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let url = format!("http://127.0.0.1:{port}{path}");
    let reply = match ureq::get(&url)
        .timeout(std::time::Duration::from_secs(20))
        .call()
    {
        Ok(reply) | Err(ureq::Error::Status(_, reply)) => reply,
        Err(e) => panic!("GET {url}: {e}"),
    };
    let status = reply.status();
    let content_type = reply.content_type().to_string();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut reply.into_reader(), &mut body).expect("read the reply");
    (status, content_type, body)
}

/// The paths (without scheme and host) of the WebP files the page's pictures offer.
fn webp_paths(page: &[u8]) -> Vec<String> {
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(page));
    select(&html, "picture source")
        .iter()
        .flat_map(|source| srcset(source.value().attr("srcset").unwrap_or_default()))
        .map(|(url, _)| {
            let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            after_scheme[after_scheme.find('/').unwrap_or(0)..].to_string()
        })
        .collect()
}

#[test]
fn the_preview_serves_resized_photos_and_shows_a_photo_added_to_a_bundle() {
    let site = TestSite::with_files(&[(
        "content/visit/index.md",
        "+++\ntitle = \"A visit\"\n+++\n\n![Our garden](garden.jpg)\n",
    )]);
    site.write_bytes("content/visit/garden.jpg", &photo(900, 600));
    let server = common::preview::Preview::start(site.root(), &[]);
    let (status, _, page) = preview_get(server.port, "/visit/");
    assert_eq!(status, 200);
    let first = webp_paths(&page);
    assert_eq!(first.len(), 3, "480, 800 and 900 wide: {first:?}");
    for path in &first {
        let (status, content_type, body) = preview_get(server.port, path);
        assert_eq!(
            (status, content_type.as_str()),
            (200, "image/webp"),
            "{path}"
        );
        assert_eq!(
            image::guess_format(&body).ok(),
            Some(image::ImageFormat::WebP)
        );
    }

    // A new photo in the bundle, and the page changed to show it.
    site.write_bytes("content/visit/gate.jpg", &photo(500, 400));
    site.write(
        "content/visit/index.md",
        "+++\ntitle = \"A visit\"\n+++\n\n![Our garden](garden.jpg)\n\n![The gate](gate.jpg)\n",
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let added = loop {
        let (_, _, page) = preview_get(server.port, "/visit/");
        let paths = webp_paths(&page);
        if paths.len() > first.len() {
            break paths;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new photo did not show within 30 s\n{}",
            server.transcript()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let gate: Vec<&String> = added.iter().filter(|p| p.contains("/gate.")).collect();
    assert_eq!(gate.len(), 2, "480 and 500 wide: {added:?}");
    for path in gate {
        let (status, _, body) = preview_get(server.port, path);
        assert_eq!(status, 200, "{path}");
        let decoded = image::load_from_memory(&body).expect("a picture");
        assert!(decoded.width() <= 500, "never wider than the photo");
    }
}

#[test]
fn an_edit_in_the_preview_looks_only_at_the_edited_pages_photos() {
    let site = TestSite::with_files(&[
        (
            "content/visit/index.md",
            "+++\ntitle = \"A visit\"\n+++\n\n![Our garden](garden.jpg)\n",
        ),
        (
            "content/fair/index.md",
            "+++\ntitle = \"The fair\"\n+++\n\n![The stalls](stalls.jpg)\n",
        ),
    ]);
    site.write_bytes("content/visit/garden.jpg", &photo(900, 600));
    site.write_bytes("content/fair/stalls.jpg", &photo(700, 500));
    let server =
        common::preview::Preview::start_with_env(site.root(), &[], &[("HUB_TIMINGS", "1")]);
    let image_lines = || -> Vec<String> {
        server
            .stderr_lines()
            .into_iter()
            .filter(|l| l.starts_with("timings: images "))
            .collect()
    };
    // The first build publishes both photos: garden at 480, 800 and 900 wide and stalls at
    // 480 and 700, each as WebP and JPEG.
    let first = image_lines();
    assert_eq!(first.len(), 1, "{}", server.transcript());
    assert!(
        first[0].starts_with("timings: images 10 processed, 0 from cache"),
        "{first:?}"
    );

    site.write(
        "content/visit/index.md",
        "+++\ntitle = \"A visit\"\n+++\n\nEdited.\n\n![Our garden](garden.jpg)\n",
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while image_lines().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no rebuild within 30 s\n{}",
            server.transcript()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Only the edited page's photo is looked at again: its six files, from the cache.
    let edit = &image_lines()[1];
    assert!(
        edit.starts_with("timings: images 0 processed, 6 from cache"),
        "{edit}"
    );
    let (status, _, _) = preview_get(server.port, "/fair/");
    assert_eq!(status, 200);
}

#[test]
fn a_file_named_like_a_resized_copy_is_a_clash_at_the_photos_line() {
    let site = site_with_photos();
    site.build_ok(&[]);
    let html = site.html("posts/fair/index.html");
    let taken = srcset(
        select(&html, "source")[0]
            .value()
            .attr("srcset")
            .expect("srcset"),
    )
    .remove(0)
    .0;
    let name = taken.rsplit('/').next().expect("a file name").to_string();
    let before = site.snapshot("public");
    site.write_bytes(&format!("content/posts/fair/{name}"), b"RIFF");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/posts/fair/index.md:7:1");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "would be written to posts/fair/{name}, where another file is"
        )),
        "{err}"
    );
    assert_eq!(site.snapshot("public"), before, "public/ is left as it was");
}
