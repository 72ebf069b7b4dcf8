//! Share cards: the 1200×630 picture that Facebook, LinkedIn, X, Mastodon, Bluesky and
//! WhatsApp show with a link, drawn by hub for every page without its own image. A card shows
//! the page's title, its section's name and the site's name, in the colours of `[cards]` in
//! site.toml, with the font compiled into hub (`font/`).
//!
//! A card is named by a hash of everything it shows (and of the font and the drawing code's
//! version): the name is its URL, `/cards/<hash>.png`, so a changed title gives a new URL
//! (platforms keep a picture by its URL), and pages that would show the same card share one
//! file. Cards drawn once are kept in `.hub-cache/cards/` in the site's folder, by the same
//! hash, and taken from there by the next build.
//!
//! Speed is the point of the design (a 10,000-page site gets 10,000 cards): the part of a
//! card that does not depend on the title is drawn and compressed once per section
//! (`encode::Backdrop`), glyphs are filled once per size (`font`), and each card copies its
//! title's glyphs into a 16-colour band and compresses only that band.
//!
//! This module reads and writes its cache and nothing else; it does not know pages or
//! templates: `render` says which cards the site needs ([`CardRequest`]).

mod draw;
mod encode;
mod font;
mod layout;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::output::{OutputContent, OutputFile};

pub(crate) use draw::{HEIGHT, WIDTH};

/// Bumped whenever the drawing changes, so that cached cards are drawn again.
const DRAWING_VERSION: &str = "hub share card 2";
/// The cache's folder, in the site's folder.
pub(crate) const CACHE_DIR: &str = ".hub-cache/cards";
/// The cards' folder in the output.
const OUTPUT_DIR: &str = "cards";
/// Hex digits of the hash in a card's file name: 64 bits, plenty for a site's cards.
const NAME_DIGITS: usize = 16;
/// Bytes of the checksum after the PNG in a cache file: a damaged entry is drawn again.
const CHECKSUM_BYTES: usize = 16;

/// A card the site needs: what it shows, and where its title comes from (for warnings).
#[derive(Debug, Clone)]
pub(crate) struct CardRequest {
    pub(crate) title: String,
    /// The section's name (or "Tag", a person's role), above the title.
    pub(crate) label: String,
    /// The file and line the title is written at.
    pub(crate) origin: PathBuf,
    pub(crate) line: Option<(usize, usize)>,
}

/// The cards of a build, and what making them took.
#[derive(Debug, Default)]
pub(crate) struct DrawnCards {
    pub(crate) files: Vec<OutputFile>,
    /// Titles with characters the font lacks; a cache that cannot be written.
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) drawn: usize,
    pub(crate) from_cache: usize,
}

/// True when the site's pages without an image get a card: `[cards] enabled` (the default),
/// and no `[extra] default_image`, which a site sets to show one picture for all of them.
pub(crate) fn enabled(config: &Config) -> bool {
    config.cards.enabled && !config.extra.contains_key("default_image")
}

/// The card's path in the output folder, `cards/<hash>.png`.
pub(crate) fn output_path(config: &Config, title: &str, label: &str) -> String {
    let key = card_key(config, title, label);
    format!("{OUTPUT_DIR}/{}.png", &key.to_hex()[..NAME_DIGITS])
}

/// Everything the card shows, hashed.
fn card_key(config: &Config, title: &str, label: &str) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(DRAWING_VERSION.as_bytes());
    hasher.update(font_hash().as_bytes());
    let colours = &config.cards;
    for colour in [colours.background, colours.text, colours.accent] {
        hasher.update(&colour.0);
    }
    // Lengths first, so that no two different texts run together into the same bytes.
    for text in [config.title.as_str(), label, title] {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.finalize()
}

fn font_hash() -> &'static blake3::Hash {
    static HASH: OnceLock<blake3::Hash> = OnceLock::new();
    HASH.get_or_init(|| blake3::hash(font::FONT_FILE))
}

