//! Loading the templates once per build: the theme's (from `themes/<name>/` on disk, else the
//! default theme compiled into the binary), then the site's `templates/` overriding by name.
//! Also turns Tera's errors into diagnostics that name the template file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use include_dir::{include_dir, Dir};
use regex::Regex;
use tera::Tera;

use crate::error::{display_path, Diagnostic};

/// The default theme, compiled in so that a site without a `themes/` folder still builds.
pub(super) static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Name of the theme that is compiled into the binary.
const DEFAULT_THEME_NAME: &str = "default";

/// Templates `hub` uses for files that are not pages; a site may override them too.
const BUILT_IN_TEMPLATES: &[(&str, &str)] = &[
    ("__hub/sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("__hub/robots.txt", include_str!("builtin/robots.txt")),
    ("__hub/redirect.html", include_str!("builtin/redirect.html")),
];

/// Where a template's text came from, for error messages.
#[derive(Debug, Clone)]
pub(super) struct TemplateSource {
    text: String,
    /// Site-relative path, or `(built-in default theme)/templates/x.html`.
    origin: PathBuf,
}

/// The loaded templates with where each came from.
#[derive(Clone)]
pub(crate) struct Templates {
    pub(super) tera: Tera,
    pub(super) sources: BTreeMap<String, TemplateSource>,
    /// Templates that may read the `data` variable, themselves or through a template they
    /// extend, import or include. Only their pages get `data` in their context: Tera copies
    /// the whole context for each page, and `data/` can be large.
    reads_data: BTreeSet<String>,
}

impl Templates {
    /// Whether rendering `name` may read `data` (see [`Templates`]).
    pub(super) fn reads_data(&self, name: &str) -> bool {
        self.reads_data.contains(name)
    }

    /// Whether any template may read `data`: if none does, nothing of `data/` is published.
    pub(crate) fn any_read_data(&self) -> bool {
        !self.reads_data.is_empty()
    }
}

/// The templates that may read `data`, found by following every template's parents, macro
/// files and includes to one whose tags mention `data`.
fn templates_reading_data(
    tera: &Tera,
    sources: &BTreeMap<String, TemplateSource>,
) -> BTreeSet<String> {
    let uses: BTreeMap<&str, Vec<String>> = sources
        .iter()
        .map(|(name, source)| {
            let mut used = included_templates(&source.text);
            if let Ok(template) = tera.get_template(name) {
                used.extend(template.parents.iter().cloned());
                used.extend(
                    template
                        .imported_macro_files
                        .iter()
                        .map(|(file, _)| file.clone()),
                );
            }
            (name.as_str(), used)
        })
        .collect();
    let mut reading: BTreeSet<String> = sources
        .iter()
        .filter(|(_, source)| tags_mention_data(&source.text))
        .map(|(name, _)| name.clone())
        .collect();
    // Spread to the templates that use a reading one, until nothing changes (this also ends
    // on cycles).
    loop {
        let more: Vec<String> = uses
            .iter()
            .filter(|(name, used)| {
                !reading.contains(**name) && used.iter().any(|u| reading.contains(u))
            })
            .map(|(name, _)| name.to_string())
            .collect();
        if more.is_empty() {
            return reading;
        }
        reading.extend(more);
    }
}

/// Tera tags (`{{ }}` and `{% %}`, not comments) of a template.
fn template_tags(text: &str) -> impl Iterator<Item = &str> {
    static TAG: OnceLock<Regex> = OnceLock::new();
    TAG.get_or_init(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("valid pattern"))
        .find_iter(text)
        .map(|m| m.as_str())
}

/// Whether a template's tags name the `data` variable (`data.team`, `data["team"]`), not a
/// field such as `page.extra.data`. May say yes for the word in a string: that only costs
/// a copy.
fn tags_mention_data(text: &str) -> bool {
    static DATA: OnceLock<Regex> = OnceLock::new();
    let data = DATA.get_or_init(|| Regex::new(r"(^|[^.\w])data\b").expect("valid pattern"));
    template_tags(text).any(|tag| data.is_match(tag))
}

/// The names a template's `{% include %}` tags name.
fn included_templates(text: &str) -> Vec<String> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    let name = NAME.get_or_init(|| Regex::new(r#""([^"]*)"|'([^']*)'"#).expect("valid pattern"));
    template_tags(text)
        .filter(|tag| {
            tag.trim_start_matches("{%")
                .trim_start_matches('-')
                .trim_start()
                .starts_with("include")
        })
        .flat_map(|tag| {
            name.captures_iter(tag)
                .filter_map(|c| c.get(1).or_else(|| c.get(2)))
                .map(|m| m.as_str().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The most numbers `range` makes: far more than any list on a page, and little memory.
pub(crate) const RANGE_LIMIT: usize = 10_000;

/// Tera's `range` (same arguments: `end`, optional `start` and `step_by`), but refusing to
/// make more than [`RANGE_LIMIT`] numbers or to step by 0: Tera's own would fill gigabytes
/// for `range(end=100000000)` and never end for `step_by=0`. Written here because Tera's
/// function cannot be wrapped (it is not public).
fn capped_range(
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let number = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            Some(value) => value.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "range was given {name}={value}, but {name} must be a whole number, 0 or more"
                ))
            }),
            None => default.ok_or_else(|| {
                tera::Error::msg("range needs an end, e.g. range(end=5) for 0, 1, 2, 3, 4")
            }),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg(
            "range was given step_by=0, which would never end; use step_by=1 or more",
        ));
    }
    if start > end {
        return Err(tera::Error::msg(format!(
            "range was given start={start}, which is after end={end}"
        )));
    }
    let count = (end - start).div_ceil(step);
    if count > RANGE_LIMIT as u64 {
        return Err(tera::Error::msg(format!(
            "range(start={start}, end={end}) would make {count} numbers; hub allows at most {RANGE_LIMIT} in one range, so that a typing slip cannot use up the computer's memory"
        )));
    }
    Ok(tera::Value::from(
        (start..end).step_by(step as usize).collect::<Vec<u64>>(),
    ))
}

