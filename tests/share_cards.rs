//! Share cards: the 1200×630 PNG hub draws for every page without its own image, and the
//! `<head>` tags that point at it. Each test builds a small site made in the test with the
//! real binary, reads `og:image` and the Twitter tags with `scraper`, and decodes the card it
//! names with the `png` crate (which checks every chunk's CRC and the image data's checksum).
//! Pixels are compared with the card colours of site.toml: the default theme's blue
//! background and white text unless a test sets others.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;
use scraper::Html;

const WIDTH: usize = 1200;
const HEIGHT: usize = 630;
/// The default card colours (docs/configuration.md).
const BACKGROUND: [u8; 3] = [0x1d, 0x3f, 0x6e];
const TEXT: [u8; 3] = [0xff, 0xff, 0xff];
/// The title's band: below the accent bar and the site's and section's names.
const TITLE_ROWS: std::ops::Range<usize> = 190..630;
/// Text keeps 80 px from each side.
const MARGIN: usize = 80;

/// A decoded card.
struct Card {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Card {
    fn decode(bytes: &[u8]) -> Card {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG file");
        let mut rgb = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader
            .next_frame(&mut rgb)
            .expect("whole, valid image data");
        assert_eq!(
            info.color_type,
            png::ColorType::Rgb,
            "a palette expands to RGB"
        );
        rgb.truncate(info.buffer_size());
        Card {
            width: info.width as usize,
            height: info.height as usize,
            rgb,
        }
    }

    fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let at = (y * self.width + x) * 3;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }

    /// Pixels of the title's band in exactly the text colour.
    fn text_pixels(&self) -> usize {
        TITLE_ROWS
            .flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|&(x, y)| self.pixel(x, y) == TEXT)
            .count()
    }

    /// The box (left, top, right, bottom) around every pixel of the title's band that is not
    /// the background, or None for a band with nothing drawn.
    fn ink_box(&self) -> Option<(usize, usize, usize, usize)> {
        let inked: Vec<(usize, usize)> = TITLE_ROWS
            .flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|&(x, y)| self.pixel(x, y) != BACKGROUND)
            .collect();
        Some((
            inked.iter().map(|p| p.0).min()?,
            inked.iter().map(|p| p.1).min()?,
            inked.iter().map(|p| p.0).max()?,
            inked.iter().map(|p| p.1).max()?,
        ))
    }
}

/// `<meta property="og:…">` or `<meta name="twitter:…">`.
fn meta(html: &Html, attribute: &str, name: &str) -> Option<String> {
    select(html, &format!("meta[{attribute}=\"{name}\"]"))
        .first()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

fn og(html: &Html, name: &str) -> Option<String> {
    meta(html, "property", &format!("og:{name}"))
}

/// A site with a home page, a Tips section with two pages, and the given extra files.
fn site(extra_config: &str, pages: &[(&str, &str)]) -> TestSite {
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/tips/_index.md",
            "+++\ntitle = \"Tips\"\n+++\nTips.\n",
        ),
        (
            "content/tips/follow.md",
            "+++\ntitle = \"Follow thirty local groups\"\ntags = [\"community\"]\n+++\nBody.\n",
        ),
    ]);
    let config = fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", &format!("{config}{extra_config}"));
    for (path, text) in pages {
        site.write(path, text);
    }
    site
}

fn page(title: &str) -> String {
    format!("+++\ntitle = {title:?}\n+++\nBody.\n")
}

/// The card a built page points at: its file under public/, checked to be there.
fn card_of(site: &TestSite, html_path: &str) -> (String, Card) {
    let html = site.html(html_path);
    let url = og(&html, "image").unwrap_or_else(|| panic!("{html_path} has og:image"));
    let path = url
        .strip_prefix(&format!("{BASE}/"))
        .unwrap_or_else(|| panic!("{url} is an absolute URL of the site"));
    let bytes = fs::read(site.path("public").join(path))
        .unwrap_or_else(|e| panic!("{html_path}: og:image {url} is not a file: {e}"));
    (url, Card::decode(&bytes))
}

