//! Components drawn from data/: ```chart blocks (survey answers from a CSV file as SVG bars
//! with a table of the same numbers), ```follow blocks (accounts to follow, from a TOML
//! file), the same two as template functions, and every bad input they can meet: a message
//! with file:line:col and a hint, exit status 1, and the output folder as it was.

mod common;

use std::collections::BTreeMap;
use std::process::Output;

use common::*;

/// The numbers a chart shows, answer by answer: from its SVG (parsed as XML) and from its table.
struct ChartNumbers {
    svg: Vec<(String, u32)>,
    table: Vec<(String, u32, String)>,
}

/// Every chart in an output page, in order.
fn charts(site: &TestSite, page: &str) -> Vec<ChartNumbers> {
    let text = site.output(page);
    let html = site.html(page);
    let svgs: Vec<&str> = text
        .split("<svg")
        .skip(1)
        .map(|rest| &rest[..rest.find("</svg>").expect("every svg is closed")])
        .collect();
    let figures = select(&html, "figure.chart");
    assert_eq!(svgs.len(), figures.len(), "one SVG per chart");
    svgs.iter()
        .zip(figures)
        .map(|(svg, figure)| {
            let xml = format!("<svg{svg}</svg>");
            let doc = roxmltree::Document::parse(&xml).expect("the chart is well-formed SVG");
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            assert!(
                root.attribute("aria-label")
                    .is_some_and(|l| l.starts_with("Bar chart: ")),
                "the SVG has an accessible name"
            );
            let labels: Vec<String> = root
                .children()
                .filter(|n| n.has_tag_name("text"))
                .map(|t| {
                    t.descendants()
                        .filter(|n| n.is_text())
                        .filter_map(|n| n.text())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let bars: Vec<u32> = root
                .children()
                .filter(|n| n.has_tag_name("rect"))
                .map(|r| r.attribute("data-count").unwrap().parse().unwrap())
                .collect();
            assert_eq!(labels.len(), bars.len(), "one label per bar");
            let svg_numbers = labels
                .iter()
                .zip(&bars)
                .map(|(label, &count)| {
                    let (answer, numbers) = label.rsplit_once(':').expect("label: numbers");
                    assert!(
                        numbers.trim().starts_with(&count.to_string()),
                        "the label {label:?} says the bar's number {count}"
                    );
                    (answer.to_string(), count)
                })
                .collect();
            let table = scraper::Html::parse_fragment(&figure.html());
            let rows = select(&table, "tbody tr")
                .into_iter()
                .map(|row| {
                    let th = row
                        .select(&scraper::Selector::parse("th[scope=row]").unwrap())
                        .next()
                        .expect("each row is headed");
                    let tds: Vec<String> = row
                        .select(&scraper::Selector::parse("td").unwrap())
                        .map(|td| td.text().collect())
                        .collect();
                    (
                        th.text().collect::<String>(),
                        tds[0].parse().unwrap(),
                        tds[1].clone(),
                    )
                })
                .collect();
            ChartNumbers {
                svg: svg_numbers,
                table: rows,
            }
        })
        .collect()
}

#[test]
fn a_chart_has_one_bar_per_answer_and_a_table_with_the_same_numbers() {
    let site = TestSite::shared_build("components");
    let found = charts(site, "results/index.html");
    assert_eq!(found.len(), 2);
    // A known scale keeps its order; every answer is counted.
    let confidence = &found[0];
    let expected = [
        ("Not at all", 1, "10%"),
        ("A little", 2, "20%"),
        ("Quite", 4, "40%"),
        ("Very", 3, "30%"),
    ];
    assert_eq!(
        confidence.svg,
        expected
            .iter()
            .map(|(a, n, _)| (a.to_string(), *n))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        confidence.table,
        expected
            .iter()
            .map(|(a, n, p)| (a.to_string(), *n, p.to_string()))
            .collect::<Vec<_>>()
    );
    // Other answers: most given first.
    let platforms = &found[1];
    assert_eq!(
        platforms.svg,
        [
            ("Facebook".to_string(), 5),
            ("LinkedIn".to_string(), 3),
            ("X".to_string(), 2)
        ]
    );
    assert_eq!(platforms.table.len(), 3);
    let html = site.html("results/index.html");
    let captions: Vec<String> = select(&html, "figure.chart table caption")
        .iter()
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(
        captions,
        [
            "In numbers: How confident are you?",
            "In numbers: Where we post"
        ]
    );
    assert_eq!(select(&html, "figure.chart thead th[scope=col]").len(), 6);
}

#[test]
fn a_follow_list_groups_accounts_with_links_that_say_where_they_go() {
    let site = TestSite::shared_build("components");
    let html = site.html("follow/index.html");
    let headings: Vec<String> = select(&html, ".follow-list h2, .follow-list h3")
        .iter()
        .map(|h| format!("{}:{}", h.value().name(), h.text().collect::<String>()))
        .collect();
    assert_eq!(
        headings,
        [
            "h2:Bluesky",
            "h3:Carers",
            "h2:LinkedIn",
            "h3:Careers",
            "h2:X",
            "h3:Local news"
        ]
    );
    assert_eq!(
        hrefs(&html, ".follow-list a"),
        [
            "https://bsky.app/profile/carers.example.org",
            "https://linkedin.example.org/company/care-jobs",
            "https://x.example.org/councilnews"
        ]
    );
    let names: Vec<String> = select(&html, ".follow-list a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        names,
        [
            "Carers Example on Bluesky",
            "Care Jobs Example on LinkedIn",
            "Council News Example on X"
        ]
    );
    assert_eq!(text_of(&html, ".follow-handle"), "@carers.example.org");
}

#[test]
fn templates_draw_the_same_components_with_functions() {
    let site = TestSite::shared_build("components");
    let found = charts(site, "from-template/index.html");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].svg[0], ("Facebook".to_string(), 5));
    let html = site.html("from-template/index.html");
    assert_eq!(
        hrefs(&html, ".follow-list a"),
        ["https://bsky.app/profile/carers.example.org"],
        "platform = \"bluesky\" shows only the Bluesky accounts"
    );
}

