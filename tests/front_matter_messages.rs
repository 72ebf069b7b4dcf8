//! The messages a new user meets first: a misspelt field, a date written the British way or
//! a day that does not exist, a roadmap status or field misspelt, a field written below
//! `[extra]`. Each runs the real `hub` and checks the exact text, `file:line:col` and hint
//! that it prints.

mod common;

use common::*;

/// Builds a site holding `content/<rel>` with `text`, expecting it to fail; returns stderr.
fn build_error(rel: &str, text: &str) -> String {
    let site = TestSite::with_files(&[(&format!("content/{rel}"), text)]);
    let out = site.hub(&["build"]);
    let location = format!("content/{rel}:");
    assert_site_error(&out, &location);
    stderr(&out)
}

/// Asserts that `stderr` holds the error line and the hint line right after it.
fn assert_reported(stderr: &str, error: &str, hint: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == error)
        .unwrap_or_else(|| panic!("no line {error:?} in:\n{stderr}"));
    assert_eq!(
        lines.get(at + 1).copied(),
        Some(hint),
        "the hint under {error:?} in:\n{stderr}"
    );
}

// ---- did you mean ----------------------------------------------------------------------------

#[test]
fn misspelt_page_fields_get_the_field_meant() {
    for (written, meant) in [
        ("tag", "tags"),
        ("descripton", "description"),
        ("reveiw_by", "review_by"),
    ] {
        let err = build_error(
            "tips/x.md",
            &format!("+++\ntitle = \"A\"\n{written} = \"x\"\n+++\nText.\n"),
        );
        assert_reported(
            &err,
            &format!(
                "error: content/tips/x.md:3:1: unknown field `{written}`; did you mean `{meant}`?"
            ),
            &format!("  hint: change `{written}` to `{meant}`"),
        );
        assert!(!err.contains("write dates"), "no date hint:\n{err}");
    }
}

#[test]
fn a_capitalised_field_is_told_to_use_small_letters() {
    let err = build_error(
        "tips/x.md",
        "+++\ntitle = \"A\"\nTags = [\"a\"]\n+++\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/tips/x.md:3:1: unknown field `Tags`; did you mean `tags`?",
        "  hint: field names are written in small letters with `_` between words: write `tags`",
    );
}

#[test]
fn yaml_pages_and_sections_get_the_same_suggestion() {
    let err = build_error("tips/x.md", "---\ntitle: A\n  \ntag: [a]\n---\nText.\n");
    assert_reported(
        &err,
        "error: content/tips/x.md:4:1: unknown field `tag`; did you mean `tags`?",
        "  hint: change `tag` to `tags`",
    );
    let err = build_error(
        "tips/_index.md",
        "+++\ntitle = \"Tips\"\nsort-by = \"title\"\n+++\n",
    );
    assert_reported(
        &err,
        "error: content/tips/_index.md:3:1: unknown field `sort-by`; did you mean `sort_by`?",
        "  hint: field names are written in small letters with `_` between words: write `sort_by`",
    );
}

#[test]
fn a_field_like_no_other_lists_the_fields_and_extra() {
    let err = build_error(
        "tips/x.md",
        "+++\ntitle = \"A\"\ncolour = \"red\"\n+++\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/tips/x.md:3:1: unknown field `colour`",
        "  hint: the fields allowed here are `title`, `description`, `date`, `updated`, `draft`, `slug`, `weight`, `tags`, `authors`, `image`, `image_alt`, `template`, `aliases`, `review_by`, `survey`, `sessions`, `search`; put fields of your own under [extra], at the end",
    );
}

#[test]
fn a_misspelt_site_setting_gets_the_setting_meant() {
    let site = TestSite::empty();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://hub.example.org\"\ndescripton = \"x\"\n",
    );
    let out = site.hub(&["build"]);
    assert_site_error(&out, "site.toml:3:1");
    assert_reported(
        &stderr(&out),
        "error: site.toml:3:1: unknown field `descripton`; did you mean `description`?",
        "  hint: change `descripton` to `description`",
    );
}

// ---- dates -----------------------------------------------------------------------------------

#[test]
fn a_british_date_says_what_to_write() {
    for value in ["05/12/2026", "\"05/12/2026\""] {
        let err = build_error(
            "tips/x.md",
            &format!("+++\ntitle = \"A\"\ndate = {value}\n+++\nText.\n"),
        );
        assert_reported(
            &err,
            "error: content/tips/x.md:3:8: `date` is written 05/12/2026; hub reads dates as year-month-day: write date = 2026-12-05 (5 December 2026)",
            "  hint: 05/12/2026 was read as day/month/year; if you meant 12 May 2026, write date = 2026-05-12",
        );
    }
}

