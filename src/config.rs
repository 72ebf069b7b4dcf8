//! `site.toml` → [`Config`]. Loading is strict: an unknown key is an error naming the key,
//! because a typo in a setting must not pass silently. Every setting is checked here, once,
//! as far as its text alone allows; where a later stage can still refuse one (a theme folder
//! that does not exist, an output folder on disk), the setting's place in site.toml is kept
//! in the [`Config`], so that no stage reads the file again to point at it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{find_key, toml_diagnostic, Diagnostic, Error, Result};
use crate::markdown::Highlighting;

/// The name of the configuration file at a site's root.
pub(crate) const CONFIG_FILE: &str = "site.toml";

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub(crate) title: String,
    pub(crate) base_url: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default = "default_language")]
    pub(crate) language: String,
    #[serde(default)]
    pub(crate) author: String,
    #[serde(default = "default_theme")]
    pub(crate) theme: String,
    #[serde(default = "default_output_dir")]
    pub(crate) output_dir: String,
    #[serde(default)]
    pub(crate) feeds: FeedsConfig,
    #[serde(default)]
    pub(crate) share: ShareConfig,
    #[serde(default)]
    pub(crate) social: SocialConfig,
    #[serde(default)]
    pub(crate) markdown: MarkdownConfig,
    #[serde(default)]
    pub(crate) check: CheckConfig,
    #[serde(default)]
    pub(crate) search: SearchConfig,
    #[serde(default)]
    pub(crate) cards: CardsConfig,
    #[serde(default)]
    pub(crate) images: ImagesConfig,
    #[serde(default)]
    pub(crate) extra: toml::Table,
    /// `[markdown] highlight_theme` read at load: the mode, or the problem (placed on the
    /// setting) that the build reports when it comes to highlighting, as it always has, so
    /// that `hub check` lists it beside the pages' findings. See [`Config::highlighting`].
    #[serde(skip, default = "unread_highlighting")]
    highlighting: std::result::Result<Highlighting, Diagnostic>,
    /// Where the settings of [`PLACED_SETTINGS`] are written: (line, value column).
    #[serde(skip)]
    positions: BTreeMap<&'static str, (usize, usize)>,
}

/// The settings whose place in site.toml is kept at load, for problems found then or later.
const PLACED_SETTINGS: &[&str] = &[
    "title",
    "base_url",
    "platforms",
    "theme",
    "output_dir",
    "highlight_theme",
    "mastodon_instance",
    "default_image",
    "facebook",
    "x",
    "linkedin",
    "mastodon",
    "bluesky",
    "instagram",
    "youtube",
    "widths",
    "quality",
];

/// Only until [`Config::parse`] reads the setting: every `Config` comes from there.
fn unread_highlighting() -> std::result::Result<Highlighting, Diagnostic> {
    Ok(Highlighting::Classes)
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> String {
    "public".into()
}

/// `[images]`: the widths photos in the text are published at, and the quality of their
/// lossy encodings (see docs/configuration.md).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImagesConfig {
    #[serde(default = "default_image_widths")]
    pub(crate) widths: Vec<u32>,
    #[serde(default = "default_image_quality")]
    pub(crate) quality: u8,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: default_image_widths(),
            quality: default_image_quality(),
        }
    }
}

/// A phone's width, a tablet's, a laptop's and twice the text column for sharp screens.
fn default_image_widths() -> Vec<u32> {
    vec![480, 800, 1200, 1600]
}
/// Where WebP and JPEG photos stay sharp at about a third of their size at 100.
fn default_image_quality() -> u8 {
    80
}
/// Widths outside this range are mistakes: a picture narrower than an icon, or wider than
/// any screen.
const IMAGE_WIDTHS: std::ops::RangeInclusive<u32> = 16..=8000;

/// `[feeds]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeedsConfig {
    #[serde(default = "all_feed_kinds")]
    pub(crate) formats: Vec<FeedKind>,
    #[serde(default = "default_feed_limit")]
    pub(crate) limit: usize,
    /// Whether hub writes its "Get updates" page at `/updates/` (listing the feeds).
    #[serde(default = "yes")]
    pub(crate) updates_page: bool,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            formats: all_feed_kinds(),
            limit: default_feed_limit(),
            updates_page: true,
        }
    }
}

fn all_feed_kinds() -> Vec<FeedKind> {
    vec![FeedKind::Atom, FeedKind::Rss, FeedKind::Json]
}
fn default_feed_limit() -> usize {
    20
}

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FeedKind {
    Atom,
    Rss,
    Json,
}

/// `[share]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShareConfig {
    #[serde(default = "default_share_platforms")]
    pub(crate) platforms: Vec<SharePlatform>,
    #[serde(default)]
    pub(crate) x_handle: Option<String>,
    #[serde(default)]
    pub(crate) mastodon_instance: Option<String>,
}

