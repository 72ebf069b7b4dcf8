//! Training sessions: the listing on the section (upcoming then past, as of a fixed build
//! moment), the calendar files read back with an independent iCalendar reader (the `ical`
//! crate), and every bad input, which stops the build at its line and leaves the output
//! folder as it was.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use common::{assert_site_error, assert_success, select, stderr, stdout, TestSite};
use scraper::Html;

/// 2026-12-05T12:00:00Z, the day the fixture's sessions are listed on.
const DEC_5_NOON: &str = "1796472000";

/// Runs `hub <args>` in `site` with the build's moment fixed at `epoch`.
fn hub_at(site: &TestSite, epoch: &str, args: &[&str]) -> Output {
    Command::cargo_bin("hub")
        .expect("hub binary")
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run hub")
}

fn built_at(epoch: &str) -> TestSite {
    let site = TestSite::fixture("training");
    assert_success(&hub_at(&site, epoch, &["build"]));
    site
}

/// (title as listed, `datetime` of its start) of each session in the listing under `heading_id`.
fn listed(html: &Html, heading_id: &str) -> Vec<(String, String)> {
    let selector = format!("section[aria-labelledby=\"{heading_id}\"] li.session");
    select(html, &selector)
        .into_iter()
        .map(|item| {
            let fragment = Html::parse_fragment(&item.html());
            let title = select(&fragment, "h3")[0]
                .text()
                .collect::<String>()
                .trim()
                .to_string();
            let start = select(&fragment, "time")[0]
                .value()
                .attr("datetime")
                .expect("datetime")
                .to_string();
            (title, start)
        })
        .collect()
}

fn titles(list: &[(String, String)]) -> Vec<&str> {
    list.iter().map(|(title, _)| title.as_str()).collect()
}

#[test]
fn upcoming_sessions_come_first_soonest_first_then_past_ones_most_recent_first() {
    let site = built_at(DEC_5_NOON);
    let html = site.html("training/index.html");
    let upcoming = listed(&html, "sessions-upcoming");
    assert_eq!(
        upcoming,
        vec![
            (
                "Visiting New York".to_string(),
                "2026-12-05T09:00:00-05:00".to_string()
            ),
            (
                "Essentials; basics, and more: Part 1".to_string(),
                "2027-01-14T10:00:00+00:00".to_string()
            ),
            (
                "Essentials; basics, and more: Summer, in BST".to_string(),
                "2027-07-01T09:00:00+01:00".to_string()
            ),
        ]
    );
    let past = listed(&html, "sessions-past");
    assert_eq!(
        titles(&past),
        vec!["Essentials; basics, and more: Part 2", "Visiting New York"]
    );
    assert_eq!(past[1].1, "2026-10-01T09:00:00-04:00");
}

#[test]
fn a_session_is_upcoming_until_it_ends_and_never_after() {
    // 15:00 UTC: the New York session (14:00 to 22:00 UTC) is under way.
    let site = built_at("1796482800");
    let html = site.html("training/index.html");
    assert_eq!(
        titles(&listed(&html, "sessions-upcoming"))[0],
        "Visiting New York"
    );
    // 23:00 UTC: it is over.
    let site = built_at("1796511600");
    let html = site.html("training/index.html");
    assert!(!titles(&listed(&html, "sessions-upcoming")).contains(&"Visiting New York"));
    assert_eq!(
        titles(&listed(&html, "sessions-past"))[0],
        "Visiting New York"
    );
    // February 2027: January's session has moved to the past.
    let site = built_at("1801440000");
    let html = site.html("training/index.html");
    assert_eq!(
        titles(&listed(&html, "sessions-upcoming")),
        vec!["Essentials; basics, and more: Summer, in BST"]
    );
    assert_eq!(
        titles(&listed(&html, "sessions-past"))[0],
        "Essentials; basics, and more: Part 1"
    );
}

