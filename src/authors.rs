//! `data/authors.toml`: the people (and teams) who write the site, by key. Parsed once per
//! build from the text `crate::data` already read, checked (names, profile addresses,
//! photos), and handed to the site model, which gives each person a profile page. Pure:
//! nothing here reads or writes files; whether a photo exists is asked of the caller.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::address::is_host_name;
use crate::error::{line_col, toml_diagnostic, Diagnostic};

/// Where the people are described, relative to the site root.
pub(crate) const AUTHORS_FILE: &str = "data/authors.toml";

/// Everyone in data/authors.toml, in the order written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Authors {
    pub(crate) list: Vec<Author>,
}

/// One person or team.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Author {
    /// The table name, `tom-hartley`: what pages write in `authors`, and the profile's address.
    pub(crate) key: String,
    pub(crate) name: String,
    /// Job title or what the team does; may be empty.
    pub(crate) role: String,
    /// `/images/people/tom.jpg` (a file of the site) or an `https://` address, as written.
    pub(crate) photo: Option<String>,
    /// Text for the photo's `alt`: `photo_alt`, else "Photo of {name}".
    pub(crate) photo_alt: String,
    /// The bio as written (Markdown) and as HTML.
    pub(crate) bio: String,
    pub(crate) bio_html: String,
    /// A team rather than one person: `Organization` rather than `Person` in JSON-LD.
    pub(crate) team: bool,
    /// Public profiles, each an `https://` address, in [`Platform`] order.
    pub(crate) profiles: Vec<Profile>,
}

/// A public profile of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Profile {
    pub(crate) platform: Platform,
    /// The platform's name for people: `LinkedIn`, `X (Twitter)`.
    pub(crate) label: &'static str,
    pub(crate) url: String,
}

/// The platforms a profile may be on, in the order profile pages list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Platform {
    Website,
    Linkedin,
    Mastodon,
    Bluesky,
    X,
    Facebook,
    Instagram,
    Youtube,
}

impl Platform {
    fn label(self) -> &'static str {
        match self {
            Platform::Website => "Website",
            Platform::Linkedin => "LinkedIn",
            Platform::Mastodon => "Mastodon",
            Platform::Bluesky => "Bluesky",
            Platform::X => "X (Twitter)",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::Youtube => "YouTube",
        }
    }

    /// An example of a good value, for hints.
    fn example(self) -> &'static str {
        match self {
            Platform::Website => "https://www.example.org/",
            Platform::Linkedin => "https://www.linkedin.com/in/your-name",
            Platform::Mastodon => "@name@mastodon.social or https://mastodon.social/@name",
            Platform::Bluesky => "name.bsky.social or https://bsky.app/profile/name.bsky.social",
            Platform::X => "https://x.com/yourname",
            Platform::Facebook => "https://www.facebook.com/yourpage",
            Platform::Instagram => "https://www.instagram.com/yourname",
            Platform::Youtube => "https://www.youtube.com/@yourchannel",
        }
    }
}

/// A person's table as written. Unknown keys are errors, so that a misspelt field is caught.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: Option<Spanned<String>>,
    #[serde(default)]
    role: String,
    photo: Option<Spanned<String>>,
    photo_alt: Option<String>,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    team: bool,
    #[serde(default)]
    profiles: RawProfiles,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProfiles {
    website: Option<Spanned<String>>,
    linkedin: Option<Spanned<String>>,
    mastodon: Option<Spanned<String>>,
    bluesky: Option<Spanned<String>>,
    x: Option<Spanned<String>>,
    facebook: Option<Spanned<String>>,
    instagram: Option<Spanned<String>>,
    youtube: Option<Spanned<String>>,
}

impl RawProfiles {
    fn in_order(&self) -> [(Platform, &Option<Spanned<String>>); 8] {
        [
            (Platform::Website, &self.website),
            (Platform::Linkedin, &self.linkedin),
            (Platform::Mastodon, &self.mastodon),
            (Platform::Bluesky, &self.bluesky),
            (Platform::X, &self.x),
            (Platform::Facebook, &self.facebook),
            (Platform::Instagram, &self.instagram),
            (Platform::Youtube, &self.youtube),
        ]
    }
}

