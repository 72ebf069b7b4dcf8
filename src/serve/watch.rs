//! Watching the site's sources (site.toml, content/, static/, templates/, themes/, data/)
//! with notify. An editor's burst of writes arrives as one batch; editors' temporary files
//! and the output folder are ignored.
//!
//! Temporary files are recognised two ways. Well-known names (`.swp`, `~`, `#file#`,
//! JetBrains' `___jb_tmp___`, ...) are dropped by name. Any other name counts as a temporary
//! file when it is gone by the time its batch is handled and was never one of the site's
//! files: that is what `sed -i` (`sedGRxvDb`), vim (`4913`) and most "write a temporary file,
//! rename it over the real one" saves leave behind, whatever they call it. The real file they
//! were saving still exists, so it is rebuilt and named.
//!
//! The batching is written here rather than taken from notify's debouncer crates because
//! those report changes without their kind, and every build *reads* the sources: the
//! resulting access events must not count as changes, or each build would start the next.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// Folders whose changes need a rebuild.
pub(super) const WATCHED_FOLDERS: &[&str] = &["content", "static", "templates", "themes", "data"];

/// How long the files must be quiet before a rebuild starts while a save is still under way
/// (a file was written but not yet closed) or during a burst: long enough to gather an
/// editor's save (write, rename, chmod), short enough to feel immediate.
const QUIET: Duration = Duration::from_millis(30);
/// Once a file has been closed after writing, or renamed into place, its save is complete:
/// the rebuild waits only this long for the rest of the editor's save (a backup removed,
/// permissions set), so that an edit shows at once.
const SETTLE: Duration = Duration::from_millis(4);
/// Changes that start this soon after the last batch belong to a burst (a formatter, a
/// checkout, an editor saving every few keystrokes): they wait for quiet, so that the burst
/// gives one more rebuild, not one per file.
const BURST: Duration = Duration::from_millis(250);
/// A stream of changes that never pauses still gets a rebuild this often.
const LONGEST_WAIT: Duration = Duration::from_secs(2);

/// What a batch of file events means for the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ChangeSet {
    /// Changed paths relative to the site root, for the terminal.
    pub(super) paths: Vec<String>,
    /// Only Markdown under content/ changed: a quick rebuild may do.
    pub(super) content_only: bool,
    /// Only stylesheets changed: tabs can swap them without reloading.
    pub(super) css_only: bool,
}

/// A running watcher.
pub(super) struct SiteWatcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    events: Receiver<notify::Result<Event>>,
    /// When the last batch was handed out.
    last_batch: Option<Instant>,
    /// Every source path that existed when watching started or in a batch since: a path that
    /// vanished counts as a deletion only if it is one of these.
    known: HashSet<PathBuf>,
}