/// Templates that include or extend themselves (directly or through others): Tera would
/// recurse until the program's stack overflows, so these are refused when templates load,
/// naming the chain. Macros that call themselves are allowed (a condition may end them);
/// [`guard_macros`] bounds how deep they go.
fn template_loops(tera: &Tera, sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let mut edges: BTreeMap<String, Vec<(String, &'static str)>> = BTreeMap::new();
    for (name, source) in sources {
        let mut used: Vec<(String, &'static str)> = included_templates(&source.text)
            .into_iter()
            .map(|t| (t, "includes"))
            .collect();
        if let Ok(template) = tera.get_template(name) {
            used.extend(template.parent.iter().map(|p| (p.clone(), "extends")));
        }
        edges.insert(name.clone(), used);
    }
    let mut problems = Vec::new();
    for chain in cycles(&edges) {
        let Some(source) = sources.get(&chain[0].0) else {
            continue;
        };
        let (how, next) = (chain[0].1, &chain[1].0);
        let mut d = Diagnostic::new(
            &source.origin,
            format!(
                "this template {how} itself: {}",
                chain
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
        )
        .hint("remove the {% include %} or {% extends %} that leads back here: a template that uses itself would never finish");
        if let Some(offset) = source
            .text
            .find(&format!("\"{next}\""))
            .or_else(|| source.text.find(&format!("'{next}'")))
        {
            let (line, col) = crate::error::line_col(&source.text, offset);
            d = d.at(line, Some(col));
        }
        problems.push(d);
    }
    problems
}

/// Every cycle of `edges` once, as the names along it with how each uses the next, the
/// first repeated at the end (`a includes b`, `b includes a`: `[(a, includes), (b,
/// includes), (a, "")]`).
fn cycles(
    edges: &BTreeMap<String, Vec<(String, &'static str)>>,
) -> Vec<Vec<(String, &'static str)>> {
    let mut found = Vec::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first from each node, looking for a way back to it; a node already in a
        // reported cycle starts none (one message per loop).
        if reported.contains(start) {
            continue;
        }
        let mut stack: Vec<(String, &'static str, usize)> = vec![(start.clone(), "", 0)];
        let mut seen: BTreeSet<String> = BTreeSet::new();
        while let Some((node, _, next)) = stack.last().cloned() {
            let out = edges.get(&node).map_or(&[][..], Vec::as_slice);
            let Some((to, how)) = out.get(next) else {
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.2 += 1;
                top.1 = how;
            }
            if to == start {
                let mut chain: Vec<(String, &'static str)> =
                    stack.iter().map(|(n, h, _)| (n.clone(), *h)).collect();
                chain.push((start.clone(), ""));
                reported.extend(chain.iter().map(|(n, _)| n.clone()));
                found.push(chain);
                break;
            }
            if seen.insert(to.clone()) {
                stack.push((to.clone(), "", 0));
            }
        }
    }
    found
}

/// Stack that must be left when a macro starts: one level of a macro takes Tera tens of
/// kilobytes of stack (more in a debug build), so this leaves room to stop cleanly.
const STACK_RESERVE: usize = 1024 * 1024;

/// Gives every macro a first step that stops a macro calling itself too deeply before the
/// stack runs out (which would abort hub, and the preview server with it, instead of
/// reporting the template). Macros may call themselves (the default theme's table of
/// contents does, once per heading level): only how deep it goes is bounded, by the room
/// left on the stack, as Tera has no limit of its own. The guard is added at the end of
/// the `{% macro %}` tag's line, so lines and columns before it are unchanged.
fn guard_macros(text: &str) -> std::borrow::Cow<'_, str> {
    static MACRO: OnceLock<Regex> = OnceLock::new();
    let macro_tag = MACRO.get_or_init(|| {
        Regex::new(r"(?s)\{%-?\s*macro\s+(\w+)\s*\(.*?(-?)%\}").expect("valid pattern")
    });
    macro_tag.replace_all(text, |c: &regex::Captures<'_>| {
        let name = c.get(1).map_or("", |m| m.as_str());
        let trim = c.get(2).map_or("", |m| m.as_str());
        format!("{}{{{{ {MACRO_GUARD}(name=\"{name}\") {trim}}}}}", &c[0])
    })
}

/// The function [`guard_macros`] calls.
const MACRO_GUARD: &str = "__hub_macro_guard";

fn macro_guard(args: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let low = stacker::remaining_stack().is_some_and(|left| left < STACK_RESERVE);
    if low {
        let name = args
            .get("name")
            .and_then(tera::Value::as_str)
            .unwrap_or("?");
        return Err(tera::Error::msg(format!(
            "the macro `{name}` calls itself too many times over: it probably never stops"
        )));
    }
    Ok(tera::Value::String(String::new()))
}

/// Where the theme lives.
pub(crate) enum ThemeLocation {
    /// `themes/<name>/` in the site.
    Folder(PathBuf),
    /// The default theme inside the binary.
    BuiltIn,
}

/// Finds the theme named in site.toml. The problem names site.toml but no line: the caller
/// holds the [`crate::config::Config`] that knows where `theme` is written.
pub(crate) fn locate_theme(root: &Path, name: &str) -> Result<ThemeLocation, Diagnostic> {
    let folder = root.join("themes").join(name);
    if folder.is_dir() {
        Ok(ThemeLocation::Folder(folder))
    } else if name == DEFAULT_THEME_NAME {
        Ok(ThemeLocation::BuiltIn)
    } else {
        Err(Diagnostic::new(
            crate::config::CONFIG_FILE,
            format!("there is no theme called {name:?} (no folder themes/{name}/)"),
        )
        .hint("use theme = \"default\", or put the theme in themes/<name>/"))
    }
}

/// Loads theme templates, then the site's `templates/` folder over them.
pub(crate) fn load(root: &Path, theme: &ThemeLocation) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, text) in BUILT_IN_TEMPLATES {
        sources.insert(
            name.to_string(),
            TemplateSource {
                text: text.to_string(),
                origin: PathBuf::from("(built in)").join(name),
            },
        );
    }
    // The built-in theme first, so that a theme folder may leave out templates it does not change.
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for file in dir.files() {
            let name = display_path(file.path().strip_prefix("templates").unwrap_or(file.path()));
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            sources.insert(
                name.clone(),
                TemplateSource {
                    text,
                    origin: PathBuf::from("(built-in default theme)/templates").join(name),
                },
            );
        }
    }
    if let ThemeLocation::Folder(folder) = theme {
        read_template_folder(root, &folder.join("templates"), &mut sources, &mut problems);
    }
    read_template_folder(root, &root.join("templates"), &mut sources, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    if let Err(e) = tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, s)| (name.as_str(), guard_macros(&s.text))),
    ) {
        return Err(vec![parse_error(&e, &sources)]);
    }
    let loops = template_loops(&tera, &sources);
    if !loops.is_empty() {
        return Err(loops);
    }
    tera.register_function("range", capped_range);
    tera.register_function(MACRO_GUARD, macro_guard);
    let reads_data = templates_reading_data(&tera, &sources);
    Ok(Templates {
        tera,
        sources,
        reads_data,
    })
}

