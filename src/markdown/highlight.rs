//! Syntax highlighting of fenced code with syntect. The syntax and theme sets are loaded at
//! most once per process, and only when a page actually has a fenced block with a language.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use syntect::highlighting::{Highlighter, Style, Theme, ThemeSet};
use syntect::html::{
    append_highlighted_html_for_styled_line, css_for_theme_with_class_style,
    start_highlighted_html_snippet, ClassStyle, ClassedHTMLGenerator, IncludeBackground,
};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Class prefix for `highlight_theme = "css"`, so highlighting classes cannot clash with a theme's.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// The theme `/syntax.css` is made from in class mode.
const CSS_MODE_THEME: &str = "InspiredGitHub";

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// How fenced code is coloured.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Highlighting {
    /// Inline `style=` attributes from the named theme.
    Inline(String),
    /// `class=` attributes, with the colours in `/syntax.css`.
    Classes,
}

impl Highlighting {
    /// Reads `highlight_theme`; an unknown theme name is an error listing the known ones.
    pub fn from_setting(name: &str) -> Result<Highlighting, String> {
        if name == "css" {
            return Ok(Highlighting::Classes);
        }
        if themes().themes.contains_key(name) {
            Ok(Highlighting::Inline(name.to_string()))
        } else {
            let known: Vec<&str> = themes().themes.keys().map(String::as_str).collect();
            Err(format!("use \"css\" or one of: {}", known.join(", ")))
        }
    }

    /// The stylesheet to write as `/syntax.css`, in class mode only.
    pub(crate) fn stylesheet(&self) -> Option<String> {
        match self {
            Highlighting::Classes => {
                css_for_theme_with_class_style(&themes().themes[CSS_MODE_THEME], CLASS_STYLE).ok()
            }
            Highlighting::Inline(_) => None,
        }
    }

    fn theme(&self) -> Option<&'static Theme> {
        match self {
            Highlighting::Inline(name) => themes().themes.get(name),
            Highlighting::Classes => None,
        }
    }

    /// HTML for one fenced block. Unknown languages are shown as plain escaped code.
    ///
    /// Results are remembered for the life of the process: highlighting is the slowest part
    /// of rendering Markdown, the same snippet often appears on several pages, and the preview
    /// server rebuilds pages whose code blocks have not changed.
    pub(super) fn highlight(&self, code: &str, language: &str) -> String {
        type Cache = Mutex<HashMap<(Highlighting, String, String), String>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let key = (self.clone(), language.to_string(), code.to_string());
        if let Some(html) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return html;
        }
        let html = self.highlight_uncached(code, language);
        if let Ok(mut cache) = cache.lock() {
            cache.insert(key, html.clone());
        }
        html
    }

    fn highlight_uncached(&self, code: &str, language: &str) -> String {
        let language_class = language_class(language);
        let Some(syntax) = (!language.is_empty())
            .then(|| syntaxes().find_syntax_by_token(language))
            .flatten()
        else {
            let mut html = format!("<pre><code{language_class}>");
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, code);
            html.push_str("</code></pre>\n");
            return html;
        };
        match self.theme() {
            Some(theme) => {
                match highlighted_html(code, syntax, theme) {
                    // syntect writes `<pre style="...">` and spans; add the `<code>` that
                    // HTML expects inside, carrying the language.
                    Some(html) => match html.find('>') {
                        Some(end) => {
                            let body = html[end + 1..]
                                .trim_start_matches('\n')
                                .trim_end()
                                .trim_end_matches("</pre>");
                            format!(
                                "{}<code{language_class}>{body}</code></pre>\n",
                                &html[..=end]
                            )
                        }
                        None => plain(code, &language_class),
                    },
                    None => plain(code, &language_class),
                }
            }
            None => {
                let mut generator =
                    ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
                for line in LinesWithEndings::from(code) {
                    if generator
                        .parse_html_for_line_which_includes_newline(line)
                        .is_err()
                    {
                        return plain(code, &language_class);
                    }
                }
                format!(
                    "<pre class=\"hl-code\"><code{language_class}>{}</code></pre>\n",
                    generator.finalize()
                )
            }
        }
    }
}

