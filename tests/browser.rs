//! Browser tests: the bundled guide, built by the real binary and served over HTTP,
//! is loaded in headless Chromium at 320 px and 1280 px wide and checked with axe-core for
//! WCAG 2.0, 2.1 and 2.2 A and AA failures, and for sideways scrolling of the whole page.
//!
//! How: each test builds a site into a temporary folder, serves it from a small std-only HTTP
//! server on 127.0.0.1 (below), and runs `chromium --headless --dump-dom` on a harness page
//! served by that server (`/__harness?width=320&page=/&page=/roadmap/…`). The harness loads each
//! page in a same-origin iframe of the given width, measures overflow, injects axe.min.js into
//! the iframe, runs axe, and writes a JSON report into `<pre id="result">`, which the test reads
//! back from the dumped DOM.
//!
//! Needs Chromium and axe-core, which `./test` installs (or set HUB_CHROMIUM and
//! HUB_AXE_CORE=/path/to/axe.min.js); without them the tests fail and say what to install. A fixture that breaks WCAG on purpose proves the
//! harness reports failures, so the other tests cannot pass vacuously.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::browser_tools::{BrowserTool, BrowserTools};
use common::*;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

/// Pages of the bundled guide to check: one of each template and of each kind of content the
/// theme has to present (roadmap table and platform page, policy table and review dates, posts,
/// task lists, code blocks, Markdown tables, tags, the "Get updates" page, the people and their
/// profile pages, the 404 page, training sessions listed upcoming and past).
const GUIDE_PAGES: &[&str] = &[
    "/",
    "/roadmap/",
    "/roadmap/facebook/",
    "/policies/",
    "/policies/confidentiality/",
    "/posts/",
    "/posts/why-we-talk-in-public/",
    "/tips/",
    "/tips/facebook-pages/",
    "/tips/writing-for-people/",
    "/training/",
    "/training/social-media-essentials/",
    "/survey/self-assessment/",
    "/survey/results/",
    "/tips/follow-thirty/",
    "/tags/",
    "/tags/facebook/",
    "/updates/",
    "/search/",
    "/authors/",
    "/authors/amara-okafor/",
    "/authors/communications-team/",
    "/404.html",
];

/// axe rules that must have run on every page (passed, failed or needed review), so an empty
/// violation list means "checked and fine", not "nothing was checked".
const RULES_THAT_MUST_RUN: &[&str] = &[
    "color-contrast",
    "document-title",
    "html-has-lang",
    "link-name",
];

/// Wall-clock limit for one Chromium run.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(50);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn guide_pages_pass_axe_and_fit_at_320px() {
    let tools = tools();
    let (_site, server) = serve_guide(&tools);
    let report = run_harness(&tools, &server, 320, GUIDE_PAGES);
    assert_no_problems(&report, 320);
}

#[test]
fn guide_pages_pass_axe_and_fit_at_1280px() {
    let tools = tools();
    let (_site, server) = serve_guide(&tools);
    let report = run_harness(&tools, &server, 1280, GUIDE_PAGES);
    assert_no_problems(&report, 1280);
}

/// On a phone the roadmap is a list of cards: every platform's current and future risks are on
/// screen (a box of non-zero size, inside the viewport's width, with no sideways scrolling) and
/// the table is not rendered. On a desktop the table is shown and the cards are not. At both
/// widths each risk is rendered exactly as often as the roadmap lists it, so nothing is shown
/// (or read out) twice.
#[test]
fn roadmap_shows_every_risk_on_a_phone_and_the_table_on_a_desktop() {
    let tools = tools();
    let (site, server) = serve_guide(&tools);
    let risks = roadmap_risks(&site.html("roadmap/index.html"));
    assert!(
        risks.len() >= 10,
        "the guide's roadmap lists many risks, found {risks:?}"
    );
    let probe = Some("main table, main li");

    let phone = run_harness_probing(&tools, &server, 320, &["/roadmap/"], probe);
    let page = page_report(&phone, "/roadmap/");
    assert!(
        page_problems(page, 320).is_empty(),
        "{:#?}",
        page_problems(page, 320)
    );
    let probed = probed_elements(page);
    assert!(
        probed.iter().any(|e| e["tag"] == "table"),
        "the table is still in the page at 320 px (hidden, not removed): {probed:#?}"
    );
    assert_no_visible_table(&probed, 320);
    assert_each_risk_shown_once(&risks, &probed, page, false, 320);

    let desktop = run_harness_probing(&tools, &server, 1280, &["/roadmap/"], probe);
    let page = page_report(&desktop, "/roadmap/");
    assert!(
        page_problems(page, 1280).is_empty(),
        "{:#?}",
        page_problems(page, 1280)
    );
    let probed = probed_elements(page);
    let table = probed
        .iter()
        .find(|e| e["tag"] == "table")
        .expect("a table on the roadmap");
    assert!(
        table["visible"] == true && table["width"].as_f64().unwrap_or(0.0) > 0.0,
        "the roadmap table is shown at 1280 px: {table}"
    );
    assert_each_risk_shown_once(&risks, &probed, page, true, 1280);
}