/// Parses and checks data/authors.toml; `photo_exists` says whether a site path such as
/// `images/tom.jpg` (no leading `/`) is one of the files the site publishes. Every problem
/// found is reported.
pub(crate) fn parse(
    text: &str,
    smart_punctuation: bool,
    photo_exists: impl Fn(&str) -> bool,
) -> Result<Authors, Vec<Diagnostic>> {
    let path = Path::new(AUTHORS_FILE);
    // One typed reading: a value of the wrong type is reported at its own line and column.
    let raw: BTreeMap<Spanned<String>, RawAuthor> =
        toml::from_str(text).map_err(|e| vec![type_aware(toml_diagnostic(path, text, 0, &e))])?;
    // File order: the order people are listed on the home page and the people page.
    let mut entries: Vec<_> = raw.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let mut problems = Vec::new();
    let mut list = Vec::new();
    for (key, raw) in entries {
        let at = |offset: usize| line_col(text, offset);
        let (key_line, key_col) = at(key.span().start);
        let key_text = key.get_ref().clone();
        if crate::content::slugify(&key_text) != key_text {
            problems.push(
                Diagnostic::new(path, format!("the key {key_text:?} cannot be part of a web address"))
                    .at(key_line, Some(key_col))
                    .hint(format!(
                        "use small letters, digits and dashes, e.g. [{}]; pages then write authors = [\"{}\"]",
                        suggested_key(&key_text),
                        suggested_key(&key_text)
                    )),
            );
            continue;
        }
        let name = match &raw.name {
            Some(name) if !name.get_ref().trim().is_empty() => name.get_ref().trim().to_string(),
            Some(name) => {
                let (line, col) = at(name.span().start);
                problems.push(
                    Diagnostic::new(path, format!("the name of [{key_text}] is empty"))
                        .at(line, Some(col))
                        .hint("write the name as it should appear on the site, e.g. name = \"Tom Hartley\""),
                );
                continue;
            }
            None => {
                problems.push(
                    Diagnostic::new(path, format!("[{key_text}] has no `name`"))
                        .at(key_line, Some(key_col))
                        .hint(format!(
                            "add a line under [{key_text}] with the name as it should appear on the site, e.g. name = \"Tom Hartley\""
                        )),
                );
                continue;
            }
        };
        let mut profiles = Vec::new();
        for (platform, value) in raw.profiles.in_order() {
            let Some(value) = value else { continue };
            match profile_url(platform, value.get_ref()) {
                Ok(url) => profiles.push(Profile {
                    platform,
                    label: platform.label(),
                    url,
                }),
                Err(why) => {
                    let (line, col) = at(value.span().start);
                    problems.push(
                        Diagnostic::new(
                            path,
                            format!(
                                "the {} profile of [{key_text}] {why}: {:?}",
                                platform.label(),
                                value.get_ref()
                            ),
                        )
                        .at(line, Some(col))
                        .hint(format!(
                            "write it as {} (copy the address from your browser)",
                            platform.example()
                        )),
                    );
                }
            }
        }
        if let Some(photo) = &raw.photo {
            if let Err((message, hint)) = check_photo(photo.get_ref(), &photo_exists) {
                let (line, col) = at(photo.span().start);
                problems.push(
                    Diagnostic::new(path, format!("the photo of [{key_text}] {message}"))
                        .at(line, Some(col))
                        .hint(hint),
                );
            }
        }
        let photo_alt = raw
            .photo_alt
            .map(|alt| alt.trim().to_string())
            .filter(|alt| !alt.is_empty())
            .unwrap_or_else(|| format!("Photo of {name}"));
        list.push(Author {
            key: key_text,
            bio_html: bio_html(&raw.bio, smart_punctuation),
            bio: raw.bio,
            name,
            role: raw.role.trim().to_string(),
            photo: raw.photo.map(|p| p.into_inner().trim().to_string()),
            photo_alt,
            team: raw.team,
            profiles,
        });
    }
    if problems.is_empty() {
        Ok(Authors { list })
    } else {
        Err(problems)
    }
}

