//! Micro-benchmarks of the functions every page goes through: `cargo bench`.
//! Whole-site timings against Hugo are in `bench/site.sh`; these show which step to look at
//! when a whole-site number moves.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use hub::content::{parse_page, slugify, SourceFile};
use hub::markdown::{render, Highlighting, RenderContext};

fn main() {
    divan::main();
}

/// A typical page: front matter, a few sections, a list, a table, a code block and links.
fn sample_page() -> String {
    let mut text = String::from(
        "+++\ntitle = \"Replying to comments & complaints\"\ndate = 2026-11-24\ntags = [\"facebook\", \"moderation\"]\nauthors = [\"A. Writer\"]\n[extra]\nplatform = \"Facebook\"\n+++\n\n",
    );
    for section in 0..6 {
        text.push_str(&format!("## Part {section}: what to do\n\n"));
        text.push_str("Reply within a working day. Thank people, say what happens next, and never discuss a person's case in public. ");
        text.push_str("If a comment names someone, hide it and message the writer privately.\n\n");
        text.push_str("- Be kind\n- Be quick\n- Be careful with names\n\n");
        text.push_str("| Platform | Reply within |\n|---|---|\n| Facebook | 1 day |\n| LinkedIn | 2 days |\n\n");
        text.push_str("See [the policy](@/policies/moderation.md) and [our tips](/tips/).\n\n");
    }
    text.push_str("```rust\nfn reply(comment: &str) -> String {\n    format!(\"Thank you: {comment}\")\n}\n```\n");
    text
}

#[divan::bench]
fn slugify_title(bencher: divan::Bencher) {
    bencher.bench(|| {
        slugify(divan::black_box(
            "Café rules: X / Twitter & LinkedIn — 2026",
        ))
    });
}

#[divan::bench]
fn parse_front_matter(bencher: divan::Bencher) {
    let text = sample_page();
    bencher.bench(|| {
        parse_page(SourceFile::new(
            "content/tips/a.md".into(),
            "tips/a.md".into(),
            text.clone(),
        ))
    });
}

#[divan::bench(args = [true, false])]
fn markdown_one_page(bencher: divan::Bencher, highlight_classes: bool) {
    let text = sample_page();
    let body = &text[text.rfind("+++\n").map_or(0, |i| i + 4)..];
    let mut permalinks = HashMap::new();
    permalinks.insert(
        "policies/moderation.md".to_string(),
        "https://e.org/policies/moderation/".to_string(),
    );
    let drafts = HashSet::new();
    let asset_paths = HashMap::new();
    let highlighting = if highlight_classes {
        Highlighting::Classes
    } else {
        Highlighting::from_setting("InspiredGitHub").expect("a built-in theme")
    };
    bencher.bench(|| {
        render(
            body,
            &RenderContext {
                file: Path::new("content/tips/a.md"),
                body_line_offset: 8,
                permalink: "https://e.org/tips/a/",
                base_url: "https://e.org",
                content_path: "tips/a.md",
                permalinks: &permalinks,
                asset_paths: &asset_paths,
                drafts: &drafts,
                smart_punctuation: true,
                highlighting: &highlighting,
                images: None,
            },
        )
    });
}

/// A site of `pages` copies of the sample page in one section, in a temporary folder; and
/// the sample page's text.
fn bench_site(pages: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"Bench\"\nbase_url = \"https://e.org\"\n",
    )
    .expect("site.toml");
    let page = sample_page().replace("@/policies/moderation.md", "@/tips/p0.md");
    for i in 0..pages {
        let path = dir.path().join("content/tips").join(format!("p{i}.md"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(path, page.replace("Replying", &format!("Replying {i}"))).expect("page");
    }
    (dir, page)
}

/// A small site rendered in memory: templates, listings, tags, feeds and sitemap.
#[divan::bench(sample_count = 10)]
fn render_small_site(bencher: divan::Bencher) {
    let (dir, _) = bench_site(100);
    bencher.bench(|| {
        let config = hub::config::Config::load(dir.path()).expect("config");
        hub::pipeline::render_site(dir.path(), config, false).expect("the bench site builds")
    });
}

/// One page rendered again after an edit, as the preview server does: the edited file read
/// and parsed, its Markdown rendered, and it and the feeds that show it run through the
/// templates, on a site of 1,000 pages built once beforehand.
#[divan::bench(sample_count = 20)]
fn render_one_page_after_an_edit(bencher: divan::Bencher) {
    let (dir, page) = bench_site(1000);
    let mut session = hub::serve::session::Session::new(hub::pipeline::BuildSettings {
        root: dir.path().to_path_buf(),
        ..Default::default()
    });
    session.build(false, &[]).expect("the bench site builds");
    let edited = dir.path().join("content/tips/p500.md");
    let changed = ["content/tips/p500.md".to_string()];
    let original = page.replace("Replying", "Replying 500");
    let mut edits = 0;
    bencher.bench_local(|| {
        edits += 1;
        std::fs::write(&edited, format!("{original}\nEdit number {edits}.\n")).expect("edit");
        let build = session.build(true, &changed).expect("the edit builds");
        assert_eq!(
            build.rendered_pages, 1,
            "only the edited page is rendered again"
        );
        build
    });
}
