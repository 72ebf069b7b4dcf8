//! `hub init` and `hub new`: writing starter files. Never overwrites a user's file unless
//! asked to (`init --force`), and never deletes anything.

mod archetype;

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

/// What to type after `hub init DIR`: `cd DIR && hub serve` when the `hub` on the PATH is the
/// program running now. Otherwise (`cargo run -- init`, or an older `hub` installed) a
/// command that works, this program by its full path, and how to install it as `hub`.
/// `hub_on_path` is what the shell would run for `hub`; `source` the folder it was built from.
pub fn next_steps(
    dir: &Path,
    running: &Path,
    hub_on_path: Option<&Path>,
    source: Option<&Path>,
) -> Vec<String> {
    let cd = if dir == Path::new(".") || dir.as_os_str().is_empty() {
        String::new()
    } else {
        format!("cd {} && ", shell_word(&dir.display().to_string()))
    };
    let same =
        |found: &Path| std::fs::canonicalize(found).ok() == std::fs::canonicalize(running).ok();
    if hub_on_path.is_some_and(same) {
        return vec![format!("next: {cd}hub serve")];
    }
    let install = match source {
        Some(source) => format!(
            "cargo install --path {} --locked",
            shell_word(&source.display().to_string())
        ),
        None => "cargo install --path PATH/TO/hub --locked (the folder with hub's Cargo.toml)"
            .to_string(),
    };
    let why = match hub_on_path {
        Some(other) => format!(
            "the `hub` on your PATH ({}) is another build; to update it: {install}",
            other.display()
        ),
        None => format!("to type just `hub`, install it: {install}"),
    };
    vec![
        format!(
            "next: {cd}{} serve",
            shell_word(&running.display().to_string())
        ),
        why,
    ]
}

/// Where the shell finds `hub` in `path` (the PATH variable's value), if anywhere.
pub fn find_on_path(path: &std::ffi::OsStr) -> Option<PathBuf> {
    let name = format!("hub{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(path)
        .map(|folder| folder.join(&name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `word` as the shell reads it: quoted when it holds anything but plain path characters.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
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
/// `archetype`), dated `today`.
pub fn new_page(
    root: &Path,
    spec: &str,
    title: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<NewPage> {
    let written = spec;
    let spec = spec.trim();
    let inside = spec.trim_start_matches(['/', '\\']);
    if inside.len() != spec.len() || spec.get(1..2) == Some(":") {
        // The last two parts are most likely the section and the name meant.
        let parts: Vec<&str> = inside
            .split(['/', '\\'])
            .filter(|p| !p.is_empty())
            .collect();
        let example = parts[parts.len().saturating_sub(2)..].join("/");
        return Err(Error::Usage(format!(
            "{written:?} is a path on this computer; give the section and the page's name inside content/, e.g. `hub new {example}`"
        )));
    }
    if spec.ends_with('/') || spec.ends_with('\\') {
        return Err(Error::Usage(format!(
            "{written:?} names a folder but no page; add the page's name, e.g. `hub new {}/my-new-page`",
            spec.trim_end_matches(['/', '\\'])
        )));
    }
    let spec = spec.trim_end_matches(".md");
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
            return Err(Error::Usage(format!(
                "{written:?}: the section must be a folder inside content/, without `..`; e.g. `hub new tips/my-new-page`"
            )));
        }
        folder.push(part);
        section_parts.push(part);
    }
    let path = folder.join(format!("{slug}.md"));
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name",
            shown(&path)
        )));
    }
    // content/tips.md beside the section content/tips/ would claim the section's address.
    let section_folder = folder.join(&slug);
    if section_folder.is_dir() {
        return Err(Error::Usage(format!(
            "{written:?} is the section {}/, not a page; to add a page to it: `hub new {}/my-new-page`",
            shown(&section_folder),
            spec
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("newsite"), "newsite");
        assert_eq!(
            shell_word("/home/sam/guides/our-site"),
            "/home/sam/guides/our-site"
        );
        assert_eq!(shell_word("Our site"), "'Our site'");
        assert_eq!(shell_word("Sam's site"), "'Sam'\\''s site'");
    }

    #[test]
    fn next_steps_in_this_folder_need_no_cd() {
        let running = Path::new("/nowhere/hub");
        let lines = next_steps(Path::new("."), running, None, None);
        assert_eq!(lines[0], "next: /nowhere/hub serve");
        assert!(lines[1].contains("cargo install --path PATH/TO/hub --locked"));
    }
}
