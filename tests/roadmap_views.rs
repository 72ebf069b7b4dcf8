//! The default theme's roadmap in both of its views: one card per platform (shown on
//! small screens) and one table row per platform (shown on wider ones). Each must hold every
//! platform's link, status, benefits, current risks and future risks, under the right label or
//! column. Which view shows at which width is tested in tests/browser.rs.

mod common;

use common::*;
use scraper::{ElementRef, Html};

/// One roadmap platform as its page's front matter states it.
struct Platform {
    slug: &'static str,
    name: &'static str,
    status: &'static str,
    benefits: &'static [&'static str],
    risks_current: &'static [&'static str],
    risks_future: &'static [&'static str],
}

const PLATFORMS: &[Platform] = &[
    Platform {
        slug: "facebook",
        name: "Facebook",
        status: "adopt",
        benefits: &["Reaches carers", "Groups share posts"],
        risks_current: &["Personal details in comments", "Hostile threads"],
        risks_future: &["Younger carers leaving"],
    },
    Platform {
        slug: "tiktok",
        name: "TikTok & friends",
        status: "assess",
        benefits: &["Young audience"],
        risks_current: &[],
        risks_future: &["Rules <change> often", "Data stored abroad"],
    },
    Platform {
        slug: "x",
        name: "X (Twitter)",
        status: "hold",
        benefits: &[],
        risks_current: &["Pile-ons aimed at staff"],
        risks_future: &[],
    },
];

/// The labels of the lists, as card labels and as column headings.
const LISTS: [&str; 3] = ["Benefits", "Current risks", "Future risks"];

fn lists_of(platform: &Platform) -> [&'static [&'static str]; 3] {
    [
        platform.benefits,
        platform.risks_current,
        platform.risks_future,
    ]
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// A site whose roadmap section has the platforms above and one page that is not a platform.
fn roadmap_site() -> TestSite {
    let site = TestSite::with_files(&[
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        (
            "content/roadmap/_index.md",
            "+++\ntitle = \"Roadmap\"\nsort_by = \"title\"\n+++\n\nWhere we are.\n",
        ),
        (
            "content/roadmap/how-we-decide.md",
            "+++\ntitle = \"How we decide\"\n+++\n\nFive questions.\n",
        ),
    ]);
    for p in PLATFORMS {
        site.write(
            &format!("content/roadmap/{}.md", p.slug),
            &format!(
                "+++\ntitle = {name:?}\n\n[extra]\nplatform = {name:?}\nstatus = {status:?}\n\
                 benefits = {benefits}\nrisks_current = {current}\nrisks_future = {future}\n+++\n\nAbout it.\n",
                name = p.name,
                status = p.status,
                benefits = toml_list(p.benefits),
                current = toml_list(p.risks_current),
                future = toml_list(p.risks_future),
            ),
        );
    }
    site.build_ok(&[]);
    site
}

fn words(el: &ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The items of a list cell or card entry: its `<li>` texts, or None when it says
/// "None listed" in words instead.
fn items(el: &ElementRef<'_>) -> Option<Vec<String>> {
    let lis: Vec<String> = el
        .select(&scraper::Selector::parse("li").expect("selector"))
        .map(|li| words(&li))
        .collect();
    if lis.is_empty() {
        assert_eq!(words(el), "None listed", "an empty list says so in words");
        None
    } else {
        Some(lis)
    }
}

fn expected_items(list: &[&str]) -> Option<Vec<String>> {
    (!list.is_empty()).then(|| list.iter().map(|s| s.to_string()).collect())
}

fn link_to(el: &ElementRef<'_>, slug: &str) -> bool {
    let url = format!("{BASE}/roadmap/{slug}/");
    el.select(&scraper::Selector::parse("a[href]").expect("selector"))
        .any(|a| a.value().attr("href").map(absolute) == Some(url.clone()))
}

/// The card of a platform: the list item whose heading links to the platform's page.
fn card<'a>(html: &'a Html, platform: &Platform) -> ElementRef<'a> {
    let cards: Vec<ElementRef<'a>> = select(html, "main .roadmap-cards li")
        .into_iter()
        .filter(|li| {
            li.select(&scraper::Selector::parse("h3").expect("selector"))
                .any(|h| link_to(&h, platform.slug))
        })
        .collect();
    assert_eq!(
        cards.len(),
        1,
        "one card has a heading linking to {}",
        platform.slug
    );
    cards[0]
}

