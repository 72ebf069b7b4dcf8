//! Tests of the plain-language rules, through `check` and the pieces it is made of.

use super::readability::syllables;
use super::*;
use crate::check::Severity;

const FRONT: &str = "+++\ntitle = \"Test\"\n+++\n";

/// The whole file for a body, and the findings for it.
fn run(body: &str) -> (String, Vec<RawFinding>) {
    let text = format!("{FRONT}{body}");
    let page = SourceText {
        path: "content/x.md".into(),
        text: text.clone(),
        body_start: FRONT.len(),
    };
    let findings = check(&page, &crate::check::parse_body(&page, true));
    (text, findings)
}

fn rule<'a>(findings: &'a [RawFinding], name: &str) -> Vec<&'a RawFinding> {
    findings.iter().filter(|f| f.rule == name).collect()
}

/// A sentence of exactly `n` short words, ending in a full stop.
fn sentence(n: usize) -> String {
    let words: Vec<&str> = [
        "We", "had", "one", "good", "day", "out", "at", "the", "park",
    ]
    .iter()
    .cycle()
    .take(n)
    .copied()
    .collect();
    format!("{}.", words.join(" "))
}

fn officialese(body: &str) -> Vec<(String, usize)> {
    let (text, findings) = run(body);
    rule(&findings, OFFICIALESE_RULE)
        .iter()
        .map(|f| {
            // The message quotes what was found; check it is what sits at the offset.
            let found = f.message.split(['“', '”']).nth(1).unwrap_or("").to_string();
            let first = found.split(' ').next().unwrap_or("");
            assert!(text[f.offset..].starts_with(first), "{f:?}");
            (found, f.offset)
        })
        .collect()
}

// --- syllables and words -----------------------------------------------------------