fn read_template_folder(
    root: &Path,
    folder: &Path,
    sources: &mut BTreeMap<String, TemplateSource>,
    problems: &mut Vec<Diagnostic>,
) {
    if !folder.is_dir() {
        return;
    }
    if let Err(d) = crate::content::check_inside_site(root, folder) {
        problems.push(d);
        return;
    }
    let guard = crate::content::InsideSite::new(root);
    let walker = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| guard.allows(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| folder.to_path_buf(), Path::to_path_buf);
                let d = if e.loop_ancestor().is_some() {
                    Diagnostic::new(
                        crate::content::site_relative(root, &path),
                        "this link points back to a folder that contains it (a symlink loop)",
                    )
                    .hint("remove the symbolic link")
                } else {
                    Diagnostic::new(
                        crate::content::site_relative(root, &path),
                        format!("cannot read this template: {e}"),
                    )
                    .hint("check that the file exists and that you are allowed to read it")
                };
                problems.push(d);
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = crate::content::site_relative(root, entry.path());
        let name = display_path(entry.path().strip_prefix(folder).unwrap_or(entry.path()));
        match std::fs::read(entry.path()).map(String::from_utf8) {
            Ok(Ok(text)) => {
                sources.insert(name, TemplateSource { text, origin: rel });
            }
            Ok(Err(_)) => problems.push(
                Diagnostic::new(rel, "this template is not UTF-8 text").hint("save it as UTF-8"),
            ),
            Err(e) => problems.push(Diagnostic::new(
                rel,
                format!("cannot read this template: {e}"),
            )),
        }
    }
    problems.extend(guard.problems());
}