impl Default for ShareConfig {
    fn default() -> Self {
        ShareConfig {
            platforms: default_share_platforms(),
            x_handle: None,
            mastodon_instance: None,
        }
    }
}

fn default_share_platforms() -> Vec<SharePlatform> {
    vec![
        SharePlatform::Facebook,
        SharePlatform::X,
        SharePlatform::Linkedin,
        SharePlatform::Email,
    ]
}

/// A platform a page can be shared to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SharePlatform {
    Facebook,
    X,
    Linkedin,
    Mastodon,
    Bluesky,
    Whatsapp,
    Email,
}

/// `[social]`: the organisation's own profiles.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SocialConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) facebook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) linkedin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mastodon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bluesky: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) instagram: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) youtube: Option<String>,
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkdownConfig {
    #[serde(default = "default_highlight_theme")]
    highlight_theme: String,
    #[serde(default = "yes")]
    pub(crate) smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: default_highlight_theme(),
            smart_punctuation: true,
        }
    }
}

fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}
fn yes() -> bool {
    true
}

/// `[check]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckConfig {
    #[serde(default)]
    pub(crate) allow: Vec<String>,
}

/// `[search]`: the site's own search page and index (src/search/).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchConfig {
    /// Whether hub writes the search index, the `/search/` page and the header's search box.
    #[serde(default = "yes")]
    pub(crate) enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

/// `[cards]`: the share cards hub draws for pages without their own image (src/cards/).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardsConfig {
    #[serde(default = "yes")]
    pub(crate) enabled: bool,
    /// The default theme's colours: its header's blue, white text, its teal rule.
    #[serde(default = "default_card_background")]
    pub(crate) background: Colour,
    #[serde(default = "default_card_text")]
    pub(crate) text: Colour,
    #[serde(default = "default_card_accent")]
    pub(crate) accent: Colour,
}

impl Default for CardsConfig {
    fn default() -> Self {
        CardsConfig {
            enabled: true,
            background: default_card_background(),
            text: default_card_text(),
            accent: default_card_accent(),
        }
    }
}

fn default_card_background() -> Colour {
    Colour([0x1d, 0x3f, 0x6e])
}
fn default_card_text() -> Colour {
    Colour([0xff, 0xff, 0xff])
}
fn default_card_accent() -> Colour {
    Colour([0x0b, 0x6e, 0x69])
}

/// A colour written `"#rrggbb"` in site.toml. A wrong one is refused while site.toml is
/// read, so the error points at its line (see `error::toml_hint` for the advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub(crate) struct Colour(pub(crate) [u8; 3]);

impl TryFrom<String> for Colour {
    type Error = String;

    fn try_from(text: String) -> std::result::Result<Colour, String> {
        let invalid = || format!("invalid colour {text:?}");
        let hex = text.trim().strip_prefix('#').ok_or_else(invalid)?;
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| invalid());
        Ok(Colour([channel(0)?, channel(2)?, channel(4)?]))
    }
}

