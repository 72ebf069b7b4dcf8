//! The `follow` component: accounts worth following, from a TOML file in data/ (one
//! `[[account]]` table each, with `name`, `platform`, `topic`, a `url` or `handle`, and
//! `why`), listed by platform and then topic with links to their profiles. Each entry is
//! checked where it is written: a platform hub does not know, a profile address that is not
//! a web address, a handle it cannot make an address from.

use serde::Deserialize;
use toml::Spanned;

use super::{data_file, escape, Component, Drawn, Problem};
use crate::data::Data;
use crate::error::{line_col, toml_diagnostic, Diagnostic};
use crate::source::SourceText;

/// The settings of a follow list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Follow {
    /// The TOML file in data/, by name.
    #[serde(default = "default_data")]
    data: String,
    /// Only the accounts on this platform.
    #[serde(default)]
    platform: Option<String>,
    /// Only the accounts on this topic.
    #[serde(default)]
    topic: Option<String>,
    /// The level of the platform headings (2 for `##`); topics are one level below.
    #[serde(default = "default_heading_level")]
    heading_level: u8,
}

fn default_data() -> String {
    "follow".into()
}

fn default_heading_level() -> u8 {
    2
}

/// A platform: its name in the file, its name for people, and how to make a profile address
/// from a handle (`{}` stands for the handle), when it has one.
struct Platform {
    id: &'static str,
    label: &'static str,
    profile: Option<&'static str>,
}

const PLATFORMS: &[Platform] = &[
    Platform {
        id: "facebook",
        label: "Facebook",
        profile: None,
    },
    Platform {
        id: "x",
        label: "X",
        profile: Some("https://x.com/{}"),
    },
    Platform {
        id: "linkedin",
        label: "LinkedIn",
        profile: None,
    },
    Platform {
        id: "instagram",
        label: "Instagram",
        profile: Some("https://www.instagram.com/{}/"),
    },
    Platform {
        id: "bluesky",
        label: "Bluesky",
        profile: Some("https://bsky.app/profile/{}"),
    },
    // A Mastodon handle names its server: user@server → https://server/@user.
    Platform {
        id: "mastodon",
        label: "Mastodon",
        profile: None,
    },
    Platform {
        id: "threads",
        label: "Threads",
        profile: Some("https://www.threads.net/@{}"),
    },
    Platform {
        id: "youtube",
        label: "YouTube",
        profile: Some("https://www.youtube.com/@{}"),
    },
    Platform {
        id: "tiktok",
        label: "TikTok",
        profile: Some("https://www.tiktok.com/@{}"),
    },
];

/// The file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowFile {
    #[serde(default)]
    account: Vec<AccountEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    name: String,
    platform: Spanned<String>,
    topic: String,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    handle: Option<Spanned<String>>,
    #[serde(default)]
    why: Option<String>,
}

/// An account, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Account {
    name: String,
    platform: &'static Platform,
    topic: String,
    url: String,
    /// As shown: `@name`, or None when the file gives only an address.
    handle: Option<String>,
    why: Option<String>,
}

impl PartialEq for Platform {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Platform {}
impl std::fmt::Debug for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Component for Follow {
    fn draw(&self, data: &Data) -> Result<Drawn, Problem> {
        let (name, file) = data_file(
            data,
            &self.data,
            "toml",
            "data",
            "a follow list reads [[account]] tables from a TOML file",
        )?;
        let accounts = read_accounts(file).map_err(Problem::DataFile)?;
        if !(2..=5).contains(&self.heading_level) {
            return Err(Problem::setting(
                "heading_level",
                format!("heading_level must be 2 to 5, not {}", self.heading_level),
                "use the level of the heading the list sits under, plus one: 2 for a list under the page's title",
            ));
        }
        let platform = match &self.platform {
            Some(wanted) => Some(platform_named(wanted).map_err(|hint| {
                Problem::setting("platform", format!("unknown platform {wanted:?}"), hint)
            })?),
            None => None,
        };
        let shown: Vec<&Account> = accounts
            .iter()
            .filter(|a| platform.is_none_or(|p| a.platform == p))
            .filter(|a| {
                self.topic
                    .as_deref()
                    .is_none_or(|t| a.topic.eq_ignore_ascii_case(t.trim()))
            })
            .collect();
        if shown.is_empty() {
            let path = crate::error::display_path(&file.path);
            return Err(match &self.topic {
                Some(topic) => {
                    let topics: Vec<&str> = accounts.iter().map(|a| a.topic.as_str()).collect();
                    let hint = match crate::suggest::closest(topic, topics.iter().copied()) {
                        Some(guess) => format!("did you mean {guess:?}?"),
                        None => "write a topic that an account in the file has".to_string(),
                    };
                    Problem::setting(
                        "topic",
                        format!(
                            "no account in {path} has the topic {topic:?}{}",
                            match platform {
                                Some(p) => format!(" on {}", p.label),
                                None => String::new(),
                            }
                        ),
                        hint,
                    )
                }
                None => Problem::setting(
                    "platform",
                    format!(
                        "no account in {path} is on {}",
                        platform.map_or("any platform", |p| p.label)
                    ),
                    "add an [[account]] for that platform, or remove this setting",
                ),
            });
        }
        Ok(Drawn {
            html: list_html(&shown, self.heading_level),
            links: shown.iter().map(|a| a.url.clone()).collect(),
            data_file: name,
        })
    }
}

/// The platform called `name`, or a hint naming the ones hub knows.
fn platform_named(name: &str) -> Result<&'static Platform, String> {
    let wanted = name.trim().to_lowercase();
    if let Some(p) = PLATFORMS.iter().find(|p| p.id == wanted) {
        return Ok(p);
    }
    let known: Vec<&str> = PLATFORMS.iter().map(|p| p.id).collect();
    Err(if wanted == "twitter" {
        "Twitter is now called X: write \"x\"".to_string()
    } else {
        match crate::suggest::closest(&wanted, known.iter().copied()) {
            Some(guess) => format!(
                "did you mean \"{guess}\"? The platforms are: {}",
                known.join(", ")
            ),
            None => format!("write one of: {}", known.join(", ")),
        }
    })
}