#[test]
fn syllables_of_known_words() {
    let known = [
        ("a", 1),
        ("the", 1),
        ("cat", 1),
        ("make", 1),
        ("whole", 1),
        ("free", 1),
        ("table", 2),
        ("people", 2),
        ("syllable", 3),
        ("loved", 1),
        ("helped", 1),
        ("called", 1),
        ("wanted", 2),
        ("needed", 2),
        ("handled", 2),
        ("makes", 1),
        ("types", 1),
        ("places", 2),
        ("changes", 2),
        ("tables", 2),
        ("stories", 2),
        ("lovely", 2),
        ("careful", 2),
        ("statement", 2),
        ("implement", 3),
        ("information", 4),
        ("social", 2),
        ("media", 3),
        ("period", 3),
        ("serious", 3),
        ("million", 2),
        ("going", 2),
        ("being", 2),
        ("trying", 2),
        ("family", 3),
        ("community", 4),
        ("beautiful", 3),
        ("facilitate", 4),
        ("everyone", 3),
        ("maybe", 2),
        ("Happy", 2),
        ("don’t", 1),
        ("2024", 1),
    ];
    let wrong: Vec<_> = known
        .iter()
        .filter(|(w, n)| syllables(w) != *n)
        .map(|(w, n)| format!("{w}: expected {n}, got {}", syllables(w)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn words_are_letters_digits_and_apostrophes() {
    let text = "Don’t we’re it's 3.5 and 1,000 well-being — … (ok) ''";
    let found: Vec<&str> = words(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(
        found,
        ["Don’t", "we’re", "it's", "3.5", "and", "1,000", "well", "being", "ok"]
    );
}

// --- sentences -----------------------------------------------------------------------

fn split(text: &str) -> Vec<&str> {
    sentence_ranges(text)
        .into_iter()
        .map(|r| text[r].trim())
        .collect()
}

#[test]
fn sentences_split_on_end_punctuation() {
    assert_eq!(
        split("We met. Did you come? Yes! It was “great.” Then home"),
        [
            "We met.",
            "Did you come?",
            "Yes!",
            "It was “great.”",
            "Then home"
        ]
    );
    // Smart punctuation makes `...` an ellipsis, which does not end a sentence.
    assert_eq!(split("Wait… what? Yes"), ["Wait… what?", "Yes"]);
}

#[test]
fn abbreviations_and_numbers_do_not_split() {
    assert_eq!(
        split("Bring snacks, e.g. fruit, i.e. apples. Mr. Khan and Dr. Lee came at 3.5 hours, etc. and J. Smith too. Done."),
        [
            "Bring snacks, e.g. fruit, i.e. apples.",
            "Mr. Khan and Dr. Lee came at 3.5 hours, etc. and J. Smith too.",
            "Done."
        ]
    );
    // A web address ending a sentence is not an abbreviation.
    assert_eq!(
        split("See example.org. Then call."),
        ["See example.org.", "Then call."]
    );
}

// --- long sentences --------------------------------------------------------------------

#[test]
fn a_sentence_over_40_words_is_flagged_at_its_start() {
    let body = format!("Short one here. {}\n", sentence(41));
    let (text, findings) = run(&body);
    let long = rule(&findings, LONG_SENTENCE);
    assert_eq!(long.len(), 1, "{findings:#?}");
    assert_eq!(long[0].offset, FRONT.len() + "Short one here. ".len());
    assert!(text[long[0].offset..].starts_with("We had"));
    assert!(long[0].message.contains("41 words"));
    assert_eq!(long[0].severity, Severity::Warning);
}

#[test]
fn sentences_of_39_and_40_words_are_fine() {
    for n in [39, 40] {
        let (_, findings) = run(&format!("{}\n", sentence(n)));
        assert!(
            rule(&findings, LONG_SENTENCE).is_empty(),
            "{n}: {findings:#?}"
        );
    }
}

#[test]
fn abbreviations_keep_a_long_sentence_whole() {
    // 41 words in all, with full stops that do not end the sentence.
    let body = "We asked Mr. Jones and Dr. Patel, e.g. our two visitors, i.e. the \
                people from the trust, to bring tea, cake, etc. and 3.5 litres of juice \
                for the group that met on Friday in the hall by the big park.\n";
    assert_eq!(words(body).len(), 41);
    let (_, findings) = run(body);
    let long = rule(&findings, LONG_SENTENCE);
    assert_eq!(long.len(), 1, "{findings:#?}");
    assert_eq!(long[0].offset, FRONT.len());
}

#[test]
fn paragraphs_list_items_and_headings_end_sentences() {
    let half = "we had a good day out at the park with the whole group and then";
    let body = format!("## {half} {half}\n\n{half} {half}\n\n- {half} {half}\n- {half} more\n");
    let (_, findings) = run(&body);
    assert!(rule(&findings, LONG_SENTENCE).is_empty(), "{findings:#?}");
    // The same words in one paragraph are one long sentence.
    let (_, findings) = run(&format!("{half} {half} {half} {half}\n"));
    assert_eq!(rule(&findings, LONG_SENTENCE).len(), 1);
}

#[test]
fn long_sentence_offsets_survive_markup_and_smart_quotes() {
    let body = format!("> \"Hi,\" she said. **{}**\n", sentence(45));
    let (text, findings) = run(&body);
    let long = rule(&findings, LONG_SENTENCE);
    assert_eq!(long.len(), 1, "{findings:#?}");
    assert!(
        text[long[0].offset..].starts_with("We had one"),
        "{}",
        &text[long[0].offset..]
    );
}

#[test]
fn code_does_not_count_as_words() {
    let body = format!(
        "Run `{}` now.\n\n```\n{}\n```\n",
        sentence(50),
        sentence(50)
    );
    let (_, findings) = run(&body);
    assert!(rule(&findings, LONG_SENTENCE).is_empty(), "{findings:#?}");
}

// --- average sentence length -----------------------------------------------------------

#[test]
fn average_over_25_words_is_flagged_at_the_body() {
    let body = (0..5).map(|_| sentence(30)).collect::<Vec<_>>().join(" ");
    let (_, findings) = run(&format!("{body}\n"));
    let average = rule(&findings, AVERAGE_SENTENCE);
    assert_eq!(average.len(), 1);
    assert_eq!(average[0].offset, FRONT.len());
    assert!(
        average[0].message.contains("30.0 words"),
        "{}",
        average[0].message
    );
}

#[test]
fn average_needs_five_sentences_and_more_than_25() {
    let four = (0..4).map(|_| sentence(30)).collect::<Vec<_>>().join(" ");
    let (_, findings) = run(&format!("{four}\n"));
    assert!(rule(&findings, AVERAGE_SENTENCE).is_empty());
    let exactly = (0..6).map(|_| sentence(25)).collect::<Vec<_>>().join(" ");
    let (_, findings) = run(&format!("{exactly}\n"));
    assert!(rule(&findings, AVERAGE_SENTENCE).is_empty());
}

// --- readability -------------------------------------------------------------------------

const PLAIN: &str = "We had a great day at the park. The sun was out and it was warm. \
    Sam brought a kite and we all took turns. Jo made tea for the group. \
    We sat on the grass and ate our lunch. Some of us went for a walk by the lake. \
    We saw ducks and a swan. Ben fed the ducks with bread. \
    After lunch we played a game of catch. Then we went back on the bus. \
    Everyone said it was the best trip of the year. We want to go back soon. \
    If you would like to come next time, let us know. You can ring the office or ask \
    your key worker. We will send out the dates next week. Bring a coat in case it \
    rains. Wear shoes you can walk in. We will have food, but you can bring your own \
    snacks too. Thank you to all the staff who helped on the day. See you next time.\n";

const HARD: &str = "Organisational transformation necessitates comprehensive \
    consideration of interdependencies between multidisciplinary professional \
    communities. Individualised personalisation methodologies facilitate \
    collaborative decision-making. Strategic commissioning arrangements \
    incorporate preventative interventions alongside integrated accountability \
    frameworks. Operational implementation requires sophisticated understanding \
    of regulatory expectations and quality assurance mechanisms. Partnership \
    governance structures determine resource allocation priorities. ";

fn score(body: &str) -> f64 {
    let page = SourceText::whole("content/x.md", body);
    let prose = Prose::read(body, &crate::check::parse_body(&page, true));
    let sentences: Vec<Sentence> = prose.units.iter().flat_map(sentences_of).collect();
    Stats::of(&sentences).reading_ease()
}

#[test]
fn short_plain_sentences_score_above_60() {
    assert!(words(PLAIN).len() > READABILITY_MIN_WORDS);
    let s = score(PLAIN);
    assert!(s > 60.0, "{s}");
    let (_, findings) = run(PLAIN);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn hard_pages_are_flagged_with_their_score() {
    let body = HARD.repeat(4);
    assert!(words(&body).len() > READABILITY_MIN_WORDS);
    let s = score(&body);
    assert!(s < READABILITY_FLOOR, "{s}");
    let (_, findings) = run(&body);
    let readability = rule(&findings, READABILITY);
    assert_eq!(readability.len(), 1, "{findings:#?}");
    assert_eq!(readability[0].offset, FRONT.len());
    assert!(
        readability[0].message.contains(&format!("scores {s:.0}")),
        "{}",
        readability[0].message
    );
}

#[test]
fn short_hard_pages_are_not_scored() {
    assert!(words(HARD).len() <= READABILITY_MIN_WORDS);
    let (_, findings) = run(HARD);
    assert!(rule(&findings, READABILITY).is_empty());
}

// --- officialese -----------------------------------------------------------------------

#[test]
fn the_list_is_long_enough_and_every_entry_matches_itself() {
    assert!(OFFICIALESE.len() >= 40, "{}", OFFICIALESE.len());
    for (phrase, suggestion) in OFFICIALESE {
        assert!(!suggestion.is_empty());
        let example = phrase
            .trim_start_matches('~')
            .replace('*', "")
            .replace("a/an", "a")
            .replace('…', "voluntary")
            .split(' ')
            .map(|t| t.split('/').next().unwrap_or(t).to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let text = format!("So we {example} today");
        let hits = officialese_in(&text);
        assert_eq!(hits.len(), 1, "{phrase}: {hits:?}");
        assert_eq!(&text[hits[0].range.clone()], example, "{phrase}");
    }
}

#[test]
fn each_occurrence_is_flagged_at_its_offset_with_a_suggestion() {
    let body = "We will facilitate a session. Prior to that, please Facilitate the tea.\n";
    let (text, findings) = run(body);
    let hits = rule(&findings, OFFICIALESE_RULE);
    assert_eq!(hits.len(), 3, "{hits:#?}");
    assert_eq!(hits[0].offset, text.find("facilitate").unwrap());
    assert_eq!(hits[1].offset, text.find("Prior").unwrap());
    assert_eq!(hits[2].offset, text.find("Facilitate").unwrap());
    assert_eq!(hits[0].fix, "Try “help”, “run” or “lead” instead.");
    assert_eq!(hits[1].fix, "Try “before” instead.");
    assert!(hits[2].message.contains("“Facilitate”"));
}

#[test]
fn phrases_match_across_line_breaks_and_hyphens() {
    let got = officialese("Going\nforward we will share best-practice in order\nto help.\n");
    assert_eq!(
        got.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
        ["Going forward", "best-practice", "in order to"]
    );
    assert_eq!(got[0].1, FRONT.len());
}

#[test]
fn inflections_count_but_word_boundaries_hold() {
    let got = officialese(
        "This ensures it. We ensured it. Ensuring it. We ensure it.\n\n\
         Reassure people. Insurance is dull. Disabled people. Enabled people.\n",
    );
    let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        found,
        ["ensures", "ensured", "Ensuring", "ensure", "Enabled"]
    );
}

#[test]
fn longer_words_get_their_own_entry() {
    let (_, findings) = run("Additionally, we have additional seats.\n");
    let hits = rule(&findings, OFFICIALESE_RULE);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].fix, "Try “also” instead.");
    assert_eq!(hits[1].fix, "Try “more” or “extra” instead.");
}

#[test]
fn quoted_words_are_not_flagged() {
    // Smart punctuation turns straight quotes curly; typed curly quotes work too.
    let got = officialese(
        "We say \"use\", not \"utilise\". We say ‘use’, not ‘utilise’. \
         Write “start”, not “commence”. Don’t 'facilitate' things.\n",
    );
    assert!(got.is_empty(), "{got:?}");
    // A quote left open protects nothing, and apostrophes are not quotes.
    let got = officialese("He said “we utilise it. Don’t utilise it.\n");
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn officialese_outside_prose_is_not_flagged() {
    let body = "Use `utilise` in code.\n\n\
                ```\nwe facilitate\n```\n\n    indented facilitate\n\n\
                <div>we facilitate</div>\n\n\
                Inline <span title=\"facilitate\">html</span> here.\n\n\
                See <https://example.org/facilitate> and [this](https://x.org/utilise) \
                and https://example.org/commence/ today.\n\n\
                ![we facilitate](photo.png)\n\n\
                | Word | Plain |\n|---|---|\n| facilitate | help |\n";
    let got = officialese(body);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn officialese_in_headings_lists_quotes_and_links_is_flagged() {
    let got = officialese(
        "## Going forward\n\n- We signpost people\n\n> Stakeholders met.\n\n[utilise this](https://x.org)\n",
    );
    let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        found,
        ["Going forward", "signpost", "Stakeholders", "utilise"]
    );
    let (text, _) = run("## Going forward\n\n- We signpost people\n\n> Stakeholders met.\n\n[utilise this](https://x.org)\n");
    assert_eq!(got[1].1, text.find("signpost").unwrap());
    assert_eq!(got[3].1, text.find("utilise").unwrap());
}

#[test]
fn verbs_that_are_also_nouns() {
    let got = officialese(
        "Follow the signpost to the café. We signpost people. The signposting service helps.\n",
    );
    let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(found, ["signpost", "signposting"]);
}

#[test]
fn capacity_and_per_only_in_their_phrases() {
    let got = officialese(
        "She helps in a voluntary capacity. The hall has capacity for 40. \
         As per the plan. It is £5 per person.\n",
    );
    let found: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(found, ["in a voluntary capacity", "As per"]);
    let capacity = officialese("In an advisory capacity.\n");
    assert_eq!(capacity.len(), 1);
}

#[test]
fn offsets_are_exact_after_smart_punctuation_and_entities() {
    let body = "\"Hi\" -- it's &amp; ... we utilise tea.\n";
    let (text, findings) = run(body);
    let hits = rule(&findings, OFFICIALESE_RULE);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].offset, text.find("utilise").unwrap());
}

// --- walls of text ---------------------------------------------------------------------

fn paragraphs(n: usize) -> String {
    (0..n)
        .map(|i| format!("Paragraph {i} is here.\n\n"))
        .collect()
}

#[test]
fn five_paragraphs_in_a_row_are_a_wall() {
    let body = format!("## Intro\n\n{}", paragraphs(6));
    let (text, findings) = run(&body);
    let walls = rule(&findings, WALL_OF_TEXT);
    assert_eq!(walls.len(), 1, "{findings:#?}");
    assert_eq!(walls[0].offset, text.find("Paragraph 0").unwrap());
    assert!(walls[0].message.starts_with("6 paragraphs"));
}

#[test]
fn four_paragraphs_are_fine() {
    let (_, findings) = run(&paragraphs(4));
    assert!(rule(&findings, WALL_OF_TEXT).is_empty());
}

#[test]
fn a_wall_broken_up_is_fine() {
    for breaker in [
        "- a list\n- of things\n",
        "## A heading\n",
        "![A photo](photo.png)\n",
        "> A quote.\n",
        "```\ncode\n```\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "---\n",
    ] {
        let body = format!("{}{breaker}\n{}", paragraphs(3), paragraphs(3));
        let (_, findings) = run(&body);
        assert!(
            rule(&findings, WALL_OF_TEXT).is_empty(),
            "{breaker}: {findings:#?}"
        );
    }
}

#[test]
fn comments_do_not_break_a_wall_and_each_wall_is_reported() {
    let body = format!(
        "{}<!-- more -->\n\n{}## Next\n\n{}",
        paragraphs(2),
        paragraphs(3),
        paragraphs(5)
    );
    let (text, findings) = run(&body);
    let walls = rule(&findings, WALL_OF_TEXT);
    assert_eq!(walls.len(), 2, "{findings:#?}");
    assert_eq!(walls[0].offset, FRONT.len());
    assert_eq!(walls[1].offset, text.rfind("Paragraph 0").unwrap());
}

#[test]
fn paragraphs_inside_lists_and_quotes_are_not_a_wall() {
    let body = (0..6)
        .map(|i| format!("> Quote {i}.\n>\n"))
        .collect::<String>();
    let (_, findings) = run(&body);
    assert!(rule(&findings, WALL_OF_TEXT).is_empty());
}

// --- everything together ---------------------------------------------------------------

#[test]
fn findings_are_sorted_one_sentence_warnings() {
    let body = format!(
        "{}\n\nWe facilitate things.\n\n{}",
        sentence(45),
        paragraphs(5)
    );
    let (_, findings) = run(&body);
    assert!(findings.len() >= 3, "{findings:#?}");
    assert!(findings.windows(2).all(|w| w[0].offset <= w[1].offset));
    for f in &findings {
        assert_eq!(f.severity, Severity::Warning);
        for s in [&f.message, &f.fix] {
            assert!(s.ends_with('.'), "{s}");
            assert_eq!(split(s).len(), 1, "not one sentence: {s}");
        }
    }
}

#[test]
fn an_empty_page_has_nothing_to_say() {
    let (_, findings) = run("");
    assert!(findings.is_empty());
    let (_, findings) = run("```\nonly code\n```\n");
    assert!(findings.is_empty());
}
