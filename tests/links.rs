//! Links and images as writers really write them: every broken one stops `hub build` with
//! its file, line and a fix, once and where it is written (no errors that follow from
//! another), and the forms editors produce (an image beside the page, a link to a `.md` file)
//! either work or say exactly what to write.

mod common;

use common::*;
use scraper::Html;

const HOME: (&str, &str) = (
    "content/_index.md",
    "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
);
const POLICY: (&str, &str) = (
    "content/policies/confidentiality.md",
    "+++\ntitle = \"Confidentiality\"\n+++\n\n## Before you post\n\nThink.\n\n## Never post\n\nNames.\n",
);

/// The `error:` lines of a failed command, each with its hint line.
fn errors(out: &std::process::Output) -> Vec<(String, String)> {
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("error: "))
        .map(|(i, l)| {
            let hint = lines
                .get(i + 1)
                .and_then(|h| h.strip_prefix("  hint: "))
                .unwrap_or_default();
            (l.to_string(), hint.to_string())
        })
        .collect()
}

fn img_srcs(html: &Html) -> Vec<String> {
    select(html, "main img")
        .iter()
        .filter_map(|img| img.value().attr("src").map(str::to_string))
        .collect()
}

#[test]
fn a_draft_linked_from_several_pages_is_reported_once_per_link_and_nothing_else() {
    let site = copy_guide();
    let path = "content/tips/linkedin.md";
    let text = std::fs::read_to_string(site.path(path)).expect("guide page");
    let (front, rest) = text[3..].split_once("+++").expect("front matter");
    site.write(path, &format!("+++{front}draft = true\n+++{rest}"));
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/policies/confidentiality.md:");
    let errors = errors(&out);
    assert_eq!(errors.len(), 3, "{}", stderr(&out));
    for (line, hint) in &errors {
        assert!(
            line.contains("link to a draft page, which is not published: @/tips/linkedin.md"),
            "{line}"
        );
        assert!(
            hint.contains("removing `draft = true`") && hint.contains("content/tips/linkedin.md"),
            "{hint}"
        );
    }
    assert!(!stderr(&out).contains("heading that does not exist"));
    assert!(!site.path("public").exists(), "something was published");
}

