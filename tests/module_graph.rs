//! The library's modules import each other one way only: no import circle. Data flows
//! load → model → render → gate → write, and a circle means two modules that cannot be read,
//! tested or changed apart.
//!
//! Granularity, chosen to match how the code is split:
//! - top-level modules (`src/config.rs`, `src/check/`...): any `crate::X` in a file under
//!   `src/X/` or in `src/X.rs` is an edge from that module to X;
//! - the files of one folder module (`render/context.rs`, `render/share.rs`...): a file's
//!   `crate::render::share` or `super::share` is an edge between siblings. A folder's `mod.rs`
//!   is left out of this level: it declares its files and re-exports from them, and its
//!   files use the shared types it defines, which is the usual shape of a Rust folder module
//!   rather than a circle between concerns.
//!
//! `lib.rs` and `main.rs` are the crate's root and its command line; they use everything and
//! nothing uses them (beyond `crate::Result`, which is `error`'s), so they are not nodes.
//!
//! Text is scanned, not parsed: comment lines are skipped, and `use crate::{a, b::c}` groups
//! and `use crate::render::{a, b}` groups are expanded one level, which is all the code base
//! writes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Every `.rs` file under `dir`, sorted so that the report is stable.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The text with comment lines (`//`, `//!`, `///`) removed, so that a doc comment naming
/// another module is not an import.
fn code_of(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names after `prefix` (`crate::` or `super::`), with `{a, b::c}` groups
/// expanded: `["config", "render::share", ...]`.
fn named_paths(code: &str, prefix: &str) -> Vec<String> {
    let path = Regex::new(&format!(r"\b{prefix}::([A-Za-z0-9_:]*)(\{{[^}}]*\}})?"))
        .expect("valid pattern");
    let mut names = Vec::new();
    for found in path.captures_iter(code) {
        let head = &found[1];
        match found.get(2) {
            Some(group) => names.extend(
                group
                    .as_str()
                    .trim_matches(['{', '}'])
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| format!("{head}{item}")),
            ),
            None => names.push(head.trim_end_matches(':').to_string()),
        }
    }
    names
}

/// The import graph: node → the nodes it names.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Top-level modules and sibling files, as the module comment describes.
fn import_graphs(src: &Path) -> (Graph, BTreeMap<String, Graph>) {
    let mut modules = Graph::new();
    let mut folders: BTreeMap<String, Graph> = BTreeMap::new();
    let files = rust_files(src);
    let relative: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            f.strip_prefix(src)
                .expect("under src/")
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .collect();
    let top_level: BTreeSet<String> = relative
        .iter()
        .map(|parts| parts[0].clone())
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let siblings = |folder: &str| -> BTreeSet<String> {
        relative
            .iter()
            .filter(|parts| parts.len() == 2 && parts[0] == folder && parts[1] != "mod")
            .map(|parts| parts[1].clone())
            .collect()
    };
    for (file, parts) in files.iter().zip(&relative) {
        let module = &parts[0];
        if !top_level.contains(module) {
            continue;
        }
        let text = fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let code = code_of(&text);
        let crate_paths = named_paths(&code, "crate");
        let edges = modules.entry(module.clone()).or_default();
        for path in &crate_paths {
            let first = path.split("::").next().unwrap_or_default();
            if top_level.contains(first) && first != module {
                edges.insert(first.to_string());
            }
        }
        // A file of a folder module (not its mod.rs): edges to its siblings.
        if parts.len() == 2 && parts[1] != "mod" {
            let names = siblings(module);
            let graph = folders.entry(module.clone()).or_default();
            let edges = graph.entry(parts[1].clone()).or_default();
            let within = crate_paths
                .iter()
                .filter_map(|p| p.strip_prefix(&format!("{module}::")))
                .map(str::to_string)
                .chain(named_paths(&code, "super"));
            for path in within {
                let first = path.split("::").next().unwrap_or_default();
                if names.contains(first) && first != parts[1] {
                    edges.insert(first.to_string());
                }
            }
        }
    }
    (modules, folders)
}

/// Each import circle once, as `a → b → a`.
fn circles(graph: &Graph) -> Vec<String> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut BTreeSet<String>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle: Vec<String> = path[start..].to_vec();
            // The same circle found from another node is reported once: rotate it to start
            // at its smallest name.
            let smallest = (0..circle.len())
                .min_by_key(|&i| &circle[i])
                .unwrap_or_default();
            circle.rotate_left(smallest);
            circle.push(circle[0].clone());
            found.insert(circle.join(" → "));
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut found = BTreeSet::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found.into_iter().collect()
}

#[test]
fn no_import_circle_between_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (modules, folders) = import_graphs(&src);
    let mut found: Vec<String> = circles(&modules)
        .into_iter()
        .map(|c| format!("modules: {c}"))
        .collect();
    for (folder, graph) in &folders {
        found.extend(
            circles(graph)
                .into_iter()
                .map(|c| format!("files of src/{folder}/: {c}")),
        );
    }
    assert!(
        found.is_empty(),
        "import circles (each module should only use the ones before it in load → model → render → gate → write):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn the_scan_sees_grouped_and_nested_imports() {
    let code = code_of(
        "use crate::{config::Config, render::share};\n// crate::ignored\nlet x = crate::site::Page::new();\nuse crate::render::{metadata, share};\nuse super::{a, b::C};",
    );
    assert_eq!(
        named_paths(&code, "crate"),
        [
            "config::Config",
            "render::share",
            "site::Page::new",
            "render::metadata",
            "render::share"
        ]
    );
    assert_eq!(named_paths(&code, "super"), ["a", "b::C"]);
}

#[test]
fn a_circle_is_reported_once_from_its_smallest_name() {
    let mut graph = Graph::new();
    graph.insert("b".into(), ["a".to_string()].into());
    graph.insert("a".into(), ["c".to_string()].into());
    graph.insert("c".into(), ["b".to_string()].into());
    graph.insert("d".into(), ["a".to_string()].into());
    assert_eq!(circles(&graph), ["a → c → b → a"]);
}