impl From<Colour> for String {
    fn from(colour: Colour) -> String {
        let [r, g, b] = colour.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

impl Config {
    /// Reads and validates `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = crate::source::decode_text(Path::new(CONFIG_FILE), bytes)?;
        Config::parse(&text)
    }

    /// Parses and validates the text of `site.toml`.
    pub(crate) fn parse(text: &str) -> Result<Config> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| toml_diagnostic(CONFIG_FILE, text, 0, &e))?;
        config.positions = PLACED_SETTINGS
            .iter()
            .filter_map(|&key| Some((key, find_key(text, key)?)))
            .collect();
        config.validate()?;
        Ok(config)
    }

    /// `problem`, placed on `key`'s line and value column in site.toml when it is written
    /// there (a setting left to its default has no place).
    pub(crate) fn at_setting(&self, problem: Diagnostic, key: &str) -> Diagnostic {
        place(&self.positions, problem, key)
    }

    /// How fenced code is coloured, or the error for an unknown `highlight_theme`.
    pub(crate) fn highlighting(&self) -> Result<Highlighting> {
        self.highlighting.clone().map_err(Error::site)
    }

    fn validate(&mut self) -> Result<()> {
        let mut problems = Vec::new();
        // A copy, so that the settings can be normalised while problems are placed.
        let positions = self.positions.clone();
        let at_key = |key: &str, message: String, hint: &str| {
            place(
                &positions,
                Diagnostic::new(CONFIG_FILE, message).hint(hint),
                key,
            )
        };
        if self.title.trim().is_empty() {
            problems.push(at_key(
                "title",
                "`title` is empty".into(),
                "give the site a name, e.g. title = \"Northshire Adult Social Care\"",
            ));
        }
        match normalise_base_url(&self.base_url) {
            Some(base) => self.base_url = base,
            None => problems.push(at_key(
                "base_url",
                format!("`base_url` must be an absolute http(s) address, not {:?}", self.base_url),
                "write the address the site will live at, e.g. base_url = \"https://hub.example.org\"",
            )),
        }
        if self.share.platforms.contains(&SharePlatform::Mastodon)
            && self
                .share
                .mastodon_instance
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            problems.push(at_key(
                "platforms",
                "\"mastodon\" is listed in [share] platforms but `mastodon_instance` is not set"
                    .into(),
                "add mastodon_instance = \"mastodon.social\" (your server's name) under [share]",
            ));
        }
        for (key, value) in self.social.accounts() {
            if let Some(why) = not_a_web_address(value) {
                problems.push(at_key(
                    key,
                    format!("the [social] address {key} = {value:?} {why}"),
                    "write the full address of the account's page, starting with https://, e.g. facebook = \"https://www.facebook.com/northshirecare\"",
                ));
            }
        }
        if let Some(instance) = &self.share.mastodon_instance {
            if !crate::address::is_host_name(instance.trim()) {
                problems.push(at_key(
                    "mastodon_instance",
                    format!("`mastodon_instance` must be the name of a Mastodon server, not {instance:?}"),
                    "write the server's name alone, without https:// or a path, e.g. mastodon_instance = \"mastodon.social\"",
                ));
            }
        }
        if let Some(why) = self
            .extra
            .get("default_image")
            .and_then(|v| v.as_str())
            .and_then(crate::address::unsafe_address)
        {
            problems.push(at_key(
                "default_image",
                format!("`default_image`: {why}"),
                "give the picture's path in static/, e.g. default_image = \"/images/card.png\", or its https:// address",
            ));
        }
        self.highlighting =
            Highlighting::from_setting(&self.markdown.highlight_theme).map_err(|hint| {
                at_key(
                    "highlight_theme",
                    format!(
                        "unknown highlight_theme {:?}",
                        self.markdown.highlight_theme
                    ),
                    &hint,
                )
            });
        problems.extend(
            self.images
                .problems()
                .map(|(key, message, hint)| at_key(key, message, hint)),
        );
        if let Some(handle) = &mut self.share.x_handle {
            *handle = handle.trim().trim_start_matches('@').to_string();
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Site(problems))
        }
    }
}

impl ImagesConfig {
    /// What is wrong with the settings: (key, message, hint).
    fn problems(&self) -> impl Iterator<Item = (&'static str, String, &'static str)> {
        let widths = if self.widths.is_empty() {
            Some("`widths` under [images] is empty".to_string())
        } else {
            self.widths
                .iter()
                .find(|w| !IMAGE_WIDTHS.contains(w))
                .map(|w| {
                    format!(
                        "the image width {w} under [images] is not between {} and {} pixels",
                        IMAGE_WIDTHS.start(),
                        IMAGE_WIDTHS.end()
                    )
                })
        };
        let quality = (!(1..=100).contains(&self.quality)).then(|| {
            format!(
                "`quality` under [images] must be between 1 and 100, not {}",
                self.quality
            )
        });
        let widths = widths.map(|message| {
            (
                "widths",
                message,
                "list the widths in pixels photos are published at, e.g. widths = [480, 800, 1200, 1600]",
            )
        });
        let quality = quality.map(|message| {
            (
                "quality",
                message,
                "80 keeps photos sharp and small; lower makes smaller files, higher sharper ones",
            )
        });
        widths.into_iter().chain(quality)
    }
}

impl SocialConfig {
    /// Each account that is set, by its name in site.toml.
    fn accounts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("facebook", &self.facebook),
            ("x", &self.x),
            ("linkedin", &self.linkedin),
            ("mastodon", &self.mastodon),
            ("bluesky", &self.bluesky),
            ("instagram", &self.instagram),
            ("youtube", &self.youtube),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value.as_deref()?)))
    }
}

/// Why `value` is not an http(s) web address with a host name, or None when it is one.
fn not_a_web_address(value: &str) -> Option<&'static str> {
    match url::Url::parse(value.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => None,
        Ok(_) => Some("is not a web address: only https:// (or http://) addresses are published"),
        Err(_) => Some("is not a whole web address"),
    }
}

/// `problem` at `key`'s place, when the setting is written in site.toml.
fn place(
    positions: &BTreeMap<&'static str, (usize, usize)>,
    problem: Diagnostic,
    key: &str,
) -> Diagnostic {
    match positions.get(key) {
        Some(&(line, col)) => problem.at(line, Some(col)),
        None => problem,
    }
}

