//! People in the site model: when data/authors.toml describes them, every page's `authors`
//! must be keys of it, and each person gets a profile page at `/authors/<key>/` listing
//! their pages. Sites without the file are left as they are: their `authors` stay free names.

use std::collections::HashMap;
use std::sync::Arc;

use super::{PageId, Site};
use crate::authors::{Author, Authors, AUTHORS_FILE};
use crate::content::PageSource;
use crate::error::{find_key, line_col, Diagnostic};

/// Index of a person in [`Site::authors`].
pub(crate) type AuthorId = usize;

/// Where the people's pages are published.
pub(crate) const AUTHORS_PATH: &str = "/authors/";

/// A person with the profile page the site gives them.
#[derive(Debug, Clone)]
pub(crate) struct AuthorPage {
    pub(crate) author: Author,
    /// `/authors/tom-hartley/`.
    pub(crate) path: String,
    pub(crate) permalink: String,
    /// Their pages, newest first (undated ones last, by title).
    pub(crate) pages: Vec<PageId>,
}

/// Gives the site its people and checks that every page names them by a known key. Returns
/// the problems found: unknown keys (with the closest key and the known ones) and content
/// published where the profile pages go.
pub(crate) fn attach(site: &mut Site, authors: &Authors, base_url: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let by_key: HashMap<String, AuthorId> = authors
        .list
        .iter()
        .enumerate()
        .map(|(id, a)| (a.key.clone(), id))
        .collect();
    let mut pages: Vec<Vec<PageId>> = vec![Vec::new(); authors.list.len()];
    for (id, page) in site.pages.iter().enumerate() {
        for written in &page.source.authors {
            match by_key.get(written.trim()) {
                Some(&author) => {
                    if !pages[author].contains(&id) {
                        pages[author].push(id);
                    }
                }
                None => problems.push(unknown_author(&page.source, written, authors)),
            }
        }
    }
    if !authors.list.is_empty() {
        problems.extend(clashes(site));
    }
    let newest_first = |a: &PageId, b: &PageId| {
        let (a, b) = (&site.pages[*a].source, &site.pages[*b].source);
        b.date
            .cmp(&a.date)
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.content_path.cmp(&b.content_path))
    };
    let list: Vec<AuthorPage> = authors
        .list
        .iter()
        .zip(pages)
        .map(|(author, mut ids)| {
            ids.sort_by(newest_first);
            let path = format!("{AUTHORS_PATH}{}/", author.key);
            AuthorPage {
                author: author.clone(),
                permalink: format!("{base_url}{path}"),
                path,
                pages: ids,
            }
        })
        .collect();
    site.authors = Arc::new(list);
    site.author_by_key = Arc::new(by_key);
    problems
}

/// A page naming someone data/authors.toml does not describe.
fn unknown_author(source: &PageSource, written: &str, authors: &Authors) -> Diagnostic {
    let keys: Vec<&str> = authors.list.iter().map(|a| a.key.as_str()).collect();
    let (line, col) = value_position(source, "authors", written);
    let known = if keys.is_empty() {
        format!(
            "{AUTHORS_FILE} describes nobody yet: add a [{}] table with a name to it",
            crate::content::slugify(written)
        )
    } else {
        const SHOWN: usize = 12;
        let mut listed = keys
            .iter()
            .take(SHOWN)
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ");
        if keys.len() > SHOWN {
            listed.push_str(&format!(" and {} more", keys.len() - SHOWN));
        }
        format!("the keys in {AUTHORS_FILE} are {listed}")
    };
    let advice = match (
        authors.key_named(written),
        crate::suggest::closest(written, keys.iter().copied()),
    ) {
        (Some(key), _) => {
            format!("pages name people by their key: write \"{key}\" for {written}; ")
        }
        (None, Some(key)) => format!("did you mean \"{key}\"? "),
        (None, None) => format!(
            "add a [{}] table with a name to {AUTHORS_FILE}, or use a known key; ",
            crate::content::slugify(written)
        ),
    };
    Diagnostic::new(
        &source.file.path,
        format!("unknown author \"{written}\": {AUTHORS_FILE} has no such key"),
    )
    .at(line, Some(col))
    .hint(format!("{advice}{known}"))
}

/// Where `value` is written in the list of front matter field `key` (its first occurrence
/// after the key), else where the key is, else the first line.
fn value_position(source: &PageSource, key: &str, value: &str) -> (usize, usize) {
    let front_matter = &source.file.text[..source.file.body_start];
    let Some((key_line, key_col)) = find_key(front_matter, key) else {
        return (1, 1);
    };
    let key_offset: usize = front_matter
        .split_inclusive('\n')
        .take(key_line - 1)
        .map(str::len)
        .sum();
    let after_key = &front_matter[key_offset..];
    // Quoted first, so that "tom" is not found inside "tom-hartley".
    let found = [format!("\"{value}\""), format!("'{value}'")]
        .iter()
        .find_map(|quoted| after_key.find(quoted.as_str()).map(|at| at + 1))
        .or_else(|| after_key.find(value));
    match found {
        Some(found) => line_col(front_matter, key_offset + found),
        None => (key_line, key_col),
    }
}

/// Content published where the people's pages go.
fn clashes(site: &Site) -> Vec<Diagnostic> {
    let taken = |path: &str| path.starts_with(AUTHORS_PATH);
    let pages = site
        .pages
        .iter()
        .filter(|p| taken(&p.path))
        .map(|p| (&p.source.file.path, &p.path));
    let sections = site
        .sections
        .iter()
        .filter(|s| taken(&s.path))
        .map(|s| (&s.source.file.path, &s.path));
    pages
        .chain(sections)
        .map(|(file, path)| {
            Diagnostic::new(
                file,
                format!(
                    "this would be published at {path}, where hub puts the people of {AUTHORS_FILE} ({AUTHORS_PATH} and a page for each)"
                ),
            )
            .rule(crate::rules::LINKS_DUPLICATE_URL.id)
            .hint("move or rename it (its folder or `slug`), so that it is published elsewhere")
        })
        .collect()
}