/// Draws the cards `requests` ask for (each once), or takes them from the cache in `root`.
/// `whole_site`: the requests are every card of the site, so the cache can forget the rest
/// (cards of old titles), which would otherwise pile up.
pub(crate) fn draw_cards(
    root: &Path,
    config: &Config,
    requests: &[CardRequest],
    whole_site: bool,
) -> DrawnCards {
    let mut out = DrawnCards::default();
    if requests.is_empty() {
        return out;
    }
    let font = font::CardFont::get();
    out.warnings = missing_glyph_warnings(font, requests);
    // The site's name is on every card: one warning for it, at its line in site.toml.
    let site_toml = crate::config::CONFIG_FILE;
    if let Some(d) = missing_glyph_warning(font, &config.title, "the site's name", site_toml, None)
    {
        out.warnings.push(config.at_setting(d, "title"));
    }
    let mut unique: BTreeMap<String, &CardRequest> = BTreeMap::new();
    for request in requests {
        unique
            .entry(
                card_key(config, &request.title, &request.label)
                    .to_hex()
                    .to_string(),
            )
            .or_insert(request);
    }
    let cache = Cache::open(root);
    if let Err(problem) = &cache {
        out.warnings.push(problem.clone());
    }
    let cache = cache.ok();
    let backdrops = backdrops(font, config, unique.values().map(|r| r.label.as_str()));
    let unique: Vec<(String, &CardRequest)> = unique.into_iter().collect();
    let made: Vec<(OutputFile, bool)> = unique
        .par_iter()
        .with_max_len(8)
        .map(|(key, request)| {
            let cached = cache.as_ref().and_then(|c| c.read(key));
            let drawn = cached.is_none();
            let png = cached.unwrap_or_else(|| {
                let png = draw_card(font, &backdrops[request.label.as_str()], &request.title);
                if let Some(cache) = &cache {
                    cache.write(key, &png);
                }
                png
            });
            let file = OutputFile {
                path: format!("{OUTPUT_DIR}/{}.png", &key[..NAME_DIGITS]),
                content: OutputContent::Bytes(png),
            };
            (file, drawn)
        })
        .collect();
    if let (Some(cache), true) = (&cache, whole_site) {
        cache.forget_all_but(&unique.iter().map(|(key, _)| key.as_str()).collect());
    }
    for (file, drawn) in made {
        if drawn {
            out.drawn += 1;
        } else {
            out.from_cache += 1;
        }
        out.files.push(file);
    }
    out
}

/// Draws one card: its title on its section's backdrop.
fn draw_card(font: &font::CardFont, backdrop: &encode::Backdrop, title: &str) -> Vec<u8> {
    thread_local! {
        // Each thread keeps a canvas and encoding room for all the cards it draws.
        static ROOM: std::cell::RefCell<(draw::Canvas, encode::Scratch)> =
            std::cell::RefCell::new((draw::Canvas::for_band(), encode::Scratch::new()));
    }
    let title = draw::ShapedText::new(font, title);
    ROOM.with_borrow_mut(|(canvas, scratch)| {
        draw::draw_title(font, &title, canvas);
        backdrop.encode(canvas, scratch)
    })
}

/// One backdrop per section name, drawn in parallel (there are few).
fn backdrops<'a>(
    font: &font::CardFont,
    config: &Config,
    labels: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, Arc<encode::Backdrop>> {
    let mut labels: Vec<&str> = labels.collect();
    labels.sort_unstable();
    labels.dedup();
    let site_name = draw::ShapedText::new(font, &config.title);
    let colours = draw::Colours::from(&config.cards);
    labels
        .par_iter()
        .map(|&label| {
            let top = draw::draw_top(font, &site_name, &draw::ShapedText::new(font, label));
            (label, Arc::new(encode::Backdrop::new(colours, &top)))
        })
        .collect()
}

/// A warning for each title with characters the font cannot draw. (A section's name, shown
/// above its pages' titles, is the title of the section's own card.)
fn missing_glyph_warnings(font: &font::CardFont, requests: &[CardRequest]) -> Vec<Diagnostic> {
    requests
        .iter()
        .filter_map(|r| missing_glyph_warning(font, &r.title, "the title", &r.origin, r.line))
        .collect()
}

/// The warning for `text` (`what` the card calls it), written at `origin` (and `line`), when
/// the font lacks any of its characters.
fn missing_glyph_warning(
    font: &font::CardFont,
    text: &str,
    what: &str,
    origin: impl AsRef<Path>,
    line: Option<(usize, usize)>,
) -> Option<Diagnostic> {
    let missing = font.missing_chars(text);
    if missing.is_empty() {
        return None;
    }
    let listed: String = missing.iter().map(|c| format!(" {c}")).collect();
    let mut d = Diagnostic::new(
        origin.as_ref(),
        format!(
            "the share card's font has no letters for{listed}: the card shows {what} without them"
        ),
    )
    .hint(
        "the cards' font covers Latin (with Welsh), Greek and Cyrillic; give the page its \
         own `image` to show another picture when it is shared",
    );
    if let Some((line, column)) = line {
        d = d.at(line, Some(column));
    }
    Some(d)
}

/// `.hub-cache/cards/` in the site's folder: one file a card, named by its whole hash,
/// holding the PNG and a checksum of it.
struct Cache {
    dir: PathBuf,
}

