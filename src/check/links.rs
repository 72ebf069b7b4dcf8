//! Links: every link and image in the Markdown, and every link the templates add around it,
//! must lead to a file the build produced (and to a heading id that exists there). External
//! links are not fetched (the check works offline) but badly written ones are reported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::Finding;
use crate::markdown::WrittenLink;
use crate::output::{OutputContent, OutputFile};
use crate::rules::{self, Rule};
use crate::site::Site;
use crate::source::SourceText;

/// `href="…"` and `src="…"` in HTML that hub and its templates wrote. A full HTML parser is
/// not needed for HTML of our own making; attributes are always quoted there.
static URL_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        .expect("the attribute pattern is valid")
});
/// `id="…"` anchors that `#fragment` links can point at.
static ID_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\sid\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("the id pattern is valid")
});

/// What the build produced, to check links against.
pub(super) struct Targets<'a> {
    base_url: &'a str,
    files: HashMap<&'a str, &'a OutputFile>,
    ids: std::sync::Mutex<HashMap<String, HashSet<String>>>,
}

/// Where a link leads.
enum Destination {
    /// Not ours to check: mailto:, tel:, a well-formed external address.
    Elsewhere,
    /// A path on this site, with an optional `#fragment`.
    Internal(String, Option<String>),
    /// Looks like an address but is not a valid one.
    Malformed,
}

impl<'a> Targets<'a> {
    /// Indexes the built files.
    pub(super) fn new(
        base_url: &'a str,
        files: impl IntoIterator<Item = &'a OutputFile>,
    ) -> Targets<'a> {
        Targets {
            base_url,
            files: files.into_iter().map(|f| (f.path.as_str(), f)).collect(),
            ids: Default::default(),
        }
    }

    /// Resolves `url` as written on the page at `page_url`.
    fn destination(&self, url: &str, page_url: &str) -> Destination {
        let url = url.trim();
        if url.is_empty() || url.starts_with('#') && url.len() == 1 {
            return Destination::Elsewhere;
        }
        let lower = url.to_ascii_lowercase();
        if ["mailto:", "tel:", "sms:", "data:", "javascript:"]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            return Destination::Elsewhere;
        }
        let absolute = if let Some(rest) = url.strip_prefix(self.base_url) {
            format!("{}{}", self.base_url, rest)
        } else if url.starts_with('/') && !url.starts_with("//") {
            format!("{}{url}", self.base_url)
        } else if url.starts_with("//") {
            return Destination::Elsewhere;
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            return match url::Url::parse(url) {
                Ok(parsed)
                    if parsed
                        .host_str()
                        .is_some_and(|h| h.contains('.') || h == "localhost") =>
                {
                    Destination::Elsewhere
                }
                _ => Destination::Malformed,
            };
        } else if lower.starts_with("www.") || lower.starts_with("http") || url.contains("://") {
            return Destination::Malformed;
        } else {
            match url::Url::parse(page_url).and_then(|base| base.join(url)) {
                Ok(joined) => joined.to_string(),
                Err(_) => return Destination::Malformed,
            }
        };
        let Some(rest) = absolute.strip_prefix(self.base_url) else {
            return Destination::Elsewhere;
        };
        let (path, fragment) = match rest.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment.to_string())),
            None => (rest, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
        Destination::Internal(decoded, fragment)
    }

    /// The output file a site path is served from, if the build made one.
    fn file_for(&self, path: &str) -> Option<&'a OutputFile> {
        let key = path.trim_start_matches('/');
        let candidates = if key.is_empty() || key.ends_with('/') {
            vec![format!("{key}index.html")]
        } else {
            vec![key.to_string(), format!("{key}/index.html")]
        };
        candidates
            .iter()
            .find_map(|c| self.files.get(c.as_str()).copied())
    }

    /// Whether the HTML file has an element with this id.
    fn has_id(&self, file: &OutputFile, id: &str) -> bool {
        let OutputContent::Bytes(bytes) = &file.content else {
            return true;
        };
        let Ok(mut cache) = self.ids.lock() else {
            return true;
        };
        let ids = cache.entry(file.path.clone()).or_insert_with(|| {
            let html = String::from_utf8_lossy(bytes);
            ID_ATTRIBUTE
                .captures_iter(&html)
                .filter_map(|c| c.get(1).or(c.get(2)))
                .map(|m| m.as_str().to_string())
                .collect()
        });
        let decoded = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
        ids.contains(decoded.as_ref())
    }

    /// The problem with one link, if it has one.
    fn problem(
        &self,
        url: &str,
        page_url: &str,
        is_image: bool,
    ) -> Option<(&'static Rule, String, String)> {
        match self.destination(url, page_url) {
            Destination::Elsewhere => None,
            Destination::Malformed => Some((
                &rules::LINKS_MALFORMED,
                format!("\"{url}\" is not a valid web address"),
                rules::LINKS_MALFORMED.fixed_fix().into(),
            )),
            Destination::Internal(path, fragment) => {
                let Some(file) = self.file_for(&path) else {
                    let rule = if is_image
                        || path
                            .rsplit('/')
                            .next()
                            .is_some_and(|last| last.contains('.'))
                    {
                        &rules::LINKS_MISSING_FILE
                    } else {
                        &rules::LINKS_BROKEN
                    };
                    let fix = if *rule == rules::LINKS_MISSING_FILE {
                        "check the file name, and put the file in static/ or next to the page's index.md"
                    } else {
                        "correct the address, or link to the page with @/ and its file name so hub checks it"
                    };
                    return Some((
                        rule,
                        format!("\"{url}\" leads to {path}, which the site does not have"),
                        fix.into(),
                    ));
                };
                let fragment = fragment.filter(|f| !f.is_empty())?;
                (file.path.ends_with(".html") && !self.has_id(file, &fragment)).then(|| {
                    (
                        &rules::LINKS_ANCHOR,
                        format!("\"{url}\" points at #{fragment}, but that page has no such heading"),
                        "use the id of a heading on that page (its text in lower case, with - for spaces)".into(),
                    )
                })
            }
        }
    }
}

