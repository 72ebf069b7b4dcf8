//! `site.toml` → [`Config`]. Loading is strict: an unknown key is an error naming the key,
//! because a typo in a setting must not pass silently.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{find_key, line_col, Diagnostic, Error, Result};
use crate::fields::{unknown_field_from_serde, OwnFields};

/// The name of the configuration file at a site's root.
pub const CONFIG_FILE: &str = "site.toml";

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub author: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    #[serde(default)]
    pub feeds: FeedsConfig,
    #[serde(default)]
    pub share: ShareConfig,
    #[serde(default)]
    pub social: SocialConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub check: CheckConfig,
    #[serde(default)]
    pub extra: toml::Table,
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

/// `[feeds]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsConfig {
    #[serde(default = "all_feed_kinds")]
    pub formats: Vec<FeedKind>,
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
    /// Whether hub writes its "Get updates" page at `/updates/` (listing the feeds).
    #[serde(default = "yes")]
    pub updates_page: bool,
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
pub enum FeedKind {
    Atom,
    Rss,
    Json,
}

/// `[share]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShareConfig {
    #[serde(default = "default_share_platforms")]
    pub platforms: Vec<SharePlatform>,
    #[serde(default)]
    pub x_handle: Option<String>,
    #[serde(default)]
    pub mastodon_instance: Option<String>,
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
pub enum SharePlatform {
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
pub struct SocialConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facebook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkedin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mastodon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bluesky: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instagram: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub youtube: Option<String>,
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default = "default_highlight_theme")]
    pub highlight_theme: String,
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
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
pub struct CheckConfig {
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Config {
    /// Reads and validates `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::new(CONFIG_FILE, "site.toml is not valid UTF-8 text")
                .hint("save the file as UTF-8 in your editor")
        })?;
        Config::parse(&text)
    }

    /// Parses and validates the text of `site.toml`.
    pub fn parse(text: &str) -> Result<Config> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| toml_diagnostic(CONFIG_FILE, text, 0, &e))?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&mut self, text: &str) -> Result<()> {
        let mut problems = Vec::new();
        let at_key = |key: &str, message: String, hint: &str| {
            let mut d = Diagnostic::new(CONFIG_FILE, message).hint(hint);
            if let Some((line, col)) = find_key(text, key) {
                d = d.at(line, Some(col));
            }
            d
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

/// Where `key` is set in the site's `site.toml` (line, value column), for problems found
/// after it was parsed, such as a theme or highlight theme that does not exist.
pub fn locate_setting(root: &Path, key: &str) -> Option<(usize, usize)> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).ok()?;
    find_key(&text, key)
}

/// An absolute http(s) address without its trailing slash, or `None` when `raw` is not one.
/// Used for `base_url` and for `hub build --base-url`.
pub fn normalise_base_url(raw: &str) -> Option<String> {
    let base = raw.trim().trim_end_matches('/');
    let host = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))?;
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| base.to_string())
}

/// Turns a TOML parse error into a diagnostic; `line_offset` is the number of lines before the
/// TOML text in its file (front matter starts after the `+++` line). The message is always
/// one line: the parser's own text can run over several.
pub fn toml_diagnostic(
    path: impl Into<std::path::PathBuf>,
    text: &str,
    line_offset: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let message = e.message().trim().lines().collect::<Vec<_>>().join(": ");
    let (message, hint) = match unknown_field_from_serde(&message, OwnFields::TomlExtra) {
        Some(unknown) => unknown,
        None => {
            let hint = toml_hint(&message);
            (message, hint.to_string())
        }
    };
    let mut d = Diagnostic::new(path, message).hint(hint);
    if let Some(span) = e.span() {
        let (line, col) = line_col(text, span.start);
        d = d.at(line + line_offset, Some(col));
    }
    d
}

/// Advice for a TOML error other than an unknown field.
fn toml_hint(message: &str) -> &'static str {
    if message.starts_with("invalid date") {
        "write dates as year-month-day: 2026-11-24 (a day that exists), or 2026-11-24T09:30:00 with a time"
    } else if message.starts_with("unknown variant") {
        "use one of the values the message lists"
    } else if message.contains("missing field") {
        "add the missing key"
    } else {
        "check the TOML syntax on this line: strings need \"quotes\", lists need [brackets]"
    }
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
}