#[test]
fn personal_data_in_a_charted_file_stops_the_build() {
    let site = TestSite::fixture("components");
    // Without the template that calls bar_chart(data=...), no template reads `data`: a file
    // that nothing shows is not published, so not checked...
    std::fs::remove_file(site.path("templates/chart-page.html")).unwrap();
    std::fs::remove_file(site.path("content/from-template.md")).unwrap();
    site.write("data/notes.csv", "Note\nCall jo.bloggs@council.com\n");
    site.build_ok(&[]);
    // ...but one that a chart draws from is.
    site.write(
        "data/results.csv",
        "Platform,Contact\nFacebook,jo.bloggs@council.com\n",
    );
    site.write(
        "content/results.md",
        "+++\ntitle = \"Results\"\n+++\n\n```chart\ndata = \"results\"\ncolumn = \"Platform\"\n```\n",
    );
    let before = site.snapshot("public");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/results.csv:2:10");
    assert!(stderr(&out).contains("[privacy/email]"), "{}", stderr(&out));
    assert_eq!(site.snapshot("public"), before);
}

/// Builds the components fixture, writes `text` to `rel`, builds again: the build must fail
/// at `location` with `message` and a hint, and leave public/ as it was.
fn rejected(rel: &str, text: &str, location: &str, message: &str) -> String {
    let site = TestSite::fixture("components");
    site.build_ok(&[]);
    let before: BTreeMap<String, Vec<u8>> = site.snapshot("public");
    site.write(rel, text);
    let out: Output = site.hub(&["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    assert!(err.contains("hint: "), "a hint is given:\n{err}");
    assert_eq!(site.snapshot("public"), before, "public/ is untouched");
    err
}

fn fixture_file(rel: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join("components").join(rel)).unwrap()
}

#[test]
fn a_ragged_csv_row_is_an_error_at_its_line_and_column() {
    let csv = fixture_file("data/results.csv")
        .replace("Day services,Quite,X\n", "Day services,Quite,X,extra\n");
    rejected(
        "data/results.csv",
        &csv,
        "data/results.csv:5:22",
        "this row has 4 fields, but the heading row has 3",
    );
    let csv = fixture_file("data/results.csv").replace("Carers,A little,X\n", "Carers\n");
    rejected(
        "data/results.csv",
        &csv,
        "data/results.csv:9:7",
        "it ends too soon",
    );
}

#[test]
fn a_chart_of_a_column_that_does_not_exist_suggests_the_closest() {
    let page = fixture_file("content/results.md").replace(
        "column = \"How confident are you?\"",
        "column = \"How confident are you\"",
    );
    let err = rejected(
        "content/results.md",
        &page,
        "content/results.md:9:10",
        "data/results.csv has no column \"How confident are you\"",
    );
    assert!(
        err.contains("did you mean \"How confident are you?\""),
        "{err}"
    );
}

#[test]
fn a_chart_of_a_file_that_does_not_exist_suggests_the_closest() {
    let page = fixture_file("content/results.md").replace(
        "data = \"results\"\ncolumn = \"Platform\"",
        "data = \"result\"\ncolumn = \"Platform\"",
    );
    let err = rejected(
        "content/results.md",
        &page,
        "content/results.md:15:8",
        "there is no data file data/result.csv",
    );
    assert!(err.contains("did you mean \"results\""), "{err}");
}

#[test]
fn a_misspelt_setting_in_a_block_is_named() {
    let page = fixture_file("content/results.md").replace("title = \"Where", "titel = \"Where");
    let err = rejected(
        "content/results.md",
        &page,
        "content/results.md:17:1",
        "unknown field `titel`",
    );
    assert!(err.contains("title"), "{err}");
}

#[test]
fn an_answer_outside_the_listed_answers_is_an_error() {
    let page = fixture_file("content/results.md").replace(
        "title = \"Where we post\"",
        "answers = [\"Facebook\", \"LinkedIn\"]",
    );
    rejected(
        "content/results.md",
        &page,
        "content/results.md:17:11",
        "data/results.csv:5:20 has the answer \"X\", which is not one of `answers`",
    );
}

#[test]
fn a_follow_entry_with_a_bad_address_is_an_error_at_the_address() {
    let follow = fixture_file("data/follow.toml").replace(
        "\"https://x.example.org/councilnews\"",
        "\"x.example.org/councilnews\"",
    );
    rejected(
        "data/follow.toml",
        &follow,
        "data/follow.toml:18:7",
        "is not a web address",
    );
}

#[test]
fn a_follow_entry_on_an_unknown_platform_suggests_the_closest() {
    let follow = fixture_file("data/follow.toml").replace("\"linkedin\"", "\"linkdin\"");
    let err = rejected(
        "data/follow.toml",
        &follow,
        "data/follow.toml:10:12",
        "unknown platform \"linkdin\"",
    );
    assert!(err.contains("did you mean \"linkedin\""), "{err}");
}

#[test]
fn a_follow_entry_with_a_wrong_type_is_an_error_at_the_value() {
    let follow = fixture_file("data/follow.toml").replace("topic = \"Careers\"", "topic = 7");
    rejected(
        "data/follow.toml",
        &follow,
        "data/follow.toml:12:9",
        "invalid type",
    );
}

#[test]
fn a_broken_follow_file_read_by_two_pages_is_reported_once() {
    let site = TestSite::fixture("components");
    site.write(
        "content/follow-again.md",
        "+++\ntitle = \"Again\"\n+++\n\n```follow\n```\n",
    );
    site.write(
        "data/follow.toml",
        &fixture_file("data/follow.toml").replace("\"linkedin\"", "\"linkdin\""),
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "data/follow.toml:10:12");
    assert_eq!(stderr(&out).matches("unknown platform").count(), 1);
}

#[test]
fn the_starter_site_shows_a_chart_and_a_follow_list() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init"]));
    site.build_ok(&[]);
    let found = charts(&site, "survey/results/index.html");
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0].svg,
        [
            ("Not at all".to_string(), 1),
            ("A little".to_string(), 2),
            ("Quite".to_string(), 3),
            ("Very".to_string(), 2)
        ]
    );
    let html = site.html("tips/follow-thirty/index.html");
    assert_eq!(select(&html, ".follow-list a").len(), 3);
}

#[test]
fn a_template_function_with_a_bad_setting_points_at_its_call() {
    let page = fixture_file("templates/chart-page.html")
        .replace("column=\"Platform\"", "column=\"Platfrom\"");
    let err = rejected(
        "templates/chart-page.html",
        &page,
        "templates/chart-page.html:7:4",
        "bar_chart(column=…): data/results.csv has no column \"Platfrom\"",
    );
    assert!(err.contains("did you mean \"Platform\""), "{err}");
}
