//! Share links: plain links to each platform's own share page, with the page's
//! address and title percent-encoded. No scripts, no iframes, no tracking parameters.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::config::{ShareConfig, SharePlatform};

/// Everything but RFC 3986's unreserved characters is encoded, as for a URL component
/// (what JavaScript's encodeURIComponent does, less its few extra exceptions).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

impl SharePlatform {
    /// The name used in site.toml and in `page.share[].platform`.
    fn name(self) -> &'static str {
        match self {
            SharePlatform::Facebook => "facebook",
            SharePlatform::X => "x",
            SharePlatform::Linkedin => "linkedin",
            SharePlatform::Mastodon => "mastodon",
            SharePlatform::Bluesky => "bluesky",
            SharePlatform::Whatsapp => "whatsapp",
            SharePlatform::Email => "email",
        }
    }

    /// Visible link text: says what the link does, so it needs no icon.
    fn label(self) -> &'static str {
        match self {
            SharePlatform::Facebook => "Share on Facebook",
            SharePlatform::X => "Share on X (Twitter)",
            SharePlatform::Linkedin => "Share on LinkedIn",
            SharePlatform::Mastodon => "Share on Mastodon",
            SharePlatform::Bluesky => "Share on Bluesky",
            SharePlatform::Whatsapp => "Share on WhatsApp",
            SharePlatform::Email => "Share by email",
        }
    }
}

/// The share link of one platform for a page at `url` titled `title`.
fn share_url(platform: SharePlatform, config: &ShareConfig, url: &str, title: &str) -> String {
    let (u, t) = (encode(url), encode(title));
    match platform {
        SharePlatform::Facebook => format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        SharePlatform::X => {
            let via = config
                .x_handle
                .as_deref()
                .filter(|h| !h.is_empty())
                .map(|h| format!("&via={}", encode(h)));
            format!(
                "https://x.com/intent/tweet?url={u}&text={t}{}",
                via.unwrap_or_default()
            )
        }
        SharePlatform::Linkedin => {
            format!("https://www.linkedin.com/sharing/share-offsite/?url={u}")
        }
        SharePlatform::Mastodon => {
            let instance = config
                .mastodon_instance
                .as_deref()
                .unwrap_or("mastodon.social");
            let instance = instance
                .trim()
                .trim_start_matches("https://")
                .trim_end_matches('/');
            format!("https://{instance}/share?text={t}%20{u}")
        }
        SharePlatform::Bluesky => format!("https://bsky.app/intent/compose?text={t}%20{u}"),
        SharePlatform::Whatsapp => format!("https://wa.me/?text={t}%20{u}"),
        SharePlatform::Email => format!("mailto:?subject={t}&body={u}"),
    }
}

/// A share link as templates see it (`page.share`): it lives here, with the code that makes
/// it, so that the template context only imports it.
#[derive(Serialize, Clone)]
pub(super) struct ShareLink {
    platform: String,
    label: String,
    url: String,
}

/// Share links in the configured order.
pub(super) fn share_links(config: &ShareConfig, url: &str, title: &str) -> Vec<ShareLink> {
    config
        .platforms
        .iter()
        .map(|&platform| ShareLink {
            platform: platform.name().to_string(),
            label: platform.label().to_string(),
            url: share_url(platform, config, url, title),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(platforms: Vec<SharePlatform>) -> ShareConfig {
        ShareConfig {
            platforms,
            x_handle: Some("northshirecare".into()),
            mastodon_instance: Some("social.example".into()),
        }
    }

    #[test]
    fn links_follow_the_spec_table() {
        let c = config(vec![
            SharePlatform::Facebook,
            SharePlatform::X,
            SharePlatform::Email,
        ]);
        let links = share_links(&c, "https://hub.example.org/tips/a/", "Tips & tricks: café");
        assert_eq!(links[0].url, "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fhub.example.org%2Ftips%2Fa%2F");
        assert_eq!(
            links[1].url,
            "https://x.com/intent/tweet?url=https%3A%2F%2Fhub.example.org%2Ftips%2Fa%2F&text=Tips%20%26%20tricks%3A%20caf%C3%A9&via=northshirecare"
        );
        assert_eq!(links[2].url, "mailto:?subject=Tips%20%26%20tricks%3A%20caf%C3%A9&body=https%3A%2F%2Fhub.example.org%2Ftips%2Fa%2F");
        assert_eq!(
            links
                .iter()
                .map(|l| l.platform.as_str())
                .collect::<Vec<_>>(),
            ["facebook", "x", "email"]
        );
    }

    #[test]
    fn mastodon_uses_the_instance() {
        let c = config(vec![SharePlatform::Mastodon]);
        assert_eq!(
            share_links(&c, "https://e.org/", "Hi")[0].url,
            "https://social.example/share?text=Hi%20https%3A%2F%2Fe.org%2F"
        );
    }
}