/// The platform radar is readable on a phone and on a desktop: every text of the picture is
/// drawn at least at the body text's size, on screen, and each platform's name sits inside its
/// chip; every platform is drawn, and listed as a link below the picture.
#[test]
fn radar_text_is_body_size_and_fits_its_chips_at_320_and_1280px() {
    let tools = tools();
    let (site, server) = serve_guide(&tools);
    let platforms = select(
        &site.html("roadmap/index.html"),
        "main table.roadmap tbody tr",
    )
    .len();
    let probe =
        Some("main .radar svg text, main .radar-chip > rect:first-child, main .radar-list a");
    for width in [320, 1280] {
        let report = run_harness_probing(&tools, &server, width, &["/roadmap/"], probe);
        let page = page_report(&report, "/roadmap/");
        let problems = page_problems(page, width);
        assert!(problems.is_empty(), "{problems:#?}");
        let body = page["bodyFontPx"].as_f64().expect("body font size");
        let viewport = page["clientWidth"].as_f64().expect("clientWidth");
        let probed = probed_elements(page);
        let number = |e: &Value, key: &str| e[key].as_f64().unwrap_or(f64::NAN);
        let texts: Vec<&Value> = probed.iter().filter(|e| e["tag"] == "text").collect();
        assert!(texts.len() > platforms, "band titles and chips: {texts:#?}");
        for text in &texts {
            assert!(
                text["visible"] == true
                    && number(text, "fontPx") >= body - 0.01
                    && number(text, "left") >= 0.0
                    && number(text, "right") <= viewport + 0.5,
                "at {width} px a text of the radar is smaller than the body's {body} px or off screen: {text}"
            );
        }
        let mut chips = 0;
        for (i, rect) in probed
            .iter()
            .enumerate()
            .filter(|(_, e)| e["tag"] == "rect")
        {
            let text = probed[i + 1..]
                .iter()
                .find(|e| e["tag"] == "text")
                .expect("a chip's name follows its box");
            assert!(
                number(text, "left") >= number(rect, "left") - 0.5
                    && number(text, "right") <= number(rect, "right") + 0.5,
                "at {width} px {:?} sticks out of its chip: {text} in {rect}",
                text["text"]
            );
            chips += 1;
        }
        assert_eq!(chips, platforms, "one chip per platform");
        let links = probed
            .iter()
            .filter(|e| e["tag"] == "a" && e["visible"] == true)
            .count();
        assert_eq!(
            links, platforms,
            "one visible link per platform below the picture"
        );
    }
}

/// Every current and future risk in the built roadmap table, in order (a risk that two
/// platforms share is listed twice).
fn roadmap_risks(html: &Html) -> Vec<String> {
    let selector = |s: &str| Selector::parse(s).expect("selector");
    let table = html
        .select(&selector("main table"))
        .next()
        .expect("a roadmap table in the built page");
    let headers: Vec<String> = table
        .select(&selector("thead th"))
        .map(|th| th.text().collect::<String>().trim().to_lowercase())
        .collect();
    let columns: Vec<usize> = ["current risks", "future risks"]
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no {name:?} column in {headers:?}"))
        })
        .collect();
    let mut risks = Vec::new();
    for row in table.select(&selector("tbody tr")) {
        let cells: Vec<ElementRef<'_>> = row
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "th" | "td"))
            .collect();
        for &column in &columns {
            let cell = cells.get(column).expect("a cell for each column");
            risks.extend(cell.select(&selector("li")).map(|li| {
                li.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            }));
        }
    }
    risks
}

fn probed_elements(page: &Value) -> Vec<Value> {
    page["probed"]
        .as_array()
        .unwrap_or_else(|| panic!("the harness measured nothing: {page:#}"))
        .clone()
}

fn assert_no_visible_table(probed: &[Value], width: u32) {
    for element in probed.iter().filter(|e| e["tag"] == "table") {
        assert!(
            element["visible"] == false,
            "a table is rendered at {width} px, where the roadmap should be cards: {element}"
        );
    }
}

/// Each risk is rendered as often as `risks` lists it, inside a table (`in_table`) or outside
/// one, with a box of non-zero size inside the viewport's width; never in the other view.
fn assert_each_risk_shown_once(
    risks: &[String],
    probed: &[Value],
    page: &Value,
    in_table: bool,
    width: u32,
) {
    let viewport = page["clientWidth"].as_f64().expect("clientWidth");
    for risk in risks {
        let expected = risks.iter().filter(|r| *r == risk).count();
        let shown: Vec<&Value> = probed
            .iter()
            .filter(|e| e["tag"] == "li" && e["text"] == risk.as_str() && e["visible"] == true)
            .collect();
        assert_eq!(
            shown.len(),
            expected,
            "at {width} px {risk:?} should be rendered {expected} time(s): {shown:#?}"
        );
        for element in shown {
            let number = |key: &str| element[key].as_f64().unwrap_or(f64::NAN);
            assert_eq!(
                element["inTable"] == true,
                in_table,
                "at {width} px {risk:?} is shown in the wrong view: {element}"
            );
            assert!(
                number("width") > 0.0
                    && number("height") > 0.0
                    && number("left") >= 0.0
                    && number("right") <= viewport + 0.5,
                "at {width} px {risk:?} is not fully on screen (viewport {viewport} px): {element}"
            );
        }
    }
}

