//! The self-assessment survey: a page with `survey = "check"` shows data/check.toml as a form
//! (parsed from the built HTML), and every kind of mistake in the survey file or the page is
//! an error with file:line:col and a hint that leaves the output folder as it was. The form's
//! behaviour in a browser is tested in tests/browser.rs.

mod common;

use common::*;
use scraper::ElementRef;

const SURVEY: &str = "data/check.toml";

fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn child_texts(element: ElementRef<'_>, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    element.select(&selector).map(text).collect()
}

#[test]
fn every_statement_is_a_labelled_radio_group_in_its_part() {
    let site = TestSite::shared_build("survey");
    let html = site.html("check/index.html");

    let forms = select(&html, "main form.survey");
    assert_eq!(forms.len(), 1, "one form on the survey page");
    let form = forms[0];
    assert_eq!(
        child_texts(form, "h2"),
        vec!["Team practice check".to_string()]
    );
    assert_eq!(
        child_texts(form, ".survey-scale li"),
        vec!["0: Not yet. We do not do this", "1: Partly", "2: Yes"]
    );

    let parts = select(&html, "form.survey section[data-survey-part]");
    let titles: Vec<String> = parts
        .iter()
        .map(|p| child_texts(*p, "h3").join(""))
        .collect();
    assert_eq!(titles, vec!["Part 1: Ownership", "Part 2: Privacy"]);
    let statements_per_part: Vec<usize> = parts
        .iter()
        .map(|p| child_texts(*p, "fieldset").len())
        .collect();
    assert_eq!(statements_per_part, vec![2, 3]);

    let mut names = std::collections::HashSet::new();
    for fieldset in select(&html, "form.survey fieldset") {
        let legend = child_texts(fieldset, "legend");
        assert_eq!(legend.len(), 1, "one legend per statement");
        assert!(
            legend[0].len() > 10,
            "the legend holds the statement: {legend:?}"
        );
        let radio = scraper::Selector::parse("input").expect("selector");
        let inputs: Vec<ElementRef<'_>> = fieldset.select(&radio).collect();
        assert_eq!(inputs.len(), 3, "one radio per point of the scale");
        let name = inputs[0].value().attr("name").expect("a name");
        assert!(names.insert(name.to_string()), "{name} used twice");
        let mut values = Vec::new();
        for input in &inputs {
            assert_eq!(input.value().attr("type"), Some("radio"));
            assert_eq!(input.value().attr("name"), Some(name), "one group");
            values.push(input.value().attr("value").expect("a value").to_string());
            let label = input
                .parent()
                .and_then(ElementRef::wrap)
                .expect("the radio's parent");
            assert_eq!(
                label.value().name(),
                "label",
                "each radio sits in its label"
            );
            assert!(!text(label).is_empty());
        }
        assert_eq!(values, vec!["0", "1", "2"]);
    }
    assert_eq!(names.len(), 5);

    // A score box per part and for the whole, and the bands to look a score up on paper.
    let outputs: Vec<String> = select(&html, "form.survey output")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        outputs,
        vec![
            "Score for part 1: out of 4",
            "Score for part 2: out of 6",
            "Total for all parts: out of 10"
        ]
    );
    let bands: Vec<String> = select(&html, "table.survey-bands tbody tr")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        bands,
        vec![
            "0 to 1 Start here Name an owner this week.",
            "2 to 4 Good Check access when people leave.",
            "0 to 4 Start here Pick one thing to fix this month.",
            "5 to 10 Strong Keep it up.",
        ]
    );

    // The controls that need the script are hidden until it runs.
    let actions = select(&html, "[data-survey-actions]");
    assert_eq!(actions.len(), 1);
    assert!(actions[0].value().attr("hidden").is_some());
    let scripts: Vec<&str> = select(&html, "script")
        .into_iter()
        .filter(|s| s.value().attr("type") != Some("application/ld+json"))
        .map(|s| s.value().attr("src").unwrap_or("an inline script"))
        .collect();
    // Every page has the search box's script; a survey page has its own besides.
    assert_eq!(
        scripts,
        vec![
            "https://hub.example.org/search-box.js",
            "https://hub.example.org/survey.js"
        ]
    );
    assert!(site.output("survey.js").contains("localStorage"));
}