impl SiteWatcher {
    /// Starts watching `root`.
    pub(super) fn start(root: &Path) -> Result<SiteWatcher> {
        let (tx, events) = std::sync::mpsc::channel();
        let watcher = RecommendedWatcher::new(tx, notify::Config::default())
            .map_err(|e| Error::Serve(format!("cannot watch the site for changes: {e}")))?;
        let mut watcher = SiteWatcher {
            watcher,
            root: root.to_path_buf(),
            events,
            last_batch: None,
            known: HashSet::new(),
        };
        watcher.known.insert(root.join(crate::config::CONFIG_FILE));
        // The root itself (not recursively): site.toml, and folders created later.
        watcher
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::Serve(format!("cannot watch {}: {e}", root.display())))?;
        for folder in WATCHED_FOLDERS {
            watcher.watch_folder(folder);
        }
        Ok(watcher)
    }

    /// Starts watching a source folder if it exists (it may appear while serving).
    pub(super) fn watch_folder(&mut self, folder: &str) {
        let path = self.root.join(folder);
        if path.is_dir() {
            let _ = self.watcher.watch(&path, RecursiveMode::Recursive);
            remember_tree(&path, &mut self.known);
        }
    }

    /// Waits for the next burst of changes and returns every path it touched, once the saves
    /// in it are complete, or the files have been quiet for a moment. `None` when the
    /// watcher has stopped.
    pub(super) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut paths = Vec::new();
        let mut saved = false;
        while paths.is_empty() {
            saved |= collect(self.events.recv().ok()?, &mut paths);
        }
        let in_burst = self.last_batch.is_some_and(|last| last.elapsed() < BURST);
        let started = Instant::now();
        while started.elapsed() < LONGEST_WAIT {
            match self.events.recv_timeout(quiet_needed(saved, in_burst)) {
                Ok(event) => saved |= collect(event, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        self.last_batch = Some(Instant::now());
        Some(drop_vanished_strangers(paths, &mut self.known, exists))
    }
}

/// Whether anything (a file, a folder, a dangling symlink) is at `path` now.
fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Adds `folder` and everything under it to the known paths: files that arrive inside a
/// folder (a copy, a checkout, a rename of the folder) are not reported one by one.
fn remember_tree(folder: &Path, known: &mut HashSet<PathBuf>) {
    let entries = walkdir::WalkDir::new(folder).follow_links(false);
    known.extend(
        entries
            .into_iter()
            .flatten()
            .map(walkdir::DirEntry::into_path),
    );
}

/// Drops the paths that no longer exist and were never known: temporary files an editor or
/// tool wrote and renamed or removed within the batch. Remembers the paths that exist, and
/// forgets the known ones that are gone (they stay in the batch: they were deleted or moved).
fn drop_vanished_strangers(
    paths: Vec<PathBuf>,
    known: &mut HashSet<PathBuf>,
    exists: impl Fn(&Path) -> bool,
) -> Vec<PathBuf> {
    let mut kept = Vec::with_capacity(paths.len());
    // Known paths gone in this batch, which may name them more than once.
    let mut gone = HashSet::new();
    for path in paths {
        if exists(&path) {
            if !known.contains(&path) && path.is_dir() {
                remember_tree(&path, known);
            }
            known.insert(path.clone());
            kept.push(path);
        } else if known.remove(&path) || gone.contains(&path) {
            gone.insert(path.clone());
            kept.push(path);
        }
    }
    kept
}

/// How long to wait for more events before handing out a batch.
fn quiet_needed(save_complete: bool, in_burst: bool) -> Duration {
    if save_complete && !in_burst {
        SETTLE
    } else {
        QUIET
    }
}

/// Keeps the paths of events that change something (not reads), and says whether the event
/// completed a save: a source file closed after writing, or renamed into place.
fn collect(event: notify::Result<Event>, paths: &mut Vec<PathBuf>) -> bool {
    let Ok(event) = event else {
        return false;
    };
    let completes_save = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    ) && event.paths.iter().any(|path| !is_temporary(path));
    if !matches!(event.kind, EventKind::Access(_)) {
        paths.extend(event.paths);
    }
    completes_save
}

/// An editor's temporary or backup file, or a hidden one: never the end of a save. Names
/// without an extension (`sedGRxvDb`, `4913`, `tmpk2j4x8`) are usually a temporary file about
/// to be renamed: closing one waits for the rename rather than ending the batch before it.
fn is_temporary(path: &Path) -> bool {
    path.extension().is_none()
        || path
            .file_name()
            .map(|name| name.to_string_lossy())
            .is_none_or(|name| is_editor_noise(&name))
}

