//! "Did you mean …?": the known name closest in spelling to a misspelt one, for messages
//! about unknown fields, links and headings.

/// The candidate closest to `wrong` (ignoring case), when it is close enough to be a likely
/// typo: at most a third of the longer name's letters differ, and never more than four.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let distance = strsim::levenshtein(&wrong_lower, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|&(distance, candidate)| {
            let longer = wrong.chars().count().max(candidate.chars().count());
            distance > 0 && distance <= (longer / 3).min(4) || distance == 0 && candidate != wrong
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
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
    }

    #[test]
    fn says_nothing_when_nothing_is_close() {
        assert_eq!(closest("colour", ["title", "tags"]), None);
        assert_eq!(closest("title", ["title"]), None);
        assert_eq!(closest("x", ["y"]), None);
    }
}
