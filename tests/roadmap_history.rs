//! The platform radar, roadmap pages' status history and the roadmap-changes feed: the radar
//! (an SVG parsed with roxmltree) has one labelled chip per platform in the band of its status
//! and a list of links grouped the same way; each page shows its history newest first; the
//! feed has one entry per change, newest first, in every configured format (parsed with
//! feed-rs), with ids that stay the same from one build to the next. Each kind of bad history
//! stops the build with file:line:col and a hint, leaving the output folder as it was.

mod common;

use common::*;
use scraper::{ElementRef, Html};

/// A roadmap of four platforms, one per status, and one without history; three record changes.
fn roadmap_site() -> TestSite {
    TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/roadmap/_index.md",
            "+++\ntitle = \"Roadmap\"\nsort_by = \"weight\"\n+++\n\nWhere we are.\n",
        ),
        (
            "content/roadmap/facebook.md",
            "+++\ntitle = \"Facebook\"\nweight = 1\n\n[extra]\nplatform = \"Facebook\"\nstatus = \"adopt\"\n\n\
             [[extra.history]]\ndate = 2025-01-20\nto = \"trial\"\nwhy = \"First written down.\"\n\n\
             [[extra.history]]\ndate = 2025-09-15\nfrom = \"trial\"\nto = \"adopt\"\nwhy = \"Carers & families <really> use it.\"\n+++\n\nBody.\n",
        ),
        (
            "content/roadmap/tiktok.md",
            "---\ntitle: TikTok\nweight: 2\nextra:\n  platform: \"TikTok & friends\"\n  status: trial\n  history:\n    - date: 2026-02-01\n      to: trial\n      why: Six teams asked to try it.\n---\n\nBody.\n",
        ),
        (
            "content/roadmap/instagram.md",
            "+++\ntitle = \"Instagram\"\nweight = 3\n\n[extra]\nplatform = \"Instagram\"\nstatus = \"assess\"\n+++\n\nBody.\n",
        ),
        (
            "content/roadmap/x.md",
            "+++\ntitle = \"X\"\nweight = 4\n\n[extra]\nplatform = \"X (Twitter)\"\nstatus = \"hold\"\n\n\
             [[extra.history]]\ndate = 2025-08-04\nfrom = \"adopt\"\nto = \"hold\"\nwhy = \"Abuse rose.\"\n\n\
             [[extra.history]]\ndate = 2026-02-09\nfrom = \"hold\"\nto = \"hold\"\nwhy = \"Reviewed.\"\n+++\n\nBody.\n",
        ),
    ])
}

fn built() -> &'static TestSite {
    TestSite::shared("roadmap-history", |_| {
        let site = roadmap_site();
        site.build_ok(&[]);
        site
    })
}