/// The search page in the browser: queries typed into its box a letter at a time, as a person
/// types, find pages by a word of their title, by another form of a word ("moderating"), with
/// a misspelling, by a prefix while typing and by a title with a Welsh letter; the words found
/// are marked, the count is in the live region, nothing is fetched from another host, and the
/// page with results shown passes axe and fits at `width`.
fn search_finds_pages_as_you_type(width: u32) {
    let tools = tools();
    let site = TestSite::empty();
    fs::copy(repo().join("site.toml"), site.path("site.toml")).expect("copy site.toml");
    for dir in ["content", "data", "static"] {
        copy_dir(&repo().join(dir), &site.path(dir));
    }
    site.write(
        "content/tips/gwyl-cymraeg.md",
        "+++\ntitle = \"Gŵyl Cymraeg: posting in Welsh\"\n+++\n\nA day of posts in Welsh.\n",
    );
    site.write(
        "content/tips/words-from-elsewhere.md",
        &format!(
            "+++\ntitle = \"Words from elsewhere\"\n+++\n\n{}\n",
            ELSEWHERE.join(" ")
        ),
    );
    let server = build_and_serve(&site, &tools);
    let mut queries = vec![
        "facebook",
        "moderating",
        "confidentalty",
        "moderat",
        "gwyl",
        "Gŵyl",
        "moderation",
    ];
    queries.extend(ELSEWHERE);
    queries.extend(ELSEWHERE_UNACCENTED);
    let mut url = format!(
        "http://127.0.0.1:{}/__search_harness?width={width}",
        server.port
    );
    for q in &queries {
        url.push_str("&q=");
        url.push_str(&percent_encode(q));
    }
    let (report, errors) = run_chromium(&tools, &url, width);
    assert!(
        report["done"] == true,
        "the search harness did not finish: {}\nreport so far: {report:#}\n{errors}",
        report["error"]
    );
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), queries.len());
    let titles = |r: &Value| -> Vec<String> {
        r["titles"]
            .as_array()
            .expect("titles")
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect()
    };
    let marks = |r: &Value| -> Vec<String> {
        r["marks"]
            .as_array()
            .expect("marks")
            .iter()
            .filter_map(|t| t.as_str().map(str::to_lowercase))
            .collect()
    };
    for (query, result) in queries.iter().zip(results) {
        let count = titles(result).len();
        assert!(count > 0, "no results for {query:?}: {result}");
        let status = result["status"].as_str().unwrap_or_default();
        let announced = if count == 1 {
            "1 result for"
        } else {
            "results for"
        };
        assert!(
            status.contains(announced) && status.contains(&format!("“{query}”")),
            "the live region announces the count for {query:?}: {status:?}"
        );
        assert!(
            status
                .split(' ')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                >= Some(count),
            "the announced count covers the results shown: {status:?}"
        );
    }
    let facebook = &results[0];
    assert!(titles(facebook)[0].contains("Facebook"), "{facebook}");
    assert!(marks(facebook).contains(&"facebook".to_string()));
    for (i, what) in [
        (1, "another form"),
        (3, "a prefix while typing"),
        (6, "the word"),
    ] {
        assert!(
            titles(&results[i]).contains(&"Moderation and comments".to_string()),
            "{what} of moderation finds the policy: {}",
            results[i]
        );
        assert!(
            marks(&results[i]).contains(&"moderation".to_string()),
            "the words found are marked: {}",
            results[i]
        );
    }
    assert!(
        titles(&results[2]).contains(&"Confidentiality-first posting policy".to_string()),
        "a misspelling finds the page: {}",
        results[2]
    );
    for welsh in &results[4..6] {
        assert_eq!(
            titles(welsh)[0],
            "Gŵyl Cymraeg: posting in Welsh",
            "{welsh}"
        );
        assert!(marks(welsh).contains(&"gŵyl".to_string()), "{welsh}");
    }
    // hub build and the script fold words alike, whatever the script: each word found as
    // written, and marked as written.
    for (word, result) in ELSEWHERE.iter().zip(&results[7..]) {
        assert_eq!(
            titles(result)[0],
            "Words from elsewhere",
            "{word}: {result}"
        );
        assert!(
            marks(result).contains(&word.to_lowercase()),
            "{word} is marked: {result}"
        );
    }
    for (word, result) in ELSEWHERE_UNACCENTED
        .iter()
        .zip(&results[7 + ELSEWHERE.len()..])
    {
        assert_eq!(
            titles(result)[0],
            "Words from elsewhere",
            "{word}: {result}"
        );
    }
    let base = format!("http://127.0.0.1:{}/", server.port);
    let requests = report["requests"].as_array().expect("requests");
    assert!(
        requests
            .iter()
            .any(|r| r.as_str().is_some_and(|r| r.contains("/search/terms/"))),
        "the postings were fetched: {requests:?}"
    );
    for request in requests {
        let request = request.as_str().unwrap_or_default();
        assert!(
            request.starts_with(&base),
            "a request to another host: {request}"
        );
    }
    let page = &report["page"];
    let violations = page["violations"].as_array().expect("violations");
    assert!(
        violations.is_empty(),
        "axe found problems on the search page with results at {width} px: {violations:#?}"
    );
    assert!(
        page["scrollWidth"].as_f64() <= page["clientWidth"].as_f64(),
        "the search page scrolls sideways at {width} px: {page}"
    );
    assert!(
        page["applied"]
            .as_array()
            .is_some_and(|a| a.contains(&"color-contrast".into())),
        "axe checked colour contrast"
    );
}

/// Words whose folding is easy to get wrong: letters with accents, letters that do not
/// decompose (ß, Ø, Æ), a capital whose small letter has a dot (İ), Greek with a last capital
/// sigma, Cyrillic, Vietnamese with two accents on one letter, and a curly apostrophe. The
/// short ones (three letters at most) are never matched as misspellings, so they are found
/// only if the script folds them exactly as hub build did.
const ELSEWHERE: &[&str] = &[
    "Straße",
    "Øresund",
    "Ærø",
    "İstanbul",
    "ΣΑΣ",
    "Ελληνικά",
    "Русский",
    "Việt",
    "l’été",
    "façade",
    "Zürich",
    "ЁЖ",
    "İzi",
    "Maß",
];
/// Some of them as typed on a keyboard without the accents (and a straight apostrophe).
const ELSEWHERE_UNACCENTED: &[&str] = &["istanbul", "l'ete", "facade", "zurich", "viet"];

#[test]
fn search_finds_pages_as_you_type_at_320px() {
    search_finds_pages_as_you_type(320);
}

#[test]
fn search_finds_pages_as_you_type_at_1280px() {
    search_finds_pages_as_you_type(1280);
}

