//! Site search: the index `hub build` writes under search/ (read here as the theme's search.js
//! reads it: the dictionary, then postings shards, then chunks of titles), the /search/ page
//! and the header's search box, what is left out (drafts, `search = false`), `[search]
//! enabled = false`, bad settings, and the preview bringing the index up to date after an edit.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::preview::Preview;
use common::{assert_site_error, select, TestSite};
use serde_json::Value;

/// The index as the script sees it.
struct Index {
    meta: Value,
    /// Stem → its number.
    stems: BTreeMap<String, usize>,
    /// Folded word → its stem's number.
    words: BTreeMap<String, usize>,
    /// Every stem's postings: (document number, weight).
    postings: Vec<Vec<(usize, u64)>>,
    /// Every document: (path, title, section, excerpt).
    documents: Vec<(String, String, String, String)>,
}

impl Index {
    /// Reads the index from the output folder `out` of `site`.
    fn read(site: &TestSite, out: &str) -> Index {
        let read = |rel: &str| -> Value {
            let text = std::fs::read_to_string(site.path(out).join(rel))
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
        };
        Index::decode(read("search/index.json"), read)
    }

    fn decode(meta: Value, fetch: impl Fn(&str) -> Value) -> Index {
        assert_eq!(meta["format"], 1);
        let mut stems = BTreeMap::new();
        let mut words = BTreeMap::new();
        let dictionary = meta["dictionary"].as_str().expect("dictionary");
        for (number, line) in dictionary.lines().enumerate() {
            let mut parts = line.split('\t');
            let stem = parts.next().expect("a stem").to_string();
            for part in parts {
                let word = match part.strip_prefix('=') {
                    Some(whole) => whole.to_string(),
                    None => format!("{stem}{part}"),
                };
                words.insert(word, number);
            }
            stems.insert(stem, number);
        }
        let mut postings = Vec::new();
        let shards = meta["shards"].as_array().expect("shards");
        for (number, start) in shards.iter().enumerate() {
            assert_eq!(
                start.as_u64(),
                Some(postings.len() as u64),
                "shards in order"
            );
            let shard = fetch(&format!("search/terms/{number}.json"));
            for list in shard.as_array().expect("a shard is an array") {
                let numbers: Vec<u64> = list
                    .as_array()
                    .expect("postings")
                    .iter()
                    .map(|n| n.as_u64().expect("a number"))
                    .collect();
                let mut doc = 0;
                postings.push(
                    numbers
                        .chunks(2)
                        .map(|pair| {
                            doc += pair[0] as usize;
                            (doc, pair[1])
                        })
                        .collect(),
                );
            }
        }
        assert_eq!(
            postings.len(),
            stems.len(),
            "a postings list for every stem"
        );
        let count = meta["documents"].as_u64().expect("documents") as usize;
        let per_chunk = meta["docs_per_chunk"].as_u64().expect("chunk size") as usize;
        let mut documents = Vec::new();
        for chunk in 0..count.div_ceil(per_chunk) {
            let entries = fetch(&format!("search/docs/{chunk}.json"));
            for entry in entries.as_array().expect("a chunk is an array") {
                let field = |i: usize| entry[i].as_str().expect("text").to_string();
                documents.push((field(0), field(1), field(2), field(3)));
            }
        }
        assert_eq!(documents.len(), count);
        Index {
            meta,
            stems,
            words,
            postings,
            documents,
        }
    }

    /// The pages a folded word of the site leads to, with their weights, by path.
    fn pages_with(&self, word: &str) -> BTreeMap<String, u64> {
        let Some(&stem) = self.words.get(word) else {
            return BTreeMap::new();
        };
        self.postings[stem]
            .iter()
            .map(|&(doc, weight)| (self.documents[doc].0.clone(), weight))
            .collect()
    }

    fn paths(&self) -> Vec<&str> {
        self.documents.iter().map(|d| d.0.as_str()).collect()
    }
}

const SECTION: &str = "+++\ntitle = \"Tips\"\n+++\nShort tips for busy teams.\n";

fn search_site() -> TestSite {
    TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
        ("content/tips/_index.md", SECTION),
        (
            "content/tips/moderation.md",
            "+++\ntitle = \"Moderation of comments\"\ndescription = \"House rules for replies.\"\n\
             tags = [\"Safe posting\"]\n+++\n\n## Weekend rota\n\nCarers ask about the rota.\n",
        ),
        (
            "content/tips/photos.md",
            "---\ntitle: Photos at events\ntags: [consent]\n---\n\nAsk first. Moderation matters here too.\n",
        ),
        (
            "content/tips/welsh.md",
            "+++\ntitle = \"Gŵyl Cymraeg at the café\"\n+++\n\nA Welsh language day.\n",
        ),
        (
            "content/tips/hidden.md",
            "+++\ntitle = \"Hiddenword rota\"\nsearch = false\n+++\n\nSecretword text.\n",
        ),
        (
            "content/tips/draft.md",
            "+++\ntitle = \"Draftword plans\"\ndraft = true\n+++\n\nDraftbody text.\n",
        ),
        (
            "content/private/_index.md",
            "---\ntitle: Internal\nsearch: false\n---\nInternalword.\n",
        ),
        (
            "content/private/notes.md",
            "+++\ntitle = \"Notesword\"\n+++\n\nNotes.\n",
        ),
    ])
}