#[test]
fn sessions_are_written_for_people_with_their_links() {
    let site = built_at(DEC_5_NOON);
    let html = site.html("training/index.html");
    let first_upcoming = select(
        &html,
        "section[aria-labelledby=\"sessions-upcoming\"] li.session",
    )[1]
    .text()
    .collect::<Vec<_>>()
    .join("");
    for words in [
        "Thursday 14 January 2027, 10:00",
        "11:30",
        "Room 2, County Hall",
        "20 places",
        "Book a place",
        "Add to calendar",
    ] {
        assert!(first_upcoming.contains(words), "{words}: {first_upcoming}");
    }
    let new_york = select(
        &html,
        "section[aria-labelledby=\"sessions-upcoming\"] li.session",
    )[0]
    .text()
    .collect::<String>();
    assert!(new_york.contains("(America/New_York time)"), "{new_york}");
    let links: Vec<&str> = select(&html, "li.session a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&"https://learning.example.org/book?course=1&part=1"));
    assert!(links.contains(&"https://hub.example.org/training/essentials/2027-01-14-1000.ics"));
    // Past sessions have nothing left to book, join or add.
    let past = select(
        &html,
        "section[aria-labelledby=\"sessions-past\"] li.session a",
    );
    assert!(past.iter().all(|a| a
        .value()
        .attr("href")
        .is_some_and(|h| !h.ends_with(".ics") && !h.contains("meet."))));
    for path in ["training/index.html", "training/essentials/index.html"] {
        let html = site.html(path);
        let calendar: Vec<&str> = select(&html, "link[rel=alternate][type=\"text/calendar\"]")
            .iter()
            .filter_map(|l| l.value().attr("href"))
            .collect();
        assert_eq!(
            calendar,
            vec!["https://hub.example.org/training/calendar.ics"],
            "{path}"
        );
    }
    // The page lists its own sessions.
    let page = site.html("training/essentials/index.html");
    assert_eq!(select(&page, ".page-sessions li.session").len(), 3);
}

fn calendar(site: &TestSite, rel: &str) -> ical::parser::ical::component::IcalCalendar {
    let bytes = std::fs::read(site.path("public").join(rel)).expect("calendar file");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(bytes.as_slice()));
    let calendar = parser
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("{rel} does not parse: {e}"));
    assert!(parser.next().is_none(), "{rel} holds one calendar");
    calendar
}

type Properties = BTreeMap<String, String>;

fn events(calendar: &ical::parser::ical::component::IcalCalendar) -> Vec<Properties> {
    calendar
        .events
        .iter()
        .map(|event| {
            assert!(
                event.properties.iter().all(|p| p.params.is_none()),
                "times are in UTC: no TZID, so no VTIMEZONE is needed"
            );
            event
                .properties
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
                .collect()
        })
        .collect()
}

#[test]
fn the_calendar_parses_with_one_event_per_session_in_utc() {
    let site = built_at(DEC_5_NOON);
    let calendar = calendar(&site, "training/calendar.ics");
    let value = |name: &str| {
        calendar
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    assert_eq!(value("VERSION").as_deref(), Some("2.0"));
    assert!(value("PRODID").is_some());
    assert_eq!(value("X-WR-CALNAME").as_deref(), Some("Training"));
    assert!(calendar.timezones.is_empty());
    let events = events(&calendar);
    assert_eq!(events.len(), 5);
    let starts: Vec<&str> = events.iter().map(|e| e["DTSTART"].as_str()).collect();
    assert_eq!(
        starts,
        vec![
            "20261001T130000Z",
            "20261112T133000Z",
            "20261205T140000Z",
            "20270114T100000Z",
            "20270701T080000Z"
        ]
    );
    for event in &events {
        for name in [
            "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "URL",
        ] {
            assert!(event.contains_key(name), "{name} in {event:?}");
        }
        assert_eq!(event["DTSTAMP"], "20261205T120000Z");
        assert!(event["DTEND"].ends_with('Z') && event["DTEND"] > event["DTSTART"]);
    }
    let part1 = &events[3];
    // Text is escaped: `;` and `,` have a backslash before them.
    assert_eq!(part1["SUMMARY"], "Essentials\\; basics\\, and more: Part 1");
    assert_eq!(part1["LOCATION"], "Room 2\\, County Hall");
    assert_eq!(part1["URL"], "https://hub.example.org/training/essentials/");
    assert!(part1["DESCRIPTION"]
        .contains("Book a place: https://learning.example.org/book?course=1&part=1\\n"));
    assert!(part1["DESCRIPTION"].contains("Places: 20 places"));
    assert_eq!(events[2]["LOCATION"], "Conference centre");
    assert_eq!(events[1]["LOCATION"], "Online");
    assert_eq!(events[4]["LOCATION"], "Main Hall (or online)");
    let mut uids: Vec<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 5, "every UID is different");
}

