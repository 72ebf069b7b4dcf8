//! The word tables of `hub check`'s rules, one file per family: the officialese and its
//! plainer alternatives, the words that make a run of capitals a person's name or a place,
//! the link texts that say nothing. They are data, kept apart from the logic that reads
//! them so that adding a word is a one-line change that cannot break a rule. Every table is
//! sorted and free of duplicates (the tests below each table say so); the rules look words
//! up by content, never by position.

pub(super) mod a11y;
pub(super) mod language;
pub(super) mod privacy;

/// Fails when `keys` are not in strictly increasing order, which also rules out duplicates.
#[cfg(test)]
fn assert_sorted_and_unique<'a>(table: &str, keys: impl IntoIterator<Item = &'a str>) {
    let keys: Vec<&str> = keys.into_iter().collect();
    for pair in keys.windows(2) {
        assert!(
            pair[0] < pair[1],
            "{table}: \"{}\" should come after \"{}\" (sorted, no duplicates)",
            pair[0],
            pair[1]
        );
    }
}