/// What syntect's `highlighted_html_for_string` makes, with the style of each scope stack
/// remembered. syntect resolves a style by matching every rule of the theme against the
/// stack at every change of scope, which was most of the time spent highlighting; the same
/// few hundred stacks come back in every block of a language.
fn highlighted_html(code: &str, syntax: &SyntaxReference, theme: &'static Theme) -> Option<String> {
    let highlighter = Highlighter::new(theme);
    let (mut html, background) = start_highlighted_html_snippet(theme);
    let mut parser = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut regions: Vec<(Style, &str)> = Vec::new();
    for line in LinesWithEndings::from(code) {
        regions.clear();
        let mut start = 0;
        for (at, op) in parser.parse_line(line, syntaxes()).ok()? {
            if at > start {
                regions.push((style_for(&highlighter, theme, &stack), &line[start..at]));
                start = at;
            }
            stack.apply(&op).ok()?;
        }
        if start < line.len() {
            regions.push((style_for(&highlighter, theme, &stack), &line[start..]));
        }
        append_highlighted_html_for_styled_line(
            &regions,
            IncludeBackground::IfDifferent(background),
            &mut html,
        )
        .ok()?;
    }
    html.push_str("</pre>\n");
    Some(html)
}

/// The style of a scope stack in `theme`, remembered per thread (rendering runs on every core).
fn style_for(highlighter: &Highlighter<'_>, theme: &'static Theme, stack: &ScopeStack) -> Style {
    type Styles = HashMap<usize, HashMap<Vec<Scope>, Style>>;
    thread_local! {
        static STYLES: RefCell<Styles> = RefCell::new(HashMap::new());
    }
    // The themes are loaded once for the process, so a theme's address names it.
    let theme_key = std::ptr::from_ref(theme) as usize;
    STYLES.with_borrow_mut(|styles| {
        let known = styles.entry(theme_key).or_default();
        if let Some(style) = known.get(stack.as_slice()) {
            return *style;
        }
        let style = highlighter.style_for_stack(stack.as_slice());
        known.insert(stack.as_slice().to_vec(), style);
        style
    })
}

fn language_class(language: &str) -> String {
    let clean: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#'))
        .collect();
    if clean.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{clean}\"")
    }
}

fn plain(code: &str, language_class: &str) -> String {
    let mut html = format!("<pre><code{language_class}>");
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, code);
    html.push_str("</code></pre>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_theme_lists_known_ones() {
        let e = Highlighting::from_setting("Nope").unwrap_err();
        assert!(e.contains("InspiredGitHub"));
    }

    #[test]
    fn inline_mode_uses_styles() {
        let h = Highlighting::from_setting("InspiredGitHub").unwrap();
        let html = h.highlight("fn main() {}\n", "rust");
        assert!(html.starts_with("<pre style="), "{html}");
        assert!(
            html.contains("<code class=\"language-rust\"><span style="),
            "{html}"
        );
        assert!(html.ends_with("</code></pre>\n"), "{html}");
        assert!(html.contains("<span style="));
    }

    #[test]
    fn class_mode_uses_classes_and_has_a_stylesheet() {
        let h = Highlighting::from_setting("css").unwrap();
        let html = h.highlight("fn main() {}\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(h.stylesheet().unwrap().contains(".hl-"));
    }

    /// The remembered styles change nothing: the HTML is what syntect makes by itself, for
    /// several languages (each with nested scopes) and for every bundled theme, twice over so
    /// that the second pass runs on remembered styles.
    #[test]
    fn inline_html_is_exactly_what_syntect_makes() {
        let samples = [
            (
                "rust",
                "/// Docs\nfn main() {\n    let x = \"a {}\";\n    println!(\"{x}\"); // done\n}\n",
            ),
            (
                "python",
                "def f(x):\n    '''Doc.'''\n    return [i * 2 for i in x if i]  # twice\n",
            ),
            (
                "html",
                "<!-- c -->\n<p class=\"a\">Hi &amp; <b>bye</b></p>\n<script>let a = 1;</script>\n",
            ),
            ("json", "{\"a\": [1, 2.5, true, null], \"b\": \"x\"}\n"),
            (
                "sh",
                "for f in *.md; do echo \"$f\" | wc -l; done # count\n",
            ),
            (
                "css",
                "a:hover { color: #fff; margin: 0 auto !important; }\n",
            ),
        ];
        for theme_name in themes().themes.keys() {
            let theme = &themes().themes[theme_name];
            for _ in 0..2 {
                for (language, code) in samples {
                    let syntax = syntaxes().find_syntax_by_token(language).unwrap();
                    let expected =
                        syntect::html::highlighted_html_for_string(code, syntaxes(), syntax, theme)
                            .unwrap();
                    assert_eq!(
                        highlighted_html(code, syntax, theme).as_deref(),
                        Some(expected.as_str()),
                        "{language} in {theme_name}"
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let h = Highlighting::from_setting("css").unwrap();
        assert_eq!(
            h.highlight("<b>\n", "nosuchlang"),
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>\n"
        );
    }
}