fn words(el: &ElementRef<'_>) -> String {
    let text: String = el.text().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (status, platforms) as the picture draws them: each band's class names its status and
/// each chip in it holds a platform's name.
fn radar_bands(svg: &str) -> Vec<(String, Vec<String>)> {
    let doc = roxmltree::Document::parse(svg).expect("the radar is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    let labelled_by: Vec<&str> = root
        .attribute("aria-labelledby")
        .expect("the picture is labelled")
        .split_whitespace()
        .collect();
    for id in &labelled_by {
        let label = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element #{id} in the radar"));
        assert!(
            matches!(label.tag_name().name(), "title" | "desc")
                && !label.text().unwrap_or("").trim().is_empty(),
            "#{id} is a title or desc with words"
        );
    }
    let has_class = |n: &roxmltree::Node<'_, '_>, class: &str| {
        n.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|c| c == class))
    };
    let text_of = |n: roxmltree::Node<'_, '_>| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<Vec<_>>()
            .join(" ")
    };
    root.children()
        .filter(|n| has_class(n, "radar-band"))
        .map(|band| {
            let status = band
                .attribute("class")
                .unwrap_or_default()
                .split_whitespace()
                .find_map(|c| c.strip_prefix("radar-").filter(|s| *s != "band"))
                .expect("a band names its status")
                .to_string();
            let title = band
                .children()
                .find(|n| n.has_tag_name("text"))
                .map(text_of)
                .expect("a band has a title");
            assert!(
                title.to_lowercase().starts_with(&status),
                "the band says its status in words: {title:?}"
            );
            let chips = band
                .children()
                .filter(|n| has_class(n, "radar-chip"))
                .map(|chip| {
                    text_of(chip)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (status, chips)
        })
        .collect()
}

fn expected_groups() -> Vec<(String, Vec<String>)> {
    [
        ("adopt", vec!["Facebook"]),
        ("trial", vec!["TikTok & friends"]),
        ("assess", vec!["Instagram"]),
        ("hold", vec!["X (Twitter)"]),
    ]
    .into_iter()
    .map(|(s, p)| (s.to_string(), p.into_iter().map(String::from).collect()))
    .collect()
}

#[test]
fn the_radar_draws_each_platform_in_the_band_of_its_status() {
    let page = built().output("roadmap/index.html");
    let start = page.find("<svg").expect("an inline SVG on the roadmap");
    let end = page[start..].find("</svg>").expect("the SVG ends") + start + "</svg>".len();
    assert_eq!(radar_bands(&page[start..end]), expected_groups());
    let doc = roxmltree::Document::parse(&page[start..end]).expect("XML");
    assert!(
        doc.descendants().all(|n| !n.has_tag_name("script")
            && !n.has_tag_name("a")
            && n.attributes().all(|a| !a.name().starts_with("on"))),
        "no script, no event handler, and no links inside an image (the list below has them)"
    );
}

#[test]
fn the_radar_has_a_list_of_links_grouped_by_status_and_the_table_stays() {
    let html = built().html("roadmap/index.html");
    let groups: Vec<(String, Vec<String>)> = select(&html, "main .radar-list > li")
        .iter()
        .map(|li| {
            let status = select_in(li, ".badge")
                .map(|b| words(&b).to_lowercase())
                .collect();
            let links: Vec<(String, String)> = select_in(li, "a")
                .map(|a| (words(&a), absolute(a.value().attr("href").unwrap_or(""))))
                .collect();
            for (name, href) in &links {
                let slug = match name.as_str() {
                    "TikTok & friends" => "tiktok",
                    "X (Twitter)" => "x",
                    other => &other.to_lowercase(),
                };
                assert_eq!(
                    href,
                    &format!("{BASE}/roadmap/{slug}/"),
                    "{name} links to its page"
                );
            }
            (status, links.into_iter().map(|(name, _)| name).collect())
        })
        .collect();
    assert_eq!(groups, expected_groups());
    assert_eq!(
        select(&html, "main table.roadmap tbody tr").len(),
        4,
        "the table stays"
    );
    let page = built().output("roadmap/index.html");
    let (radar, table) = (
        page.find("class=\"radar\""),
        page.find("<table class=\"roadmap\""),
    );
    assert!(
        radar.is_some() && radar < table,
        "the radar comes before the table"
    );
}

fn select_in<'a>(el: &ElementRef<'a>, selector: &str) -> impl Iterator<Item = ElementRef<'a>> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    el.select(&selector).collect::<Vec<_>>().into_iter()
}

#[test]
fn a_page_shows_its_history_newest_first_with_dates_and_reasons() {
    let html = built().html("roadmap/facebook/index.html");
    let items = select(&html, "main .status-history li");
    let shown: Vec<(String, String, String)> = items
        .iter()
        .map(|li| {
            let time = select_in(li, "time")
                .next()
                .expect("each change has a <time>");
            (
                li.value().attr("id").unwrap_or("").to_string(),
                time.value().attr("datetime").unwrap_or("").to_string(),
                words(li),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "change-2025-09-15".into(),
                "2025-09-15".into(),
                "15 September 2025: Moved from Trial to Adopt Carers & families <really> use it."
                    .into()
            ),
            (
                "change-2025-01-20".into(),
                "2025-01-20".into(),
                "20 January 2025: Added to the roadmap at Trial First written down.".into()
            ),
        ]
    );
    let no_history = built().html("roadmap/instagram/index.html");
    assert!(select(&no_history, "main .status-history").is_empty());
}

fn feed(rel: &str) -> feed_rs::model::Feed {
    let text = built().output(rel);
    feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{rel} does not parse: {e}"))
}