/// Every `href` and `src` in a piece of HTML.
fn attribute_urls(html: &str) -> impl Iterator<Item = String> + '_ {
    URL_ATTRIBUTE.captures_iter(html).filter_map(|c| {
        c.get(2)
            .or(c.get(3))
            .map(|m| m.as_str().replace("&amp;", "&"))
    })
}

/// A link in a page's Markdown (or its front matter `image`) that leads nowhere.
struct ContentLinkProblem {
    /// Byte offset in the file's whole text.
    offset: usize,
    rule: &'static Rule,
    message: String,
    fix: String,
    /// Only `hub check` reports it: an external address that is badly written. Everything
    /// else is broken on the published site, so `hub build` refuses it.
    check_only: bool,
}

/// A page or section whose written links are checked.
struct LinkSource<'s> {
    file: &'s SourceText,
    /// Content path, `posts/why-i-post.md`.
    content_path: &'s str,
    permalink: &'s str,
    links: &'s [WrittenLink],
    /// The front matter's `image`: as written and as published.
    image: Option<(&'s str, &'s str)>,
    /// Training sessions, whose joining and booking links are checked like the others.
    sessions: &'s [crate::content::Session],
}

/// Every plain link, image and front matter `image` of `source` that leads to no file of the
/// site (or to a heading its page does not have), or is badly written.
fn content_link_problems(
    source: &LinkSource<'_>,
    targets: &Targets<'_>,
) -> Vec<ContentLinkProblem> {
    let mut found = Vec::new();
    for link in source.links {
        let Some(problem) = targets.written_problem(link, source) else {
            continue;
        };
        found.push(ContentLinkProblem {
            offset: source.file.body_start + link.offset,
            ..problem
        });
    }
    if let Some((written, published)) = source.image {
        let link = WrittenLink {
            written: written.to_string(),
            published: published.to_string(),
            offset: 0,
            is_image: true,
        };
        if let Some(mut problem) = targets.written_problem(&link, source) {
            problem.offset = crate::error::find_key(&source.file.text, "image")
                .map_or(0, |(line, column)| {
                    offset_of(&source.file.text, line, column)
                });
            problem.message = format!("the page's `image` ({written}) is not in the site");
            found.push(problem);
        }
    }
    let session_links = source
        .sessions
        .iter()
        .flat_map(|s| s.join.iter().chain(&s.booking));
    for link in session_links {
        let written = WrittenLink {
            written: link.url.clone(),
            published: link.url.clone(),
            offset: 0,
            is_image: false,
        };
        if let Some(mut problem) = targets.written_problem(&written, source) {
            problem.offset = offset_of(&source.file.text, link.line, link.column);
            found.push(problem);
        }
    }
    found
}

