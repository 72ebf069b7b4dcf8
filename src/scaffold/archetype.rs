//! Archetypes: the templates `hub new` fills in for a new page, so that a new roadmap page
//! starts with the roadmap fields and a new policy with its review date (like Hugo's).
//!
//! For `hub new SECTION/.../SLUG` the first that exists wins:
//! 1. the site's `archetypes/<full section path>.md` (`archetypes/policies/hr.md`);
//! 2. the site's `archetypes/<top-level section>.md` (`archetypes/policies.md`);
//! 3. the site's `archetypes/default.md`;
//! 4. the built-in archetype of the top-level section (roadmap, policies, posts, training);
//! 5. the built-in default.
//!
//! The most specific file wins, and the site's own files win over the built-in ones, because
//! they say what this organisation wants. An archetype is a Tera template (autoescape off).

use std::path::{Path, PathBuf};

use crate::content::{parse_page, SourceFile, CONTENT_DIR};
use crate::error::{line_col, Diagnostic};

/// The folder, inside the site root, that holds a site's own archetypes.
const ARCHETYPES_DIR: &str = "archetypes";

/// The archetypes compiled into hub, by top-level section name.
const BUILT_IN: &[(&str, &str)] = &[
    ("roadmap", include_str!("archetypes/roadmap.md")),
    ("policies", include_str!("archetypes/policies.md")),
    ("posts", include_str!("archetypes/posts.md")),
    ("training", include_str!("archetypes/training.md")),
];

/// Used when neither the site nor hub has an archetype for the section.
const BUILT_IN_DEFAULT: &str = include_str!("archetypes/default.md");

/// An archetype's text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Archetype {
    /// Site-relative path of the file (`archetypes/roadmap.md`), or `None` for a built-in one.
    file: Option<PathBuf>,
    /// The built-in archetype's name, or the file's stem.
    name: String,
    text: String,
}

impl Archetype {
    /// How the archetype is named to people: `archetypes/roadmap.md`, or `the built-in
    /// roadmap archetype`.
    pub(super) fn describe(&self) -> String {
        match &self.file {
            Some(file) => crate::error::display_path(file),
            None => format!("the built-in {} archetype", self.name),
        }
    }

    /// Where problems with the archetype are reported.
    fn origin(&self) -> PathBuf {
        self.file
            .clone()
            .unwrap_or_else(|| PathBuf::from(self.describe()))
    }
}

/// The values an archetype can use: `{{ title }}`, `{{ slug }}`, `{{ section }}`,
/// `{{ today }}` and `{{ year_ahead }}` (dates as 2026-11-24).
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct Placeholders {
    title: String,
    slug: String,
    /// The section's folder inside content/, `roadmap` or `policies/hr` (empty for the home).
    section: String,
    today: String,
    year_ahead: String,
}