/// A card's entries, label → the element holding its value (`<dt>` → next `<dd>`).
fn card_entries<'a>(card: &ElementRef<'a>) -> Vec<(String, ElementRef<'a>)> {
    let mut entries = Vec::new();
    let mut label = None;
    for child in card
        .select(&scraper::Selector::parse("dl").expect("selector"))
        .next()
        .expect("a card labels its lists in a <dl>")
        .children()
        .filter_map(ElementRef::wrap)
    {
        match child.value().name() {
            "dt" => label = Some(words(&child)),
            "dd" => entries.push((label.take().expect("a <dd> follows its <dt>"), child)),
            other => panic!("unexpected <{other}> in a card's <dl>"),
        }
    }
    entries
}

#[test]
fn each_card_holds_its_platforms_status_benefits_and_risks() {
    let site = roadmap_site();
    let html = site.html("roadmap/index.html");
    let card_count = select(&html, "main .roadmap-cards li.roadmap-card").len();
    assert_eq!(
        card_count,
        PLATFORMS.len(),
        "one card per platform, none for other pages"
    );
    for platform in PLATFORMS {
        let card = card(&html, platform);
        let heading = card
            .select(&scraper::Selector::parse("h3 a").expect("selector"))
            .next()
            .expect("the card's heading is a link");
        assert_eq!(
            words(&heading),
            platform.name,
            "the card's heading is the platform name"
        );
        let entries = card_entries(&card);
        let labels: Vec<&str> = entries.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["Status", "Benefits", "Current risks", "Future risks"]
        );
        assert_eq!(
            words(&entries[0].1).to_lowercase(),
            platform.status,
            "{}: status",
            platform.name
        );
        for ((label, value), list) in entries[1..].iter().zip(lists_of(platform)) {
            assert_eq!(
                items(value),
                expected_items(list),
                "{}: {label} on its card",
                platform.name
            );
        }
    }
}

#[test]
fn each_table_row_holds_its_platforms_status_benefits_and_risks() {
    let site = roadmap_site();
    let html = site.html("roadmap/index.html");
    let tables = select(&html, "main table");
    assert_eq!(tables.len(), 1, "one roadmap table");
    let headings: Vec<String> = tables[0]
        .select(&scraper::Selector::parse("thead th").expect("selector"))
        .map(|th| words(&th))
        .collect();
    assert_eq!(
        headings,
        [
            "Platform",
            "Status",
            "Benefits",
            "Current risks",
            "Future risks"
        ]
    );
    let rows: Vec<ElementRef<'_>> = tables[0]
        .select(&scraper::Selector::parse("tbody tr").expect("selector"))
        .collect();
    assert_eq!(rows.len(), PLATFORMS.len(), "one row per platform");
    for platform in PLATFORMS {
        let row = rows
            .iter()
            .find(|tr| link_to(tr, platform.slug))
            .unwrap_or_else(|| panic!("no row links to {}", platform.slug));
        let cells: Vec<ElementRef<'_>> = row
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "th" | "td"))
            .collect();
        assert_eq!(
            cells[0].value().name(),
            "th",
            "the platform is the row's heading"
        );
        assert_eq!(words(&cells[0]), platform.name);
        assert_eq!(words(&cells[1]).to_lowercase(), platform.status);
        for ((cell, label), list) in cells[2..].iter().zip(LISTS).zip(lists_of(platform)) {
            assert_eq!(
                items(cell),
                expected_items(list),
                "{}: {label} in the table",
                platform.name
            );
        }
    }
}

/// The stylesheet swaps the views only inside `.roadmap-views`, so both must be in it, and the
/// page that is not a platform is listed below, not as a card or a row.
#[test]
fn both_views_sit_together_and_other_pages_are_listed_apart() {
    let site = roadmap_site();
    let html = site.html("roadmap/index.html");
    let views = select(&html, "main .roadmap-views");
    assert_eq!(views.len(), 1, "one roadmap on the page");
    let children: Vec<String> = views[0]
        .children()
        .filter_map(ElementRef::wrap)
        .map(|c| c.value().classes().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(children, ["roadmap-cards", "table-wrap"]);
    assert!(!link_to(&views[0], "how-we-decide"));
    assert!(listed_pages(&html, "/roadmap/").contains(&format!("{BASE}/roadmap/how-we-decide/")));
}