/// `Tom Hartley` → `tom-hartley`, for the hint about a key that is not a slug.
fn suggested_key(key: &str) -> String {
    let slug = crate::content::slugify(key);
    if slug.is_empty() {
        "tom-hartley".into()
    } else {
        slug
    }
}

fn type_hint() -> &'static str {
    "text goes in \"quotes\", `team` is true or false, and `profiles` is a table: [tom-hartley.profiles]"
}

/// A TOML error about a value of the wrong type gets advice about types, not syntax.
fn type_aware(mut d: Diagnostic) -> Diagnostic {
    if d.message.contains("expected struct RawAuthor") {
        d.message = d
            .message
            .replace("struct RawAuthor", "a table of the person's details");
        d.hint = Some(
            "each person is a table: a line [tom-hartley], then name = \"...\" on the lines below"
                .into(),
        );
    } else if d.message.contains("expected struct RawProfiles") {
        d.message = d
            .message
            .replace("struct RawProfiles", "a table of profiles");
        d.hint = Some("write the profiles as a table: [tom-hartley.profiles], then linkedin = \"https://...\" below".into());
    } else if d.message.contains("invalid type") {
        d.hint = Some(type_hint().to_string());
    }
    d
}

/// The profile's `https://` address, or why the value is not one.
fn profile_url(platform: Platform, value: &str) -> Result<String, &'static str> {
    let value = value.trim();
    match platform {
        Platform::Mastodon if !value.contains("://") => mastodon_handle(value),
        Platform::Bluesky if !value.contains("://") => bluesky_handle(value),
        _ => https_url(value),
    }
}

fn https_url(value: &str) -> Result<String, &'static str> {
    match url::Url::parse(value) {
        Ok(url) if url.scheme() == "https" && url.host_str().is_some_and(|h| h.contains('.')) => {
            Ok(url.to_string())
        }
        Ok(url) if url.scheme() == "http" => Err("must be a secure https:// address"),
        _ => Err("is not a full https:// address"),
    }
}

/// `@name@instance` (or `name@instance`) → `https://instance/@name`.
fn mastodon_handle(value: &str) -> Result<String, &'static str> {
    let handle = value.strip_prefix('@').unwrap_or(value);
    let Some((user, instance)) = handle.split_once('@') else {
        return Err("is neither a handle like @name@mastodon.social nor an https:// address");
    };
    let user_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
    if !user_ok || !is_host_name(instance) {
        return Err("is neither a handle like @name@mastodon.social nor an https:// address");
    }
    Ok(format!("https://{}/@{user}", instance.to_ascii_lowercase()))
}

/// `name.bsky.social` (or `@name.bsky.social`) → `https://bsky.app/profile/name.bsky.social`.
fn bluesky_handle(value: &str) -> Result<String, &'static str> {
    let handle = value.strip_prefix('@').unwrap_or(value);
    if !is_host_name(handle) {
        return Err("is neither a handle like name.bsky.social nor an https:// address");
    }
    Ok(format!(
        "https://bsky.app/profile/{}",
        handle.to_ascii_lowercase()
    ))
}

/// Whether a photo's value names a file the site publishes or an https address.
fn check_photo(photo: &str, photo_exists: impl Fn(&str) -> bool) -> Result<(), (String, String)> {
    let photo = photo.trim();
    if photo.contains("://") {
        return https_url(photo).map(|_| ()).map_err(|why| {
            (
                format!("{why}: {photo:?}"),
                "use an https:// address, or put the photo in static/ and write its path, e.g. photo = \"/images/people/tom.jpg\"".to_string(),
            )
        });
    }
    let site_path = photo.trim_start_matches('/');
    if site_path.is_empty() {
        return Err((
            "is empty".into(),
            "write the path of a photo in static/, e.g. photo = \"/images/people/tom.jpg\", or remove the line".into(),
        ));
    }
    if photo_exists(site_path) {
        Ok(())
    } else {
        Err((
            format!("{photo:?} is not a file of the site (looked for static/{site_path})"),
            format!("put the photo at static/{site_path}, or correct the path (it starts at the static/ folder)"),
        ))
    }
}

/// The bio's Markdown as HTML, with the site's Markdown extensions.
fn bio_html(bio: &str, smart_punctuation: bool) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(bio, crate::markdown::parser_options(smart_punctuation));
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