#[test]
fn other_day_first_forms_and_yaml_are_recognised() {
    let err = build_error(
        "tips/x.md",
        "+++\ntitle = \"A\"\nupdated = 24.11.2026\n+++\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/tips/x.md:3:11: `updated` is written 24.11.2026; hub reads dates as year-month-day: write updated = 2026-11-24 (24 November 2026)",
        "  hint: year-month-day is the one way of writing a date that no one can read as another day",
    );
    let err = build_error(
        "policies/p.md",
        "---\ntitle: P\nreview_by: 5-1-2027\n---\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/policies/p.md:3:12: `review_by` is written 5-1-2027; hub reads dates as year-month-day: write review_by: 2027-01-05 (5 January 2027)",
        "  hint: 5-1-2027 was read as day/month/year; if you meant 1 May 2027, write review_by: 2027-05-01",
    );
}

#[test]
fn an_impossible_date_says_what_is_wrong() {
    let err = build_error(
        "tips/x.md",
        "+++\ntitle = \"A\"\ndate = 2026-13-01\n+++\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/tips/x.md:3:8: invalid date \"2026-13-01\" in `date`: there is no month 13",
        "  hint: write `date` as year-month-day with a day that exists, e.g. date = 2026-11-24",
    );
    let err = build_error(
        "tips/x.md",
        "+++\ntitle = \"A\"\nupdated = \"2026-11-31\"\n+++\nText.\n",
    );
    assert_reported(
        &err,
        "error: content/tips/x.md:3:11: invalid date \"2026-11-31\" in `updated`: November 2026 has 30 days",
        "  hint: write `updated` as year-month-day with a day that exists, e.g. updated = 2026-11-24",
    );
}

// ---- roadmap fields --------------------------------------------------------------------------

/// A roadmap platform page with `extra_lines` under `[extra]`, after `platform`.
fn platform_page(extra_lines: &str) -> String {
    format!("+++\ntitle = \"TikTok\"\n\n[extra]\nplatform = \"TikTok\"\n{extra_lines}+++\nText.\n")
}

#[test]
fn a_misspelt_roadmap_status_is_an_error_with_the_word_meant() {
    let err = build_error("roadmap/tiktok.md", &platform_page("status = \"Trail\"\n"));
    assert_reported(
        &err,
        "error: content/roadmap/tiktok.md:6:10: unknown roadmap status \"Trail\"; did you mean \"trial\"?",
        "  hint: `status` is one of \"adopt\", \"trial\", \"assess\" or \"hold\"",
    );
}

#[test]
fn near_misses_of_roadmap_fields_are_errors() {
    let err = build_error(
        "roadmap/tiktok.md",
        &platform_page("status = \"trial\"\nbenefit = [\"Reach\"]\n  risks-future = [\"Bans\"]\n"),
    );
    assert_reported(
        &err,
        "error: content/roadmap/tiktok.md:7:1: unknown roadmap field `benefit`; did you mean `benefits`?",
        "  hint: change `benefit` to `benefits`: the roadmap table reads `benefits`, and would show nothing for `benefit`",
    );
    assert_reported(
        &err,
        "error: content/roadmap/tiktok.md:8:3: unknown roadmap field `risks-future`; did you mean `risks_future`?",
        "  hint: change `risks-future` to `risks_future`: the roadmap table reads `risks_future`, and would show nothing for `risks-future`",
    );
}

#[test]
fn roadmap_lists_must_be_lists_of_text() {
    let err = build_error(
        "roadmap/tiktok.md",
        &platform_page("benefits = \"Reach\"\nrisks_current = [\"Scams\", 2]\n"),
    );
    assert_reported(
        &err,
        "error: content/roadmap/tiktok.md:6:12: `benefits` must be a list of short texts",
        "  hint: write it as a list in square brackets, e.g. benefits = [\"First point\", \"Second point\"]",
    );
    assert_reported(
        &err,
        "error: content/roadmap/tiktok.md:7:17: item 2 of `risks_current` is not text",
        "  hint: put each item in quotes, e.g. risks_current = [\"First point\", \"Second point\"]",
    );
}

