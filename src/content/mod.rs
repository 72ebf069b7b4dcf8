//! Reading `content/`: walking the folder, reading each Markdown file once, and parsing its
//! front matter into [`PageSource`] and `SectionSource`. Nothing here knows about URLs
//! beyond slugs, or about templates.

mod date;
mod extra;
pub(crate) mod front_matter;
mod history;
mod sessions;
mod slug;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::Diagnostic;
use crate::source::SourceText;
#[doc(hidden)]
pub(crate) use date::fuzz_round_trip;
pub(crate) use date::ContentDate;
use front_matter::{
    at_extra_key, at_extra_list_entry, at_key, at_session_key, date_words, normalise_extra, parse,
    parse_date, session_key_position, set_above_extra, split, FrontMatterFormat, PageFrontMatter,
    SectionFrontMatter, SplitFile, PAGE_FIELDS, SECTION_FIELDS,
};
pub(crate) use history::{RoadmapStatus, StatusChange};
pub(crate) use sessions::{Session, SessionLink, DEFAULT_TIME_ZONE};
pub use slug::slugify;

/// The folder, inside the site root, that holds the Markdown.
pub(crate) const CONTENT_DIR: &str = "content";

/// A Markdown file read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to `content/` with `/` separators, e.g. `tips/x.md` (what `@/` links use).
    pub content_path: String,
    /// The file as written, its path relative to the site root (`content/tips/x.md`).
    pub file: SourceText,
}

impl SourceFile {
    /// The file at `path` (relative to the site root) holding `text`. Its body starts after
    /// the front matter, or at the start when the front matter is not closed (an error that
    /// parsing reports).
    pub fn new(path: PathBuf, content_path: String, text: String) -> SourceFile {
        let body_start =
            front_matter::split(&path, &text).map_or(0, |split| text.len() - split.body.len());
        SourceFile {
            content_path,
            file: SourceText {
                path,
                text,
                body_start,
            },
        }
    }

    /// The file `content/<content_path>` holding `text`: a page made in memory, for tests.
    #[cfg(test)]
    pub(crate) fn in_content(content_path: &str, text: &str) -> SourceFile {
        SourceFile::new(
            Path::new(CONTENT_DIR).join(content_path),
            content_path.into(),
            text.into(),
        )
    }
}

/// A file in `content/` that is not Markdown: copied next to the page or section it sits with.
#[derive(Debug, Clone)]
pub(crate) struct AssetFile {
    /// Absolute path on disk.
    pub(crate) source: PathBuf,
    /// Path relative to `content/` with `/` separators.
    pub(crate) content_path: String,
}

/// Everything found in `content/`.
#[derive(Debug, Default, Clone)]
pub(crate) struct ContentFiles {
    pub(crate) pages: Vec<SourceFile>,
    pub(crate) sections: Vec<SourceFile>,
    pub(crate) assets: Vec<AssetFile>,
    /// Every folder under `content/` (content-relative, `""` for the root), so that a folder
    /// without `_index.md` still becomes a section.
    pub(crate) dirs: Vec<String>,
}

/// Walks `root/content` and reads every Markdown file. Problems (unreadable files, text that
/// is not UTF-8, symlink loops) are collected, not fatal, so that one build reports them all.
pub(crate) fn load(root: &Path) -> (ContentFiles, Vec<Diagnostic>) {
    let content_root = root.join(CONTENT_DIR);
    let mut files = ContentFiles::default();
    let mut problems = Vec::new();
    if !content_root.is_dir() {
        return (files, problems);
    }
    let mut markdown = Vec::new();
    let guard = InsideSite::new(root);
    let walker = WalkDir::new(&content_root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| (e.depth() == 0 || !is_ignored(e.file_name())) && guard.allows(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(walk_problem(root, &e));
                continue;
            }
        };
        let content_path = content_relative(&content_root, entry.path());
        if entry.file_type().is_dir() {
            files.dirs.push(content_path);
        } else if entry.path().extension().is_some_and(|e| e == "md") {
            markdown.push((entry.into_path(), content_path));
        } else if entry
            .path()
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            problems.push(capital_md_problem(root, entry.path()));
        } else {
            files.assets.push(AssetFile {
                source: entry.into_path(),
                content_path,
            });
        }
    }
    problems.extend(guard.problems());
    let read: Vec<Result<SourceFile, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(path, content_path)| read_markdown(root, &path, content_path))
        .collect();
    for result in read {
        match result {
            Ok(file) if file.content_path.rsplit('/').next() == Some("_index.md") => {
                files.sections.push(file)
            }
            Ok(file) => files.pages.push(file),
            Err(d) => problems.push(d),
        }
    }
    (files, problems)
}

