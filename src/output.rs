//! Writing the rendered site. Nothing in the output folder changes until the whole site has
//! rendered: changed files are first written to a staging folder inside the output folder,
//! then moved into place; unchanged files are left alone (rewriting thousands of files is slow
//! on some disks); files no longer produced are removed. `hub` only ever removes files from a
//! folder that carries its marker file, and never follows a symlink out of the output folder.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::error::{display_path, Diagnostic, Error, Result};

/// Marks a folder as written by `hub`, so that it may remove stale files from it.
const MARKER_FILE: &str = ".hub-output";
/// Changed files wait here until every one of them is written.
const STAGING_DIR: &str = ".hub-staging";

/// The bytes of one output file.
#[derive(Debug, Clone)]
pub(crate) enum OutputContent {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Compiled into the binary (the default theme's static files).
    Embedded(&'static [u8]),
    /// Copied from a file on disk (static files, page bundle assets).
    Copy(PathBuf),
}

impl OutputContent {
    /// Where the content came from, for messages.
    pub(crate) fn origin_hint(&self) -> PathBuf {
        match self {
            OutputContent::Copy(path) => path.clone(),
            _ => PathBuf::from("content"),
        }
    }

    fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            OutputContent::Bytes(bytes) => bytes.as_slice().into(),
            OutputContent::Embedded(bytes) => (*bytes).into(),
            OutputContent::Copy(path) => fs::read(path)?.into(),
        })
    }
}

/// A file of the built site.
#[derive(Debug, Clone)]
pub(crate) struct OutputFile {
    /// Relative to the output folder, `/`-separated, e.g. `tips/index.html`.
    pub(crate) path: String,
    pub(crate) content: OutputContent,
}

/// What writing changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteStats {
    written: usize,
    unchanged: usize,
    removed: usize,
}

/// Site folders an `output_dir` in site.toml must never be, or be inside.
const PROTECTED_FOLDERS: &[&str] = &["content", "static", "templates", "themes", "data"];

/// Joins and removes `.` and `..` without touching the disk (the folder may not exist yet).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Resolves symlinks in the existing part of `path`, so that checks see the real place.
fn real_path(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut real = fs::canonicalize(&existing).unwrap_or(existing);
    real.extend(rest.iter().rev());
    real
}

/// Checks that the output folder is safe to write and clean. `from_config` is true when it
/// comes from `output_dir` in site.toml, which must be a folder of its own inside the site.
pub(crate) fn check_output_dir(root: &Path, dir: &Path, from_config: bool) -> Result<PathBuf> {
    let root = real_path(&normalise(root));
    let dir = real_path(&normalise(&root.join(dir)));
    // A refusal of `output_dir` names site.toml; the caller, which holds the Config, puts it
    // on the setting's line (this module never reads site.toml).
    let refuse = |message: String, hint: &str| -> Error {
        Error::site(
            Diagnostic::new(
                if from_config {
                    crate::config::CONFIG_FILE
                } else {
                    "-o"
                },
                message,
            )
            .hint(hint),
        )
    };
    if root.starts_with(&dir) {
        return Err(refuse(
            format!("the output folder {} is the site folder or contains it; building there would delete your work", dir.display()),
            "use a folder of its own, such as output_dir = \"public\"",
        ));
    }
    if from_config && !dir.starts_with(&root) {
        return Err(refuse(
            format!("output_dir {} is outside the site folder", dir.display()),
            "use a folder inside the site, such as \"public\"; to build elsewhere use `hub build -o DIR`",
        ));
    }
    for protected in PROTECTED_FOLDERS {
        if dir.starts_with(root.join(protected)) {
            return Err(refuse(
                format!("the output folder must not be {protected}/ or inside it: that folder holds your site's sources"),
                "use a folder of its own, such as output_dir = \"public\"",
            ));
        }
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(refuse(
                format!("the output folder {} is a file", dir.display()),
                "remove the file or choose another folder",
            ));
        }
        let has_marker = dir.join(MARKER_FILE).is_file();
        let is_empty = fs::read_dir(&dir)
            .map_err(|e| Error::io(&dir, e))?
            .next()
            .is_none();
        if !has_marker && !is_empty {
            return Err(refuse(
                format!("the output folder {} already holds files that hub did not write, so hub will not replace them", dir.display()),
                "choose an empty or new folder, or move this folder away if you no longer need it",
            ));
        }
    }
    Ok(dir)
}