#[test]
fn the_changes_feed_has_one_entry_per_change_newest_first_in_every_format() {
    let expected = [
        (
            "TikTok & friends added to the roadmap at Trial",
            "tiktok/#change-2026-02-01",
            "2026-02-01",
        ),
        (
            "X (Twitter) kept at Hold",
            "x/#change-2026-02-09",
            "2026-02-09",
        ),
        (
            "Facebook moved from Trial to Adopt",
            "facebook/#change-2025-09-15",
            "2025-09-15",
        ),
        (
            "X (Twitter) moved from Adopt to Hold",
            "x/#change-2025-08-04",
            "2025-08-04",
        ),
        (
            "Facebook added to the roadmap at Trial",
            "facebook/#change-2025-01-20",
            "2025-01-20",
        ),
    ];
    let mut expected: Vec<_> = expected.to_vec();
    expected.sort_by(|a, b| b.2.cmp(a.2));
    for rel in [
        "roadmap/changes/atom.xml",
        "roadmap/changes/rss.xml",
        "roadmap/changes/feed.json",
    ] {
        let feed = feed(rel);
        let entries: Vec<(String, String, String)> = feed
            .entries
            .iter()
            .map(|e| {
                (
                    e.title
                        .as_ref()
                        .map(|t| t.content.clone())
                        .unwrap_or_default(),
                    e.links.first().map(|l| l.href.clone()).unwrap_or_default(),
                    e.published
                        .or(e.updated)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let wanted: Vec<(String, String, String)> = expected
            .iter()
            .map(|(t, l, d)| (t.to_string(), format!("{BASE}/roadmap/{l}"), d.to_string()))
            .collect();
        assert_eq!(entries, wanted, "{rel}");
        let reason = feed
            .entries
            .iter()
            .find(|e| {
                e.links
                    .first()
                    .is_some_and(|l| l.href.ends_with("#change-2025-09-15"))
            })
            .and_then(|e| {
                e.content
                    .as_ref()
                    .and_then(|c| c.body.clone())
                    .or(e.summary.as_ref().map(|s| s.content.clone()))
            })
            .expect("the entry has content");
        assert!(
            reason.contains("Carers &amp; families &lt;really&gt; use it."),
            "{rel}: the reason is in the entry, escaped: {reason}"
        );
    }
    let atom = built().output("roadmap/changes/atom.xml");
    let ids: Vec<String> = feed("roadmap/changes/atom.xml")
        .entries
        .iter()
        .map(|e| e.id.clone())
        .collect();
    assert!(
        ids.iter()
            .all(|id| id.starts_with(&format!("{BASE}/roadmap/")) && id.contains("#change-")),
        "{ids:?}"
    );
    assert!(
        atom.contains(&format!("<id>{BASE}/roadmap/changes/</id>")),
        "the feed has its own id"
    );
}

#[test]
fn the_ids_of_changes_stay_the_same_from_build_to_build() {
    let site = roadmap_site();
    site.build_ok(&[]);
    let ids = |site: &TestSite| -> Vec<String> {
        let text = site.output("roadmap/changes/atom.xml");
        feed_rs::parser::parse(text.as_bytes())
            .expect("atom")
            .entries
            .into_iter()
            .map(|e| e.id)
            .collect()
    };
    let before = ids(&site);
    // A new change and an edited page body leave the old entries' ids alone.
    let instagram =
        std::fs::read_to_string(site.path("content/roadmap/instagram.md")).expect("read");
    site.write(
        "content/roadmap/instagram.md",
        &instagram
            .replace("status = \"assess\"\n", "status = \"trial\"\n\n[[extra.history]]\ndate = 2026-03-02\nfrom = \"assess\"\nto = \"trial\"\nwhy = \"One team will try it.\"\n")
            .replace("Body.", "A new body."),
    );
    site.build_ok(&[]);
    let after = ids(&site);
    assert_eq!(
        after[0],
        format!("{BASE}/roadmap/instagram/#change-2026-03-02")
    );
    assert_eq!(&after[1..], &before[..], "the other ids did not change");
}

#[test]
fn the_roadmap_and_its_pages_link_the_changes_feed() {
    for page in ["roadmap/index.html", "roadmap/facebook/index.html"] {
        let html = built().html(page);
        let alternates = hrefs(&html, "head link[rel=alternate]");
        for file in ["atom.xml", "rss.xml", "feed.json"] {
            let url = format!("{BASE}/roadmap/changes/{file}");
            assert!(
                alternates.contains(&url),
                "{page} links {url}: {alternates:?}"
            );
        }
    }
    let html = built().html("roadmap/index.html");
    let follow = hrefs(&html, "main .radar-follow a");
    assert_eq!(
        follow.len(),
        3,
        "the roadmap names the feeds in words: {follow:?}"
    );
    let updates = built().html("updates/index.html");
    assert!(text_of(&updates, "main").contains("Changes to “Roadmap”"));
}

#[test]
fn no_history_means_no_changes_feed_and_feed_false_turns_it_off() {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/roadmap/_index.md",
            "+++\ntitle = \"Roadmap\"\n+++\n",
        ),
        (
            "content/roadmap/x.md",
            "+++\ntitle = \"X\"\n[extra]\nplatform = \"X\"\nstatus = \"hold\"\n+++\n",
        ),
    ]);
    site.build_ok(&[]);
    assert!(!site.path("public/roadmap/changes").exists());
    assert!(hrefs(&site.html("roadmap/index.html"), "main .radar-follow a").is_empty());
    let site = roadmap_site();
    site.write(
        "content/roadmap/_index.md",
        "+++\ntitle = \"Roadmap\"\nfeed = false\n+++\n",
    );
    site.build_ok(&[]);
    assert!(!site.path("public/roadmap/changes").exists());
}