/// An absolute http(s) address without its trailing slash, or `None` when `raw` is not one.
/// Used for `base_url` and for `hub build --base-url`.
pub(crate) fn normalise_base_url(raw: &str) -> Option<String> {
    let base = raw.trim().trim_end_matches('/');
    let host = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))?;
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| base.to_string())
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn defaults_fill_missing_keys() {
        let c = Config::parse("title = \"T\"\nbase_url = \"https://x.org/\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.org");
        assert_eq!(c.output_dir, "public");
        assert_eq!(c.feeds.limit, 20);
        assert_eq!(c.feeds.formats.len(), 3);
        assert!(c.markdown.smart_punctuation);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let Err(Error::Site(d)) =
            Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\ntitel = \"x\"\n")
        else {
            panic!("expected an error");
        };
        assert_eq!(d[0].message, "unknown field `titel`; did you mean `title`?");
        assert_eq!((d[0].line, d[0].column), (Some(3), Some(1)));
    }

    #[test]
    fn a_far_off_key_lists_the_keys_allowed() {
        let Err(Error::Site(d)) =
            Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\n[feeds]\nsize = 3\n")
        else {
            panic!("expected an error");
        };
        assert_eq!(d[0].message, "unknown field `size`");
        assert_eq!(
            d[0].hint.as_deref(),
            Some("the fields allowed here are `formats`, `limit`, `updates_page`")
        );
        assert_eq!((d[0].line, d[0].column), (Some(4), Some(1)));
    }

    #[test]
    fn relative_base_url_is_refused() {
        let Err(Error::Site(d)) = Config::parse("title = \"T\"\nbase_url = \"hub.example.org\"\n")
        else {
            panic!("expected an error");
        };
        assert_eq!(d[0].line, Some(2));
    }

    #[test]
    fn base_urls_are_absolute_and_lose_their_trailing_slash() {
        assert_eq!(
            normalise_base_url(" https://e.org/hub/ ").as_deref(),
            Some("https://e.org/hub")
        );
        assert_eq!(
            normalise_base_url("http://localhost:1111").as_deref(),
            Some("http://localhost:1111")
        );
        for bad in ["e.org", "ftp://e.org", "https://", "https://a b.org", ""] {
            assert_eq!(normalise_base_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn mastodon_needs_an_instance() {
        let text =
            "title = \"T\"\nbase_url = \"https://x.org\"\n[share]\nplatforms = [\"mastodon\"]\n";
        assert!(Config::parse(text).is_err());
    }

    #[test]
    fn an_unknown_highlight_theme_is_found_at_load_with_its_place() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org\"\n[markdown]\nhighlight_theme = \"Nope\"\n",
        )
        .unwrap();
        let Err(Error::Site(d)) = c.highlighting() else {
            panic!("expected an error");
        };
        assert_eq!(d[0].message, "unknown highlight_theme \"Nope\"");
        assert_eq!((d[0].line, d[0].column), (Some(4), Some(19)));
    }

    #[test]
    fn card_colours_are_read_as_hex_and_a_bad_one_is_placed_on_its_line() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org\"\n[cards]\nbackground = \"#FFaa00\"\n",
        )
        .unwrap();
        assert_eq!(c.cards.background, Colour([0xff, 0xaa, 0x00]));
        assert_eq!(c.cards.text, Colour([0xff, 0xff, 0xff]));
        assert!(c.cards.enabled);
        for bad in ["blue", "#12345", "#12345g", "123456"] {
            let text = format!(
                "title = \"T\"\nbase_url = \"https://x.org\"\n[cards]\nenabled = true\naccent = \"{bad}\"\n"
            );
            let Err(Error::Site(d)) = Config::parse(&text) else {
                panic!("{bad} should be refused");
            };
            assert_eq!(d[0].message, format!("invalid colour {bad:?}"));
            assert_eq!((d[0].line, d[0].column), (Some(5), Some(10)), "{bad}");
            assert!(
                d[0].hint.as_deref().unwrap().contains("#rrggbb"),
                "{:?}",
                d[0].hint
            );
        }
    }

    #[test]
    fn later_problems_are_placed_on_the_setting_without_the_file() {
        let c = Config::parse("title = \"T\"\nbase_url = \"https://x.org\"\ntheme = \"mine\"\n")
            .unwrap();
        let d = c.at_setting(Diagnostic::new(CONFIG_FILE, "no such theme"), "theme");
        assert_eq!((d.line, d.column), (Some(3), Some(9)));
        // Left to its default, a setting has no place to point at.
        let d = c.at_setting(Diagnostic::new(CONFIG_FILE, "refused"), "output_dir");
        assert_eq!((d.line, d.column), (None, None));
    }
}
