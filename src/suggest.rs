//! "Did you mean …?": the known name closest in spelling to a misspelt one, for messages
//! about unknown fields, statuses, links and headings.

/// The one of `candidates` that `word` is most likely a misspelling of, if any is close.
/// Case, `-` and spaces are ignored (`Tags`, `risks-future`), and the number of letters that
/// may differ grows with the length of the name, so that short names do not match anything.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = comparable(word);
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&word, &comparable(candidate));
            (distance, candidate)
        })
        .filter(|&(distance, candidate)| distance <= allowed_distance(candidate))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
}

/// `Risks-Future` → `risks_future`.
pub(crate) fn comparable(name: &str) -> String {
    name.trim().to_lowercase().replace(['-', ' '], "_")
}

/// One slip in a short name, two in a long one.
fn allowed_distance(candidate: &str) -> usize {
    if candidate.chars().count() >= 8 {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_case_slips() {
        let fields = ["title", "tags", "description", "review_by", "date"];
        assert_eq!(closest("tag", fields), Some("tags"));
        assert_eq!(closest("Tags", fields), Some("tags"));
        assert_eq!(closest("descripton", fields), Some("description"));
        assert_eq!(closest("reveiw_by", fields), Some("review_by"));
        assert_eq!(
            closest(
                "policies/photo-concent.md",
                ["policies/photo-consent.md", "tips/x.md"]
            ),
            Some("policies/photo-consent.md")
        );
        assert_eq!(
            closest("befor-you-post", ["before-you-post", "never-post"]),
            Some("before-you-post")
        );
    }

    #[test]
    fn says_nothing_when_nothing_is_close() {
        assert_eq!(closest("colour", ["title", "tags"]), None);
        assert_eq!(closest("tips/a.md", ["posts/zebra.md"]), None);
    }
}