/// The negative control: a page template with an image without alt text and an element 3000 px
/// wide. The harness must report both, the check that the guide tests rely on must fail on it,
/// and the same run must find nothing wrong with the fixture's (default theme) home page.
/// The bundled guide's self-assessment, answered in the browser: the script adds up each part
/// and the whole, shows the band's advice, offers the answers as a CSV file built in the
/// page, makes no request beyond the page's own style sheet and script, and stores nothing
/// in localStorage until "Remember my answers" is ticked (and forgets them when unticked).
#[test]
fn the_self_assessment_adds_up_offers_a_csv_and_keeps_answers_in_the_browser() {
    let tools = tools();
    let (_site, server) = serve_guide(&tools);
    let url = format!(
        "http://127.0.0.1:{}/__survey_harness?page=/survey/self-assessment/",
        server.port
    );
    let (report, errors) = run_chromium(&tools, &url, 1280);
    assert!(
        report["done"] == true,
        "the survey harness did not finish: {}\nreport so far: {report:#}\n{errors}",
        report["error"]
    );
    assert_eq!(report["actionsShown"], true, "the script shows its buttons");
    assert_eq!(
        report["before"],
        serde_json::json!({
            "part1": "Score for part 1: out of 10 No statements answered yet.",
            "part2": "Score for part 2: out of 10 No statements answered yet.",
            "total": "Total for all parts: out of 50 No statements answered yet."
        }),
        "nothing is added up before an answer is chosen"
    );
    // Part 1 answered 2, 2, 1, 0, 2 (7: "Getting there"); part 2 only 2, 1, 0.
    assert_eq!(
        report["answered"],
        serde_json::json!({
            "part1": "Score for part 1: 7 out of 10 Getting there: Check who still has access to each account, and write down who covers it when the owner is away.",
            "part2": "Score for part 2: 3 out of 10 3 of 5 statements answered.",
            "total": "Total for all parts: 10 out of 50 8 of 25 statements answered."
        })
    );
    assert_eq!(
        report["currentBands"],
        serde_json::json!(["5 to 7"]),
        "the band of the complete part is marked in its table"
    );

    assert_eq!(
        report["csvBom"], true,
        "the CSV starts with a UTF-8 byte order mark, so spreadsheets read its text right"
    );
    assert_eq!(
        report["csvHref"], "blob:",
        "the download link holds a file made in the page"
    );
    let csv = report["csv"].as_str().expect("the CSV text");
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().expect("a heading row"),
        vec!["part", "statement", "score", "label"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows.len(),
        25 + 5 + 1,
        "a row per statement, per part's total and the total"
    );
    assert_eq!(
        rows[0],
        [
            "Purpose and ownership",
            "We can say in one sentence who our account is for and what it is for.",
            "2",
            "Yes"
        ]
    );
    assert_eq!(rows[3][2..], ["0", "Not yet"]);
    assert_eq!(
        rows[6],
        [
            "Confidentiality and consent",
            "We ask the \"before you post\" questions for every post, not just the difficult ones.",
            "1",
            "Partly"
        ]
    );
    assert_eq!(
        rows[8][2..],
        ["", ""],
        "an unanswered statement has no score"
    );
    assert_eq!(
        rows[25],
        ["Purpose and ownership", "Total", "7", "Getting there"]
    );
    assert_eq!(rows[26], ["Confidentiality and consent", "Total", "3", ""]);
    assert_eq!(rows[30], ["All parts", "Total", "10", ""]);

    let requested: Vec<&str> = report["requests"]
        .as_array()
        .expect("the page's requests")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let base = format!("http://127.0.0.1:{}", server.port);
    assert_eq!(
        requested,
        vec![
            format!("{base}/style.css"),
            format!("{base}/search-box.js"),
            format!("{base}/survey.js")
        ],
        "the page loads its own style sheet and scripts and makes no other request"
    );

    assert_eq!(
        report["storedBeforeTicking"], 0,
        "nothing is stored until Remember is ticked"
    );
    let stored = report["storedWhenTicked"].as_str().expect("stored answers");
    let stored: Value = serde_json::from_str(stored).expect("JSON in localStorage");
    assert_eq!(
        stored["answers"].as_object().map(|a| a.len()),
        Some(8),
        "the 8 answers are stored: {stored}"
    );
    assert_eq!(
        report["restoredAfterReload"], 8,
        "a reload brings them back"
    );
    assert_eq!(report["rememberTickedAfterReload"], true);
    assert_eq!(report["storedAfterUnticking"], 0, "unticking forgets them");
    assert_eq!(
        report["afterClear"],
        serde_json::json!({ "checked": 0, "total": "Total for all parts: out of 50 No statements answered yet." })
    );
}

#[test]
fn harness_reports_a_page_that_breaks_wcag() {
    let tools = tools();
    let site = TestSite::fixture("browser-broken");
    let server = build_and_serve(&site, &tools);
    let report = run_harness(&tools, &server, 320, &["/", "/broken/"]);

    let home = page_report(&report, "/");
    assert!(
        page_problems(home, 320).is_empty(),
        "the fixture's home page should be clean: {:#?}",
        page_problems(home, 320)
    );

    let broken = page_report(&report, "/broken/");
    let violations = broken["violations"].as_array().expect("violations array");
    let image_alt = violations
        .iter()
        .find(|v| v["id"] == "image-alt")
        .unwrap_or_else(|| panic!("axe did not report image-alt on /broken/: {broken:#}"));
    let targets = image_alt["nodes"].to_string();
    assert!(
        targets.contains("#no-alt"),
        "image-alt should point at img#no-alt: {targets}"
    );
    let scroll_width = broken["scrollWidth"].as_f64().expect("scrollWidth");
    let client_width = broken["clientWidth"].as_f64().expect("clientWidth");
    assert!(
        scroll_width >= 3000.0 && client_width <= 320.0,
        "the 3000px element should overflow a 320px page: scrollWidth {scroll_width}, clientWidth {client_width}"
    );
    assert!(
        broken["overflowing"].to_string().contains("div#too-wide"),
        "the overflow report should name div#too-wide: {}",
        broken["overflowing"]
    );

    // The check the guide tests assert on fails, and says what is wrong and where.
    let message = problems_message(&report, 320).expect("the broken page must count as a failure");
    for expected in [
        "/broken/",
        "image-alt",
        "Images must have alternative text",
        "#no-alt",
        "horizontal overflow",
        "div#too-wide",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from the failure message:\n{message}"
        );
    }
    assert!(
        !message.contains("page /:"),
        "the clean home page was reported:\n{message}"
    );
}

/// The test server itself: files under the output folder only, folders as index.html, the right
/// Content-Type, 404 for anything else, GET only. (No browser needed.)
#[test]
fn test_server_serves_only_the_output_folder() {
    let site = TestSite::with_files(&[(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
    )]);
    site.write("secret.txt", "not for the web");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    site.build_ok(&[]);
    fs::write(site.path("public/pixel.png"), b"\x89PNG\r\n\x1a\n").expect("write png");
    fs::write(site.path("public/app.js"), "1;").expect("write js");
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path("secret.txt"), site.path("public/link.txt"))
        .expect("symlink");
    let server = Server::start(listener, site.path("public"), site.path("secret.txt"));

    let get = |path: &str| http_get(server.port, "GET", path);
    let (status, head, body) = get("/");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/html"), "{head}");
    assert!(body.starts_with(b"<!DOCTYPE html>") || body.starts_with(b"<!doctype html>"));
    assert_eq!(get("/index.html").2, body);
    assert!(get("/style.css").1.contains("Content-Type: text/css"));
    assert!(get("/sitemap.xml")
        .1
        .contains("Content-Type: application/xml"));
    assert!(get("/pixel.png").1.contains("Content-Type: image/png"));
    assert!(get("/app.js").1.contains("Content-Type: text/javascript"));
    assert!(get("/__harness?width=320&page=/")
        .1
        .contains("Content-Type: text/html"));
    assert_eq!(get("/__axe.min.js").2, b"not for the web");
    for outside in [
        "/nothing-here/",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/link.txt",
        "/./secret.txt",
        "/%00",
        "//etc/passwd",
    ] {
        assert_eq!(get(outside).0, 404, "{outside} should be 404");
    }
    assert_eq!(http_get(server.port, "POST", "/").0, 405);
}