impl Authors {
    /// The key of the author whose name is `name` (for the hint when a page writes a name).
    pub(crate) fn key_named(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
            .map(|a| a.key.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Authors {
        parse(text, true, |p| p == "images/tom.jpg").expect("valid authors")
    }

    fn parse_err(text: &str) -> Vec<Diagnostic> {
        parse(text, true, |_| false).expect_err("invalid authors")
    }

    #[test]
    fn people_come_in_file_order_with_their_profiles() {
        let authors = parse_ok(
            "[zoe]\nname = \"Zoe\"\n[adam]\nname = \"Adam\"\nrole = \"Manager\"\nphoto = \"/images/tom.jpg\"\nbio = \"Runs *things*.\"\n[adam.profiles]\nmastodon = \"@adam@social.example.org\"\nbluesky = \"adam.example.org\"\nlinkedin = \"https://www.linkedin.com/in/adam\"\n",
        );
        let keys: Vec<&str> = authors.list.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["zoe", "adam"]);
        let adam = &authors.list[1];
        assert_eq!(adam.photo_alt, "Photo of Adam");
        assert_eq!(adam.bio_html, "<p>Runs <em>things</em>.</p>\n");
        let urls: Vec<&str> = adam.profiles.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://www.linkedin.com/in/adam",
                "https://social.example.org/@adam",
                "https://bsky.app/profile/adam.example.org",
            ]
        );
    }

    #[test]
    fn handles_and_addresses() {
        assert_eq!(
            profile_url(Platform::Mastodon, "amara@Social.Example.org").unwrap(),
            "https://social.example.org/@amara"
        );
        assert_eq!(
            profile_url(Platform::Mastodon, "https://social.example.org/@amara").unwrap(),
            "https://social.example.org/@amara"
        );
        assert_eq!(
            profile_url(Platform::Bluesky, "@amara.bsky.social").unwrap(),
            "https://bsky.app/profile/amara.bsky.social"
        );
        assert!(profile_url(Platform::Mastodon, "@amara").is_err());
        assert!(profile_url(Platform::Bluesky, "amara").is_err());
        assert!(profile_url(Platform::Linkedin, "linkedin.com/in/amara").is_err());
        assert!(profile_url(Platform::X, "http://x.com/amara").is_err());
        assert!(profile_url(Platform::X, "@amara").is_err());
    }

    #[test]
    fn a_bad_profile_names_its_line_and_column() {
        let e = parse_err(
            "[tom]\nname = \"Tom\"\n[tom.profiles]\nlinkedin = \"linkedin.com/in/tom\"\n",
        );
        assert_eq!((e[0].line, e[0].column), (Some(4), Some(12)));
        assert!(
            e[0].message.contains("LinkedIn profile of [tom]"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn a_missing_name_points_at_the_table() {
        let e = parse_err("[tom]\nrole = \"Manager\"\n");
        assert_eq!((e[0].line, e[0].column), (Some(1), Some(2)));
        assert!(e[0].message.contains("no `name`"));
    }

    #[test]
    fn a_wrong_type_points_at_the_field() {
        let e = parse_err("[tom]\nname = \"Tom\"\nteam = \"yes\"\n");
        assert_eq!(e[0].line, Some(3), "{e:?}");
        assert!(e[0].message.contains("invalid type"), "{}", e[0].message);
    }

    #[test]
    fn a_missing_photo_is_an_error_a_present_one_is_not() {
        let e = parse_err("[tom]\nname = \"Tom\"\nphoto = \"/images/tim.jpg\"\n");
        assert_eq!((e[0].line, e[0].column), (Some(3), Some(9)));
        assert!(e[0].message.contains("static/images/tim.jpg"));
        parse_ok("[tom]\nname = \"Tom\"\nphoto = \"images/tom.jpg\"\n");
    }

    #[test]
    fn keys_must_be_usable_in_addresses() {
        let e = parse_err("[\"Tom Hartley\"]\nname = \"Tom\"\n");
        assert_eq!(e[0].line, Some(1));
        assert!(e[0].hint.as_deref().unwrap().contains("[tom-hartley]"));
    }
}