/// A Markdown file whose name ends in `.MD` (or `.Md`): neither a page nor a file to copy.
/// Copied as it is, it would publish its source text; read as a page, its `@/` address
/// (`@/tips/x.MD`) and its section's `_INDEX.MD` would need a second spelling of every rule,
/// and would change meaning on a web host whose file names are case-sensitive. One spelling,
/// asked for by name, is clearer.
fn capital_md_problem(root: &Path, path: &Path) -> Diagnostic {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = &name[..name.len().saturating_sub(3)];
    Diagnostic::new(
        site_relative(root, path),
        format!("{name} ends in capital letters, so hub does not read it as a page"),
    )
    .hint(format!("rename it {stem}.md (small letters)"))
}

/// Keeps symbolic links from bringing files from outside the site into it: a link that
/// leads out of the site folder is skipped and reported, so nothing private elsewhere on the
/// computer is published (or shown by the preview) by accident.
pub(crate) struct InsideSite {
    root: PathBuf,
    problems: std::cell::RefCell<Vec<Diagnostic>>,
}

impl InsideSite {
    /// A guard for the site at `root`.
    pub(crate) fn new(root: &Path) -> InsideSite {
        InsideSite {
            root: root.to_path_buf(),
            problems: Default::default(),
        }
    }

    /// False for a symlink that leads outside the site or round in a loop, by the rule of
    /// [`check_inside_site`] (its problem is kept for [`InsideSite::problems`]). Everything
    /// else is allowed.
    pub(crate) fn allows(&self, entry: &walkdir::DirEntry) -> bool {
        if !entry.path_is_symlink() {
            return true;
        }
        match check_inside_site(&self.root, entry.path()) {
            Ok(()) => true,
            Err(d) => {
                self.problems.borrow_mut().push(d);
                false
            }
        }
    }

    /// One problem for each link that led out of the site or round in a loop.
    pub(crate) fn problems(self) -> Vec<Diagnostic> {
        self.problems.into_inner()
    }
}

/// Whether `path` (a file or folder of the site at `root`) really lies inside the site
/// folder once every symbolic link on the way is followed. A link that leads out of it, or
/// round in a loop, is a problem naming the link and where it points, and the file must
/// not be read: `data/x.csv → /etc/passwd` would otherwise be read by templates and
/// published. For folders hub reads a few files from (data/, templates/, themes/,
/// archetypes/); content/ and static/ are walked with [`InsideSite`].
pub(crate) fn check_inside_site(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let Ok(site) = std::fs::canonicalize(root) else {
        return Ok(());
    };
    // Which link to name is only worked out (a look at every folder on the way) when
    // there is a problem to report.
    let link = || first_link(root, path).unwrap_or_else(|| path.to_path_buf());
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(&site) => Ok(()),
        Ok(target) => {
            let link = link();
            Err(Diagnostic::new(
                site_relative(root, &link),
                format!(
                    "this is a link to {}, which is outside the site folder; hub does not read it",
                    std::fs::canonicalize(&link).unwrap_or(target).display()
                ),
            )
            .rule(crate::rules::PRIVACY_OUTSIDE_LINK.id)
            .hint(crate::rules::PRIVACY_OUTSIDE_LINK.fixed_fix()))
        }
        // ELOOP: the link leads round in a circle.
        Err(e) if e.raw_os_error() == Some(40) || e.raw_os_error() == Some(62) => Err(
            Diagnostic::new(
                site_relative(root, &link()),
                "this is a link that leads round in a loop (to itself, or through other links back to itself)",
            )
            .hint("remove the symbolic link, or point it at a real file inside the site folder"),
        ),
        // Missing files are reported by whoever reads them, with their own advice.
        Err(_) => Ok(()),
    }
}

