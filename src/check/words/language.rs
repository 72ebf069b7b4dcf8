//! Words the plain-language rules use: the officialese and what to say instead, the
//! abbreviations whose full stop does not end a sentence, and the words the syllable
//! counter gets wrong.

/// Memo words and phrases, each with a plainer way to say it, sorted by the phrase (its
/// leading `~` aside).
///
/// The phrase is matched case-insensitively, on word boundaries, anywhere in the prose;
/// words in a phrase may be separated by spaces, line breaks or hyphens. A small notation
/// keeps the table short:
///
/// * `word*` also matches the word's inflections (`ensure*`: ensures, ensured, ensuring;
///   `stakeholder*`: stakeholders; `reach* out`: reached out, reaching out). Inflections
///   count because "we facilitated" sounds just as much like a memo as "we facilitate";
///   word boundaries still hold, so `ensure*` does not match "reassure" or "insurance".
///   A word without `*` matches only as written (`additional` does not match
///   "additionally", which has an entry of its own).
/// * `a/an` matches either word.
/// * `…` stands for one to three words (`in a/an … capacity`: "in a voluntary capacity").
/// * A leading `~` marks a word that is jargon as a verb but plain as a noun: it is not
///   reported right after "a", "an" or "the" unless it ends in -ing or -ed ("a signpost" is
///   a sign; "we signpost people" and "the signposting service" are jargon).
///
/// The suggestion completes the sentence "Try … instead."
///
/// The order does not change what is found: where two matches overlap, the one that starts
/// first (then the longer) is kept, whichever entry it came from, and no two entries match
/// the same words.
#[rustfmt::skip]
pub(crate) const OFFICIALESE: &[(&str, &str)] = &[
    ("a number of", "“some”, “many” or the actual number"),
    ("additional", "“more” or “extra”"),
    ("additionally", "“also”"),
    ("as per", "“as”"),
    ("ascertain*", "“find out”"),
    ("assistance", "“help”"),
    ("at the present time", "“now”"),
    ("at this moment/point in time", "“now”"),
    ("best practice", "“what works” or “a good way to do it”"),
    ("~cascade*", "“share” or “pass on”"),
    ("commence*", "“start” or “begin”"),
    ("commencement", "“start”"),
    ("deliverable*", "saying what you will actually do or make"),
    ("disseminate*", "“share” or “spread the word”"),
    ("due to the fact that", "“because”"),
    ("empower*", "saying what people can now do"),
    ("empowerment", "saying what people can now do"),
    ("enable*", "“let” or “help”"),
    ("endeavor*", "“try”"),
    ("endeavour*", "“try”"),
    ("ensure*", "“make sure”"),
    ("facilitate*", "“help”, “run” or “lead”"),
    ("facilitator*", "“organiser” or “leader”"),
    ("furthermore", "“also”"),
    ("going forward/forwards", "“from now on” or “in future”"),
    ("hereby", "leaving it out"),
    ("herewith", "“here is” or “with this”"),
    ("holistic", "“whole” or “rounded”"),
    ("holistically", "“as a whole”"),
    ("~implement*", "“carry out” or “do”"),
    ("implementation", "“doing” or “carrying out”"),
    ("in a/an … capacity", "“as a …”, for example “as a volunteer”"),
    ("in accordance with", "“under”, “as” or “following”"),
    ("in conjunction with", "“with”"),
    ("in order to", "“to”"),
    ("in receipt of", "“have” or “got”"),
    ("in relation to", "“about”"),
    ("in respect of", "“about” or “for”"),
    ("in terms of", "“about” or “for”"),
    ("in the event of", "“if”"),
    ("in the event that", "“if”"),
    ("in the near future", "“soon”"),
    ("individuals", "“people”"),
    ("learnings", "“lessons” or “what we learned”"),
    ("~leverage*", "“use” or “make the most of”"),
    ("liaise*", "“work with” or “talk to”"),
    ("notwithstanding", "“despite” or “even though”"),
    ("obtain*", "“get”"),
    ("on a daily basis", "“every day”"),
    ("on a regular basis", "“regularly” or “often”"),
    ("optimise*", "“improve” or “make the most of”"),
    ("optimize*", "“improve” or “make the most of”"),
    ("owing to the fact that", "“because”"),
    ("pertaining to", "“about”"),
    ("prior to", "“before”"),
    ("~purchase*", "“buy”"),
    ("reach* out", "“contact” or “get in touch”"),
    ("regarding", "“about”"),
    ("require*", "“need”"),
    ("robust", "“strong” or “thorough”"),
    ("service user*", "“people” or “people who use our services”"),
    ("~signpost*", "“point people to” or “tell people about”"),
    ("stakeholder*", "naming the people involved"),
    ("subsequent to", "“after”"),
    ("subsequently", "“later” or “then”"),
    ("synergy*", "saying how you work together"),
    ("thereby", "“so” or “by doing this”"),
    ("therefore", "“so”"),
    ("touch* base", "“catch up” or “talk”"),
    ("upskill*", "“train” or “learn”"),
    ("utilisation", "“use”"),
    ("utilise*", "“use”"),
    ("utilization", "“use”"),
    ("utilize*", "“use”"),
    ("whilst", "“while”"),
    ("with a view to", "“to”"),
    ("with immediate effect", "“now” or “from today”"),
    ("with regard/regards to", "“about”"),
];

/// Abbreviations whose full stop does not end a sentence (written without the stop).
#[rustfmt::skip]
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "approx", "cf", "cllr", "dept", "dr", "eg", "etc", "fig", "ie", "incl", "jr", "mr", "mrs",
    "ms", "mx", "nb", "prof", "ref", "rev", "sr", "st", "tel", "vs",
];

/// Common words the syllable counter's rules get wrong, with their real count.
#[rustfmt::skip]
pub(crate) const SYLLABLE_EXCEPTIONS: &[(&str, usize)] = &[
    ("area", 3),
    ("areas", 3),
    ("create", 2),
    ("created", 3),
    ("creates", 2),
    ("idea", 3),
    ("ideas", 3),
    ("maybe", 2),
    ("recipe", 3),
    ("video", 3),
    ("videos", 3),
];

#[cfg(test)]
mod tests {
    use super::super::assert_sorted_and_unique;
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        assert_sorted_and_unique(
            "OFFICIALESE",
            OFFICIALESE
                .iter()
                .map(|(phrase, _)| phrase.trim_start_matches('~')),
        );
        assert_sorted_and_unique("ABBREVIATIONS", ABBREVIATIONS.iter().copied());
        assert_sorted_and_unique(
            "SYLLABLE_EXCEPTIONS",
            SYLLABLE_EXCEPTIONS.iter().map(|(word, _)| *word),
        );
    }
}
