//! Addresses users write for links, pictures and accounts: which scheme a browser would read
//! in them, which may be published, and what a server's name looks like. One place, so that
//! pages, site.toml, data/authors.toml and Markdown links follow the same rules.

/// Why `address`, written by a user for a link or a picture, must not be published: a
/// `javascript:`, `data:`, `vbscript:` or `file:` address (or any scheme other than http,
/// https and mailto) would run code or leak files in the pages of every visitor. None when
/// it is a web address, an email address or a path on the site.
pub(crate) fn unsafe_address(address: &str) -> Option<String> {
    match scheme_of(address)?.as_str() {
        "http" | "https" | "mailto" => None,
        other => Some(format!(
            "{address:?} is a {other}: address, which hub does not publish: only https:// (or http://) web addresses, mailto: and paths on the site are allowed"
        )),
    }
}

/// The scheme of an address (`javascript` for `javascript:alert(1)`), lower case, as a
/// browser reads it; None for a path (`/a:b.png`, `images/x.png`).
pub(crate) fn scheme_of(address: &str) -> Option<String> {
    // Browsers ignore tabs, line ends and leading spaces or controls in a scheme, so
    // `java\tscript:` is `javascript:` to them: read it as they do.
    let compact: String = address
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let scheme = compact.split_once(':').map(|(scheme, _)| scheme)?;
    // A scheme is letters first, then letters, digits, `+`, `-` or `.`: a slash before the
    // colon makes it a path.
    (scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| scheme.to_ascii_lowercase())
}

/// A server's name such as `mastodon.social`: labels of ASCII letters, digits and inner
/// hyphens between dots, at least two labels, nothing else (no scheme, path, port, `@` or
/// spaces; a name in another script is written in its `xn--` form).
pub(crate) fn is_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        assert_eq!(
            scheme_of("javascript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme_of(" JaVa\tScript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme_of("https://x.org/").as_deref(), Some("https"));
        assert_eq!(scheme_of("/images/a:b.png"), None);
        assert_eq!(scheme_of("images/a:b.png"), None);
        assert_eq!(scheme_of("card.png"), None);
        assert_eq!(scheme_of("1x:y"), None);
    }

    #[test]
    fn only_web_and_email_addresses_and_paths_are_safe() {
        for safe in [
            "https://x.org/a.png",
            "http://x.org/",
            "mailto:a@x.org",
            "/a.png",
            "a.png",
        ] {
            assert_eq!(unsafe_address(safe), None, "{safe}");
        }
        for unsafe_one in [
            "javascript:alert(1)",
            "data:image/png;base64,AA",
            "vbscript:x",
            "file:///etc/passwd",
            "tel:123",
        ] {
            assert!(unsafe_address(unsafe_one).is_some(), "{unsafe_one}");
        }
    }

    #[test]
    fn a_mastodon_server_is_a_bare_host_name() {
        for good in [
            "mastodon.social",
            "social.example.net",
            "xn--80ak6aa92e.com",
            "a-b.c",
        ] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in [
            "https://mastodon.social",
            "mastodon.social/",
            "a b.org",
            "me@x.org",
            "localhost",
            "x.org:443",
            ".x.org",
            "-a.org",
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }
}