/// The link findings of every page and section of `site` (of `only` these pages, when
/// given), placed on their lines; `for_build` leaves out what only `hub check` reports.
pub(super) fn site_link_findings(
    site: &Site,
    targets: &Targets<'_>,
    only: Option<&HashSet<crate::site::PageId>>,
    for_build: bool,
) -> Vec<Finding> {
    use rayon::prelude::*;
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter(|(id, _)| only.is_none_or(|only| only.contains(id)))
        .map(|(_, p)| LinkSource {
            file: &p.source.file,
            content_path: &p.source.content_path,
            permalink: &p.permalink,
            links: &p.rendered.links,
            image: p.source.image.as_deref().zip(p.image_url.as_deref()),
            sessions: &p.source.sessions,
        });
    let sections = site
        .sections
        .iter()
        .filter(|_| only.is_none())
        .map(|s| LinkSource {
            file: &s.source.file,
            content_path: &s.source.content_path,
            permalink: &s.permalink,
            links: &s.rendered.links,
            image: None,
            sessions: &[],
        });
    let sources: Vec<LinkSource<'_>> = pages.chain(sections).collect();
    sources
        .par_iter()
        .flat_map_iter(|source| {
            let problems = content_link_problems(source, targets);
            if problems.is_empty() {
                return Vec::new();
            }
            let lines: Vec<&str> = source.file.text.lines().collect();
            problems
                .into_iter()
                .filter(|p| !(for_build && p.check_only))
                .map(|p| {
                    let raw = super::RawFinding {
                        offset: p.offset,
                        rule: p.rule.id,
                        severity: p.rule.severity,
                        message: p.message,
                        fix: p.fix,
                    };
                    Finding::place(source.file, raw)
                })
                .filter(|f| !super::allowed_inline(&lines, f))
                .collect()
        })
        .collect()
}

/// Byte offset of 1-based `line` and `column` (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let in_line = text[start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    start + in_line
}