/// Editors write temporary files next to the one being saved; none of them is content.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name == "4913"
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".bak",
            ".part",
            ".crdownload",
            // JetBrains editors' "safe write".
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Sorts a batch of changed paths into what the build needs, or `None` when nothing in it
/// matters (temporary files, the output folder, anything outside the watched sources).
pub(super) fn classify(root: &Path, output_dir: &Path, paths: &[PathBuf]) -> Option<ChangeSet> {
    let mut relevant = Vec::new();
    for path in paths {
        if path.starts_with(output_dir) {
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let Some(first) = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
        else {
            continue;
        };
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_source =
            first == crate::config::CONFIG_FILE || WATCHED_FOLDERS.contains(&first.as_str());
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if !is_source || hidden || is_editor_noise(&name) {
            continue;
        }
        relevant.push(crate::error::display_path(rel));
    }
    if relevant.is_empty() {
        return None;
    }
    relevant.sort();
    relevant.dedup();
    let content_only = relevant
        .iter()
        .all(|p| p.starts_with("content/") && p.ends_with(".md"));
    let css_only = relevant
        .iter()
        .all(|p| (p.starts_with("static/") || p.starts_with("themes/")) && p.ends_with(".css"));
    Some(ChangeSet {
        paths: relevant,
        content_only,
        css_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> Option<ChangeSet> {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, &root.join("public"), &paths)
    }

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn a_closed_or_renamed_source_file_completes_a_save() {
        let mut paths = Vec::new();
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(collect(event(closed, "/site/content/a.md"), &mut paths));
        assert!(paths.is_empty(), "closing a file changes nothing by itself");
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        assert!(collect(event(renamed, "/site/content/a.md"), &mut paths));
        assert_eq!(paths, [PathBuf::from("/site/content/a.md")]);
    }

    #[test]
    fn writes_reads_and_temporary_files_do_not_complete_a_save() {
        let mut paths = Vec::new();
        let written = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        assert!(!collect(event(written, "/site/content/a.md"), &mut paths));
        assert_eq!(paths.len(), 1, "a write is a change");
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        for temporary in [
            "/site/content/4913",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
        ] {
            assert!(
                !collect(event(closed, temporary), &mut paths),
                "{temporary}"
            );
        }
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert!(!collect(event(read, "/site/content/a.md"), &mut paths));
        assert!(!collect(Err(notify::Error::generic("lost")), &mut paths));
        assert_eq!(paths.len(), 1, "reads and closes are not changes");
    }

    #[test]
    fn closing_a_file_without_an_extension_waits_for_its_rename() {
        let mut paths = Vec::new();
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(!collect(
            event(closed, "/site/content/tips/sedGRxvDb"),
            &mut paths
        ));
        assert!(collect(
            event(closed, "/site/content/tips/a.md"),
            &mut paths
        ));
    }

    /// Runs `drop_vanished_strangers` as if only `existing` were on disk.
    fn keep_real(paths: &[&str], known: &mut HashSet<PathBuf>, existing: &[&str]) -> Vec<String> {
        let paths = paths.iter().map(PathBuf::from).collect();
        let on_disk = |path: &Path| existing.iter().any(|e| Path::new(e) == path);
        drop_vanished_strangers(paths, known, on_disk)
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn temporary_files_gone_by_the_end_of_the_batch_are_dropped_whatever_their_name() {
        let mut known = HashSet::from([PathBuf::from("/site/content/tips/a.md")]);
        // `sed -i`: a temporary file written, then renamed over the page.
        let kept = keep_real(
            &[
                "/site/content/tips/sedGRxvDb",
                "/site/content/tips/sedGRxvDb",
                "/site/content/tips/a.md",
            ],
            &mut known,
            &["/site/content/tips/a.md"],
        );
        assert_eq!(kept, ["/site/content/tips/a.md"]);
        assert!(!known.contains(Path::new("/site/content/tips/sedGRxvDb")));
    }

    #[test]
    fn known_files_that_are_gone_are_deletions_and_new_files_are_remembered() {
        let mut known = HashSet::from([PathBuf::from("/site/content/tips/a.md")]);
        let kept = keep_real(
            &[
                "/site/content/tips/a.md",
                "/site/content/tips/a.md",
                "/site/content/tips/b.md",
            ],
            &mut known,
            &["/site/content/tips/b.md"],
        );
        assert_eq!(
            kept,
            [
                "/site/content/tips/a.md",
                "/site/content/tips/a.md",
                "/site/content/tips/b.md"
            ]
        );
        // b.md is a site file now: deleting it later is a change too.
        let kept = keep_real(&["/site/content/tips/b.md"], &mut known, &[]);
        assert_eq!(kept, ["/site/content/tips/b.md"]);
    }

    #[test]
    fn only_a_complete_save_outside_a_burst_is_handed_out_at_once() {
        assert_eq!(quiet_needed(true, false), SETTLE);
        assert_eq!(quiet_needed(false, false), QUIET);
        assert_eq!(quiet_needed(true, true), QUIET);
        assert!(SETTLE < QUIET && QUIET < BURST);
    }

    #[test]
    fn ignores_noise_and_output() {
        assert_eq!(
            set(&[
                "public/index.html",
                "content/.x.md.swp",
                "content/x.md~",
                "target/debug/hub",
                "content/4913",
                "content/tips/a.md___jb_tmp___",
                "content/tips/a.md___jb_old___",
            ]),
            None
        );
    }

    #[test]
    fn sorts_changes_by_what_they_need() {
        let c = set(&["content/tips/a.md", "content/tips/a.md"]).unwrap();
        assert_eq!(
            (c.paths.len(), c.content_only, c.css_only),
            (1, true, false)
        );
        let c = set(&["static/style.css"]).unwrap();
        assert!(c.css_only && !c.content_only);
        let c = set(&["content/tips/a.md", "templates/page.html"]).unwrap();
        assert!(!c.content_only && !c.css_only);
        assert!(!set(&["site.toml"]).unwrap().content_only);
    }
}