#[test]
fn a_missing_heading_gets_did_you_mean() {
    let site = TestSite::with_files(&[
        HOME,
        POLICY,
        (
            "content/tips/a.md",
            "+++\ntitle = \"A\"\n+++\n\nSee [the rule](@/policies/confidentiality.md#befor-you-post).\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/a.md:5:5");
    let errors = errors(&out);
    assert_eq!(errors.len(), 1, "{}", stderr(&out));
    assert!(errors[0]
        .1
        .starts_with("did you mean @/policies/confidentiality.md#before-you-post?"));
}

#[test]
fn a_misspelt_internal_link_gets_did_you_mean() {
    let site = TestSite::with_files(&[
        HOME,
        POLICY,
        (
            "content/tips/a.md",
            "+++\ntitle = \"A\"\n+++\n\nRead [the policy](@/policies/confidentality.md).\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/a.md:5:6");
    let errors = errors(&out);
    assert_eq!(
        errors[0].0,
        "error: content/tips/a.md:5:6: link to a page that does not exist: @/policies/confidentality.md"
    );
    assert!(
        errors[0]
            .1
            .starts_with("did you mean @/policies/confidentiality.md?"),
        "{}",
        errors[0].1
    );
}

#[test]
fn relative_links_to_markdown_files_say_how_to_write_them() {
    let site = TestSite::with_files(&[
        HOME,
        POLICY,
        (
            "content/posts/why-i-post.md",
            "+++\ntitle = \"Why I post\"\n+++\n\nRead [it](../../policies/confidentiality.md#never-post)\nand [again](../policies/confidentiality.md).\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/posts/why-i-post.md:5:6");
    let errors = errors(&out);
    assert_eq!(errors.len(), 2, "{}", stderr(&out));
    assert_eq!(
        errors[0],
        (
            "error: content/posts/why-i-post.md:5:6: link to a Markdown file: ../../policies/confidentiality.md#never-post".to_string(),
            "write it as @/policies/confidentiality.md#never-post: hub turns @/ links into the page's web address and checks them".to_string()
        )
    );
    assert!(errors[1]
        .0
        .starts_with("error: content/posts/why-i-post.md:6:5: "));
    assert!(errors[1]
        .1
        .starts_with("write it as @/policies/confidentiality.md:"));
}

#[test]
fn an_image_beside_an_ordinary_page_is_published_and_shown() {
    let site = TestSite::with_files(&[
        HOME,
        (
            "content/posts/why-i-post.md",
            "+++\ntitle = \"Why I post\"\nimage = \"summer-fair.jpg\"\n+++\n\n![Stalls at the summer fair](summer-fair.jpg)\n",
        ),
    ]);
    let mut photo = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut photo)
        .encode(&[90; 16 * 8 * 3], 16, 8, image::ExtendedColorType::Rgb8)
        .expect("a small JPEG");
    site.write_bytes("content/posts/summer-fair.jpg", &photo);
    site.build_ok(&[]);
    assert_eq!(
        std::fs::read(site.path("public/posts/summer-fair.jpg")).expect("copied photo"),
        photo
    );
    // The picture shows the photo's resized copy, published beside it.
    let html = site.html("posts/why-i-post/index.html");
    let srcs = img_srcs(&html);
    assert_eq!(srcs.len(), 1);
    let copy = srcs[0]
        .strip_prefix("https://hub.example.org/posts/summer-fair.16w.")
        .filter(|rest| rest.ends_with(".jpg"))
        .unwrap_or_else(|| panic!("{srcs:?}: the photo's 16-pixel copy"));
    assert!(site
        .path("public/posts")
        .join(format!("summer-fair.16w.{copy}"))
        .is_file());
    let og_image: Vec<String> = select(&html, "meta[property='og:image']")
        .iter()
        .filter_map(|m| m.value().attr("content").map(str::to_string))
        .collect();
    assert_eq!(og_image, ["https://hub.example.org/posts/summer-fair.jpg"]);
}

#[test]
fn a_missing_image_says_where_to_put_it() {
    let site = TestSite::with_files(&[
        HOME,
        (
            "content/posts/why-i-post.md",
            "+++\ntitle = \"Why I post\"\n+++\n\n![Stalls at the summer fair](summer-fair.jpg)\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/posts/why-i-post.md:5:1");
    assert_eq!(
        errors(&out),
        [(
            "error: content/posts/why-i-post.md:5:1: image summer-fair.jpg is not in the site".to_string(),
            "put summer-fair.jpg in content/posts/, next to why-i-post.md, or in static/ and write the address as /summer-fair.jpg".to_string()
        )]
    );
    assert!(!stderr(&out).contains("index.md"));
    assert!(!site.path("public").exists(), "something was published");
}

#[test]
fn an_image_with_the_wrong_folder_gets_did_you_mean() {
    let site = TestSite::with_files(&[
        HOME,
        (
            "content/posts/why-i-post.md",
            "+++\ntitle = \"Why I post\"\n+++\n\n![Our logo](/logo.png)\n",
        ),
    ]);
    site.write_bytes("static/images/logo.png", b"png");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/posts/why-i-post.md:5:1");
    assert_eq!(
        errors(&out)[0].1,
        "did you mean /images/logo.png? The site has a file of that name there"
    );
}

#[test]
fn broken_plain_links_and_missing_images_stop_the_build() {
    let site = TestSite::with_files(&[
        HOME,
        POLICY,
        (
            "content/policies/photo-consent.md",
            "+++\ntitle = \"Photo consent\"\n+++\n\nAsk first.\n",
        ),
        (
            "content/tips/a.md",
            concat!(
                "+++\ntitle = \"A\"\n+++\n\n",
                "Read [the consent policy](/policies/photo-concent/).\n\n",
                "Read [the rule](/policies/confidentiality/#never-pst).\n\n",
                "![Our team](/images/team.png)\n\n",
                "[The NHS](https://www.nhs.uk/) and [write](mailto:?subject=Hello) are not checked.\n",
            ),
        ),
    ]);
    let before = site.snapshot("public");
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/tips/a.md:5:6");
    let errors = errors(&out);
    assert_eq!(
        errors,
        [
            (
                "error: content/tips/a.md:5:6: link to /policies/photo-concent/, a page the site does not have".to_string(),
                "did you mean /policies/photo-consent/? Links written @/ and the page's file (@/tips/facebook.md) are checked and kept right by hub".to_string()
            ),
            (
                "error: content/tips/a.md:7:6: link to /policies/confidentiality/#never-pst: that page has no heading #never-pst".to_string(),
                "did you mean #never-post? A heading's id is its text in lower case, with - for spaces".to_string()
            ),
            (
                "error: content/tips/a.md:9:1: image /images/team.png is not in the site".to_string(),
                "put team.png in static/images/, or correct the address".to_string()
            ),
        ]
    );
    assert_eq!(site.snapshot("public"), before, "the output changed");

    // `hub check` reports the same links, once each.
    let out = site.hub(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let rules: Vec<(String, u64)> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|f| f["rule"].as_str().unwrap_or_default().starts_with("links/"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("links/broken".to_string(), 5),
            ("links/anchor".to_string(), 7),
            ("links/missing-file".to_string(), 9)
        ]
    );
}

#[test]
fn a_page_image_that_does_not_exist_is_an_error_at_its_line() {
    let site = TestSite::with_files(&[
        HOME,
        (
            "content/posts/why-i-post.md",
            "+++\ntitle = \"Why I post\"\nimage = \"cover.jpg\"\n+++\n\nText.\n",
        ),
    ]);
    let out = site.hub(&["build"]);
    assert_site_error(&out, "content/posts/why-i-post.md:3:9");
    assert_eq!(
        errors(&out)[0].0,
        "error: content/posts/why-i-post.md:3:9: the page's `image` (cover.jpg) is not in the site"
    );
    // An image elsewhere on the web is not checked.
    site.write(
        "content/posts/why-i-post.md",
        "+++\ntitle = \"Why I post\"\nimage = \"https://images.example.org/cover.jpg\"\n+++\n\nText.\n",
    );
    site.build_ok(&[]);
}