/// Escapes `& < > " '` only. Tera's own escaper also turns `/` into `&#x2F;`, which is valid but
/// makes every URL in the HTML unreadable to people and to simple tools.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// All messages in an error's chain, outermost first.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut messages = vec![e.to_string()];
    let mut source = e.source();
    while let Some(inner) = source {
        messages.push(inner.to_string());
        source = inner.source();
    }
    messages
}

/// The text between the first pair of `open`/`close` after `after`.
fn between<'a>(text: &'a str, after: &str, close: char) -> Option<&'a str> {
    let start = text.find(after)? + after.len();
    let end = text[start..].find(close)?;
    Some(&text[start..start + end])
}

fn parse_error(e: &tera::Error, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let chain = error_chain(e);
    // Tera finds templates that extend each other in a circle itself, when it loads them.
    if let Some(name) = chain
        .iter()
        .find_map(|m| between(m, "Circular extend detected for template '", '\''))
    {
        let origin = sources.get(name).map_or_else(
            || PathBuf::from("templates").join(name),
            |s| s.origin.clone(),
        );
        let joined = chain.join(": ");
        let circle = between(&joined, "Inheritance chain: `[", ']')
            .map(|names| names.replace('"', "").replace(", ", " → "))
            .unwrap_or_default();
        return Diagnostic::new(
            origin,
            format!("this template extends itself: {circle} → {name}"),
        )
        .hint("change the {% extends %} at the top of one of them: a template can extend another, but not one that extends it");
    }
    let name = between(&chain[0], "Failed to parse '", '\'').map(str::to_string);
    let origin = name
        .as_ref()
        .and_then(|n| sources.get(n))
        .map_or_else(|| PathBuf::from("templates"), |s| s.origin.clone());
    let (what, position) = syntax_error(e);
    let mut d = Diagnostic::new(origin, format!("template syntax error: {what}"))
        .hint("check the {{ }} and {% %} tags on this line: every {% if %}, {% for %} and {% block %} needs its {% end... %}");
    if let Some((line, col)) = position {
        d = d.at(line, Some(col));
    }
    if name.is_none() {
        d.message = format!("template error: {}", chain.join(": "));
    }
    d
}