impl Cache {
    fn open(root: &Path) -> Result<Cache, Diagnostic> {
        let dir = root.join(CACHE_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::new(
                CACHE_DIR,
                format!("cannot make the share cards' cache folder: {e}; cards are drawn afresh on every build"),
            )
            .hint("make the site's folder writable, or remove what is in the way at .hub-cache")
        })?;
        Ok(Cache { dir })
    }

    /// The card's PNG, when the cache has it whole.
    fn read(&self, key: &str) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.dir.join(format!("{key}.png"))).ok()?;
        let png_len = bytes.len().checked_sub(CHECKSUM_BYTES)?;
        let sum = blake3::hash(&bytes[..png_len]);
        if bytes[png_len..] != sum.as_bytes()[..CHECKSUM_BYTES] {
            return None;
        }
        bytes.truncate(png_len);
        Some(bytes)
    }

    /// Removes the cards not in `keep` (by their whole hash).
    fn forget_all_but(&self, keep: &std::collections::HashSet<&str>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(key) = name.to_str().and_then(|n| n.strip_suffix(".png")) else {
                continue;
            };
            let is_card = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
            if is_card && !keep.contains(key) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Keeps the card: written beside its place, then renamed, so that no reader ever sees
    /// half a file. A cache that cannot be written only costs time: the card is drawn
    /// again next build.
    fn write(&self, key: &str, png: &[u8]) {
        let mut bytes = Vec::with_capacity(png.len() + CHECKSUM_BYTES);
        bytes.extend_from_slice(png);
        bytes.extend_from_slice(&blake3::hash(png).as_bytes()[..CHECKSUM_BYTES]);
        let temporary = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        let written = std::fs::write(&temporary, &bytes)
            .and_then(|()| std::fs::rename(&temporary, self.dir.join(format!("{key}.png"))));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "title = \"Northshire\"\nbase_url = \"https://e.org\"\n{extra}"
        ))
        .unwrap()
    }

    fn request(title: &str) -> CardRequest {
        CardRequest {
            title: title.into(),
            label: "Tips".into(),
            origin: "content/tips/a.md".into(),
            line: Some((2, 9)),
        }
    }

    #[test]
    fn a_card_is_named_by_what_it_shows() {
        let c = config("");
        let a = output_path(&c, "A title", "Tips");
        assert!(a.starts_with("cards/") && a.ends_with(".png") && a.len() == 6 + 16 + 4);
        assert_eq!(a, output_path(&c, "A title", "Tips"));
        assert_ne!(a, output_path(&c, "A title!", "Tips"));
        assert_ne!(a, output_path(&c, "A title", "Posts"));
        let red = config("[cards]\nbackground = \"#aa0000\"\n");
        assert_ne!(a, output_path(&red, "A title", "Tips"));
        // The label and the title do not run together.
        assert_ne!(output_path(&c, "b", "a"), output_path(&c, "", "ab"));
    }

    #[test]
    fn cards_are_cached_and_a_damaged_entry_is_drawn_again() {
        let root = tempfile::tempdir().unwrap();
        let c = config("");
        let requests = [request("Follow thirty local groups")];
        let first = draw_cards(root.path(), &c, &requests, true);
        assert_eq!((first.drawn, first.from_cache), (1, 0));
        let second = draw_cards(root.path(), &c, &requests, true);
        assert_eq!((second.drawn, second.from_cache), (0, 1));
        let bytes = |d: &DrawnCards| match &d.files[0].content {
            OutputContent::Bytes(b) => b.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(bytes(&first), bytes(&second));
        // Damage the entry: one byte of the PNG changed.
        let entry = std::fs::read_dir(root.path().join(CACHE_DIR))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut damaged = std::fs::read(&entry).unwrap();
        damaged[100] ^= 0xff;
        std::fs::write(&entry, &damaged).unwrap();
        let third = draw_cards(root.path(), &c, &requests, true);
        assert_eq!((third.drawn, third.from_cache), (1, 0));
        assert_eq!(bytes(&third), bytes(&first));
    }

    #[test]
    fn a_whole_site_build_forgets_cards_no_page_shows_and_a_partial_one_keeps_them() {
        let root = tempfile::tempdir().unwrap();
        let c = config("");
        let cached = || {
            std::fs::read_dir(root.path().join(CACHE_DIR))
                .unwrap()
                .count()
        };
        draw_cards(root.path(), &c, &[request("Old title")], true);
        std::fs::write(root.path().join(CACHE_DIR).join("notes.txt"), "mine").unwrap();
        draw_cards(root.path(), &c, &[request("Edited title")], false);
        assert_eq!(cached(), 3, "a preview's partial build keeps the old card");
        draw_cards(root.path(), &c, &[request("Edited title")], true);
        assert_eq!(
            cached(),
            2,
            "the old card is gone; other files are left alone"
        );
        let again = draw_cards(root.path(), &c, &[request("Edited title")], true);
        assert_eq!(again.from_cache, 1);
    }

    #[test]
    fn the_same_card_twice_is_drawn_once_and_missing_letters_are_warned_about() {
        let root = tempfile::tempdir().unwrap();
        let requests = [request("Same"), request("Same"), request("Croeso 日本")];
        let drawn = draw_cards(root.path(), &config(""), &requests, true);
        assert_eq!(drawn.files.len(), 2);
        assert_eq!(drawn.warnings.len(), 1);
        let w = &drawn.warnings[0];
        assert_eq!((w.line, w.column), (Some(2), Some(9)));
        assert!(w.message.contains("日 本"), "{}", w.message);
        let named = Config::parse("title = \"日本\"\nbase_url = \"https://e.org\"\n").unwrap();
        let drawn = draw_cards(root.path(), &named, &requests[..1], true);
        assert_eq!(drawn.warnings.len(), 1, "the site's name, once");
        assert_eq!(drawn.warnings[0].path, Path::new("site.toml"));
        assert_eq!(drawn.warnings[0].line, Some(1));
    }
}
