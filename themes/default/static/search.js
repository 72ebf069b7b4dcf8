// The search page (search.html): finds pages as you type, from the index hub build writes in
// search/ (see src/search/mod.rs for its layout). Loads the dictionary once (index.json), then
// only the postings shards and the chunks of titles a query needs. Matches a word as written
// on the site, or by its stem ("moderating" finds "moderation"), the last word as a prefix
// while it is typed, and misspellings (one letter wrong in words of 4 to 7 letters, two in
// longer ones). Everything is fetched from this site; nothing is sent anywhere else.
"use strict";
(() => {
  const form = document.querySelector("form[data-search-index]");
  if (!form) return;
  const input = form.querySelector('input[name="q"]');
  const status = document.querySelector("[data-search-status]");
  const list = document.querySelector("[data-search-results]");
  const moreWrap = document.querySelector("[data-search-more-wrap]");
  const more = document.querySelector("[data-search-more]");
  const hint = document.querySelector("[data-search-hint]");
  const indexUrl = new URL(form.dataset.searchIndex, location.href);
  const siteRoot = new URL(form.dataset.siteRoot, location.href);
  const PER_PAGE = 10;
  const MAX_PREFIX_WORDS = 60;

  // Must fold as src/search/text.rs does: accents off (NFD), apostrophes out, small letters
  // letter by letter (as Rust's char::to_lowercase; the whole string's would turn a last Σ
  // into ς).
  const lower = (text) => Array.from(text, (c) => c.toLowerCase()).join("");
  const fold = (text) => lower(text.normalize("NFD").replace(/[\p{M}'\u2019]/gu, ""));
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const wordsOf = (text) => fold(text).match(WORD) || [];

  let index = null;
  let loading = null;

  function loadIndex() {
    loading ??= fetch(indexUrl, { cache: "no-cache" })
      .then((response) => {
        if (!response.ok) throw new Error(`the index answered ${response.status}`);
        return response.json();
      })
      .then((meta) => {
        if (meta.format !== 1) throw new Error("the index is of another version of hub");
        index = readIndex(meta);
        return index;
      });
    return loading;
  }

  // The dictionary: one line a stem, then its words (see SearchIndex::dictionary).
  function readIndex(meta) {
    const stems = [];
    const stemWords = [];
    const stemOfWord = new Map();
    const stemNumber = new Map();
    const lines = meta.dictionary.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]) continue;
      const [stem, ...parts] = lines[i].split("\t");
      const words = parts.map((p) => (p.startsWith("=") ? p.slice(1) : stem + p));
      stems.push(stem);
      stemWords.push(words);
      stemNumber.set(stem, stems.length - 1);
      for (const word of words) stemOfWord.set(word, stems.length - 1);
    }
    const sortedWords = [...stemOfWord.keys()].sort();
    const endings = new Set(ENDINGS);
    for (let s = 0; s < stems.length; s++) {
      for (const word of stemWords[s]) {
        if (word.length > stems[s].length && word.startsWith(stems[s])) {
          endings.add(word.slice(stems[s].length));
        }
      }
    }
    return {
      meta,
      stems,
      stemWords,
      stemOfWord,
      stemNumber,
      sortedWords,
      endings,
      stop: new Set(meta.stop_words),
      shards: new Map(),
      chunks: new Map(),
    };
  }

  function fetchJson(path) {
    const url = new URL(`${path}?v=${index.meta.version}`, indexUrl);
    return fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return response.json();
    });
  }

  // The postings shard holding stem number `s`: [its first stem's number, its arrays].
  function shardOf(s) {
    const starts = index.meta.shards;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= s) low = mid;
      else high = mid - 1;
    }
    if (!index.shards.has(low)) {
      index.shards.set(low, fetchJson(`terms/${low}.json`).then((arrays) => [starts[low], arrays]));
    }
    return index.shards.get(low);
  }

  function chunkOf(doc) {
    const c = Math.floor(doc / index.meta.docs_per_chunk);
    if (!index.chunks.has(c)) index.chunks.set(c, fetchJson(`docs/${c}.json`));
    return index.chunks.get(c).then((entries) => entries[doc % index.meta.docs_per_chunk]);
  }

  // Edit distance with swapped neighbours counted once, or limit + 1 when it is more.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = null;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, before[j - 2] + 1);
        }
        row.push(d);
        best = Math.min(best, d);
      }
      if (best > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // Endings a word may have after its stem: the site's own, and common English ones.
  const ENDINGS = ["s", "es", "ed", "ing", "ings", "ion", "ions", "ation", "ations", "ate",
    "ates", "ated", "ating", "er", "ers", "ly", "ment", "ments", "ness", "ity", "ise", "ised",
    "ising", "isation", "ize", "ized", "izing", "ization", "al", "ally", "ful", "ive", "ous"];

  // The longest stem that `token` starts with, when it is at least half of it.
  function stemPrefixOf(token) {
    const shortest = Math.max(3, Math.ceil(token.length / 2));
    for (let n = token.length - 1; n >= shortest; n--) {
      const s = index.stemNumber.get(token.slice(0, n));
      if (s !== undefined) return s;
    }
    return undefined;
  }

  function typosOf(token) {
    const found = new Map();
    const limit = token.length <= 7 ? 1 : 2;
    for (const word of index.sortedWords) {
      const d = distance(token, word, limit);
      const s = index.stemOfWord.get(word);
      const quality = d === 1 ? 0.6 : 0.4;
      if (d <= limit && !(found.get(s) >= quality)) found.set(s, quality);
    }
    return found;
  }

  // The stems a typed word may mean, each with how sure the match is (1 for exact).
  function candidates(token, isLast) {
    const found = new Map();
    const add = (s, quality) => {
      if (!(found.get(s) >= quality)) found.set(s, quality);
    };
    const exact = index.stemOfWord.get(token) ?? index.stemNumber.get(token);
    if (exact !== undefined) add(exact, 1);
    if (isLast && token.length >= 2) {
      const words = index.sortedWords;
      let low = 0;
      let high = words.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (words[mid] < token) low = mid + 1;
        else high = mid;
      }
      for (let i = low, n = 0; i < words.length && n < MAX_PREFIX_WORDS; i++, n++) {
        if (!words[i].startsWith(token)) break;
        add(index.stemOfWord.get(words[i]), 0.5 + (0.4 * token.length) / words[i].length);
      }
    }
    if (exact === undefined) {
      // A word the site does not use: a misspelling of one it does, or another form of one
      // (its stem and an ending: "moderating" on a site that says "moderation").
      const typos = found.size === 0 && token.length >= 4 ? typosOf(token) : new Map();
      const stem = stemPrefixOf(token);
      if (stem !== undefined) {
        const ending = token.slice(index.stems[stem].length);
        if (typos.size === 0 || index.endings.has(ending)) add(stem, 0.9);
      }
      for (const [s, quality] of typos) add(s, quality);
    }
    return found;
  }

  // Pages matching every word, best first, and the site's words to highlight.
  async function find(query, typing) {
    let tokens = [...new Set(wordsOf(query))];
    const meaningful = tokens.filter((t) => !index.stop.has(t));
    if (meaningful.length) tokens = meaningful;
    const lastOpen = typing && !/\s$/.test(query);
    const perToken = tokens.map((t, i) => candidates(t, lastOpen && i === tokens.length - 1));
    const highlight = new Set(tokens);
    if (perToken.length === 0 || perToken.some((c) => c.size === 0)) {
      return { docs: [], highlight };
    }
    let scores = null;
    for (const found of perToken) {
      const tokenScores = new Map();
      for (const [s, quality] of found) {
        for (const word of index.stemWords[s]) highlight.add(word);
        const [start, arrays] = await shardOf(s);
        const postings = arrays[s - start];
        const idf = Math.log(1 + index.meta.documents / (postings.length / 2));
        let doc = 0;
        for (let i = 0; i < postings.length; i += 2) {
          doc += postings[i];
          const score = postings[i + 1] * quality * idf;
          if (score > (tokenScores.get(doc) ?? 0)) tokenScores.set(doc, score);
        }
      }
      if (scores === null) {
        scores = tokenScores;
      } else {
        const both = new Map();
        for (const [doc, score] of tokenScores) {
          if (scores.has(doc)) both.set(doc, scores.get(doc) + score);
        }
        scores = both;
      }
    }
    const docs = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([doc]) => doc);
    return { docs, highlight };
  }

  // `text` in `parent`, with the words in `highlight` marked.
  function appendMarked(parent, text, highlight) {
    const RUN = /[\p{Alphabetic}\p{N}\p{M}'\u2019]+/gu;
    let at = 0;
    for (const match of text.matchAll(RUN)) {
      if (!wordsOf(match[0]).some((w) => highlight.has(w))) continue;
      parent.append(text.slice(at, match.index));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      parent.append(mark);
      at = match.index + match[0].length;
    }
    parent.append(text.slice(at));
  }

  function resultItem([path, title, section, excerpt], highlight) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = new URL(path.replace(/^\//, ""), siteRoot).href;
    appendMarked(link, title, highlight);
    heading.append(link);
    item.append(heading);
    if (section) {
      const where = document.createElement("p");
      where.className = "search-result-section";
      where.textContent = `In ${section}`;
      item.append(where);
    }
    if (excerpt) {
      const text = document.createElement("p");
      appendMarked(text, excerpt, highlight);
      item.append(text);
    }
    return item;
  }

  let current = { docs: [], highlight: new Set(), shown: 0, query: "" };
  let sequence = 0;

  async function showMore(focusFirst) {
    const run = sequence;
    const next = current.docs.slice(current.shown, current.shown + PER_PAGE);
    const entries = await Promise.all(next.map(chunkOf));
    if (run !== sequence) return;
    const items = entries.map((entry) => resultItem(entry, current.highlight));
    list.append(...items);
    current.shown += next.length;
    moreWrap.hidden = current.shown >= current.docs.length;
    if (focusFirst && items.length) items[0].querySelector("a").focus();
  }

  function say(text) {
    status.textContent = text;
  }

  async function run(query, typing) {
    const run = ++sequence;
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!query.trim()) {
      list.replaceChildren();
      list.hidden = true;
      moreWrap.hidden = true;
      say("");
      return;
    }
    try {
      await loadIndex();
      const found = await find(query, typing);
      if (run !== sequence) return;
      current = { ...found, shown: 0, query };
      list.replaceChildren();
      list.hidden = found.docs.length === 0;
      await showMore(false);
      if (run !== sequence) return;
      const n = found.docs.length;
      const shown = query.trim();
      say(
        n === 0
          ? `No results for “${shown}”. Check the spelling, or try other words.`
          : `${n} ${n === 1 ? "result" : "results"} for “${shown}”`,
      );
    } catch (error) {
      if (run !== sequence) return;
      loading = null;
      say(`Search is not working at the moment (${error.message}). Please try again later.`);
    }
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value, true), 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value, false);
  });
  more.addEventListener("click", () => showMore(true));
  if (hint) hint.textContent = "Results appear as you type.";
  const initial = new URL(location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    run(initial, false);
  }
})();