/// What a Tera syntax error says was expected, in one line, and where (line, column).
pub(crate) fn syntax_error(e: &tera::Error) -> (String, Option<(usize, usize)>) {
    let chain = error_chain(e);
    let detail = chain.get(1).cloned().unwrap_or_else(|| chain[0].clone());
    // Tera's parse errors carry a ` --> line:col` marker.
    let position = between(&detail, "--> ", '\n').and_then(|position| {
        let mut parts = position.trim().split(':');
        match (parts.next().map(str::parse), parts.next().map(str::parse)) {
            (Some(Ok(line)), Some(Ok(col))) => Some((line, col)),
            _ => None,
        }
    });
    (first_line_of_pest(&detail), position)
}

fn first_line_of_pest(detail: &str) -> String {
    // Pest's message is a small drawing; its last line says what was expected.
    let lines: Vec<&str> = detail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .last()
        .map(|l| l.trim_start_matches("= ").to_string())
        .unwrap_or_default()
}

/// Turns a render error into a diagnostic naming the template file, the line and the variable.
pub(super) fn render_error(
    e: &tera::Error,
    template: &str,
    sources: &BTreeMap<String, TemplateSource>,
    rendering: &Path,
) -> Diagnostic {
    let chain = error_chain(e);
    let joined = chain.join(": ");
    // "(error happened in 'base.html')" names the parent template when it is not the page's own.
    let at_fault = between(&joined, "(error happened in '", '\'')
        .unwrap_or(template)
        .to_string();
    let variable = between(&joined, "Variable `", '`').map(str::to_string);
    let source = sources.get(&at_fault);
    let origin = source.map_or_else(
        || PathBuf::from("templates").join(&at_fault),
        |s| s.origin.clone(),
    );
    let reason = chain.last().cloned().unwrap_or_default();
    if let Some(name) = between(&reason, "the macro `", '`')
        .filter(|_| reason.contains(" calls itself too many times"))
    {
        return runaway_macro(name, &reason, sources, rendering);
    }
    let mut d = Diagnostic::new(
        origin,
        format!("{reason} (while rendering {})", display_path(rendering)),
    );
    if let (Some(variable), Some(source)) = (&variable, source) {
        let root_name = variable.split(['.', '[']).next().unwrap_or(variable);
        let needle = source
            .text
            .find(variable.as_str())
            .or_else(|| source.text.find(root_name));
        if let Some(offset) = needle {
            let (line, col) = crate::error::line_col(&source.text, offset);
            d = d.at(line, Some(col));
        }
        d = d.hint(format!("`{variable}` is not set here; check its spelling, or guard it with {{% if {variable} is defined %}}"));
    } else if let Some(function) = crate::components::function_in_error(&reason) {
        // A component's function failed: point at its call (the first, if there are several).
        let call = source.and_then(|s| Some((s, s.text.find(&format!("{function}("))?)));
        if let Some((source, offset)) = call {
            let (line, col) = crate::error::line_col(&source.text, offset);
            d = d.at(line, Some(col));
        }
        d = d.hint(format!(
            "see docs/templates.md and docs/content.md for what {function} takes"
        ));
    } else {
        d = d.hint("see docs/templates.md for the variables each template gets");
    }
    d
}

/// A macro stopped by [`macro_guard`], pointed at where it is defined.
fn runaway_macro(
    name: &str,
    reason: &str,
    sources: &BTreeMap<String, TemplateSource>,
    rendering: &Path,
) -> Diagnostic {
    let definition = Regex::new(&format!(r"\{{%-?\s*macro\s+{}\s*\(", regex::escape(name)))
        .ok()
        .and_then(|pattern| {
            sources
                .values()
                .find_map(|s| Some((s, pattern.find(&s.text)?.start())))
        });
    let mut d = match definition {
        Some((source, offset)) => {
            let (line, col) = crate::error::line_col(&source.text, offset);
            Diagnostic::new(&source.origin, reason).at(line, Some(col))
        }
        None => Diagnostic::new("templates", reason),
    };
    d.message = format!(
        "{} (while rendering {})",
        d.message,
        display_path(rendering)
    );
    d.hint("make sure the macro stops calling itself: call it again only inside an {% if %} that becomes false, for example when a list is empty")
}

#[cfg(test)]
mod tests {