#[test]
fn a_capitalised_status_and_own_extra_keys_are_accepted() {
    let site = TestSite::with_files(&[
        (
            "content/roadmap/_index.md",
            "+++\ntitle = \"Roadmap\"\n+++\n",
        ),
        (
            "content/roadmap/tiktok.md",
            &platform_page("status = \"Adopt\"\nbenefits = [\"Reach\"]\nowner = \"Comms team\"\n"),
        ),
    ]);
    site.build_ok(&[]);
    let html = site.html("roadmap/index.html");
    let badge = select(&html, "table.roadmap tbody tr td .badge");
    assert_eq!(badge.len(), 1);
    assert_eq!(badge[0].value().attr("class"), Some("badge badge-adopt"));
    assert_eq!(text_of(&html, "table.roadmap tbody tr td ul li"), "Reach");
}

// ---- page fields written below [extra] -------------------------------------------------------

const TAGS_BELOW_EXTRA: &str =
    "+++\ntitle = \"A\"\ndate = 2026-01-05\n\n[extra]\ncolour = \"blue\"\ntags = [\"privacy\"]\n+++\nText.\n";

#[test]
fn a_page_field_below_extra_is_a_warning_and_the_build_succeeds() {
    let site = TestSite::with_files(&[("content/tips/x.md", TAGS_BELOW_EXTRA)]);
    let out = site.build_ok(&[]);
    assert_reported(
        &stderr(&out),
        "warning: content/tips/x.md:7:1: `tags` is inside [extra] (every line after [extra] belongs to it), so the page has no tags",
        "  hint: move the `tags` line above the [extra] line",
    );
    assert!(stdout(&out).starts_with("built 1 page"), "{}", stdout(&out));
    assert!(site.path("public/tips/x/index.html").is_file());
    assert!(
        !site.path("public/tags/privacy").exists(),
        "the tag really is lost, as the warning says"
    );
}

#[test]
fn check_reports_a_field_below_extra_as_a_warning() {
    let site = TestSite::with_files(&[("content/tips/x.md", TAGS_BELOW_EXTRA)]);
    let out = site.hub(&["check"]);
    assert_success(&out);
    assert_reported(
        &stdout(&out),
        "warning: content/tips/x.md:7:1: `tags` is inside [extra] (every line after [extra] belongs to it), so the page has no tags [content/extra-field]",
        "  fix: move the `tags` line above the [extra] line",
    );
    let strict = site.hub(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
}

#[test]
fn a_draft_flag_below_extra_warns_that_the_page_is_published() {
    let site = TestSite::with_files(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n[extra]\nsort_by = \"title\"\n+++\n",
        ),
        (
            "content/tips/x.md",
            "+++\ntitle = \"A\"\n[extra]\ndraft = true\n+++\nText.\n",
        ),
    ]);
    let err = stderr(&site.build_ok(&[]));
    assert_reported(
        &err,
        "warning: content/tips/x.md:4:1: `draft` is inside [extra] (every line after [extra] belongs to it), so the page is not a draft: it will be published",
        "  hint: move the `draft` line above the [extra] line",
    );
    assert_reported(
        &err,
        "warning: content/_index.md:4:1: `sort_by` is inside [extra] (every line after [extra] belongs to it), so the section has no sort by",
        "  hint: move the `sort_by` line above the [extra] line",
    );
}

// ---- future dates on event pages ---------------------------------------------------------------

#[test]
fn a_future_date_on_a_training_page_gets_advice_for_an_event() {
    let site = TestSite::with_files(&[
        (
            "content/training/course.md",
            "+++\ntitle = \"Course\"\ndate = 2099-03-03\n+++\nText.\n",
        ),
        (
            "content/posts/news.md",
            "+++\ntitle = \"News\"\ndate = 2099-03-03\n+++\nText.\n",
        ),
    ]);
    let out = site.hub(&["check"]);
    assert_success(&out);
    let report = stdout(&out);
    assert_reported(
        &report,
        "warning: content/training/course.md:3:8: this page is dated 3 March 2099, in the future; if that is the day of the event, `date` is not the place for it [currency/future-date]",
        "  fix: `date` is the day the page is published, and puts it in order in lists and feeds: set it to today, and give the event's day and time in a [[sessions]] table below the other fields, with start = 2099-03-03T10:00:00, end = \"11:00\" and place = \"…\"",
    );
    assert_reported(
        &report,
        "warning: content/posts/news.md:3:8: this page is dated 3 March 2099, in the future, but it is published now [currency/future-date]",
        "  fix: correct the date, or set `draft = true` until the day it should go out",
    );
}