/// Reads and checks every account in the file; the first problem is returned, at its place.
fn read_accounts(file: &SourceText) -> Result<Vec<Account>, Diagnostic> {
    let parsed: FollowFile =
        toml::from_str(&file.text).map_err(|e| toml_diagnostic(&file.path, &file.text, 0, &e))?;
    if parsed.account.is_empty() {
        return Err(Diagnostic::new(&file.path, "this file lists no accounts").hint(
            "add one [[account]] table per account, with name, platform, topic and url (see docs/content.md)",
        ));
    }
    let at = |span: std::ops::Range<usize>, message: String, hint: String| {
        let (line, column) = line_col(&file.text, span.start);
        Diagnostic::new(&file.path, message)
            .at(line, Some(column))
            .hint(hint)
    };
    let mut accounts = Vec::with_capacity(parsed.account.len());
    for entry in parsed.account {
        let platform = platform_named(entry.platform.get_ref()).map_err(|hint| {
            at(
                entry.platform.span(),
                format!("unknown platform {:?}", entry.platform.get_ref()),
                hint,
            )
        })?;
        if let (None, Some(handle)) = (&entry.url, &entry.handle) {
            if platform.profile.is_none() && platform.id != "mastodon" {
                return Err(at(
                    handle.span(),
                    format!("hub cannot make a {} address from a handle", platform.label),
                    format!(
                        "add url = \"…\" with the account's {} address, copied from your browser",
                        platform.label
                    ),
                ));
            }
        }
        let handle = match &entry.handle {
            Some(handle) => Some(
                checked_handle(platform, handle.get_ref())
                    .map_err(|(message, hint)| at(handle.span(), message, hint))?,
            ),
            None => None,
        };
        let url = match (&entry.url, &handle) {
            (Some(url), _) => checked_url(url.get_ref())
                .map_err(|(message, hint)| at(url.span(), message, hint))?,
            // Every platform that gets here has a pattern (checked above).
            (None, Some(handle)) => profile_url(platform, handle).unwrap_or_default(),
            (None, None) => {
                return Err(at(
                    entry.platform.span(),
                    format!("the account {:?} has no url or handle", entry.name),
                    "add url = \"https://…\" with the account's profile address".into(),
                ));
            }
        };
        accounts.push(Account {
            name: entry.name.trim().to_string(),
            platform,
            topic: entry.topic.trim().to_string(),
            url,
            handle: handle.map(|h| format!("@{h}")),
            why: entry
                .why
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty()),
        });
    }
    Ok(accounts)
}

/// A handle without its leading `@`, or what is wrong with it.
fn checked_handle(platform: &Platform, handle: &str) -> Result<String, (String, String)> {
    let handle = handle.trim().trim_start_matches('@');
    let allowed = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    let fine = match platform.id {
        "mastodon" => handle
            .split_once('@')
            .is_some_and(|(user, server)| allowed(user) && allowed(server) && server.contains('.')),
        _ => allowed(handle),
    };
    if fine {
        Ok(handle.to_string())
    } else {
        let example = match platform.id {
            "mastodon" => "a Mastodon handle names its server: handle = \"northshirecare@mastodon.social\"",
            _ => "a handle is letters, digits, _ . and -, with no spaces: handle = \"northshirecare\"",
        };
        Err((
            format!("{handle:?} is not a {} handle", platform.label),
            example.into(),
        ))
    }
}

/// The profile address of a handle, when the platform has a pattern for one.
fn profile_url(platform: &Platform, handle: &str) -> Option<String> {
    if platform.id == "mastodon" {
        let (user, server) = handle.split_once('@')?;
        return Some(format!("https://{server}/@{user}"));
    }
    Some(platform.profile?.replace("{}", handle))
}

