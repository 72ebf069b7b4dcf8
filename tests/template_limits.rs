//! Templates that would never finish: a template that includes or extends itself (directly
//! or through others) is refused when templates load, naming the chain; a macro that calls
//! itself without end is stopped before the stack runs out and reported at its definition;
//! `range` makes at most 10,000 numbers. In `hub build`, `hub check` and `hub serve` (where
//! saving such a template shows the error in the browser and the server keeps running).

mod common;

use std::time::{Duration, Instant};

use common::preview::Preview;
use common::{assert_site_error, stderr, stdout, TestSite};

fn site_with_templates(templates: &[(&str, &str)]) -> TestSite {
    let site = TestSite::with_files(&[("content/one.md", "+++\ntitle = \"One\"\n+++\nHello.\n")]);
    for (name, text) in templates {
        site.write(&format!("templates/{name}"), text);
    }
    site
}

/// `hub build` fails naming `location` and every phrase of `says`, without writing; `hub
/// check` reports the same.
fn assert_refused(site: &TestSite, location: &str, says: &[&str]) {
    let out = site.hub(&["build"]);
    assert_site_error(&out, location);
    let err = stderr(&out);
    for phrase in says {
        assert!(err.contains(phrase), "expected {phrase:?} in:\n{err}");
    }
    assert!(err.contains("hint:"), "{err}");
    assert!(!site.path("public").exists(), "nothing is written");
    let out = site.hub(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(!stderr(&out).contains("panicked"));
    assert!(
        report.contains(location),
        "hub check names {location}:\n{report}"
    );
}

#[test]
fn a_template_that_includes_itself_is_refused() {
    let site = site_with_templates(&[("page.html", "<p>\n{% include \"page.html\" %}</p>")]);
    assert_refused(
        &site,
        "templates/page.html:2",
        &["includes itself", "page.html → page.html"],
    );
}

#[test]
fn two_templates_that_include_each_other_are_refused() {
    let site = site_with_templates(&[
        ("page.html", "{% include \"a.html\" %}"),
        ("a.html", "A\n{% include \"b.html\" %}"),
        ("b.html", "B\n\n{% include 'a.html' %}"),
    ]);
    assert_refused(&site, "templates/a.html:2", &["a.html → b.html → a.html"]);
}

#[test]
fn two_templates_that_extend_each_other_are_refused() {
    let site = site_with_templates(&[
        ("a.html", "{% extends \"b.html\" %}"),
        ("b.html", "{% extends \"a.html\" %}"),
    ]);
    assert_refused(&site, "templates/", &["extends itself", "a.html", "b.html"]);
}

#[test]
fn a_layout_that_includes_a_template_extending_it_is_refused() {
    let site = site_with_templates(&[
        (
            "page.html",
            "{% extends \"layout.html\" %}{% block main %}x{% endblock %}",
        ),
        (
            "layout.html",
            "<main>{% block main %}{% endblock %}</main>\n{% include \"page.html\" %}",
        ),
    ]);
    assert_refused(
        &site,
        "templates/layout.html:2",
        &["layout.html → page.html → layout.html"],
    );
}

#[test]
fn a_macro_that_never_stops_calling_itself_is_stopped_and_named() {
    let site = site_with_templates(&[
        (
            "page.html",
            "{% import \"loops.html\" as m %}{{ m::count(n=0) }}",
        ),
        (
            "loops.html",
            "{# counting #}\n{% macro count(n) %}{{ n }} {{ self::count(n=n + 1) }}{% endmacro %}",
        ),
    ]);
    assert_refused(
        &site,
        "templates/loops.html:2:1",
        &["the macro `count` calls itself"],
    );
}

#[test]
fn two_macros_calling_each_other_without_end_are_stopped() {
    let site = site_with_templates(&[
        ("page.html", "{% import \"loops.html\" as m %}{{ m::ping() }}"),
        (
            "loops.html",
            "{% macro ping() %}{{ self::pong() }}{% endmacro %}\n{% macro pong() -%}\n  {{ self::ping() }}\n{%- endmacro %}",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "templates/loops.html");
    assert!(
        stderr(&out).contains("calls itself too many times"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_macro_that_calls_itself_a_few_hundred_times_and_stops_still_works() {
    let site = site_with_templates(&[
        (
            "page.html",
            "{% import \"loops.html\" as m %}<p id=\"deep\">{{ m::down(n=0) }}</p>",
        ),
        (
            "loops.html",
            "{% macro down(n) -%}\n  {% if n < 300 %}{{ self::down(n=n + 1) }}{% else %}reached {{ n }}{% endif %}\n{%- endmacro %}",
        ),
    ]);
    site.build_ok(&[]);
    let html = site.html("one/index.html");
    assert_eq!(common::text_of(&html, "#deep"), "reached 300");
}

#[test]
fn a_huge_range_is_an_error_naming_the_template() {
    let site = site_with_templates(&[(
        "page.html",
        "<p>\n{% for i in range(end=100000000) %}{{ i }}{% endfor %}</p>",
    )]);
    assert_refused(
        &site,
        "templates/page.html",
        &["100000000 numbers", "10000"],
    );
}

#[test]
fn a_range_that_steps_by_zero_is_an_error() {
    let site = site_with_templates(&[(
        "page.html",
        "{% for i in range(end=10, step_by=0) %}{{ i }}{% endfor %}",
    )]);
    assert_refused(&site, "templates/page.html", &["step_by=0"]);
}

#[test]
fn ranges_within_the_limit_work_as_in_tera() {
    let site = site_with_templates(&[(
        "page.html",
        "<p id=\"a\">{% for i in range(end=4) %}{{ i }},{% endfor %}</p>\
         <p id=\"b\">{% for i in range(start=2, end=11, step_by=3) %}{{ i }},{% endfor %}</p>\
         <p id=\"c\">{{ range(end=10000) | length }}</p>",
    )]);
    site.build_ok(&[]);
    let html = site.html("one/index.html");
    assert_eq!(common::text_of(&html, "#a"), "0,1,2,3,");
    assert_eq!(common::text_of(&html, "#b"), "2,5,8,");
    assert_eq!(common::text_of(&html, "#c"), "10000");
}

/// GETs `url`, returning the body whatever the status.
fn get(url: &str) -> Option<String> {
    match ureq::get(url).timeout(Duration::from_secs(20)).call() {
        Ok(reply) => reply.into_string().ok(),
        Err(ureq::Error::Status(_, reply)) => reply.into_string().ok(),
        Err(_) => None,
    }
}

#[test]
fn saving_a_template_that_includes_itself_shows_the_error_in_the_preview() {
    let site = site_with_templates(&[("page.html", "<p>fine page</p>")]);
    let mut server = Preview::start(site.root(), &[]);
    let port = server.port;
    let url = format!("http://127.0.0.1:{port}/one/");
    let poll = |what: &str, done: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(body) = get(&url) {
                if done(&body) {
                    return body;
                }
            }
            assert!(Instant::now() < deadline, "waited for the page to {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    poll("show", &|body| body.contains("fine page"));
    site.write(
        "templates/page.html",
        "<p>\n{% include \"page.html\" %}</p>",
    );
    let body = poll("show the error", &|body| body.contains("includes itself"));
    assert!(body.contains("templates/page.html"), "{body}");
    assert!(server.is_running(), "the server is still running");
    site.write("templates/page.html", "<p>fixed page</p>");
    poll("show the fixed template", &|body| {
        body.contains("fixed page")
    });
}