/// What is in the output folder now, by relative path, without following symlinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    File(u64),
    Dir,
    /// Symlinks and anything else: always replaced, never written through.
    Other,
}

fn scan(dir: &Path) -> Result<HashMap<String, Existing>> {
    let mut found = HashMap::new();
    if !dir.exists() {
        return Ok(found);
    }
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .into_iter();
    for entry in walker.filter_entry(|e| e.depth() != 1 || e.file_name() != STAGING_DIR) {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        let rel = display_path(entry.path().strip_prefix(dir).unwrap_or(entry.path()));
        let kind = if entry.file_type().is_dir() {
            Existing::Dir
        } else if entry.file_type().is_file() {
            Existing::File(entry.metadata().map(|m| m.len()).unwrap_or(u64::MAX))
        } else {
            Existing::Other
        };
        found.insert(rel, kind);
    }
    Ok(found)
}

/// Brings `dir` in line with `files`: see the module documentation.
pub(crate) fn write(dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let marker = dir.join(MARKER_FILE);
    if !marker.is_file() {
        fs::write(
            &marker,
            "This folder is written by hub; files in it are replaced on every build.\n",
        )
        .map_err(|e| Error::io(&marker, e))?;
    }
    let existing = scan(dir)?;
    let staging = dir.join(STAGING_DIR);
    let _ = fs::remove_dir_all(&staging);

    // 1. Find what changed and stage it; any failure here leaves the site as it was.
    //    The staging folder is flat (a file per number), so that it costs no folders to make
    //    and remove.
    fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
    let staged: Vec<Option<(&OutputFile, PathBuf)>> = files
        .par_iter()
        .enumerate()
        .map(|(number, file)| {
            let staged = staging.join(number.to_string());
            let existing = existing.get(&file.path).copied();
            Ok(stage_if_changed(dir, &staged, file, existing)?.map(|file| (file, staged)))
        })
        .collect::<Result<_>>()
        .inspect_err(|_| {
            let _ = fs::remove_dir_all(&staging);
        })?;
    let changed: Vec<(&OutputFile, PathBuf)> = staged.into_iter().flatten().collect();

    // 2. Move staged files into place: a rename each, quick and unlikely to fail. First
    //    whatever stands in their way goes (one at a time: two files may share a folder),
    //    then the moves run on every core (create_dir_all copes with another thread
    //    making the same folder).
    for (file, _) in &changed {
        clear_path_for(dir, &file.path, &existing)?;
    }
    changed.par_iter().try_for_each(|(file, staged)| {
        let target = dir.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::rename(staged, &target).map_err(|e| Error::io(&target, e))
    })?;
    let _ = fs::remove_dir_all(&staging);

    // 3. Remove what is no longer produced.
    let produced: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut needed_dirs: HashSet<&str> = HashSet::new();
    for path in &produced {
        let mut current = *path;
        while let Some((parent, _)) = current.rsplit_once('/') {
            needed_dirs.insert(parent);
            current = parent;
        }
    }
    let mut removed = 0;
    let mut stale_dirs = BTreeSet::new();
    for (path, kind) in &existing {
        if path == MARKER_FILE || produced.contains(path.as_str()) {
            continue;
        }
        match kind {
            Existing::Dir if !needed_dirs.contains(path.as_str()) => {
                stale_dirs.insert(path.clone());
            }
            Existing::Dir => {}
            // A symlink that a folder of this build replaced is gone already.
            _ if fs::symlink_metadata(dir.join(path)).is_ok_and(|m| !m.is_dir()) => {
                let full = dir.join(path);
                fs::remove_file(&full).map_err(|e| Error::io(&full, e))?;
                removed += 1;
            }
            _ => {}
        }
    }
    // Deepest first, and only once empty: a folder we did not fully account for stays.
    for path in stale_dirs.iter().rev() {
        let _ = fs::remove_dir(dir.join(path));
    }
    Ok(WriteStats {
        written: changed.len(),
        unchanged: files.len() - changed.len(),
        removed,
    })
}