/// A profile address, or what is wrong with it: the same test as links in pages (a web
/// address with a host name), and https, as every platform serves profiles over it.
fn checked_url(url: &str) -> Result<String, (String, String)> {
    let url = url.trim();
    let parsed = url::Url::parse(url);
    match parsed {
        Ok(parsed)
            if parsed.scheme() == "https" && parsed.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(url.to_string())
        }
        Ok(parsed) if parsed.scheme() == "http" => Err((
            format!("{url:?} starts with http://"),
            "write https:// : every platform serves profiles securely".into(),
        )),
        _ => Err((
            format!("{url:?} is not a web address"),
            "copy the profile's address from your browser's address bar: it starts with https://"
                .into(),
        )),
    }
}

/// The list: a heading per platform, one per topic below it, and the accounts.
fn list_html(accounts: &[&Account], level: u8) -> String {
    let mut platforms: Vec<&'static Platform> = Vec::new();
    for a in accounts {
        if !platforms.contains(&a.platform) {
            platforms.push(a.platform);
        }
    }
    let mut html = String::from("<div class=\"follow-list\">\n");
    for platform in platforms {
        let on_platform: Vec<&&Account> =
            accounts.iter().filter(|a| a.platform == platform).collect();
        html.push_str(&format!("<h{level}>{}</h{level}>\n", platform.label));
        let mut topics: Vec<&str> = Vec::new();
        for a in &on_platform {
            if !topics.contains(&a.topic.as_str()) {
                topics.push(&a.topic);
            }
        }
        for topic in topics {
            html.push_str(&format!(
                "<h{sub}>{}</h{sub}>\n<ul>\n",
                escape(topic),
                sub = level + 1
            ));
            for a in on_platform.iter().filter(|a| a.topic == topic) {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}<span class=\"visually-hidden\"> on {}</span></a>",
                    escape(&a.url),
                    escape(&a.name),
                    platform.label
                ));
                if let Some(handle) = &a.handle {
                    html.push_str(&format!(
                        " <span class=\"follow-handle\">{}</span>",
                        escape(handle)
                    ));
                }
                if let Some(why) = &a.why {
                    html.push_str(&format!(
                        " <span class=\"follow-why\">{}</span>",
                        escape(why)
                    ));
                }
                html.push_str("</li>\n");
            }
            html.push_str("</ul>\n");
        }
    }
    html.push_str("</div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceText {
        SourceText::whole("data/follow.toml", text)
    }

    const GOOD: &str = r#"
[[account]]
name = "Carers Example"
platform = "bluesky"
handle = "@carers.example.org"
topic = "Carers"
why = "News for carers."

[[account]]
name = "Care Skills Example"
platform = "linkedin"
url = "https://www.linkedin.com/company/care-skills-example"
topic = "Workforce"
"#;

    #[test]
    fn accounts_get_profile_addresses() {
        let accounts = read_accounts(&file(GOOD)).unwrap();
        assert_eq!(
            accounts[0].url,
            "https://bsky.app/profile/carers.example.org"
        );
        assert_eq!(accounts[0].handle.as_deref(), Some("@carers.example.org"));
        assert_eq!(accounts[1].platform.label, "LinkedIn");
        let mastodon = profile_url(platform_named("mastodon").unwrap(), "care@social.example");
        assert_eq!(mastodon.as_deref(), Some("https://social.example/@care"));
    }

    #[test]
    fn bad_entries_point_at_their_value() {
        let e = read_accounts(&file(&GOOD.replace("\"bluesky\"", "\"blusky\""))).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(12)));
        assert!(e.hint.unwrap().contains("\"bluesky\""));
        let e = read_accounts(&file(&GOOD.replace(
            "https://www.linkedin.com/company/care-skills-example",
            "www.linkedin.com/care",
        )))
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(12), Some(7)));
        assert!(e.message.contains("not a web address"), "{}", e.message);
        let e = read_accounts(&file(&GOOD.replace("url = ", "handle = "))).unwrap_err();
        assert!(e.message.contains("LinkedIn address"), "{}", e.message);
        let e = read_accounts(&file(&GOOD.replace("topic = \"Carers\"", "topic = 3"))).unwrap_err();
        assert_eq!(e.line, Some(6));
    }

    #[test]
    fn the_list_groups_by_platform_then_topic() {
        let accounts = read_accounts(&file(GOOD)).unwrap();
        let shown: Vec<&Account> = accounts.iter().collect();
        let html = list_html(&shown, 3);
        let bluesky = html.find("<h3>Bluesky</h3>\n<h4>Carers</h4>").unwrap();
        let linkedin = html.find("<h3>LinkedIn</h3>\n<h4>Workforce</h4>").unwrap();
        assert!(bluesky < linkedin);
        assert!(
            html.contains("Carers Example<span class=\"visually-hidden\"> on Bluesky</span></a>")
        );
    }
}