/// The Facebook page of [`roadmap_site`] with its front matter changed by `edit`.
fn broken(edit: impl Fn(&str) -> String, location: &str) -> String {
    let site = roadmap_site();
    site.build_ok(&[]);
    let before = site.snapshot("public");
    let page = std::fs::read_to_string(site.path("content/roadmap/facebook.md")).expect("read");
    site.write("content/roadmap/facebook.md", &edit(&page));
    let out = site.hub(&["build"]);
    assert_site_error(&out, location);
    assert_eq!(
        site.snapshot("public"),
        before,
        "the output folder is untouched"
    );
    stderr(&out)
}

#[test]
fn an_unknown_status_in_the_history_names_the_one_meant() {
    let err = broken(
        |p| p.replace("from = \"trial\"", "from = \"trail\""),
        "content/roadmap/facebook.md:16:8",
    );
    assert!(err.contains("unknown roadmap status \"trail\" in `from` of change 2 of `history`; did you mean \"trial\"?"), "{err}");
    assert!(
        err.contains("hint: `from` is one of \"adopt\", \"trial\", \"assess\" or \"hold\""),
        "{err}"
    );
}

#[test]
fn a_bad_date_in_the_history_is_explained() {
    let err = broken(
        |p| p.replace("date = 2025-09-15", "date = \"15/09/2025\""),
        "content/roadmap/facebook.md:15:8",
    );
    assert!(err.contains("`date` is written 15/09/2025; hub reads dates as year-month-day: write date = 2025-09-15 (15 September 2025) (change 2 of `history`)"), "{err}");
    let err = broken(
        |p| p.replace("date = 2025-09-15", "date = 2025-09-31"),
        "content/roadmap/facebook.md:15:8",
    );
    assert!(err.contains("September 2025 has 30 days"), "{err}");
}

#[test]
fn a_change_without_why_is_an_error_at_the_change() {
    let err = broken(
        |p| p.replace("why = \"First written down.\"\n", ""),
        "content/roadmap/facebook.md:9:1",
    );
    assert!(err.contains("change 1 of `history` has no `why`"), "{err}");
    assert!(err.contains("hint: add why = "), "{err}");
}

#[test]
fn a_history_that_ends_elsewhere_than_the_status_is_an_error() {
    let err = broken(
        |p| p.replace("status = \"adopt\"", "status = \"assess\""),
        "content/roadmap/facebook.md:7:10",
    );
    assert!(err.contains("`status` is \"assess\", but the last change in `history` moved the platform to \"adopt\""), "{err}");
    assert!(
        err.contains("hint: if the platform is now at \"adopt\", write status = \"adopt\""),
        "{err}"
    );
}

