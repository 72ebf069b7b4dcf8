//! Words the accessibility rules use to spot link text and alt text that say nothing.

/// Link texts that say nothing about where the link goes, in small letters with punctuation
/// made spaces (as `a11y::normalize` leaves them).
#[rustfmt::skip]
pub(crate) const VAGUE_LINK_TEXTS: &[&str] = &[
    "click", "click here", "continue reading", "find out more", "go", "here", "learn more",
    "link", "more", "more info", "read more", "this", "this link", "this page",
];

/// Alt texts that name the medium, not what the image shows, once "a", "an" or "the" before
/// them and "of" after them are taken off ("a photo of"). In small letters.
#[rustfmt::skip]
pub(crate) const UNHELPFUL_ALT_WORDS: &[&str] = &[
    "graphic", "graphics", "icon", "icons", "image", "images", "img", "photo", "photograph",
    "photos", "pic", "picture", "pictures", "screenshot", "screenshots",
];

#[cfg(test)]
mod tests {
    use super::super::assert_sorted_and_unique;
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        assert_sorted_and_unique("VAGUE_LINK_TEXTS", VAGUE_LINK_TEXTS.iter().copied());
        assert_sorted_and_unique("UNHELPFUL_ALT_WORDS", UNHELPFUL_ALT_WORDS.iter().copied());
    }
}
