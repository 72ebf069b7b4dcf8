//! `hub init` and `hub new`: writing starter files. Never overwrites a user's file unless
//! asked to (`init --force`), and never deletes anything.

pub mod archetype;

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::content::{slugify, title_from_name, CONTENT_DIR};
use crate::error::{Error, Result};

/// The starter site `hub init` writes: a small version of the bundled guide.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// `hub init [DIR] [--force]`: writes the starter site into `dir`. Returns the files written.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    if dir.join(crate::config::CONFIG_FILE).exists() && !force {
        return Err(Error::Usage(format!(
            "{} already has a site.toml; use --force to write the starter files over it",
            dir.display()
        )));
    }
    if !force && dir.join(CONTENT_DIR).exists() {
        return Err(Error::Usage(format!(
            "{} already has a content/ folder; use --force to add the starter files to it",
            dir.display()
        )));
    }
    let mut written = Vec::new();
    write_dir(&STARTER, dir, &mut written)?;
    Ok(written)
}

fn write_dir(source: &Dir<'static>, target: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    for file in source.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, file.contents()).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    for sub in source.dirs() {
        std::fs::create_dir_all(target.join(sub.path()))
            .map_err(|e| Error::io(target.join(sub.path()), e))?;
        write_dir(sub, target, written)?;
    }
    Ok(())
}

/// What `hub new` wrote.
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The new file.
    pub path: PathBuf,
    /// Whether it is a draft (the built-in archetypes make drafts; a site's own may not).
    pub draft: bool,
    /// The archetype it was made from, as named to people.
    pub archetype: String,
}

/// `hub new SECTION/SLUG [--title T]`: a new page made from the section's archetype (see
/// [`archetype`]), dated `today`.
pub fn new_page(
    root: &Path,
    spec: &str,
    title: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<NewPage> {
    let spec = spec.trim().trim_matches('/').trim_end_matches(".md");
    let (section, name) = spec.rsplit_once('/').unwrap_or(("", spec));
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "{spec:?} has no letters or digits to make a page name from; try `hub new tips/my-tip`"
        )));
    }
    let mut folder = root.join(CONTENT_DIR);
    let mut section_parts = Vec::new();
    for part in section.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part == "." {
            return Err(Error::Usage(
                "the section must be a folder inside content/, without `..`".into(),
            ));
        }
        folder.push(part);
        section_parts.push(part);
    }
    let path = folder.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name",
            path.display()
        )));
    }
    let section = section_parts.join("/");
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| title_from_name(&slug));
    let content_path = if section.is_empty() {
        format!("{slug}.md")
    } else {
        format!("{section}/{slug}.md")
    };
    let archetype = archetype::find(root, &section)?;
    let values = archetype::Placeholders::new(&title, &slug, &section, today);
    let page = archetype::render(&archetype, &values, &content_path)?;
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
    std::fs::write(&path, page.text).map_err(|e| Error::io(&path, e))?;
    Ok(NewPage {
        path,
        draft: page.draft,
        archetype: archetype.describe(),
    })
}