impl Targets<'_> {
    /// The problem with a link written in a page, with a fix that speaks of the page's files.
    fn written_problem(
        &self,
        link: &WrittenLink,
        source: &LinkSource<'_>,
    ) -> Option<ContentLinkProblem> {
        // How it is written decides whether it is ours to check; where it was published
        // decides where it leads (a file beside the page is published in its folder).
        let path = match self.destination(&link.written, source.permalink) {
            Destination::Elsewhere => return None,
            Destination::Malformed => {
                let (rule, message, fix) = self.problem(&link.written, source.permalink, false)?;
                return Some(ContentLinkProblem {
                    offset: 0,
                    rule,
                    message,
                    fix,
                    check_only: true,
                });
            }
            Destination::Internal(..) => {
                match self.destination(&link.published, source.permalink) {
                    Destination::Internal(path, fragment) => (path, fragment),
                    _ => return None,
                }
            }
        };
        let (rule, message, fix) =
            self.problem(&link.published, source.permalink, link.is_image)?;
        let fix = match *rule {
            rules::LINKS_MISSING_FILE => self.missing_file_fix(link, &path.0, source),
            rules::LINKS_BROKEN => self.missing_page_fix(&path.0),
            rules::LINKS_ANCHOR => self
                .missing_id_fix(&path.0, path.1.as_deref())
                .unwrap_or(fix),
            _ => fix,
        };
        let message = match *rule {
            rules::LINKS_MISSING_FILE if link.is_image => {
                format!("image {} is not in the site", link.written)
            }
            rules::LINKS_MISSING_FILE => {
                format!("link to {}, a file the site does not have", link.written)
            }
            rules::LINKS_BROKEN => {
                format!("link to {}, a page the site does not have", link.written)
            }
            rules::LINKS_ANCHOR => format!(
                "link to {}: that page has no heading #{}",
                link.written,
                path.1.as_deref().unwrap_or_default()
            ),
            _ => message,
        };
        Some(ContentLinkProblem {
            offset: 0,
            rule,
            message,
            fix,
            check_only: false,
        })
    }

    /// Where to put a missing file, or the file with that name that the site does have.
    fn missing_file_fix(&self, link: &WrittenLink, path: &str, source: &LinkSource<'_>) -> String {
        let name = path.rsplit('/').next().unwrap_or(path);
        let same_name: Vec<&str> = self
            .files
            .keys()
            .filter(|file| file.rsplit('/').next() == Some(name))
            .copied()
            .collect();
        if let [only] = same_name.as_slice() {
            return format!("did you mean /{only}? The site has a file of that name there");
        }
        let folder = match source.content_path.rsplit_once('/') {
            Some((folder, _)) => format!("content/{folder}/"),
            None => "content/".to_string(),
        };
        if link.written.starts_with('/') || link.written.starts_with(self.base_url) {
            let folder = path
                .trim_start_matches('/')
                .rsplit_once('/')
                .map_or(String::new(), |(dir, _)| format!("{dir}/"));
            format!("put {name} in static/{folder}, or correct the address")
        } else {
            format!(
                "put {name} in {folder}, next to {}, or in static/ and write the address as /{name}",
                source.content_path.rsplit('/').next().unwrap_or(source.content_path)
            )
        }
    }

    /// "Did you mean" the id closest to a missing `#fragment` of the page at `path`.
    fn missing_id_fix(&self, path: &str, fragment: Option<&str>) -> Option<String> {
        let file = self.file_for(path)?;
        let cache = self.ids.lock().ok()?;
        let ids = cache.get(&file.path)?;
        let guess = crate::suggest::closest(fragment?, ids.iter().map(String::as_str))?;
        Some(format!(
            "did you mean #{guess}? A heading's id is its text in lower case, with - for spaces"
        ))
    }

    /// The page address closest to a missing one, and the safer way to link to pages.
    fn missing_page_fix(&self, path: &str) -> String {
        let wanted = path.trim_start_matches('/');
        let wanted_file = if wanted.is_empty() || wanted.ends_with('/') {
            format!("{wanted}index.html")
        } else {
            format!("{wanted}/index.html")
        };
        let pages = self
            .files
            .keys()
            .copied()
            .filter(|file| file.ends_with("index.html"));
        match crate::suggest::closest(&wanted_file, pages) {
            Some(guess) => format!(
                "did you mean /{}? Links written @/ and the page's file (@/tips/facebook.md) are checked and kept right by hub",
                guess.trim_end_matches("index.html")
            ),
            None => "correct the address, or link to the page with @/ and its file's path inside content/ (e.g. @/tips/facebook.md)".into(),
        }
    }
}

/// Links the templates add around the content (navigation, tags, feeds, share links), over
/// every HTML file. Each broken one is reported once, on the first page it appears on.
pub(super) fn check_templates(
    site: &Site,
    files: &[OutputFile],
    targets: &Targets<'_>,
) -> Vec<Finding> {
    use rayon::prelude::*;
    let sources: HashMap<String, &std::path::Path> = site
        .pages
        .iter()
        .map(|p| {
            (
                format!("{}index.html", &p.path[1..]),
                p.source.file.path.as_path(),
            )
        })
        .chain(site.sections.iter().map(|s| {
            (
                format!("{}index.html", &s.path[1..]),
                s.source.file.path.as_path(),
            )
        }))
        .collect();
    // Links written in any page's text were checked against its Markdown, where they are
    // written; listings repeat them (summaries), so they are not reported again here.
    let in_any_content: HashSet<String> = site
        .pages
        .par_iter()
        .map(|p| p.rendered.html.as_str())
        .chain(site.sections.par_iter().map(|s| s.rendered.html.as_str()))
        .flat_map_iter(attribute_urls)
        .collect();
    let html_files: Vec<&OutputFile> = files.iter().filter(|f| f.path.ends_with(".html")).collect();
    // Each thread keeps the absolute addresses it found good: the navigation and footer
    // repeat on every page, and such a link, good once, is good everywhere.
    let found: Vec<Vec<(String, Finding)>> = html_files
        .par_iter()
        .map_init(HashSet::new, |good, file| {
            let source_file = sources
                .get(&file.path)
                .copied()
                .unwrap_or(std::path::Path::new(&file.path));
            template_link_problems(file, source_file, targets, &in_any_content, good)
        })
        .collect();
    // The first page (in file order) where a link fails names it, however the work was split.
    let mut reported: BTreeMap<String, Finding> = BTreeMap::new();
    for (url, finding) in found.into_iter().flatten() {
        reported.entry(url).or_insert(finding);
    }
    reported.into_values().collect()
}

