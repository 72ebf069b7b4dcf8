//! What goes in each page's `<head>` for search engines and social platforms:
//! the meta description, the absolute image for Open Graph cards, and JSON-LD.

use serde_json::{json, Value};

use crate::config::Config;
use crate::site::{AuthorPage, Page, Site};

/// `[extra] default_image` in site.toml: the card image for pages without their own `image`.
const DEFAULT_IMAGE_KEY: &str = "default_image";

/// The page's own description, else the plain text of its summary.
pub(super) fn description(own: &str, summary_text: &str) -> String {
    if own.trim().is_empty() {
        summary_text.to_string()
    } else {
        own.trim().to_string()
    }
}

/// An image path or URL made absolute: `https://…` stays, `/img/x.png` hangs off the base
/// URL, and `x.png` is relative to the page (a bundle's image).
fn absolute_image(image: &str, page_url: &str, config: &Config) -> Option<String> {
    let image = image.trim();
    if image.is_empty() {
        return None;
    }
    if let Ok(url) = url::Url::parse(image) {
        // Checked when content and settings load; never publish another scheme.
        return matches!(url.scheme(), "http" | "https").then(|| image.to_string());
    }
    if let Some(path) = image.strip_prefix('/') {
        return Some(format!("{}/{path}", config.base_url));
    }
    url::Url::parse(page_url)
        .ok()?
        .join(image)
        .ok()
        .map(String::from)
}

/// A photo of data/authors.toml as an absolute URL: `https://…` stays, a path is the site's.
pub(super) fn site_image(image: &str, config: &Config) -> Option<String> {
    absolute_image(image, &format!("{}/", config.base_url), config)
}

/// The page's image, else the site's default image.
pub(super) fn card_image(own: Option<&str>, page_url: &str, config: &Config) -> Option<String> {
    own.and_then(|image| absolute_image(image, page_url, config))
        .or_else(|| {
            let default = config.extra.get(DEFAULT_IMAGE_KEY)?.as_str()?;
            absolute_image(default, &format!("{}/", config.base_url), config)
        })
}

fn organisation_name(config: &Config) -> &str {
    if config.author.trim().is_empty() {
        &config.title
    } else {
        &config.author
    }
}

fn organisation_id(config: &Config) -> String {
    format!("{}/#organization", config.base_url)
}

/// JSON-LD for a page: an `Article` when it is dated, else a `WebPage`.
pub(super) fn page_json_ld(
    site: &Site,
    page: &Page,
    description: &str,
    image: Option<&str>,
    config: &Config,
) -> String {
    let source = &page.source;
    let mut data = match source.date {
        Some(date) => {
            let authors: Vec<Value> = if source.authors.is_empty() {
                vec![json!({ "@type": "Organization", "name": organisation_name(config) })]
            } else if !site.authors.is_empty() {
                site.authors_of(page)
                    .map(|id| {
                        let entry = &site.authors[id];
                        json!({ "@type": person_type(entry), "name": entry.author.name, "url": entry.permalink })
                    })
                    .collect()
            } else {
                source
                    .authors
                    .iter()
                    .map(|name| json!({ "@type": "Person", "name": name }))
                    .collect()
            };
            json!({
                "@context": "https://schema.org",
                "@type": "Article",
                "headline": source.title,
                "description": description,
                "url": page.permalink,
                "mainEntityOfPage": page.permalink,
                "datePublished": date.to_rfc3339(),
                "dateModified": source.updated.unwrap_or(date).to_rfc3339(),
                "author": authors,
                "publisher": { "@type": "Organization", "@id": organisation_id(config), "name": organisation_name(config), "url": format!("{}/", config.base_url) },
                "inLanguage": config.language,
            })
        }
        None => web_page(&source.title, description, &page.permalink, config),
    };
    if let (Some(image), Some(map)) = (image, data.as_object_mut()) {
        map.insert("image".into(), json!(image));
    }
    script_safe(&data)
}

