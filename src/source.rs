//! A file as its author wrote it: a page, a section, a data file or site.toml. Every stage
//! that reports a place in a file (the build's errors, `hub check`'s findings, the privacy
//! gate) reads the file's text and path from here, so there is one type for "a file as
//! written" however it is used.

use std::path::PathBuf;

/// A file's path and whole text, and where its Markdown body starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceText {
    /// Path relative to the site root, e.g. `content/tips/x.md` or `data/team.toml`.
    pub path: PathBuf,
    /// The whole file: front matter and body.
    pub text: String,
    /// Byte offset in `text` where the Markdown body starts: after the front matter, or 0 for
    /// a file that has none (data files and site.toml are all "body").
    pub body_start: usize,
}

impl SourceText {
    /// A file with no front matter: the whole text is its body.
    pub(crate) fn whole(path: impl Into<PathBuf>, text: impl Into<String>) -> SourceText {
        SourceText {
            path: path.into(),
            text: text.into(),
            body_start: 0,
        }
    }

    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The number of lines before the body, to turn a line of the body into a line of the
    /// file.
    pub(crate) fn body_line_offset(&self) -> usize {
        self.text.as_bytes()[..self.body_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_follows_the_front_matter() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let file = SourceText {
            path: "content/a.md".into(),
            text: text.into(),
            body_start: text.find("Body").unwrap(),
        };
        assert_eq!(file.body(), "Body\n");
        assert_eq!(file.body_line_offset(), 3);
        let whole = SourceText::whole("data/a.toml", "a = 1\n");
        assert_eq!((whole.body(), whole.body_line_offset()), ("a = 1\n", 0));
    }
}