#[test]
fn the_index_holds_titles_headings_body_tags_and_sections_weighted_to_titles() {
    let site = search_site();
    site.build_ok(&[]);
    let index = Index::read(&site, "public");
    let moderation = index.pages_with("moderation");
    let titled = moderation["/tips/moderation/"];
    let in_body = moderation["/tips/photos/"];
    assert!(
        titled > in_body && in_body > 0,
        "a title counts more than the body: {moderation:?}"
    );
    assert!(
        index
            .pages_with("weekend")
            .contains_key("/tips/moderation/"),
        "headings"
    );
    assert!(
        index.pages_with("carers").contains_key("/tips/moderation/"),
        "body"
    );
    assert!(
        index.pages_with("safe").contains_key("/tips/moderation/"),
        "tags"
    );
    assert!(
        index.pages_with("consent").contains_key("/tips/photos/"),
        "YAML tags"
    );
    assert!(
        index.pages_with("tips").contains_key("/tips/photos/"),
        "section title"
    );
    assert!(
        index
            .pages_with("replies")
            .contains_key("/tips/moderation/"),
        "description"
    );
    let heading = index.pages_with("weekend")["/tips/moderation/"];
    let body = index.pages_with("carers")["/tips/moderation/"];
    assert!(heading > body, "a heading counts more than the body");
    // One stem for the forms of a word: the script finds "moderating" through it.
    assert_eq!(
        index.stems.get("moder"),
        index.words.get("moderation"),
        "moderation is under its stem"
    );
    let entry = index
        .documents
        .iter()
        .find(|d| d.0 == "/tips/moderation/")
        .expect("the page is listed");
    assert_eq!(
        (entry.1.as_str(), entry.2.as_str(), entry.3.as_str()),
        ("Moderation of comments", "Tips", "House rules for replies.")
    );
    assert!(index.paths().contains(&"/tips/"), "sections are found too");
    assert!(index.meta["stop_words"]
        .as_array()
        .unwrap()
        .contains(&"the".into()));
    assert!(
        index.pages_with("the").is_empty(),
        "stop words are left out"
    );
}

#[test]
fn accents_are_folded_for_matching_but_titles_keep_them() {
    let site = search_site();
    site.build_ok(&[]);
    let index = Index::read(&site, "public");
    assert!(index.pages_with("gwyl").contains_key("/tips/welsh/"));
    assert!(index.pages_with("cafe").contains_key("/tips/welsh/"));
    let title = &index.documents[index.postings[index.words["gwyl"]][0].0].1;
    assert_eq!(title, "Gŵyl Cymraeg at the café");
}

#[test]
fn search_false_pages_and_sections_and_drafts_are_left_out_even_with_drafts() {
    let site = search_site();
    site.build_ok(&["--drafts"]);
    assert!(
        site.path("public/tips/draft/index.html").is_file(),
        "--drafts publishes the draft page"
    );
    let index = Index::read(&site, "public");
    let paths = index.paths();
    for left_out in [
        "/tips/hidden/",
        "/tips/draft/",
        "/private/",
        "/private/notes/",
    ] {
        assert!(!paths.contains(&left_out), "{left_out} is in the index");
    }
    for word in [
        "hiddenword",
        "secretword",
        "draftword",
        "draftbody",
        "internalword",
        "notesword",
    ] {
        assert!(!index.words.contains_key(word), "{word} is in the index");
    }
    let everything = std::fs::read_dir(site.path("public/search/docs"))
        .unwrap()
        .chain(std::fs::read_dir(site.path("public/search/terms")).unwrap())
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>()
        + &std::fs::read_to_string(site.path("public/search/index.json")).unwrap();
    assert!(!everything.to_lowercase().contains("draftword"));
}

#[test]
fn the_search_page_has_a_labelled_search_form_a_live_status_and_its_script() {
    let site = search_site();
    site.build_ok(&[]);
    let page = site.html("search/index.html");
    let form = select(&page, "main form[role=search]");
    assert_eq!(form.len(), 1, "one search form in main");
    let form = form[0];
    assert_eq!(form.value().attr("action"), Some("https://duckduckgo.com/"));
    assert_eq!(
        form.value().attr("data-search-index"),
        Some("https://hub.example.org/search/index.json")
    );
    let input = select(&page, "main form[role=search] input[name=q]");
    let id = input[0].value().attr("id").expect("the box has an id");
    assert_eq!(
        select(&page, &format!("main label[for={id}]")).len(),
        1,
        "label"
    );
    let sites = select(&page, "main form input[type=hidden][name=sites]");
    assert_eq!(sites[0].value().attr("value"), Some("hub.example.org"));
    let status = select(&page, "main [aria-live=polite]");
    assert_eq!(status.len(), 1, "one live region for the count");
    assert_eq!(status[0].value().attr("role"), Some("status"));
    let scripts: Vec<&str> = select(&page, "script[src]")
        .iter()
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert_eq!(
        scripts,
        [
            "https://hub.example.org/search-box.js",
            "https://hub.example.org/search.js"
        ]
    );
    assert!(
        select(&page, "script:not([src])").is_empty(),
        "no inline script"
    );
    assert!(site.path("public/search.js").is_file());
}

