//! The site's search index: built from the site model in memory (plain data in, files out,
//! no IO), published with the rest of the site, and read by the theme's search.js on the
//! `/search/` page. Nothing else loads it: ordinary pages pay nothing for search.
//!
//! Design, after Pagefind's: the browser first loads one small file, `search/index.json`,
//! with the dictionary (every stem with the words of the site that have it), then fetches
//! only what a query needs: the postings of the stems it matched, kept in shards of
//! neighbouring stems (`search/terms/N.json`), and the titles and excerpts of the results it
//! shows, kept in chunks of [`DOCS_PER_CHUNK`] pages (`search/docs/N.json`). A site of ten
//! thousand pages thus writes a few hundred small files, not one per page, and a query reads
//! a few of them. Unlike Zola's elasticlunr index (one file holding every page's text,
//! loaded whole), nothing here grows with the site in the first download except the
//! dictionary, which grows with its vocabulary.
//!
//! Matching: words are folded (small letters, no accents) and stemmed at build time (see
//! [`text`]). The dictionary keeps the words as written on the site beside their stems, so
//! the script needs no stemmer of its own: a typed word that is on the site leads to its
//! stem; one that is not ("moderating" on a site that only says "moderation") is matched by
//! the longest stem it starts with; the last word matches as a prefix while it is typed; and
//! a word that matches nothing is compared with the site's words for typos. Ranking weights
//! where a word stands: title, then headings, then tags and section, then summary, then body.
//!
//! Drafts never go into the index, even when the build or preview shows them, and neither do
//! pages or sections whose front matter says `search = false` (a section's pages too). The
//! text indexed is the pages' own, which the privacy gate reads before anything is published.

mod text;

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;
use serde::Serialize;

use crate::output::{OutputContent, OutputFile};
use crate::site::{SectionId, Site};
use text::{HtmlPart, Stemmer};

/// The folder of the index files in the output.
pub(crate) const INDEX_FOLDER: &str = "search";
/// Pages per file of titles and excerpts: a result list of ten fetches at most ten of them.
const DOCS_PER_CHUNK: usize = 32;
/// A shard of postings is closed once it holds about this many bytes, so that a query fetches
/// a few kilobytes per word (a stem on most pages fills a shard of its own).
const SHARD_BYTES: usize = 24 * 1024;
/// Excerpts longer than this are cut at a word: results show a line or two.
const EXCERPT_CHARS: usize = 220;

/// How much a word counts where it stands. The body counts each time it is used, up to
/// [`BODY_REPEATS`] times, so that a long page does not outrank one titled with the word.
mod weight {
    pub(super) const TITLE: u32 = 16;
    pub(super) const HEADING: u32 = 6;
    pub(super) const TAG: u32 = 5;
    pub(super) const SECTION: u32 = 3;
    pub(super) const SUMMARY: u32 = 2;
    pub(super) const BODY: u32 = 1;
    /// The largest weight written: postings hold small numbers.
    pub(super) const MAX: u32 = 255;
}
const BODY_REPEATS: u32 = 8;

/// One page or section to index: what the model holds, borrowed.
#[derive(Debug, Clone)]
pub(crate) struct Document<'a> {
    /// Site-relative URL, `/tips/follow-thirty/`.
    pub(crate) path: &'a str,
    pub(crate) title: &'a str,
    /// The title of the section it is in (empty for the home page and top sections).
    pub(crate) section: &'a str,
    pub(crate) tags: Vec<&'a str>,
    /// Shown under the title: the description, else the summary's text.
    pub(crate) excerpt: &'a str,
    /// The rendered body.
    pub(crate) html: &'a str,
}