#[test]
fn only_survey_pages_load_the_script() {
    let site = TestSite::shared_build("survey");
    for page in ["index.html", "plain/index.html", "404.html"] {
        let html = site.html(page);
        let scripts: Vec<&str> = select(&html, "script[src]")
            .into_iter()
            .filter_map(|s| s.value().attr("src"))
            .collect();
        assert_eq!(
            scripts,
            vec!["https://hub.example.org/search-box.js"],
            "{page} should load the search box's script alone"
        );
    }
}

#[test]
fn a_page_template_still_wins_over_the_survey_template() {
    let site = TestSite::fixture("survey");
    site.write(
        "templates/mine.html",
        "<p>{{ page.title }}: {{ survey.parts | length }} parts</p>",
    );
    site.write(
        "content/check.md",
        "+++\ntitle = \"Practice check\"\nsurvey = \"check\"\ntemplate = \"mine.html\"\n+++\n",
    );
    site.build_ok(&[]);
    assert_eq!(
        site.output("check/index.html"),
        "<p>Practice check: 2 parts</p>"
    );
}

/// Builds the good fixture, applies `edit` to the survey file, and expects the build to fail
/// at `location` with `message` and `hint`, leaving the output as it was.
fn assert_survey_error(
    file: &str,
    edit: impl FnOnce(&str) -> String,
    location: &str,
    message: &str,
    hint: &str,
) {
    let site = TestSite::fixture("survey");
    site.build_ok(&[]);
    let before = site.snapshot("public");
    let original = std::fs::read_to_string(site.path(file)).expect("fixture file");
    let edited = edit(&original);
    assert_ne!(edited, original, "the edit must change {file}");
    site.write(file, &edited);
    let out = site.hub(&["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("error: {location}: {message}\n  hint: {hint}")),
        "expected {message:?} with hint {hint:?} at {location}:\n{err}"
    );
    assert_eq!(
        site.snapshot("public"),
        before,
        "a failed build must leave public/ as it was"
    );
}

#[test]
fn a_gap_between_bands_is_an_error() {
    assert_survey_error(
        SURVEY,
        |t| t.replace("min = 5\nmax = 10", "min = 6\nmax = 10"),
        "data/check.toml:23:7",
        "the score 5 of the whole survey is in no band",
        "start this band at 5 (just after the band that ends at 4), or end that band at 5",
    );
}

#[test]
fn overlapping_bands_are_an_error() {
    assert_survey_error(
        SURVEY,
        |t| t.replace("min = 2\nmax = 4", "min = 1\nmax = 4"),
        "data/check.toml:42:7",
        "the score 1 of part 1 (\"Ownership\") would be in two bands (\"Start here\" and \"Good\")",
        "start this band at 2 (just after the band that ends at 1), so that each score is in one band",
    );
}

#[test]
fn a_band_outside_the_possible_scores_is_an_error() {
    assert_survey_error(
        SURVEY,
        |t| t.replace("min = 2\nmax = 4", "min = 2\nmax = 6"),
        "data/check.toml:43:7",
        "this band of part 1 (\"Ownership\") goes to 6, outside the possible scores: the scores of part 1 (\"Ownership\") run from 0 to 4",
        "keep every band's min and max between 0 and 4",
    );
}

#[test]
fn a_statement_with_no_text_is_an_error() {
    assert_survey_error(
        SURVEY,
        |t| t.replace("\"We ask before every photo.\"", "\"\""),
        "data/check.toml:50:3",
        "statement 1 of part 2 has no text",
        "write the statement, or remove the empty \"\" from the list",
    );
}

#[test]
fn an_unknown_key_is_an_error_with_a_suggestion() {
    assert_survey_error(
        SURVEY,
        |t| t.replace("meaning = ", "meening = "),
        "data/check.toml:6:1",
        "unknown field `meening`; did you mean `meaning`?",
        "change `meening` to `meaning`",
    );
}

#[test]
fn a_scale_with_one_point_is_an_error() {
    assert_survey_error(
        SURVEY,
        |t| {
            t.replace(
                "[[scale]]\nvalue = 1\nlabel = \"Partly\"\n\n[[scale]]\nvalue = 2\nlabel = \"Yes\"\n\n",
                "",
            )
        },
        "data/check.toml:3:1",
        "the scale has 1 point: a statement needs at least two answers to choose from",
        "add [[scale]] tables, each with a value and a label, e.g. 0 \"Not yet\", 1 \"Partly\", 2 \"Yes\"",
    );
}

#[test]
fn a_page_naming_a_missing_survey_is_an_error() {
    assert_survey_error(
        "content/check.md",
        |t| t.replace("survey = \"check\"", "survey = \"chek\""),
        "content/check.md:3:10",
        "this page's survey \"chek\" needs the file data/chek.toml, which does not exist",
        "did you mean survey = \"check\" (data/check.toml)?",
    );
    assert_survey_error(
        "content/check.md",
        |t| t.replace("survey = \"check\"", "survey = \"team-survey\""),
        "content/check.md:3:10",
        "this page's survey \"team-survey\" needs the file data/team-survey.toml, which does not exist",
        "create data/team-survey.toml (docs/content.md shows what goes in it), or correct the name",
    );
}

#[test]
fn an_empty_survey_name_is_an_error() {
    assert_survey_error(
        "content/check.md",
        |t| t.replace("survey = \"check\"", "survey = \" \""),
        "content/check.md:3:10",
        "`survey` is empty",
        "name a survey file in data/, e.g. survey = \"self-assessment\" for data/self-assessment.toml, or remove the line",
    );
}

#[test]
fn a_survey_file_with_a_syntax_error_names_its_line() {
    let site = TestSite::fixture("survey");
    let text = std::fs::read_to_string(site.path(SURVEY)).expect("fixture");
    site.write(
        SURVEY,
        &text.replace("label = \"Partly\"", "label = Partly"),
    );
    assert_site_error(&site.hub(&["build"]), "data/check.toml:10:9");
}

#[test]
fn personal_data_in_a_survey_file_stops_the_build() {
    let site = TestSite::fixture("survey");
    let text = std::fs::read_to_string(site.path(SURVEY)).expect("fixture");
    site.write(
        SURVEY,
        &text.replace(
            "Keep it up.",
            "Keep it up, and tell asha.patel@northshire.council.org.",
        ),
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/check.toml:26:");
    assert!(
        stderr(&out).contains("email"),
        "the privacy rule names what it found:\n{}",
        stderr(&out)
    );
    assert!(
        !site.path("public").exists(),
        "nothing is published while the survey holds personal data"
    );
    let check = site.hub(&["check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("data/check.toml:26:"),
        "hub check reads the survey file too:\n{}",
        stdout(&check)
    );
}

/// The browser test sees no request while it answers the form; this covers the paths it does
/// not take: the script holds none of the ways a page can send something.
#[test]
fn the_survey_script_has_no_way_to_send_answers() {
    let script = std::fs::read_to_string(repo().join("themes/default/static/survey.js"))
        .expect("the theme's survey.js");
    // The code, without the comments that say what it must not do.
    let script: String = script
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for api in [
        "fetch(",
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "EventSource",
        "new Image",
        "import(",
        "http:",
        "https:",
        "innerHTML",
        "eval(",
    ] {
        assert!(!script.contains(api), "survey.js must not use {api}");
    }
    assert!(script.contains("localStorage.setItem"));
}

#[test]
fn the_starter_site_shows_a_self_assessment() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init", "."]));
    site.build_ok(&[]);
    let html = site.html("self-assessment/index.html");
    assert_eq!(
        select(&html, "form.survey section[data-survey-part]").len(),
        2
    );
    assert_eq!(select(&html, "form.survey fieldset").len(), 6);
    assert_eq!(select(&html, "table.survey-bands tbody tr").len(), 5);
}