#[test]
fn changes_out_of_date_order_are_an_error() {
    let err = broken(
        |p| p.replace("date = 2025-09-15", "date = 2024-12-01"),
        "content/roadmap/facebook.md:15:8",
    );
    assert!(
        err.contains("change 2 of `history` (2024-12-01) is dated before change 1 (2025-01-20)"),
        "{err}"
    );
    assert!(err.contains("hint: list the changes oldest first"), "{err}");
}

#[test]
fn a_change_that_does_not_follow_on_from_the_last_is_an_error() {
    let err = broken(
        |p| p.replace("from = \"trial\"", "from = \"hold\""),
        "content/roadmap/facebook.md:16:8",
    );
    assert!(err.contains("change 2 of `history` moves the platform from \"hold\", but change 1 left it at \"trial\""), "{err}");
}

#[test]
fn a_misspelt_field_of_a_change_names_the_field_meant() {
    let err = broken(
        |p| p.replace("why = \"First", "wyh = \"First"),
        "content/roadmap/facebook.md:12:1",
    );
    assert!(
        err.contains("unknown field `wyh` in change 1 of `history`; did you mean `why`?"),
        "{err}"
    );
}

#[test]
fn a_bad_history_in_yaml_points_at_its_line() {
    let site = roadmap_site();
    site.build_ok(&[]);
    let before = site.snapshot("public");
    let page = std::fs::read_to_string(site.path("content/roadmap/tiktok.md")).expect("read");
    site.write(
        "content/roadmap/tiktok.md",
        &page.replace("to: trial", "to: Trail"),
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/roadmap/tiktok.md:9:11");
    assert!(stderr(&out).contains("did you mean \"trial\"?"));
    assert_eq!(site.snapshot("public"), before);
}

/// The history is in the front matter, which the privacy gate reads: personal data in a
/// reason stops the build like personal data in a page's text.
#[test]
fn the_privacy_gate_reads_the_history() {
    let err = broken(
        |p| p.replace("First written down.", "Ask jo.bloggs@council.com about it."),
        "content/roadmap/facebook.md:12:",
    );
    assert!(err.contains("jo.bloggs@council.com"), "{err}");
}

#[test]
fn the_bundled_guide_records_changes_and_draws_its_radar() {
    let site = copy_guide();
    site.build_ok(&[]);
    let page = site.output("roadmap/index.html");
    let start = page.find("<svg").expect("the guide's roadmap has a radar");
    let end = page[start..].find("</svg>").expect("end") + start + 6;
    let bands = radar_bands(&page[start..end]);
    let platforms: usize = bands.iter().map(|(_, p)| p.len()).sum();
    assert_eq!(
        platforms,
        select(&Html::parse_document(&page), "main table.roadmap tbody tr").len()
    );
    let feed =
        feed_rs::parser::parse(site.output("roadmap/changes/atom.xml").as_bytes()).expect("atom");
    assert!(
        feed.entries.len() >= 7,
        "every guide platform records at least one decision"
    );
    for entry in &feed.entries {
        let when = entry.published.expect("a date");
        assert!((2025..=2026).contains(&when.format("%Y").to_string().parse::<i32>().unwrap_or(0)));
    }
}

#[test]
fn the_starter_site_shows_a_radar_history_and_changes_feed() {
    let site = TestSite::empty();
    assert_success(&site.hub(&["init"]));
    site.build_ok(&[]);
    let page = site.output("roadmap/index.html");
    let start = page
        .find("<svg")
        .expect("the starter's roadmap has a radar");
    let end = page[start..].find("</svg>").expect("end") + start + 6;
    assert!(radar_bands(&page[start..end])
        .iter()
        .any(|(status, platforms)| status == "adopt" && platforms.len() == 2));
    let html = site.html("roadmap/facebook/index.html");
    assert_eq!(select(&html, "main .status-history li").len(), 2);
    let feed = feed_rs::parser::parse(site.output("roadmap/changes/atom.xml").as_bytes())
        .expect("the starter has a roadmap-changes feed");
    assert_eq!(feed.entries.len(), 3);
}