#[test]
fn uids_stay_the_same_from_one_build_to_the_next() {
    let first = built_at(DEC_5_NOON);
    let later = built_at("1801440000");
    let uids = |site: &TestSite| -> Vec<(String, String)> {
        events(&calendar(site, "training/calendar.ics"))
            .into_iter()
            .map(|e| (e["UID"].clone(), e["DTSTAMP"].clone()))
            .collect()
    };
    let (a, b) = (uids(&first), uids(&later));
    assert_eq!(
        a.iter().map(|(uid, _)| uid).collect::<Vec<_>>(),
        b.iter().map(|(uid, _)| uid).collect::<Vec<_>>()
    );
    assert_eq!(
        a[3].0,
        "training-essentials-20270114T100000Z@hub.example.org"
    );
    assert_ne!(a[0].1, b[0].1, "DTSTAMP is the build's moment");
}

#[test]
fn each_session_has_its_own_file_with_the_same_event() {
    let site = built_at(DEC_5_NOON);
    let whole = events(&calendar(&site, "training/calendar.ics"));
    let single = events(&calendar(&site, "training/essentials/2027-01-14-1000.ics"));
    assert_eq!(single.len(), 1);
    assert_eq!(single[0], whole[3]);
    let new_york = events(&calendar(&site, "training/in-new-york/2026-12-05-0900.ics"));
    assert_eq!(new_york[0]["DTSTART"], "20261205T140000Z");
}

/// RFC 5545 §3.1: lines end in CRLF, are at most 75 octets, and a folded line goes on after
/// CRLF and one space. Unfolded strictly by that rule (the `ical` reader also drops spaces at
/// the end of a line), the description is the text, escaped, whole.
#[test]
fn long_non_ascii_text_is_folded_at_75_octets_without_splitting_a_character() {
    let site = built_at(DEC_5_NOON);
    let bytes = std::fs::read(site.path("public/training/calendar.ics")).unwrap();
    assert!(bytes.ends_with(b"\r\n"));
    let lines: Vec<&[u8]> = bytes[..bytes.len() - 1].split(|&b| b == b'\n').collect();
    let mut folded = 0;
    for line in &lines {
        let line = line.strip_suffix(b"\r").expect("every line ends in CRLF");
        assert!(
            line.len() <= 75,
            "{} octets: {:?}",
            line.len(),
            String::from_utf8_lossy(line)
        );
        std::str::from_utf8(line).expect("no line splits a character");
        folded += usize::from(line.starts_with(b" "));
    }
    assert!(folded > 3, "the long description is folded");
    let text = String::from_utf8(bytes).unwrap().replace("\r\n ", "");
    let description = text
        .lines()
        .find(|l| l.starts_with("DESCRIPTION:Café"))
        .expect("the essentials' description");
    assert!(
        description.starts_with("DESCRIPTION:Café culture\\, naïve questions and a long description to fold: Ünïcödé ✓ 日本語のテキストをここに書きます。 Over seventy-five octets\\, surely.\\n\\n"),
        "{description}"
    );
}