fn card_files(site: &TestSite) -> BTreeSet<String> {
    fs::read_dir(site.path("public/cards"))
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_page_with_open_graph_tags_points_at_a_1200_by_630_card() {
    let site = site("", &[]);
    site.build_ok(&[]);
    for html_path in [
        "index.html",
        "tips/index.html",
        "tips/follow/index.html",
        "tags/index.html",
        "tags/community/index.html",
    ] {
        let (url, card) = card_of(&site, html_path);
        assert!(
            url.starts_with(&format!("{BASE}/cards/")) && url.ends_with(".png"),
            "{html_path}: {url}"
        );
        assert_eq!((card.width, card.height), (WIDTH, HEIGHT), "{html_path}");
        let html = site.html(html_path);
        assert_eq!(og(&html, "image:width").as_deref(), Some("1200"));
        assert_eq!(og(&html, "image:height").as_deref(), Some("630"));
        assert_eq!(og(&html, "image:type").as_deref(), Some("image/png"));
        let alt = og(&html, "image:alt").unwrap_or_default();
        assert!(alt.contains("Test Site"), "{html_path}: alt {alt:?}");
        assert_eq!(
            meta(&html, "name", "twitter:card").as_deref(),
            Some("summary_large_image"),
            "{html_path}"
        );
        assert_eq!(meta(&html, "name", "twitter:image:alt"), Some(alt));
    }
    let html = site.html("tips/follow/index.html");
    assert_eq!(
        og(&html, "image:alt").as_deref(),
        Some("Follow thirty local groups — Test Site")
    );
    // The 404 page is not shared: no card.
    let not_found =
        Html::parse_document(&fs::read_to_string(site.path("public/404.html")).unwrap());
    assert_eq!(og(&not_found, "image"), None);
}

#[test]
fn changing_the_title_changes_the_card_and_its_address() {
    let site = site("", &[]);
    site.build_ok(&[]);
    let before_html = site.html("tips/follow/index.html");
    let before_url = og(&before_html, "image").unwrap();
    let (_, before) = card_of(&site, "tips/follow/index.html");
    site.write(
        "content/tips/follow.md",
        &page("Follow thirty local groups today"),
    );
    site.build_ok(&[]);
    let (after_url, after) = card_of(&site, "tips/follow/index.html");
    assert_ne!(before_url, after_url, "a new title, a new address");
    assert_ne!(before.rgb, after.rgb, "and a new picture");
    let old_file = before_url.rsplit('/').next().unwrap().to_string();
    assert!(
        !card_files(&site).contains(&old_file),
        "the old card is no longer published"
    );
}

#[test]
fn the_same_card_for_two_pages_is_one_file() {
    let site = site(
        "",
        &[
            ("content/tips/one.md", &page("Answer every question")),
            ("content/tips/two.md", &page("Answer every question")),
        ],
    );
    site.build_ok(&[]);
    let (one, _) = card_of(&site, "tips/one/index.html");
    let (two, _) = card_of(&site, "tips/two/index.html");
    assert_eq!(one, two);
    // Home, Tips, three pages of which two share a card, the tag, the list of tags.
    assert_eq!(card_files(&site).len(), 6, "{:?}", card_files(&site));
}

#[test]
fn the_title_is_drawn_and_a_longer_one_covers_more() {
    let site = site(
        "",
        &[
            ("content/tips/short.md", &page("Hi")),
            (
                "content/tips/longer.md",
                &page("Hi there, and welcome to our social media guide"),
            ),
        ],
    );
    site.build_ok(&[]);
    let (_, short) = card_of(&site, "tips/short/index.html");
    let (_, longer) = card_of(&site, "tips/longer/index.html");
    assert!(short.text_pixels() > 500, "a blank card fails here");
    assert!(
        longer.text_pixels() > short.text_pixels() * 3,
        "{} vs {}",
        longer.text_pixels(),
        short.text_pixels()
    );
    // The rest of the card: background at the corners, the accent bar along the top.
    assert_eq!(short.pixel(5, 625), BACKGROUND);
    assert_eq!(short.pixel(1195, 300), BACKGROUND);
    assert_eq!(short.pixel(600, 5), [0x0b, 0x6e, 0x69]);
}

#[test]
fn long_titles_and_very_long_words_stay_inside_the_margins() {
    let word = "Gwasanaethaucymdeithasolcynhwysfawrarleinacynaddysgiadol";
    let site = site(
        "",
        &[
            (
                "content/tips/long.md",
                &page(&"Follow thirty local groups and answer their questions kindly. ".repeat(12)),
            ),
            ("content/tips/word.md", &page(word)),
            (
                "content/tips/words.md",
                &page(&format!("{word}{word} and more")),
            ),
        ],
    );
    site.build_ok(&[]);
    for html_path in [
        "tips/long/index.html",
        "tips/word/index.html",
        "tips/words/index.html",
    ] {
        let (_, card) = card_of(&site, html_path);
        let (left, top, right, bottom) = card.ink_box().expect("something is drawn");
        assert!(left >= MARGIN - 4, "{html_path}: ink starts at x = {left}");
        assert!(
            right < WIDTH - MARGIN + 4,
            "{html_path}: ink ends at x = {right}"
        );
        assert!(
            top > TITLE_ROWS.start && bottom < TITLE_ROWS.end - 20,
            "{html_path}: rows {top}..{bottom}"
        );
        assert!(card.text_pixels() > 500, "{html_path}");
    }
}

#[test]
fn welsh_and_greek_titles_are_drawn_and_missing_letters_are_left_out_with_a_warning() {
    let site = site(
        "",
        &[
            ("content/tips/welsh.md", &page("Croeso: ŵyr, ŷd, â")),
            ("content/tips/plain.md", &page("Croeso: wyr, yd, a")),
            ("content/tips/greek.md", &page("Καλώς ήρθατε")),
            ("content/tips/mixed.md", &page("Croeso 日本語")),
            ("content/tips/croeso.md", &page("Croeso")),
        ],
    );
    let out = site.build_ok(&[]);
    let (_, welsh) = card_of(&site, "tips/welsh/index.html");
    let (_, plain) = card_of(&site, "tips/plain/index.html");
    let (_, greek) = card_of(&site, "tips/greek/index.html");
    // The accents are drawn above the letters: more ink, higher up, than without them.
    assert!(welsh.text_pixels() > plain.text_pixels());
    assert!(welsh.ink_box().unwrap().1 < plain.ink_box().unwrap().1);
    assert!(greek.text_pixels() > 1000);
    // Letters the font lacks are left out, not drawn as boxes: the card shows the rest only.
    let (mixed_url, mixed) = card_of(&site, "tips/mixed/index.html");
    let (croeso_url, croeso) = card_of(&site, "tips/croeso/index.html");
    assert_ne!(mixed_url, croeso_url);
    assert_eq!(mixed.rgb, croeso.rgb);
    let err = stderr(&out);
    assert!(
        err.contains("warning: content/tips/mixed.md:2:9:") && err.contains("日 本 語"),
        "{err}"
    );
    assert!(
        !err.contains("welsh.md") && !err.contains("greek.md"),
        "{err}"
    );
}

#[test]
fn a_page_with_its_own_image_gets_no_card() {
    let site = site(
        "",
        &[
            ("static/img/photo.png", "not really a picture"),
            (
                "content/tips/photo.md",
                "+++\ntitle = \"Our stand at the fair\"\nimage = \"/img/photo.png\"\nimage_alt = \"Two staff at a stall\"\n+++\nBody.\n",
            ),
        ],
    );
    site.build_ok(&[]);
    let html = site.html("tips/photo/index.html");
    assert_eq!(og(&html, "image"), Some(format!("{BASE}/img/photo.png")));
    assert_eq!(
        og(&html, "image:alt").as_deref(),
        Some("Two staff at a stall")
    );
    assert_eq!(og(&html, "image:width"), None, "hub does not know its size");
    assert_eq!(
        meta(&html, "name", "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    // Home, Tips, the follow page, the tag and the list of tags: no card for the photo page.
    assert_eq!(card_files(&site).len(), 5);
}

#[test]
fn cards_turned_off_give_no_card_and_og_image_only_for_own_images() {
    let site = site(
        "[cards]\nenabled = false\n",
        &[(
            "content/tips/photo.md",
            "+++\ntitle = \"Photo\"\nimage = \"https://cdn.example.org/p.jpg\"\n+++\nBody.\n",
        )],
    );
    site.build_ok(&[]);
    assert!(!site.path("public/cards").exists());
    let follow = site.html("tips/follow/index.html");
    assert_eq!(og(&follow, "image"), None);
    assert_eq!(
        meta(&follow, "name", "twitter:card").as_deref(),
        Some("summary")
    );
    let photo = site.html("tips/photo/index.html");
    assert_eq!(
        og(&photo, "image").as_deref(),
        Some("https://cdn.example.org/p.jpg")
    );
    assert_eq!(og(&photo, "image:alt").as_deref(), Some("Photo"));
    assert!(!site.path(".hub-cache").exists(), "no cache either");
}

#[test]
fn the_card_colours_come_from_site_toml() {
    let site = site(
        "[cards]\nbackground = \"#FFFFFF\"\ntext = \"#000000\"\naccent = \"#aa0000\"\n",
        &[],
    );
    site.build_ok(&[]);
    let (_, card) = card_of(&site, "tips/follow/index.html");
    assert_eq!(card.pixel(5, 625), [0xff, 0xff, 0xff]);
    assert_eq!(card.pixel(600, 5), [0xaa, 0x00, 0x00]);
    let black = TITLE_ROWS
        .flat_map(|y| (0..WIDTH).map(move |x| (x, y)))
        .filter(|&(x, y)| card.pixel(x, y) == [0, 0, 0])
        .count();
    assert!(black > 500, "the title in the text colour");
}

/// Modification times of the cache's files.
fn cache_times(root: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut times: Vec<_> = fs::read_dir(root.join(".hub-cache/cards"))
        .expect("the cache folder")
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    times.sort();
    times
}

fn build_with_timings(site: &TestSite) -> String {
    let out = assert_cmd::Command::cargo_bin("hub")
        .unwrap()
        .current_dir(site.root())
        .env("HUB_TIMINGS", "1")
        .arg("build")
        .output()
        .unwrap();
    assert_success(&out);
    stderr(&out)
}

#[test]
fn a_second_build_takes_every_card_from_the_cache_and_draws_none() {
    let site = site("", &[("content/tips/two.md", &page("Two"))]);
    let first = build_with_timings(&site);
    assert!(
        first.contains("share cards (6 drawn, 0 from the cache)"),
        "{first}"
    );
    let cached = cache_times(site.root());
    assert_eq!(cached.len(), 6);
    let published = site.snapshot("public/cards");
    let second = build_with_timings(&site);
    assert!(
        second.contains("share cards (0 drawn, 6 from the cache)"),
        "{second}"
    );
    assert_eq!(
        cache_times(site.root()),
        cached,
        "the cache is left untouched"
    );
    assert_eq!(site.snapshot("public/cards"), published);
}

#[test]
fn a_damaged_cache_entry_is_drawn_again() {
    let site = site("", &[]);
    site.build_ok(&[]);
    let published = site.snapshot("public/cards");
    for entry in fs::read_dir(site.path(".hub-cache/cards")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    let out = build_with_timings(&site);
    assert!(
        out.contains("share cards (5 drawn, 0 from the cache)"),
        "{out}"
    );
    assert_eq!(site.snapshot("public/cards"), published);
}

#[test]
fn a_cache_that_cannot_be_made_is_a_warning_and_the_cards_are_still_drawn() {
    let site = site("", &[]);
    site.write(".hub-cache", "a file where the cache folder would go");
    let out = site.build_ok(&[]);
    let err = stderr(&out);
    assert!(err.contains("warning: .hub-cache/cards:"), "{err}");
    assert_eq!(card_files(&site).len(), 5);
}

#[test]
fn a_bad_colour_is_an_error_at_its_line_and_nothing_is_written() {
    let site = site("[cards]\nenabled = true\naccent = \"teal\"\n", &[]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:5:10");
    let err = stderr(&out);
    assert!(err.contains("invalid colour \"teal\""), "{err}");
    assert!(err.contains("hint:") && err.contains("#rrggbb"), "{err}");
    assert!(!site.path("public").exists());
}

/// docs/share-cards.md shows docs/images/share-card.png as the card of a page: it must be
/// the picture hub draws for that page today (tests/fixtures/doc-share-card/). Pixels are
/// compared, not bytes, so that a change in compression alone does not fail here.
#[test]
fn the_card_in_the_docs_is_the_one_hub_draws_today() {
    let site = TestSite::fixture("doc-share-card");
    site.build_ok(&[]);
    let (url, drawn) = card_of(&site, "tips/follow-thirty/index.html");
    let documented = Card::decode(&fs::read(repo().join("docs/images/share-card.png")).unwrap());
    assert_eq!((documented.width, documented.height), (WIDTH, HEIGHT));
    assert!(
        documented.rgb == drawn.rgb,
        "docs/images/share-card.png is not the card hub draws now for \
         tests/fixtures/doc-share-card/content/tips/follow-thirty.md: build that fixture and \
         copy its card ({url}, under public/cards/) to docs/images/share-card.png"
    );
}

/// The preview's reply to `path`: status and body.
fn preview_get(port: u16, path: &str) -> (u16, Vec<u8>) {
    match ureq::get(&format!("http://127.0.0.1:{port}{path}")).call() {
        Ok(reply) => {
            let status = reply.status();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut reply.into_reader(), &mut body).unwrap();
            (status, body)
        }
        Err(ureq::Error::Status(status, _)) => (status, Vec::new()),
        Err(e) => panic!("GET {path}: {e}"),
    }
}

/// The path of the page's `og:image` in the preview.
fn preview_card_path(port: u16, page: &str) -> String {
    let (status, body) = preview_get(port, page);
    assert_eq!(status, 200, "{page}");
    let html = Html::parse_document(&String::from_utf8_lossy(&body));
    let image = og(&html, "image").expect("og:image");
    url::Url::parse(&image)
        .expect("an absolute URL")
        .path()
        .to_string()
}

#[test]
fn the_preview_serves_a_new_card_soon_after_a_title_is_edited() {
    let site = site("", &[]);
    let server = common::preview::Preview::start(site.root(), &[]);
    let before = preview_card_path(server.port, "/tips/follow/");
    let (status, bytes) = preview_get(server.port, &before);
    assert_eq!(status, 200, "{before}");
    let old = Card::decode(&bytes);
    assert_eq!((old.width, old.height), (WIDTH, HEIGHT));

    site.write("content/tips/follow.md", &page("Follow forty local groups"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let after = loop {
        let now = preview_card_path(server.port, "/tips/follow/");
        if now != before {
            break now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the page still shows its old card\n{}",
            server.transcript()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let (status, bytes) = preview_get(server.port, &after);
    assert_eq!(status, 200, "{after}");
    let new = Card::decode(&bytes);
    assert_eq!((new.width, new.height), (WIDTH, HEIGHT));
    assert_ne!(new.rgb, old.rgb);
}

#[test]
fn hub_init_keeps_the_cache_out_of_version_control() {
    let dir = TestSite::empty();
    assert_success(&hub_in(dir.root(), &["init", "site"]));
    let ignored = fs::read_to_string(dir.path("site/.gitignore")).expect("a .gitignore");
    let lines: Vec<&str> = ignored.lines().map(str::trim).collect();
    assert!(lines.contains(&"/.hub-cache/"), "{ignored}");
    assert!(lines.contains(&"/public/"), "{ignored}");
    // And the site it starts builds with its cards, the cache beside it.
    let site = dir.path("site");
    assert_success(&hub_in(&site, &["build"]));
    assert!(site.join(".hub-cache/cards").is_dir());
    assert!(site.join("public/cards").is_dir());
}