/// The links of one written page (`file`, made from `source_file`) that lead nowhere, each
/// once, leaving out those written in some page's content and those in `good`.
fn template_link_problems(
    file: &OutputFile,
    source_file: &std::path::Path,
    targets: &Targets<'_>,
    in_any_content: &HashSet<String>,
    good: &mut HashSet<String>,
) -> Vec<(String, Finding)> {
    let OutputContent::Bytes(bytes) = &file.content else {
        return Vec::new();
    };
    let html = String::from_utf8_lossy(bytes);
    let page_url = format!(
        "{}/{}",
        targets.base_url,
        file.path.trim_end_matches("index.html")
    );
    let mut seen: HashSet<String> = HashSet::new();
    let mut found = Vec::new();
    for captures in URL_ATTRIBUTE.captures_iter(&html) {
        let Some(url) = captures
            .get(2)
            .or(captures.get(3))
            .map(|m| m.as_str().replace("&amp;", "&"))
        else {
            continue;
        };
        if good.contains(&url) || in_any_content.contains(&url) || !seen.insert(url.clone()) {
            continue;
        }
        let is_image = captures.get(1).is_some_and(|m| m.as_str() == "src");
        let Some((rule, message, fix)) = targets.problem(&url, &page_url, is_image) else {
            if url.starts_with(targets.base_url) && !url.contains('#') {
                good.insert(url);
            }
            continue;
        };
        let finding = Finding {
            file: crate::error::display_path(source_file),
            line: 1,
            column: 1,
            rule: rule.id,
            severity: rule.severity,
            message: format!("{message} (a link made by the template)"),
            fix: format!("{fix} (in the template, or the site.toml setting it comes from)"),
        };
        found.push((url, finding));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<OutputFile> {
        [
            "index.html",
            "tips/index.html",
            "tips/a/index.html",
            "tips/a/photo.png",
            "style.css",
        ]
        .iter()
        .map(|p| OutputFile {
            path: p.to_string(),
            content: OutputContent::Bytes(if p.ends_with(".html") {
                b"<h2 id=\"why\">Why</h2>".to_vec()
            } else {
                Vec::new()
            }),
        })
        .collect()
    }

    fn rule_for(url: &str, is_image: bool) -> Option<&'static str> {
        let files = files();
        let targets = Targets::new("https://e.org", &files);
        targets
            .problem(url, "https://e.org/tips/a/", is_image)
            .map(|p| p.0.id)
    }

    #[test]
    fn internal_links_must_lead_somewhere() {
        assert_eq!(rule_for("/tips/", false), None);
        assert_eq!(rule_for("/tips", false), None);
        assert_eq!(rule_for("https://e.org/tips/a/", false), None);
        assert_eq!(rule_for("photo.png", true), None);
        assert_eq!(rule_for("/tips/a/#why", false), None);
        assert_eq!(rule_for("/tips/nope/", false), Some("links/broken"));
        assert_eq!(rule_for("missing.png", true), Some("links/missing-file"));
        assert_eq!(rule_for("/tips/a/#nope", false), Some("links/anchor"));
    }

    #[test]
    fn external_links_are_only_checked_for_form() {
        assert_eq!(rule_for("https://www.example.org/x", false), None);
        assert_eq!(rule_for("mailto:press@example.org", false), None);
        assert_eq!(rule_for("www.example.org", false), Some("links/malformed"));
        assert_eq!(
            rule_for("https//example.org", false),
            Some("links/malformed")
        );
        assert_eq!(
            rule_for("https://exampleorg", false),
            Some("links/malformed")
        );
    }
}