/// The documents of `site` that go into the index: no drafts, nothing marked `search = false`
/// (on the page, or on a section it is in). Pages first, then sections, in model order.
pub(crate) fn documents(site: &Site) -> Vec<Document<'_>> {
    let section_title = |id: SectionId| -> &str {
        if id == crate::site::HOME {
            ""
        } else {
            &site.sections[id].source.title
        }
    };
    let searchable_section = |id: SectionId| {
        site.ancestors_of_section(id)
            .iter()
            .all(|&s| site.sections[s].source.search)
    };
    let pages = site
        .pages
        .iter()
        .filter(|p| !p.source.draft && p.source.search && searchable_section(p.section))
        .map(|p| Document {
            path: &p.path,
            title: &p.source.title,
            section: section_title(p.section),
            tags: p.source.tags.iter().map(String::as_str).collect(),
            excerpt: excerpt_of(&p.source.description, &p.rendered.summary_text),
            html: &p.rendered.html,
        });
    let sections = site
        .sections
        .iter()
        .enumerate()
        .filter(|(id, _)| searchable_section(*id))
        .map(|(id, s)| Document {
            path: &s.path,
            title: &s.source.title,
            section: parent_section(site, id).map_or("", section_title),
            tags: Vec::new(),
            excerpt: excerpt_of(&s.source.description, &s.rendered.summary_text),
            html: &s.rendered.html,
        });
    pages.chain(sections).collect()
}

/// The section that holds section `id`, if any.
fn parent_section(site: &Site, id: SectionId) -> Option<SectionId> {
    let chain = site.ancestors_of_section(id);
    chain.len().checked_sub(2).map(|at| chain[at])
}

fn excerpt_of<'a>(description: &'a str, summary: &'a str) -> &'a str {
    if description.trim().is_empty() {
        summary
    } else {
        description
    }
}

/// Whether `path` (in the output folder) is one of the files [`index_files`] writes.
pub(crate) fn is_index_file(path: &str) -> bool {
    path.strip_prefix(INDEX_FOLDER)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|rest| {
            rest == "index.json" || rest.starts_with("terms/") || rest.starts_with("docs/")
        })
}