impl Placeholders {
    /// The values for a page `slug` titled `title` in `section`, made on `today`.
    pub(super) fn new(
        title: &str,
        slug: &str,
        section: &str,
        today: chrono::NaiveDate,
    ) -> Placeholders {
        let year_ahead = today
            .checked_add_months(chrono::Months::new(12))
            .unwrap_or(today);
        Placeholders {
            title: title.to_string(),
            slug: slug.to_string(),
            section: section.to_string(),
            today: today.format("%Y-%m-%d").to_string(),
            year_ahead: year_ahead.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The archetype for a page in `section` (content-relative, `/`-separated) of the site at
/// `root`, by the order in the module's documentation.
pub(super) fn find(root: &Path, section: &str) -> Result<Archetype, Diagnostic> {
    let top_level = section.split('/').next().unwrap_or_default();
    let mut candidates = Vec::new();
    if !section.is_empty() {
        candidates.push(section);
    }
    if top_level != section {
        candidates.push(top_level);
    }
    candidates.push("default");
    for name in candidates {
        let file = Path::new(ARCHETYPES_DIR).join(format!("{name}.md"));
        if let Some(text) = read_if_present(root, &file)? {
            let name = name.to_string();
            return Ok(Archetype {
                file: Some(file),
                name,
                text,
            });
        }
    }
    let (name, text) = BUILT_IN
        .iter()
        .find(|(name, _)| *name == top_level)
        .copied()
        .unwrap_or(("default", BUILT_IN_DEFAULT));
    Ok(Archetype {
        file: None,
        name: name.to_string(),
        text: text.to_string(),
    })
}

fn read_if_present(root: &Path, file: &Path) -> Result<Option<String>, Diagnostic> {
    let path = root.join(file);
    if !path.is_file() {
        return Ok(None);
    }
    crate::content::check_inside_site(root, &path)?;
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::new(file, format!("cannot read this archetype: {e}"))
            .hint("check that you are allowed to read it")
    })?;
    crate::source::decode_text(file, bytes).map(Some)
}

/// A filled-in archetype: the new page's text, and whether it is a draft.
#[derive(Debug, Clone)]
pub(super) struct FilledIn {
    pub(super) text: String,
    pub(super) draft: bool,
}

/// Fills in the archetype, then reads the page it made as hub would build it, so that
/// `hub new` never writes a page that cannot be built. `content_path` is the new page's
/// path inside content/ (`roadmap/tiktok.md`).
pub(super) fn render(
    archetype: &Archetype,
    values: &Placeholders,
    content_path: &str,
) -> Result<FilledIn, Diagnostic> {
    // Blank lines left by a comment at the top would push the front matter off line 1.
    let text = fill_in(archetype, values)?.trim_start().to_string();
    let page = SourceFile::new(
        Path::new(CONTENT_DIR).join(content_path),
        content_path.to_string(),
        text.clone(),
    );
    match parse_page(page) {
        Ok(page) => Ok(FilledIn {
            text,
            draft: page.draft,
        }),
        Err(problems) => Err(unbuildable(archetype, &problems)),
    }
}

fn fill_in(archetype: &Archetype, values: &Placeholders) -> Result<String, Diagnostic> {
    let origin = archetype.origin();
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    let name = archetype.describe();
    if let Err(e) = tera.add_raw_template(&name, &archetype.text) {
        let (what, position) = crate::render::templates::syntax_error(&e);
        let mut d = Diagnostic::new(origin, format!("this archetype has a template syntax error: {what}"))
            .hint("check the {{ }} and {% %} tags on this line; to write {{ as text, put it in {% raw %}...{% endraw %}");
        if let Some((line, col)) = position {
            d = d.at(line, Some(col));
        }
        return Err(d);
    }
    let context = tera::Context::from_serialize(values)
        .map_err(|e| Diagnostic::new(&origin, format!("cannot fill in this archetype: {e}")))?;
    tera.render(&name, &context).map_err(|e| {
        let chain = crate::render::templates::error_chain(&e);
        let unknown = chain
            .iter()
            .find_map(|m| m.strip_prefix("Variable `"))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        let mut d = Diagnostic::new(
            &origin,
            match &unknown {
                Some(name) => format!("this archetype uses `{name}`, which hub does not fill in"),
                None => format!("cannot fill in this archetype: {}", chain.join(": ")),
            },
        )
        .hint("an archetype can use {{ title }}, {{ slug }}, {{ section }}, {{ today }} and {{ year_ahead }}");
        if let Some(offset) = unknown.and_then(|name| archetype.text.find(&name)) {
            let (line, col) = line_col(&archetype.text, offset);
            d = d.at(line, Some(col));
        }
        d
    })
}

/// A page that an archetype made but hub could not build, reported against the archetype.
fn unbuildable(archetype: &Archetype, problems: &[Diagnostic]) -> Diagnostic {
    let first = problems.first();
    let what = first.map_or("it cannot be read", |d| d.message.as_str());
    let mut d = Diagnostic::new(
        archetype.origin(),
        format!("the page this archetype makes would not build: {what}"),
    )
    .hint(match first.and_then(|d| d.hint.as_deref()) {
        Some(hint) => format!("fix the archetype: {hint}"),
        None => "fix the archetype's front matter".into(),
    });
    if let Some(line) = first.and_then(|d| d.line) {
        d = d.at(line, first.and_then(|d| d.column));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Placeholders {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        Placeholders::new("Say \"hi\" on TikTok", "tiktok", "roadmap", today)
    }

    fn built_in(name: &str) -> Archetype {
        find(Path::new("/nonexistent-site"), name).unwrap()
    }

    #[test]
    fn every_built_in_archetype_makes_a_page_that_builds() {
        for section in ["roadmap", "policies", "posts", "training", "tips"] {
            let archetype = built_in(section);
            assert_eq!(archetype.file, None);
            let text = render(&archetype, &values(), &format!("{section}/tiktok.md"))
                .unwrap_or_else(|e| panic!("{section}: {e}"))
                .text;
            let page = parse_page(SourceFile::new(
                "content/x.md".into(),
                format!("{section}/tiktok.md"),
                text,
            ))
            .unwrap();
            assert_eq!(page.title, "Say \"hi\" on TikTok");
            assert!(page.draft, "{section}");
            assert!(page.warnings.is_empty(), "{section}: {:?}", page.warnings);
        }
    }

    #[test]
    fn built_in_archetypes_fill_in_their_fields() {
        let roadmap = render(&built_in("roadmap"), &values(), "roadmap/tiktok.md")
            .unwrap()
            .text;
        assert!(
            roadmap.contains("platform = \"Say \\\"hi\\\" on TikTok\""),
            "{roadmap}"
        );
        assert!(roadmap.contains("date = 2026-11-24"));
        let policy = render(&built_in("policies/hr"), &values(), "policies/hr/x.md")
            .unwrap()
            .text;
        assert!(
            policy.contains("updated = 2026-11-24\nreview_by = 2027-11-24"),
            "{policy}"
        );
        assert_eq!(built_in("roadmap/ai").name, "roadmap");
        assert_eq!(built_in("").name, "default");
    }

    #[test]
    fn a_broken_archetype_is_an_error_at_its_line() {
        let broken = Archetype {
            file: Some("archetypes/tips.md".into()),
            name: "tips".into(),
            text: "+++\ntitle = \"{{ title }\"\n+++\n".into(),
        };
        let e = render(&broken, &values(), "tips/x.md").unwrap_err();
        assert!(
            e.message
                .starts_with("this archetype has a template syntax error"),
            "{e}"
        );
        assert_eq!(e.line, Some(2));
        let unknown = Archetype {
            text: "+++\ntitle = \"A\"\ndate = {{ todya }}\n+++\n".into(),
            ..broken.clone()
        };
        let e = render(&unknown, &values(), "tips/x.md").unwrap_err();
        assert_eq!(
            e.message,
            "this archetype uses `todya`, which hub does not fill in"
        );
        assert_eq!((e.line, e.column), (Some(3), Some(11)));
        let unbuildable = Archetype {
            text: "+++\ntitle = \"A\"\ntag = []\n+++\n".into(),
            ..broken
        };
        let e = render(&unbuildable, &values(), "tips/x.md").unwrap_err();
        assert_eq!(
            e.message,
            "the page this archetype makes would not build: unknown field `tag`; did you mean `tags`?"
        );
        assert_eq!(e.line, Some(3));
    }
}