/// The first symbolic link on the way from `root` down to `path`, if there is one.
fn first_link(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(at);
        }
    }
    None
}

/// Hidden files and editors' temporary files are never content.
fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~') || name.starts_with("#") || name.ends_with(".swp")
}

fn content_relative(content_root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(content_root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Path relative to the site root when possible, for messages.
pub(crate) fn site_relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

fn walk_problem(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| site_relative(root, p))
        .unwrap_or_else(|| CONTENT_DIR.into());
    if e.loop_ancestor().is_some() {
        Diagnostic::new(
            path,
            "this link points back to a folder that contains it (a symlink loop)",
        )
        .hint("remove the symbolic link, or point it somewhere outside content/")
    } else {
        let reason = e
            .io_error()
            .map_or_else(|| e.to_string(), ToString::to_string);
        Diagnostic::new(path, format!("cannot read this file or folder: {reason}"))
            .hint("check that the file exists and that you are allowed to read it")
    }
}

/// Reads and decodes one Markdown file of content/ (`path` on disk, `content_path` inside
/// content/): the one way pages and sections are read, by the build and by the preview.
pub(crate) fn read_markdown(
    root: &Path,
    path: &Path,
    content_path: String,
) -> Result<SourceFile, Diagnostic> {
    let rel = site_relative(root, path);
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(&rel, format!("cannot read this file: {e}"))
            .hint("check that you are allowed to read it")
    })?;
    let text = crate::source::decode_text(&rel, bytes).map_err(|d| {
        if !d.message.contains("not UTF-8") {
            d
        } else {
            d.hint("save it as UTF-8 in your editor, or give a file that is not Markdown another extension than .md")
        }
    })?;
    Ok(SourceFile::new(rel, content_path, text))
}

/// The most tags one page may have. Every tag's page lists its pages with all their tags, so
/// the work grows with the square of the tags on a page: 8,000 tags (a list pasted in by
/// mistake) took minutes, while no real page needs more than a handful.
const MAX_TAGS: usize = 100;