#[test]
fn a_site_without_sessions_writes_no_calendar() {
    let site = built_at(DEC_5_NOON);
    let written = site.snapshot("public");
    let calendars: Vec<&String> = written.keys().filter(|p| p.ends_with(".ics")).collect();
    assert_eq!(
        calendars.len(),
        6,
        "one per session and the section's: {calendars:?}"
    );
    assert!(!written
        .keys()
        .any(|p| p.starts_with("tips/") && p.ends_with(".ics")));
    let html = site.html("tips/no-sessions/index.html");
    assert!(select(&html, "link[type=\"text/calendar\"]").is_empty());
}

#[test]
fn a_bad_build_moment_is_a_usage_error() {
    let site = TestSite::fixture("training");
    let out = hub_at(&site, "5 December", &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("SOURCE_DATE_EPOCH must be a number of seconds"));
    assert!(!site.path("public").exists());
}

// ---- bad input ----------------------------------------------------------------------------------

/// Builds the fixture, writes `text` as a training page, builds again: the build must fail
/// with `location` and `message` on one line and `hint` on the next, and change nothing in
/// the output folder.
fn rejected(text: &str, location: &str, message: &str, hint: &str) {
    let site = built_at(DEC_5_NOON);
    let before = site.snapshot("public");
    site.write("content/training/broken.md", text);
    let out = hub_at(&site, DEC_5_NOON, &["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    let expected = format!("error: {location}: {message}\n  hint: {hint}\n");
    assert!(err.contains(&expected), "expected\n{expected}in\n{err}");
    assert_eq!(
        site.snapshot("public"),
        before,
        "the output folder is untouched"
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

const PAGE: &str = "+++\ntitle = \"Broken\"\n\n[[sessions]]\nstart = 2027-01-14T10:00:00\nend = \"11:00\"\nplace = \"Hall\"\n\n[[sessions]]\n";

#[test]
fn a_bad_date_time_is_an_error_at_its_value() {
    rejected(
        &format!("{PAGE}start = \"2027-13-01T10:00\"\nend = \"11:00\"\nplace = \"Hall\"\n+++\n"),
        "content/training/broken.md:10:9",
        "invalid date \"2027-13-01T10:00\" in `start` of session 2: there is no month 13",
        "write a day that exists, e.g. start = 2027-01-14T10:00:00",
    );
    rejected(
        &format!("{PAGE}start = 2027-01-15\nend = \"11:00\"\nplace = \"Hall\"\n+++\n"),
        "content/training/broken.md:10:9",
        "`start` of session 2 is a day without a time: 2027-01-15",
        "add the time, on the 24-hour clock, e.g. start = 2027-01-14T10:00:00",
    );
}

#[test]
fn a_time_without_seconds_or_quotes_is_explained() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T10:00\nend = \"11:00\"\nplace = \"Hall\"\n+++\n"),
        "content/training/broken.md:10:9",
        "cannot read \"2027-01-15T10:00\" in `start` of a session as a date and time",
        "without quotes TOML needs the seconds too: write start = 2027-01-15T10:00:00, or put it in quotes: start = \"2027-01-15T10:00\"",
    );
}

#[test]
fn an_end_before_the_start_is_an_error_at_the_end() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"13:00\"\nplace = \"Hall\"\n+++\n"),
        "content/training/broken.md:11:7",
        "session 2 ends (15 January 2027 13:00) before it starts (15 January 2027 14:00)",
        "`end` is when the session finishes: a time after `start`, e.g. end = \"11:30\"",
    );
}

#[test]
fn an_unknown_time_zone_is_an_error_with_its_full_name() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\ntime_zone = \"Paris\"\nplace = \"Hall\"\n+++\n"),
        "content/training/broken.md:12:13",
        "unknown time zone \"Paris\"; did you mean \"Europe/Paris\"?",
        "write a time zone's full name, region/city, e.g. time_zone = \"Europe/London\" (or leave `time_zone` out for UK time)",
    );
}