/// JSON-LD for a section page (`WebPage`) or the home page (`Organization` and `WebSite`);
/// `home_people` is given for the home page: the people of data/authors.toml, who become the
/// organisation's `member`s.
pub(super) fn section_json_ld(
    home_people: Option<&[AuthorPage]>,
    title: &str,
    description: &str,
    url: &str,
    config: &Config,
) -> String {
    let Some(people) = home_people else {
        return script_safe(&web_page(title, description, url, config));
    };
    let same_as: Vec<&String> = [
        &config.social.facebook,
        &config.social.x,
        &config.social.linkedin,
        &config.social.mastodon,
        &config.social.bluesky,
        &config.social.instagram,
        &config.social.youtube,
    ]
    .into_iter()
    .flatten()
    .collect();
    let home = format!("{}/", config.base_url);
    let mut organisation = json!({ "@type": "Organization", "@id": organisation_id(config), "name": organisation_name(config), "url": home, "sameAs": same_as });
    if let (false, Some(map)) = (people.is_empty(), organisation.as_object_mut()) {
        let members: Vec<Value> = people
            .iter()
            .map(|entry| json!({ "@type": person_type(entry), "@id": person_id(entry), "name": entry.author.name, "url": entry.permalink }))
            .collect();
        map.insert("member".into(), Value::Array(members));
    }
    script_safe(&json!({
        "@context": "https://schema.org",
        "@graph": [
            organisation,
            { "@type": "WebSite", "@id": format!("{}/#website", config.base_url), "name": config.title, "url": home,
              "description": description, "inLanguage": config.language, "publisher": { "@id": organisation_id(config) } },
        ],
    }))
}

/// A team is an `Organization`, anyone else a `Person`.
fn person_type(entry: &AuthorPage) -> &'static str {
    if entry.author.team {
        "Organization"
    } else {
        "Person"
    }
}

fn person_id(entry: &AuthorPage) -> String {
    format!("{}#person", entry.permalink)
}

/// JSON-LD for a profile page: a `ProfilePage` whose main entity is the `Person` (or the
/// team's `Organization`), with their public profiles as `sameAs`.
pub(super) fn author_json_ld(entry: &AuthorPage, photo: Option<&str>, config: &Config) -> String {
    let author = &entry.author;
    let mut person = json!({
        "@type": person_type(entry),
        "@id": person_id(entry),
        "name": author.name,
        "url": entry.permalink,
        "sameAs": author.profiles.iter().map(|p| p.url.as_str()).collect::<Vec<_>>(),
    });
    if let Some(map) = person.as_object_mut() {
        if !author.role.is_empty() {
            let key = if author.team {
                "description"
            } else {
                "jobTitle"
            };
            map.insert(key.into(), json!(author.role));
        }
        if let Some(photo) = photo {
            map.insert("image".into(), json!(photo));
        }
        let link = if author.team {
            "parentOrganization"
        } else {
            "worksFor"
        };
        map.insert(link.into(), json!({ "@id": organisation_id(config), "@type": "Organization", "name": organisation_name(config) }));
    }
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": entry.permalink,
        "name": author.name,
        "inLanguage": config.language,
        "mainEntity": person,
    }))
}

fn web_page(title: &str, description: &str, url: &str, config: &Config) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": title,
        "description": description,
        "url": url,
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title, "url": format!("{}/", config.base_url) },
    })
}

/// JSON text that is safe inside `<script>`: `<`, `>` and `&` are written as `\u003c` etc.,
/// so no value can close the script element.
fn script_safe(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "title = \"T\"\nbase_url = \"https://e.org\"\n[extra]\ndefault_image = \"/card.png\"\n",
        )
        .unwrap()
    }

    #[test]
    fn images_become_absolute() {
        let c = config();
        assert_eq!(
            absolute_image("x.png", "https://e.org/tips/a/", &c).unwrap(),
            "https://e.org/tips/a/x.png"
        );
        assert_eq!(
            absolute_image("/img/x.png", "https://e.org/tips/a/", &c).unwrap(),
            "https://e.org/img/x.png"
        );
        assert_eq!(
            absolute_image("https://cdn.example/x.png", "https://e.org/", &c).unwrap(),
            "https://cdn.example/x.png"
        );
        assert_eq!(
            card_image(None, "https://e.org/a/", &c).unwrap(),
            "https://e.org/card.png"
        );
    }

    #[test]
    fn json_ld_cannot_close_the_script() {
        let text = section_json_ld(None, "</script><b>", "", "https://e.org/", &config());
        assert!(!text.contains("</script>"));
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["name"], "</script><b>");
    }
}