/// A page's front matter, checked, with its body.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// The file as written: path, text, and where the body starts.
    pub(crate) file: SourceText,
    pub(crate) content_path: String,
    /// Content-relative folder of the section this page belongs to (`""` for the home).
    pub(crate) section_dir: String,
    /// True for `dir/index.md`: the page's folder holds its assets.
    pub(crate) is_bundle: bool,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) date: Option<ContentDate>,
    pub(crate) updated: Option<ContentDate>,
    pub(crate) review_by: Option<ContentDate>,
    pub(crate) draft: bool,
    pub(crate) weight: Option<i64>,
    pub(crate) tags: Vec<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) image: Option<String>,
    /// What `image` shows, in words (`og:image:alt`).
    pub(crate) image_alt: Option<String>,
    pub(crate) template: Option<String>,
    pub(crate) aliases: Vec<String>,
    /// `survey = "self-assessment"`: the survey in data/ this page shows as a form.
    pub(crate) survey: Option<String>,
    /// Training sessions (or other events), in the order written.
    pub(crate) sessions: Vec<Session>,
    /// False when the front matter says `search = false`: left out of the search index.
    pub(crate) search: bool,
    pub(crate) extra: serde_json::Value,
    /// A roadmap page's status changes (`[[extra.history]]`), oldest first; empty on others.
    pub(crate) status_history: Vec<StatusChange>,
    /// Problems that do not stop the build (a field below `[extra]`): printed by `build`
    /// and `serve`, findings of `check`. Each names its `check` rule.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl PageSource {
    /// The Markdown after the front matter.
    pub(crate) fn body(&self) -> &str {
        self.file.body()
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortBy {
    /// Newest first; undated pages last, by title.
    Date,
    /// Lowest weight first; ties and unweighted pages by title.
    Weight,
    /// Alphabetical, ignoring case.
    Title,
    /// The order of the files' names.
    None,
}

/// A section's front matter, checked, with its body.
#[derive(Debug, Clone)]
pub(crate) struct SectionSource {
    /// The file as written: path, text, and where the body starts.
    pub(crate) file: SourceText,
    pub(crate) content_path: String,
    /// Content-relative folder (`""` for the home).
    pub(crate) dir: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) sort_by: SortBy,
    pub(crate) paginate_by: Option<usize>,
    pub(crate) template: Option<String>,
    pub(crate) page_template: Option<String>,
    pub(crate) feed: bool,
    pub(crate) weight: Option<i64>,
    /// False when the front matter says `search = false`: the section and its pages are
    /// left out of the search index.
    pub(crate) search: bool,
    pub(crate) extra: serde_json::Value,
    /// Problems that do not stop the build, as for pages.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl SectionSource {
    /// The Markdown after the front matter.
    pub(crate) fn body(&self) -> &str {
        self.file.body()
    }

    /// A section for a folder that has no `_index.md`: titled after the folder.
    pub(crate) fn implicit(dir: &str) -> SectionSource {
        let name = dir.rsplit('/').next().unwrap_or(dir);
        SectionSource {
            file: SourceText::whole(Path::new(CONTENT_DIR).join(dir), ""),
            content_path: if dir.is_empty() {
                "_index.md".into()
            } else {
                format!("{dir}/_index.md")
            },
            dir: dir.to_string(),
            title: title_from_name(name),
            description: String::new(),
            sort_by: SortBy::Date,
            paginate_by: None,
            template: None,
            page_template: None,
            feed: true,
            weight: None,
            search: true,
            extra: serde_json::Value::Object(Default::default()),
            warnings: Vec::new(),
        }
    }
}

