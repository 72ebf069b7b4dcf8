//! Writing the rendered site, and publishing it all at once. The new site is written to a
//! folder beside the output folder (`.public.hub-next` for `public/`, on the same disk), with
//! unchanged files hard-linked from the current site instead of copied; only when every file
//! is there do the two folders swap places, in one step (`renameat2` with `RENAME_EXCHANGE`
//! on Linux; elsewhere two renames, with recovery). A build that is stopped at any moment,
//! even killed, leaves either the whole old site or the whole new one, and the next build
//! tidies up what was left beside it. A lock file keeps two builds from publishing at once.
//!
//! `hub` only replaces a folder it wrote: its marker file `.hub-output` lists every file hub
//! put there, and a folder holding any other file is refused, so nothing a user put there is
//! ever deleted. Writing never follows a symlink out of the output folder.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::error::{display_path, Diagnostic, Error, Result};

/// Marks a folder as written by `hub` and lists the files hub wrote in it.
const MARKER_FILE: &str = ".hub-output";
/// The marker's first line. A marker of this line alone was written by hub before markers
/// listed files: such a folder is trusted whole, so that upgrading `hub` needs no manual step.
const MARKER_HEADER: &str =
    "This folder is written by hub; files in it are replaced on every build.";
/// Starts the list of files in the marker: one JSON string a line, so any name fits.
const MARKER_FILES: &str = "files hub wrote here (do not edit; hub replaces only these):";
/// Changed files waited here, inside the output folder, before hub published by swapping
/// folders; and still do when the output folder is a disk of its own (a mount point), which
/// cannot be swapped.
const STAGING_DIR: &str = ".hub-staging";
/// Suffixes of the folders and lock file beside the output folder: `.public.hub-next`...
const NEXT_SUFFIX: &str = "hub-next";
const OLD_SUFFIX: &str = "hub-old";
const LOCK_SUFFIX: &str = "hub-lock";

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
    // `-o notes.txt/site`: a file where a folder of the path should be.
    for ancestor in dir.ancestors().skip(1) {
        if let Ok(meta) = fs::metadata(ancestor) {
            if !meta.is_dir() {
                return Err(refuse(
                    format!(
                        "the output folder {} cannot be made: {} is a file, not a folder",
                        dir.display(),
                        ancestor.display()
                    ),
                    "choose an output folder whose path runs through folders only",
                ));
            }
            break;
        }
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(refuse(
                format!("the output folder {} is a file", dir.display()),
                "remove the file or choose another folder",
            ));
        }
        refuse_foreign_files(&dir).map_err(|e| match e {
            Error::Site(problems) => Error::Site(
                problems
                    .into_iter()
                    .map(|mut d| {
                        d.path = PathBuf::from(if from_config {
                            crate::config::CONFIG_FILE
                        } else {
                            "-o"
                        });
                        d
                    })
                    .collect(),
            ),
            other => other,
        })?;
    }
    Ok(dir)
}

