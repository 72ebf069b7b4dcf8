//! Words the privacy rules use to tell a person's name from an organisation or a place
//! near a postcode (see `privacy/postcode`). Compared with the word as written, capitals
//! included: a name is Capitalised.

/// Titles that start a name; they may carry a full stop without ending it.
#[rustfmt::skip]
pub(crate) const TITLES: &[&str] = &[
    "Dame", "Dr", "Lady", "Lord", "Miss", "Mr", "Mrs", "Ms", "Mx", "Prof", "Rev", "Revd",
    "Sir",
];

/// Capitalised words that are never part of a person's name: they split a run of capitals,
/// so "Contact Us" or "Write To The Office" is not a name.
#[rustfmt::skip]
pub(crate) const NOT_NAME_WORDS: &[&str] = &[
    "A", "Address", "All", "An", "And", "Any", "Are", "Ask", "At", "Be", "But", "By", "Call",
    "Contact", "Dear", "Do", "Email", "Fax", "Find", "For", "From", "Has", "Have", "He",
    "Hello", "Her", "Here", "Hi", "His", "How", "I", "If", "In", "Into", "Is", "It", "Join",
    "Meet", "My", "No", "Not", "Note", "Of", "On", "Or", "Our", "Phone", "Please", "Post",
    "Read", "Ring", "See", "Send", "She", "Tel", "Telephone", "Thanks", "That", "The", "Their",
    "There", "These", "They", "This", "Those", "To", "Us", "Visit", "Was", "We", "Website",
    "Welcome", "What", "When", "Where", "Who", "Why", "With", "Write", "Yes", "You", "Your",
];

/// Words that make a run of capitals an organisation, a building, a street or a place rather
/// than a person: "Northshire County Council", "County Hall", "12 High Street".
#[rustfmt::skip]
pub(crate) const PLACE_WORDS: &[&str] = &[
    "Agency", "Association", "Authority", "Avenue", "Board", "Borough", "Building",
    "Buildings", "Care", "Center", "Centre", "Charity", "Church", "City", "Clinic", "Close",
    "College", "Council", "County", "Court", "Crescent", "Department", "District", "Drive",
    "East", "Estate", "Floor", "Foundation", "Friday", "Gardens", "Great", "Group", "Grove",
    "Hall", "Headquarters", "Hill", "Hospital", "Hours", "House", "Hub", "Lane", "Library",
    "Limited", "Little", "Lower", "Ltd", "Monday", "North", "Office", "Offices", "Opening",
    "Park", "Partnership", "Place", "Reception", "Road", "Row", "Saturday", "School",
    "Service", "Services", "Society", "South", "Square", "Station", "Street", "Suite",
    "Sunday", "Surgery", "Team", "Terrace", "Thursday", "Town", "Trust", "Tuesday", "Unit",
    "University", "Upper", "Village", "Walk", "Way", "Wednesday", "West",
];

#[cfg(test)]
mod tests {
    use super::super::assert_sorted_and_unique;
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        assert_sorted_and_unique("TITLES", TITLES.iter().copied());
        assert_sorted_and_unique("NOT_NAME_WORDS", NOT_NAME_WORDS.iter().copied());
        assert_sorted_and_unique("PLACE_WORDS", PLACE_WORDS.iter().copied());
    }

    #[test]
    fn no_word_is_both_a_name_breaker_and_a_place() {
        // A word in both lists would be read as the first list says, silently.
        for word in NOT_NAME_WORDS {
            assert!(!PLACE_WORDS.contains(word), "{word} is in both tables");
        }
    }
}