#[test]
fn a_missing_tool_fails_the_browser_tests_saying_what_to_install() {
    let present = std::env::current_exe()
        .expect("the test's own path")
        .into_os_string();
    let missing = repo().join("target/no-such-folder/axe.min.js");
    let axe_missing = |name: &str| match name {
        "HUB_AXE_CORE" => Some(missing.clone().into_os_string()),
        _ => Some(present.clone()),
    };
    let needed = [BrowserTool::Chromium, BrowserTool::AxeCore];
    let message = BrowserTools::locate(&needed, repo(), axe_missing).unwrap_err();
    let missing_path = missing.display().to_string();
    for expected in [
        "axe-core",
        missing_path.as_str(),
        "npm install --prefix target/browser-deps axe-core@4",
        "HUB_AXE_CORE",
        "`./test`",
    ] {
        assert!(message.contains(expected), "{expected:?} not in: {message}");
    }
    assert!(
        !message.contains("Chromium ("),
        "Chromium was there: {message}"
    );

    let driver_missing = |name: &str| match name {
        "HUB_CHROMEDRIVER" => Some(missing.clone().into_os_string()),
        _ => Some(present.clone()),
    };
    let needed = [BrowserTool::Chromium, BrowserTool::ChromeDriver];
    let message = BrowserTools::locate(&needed, repo(), driver_missing).unwrap_err();
    assert!(
        message.contains("`chromium-driver`") && message.contains("`./test`"),
        "{message}"
    );

    let checker_missing = |name: &str| match name {
        "HUB_VNU" => Some(missing.clone().into_os_string()),
        _ => Some(present.clone()),
    };
    let needed = [BrowserTool::Java, BrowserTool::NuChecker];
    let message = BrowserTools::locate(&needed, repo(), checker_missing).unwrap_err();
    assert!(
        message.contains("vnu-jar@26")
            && message.contains("HUB_VNU")
            && !message.contains("Java ("),
        "{message}"
    );

    // Only what a test needs is required, and every tool found is used.
    let tools = BrowserTools::locate(&[BrowserTool::Chromium], repo(), driver_missing).unwrap();
    assert_eq!(tools.chromium.as_os_str(), present);
    let all = [
        BrowserTool::Chromium,
        BrowserTool::ChromeDriver,
        BrowserTool::AxeCore,
    ];
    let tools = BrowserTools::locate(&all, repo(), |_| Some(present.clone())).unwrap();
    assert_eq!(tools.axe.as_os_str(), present);
}

// ---------------------------------------------------------------------------------------------
// Chromium, axe-core and the harness
// ---------------------------------------------------------------------------------------------

/// Where Chromium and axe.min.js are; fails the test with what to install when one is missing.
fn tools() -> BrowserTools {
    BrowserTools::find(&[BrowserTool::Chromium, BrowserTool::AxeCore])
}

/// Copies the repository's guide (site.toml, content/ and any data/, static/, templates/,
/// themes/) to a temporary folder, builds it for the test server's address and serves it.
fn serve_guide(tools: &BrowserTools) -> (TestSite, Server) {
    let site = TestSite::empty();
    fs::copy(repo().join("site.toml"), site.path("site.toml")).expect("copy site.toml");
    for dir in ["content", "data", "static", "templates", "themes"] {
        let from = repo().join(dir);
        if from.is_dir() {
            copy_dir(&from, &site.path(dir));
        }
    }
    let server = build_and_serve(&site, tools);
    (site, server)
}

/// Picks a free port, builds `site` into its public/ with `--base-url http://127.0.0.1:<port>`
/// (so every link the pages make points at the test server), then serves public/ on that port.
fn build_and_serve(site: &TestSite, tools: &BrowserTools) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    let base_url = format!("http://127.0.0.1:{port}");
    site.build_ok(&["-o", "public", "--base-url", &base_url]);
    Server::start(listener, site.path("public"), tools.axe.clone())
}

/// Runs Chromium on the harness for `pages` at `width` px and returns the harness's JSON report.
fn run_harness(tools: &BrowserTools, server: &Server, width: u32, pages: &[&str]) -> Value {
    run_harness_probing(tools, server, width, pages, None)
}

/// [`run_harness`], and on each page also measures the elements that match the CSS selector
/// `probe`: each page's report then has `probed`, one entry per element with its `tag`,
/// whitespace-collapsed `text`, `inTable`, `visible` (rendered, not inside `display:none`) and
/// its box (`left`, `right`, `width`, `height`, in px from the viewport's left edge).
fn run_harness_probing(
    tools: &BrowserTools,
    server: &Server,
    width: u32,
    pages: &[&str],
    probe: Option<&str>,
) -> Value {
    let mut url = format!("http://127.0.0.1:{}/__harness?width={width}", server.port);
    if let Some(selector) = probe {
        url.push_str("&probe=");
        url.push_str(&percent_encode(selector));
    }
    for page in pages {
        assert!(
            page.starts_with('/')
                && page
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)),
            "page paths must be plain site paths: {page}"
        );
        url.push_str("&page=");
        url.push_str(page);
    }
    let (report, errors) = run_chromium(tools, &url, width);
    assert!(
        report["done"] == true,
        "the harness did not finish for {url}: error {}, stuck on page {}\nreport so far: {report:#}\n{errors}",
        report["error"],
        report["current"]
    );
    let checked: Vec<&str> = report["pages"]
        .as_array()
        .expect("pages array")
        .iter()
        .filter_map(|p| p["page"].as_str())
        .collect();
    assert_eq!(
        checked, pages,
        "the harness should report every page, in order"
    );
    report
}