/// `follow-thirty` → `Follow thirty`: a readable title made from a file or folder name.
pub(crate) fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The folder part of a content path: `tips/x.md` → `tips`, `x.md` → ``.
fn parent_dir(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Checks a page's front matter and turns it into a [`PageSource`], collecting every problem.
pub fn parse_page(file: SourceFile) -> Result<PageSource, Vec<Diagnostic>> {
    let path = file.file.path.clone();
    let parts = split(&path, &file.file.text).map_err(|d| vec![d])?;
    let mut fm: PageFrontMatter = parse(&path, &parts).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    if parts.format.is_none() {
        problems.push(
            Diagnostic::new(&path, "this page has no front matter, so it has no title")
                .at(1, Some(1))
                .hint("start the file with:\n    +++\n    title = \"Your title\"\n    +++"),
        );
        return Err(problems);
    }
    let title = match fm.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            problems.push(at_key(
                Diagnostic::new(&path, "this page has no `title`")
                    .hint("add title = \"Your title\" to the front matter"),
                &parts,
                "title",
            ));
            String::new()
        }
    };
    let mut date_of = |key: &str, text: Option<&str>| match parse_date(&path, &parts, key, text) {
        Ok(d) => d,
        Err(d) => {
            problems.push(d);
            None
        }
    };
    let date = date_of("date", fm.date.as_deref());
    let updated = date_of("updated", fm.updated.as_deref());
    let review_by = date_of("review_by", fm.review_by.as_deref());

    let file_name = file.content_path.rsplit('/').next().unwrap_or_default();
    if file.content_path == "index.md" {
        problems.push(
            Diagnostic::new(&path, "content/index.md would take the home page's place")
                .hint("put the home page's text in content/_index.md, or give this page another file name"),
        );
        return Err(problems);
    }
    let is_bundle = file_name == "index.md";
    let dir = parent_dir(&file.content_path);
    let (section_dir, name) = if is_bundle {
        (parent_dir(dir), dir.rsplit('/').next().unwrap_or(dir))
    } else {
        (dir, file_name.strip_suffix(".md").unwrap_or(file_name))
    };
    let slug_source = fm.slug.as_deref().unwrap_or(name);
    let slug = slugify(slug_source);
    if slug.is_empty() {
        let d = Diagnostic::new(
            &path,
            format!("cannot make a web address from {slug_source:?}"),
        )
        .hint("set slug = \"a-name-with-letters\" in the front matter");
        problems.push(if fm.slug.is_some() {
            at_key(d, &parts, "slug")
        } else {
            d
        });
    }
    if fm.tags.len() > MAX_TAGS {
        problems.push(at_key(
            Diagnostic::new(
                &path,
                format!(
                    "this page has {} tags; a page can have at most {MAX_TAGS}",
                    fm.tags.len()
                ),
            )
            .hint("keep the few tags people would look for this page under (most pages have one to five)"),
            &parts,
            "tags",
        ));
        fm.tags.clear();
    }
    if let Some(why) = fm.image.as_deref().and_then(crate::address::unsafe_address) {
        problems.push(at_key(
            Diagnostic::new(&path, format!("the image {why}")).hint(
                "give the picture's web address starting with https://, or a path such as \
                 /images/card.png (a file in static/) or card.png (a file beside this page)",
            ),
            &parts,
            "image",
        ));
    }
    for tag in &fm.tags {
        if slugify(tag).is_empty() {
            problems.push(at_key(
                Diagnostic::new(
                    &path,
                    format!("the tag {tag:?} has no letters or digits to make a web address from"),
                )
                .hint("use a tag with letters, e.g. \"privacy\""),
                &parts,
                "tags",
            ));
        }
    }
    let assign = sessions::Assign {
        yaml: parts.format == Some(FrontMatterFormat::Yaml),
    };
    let sessions =
        match sessions::check_sessions(std::mem::take(&mut fm.sessions), assign, |index, key| {
            session_key_position(&parts, index, key)
        }) {
            Ok(sessions) => sessions,
            Err(found) => {
                problems.extend(found.into_iter().map(|problem| {
                    at_session_key(
                        Diagnostic::new(&path, problem.message).hint(problem.hint),
                        &parts,
                        problem.index,
                        problem.key,
                    )
                }));
                Vec::new()
            }
        };
    let mut extra = serde_json::Value::Object(std::mem::take(&mut fm.extra));
    normalise_extra(&mut extra);
    let mut status_history = Vec::new();
    if let serde_json::Value::Object(map) = &mut extra {
        if extra::is_roadmap_page(map) {
            problems.extend(extra::check_roadmap(map).into_iter().map(|problem| {
                at_extra_key(
                    Diagnostic::new(&path, problem.message).hint(problem.hint),
                    &parts,
                    &problem.key,
                    problem.in_name,
                )
            }));
            let format = parts.format.unwrap_or(FrontMatterFormat::Toml);
            let words = |key: &str, written: &str| date_words(format, key, written);
            let (changes, found) = history::check_history(map, &words);
            status_history = changes;
            problems.extend(found.into_iter().map(|problem| {
                let d = Diagnostic::new(&path, problem.message).hint(problem.hint);
                match problem.spot {
                    history::HistorySpot::ExtraKey(key) => at_extra_key(d, &parts, key, false),
                    history::HistorySpot::Entry {
                        index,
                        key,
                        at_name,
                    } => at_extra_list_entry(
                        d,
                        &parts,
                        history::HISTORY_KEY,
                        index,
                        key.as_deref(),
                        at_name,
                    ),
                }
            }));
        }
    }
    if fm.survey.as_deref().is_some_and(|s| s.trim().is_empty()) {
        problems.push(at_key(
            Diagnostic::new(&path, "`survey` is empty")
                .hint("name a survey file in data/, e.g. survey = \"self-assessment\" for data/self-assessment.toml, or remove the line"),
            &parts,
            "survey",
        ));
    }
    if !problems.is_empty() {
        // In the order they stand in the file, as the writer reads it.
        problems.sort_by_key(|d| (d.line, d.column));
        return Err(problems);
    }
    let warnings = fields_in_extra(&path, &parts, &extra, PAGE_FIELDS, "page");
    debug_assert_eq!(
        file.file.body_start,
        file.file.text.len() - parts.body.len()
    );
    Ok(PageSource {
        warnings,
        section_dir: section_dir.to_string(),
        is_bundle,
        slug,
        title,
        description: fm.description.unwrap_or_default(),
        date,
        updated,
        review_by,
        draft: fm.draft,
        weight: fm.weight,
        tags: fm.tags,
        authors: fm.authors,
        image: fm.image,
        image_alt: fm.image_alt,
        template: fm.template,
        aliases: fm.aliases,
        survey: fm.survey,
        sessions,
        search: fm.search.unwrap_or(true),
        extra,
        status_history,
        content_path: file.content_path,
        file: file.file,
    })
}