    fn graph(edges: &[(&str, &str)]) -> BTreeMap<String, Vec<(String, &'static str)>> {
        let mut graph: BTreeMap<String, Vec<(String, &'static str)>> = BTreeMap::new();
        for (from, to) in edges {
            graph.entry(to.to_string()).or_default();
            graph
                .entry(from.to_string())
                .or_default()
                .push((to.to_string(), "includes"));
        }
        graph
    }

    fn names(chain: &[(String, &str)]) -> Vec<String> {
        chain.iter().map(|(name, _)| name.clone()).collect()
    }

    #[test]
    fn each_loop_is_found_once_with_its_chain() {
        let found = cycles(&graph(&[
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("d", "a"),
            ("e", "e"),
        ]));
        let chains: Vec<Vec<String>> = found.iter().map(|c| names(c)).collect();
        assert_eq!(chains, vec![vec!["a", "b", "c", "a"], vec!["e", "e"]]);
        assert_eq!(found[0][0].1, "includes");
        assert!(cycles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    }

    #[test]
    fn macros_get_a_guard_without_moving_lines() {
        let text = "{% macro a(x) %}A{% endmacro %}\n{%- macro b() -%}\n B{% endmacro %}";
        let guarded = guard_macros(text);
        assert_eq!(guarded.lines().count(), text.lines().count());
        assert!(guarded.contains("{% macro a(x) %}{{ __hub_macro_guard(name=\"a\") }}A"));
        assert!(guarded.contains("{%- macro b() -%}{{ __hub_macro_guard(name=\"b\") -}}"));
    }

    #[test]
    fn range_is_capped_and_steps_forward() {
        let args = |pairs: &[(&str, u64)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), tera::Value::from(*v)))
                .collect::<std::collections::HashMap<_, _>>()
        };
        assert_eq!(
            capped_range(&args(&[("start", 1), ("end", 8), ("step_by", 3)])).ok(),
            Some(tera::Value::from(vec![1u64, 4, 7]))
        );
        assert!(capped_range(&args(&[("end", RANGE_LIMIT as u64)])).is_ok());
        assert!(capped_range(&args(&[("end", RANGE_LIMIT as u64 + 1)])).is_err());
        assert!(capped_range(&args(&[("end", 5), ("step_by", 0)])).is_err());
        assert!(capped_range(&args(&[("start", 5), ("end", 1)])).is_err());
        assert!(capped_range(&args(&[])).is_err());
    }

    use super::*;

    fn reading_data(templates: &[(&str, &str)]) -> BTreeSet<String> {
        let sources: BTreeMap<String, TemplateSource> = templates
            .iter()
            .map(|(name, text)| {
                let source = TemplateSource {
                    text: text.to_string(),
                    origin: PathBuf::from(name),
                };
                (name.to_string(), source)
            })
            .collect();
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("the test templates parse");
        templates_reading_data(&tera, &sources)
    }

    #[test]
    fn data_is_found_in_tags_only_and_not_as_a_field() {
        assert!(tags_mention_data("{{ data.team.lead }}"));
        assert!(tags_mention_data(
            "{% for c in data[\"contacts\"] %}{% endfor %}"
        ));
        assert!(tags_mention_data("{%- set t = data -%}"));
        assert!(!tags_mention_data(
            "{# data is for later #}<div data-x=\"1\">data</div>"
        ));
        assert!(!tags_mention_data("{{ page.extra.data }} {{ metadata }}"));
    }

    #[test]
    fn templates_that_extend_import_or_include_a_reader_read_data() {
        let found = reading_data(&[
            (
                "base.html",
                "<p>{{ data.team.lead }}</p>{% block content %}{% endblock %}",
            ),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block content %}x{% endblock %}",
            ),
            (
                "macros.html",
                "{% macro team() %}{{ data.team.size }}{% endmacro %}",
            ),
            (
                "section.html",
                "{% import \"macros.html\" as m %}{{ m::team() }}",
            ),
            ("team.html", "{{ data.team.office }}"),
            ("card.html", "{% include \"team.html\" %}"),
            (
                "index.html",
                "{%- include ['missing.html', 'card.html'] ignore missing -%}",
            ),
            ("404.html", "<p>Not found</p>{# data #}"),
            ("plain.html", "{{ page.extra.data }}"),
        ]);
        let expected = [
            "base.html",
            "card.html",
            "index.html",
            "macros.html",
            "page.html",
            "section.html",
            "team.html",
        ];
        assert_eq!(found, expected.iter().map(|s| s.to_string()).collect());
    }
}