#[test]
fn every_page_has_a_header_search_box_and_loads_no_index() {
    let site = search_site();
    site.build_ok(&[]);
    let page = site.html("tips/moderation/index.html");
    let form = select(&page, "header form[role=search]");
    assert_eq!(form.len(), 1);
    assert_eq!(
        form[0].value().attr("data-search-page"),
        Some("https://hub.example.org/search/")
    );
    let input = select(&page, "header form[role=search] input[name=q]");
    let id = input[0].value().attr("id").expect("id");
    assert_eq!(select(&page, &format!("header label[for={id}]")).len(), 1);
    let scripts: Vec<&str> = select(&page, "script[src]")
        .iter()
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert_eq!(scripts, ["https://hub.example.org/search-box.js"]);
}

#[test]
fn search_turned_off_writes_no_index_no_page_and_no_box() {
    let site = search_site();
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n[search]\nenabled = false\n",
    );
    site.build_ok(&[]);
    assert!(!site.path("public/search").exists(), "no search folder");
    let page = site.html("tips/moderation/index.html");
    assert!(select(&page, "form[role=search]").is_empty());
    assert!(select(&page, "script[src]").is_empty());
}

#[test]
fn a_site_page_at_search_wins_over_hubs_page() {
    let site = search_site();
    site.write(
        "content/search.md",
        "+++\ntitle = \"Our own search\"\n+++\nFind things.\n",
    );
    site.build_ok(&[]);
    let page = site.html("search/index.html");
    assert_eq!(common::text_of(&page, "h1"), "Our own search");
    assert!(
        site.path("public/search/index.json").is_file(),
        "the index is still written"
    );
}

#[test]
fn search_that_is_not_true_or_false_is_an_error_at_its_line_and_nothing_is_written() {
    let site = search_site();
    site.write(
        "content/tips/bad.md",
        "+++\ntitle = \"Bad\"\nsearch = \"yes\"\n+++\nText.\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/bad.md:3");
    assert!(!site.path("public").exists(), "nothing written");
}

#[test]
fn search_in_yaml_must_be_true_or_false() {
    let site = search_site();
    site.write(
        "content/tips/bad.md",
        "---\ntitle: Bad\nsearch: maybe\n---\nText.\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/bad.md:3");
    assert!(!site.path("public").exists(), "nothing written");
}

#[test]
fn an_unknown_search_setting_is_an_error_naming_it() {
    let site = search_site();
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n[search]\nenable = false\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:4");
    assert!(
        common::stderr(&out).contains("enabled"),
        "suggests `enabled`"
    );
    assert!(!site.path("public").exists(), "nothing written");
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\n[search]\nenabled = \"no\"\n",
    );
    assert_site_error(&site.hub(&["build"]), "site.toml:4");
}

#[test]
fn a_theme_of_the_sites_own_without_the_scripts_gets_the_default_ones() {
    let site = search_site();
    site.write(
        "site.toml",
        "title = \"Test Site\"\nbase_url = \"https://hub.example.org\"\ntheme = \"plain\"\n",
    );
    site.write("themes/plain/static/plain.css", "body { margin: 0 }\n");
    site.write("themes/plain/static/search-box.js", "// the theme's own\n");
    site.build_ok(&[]);
    let default = std::fs::read_to_string(common::repo().join("themes/default/static/search.js"))
        .expect("the default theme's script");
    assert_eq!(site.output("search.js"), default);
    assert_eq!(site.output("search-box.js"), "// the theme's own\n");
}

/// GETs a file from the preview as JSON.
fn get_json(preview: &Preview, path: &str) -> Value {
    let url = format!("http://127.0.0.1:{}{path}", preview.port);
    let text = ureq::get(&url)
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .into_string()
        .expect("text");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn preview_index(preview: &Preview) -> Index {
    let meta = get_json(preview, "/search/index.json");
    Index::decode(meta, |rel| get_json(preview, &format!("/{rel}")))
}

#[test]
fn the_preview_index_is_right_after_an_edit() {
    let site = search_site();
    let preview = Preview::start(site.root(), &[]);
    assert!(preview_index(&preview).words.contains_key("moderation"));
    site.write(
        "content/tips/moderation.md",
        "+++\ntitle = \"Quokkas of comments\"\ndescription = \"House rules for replies.\"\n\
         tags = [\"Safe posting\"]\n+++\n\n## Weekend rota\n\nCarers ask about the rota.\n",
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let index = preview_index(&preview);
        if index
            .pages_with("quokkas")
            .contains_key("/tips/moderation/")
        {
            let titles: Vec<&str> = index.documents.iter().map(|d| d.1.as_str()).collect();
            assert!(titles.contains(&"Quokkas of comments"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the index never showed the edit\n{}",
            preview.transcript()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