/// Warnings for `kind`'s own `fields` found in `extra`. Only in TOML, where a line below
/// `[extra]` lands there without anyone meaning it; in YAML, indenting under `extra:` is a
/// choice that can be seen.
fn fields_in_extra(
    path: &Path,
    parts: &SplitFile<'_>,
    extra: &serde_json::Value,
    fields: &[&str],
    kind: &str,
) -> Vec<Diagnostic> {
    let serde_json::Value::Object(map) = extra else {
        return Vec::new();
    };
    if parts.format != Some(FrontMatterFormat::Toml) {
        return Vec::new();
    }
    extra::page_fields_in_extra(map, fields, kind, |key| set_above_extra(parts, key))
        .into_iter()
        .map(|(key, message)| {
            let warning = Diagnostic::new(path, message)
                .rule(crate::rules::CONTENT_EXTRA_FIELD.id)
                .hint(format!("move the `{key}` line above the [extra] line"));
            at_extra_key(warning, parts, &key, true)
        })
        .collect()
}

/// Checks a section's front matter (`_index.md`) and turns it into a `SectionSource`.
pub(crate) fn parse_section(file: SourceFile) -> Result<SectionSource, Vec<Diagnostic>> {
    let path = file.file.path.clone();
    let parts = split(&path, &file.file.text).map_err(|d| vec![d])?;
    let fm: SectionFrontMatter = parse(&path, &parts).map_err(|d| vec![d])?;
    let dir = parent_dir(&file.content_path).to_string();
    let sort_by = match fm.sort_by.as_deref() {
        None | Some("date") => SortBy::Date,
        Some("weight") => SortBy::Weight,
        Some("title") => SortBy::Title,
        Some("none") => SortBy::None,
        Some(other) => {
            return Err(vec![at_key(
                Diagnostic::new(&path, format!("unknown sort_by {other:?}"))
                    .hint("use one of \"date\" (newest first), \"weight\", \"title\" or \"none\""),
                &parts,
                "sort_by",
            )])
        }
    };
    if fm.paginate_by == Some(0) {
        return Err(vec![at_key(
            Diagnostic::new(&path, "paginate_by must be at least 1")
                .hint("remove paginate_by to show every page on one page"),
            &parts,
            "paginate_by",
        )]);
    }
    let mut extra = serde_json::Value::Object(fm.extra);
    normalise_extra(&mut extra);
    let warnings = fields_in_extra(&path, &parts, &extra, SECTION_FIELDS, "section");
    debug_assert_eq!(
        file.file.body_start,
        file.file.text.len() - parts.body.len()
    );
    let implicit = SectionSource::implicit(&dir);
    Ok(SectionSource {
        warnings,
        title: fm
            .title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(implicit.title),
        description: fm.description.unwrap_or_default(),
        sort_by,
        paginate_by: fm.paginate_by,
        template: fm.template,
        page_template: fm.page_template,
        feed: fm.feed.unwrap_or(true),
        weight: fm.weight,
        search: fm.search.unwrap_or(true),
        extra,
        dir,
        content_path: file.content_path,
        file: file.file,
    })
}

