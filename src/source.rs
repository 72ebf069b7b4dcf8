//! A file as its author wrote it: a page, a section, a data file or site.toml. Every stage
//! that reports a place in a file (the build's errors, `hub check`'s findings, the privacy
//! gate) reads the file's text and path from here, so there is one type for "a file as
//! written" however it is used.

use std::path::{Path, PathBuf};

use crate::error::{line_col, Diagnostic};

/// The bytes of a text file the user wrote (a page, site.toml, a data file) as text: UTF-8,
/// with a leading byte order mark dropped and old Mac line ends (a CR alone) read as line ends,
/// so that every later stage sees one kind of text. A file saved as UTF-16 (Notepad's
/// "Unicode") or in another encoding is refused with where the first bad byte is; `path` is
/// the site-relative path the problem names.
pub(crate) fn decode_text(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Diagnostic::new(
            path,
            "this file is saved as UTF-16 (Notepad calls it \"Unicode\"), not as UTF-8 text",
        )
        .at(1, Some(1))
        .hint("open it and save it again with the encoding UTF-8 (in Notepad: Save as, then Encoding: UTF-8)"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
            let (line, col) = line_col(valid, offset);
            return Err(Diagnostic::new(
                path,
                "this file is not UTF-8 text (is it a binary file, or saved in another encoding?)",
            )
            .at(line, Some(col))
            .hint("save it as UTF-8 in your editor (the byte at this place is not UTF-8)"));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if let Some(d) = control_character(path, &text) {
        return Err(d);
    }
    Ok(lone_carriage_returns_as_line_ends(text))
}

/// The first character of `text` that XML 1.0 does not allow (control characters other than
/// tab and line ends, U+FFFE, U+FFFF), as a problem at its line and column. Such a character
/// is invisible in most editors, never typed on purpose, a parse error in HTML, and would make
/// the feeds and the sitemap invalid XML that feed readers refuse.
fn control_character(path: &Path, text: &str) -> Option<Diagnostic> {
    let (offset, c) = text
        .char_indices()
        .find(|&(_, c)| is_invisible_control(c))?;
    let (line, col) = line_col(text, offset);
    Some(
        Diagnostic::new(
            path,
            format!(
                "an invisible control character (U+{:04X}) is here: web pages and feeds cannot hold it",
                u32::from(c)
            ),
        )
        .at(line, Some(col))
        .hint("delete it (it often comes with text pasted from a terminal or an old document): put the cursor at this place and press Delete"),
    )
}

fn is_invisible_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `\r` not followed by `\n` (line ends of old Mac editors) becomes `\n`; Windows' `\r\n`
/// is left as it is (every parser hub uses reads it).
fn lone_carriage_returns_as_line_ends(text: String) -> String {
    let lone = |(i, b): (usize, &u8)| *b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n');
    if !text.as_bytes().iter().enumerate().any(lone) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

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
    fn control_characters_are_found_at_their_line_and_column() {
        let d = control_character(Path::new("x.md"), "ab\nc\u{1b}d").expect("found");
        assert_eq!((d.line, d.column), (Some(2), Some(2)));
        assert!(d.message.contains("U+001B"));
        assert!(
            control_character(Path::new("x.md"), "tab\there\r\nand \u{7f} \u{a0} \u{200b}")
                .is_none()
        );
        assert!(control_character(Path::new("x.md"), "\u{fffe}").is_some());
    }

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

    #[test]
    fn text_is_decoded_once_for_every_file() {
        let p = Path::new("content/a.md");
        let decode = |bytes: &[u8]| decode_text(p, bytes.to_vec());
        assert_eq!(decode(b"\xef\xbb\xbfa\r\nb").unwrap(), "a\r\nb");
        assert_eq!(decode(b"a\rb\r\rc\r\n").unwrap(), "a\nb\n\nc\r\n");
        let latin = decode(b"ok\nCaf\xe9\n").unwrap_err();
        assert_eq!((latin.line, latin.column), (Some(2), Some(4)));
        let control = decode(b"+++\nok\n+++\nA \x1b[31m red\n").unwrap_err();
        assert_eq!((control.line, control.column), (Some(4), Some(3)));
        assert!(control.message.contains("U+001B"), "{}", control.message);
        assert!(decode(b"\ttab\r\n").is_ok());
        let wide = decode(b"\xff\xfet\0i\0").unwrap_err();
        assert!(wide.message.contains("UTF-16"), "{}", wide.message);
        assert!(wide.hint.unwrap().contains("UTF-8"));
    }
}