/// The index files for `documents`, under [`INDEX_FOLDER`].
pub(crate) fn index_files(documents: &[Document<'_>]) -> Vec<OutputFile> {
    let index = SearchIndex::build(documents);
    index.into_files(documents)
}

/// The words of one document with their weights.
type DocumentWords = Vec<(String, u32)>;
/// A map keyed by the site's own words: FNV-1a hashes short keys several times faster than
/// the standard map's hasher, whose protection against chosen keys a site's own text does
/// not need.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// FNV-1a, for [`FastMap`].
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
/// (document number, weight) pairs.
type Postings = Vec<(u32, u32)>;

/// Every stem with the words that have it and the documents that use them, in stem order.
struct SearchIndex {
    stems: Vec<StemEntry>,
}

struct StemEntry {
    stem: String,
    /// The site's words with this stem, sorted.
    words: Vec<String>,
    /// (document, weight), by document.
    postings: Vec<(u32, u32)>,
}

impl SearchIndex {
    fn build(documents: &[Document<'_>]) -> SearchIndex {
        let per_document: Vec<DocumentWords> = documents.par_iter().map(document_words).collect();
        // Each word of the site once, with the documents that use it: gathered on every core,
        // then joined (postings are put in document order below).
        let by_word = per_document
            .par_iter()
            .enumerate()
            .fold(
                FastMap::<&str, Postings>::default,
                |mut by_word, (doc, words)| {
                    for (word, weight) in words {
                        by_word
                            .entry(word.as_str())
                            .or_default()
                            .push((doc as u32, *weight));
                    }
                    by_word
                },
            )
            .reduce(FastMap::default, |mut all, part| {
                for (word, postings) in part {
                    all.entry(word).or_default().extend(postings);
                }
                all
            });
        let stemmer = Stemmer::english();
        let stemmed: Vec<(String, &str, Postings)> = by_word
            .into_par_iter()
            .map(|(word, postings)| (stemmer.stem(word), word, postings))
            .collect();
        let mut by_stem: BTreeMap<String, (Vec<String>, Postings)> = BTreeMap::new();
        for (stem, word, postings) in stemmed {
            let entry = by_stem.entry(stem).or_default();
            entry.0.push(word.to_string());
            entry.1.extend(postings);
        }
        let stems = by_stem
            .into_par_iter()
            .map(|(stem, (mut words, postings))| {
                words.sort_unstable();
                StemEntry {
                    stem,
                    words,
                    postings: merge_postings(postings),
                }
            })
            .collect();
        SearchIndex { stems }
    }

    fn into_files(self, documents: &[Document<'_>]) -> Vec<OutputFile> {
        let shards = self.shards();
        let mut files: Vec<OutputFile> = Vec::new();
        let mut shard_starts = Vec::with_capacity(shards.len());
        for (number, (start, bytes)) in shards.into_iter().enumerate() {
            shard_starts.push(start);
            files.push(file(format!("{INDEX_FOLDER}/terms/{number}.json"), bytes));
        }
        for (number, chunk) in documents.chunks(DOCS_PER_CHUNK).enumerate() {
            files.push(file(
                format!("{INDEX_FOLDER}/docs/{number}.json"),
                docs_chunk(chunk),
            ));
        }
        let version = fingerprint(&files);
        let meta = IndexMeta {
            format: 1,
            version: format!("{version:016x}"),
            documents: documents.len(),
            docs_per_chunk: DOCS_PER_CHUNK,
            shards: shard_starts,
            stop_words: text::STOP_WORDS,
            dictionary: self.dictionary(),
        };
        let meta = serde_json::to_vec(&meta).expect("the index metadata is plain data");
        files.push(file(format!("{INDEX_FOLDER}/index.json"), meta));
        files
    }

    /// One line a stem: the stem, then a tab before each of its words, written as what
    /// follows the stem when the word starts with it ("moder\tation\ting"), else whole after
    /// `=` ("happi\t=happy"). An empty entry is the stem itself, used as a word.
    fn dictionary(&self) -> String {
        let mut out = String::new();
        for entry in &self.stems {
            out.push_str(&entry.stem);
            for word in &entry.words {
                out.push('\t');
                match word.strip_prefix(entry.stem.as_str()) {
                    Some(rest) => out.push_str(rest),
                    None => {
                        out.push('=');
                        out.push_str(word);
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    /// The postings, in shards of neighbouring stems: (the first stem's number, the file).
    /// A shard is a JSON array with one array a stem: document numbers as the difference from
    /// the one before, each followed by its weight.
    fn shards(&self) -> Vec<(usize, Vec<u8>)> {
        let lists: Vec<String> = self
            .stems
            .par_iter()
            .map(|entry| postings_json(&entry.postings))
            .collect();
        let mut shards = Vec::new();
        let mut current = String::from("[");
        let mut start = 0;
        for (number, list) in lists.iter().enumerate() {
            if current.len() > 1 {
                current.push(',');
            }
            current.push_str(list);
            if current.len() >= SHARD_BYTES {
                current.push(']');
                shards.push((start, std::mem::take(&mut current).into_bytes()));
                current.push('[');
                start = number + 1;
            }
        }
        if current.len() > 1 || shards.is_empty() {
            current.push(']');
            shards.push((start, current.into_bytes()));
        }
        shards
    }
}

/// One stem's postings as a JSON array: each document as the difference from the one before,
/// then its weight.
fn postings_json(postings: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(2 + postings.len() * 6);
    out.push('[');
    let mut previous = 0;
    for (i, &(doc, weight)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_number(&mut out, doc - previous);
        out.push(',');
        push_number(&mut out, weight);
        previous = doc;
    }
    out.push(']');
    out
}

/// Writes `n` in decimal (a million of these per large site: quicker than `write!`).
fn push_number(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// What the script loads first: the dictionary and where the rest is.
#[derive(Serialize)]
struct IndexMeta {
    /// This layout's number: a script reading another layout says so instead of guessing.
    format: u32,
    /// Changes with the index's content: added to the other files' addresses, so that a
    /// browser never mixes files of two builds from its cache.
    version: String,
    documents: usize,
    docs_per_chunk: usize,
    /// The number of the first stem of each postings shard.
    shards: Vec<usize>,
    stop_words: &'static [&'static str],
    dictionary: String,
}

/// One document's entry in a chunk: its path, title, section and excerpt.
#[derive(Serialize)]
struct DocEntry<'a>(&'a str, &'a str, &'a str, String);

fn docs_chunk(chunk: &[Document<'_>]) -> Vec<u8> {
    let entries: Vec<DocEntry<'_>> = chunk
        .iter()
        .map(|d| {
            DocEntry(
                d.path,
                d.title,
                d.section,
                shorten(d.excerpt, EXCERPT_CHARS),
            )
        })
        .collect();
    serde_json::to_vec(&entries).expect("the index's documents are plain data")
}

/// `text` cut after the last whole word within `limit` characters, with "…" when cut.
fn shorten(text: &str, limit: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let whole = cut
        .rfind(char::is_whitespace)
        .map_or(cut.as_str(), |at| &cut[..at]);
    format!("{}…", whole.trim_end())
}

/// Marks a stop word in [`document_words`]' map: no real weight comes near it.
const STOP_WORD: u32 = u32::MAX;

/// Each word of `document` with its weight.
fn document_words(document: &Document<'_>) -> DocumentWords {
    // One map for the whole page, (weight outside the body, uses in the body), so that a word
    // is looked up once each time it is used; sized for a page's different words, so that it
    // rarely grows.
    let mut found: FastMap<String, (u32, u32)> =
        FastMap::with_capacity_and_hasher(256, Default::default());
    let mut add = |text: &str, weight: Option<u32>| {
        text::words(text, |word| {
            // Looked up before it is copied: most words of a page come more than once.
            let sums = match found.get_mut(word) {
                Some(sums) => sums,
                // Kept in the map, marked, so that the next "the" costs one look-up.
                None if text::is_stop_word(word) => {
                    found.insert(word.to_string(), (STOP_WORD, 0));
                    return;
                }
                None => found.entry(word.to_string()).or_default(),
            };
            if sums.0 == STOP_WORD {
                return;
            }
            match weight {
                Some(weight) => sums.0 += weight,
                None => sums.1 += 1,
            }
        });
    };
    add(document.title, Some(weight::TITLE));
    add(document.section, Some(weight::SECTION));
    for tag in &document.tags {
        add(tag, Some(weight::TAG));
    }
    add(document.excerpt, Some(weight::SUMMARY));
    text::html_text(document.html, |text, part| match part {
        HtmlPart::Heading => add(text, Some(weight::HEADING)),
        HtmlPart::Body => add(text, None),
    });
    found
        .into_iter()
        .filter(|(_, (placed, _))| *placed != STOP_WORD)
        .map(|(word, (placed, body))| {
            let weight = placed + body.min(BODY_REPEATS) * weight::BODY;
            (word, weight.min(weight::MAX))
        })
        .collect()
}

/// Postings of a stem's words merged into one list by document, weights of the same
/// document added.
fn merge_postings(mut postings: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    postings.sort_unstable_by_key(|&(doc, _)| doc);
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(postings.len());
    for (doc, weight) in postings {
        match merged.last_mut() {
            Some(last) if last.0 == doc => last.1 = (last.1 + weight).min(weight::MAX),
            _ => merged.push((doc, weight)),
        }
    }
    merged
}

fn file(path: String, bytes: Vec<u8>) -> OutputFile {
    OutputFile {
        path,
        content: OutputContent::Bytes(bytes),
    }
}

/// FNV-1a over the files' paths and bytes: a stable number that changes with the content.
fn fingerprint(files: &[OutputFile]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = match &file.content {
            OutputContent::Bytes(bytes) => bytes.as_slice(),
            _ => &[],
        };
        for &byte in file.path.as_bytes().iter().chain(bytes) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(path: &'a str, title: &'a str, html: &'a str) -> Document<'a> {
        Document {
            path,
            title,
            section: "Tips",
            tags: vec!["Safe posting"],
            excerpt: "",
            html,
        }
    }

    fn entry<'a>(index: &'a SearchIndex, stem: &str) -> &'a StemEntry {
        index
            .stems
            .iter()
            .find(|e| e.stem == stem)
            .unwrap_or_else(|| panic!("no stem {stem}"))
    }

    #[test]
    fn words_of_one_stem_share_postings_with_weights_by_place() {
        let docs = [
            doc("/a/", "Moderation", "<p>Nothing here.</p>"),
            doc(
                "/b/",
                "Other",
                "<h2>Moderating</h2><p>moderated, moderated</p>",
            ),
        ];
        let index = SearchIndex::build(&docs);
        let moder = entry(&index, "moder");
        assert_eq!(moder.words, ["moderated", "moderating", "moderation"]);
        assert_eq!(
            moder.postings,
            [(0, weight::TITLE), (1, weight::HEADING + 2 * weight::BODY)]
        );
        assert_eq!(
            entry(&index, "tip").postings.len(),
            2,
            "section titles count"
        );
        assert!(index.stems.iter().all(|e| e.stem != "the"), "no stop words");
    }

    #[test]
    fn body_repeats_count_up_to_a_limit() {
        let html = format!("<p>{}</p>", "carers ".repeat(50));
        let docs = [doc("/a/", "A", &html)];
        let index = SearchIndex::build(&docs);
        assert_eq!(entry(&index, "carer").postings, [(0, BODY_REPEATS)]);
    }

    #[test]
    fn dictionary_writes_words_after_their_stem() {
        let docs = [doc("/a/", "Happy moderation", "<p>happiness moder</p>")];
        let index = SearchIndex::build(&docs);
        let dictionary = index.dictionary();
        let lines: Vec<&str> = dictionary.lines().collect();
        assert!(lines.contains(&"moder\t\tation"), "{lines:?}");
        assert!(lines.contains(&"happi\tness\t=happy"), "{lines:?}");
    }

    #[test]
    fn shards_hold_delta_coded_postings_and_split_when_full() {
        let titles: Vec<String> = (0..3000).map(|i| format!("word{i} common")).collect();
        let docs: Vec<Document<'_>> = titles.iter().map(|t| doc("/p/", t, "")).collect();
        let index = SearchIndex::build(&docs);
        let shards = index.shards();
        assert!(shards.len() > 1, "3000 stems fill more than one shard");
        let mut stems_seen = 0;
        for (start, bytes) in &shards {
            assert_eq!(*start, stems_seen);
            let arrays: Vec<Vec<u32>> = serde_json::from_slice(bytes).expect("JSON");
            stems_seen += arrays.len();
        }
        assert_eq!(stems_seen, index.stems.len());
        let common = index.stems.iter().position(|e| e.stem == "common").unwrap();
        let (start, bytes) = shards.iter().rev().find(|(s, _)| *s <= common).unwrap();
        let arrays: Vec<Vec<u32>> = serde_json::from_slice(bytes).unwrap();
        let postings = &arrays[common - start];
        assert_eq!(
            postings.len(),
            6000,
            "every document, as deltas of 1 after the first"
        );
        assert!(postings.chunks(2).skip(1).all(|p| p[0] == 1));
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 255, 4_294_967_295] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        assert_eq!(postings_json(&[(3, 16), (10, 1)]), "[3,16,7,1]");
        assert_eq!(postings_json(&[]), "[]");
    }

    #[test]
    fn excerpts_are_cut_at_a_word() {
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten(" short ", 9), "short");
    }

    #[test]
    fn fingerprint_changes_with_content() {
        let a = [file("x".into(), b"1".to_vec())];
        let b = [file("x".into(), b"2".to_vec())];
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
    }
}