#[cfg(test)]
mod tests {

    use super::*;

    fn source(content_path: &str, text: &str) -> SourceFile {
        SourceFile::in_content(content_path, text)
    }

    #[test]
    fn page_slug_comes_from_file_name_or_slug() {
        let p = parse_page(source("tips/Café Rules.md", "+++\ntitle = \"A\"\n+++\n")).unwrap();
        assert_eq!(
            (p.slug.as_str(), p.section_dir.as_str()),
            ("cafe-rules", "tips")
        );
        let p = parse_page(source(
            "tips/x.md",
            "+++\ntitle = \"A\"\nslug = \"Own Slug\"\n+++\n",
        ))
        .unwrap();
        assert_eq!(p.slug, "own-slug");
    }

    #[test]
    fn bundle_takes_its_folder_name() {
        let p = parse_page(source(
            "tips/photo-guide/index.md",
            "+++\ntitle = \"A\"\n+++\n",
        ))
        .unwrap();
        assert!(p.is_bundle);
        assert_eq!(
            (p.slug.as_str(), p.section_dir.as_str()),
            ("photo-guide", "tips")
        );
    }

    #[test]
    fn several_problems_are_reported_together() {
        let e = parse_page(source(
            "x.md",
            "+++\ndate = \"2024-13-01\"\nupdated = \"soon\"\n+++\n",
        ))
        .unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn history_problems_point_at_their_lines_in_toml_and_yaml() {
        let toml = "+++\ntitle = \"X\"\n[extra]\nplatform = \"X\"\nstatus = \"trial\"\n\n\
                    [[extra.history]]\ndate = 2025-01-02\nto = \"assess\"\nwhy = \"New.\"\n\n\
                    [[extra.history]]\ndate = 2025-06-01\nfrom = \"asess\"\n  to = \"trial\"\n+++\n";
        let e = parse_page(source("roadmap/x.md", toml)).unwrap_err();
        let found: Vec<(Option<usize>, Option<usize>, &str)> = e
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some(12),
                    Some(1),
                    "change 2 of `history` has no `why`"
                ),
                (
                    Some(14),
                    Some(8),
                    "unknown roadmap status \"asess\" in `from` of change 2 of `history`; did you mean \"assess\"?"
                ),
            ]
        );
        let yaml = "---\ntitle: X\nextra:\n  platform: X\n  status: hold\n  history:\n    - date: 2025-01-02\n      to: assess\n      why: New.\n    - date: \"2025-13-01\"\n      from: assess\n      to: hold\n      why: Risky.\n---\n";
        let e = parse_page(source("roadmap/x.md", yaml)).unwrap_err();
        assert_eq!((e[0].line, e[0].column), (Some(10), Some(13)), "{e:?}");
        assert_eq!(
            e[0].message,
            "invalid date \"2025-13-01\" in `date`: there is no month 13 (change 2 of `history`)"
        );
        let p = parse_page(source(
            "roadmap/x.md",
            &yaml.replace("2025-13-01", "2025-03-01"),
        ))
        .unwrap();
        assert_eq!(p.status_history.len(), 2);
        assert_eq!(p.status_history[1].to, RoadmapStatus::Hold);
    }

    #[test]
    fn page_without_front_matter_is_an_error() {
        let e = parse_page(source("x.md", "# Hello\n")).unwrap_err();
        assert_eq!(e[0].line, Some(1));
    }

    #[test]
    fn section_sort_by_is_checked() {
        let e = parse_section(source(
            "tips/_index.md",
            "+++\ntitle = \"T\"\nsort_by = \"newest\"\n+++\n",
        ))
        .unwrap_err();
        assert_eq!(e[0].line, Some(3));
        let s =
            parse_section(source("tips/_index.md", "+++\nsort_by = \"weight\"\n+++\n")).unwrap();
        assert_eq!(
            (s.sort_by, s.title.as_str(), s.dir.as_str()),
            (SortBy::Weight, "Tips", "tips")
        );
    }
}