#[test]
fn a_session_with_neither_place_nor_online_is_an_error_at_its_table() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\n+++\n"),
        "content/training/broken.md:9:1",
        "session 2 has no `place` and is not online",
        "say where it is, e.g. place = \"Room 2, County Hall, Northtown\", or, for a session on the internet, online = true (and join = \"https://…\" if you have the joining link)",
    );
    // The same in YAML, pointing at the list item.
    rejected(
        "---\ntitle: Broken\nsessions:\n  - start: 2027-01-15T14:00\n    end: \"15:00\"\n---\n",
        "content/training/broken.md:4:3",
        "session 1 has no `place` and is not online",
        "say where it is, e.g. place: \"Room 2, County Hall, Northtown\", or, for a session on the internet, online: true (and join: \"https://…\" if you have the joining link)",
    );
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_saying_what_to_write() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\nonline = \"yes\"\n+++\n"),
        "content/training/broken.md:12:10",
        "invalid type: string \"yes\", expected a boolean",
        "write true or false, without quotes",
    );
    rejected(
        "---\ntitle: Broken\nsessions:\n  - start: 2027-01-15T14:00\n    end: \"15:00\"\n    place: [Hall]\n---\n",
        "content/training/broken.md:6:12",
        "sessions[0].place: invalid type: sequence, expected a string",
        "put the text in \"quotes\"",
    );
}

#[test]
fn a_link_that_is_not_a_whole_address_is_an_error() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\nplace = \"Hall\"\nbooking = \"www.example.org/book\"\n+++\n"),
        "content/training/broken.md:13:11",
        "`booking` of session 2 is not a web address: \"www.example.org/book\"",
        "write the whole address, starting with https://, e.g. booking = \"https://www.example.org/book\", or mailto: and an email address",
    );
}

#[test]
fn a_page_field_below_the_sessions_is_said_to_be_misplaced() {
    rejected(
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\nplace = \"Hall\"\ntags = [\"training\"]\n+++\n"),
        "content/training/broken.md:13:1",
        "`tags` is a field of the page, but it is written inside a [[sessions]] table",
        "move the `tags` line above the first [[sessions]] line: every line after [[sessions]] belongs to that session",
    );
}

#[test]
fn a_link_to_a_page_the_site_does_not_have_stops_the_build() {
    let site = built_at(DEC_5_NOON);
    let before = site.snapshot("public");
    site.write(
        "content/training/broken.md",
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\nplace = \"Hall\"\nbooking = \"/training/booking/\"\n+++\n"),
    );
    let out = hub_at(&site, DEC_5_NOON, &["build"]);
    assert_site_error(&out, "content/training/broken.md:13:11");
    assert!(
        stderr(&out).contains("/training/booking/"),
        "{}",
        stderr(&out)
    );
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn check_finds_personal_data_in_a_session() {
    let site = TestSite::fixture("training");
    site.write(
        "content/training/broken.md",
        &format!("{PAGE}start = 2027-01-15T14:00:00\nend = \"15:00\"\nplace = \"Ask jo.bloggs@gmail.com for the room\"\n+++\n"),
    );
    let out = hub_at(&site, DEC_5_NOON, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains("error: content/training/broken.md:12:14:")
            && report.contains("[privacy/email]"),
        "{report}"
    );
    assert!(!Path::new(&site.path("public")).exists());
}

/// The "Get updates" page lists each section's calendar, by the section's title, linking the
/// file the build wrote; a site without sessions has no such list (the feeds fixture's page
/// is checked in tests/updates_page.rs).
#[test]
fn the_get_updates_page_lists_the_calendar_to_subscribe_to() {
    let site = built_at(DEC_5_NOON);
    let html = site.html("updates/index.html");
    let links: Vec<(String, String)> = select(&html, "a[type=\"text/calendar\"]")
        .into_iter()
        .map(|a| {
            let text = a.text().collect::<String>();
            (text, a.value().attr("href").unwrap_or_default().to_string())
        })
        .collect();
    assert_eq!(
        links,
        vec![(
            "Training calendar".to_string(),
            "https://hub.example.org/training/calendar.ics".to_string()
        )]
    );
    let heading: Vec<String> = select(&html, "h2")
        .into_iter()
        .map(|h| h.text().collect())
        .collect();
    assert!(
        heading.iter().any(|h| h == "Dates in your calendar"),
        "{heading:?}"
    );
}