/// Writes `file` to `staged` when its bytes differ from what is in `dir`.
fn stage_if_changed<'a>(
    dir: &Path,
    staged: &Path,
    file: &'a OutputFile,
    existing: Option<Existing>,
) -> Result<Option<&'a OutputFile>> {
    let source_error = |e: std::io::Error| match &file.content {
        OutputContent::Copy(path) => Error::io(path, e),
        _ => Error::io(dir.join(&file.path), e),
    };
    let bytes = file.content.bytes().map_err(source_error)?;
    if let Some(Existing::File(len)) = existing {
        if len == bytes.len() as u64 {
            if let Ok(current) = fs::read(dir.join(&file.path)) {
                if current == *bytes {
                    return Ok(None);
                }
            }
        }
    }
    fs::write(staged, &bytes).map_err(|e| Error::io(dir.join(&file.path), e))?;
    Ok(Some(file))
}

/// Removes whatever stands in the way of writing `path`: a symlink or file where a folder is
/// needed, or a folder or symlink where the file goes. Writing never goes through a symlink.
fn clear_path_for(dir: &Path, path: &str, existing: &HashMap<String, Existing>) -> Result<()> {
    let mut prefix = String::new();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        let is_last = i + 1 == parts.len();
        let full = dir.join(&prefix);
        match existing.get(&prefix) {
            Some(Existing::Dir) if is_last => {
                fs::remove_dir_all(&full).map_err(|e| Error::io(&full, e))?
            }
            Some(Existing::File(_)) if !is_last => {
                fs::remove_file(&full).map_err(|e| Error::io(&full, e))?
            }
            Some(Existing::Other) if fs::symlink_metadata(&full).is_ok_and(|m| !m.is_dir()) => {
                fs::remove_file(&full).map_err(|e| Error::io(&full, e))?
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: OutputContent::Bytes(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = write(
            &out,
            &[file("index.html", "a"), file("old/index.html", "b")],
        )
        .unwrap();
        assert_eq!(first.written, 2);
        let second = write(
            &out,
            &[file("index.html", "a"), file("new/index.html", "c")],
        )
        .unwrap();
        assert_eq!(
            (second.written, second.unchanged, second.removed),
            (1, 1, 1)
        );
        assert!(!out.join("old").exists());
        assert_eq!(fs::read_to_string(out.join("new/index.html")).unwrap(), "c");
        assert!(!out.join(STAGING_DIR).exists());
    }

    #[test]
    fn refuses_folders_it_did_not_make() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("mine");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("precious.txt"), "keep").unwrap();
        assert!(check_output_dir(tmp.path(), &out, false).is_err());
        fs::remove_file(out.join("precious.txt")).unwrap();
        assert!(check_output_dir(tmp.path(), &out, false).is_ok());
    }

    #[test]
    fn refuses_dangerous_config_output_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in [".", "content", "static/out", "../elsewhere", "/tmp"] {
            assert!(
                check_output_dir(tmp.path(), Path::new(bad), true).is_err(),
                "{bad}"
            );
        }
        assert!(check_output_dir(tmp.path(), Path::new("public"), true).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        let out = tmp.path().join("public");
        write(&out, &[file("a.txt", "1")]).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("tips")).unwrap();
        write(&out, &[file("a.txt", "1"), file("tips/index.html", "x")]).unwrap();
        assert!(
            fs::read_dir(&outside).unwrap().next().is_none(),
            "nothing written outside"
        );
        assert!(out.join("tips").is_dir() && !out.join("tips").is_symlink());
    }
}