/// The files hub says it wrote in `dir`, from its marker. `None`: no marker, or one hub did
/// not write (an empty one, say), so nothing in the folder is hub's. `Some(None)`: a marker of
/// an older hub, which did not list files: everything in the folder is hub's.
fn marker_list(dir: &Path) -> Option<Option<HashSet<String>>> {
    let text = fs::read_to_string(dir.join(MARKER_FILE)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MARKER_HEADER {
        return None;
    }
    match lines.next() {
        None => Some(None),
        Some(MARKER_FILES) => Some(Some(
            lines
                .filter_map(|line| serde_json::from_str::<String>(line).ok())
                .collect(),
        )),
        Some(_) => None,
    }
}

/// The marker's text for a site made of `files`.
fn marker_text(files: &[OutputFile]) -> String {
    let mut text = format!("{MARKER_HEADER}\n{MARKER_FILES}\n");
    for file in files {
        text.push_str(&serde_json::Value::String(file.path.clone()).to_string());
        text.push('\n');
    }
    text
}

/// Regular files in `dir` that hub did not write (symlinks and folders are replaced without
/// being followed, so they lose nobody's work), sorted, relative and `/`-separated.
fn foreign_files(dir: &Path) -> Result<Vec<String>> {
    let listed = match marker_list(dir) {
        Some(None) => return Ok(Vec::new()),
        Some(Some(listed)) => listed,
        None => HashSet::new(),
    };
    let mut foreign = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        // An older hub's staging folder, left by a build that was stopped.
        .filter_entry(|e| e.depth() != 1 || e.file_name() != STAGING_DIR);
    for entry in walker {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = display_path(entry.path().strip_prefix(dir).unwrap_or(entry.path()));
        if rel != MARKER_FILE && !listed.contains(&rel) {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// Refuses to replace `dir` when it holds a file hub did not write.
fn refuse_foreign_files(dir: &Path) -> Result<()> {
    let foreign = foreign_files(dir)?;
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = foreign.iter().take(3).map(String::as_str).collect();
    let more = match foreign.len() - shown.len() {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Err(Error::site(
        Diagnostic::new(
            dir,
            format!(
                "the output folder {} already holds files that hub did not write ({}{more}), so hub will not replace them",
                dir.display(),
                shown.join(", ")
            ),
        )
        .hint("choose an empty or new folder, or move this folder away if you no longer need it; files to publish with the site belong in static/"),
    ))
}

/// An IO failure while publishing, in words: what happened, to which folder, what to do,
/// and that the site online (the output folder) is still the previous one.
fn publish_error(dir: &Path, path: &Path, error: io::Error) -> Error {
    let folder = dir.display();
    let (what, hint) = match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => (
            "the disk is full".to_string(),
            format!("free some space on the disk that holds {folder} (hub needs room for a second copy of the site while it publishes), or build into a folder on another disk with `hub build -o DIR`"),
        ),
        io::ErrorKind::FileTooLarge => (
            "a file is larger than this computer allows (a file size limit, as set by `ulimit -f`)".to_string(),
            "raise the file size limit (`ulimit -f unlimited`), or make the large file in static/ or content/ smaller".to_string(),
        ),
        io::ErrorKind::ReadOnlyFilesystem => (
            "the disk is read-only".to_string(),
            format!("build into a folder you can write to with `hub build -o DIR`, or ask whoever looks after this computer to make {folder} writable"),
        ),
        io::ErrorKind::PermissionDenied => (
            "you are not allowed to write there".to_string(),
            format!("build into a folder you can write to with `hub build -o DIR`, or ask whoever looks after this computer for permission to write to {folder} and the folder that holds it"),
        ),
        io::ErrorKind::NotADirectory => (
            "a file stands where a folder should be".to_string(),
            format!("make sure every part of the path {folder} is a folder, or choose another output folder"),
        ),
        _ => (
            "the computer refused to write a file".to_string(),
            format!("check that {folder} and the folder that holds it can be written to, then build again"),
        ),
    };
    // The file as it would be published, not its place in the folder beside.
    let shown = sibling(dir, NEXT_SUFFIX)
        .ok()
        .and_then(|next| path.strip_prefix(next).ok().map(|rest| dir.join(rest)))
        .filter(|shown| shown != dir)
        .unwrap_or_else(|| {
            // The lock file and the folders beside mean nothing to a reader: name the folder.
            let beside = [NEXT_SUFFIX, OLD_SUFFIX, LOCK_SUFFIX]
                .iter()
                .any(|suffix| sibling(dir, suffix).is_ok_and(|s| s == path));
            if beside {
                dir.to_path_buf()
            } else {
                path.to_path_buf()
            }
        });
    Error::site(
        Diagnostic::new(
            shown,
            format!("could not publish the site: {what} ({error}); the site in {folder} is still the previous one"),
        )
        .hint(hint),
    )
}

/// `.public.hub-next` beside `public`.
fn sibling(dir: &Path, suffix: &str) -> Result<PathBuf> {
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => {
            let mut sibling = std::ffi::OsString::from(".");
            sibling.push(name);
            sibling.push(".");
            sibling.push(suffix);
            Ok(parent.join(sibling))
        }
        _ => Err(Error::site(
            Diagnostic::new(
                dir,
                "the output folder has no name (it is the top of a disk)",
            )
            .hint("choose a folder of its own, such as public"),
        )),
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Holds the lock file beside the output folder while a build publishes; removes it after.
struct PublishLock {
    path: PathBuf,
    #[cfg(unix)]
    _file: fs::File,
}

impl PublishLock {
    #[cfg(unix)]
    fn acquire(dir: &Path) -> Result<PublishLock> {
        use std::os::unix::fs::MetadataExt;
        let path = sibling(dir, LOCK_SUFFIX)?;
        // The lock file is removed when a build ends; one that opened it just before must
        // not then lock a file nobody else sees, hence the check that it is still there.
        loop {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| publish_error(dir, &path, e))?;
            match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(rustix::io::Errno::WOULDBLOCK) => {
                    return Err(Error::site(
                        Diagnostic::new(
                            dir,
                            format!(
                                "another hub build is publishing to {} right now",
                                dir.display()
                            ),
                        )
                        .hint("wait for that build to finish, then build again"),
                    ))
                }
                Err(e) => return Err(publish_error(dir, &path, e.into())),
            }
            let held = file.metadata().map_err(|e| publish_error(dir, &path, e))?;
            match fs::metadata(&path) {
                Ok(now) if now.ino() == held.ino() && now.dev() == held.dev() => {
                    return Ok(PublishLock { path, _file: file })
                }
                _ => continue,
            }
        }
    }

    /// Without flock, two builds are not kept apart; the folder swap is still whole.
    #[cfg(not(unix))]
    fn acquire(dir: &Path) -> Result<PublishLock> {
        Ok(PublishLock {
            path: sibling(dir, LOCK_SUFFIX)?,
        })
    }
}

impl Drop for PublishLock {
    fn drop(&mut self) {
        // Removed while still locked, then unlocked when the file closes.
        let _ = fs::remove_file(&self.path);
    }
}

/// A folder that is removed when dropped (on success once it is no longer needed, on any
/// error or panic always), so that no temporary folder outlives a build.
struct TempTree {
    path: PathBuf,
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = remove_tree(&self.path);
    }
}

/// Removes a folder hub made, its marker last: a build killed while removing it leaves a
/// folder that still shows it is hub's, for the next build to finish removing.
fn remove_tree(path: &Path) -> io::Result<()> {
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_name() == MARKER_FILE {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    fs::remove_dir_all(path)
}

/// Whether `path` holds something hub may delete: a folder with hub's marker, or an empty one
/// (a build stopped before it wrote the marker).
fn is_hubs_leftover(path: &Path) -> bool {
    path.join(MARKER_FILE).is_file()
        || fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

/// Tidies up after a build that was stopped (killed, say): a new site
/// that never got published is removed; an old site left beside the output folder is removed,
/// or put back if the output folder is missing (the fallback swap was stopped half-way).
fn recover(dir: &Path) -> Result<()> {
    let old = sibling(dir, OLD_SUFFIX)?;
    let next = sibling(dir, NEXT_SUFFIX)?;
    for leftover in [&old, &next] {
        if exists(leftover) && !is_hubs_leftover(leftover) {
            return Err(Error::site(
                Diagnostic::new(
                    leftover,
                    format!(
                        "{} is in the way: hub uses this name while it publishes, but this folder is not one hub left",
                        leftover.display()
                    ),
                )
                .hint("rename or move that folder, then build again"),
            ));
        }
    }
    if exists(&old) {
        if exists(dir) {
            remove_tree(&old).map_err(|e| publish_error(dir, &old, e))?;
        } else {
            fs::rename(&old, dir).map_err(|e| publish_error(dir, &old, e))?;
        }
    }
    if exists(&next) {
        remove_tree(&next).map_err(|e| publish_error(dir, &next, e))?;
    }
    Ok(())
}

/// Publishes `files` as the whole content of `dir`: see the module documentation. `files`
/// come from the render, which has already refused two files at one path and a file where
/// another needs a folder (`atom.xml` and an alias's `atom.xml/index.html`), with the place
/// in the site that asks for them.
pub(crate) fn write(dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let parent = dir.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(|e| publish_error(dir, parent, e))?;
    let _lock = PublishLock::acquire(dir)?;
    recover(dir)?;
    if exists(dir) {
        if !dir.is_dir() || dir.is_symlink() {
            return Err(Error::site(
                Diagnostic::new(
                    dir,
                    format!("the output folder {} is not a folder", dir.display()),
                )
                .hint("remove it or choose another folder"),
            ));
        }
        refuse_foreign_files(dir)?;
        if is_mount_point(dir) {
            return write_in_place(dir, files);
        }
    }
    let existing = scan(dir)?;
    let next = TempTree {
        path: sibling(dir, NEXT_SUFFIX)?,
    };
    fs::create_dir(&next.path).map_err(|e| publish_error(dir, &next.path, e))?;
    let marker = next.path.join(MARKER_FILE);
    fs::write(&marker, format!("{MARKER_HEADER}\nbeing written\n"))
        .map_err(|e| publish_error(dir, &marker, e))?;

    // 1. The whole new site beside the old one: unchanged files are hard links to the old
    //    ones (no copy, and their times stay), the others are written.
    let changed: Vec<bool> = files
        .par_iter()
        .map(|file| {
            let target = next.path.join(&file.path);
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder).map_err(|e| publish_error(dir, folder, e))?;
            }
            let current = dir.join(&file.path);
            let source_error = |e: io::Error| match &file.content {
                OutputContent::Copy(path) => Error::io(path, e),
                _ => publish_error(dir, &target, e),
            };
            let bytes = file.content.bytes().map_err(source_error)?;
            if let Some(Existing::File(len)) = existing.get(&file.path) {
                if *len == bytes.len() as u64
                    && fs::read(&current).is_ok_and(|now| now == *bytes)
                    && fs::hard_link(&current, &target).is_ok()
                {
                    return Ok(false);
                }
            }
            fs::write(&target, &bytes).map_err(|e| publish_error(dir, &target, e))?;
            Ok(true)
        })
        .collect::<Result<_>>()?;
    fs::write(&marker, marker_text(files)).map_err(|e| publish_error(dir, &marker, e))?;

    // 2. The swap: from here on the new site is the one published.
    match swap_into_place(&next.path, dir) {
        Ok(()) => {}
        // The output folder is a mount point (a bind mount, say) after all.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy
            ) =>
        {
            drop(next);
            return write_in_place(dir, files);
        }
        Err(e) => return Err(publish_error(dir, dir, e)),
    }
    // 3. `next` now holds the old site (or nothing), removed when dropped.
    let produced: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let removed = existing
        .iter()
        .filter(|(path, kind)| {
            matches!(kind, Existing::File(_))
                && path.as_str() != MARKER_FILE
                && !produced.contains(path.as_str())
        })
        .count();
    let written = changed.iter().filter(|c| **c).count();
    Ok(WriteStats {
        written,
        unchanged: files.len() - written,
        removed,
    })
}

/// Puts the folder `next` at `dir`, and what was at `dir` at `next`, as one step when the
/// system can; otherwise by moving `dir` aside first (a build stopped between the two moves
/// is put right by [`recover`]).
fn swap_into_place(next: &Path, dir: &Path) -> io::Result<()> {
    if !exists(dir) {
        return fs::rename(next, dir);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, next, CWD, dir, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // A file system or kernel without the exchange: the fallback below.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    swap_by_renames(next, dir)
}

/// The swap where the system cannot exchange two folders in one step: `dir` moves aside to
/// `.public.hub-old`, `next` takes its place, and the old site moves to `next`'s name.
fn swap_by_renames(next: &Path, dir: &Path) -> io::Result<()> {
    let old = sibling(dir, OLD_SUFFIX).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    fs::rename(dir, &old)?;
    if let Err(e) = fs::rename(next, dir) {
        let _ = fs::rename(&old, dir);
        return Err(e);
    }
    fs::rename(&old, next)
}

/// Whether `dir` is the top of a file system of its own, which cannot be renamed.
fn is_mount_point(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let parent = dir.parent().unwrap_or(dir);
        match (fs::metadata(dir), fs::metadata(parent)) {
            (Ok(a), Ok(b)) => a.dev() != b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
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

/// Updates `dir` file by file, for an output folder that is a mount point and so cannot be
/// swapped: changed files are staged inside it, then moved into place; a build stopped during
/// the moves can leave a mix of old and new files, which the next build puts right.
fn write_in_place(dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let existing = scan(dir)?;
    let staging = TempTree {
        path: dir.join(STAGING_DIR),
    };
    let _ = fs::remove_dir_all(&staging.path);

    // 1. Find what changed and stage it; any failure here leaves the site as it was.
    //    The staging folder is flat (a file per number), so that it costs no folders to make
    //    and remove.
    fs::create_dir(&staging.path).map_err(|e| publish_error(dir, &staging.path, e))?;
    let staged: Vec<Option<(&OutputFile, PathBuf)>> = files
        .par_iter()
        .enumerate()
        .map(|(number, file)| {
            let staged = staging.path.join(number.to_string());
            let existing = existing.get(&file.path).copied();
            Ok(stage_if_changed(dir, &staged, file, existing)?.map(|file| (file, staged)))
        })
        .collect::<Result<_>>()?;
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
            fs::create_dir_all(parent).map_err(|e| publish_error(dir, parent, e))?;
        }
        fs::rename(staged, &target).map_err(|e| publish_error(dir, &target, e))
    })?;
    drop(staging);
    let marker = dir.join(MARKER_FILE);
    fs::write(&marker, marker_text(files)).map_err(|e| publish_error(dir, &marker, e))?;

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
                fs::remove_file(&full).map_err(|e| publish_error(dir, &full, e))?;
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
    let source_error = |e: io::Error| match &file.content {
        OutputContent::Copy(path) => Error::io(path, e),
        _ => publish_error(dir, &dir.join(&file.path), e),
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
    fs::write(staged, &bytes).map_err(|e| publish_error(dir, &dir.join(&file.path), e))?;
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
        let result = match existing.get(&prefix) {
            Some(Existing::Dir) if is_last => fs::remove_dir_all(&full),
            Some(Existing::File(_)) if !is_last => fs::remove_file(&full),
            Some(Existing::Other) if fs::symlink_metadata(&full).is_ok_and(|m| !m.is_dir()) => {
                fs::remove_file(&full)
            }
            _ => Ok(()),
        };
        result.map_err(|e| publish_error(dir, &full, e))?;
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

    #[test]
    fn unchanged_files_are_hard_links_to_the_old_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &[file("a.txt", "same"), file("b.txt", "old")]).unwrap();
        let before = fs::metadata(out.join("a.txt")).unwrap();
        let stats = write(&out, &[file("a.txt", "same"), file("b.txt", "new")]).unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            assert_eq!(fs::metadata(out.join("a.txt")).unwrap().ino(), before.ino());
        }
        let _ = before;
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("public")],
            "nothing left beside"
        );
    }

    #[test]
    fn a_planted_marker_does_not_make_a_folder_hubs() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(MARKER_FILE), "").unwrap();
        fs::write(out.join("precious.txt"), "keep").unwrap();
        assert!(check_output_dir(tmp.path(), &out, false).is_err());
        assert!(write(&out, &[file("index.html", "x")]).is_err());
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn a_file_added_to_a_built_folder_is_not_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &[file("index.html", "x")]).unwrap();
        fs::write(out.join("google-verification.html"), "mine").unwrap();
        let Err(Error::Site(problems)) = write(&out, &[file("index.html", "y")]) else {
            panic!("refused")
        };
        assert!(
            problems[0].message.contains("google-verification.html"),
            "{problems:?}"
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "x");
        assert!(out.join("google-verification.html").is_file());
    }

    #[test]
    fn a_marker_of_an_older_hub_is_trusted_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(MARKER_FILE), format!("{MARKER_HEADER}\n")).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        write(&out, &[file("index.html", "x")]).unwrap();
        assert!(!out.join("old.html").exists());
        assert!(marker_list(&out).is_some_and(|l| l.is_some_and(|l| l.contains("index.html"))));
    }

    #[test]
    fn leftovers_of_a_stopped_build_are_tidied_up() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &[file("index.html", "good")]).unwrap();
        // Killed while writing the next site.
        let next = sibling(&out, NEXT_SUFFIX).unwrap();
        fs::create_dir_all(next.join("tips")).unwrap();
        fs::write(next.join(MARKER_FILE), "x").unwrap();
        fs::write(next.join("tips/index.html"), "half").unwrap();
        write(&out, &[file("index.html", "better")]).unwrap();
        assert!(!next.exists());
        // Killed between the two moves of the fallback swap: the old site is put back.
        let old = sibling(&out, OLD_SUFFIX).unwrap();
        fs::rename(&out, &old).unwrap();
        recover(&out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "better"
        );
        assert!(!old.exists());
    }

    #[test]
    fn a_folder_in_the_way_that_hub_did_not_leave_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let next = sibling(&out, NEXT_SUFFIX).unwrap();
        fs::create_dir(&next).unwrap();
        fs::write(next.join("notes.txt"), "mine").unwrap();
        assert!(write(&out, &[file("index.html", "x")]).is_err());
        assert!(next.join("notes.txt").is_file());
    }

    #[test]
    fn a_second_build_waits_its_turn() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let lock = PublishLock::acquire(&out).unwrap();
        #[cfg(unix)]
        {
            let Err(Error::Site(problems)) = write(&out, &[file("index.html", "x")]) else {
                panic!("refused while locked")
            };
            assert!(problems[0].message.contains("another hub build"));
        }
        drop(lock);
        write(&out, &[file("index.html", "x")]).unwrap();
        assert!(!sibling(&out, LOCK_SUFFIX).unwrap().exists());
    }

    #[test]
    fn publishing_errors_say_what_to_do() {
        let dir = Path::new("public");
        let cases = [
            (
                io::ErrorKind::StorageFull,
                "the disk is full",
                "free some space",
            ),
            (io::ErrorKind::ReadOnlyFilesystem, "read-only", "-o DIR"),
            (io::ErrorKind::FileTooLarge, "file size limit", "ulimit"),
            (io::ErrorKind::PermissionDenied, "not allowed", "permission"),
        ];
        for (kind, message, hint) in cases {
            let Error::Site(problems) = publish_error(dir, dir, io::Error::from(kind)) else {
                panic!("a site problem")
            };
            assert!(
                problems[0].message.contains(message),
                "{kind:?}: {problems:?}"
            );
            assert!(problems[0].message.contains("still the previous one"));
            assert_eq!(problems[0].path, dir);
            assert!(
                problems[0]
                    .hint
                    .as_deref()
                    .is_some_and(|h| h.contains(hint)),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn an_output_folder_under_a_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "x").unwrap();
        let Err(Error::Site(problems)) =
            check_output_dir(tmp.path(), &tmp.path().join("notes.txt/site"), false)
        else {
            panic!("refused")
        };
        assert!(problems[0].message.contains("is a file"), "{problems:?}");
    }

    #[test]
    fn the_swap_by_renames_exchanges_the_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let next = sibling(&out, NEXT_SUFFIX).unwrap();
        fs::create_dir(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        fs::create_dir(&next).unwrap();
        fs::write(next.join("index.html"), "new").unwrap();
        swap_by_renames(&next, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(next.join("index.html")).unwrap(), "old");
        assert!(!sibling(&out, OLD_SUFFIX).unwrap().exists());
    }
}