/// Runs headless Chromium `width` px wide on a harness page at `url` and returns the JSON
/// report it wrote into `<pre id="result">`, with Chromium's messages (for failures).
fn run_chromium(tools: &BrowserTools, url: &str, width: u32) -> (Value, String) {
    let profile = tempfile::tempdir().expect("temporary Chromium profile");
    let mut child = Command::new(&tools.chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},900"))
        .arg("--virtual-time-budget=10000")
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e}. Install Chromium with `apt-get install chromium`.",
                tools.chromium.display()
            )
        });
    let stdout = read_in_background(child.stdout.take().expect("stdout"));
    let stderr = read_in_background(child.stderr.take().expect("stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for Chromium") {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {CHROMIUM_TIMEOUT:?} on {url}");
        }
        thread::sleep(Duration::from_millis(25));
    };
    let dom = String::from_utf8_lossy(&stdout.join().expect("stdout reader")).into_owned();
    let errors = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
    // Chromium's stderr is full of harmless D-Bus noise in containers; keep the rest for messages.
    let errors: Vec<&str> = errors.lines().filter(|l| !l.contains("dbus")).collect();
    let errors = errors.join("\n");
    assert!(
        status.success(),
        "Chromium failed ({status}) on {url}\n{errors}"
    );

    let html = Html::parse_document(&dom);
    let selector = Selector::parse("pre#result").expect("selector");
    let text: String = html
        .select(&selector)
        .next()
        .unwrap_or_else(|| {
            panic!("no <pre id=\"result\"> in the harness DOM for {url}:\n{dom}\n{errors}")
        })
        .text()
        .collect();
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("the harness did not write a JSON report ({e}) for {url}: {text:?}\n{errors}")
    });
    (report, errors)
}

fn read_in_background(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

fn page_report<'a>(report: &'a Value, page: &str) -> &'a Value {
    report["pages"]
        .as_array()
        .expect("pages array")
        .iter()
        .find(|p| p["page"] == page)
        .unwrap_or_else(|| panic!("no report for {page}: {report:#}"))
}

/// Everything wrong with one page's report, in words.
fn page_problems(page: &Value, width: u32) -> Vec<String> {
    let mut problems = Vec::new();
    if !page["error"].is_null() {
        problems.push(format!("could not be checked: {}", page["error"]));
        return problems;
    }
    if page["path"] != page["page"] {
        problems.push(format!("loaded {} instead (a redirect?)", page["path"]));
    }
    if page["innerWidth"].as_f64() != Some(f64::from(width)) {
        problems.push(format!(
            "viewport was {} px wide, not {width}",
            page["innerWidth"]
        ));
    }
    // Every page loads the search box's small script (it points the header's box at the
    // search page); besides it, only a page with a self-assessment form loads survey.js and
    // only the search page search.js, the theme's own.
    let allowed_scripts = if page["surveyForm"] == true {
        serde_json::json!(["/search-box.js", "/survey.js"])
    } else if page["page"] == "/search/" {
        serde_json::json!(["/search-box.js", "/search.js"])
    } else {
        serde_json::json!(["/search-box.js"])
    };
    if page["scripts"] != allowed_scripts {
        problems.push(format!(
            "has the <script> elements {}; the theme must work without JavaScript, and only \
             /search-box.js, a survey page's /survey.js and the search page's /search.js may load",
            page["scripts"]
        ));
    }
    let (scroll, client) = (&page["scrollWidth"], &page["clientWidth"]);
    let fits = matches!((scroll.as_f64(), client.as_f64()), (Some(s), Some(c)) if s <= c);
    if !fits {
        problems.push(format!(
            "horizontal overflow at {width} px: documentElement.scrollWidth {scroll} > clientWidth {client}; \
             widest elements: {}",
            page["overflowing"]
        ));
    }
    let applied: Vec<&str> = page["applied"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for rule in RULES_THAT_MUST_RUN {
        if !applied.contains(rule) {
            problems.push(format!(
                "axe rule {rule} did not run (rules run: {applied:?})"
            ));
        }
    }
    for v in page["violations"].as_array().into_iter().flatten() {
        let mut text = format!(
            "axe {} ({}): {} — {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?"),
            v["helpUrl"].as_str().unwrap_or("")
        );
        let nodes = v["nodes"].as_array().map(Vec::as_slice).unwrap_or_default();
        for node in nodes {
            let html = node["html"].as_str().unwrap_or("");
            let html: String = html.chars().take(160).collect();
            text.push_str(&format!("\n      at {}: {html}", node["target"]));
        }
        // axe's advice is the same for each node of a rule, so show it once.
        if let Some(summary) = nodes.first().and_then(|n| n["summary"].as_str()) {
            text.push_str(&format!("\n      {}", summary.replace('\n', "\n        ")));
        }
        problems.push(text);
    }
    problems
}

/// Every problem on every page, as the failure message of `assert_no_problems`; None when clean.
fn problems_message(report: &Value, width: u32) -> Option<String> {
    let mut message = String::new();
    for page in report["pages"].as_array().expect("pages array") {
        let problems = page_problems(page, width);
        if !problems.is_empty() {
            message.push_str(&format!(
                "\npage {}:\n",
                page["page"].as_str().unwrap_or("?")
            ));
            for p in problems {
                message.push_str(&format!("  - {p}\n"));
            }
        }
    }
    (!message.is_empty()).then(|| {
        format!(
            "accessibility problems at {width} px wide (axe-core {}):{message}",
            report["pages"][0]["axeVersion"].as_str().unwrap_or("?")
        )
    })
}

/// Fails with every problem on every page (axe violations with their help text and the nodes
/// at fault, overflow with the elements that stick out).
fn assert_no_problems(report: &Value, width: u32) {
    if let Some(message) = problems_message(report, width) {
        panic!("{message}");
    }
}

/// The harness page. Query: `width` (px) and one `page` per page to check, in order.
const HARNESS: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hub browser test harness</title>
<style>body { margin: 0; } iframe { display: block; border: 0; }</style>
</head>
<body>
<pre id="result">pending</pre>
<script>
"use strict";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const params = new URLSearchParams(location.search);
const width = Number(params.get("width"));
const pages = params.getAll("page");
const probe = params.get("probe");
const out = document.getElementById("result");
const report = { done: false, error: null, current: null, width, pages: [] };
const show = () => { out.textContent = JSON.stringify(report); };

function loadFrame(page) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.width = String(width);
    frame.height = "900";
    frame.title = "Page under test";
    frame.addEventListener("load", () => resolve(frame), { once: true });
    frame.addEventListener("error", () => reject(new Error("the frame did not load")), { once: true });
    frame.src = page;
    document.body.appendChild(frame);
  });
}

