//! Slugs: the URL-safe names made from file names, `slug` fields, tags and headings.

/// Lowercase ASCII slug: non-ASCII letters are folded (`Café` → `cafe`), every run of other
/// characters becomes one `-`, and no `-` is left at either end. May return an empty string
/// when nothing usable is left (`"!!!"`); callers decide what that means.
pub fn slugify(text: &str) -> String {
    let folded = deunicode::deunicode(text);
    let mut slug = String::with_capacity(folded.len());
    let mut pending_dash = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_and_collapses() {
        assert_eq!(slugify("Café"), "cafe");
        assert_eq!(slugify("Safe Posting"), "safe-posting");
        assert_eq!(slugify("  X / Twitter!! "), "x-twitter");
        assert_eq!(slugify("Ärger über Straße"), "arger-uber-strasse");
        assert_eq!(slugify("follow_thirty"), "follow-thirty");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("GDPR 2026"), "gdpr-2026");
    }
}