function loadAxe(doc) {
  return new Promise((resolve, reject) => {
    const script = doc.createElement("script");
    script.src = "/__axe.min.js";
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("/__axe.min.js did not load"));
    (doc.head || doc.documentElement).appendChild(script);
  });
}

function describe(el) {
  let s = el.tagName.toLowerCase();
  if (el.id) s += "#" + el.id;
  for (const c of el.classList) s += "." + c;
  return s;
}

// The outermost elements whose right edge is past the viewport (at most 5), for the message.
function overflowing(doc, limit) {
  const found = [];
  for (const el of doc.body.querySelectorAll("*")) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right > limit + 0.5 && (!parent || parent.getBoundingClientRect().right <= limit + 0.5)) {
      found.push(describe(el) + " (right edge at " + Math.round(right) + " px)");
      if (found.length === 5) break;
    }
  }
  return found;
}

// What a person sees of one element: its box, whether it is rendered at all, and the size of
// its text in screen pixels (inside an SVG, scaled as the picture is).
function measure(el) {
  const r = el.getBoundingClientRect();
  let fontPx = parseFloat(el.ownerDocument.defaultView.getComputedStyle(el).fontSize);
  const svg = el.ownerSVGElement;
  if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width > 0) {
    fontPx *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  }
  return {
    tag: el.tagName.toLowerCase(),
    text: el.textContent.replace(/\s+/g, " ").trim(),
    inTable: el.closest("table") !== null,
    visible: el.checkVisibility(),
    left: r.left, right: r.right, width: r.width, height: r.height,
    fontPx,
  };
}

async function check(page) {
  const entry = { page, error: null, violations: [], applied: [] };
  report.pages.push(entry);
  report.current = page;
  show();
  const response = await fetch(page, { cache: "no-store" });
  if (!response.ok) {
    entry.error = "HTTP " + response.status;
    return;
  }
  const frame = await loadFrame(page);
  try {
    const win = frame.contentWindow;
    const doc = frame.contentDocument;
    entry.path = win.location.pathname;
    entry.innerWidth = win.innerWidth;
    // JSON-LD is data, not a program: only scripts a browser would run count.
    entry.scripts = [...doc.scripts].filter((s) => s.type !== "application/ld+json")
      .map((s) => (s.src ? new URL(s.src).pathname : "an inline script"));
    entry.surveyForm = doc.querySelector("form[data-survey]") !== null;
    entry.scrollWidth = doc.documentElement.scrollWidth;
    entry.clientWidth = doc.documentElement.clientWidth;
    entry.overflowing = entry.scrollWidth > entry.clientWidth ? overflowing(doc, entry.clientWidth) : [];
    entry.bodyFontPx = parseFloat(win.getComputedStyle(doc.body).fontSize);
    if (probe) entry.probed = [...doc.querySelectorAll(probe)].map(measure);
    await loadAxe(doc);
    const results = await win.axe.run(doc, {
      runOnly: { type: "tag", values: TAGS },
      resultTypes: ["violations"],
    });
    entry.axeVersion = win.axe.version;
    entry.violations = results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html, summary: n.failureSummary })),
    }));
    entry.applied = [...results.passes, ...results.violations, ...results.incomplete].map((r) => r.id);
  } finally {
    frame.remove();
  }
}

(async () => {
  try {
    if (!(width > 0) || pages.length === 0) throw new Error("usage: /__harness?width=320&page=/a/&page=/b/");
    for (const page of pages) await check(page);
    report.current = null;
    report.done = true;
  } catch (e) {
    report.error = String((e && e.stack) || e);
  }
  show();
})();
</script>
</body>
</html>
"##;

/// Types each `q` into the search page's box in a same-origin iframe `width` px wide, a letter
/// at a time, waits for the live region to announce the results, and reports the status, the
/// titles and the marked words; then runs axe on the page with the last results shown.
const SEARCH_HARNESS: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hub search test harness</title>
</head>
<body>
<pre id="result">pending</pre>
<script>
"use strict";
const params = new URLSearchParams(location.search);
const width = Number(params.get("width"));
const queries = params.getAll("q");
const out = document.getElementById("result");
const report = { done: false, error: null, results: [], page: {} };
const show = () => { out.textContent = JSON.stringify(report); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clean = (text) => text.replace(/\s+/g, " ").trim();

async function until(test, what) {
  for (let i = 0; i < 200; i++) {
    if (test()) return;
    await sleep(25);
  }
  throw new Error("waited in vain for " + what);
}

(async () => {
  try {
    const frame = document.createElement("iframe");
    frame.width = String(width);
    frame.height = "900";
    frame.title = "Page under test";
    await new Promise((resolve) => {
      frame.addEventListener("load", resolve, { once: true });
      frame.src = "/search/";
      document.body.appendChild(frame);
    });
    const win = frame.contentWindow;
    const doc = frame.contentDocument;
    const input = doc.querySelector("main input[name=q]");
    const status = doc.querySelector("main [aria-live=polite]");
    for (const query of queries) {
      input.focus();
      input.value = "";
      for (const letter of query) {
        input.value += letter;
        input.dispatchEvent(new win.InputEvent("input", { bubbles: true, data: letter }));
        await sleep(10);
      }
      await until(() => status.textContent.includes("“" + query + "”"), "results for " + query);
      const list = doc.querySelector("[data-search-results]");
      report.results.push({
        query,
        status: clean(status.textContent),
        titles: [...list.querySelectorAll("li h2 a")].map((a) => clean(a.textContent)),
        marks: [...list.querySelectorAll("mark")].map((m) => m.textContent),
      });
      show();
    }
    report.requests = win.performance.getEntriesByType("resource").map((e) => e.name);
    report.page.scrollWidth = doc.documentElement.scrollWidth;
    report.page.clientWidth = doc.documentElement.clientWidth;
    await new Promise((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = "/__axe.min.js";
      script.onload = resolve;
      script.onerror = () => reject(new Error("/__axe.min.js did not load"));
      doc.head.appendChild(script);
    });
    const results = await win.axe.run(doc, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    report.page.violations = results.violations.map((v) => ({
      id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html),
    }));
    report.page.applied = [...results.passes, ...results.violations, ...results.incomplete].map((r) => r.id);
    report.done = true;
  } catch (e) {
    report.error = String((e && e.stack) || e);
  }
  show();
})();
</script>
</body>
</html>
"##;

/// Answers the survey at `?page=` in a same-origin iframe as a person would (clicking radio
/// buttons and the Remember box), and reports what the page then shows, the CSV its download
/// link holds, the requests the page made and what localStorage holds at each step.
const SURVEY_HARNESS: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hub survey test harness</title>
</head>
<body>
<pre id="result">pending</pre>
<script>
"use strict";
const page = new URLSearchParams(location.search).get("page");
const out = document.getElementById("result");
const report = { done: false, error: null };
const show = () => { out.textContent = JSON.stringify(report); };
const clean = (text) => text.replace(/\s+/g, " ").trim();

function load(frame, src) {
  return new Promise((resolve) => {
    frame.addEventListener("load", () => resolve(), { once: true });
    if (src) frame.src = src; else frame.contentWindow.location.reload();
  });
}

function outputs(doc) {
  const all = [...doc.querySelectorAll("form[data-survey] output")].map((o) => clean(o.textContent));
  return { part1: all[0], part2: all[1], total: all[all.length - 1] };
}

function answer(doc, part, statement, value) {
  const name = "survey-part-" + part + "-statement-" + statement;
  doc.querySelector('input[name="' + name + '"][value="' + value + '"]').click();
}

(async () => {
  try {
    localStorage.clear();
    const frame = document.createElement("iframe");
    frame.width = "1280";
    frame.height = "900";
    frame.title = "Page under test";
    document.body.appendChild(frame);
    await load(frame, page);
    let doc = frame.contentDocument;
    const actions = doc.querySelector("[data-survey-actions]");
    report.actionsShown = !actions.hidden;
    report.before = outputs(doc);
    [2, 2, 1, 0, 2].forEach((v, i) => answer(doc, 1, i + 1, v));
    [2, 1, 0].forEach((v, i) => answer(doc, 2, i + 1, v));
    report.answered = outputs(doc);
    report.currentBands = [...doc.querySelectorAll("tr.survey-band-current")].map((r) => clean(r.cells[0].textContent));
    report.storedBeforeTicking = localStorage.length;
    // Every request the page made, before the test reads the CSV from its blob: URL.
    report.requests = frame.contentWindow.performance.getEntriesByType("resource").map((e) => e.name);
    const link = doc.querySelector("[data-survey-csv]");
    report.csvHref = link.href.slice(0, 5);
    const bytes = new Uint8Array(await (await frame.contentWindow.fetch(link.href)).arrayBuffer());
    report.csvBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    report.csv = new TextDecoder().decode(bytes);
    doc.querySelector("[data-survey-remember]").click();
    report.storedWhenTicked = localStorage.length === 1 ? localStorage.getItem(localStorage.key(0)) : null;
    await load(frame, null);
    doc = frame.contentDocument;
    report.restoredAfterReload = doc.querySelectorAll("form[data-survey] input:checked").length;
    report.rememberTickedAfterReload = doc.querySelector("[data-survey-remember]").checked;
    doc.querySelector("[data-survey-remember]").click();
    report.storedAfterUnticking = localStorage.length;
    doc.querySelector("[data-survey-clear]").click();
    report.afterClear = {
      checked: doc.querySelectorAll("form[data-survey] input:checked").length,
      total: outputs(doc).total,
    };
    report.done = true;
  } catch (e) {
    report.error = String((e && e.stack) || e);
  }
  show();
})();
</script>
</body>
</html>
"##;

// ---------------------------------------------------------------------------------------------
// A tiny HTTP server for the built site
// ---------------------------------------------------------------------------------------------

/// Serves `root` on 127.0.0.1 until dropped: GET only, files under `root` only (index.html for
/// folders), plus `/__harness`, `/__survey_harness` and `/__axe.min.js`; everything else is 404.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(listener: TcpListener, root: PathBuf, axe: PathBuf) -> Server {
        let port = listener.local_addr().expect("local address").port();
        let root = Arc::new(root.canonicalize().expect("output folder exists"));
        let axe = Arc::new(axe);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, axe) = (Arc::clone(&root), Arc::clone(&axe));
                // One thread per connection: Chromium opens several at once.
                thread::spawn(move || handle(stream, &root, &axe));
            }
        });
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop` and returns, closing the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(mut stream: TcpStream, root: &Path, axe: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("");
    let target = request_line.next().unwrap_or("");
    let path = target.split(['?', '#']).next().unwrap_or("");

    let (status, content_type, body): (u16, &str, Vec<u8>) = if method != "GET" {
        (
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        )
    } else if path == "/__harness" {
        (200, "text/html; charset=utf-8", HARNESS.as_bytes().to_vec())
    } else if path == "/__search_harness" {
        (
            200,
            "text/html; charset=utf-8",
            SEARCH_HARNESS.as_bytes().to_vec(),
        )
    } else if path == "/__survey_harness" {
        (
            200,
            "text/html; charset=utf-8",
            SURVEY_HARNESS.as_bytes().to_vec(),
        )
    } else if path == "/__axe.min.js" {
        match fs::read(axe) {
            Ok(bytes) => (200, "text/javascript; charset=utf-8", bytes),
            Err(_) => (
                404,
                "text/plain; charset=utf-8",
                b"axe.min.js not found\n".to_vec(),
            ),
        }
    } else {
        match resolve(root, path).and_then(|file| fs::read(&file).ok().map(|b| (file, b))) {
            Some((file, bytes)) => (200, content_type_of(&file), bytes),
            None => (404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        }
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// The file a URL path names under `root`, or None when it is outside `root` or not a file.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix('/')?;
    let decoded = percent_decode(rest)?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Path::new(segment).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(name)), None) if !segment.contains(['\\', '\0']) => {
                file.push(name)
            }
            _ => return None,
        }
    }
    if decoded.starts_with('/') {
        return None; // "//etc/passwd"
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let file = file.canonicalize().ok()?;
    (file.starts_with(root) && file.is_file()).then_some(file)
}

/// A query-string value: every byte but ASCII letters and digits as `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type_of(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "png" => "image/png",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// A minimal HTTP/1.1 client for the server test: (status, head, body).
fn http_get(port: u16, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the test server");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of the response head");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    (status, head, response[split + 4..].to_vec())
}
